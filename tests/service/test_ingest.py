"""Ingestion keeps records verbatim, versioned and idempotent, and links strong identifiers."""

from __future__ import annotations

import dataclasses
import gc
import json
import re
import uuid

import pytest
from sqlalchemy import event, func, select, text

from matching.standardise.phones import _standardise_phone
from mdm import bulk_ingest, golden, ingest, matcher, sources
from mdm.models import (
    Event,
    GoldenRecord,
    MatchDecision,
    MatchKey,
    SourceRecord,
    SourceRecordVersion,
    Xref,
)
from mdm.store.in_lists import padded_length
from tests.factories import make_customer, make_product


@pytest.fixture
def web_shop(session):
    source = sources.add_source(session, "web_shop")
    session.commit()
    return source


@pytest.fixture
def pos_store(session):
    source = sources.add_source(session, "pos_store")
    session.commit()
    return source


def push(session, source, records, clock, entity_type="customer"):
    summary = ingest.ingest_records(session, source, entity_type, records, now=clock())
    session.commit()
    return summary


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_new_record_is_created_with_its_golden_record(session, web_shop, clock):
    summary = push(session, web_shop, [make_customer()], clock)
    assert summary.counts["created"] == 1
    record = session.scalar(select(SourceRecord))
    assert record.payload["first_name"] == "Юлия"
    assert record.version == 1
    golden = session.get(GoldenRecord, record.id and session.scalar(select(Xref.golden_id)))
    assert golden.attributes["last_name"] == "Иванова"
    assert summary.outcomes[0].golden_id == str(golden.id)


def test_pushing_the_same_content_again_changes_nothing_and_creates_no_event(
        session, web_shop, clock):
    push(session, web_shop, [make_customer()], clock)
    events_before = count(session, Event)
    clock.advance(hours=1)
    summary = push(session, web_shop, [make_customer()], clock)
    assert summary.counts == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    assert count(session, Event) == events_before
    assert count(session, SourceRecordVersion) == 1


def test_newer_content_for_the_same_key_makes_a_new_version(session, web_shop, clock):
    push(session, web_shop, [make_customer()], clock)
    clock.advance(days=1)
    newer = make_customer(phone="+7 916 000-11-22", updated_at="2026-11-02T10:00:00+03:00")
    summary = push(session, web_shop, [newer], clock)
    assert summary.counts["updated"] == 1
    record = session.scalar(select(SourceRecord))
    assert record.version == 2
    versions = session.scalars(select(SourceRecordVersion.payload)
                               .order_by(SourceRecordVersion.version)).all()
    assert [v["phone"] for v in versions] == ["+7 912 345-67-89", "+7 916 000-11-22"]
    golden = session.scalar(select(GoldenRecord))
    assert golden.attributes["phone"] == ["+79160001122"]  # aggregated, in E.164
    assert golden.version == 2


def test_an_older_update_is_rejected_and_the_stored_version_kept(session, web_shop, clock):
    push(session, web_shop, [make_customer(updated_at="2026-11-02T10:00:00Z")], clock)
    stale = make_customer(phone="+7 916 000-11-22", updated_at="2026-10-01T10:00:00Z")
    summary = push(session, web_shop, [stale], clock)
    assert summary.counts["rejected"] == 1
    assert "updated_at" in summary.outcomes[0].errors
    assert session.scalar(select(SourceRecord)).payload["phone"] == "+7 912 345-67-89"


def test_a_batch_with_bad_records_stores_the_good_ones(session, web_shop, clock):
    batch = [
        make_customer(source_key="c-1"),
        make_customer(source_key="c-2", email=["not", "a", "string"]),
        {"first_name": "Без ключа"},
        "not an object",
        make_customer(source_key="c-3", updated_at="вчера"),
        make_customer(source_key="c-4", email="pyotr@example.ru", phone=None),
    ]
    summary = push(session, web_shop, batch, clock)
    assert [o.outcome for o in summary.outcomes] == [
        "created", "rejected", "rejected", "rejected", "rejected", "created"]
    assert "email" in summary.outcomes[1].errors
    assert "source_key" in summary.outcomes[2].errors
    assert "_record" in summary.outcomes[3].errors
    assert "updated_at" in summary.outcomes[4].errors
    assert sorted(session.scalars(select(SourceRecord.source_key))) == ["c-1", "c-4"]


def test_a_record_naming_another_source_is_rejected(session, web_shop, clock):
    summary = push(session, web_shop, [make_customer(source="pos_store")], clock)
    assert summary.outcomes[0].errors == {"source": ["Must be 'web_shop', the pushing source."]}


