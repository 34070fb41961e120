#!/usr/bin/env bash
# Installs OpenProbation and runs the demo: SQLite, synthetic data, http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/openprobation demo "$@"
