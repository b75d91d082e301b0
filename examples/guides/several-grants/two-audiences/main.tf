terraform {
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# One client (credentials from WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET)
# asking an Auth0 tenant for tokens of two audiences.
provider "workiva" {
  token_url   = "https://example-tenant.eu.auth0.com/oauth/token"
  api_version = ""
  grants = {
    reports = { audience = "https://reports.example.com" }
    billing = { audience = "https://billing.example.com" }
  }
}

ephemeral "workiva_token" "reports" {
  grant = "reports"
}
