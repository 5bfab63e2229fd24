#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on loopback for the storage tests and prints
# the URL to use. Installs the server from Debian's packages when it is missing.
# Usage: eval "$(.ci/postgres.sh)"   → exports GONGKAI_TEST_POSTGRES
set -euo pipefail
PORT="${GONGKAI_PG_PORT:-54329}"
DATA="${GONGKAI_PG_DATA:-/tmp/gongkai-pg}"

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/postgres" ]; then
  echo "installing postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq postgresql) >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# The server refuses to run as root: run it as the packaged `postgres` user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}

if ! as_pg "$bindir/pg_isready -h 127.0.0.1 -p $PORT -q"; then
  rm -rf "$DATA"
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres "$DATA"
  as_pg "$bindir/initdb -D $DATA -U gongkai --auth=trust -E UTF8 --locale=C.UTF-8" >&2
  as_pg "$bindir/pg_ctl -D $DATA -l $DATA/server.log -w \
    -o '-c listen_addresses=127.0.0.1 -p $PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start" >&2
  as_pg "$bindir/createdb -h 127.0.0.1 -p $PORT -U gongkai gongkai" >&2
fi

# A second role that must give a password, for the tests of a wrong password (the
# `gongkai` role is trusted). Idempotent, and done on a server that was already running
# too (started by an earlier run of this script), without restarting it: the hba line
# goes first so it wins, and the server rereads the file.
PW_ROLE=gongkai_pw
PW=gongkai-test-password
psql_pg() { "$bindir/psql" -h 127.0.0.1 -p "$PORT" -U gongkai -d gongkai -Atq "$@"; }
hba=$(psql_pg -c "SHOW hba_file")
if ! grep -q "^host all $PW_ROLE " "$hba"; then
  as_pg "sed -i '1i host all $PW_ROLE 127.0.0.1/32 scram-sha-256' $hba"
  psql_pg -c "SELECT pg_reload_conf()" >/dev/null
fi
psql_pg -c "SET password_encryption = 'scram-sha-256'" -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PW_ROLE') THEN
    CREATE ROLE $PW_ROLE LOGIN PASSWORD '$PW';
  END IF; END \$\$" >&2
echo "export GONGKAI_TEST_POSTGRES=postgres://gongkai@127.0.0.1:$PORT/gongkai"
echo "export GONGKAI_TEST_POSTGRES_PASSWORD=postgres://$PW_ROLE:$PW@127.0.0.1:$PORT/gongkai"
