"""Steward operations on stored golden records: merge, unmerge, not-a-match, pins, history."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from mdm import golden, ingest, sources, stewardship
from mdm.errors import ConflictError, NotFoundError, StaleVersionError, UnprocessableError
from mdm.models import AuditEntry, Event, GoldenRecord, ReviewTask, SourceRecord, Xref
from mdm.store import golden_state as store
from tests.factories import make_customer

STEWARD = "steward:anna"


@pytest.fixture
def channels(session):
    shops = {name: sources.add_source(session, name) for name in ("web_shop", "pos_store")}
    session.commit()
    return shops


def push(session, source, records, clock, entity_type="customer") -> dict[str, uuid.UUID]:
    """Ingest `records` and return source_key → golden id."""
    summary = ingest.ingest_records(session, source, entity_type, records, now=clock())
    session.commit()
    return {o.source_key: uuid.UUID(o.golden_id) for o in summary.outcomes if o.golden_id}


def record_id(session, source_key: str) -> uuid.UUID:
    return session.scalar(select(SourceRecord.id).where(SourceRecord.source_key == source_key))


def golden_of(session, source_key: str) -> uuid.UUID:
    return session.scalar(select(Xref.golden_id).where(
        Xref.source_record_id == record_id(session, source_key)))


def yulia(**overrides):
    return make_customer(**{"source_key": "yulia-web", **overrides})


def pyotr(**overrides):
    return make_customer(**{"source_key": "pyotr-pos", "first_name": "Пётр",
                            "last_name": "Сидоров", "middle_name": "Ильич",
                            "email": "p.sidorov@example.ru", "phone": "+7 916 000-11-22",
                            "loyalty_card": "7700999888", **overrides})


@pytest.fixture
def two_goldens(session, channels, clock):
    """Юлия Иванова (web shop) and Пётр Сидоров (shop till): two golden records, Юлия's older."""
    first = push(session, channels["web_shop"], [yulia()], clock)["yulia-web"]
    clock.advance(minutes=5)
    second = push(session, channels["pos_store"], [pyotr()], clock)["pyotr-pos"]
    clock.advance(minutes=5)
    return first, second


def golden_row(session, golden_id) -> GoldenRecord:
    session.expire_all()
    return session.get(GoldenRecord, golden_id)


def test_merge_keeps_the_older_id_whatever_the_argument_order(session, two_goldens, clock):
    older, newer = two_goldens
    survivor = stewardship.merge_golden(session, newer, older, actor=STEWARD, now=clock())
    session.commit()
    assert survivor == older
    assert golden_row(session, newer).merged_into == older
    assert golden_of(session, "pyotr-pos") == older
    assert stewardship.resolve_golden_id(session, newer) == older


def test_merge_writes_an_event_and_an_audit_row_without_values(session, two_goldens, clock):
    older, newer = two_goldens
    stewardship.merge_golden(session, older, newer, actor=STEWARD, reason="same person",
                             now=clock())
    session.commit()
    event = session.scalar(select(Event).where(Event.type == "golden.merged"))
    assert event.golden_id == older and event.data["absorbed_id"] == str(newer)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "golden.merge"))
    assert (entry.actor, entry.reason) == (STEWARD, "same person")
    assert entry.before[str(newer)]["status"] == "active"
    assert entry.after[str(newer)]["status"] == "merged"
    assert "Иванова" not in repr(entry.before) + repr(entry.after) + repr(event.data)


def test_merge_with_a_stale_version_changes_nothing(session, two_goldens, clock):
    older, newer = two_goldens
    with pytest.raises(StaleVersionError):
        stewardship.merge_golden(session, older, newer, actor=STEWARD,
                                 expected_versions={older: 1, newer: 7}, now=clock())
    session.rollback()
    assert golden_row(session, newer).status == "active"


def test_merge_then_unmerge_gives_both_golden_records_back_exactly(session, two_goldens, clock):
    older, newer = two_goldens
    before = {g: golden_row(session, g).attributes for g in two_goldens}
    stewardship.merge_golden(session, older, newer, actor=STEWARD, now=clock())
    clock.advance(minutes=1)
    split = stewardship.unmerge_records(session, older, [record_id(session, "pyotr-pos")],
                                       actor=STEWARD, now=clock())
    session.commit()
    assert split == [newer]
    assert {g: golden_row(session, g).attributes for g in two_goldens} == before
    assert golden_row(session, newer).status == "active"
    assert golden_of(session, "pyotr-pos") == newer


