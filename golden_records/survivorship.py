"""Survivorship: members + rules + pins → golden attributes with lineage.

A rule ranks the candidate values of one attribute; the best one survives, or,
for `aggregate`, every distinct value does. Every ranking ends in the same
total order (source trust, recency, source, record id), so the result never
depends on the order in which members arrive.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from golden_records.types import (
    ENTITY_ATTRIBUTES,
    AttributeLineage,
    GoldenRecord,
    GoldenRecordError,
    Lineage,
    MemberRecord,
    Pin,
    check_attribute,
)

# A member, one of its values, and that value's `value_key`.
Candidate = tuple[MemberRecord, Any, str]
SortKey = Callable[[Candidate], tuple]

STRATEGIES = ("source_trust", "most_recent", "most_frequent", "most_complete", "aggregate")
# Rank of a source the trust table does not name: behind every named one.
UNRANKED = 1_000_000


class SurvivorshipConfigError(GoldenRecordError):
    """The survivorship settings are inconsistent; `problems` lists every one found."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class SurvivorshipRule:
    """How one attribute survives.

    `validated_first` puts values that passed validation before invalid ones,
    ahead of the strategy. `recency_window` (only with `most_recent`) lets trust
    decide among values at most that much older than the freshest one.
    """

    strategy: str = "source_trust"
    validated_first: bool = False
    recency_window: dt.timedelta | None = None

    def problems(self, where: str) -> list[str]:
        """Return what is wrong with this rule, each prefixed by `where`; empty when sound."""
        found = []
        if self.strategy not in STRATEGIES:
            found.append(f"{where}: unknown strategy {self.strategy!r}")
        if self.recency_window is not None and self.strategy != "most_recent":
            found.append(f"{where}: a recency window needs the most_recent strategy")
        if self.recency_window is not None and self.recency_window <= dt.timedelta(0):
            found.append(f"{where}: the recency window must be positive")
        return found

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form; the window is given in days."""
        data: dict[str, Any] = {"strategy": self.strategy}
        if self.validated_first:
            data["validated_first"] = True
        if self.recency_window is not None:
            data["recency_window_days"] = self.recency_window / dt.timedelta(days=1)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SurvivorshipRule:
        """Return the rule whose JSON form is `data` (not yet checked: see `problems`)."""
        days = data.get("recency_window_days")
        window = None if days is None else dt.timedelta(days=days)
        return cls(data.get("strategy", "source_trust"), bool(data.get("validated_first")), window)


@dataclass(frozen=True)
class EntityRules:
    """The rules of one entity type: per attribute, a default, and source trust ranks.

    `trust` is `{source: {attribute or "*": rank}}`; rank 1 is the most trusted.
    """

    rules: Mapping[str, SurvivorshipRule] = field(default_factory=dict)
    default: SurvivorshipRule = SurvivorshipRule()
    trust: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def rule_for(self, attribute: str) -> SurvivorshipRule:
        """Return the rule of `attribute`, else the default rule."""
        return self.rules.get(attribute, self.default)

    def rank(self, source: str, attribute: str) -> int:
        """Return the trust rank of `source` for `attribute` (lower wins; UNRANKED if unnamed)."""
        ranks = self.trust.get(source, {})
        return ranks.get(attribute, ranks.get("*", UNRANKED))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the entity type's rules."""
        return {"rules": {name: rule.to_dict() for name, rule in sorted(self.rules.items())},
                "default": self.default.to_dict(),
                "trust": {source: dict(ranks) for source, ranks in sorted(self.trust.items())}}


