"""Opening what a one-shot command needs, and closing it afterwards."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from watch_config import config_dir, load_config


@contextmanager
def opened(args) -> Iterator:
    """The full Services of the config directory named on the command line (commands that send
    or build reports); read-only commands open less (see search.py)."""
    from scheduler import Services

    svc = Services(load_config(config_dir(args.config)))
    try:
        yield svc
    finally:
        svc.close()
