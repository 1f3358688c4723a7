#!/usr/bin/env bash
# Starts the sandbox Salesforce org, a Celery worker and the web server; Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SANDBOX_PORT=${SANDBOX_PORT:-8765}
SANDBOX_RECORDS=${SANDBOX_RECORDS:-5000}
DEMO_EMAIL=${DEMO_EMAIL:-admin@example.com}
DEMO_PASSWORD=${DEMO_PASSWORD:-demo-pass-123}

org_id=$($PY manage.py create_org_admin --org "Demo Company" --email "$DEMO_EMAIL" --password "$DEMO_PASSWORD" | tail -n 1)

trap 'kill 0' EXIT INT TERM
$PY -m sfsandbox --port "$SANDBOX_PORT" --records "$SANDBOX_RECORDS" &
.venv/bin/celery -A crm worker --loglevel INFO --concurrency 1 &
$PY manage.py runserver 0.0.0.0:8000 --noreload &

cat <<MSG

  CRM is starting on http://localhost:8000  (use localhost, not 127.0.0.1: the OAuth
  callback comes back to localhost and the session cookie must match)
  Sign in as $DEMO_EMAIL / $DEMO_PASSWORD   (org "Demo Company", id $org_id)
  Salesforce sandbox org on http://127.0.0.1:$SANDBOX_PORT ($SANDBOX_RECORDS records)
  Settings -> Salesforce -> Connect, then Import.   Ctrl-C stops everything.

MSG
wait -n
