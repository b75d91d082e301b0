terraform {
  required_version = ">= 1.10"
  required_providers {
    workiva = {
      source = "clientcreds/workiva"
    }
  }
}

# One configuration for every CI system: the provider recognises the one it
# runs in from the variables its jobs always have (GITHUB_ACTIONS=true,
# GITLAB_CI=true, CIRCLECI=true, BUILDKITE=true, ...) and obtains the job's
# token as that system documents it. Each system must hand the job a token
# for this audience (GitLab: id_tokens; Bitbucket: oidc: true; GitHub:
# permissions: id-token: write).
provider "workiva" {
  client_id   = "terraform"
  token_url   = "https://keycloak.example.com/realms/ci/protocol/openid-connect/token"
  api_version = ""

  workload_identity = {
    source   = "auto"
    audience = "https://keycloak.example.com/realms/ci"
  }
}

ephemeral "workiva_token" "deploy" {}
