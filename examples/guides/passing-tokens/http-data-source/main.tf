terraform {
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
    http = {
      source = "hashicorp/http"
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

# data "http" takes no ephemeral value, so the token comes from the data
# source: it is written to the state (sensitive) and is stale ten minutes on.
data "workiva_token" "files" {
  scopes = ["file:read"]
}

data "http" "files" {
  url = var.files_url
  request_headers = {
    Accept        = "application/json"
    Authorization = "Bearer ${data.workiva_token.files.access_token}"
  }
}
