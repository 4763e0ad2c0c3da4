"""post versions and changes (删帖/改帖 found by re-crawls), first-sight captures (取证),
incident satisfaction (满意度)

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

# frozen copies of the model types: a migration must not change when the models do
SeqInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "post_versions",
        sa.Column("id", SeqInt, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint("doc_id", "version", name="uq_post_version"),
    )
    op.create_index("ix_post_versions_doc_id", "post_versions", ["doc_id"])
    op.create_table(
        "post_changes",
        sa.Column("id", SeqInt, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("diff", sa.Text(), nullable=False),
    )
    op.create_index("ix_post_changes_doc_id", "post_changes", ["doc_id"])
    op.create_index("ix_post_changes_detected_at", "post_changes", ["detected_at"])
    op.create_table(
        "evidence_captures",
        sa.Column("id", SeqInt, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("html_z", sa.LargeBinary(), nullable=True),
        sa.Column("html_sha256", sa.String(64), nullable=True),
        sa.Column("png", sa.LargeBinary(), nullable=True),
        sa.Column("png_sha256", sa.String(64), nullable=True),
        sa.Column("rendered_at", sa.DateTime(), nullable=True),
        sa.Column("renderer", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.UniqueConstraint("doc_id"),
    )
    op.create_table(
        "incident_feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident_incidents.id"), nullable=False),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_incident_feedback_incident_id", "incident_feedback", ["incident_id"])


def downgrade() -> None:
    op.drop_table("incident_feedback")
    op.drop_table("evidence_captures")
    op.drop_table("post_changes")
    op.drop_table("post_versions")
