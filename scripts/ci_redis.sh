#!/usr/bin/env bash
# Install (if needed) and start Debian's redis-server on 127.0.0.1 (port $YQ_REDIS_PORT, default
# 6390), fully detached, and print the environment for the Redis tests on stdout:
#   eval "$(scripts/ci_redis.sh)"
# Everything else goes to stderr. Installing needs root (apt-get).
set -euo pipefail
exec 9>&1 1>&2
port=${YQ_REDIS_PORT:-6390}
dir=${YQ_REDIS_DIR:-/tmp/yq-ci-redis}

if ! command -v redis-server >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server
fi
if ! redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
  mkdir -p "$dir"
  # A daemon inherits every open descriptor: started with the caller's pipes (fd 9 above, or the
  # CI runner's own) it holds them open for ever and the CI run never reaches EOF. So it starts
  # with nothing inherited (stdin /dev/null, output to a log, other fds closed) and daemonises.
  python3 - "$dir/start.log" redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
      --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" --save "" --appendonly no <<'PY' \
      || { cat "$dir/start.log"; exit 1; }
import subprocess, sys
with open(sys.argv[1], "w") as log:
    sys.exit(subprocess.call(sys.argv[2:], close_fds=True, stdin=subprocess.DEVNULL,
                             stdout=log, stderr=subprocess.STDOUT))
PY
fi
for _ in $(seq 1 30); do
  redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break
  sleep 0.5
done
redis-cli -p "$port" ping | grep -q PONG
echo "export YQ_REDIS_URL=redis://127.0.0.1:$port/0" >&9
