#!/usr/bin/env bash
# `make test`: lint, types, migrations check, then the test suite on SQLite and on PostgreSQL.
#
# PostgreSQL (SHIAN_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/shian; pytest-django
# creates the test database "test_shian") is skipped with a message when it is not reachable,
# and so are the browser tests when /usr/bin/chromium is missing -- except under CI (env CI
# set), where either is a failure. Tests marked postgres_only or celery run on PostgreSQL only.
# Every step runs even if an earlier one failed; the script exits non-zero if any failed.
# Extra arguments are passed to both pytest runs. The last line is the totals of both runs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/venv.sh
. "$ROOT/scripts/venv.sh"

PG_URL="${SHIAN_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/shian}"
CHROMIUM=/usr/bin/chromium
RESULTS="$ROOT/test-results"
STARTED=$SECONDS
failed_steps=()
status=()   # one "name: result" per step, for the summary

ensure_venv dev
mkdir -p "$RESULTS"
rm -f "$RESULTS"/junit-*.xml
# The checks and the SQLite run never touch a database the caller configured.
unset DATABASE_URL

record() {  # record NAME RC
    if [ "$2" -eq 0 ]; then
        status+=("$1: ok")
    else
        status+=("$1: FAILED")
        failed_steps+=("$1")
    fi
}

run_step() {  # run_step NAME COMMAND...
    local name="$1" rc=0
    shift
    say "$name: $*"
    "$@" || rc=$?
    record "$name" "$rc"
}

# --- static checks ------------------------------------------------------------------------
lint_paths=()
for p in src tests bench; do
    if [ -e "$p" ]; then lint_paths+=("$p"); fi
done
run_step ruff ruff check "${lint_paths[@]}"
run_step mypy mypy
run_step migrations shian makemigrations --check --dry-run

# --- pytest ---------------------------------------------------------------------------------
# postgres_only tests, and celery tests (a worker is another process: it cannot see the
# in-memory SQLite test database), run in the PostgreSQL pass only.
markers="not postgres_only and not celery"
if [ -x "$CHROMIUM" ]; then
    echo "browser tests: using $CHROMIUM"
elif [ -n "${CI:-}" ]; then
    echo "Browser tests: $CHROMIUM not found; under CI this is a failure (apt-get install chromium fonts-noto-cjk)"
    record browser 1
else
    echo "Browser tests skipped: $CHROMIUM not found (apt-get install chromium fonts-noto-cjk to run them)"
    markers="$markers and not browser"
    pg_markers="not browser"
fi
pg_markers="${pg_markers:-}"

counts() {  # counts JUNIT_XML -> "PASSED FAILED SKIPPED" (errors count as failed)
    python - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = f = s = 0
for suite in suites:
    t += int(suite.get("tests", 0))
    f += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    s += int(suite.get("skipped", 0))
print(f"{t - f - s} {f} {s}")
PY
}

declare -A run_counts run_secs
run_pytest() {  # run_pytest NAME MARKERS [pytest args...]
    local name="$1" mark="$2" rc=0 t0=$SECONDS
    shift 2
    local xml="$RESULTS/junit-$name.xml"
    local args=(-p no:cacheprovider -rfEs --junitxml="$xml")
    if [ -n "$mark" ]; then args+=(-m "$mark"); fi
    say "pytest on $name: pytest $(printf '%q ' "${args[@]}" "$@")"
    python -m pytest "${args[@]}" "$@" || rc=$?
    run_secs[$name]=$((SECONDS - t0))
    if [ "$rc" -eq 5 ]; then
        echo "ERROR: pytest on $name collected no tests (exit 5)"
    fi
    if [ -f "$xml" ]; then
        run_counts[$name]="$(counts "$xml")"
    fi
    record "pytest-$name" "$rc"
}

run_pytest sqlite "$markers" "$@"

pg_target="$(python -c 'import sys, dj_database_url as d; c = d.parse(sys.argv[1]); print("%s:%s" % (c.get("HOST") or "localhost", c.get("PORT") or 5432))' "$PG_URL")"
if python - "$PG_URL" <<'PY'
import sys

import dj_database_url
import psycopg

c = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=c["HOST"] or None, port=c["PORT"] or None, user=c["USER"] or None, password=c["PASSWORD"] or None,
                    dbname="postgres", connect_timeout=3).close()
except psycopg.Error as exc:
    print(f"  ({str(exc).strip().splitlines()[0]})")
    sys.exit(1)
PY
then
    DATABASE_URL="$PG_URL" run_pytest postgresql "$pg_markers" --create-db "$@"
else
    if [ -n "${CI:-}" ]; then
        echo "ERROR: PostgreSQL not reachable at $pg_target: CI must run the PostgreSQL tests"
        record pytest-postgresql 1
    else
        echo "PostgreSQL not reachable at $pg_target: PostgreSQL tests skipped"
        status+=("pytest-postgresql: SKIPPED (not reachable)")
    fi
fi

# --- summary --------------------------------------------------------------------------------
total_p=0 total_f=0 total_s=0 runs=()
for name in sqlite postgresql; do
    if [ -n "${run_counts[$name]:-}" ]; then
        read -r p f s <<<"${run_counts[$name]}"
        total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
        runs+=("$name $p passed, $f failed, $s skipped in ${run_secs[$name]}s")
    elif [ -n "${run_secs[$name]:-}" ]; then
        runs+=("$name: no results (pytest did not finish)")
    else
        runs+=("$name: not run")
    fi
done
echo
joined="$(IFS=';'; echo "${status[*]}")"
echo "== steps: ${joined//;/; }"
if [ "${#failed_steps[@]}" -gt 0 ]; then
    echo "== FAILED: ${failed_steps[*]} (total $((SECONDS - STARTED))s)"
else
    echo "== all steps passed (total $((SECONDS - STARTED))s)"
fi
joined="$(IFS='|'; echo "${runs[*]}")"
echo "== ${joined//|/ | }"
echo "tests: $total_p passed, $total_f failed, $total_s skipped"
[ "${#failed_steps[@]}" -eq 0 ]
