"""The standardisers' value caches can be emptied without changing any answer."""

from __future__ import annotations

from matching.standardise import clear_value_caches, standardise_customer
from matching.standardise.names import given_names
from matching.standardise.phones import _standardise_phone

RECORD = {"source_key": "1", "first_name": "Анна", "last_name": "Петрова",
          "phone": "8 (916) 123-45-67", "email": "Anna.Petrova@Mail.ru",
          "birth_date": "1990-02-03", "address": {"city": "Москва", "street": "Тверская",
                                                  "house": "7"}}


def test_clearing_empties_value_caches_and_keeps_the_answers():
    before = standardise_customer(RECORD, record_id="r1", source="web_shop")
    assert _standardise_phone.cache_info().currsize > 0
    tables = given_names.cache_info().currsize
    assert tables > 0

    clear_value_caches()

    assert _standardise_phone.cache_info().currsize == 0
    # Data tables loaded once (names, aliases) stay loaded.
    assert given_names.cache_info().currsize == tables
    assert standardise_customer(RECORD, record_id="r1", source="web_shop") == before
