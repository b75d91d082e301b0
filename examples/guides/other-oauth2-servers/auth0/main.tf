# Auth0 refuses client-credentials requests without an audience: the
# identifier of the API the token is for.
provider "workiva" {
  token_url   = "https://example-tenant.eu.auth0.com/oauth/token"
  api_version = "" # no Workiva X-Version header
  auth_style  = "body"
  audience    = "https://api.example.com"
  # client_id and client_secret from WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET
}

ephemeral "workiva_token" "api" {
  scopes = ["read:reports"]
}
