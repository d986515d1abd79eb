#!/bin/sh
# One-shot Temporal schema setup on PostgreSQL (run by the temporal-admin-tools service of
# docker-compose.yml, in the temporalio/admin-tools image). Safe to run on every `docker compose up`:
# an existing database is kept, `setup-schema -v 0.0` skips a database already past 0.0, and
# `update-schema` only applies the versions that are missing.
#
# Reads: POSTGRES_SEEDS (host), DB_PORT, POSTGRES_USER, SQL_PASSWORD (read by temporal-sql-tool itself,
# so the password never appears on a command line), DBNAME, VISIBILITY_DBNAME.
set -eu

: "${POSTGRES_SEEDS:=postgresql}"
: "${DB_PORT:=5432}"
: "${POSTGRES_USER:=temporal}"
: "${DBNAME:=temporal}"
: "${VISIBILITY_DBNAME:=temporal_visibility}"
: "${MAX_ATTEMPTS:=60}"
SCHEMA_HOME=/etc/temporal/schema/postgresql/v12

echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
attempt=0
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
    echo "PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT} not reachable after $MAX_ATTEMPTS attempts" >&2
    exit 1
  fi
  sleep 2
done

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

setup_database() {
  db="$1"
  versioned="$2"
  echo "Temporal schema: database ${db}"
  # The postgres image already creates a database named after POSTGRES_USER, and a second `up`
  # finds both databases: "exists" is fine here, and any real failure shows in setup-schema below.
  sql_tool --db "$db" create || echo "database ${db} not created (it probably exists); continuing"
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$versioned"
}

setup_database "$DBNAME" "$SCHEMA_HOME/temporal/versioned"
setup_database "$VISIBILITY_DBNAME" "$SCHEMA_HOME/visibility/versioned"
echo "Temporal schema setup complete"
