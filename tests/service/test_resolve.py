"""Resolving with the matcher: explained links, review tasks, block caps, chunk = one by one."""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict

import pytest
from sqlalchemy import select

from mdm import match_views, matcher, resolve, sources
from mdm.models import (
    Base,
    GoldenRecord,
    MatchDecision,
    MatchView,
    ReviewTask,
    SourceRecord,
    Xref,
)
from mdm.models.sources import Source
from mdm.synthetic.customers import generate_customer_records
from tests.factories import make_customer
from tests.service.test_ingest import count, pos_store, push, web_shop
from tests.service.test_insert_batch import Statements

# Fixtures shared with the ingestion tests.
__all__ = ["pos_store", "web_shop"]

# Пётр lives with Юлия: same address, same birth date in this story, nothing else shared.
PYOTR = make_customer(source_key="pyotr-pos", first_name="Пётр", last_name="Сидоров",
                      middle_name="Ильич", email="p.sidorov@example.ru",
                      phone="+7 916 000-11-22", loyalty_card="7700999888")
# Юлия again at the till, with another e-mail and phone and no birth date: likely her, unproven.
YULIA_ELSEWHERE = make_customer(source_key="yulia-pos", email="yulia.i@mail.ru",
                                phone="+7 916 000-11-22", loyalty_card=None, birth_date=None)


def test_an_auto_link_stores_levels_weights_model_version_and_thresholds(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer()], clock)
    push(session, pos_store, [make_customer(source_key="pos-77", first_name="Yuliya",
                                            last_name="Ivanova", email=None)], clock)
    decision = session.scalar(select(MatchDecision))
    explanation = decision.explanation
    model = matcher.shipped_model("customer")
    assert decision.kind == "auto_link" and decision.model_version == model.version
    assert "phone:+79123456789" in explanation["blocking_keys"]
    assert {f["field"] for f in explanation["fields"]} == set(model.field_names)
    assert explanation["auto_link_threshold"] == model.thresholds.auto_link
    assert explanation["match_weight"] == pytest.approx(decision.match_weight)
    assert count(session, GoldenRecord) == 1