def test_unmerge_of_a_record_never_merged_gets_a_new_golden_id(session, channels, clock):
    ids = push(session, channels["web_shop"], [yulia(), yulia(source_key="yulia-app",
                                                               phone=None)], clock)
    golden_id = ids["yulia-web"]
    split = stewardship.unmerge_records(session, golden_id, [record_id(session, "yulia-app")],
                                        actor=STEWARD, now=clock())
    session.commit()
    assert split[0] not in (golden_id,) and golden_of(session, "yulia-app") == split[0]


def test_unmerging_every_member_is_a_conflict(session, two_goldens, clock):
    with pytest.raises(ConflictError):
        stewardship.unmerge_records(session, two_goldens[0], [record_id(session, "yulia-web")],
                                    actor=STEWARD, now=clock())


def test_not_a_match_splits_records_that_share_a_golden_record(session, channels, clock):
    ids = push(session, channels["web_shop"], [yulia(), yulia(source_key="yulia-app")], clock)
    split = stewardship.mark_not_a_match(session, record_id(session, "yulia-web"),
                                         record_id(session, "yulia-app"), actor=STEWARD,
                                         now=clock())
    session.commit()
    assert len(split) == 1
    assert golden_of(session, "yulia-web") == ids["yulia-web"]
    assert golden_of(session, "yulia-app") == split[0]


def test_ingestion_never_links_a_not_a_match_pair_again(session, channels, clock):
    push(session, channels["web_shop"], [yulia(), yulia(source_key="yulia-app")], clock)
    stewardship.mark_not_a_match(session, record_id(session, "yulia-web"),
                                 record_id(session, "yulia-app"), actor=STEWARD, now=clock())
    session.commit()
    clock.advance(hours=1)
    push(session, channels["web_shop"], [yulia(source_key="yulia-app", first_name="Юля",
                                               updated_at="2026-11-02T10:00:00+03:00")], clock)
    assert golden_of(session, "yulia-web") != golden_of(session, "yulia-app")


def test_not_a_match_holds_both_golden_records_until_it_commits(session, two_goldens, clock):
    # A steward merging the two at the same moment must wait, then see the new pair.
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer in at a time")
    stewardship.mark_not_a_match(session, record_id(session, "yulia-web"),
                                 record_id(session, "pyotr-pos"), actor=STEWARD, now=clock())
    locked = select(GoldenRecord.id).where(GoldenRecord.id.in_(two_goldens))
    with session.get_bind().connect() as other, pytest.raises(OperationalError):
        other.execute(locked.with_for_update(nowait=True)).all()
    session.commit()
    with pytest.raises(ConflictError):
        stewardship.merge_golden(session, *two_goldens, actor=STEWARD, now=clock())


def test_merging_golden_records_holding_a_not_a_match_pair_is_a_conflict(
        session, two_goldens, clock):
    stewardship.mark_not_a_match(session, record_id(session, "yulia-web"),
                                 record_id(session, "pyotr-pos"), actor=STEWARD, now=clock())
    with pytest.raises(ConflictError):
        stewardship.merge_golden(session, *two_goldens, actor=STEWARD, now=clock())


def test_a_not_a_match_pair_with_a_third_golden_record_blocks_only_the_merge_with_it(
        session, two_goldens, channels, clock):
    anna = push(session, channels["web_shop"], [pyotr(
        source_key="anna-web", first_name="Анна", last_name="Смирнова", email="anna@example.ru",
        phone="+7 903 111-22-33", loyalty_card="7700555444")], clock)["anna-web"]
    stewardship.mark_not_a_match(session, record_id(session, "yulia-web"),
                                 record_id(session, "anna-web"), actor=STEWARD, now=clock())
    survivor = stewardship.merge_golden(session, *two_goldens, actor=STEWARD, now=clock())
    session.commit()
    stored = store.load_stored_states(session, [survivor], golden.member_from_row,
                                      flag_not_a_match=True)[str(survivor)]
    assert stored.constrained == {str(record_id(session, "yulia-web"))}
    with pytest.raises(ConflictError):
        stewardship.merge_golden(session, survivor, anna, actor=STEWARD, now=clock())


def test_the_former_golden_record_of_a_member_is_the_one_whose_history_holds_it_last(
        session, two_goldens, channels, clock):
    older, newer = two_goldens
    anna = push(session, channels["web_shop"], [pyotr(
        source_key="anna-web", first_name="Анна", last_name="Смирнова", email="anna@example.ru",
        phone="+7 903 111-22-33", loyalty_card="7700555444")], clock)["anna-web"]
    stewardship.merge_golden(session, older, newer, actor=STEWARD, now=clock())
    stewardship.merge_golden(session, older, anna, actor=STEWARD, now=clock.advance(minutes=1))
    session.commit()
    records, former = store.load_former_goldens(
        session, [str(newer), str(anna)],
        [str(record_id(session, key)) for key in ("pyotr-pos", "anna-web", "yulia-web")])
    assert {golden_id: record.status for golden_id, record in records.items()} == {
        str(newer): "merged", str(anna): "merged"}
    assert former == {str(record_id(session, "pyotr-pos")): str(newer),
                      str(record_id(session, "anna-web")): str(anna)}


