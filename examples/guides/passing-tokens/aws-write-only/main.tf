terraform {
  required_version = ">= 1.11"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.90"
    }
  }
}

provider "workiva" {
  region = "eu"
}

ephemeral "workiva_token" "api" {
  scopes = ["file:read"]
}

resource "aws_secretsmanager_secret" "workiva" {
  name = "workiva-token"
}

resource "aws_secretsmanager_secret_version" "workiva" {
  secret_id                = aws_secretsmanager_secret.workiva.id
  secret_string_wo         = ephemeral.workiva_token.api.access_token
  secret_string_wo_version = 1 # bump to write a new token
}
