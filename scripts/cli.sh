#!/usr/bin/env bash
# Prints the path of the Terraform-compatible CLI that `make test`, `make demo`
# and `make docs` use, in this order: TF_ACC_TERRAFORM_PATH; `terraform` on
# PATH; `tofu` on PATH; otherwise OpenTofu built from its Go module source by
# scripts/build-opentofu.sh (cached, so only the first run waits). Nothing here
# downloads a CLI release or a provider from a registry.
set -euo pipefail

if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
  [[ -x "$TF_ACC_TERRAFORM_PATH" ]] || { echo "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not an executable" >&2; exit 1; }
  echo "$TF_ACC_TERRAFORM_PATH"
elif command -v terraform >/dev/null; then
  command -v terraform
elif command -v tofu >/dev/null; then
  command -v tofu
else
  echo "==> no terraform or tofu on PATH (and no TF_ACC_TERRAFORM_PATH): using OpenTofu built from source" >&2
  exec bash "$(dirname "$0")/build-opentofu.sh"
fi
