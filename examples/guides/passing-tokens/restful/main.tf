terraform {
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
    restful = {
      source = "magodo/restful"
    }
  }
}

provider "workiva" {
  region = "eu"
}

ephemeral "workiva_token" "api" {
  scopes = ["file:read", "file:write"]
}

provider "restful" {
  base_url = "https://api.eu.wdesk.com"
  security = {
    http = {
      token = {
        token = ephemeral.workiva_token.api.access_token
      }
    }
  }
}
