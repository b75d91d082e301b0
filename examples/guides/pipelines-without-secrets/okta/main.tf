terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}


# Okta takes only client assertions the client signs itself (iss = sub =
# the client id), not a CI system's token. With client_secret_jwt (the
# app's token_endpoint_auth_method) the secret signs a fresh HS256
# assertion for every request and never travels; the secret (at least 32
# bytes) comes from the pipeline's secret store as an ephemeral variable.
variable "okta_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "workiva" {
  client_id     = "0oa1example2service3app"
  client_secret = var.okta_client_secret
  auth_style    = "client_secret_jwt"
  token_url     = "https://example.okta.com/oauth2/default/v1/token"
  api_version   = ""
  scopes        = ["deploy"]
}

ephemeral "workiva_token" "deploy" {}
