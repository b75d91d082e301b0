#!/usr/bin/env bash
# make test-modules: runs the example module's own tests
# (examples/testing-modules/tests/*.tftest.hcl) with `terraform test` or
# `tofu test` ($CLI, scripts/cli.sh when unset), the provider built from this
# tree wired in with dev_overrides, and the local IAM server started here for
# the tests that need a token endpoint.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cli=${CLI:-$(bash "$root/scripts/cli.sh")}
# shellcheck source=scripts/dev-overrides.sh
source "$root/scripts/dev-overrides.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/workiva-module-tests.XXXXXX")
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/bin"
(cd "$root" && go build -o "$work/bin/terraform-provider-workiva" . && go build -o "$work/localiam" ./internal/cmd/localiam)
write_dev_overrides "$work"

"$work/localiam" -listen 127.0.0.1:0 -env-file "$work/iam.env" >"$work/iam.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  [[ -s "$work/iam.env" ]] && break
  sleep 0.1
done
[[ -s "$work/iam.env" ]] || { cat "$work/iam.log" >&2; echo "the local IAM server did not start" >&2; exit 1; }
set -a
# shellcheck source=/dev/null
source "$work/iam.env"
set +a

cp -r "$root/examples/testing-modules" "$work/module"
for dir in module module/report; do
  echo "==> $(basename "$cli") test in examples/testing-modules${dir#module} ($("$cli" version | grep -m1 -E '^(Terraform|OpenTofu) v'))"
  "$cli" -chdir="$work/$dir" get -no-color >"$work/get.log" 2>&1 ||
    { cat "$work/get.log" >&2; exit 1; }
  "$cli" -chdir="$work/$dir" test -no-color
done
