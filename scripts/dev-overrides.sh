# Sourced by the scripts here: write_dev_overrides DIR writes DIR/terraformrc
# whose dev_overrides point the provider's source address at DIR/bin, and
# exports it with the environment Terraform needs offline.
write_dev_overrides() {
  local dir=$1
  cat >"$dir/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/clientcreds/workiva" = "$dir/bin"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$dir/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
}
