terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# GitHub Actions (or Forgejo): the job has "permissions: id-token: write";
# the provider asks GitHub for a token for the audience the identity
# provider expects, for every token request. Entra ID: a federated
# credential on the app registration names the repository and branch.
provider "workiva" {
  client_id   = "00000000-0000-0000-0000-000000000001" # the app registration
  token_url   = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token"
  api_version = ""
  scopes      = ["api://example-api/.default"] # Entra ID needs a scope in every request

  workload_identity = {
    source   = "github_actions"
    audience = "api://AzureADTokenExchange"
  }
}

ephemeral "workiva_token" "deploy" {}