def test_unknown_fields_are_kept_verbatim(session, web_shop, clock):
    push(session, web_shop, [make_customer(favourite_shop="Тверская, 12")], clock)
    assert session.scalar(select(SourceRecord)).payload["favourite_shop"] == "Тверская, 12"


def test_records_sharing_a_phone_in_other_formats_join_one_golden_record(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer()], clock)
    cashier = make_customer(source_key="pos-77", first_name="ЮЛИЯ", last_name="ИВАНОВА",
                            email=None, phone="8 (912) 345 67 89")
    summary = push(session, pos_store, [cashier], clock)
    assert count(session, GoldenRecord) == 1
    golden = session.scalar(select(GoldenRecord))
    assert summary.outcomes[0].golden_id == str(golden.id)
    decision = session.scalar(select(MatchDecision))
    assert decision.kind == "auto_link"
    assert "phone:+79123456789" in decision.explanation["blocking_keys"]


def test_a_record_bridging_two_golden_records_merges_them_and_the_older_id_survives(
        session, web_shop, pos_store, clock):
    # Two sparse profiles with nothing in common but the name: the matcher keeps them apart.
    sparse = {"birth_date": None, "address": None, "loyalty_card": None, "middle_name": None}
    push(session, web_shop, [make_customer(source_key="c-1", phone=None, **sparse)], clock)
    older = session.scalar(select(GoldenRecord.id))
    clock.advance(minutes=5)
    push(session, web_shop, [make_customer(source_key="c-2", email=None, **sparse)], clock)
    assert count(session, GoldenRecord) == 2
    clock.advance(minutes=5)
    bridge = make_customer(source_key="pos-1")
    push(session, pos_store, [bridge], clock)
    active = session.scalars(select(GoldenRecord).where(GoldenRecord.status == "active")).all()
    assert [g.id for g in active] == [older]
    merged = session.scalar(select(GoldenRecord).where(GoldenRecord.status == "merged"))
    assert merged.merged_into == older
    assert set(session.scalars(select(Xref.golden_id))) == {older}
    types = session.scalars(select(Event.type).order_by(Event.id)).all()
    assert types.count("golden.merged") == 1


def test_products_with_one_gtin_in_different_forms_join_one_golden_record(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_product()], clock, entity_type="product")
    push(session, pos_store, [make_product(source_key="sku-9", gtin="04607123456781",
                                           title="МОЛОКО ПРОСТОКВАШИНО 930МЛ")],
         clock, entity_type="product")
    assert count(session, GoldenRecord) == 1


def test_an_invalid_gtin_never_links_products(session, web_shop, pos_store, clock):
    push(session, web_shop, [make_product(gtin="4607123456782")], clock, entity_type="product")
    # Read as an identifier, the shared (invalid) GTIN and brand would link milk with kefir.
    kefir = make_product(source_key="sku-9", gtin="4607123456782",
                         title="Кефир Простоквашино 3,2% 0,93 л")
    push(session, pos_store, [kefir], clock, entity_type="product")
    assert count(session, GoldenRecord) == 2


def test_stock_records_are_stored_without_golden_records(session, web_shop, clock):
    stock = {"source_key": "st-1", "location_id": "msk-1", "source_sku": "p-501", "on_hand": 7}
    summary = push(session, web_shop, [stock], clock, entity_type="stock")
    assert summary.counts["created"] == 1
    assert count(session, GoldenRecord) == 0


def test_a_key_sent_twice_in_one_batch_ends_as_its_last_content(session, web_shop, clock):
    batch = [make_customer(phone="+7 912 000-00-01"), make_customer(phone="+7 912 345-67-89")]
    summary = push(session, web_shop, batch, clock)
    assert [o.outcome for o in summary.outcomes] == ["unchanged", "created"]
    assert session.scalar(select(SourceRecord)).payload["phone"] == "+7 912 345-67-89"


def write_lines(path, records):
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
                    + "{not json\n", encoding="utf-8")
    return path


def ingest_file(session, path, clock, *, prepare_ahead):
    return bulk_ingest.ingest_files(session, [path], source_name=None, entity_type="customer",
                                    chunk_size=2, clock=clock, prepare_ahead=prepare_ahead)


def golden_of(session, source_key) -> str:
    return str(session.scalar(select(Xref.golden_id).join(
        SourceRecord, SourceRecord.id == Xref.source_record_id)
        .where(SourceRecord.source_key == source_key)))