@dataclass(frozen=True)
class SurvivorshipConfig:
    """Survivorship rules for every entity type, loadable from JSON."""

    entity_types: Mapping[str, EntityRules]

    def for_entity(self, entity_type: str) -> EntityRules:
        """Return the rules of `entity_type`; trust-only defaults when none are configured."""
        return self.entity_types.get(entity_type, EntityRules())

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: `{entity_type: {"rules", "default", "trust"}}`."""
        return {name: rules.to_dict() for name, rules in sorted(self.entity_types.items())}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SurvivorshipConfig:
        """Return the config whose JSON form is `data`.

        Raises SurvivorshipConfigError naming every problem at once.
        """
        problems: list[str] = []
        entity_types = {name: _entity_rules_from_dict(name, body, problems)
                        for name, body in data.items()}
        if problems:
            raise SurvivorshipConfigError(problems)
        return cls(entity_types)


def _entity_rules_from_dict(entity_type: str, data: Mapping[str, Any],
                            problems: list[str]) -> EntityRules:
    known = ENTITY_ATTRIBUTES.get(entity_type)
    if known is None:
        problems.append(f"unknown entity type {entity_type!r}")
        known = frozenset()
    rules = {name: SurvivorshipRule.from_dict(body) for name, body in data.get("rules", {}).items()}
    default = SurvivorshipRule.from_dict(data.get("default", {}))
    for name, rule in rules.items():
        if name not in known:
            problems.append(f"{entity_type}.{name}: not an attribute of {entity_type}")
        problems.extend(rule.problems(f"{entity_type}.{name}"))
    problems.extend(default.problems(f"{entity_type} default"))
    trust = data.get("trust", {})
    for source, ranks in trust.items():
        problems.extend(f"{entity_type} trust {source}.{attribute}: rank must be an integer"
                        for attribute, rank in ranks.items() if not isinstance(rank, int))
    return EntityRules(rules, default, trust)


def load_default_config() -> SurvivorshipConfig:
    """Return the default rules shipped in `golden_records/data/survivorship_*.json`."""
    folder = resources.files("golden_records") / "data"
    data = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith("survivorship_") and entry.name.endswith(".json"):
            body = json.loads(entry.read_text(encoding="utf-8"))
            data[body.pop("entity_type")] = body
    return SurvivorshipConfig.from_dict(data)


def is_empty(value: Any) -> bool:
    """Return whether `value` says nothing: None, blank text or an empty container."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping | list | tuple):
        return all(is_empty(v) for v in (value.values() if isinstance(value, Mapping) else value))
    return False


