#!/usr/bin/env bash
# Bootstrap a fresh machine: uv (from PyPI if missing), .venv, Python and npm packages, NHS.UK assets.
# Usage: scripts/bootstrap.sh runtime|dev
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-runtime}"
PYTHON="${PYTHON:-python3}"
export UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy

if command -v uv >/dev/null 2>&1; then
  UV=(uv)
elif "$PYTHON" -m uv --version >/dev/null 2>&1; then
  UV=("$PYTHON" -m uv)
else
  echo "Installing uv from PyPI..."
  "$PYTHON" -m pip install --quiet --disable-pip-version-check uv
  UV=("$PYTHON" -m uv)
fi

if [ "$mode" = dev ]; then
  "${UV[@]}" sync --frozen --quiet --python "$PYTHON"
else
  "${UV[@]}" sync --frozen --quiet --no-dev --inexact --python "$PYTHON"
fi

if [ ! -d node_modules/nhsuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p var/staticfiles

# NHS.UK frontend's precompiled dist/, served by WhiteNoise.
dest=src/continuity/static/nhsuk
if [ ! -f "$dest/nhsuk-frontend.min.css" ] || [ node_modules/nhsuk-frontend/package.json -nt "$dest/nhsuk-frontend.min.css" ]; then
  rm -rf "$dest"
  mkdir -p "$dest"
  cp -R node_modules/nhsuk-frontend/dist/nhsuk/. "$dest/"
fi
