"""versioned match models: trained m/u per entity type, one active version each

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:10:23.789360
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=16), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('model', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_models')),
    sa.UniqueConstraint('entity_type', 'version', name=op.f('uq_match_models_entity_type_version'))
    )
    with op.batch_alter_table('match_models', schema=None) as batch_op:
        batch_op.create_index('ix_match_models_active', ['entity_type', 'is_active'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('match_models', schema=None) as batch_op:
        batch_op.drop_index('ix_match_models_active')

    op.drop_table('match_models')
