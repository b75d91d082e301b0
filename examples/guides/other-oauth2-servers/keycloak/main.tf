# A confidential Keycloak client with "Service accounts roles" on; its
# "Client authenticator" decides auth_style ("Client Id and Secret": header
# or body; "Signed Jwt": client_assertion_key_pem).
provider "workiva" {
  token_url   = "https://keycloak.example.com/realms/platform/protocol/openid-connect/token"
  api_version = ""
  # client_id and client_secret from WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET
}

ephemeral "workiva_token" "api" {
  min_validity = "2m"
}
