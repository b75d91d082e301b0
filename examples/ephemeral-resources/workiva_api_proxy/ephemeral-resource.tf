# A local endpoint that adds a fresh token to every request, for as long as
# Terraform runs the resources that use it. Terraform 1.10 or later.
ephemeral "workiva_api_proxy" "api" {
  scopes = ["file:read"]
  # upstream defaults to the API host of the grant's Workiva region.
}

# A long-running step keeps working after the first token expires: each
# request through the proxy carries a token with min_validity left.
resource "terraform_data" "report" {
  provisioner "local-exec" {
    command = <<-EOT
      curl --fail -H "Authorization: Bearer $PROXY_KEY" "$PROXY_URL/platform/v1/files"
      sleep 900 # longer than a token lives
      curl --fail -H "Authorization: Bearer $PROXY_KEY" "$PROXY_URL/platform/v1/files"
    EOT
    environment = {
      PROXY_URL = ephemeral.workiva_api_proxy.api.url
      PROXY_KEY = ephemeral.workiva_api_proxy.api.key
    }
  }
}