def test_a_household_member_keeps_a_golden_record_of_his_own(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    push(session, pos_store, [PYOTR], clock)
    assert count(session, GoldenRecord) == 2
    assert count(session, MatchDecision) == 0


def test_a_likely_duplicate_without_a_shared_identifier_becomes_a_review_task(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    push(session, pos_store, [YULIA_ELSEWHERE], clock)
    assert count(session, GoldenRecord) == 2
    task = session.scalar(select(ReviewTask))
    assert task.status == "open" and 0 < task.priority <= 1
    assert task.explanation["outcome"] == "review"
    assert task.explanation["reason"] == "weak_link"
    assert any(k.startswith("address:") for k in task.explanation["blocking_keys"])


def test_a_mistyped_national_id_alone_finds_and_links_the_stored_record(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web", national_id="078-05-1120")],
         clock)
    # Only her name and her number with two digits swapped: no key but the number's own.
    push(session, pos_store, [make_customer(
        source_key="yulia-pos", national_id="078051210", middle_name=None, email=None, phone=None,
        birth_date=None, address=None, loyalty_card=None)], clock)
    decision = session.scalar(select(MatchDecision))
    assert decision.kind == "auto_link"
    assert {k.split(":")[0] for k in decision.explanation["blocking_keys"]} == {"national_id_typo"}
    assert count(session, GoldenRecord) == 1


def test_pushing_a_pair_again_opens_no_second_review_task(session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    push(session, pos_store, [YULIA_ELSEWHERE], clock)
    push(session, pos_store, [{**YULIA_ELSEWHERE, "updated_at": "2026-11-02T10:00:00+03:00",
                               "phone": "+7 916 000-11-23"}], clock)
    assert count(session, ReviewTask) == 1
    assert count(session, GoldenRecord) == 2


def test_a_key_shared_by_more_records_than_the_block_size_pairs_nobody(
        session, web_shop, clock, monkeypatch):
    small_blocks = dataclasses.replace(matcher.shipped_model("customer"), max_block_size=1)
    monkeypatch.setattr(matcher, "model_of_active",
        lambda session, entity_type, active: small_blocks)
    push(session, web_shop, [make_customer(source_key="c-1")], clock)
    push(session, web_shop, [make_customer(source_key="c-2")], clock)
    assert count(session, GoldenRecord) == 2
    assert count(session, MatchDecision) == 0


def test_a_pick_up_point_address_held_past_its_kind_limit_pairs_nobody(
        session, web_shop, clock, monkeypatch):
    model = dataclasses.replace(matcher.shipped_model("customer"), block_limits=(("address", 2),))
    monkeypatch.setattr(matcher, "model_of_active", lambda session, entity_type, active: model)
    pick_up = {"city": "Москва", "street": "ул. Тверская", "house": "7"}
    strangers = [("anna", "Анна", "Петрова"), ("oleg", "Олег", "Смирнов"),
                 ("yuliya", "Юлия", "Иванова")]
    push(session, web_shop, [make_customer(source_key=key, first_name=first, last_name=last,
                                           email=None, phone=None, loyalty_card=None,
                                           birth_date=None, address=pick_up)
                             for key, first, last in strangers], clock)
    keys = {uuid.UUID(int=1): frozenset({"address:7|tverskaia|moskva"})}
    assert matcher.find_candidates(session, "customer", keys, model).shared[uuid.UUID(int=1)] == {}
    roomier = dataclasses.replace(model, block_limits=(("address", 3),))
    assert len(matcher.find_candidates(session, "customer", keys, roomier)
               .shared[uuid.UUID(int=1)]) == 3


def test_an_updated_record_stays_in_its_golden_record(session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    push(session, pos_store, [PYOTR], clock)
    pyotr_golden = session.scalar(select(Xref.golden_id).join(
        SourceRecord, SourceRecord.id == Xref.source_record_id).where(
        SourceRecord.source_key == "pyotr-pos"))
    # Пётр's till record now carries Юлия's phone: a steward decides, the matcher does not move it.
    push(session, pos_store, [{**PYOTR, "phone": "+7 912 345-67-89",
                               "updated_at": "2026-11-02T10:00:00+03:00"}], clock)
    assert session.scalar(select(Xref.golden_id).join(
        SourceRecord, SourceRecord.id == Xref.source_record_id).where(
        SourceRecord.source_key == "pyotr-pos")) == pyotr_golden


def partition(session) -> set[frozenset[str]]:
    """The clusters of (source, source_key) that the xref makes."""
    rows = session.execute(select(Xref.golden_id, Source.name, SourceRecord.source_key)
                           .join(SourceRecord, SourceRecord.id == Xref.source_record_id)
                           .join(Source, Source.id == SourceRecord.source_id))
    clusters = defaultdict(set)
    for golden_id, source, key in rows:
        clusters[golden_id].add(f"{source}/{key}")
    return {frozenset(members) for members in clusters.values()}


def decisions(session) -> tuple[set, set]:
    """Review tasks and auto-link decisions, each as its pair of (source, source_key) and weight."""
    names = dict(session.execute(
        select(SourceRecord.id, Source.name + "/" + SourceRecord.source_key)
        .join(Source, Source.id == SourceRecord.source_id)).all())

    def pairs(model):
        return {(frozenset((names[left], names[right])), round(weight, 9))
                for left, right, weight in session.execute(select(
                    model.left_record_id, model.right_record_id, model.match_weight))}
    return pairs(ReviewTask), pairs(MatchDecision)


def ingest_in_chunks(session, records, clock, chunk: int) -> None:
    known = {}
    for start in range(0, len(records), chunk):
        by_source = defaultdict(list)
        for item in records[start:start + chunk]:
            if item.source not in known:
                known[item.source] = session.scalar(select(Source).where(
                    Source.name == item.source)) or sources.add_source(session, item.source)
            by_source[item.source].append(item.record)
        for name, raw in by_source.items():
            push(session, known[name], raw, clock)


def forget_everything_but_sources(session) -> None:
    for table in reversed(Base.metadata.sorted_tables):
        if table.name != "sources":
            session.execute(table.delete())
    session.commit()


def test_one_chunk_scored_in_batch_links_like_records_pushed_one_by_one(
        session, clock, monkeypatch):
    records = sorted(generate_customer_records(150, seed=11, duplicate_rate=0.4),
                     key=lambda item: item.source)
    monkeypatch.setattr(matcher, "BATCH_MIN_PAIRS", 10**9)
    ingest_in_chunks(session, records, clock, chunk=1)
    one_by_one = partition(session)
    assert len(one_by_one) < len(records)  # the data has duplicates, and they linked
    forget_everything_but_sources(session)
    monkeypatch.setattr(matcher, "BATCH_MIN_PAIRS", 1)
    ingest_in_chunks(session, records, clock, chunk=len(records))
    assert partition(session) == one_by_one


def test_a_record_pushed_alone_decides_alike_scored_pair_by_pair_or_vectorised(
        session, clock, monkeypatch):
    # The API's path: one record a request. Which member a join names may differ between chunk
    # sizes, so this compares the scorers on the same one-by-one stream, tasks and links too.
    records = list(generate_customer_records(150, seed=11, duplicate_rate=0.4))
    monkeypatch.setattr(matcher, "BATCH_MIN_PAIRS", 10**9)
    ingest_in_chunks(session, records, clock, chunk=1)
    pair_by_pair, tasks_and_links = partition(session), decisions(session)
    assert all(tasks_and_links)  # the stream opens review tasks and makes auto-links
    forget_everything_but_sources(session)
    monkeypatch.setattr(matcher, "BATCH_MIN_PAIRS", 1)
    ingest_in_chunks(session, records, clock, chunk=1)
    assert partition(session) == pair_by_pair
    assert decisions(session) == tasks_and_links


def test_explanations_built_in_batch_equal_those_of_the_single_record_path():
    records = list(generate_customer_records(40, seed=3, duplicate_rate=0.5))
    views = [matcher.standardise("customer", uuid.UUID(int=n), item.source, item.record)
             for n, item in enumerate(records)]
    pairs = [matcher.PairToScore(a, b, ("name_dob:x",)) for i, a in enumerate(views)
             for b in views[i + 1:i + 4]]
    assert len(pairs) >= matcher.BATCH_MIN_PAIRS
    model = matcher.shipped_model("customer")
    batch = matcher.explain_pairs("customer", pairs, model)
    single = [matcher.explain("customer", pair, model) for pair in pairs]
    assert [r.explanation for r in batch] == [r.explanation for r in single]
    assert {r.outcome for r in single} >= {"auto_link", "distinct"}


def _stored_view_row(session, source_key):
    record_id = session.scalar(select(SourceRecord.id).where(SourceRecord.source_key == source_key))
    return record_id, session.get(MatchView, record_id)


def test_a_matched_record_keeps_the_view_the_matcher_compared(session, web_shop, clock):
    push(session, web_shop, [make_customer()], clock)
    record_id, row = _stored_view_row(session, "c-1001")
    view = match_views.decode_view("customer", row.view)
    assert view == matcher.standardise("customer", record_id, "web_shop", make_customer())
    assert view.phones == ("+79123456789",) and view.last_name.latin == "ivanova"


def test_candidates_are_read_from_their_stored_views(session, web_shop, clock):
    push(session, web_shop, [make_customer()], clock)
    record_id, row = _stored_view_row(session, "c-1001")
    # A view that says Yuliya Ivanova is "petrova" can only come from the store, not the payload.
    row.view = row.view.replace('"ivanova"', '"petrova"')
    session.flush()
    view = matcher.load_views(session, "customer", [record_id])[record_id]
    assert view.last_name.latin == "petrova"


def test_a_view_written_for_another_shape_is_standardised_again(session, web_shop, clock):
    push(session, web_shop, [make_customer()], clock)
    record_id, row = _stored_view_row(session, "c-1001")
    row.view, row.fingerprint = row.view.replace('"ivanova"', '"petrova"'), "older-views"
    session.flush()
    view = matcher.load_views(session, "customer", [record_id])[record_id]
    assert view.last_name.latin == "ivanova"


def test_an_explanation_is_stored_as_the_core_writes_it():
    views = [matcher.standardise("customer", uuid.UUID(int=n), "web_shop", make_customer(
        source_key=f"c-{n}", phone=phone)) for n, phone in enumerate(
            ["+7 912 345-67-89", "+7 916 000-11-22"])]
    pair = matcher.PairToScore(views[0], views[1], ("name_dob:ivanova",))
    explanation = matcher.explain("customer", pair, matcher.shipped_model("customer")).explanation
    assert resolve.explanation_json(explanation) == explanation.to_dict()
    assert resolve.explanation_json(explanation)["fields"][0]["field"]


def test_candidates_come_with_their_stored_views_and_golden_records(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer()], clock)
    push(session, pos_store, [make_customer(source_key="yulia-pos")], clock)
    web_id, _row = _stored_view_row(session, "c-1001")
    pos_id, pos_row = _stored_view_row(session, "yulia-pos")
    golden_id = session.scalar(select(Xref.golden_id).where(Xref.source_record_id == web_id))
    keys = matcher.keys_of({pos_id: match_views.decode_view("customer", pos_row.view)})
    found = matcher.find_candidates(session, "customer", keys, matcher.shipped_model("customer"))
    assert set(found.shared[pos_id]) == {web_id}
    assert found.golden_ids == {web_id: golden_id, pos_id: golden_id}
    assert found.views[web_id].emails == ("yulia.ivanova@example.ru",)


def test_review_priority_rises_with_business_impact_and_falls_with_certainty():
    from matching.model import default_model
    from mdm.resolve import review_priority

    model = default_model("customer")
    on_threshold = model.thresholds.auto_link
    assert review_priority(on_threshold, model, impact=40) > review_priority(on_threshold, model)
    assert review_priority(on_threshold, model) > review_priority(on_threshold + 6, model)
    assert review_priority(on_threshold, model, impact=0) == 1.0


def test_stock_on_hand_sums_the_units_of_a_products_stock_rows(session, clock):
    from mdm import ingest, sources
    from mdm.resolve import stock_on_hand
    from tests.factories import make_product

    web_shop = sources.add_source(session, "web_shop")
    summary = ingest.ingest_records(session, web_shop, "product", [make_product()],
                                    now=clock())
    stock = [{"source_key": "st-1", "location_id": "msk-1", "source_sku": "p-501", "on_hand": 7},
             {"source_key": "st-2", "location_id": "spb-2", "source_sku": "p-501", "on_hand": 5},
             {"source_key": "st-3", "location_id": "msk-1", "source_sku": "p-999", "on_hand": 40}]
    ingest.ingest_records(session, web_shop, "stock", stock, now=clock())
    session.commit()
    from sqlalchemy import select

    from mdm.models import SourceRecord

    product_id = str(session.scalar(select(SourceRecord.id)
                                    .where(SourceRecord.entity_type == "product")))
    assert summary.counts["created"] == 1
    assert stock_on_hand(session, {product_id}) == {product_id: 12}


def test_candidates_without_a_not_a_match_pair_cost_no_pair_lookup(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    with Statements(session.get_bind()) as statements:
        push(session, pos_store, [PYOTR], clock)  # a candidate (the address), kept apart
    assert any("FROM xref" in s for s in statements.seen)
    assert not [s for s in statements.seen if s.startswith("SELECT not_a_match_pairs")]
    assert count(session, GoldenRecord) == 2


@pytest.mark.parametrize(("stored", "pushed", "block_size", "golden_records"), [
    (0, 3, 2, 3), (0, 3, 3, 1), (1, 2, 2, 3), (1, 2, 3, 1)])
def test_the_records_of_one_push_count_in_the_size_of_their_blocks(
        session, web_shop, clock, monkeypatch, stored, pushed, block_size, golden_records):
    # On PostgreSQL a small push's keys are inserted by the candidates' own statement, which
    # cannot see them: it counts them apart. Identical Юлии share every key.
    model = dataclasses.replace(matcher.shipped_model("customer"), max_block_size=block_size)
    monkeypatch.setattr(matcher, "model_of_active", lambda session, entity_type, active: model)
    yulias = [make_customer(source_key=f"yulia-{n}") for n in range(stored + pushed)]
    if stored:
        push(session, web_shop, yulias[:stored], clock)
    push(session, web_shop, yulias[stored:], clock)
    assert count(session, GoldenRecord) == golden_records
