#!/usr/bin/env bash
# Pick the database and browser for the suite, say which, and run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTINUITY_SECURE_COOKIES=0 CONTINUITY_FAST_PASSWORD_HASHER=1 DJANGO_ALLOW_ASYNC_UNSAFE=true
ci="${CI:-false}"

if [ -z "${DATABASE_URL:-}" ]; then
  if .venv/bin/python - <<'PY' 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
PY
  then
    export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/continuity"
  fi
fi
case "${DATABASE_URL:-}" in
  postgres*) echo "Database: PostgreSQL (${DATABASE_URL%%\?*}; tests use a fresh test_ database)";;
  "") if [ "$ci" = true ]; then echo "CI=true but PostgreSQL is not reachable: failing." >&2; exit 1; fi
      echo "Database: embedded SQLite (PostgreSQL on 127.0.0.1:5432 not reachable)";;
  *) echo "Database: ${DATABASE_URL%%:*}";;
esac

if command -v chromium >/dev/null 2>&1; then
  echo "Browser tests: Debian chromium ($(command -v chromium))"
else
  if [ "$ci" = true ]; then echo "CI=true but chromium is not installed: failing." >&2; exit 1; fi
  echo "Browser tests: SKIPPED - chromium is not installed (apt-get install -y chromium)"
fi

# One pytest-xdist worker per core (TEST_WORKERS overrides; 0 runs in one process). Each worker
# has its own test database, live server and browser; tests that need their own PostgreSQL
# cluster or gunicorn pick free ports.
workers="${TEST_WORKERS:-$(nproc 2>/dev/null || echo 1)}"
parallel=()
case " $* " in
  *" -n "*|*" -n"[0-9a]*|*" --numprocesses"*|*" -p no:xdist "*) ;;
  *) if [ "$workers" -gt 0 ]; then parallel=(-n "$workers"); echo "Test workers: ${workers}"; fi;;
esac

set +e
.venv/bin/pytest "${parallel[@]}" "$@"
status=$?
set -e
if [ $status -eq 5 ]; then echo "No tests were collected." >&2; exit 1; fi
exit $status
