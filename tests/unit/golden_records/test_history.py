"""History: snapshots, the version in force at a time, and diffs between versions."""

from __future__ import annotations

import datetime as dt

from golden_records.history import AttributeChange, as_of, diff, snapshot
from golden_records.merge import attach_records, create_golden, edit
from tests.unit.golden_records.conftest import T0

HOUR = dt.timedelta(hours=1)


def versions_of_yulia(customer, config):
    """Three versions: created, a new phone attached, the first name pinned."""
    first = create_golden("g-yulia", "customer",
                          [customer("r1", first_name="Юлия", phone="+79123456789")],
                          config=config, now=T0)
    second = attach_records(first.state, [customer("r2", "mobile_app", phone="+79123456780",
                                                   birth_date="1987-03-05")],
                            config=config, now=T0 + HOUR)
    third = edit(second.state, "first_name", "Юля", actor="steward.petrova", reason="",
                 config=config, now=T0 + 2 * HOUR)
    return [snapshot(result.state.record, cause=result.events[0].type, recorded_at=T0 + n * HOUR)
            for n, result in enumerate((first, second, third))]


def test_as_of_returns_the_version_in_force_at_that_time(customer, config):
    history = versions_of_yulia(customer, config)
    assert as_of(history, T0 + 90 * dt.timedelta(minutes=1)).version == 2
    assert as_of(history, T0 + 2 * HOUR).version == 3
    assert as_of(reversed(history), T0).version == 1


def test_as_of_before_the_first_version_finds_nothing(customer, config):
    assert as_of(versions_of_yulia(customer, config), T0 - HOUR) is None


def test_diff_lists_added_and_changed_attributes_and_new_members(customer, config):
    first, second, third = versions_of_yulia(customer, config)
    change = diff(first, second)
    assert change.changes == (
        AttributeChange("birth_date", "added", None, "1987-03-05"),
        # The mobile app is the most trusted source of phones.
        AttributeChange("phone", "changed", ["+79123456789"], ["+79123456780", "+79123456789"]),
    )
    assert (change.members_added, change.members_removed) == ({"r2"}, frozenset())
    assert diff(second, third).changes == (AttributeChange("first_name", "changed", "Юлия", "Юля"),)


def test_diff_backwards_reports_removals(customer, config):
    first, second, _ = versions_of_yulia(customer, config)
    change = diff(second, first)
    assert AttributeChange("birth_date", "removed", "1987-03-05", None) in change.changes
    assert change.members_removed == {"r2"}


def test_a_version_compared_with_itself_has_an_empty_diff(customer, config):
    version = versions_of_yulia(customer, config)[0]
    assert diff(version, version).is_empty


def test_a_snapshot_records_the_cause_and_exposes_lineage_in_json(customer, config):
    third = versions_of_yulia(customer, config)[2]
    data = third.to_dict()
    assert (data["cause"], data["version"]) == ("golden.updated", 3)
    assert data["lineage"]["first_name"]["steward"] == "steward.petrova"
