"""Separate network namespaces for crawl-worker tests (Linux, root, iproute2): each worker runs in
its own namespace joined to the test's services through a bridge, as if on its own host. The
services (demo sites, redis-server) listen on the bridge's address; the database is a SQLite file
(the namespaces share the file system). `NetnsLab.open()` returns None when namespaces cannot be
made here (not root, no `ip`, no permission in a container), and the caller says so."""
from __future__ import annotations

import os
import shutil
import subprocess


class NetnsLab:
    def __init__(self, count: int):
        tag = f"{os.getpid() % 100000}"
        self.bridge = f"yqbr{tag}"
        self.names = [f"yq{tag}n{i}" for i in range(count)]
        octet = 100 + os.getpid() % 100  # a /24 unlikely to be in use: 10.231.X.0
        self.host_ip = f"10.231.{octet}.1"
        self._ips = [f"10.231.{octet}.{10 + i}" for i in range(count)]
        self._made: list[list[str]] = []  # undo commands, newest first

    @classmethod
    def open(cls, count: int) -> "NetnsLab | None":
        if os.geteuid() != 0 or not shutil.which("ip"):
            return None
        lab = cls(count)
        try:
            lab._build()
        except (OSError, subprocess.CalledProcessError):
            lab.close()
            return None
        return lab

    def _ip(self, *args: str, undo: list[str] | None = None) -> None:
        subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)
        if undo:
            self._made.insert(0, undo)

    def _build(self) -> None:
        self._ip("link", "add", self.bridge, "type", "bridge", undo=["link", "del", self.bridge])
        self._ip("addr", "add", f"{self.host_ip}/24", "dev", self.bridge)
        self._ip("link", "set", self.bridge, "up")
        for i, (ns, addr) in enumerate(zip(self.names, self._ips)):
            host_end, ns_end = f"{self.bridge}h{i}", f"{self.bridge}n{i}"
            self._ip("netns", "add", ns, undo=["netns", "del", ns])
            self._ip("link", "add", host_end, "type", "veth", "peer", "name", ns_end,
                     undo=["link", "del", host_end])
            self._ip("link", "set", host_end, "master", self.bridge)
            self._ip("link", "set", host_end, "up")
            self._ip("link", "set", ns_end, "netns", ns)
            self._ip("netns", "exec", ns, "ip", "addr", "add", f"{addr}/24", "dev", ns_end)
            self._ip("netns", "exec", ns, "ip", "link", "set", ns_end, "up")
            self._ip("netns", "exec", ns, "ip", "link", "set", "lo", "up")

    def prefix(self, i: int) -> list[str]:
        """Command prefix running a program in namespace `i` (ip execs it: same pid)."""
        return ["ip", "netns", "exec", self.names[i]]

    def close(self) -> None:
        for undo in self._made:
            subprocess.run(["ip", *undo], capture_output=True, timeout=10)
        self._made.clear()
