# shellcheck shell=bash
# Sourced by scripts/run.sh, scripts/test.sh and scripts/bench.sh (not run directly).
#
# ensure_venv [EXTRAS]: create ./.venv with a Python 3.11 if it is missing, then
# `pip install -e ".[EXTRAS]"` (pinned in pyproject.toml) unless pyproject.toml is unchanged
# since the last install with the same extras. Sets VENV and puts .venv/bin first on PATH.

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
VENV="$ROOT/.venv"

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

find_python() {
    # pyproject.toml asks for Python 3.11 (Django 5.2 LTS; the machines' Python).
    local candidate
    for candidate in ${PYTHON:-} python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    local extras="${1:-}" spec="." stamp digest python
    [ -n "$extras" ] && spec=".[$extras]"
    if [ ! -x "$VENV/bin/python" ]; then
        python="$(find_python)" || die "Python 3.11 with the venv module is needed (set PYTHON=/path/to/python3.11)."
        say "creating $VENV with $python"
        "$python" -m venv "$VENV"
    fi
    export PATH="$VENV/bin:$PATH"
    export VIRTUAL_ENV="$VENV"
    stamp="$VENV/.shian-installed${extras:+-$extras}"
    digest="$("$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())' <"$ROOT/pyproject.toml")"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ] && "$VENV/bin/python" -c 'import shian' 2>/dev/null; then
        return 0
    fi
    say "installing $spec into .venv (pinned versions from pyproject.toml)"
    # (some machines' pip configuration names local package folders that do not exist: drop that noise)
    (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec") 2>&1 |
        { grep -v "is ignored: it is neither a file nor a directory" || true; }
    echo "$digest" >"$stamp"
}
