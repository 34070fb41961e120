#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster for tests and prints its DATABASE_URL.
# Usage: eval "$(scripts/postgres.sh start)"; ...; scripts/postgres.sh stop "$PGTEST_DIR"
# The fsync/synchronous_commit/full_page_writes switches are for throwaway test clusters only.
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/1[5-9]/bin 2>/dev/null | sort -V | tail -n 1)}

case "${1:-}" in
  start)
    [ -x "$PGBIN/initdb" ] || { echo "echo 'PostgreSQL binaries not found' >&2; false"; exit 0; }
    dir=$(mktemp -d /tmp/openprobation-pg.XXXXXX)
    port=${PGTEST_PORT:-$((54000 + RANDOM % 1000))}
    run=()
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; run=(runuser -u postgres --); fi
    "${run[@]}" "$PGBIN/initdb" -N -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    "${run[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
      "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    sockdir=${dir//\//%2F}
    echo "export PGTEST_DIR=$dir DATABASE_URL=postgres://postgres@$sockdir:$port/openprobation"
    ;;
  stop)
    dir=${2:?directory}
    run=()
    [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
