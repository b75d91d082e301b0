terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# GitLab CI: the job declares
#   id_tokens:
#     WORKIVA_ID_TOKEN:
#       aud: https://keycloak.example.com/realms/ci
# and the provider reads the variable for every token request. Keycloak: the
# client authenticates with "Signed JWT - Federated", trusting GitLab.
provider "workiva" {
  client_id   = "terraform"
  token_url   = "https://keycloak.example.com/realms/ci/protocol/openid-connect/token"
  api_version = ""

  workload_identity = {
    source   = "env"
    env_var  = "WORKIVA_ID_TOKEN"
    audience = "https://keycloak.example.com/realms/ci"
  }
}

ephemeral "workiva_token" "deploy" {
  scopes = ["api://example-api/.default"]
}
