#!/usr/bin/env bash
# Runs `validate` on every configuration under examples/ against the provider
# built from this tree, wired in with dev_overrides (no download), with the CLI
# named by $CLI (scripts/cli.sh when unset: Terraform or OpenTofu).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cli=${CLI:-$(bash "$root/scripts/cli.sh")}
# shellcheck source=scripts/dev-overrides.sh
source "$root/scripts/dev-overrides.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/workiva-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bin"
(cd "$root" && go build -o "$work/bin/terraform-provider-workiva" .)
write_dev_overrides "$work"

status=0
while IFS= read -r dir; do
  rel=${dir#"$root"/}
  copy="$work/cfg/$rel"
  mkdir -p "$copy"
  cp -r "$dir"/. "$copy/"
  # Examples that only show a resource rely on the provider block of
  # examples/provider; give them the source address dev_overrides matches.
  if ! grep -qs 'required_providers' "$copy"/*.tf; then
    printf 'terraform {\n  required_providers {\n    workiva = {\n      source = "clientcreds/workiva"\n    }\n  }\n}\n' >"$copy/zz_required_providers.tf"
  fi
  # A configuration that also needs another registry's provider (a guide's
  # restful or aws example) cannot be initialised offline: `fmt -check`
  # (make examples-check) is all that checks it.
  if others=$(grep -hoE 'source +=\s*"[A-Za-z0-9][A-Za-z0-9.-]*/[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)?"' "$copy"/*.tf | grep -v 'clientcreds/workiva'); then
    echo "fmt   $rel (also needs $(echo "$others" | sed -E 's/.*"(.*)"/\1/' | paste -sd, -): formatted only, not validated offline)"
    continue
  fi
  # Local module calls need `get` (modules only: no provider, no network).
  if grep -qs '^module ' "$copy"/*.tf; then "$cli" -chdir="$copy" get -no-color >/dev/null; fi
  if out=$("$cli" -chdir="$copy" validate -no-color 2>&1); then
    echo "ok    $rel"
  else
    echo "FAIL  $rel"
    echo "$out" | sed 's/^/      /'
    status=1
  fi
done < <(find "$root/examples" -name '*.tf' -not -path '*/.terraform/*' -exec dirname {} \; | sort -u)
exit $status
