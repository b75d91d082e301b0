terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# HCP Terraform: the workspace sets TFC_WORKLOAD_IDENTITY_AUDIENCE_WORKIVA
# (the audience the token endpoint expects), and each run receives
# TFC_WORKLOAD_IDENTITY_TOKEN_WORKIVA. With Stacks, pass an identity_token
# block's jwt to the provider instead: source = "value", token = ...
# Entra ID: a federated credential for the issuer https://app.terraform.io
# and the subject organization:<org>:project:<project>:workspace:<ws>:run_phase:<phase>.
provider "workiva" {
  client_id   = "00000000-0000-0000-0000-000000000001"
  token_url   = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token"
  api_version = ""
  scopes      = ["api://example-api/.default"] # Entra ID needs a scope in every request

  workload_identity = {
    source   = "hcp_terraform"
    tag      = "WORKIVA"
    audience = "api://AzureADTokenExchange"
  }
}

ephemeral "workiva_token" "deploy" {}
