#!/usr/bin/env bash
# Creates .venv with Python 3.12+ and installs OpenProbation with the exact versions in requirements.lock.
# Usage: scripts/bootstrap.sh [test]   ("test" also installs the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  local candidates=(python3.14 python3.13 python3.12)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    # shellcheck disable=SC2012
    for dir in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do candidates+=("$dir/bin/python3"); done
  fi
  candidates+=(python3)
  for candidate in "${candidates[@]}"; do
    # Run each candidate: on some machines python3.13 is a pyenv shim that answers "command not found".
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then
  if ! PYTHON=$(find_python); then
    echo "OpenProbation needs Python 3.12 or newer, and none was found." >&2
    echo "Install Python 3.12+ (for example with pyenv or your package manager) and run this again." >&2
    exit 1
  fi
  echo "Using $PYTHON ($("$PYTHON" --version))"
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi

extras=""
[ "${1:-}" = "test" ] && extras="[test]"
stamp=".venv/.installed$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>/dev/null
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".$extras" 2>&1 \
    | grep -v "is ignored" || true
  .venv/bin/python -c "import django" && touch "$stamp"
fi
