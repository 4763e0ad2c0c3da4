"""Run the Alembic migrations in storage/migrations programmatically (no alembic.ini needed).

Several processes (the watch, crawl subprocesses) may start at once: the upgrade runs under a
database-wide lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so the first
upgrades and the others then find the schema at head."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select

MIGRATIONS = Path(__file__).with_name("migrations")
_MIGRATE_LOCK = 0x79716d67  # pg advisory lock key ("yqmg")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as c:
        return set(MigrationContext.configure(c).get_current_heads())


def upgrade_head(engine: Engine) -> None:
    if current_revisions(engine) == head_revisions():
        return
    cfg = alembic_config()
    with engine.connect() as conn:
        conn.execution_options(yq_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(_MIGRATE_LOCK)))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
