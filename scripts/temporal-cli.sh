#!/usr/bin/env bash
# Finds or provisions the Temporal CLI (dev server + Web UI) and prints its path on stdout.
# Progress goes to stderr. Used by `npm start`, `npm test` and .ci/run.
#
# Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, .tools/bin/temporal, $(go env GOPATH)/bin/temporal,
# then a download of the release (where the internet is reachable), then
# `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` (newer tags cannot be go-installed:
# their go.mod has a replace directive; see ../shared/reference/temporal.md §1). The go-installed binary
# stays in $(go env GOPATH)/bin, so a fresh clone on the same machine finds it without a rebuild.
set -euo pipefail

VERSIONS=(1.5.1 1.5.0 1.4.1)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"

say() { echo "temporal-cli: $*" >&2; }
works() { [ -n "${1:-}" ] && [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }
found() { say "using $1 ($("$1" --version 2>/dev/null | head -n 1))"; echo "$1"; exit 0; }

# `.env` is read by the Node entry points; `npm run temporal` comes here directly, so look there too.
if [ -z "${TEMPORAL_CLI_PATH:-}" ] && [ -f "$root/.env" ]; then
  TEMPORAL_CLI_PATH="$(sed -n 's/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}TEMPORAL_CLI_PATH=//p' "$root/.env" | tail -n 1 |
    sed -e 's/[[:space:]]\{1,\}#.*$//' -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/")"
fi
if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  works "$TEMPORAL_CLI_PATH" && found "$TEMPORAL_CLI_PATH"
  say "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not a working temporal binary"
  exit 1
fi
if on_path="$(command -v temporal 2>/dev/null)" && works "$on_path"; then found "$on_path"; fi
works "$tools/temporal" && found "$tools/temporal"
gobin=""
if command -v go >/dev/null 2>&1; then
  # `go install` writes to GOBIN when it is set, else to GOPATH/bin; one built before GOBIN was set is in the latter.
  gopath_bin="$(go env GOPATH | cut -d: -f1)/bin"
  gobin="$(go env GOBIN)"
  [ -n "$gobin" ] || gobin="$gopath_bin"
  works "$gobin/temporal" && found "$gobin/temporal"
  works "$gopath_bin/temporal" && found "$gopath_bin/temporal"
fi

# Download the release, as the Temporal SDK does, when the internet is reachable.
case "$(uname -s)" in Linux) platform=linux ;; Darwin) platform=darwin ;; *) platform="" ;; esac
case "$(uname -m)" in x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="" ;; esac
if [ -n "$platform" ] && [ -n "$arch" ] && command -v curl >/dev/null 2>&1; then
  meta="$(curl -fsS --max-time 5 "https://temporal.download/cli/${VERSIONS[0]}?arch=${arch}&platform=${platform}&format=tar.gz" 2>/dev/null || true)"
  url="$(printf '%s' "$meta" | sed -n 's/.*"archiveUrl" *: *"\([^"]*\)".*/\1/p')"
  if [ -n "$url" ]; then
    say "downloading Temporal CLI ${VERSIONS[0]} from $url"
    mkdir -p "$tools"
    tmp="$(mktemp -d)"
    if curl -fsSL --max-time 300 "$url" | tar -xz -C "$tmp" && [ -x "$tmp/temporal" ]; then
      mv "$tmp/temporal" "$tools/temporal"
      rm -rf "$tmp"
      works "$tools/temporal" && found "$tools/temporal"
    fi
    rm -rf "$tmp"
    say "download failed; building from source instead"
  else
    say "release download not reachable; building from source instead"
  fi
fi

if ! command -v go >/dev/null 2>&1; then
  say "no Temporal CLI found and no Go toolchain to build one."
  say "Install Go (1.25+) or set TEMPORAL_CLI_PATH to a temporal binary."
  exit 1
fi

for v in "${VERSIONS[@]}"; do
  say "building Temporal CLI v$v with 'go install' into $gobin — a first build takes several minutes (about 6 min on 2 cores); later runs reuse it"
  start=$(date +%s)
  if CGO_ENABLED=0 go install -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=$v" \
      "github.com/temporalio/cli/cmd/temporal@v$v" >&2; then
    say "built in $(( $(date +%s) - start )) s"
    works "$gobin/temporal" && found "$gobin/temporal"
  fi
  say "go install of v$v failed after $(( $(date +%s) - start )) s"
done
say "could not build the Temporal CLI (tried ${VERSIONS[*]}); see the errors above"
exit 1
