"""storage: index outbox row numbers are never reused (SQLite AUTOINCREMENT)

Without AUTOINCREMENT SQLite hands out max(seq)+1, so a number freed by a delivered row came back
for a new one; an acknowledgement by number could then delete an undelivered row. PostgreSQL's
sequence never goes back, so only SQLite changes.

Revision ID: 0005
Revises: 0004_console_users
Create Date: 2026-12-04
"""
from alembic import op


revision = '0005'
down_revision = '0004_console_users'
branch_labels = None
depends_on = None


def _rebuild(autoincrement: str) -> None:
    op.execute("CREATE TABLE index_outbox_new (seq INTEGER NOT NULL PRIMARY KEY" + autoincrement
               + ", doc_id VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL)")
    op.execute("INSERT INTO index_outbox_new (seq, doc_id, created_at) SELECT seq, doc_id, created_at FROM index_outbox")
    op.execute("DROP TABLE index_outbox")
    op.execute("ALTER TABLE index_outbox_new RENAME TO index_outbox")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(" AUTOINCREMENT")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild("")
