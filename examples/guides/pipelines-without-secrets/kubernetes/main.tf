terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# Kubernetes: a projected service-account token (kubelet rewrites the file
# before it expires), read for every token request.
provider "workiva" {
  client_id   = "00000000-0000-0000-0000-000000000001"
  token_url   = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token"
  api_version = ""

  workload_identity = {
    source = "file"
    file   = "/var/run/secrets/tokens/workiva"
  }
}

ephemeral "workiva_token" "deploy" {
  scopes = ["api://example-api/.default"]
}
