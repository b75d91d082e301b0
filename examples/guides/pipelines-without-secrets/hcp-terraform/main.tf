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
provider "workiva" {
  client_id   = "0oa1example2client3id"
  token_url   = "https://example.okta.com/oauth2/default/v1/token"
  api_version = ""

  workload_identity = {
    source   = "hcp_terraform"
    tag      = "WORKIVA"
    audience = "okta"
  }
}

ephemeral "workiva_token" "deploy" {
  scopes = ["api://example-api/.default"]
}
