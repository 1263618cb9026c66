#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster.
#
#   scripts/with-postgres.sh COMMAND [ARGS...]
#
# Creates a fresh cluster in a temporary directory (initdb -A trust, UTF8, C.UTF-8),
# starts it on 127.0.0.1 (port 5433, or the next free one; PGTEST_PORT overrides the
# first port tried) with its socket in that directory, creates database "app", runs
# COMMAND with DATABASE_URL=postgres://postgres@127.0.0.1:PORT/app, then stops the
# cluster and deletes the directory -- also when COMMAND fails or is interrupted.
# Exits with COMMAND's status.
#
# As root the server runs as the "postgres" OS user (PostgreSQL refuses to run as
# root); as any other user it runs as that user.
# The server binaries are found under /usr/lib/postgresql/<newest version>/bin
# (PG_BINDIR overrides).
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

bindir=${PG_BINDIR:-}
if [[ -z $bindir ]]; then
  bindir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
fi
if [[ -z $bindir || ! -x $bindir/initdb ]]; then
  echo "with-postgres: PostgreSQL server binaries not found (install the Debian package postgresql)" >&2
  exit 1
fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
t0=$(now_ms)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgtest.XXXXXX")
data=$tmp/data
log=$tmp/server.log

if [[ $(id -u) -eq 0 ]]; then
  chown postgres: "$tmp"
  # cd: the postgres user may not be allowed into the current directory.
  as_pg() { (cd "$tmp" && runuser -u postgres -- "$@"); }
else
  as_pg() { (cd "$tmp" && "$@"); }
fi

started=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $started ]]; then
    local t1; t1=$(now_ms)
    as_pg "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    echo "with-postgres: cluster stopped and removed in $(( $(now_ms) - t1 )) ms"
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_pg "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync --no-instructions >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; echo "with-postgres: initdb failed" >&2; exit 1; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port=${PGTEST_PORT:-5433}
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  while port_busy "$port"; do port=$((port + 1)); done
  if as_pg "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
    started=1
    break
  fi
  # Lost a race for the port to another process? Try the next one.
  if [[ $attempt -eq 10 ]] || ! grep -q "could not bind\|Address already in use" "$log" 2>/dev/null; then
    cat "$log" >&2 || true
    echo "with-postgres: the server did not start" >&2
    exit 1
  fi
  port=$((port + 1))
done

"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres app

version=$("$bindir/postgres" --version | awk '{print $3}')
echo "with-postgres: PostgreSQL $version on 127.0.0.1:$port ready in $(( $(now_ms) - t0 )) ms (data in $tmp)"

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/app"
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=app
set +e
"$@"
status=$?
set -e
exit "$status"
