"""reports: the approval of each report issue (draft → edited → approved → sent, with its hash)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_approvals',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('items', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('edited_by', sa.String(length=64), nullable=True),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by', sa.String(length=64), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('archive', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key', name='uq_report_approval')
    )
    with op.batch_alter_table('report_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_approvals_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_approvals_state'))
    op.drop_table('report_approvals')
