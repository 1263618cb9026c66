#!/usr/bin/env bash
# Serve the app with gunicorn and keep the background task worker running beside it.
#
#   scripts/serve.sh PYTHON BIND WORKERS
#
# PYTHON is the virtual environment's interpreter.
# - The worker (manage.py export_worker) is restarted whenever it stops, after a pause that grows
#   while it keeps failing (1 s, 2 s, 4 s ... 30 s; back to 1 s once it has run a minute). The web
#   server never stops because the worker stopped.
# - If gunicorn itself exits, the worker is stopped and the script exits with gunicorn's status.
# - Ctrl-C / SIGTERM stops both: the worker may finish its current file for a few seconds, then the
#   file is abandoned (marked failed, for the user to retry).
# - Every file both create is private to the service account (umask 077): the database, the
#   generated files and their temporary files hold full ID numbers.
# - The access log keeps the path without its query string (%(U)s): a roster search (q=) may be an
#   ID number.
set -euo pipefail
umask 077

py=${1:?python}
bind=${2:-127.0.0.1:8000}
workers=${3:-3}
grace=${SERVE_STOP_GRACE:-5}    # seconds the worker gets to finish, on each of two polite signals
ACCESS_LOG_FORMAT='%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

"$py" -m gunicorn config.wsgi:application --config python:config.gunicorn \
  --bind "$bind" --workers "$workers" --timeout 30 \
  --access-logfile - --access-logformat "$ACCESS_LOG_FORMAT" --no-control-socket &
web=$!

# The supervisor: runs in a subshell, restarts the worker, stops it on TERM.
supervise() {
  child=0 sleeper=0 delay=1 stopping=0
  # shellcheck disable=SC2317  # called by the trap
  stop_worker() {
    if (( stopping )); then return; fi
    stopping=1
    if (( sleeper )); then kill "$sleeper" 2>/dev/null || true; fi
    if (( child )) && kill -0 "$child" 2>/dev/null; then
      kill -TERM "$child" 2>/dev/null || true          # db_worker: finish the current task
      for _ in $(seq "$grace"); do kill -0 "$child" 2>/dev/null || break; sleep 1; done
      kill -TERM "$child" 2>/dev/null || true          # again: abandon it (the job is marked failed)
      for _ in $(seq "$grace"); do kill -0 "$child" 2>/dev/null || break; sleep 1; done
      kill -KILL "$child" 2>/dev/null || true
      wait "$child" 2>/dev/null || true
    fi
    exit 0
  }
  trap stop_worker TERM INT
  while true; do
    started=$SECONDS
    # nice: a long export takes the spare CPU, never the web workers' share.
    nice -n 10 "$py" manage.py export_worker --only-worker --no-startup-delay &
    child=$!
    status=0
    wait "$child" || status=$?
    if (( SECONDS - started >= 60 )); then delay=1; fi
    echo "serve: the task worker stopped (status $status); restarting it in ${delay}s" >&2
    sleep "$delay" &
    sleeper=$!
    wait "$sleeper" || true
    sleeper=0
    delay=$(( delay * 2 > 30 ? 30 : delay * 2 ))
  done
}
supervise &
supervisor=$!

stop() {
  trap - EXIT INT TERM
  kill -TERM "$web" "$supervisor" 2>/dev/null || true
  wait "$web" "$supervisor" 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

set +e
wait "$web"
status=$?
set -e
echo "serve: gunicorn exited (status $status); stopping the task worker" >&2
# gunicorn should never stop on its own: that is a failure even with status 0.
if [[ $status -eq 0 ]]; then status=1; fi
exit "$status"
