#!/usr/bin/env bash
# Regenerate the README's sample report pages (docs/report-page-*.png) from the demo data,
# in a throwaway SQLite database so that nothing of var/db.sqlite3 is touched:
# migrate, seed, demo, then `manage.py report_samples`. Needs WeasyPrint's libraries and
# poppler-utils (scripts/ensure-pdf-libs.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export DATABASE_URL="sqlite:///$scratch/samples.sqlite3"
export REPORTS_ROOT="$scratch/reports"
export MEDIA_ROOT="$scratch/media"
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
PY=.venv/bin/python
"$PY" manage.py migrate --noinput >/dev/null
"$PY" manage.py seed >/dev/null
"$PY" manage.py demo >/dev/null
"$PY" manage.py report_samples "$@"
