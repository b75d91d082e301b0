# A pipeline checks the CI system's identity token before it is used (for
# workload_identity, say): issuer and project. The claims are read, not
# verified; the server that receives the token verifies it.
variable "id_token" {
  description = "The job's OIDC token (GitLab's id_tokens, say)."
  type        = string
  ephemeral   = true
}

locals {
  claims = provider::workiva::jwt_claims(var.id_token)
}

check "pipeline_identity" {
  assert {
    condition     = local.claims.iss == "https://gitlab.com" && startswith(local.claims.sub, "project_path:acme/")
    error_message = "The identity token comes from another issuer or project."
  }
}
