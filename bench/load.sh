#!/usr/bin/env bash
# Load test: a mixed practitioner workload (bench/locustfile.py) against gunicorn (`openprobation serve`)
# on 127.0.0.1, over the benchmark database (bench/postgres.sh). Bounded: each step runs RUN_TIME.
#
#   bench/load.sh [USERS ...]          # default steps: 4 8 16 concurrent practitioners
#
# Environment: RUN_TIME (default 60s), WORKERS and THREADS for gunicorn (default 2 and 4),
# BENCH_WAIT_SECONDS for each user's pause between requests (default 0: as fast as the server answers),
# BENCH_HTTP_PORT (default 8765), DATABASE_URL (default: the benchmark cluster). Results: bench/results/load-<users>_stats.csv and a summary on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(4 8 16)
port=${BENCH_HTTP_PORT:-8765}
run_time=${RUN_TIME:-60s}
results=bench/results
mkdir -p "$results"
# The benchmark cluster, unless DATABASE_URL already names a database with demo data.
[ -n "${DATABASE_URL:-}" ] || eval "$(bench/postgres.sh start)"
export DATABASE_URL ALLOWED_HOSTS=127.0.0.1 OPENPROBATION_ENV=${OPENPROBATION_ENV:-development}
export BENCH_SESSIONS=$results/load-sessions.json
# locust is the project's `bench` extra (pyproject.toml), pinned in requirements.lock like everything else.
if [ ! -x .venv/bin/locust ]; then
  echo "Installing the bench extra (locust)..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[bench]"
fi

.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/python bench/load_sessions.py --users 40 --out "$BENCH_SESSIONS"

.venv/bin/openprobation serve --host 127.0.0.1 --port "$port" --workers "${WORKERS:-2}" --threads "${THREADS:-4}" \
  >"$results/gunicorn.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -s -o /dev/null "http://127.0.0.1:$port/sign-in/" && break
  sleep 0.5
done

for users in "${steps[@]}"; do
  echo "== $users concurrent practitioners for $run_time"
  .venv/bin/locust -f bench/locustfile.py --headless --users "$users" --spawn-rate "$users" --run-time "$run_time" \
    --host "http://127.0.0.1:$port" --csv "$results/load-$users" --only-summary --stop-timeout 10 \
    >"$results/load-$users.log" 2>&1 || true
done

.venv/bin/python - "$results" "${steps[@]}" <<'EOF'
import csv, sys
results, steps = sys.argv[1], sys.argv[2:]
print(f"{'users':>5} {'requests':>9} {'failures':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
for users in steps:
    with open(f"{results}/load-{users}_stats.csv") as f:
        total = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    print(f"{users:>5} {total['Request Count']:>9} {total['Failure Count']:>8} {float(total['Requests/s']):7.1f} "
          f"{total['50%']:>7} {total['95%']:>7} {total['99%']:>7}")
print(f"\nPer page, last step ({steps[-1]} users):")
with open(f"{results}/load-{steps[-1]}_stats.csv") as f:
    for r in csv.DictReader(f):
        print(f"  {r['Name']:28} {r['Request Count']:>7} req  p50 {r['50%']:>5} ms  p95 {r['95%']:>5} ms  "
              f"failures {r['Failure Count']}")
EOF
