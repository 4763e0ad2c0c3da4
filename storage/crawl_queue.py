"""The crawl queue shared by crawl hosts through Redis (DESIGN §1–2): one contract for both sides,
the scheduler that queues due crawls (dispatch/) and the workers that run them (crawlers/).

Only Redis's own primitives:
- `{p}:due`       a stream of due crawls `{job, source}` read by the consumer group `workers`;
                  an entry stays pending until its crawl is acknowledged, so a worker that dies
                  leaves it pending and another worker takes it (XAUTOCLAIM) once it has been
                  idle for the lease time. A live worker keeps its entries fresh (XCLAIM to itself).
- `{p}:queued:S`  source S has a crawl queued or running (SET NX): a source's crawls never
                  overlap and a slow source is not queued twice. Expires if everything is lost.
- `{p}:lease:S`   the worker crawling S (SET NX PX, renewed while crawling): a taken-over entry
                  is not crawled while its first worker is still alive.
- `{p}:results`   a capped stream of crawl summaries (the scheduler logs them, tests read them).
- `{p}:leader`    the scheduler that decides what is due (SET NX PX, renewed).
The seen-state of threads is not here: it lives with the posts in the shared database, committed
after the posts it covers, so it can never claim a post that is not stored."""
from __future__ import annotations

import json
import uuid

GROUP = "workers"
RESULTS_MAXLEN = 100_000

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0"""
_ENQUEUE = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('xadd', KEYS[2], '*', 'job', ARGV[1], 'source', ARGV[3])
  return 1
end
return 0"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0"""


class CrawlQueue:
    def __init__(self, client, *, prefix: str = "yq", lease_seconds: float = 60, queued_ttl: float = 1800):
        """`client`: a redis.Redis with decode_responses=True."""
        self.r = client
        self.p = prefix
        self.lease_ms = int(lease_seconds * 1000)
        self.queued_ms = int(queued_ttl * 1000)
        self._renew = client.register_script(_RENEW)
        self._enqueue = client.register_script(_ENQUEUE)
        self._release = client.register_script(_RELEASE)

    def key(self, *parts: str) -> str:
        return ":".join((self.p, *parts))

    def ensure_group(self) -> None:
        import redis

        try:
            self.r.xgroup_create(self.key("due"), GROUP, id="0", mkstream=True)
        except redis.ResponseError as e:
            if "BUSYGROUP" not in str(e):
                raise

    # -- scheduler side ----------------------------------------------------------------------------
    def enqueue(self, source: str) -> str | None:
        """Queue a crawl of `source`; None when one is already queued or running."""
        job = uuid.uuid4().hex[:16]
        # marker and entry together (a script is atomic): never a marker without its entry
        if not self._enqueue(keys=[self.key("queued", source), self.key("due")], args=[job, self.queued_ms, source]):
            return None
        return job

    def lead(self, me: str) -> bool:
        """Hold (or take) the scheduler lock for one lease time; True if `me` is the leader."""
        k = self.key("leader")
        if self._renew(keys=[k], args=[me, self.lease_ms]):
            return True
        return bool(self.r.set(k, me, nx=True, px=self.lease_ms))

    def results(self, last_id: str = "$", block_ms: int = 1000, count: int = 500) -> list[tuple[str, dict]]:
        got = self.r.xread({self.key("results"): last_id}, count=count, block=block_ms) or []
        return [(mid, json.loads(f["summary"]) | {"job": f["job"]}) for _, entries in got for mid, f in entries]

    # -- worker side -------------------------------------------------------------------------------
    def claim(self, consumer: str, count: int, block_ms: int = 1000) -> list[tuple[str, str, str]]:
        """Up to `count` crawls for `consumer` as (entry id, job, source), leased: first entries a
        dead worker left (idle past the lease), then new ones."""
        due = self.key("due")
        out: list[tuple[str, str, str]] = []
        _next, stolen, *_ = self.r.xautoclaim(due, GROUP, consumer, min_idle_time=self.lease_ms,
                                              start_id="0-0", count=count)
        entries = [e for e in stolen if e and e[1]]
        if len(entries) < count:
            got = self.r.xreadgroup(GROUP, consumer, {due: ">"}, count=count - len(entries), block=block_ms)
            entries += [e for _, es in (got or []) for e in es]
        for mid, f in entries:
            source = f["source"]
            if self.r.set(self.key("lease", source), consumer, nx=True, px=self.lease_ms):
                out.append((mid, f["job"], source))
            # else: its first worker is alive and still crawling; the entry stays pending with us
            # and is taken again after a lease time if that worker never acknowledges it
        return out

    def renew(self, consumer: str, running: list[tuple[str, str]]) -> None:
        """Keep the leases and entries of `running` (entry id, source) while crawling."""
        due = self.key("due")
        for mid, source in running:
            self._renew(keys=[self.key("lease", source)], args=[consumer, self.lease_ms])
            self.r.pexpire(self.key("queued", source), self.queued_ms)
        if running:
            self.r.xclaim(due, GROUP, consumer, 0, [mid for mid, _ in running], justid=True)

    def finish(self, consumer: str, mid: str, job: str, source: str, summary: dict) -> None:
        self.r.xadd(self.key("results"), {"job": job, "summary": json.dumps(summary, ensure_ascii=False)},
                    maxlen=RESULTS_MAXLEN, approximate=True)
        self.r.xack(self.key("due"), GROUP, mid)
        self.r.xdel(self.key("due"), mid)
        self._release(keys=[self.key("queued", source)], args=[job])
        self._release(keys=[self.key("lease", source)], args=[consumer])
