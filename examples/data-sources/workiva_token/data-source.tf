# The token is stored in state (sensitive). Prefer the ephemeral resource
# wherever the consumer accepts ephemeral values.
data "workiva_token" "pipeline" {
  scopes = ["file:read"]
}

output "granted_scope" {
  value = data.workiva_token.pipeline.scope
}

output "token_expires_at" {
  value = data.workiva_token.pipeline.expires_at
}
