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
# Here the token itself is the grant (RFC 7523 section 2.1), at a server
# that trusts each CI system's issuer for this audience.
provider "workiva" {
  token_url   = "https://sts.example.com/oauth2/token"
  api_version = ""
  grant_type  = "jwt_bearer"
  audience    = "https://api.example.com"

  workload_identity = {
    source   = "auto"
    audience = "https://sts.example.com"
  }
}

ephemeral "workiva_token" "deploy" {
  scopes = ["deploy"]
}
