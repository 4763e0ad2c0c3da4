"""Session helper shared by the alert stage's writers."""
from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


def write_session(engine: Engine) -> Session:
    """A session whose transactions take the write lock up front (BEGIN IMMEDIATE on SQLite,
    see storage.factory.make_engine), so they queue behind crawler writes instead of failing."""
    return Session(engine.execution_options(yq_write=True))
