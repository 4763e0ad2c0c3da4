"""reports: e-mail delivery of report issues, 专报 numbers

Revision ID: 0003_reports
Revises: 0002_alerts
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_reports'
down_revision = '0002_alerts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_deliveries',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('message', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key', name='uq_report_delivery')
    )
    with op.batch_alter_table('report_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_deliveries_next_try_at'), ['next_try_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_deliveries_status'), ['status'], unique=False)

    op.create_table('report_specials',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident_incidents.id'], ),
    sa.PrimaryKeyConstraint('incident_id'),
    sa.UniqueConstraint('year', 'number', name='uq_report_special_number')
    )


def downgrade() -> None:
    op.drop_table('report_specials')
    with op.batch_alter_table('report_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_deliveries_status'))
        batch_op.drop_index(batch_op.f('ix_report_deliveries_next_try_at'))

    op.drop_table('report_deliveries')
