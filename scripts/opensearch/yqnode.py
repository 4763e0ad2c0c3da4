"""Start or stop one OpenSearch node from the jars laid by `mvn dependency:copy-dependencies`
(see pom.xml, YqNode.java). Standard library only: used by scripts/ci_opensearch.sh and by the
cluster test, before any virtualenv exists.

  python3 yqnode.py start --home DIR --http 9250 --transport 9350 [--cluster NAME --seeds P1,P2 --masters N1,N2]
  python3 yqnode.py stop --home DIR
  python3 yqnode.py wait --http 9250 [--nodes 3] [--timeout 120]

`start` returns once the JVM is spawned (its pid in DIR/pid); the node is fully detached: its own
session, stdin from /dev/null, output to DIR/node.log, no inherited descriptors -- a child that
kept the caller's pipe open would make a CI run wait for EOF for ever (see ci_postgres.sh)."""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSPATH = f"{HERE / 'target' / 'lib'}/*:{HERE / 'target' / 'classes'}"
# Small heap (YQ_OS_HEAP, e.g. 1g for the 1M-document bench) and the serial collector: the
# machine has 2 cores shared with the test run.
HEAP = os.environ.get("YQ_OS_HEAP", "384m")
JVM_OPTS = [f"-Xms{HEAP}", f"-Xmx{HEAP}", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
            "-Dlog4j2.disable.jmx=true", "-Dlog4j.shutdownHookEnabled=false", "-Dfile.encoding=UTF-8",
            "-Dopensearch.set.netty.runtime.available.processors=false", "-Dio.netty.noUnsafe=true"]


def config(args: argparse.Namespace) -> str:
    home = Path(args.home).resolve()
    lines = {
        "cluster.name": args.cluster, "node.name": args.name or home.name,
        "path.home": str(home), "path.data": str(home / "data"), "path.logs": str(home / "logs"),
        "network.host": "127.0.0.1", "http.port": args.http, "transport.port": args.transport,
        # CI disks may be fuller than production's; never turn indices read-only here.
        "cluster.routing.allocation.disk.threshold_enabled": "false",
        "node.processors": int(os.environ.get("YQ_OS_PROCESSORS", "1")),
    }
    if args.seeds:
        lines["discovery.seed_hosts"] = json.dumps([f"127.0.0.1:{p}" for p in args.seeds.split(",")])
        lines["cluster.initial_cluster_manager_nodes"] = json.dumps(args.masters.split(","))
    else:
        lines["discovery.type"] = "single-node"
    return "".join(f"{k}: {v}\n" for k, v in lines.items())


def start(args: argparse.Namespace) -> int:
    home = Path(args.home).resolve()
    (home / "config").mkdir(parents=True, exist_ok=True)
    yml = home / "config" / "opensearch.yml"
    yml.write_text(config(args), encoding="utf-8")
    # Warnings and errors to node.log (without a configuration log4j prints errors only).
    (home / "config" / "log4j2.properties").write_text(
        "appender.console.type = Console\nappender.console.name = console\n"
        "appender.console.layout.type = PatternLayout\n"
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%c{1.}] %m%n\n"
        "rootLogger.level = warn\nrootLogger.appenderRef.console.ref = console\n", encoding="utf-8")
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
    with open(home / "node.log", "ab") as log:
        proc = subprocess.Popen([java, *JVM_OPTS, f"-Dlog4j.configurationFile={home / 'config' / 'log4j2.properties'}",
                                 "-cp", CLASSPATH, "YqNode", str(yml)],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                close_fds=True, start_new_session=True, cwd=home)
    (home / "pid").write_text(str(proc.pid))
    print(proc.pid)
    return 0


def stop(args: argparse.Namespace) -> int:
    pidfile = Path(args.home) / "pid"
    try:
        pid = int(pidfile.read_text())
    except (OSError, ValueError):
        return 0
    sig = signal.SIGKILL if args.kill else signal.SIGTERM
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
    for _ in range(300):  # up to 30 s for a clean close
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    pidfile.unlink(missing_ok=True)
    return 0


def health(port: int, nodes: int, timeout: float, status: str = "green") -> dict | None:
    url = (f"http://127.0.0.1:{port}/_cluster/health?wait_for_status={status}"
           f"&wait_for_nodes={nodes}&timeout=2s")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return json.load(r)
    except Exception:
        return None


def wait(args: argparse.Namespace) -> int:
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        h = health(args.http, args.nodes, 10, args.status)
        ok = ("green",) if args.status == "green" else ("green", "yellow")
        if h and h.get("status") in ok and h.get("number_of_nodes", 0) >= args.nodes:
            return 0
        time.sleep(0.5)
    print(f"OpenSearch on port {args.http} not green with {args.nodes} node(s) after {args.timeout}s",
          file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start")
    s.add_argument("--home", required=True)
    s.add_argument("--name")
    s.add_argument("--http", type=int, required=True)
    s.add_argument("--transport", type=int, required=True)
    s.add_argument("--cluster", default="yq-ci")
    s.add_argument("--seeds", help="transport ports of the cluster's nodes")
    s.add_argument("--masters", help="node names that bootstrap the cluster")
    t = sub.add_parser("stop")
    t.add_argument("--home", required=True)
    t.add_argument("--kill", action="store_true", help="SIGKILL (a crash) instead of a clean stop")
    w = sub.add_parser("wait")
    w.add_argument("--http", type=int, required=True)
    w.add_argument("--nodes", type=int, default=1)
    w.add_argument("--timeout", type=float, default=120)
    w.add_argument("--status", choices=("green", "yellow"), default="green",
                   help="yellow: also accept unassigned replicas (one node, indices with a replica)")
    args = p.parse_args(argv)
    return {"start": start, "stop": stop, "wait": wait}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
