# Runs against a real token endpoint: the local IAM server that the test
# harness starts (internal/cmd/localiam), whose URL and demo grant reach the
# provider as WORKIVA_TOKEN_URL, WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET.

run "issues_a_token_for_the_requested_scope" {
  command = apply

  assert {
    condition     = output.granted_scope == "file:read"
    error_message = "The token was granted ${output.granted_scope}, not file:read."
  }

  assert {
    condition     = output.client_id == "demo-integration"
    error_message = "The token was issued to ${output.client_id}."
  }

  assert {
    condition     = timecmp(output.expires_at, plantimestamp()) > 0
    error_message = "The token expires at ${output.expires_at}, before the run started."
  }
}

run "asks_for_more_scopes" {
  command = apply

  variables {
    scopes = ["file:read", "graph:read"]
  }

  assert {
    condition     = toset(split(" ", output.granted_scope)) == toset(["file:read", "graph:read"])
    error_message = "Granted ${output.granted_scope}."
  }
}
