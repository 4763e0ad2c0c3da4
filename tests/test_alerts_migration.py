"""The 0002_alerts migration creates exactly the tables alerts.models declares."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import alerts.models  # noqa: F401  (registers the alert tables on storage's Base)
from storage.models import Base
from conftest import load_all_models
from test_alerts_support import make_store


def test_migrated_schema_matches_the_models(tmp_path):
    load_all_models()
    store = make_store(tmp_path)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diff if any(p in str(d) for p in ("alert_", "incident_", "report_"))]
    assert ours == []
    with store.engine.connect() as conn:
        tables = set(conn.dialect.get_table_names(conn))
    assert {"alert_alerts", "alert_events", "alert_event_docs", "alert_matches", "incident_incidents",
            "incident_log", "report_issues", "report_selections"} <= tables
