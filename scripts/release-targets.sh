#!/usr/bin/env bash
# Prints the GOOS/GOARCH pairs .goreleaser.yml releases, one per line: its
# builds' goos times goarch, less its ignore entries and the pairs Go does
# not build (go tool dist list; goreleaser skips them too, darwin/arm say).
# It reads the file's one build as it is written (lists of "- value"), so
# that the list CI builds is the release's own and cannot drift from it.
set -euo pipefail
file="${1:-.goreleaser.yml}"
awk '
  function unquote(s) { gsub(/["'"'"' ]/, "", s); return s }
  /^[^ #]/ { section = $1 }
  section != "builds:" { next }
  /^    goos:/   { list = "goos"; next }
  /^    goarch:/ { list = "goarch"; next }
  /^    ignore:/ { list = "ignore"; next }
  /^    [a-z_]+:/ { list = ""; next }
  list == "goos"   && /^      - / { sub(/^      - /, ""); goos[++ngoos] = unquote($0) }
  list == "goarch" && /^      - / { sub(/^      - /, ""); goarch[++ngoarch] = unquote($0) }
  list == "ignore" && /^      - goos:/ { sub(/^      - goos:/, ""); ig_os = unquote($0) }
  list == "ignore" && /^        goarch:/ { sub(/^        goarch:/, ""); ignored[ig_os "/" unquote($0)] = 1 }
  END {
    if (ngoos == 0 || ngoarch == 0) { print "no goos or goarch list in the builds section" > "/dev/stderr"; exit 1 }
    for (i = 1; i <= ngoos; i++) for (j = 1; j <= ngoarch; j++) {
      t = goos[i] "/" goarch[j]
      if (!(t in ignored)) print t
    }
  }
' "$file" | grep -Fxf <(go tool dist list)
