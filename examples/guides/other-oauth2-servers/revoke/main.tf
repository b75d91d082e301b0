# Tokens that live for hours, revoked when Terraform closes the ephemeral
# resource at the end of each phase, once no other workiva_token holds them.
provider "workiva" {
  issuer = "https://idp.example.com/tenants/acme"
  # For a server without metadata, name both endpoints instead:
  # token_url      = "https://idp.example.com/oauth2/token"
  # revocation_url = "https://idp.example.com/oauth2/revoke"
}

ephemeral "workiva_token" "deploy" {
  scopes          = ["deploy:write"]
  revoke_on_close = true
}
