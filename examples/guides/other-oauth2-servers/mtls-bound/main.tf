terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

variable "client_certificate_pem" {
  type = string
}

variable "client_key_pem" {
  type      = string
  ephemeral = true
}

provider "workiva" {
  token_url              = "https://mtls.idp.example.com/oauth2/token"
  api_version            = ""
  client_id              = "terraform"
  auth_style             = "tls_client_auth"
  client_certificate_pem = var.client_certificate_pem
  client_key_pem         = var.client_key_pem
}

# The proxy reaches the API with the same certificate, so a token bound to it
# (RFC 8705, cnf.x5t#S256) is accepted there.
ephemeral "workiva_api_proxy" "api" {
  upstream = "https://api.example.com"
}
