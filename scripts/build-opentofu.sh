#!/usr/bin/env bash
# Builds OpenTofu from its Go module source (the newest release the Go module
# proxy serves) and prints the binary's path. Its go.mod carries a replace
# directive, so `go install …@version` refuses; the build runs inside the
# downloaded module. The binary is cached under a versioned path outside the
# repository, so later runs (and later clones) start at once.
set -euo pipefail

version=${OPENTOFU_VERSION:-1.12.6}
cache=${WORKIVA_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-workiva}/opentofu/$version
bin=$cache/tofu

if [[ -x "$bin" ]] && "$bin" version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi
{
  echo "==> building OpenTofu $version from its Go module source into $cache"
  echo "    (no Terraform release is downloaded here; the first build takes about 5 minutes on 2 cores, later runs reuse it)"
} >&2
mkdir -p "$cache"
dir=$(go mod download -json "github.com/opentofu/opentofu@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
[[ -d "$dir" ]] || { echo "go mod download did not name the OpenTofu module directory" >&2; exit 1; }
start=$SECONDS
# version.dev=no, as OpenTofu's release builds set it: the binary is the
# tagged release's source, not a development snapshot.
(cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
  -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$bin.partial" ./cmd/tofu) >&2
mv "$bin.partial" "$bin"
echo "==> built $("$bin" version | grep -m1 -E '^OpenTofu v') in $((SECONDS - start)) s: $bin" >&2
echo "$bin"
