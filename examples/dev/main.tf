# A configuration to try the provider by hand against the local IAM server
# that `make dev` starts: the provider-level grant and one grants entry for
# each way a client authenticates. `source .dev/env` sets everything it
# needs (WORKIVA_* for the provider block, TF_VAR_* for the variables).
terraform {
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

variable "publishing_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "jwt_key_file" {
  type = string
}

variable "ci_token_file" {
  type = string
}

variable "mtls_token_url" {
  type = string
}

variable "mtls_server_ca_file" {
  type = string
}

variable "mtls_cert_file" {
  type = string
}

variable "mtls_key_file" {
  type = string
}

provider "workiva" {
  # client_id, client_secret and token_url: WORKIVA_CLIENT_ID,
  # WORKIVA_CLIENT_SECRET and WORKIVA_TOKEN_URL.
  ca_cert_pem = file(var.mtls_server_ca_file) # the mutual-TLS endpoint's certificate

  grants = {
    publishing = { # client_secret_post
      client_id     = "demo-publishing"
      client_secret = var.publishing_client_secret
      auth_style    = "body"
      scopes        = ["file:write"]
    }
    jwt = { # private_key_jwt
      client_id                = "demo-jwt"
      client_assertion_key_pem = file(var.jwt_key_file)
    }
    ci = { # a workload-identity token as the client assertion
      client_id        = "demo-ci"
      client_assertion = trimspace(file(var.ci_token_file))
    }
    mtls = { # tls_client_auth
      client_id              = "demo-mtls"
      token_url              = var.mtls_token_url
      client_certificate_pem = file(var.mtls_cert_file)
      client_key_pem         = file(var.mtls_key_file)
      auth_style             = "tls_client_auth"
    }
  }
}

# One token per grant. Each data source is read during plan; its scope shows
# in the plan's outputs. (Use the ephemeral resource for tokens that must not
# reach the state.)
data "workiva_token" "default" {}

data "workiva_token" "grant" {
  for_each = toset(["publishing", "jwt", "ci", "mtls"])
  grant    = each.key
}

output "granted_scopes" {
  value = merge(
    { default = data.workiva_token.default.scope },
    { for name, t in data.workiva_token.grant : name => t.scope },
  )
}
