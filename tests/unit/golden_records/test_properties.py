"""Properties of the golden-record core over random sequences of operations.

A hypothesis state machine adds records, merges, unmerges, decides not-a-match,
pins, unpins and changes the rules, and after every step checks the invariants
of issue 4.
"""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from golden_records.merge import create_golden, edit, merge, not_a_match, recompute, resolve
from golden_records.merge import unmerge as unmerge_records
from golden_records.merge import unpin as unpin_attribute
from golden_records.survivorship import SurvivorshipConfig, build_golden_record, load_default_config
from golden_records.types import (
    ENTITY_ATTRIBUTES,
    GoldenRecord,
    GoldenState,
    MemberRecord,
    NotAMatchViolationError,
    Pin,
)
from tests.unit.golden_records.conftest import T0

SOURCES = ("web_shop", "mobile_app", "pos_store", "marketplace_ozon")
VALUES = {
    "first_name": ("Юлия", "Julia", "Юля"),
    "last_name": ("Иванова", "Ivanova"),
    "email": ("yulia.ivanova@example.ru", "y.ivanova@mail.ru"),
    "phone": ("+79123456789", "+79123456780", "+7912000"),
    "birth_date": ("1987-03-05", "1987-05-03"),
    "address": ({"city": "Москва"}, {"city": "Москва", "street": "Тверская", "house": "12"}),
    "loyalty_card": ("7700123456",),
    "gtin": ("04607123456781", "04607123456798"),
    "brand": ("prostokvashino", "Простоквашино"),
    "title": ("Молоко 3,2% 0,93 л", "Молоко Простоквашино 930 мл"),
    "price": ("89.90", "94.50"),
    "currency": ("RUB",),
}


def attributes_of(entity_type: str) -> st.SearchStrategy[dict]:
    names = sorted(ENTITY_ATTRIBUTES[entity_type] & set(VALUES))
    return st.dictionaries(st.sampled_from(names), st.none(), max_size=4).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {name: st.sampled_from(VALUES[name]) for name in chosen}))


def other_rules(config: SurvivorshipConfig, strategy: str) -> SurvivorshipConfig:
    data = config.to_dict()
    for body in data.values():
        for name, body_rule in body["rules"].items():
            if body_rule["strategy"] != "aggregate":
                body["rules"][name] = {"strategy": strategy}
    return SurvivorshipConfig.from_dict(data)


class GoldenRecordMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.config = load_default_config()
        self.clock = T0
        self.ids = itertools.count(1)
        self.active: dict[str, GoldenState] = {}
        self.stored: dict[str, GoldenRecord] = {}
        self.redirects: dict[str, str] = {}
        self.pairs: set[tuple[str, str]] = set()
        self.entity_of: dict[str, str] = {}
        # The golden ids a record was in before each merge that moved it, latest last.
        self.homes: dict[str, list[str]] = {}

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(minutes=7)
        return self.clock

    def new_golden_id(self) -> str:
        golden_id = f"g{next(self.ids):04d}"
        assert golden_id not in self.entity_of
        return golden_id

    def keep(self, *states: GoldenState | GoldenRecord) -> None:
        for item in states:
            record = item.record if isinstance(item, GoldenState) else item
            assert self.entity_of.setdefault(record.golden_id, record.entity_type) == (
                record.entity_type)
            assert record.version >= self.stored.get(record.golden_id, record).version
            self.stored[record.golden_id] = record
            if record.is_active:
                self.active[record.golden_id] = item
            else:
                self.active.pop(record.golden_id, None)

    def pick(self, data, states, label):
        return data.draw(st.sampled_from(sorted(states, key=lambda s: s.golden_id)), label=label)

    def mergeable_pairs(self):
        states = sorted(self.active.values(), key=lambda s: s.golden_id)
        return [(a, b) for a, b in itertools.combinations(states, 2)
                if a.record.entity_type == b.record.entity_type]

    def violates(self, a: GoldenState, b: GoldenState) -> bool:
        return any({x, y} <= a.member_ids | b.member_ids for x, y in self.pairs)

    @rule(entity_type=st.sampled_from(["customer", "customer", "product"]),
          source=st.sampled_from(SOURCES), data=st.data())
    def add_record(self, entity_type, source, data):
        record_id = f"r{next(self.ids):04d}"
        attributes = data.draw(attributes_of(entity_type), label="attributes")
        valid = data.draw(st.booleans(), label="phone valid")
        member = MemberRecord(record_id, source, f"{source}-{record_id}", entity_type, attributes,
                              self.tick() - dt.timedelta(days=data.draw(st.integers(0, 30))),
                              {"phone": valid})
        result = create_golden(self.new_golden_id(), entity_type, [member], config=self.config,
                               now=self.clock)
        self.keep(result.state)
        self.homes[record_id] = []

    @precondition(lambda self: self.mergeable_pairs())
    @rule(data=st.data())
    def merge_two(self, data):
        a, b = data.draw(st.sampled_from(self.mergeable_pairs()), label="pair")
        if self.violates(a, b):
            try:
                self.do_merge(a, b)
            except NotAMatchViolationError:
                event("merge refused by not-a-match")
                return
            raise AssertionError("a merge joined a not-a-match pair")
        self.do_merge(a, b)

    def do_merge(self, a, b):
        result = merge(a, b, config=self.config, actor="steward", reason="", now=self.tick(),
                       not_a_match=self.pairs,
                       expected_versions={a.golden_id: a.record.version,
                                          b.golden_id: b.record.version})
        assert result.state.record.created_at == min(a.record.created_at, b.record.created_at)
        for member_id in self.active[result.absorbed.golden_id].member_ids:
            self.homes[member_id].append(result.absorbed.golden_id)
        self.keep(result.state, result.absorbed)
        self.redirects.update(result.redirects)
        return result

    @precondition(lambda self: any(len(s.members) > 1 for s in self.active.values()))
    @rule(data=st.data())
    def unmerge_some(self, data):
        state = self.pick(data, [s for s in self.active.values() if len(s.members) > 1], "golden")
        ids = sorted(state.member_ids)
        leaving = data.draw(st.sets(st.sampled_from(ids), min_size=1, max_size=len(ids) - 1))
        former = {r: self.homes[r][-1] for r in leaving
                  if self.homes[r] and self.homes[r][-1] in state.record.absorbed_ids}
        result = self.do_unmerge(state, leaving, former)
        for record_id in leaving:
            self.homes[record_id] = self.homes[record_id][:-1] if record_id in former else []
        assert result.restored_ids == set(former.values())
        event(f"unmerge restoring {len(result.restored_ids)} former id(s)")

    def do_unmerge(self, state, leaving, former):
        result = unmerge_records(
            state, leaving, former_golden_ids=former,
            former_goldens={i: self.stored[i] for i in state.record.absorbed_ids},
            new_id=self.new_golden_id, config=self.config, actor="steward", reason="",
            now=self.tick(), expected_version=state.record.version)
        for released in result.released_redirects:
            del self.redirects[released]
        self.keep(result.state, *result.split_off)
        return result

    @precondition(lambda self: self.mergeable_pairs())
    @rule(data=st.data())
    def merge_then_unmerge_restores_both(self, data):
        candidates = [p for p in self.mergeable_pairs() if not self.violates(*p)]
        if not candidates:
            return
        a, b = data.draw(st.sampled_from(candidates), label="pair")
        before = {a.golden_id: content(a.record), b.golden_id: content(b.record)}
        merged = self.do_merge(a, b)
        absorbed_id = merged.absorbed.golden_id
        leaving = (b if absorbed_id == b.golden_id else a).member_ids
        result = self.do_unmerge(merged.state, leaving, dict.fromkeys(leaving, absorbed_id))
        for record_id in leaving:
            self.homes[record_id].pop()
        after = {s.golden_id: content(s.record) for s in (result.state, *result.split_off)}
        assert after == before
        event(f"merge then unmerge with {len(a.record.pins) + len(b.record.pins)} pin(s)")

    @precondition(lambda self: len(self.active) > 1)
    @rule(data=st.data(), whole_golden=st.booleans())
    def decide_not_a_match(self, data, whole_golden):
        a, b = data.draw(st.sampled_from(list(itertools.combinations(
            sorted(self.active.values(), key=lambda s: s.golden_id), 2))), label="two goldens")
        if not whole_golden:
            a, b = (data.draw(st.sampled_from(sorted(s.member_ids))) for s in (a, b))
        self.pairs |= not_a_match(a, b, actor="steward", reason="", now=self.tick()).pairs

    @precondition(lambda self: self.active)
    @rule(data=st.data())
    def pin_a_value(self, data):
        state = self.pick(data, self.active.values(), "golden")
        names = sorted(ENTITY_ATTRIBUTES[state.record.entity_type] & set(VALUES))
        attribute = data.draw(st.sampled_from(names), label="attribute")
        value = data.draw(st.sampled_from(VALUES[attribute]), label="value")
        result = edit(state, attribute, value, actor="steward", reason="", config=self.config,
                      now=self.tick(), expected_version=state.record.version)
        assert result.state.record.attributes[attribute] == value
        self.keep(result.state)

    @precondition(lambda self: any(s.record.pins for s in self.active.values()))
    @rule(data=st.data())
    def unpin_a_value(self, data):
        state = self.pick(data, [s for s in self.active.values() if s.record.pins], "golden")
        attribute = data.draw(st.sampled_from([p.attribute for p in state.record.pins]))
        self.keep(unpin_attribute(state, attribute, config=self.config, now=self.tick()).state)

    @rule(strategy=st.sampled_from(["default", "most_recent", "most_frequent", "most_complete"]))
    def change_the_rules(self, strategy):
        default = load_default_config()
        self.config = default if strategy == "default" else other_rules(default, strategy)
        for state in list(self.active.values()):
            result = recompute(state, self.config, self.tick())
            assert result.changed == (result.state.record.version == state.record.version + 1)
            self.keep(result.state)

    @invariant()
    def each_record_belongs_to_exactly_one_active_golden_record(self):
        owners = [r for s in self.active.values() for r in s.member_ids]
        assert len(owners) == len(set(owners)) == len(self.homes)

    @invariant()
    def no_not_a_match_pair_shares_a_golden_record(self):
        for state in self.active.values():
            assert not any({x, y} <= state.member_ids for x, y in self.pairs)

    @invariant()
    def every_absorbed_id_resolves_to_the_active_golden_record_that_lists_it(self):
        for golden_id, record in self.stored.items():
            assert (golden_id in self.redirects) == (record.status == "merged")
        for golden_id in self.redirects:
            target = self.active[resolve(self.redirects, golden_id)]
            assert golden_id in target.record.absorbed_ids
        listed = [i for s in self.active.values() for i in s.record.absorbed_ids]
        assert sorted(listed) == sorted(self.redirects)

    @invariant()
    def golden_records_are_rebuilt_from_members_and_pins_in_any_order(self):
        for state in self.active.values():
            record = state.record
            rebuilt = build_golden_record(
                record.golden_id, record.entity_type, reversed(state.members), record.pins,
                self.config, version=record.version, now=record.updated_at,
                created_at=record.created_at, absorbed_ids=record.absorbed_ids)
            assert rebuilt == record

    @invariant()
    def pins_win_over_every_rule(self):
        for state in self.active.values():
            for pin in state.record.pins:
                assert isinstance(pin, Pin)
                assert state.record.attributes[pin.attribute] == pin.value
                assert state.record.lineage[pin.attribute].rule == "pin"


def content(record: GoldenRecord) -> dict:
    """The canonical form without what every new version changes."""
    data = record.to_dict()
    del data["version"], data["updated_at"]
    return data


GoldenRecordMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestGoldenRecordOperations = GoldenRecordMachine.TestCase
