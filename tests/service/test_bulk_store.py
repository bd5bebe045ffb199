"""Bulk inserts through the driver store what SQLAlchemy's `insert(table)` stores."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import insert, select

from mdm import sources
from mdm.models import Event, SourceRecord
from mdm.store import bulk

MOSCOW = dt.timezone(dt.timedelta(hours=3))
NOW = dt.datetime(2026, 11, 2, 9, 30, 0, 123456, tzinfo=dt.UTC)


@pytest.fixture
def source_id(session):
    source = sources.add_source(session, "web_shop")
    session.commit()
    return source.id


def record_row(source_id: int, key: str, **values) -> dict:
    row = {"id": uuid.uuid4(), "source_id": source_id, "entity_type": "customer",
           "source_key": key, "payload": {"first_name": "Анна", "address": {"city": "Омск"},
                                          "score": 1.5, "tags": ["a", None]},
           "content_hash": "h" * 64, "version": 1, "updated_at": None, "received_at": NOW}
    return {**row, **values}


def stored(session, table, where) -> dict:
    row = session.execute(select(table).where(where)).mappings().one()
    return dict(row)


def test_rows_read_back_as_sqlalchemy_inserted_them(session, source_id):
    table = SourceRecord.__table__
    # Timestamps of another zone, a None timestamp and a None payload (JSON null).
    values = {"updated_at": dt.datetime(2026, 10, 1, 12, 0, tzinfo=MOSCOW)}
    by_sqlalchemy = record_row(source_id, "A", **values)
    by_driver = record_row(source_id, "B", **values)
    plain = record_row(source_id, "C", payload=None)
    session.execute(insert(table), [by_sqlalchemy])
    bulk.insert_mappings(session, table, [by_driver])
    bulk.insert_rows(session, table, tuple(plain), [tuple(plain.values())])
    session.commit()

    expected = stored(session, table, table.c.source_key == "A")
    got = stored(session, table, table.c.source_key == "B")
    assert {**got, "id": None, "source_key": None} == {**expected, "id": None,
                                                       "source_key": None}
    assert got["id"] == by_driver["id"]
    assert got["updated_at"] == dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
    assert got["received_at"] == NOW
    assert stored(session, table, table.c.source_key == "C")["payload"] is None


def test_many_rows_of_one_timestamp_and_another(session, source_id):
    table = SourceRecord.__table__
    later = NOW + dt.timedelta(seconds=1)
    rows = [record_row(source_id, f"K{n}", received_at=NOW if n % 3 else later)
            for n in range(300)]
    bulk.insert_mappings(session, table, rows)
    session.commit()

    got = {key: at for key, at in session.execute(select(table.c.source_key,
                                                         table.c.received_at))}
    assert got == {row["source_key"]: row["received_at"] for row in rows}


def test_columns_left_out_get_their_server_default(session):
    table = Event.__table__
    row = {"event_id": uuid.uuid4(), "type": "golden.created", "entity_type": "customer",
           "golden_id": uuid.uuid4(), "version": 1, "occurred_at": NOW, "data": {"n": 1},
           "feed_seq": None}
    bulk.insert_mappings(session, table, [row])
    bulk.insert_mappings(session, table, [])
    session.commit()

    got = stored(session, table, table.c.event_id == row["event_id"])
    assert got["id"] is not None  # the autoincrement id, left to the database
    assert {name: got[name] for name in row} == row


def test_rows_are_written_in_the_sessions_transaction(session, source_id):
    table = SourceRecord.__table__
    bulk.insert_mappings(session, table, [record_row(source_id, "gone")])
    session.rollback()

    assert session.execute(select(table.c.id)).all() == []
