"""`mdm rematch`: what re-matching the stored records changes, reported or applied."""

from __future__ import annotations

import dataclasses
import gc
import uuid
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from mdm import ingest, match_models, matcher, rematch, sources, stewardship
from mdm.cli import cli
from mdm.collector import BULK_GC_THRESHOLDS
from mdm.errors import NotFoundError
from mdm.models import AuditEntry, Event, GoldenRecord, MatchDecision, ReviewTask, Xref
from mdm.resolve import review_priority
from mdm.synthetic import generate_customer_records
from tests.factories import make_customer
from tests.service.test_ingest import pos_store, push, web_shop
from tests.service.test_resolve import PYOTR

# Fixtures shared with the ingestion tests.
__all__ = ["pos_store", "web_shop"]

SHIPPED = matcher.shipped_model("customer").version
CASHIER = make_customer(source_key="pos-77", first_name="Yuliya", last_name="Ivanova",
                        email=None)


def with_thresholds(version: str, auto_link: float, review: float):
    shipped = matcher.shipped_model("customer")
    return dataclasses.replace(shipped, version=version, thresholds=dataclasses.replace(
        shipped.thresholds, auto_link=auto_link, review=review))


def store(session, model, clock, *, active: bool) -> None:
    match_models.store_model(session, model, actor="test", active=active, now=clock())
    session.commit()


def active_goldens(session) -> set[str]:
    return {str(g) for g in session.scalars(
        select(GoldenRecord.id).where(GoldenRecord.status == "active"))}


def golden_of(session) -> dict[str, str]:
    return {str(r): str(g) for r, g in session.execute(
        select(Xref.source_record_id, Xref.golden_id))}


@pytest.fixture
def two_goldens(session, web_shop, pos_store, clock):
    """Юлия at the web shop and at the store, kept apart by a model that links nothing."""
    store(session, with_thresholds("customer-cautious", 1000.0, 1000.0), clock, active=True)
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    push(session, pos_store, [CASHIER], clock)
    match_models.activate_model(session, "customer", SHIPPED)
    session.commit()
    assert len(active_goldens(session)) == 2
    return golden_of(session)