def count_filled_parts(value: Any) -> int:
    """Return how many leaf parts of `value` are filled (an address counts its fields)."""
    if isinstance(value, Mapping):
        return sum(count_filled_parts(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(count_filled_parts(v) for v in value)
    return 0 if is_empty(value) else 1


def value_key(value: Any) -> str:
    """Return a text that is equal for equal values, dicts and lists included."""
    if isinstance(value, str):
        return "s:" + value  # no JSON text starts with "s"; plain text is the common case
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _candidates(members: Iterable[MemberRecord], attribute: str, flatten: bool) -> list:
    found = []
    for member in members:
        value = member.attributes.get(attribute)
        # One record may carry several e-mails; aggregation lists each of them.
        values = value if flatten and isinstance(value, list | tuple) else [value]
        found.extend((member, v, value_key(v)) for v in values if not is_empty(v))
    return found


def _sort_key(rule: SurvivorshipRule, rules: EntityRules, attribute: str,
              candidates: Sequence[Candidate]) -> SortKey:
    """Return the ranking key of `rule`: smaller is better, ties end in a total order."""
    counts = Counter(text for _, _, text in candidates)
    freshest = max(m.as_of for m, _, _ in candidates)

    def strategy_part(member: MemberRecord, value: Any, text: str) -> tuple:
        rank, age = rules.rank(member.source, attribute), -member.as_of.timestamp()
        if rule.strategy == "most_recent" and rule.recency_window is not None:
            # Inside the window trust decides; a value older than the window loses.
            return (member.as_of < freshest - rule.recency_window, rank, age)
        if rule.strategy == "most_recent":
            return (age, rank)
        if rule.strategy == "most_frequent":
            return (-counts[text], rank, age)
        if rule.strategy == "most_complete":
            return (-count_filled_parts(value), rank, age)
        return (rank, age)

    def key(candidate: Candidate) -> tuple:
        member, value, text = candidate
        invalid = rule.validated_first and not member.is_valid(attribute)
        return (invalid, *strategy_part(member, value, text), member.source, member.record_id, text)

    return key


def _lineage(member: MemberRecord, rule: SurvivorshipRule, index: int | None = None) -> Lineage:
    return Lineage(member.source, member.record_id, rule.strategy, member.as_of,
                   value_index=index)


def _aggregate(candidates: list[Candidate], key: SortKey,
               rule: SurvivorshipRule) -> tuple[list, tuple[Lineage, ...]]:
    values: list[Any] = []
    positions: dict[str, int] = {}
    lineage: list[Lineage] = []
    for member, value, text in sorted(candidates, key=key):
        position = positions.setdefault(text, len(values))
        if position == len(values):
            values.append(value)
        lineage.append(_lineage(member, rule, position))
    return values, tuple(lineage)


def survive_attribute(attribute: str, members: Iterable[MemberRecord],
                      rules: EntityRules) -> tuple[Any, AttributeLineage] | None:
    """Return the surviving value of `attribute` and its lineage, or None when no member has one.

    For an `aggregate` rule the value is the list of distinct values, best
    first, and the lineage a tuple with one entry per contributing record.
    """
    rule = rules.rule_for(attribute)
    aggregate = rule.strategy == "aggregate"
    candidates = _candidates(members, attribute, flatten=aggregate)
    if not candidates:
        return None
    if len(candidates) == 1:
        # A lone value wins under every rule: no ranking to build (most attributes of most
        # golden records, which have one member).
        member, value, _ = candidates[0]
        return ([value], (_lineage(member, rule, 0),)) if aggregate else (value,
                                                                          _lineage(member, rule))
    key = _sort_key(rule, rules, attribute, candidates)
    if aggregate:
        return _aggregate(candidates, key, rule)
    member, value, _ = min(candidates, key=key)
    return value, _lineage(member, rule)


def pin_lineage(pin: Pin) -> Lineage:
    """Return the lineage of a pinned value: rule "pin", with the steward and the time."""
    return Lineage(None, None, "pin", pin.pinned_at, steward=pin.pinned_by)


def _check_inputs(entity_type: str, members: Sequence[MemberRecord], pins: Sequence[Pin]) -> None:
    if entity_type not in ENTITY_ATTRIBUTES:
        raise GoldenRecordError(f"unknown entity type {entity_type!r}")
    strangers = [m.record_id for m in members if m.entity_type != entity_type]
    if strangers:
        raise GoldenRecordError(f"members of another entity type than {entity_type}: {strangers}")
    for pin in pins:
        check_attribute(entity_type, pin.attribute)
    if len({pin.attribute for pin in pins}) != len(pins):
        raise GoldenRecordError("two pins on one attribute")


def build_golden_record(golden_id: str, entity_type: str, members: Iterable[MemberRecord],
                        pins: Iterable[Pin], config: SurvivorshipConfig, *, version: int,
                        now: dt.datetime, created_at: dt.datetime | None = None,
                        absorbed_ids: frozenset[str] = frozenset()) -> GoldenRecord:
    """Return the active golden record computed from `members` and `pins`, never patched.

    Pins win over every rule. Only record-contract attributes survive; unknown
    fields of a member are ignored. `created_at` defaults to `now`.
    """
    members = sorted(members, key=lambda m: m.record_id)
    pins = tuple(sorted(pins, key=lambda p: p.attribute))
    _check_inputs(entity_type, members, pins)
    rules = config.for_entity(entity_type)
    attributes: dict[str, Any] = {}
    lineage: dict[str, AttributeLineage] = {}
    pinned = {pin.attribute: pin for pin in pins}
    names = {n for m in members for n in m.attributes} & ENTITY_ATTRIBUTES[entity_type]
    for name in sorted(names | set(pinned)):
        if name in pinned:
            attributes[name], lineage[name] = pinned[name].value, pin_lineage(pinned[name])
        elif (survivor := survive_attribute(name, members, rules)) is not None:
            attributes[name], lineage[name] = survivor
    return GoldenRecord(
        golden_id=golden_id, entity_type=entity_type, version=version,
        created_at=created_at or now, updated_at=now, attributes=attributes, lineage=lineage,
        member_ids=frozenset(m.record_id for m in members), pins=pins,
        absorbed_ids=absorbed_ids,
    )
