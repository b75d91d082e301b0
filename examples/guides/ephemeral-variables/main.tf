terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# Declared ephemeral: Terraform keeps the value out of saved plan files and
# state, even when it is given with -var or TF_VAR_workiva_client_secret.
variable "workiva_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "workiva" {
  client_id     = "my-integration"
  client_secret = var.workiva_client_secret
}

ephemeral "workiva_token" "api" {
  scopes = ["file:read"]
}
