#!/usr/bin/env bash
# Installs OpenProbation with its test tools and runs the whole test suite:
# first on SQLite, then on a throwaway PostgreSQL cluster (skipped with a message where PostgreSQL
# is not installed, unless REQUIRE_POSTGRES=1). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test

# Browser journeys run in Debian's Chromium; pdftotext (poppler-utils) reads exported PDFs back; WeasyPrint
# subsets fonts with HarfBuzz (it warns without it, and the suite turns warnings into errors).
if [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null 2>&1 || ! ldconfig -p | grep -q libharfbuzz-subset; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium and poppler-utils for the browser and PDF tests..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils libharfbuzz-subset0 >/dev/null) \
      || echo "Could not install chromium/poppler-utils: those tests will be skipped." >&2
  else
    echo "Chromium is not installed (/usr/bin/chromium): browser tests will be skipped." >&2
  fi
fi

export OPENPROBATION_DATA_DIR=${OPENPROBATION_DATA_DIR:-$(mktemp -d /tmp/openprobation-test.XXXXXX)}
jobs=${PYTEST_JOBS:-2}

run_suite() {
  local label=$1; shift
  echo "=== Test suite on $label ==="
  set +e
  .venv/bin/python -m pytest -n "$jobs" -q "$@"
  local status=$?
  set -e
  if [ $status -eq 5 ]; then echo "No tests were collected on $label: failing." >&2; return 1; fi
  return $status
}

.venv/bin/ruff check openprobation conftest.py
unset DATABASE_URL
run_suite SQLite "$@"

if eval "$(scripts/postgres.sh start)" && [ -n "${PGTEST_DIR:-}" ]; then
  trap 'scripts/postgres.sh stop "$PGTEST_DIR"' EXIT
  run_suite "PostgreSQL ($DATABASE_URL)" "$@"
elif [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "PostgreSQL is required here but could not be started." >&2
  exit 1
else
  echo "PostgreSQL is not installed here: the PostgreSQL run was skipped." >&2
fi
