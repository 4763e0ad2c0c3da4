"""`python -m crawlers.check --config DIR`: validate sources.yaml with its full schema (the
scheduler may not import crawlers, so `yqwatch check-config` runs this). Exit 0 ok, 2 invalid."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.config import ConfigError


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawlers.check")
    ap.add_argument("--config", default=os.environ.get("YQ_CONFIG", "config"))
    args = ap.parse_args(argv)
    from crawlers.sources import load_sources

    try:
        cfg = load_sources(Path(args.config))
    except ConfigError as e:
        print(f"配置错误: {e}", file=sys.stderr)
        return 2
    print(f"{len(cfg.sources)} sources ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
