# The part of the module that stores a token (a data source): a module of its
# own, so that its tests can mock the provider. Terraform's mock_provider
# refuses a configuration that has an ephemeral resource of the mocked
# provider anywhere in it.
terraform {
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

variable "scopes" {
  type = list(string)
}

data "workiva_token" "report" {
  scopes         = var.scopes
  require_scopes = true
}

output "granted_scope" {
  value = data.workiva_token.report.scope
}

output "client_id" {
  value = data.workiva_token.report.client_id
}

output "expires_at" {
  value = data.workiva_token.report.expires_at
}
