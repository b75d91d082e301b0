terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

provider "workiva" {
  region = "eu"
}

# Open from before the first resource that uses it until after the last.
ephemeral "workiva_api_proxy" "api" {
  scopes       = ["file:read"]
  min_validity = "2m" # each request gets a token with at least 2 minutes left
}

resource "terraform_data" "long_step" {
  provisioner "local-exec" {
    command = <<-EOT
      # Calls through the proxy: the proxy puts the token on.
      curl --fail -sS -H "Authorization: Bearer $PROXY_KEY" "$PROXY_URL/platform/v1/files" > first.json
      sleep 1200
      curl --fail -sS -H "Authorization: Bearer $PROXY_KEY" "$PROXY_URL/platform/v1/files" > second.json
      # A tool that must hold the token itself asks token_endpoint for one
      # just before it needs it.
      WORKIVA_TOKEN=$(curl --fail -sS -H "Authorization: Bearer $PROXY_KEY" "$TOKEN_ENDPOINT" | jq -r .access_token) \
        ./publish.sh
    EOT
    environment = {
      PROXY_URL      = ephemeral.workiva_api_proxy.api.url
      PROXY_KEY      = ephemeral.workiva_api_proxy.api.key
      TOKEN_ENDPOINT = ephemeral.workiva_api_proxy.api.token_endpoint
    }
  }
}
