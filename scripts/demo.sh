#!/usr/bin/env bash
# make demo: build the provider and the local IAM server, start the server on
# loopback, apply examples/demo through a generated dev_overrides CLI config in
# a temporary directory, print the granted scope and expiry (never the token),
# and stop the server.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/dev-overrides.sh
source "$root/scripts/dev-overrides.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/workiva-demo.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
    echo "==> local IAM server $(tail -n 1 "$work/iam.log")"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

cli=${CLI:-$(bash "$root/scripts/cli.sh")} # Terraform or OpenTofu (built from source when neither is on PATH)
command -v curl >/dev/null || { echo "the demo's provisioner needs curl on PATH" >&2; exit 1; }

echo "==> building the provider and the local IAM server"
mkdir -p "$work/bin"
(cd "$root" && go build -o "$work/bin/terraform-provider-workiva" . && go build -o "$work/localiam" ./internal/cmd/localiam)

echo "==> starting the local IAM server"
"$work/localiam" -listen 127.0.0.1:0 -env-file "$work/iam.env" >"$work/iam.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  [[ -s "$work/iam.env" ]] && break
  sleep 0.05
done
[[ -s "$work/iam.env" ]] || { cat "$work/iam.log" >&2; echo "the local IAM server did not start" >&2; exit 1; }
sed -n '1,5p' "$work/iam.log"
set -a
# shellcheck disable=SC1091
source "$work/iam.env"
set +a

write_dev_overrides "$work"
cp "$root/examples/demo/main.tf" "$work/"

echo "==> $(basename "$cli") apply (dev_overrides: $work/bin)"
"$cli" -chdir="$work" apply -auto-approve -no-color -input=false \
  -var "protected_url=$WORKIVA_PROTECTED_URL" >"$work/apply.log" 2>&1 || { cat "$work/apply.log" >&2; exit 1; }
grep -E "^(terraform_data|ephemeral|data)\..*(Creation complete|Opening|Opening complete|Read complete|Provisioning)" "$work/apply.log" | sed 's/^/    /' || true

# The provider's warnings (the narrowed grant of data.workiva_token.report),
# without Terraform's own dev_overrides warning.
warnings=$(awk '/^Warning: / { p = ($0 !~ /development overrides/); blanks = 0 }
  p { print "    " $0; if ($0 == "") { blanks++; if (blanks == 3) p = 0 } }' "$work/apply.log")
if [[ -n "$warnings" ]]; then
  echo
  echo "==> warnings from the provider: expected, this is what the demo shows. data.workiva_token.report asks for"
  echo "    file:write, which the demo grant lacks; the server narrows the grant, and the provider says so instead of"
  echo "    letting API calls fail later (require_scopes = true would make it an error)."
  echo "$warnings"
fi

echo
echo "==> results"
echo "granted scope:  $("$cli" -chdir="$work" output -raw granted_scope)"
echo "expires at:     $("$cli" -chdir="$work" output -raw expires_at)"
echo "protected route GET $WORKIVA_PROTECTED_URL accepted the ephemeral token (curl --fail in the provisioner succeeded)"
if grep -q "$WORKIVA_CLIENT_SECRET" "$work/apply.log"; then
  echo "the client secret appeared in Terraform's output" >&2
  exit 1
fi
