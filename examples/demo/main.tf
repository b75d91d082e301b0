# The configuration `make demo` applies against the local IAM server.
# Credentials and the token URL come from WORKIVA_* environment variables.

terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

variable "protected_url" {
  description = "API route that accepts the token (the local IAM server's protected route)."
  type        = string
}

provider "workiva" {
  scopes = ["file:read"]
}

# Never stored: handed to the provisioner's environment only.
ephemeral "workiva_token" "api" {}

resource "terraform_data" "call_api" {
  triggers_replace = [timestamp()]

  provisioner "local-exec" {
    command = "curl --silent --show-error --fail --output /dev/null -H \"Authorization: Bearer $WORKIVA_TOKEN\" \"$API_URL\""
    environment = {
      WORKIVA_TOKEN = ephemeral.workiva_token.api.access_token
      API_URL       = var.protected_url
    }
  }
}

# A data source for values to print; its token is in state (sensitive).
data "workiva_token" "report" {
  scopes = ["file:read", "graph:read", "file:write"]
}

output "granted_scope" {
  value = data.workiva_token.report.scope
}

output "expires_at" {
  value = data.workiva_token.report.expires_at
}
