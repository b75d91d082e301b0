terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

variable "files_url" {
  description = "A Workiva API route to call."
  type        = string
}

provider "workiva" {
  region = "eu"
}

# Ephemeral: opened in every plan and apply, never written to state or plan.
ephemeral "workiva_token" "files" {
  scopes         = ["file:read"]
  require_scopes = true
}

# Locals that use an ephemeral value are ephemeral too.
locals {
  authorization = "Bearer ${ephemeral.workiva_token.files.access_token}"
}

# Provisioners take ephemeral values; Terraform suppresses their output.
resource "terraform_data" "sync_files" {
  triggers_replace = [var.files_url]

  provisioner "local-exec" {
    command = "curl --fail --silent --show-error -H \"Authorization: $AUTHORIZATION\" \"$FILES_URL\" > /dev/null"
    environment = {
      AUTHORIZATION = local.authorization
      FILES_URL     = var.files_url
    }
  }
}
