terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# Everything from the pipeline's environment:
#   WORKIVA_CLIENT_ID, WORKIVA_CLIENT_SECRET (masked CI secrets), WORKIVA_REGION
provider "workiva" {
  scopes          = ["file:read", "graph:read"]
  max_retries     = 6     # ride out a burst of 429/503 from a shared rate limit
  request_timeout = "20s" # below the endpoint's own 29 s limit
}

# Fails the run, listing what is missing, when the API grant was created
# without a scope this pipeline needs.
ephemeral "workiva_token" "pipeline" {
  scopes         = ["file:read", "graph:read"]
  require_scopes = true
}

resource "terraform_data" "publish" {
  provisioner "local-exec" {
    command     = "./publish.sh"
    environment = { WORKIVA_TOKEN = ephemeral.workiva_token.pipeline.access_token }
  }
}
