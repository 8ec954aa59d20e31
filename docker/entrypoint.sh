#!/bin/sh
# The container's entrypoint (Dockerfile, compose.yaml). Settings come only from MOTCUA_* variables.
#
#   serve [--host H] [--port P] [--workers N]   bring the schema up to date once, then become motcua serve
#   migrate                                      only bring the schema up to date
#   healthcheck [PORT]                           exit 0 when GET /healthz on this container answers 200
#   anything else                                motcua <anything else> (validate, user add, search, ...)
#
# The schema is migrated here, by one process, before uvicorn starts its N workers: each worker still
# checks it at start-up (a no-op by then), and several containers starting at once take turns on a
# PostgreSQL advisory lock (bot/storage/migrate.py).
set -eu

here=$(dirname "$0")

case "${1:-serve}" in
serve)
    python "$here/migrate.py" --at-start
    [ $# -gt 0 ] && shift
    # exec: uvicorn replaces this shell, so `docker stop`'s SIGTERM reaches it and workers finish cleanly.
    exec motcua serve "$@"
    ;;
migrate)
    exec python "$here/migrate.py"
    ;;
healthcheck)
    port=${2:-8000}
    case $port in '' | *[!0-9]*) echo "healthcheck: the port must be a number" >&2; exit 2 ;; esac
    # Python, not curl: the slim image has no curl. urlopen raises on 503, so any non-200 exits 1.
    exec python -c "import sys, urllib.request
try:
    ok = urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=5).status == 200
except Exception as err:
    print(f'healthz: {err}', file=sys.stderr)
    ok = False
sys.exit(0 if ok else 1)"
    ;;
*)
    exec motcua "$@"
    ;;
esac
