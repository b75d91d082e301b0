terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}


# Keycloak federated client authentication (supported from 26.6): the realm
# has an identity provider for the token's issuer (OpenID Connect,
# Kubernetes or SPIFFE) and the client's authenticator is "Signed JWT -
# Federated", naming that identity provider and the token's subject. Here a
# projected service-account token whose audience is the realm, read from
# its file for every token request.
provider "workiva" {
  client_id   = "terraform"
  token_url   = "https://keycloak.example.com/realms/platform/protocol/openid-connect/token"
  api_version = ""

  workload_identity = {
    source   = "file"
    file     = "/var/run/secrets/tokens/keycloak"
    audience = "https://keycloak.example.com/realms/platform"
  }
}

ephemeral "workiva_token" "api" {}
