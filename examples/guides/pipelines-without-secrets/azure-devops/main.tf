terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# Azure DevOps: the step maps SYSTEM_ACCESSTOKEN: $(System.AccessToken);
# the provider asks the pipeline for the OIDC token of a service connection
# whose workload identity federation the app registration trusts.
provider "workiva" {
  client_id   = "00000000-0000-0000-0000-000000000001"
  token_url   = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token"
  api_version = ""
  scopes      = ["api://example-api/.default"] # Entra ID needs a scope in every request

  workload_identity = {
    source                = "azure_devops"
    service_connection_id = "00000000-0000-0000-0000-000000000002"
  }
}

ephemeral "workiva_token" "deploy" {}
