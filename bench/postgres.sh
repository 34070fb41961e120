#!/usr/bin/env bash
# A PostgreSQL cluster for benchmarks, configured as production would be: durable (fsync,
# synchronous_commit and full_page_writes stay on, unlike scripts/postgres.sh's throwaway test clusters),
# sized for a small two-core database server, and kept between runs so the national data set is
# generated once.
#
#   eval "$(bench/postgres.sh start)"     # start (creating it the first time); prints DATABASE_URL
#   bench/postgres.sh stop                # stop it (the data stays)
#   bench/postgres.sh destroy             # stop it and delete the data
#
# BENCH_PG_DIR (default /var/tmp/openprobation-bench-pg) and BENCH_PG_PORT (default 55432) move it.
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/1[5-9]/bin 2>/dev/null | sort -V | tail -n 1)}
dir=${BENCH_PG_DIR:-/var/tmp/openprobation-bench-pg}
port=${BENCH_PG_PORT:-55432}
run=()
[ "$(id -u)" = 0 ] && run=(runuser -u postgres --)

settings=(
  -c listen_addresses=127.0.0.1
  -c max_connections=100
  # Memory for a dedicated server with a few GB to spare; the national data set is about 10 GB.
  -c shared_buffers=2GB
  -c effective_cache_size=8GB
  -c work_mem=16MB
  -c maintenance_work_mem=1GB
  -c max_parallel_maintenance_workers=2
  -c max_parallel_workers_per_gather=2
  # Solid-state storage: random reads cost about the same as sequential ones.
  -c random_page_cost=1.1
  -c effective_io_concurrency=200
  # Fewer, spread checkpoints during bulk loads; the WAL is still written and flushed on every commit.
  -c max_wal_size=8GB
  -c checkpoint_timeout=15min
  -c checkpoint_completion_target=0.9
  -c wal_compression=on
  # Short transactional queries: the JIT compiler's start-up costs more than it saves here.
  -c jit=off
  -c track_io_timing=on
  -c log_min_duration_statement=1000
)

case "${1:-}" in
  start)
    [ -x "$PGBIN/initdb" ] || { echo "echo 'PostgreSQL binaries not found' >&2; false"; exit 0; }
    if [ ! -d "$dir/data" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" = 0 ] && chown postgres "$dir"
      "${run[@]}" "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    fi
    if ! "${run[@]}" "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      "${run[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir ${settings[*]}" start >/dev/null
    fi
    "${run[@]}" "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'openprobation'" | grep -q 1 ||
      "${run[@]}" "$PGBIN/createdb" -h "$dir" -p "$port" -U postgres openprobation
    echo "export BENCH_PG_DIR=$dir DATABASE_URL=postgres://postgres@${dir//\//%2F}:$port/openprobation"
    ;;
  stop)
    "${run[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  destroy)
    "${run[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop|destroy" >&2; exit 2 ;;
esac
