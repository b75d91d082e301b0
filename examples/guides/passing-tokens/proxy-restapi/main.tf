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

ephemeral "workiva_api_proxy" "api" {
  scopes = ["file:read", "file:write"]
}

provider "restapi" {
  uri = ephemeral.workiva_api_proxy.api.url
  headers = {
    Authorization = "Bearer ${ephemeral.workiva_api_proxy.api.key}"
  }
}
