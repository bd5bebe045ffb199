"""MatchModel: the whole matcher as data (levels, m/u, prior, thresholds, hard rules).

One model per entity type, saved as JSON like Splink's settings; the
single-record path, the batch path, EM training and explanations all read
the same object. Defaults ship in `matching/data/model_<entity_type>.json`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import numpy as np

from matching import MatchingError
from matching.compare import COMPARISONS

# A rule is a conjunction: every named field has one of the listed levels ("null": unknown).
Rule = tuple[tuple[str, tuple[str, ...]], ...]


class ModelError(MatchingError):
    """A model definition is inconsistent; the message lists every problem."""


@dataclass(frozen=True)
class Level:
    """One agreement level: P(level | match) = m, P(level | not a match) = u."""

    label: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        """The level's match weight, log2(m / u)."""
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class FieldModel:
    """A field's levels (strongest first, `else` last) and the bounds EM must keep on m."""

    name: str
    levels: tuple[Level, ...]
    m_bounds: tuple[tuple[str, float, float], ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """The level labels in model order."""
        return tuple(level.label for level in self.levels)


@dataclass(frozen=True)
class Thresholds:
    """Match-weight thresholds; `strong_merge` is the margin above `auto_link` that lets
    one record join two clusters without a steward; `review_tasks` caps the review tasks one
    record opens (its best by match weight, one per cluster)."""

    auto_link: float
    review: float
    strong_merge: float
    review_tasks: int = 3


@dataclass(frozen=True)
class MatchModel:
    """Everything needed to score a comparison vector and reproduce the decision later."""

    entity_type: str
    version: str
    prior: float  # probability that a candidate pair is a match
    fields: tuple[FieldModel, ...]
    thresholds: Thresholds
    match_rules: tuple[Rule, ...] = ()
    conflict_rules: tuple[Rule, ...] = ()
    # Rules that tell two entities apart outright (another given name, another gender):
    # the pair is `distinct`, not a review task.
    distinct_rules: tuple[Rule, ...] = ()
    auto_link_requires: tuple[Rule, ...] = ()
    # A review needs evidence too (a strong identifier, names with a date or address):
    # a weight just above the review threshold from names and a city alone is not doubt.
    review_requires: tuple[Rule, ...] = ()
    max_block_size: int = 200
    # Lower block caps per key kind (`address`, `name_city`): a general key shared by many
    # records pairs strangers, and its block grows with the store.
    block_limits: tuple[tuple[str, int], ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def field_names(self) -> tuple[str, ...]:
        """The compared fields in model order."""
        return tuple(f.name for f in self.fields)

    def block_limit(self, kind: str) -> int:
        """The most records a blocking key of `kind` may hold to still pair them."""
        return min(dict(self.block_limits).get(kind, self.max_block_size), self.max_block_size)

    @property
    def prior_weight(self) -> float:
        """log2 of the prior odds of a match."""
        return math.log2(self.prior / (1.0 - self.prior))

    def weight_table(self) -> np.ndarray:
        """Weights, shape (fields, max levels + 1); the last column (code -1, null) is 0."""
        width = max(len(f.levels) for f in self.fields) + 1
        table = np.zeros((len(self.fields), width))
        for row, field_model in enumerate(self.fields):
            table[row, : len(field_model.levels)] = [lv.weight for lv in field_model.levels]
        return table

    def with_levels(self, m: np.ndarray, u: np.ndarray, prior: float, version: str) -> MatchModel:
        """A copy with new m/u (arrays shaped like `weight_table` without the null column)."""
        fields = tuple(
            replace(
                f,
                levels=tuple(
                    replace(lv, m=float(m[i, j]), u=float(u[i, j])) for j, lv in enumerate(f.levels)
                ),
            )
            for i, f in enumerate(self.fields)
        )
        return replace(self, fields=fields, prior=float(prior), version=version)


def _rule_from_json(data: dict[str, list[str]]) -> Rule:
    return tuple((name, tuple(levels)) for name, levels in data.items())


def _rule_to_json(rule: Rule) -> dict[str, list[str]]:
    return {name: list(levels) for name, levels in rule}


def model_from_dict(data: dict[str, Any]) -> MatchModel:
    """The model described by `data` (as read from JSON); raises ModelError listing all problems.

    A model stored before a field was added (a trained version) gets that field from the
    shipped model, with the shipped rules naming only new fields (see `with_new_fields`);
    one stored before a comparison gained a level decides as it did (see `with_new_levels`).
    """
    data = with_new_block_limits(with_new_levels(with_new_fields(data)))
    fields = tuple(
        FieldModel(
            name=f["name"],
            levels=tuple(Level(lv["label"], lv["m"], lv["u"]) for lv in f["levels"]),
            m_bounds=tuple((label, lo, hi) for label, (lo, hi) in f.get("m_bounds", {}).items()),
        )
        for f in data["fields"]
    )
    rules = data.get("rules", {})
    model = MatchModel(
        entity_type=data["entity_type"],
        version=data["version"],
        prior=data["prior"],
        fields=fields,
        thresholds=Thresholds(**data["thresholds"]),
        match_rules=tuple(_rule_from_json(r) for r in rules.get("match", [])),
        conflict_rules=tuple(_rule_from_json(r) for r in rules.get("conflict", [])),
        distinct_rules=tuple(_rule_from_json(r) for r in rules.get("distinct", [])),
        auto_link_requires=tuple(_rule_from_json(r) for r in rules.get("auto_link_requires", [])),
        review_requires=tuple(_rule_from_json(r) for r in rules.get("review_requires", [])),
        max_block_size=data.get("max_block_size", 200),
        block_limits=tuple(sorted(data.get("block_limits", {}).items())),
        notes=tuple(data.get("notes", ())),
    )
    problems = model_problems(model)
    if problems:
        raise ModelError("; ".join(problems))
    return model


def with_new_fields(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with the fields its entity type compares but it lacks, taken from the shipped model.

    Of the shipped rules, only those naming new fields alone are added (a new identifier
    may link, a conflict of its own holds); the stored rules stay as they were, so an older
    model never loses a conflict that a new field would override.
    """
    compared = [c.name for c in COMPARISONS.get(data.get("entity_type"), ())]
    present = {f["name"] for f in data.get("fields", ())}
    new = [name for name in compared if name not in present]
    if not new or not present or not present <= set(compared):
        return data
    shipped = _shipped_dict(data["entity_type"])
    shipped_fields = {f["name"]: f for f in shipped["fields"]}
    by_name = {f["name"]: f for f in data["fields"]}
    rules = {kind: list(stored) for kind, stored in data.get("rules", {}).items()}
    for kind, shipped_rules in shipped.get("rules", {}).items():
        rules.setdefault(kind, []).extend(r for r in shipped_rules if set(r) <= set(new))
    return {**data, "fields": [by_name.get(name) or shipped_fields[name] for name in compared],
            "rules": rules}


def with_new_block_limits(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with the shipped block limit of each blocking key kind it has none for.

    A key kind added since the model was stored would otherwise pair up to
    `max_block_size` records; the stored limits win.
    """
    if data.get("entity_type") not in COMPARISONS:
        return data
    shipped = _shipped_dict(data["entity_type"]).get("block_limits", {})
    return {**data, "block_limits": {**shipped, **data.get("block_limits", {})}}


def with_new_levels(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with the levels its comparisons gained since it was stored, deciding as before.

    A level is added by refining the one after it (`same_variant` was carved out of
    `ts_0.95`): the pairs it takes used to reach that next level. So the new level gets
    half of the next level's m and u (the same weight, the totals unchanged), every stored
    rule term naming the next level names the new one too, and the shipped bounds of the
    new level come along. `mdm train` then estimates the new level from the data.
    """
    comparisons = {c.name: c.levels for c in COMPARISONS.get(data.get("entity_type"), ())}
    fields, added = [], {}
    for stored in data.get("fields", ()):
        labels = comparisons.get(stored["name"])
        new_labels = _added_levels(stored, labels)
        if not new_labels:
            fields.append(stored)
            continue
        fields.append(_field_with_levels(stored, labels, data["entity_type"]))
        added[stored["name"]] = {label: _refined_level(label, labels, new_labels)
                                 for label in new_labels}
    if not added:
        return data
    rules = {kind: [_widened_rule(rule, added) for rule in stored]
             for kind, stored in data.get("rules", {}).items()}
    return {**data, "fields": fields, "rules": rules}


def _added_levels(stored: dict[str, Any], labels: tuple[str, ...] | None) -> list[str]:
    """The levels of `labels` missing from `stored`, when it lacks levels and has no others."""
    present = [level["label"] for level in stored["levels"]]
    if labels is None or tuple(present) == labels or not set(present) <= set(labels):
        return []
    if [label for label in labels if label in present] != present:
        return []
    # The last level is the catch-all; a level added after it refines nothing.
    return [label for label in labels[:-1] if label not in present]


def _refined_level(label: str, labels: tuple[str, ...], new_labels: list[str]) -> str:
    """The stored level that `label` was carved out of: the first stored one after it."""
    return next(later for later in labels[labels.index(label) + 1:] if later not in new_labels)


def _field_with_levels(stored: dict[str, Any], labels: tuple[str, ...], entity_type: str
                       ) -> dict[str, Any]:
    levels = {level["label"]: dict(level) for level in stored["levels"]}
    for label in reversed(labels):
        if label in levels:
            continue
        # Walking backwards, the level right after `label` is in `levels` already
        # (a stored one, or a new one just carved out of the stored one after it).
        refined = levels[labels[labels.index(label) + 1]]
        refined["m"], refined["u"] = refined["m"] / 2, refined["u"] / 2
        levels[label] = {"label": label, "m": refined["m"], "u": refined["u"]}
    shipped = next(f for f in _shipped_dict(entity_type)["fields"] if f["name"] == stored["name"])
    bounds = {label: bound for label, bound in shipped.get("m_bounds", {}).items()
              if label not in {level["label"] for level in stored["levels"]}}
    return {**stored, "levels": [levels[label] for label in labels],
            "m_bounds": {**bounds, **stored.get("m_bounds", {})}}


def _widened_rule(rule: dict[str, list[str]], added: dict[str, dict[str, str]]
                  ) -> dict[str, list[str]]:
    widened = {}
    for name, levels in rule.items():
        refining = added.get(name, {})
        widened[name] = [*(new for new, next_level in refining.items() if next_level in levels),
                         *levels]
    return widened


def _shipped_dict(entity_type: str) -> dict[str, Any]:
    path = resources.files("matching") / "data" / f"model_{entity_type}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def model_to_dict(model: MatchModel) -> dict[str, Any]:
    """The JSON-ready form of `model` (`model_from_dict` reads it back unchanged)."""
    return {
        "entity_type": model.entity_type,
        "version": model.version,
        "prior": model.prior,
        "thresholds": {
            "auto_link": model.thresholds.auto_link,
            "review": model.thresholds.review,
            "strong_merge": model.thresholds.strong_merge,
            "review_tasks": model.thresholds.review_tasks,
        },
        "max_block_size": model.max_block_size,
        "block_limits": dict(model.block_limits),
        "fields": [
            {
                "name": f.name,
                "levels": [{"label": lv.label, "m": lv.m, "u": lv.u} for lv in f.levels],
                "m_bounds": {label: [lo, hi] for label, lo, hi in f.m_bounds},
            }
            for f in model.fields
        ],
        "rules": {
            "match": [_rule_to_json(r) for r in model.match_rules],
            "conflict": [_rule_to_json(r) for r in model.conflict_rules],
            "distinct": [_rule_to_json(r) for r in model.distinct_rules],
            "auto_link_requires": [_rule_to_json(r) for r in model.auto_link_requires],
            "review_requires": [_rule_to_json(r) for r in model.review_requires],
        },
        "notes": list(model.notes),
    }


def model_problems(model: MatchModel) -> list[str]:
    """Every inconsistency between `model` and the comparisons of its entity type."""
    comparisons = {c.name: c.levels for c in COMPARISONS.get(model.entity_type, ())}
    if not comparisons:
        return [f"unknown entity type {model.entity_type!r}"]
    problems = []
    if tuple(comparisons) != model.field_names:
        problems.append(f"fields must be {list(comparisons)}")
    for f in model.fields:
        if f.name in comparisons and f.labels != comparisons[f.name]:
            problems.append(f"{f.name}: levels must be {list(comparisons[f.name])}")
        problems += [
            f"{f.name}.{lv.label}: m and u must be in (0, 1)"
            for lv in f.levels
            if not (0 < lv.m < 1 and 0 < lv.u < 1)
        ]
    rules = (
        model.match_rules + model.conflict_rules + model.distinct_rules
        + model.auto_link_requires + model.review_requires
    )
    for name, levels in (term for rule in rules for term in rule):
        if name not in comparisons or not set(levels) <= {*comparisons[name], "null"}:
            problems.append(f"rule term {name}={list(levels)} names an unknown field or level")
    if not 0 < model.prior < 1:
        problems.append("prior must be in (0, 1)")
    if model.thresholds.review > model.thresholds.auto_link:
        problems.append("the review threshold must not exceed the auto-link threshold")
    if model.thresholds.review_tasks < 1:
        problems.append("thresholds.review_tasks must be at least 1")
    problems += [f"block limit of {kind!r} must be at least 2"
                 for kind, limit in model.block_limits if limit < 2]
    return problems


def load_model(text: str) -> MatchModel:
    """The model stored as JSON `text`."""
    return model_from_dict(json.loads(text))


def dump_model(model: MatchModel) -> str:
    """`model` as indented JSON text."""
    return json.dumps(model_to_dict(model), indent=2, ensure_ascii=False) + "\n"


def default_model(entity_type: str) -> MatchModel:
    """The model shipped for `entity_type` (`customer` or `product`)."""
    return model_from_dict(_shipped_dict(entity_type))
