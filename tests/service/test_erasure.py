"""Erasure leaves no trace of the person in any table, and refuses the erased keys on push."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import JSON, String, Text, select

from mdm import ingest, stewardship
from mdm.errors import ConflictError, NotFoundError
from mdm.models import Base, ErasureTombstone, Event, ReviewTask
from tests.factories import make_customer
from tests.service import test_stewardship
from tests.service.test_stewardship import STEWARD, golden_of, push, record_id

# Юлия Иванова as the channels sent her, in every form a table might hold.
ERASED_VALUES = ("Юлия", "Иванова", "Сергеевна", "yulia.ivanova", "yulia-ivanova",
                 "9123456789", "912 345-67-89", "7700123456", "Тверская", "125009",
                 "1987-03-05", "yulia-web", "yulia-app")


channels = test_stewardship.channels  # the web shop and the shop till, as sources


def pyotr() -> dict:
    return make_customer(source_key="pyotr-pos", first_name="Пётр", last_name="Сидоров",
                         middle_name="Ильич", email="p.sidorov@example.ru",
                         phone="+7 916 000-11-22", birth_date="1979-11-20",
                         loyalty_card="7700999888", address={"city": "Казань",
                                                             "street": "ул. Баумана"})


def text_of_every_row(session) -> list[str]:
    """Every text and JSON value of every table, as text (JSON without escaping)."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)
                   or "JSON" in type(c.type).__name__.upper()]
        for row in session.execute(select(*columns)) if columns else ():
            found.extend(json.dumps(value, ensure_ascii=False, default=str)
                         for value in row if value is not None)
    return found


@pytest.fixture
def yulia_everywhere(session, channels, clock):
    """Юлия in two channels, merged with and split from Пётр, pinned, reviewed, decided."""
    push(session, channels["pos_store"], [pyotr()], clock)
    clock.advance(minutes=1)
    push(session, channels["web_shop"], [make_customer(source_key="yulia-web"),
                                         make_customer(source_key="yulia-app")], clock)
    yulia, pyotr_id = golden_of(session, "yulia-web"), golden_of(session, "pyotr-pos")
    clock.advance(minutes=1)
    # Пётр's record is older: his history keeps Юлия's values from while they were merged.
    stewardship.merge_golden(session, yulia, pyotr_id, actor=STEWARD, now=clock())
    stewardship.unmerge_records(session, pyotr_id, [record_id(session, "yulia-web"),
                                                    record_id(session, "yulia-app")],
                                actor=STEWARD, now=clock())
    stewardship.pin_attribute(session, yulia, "middle_name", "Сергеевна", actor=STEWARD,
                              now=clock())
    stewardship.mark_not_a_match(session, record_id(session, "yulia-app"),
                                 record_id(session, "pyotr-pos"), actor=STEWARD, now=clock())
    session.add(ReviewTask(id=uuid.uuid4(), entity_type="customer",
                           left_record_id=record_id(session, "yulia-web"),
                           right_record_id=record_id(session, "pyotr-pos"), match_weight=3.1,
                           match_probability=0.4, explanation={"email": "yulia.ivanova"},
                           created_at=clock()))
    session.commit()
    return yulia, pyotr_id


def test_erasure_leaves_no_erased_value_in_any_table(session, yulia_everywhere, clock):
    yulia, _ = yulia_everywhere
    assert any("Иванова" in text for text in text_of_every_row(session))
    stewardship.erase_golden(session, yulia, actor=STEWARD, reason="GDPR request 2026-117",
                             now=clock())
    session.commit()
    leftovers = [(value, text) for text in text_of_every_row(session)
                 for value in ERASED_VALUES if value in text]
    assert leftovers == []
    assert any("Сидоров" in text for text in text_of_every_row(session))


def test_erasure_keeps_a_tombstone_of_ids_and_emits_an_event(session, yulia_everywhere, clock):
    yulia, _ = yulia_everywhere
    records = {str(record_id(session, key)) for key in ("yulia-web", "yulia-app")}
    stewardship.erase_golden(session, yulia, actor=STEWARD, reason="GDPR", now=clock())
    session.commit()
    tombstone = session.get(ErasureTombstone, yulia)
    assert set(tombstone.record_ids) == records
    event = session.scalar(select(Event).where(Event.type == "golden.erased"))
    assert event.golden_id == yulia and set(event.data["record_ids"]) == records


def test_an_erased_source_key_is_refused_until_readmitted(session, yulia_everywhere, channels,
                                                          clock):
    stewardship.erase_golden(session, yulia_everywhere[0], actor=STEWARD, reason="GDPR",
                             now=clock())
    session.commit()
    refused = push(session, channels["web_shop"], [make_customer(source_key="yulia-web")],
                   clock)
    assert refused == {} and record_id(session, "yulia-web") is None
    stewardship.readmit_source_key(session, "web_shop", "customer", "yulia-web",
                                   actor=STEWARD, reason="she came back", now=clock())
    session.commit()
    assert "yulia-web" in push(session, channels["web_shop"],
                               [make_customer(source_key="yulia-web")], clock)
    with pytest.raises(NotFoundError):
        stewardship.readmit_source_key(session, "web_shop", "customer", "yulia-web",
                                       actor=STEWARD, reason="twice", now=clock())


def test_an_erased_golden_record_cannot_be_erased_or_merged_again(session, yulia_everywhere,
                                                                  clock):
    yulia, pyotr_id = yulia_everywhere
    stewardship.erase_golden(session, yulia, actor=STEWARD, reason="GDPR", now=clock())
    with pytest.raises(ConflictError):
        stewardship.erase_golden(session, yulia, actor=STEWARD, reason="GDPR", now=clock())
    with pytest.raises(ConflictError):
        stewardship.merge_golden(session, yulia, pyotr_id, actor=STEWARD, now=clock())


def test_one_push_refuses_its_erased_keys_and_stores_or_skips_the_others(
        session, yulia_everywhere, channels, clock):
    stewardship.erase_golden(session, yulia_everywhere[0], actor=STEWARD, reason="GDPR",
                             now=clock())
    session.commit()
    anna = make_customer(source_key="anna-web", first_name="Анна", last_name="Петрова",
                         email="anna.petrova@example.ru", phone="+7 903 111-22-33")
    outcomes = set()
    for records in ([make_customer(source_key="yulia-web"), anna],
                    [anna, make_customer(source_key="yulia-app")]):
        summary = ingest.ingest_records(session, channels["web_shop"], "customer", records,
                                        now=clock())
        session.commit()
        outcomes |= {(o.source_key, o.outcome) for o in summary.outcomes}
    assert outcomes == {("yulia-web", "rejected"), ("anna-web", "created"),
                        ("anna-web", "unchanged"), ("yulia-app", "rejected")}
