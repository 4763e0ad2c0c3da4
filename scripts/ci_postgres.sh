#!/usr/bin/env bash
# Install (if needed) and start Debian's PostgreSQL on 127.0.0.1:5432, create role yq / database
# yqtest idempotently, and print the environment for the postgres-marked tests on stdout:
#   eval "$(scripts/ci_postgres.sh)"
# Everything else goes to stderr. Needs root (apt-get, pg_ctlcluster).
set -euo pipefail
exec 9>&1 1>&2

if ! command -v pg_lsclusters >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$ver main"; then
  pg_createcluster "$ver" main -p 5432 -- --auth-local=peer --auth-host=scram-sha-256
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -qx online; then
  # The server daemonises and inherits every open descriptor: started with the caller's pipes (fd 9
  # above, or the CI runner's own), it holds them open for ever and the CI run never reaches EOF.
  # So it starts with nothing inherited: stdin from /dev/null, output to a log, all other fds closed.
  start_log=$(mktemp)
  python3 - "$start_log" pg_ctlcluster "$ver" main start <<'PY' || { cat "$start_log"; exit 1; }
import subprocess, sys
with open(sys.argv[1], "w") as log:
    sys.exit(subprocess.call(sys.argv[2:], close_fds=True, stdin=subprocess.DEVNULL,
                             stdout=log, stderr=subprocess.STDOUT))
PY
  cat "$start_log"; rm -f "$start_log"
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
psql_su() { su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -p 5432 $*"; }
if [ "$(psql_su "-c \"SELECT 1 FROM pg_roles WHERE rolname='yq'\"")" != "1" ]; then
  psql_su "-c \"CREATE ROLE yq LOGIN PASSWORD 'yq'\""
fi
if [ "$(psql_su "-c \"SELECT 1 FROM pg_database WHERE datname='yqtest'\"")" != "1" ]; then
  psql_su "-c \"CREATE DATABASE yqtest OWNER yq\""
fi
echo "export YQ_PG_URL=postgresql+psycopg://yq:yq@127.0.0.1:5432/yqtest" >&9
