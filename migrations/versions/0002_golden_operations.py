"""golden operations: pins, member and absorbed ids, not-a-match pairs, erasure

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:33:30.542474
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
# Golden records stored before this revision have no pins, members list or absorbed ids yet.
EMPTY_LIST = sa.text("'[]'")


def upgrade() -> None:
    op.create_table('erased_source_keys',
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('golden_id', sa.Uuid(), nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key_hash', name=op.f('pk_erased_source_keys'))
    )
    op.create_table('erasure_tombstones',
    sa.Column('golden_id', sa.Uuid(), nullable=False),
    sa.Column('entity_type', sa.String(length=16), nullable=False),
    sa.Column('absorbed_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('record_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('golden_id', name=op.f('pk_erasure_tombstones'))
    )
    op.create_table('not_a_match_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=16), nullable=False),
    sa.Column('left_record_id', sa.Uuid(), nullable=False),
    sa.Column('right_record_id', sa.Uuid(), nullable=False),
    sa.Column('decision_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['left_record_id'], ['source_records.id'], name=op.f('fk_not_a_match_pairs_left_record_id_source_records')),
    sa.ForeignKeyConstraint(['right_record_id'], ['source_records.id'], name=op.f('fk_not_a_match_pairs_right_record_id_source_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_not_a_match_pairs')),
    sa.UniqueConstraint('left_record_id', 'right_record_id', name=op.f('uq_not_a_match_pairs_left_record_id_right_record_id'))
    )
    with op.batch_alter_table('not_a_match_pairs', schema=None) as batch_op:
        batch_op.create_index('ix_not_a_match_pairs_right', ['right_record_id'], unique=False)

    with op.batch_alter_table('golden_records', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('pins', JSON_TYPE, nullable=False, server_default=EMPTY_LIST))
        batch_op.add_column(
            sa.Column('member_ids', JSON_TYPE, nullable=False, server_default=EMPTY_LIST))
        batch_op.add_column(
            sa.Column('absorbed_ids', JSON_TYPE, nullable=False, server_default=EMPTY_LIST))



def downgrade() -> None:
    with op.batch_alter_table('golden_records', schema=None) as batch_op:
        batch_op.drop_column('absorbed_ids')
        batch_op.drop_column('member_ids')
        batch_op.drop_column('pins')

    with op.batch_alter_table('not_a_match_pairs', schema=None) as batch_op:
        batch_op.drop_index('ix_not_a_match_pairs_right')

    op.drop_table('not_a_match_pairs')
    op.drop_table('erasure_tombstones')
    op.drop_table('erased_source_keys')
