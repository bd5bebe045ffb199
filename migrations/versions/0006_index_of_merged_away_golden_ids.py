"""index of merged-away golden ids (partial: only rows with merged_into)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:39:23.051443
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

MERGED_AWAY = sa.text('merged_into IS NOT NULL')


def upgrade() -> None:
    with op.batch_alter_table('golden_records', schema=None) as batch_op:
        batch_op.create_index('ix_golden_records_merged_into', ['merged_into'], unique=False,
                              postgresql_where=MERGED_AWAY, sqlite_where=MERGED_AWAY)


def downgrade() -> None:
    with op.batch_alter_table('golden_records', schema=None) as batch_op:
        batch_op.drop_index('ix_golden_records_merged_into', postgresql_where=MERGED_AWAY,
                            sqlite_where=MERGED_AWAY)
