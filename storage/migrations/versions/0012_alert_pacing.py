"""alerts: quiet hours and minimum push interval per channel (alert_pacing, alert_alerts.digest_id);
who ended a silence early (alert_silences.ended_by)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_pacing',
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('next_push_at', sa.DateTime(), nullable=True),
    sa.Column('last_push_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('channel')
    )
    with op.batch_alter_table('alert_alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_id', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_alert_alerts_digest_id'), ['digest_id'], unique=False)
    with op.batch_alter_table('alert_silences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_by', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('alert_silences', schema=None) as batch_op:
        batch_op.drop_column('ended_by')
    with op.batch_alter_table('alert_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_alerts_digest_id'))
        batch_op.drop_column('digest_id')
    op.drop_table('alert_pacing')
