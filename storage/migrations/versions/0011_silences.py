"""alerts: silences (静默) — no new_hit/spike alert for matching posts or events until a time

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_silences',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('match', sa.String(length=8), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_silences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_silences_until'), ['until'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alert_silences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_silences_until'))
    op.drop_table('alert_silences')
