#!/usr/bin/env bash
# Resolve OpenSearch 2.19 from Maven Central (scripts/opensearch/pom.xml), start ONE node on
# 127.0.0.1 (HTTP $YQ_OS_PORT, default 9250), wait for green and print the environment for the
# live search tests on stdout:
#   eval "$(bash scripts/ci_opensearch.sh)"
# Idempotent: a node already answering on the port is reused (yellow is fine there: indices left by
# earlier runs have a replica that one node cannot place). Everything else goes to stderr.
# Installs Java 17 / Maven from Debian when missing (needs root then).
set -euo pipefail
exec 9>&1 1>&2
here="$(cd "$(dirname "$0")/opensearch" && pwd)"
port=${YQ_OS_PORT:-9250}
tport=${YQ_OS_TRANSPORT_PORT:-9350}
home=${YQ_OS_HOME:-/var/tmp/yqwatch-opensearch}
url="http://127.0.0.1:$port"

if python3 "$here/yqnode.py" wait --http "$port" --timeout 1 --status yellow 2>/dev/null; then
  echo "export YQ_OS_URL=$url" >&9
  exit 0
fi
if ! command -v javac >/dev/null || ! command -v mvn >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jdk-headless maven
fi
if [ ! -f "$here/target/lib/opensearch-2.19.6.jar" ] || [ "$here/pom.xml" -nt "$here/target/lib" ]; then
  rm -rf "$here/target/lib"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$here/target/lib" -DincludeScope=runtime </dev/null
fi
mkdir -p "$here/target/classes"
javac -cp "$here/target/lib/*" -d "$here/target/classes" "$here/YqNode.java" </dev/null

python3 "$here/yqnode.py" stop --home "$home"  # a node that is up but red or stuck: start afresh
rm -rf "$home"
python3 "$here/yqnode.py" start --home "$home" --name yq-ci-1 --http "$port" --transport "$tport" >/dev/null
if ! python3 "$here/yqnode.py" wait --http "$port" --timeout 120; then
  tail -n 60 "$home/node.log"
  exit 1
fi
echo "export YQ_OS_URL=$url" >&9
