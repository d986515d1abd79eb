#!/usr/bin/env bash
# `npm run -s temporal -- <args>`: the Temporal CLI the project provisioned (scripts/temporal-cli.sh), so
# the README's `temporal …` commands work without it on PATH.
set -euo pipefail
cli="$(bash "$(dirname "${BASH_SOURCE[0]}")/temporal-cli.sh")" || exit $?
exec "$cli" "$@"
