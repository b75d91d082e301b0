terraform {
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# Credentials come from WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET, so that
# the secret never sits in a configuration file.
provider "workiva" {
  region = "eu"
  scopes = ["file:read", "graph:read"]
}

# Any other RFC 6749 client-credentials endpoint: set token_url, and no
# X-Version header.
provider "workiva" {
  alias       = "other"
  token_url   = "https://iam.example.com/oauth2/token"
  api_version = ""
  auth_style  = "body"
}
