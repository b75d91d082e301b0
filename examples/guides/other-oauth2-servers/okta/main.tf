# Okta's org authorization server accepts only private_key_jwt for service
# apps: register the public key (JWKS) on the app, keep the private key here.
variable "okta_private_key_pem" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "workiva" {
  token_url                = "https://example.okta.com/oauth2/v1/token"
  api_version              = ""
  client_id                = "0oa1example2service3app"
  client_assertion_key_pem = var.okta_private_key_pem
  client_assertion_key_id  = "okta-key-1" # the kid Okta shows for the key
}

ephemeral "workiva_token" "okta_api" {
  scopes = ["okta.users.read", "okta.groups.read"]
}
