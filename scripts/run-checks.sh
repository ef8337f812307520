#!/usr/bin/env bash
# Every gate, in the order CI runs them. Expects DATABASE_URL and REDIS_URL pointing at
# real services (scripts/with-services.sh provides throwaway ones).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv

echo "== ruff (lint and format)"
$VENV/bin/ruff check .
$VENV/bin/ruff format --check .

echo "== lint-imports (layers)"
$VENV/bin/lint-imports

echo "== makemigrations --check"
$VENV/bin/python manage.py makemigrations --check --dry-run

echo "== check --deploy with production settings"
DJANGO_DEBUG=0 \
  SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" \
  ALLOWED_HOSTS=portal.example \
  $VENV/bin/python manage.py check --deploy --fail-level WARNING

echo "== pytest (unit, integration with a real worker, browser)"
$VENV/bin/python -m pytest "$@"
