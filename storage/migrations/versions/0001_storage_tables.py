"""storage tables: documents, raw_html, index_outbox, thread_states, crawl_runs, kv

Revision ID: 0001_storage
Revises: 
Create Date: 2026-11-25 08:39:24.187809
"""
from alembic import op
import sqlalchemy as sa


revision = '0001_storage'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crawl_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('new_items', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('parse_failures', sa.Integer(), nullable=False),
    sa.Column('list_items', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.create_index('ix_crawl_runs_source', ['source_id', 'id'], unique=False)

    op.create_table('documents',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('thread_url', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('fetched_at', sa.DateTime(), nullable=False),
    sa.Column('ts', sa.DateTime(), nullable=False),
    sa.Column('floor', sa.Integer(), nullable=True),
    sa.Column('replies', sa.Integer(), nullable=True),
    sa.Column('views', sa.Integer(), nullable=True),
    sa.Column('tokens', sa.JSON(), nullable=False),
    sa.Column('locality_terms', sa.JSON(), nullable=False),
    sa.Column('topic_hits', sa.JSON(), nullable=False),
    sa.Column('exclusions', sa.JSON(), nullable=False),
    sa.Column('relevant', sa.Boolean(), nullable=False),
    sa.Column('sentiment', sa.Float(), nullable=False),
    sa.Column('negative', sa.Boolean(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('severity', sa.String(length=8), nullable=True),
    sa.Column('simhash', sa.BigInteger(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('source_weight', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('id')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_relevant_ts', ['relevant', 'ts'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_source_id'), ['source_id'], unique=False)
        batch_op.create_index('ix_documents_ts', ['ts'], unique=False)

    op.create_table('index_outbox',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('doc_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    op.create_table('kv',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('thread_states',
    sa.Column('source_id', sa.String(length=64), nullable=False),
    sa.Column('thread_url', sa.Text(), nullable=False),
    sa.Column('replies', sa.Integer(), nullable=True),
    sa.Column('last_floor', sa.Integer(), nullable=True),
    sa.Column('last_page', sa.Integer(), nullable=False),
    sa.Column('first_seen', sa.DateTime(), nullable=False),
    sa.Column('last_seen', sa.DateTime(), nullable=False),
    sa.Column('last_growth', sa.DateTime(), nullable=False),
    sa.Column('last_page_url', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('source_id', 'thread_url')
    )
    with op.batch_alter_table('thread_states', schema=None) as batch_op:
        batch_op.create_index('ix_thread_states_growth', ['source_id', 'last_growth'], unique=False)

    op.create_table('raw_html',
    sa.Column('doc_id', sa.String(length=64), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=False),
    sa.Column('html_z', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc_id')
    )
    with op.batch_alter_table('raw_html', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raw_html_fetched_at'), ['fetched_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('raw_html', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raw_html_fetched_at'))

    op.drop_table('raw_html')
    with op.batch_alter_table('thread_states', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_states_growth')

    op.drop_table('thread_states')
    op.drop_table('kv')
    op.drop_table('index_outbox')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_ts')
        batch_op.drop_index(batch_op.f('ix_documents_source_id'))
        batch_op.drop_index('ix_documents_relevant_ts')

    op.drop_table('documents')
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_crawl_runs_source')

    op.drop_table('crawl_runs')
