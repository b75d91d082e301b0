terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}


# Microsoft Entra ID: the app registration has a federated credential
#   issuer   https://token.actions.githubusercontent.com
#   subject  repo:acme/infra:environment:production
#   audience api://AzureADTokenExchange
# Entra ID issues a token for one resource per request and needs a scope in
# every request, the provider's own included; scopes are a resource's
# "/.default" (the application permissions an administrator granted). A
# grant per further resource: without a client_id of its own, it shares the
# provider's client and workload identity.
provider "workiva" {
  client_id   = "00000000-0000-0000-0000-000000000001"
  token_url   = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token"
  api_version = ""
  scopes      = ["api://example-api/.default"]

  workload_identity = {
    source   = "github_actions"
    audience = "api://AzureADTokenExchange"
  }

  grants = {
    graph = { scopes = ["https://graph.microsoft.com/.default"] }
  }
}

ephemeral "workiva_token" "api" {}

ephemeral "workiva_token" "graph" {
  grant = "graph"
}
