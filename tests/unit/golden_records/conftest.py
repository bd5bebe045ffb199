"""Fixtures of the golden-record unit tests: the default rules, a clock start, member factories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from golden_records.survivorship import SurvivorshipConfig, load_default_config
from golden_records.types import MemberRecord

T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

MemberFactory = Callable[..., MemberRecord]


@pytest.fixture
def config() -> SurvivorshipConfig:
    return load_default_config()


def _factory(entity_type: str) -> MemberFactory:
    def make(record_id: str, source: str = "web_shop", *, days: float = 0,
             validity: dict[str, bool] | None = None, **attributes: Any) -> MemberRecord:
        return MemberRecord(record_id, source, f"{source}-{record_id}", entity_type, attributes,
                            T0 + dt.timedelta(days=days), validity or {})
    return make


@pytest.fixture
def customer() -> MemberFactory:
    """Make a customer member: `customer("r1", "pos_store", days=2, first_name="Юлия")`."""
    return _factory("customer")


@pytest.fixture
def product() -> MemberFactory:
    """Make a product member: `product("p1", "web_shop", gtin="4607123456781")`."""
    return _factory("product")
