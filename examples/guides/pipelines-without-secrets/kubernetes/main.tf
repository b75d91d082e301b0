terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# Kubernetes: a projected service-account token (kubelet rewrites the file
# before it expires), read for every token request. On AKS with workload
# identity the pod has it at $AZURE_FEDERATED_TOKEN_FILE, for the app
# registration whose federated credential names the service account.
provider "workiva" {
  client_id   = "00000000-0000-0000-0000-000000000001"
  token_url   = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token"
  api_version = ""
  scopes      = ["api://example-api/.default"] # Entra ID needs a scope in every request

  workload_identity = {
    source = "file"
    file   = "/var/run/secrets/azure/tokens/azure-identity-token"
  }
}

ephemeral "workiva_token" "deploy" {}
