#!/usr/bin/env bash
# provider-schema.sh OUT: writes `providers schema -json` of the provider built
# from this tree to OUT, with the CLI named by $CLI (scripts/cli.sh when
# unset), for `tfplugindocs generate --providers-schema`. The provider is wired
# in under registry.terraform.io/hashicorp/workiva, the address tfplugindocs
# looks the schema up by, as it does when it builds the provider itself.
set -euo pipefail
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cli=${CLI:-$(bash "$root/scripts/cli.sh")}
work=$(mktemp -d "${TMPDIR:-/tmp}/workiva-schema.XXXXXX")
trap 'rm -rf "$work"' EXIT

(cd "$root" && go build -o "$work/bin/terraform-provider-workiva" .)
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/workiva" = "$work/bin"
  }
  direct {}
}
RC
printf 'terraform {\n  required_providers {\n    workiva = {\n      source = "registry.terraform.io/hashicorp/workiva"\n    }\n  }\n}\n' >"$work/main.tf"
TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 "$cli" -chdir="$work" providers schema -json >"$out" 2>"$work/stderr" ||
  { cat "$work/stderr" >&2; exit 1; }
