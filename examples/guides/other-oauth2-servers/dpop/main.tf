terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

provider "workiva" {
  issuer    = "https://idp.example.com/oauth2/default"
  client_id = "0oa-terraform"
  # The secret from WORKIVA_CLIENT_SECRET.
  dpop = true
}

# Every request through the proxy carries the token as "Authorization: DPoP"
# and a fresh proof (htm, htu, iat, jti, ath) of the provider's key.
ephemeral "workiva_api_proxy" "api" {
  scopes   = ["inventory:write"]
  upstream = "https://api.example.com"
}

resource "terraform_data" "sync" {
  provisioner "local-exec" {
    command = "curl --fail -sS -X POST -H \"Authorization: Bearer $PROXY_KEY\" \"$PROXY_URL/v1/inventory/sync\""
    environment = {
      PROXY_URL = ephemeral.workiva_api_proxy.api.url
      PROXY_KEY = ephemeral.workiva_api_proxy.api.key
    }
  }
}
