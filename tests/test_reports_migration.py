"""0003_reports and 0010 create exactly the tables alerts.reports.models declares, on SQLite and (with
YQ_PG_URL) PostgreSQL, and downgrades cleanly."""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import alerts.models  # noqa: F401  (registers the alert tables on storage's Base)
import alerts.reports.models  # noqa: F401
from alerts.channels.mail import Attachment, EmailChannel
from alerts.incidents import IncidentBook
from alerts.reports.delivery import Outgoing, ReportPostbox
from alerts.reports.special import special_issue_number
from storage.factory import create_schema, make_engine
from storage.migrate import alembic_config, current_revisions, head_revisions
from storage.models import Base
from storage_docs import drop_postgres_schema, postgres_engine
from conftest import free_port
from test_alerts_support import SH, SmtpServer

TABLES = {"report_deliveries", "report_specials", "report_approvals"}
NOW = datetime(2024, 5, 6, 9, 0, tzinfo=SH)


def _diff(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    return [d for d in diff if "report_" in str(d)]


def _tables(engine):
    with engine.connect() as conn:
        return set(conn.dialect.get_table_names(conn))


def _exercise(engine):
    """A row through the postbox and a 专报 number: the columns take what the code writes."""
    create_schema(engine)
    assert current_revisions(engine) == head_revisions()
    assert _diff(engine) == [] and TABLES <= _tables(engine)
    port = free_port()
    box = ReportPostbox(engine, EmailChannel(host="127.0.0.1", port=port, sender="a@b", recipients=["c@d"]),
                        now=lambda: NOW)
    assert box.reserve("daily", "2024-05-05", ["leader@qingxi.example.cn"])
    assert not box.reserve("daily", "2024-05-05", ["x@y"])
    box.fill("daily", "2024-05-05", Outgoing("第1期", "《重要舆情摘报》第1期", "正文", "<p>正文</p>",
                                             (Attachment("摘报.docx", b"PK\x03\x04\x00\xff"),)))
    with SmtpServer(port) as smtp:
        assert box.run(lambda kind, key: None).sent == 1
    [part] = smtp.messages[0].iter_attachments()
    assert part.get_filename() == "摘报.docx" and part.get_content() == b"PK\x03\x04\x00\xff"
    inc = IncidentBook(engine, now=lambda: NOW).open("测试", actor="甲")
    assert special_issue_number(engine, inc.id, NOW) == (2024, 1)
    assert special_issue_number(engine, inc.id, NOW) == (2024, 1)

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002_alerts")
    assert not TABLES & _tables(engine) and "report_issues" in _tables(engine)
    create_schema(engine)
    assert TABLES <= _tables(engine)


def test_sqlite(tmp_path):
    _exercise(make_engine(f"sqlite:///{tmp_path / 'yq.db'}"))


@pytest.mark.postgres
def test_postgresql():
    schema = f"yq_reports_{uuid.uuid4().hex[:8]}"
    engine = postgres_engine(schema)
    try:
        _exercise(engine)
    finally:
        drop_postgres_schema(engine, schema)