def test_a_file_prepared_ahead_in_a_worker_process_is_stored_and_matched_across_chunks(
        session, web_shop, pos_store, clock, tmp_path, monkeypatch):
    # The worker empties its caches every second chunk: the answers stay the same.
    monkeypatch.setattr(bulk_ingest, "CHUNKS_PER_CACHE", 2)
    people = [("Юлия", "Иванова"), ("Пётр", "Смирнов"), ("Анна", "Кузнецова"),
              ("Олег", "Попов"), ("Ирина", "Волкова")]
    first = [make_customer(source="web_shop", source_key=f"c-{n}", first_name=first_name,
                           last_name=last_name, email=f"u{n}@example.ru", address=None,
                           phone=f"+7 912 000-00-{n:02d}", loyalty_card=f"77001234{n:02d}",
                           birth_date=f"198{n}-03-05", middle_name=None)
             for n, (first_name, last_name) in enumerate(people)]
    # The cashier's record arrives chunks later and joins the web shop's (phone, card, e-mail).
    cashier = dict(first[3], source="pos_store", source_key="pos-3", first_name="ОЛЕГ",
                   last_name="ПОПОВ", email="U3@example.ru", phone="8 (912) 000 00 03")
    path = write_lines(tmp_path / "in.jsonl", [*first, {"source": "web_shop"}, cashier])
    summary = ingest_file(session, path, clock, prepare_ahead=True)
    assert summary.counts == {"created": 6, "updated": 0, "unchanged": 0, "rejected": 2}
    assert [(r.line, r.reasons[:15]) for r in summary.rejections] == [
        (6, "source_key: Mis"), (8, "not valid JSON:")]
    assert golden_of(session, "pos-3") == golden_of(session, "c-3")
    assert count(session, GoldenRecord) == 5
    # Again: nothing changes; with one record changed: an update keeps its stored record.
    assert ingest_file(session, path, clock, prepare_ahead=True).counts["unchanged"] == 6
    stored_id = session.scalar(select(SourceRecord.id).where(SourceRecord.source_key == "c-1"))
    first[1]["updated_at"] = "2026-11-02T10:00:00Z"
    again = ingest_file(session, write_lines(tmp_path / "again.jsonl", first[:2]), clock,
                        prepare_ahead=True)
    assert again.counts == {"created": 0, "updated": 1, "unchanged": 1, "rejected": 1}
    assert session.scalar(select(SourceRecord.id).where(
        SourceRecord.source_key == "c-1")) == stored_id
    keys = session.scalars(select(MatchKey.key).where(MatchKey.source_record_id == stored_id))
    assert "phone:+79120000001" in set(keys)


def test_records_prepared_ahead_carry_the_view_and_keys_resolve_would_make():
    records = [make_customer(), make_customer(source_key="c-2", email="bad@", phone="0"),
               {"first_name": "no key"}]
    prepared = ingest.prepare_records("customer", "web_shop", records, standardise=True)
    assert [p.outcome.outcome for p in prepared] == ["created", "created", "rejected"]
    for item in prepared[:2]:
        ready = item.standardised
        view = matcher.standardise("customer", ready.record_id, "web_shop", item.payload)
        assert ready.view == view
        assert ready.keys == matcher.stored_keys(view)
        assert item.member_fields == golden.member_fields(item.payload)
    moved = prepared[0].standardised.for_record(uuid.UUID(int=7))
    assert moved.view.record_id == str(uuid.UUID(int=7))
    assert moved.keys == prepared[0].standardised.keys
    assert ingest.prepare_records("customer", "web_shop", records)[0].standardised is None
    assert ingest.prepare_records("customer", "web_shop", records)[0].member_fields is None


def test_a_chunk_prepared_with_fresh_caches_is_the_chunk_prepared_without():
    records = [make_customer(source_key=f"c-{n}", phone=f"+7 912 000-00-{n:02d}")
               for n in range(3)]
    group = ("web_shop", "customer")
    warm = bulk_ingest._prepare_chunk(group, records, True)
    assert _standardise_phone.cache_info().currsize > 0
    fresh = bulk_ingest._prepare_chunk(group, records, True, fresh_caches=True)
    assert [(p.payload, p.standardised.keys, p.member_fields) for p in fresh] == [
        (p.payload, p.standardised.keys, p.member_fields) for p in warm]
    assert [dataclasses.replace(p.standardised.view, record_id="") for p in fresh] == [
        dataclasses.replace(p.standardised.view, record_id="") for p in warm]


def test_a_member_whose_fields_were_made_ahead_is_the_member_made_from_its_payload(clock):
    payload = make_customer(email="Yulia.Ivanova+shop@GoogleMail.com", phone="8 (912) 345-67-89",
                            birth_date="1990-02-30")
    record_id = uuid.uuid4()
    here = golden.member_record("customer", golden.Member("web_shop", record_id, payload,
                                                          clock.now))
    ahead = golden.member_record("customer", golden.Member(
        "web_shop", record_id, payload, clock.now, fields=golden.member_fields(payload)))
    assert ahead == here
    assert (here.attributes["email"], here.attributes["phone"]) == (
        "yuliaivanova@gmail.com", "+79123456789")
    assert here.validity == {"email": True, "phone": True, "birth_date": False}
    assert list(here.attributes) == list(payload)


