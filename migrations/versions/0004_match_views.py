"""match views: the standardised view of each source record

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:11:29.475575
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_views',
    sa.Column('source_record_id', sa.Uuid(), nullable=False),
    sa.Column('entity_type', sa.String(length=16), nullable=False),
    sa.Column('fingerprint', sa.String(length=16), nullable=False),
    sa.Column('view', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_records.id'], name=op.f('fk_match_views_source_record_id_source_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source_record_id', name=op.f('pk_match_views'))
    )


def downgrade() -> None:
    op.drop_table('match_views')
