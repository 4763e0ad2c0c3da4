"""Shared test fixtures. Tests are offline: real servers on 127.0.0.1 only."""
from __future__ import annotations

import importlib
import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the repository holds the large corpora (the CI clone gets a read-only copy
# there); a clone of the repository alone lacks it. The real saved pages live in the repository.
SHARED = ROOT.parent / "shared"
REAL_FIXTURES = ROOT / "tests" / "fixtures" / "real"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def shared_dir() -> Path:
    """The large labelled corpora: skipped on a clone of the repository alone, required in CI
    (YQ_REQUIRE_SHARED=1) so the held-out accuracy guards never silently skip there."""
    if not (SHARED / "data").is_dir():
        why = f"large corpora not present ({SHARED / 'data'} is missing)"
        if os.environ.get("YQ_REQUIRE_SHARED") == "1":
            pytest.fail(f"YQ_REQUIRE_SHARED=1 but {why}")
        pytest.skip(why)
    return SHARED


@pytest.fixture
def real_fixtures() -> Path:
    if not REAL_FIXTURES.is_dir():
        pytest.fail(f"real page fixtures missing: {REAL_FIXTURES}")
    return REAL_FIXTURES


# Every module that declares tables on storage's Base: a schema comparison must see them all,
# whatever other tests happened to import first (tests/test_fresh_clone.py keeps the list whole).
MODEL_MODULES = ("storage.models", "storage.versions", "storage.evidence", "alerts.models",
                 "alerts.reports.models", "alerts.feedback", "alerts.silences", "console.models")


def load_all_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)
