"""Erasure: tombstone without PII, ids-only event, scrub plan, suppression of erased keys."""

from __future__ import annotations

import json

import pytest

from golden_records.erasure import (
    PII_FIELDS,
    SourceKey,
    erase,
    is_refused,
    readmit,
    redact,
    redact_version,
)
from golden_records.history import snapshot
from golden_records.merge import create_golden, merge
from golden_records.types import (
    ENTITY_ATTRIBUTES,
    GoldenRecordNotActiveError,
    InvalidOperationError,
    StaleVersionError,
)
from tests.unit.golden_records.conftest import T0

SALT = b"pepper-from-the-settings"
CANARIES = ("Юлия", "Иванова", "yulia.ivanova@example.ru", "+79123456789", "Тверская",
            "7700123456", "1987-03-05")


@pytest.fixture
def yulia(customer, config):
    members = [customer("r1", "web_shop", first_name="Юлия", last_name="Иванова",
                        email="yulia.ivanova@example.ru", phone="+79123456789",
                        birth_date="1987-03-05", address={"city": "Москва", "street": "Тверская"}),
               customer("r2", "pos_store", loyalty_card="7700123456")]
    return create_golden("g-yulia", "customer", members, config=config, now=T0).state


def test_erasure_leaves_a_tombstone_and_an_event_without_any_personal_data(yulia):
    result = erase(yulia, now=T0, reason="GDPR art. 17 request #812", salt=SALT)
    text = json.dumps([result.tombstone.to_dict(), result.event.to_dict(),
                       result.record.to_dict(), sorted(result.suppressions)], ensure_ascii=False)
    assert not [canary for canary in CANARIES if canary in text]
    assert result.tombstone.record_ids == {"r1", "r2"}
    assert (result.event.type, result.event.version) == ("golden.erased", 2)


def test_the_erased_golden_record_keeps_only_its_id_and_status(yulia):
    record = erase(yulia, now=T0, reason="", salt=SALT).record
    assert (record.status, record.attributes, record.member_ids, record.pins) == (
        "erased", {}, frozenset(), ())


def test_the_scrub_plan_names_every_member_and_every_absorbed_id(yulia, customer, config):
    other = create_golden("g-twin", "customer", [customer("r3", "mobile_app", first_name="Юля")],
                          config=config, now=T0).state
    merged = merge(yulia, other, config=config, actor="s", reason="", now=T0).state
    scrub = erase(merged, now=T0, reason="", salt=SALT).scrub
    assert scrub.golden_ids == {"g-yulia", "g-twin"}
    assert scrub.record_ids == {"r1", "r2", "r3"}
    assert SourceKey("mobile_app", "customer", "mobile_app-r3") in scrub.source_keys
    assert "blocking_key" in scrub.targets and "match_explanation" in scrub.targets


def test_an_erased_source_key_is_refused_until_it_is_readmitted(yulia):
    suppressed = erase(yulia, now=T0, reason="", salt=SALT).suppressions
    key = SourceKey("web_shop", "customer", "web_shop-r1")
    assert is_refused(key, suppressed, salt=SALT)
    assert not is_refused(SourceKey("web_shop", "customer", "web_shop-r7"), suppressed, salt=SALT)
    assert not is_refused(key, readmit(key, suppressed, salt=SALT), salt=SALT)


def test_suppression_depends_on_the_salt(yulia):
    suppressed = erase(yulia, now=T0, reason="", salt=SALT).suppressions
    assert not is_refused(SourceKey("web_shop", "customer", "web_shop-r1"), suppressed,
                          salt=b"another-salt")


def test_a_product_has_no_personal_data_to_erase(product, config):
    milk = create_golden("g-milk", "product", [product("p1", gtin="4607123456781")],
                         config=config, now=T0).state
    with pytest.raises(InvalidOperationError):
        erase(milk, now=T0, reason="", salt=SALT)


def test_an_erased_record_cannot_be_erased_again(yulia):
    erased = erase(yulia, now=T0, reason="", salt=SALT).record
    with pytest.raises(GoldenRecordNotActiveError):
        erase(type(yulia)(erased), now=T0, reason="", salt=SALT)


def test_erasure_on_a_stale_version_is_refused(yulia):
    with pytest.raises(StaleVersionError):
        erase(yulia, now=T0, reason="", salt=SALT, expected_version=5)


def test_every_customer_attribute_is_personal_data():
    assert PII_FIELDS["customer"] == ENTITY_ATTRIBUTES["customer"]


def test_redacted_history_keeps_no_personal_attribute_or_its_lineage(yulia):
    version = redact_version(snapshot(yulia.record, cause="golden.created", recorded_at=T0),
                             "customer")
    text = json.dumps(version.to_dict(), ensure_ascii=False)
    assert version.attributes == {} and version.lineage == {}
    assert not [canary for canary in CANARIES if canary in text]


def test_redact_keeps_product_attributes():
    assert redact({"gtin": "4607123456781", "brand": "Простоквашино"}, "product") == {
        "gtin": "4607123456781", "brand": "Простоквашино"}