def test_a_bulk_load_on_postgresql_refreshes_the_planner_statistics(
        session, web_shop, clock, tmp_path, monkeypatch):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite plans by its indexes; only PostgreSQL needs fresh statistics")
    monkeypatch.setattr(bulk_ingest._PlannerStatistics, "FIRST_AT", 3)
    records = [make_customer(source="web_shop", source_key=f"c-{n}", email=f"u{n}@example.ru",
                             phone=f"+7 912 000-00-{n:02d}") for n in range(4)]
    ingest_file(session, write_lines(tmp_path / "in.jsonl", records), clock,
                prepare_ahead=False)
    # ANALYZE sets the planner's row count of a small table to the exact count.
    planned = session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'match_keys'"))
    assert planned == count(session, MatchKey) > 0


def test_a_bulk_load_collects_garbage_rarely_and_gives_back_the_collector_thresholds(
        session, web_shop, clock, tmp_path):
    during = []
    path = write_lines(tmp_path / "in.jsonl", [make_customer(source="web_shop")])
    before = gc.get_threshold()
    bulk_ingest.ingest_files(session, [path], source_name=None, entity_type="customer",
                             clock=clock, prepare_ahead=False,
                             on_progress=lambda _: during.append(gc.get_threshold()))
    assert during and set(during) == {bulk_ingest.BULK_GC_THRESHOLDS}
    assert bulk_ingest.BULK_GC_THRESHOLDS[0] > before[0]
    assert gc.get_threshold() == before


def test_json_columns_keep_the_text_as_sent_and_give_back_the_same_values(session, web_shop,
                                                                          clock):
    record = make_customer(first_name="Юлия", address={"city": "Москва", "flat": None},
                           loyalty_card=7700123456)
    push(session, web_shop, [record], clock)
    stored = session.execute(select(SourceRecord.payload)).scalar_one()
    assert stored == record
    text_form = session.execute(text("SELECT CAST(payload AS TEXT) FROM source_records")).scalar()
    assert "Юлия" in text_form and "Москва" in text_form


def test_a_bulk_load_empties_the_standardisers_caches_every_so_many_chunks(
        session, web_shop, clock, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_ingest, "CHUNKS_PER_CACHE", 2)
    cleared = []
    monkeypatch.setattr(bulk_ingest, "clear_value_caches", lambda: cleared.append(
        _standardise_phone.cache_info().currsize))
    records = [make_customer(source="web_shop", source_key=f"c-{n}",
                             phone=f"+7 912 000-00-{n:02d}") for n in range(9)]
    summary = ingest_file(session, write_lines(tmp_path / "in.jsonl", records), clock,
                          prepare_ahead=False)
    assert summary.counts["created"] == 9
    # Five chunks of two: cleared before the second and the fourth, each time holding phones.
    assert len(cleared) == 2 and min(cleared) > 0


IN_LIST = re.compile(r"IN \(((?:\?|%\(\w+\)s)(?:, (?:\?|%\(\w+\)s))*)\)")


def test_chunks_of_every_size_send_their_lookups_in_a_few_list_lengths(session, web_shop,
                                                                        clock):
    # A new IN-list length is a new statement: SQLite's driver keeps 128 prepared, and the
    # main process of a bulk load grew with every one of them.
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("statements kept prepared by their text are SQLite's driver's")
    lengths = []

    def note_in_lists(conn, cursor, statement, parameters, context, executemany):
        lengths.extend(match.group(1).count(",") + 1 for match in IN_LIST.finditer(statement))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note_in_lists)
    try:
        for size in range(3, 10):
            # Each chunk shares a phone with the one before: candidates, members, rebuilds.
            records = [make_customer(source="web_shop", source_key=f"c-{size}-{n}",
                                     email=f"u{size}.{n}@example.ru",
                                     phone=f"+7 912 000-{size + n % 2:02d}-{n:02d}")
                       for n in range(size)]
            assert push(session, web_shop, records, clock).counts["created"] == size
            changed = [dict(record, first_name="Ольга") for record in records]
            assert push(session, web_shop, changed, clock).counts["updated"] == size
    finally:
        event.remove(engine, "before_cursor_execute", note_in_lists)
    assert len(lengths) > 20
    assert {length for length in lengths if padded_length(length) != length} == set()
