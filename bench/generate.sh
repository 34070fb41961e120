#!/usr/bin/env bash
# Generate a demo data set from scratch in the benchmark cluster (bench/postgres.sh), and report the time,
# the peak memory of the generator and the database size.
#
#   bench/generate.sh [SCALE] [TODAY]        # default: national, 2026-11-23
#
# The database is dropped and created again first: a national load into empty tables builds its indexes
# once at the end (see openprobation/demo/generator/writer.py), which is much faster than a --reset.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-national}
today=${2:-2026-11-23}
eval "$(bench/postgres.sh start)"
export DATABASE_URL
dir=${BENCH_PG_DIR}
port=${DATABASE_URL##*:}; port=${port%%/*}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/1[5-9]/bin 2>/dev/null | sort -V | tail -n 1)}
run=()
[ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
"${run[@]}" "$PGBIN/dropdb" -h "$dir" -p "$port" -U postgres --if-exists openprobation
"${run[@]}" "$PGBIN/createdb" -h "$dir" -p "$port" -U postgres openprobation
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py collectstatic --no-input -v 0
mkdir -p bench/results
log=bench/results/generate-$scale.txt
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(uname -r)"
  echo "# manage.py demo_data --scale $scale --today $today --seed 1"
} >"$log"
/usr/bin/time -v .venv/bin/python manage.py demo_data --scale "$scale" --today "$today" --seed 1 2>"$log.time" | tee -a "$log"
grep -E "Elapsed|Maximum resident" "$log.time" | tee -a "$log"
"${run[@]}" "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -d openprobation -tA -c \
  "SELECT 'database size: ' || pg_size_pretty(pg_database_size(current_database()))" | tee -a "$log"
"${run[@]}" "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -d openprobation -tA -F ' ' -c \
  "SELECT relname, pg_size_pretty(pg_total_relation_size(relid)) FROM pg_statio_user_tables
   ORDER BY pg_total_relation_size(relid) DESC LIMIT 12" | tee -a "$log"
