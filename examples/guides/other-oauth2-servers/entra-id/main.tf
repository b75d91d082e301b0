provider "workiva" {
  api_version = ""
  # client_id and client_secret from WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET
  token_url = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token"
  # Entra ID needs a scope (v2.0) or a resource (v1) in every request, the
  # provider's own included.
  scopes = ["https://graph.microsoft.com/.default"]
  grants = {
    # The v1 endpoint names the API with resource (RFC 8707) instead of a scope.
    graph_v1 = {
      token_url = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/token"
      resources = ["https://graph.microsoft.com"]
      scopes    = [] # not the provider's v2.0 scope
    }
  }
}

# v2.0: the scope is the API's application ID URI with /.default, which
# grants the application permissions an administrator consented to.
ephemeral "workiva_token" "graph" {
  scopes = ["https://graph.microsoft.com/.default"]
}

ephemeral "workiva_token" "graph_v1" {
  grant = "graph_v1"
}
