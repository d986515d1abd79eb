#!/bin/sh
# One-shot (temporal-create-namespace service of docker-compose.yml, temporalio/admin-tools image):
# waits until the Temporal server is healthy, creates the namespace if it is missing, and registers the
# custom search attributes of DESIGN.md (all Keyword). Idempotent: run it as often as you like. The
# worker registers missing search attributes at start too; this makes them exist before the first alert.
#
# Reads: TEMPORAL_ADDRESS (host:port), DEFAULT_NAMESPACE, NAMESPACE_RETENTION (only used when the
# namespace is created), MAX_ATTEMPTS.
set -eu

NAMESPACE="${DEFAULT_NAMESPACE:-default}"
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
RETENTION="${NAMESPACE_RETENTION:-720h}"
MAX_ATTEMPTS="${MAX_ATTEMPTS:-60}"
SEARCH_ATTRIBUTES="AlertSource AlertId DetectionId LogType Severity TriageStatus Disposition AutoCloseRule"

# Use the IPv4 address of the server: the upstream compose scripts work around a CLI that otherwise
# tries an IPv6 address first and fails. Falls back to the name when getent is unavailable.
HOST="${ADDRESS%:*}"
PORT="${ADDRESS##*:}"
IP="$(getent ahosts "$HOST" 2>/dev/null | awk '/STREAM/ && $1 ~ /^[0-9.]+$/ { print $1; exit }' || true)"
if [ -n "$IP" ]; then ADDRESS="${IP}:${PORT}"; fi

echo "Waiting for Temporal at ${ADDRESS} to be healthy..."
attempt=0
until temporal operator cluster health --address "$ADDRESS"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
    echo "Temporal at ${ADDRESS} not healthy after ${MAX_ATTEMPTS} attempts" >&2
    exit 1
  fi
  echo "Temporal not healthy yet (attempt ${attempt}/${MAX_ATTEMPTS}); retrying in 2s"
  sleep 2
done

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "Namespace '${NAMESPACE}' exists"
else
  echo "Creating namespace '${NAMESPACE}' (retention ${RETENTION})"
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" \
    --description "autotriage alert triage" --address "$ADDRESS"
fi

# A new namespace reaches the server's namespace cache after a few seconds.
attempt=0
until existing="$(temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS")"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
    echo "Cannot list search attributes of '${NAMESPACE}' after ${MAX_ATTEMPTS} attempts" >&2
    exit 1
  fi
  echo "Namespace '${NAMESPACE}' not ready yet; retrying in 2s"
  sleep 2
done

has_attribute() {
  printf '%s\n' "$1" | grep -qw -- "$2"
}

for name in $SEARCH_ATTRIBUTES; do
  if has_attribute "$existing" "$name"; then
    echo "Search attribute ${name} exists"
    continue
  fi
  echo "Registering search attribute ${name} (Keyword)"
  if ! temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type Keyword --address "$ADDRESS"; then
    # A worker starting at the same moment may have registered it first.
    existing="$(temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS")"
    if ! has_attribute "$existing" "$name"; then
      echo "Could not register search attribute ${name}" >&2
      exit 1
    fi
  fi
done

echo "Namespace '${NAMESPACE}' is ready with search attributes: ${SEARCH_ATTRIBUTES}"
