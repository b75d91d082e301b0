terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# One entry per Workiva API grant (integration user). Ephemeral: the secrets
# stay out of saved plans and state; give the value with -var-file, -var or
# TF_VAR_workiva_grants.
variable "workiva_grants" {
  type = map(object({
    client_id     = string
    client_secret = string
    scopes        = optional(list(string))
  }))
  sensitive = true
  ephemeral = true
}

provider "workiva" {
  region = "eu"
  grants = var.workiva_grants
}

# Terraform refuses sensitive values in for_each: iterate over the names,
# which are not secret.
locals {
  grant_names = toset(["reporting", "publishing"])
}

ephemeral "workiva_token" "per_grant" {
  for_each = local.grant_names
  grant    = each.key
}

resource "terraform_data" "sync" {
  for_each = local.grant_names
  provisioner "local-exec" {
    command = "./sync.sh ${each.key}"
    environment = {
      WORKIVA_TOKEN = ephemeral.workiva_token.per_grant[each.key].access_token
    }
  }
}