def test_a_pin_wins_over_the_rules_and_survives_a_new_push(session, channels, clock):
    golden_id = push(session, channels["web_shop"], [yulia()], clock)["yulia-web"]
    version = stewardship.pin_attribute(session, golden_id, "first_name", "Юлия-Мария",
                                        actor=STEWARD, expected_version=1, now=clock())
    session.commit()
    assert version == 2
    clock.advance(days=1)
    push(session, channels["web_shop"], [yulia(first_name="Юля", phone="+7 912 000-00-01",
                                               updated_at="2026-11-03T10:00:00+03:00")], clock)
    row = golden_row(session, golden_id)
    assert row.attributes["first_name"] == "Юлия-Мария"
    assert row.lineage["first_name"]["rule"] == "pin"
    assert row.version == 3


def test_unpin_gives_the_attribute_back_to_the_rules(session, channels, clock):
    golden_id = push(session, channels["web_shop"], [yulia()], clock)["yulia-web"]
    stewardship.pin_attribute(session, golden_id, "first_name", "Юлия-Мария", actor=STEWARD,
                              now=clock())
    stewardship.unpin_attribute(session, golden_id, "first_name", actor=STEWARD, now=clock())
    session.commit()
    assert golden_row(session, golden_id).attributes["first_name"] == "Юлия"
    with pytest.raises(ConflictError):
        stewardship.unpin_attribute(session, golden_id, "first_name", actor=STEWARD,
                                    now=clock())


def test_pinning_an_attribute_outside_the_record_contract_is_unprocessable(
        session, channels, clock):
    golden_id = push(session, channels["web_shop"], [yulia()], clock)["yulia-web"]
    with pytest.raises(UnprocessableError):
        stewardship.pin_attribute(session, golden_id, "shoe_size", 38, actor=STEWARD,
                                  now=clock())


def make_task(session, left: str, right: str, clock) -> uuid.UUID:
    task = ReviewTask(id=uuid.uuid4(), entity_type="customer",
                      left_record_id=record_id(session, left),
                      right_record_id=record_id(session, right), match_weight=6.5,
                      match_probability=0.91, priority=0.5, created_at=clock())
    session.add(task)
    session.commit()
    return task.id


def test_a_merge_decision_on_a_review_task_merges_and_closes_it(session, two_goldens, clock):
    task_id = make_task(session, "yulia-web", "pyotr-pos", clock)
    stewardship.decide_review_task(session, task_id, "merge", actor=STEWARD, comment="один",
                                   now=clock())
    session.commit()
    assert golden_of(session, "pyotr-pos") == two_goldens[0]
    assert session.get(ReviewTask, task_id).status == "merged"
    with pytest.raises(ConflictError):
        stewardship.decide_review_task(session, task_id, "skip", actor=STEWARD, now=clock())


def test_a_not_a_match_decision_stores_the_constraint(session, two_goldens, clock):
    task_id = make_task(session, "yulia-web", "pyotr-pos", clock)
    stewardship.decide_review_task(session, task_id, "not_a_match", actor=STEWARD, now=clock())
    session.commit()
    assert session.get(ReviewTask, task_id).status == "not_a_match"
    with pytest.raises(ConflictError):
        stewardship.merge_golden(session, *two_goldens, actor=STEWARD, now=clock())


def test_an_unknown_review_decision_is_unprocessable(session, two_goldens, clock):
    task_id = make_task(session, "yulia-web", "pyotr-pos", clock)
    with pytest.raises(UnprocessableError):
        stewardship.decide_review_task(session, task_id, "maybe", actor=STEWARD, now=clock())


