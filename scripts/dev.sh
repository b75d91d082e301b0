#!/usr/bin/env bash
# make dev: build the provider into $DEV_DIR/bin (default .dev/ in the
# checkout, ignored by git), write a CLI configuration whose dev_overrides
# name it under both registry hosts (Terraform and OpenTofu), start the
# local IAM server in the background with a demo client for each way a
# client authenticates, write $DEV_DIR/env (export lines) and print the
# commands to use it.
# make dev-stop (dev.sh stop): stop the server.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dev=${DEV_DIR:-$root/.dev}
mkdir -p "$dev"
dev=$(cd "$dev" && pwd)
pidfile="$dev/localiam.pid"

stop() {
  if [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 50); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
    echo "==> local IAM server stopped ($(tail -n 1 "$dev/localiam.log"))"
  else
    echo "==> no local IAM server of $dev is running"
  fi
  rm -f "$pidfile"
}

if [[ "${1:-}" == "stop" ]]; then
  stop
  exit 0
fi

cli=${CLI:-$(bash "$root/scripts/cli.sh")} # Terraform or OpenTofu (built from source when neither is on PATH)
# shellcheck source=scripts/dev-overrides.sh
source "$root/scripts/dev-overrides.sh"

echo "==> building the provider into $dev/bin and the local IAM server"
mkdir -p "$dev/bin"
(cd "$root" && go build -o "$dev/bin/terraform-provider-workiva" . && go build -o "$dev/localiam" ./internal/cmd/localiam)
write_dev_overrides "$dev"

[[ -s "$pidfile" ]] && stop >/dev/null
rm -f "$dev/env"
echo "==> starting the local IAM server in the background"
nohup "$dev/localiam" -listen 127.0.0.1:0 -dev-dir "$dev" >"$dev/localiam.log" 2>&1 </dev/null &
echo $! >"$pidfile"
for _ in $(seq 1 100); do
  [[ -s "$dev/env" ]] && break
  sleep 0.05
done
[[ -s "$dev/env" ]] || { cat "$dev/localiam.log" >&2; echo "the local IAM server did not start" >&2; exit 1; }
echo "export TF_CLI_CONFIG_FILE='$dev/terraformrc' CHECKPOINT_DISABLE=1" >>"$dev/env"
sed 's/^/    /' "$dev/localiam.log"

# The CLI by its name when that is what PATH finds, else by its path.
name=$(basename "$cli")
[[ "$(command -v "$name" 2>/dev/null)" == "$cli" ]] || name=$cli
rel=${dev#"$PWD"/}
cat <<USE

==> ready: the local IAM server runs in the background (pid $(cat "$pidfile"), log $rel/localiam.log).
    Try examples/dev (every grant, one per authentication method), or your own configuration:

    source $rel/env
    cd examples/dev
    $name plan

    No init is needed: dev_overrides points $name at $rel/bin. 'make dev' again rebuilds and restarts;
    'make dev-stop' stops the server.
USE
