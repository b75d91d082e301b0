terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# Google Cloud (Cloud Build, Compute Engine, GKE with Workload Identity):
# the metadata server hands the service account's identity token for the
# audience (GCE_METADATA_HOST names another host:port).
provider "workiva" {
  client_id   = "00000000-0000-0000-0000-000000000001"
  token_url   = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token"
  api_version = ""
  scopes      = ["api://example-api/.default"] # Entra ID needs a scope in every request

  workload_identity = {
    source   = "gcp_metadata"
    audience = "api://AzureADTokenExchange"
  }
}

ephemeral "workiva_token" "deploy" {}
