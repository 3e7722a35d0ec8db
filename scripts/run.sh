#!/usr/bin/env bash
# `make run`: install, migrate, load the demo city and start the web server.
# Needs only Python 3.11 with venv. The database is DATABASE_URL, or SQLite under ./var/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/venv.sh
. "$ROOT/scripts/venv.sh"

HOST="${HOST:-0.0.0.0}"
PORT="${PORT:-8000}"
SCALE="${SCALE:-small}"

ensure_venv ""

say "database: ${DATABASE_URL:-SQLite at $ROOT/var/shian.sqlite3}"
shian migrate --noinput

if command -v msgfmt >/dev/null 2>&1 && [ -d src/shian/locale ] && [ -n "$(find src/shian/locale -name '*.po' -print -quit)" ]; then
    say "compiling translations"
    shian compilemessages --ignore .venv --ignore var --ignore node_modules -v0
else
    say "skipping compilemessages (no msgfmt, or no .po files under src/shian/locale)"
fi

if shian help --commands | grep -qx demo; then
    say "loading the demo city (scale $SCALE; idempotent)"
    shian demo --scale "$SCALE"
else
    say "WARNING: the 'shian demo' command is not available yet; starting with an empty database"
fi

shian collectstatic --noinput -v0

cat <<BANNER

  食安 Shian is starting at  http://127.0.0.1:${PORT}/

  Demo logins (password Shian-demo-2026):
    city_regulator  district_regulator  station_officer  inspector  operator
    lab  cdc  public  admin
  API docs: http://127.0.0.1:${PORT}/api/docs      Stop with Ctrl-C.

BANNER
exec shian runserver "$HOST:$PORT"
