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

# Every request restful sends through the proxy carries a fresh token, however
# long the apply runs; restful itself only ever holds the proxy's key.
ephemeral "workiva_api_proxy" "api" {
  scopes = ["file:read", "file:write"]
}

provider "restful" {
  base_url = ephemeral.workiva_api_proxy.api.url
  security = {
    http = {
      token = {
        token = ephemeral.workiva_api_proxy.api.key
      }
    }
  }
}
