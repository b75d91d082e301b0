# The pipeline writes the CI system's OIDC token to a file itself and sets
#   WORKIVA_CLIENT_ID             the client the identity provider trusts
#   WORKIVA_CLIENT_ASSERTION_FILE the file the CI system writes (and rotates)
# and the provider reads the file afresh for every token request.
provider "workiva" {
  token_url   = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token"
  api_version = ""
  scopes      = ["api://example-api/.default"]
}

ephemeral "workiva_token" "deploy" {}

resource "terraform_data" "deploy" {
  provisioner "local-exec" {
    command     = "./deploy.sh"
    environment = { API_TOKEN = ephemeral.workiva_token.deploy.access_token }
  }
}
