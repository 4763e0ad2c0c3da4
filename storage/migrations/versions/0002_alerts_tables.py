"""alerts tables: events, matches, alerts, incidents, report issues and selections

Revision ID: 0002_alerts
Revises: 0001_storage
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_alerts'
down_revision = '0001_storage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_alerts',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=True),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('message', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rule_id', 'event_id', 'channel', 'kind', name='uq_alert_once')
    )
    with op.batch_alter_table('alert_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_alerts_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_alerts_next_try_at'), ['next_try_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_alerts_status'), ['status'], unique=False)

    op.create_table('alert_event_docs',
    sa.Column('doc_id', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('doc_id')
    )
    with op.batch_alter_table('alert_event_docs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_event_docs_event_id'), ['event_id'], unique=False)

    op.create_table('alert_events',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=True),
    sa.Column('doc_count', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('ref', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_events_closed'), ['closed'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_events_last_seen_at'), ['last_seen_at'], unique=False)

    op.create_table('alert_matches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('doc_id', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=True),
    sa.Column('matched_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rule_id', 'event_id', 'doc_id', name='uq_alert_match')
    )
    with op.batch_alter_table('alert_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_matches_event_id'), ['event_id'], unique=False)

    op.create_table('incident_incidents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=True),
    sa.Column('department', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    with op.batch_alter_table('incident_incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_incidents_state'), ['state'], unique=False)

    op.create_table('report_issues',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'day', name='uq_report_issue_day'),
    sa.UniqueConstraint('kind', 'year', 'number', name='uq_report_issue_number')
    )
    op.create_table('report_selections',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('doc_id', sa.String(length=64), nullable=False),
    sa.Column('selected_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', 'doc_id', name='uq_report_selection')
    )
    with op.batch_alter_table('report_selections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_selections_day'), ['day'], unique=False)

    op.create_table('incident_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident_incidents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incident_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_log_incident_id'), ['incident_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('incident_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_log_incident_id'))

    op.drop_table('incident_log')
    with op.batch_alter_table('report_selections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_selections_day'))

    op.drop_table('report_selections')
    op.drop_table('report_issues')
    with op.batch_alter_table('incident_incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_incidents_state'))

    op.drop_table('incident_incidents')
    with op.batch_alter_table('alert_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_matches_event_id'))

    op.drop_table('alert_matches')
    with op.batch_alter_table('alert_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_events_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_alert_events_closed'))

    op.drop_table('alert_events')
    with op.batch_alter_table('alert_event_docs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_event_docs_event_id'))

    op.drop_table('alert_event_docs')
    with op.batch_alter_table('alert_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_alerts_status'))
        batch_op.drop_index(batch_op.f('ix_alert_alerts_next_try_at'))
        batch_op.drop_index(batch_op.f('ix_alert_alerts_event_id'))

    op.drop_table('alert_alerts')
