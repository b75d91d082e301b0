# A module that publishes a report with Workiva tokens: the kind of module
# whose own tests the guide "Testing modules that use workiva_token" shows.
terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

variable "scopes" {
  description = "Scopes the report step needs."
  type        = list(string)
  default     = ["file:read"]
}

# The stored token, in a child module that can be tested with a mocked
# provider (report/tests).
module "report" {
  source = "./report"
  scopes = var.scopes
}

# Never stored: for provisioners and provider configuration.
ephemeral "workiva_token" "api" {
  scopes = var.scopes
}

resource "terraform_data" "publish" {
  provisioner "local-exec" {
    command     = "test -n \"$WORKIVA_TOKEN\""
    environment = { WORKIVA_TOKEN = ephemeral.workiva_token.api.access_token }
  }
}

output "granted_scope" {
  value = module.report.granted_scope
}

output "client_id" {
  value = module.report.client_id
}

output "expires_at" {
  value = module.report.expires_at
}
