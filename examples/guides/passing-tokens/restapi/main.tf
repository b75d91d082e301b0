terraform {
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
    restapi = {
      source = "Mastercard/restapi"
    }
  }
}

provider "workiva" {
  region = "eu"
}

ephemeral "workiva_token" "api" {
  scopes = ["file:read", "file:write"]
}

provider "restapi" {
  uri = "https://api.eu.wdesk.com"
  headers = {
    Authorization = "Bearer ${ephemeral.workiva_token.api.access_token}"
  }
}
