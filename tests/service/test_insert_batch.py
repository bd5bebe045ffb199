"""Rows held back in an InsertBatch: stored as given, folded into one statement on PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, select

from mdm import ingest, sources
from mdm.models import Event, SourceRecord, SourceRecordVersion, Xref
from mdm.store.insert_batch import FOLD_MAX_RECORDS, InsertBatch, batch_for
from tests.factories import make_customer


def only_on_postgresql(session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("only PostgreSQL folds a batch's inserts into one statement")


class Statements:
    """The SQL statements an engine runs while in a `with` block."""

    def __init__(self, engine) -> None:
        self.engine, self.seen = engine, []

    def _seen(self, _connection, _cursor, statement, *_args) -> None:
        self.seen.append(statement.lstrip())

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    @property
    def writes(self) -> list[str]:
        return [s for s in self.seen if s.startswith(("INSERT", "UPDATE", "DELETE", "WITH insert"))]


def event_row(clock, **data) -> dict:
    return {"event_id": uuid.uuid4(), "type": "golden.created", "entity_type": "customer",
            "golden_id": None, "version": None, "occurred_at": clock(), "data": data,
            "feed_seq": None}


def stored_events(session) -> list[tuple]:
    table = Event.__table__
    return [tuple(row) for row in session.execute(
        select(table.c.type, table.c.entity_type, table.c.golden_id, table.c.version,
               table.c.occurred_at, table.c.data, table.c.feed_seq).order_by(table.c.id))]


def test_folded_rows_are_stored_as_the_same_rows_inserted_one_by_one(session, clock):
    only_on_postgresql(session)
    data = {"name": "Юлия «Ёлкина»", "phones": ["+79123456789", None],
            "nested": {"quote": 'say "hi"', "weight": 12.5, "count": 3, "flag": False}}
    InsertBatch(folded=False).add(session, Event.__table__, [event_row(clock, **data)])
    unfolded = stored_events(session)
    session.execute(Event.__table__.delete())
    folded = InsertBatch(folded=True)
    folded.add(session, Event.__table__, [event_row(clock, **data)])
    assert stored_events(session) == []  # held back until the flush
    folded.flush(session)
    assert stored_events(session) == unfolded


def test_a_flush_stores_rows_whose_parents_come_later_in_the_batch(session, clock):
    only_on_postgresql(session)
    web_shop = sources.add_source(session, "web_shop")
    record_id, now = uuid.uuid4(), clock()
    payload = make_customer(source_key="yulia-web")
    batch = InsertBatch(folded=True)
    batch.add(session, SourceRecordVersion.__table__, [
        {"source_record_id": record_id, "version": 1, "payload": payload,
         "content_hash": "0" * 64, "updated_at": None, "received_at": now}])
    batch.add(session, SourceRecord.__table__, [
        {"id": record_id, "source_id": web_shop.id, "entity_type": "customer",
         "source_key": "yulia-web", "payload": payload, "content_hash": "0" * 64,
         "version": 1, "updated_at": None, "received_at": now}])
    with Statements(session.get_bind()) as statements:
        batch.flush(session)
    assert len(statements.seen) == 1
    stored = session.get(SourceRecord, record_id)
    assert (stored.payload, stored.received_at) == (payload, now)


def test_a_new_record_is_written_in_two_statements_on_postgresql(session, clock):
    only_on_postgresql(session)
    web_shop = sources.add_source(session, "web_shop")
    session.commit()
    with Statements(session.get_bind()) as statements:
        summary = ingest.ingest_records(session, web_shop, "customer",
                                        [make_customer(source_key="yulia-web")], now=clock())
    # The source record with its version, keys and view (with the candidates' lookup); then
    # its golden record with its history, event and xref.
    assert len(statements.writes) == 2
    assert summary.outcomes[0].golden_id is not None


def test_a_new_record_costs_three_statements_on_postgresql(session, clock):
    only_on_postgresql(session)
    web_shop = sources.add_source(session, "web_shop")
    session.commit()
    assert web_shop.name == "web_shop"  # loaded again after the commit, as the API loads it
    sources.trust_by_source(session)  # cached by each process for a while
    with Statements(session.get_bind()) as statements:
        ingest.ingest_records(session, web_shop, "customer",
                              [make_customer(source_key="yulia-web")], now=clock())
    # Stored and erased keys with the active model's version; the two writes above.
    assert len(statements.seen) == 3, [s[:50] for s in statements.seen]


def test_a_new_record_with_a_candidate_costs_three_statements_on_postgresql(session, clock):
    only_on_postgresql(session)
    web_shop = sources.add_source(session, "web_shop")
    ingest.ingest_records(session, web_shop, "customer", [make_customer(source_key="yulia-web")],
                          now=clock())
    session.commit()
    web_shop = sources.pushing_source(session, "web_shop")  # as the API finds it
    # Пётр lives at Юлия's address and shares nothing else: a candidate, kept apart.
    pyotr = make_customer(source_key="pyotr-web", first_name="Пётр", last_name="Сидоров",
                          middle_name="Ильич", email="p.sidorov@example.ru",
                          phone="+7 916 000-11-22", loyalty_card="7700999888")
    with Statements(session.get_bind()) as statements:
        summary = ingest.ingest_records(session, web_shop, "customer", [pyotr], now=clock())
    # The candidate's golden record and its members come with the lookup.
    assert len(statements.seen) == 3, [s[:50] for s in statements.seen]
    assert summary.outcomes[0].golden_id != str(session.scalar(select(Xref.golden_id)))


def test_only_small_chunks_on_postgresql_are_folded(session):
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    assert batch_for(session, 1).folded == on_postgresql
    assert batch_for(session, FOLD_MAX_RECORDS).folded == on_postgresql
    assert not batch_for(session, FOLD_MAX_RECORDS + 1).folded


def test_an_unfolded_batch_inserts_at_once(session, clock):
    batch = InsertBatch(folded=False)
    batch.add(session, Event.__table__, [event_row(clock, name="Юлия")])
    assert batch.pending == {}
    assert [row[5] for row in stored_events(session)] == [{"name": "Юлия"}]
