"""Operations: create, attach, recompute, pins, merge, unmerge, not-a-match, redirects."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from golden_records.merge import (
    attach_records,
    check_constraints,
    create_golden,
    edit,
    merge,
    not_a_match,
    pin,
    recompute,
    resolve,
    unmerge,
    unpin,
)
from golden_records.survivorship import SurvivorshipConfig
from golden_records.types import (
    EntityTypeMismatchError,
    GoldenRecordError,
    GoldenRecordNotActiveError,
    InvalidOperationError,
    NotAMatchViolationError,
    Pin,
    StaleVersionError,
    UnknownAttributeError,
)
from tests.unit.golden_records.conftest import T0

LATER = T0 + dt.timedelta(hours=5)


@pytest.fixture
def yulia(customer, config):
    """Юлия Иванова from the web shop, golden since T0."""
    members = [customer("r1", "web_shop", first_name="Юлия", last_name="Иванова",
                        email="yulia.ivanova@example.ru", phone="+79123456789")]
    return create_golden("g-yulia", "customer", members, config=config, now=T0).state


@pytest.fixture
def julia(customer, config):
    """The same woman as "Julia Ivanova" from the mobile app, golden an hour later."""
    members = [customer("r2", "mobile_app", days=1, first_name="Julia", last_name="Ivanova",
                        phone="+79123456780", address={"city": "Москва", "street": "Тверская"}),
               customer("r3", "pos_store", loyalty_card="7700123456")]
    return create_golden("g-julia", "customer", members, config=config,
                         now=T0 + dt.timedelta(hours=1)).state


def merged(a, b, config, **kwargs):
    return merge(a, b, config=config, actor="steward.petrova", reason="один человек", now=LATER,
                 **kwargs)


def split(state, record_ids, config, *, former=None, stored=(), ids=("g-new",)):
    issued = iter(ids)
    return unmerge(state, record_ids, former_golden_ids=former or {},
                   former_goldens={r.golden_id: r for r in stored}, new_id=lambda: next(issued),
                   config=config, actor="steward.petrova", reason="разные люди", now=LATER)


def content(record):
    """The canonical form without what every new version changes."""
    data = record.to_dict()
    del data["version"], data["updated_at"]
    return data


def test_a_new_golden_record_starts_at_version_one_with_a_created_event(customer, config):
    result = create_golden("g-yulia", "customer", [customer("r1", first_name="Юлия")],
                           config=config, now=T0)
    assert result.state.record.version == 1
    assert [(e.type, e.golden_id, e.version) for e in result.events] == [
        ("golden.created", "g-yulia", 1)]


def test_merge_keeps_the_older_id_whichever_record_comes_first(yulia, julia, config):
    for first, second in ((yulia, julia), (julia, yulia)):
        result = merged(first, second, config)
        assert result.state.golden_id == "g-yulia"
        assert result.redirects == {"g-julia": "g-yulia"}


def test_the_merged_record_holds_every_member_and_one_merged_event_names_the_absorbed_id(
        yulia, julia, config):
    result = merged(yulia, julia, config)
    assert result.state.member_ids == {"r1", "r2", "r3"}
    assert result.state.record.attributes["phone"] == ["+79123456780", "+79123456789"]
    assert [(e.type, e.version, e.data["absorbed_id"]) for e in result.events] == [
        ("golden.merged", 2, "g-julia")]
    assert (result.decision.kind, result.decision.actor) == ("steward_merge", "steward.petrova")


def test_members_that_do_not_match_the_golden_record_are_refused(yulia, julia):
    with pytest.raises(GoldenRecordError):
        replace(yulia, members=julia.members)


def test_the_absorbed_record_becomes_a_redirect_that_keeps_its_pins(yulia, julia, config):
    julia = pin(julia, Pin("middle_name", "Сергеевна", "steward.petrova", T0), config=config,
                now=T0).state
    absorbed = merged(yulia, julia, config).absorbed
    assert (absorbed.status, absorbed.merged_into, absorbed.attributes) == ("merged", "g-yulia", {})
    assert absorbed.version == julia.record.version + 1
    assert absorbed.pin_for("middle_name").value == "Сергеевна"


def test_pins_of_both_sides_are_kept_and_on_conflict_the_survivors_pin_wins(
        yulia, julia, config):
    yulia = pin(yulia, Pin("first_name", "Юля", "steward.petrova", T0), config=config,
                now=T0).state
    julia = pin(julia, Pin("first_name", "Julia", "steward.smirnov", T0), config=config,
                now=T0).state
    julia = pin(julia, Pin("birth_date", "1987-03-05", "steward.smirnov", T0), config=config,
                now=T0).state
    result = merged(yulia, julia, config)
    assert result.state.record.attributes["first_name"] == "Юля"
    assert result.state.record.attributes["birth_date"] == "1987-03-05"
    [conflict] = result.pin_conflicts
    assert (conflict.attribute, conflict.dropped.value) == ("first_name", "Julia")


def test_a_merge_that_joins_a_not_a_match_pair_is_refused(yulia, julia, config):
    with pytest.raises(NotAMatchViolationError) as caught:
        merged(yulia, julia, config, not_a_match=[("r3", "r1")])
    assert caught.value.pairs == {("r1", "r3")}


def test_a_merge_on_a_stale_version_is_refused(yulia, julia, config):
    with pytest.raises(StaleVersionError):
        merged(yulia, julia, config, expected_versions={"g-julia": 7})


def test_a_customer_cannot_merge_with_a_product(yulia, product, config):
    milk = create_golden("g-milk", "product", [product("p1", gtin="4607123456781")],
                         config=config, now=T0).state
    with pytest.raises(EntityTypeMismatchError):
        merged(yulia, milk, config)


def test_a_merged_away_record_cannot_merge_again(yulia, julia, customer, config):
    result = merged(yulia, julia, config)
    ghost = replace(julia, record=result.absorbed, members=())
    other = create_golden("g-other", "customer", [customer("r9", first_name="Анна")],
                          config=config, now=T0).state
    with pytest.raises(GoldenRecordNotActiveError):
        merged(other, ghost, config)


def test_a_golden_record_cannot_merge_with_itself(yulia, config):
    with pytest.raises(InvalidOperationError):
        merged(yulia, yulia, config)


def test_an_absorbed_id_resolves_through_a_chain_of_merges():
    redirects = {"g-a": "g-b", "g-b": "g-c"}
    assert resolve(redirects, "g-a") == "g-c"
    assert resolve(redirects, "g-c") == "g-c"


def test_a_redirect_cycle_is_reported_instead_of_looping():
    with pytest.raises(GoldenRecordError):
        resolve({"g-a": "g-b", "g-b": "g-a"}, "g-a")


def test_merge_then_unmerge_gives_both_sides_back_exactly(yulia, julia, config):
    yulia = pin(yulia, Pin("first_name", "Юля", "steward.petrova", T0), config=config,
                now=T0).state
    julia = pin(julia, Pin("first_name", "Julia", "steward.smirnov", T0), config=config,
                now=T0).state
    result = merged(yulia, julia, config)
    back = split(result.state, ["r2", "r3"], config,
                 former={"r2": "g-julia", "r3": "g-julia"}, stored=[result.absorbed])
    [restored] = back.split_off
    assert content(back.state.record) == content(yulia.record)
    assert content(restored.record) == content(julia.record)
    assert back.restored_ids == back.released_redirects == {"g-julia"}
    assert restored.record.version == result.absorbed.version + 1


def test_unmerge_emits_unmerged_for_the_source_and_updated_for_the_restored_id(
        yulia, julia, config):
    result = merged(yulia, julia, config)
    back = split(result.state, ["r2", "r3"], config, former={"r2": "g-julia", "r3": "g-julia"},
                 stored=[result.absorbed])
    assert [(e.type, e.golden_id) for e in back.events] == [
        ("golden.unmerged", "g-yulia"), ("golden.updated", "g-julia")]


def test_records_without_a_former_golden_id_leave_together_under_a_new_id(julia, config):
    back = split(julia, ["r3"], config)
    [new] = back.split_off
    assert (new.golden_id, new.member_ids, new.record.version) == ("g-new", {"r3"}, 1)
    assert [e.type for e in back.events] == ["golden.unmerged", "golden.created"]
    assert back.state.member_ids == {"r2"} and "loyalty_card" not in back.state.record.attributes


def test_unmerge_of_a_middle_link_takes_the_ids_absorbed_through_it_along(
        yulia, julia, customer, config):
    anna = create_golden("g-anna", "customer", [customer("r7", first_name="Анна")],
                         config=config, now=T0 + dt.timedelta(hours=2)).state
    first = merged(julia, anna, config)             # g-anna → g-julia
    second = merged(yulia, first.state, config)     # g-julia → g-yulia
    assert second.state.record.absorbed_ids == {"g-anna", "g-julia"}
    back = split(second.state, ["r2", "r3"], config, former={"r2": "g-julia", "r3": "g-julia"},
                 stored=[first.absorbed, second.absorbed])
    assert back.split_off[0].record.absorbed_ids == {"g-anna"}
    assert back.state.record.absorbed_ids == frozenset()


@pytest.mark.parametrize("record_ids, former", [
    (["r1", "r2", "r3"], {}),                  # nothing would be left behind
    (["r8"], {}),                              # not a member
    (["r2"], {"r2": "g-stranger"}),            # never merged into this record
    ([], {}),
])
def test_impossible_unmerges_are_refused(julia, config, record_ids, former):
    with pytest.raises(InvalidOperationError):
        split(julia, record_ids, config, former=former)


def test_unmerge_needs_the_stored_former_golden_record(yulia, julia, config):
    result = merged(yulia, julia, config)
    with pytest.raises(InvalidOperationError):
        split(result.state, ["r2"], config, former={"r2": "g-julia"}, stored=[])


def test_a_new_id_that_is_already_taken_is_refused(yulia, julia, config):
    result = merged(yulia, julia, config)
    with pytest.raises(InvalidOperationError):
        split(result.state, ["r2"], config, ids=("g-julia",))


def test_not_a_match_between_golden_records_holds_every_cross_pair(yulia, julia):
    decision = not_a_match(yulia, julia, actor="steward.petrova", reason="тёзки", now=LATER)
    assert decision.pairs == {("r1", "r2"), ("r1", "r3")}
    assert not_a_match("r5", julia, actor="s", reason="", now=LATER).pairs == {
        ("r2", "r5"), ("r3", "r5")}


def test_not_a_match_of_a_record_with_its_own_golden_record_is_refused(julia):
    with pytest.raises(InvalidOperationError):
        not_a_match("r2", julia, actor="steward.petrova", reason="", now=LATER)


def test_check_constraints_names_every_violated_pair():
    with pytest.raises(NotAMatchViolationError) as caught:
        check_constraints(["r1", "r2", "r3"], [("r2", "r1"), ("r3", "r1"), ("r1", "r9")])
    assert caught.value.pairs == {("r1", "r2"), ("r1", "r3")}


def test_attaching_an_updated_member_replaces_its_old_version(julia, customer, config):
    moved = customer("r2", "mobile_app", days=1, first_name="Julia", last_name="Ivanova",
                     phone="+79123456780",
                     address={"city": "Казань", "street": "Баумана", "house": "7"})
    result = attach_records(julia, [moved], config=config, now=LATER)
    assert result.state.record.attributes["address"]["city"] == "Казань"
    assert result.state.member_ids == julia.member_ids
    assert [(e.type, e.data["attributes"]) for e in result.events] == [
        ("golden.updated", ["address"])]


def test_attaching_the_same_member_again_changes_nothing(julia, config):
    result = attach_records(julia, julia.members[:1], config=config, now=LATER)
    assert not result.changed and result.state is julia


def test_attaching_a_record_of_a_not_a_match_pair_is_refused(julia, customer, config):
    with pytest.raises(NotAMatchViolationError):
        attach_records(julia, [customer("r5", first_name="Юлия")], config=config, now=LATER,
                       not_a_match=[("r2", "r5")])


def test_recompute_under_unchanged_rules_makes_no_new_version(julia, config):
    result = recompute(julia, config, LATER)
    assert not result.changed and result.state is julia


def test_recompute_after_a_rule_change_emits_one_updated_event(customer, config):
    members = [customer("r1", "web_shop", first_name="Юлия"),
               customer("r2", "mobile_app", days=1, first_name="Julia")]
    state = create_golden("g-yulia", "customer", members, config=config, now=T0).state
    rules = config.to_dict()
    rules["customer"]["rules"]["first_name"] = {"strategy": "most_recent"}
    result = recompute(state, SurvivorshipConfig.from_dict(rules), LATER)
    assert (state.record.attributes["first_name"],
            result.state.record.attributes["first_name"]) == ("Юлия", "Julia")
    assert [(e.type, e.version, e.data["attributes"]) for e in result.events] == [
        ("golden.updated", 2, ["first_name"])]


def test_a_pin_survives_recomputation_under_any_rules(julia, config):
    pinned = edit(julia, "first_name", "Юлия", actor="steward.petrova", reason="паспорт",
                  config=config, now=LATER).state
    rules = config.to_dict()
    rules["customer"]["rules"]["first_name"] = {"strategy": "most_recent"}
    again = recompute(pinned, SurvivorshipConfig.from_dict(rules), LATER).state
    assert again.record.attributes["first_name"] == "Юлия"
    assert again.record.lineage["first_name"].steward == "steward.petrova"


def test_a_new_pin_on_the_same_attribute_replaces_the_old_one(julia, config):
    once = edit(julia, "first_name", "Юля", actor="a", reason="", config=config, now=T0).state
    twice = edit(once, "first_name", "Юлия", actor="b", reason="", config=config, now=LATER)
    assert [p.value for p in twice.state.record.pins] == ["Юлия"]


def test_unpin_hands_the_attribute_back_to_the_rules(julia, config):
    pinned = edit(julia, "first_name", "Юля", actor="steward.petrova", reason="",
                  config=config, now=T0).state
    released = unpin(pinned, "first_name", config=config, now=LATER)
    assert released.state.record.attributes["first_name"] == "Julia"
    assert released.state.record.version == pinned.record.version + 1


def test_unpinning_an_attribute_that_is_not_pinned_is_refused(julia, config):
    with pytest.raises(InvalidOperationError):
        unpin(julia, "first_name", config=config, now=LATER)


def test_a_pin_on_an_unknown_attribute_is_refused(julia, config):
    with pytest.raises(UnknownAttributeError):
        edit(julia, "shoe_size", "38", actor="s", reason="", config=config, now=LATER)


def test_a_pin_on_a_stale_version_is_refused(julia, config):
    with pytest.raises(StaleVersionError):
        edit(julia, "first_name", "Юля", actor="s", reason="", config=config, now=LATER,
             expected_version=0)
