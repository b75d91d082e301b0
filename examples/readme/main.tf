terraform {
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

provider "workiva" {
  # client_id / client_secret from WORKIVA_CLIENT_ID / WORKIVA_CLIENT_SECRET
  region = "eu"
  scopes = ["file:read", "graph:read"]
}

# Never stored in state or plan (Terraform >= 1.10).
ephemeral "workiva_token" "api" {}

# Stored in state (sensitive): only where ephemeral values cannot go.
data "workiva_token" "pipeline" {
  scopes = ["file:read"]
}
