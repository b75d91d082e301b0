terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

provider "workiva" {}

ephemeral "workiva_token" "api" {
  scopes = ["file:read", "file:write"]
}

# A short step: well inside the token's ten minutes.
resource "terraform_data" "upload" {
  provisioner "local-exec" {
    command     = "./upload.sh"
    environment = { WORKIVA_TOKEN = ephemeral.workiva_token.api.access_token }
  }
}

# A long step gets its own apply (-target), and so its own token, instead of
# sharing one that may expire half way.
resource "terraform_data" "long_import" {
  depends_on = [terraform_data.upload]

  provisioner "local-exec" {
    command     = "./import.sh"
    environment = { WORKIVA_TOKEN = ephemeral.workiva_token.api.access_token }
  }
}

output "token_expires_at" {
  description = "Not the token: its expiry is not secret. (Root outputs cannot be ephemeral, so this comes from a data source.)"
  value       = data.workiva_token.expiry.expires_at
}

data "workiva_token" "expiry" {
  scopes = ["file:read"]
}
