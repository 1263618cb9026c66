#!/usr/bin/env bash
# Serve the app with gunicorn and run the background task worker beside it.
#
#   scripts/serve.sh PYTHON BIND WORKERS
#
# PYTHON is the virtual environment's interpreter. Both processes stop together:
# on Ctrl-C / SIGTERM, or as soon as either of them exits on its own.
set -euo pipefail

py=${1:?python}
bind=${2:-127.0.0.1:8000}
workers=${3:-3}

"$py" manage.py db_worker &
worker=$!
"$py" -m gunicorn config.wsgi:application \
  --bind "$bind" --workers "$workers" --timeout 30 \
  --access-logfile - --no-control-socket &
web=$!

stop() {
  trap - EXIT INT TERM
  kill -TERM "$web" "$worker" 2>/dev/null || true
  wait "$web" "$worker" 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

set +e
wait -n "$web" "$worker"
status=$?
set -e
echo "serve: gunicorn or db_worker exited (status $status); stopping the other" >&2
# Neither should ever stop on its own: that is a failure even with status 0.
if [[ $status -eq 0 ]]; then status=1; fi
exit "$status"
