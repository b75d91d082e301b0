# shellcheck shell=bash
# write_dev_overrides DIR: a CLI configuration in DIR/terraformrc whose
# dev_overrides point the provider at DIR/bin, under both registry hosts
# (Terraform resolves "clientcreds/workiva" to registry.terraform.io,
# OpenTofu to registry.opentofu.org), and export it.
write_dev_overrides() {
  local dir=$1
  cat >"$dir/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/clientcreds/workiva" = "$dir/bin"
    "registry.opentofu.org/clientcreds/workiva" = "$dir/bin"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$dir/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
}