def test_a_rematch_of_unchanged_data_with_the_same_model_changes_nothing(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    push(session, pos_store, [CASHIER, PYOTR], clock)
    report = rematch.rematch_report(session, "customer")
    assert report.records == 3 and report.model_version == SHIPPED
    assert report.merges == () and report.splits == () and report.review_tasks == ()


def ingest_synthetic(session, clock, count: int, *, chunk: int = 500) -> None:
    """`count` synthetic customers of several channels, pushed as `mdm ingest` pushes them."""
    by_source = defaultdict(list)
    for synthetic in generate_customer_records(count, seed=3):
        by_source[synthetic.source].append(synthetic.record)
    for name, records in sorted(by_source.items()):
        source = sources.add_source(session, name)
        for start in range(0, len(records), chunk):
            ingest.ingest_records(session, source, "customer", records[start:start + chunk],
                                  now=clock.advance(seconds=1))
            session.commit()


def test_a_rematch_of_thousands_of_ingested_customers_with_the_same_model_changes_nothing(
        session, clock):
    # Ingestion (record by record, against golden records) and the batch re-match (all pairs,
    # own clusters) must make the same decisions: pair order, crowded keys and ties included.
    ingest_synthetic(session, clock, 2_500)
    report = rematch.rematch_report(session, "customer")
    assert report.records == 2_500
    assert (report.merges, report.splits, report.review_tasks) == ((), (), ())
    assert session.scalar(select(func.count()).select_from(ReviewTask)) > 0


def orlova(source_key: str, first_name: str, last_name: str) -> dict:
    return make_customer(source_key=source_key, first_name=first_name, last_name=last_name,
                         middle_name=None, email=None, birth_date=None, loyalty_card=None,
                         phone="+7 977 769-30-76",
                         address={"country": "RU", "city": "Новосибирск",
                                  "street": "ул. Тверская", "house": "105"})


def test_crossed_names_pushed_later_are_decided_alike_by_ingestion_and_rematch(
        session, web_shop, pos_store, clock):
    # Ingestion compares the new record with the stored one, the batch the older with the
    # newer; the cashier's crossed "Орлова Мша" must read the same either way.
    push(session, pos_store, [orlova("pos-302", "Орлова", "Мша")], clock)
    clock.advance(seconds=1)
    push(session, web_shop, [orlova("web-2251", "Мария", "Орлова")], clock)
    report = rematch.rematch_report(session, "customer")
    assert (report.merges, report.splits, report.review_tasks) == ((), (), ())


def test_a_key_crowded_since_still_pairs_the_records_ingestion_paired_before(
        session, web_shop, pos_store, clock):
    small_blocks = dataclasses.replace(matcher.shipped_model("customer"),
                                       version="customer-small-blocks", max_block_size=3)
    store(session, small_blocks, clock, active=True)
    for source, key in [(web_shop, "web-1"), (pos_store, "pos-1"), (web_shop, "web-2"),
                        (pos_store, "pos-2")]:
        clock.advance(seconds=1)
        push(session, source, [make_customer(source_key=key)], clock)
    # The fourth Юлия found every key crowded; the first three had linked before it came.
    assert sorted(map(len, members_by_golden(session))) == [1, 3]
    report = rematch.rematch_report(session, "customer")
    assert (report.merges, report.splits, report.review_tasks) == ((), (), ())


def members_by_golden(session) -> list[set[str]]:
    members = defaultdict(set)
    for record_id, golden_id in golden_of(session).items():
        members[golden_id].add(record_id)
    return list(members.values())


def test_a_rematch_reports_golden_records_that_would_merge_and_writes_nothing(
        session, two_goldens):
    report = rematch.rematch_report(session, "customer")
    assert report.merges == (tuple(sorted(set(two_goldens.values()))),) and report.splits == ()
    assert len(active_goldens(session)) == 2 and not report.applied


def test_a_rematch_matches_with_rare_collections_and_gives_back_the_collector_thresholds(
        session, two_goldens, monkeypatch):
    during, match_stored = [], rematch.match_stored

    def match_noting_thresholds(stored, model):
        during.append(gc.get_threshold())
        return match_stored(stored, model)

    monkeypatch.setattr(rematch, "match_stored", match_noting_thresholds)
    before = gc.get_threshold()
    report = rematch.rematch_report(session, "customer")
    assert during == [BULK_GC_THRESHOLDS] and gc.get_threshold() == before != BULK_GC_THRESHOLDS
    assert report.merges == (tuple(sorted(set(two_goldens.values()))),)


def test_dry_run_then_apply_make_the_same_changes_and_nothing_is_left_to_do(
        session, two_goldens, clock):
    dry = rematch.rematch_report(session, "customer")
    applied = rematch.apply_rematch(session, "customer", actor="test", now=clock())
    session.commit()
    assert dataclasses.replace(applied, applied=False) == dry
    assert len(active_goldens(session)) == 1 and len(set(golden_of(session).values())) == 1
    assert rematch.rematch_report(session, "customer").merges == ()
    assert session.scalar(select(Event).where(Event.type == "golden.merged")) is not None
    decision = session.scalar(select(MatchDecision).where(MatchDecision.reason == "rematch"))
    assert (decision.kind, decision.model_version) == ("auto_link", SHIPPED)
    assert session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "rematch.apply")) == "rematch.apply"


