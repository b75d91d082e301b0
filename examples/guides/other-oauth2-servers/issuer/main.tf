# The server named by its issuer: the token endpoint, the revocation
# endpoint and the authentication methods come from its metadata
# (RFC 8414, OpenID Connect Discovery), read once per phase. With a client
# secret and no auth_style, the style is the first of client_secret_basic,
# client_secret_post and client_secret_jwt that the server lists. No
# X-Version header is sent unless api_version is set.
provider "workiva" {
  issuer = "https://keycloak.example.com/realms/platform"
  # client_id and client_secret from WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET
}

ephemeral "workiva_token" "api" {}
