terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# RFC 7523 section 2.1: the CI token is the grant. The server (Ory Hydra with
# a trust relationship for the CI issuer and subject, say) issues a token for
# it; the pipeline has no client credential at all.
provider "workiva" {
  token_url   = "https://hydra.example.com/oauth2/token"
  api_version = ""
  grant_type  = "jwt_bearer"
  scopes      = ["deploy"]

  workload_identity = {
    source   = "github_actions"
    audience = "https://hydra.example.com/oauth2/token"
  }
}

ephemeral "workiva_token" "deploy" {}

resource "terraform_data" "deploy" {
  provisioner "local-exec" {
    command     = "./deploy.sh"
    environment = { API_TOKEN = ephemeral.workiva_token.deploy.access_token }
  }
}
