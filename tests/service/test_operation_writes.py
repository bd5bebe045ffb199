"""One operation's writes: every row stored as given; one statement on PostgreSQL."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from sqlalchemy import event, select

from golden_records.types import Event as CoreEvent
from golden_records.types import Lineage, Pin
from mdm import golden, ingest, sources
from mdm.errors import StaleVersionError
from mdm.models import AuditEntry, Event, GoldenRecordVersion, MatchDecision, Xref
from mdm.store import golden_state as store
from mdm.store.audit import audit_row, decision_rows
from mdm.store.operation_writes import OperationWrites, save_operation
from tests.factories import make_customer


@pytest.fixture
def yulia(session, clock):
    """Юлия Иванова's golden record of one member, from the web shop."""
    web_shop = sources.add_source(session, "web_shop")
    summary = ingest.ingest_records(session, web_shop, "customer",
                                    [make_customer(source_key="yulia-web")], now=clock())
    session.commit()
    return golden.load_state(session, summary.outcomes[0].golden_id)


def split_writes(state, clock) -> tuple[OperationWrites, object]:
    """The writes that move Юлия's only record to a new golden record with a pin."""
    now = clock.advance(minutes=1)
    record_id = next(iter(state.member_ids))
    new = replace(state.record, golden_id=str(uuid.uuid4()), version=1, created_at=now,
                  updated_at=now, absorbed_ids=frozenset(),
                  pins=(Pin("email", "yulia@example.ru", "steward:anna", now, "asked"),),
                  lineage={**state.record.lineage,
                           "email": Lineage(None, None, "pin", now, steward="steward:anna")})
    emptied = replace(state.record, version=state.record.version + 1, updated_at=now,
                      attributes={}, lineage={}, member_ids=frozenset())
    writes = OperationWrites(
        changes=[store.RecordChange(emptied, state.record.version, "golden.unmerged")],
        created=[new], xref={new.golden_id: frozenset({record_id})},
        events=golden.event_rows([CoreEvent("golden.created", "customer", new.golden_id, 1,
                                             {"record_ids": [record_id]})], now),
        decisions=decision_rows("unmerge", "customer", actor="steward:anna", reason="",
                                now=now, pairs=[((uuid.UUID(record_id), None),
                                                 (uuid.UUID(state.golden_id), None))]),
        audit=[audit_row("golden.unmerge", state.golden_id, actor="steward:anna",
                         reason="two people", before=[state.record], after=[emptied, new],
                         now=now)])
    return writes, now


def test_an_operation_stores_every_row_as_given(session, yulia, clock):
    writes, now = split_writes(yulia, clock)
    save_operation(session, writes, now=now)
    session.commit()
    new, emptied = writes.created[0], writes.changes[0].record
    assert store.load_records(session, [new.golden_id, emptied.golden_id]) == {
        new.golden_id: new, emptied.golden_id: emptied}
    record_id = uuid.UUID(next(iter(yulia.member_ids)))
    assert session.get(Xref, record_id).golden_id == uuid.UUID(new.golden_id)
    assert session.get(Xref, record_id).linked_at == now
    history = session.execute(select(GoldenRecordVersion.golden_id, GoldenRecordVersion.cause)
                              .where(GoldenRecordVersion.recorded_at == now)).all()
    assert sorted(history) == sorted([(uuid.UUID(emptied.golden_id), "golden.unmerged"),
                                      (uuid.UUID(new.golden_id), "golden.created")])
    stored_event = session.scalars(select(Event).where(Event.occurred_at == now)).one()
    assert (stored_event.type, stored_event.data) == ("golden.created",
                                                      {"record_ids": [str(record_id)]})
    decision = session.scalars(select(MatchDecision).where(MatchDecision.kind == "unmerge")).one()
    assert (decision.left_record_id, decision.match_weight, decision.explanation) == (
        record_id, None, {})
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "golden.unmerge")).one()
    assert entry.after[new.golden_id]["pinned"] == ["email"]
    assert entry.occurred_at == now


def test_a_golden_row_changed_meanwhile_refuses_the_operation(session, yulia, clock):
    writes, now = split_writes(yulia, clock)
    change = writes.changes[0]
    stale = replace(writes, changes=[replace(change,
                                             previous_version=change.previous_version - 1)])
    with pytest.raises(StaleVersionError):
        save_operation(session, stale, now=now)
    session.rollback()
    assert store.load_records(session, [yulia.golden_id])[yulia.golden_id] == yulia.record


def test_an_operation_is_one_statement_on_postgresql(session, yulia, clock):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("only PostgreSQL takes every write of an operation in one statement")
    writes, now = split_writes(yulia, clock)
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        save_operation(session, writes, now=now)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