def test_a_golden_record_the_matcher_built_splits_under_a_model_that_links_nothing(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    push(session, pos_store, [CASHIER], clock)
    (golden_id,) = active_goldens(session)
    store(session, with_thresholds("customer-links-nothing", 1000.0, 1000.0), clock,
          active=False)
    dry = rematch.rematch_report(session, "customer", model_version="customer-links-nothing")
    assert dry.splits == (golden_id,) and dry.merges == ()
    rematch.apply_rematch(session, "customer", actor="test", now=clock(),
                          model_version="customer-links-nothing")
    session.commit()
    assert len(set(golden_of(session).values())) == 2
    assert rematch.rematch_report(session, "customer",
                                  model_version="customer-links-nothing").splits == ()


def test_a_steward_merge_is_never_split_by_a_rematch(session, two_goldens, clock):
    left, right = sorted(set(two_goldens.values()))
    stewardship.merge_golden(session, left, right, actor="stepan", now=clock())
    session.commit()
    store(session, with_thresholds("customer-links-nothing", 1000.0, 1000.0), clock,
          active=False)
    report = rematch.apply_rematch(session, "customer", actor="test", now=clock(),
                                   model_version="customer-links-nothing")
    session.commit()
    assert report.splits == () and len(set(golden_of(session).values())) == 1


def test_a_not_a_match_pair_stays_apart_after_a_rematch(session, two_goldens, clock):
    web, cashier = sorted(two_goldens)
    stewardship.mark_not_a_match(session, web, cashier, actor="stepan", now=clock())
    session.commit()
    report = rematch.apply_rematch(session, "customer", actor="test", now=clock())
    session.commit()
    assert report.merges == () and report.review_tasks == ()
    assert golden_of(session)[web] != golden_of(session)[cashier]


def test_a_doubtful_pair_becomes_one_new_review_task(session, two_goldens, clock):
    store(session, with_thresholds("customer-doubtful", 1000.0, -1000.0), clock, active=False)
    dry = rematch.rematch_report(session, "customer", model_version="customer-doubtful")
    assert dry.review_tasks == (tuple(sorted(two_goldens)),) and dry.merges == ()
    rematch.apply_rematch(session, "customer", actor="test", now=clock(),
                          model_version="customer-doubtful")
    session.commit()
    task = session.scalar(select(ReviewTask))
    assert task.status == "open" and task.explanation["model_version"] == "customer-doubtful"
    assert rematch.rematch_report(session, "customer",
                                  model_version="customer-doubtful").review_tasks == ()


def test_a_rematch_task_is_weighed_by_the_records_behind_its_golden_records(
        session, two_goldens, web_shop, clock):
    store(session, with_thresholds("customer-cautious-2", 1000.0, 1000.0), clock, active=True)
    push(session, web_shop, [make_customer(source_key="yulia-app", phone=None)], clock)
    assert len(active_goldens(session)) == 3
    store(session, with_thresholds("customer-doubtful", 1000.0, -1000.0), clock, active=False)
    plan = rematch.plan_rematch(session, "customer",
                                rematch.model_for(session, "customer", "customer-doubtful"))
    pairs = rematch.new_review_pairs(session, plan)
    impact = rematch.business_impact(session, plan, pairs)
    assert set(impact.values()) == {0}
    first, second = sorted(set(plan.golden_of.values()))[:2]
    stewardship.merge_golden(session, uuid.UUID(first), uuid.UUID(second), actor="test",
                             now=clock())
    session.commit()
    plan = rematch.plan_rematch(session, "customer", plan.model)
    pairs = rematch.new_review_pairs(session, plan)
    impact = rematch.business_impact(session, plan, pairs)
    assert max(impact.values()) == 1
    rematch.apply_rematch(session, "customer", actor="test", now=clock(),
                          model_version="customer-doubtful")
    for task in session.scalars(select(ReviewTask)):
        pair = tuple(sorted((str(task.left_record_id), str(task.right_record_id))))
        assert task.priority == pytest.approx(
            review_priority(task.match_weight, plan.model, impact[pair]))


def test_an_unknown_model_version_is_refused(session, web_shop, clock):
    with pytest.raises(NotFoundError):
        rematch.rematch_report(session, "customer", model_version="customer-trained-99")


def test_the_rematch_command_prints_a_summary(app, runner, session, web_shop, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    result = runner.invoke(cli, ["rematch", "--dry-run", "--type", "customer"])
    assert result.exit_code == 0
    assert (f"1 customer records re-matched (dry run) with {SHIPPED}: 0 merges, "
            "0 splits, 0 review tasks") in result.output


def test_the_rematch_command_applies_the_merges(app, runner, session, two_goldens):
    result = runner.invoke(cli, ["rematch", "--type", "customer"])
    assert result.exit_code == 0, result.output
    assert f"2 customer records re-matched with {SHIPPED}: 1 merges" in result.output
    session.expire_all()
    assert len(set(golden_of(session).values())) == 1


def test_the_rematch_command_with_an_unknown_version_exits_1(app, runner, session, web_shop):
    result = runner.invoke(cli, ["rematch", "--model-version", "customer-trained-99"])
    assert result.exit_code == 1 and "no customer match model" in result.output
