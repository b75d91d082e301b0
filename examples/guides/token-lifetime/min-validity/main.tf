terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

provider "workiva" {}

ephemeral "workiva_token" "upload" {
  scopes       = ["file:write"]
  min_validity = "5m" # the upload provisioner runs for up to five minutes
}

resource "terraform_data" "upload" {
  provisioner "local-exec" {
    command     = "./upload.sh"
    environment = { WORKIVA_TOKEN = ephemeral.workiva_token.upload.access_token }
  }
}
