# Runs without any token endpoint: the workiva provider is mocked. The CLI
# still loads the provider's schema, so the provider must be installed.

mock_provider "workiva" {
  mock_data "workiva_token" {
    defaults = {
      scope        = "file:read"
      client_id    = "mock-client"
      access_token = "mock-token"
      expires_at   = "2030-01-01T00:00:00Z"
    }
  }
}

run "reports_what_the_token_says" {
  command = apply

  variables {
    scopes = ["file:read"]
  }

  assert {
    condition     = output.granted_scope == "file:read" && output.client_id == "mock-client"
    error_message = "Unexpected outputs: ${output.granted_scope}, ${output.client_id}."
  }
}
