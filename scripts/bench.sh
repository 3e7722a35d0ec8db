#!/usr/bin/env bash
# `make bench`: run the registry benchmark (bench/registry.py) against DATABASE_URL or SQLite.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/venv.sh
. "$ROOT/scripts/venv.sh"
ensure_venv dev
[ -f bench/registry.py ] || die "bench/registry.py does not exist yet"
exec python bench/registry.py "$@"
