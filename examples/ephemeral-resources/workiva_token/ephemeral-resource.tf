# Never stored in state or plan. Terraform 1.10 or later.
ephemeral "workiva_token" "api" {
  scopes = ["file:read"]
}

variable "api_url" {
  description = "A Workiva API route to call with the token."
  type        = string
}

# Hand the token to a command without it appearing in state, plan or output.
resource "terraform_data" "call_api" {
  provisioner "local-exec" {
    command = "curl --fail -H \"Authorization: Bearer $WORKIVA_TOKEN\" \"$API_URL\""
    environment = {
      WORKIVA_TOKEN = ephemeral.workiva_token.api.access_token
      API_URL       = var.api_url
    }
  }
}
