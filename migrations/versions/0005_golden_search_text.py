"""golden search text: attribute values casefolded, for the stewards' search

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:29:37.501119
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BATCH = 1000


def _scalars(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _scalars(item)
    elif value is not None:
        yield str(value)


def _search_text(attributes) -> str:
    # The rule as of this revision: every value, nested ones too, casefolded, ё read as е.
    if isinstance(attributes, str):
        attributes = json.loads(attributes)
    return " ".join(_scalars(attributes or {})).casefold().replace("ё", "е")


def _fill_search_text() -> None:
    connection = op.get_bind()
    golden = sa.table('golden_records', sa.column('id', sa.Uuid()),
                      sa.column('attributes', sa.JSON()), sa.column('search_text', sa.Text()))
    last = None
    while True:
        query = sa.select(golden.c.id, golden.c.attributes).order_by(golden.c.id).limit(BATCH)
        if last is not None:
            query = query.where(golden.c.id > last)
        rows = connection.execute(query).all()
        if not rows:
            return
        connection.execute(
            golden.update().where(golden.c.id == sa.bindparam('b_id'))
            .values(search_text=sa.bindparam('b_text')),
            [{'b_id': row.id, 'b_text': _search_text(row.attributes)} for row in rows])
        last = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table('golden_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    _fill_search_text()


def downgrade() -> None:
    with op.batch_alter_table('golden_records', schema=None) as batch_op:
        batch_op.drop_column('search_text')
