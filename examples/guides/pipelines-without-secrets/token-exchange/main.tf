terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# RFC 8693 token exchange: Google's Security Token Service exchanges the CI
# token for a federated access token of a workload identity pool.
provider "workiva" {
  token_url            = "https://sts.googleapis.com/v1/token"
  api_version          = ""
  grant_type           = "token_exchange"
  audience             = "//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/ci/providers/gitlab"
  scopes               = ["https://www.googleapis.com/auth/cloud-platform"]
  requested_token_type = "urn:ietf:params:oauth:token-type:access_token"

  workload_identity = {
    source  = "env"
    env_var = "GCP_ID_TOKEN" # a GitLab id_tokens entry
  }
}

ephemeral "workiva_token" "gcp" {}

resource "terraform_data" "deploy" {
  provisioner "local-exec" {
    command     = "./deploy.sh"
    environment = { GOOGLE_OAUTH_ACCESS_TOKEN = ephemeral.workiva_token.gcp.access_token }
  }
}