def test_history_as_of_and_diff_show_each_version(session, channels, clock):
    golden_id = push(session, channels["web_shop"], [yulia()], clock)["yulia-web"]
    created_at = clock()
    clock.advance(days=1)
    stewardship.pin_attribute(session, golden_id, "last_name", "Иванова-Петрова",
                              actor=STEWARD, now=clock())
    session.commit()
    history = stewardship.golden_history(session, golden_id)
    assert [(v["version"], v["cause"]) for v in history] == [(1, "golden.created"),
                                                             (2, "golden.updated")]
    assert stewardship.golden_as_of(session, golden_id, created_at)["version"] == 1
    diff = stewardship.golden_diff(session, golden_id, 1, 2)
    assert diff["changes"] == [{"attribute": "last_name", "kind": "changed",
                                "old": "Иванова", "new": "Иванова-Петрова"}]
    with pytest.raises(NotFoundError):
        stewardship.golden_as_of(session, golden_id, created_at.replace(year=2020))


def test_an_unknown_golden_id_is_not_found(session, channels, clock):
    with pytest.raises(NotFoundError):
        stewardship.resolve_golden_id(session, uuid.uuid4())
    with pytest.raises(NotFoundError):
        stewardship.pin_attribute(session, uuid.uuid4(), "first_name", "Юлия", actor=STEWARD,
                                  now=clock())


def test_not_a_match_between_golden_records_stores_every_cross_pair_of_records(
        session, channels, clock):
    yulias = push(session, channels["web_shop"], [yulia(), yulia(source_key="yulia-app")], clock)
    pyotr_id = push(session, channels["pos_store"], [pyotr()], clock)["pyotr-pos"]
    added = stewardship.mark_golden_not_a_match(session, yulias["yulia-web"], pyotr_id,
                                                actor=STEWARD, reason="namesakes", now=clock())
    session.commit()
    assert added == 2
    pairs = store.not_a_match_pairs(session, [record_id(session, "pyotr-pos")])
    assert len(pairs) == 2
    assert stewardship.mark_golden_not_a_match(session, pyotr_id, yulias["yulia-web"],
                                               actor=STEWARD, now=clock()) == 0
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "golden.not_a_match"))
    assert audit.actor == STEWARD and audit.reason == "namesakes"
    with pytest.raises(ConflictError):
        stewardship.merge_golden(session, yulias["yulia-web"], pyotr_id, actor=STEWARD,
                                 now=clock())


def test_ingestion_never_links_golden_records_marked_not_a_match_again(session, channels,
                                                                       clock):
    push(session, channels["web_shop"], [yulia(), yulia(source_key="yulia-app")], clock)
    split = stewardship.unmerge_records(session, golden_of(session, "yulia-web"),
                                        [record_id(session, "yulia-app")], actor=STEWARD,
                                        now=clock())
    stewardship.mark_golden_not_a_match(session, golden_of(session, "yulia-web"), split[0],
                                        actor=STEWARD, now=clock())
    session.commit()
    clock.advance(hours=1)
    # A third Юлия Иванова matching both would otherwise bridge the two golden records.
    push(session, channels["pos_store"], [yulia(source_key="yulia-pos")], clock)
    assert golden_of(session, "yulia-web") != golden_of(session, "yulia-app")


def test_golden_not_a_match_refuses_one_record_or_a_merged_away_one(session, two_goldens, clock):
    older, newer = two_goldens
    with pytest.raises(ConflictError):
        stewardship.mark_golden_not_a_match(session, older, older, actor=STEWARD, now=clock())
    stewardship.merge_golden(session, older, newer, actor=STEWARD, now=clock())
    with pytest.raises(ConflictError):
        stewardship.mark_golden_not_a_match(session, older, newer, actor=STEWARD, now=clock())
    with pytest.raises(NotFoundError):
        stewardship.mark_golden_not_a_match(session, older, uuid.uuid4(), actor=STEWARD,
                                            now=clock())


def test_a_record_joining_one_side_of_a_not_a_match_pair_leaves_the_other_to_review(
        session, channels, clock):
    # Read with the candidates on PostgreSQL (one statement with the lookup), apart on SQLite.
    push(session, channels["web_shop"], [yulia(), yulia(source_key="yulia-app")], clock)
    split = stewardship.mark_not_a_match(session, record_id(session, "yulia-web"),
                                         record_id(session, "yulia-app"), actor=STEWARD,
                                         now=clock.advance(minutes=5))  # the newer golden
    session.commit()
    clock.advance(hours=1)
    joined = push(session, channels["pos_store"], [yulia(source_key="yulia-pos")], clock)
    assert joined["yulia-pos"] == golden_of(session, "yulia-web") != split[0]
    assert golden_of(session, "yulia-app") == split[0]
    tasks = session.execute(select(ReviewTask.left_record_id, ReviewTask.right_record_id)
                            .where(ReviewTask.status == "open")).all()
    assert {frozenset(task) for task in tasks} == {
        frozenset((record_id(session, "yulia-pos"), record_id(session, "yulia-app")))}
