"""ComparisonVector + MatchModel → match weight, probability, outcome and Explanation.

Fellegi-Sunter: the match weight is the prior's log2 odds plus each field's
log2(m/u) for its level (a null level weighs 0). Hard rules then bound the
outcome: a match rule (same valid GTIN and brand) links, a hard conflict
(two different birth dates, another size or colour) is never an auto-link,
and an auto-link needs at least one strong identifier to agree, so names
and an address alone (a household) can reach review at most.

`classify_codes` does it for many pairs at once with numpy; the
single-record `score` calls the same function on one row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from matching.compare import ComparisonVector
from matching.model import MatchModel, Rule

AUTO_LINK, REVIEW, DISTINCT = "auto_link", "review", "distinct"
NULL = "null"  # in a rule, the level of a field unknown on either side
OUTCOMES = (AUTO_LINK, REVIEW, DISTINCT)


@dataclass(frozen=True)
class FieldWeight:
    """One field's contribution: its level (None = null) and weight."""

    field: str
    level: str | None
    weight: float


@dataclass(frozen=True)
class Explanation:
    """Everything a steward needs to see why, and enough to reproduce the decision later."""

    entity_type: str
    record_ids: tuple[str, str]
    blocking_keys: tuple[str, ...]
    fields: tuple[FieldWeight, ...]
    prior_weight: float
    match_weight: float
    outcome: str
    hard_match: bool
    hard_conflicts: tuple[str, ...]
    has_identifier: bool
    model_version: str
    auto_link_threshold: float
    review_threshold: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of the explanation."""
        return asdict(self)


@dataclass(frozen=True)
class MatchResult:
    """The decision on one candidate pair."""

    match_weight: float
    match_probability: float
    outcome: str
    explanation: Explanation


@dataclass(frozen=True)
class Scores:
    """Decisions on many pairs: arrays aligned with the rows of the level codes."""

    match_weight: np.ndarray
    outcome: np.ndarray  # indices into OUTCOMES
    hard_match: np.ndarray
    hard_conflict: np.ndarray
    has_identifier: np.ndarray

    @property
    def match_probability(self) -> np.ndarray:
        """P(match) from the weight: 2^w / (1 + 2^w)."""
        return probability(self.match_weight)


def probability(match_weight: Any) -> Any:
    """The match probability for a match weight (log2 odds)."""
    return 1.0 / (1.0 + np.exp2(-np.asarray(match_weight, dtype=float)))


def rule_holds(codes: np.ndarray, model: MatchModel, rule: Rule) -> np.ndarray:
    """True per row of level `codes` (pairs, fields) where every term of `rule` holds."""
    return _holds(np.asarray(codes, dtype=np.int64), _compile_rule(model, rule))


# A rule compiled for numpy: per term, its column and which level codes it accepts, indexed by
# code (code -1, null, reads the last entry). Looking codes up in these costs a fraction of
# `np.isin`, whose per-call set-up dominated scoring a single record's few pairs.
CompiledRule = tuple[tuple[int, np.ndarray], ...]


def _compile_rule(model: MatchModel, rule: Rule) -> CompiledRule:
    terms = []
    for name, labels in rule:
        column = model.field_names.index(name)
        labels_in_order = model.fields[column].labels
        accepted = np.zeros(len(labels_in_order) + 1, dtype=bool)
        for label in labels:
            accepted[-1 if label == NULL else labels_in_order.index(label)] = True
        terms.append((column, accepted))
    return tuple(terms)


# Below this many pairs the rules are read row by row in plain Python: numpy's cost per call
# (a microsecond or more a term) exceeds the work for a single record's few pairs. Both
# readings look the codes up in the same tables.
FEW_PAIRS = 16


def _holds(codes: np.ndarray, rule: CompiledRule) -> np.ndarray:
    if len(codes) < FEW_PAIRS:
        return np.array([_row_holds(row, rule) for row in codes.tolist()], dtype=bool)
    holds = np.ones(len(codes), dtype=bool)
    for column, accepted in rule:
        holds &= accepted[codes[:, column]]
    return holds


def _row_holds(row: list[int], rule: CompiledRule) -> bool:
    return all(accepted[row[column]] for column, accepted in rule)


@dataclass(frozen=True)
class _CompiledModel:
    """What scoring reads of a model, prepared once per model instead of once per call."""

    weight_table: np.ndarray
    distinct: tuple[CompiledRule, ...]
    conflict: tuple[CompiledRule, ...]
    match: tuple[CompiledRule, ...]
    auto_link_requires: tuple[CompiledRule, ...]
    review_requires: tuple[CompiledRule, ...]
    code_of: dict[str, dict[str | None, int]]  # per field, each label's code (None: -1)


# By identity first: hashing a frozen model walks every field and level (~0.1 ms), more than
# scoring a single record's pairs; equal models loaded apart still share one compilation.
_compiled_by_id: dict[int, tuple[MatchModel, _CompiledModel]] = {}


def _compiled(model: MatchModel) -> _CompiledModel:
    hit = _compiled_by_id.get(id(model))
    if hit is not None and hit[0] is model:
        return hit[1]
    compiled = _compiled_equal(model)
    if len(_compiled_by_id) >= 16:
        _compiled_by_id.clear()
    _compiled_by_id[id(model)] = (model, compiled)
    return compiled


@lru_cache(maxsize=16)
def _compiled_equal(model: MatchModel) -> _CompiledModel:
    def compile_all(rules: tuple[Rule, ...]) -> tuple[CompiledRule, ...]:
        return tuple(_compile_rule(model, rule) for rule in rules)

    table = model.weight_table()
    table.flags.writeable = False  # shared by every call for this model
    return _CompiledModel(table, compile_all(model.distinct_rules),
                          compile_all(model.conflict_rules), compile_all(model.match_rules),
                          compile_all(model.auto_link_requires),
                          compile_all(model.review_requires),
                          {f.name: {**{label: code for code, label in enumerate(f.labels)},
                                    None: -1} for f in model.fields})


def _any_holds(codes: np.ndarray, rules: tuple[CompiledRule, ...], empty: bool) -> np.ndarray:
    if not rules:
        return np.full(len(codes), empty, dtype=bool)
    if len(codes) < FEW_PAIRS:
        return np.array([any(_row_holds(row, rule) for rule in rules)
                         for row in codes.tolist()], dtype=bool)
    holds = _holds(codes, rules[0])
    for rule in rules[1:]:
        holds |= _holds(codes, rule)
    return holds


def classify_codes(codes: np.ndarray, model: MatchModel) -> Scores:
    """Weights and outcomes for level codes shaped (pairs, fields); code -1 is null."""
    codes = np.asarray(codes, dtype=np.int64).reshape(-1, len(model.fields))
    compiled = _compiled(model)
    weight = (model.prior_weight
              + compiled.weight_table[np.arange(len(model.fields)), codes].sum(axis=1))
    apart = _any_holds(codes, compiled.distinct, empty=False)
    conflict = _any_holds(codes, compiled.conflict, empty=False) | apart
    match_rule = _any_holds(codes, compiled.match, empty=False)
    identified = _any_holds(codes, compiled.auto_link_requires, empty=True)
    auto = ((weight >= model.thresholds.auto_link) & identified | match_rule) & ~conflict
    # Review is for doubt: a household member or a stranger told apart by a rule is distinct,
    # and doubt needs evidence (an identifier, names with a date or an address), not weight alone.
    evidence = _any_holds(codes, compiled.review_requires, empty=True)
    review = ~auto & ~apart & ((weight >= model.thresholds.review) & evidence | match_rule)
    outcome = np.where(auto, 0, np.where(review, 1, 2)).astype(np.int8)
    return Scores(weight, outcome, match_rule & ~conflict, conflict, identified)


def conflicting_fields(
    conflicts: Sequence[tuple[Rule, Sequence[bool]]], field_names: Sequence[str],
    row_codes: Sequence[int], row: int
) -> tuple[str, ...]:
    """The fields named by the conflict rules holding for pair `row` (its codes `row_codes`),
    those unknown in it left out: a missing national id or card is not a reason, only an
    absent exception."""
    known = {name for name, code in zip(field_names, row_codes, strict=True) if code >= 0}
    return tuple(dict.fromkeys(
        name for rule, holds in conflicts if holds[row] for name, _ in rule if name in known
    ))


def level_codes(vector: ComparisonVector, model: MatchModel) -> np.ndarray:
    """The vector's levels as codes in model order (-1 for null)."""
    names, levels = zip(*vector.levels, strict=True)
    return codes_of_levels(model, names, [levels])[0].astype(np.int8)


def codes_of_levels(model: MatchModel, field_names: Sequence[str],
                    rows: Sequence[Sequence[str | None]]) -> np.ndarray:
    """Level codes, shape (pairs, fields) in model order (-1 for null), of rows of level
    labels given in the order of `field_names`."""
    code_of = _compiled(model).code_of
    position = {name: i for i, name in enumerate(field_names)}
    columns = [(position[name], code_of[name]) for name in model.field_names]
    return np.array([[codes[levels[i]] for i, codes in columns] for levels in rows],
                    dtype=np.int64).reshape(-1, len(columns))


def score(vector: ComparisonVector, model: MatchModel) -> MatchResult:
    """The decision on one compared pair, with its explanation."""
    codes = level_codes(vector, model)
    return explain_codes(codes[None, :], model, [vector.record_ids], [vector.blocking_keys])[0]


def explain_codes(
    codes: np.ndarray,
    model: MatchModel,
    record_ids: Sequence[tuple[str, str]],
    keys: Sequence[Iterable[str]],
) -> list[MatchResult]:
    """One decision with its explanation per row of level `codes` (pairs, fields).

    `record_ids` and `keys` (the blocking keys that paired each pair) are aligned
    with the rows; the scoring is vectorised, so explaining many pairs costs one
    `classify_codes` call.
    """
    codes = np.asarray(codes, dtype=np.int64).reshape(-1, len(model.fields))
    scores = classify_codes(codes, model)
    compiled = _compiled(model)
    # Plain lists, read once: indexing numpy arrays element by element costs more than the rest.
    conflicts = [(rule, _holds(codes, compiled_rule).tolist()) for rule, compiled_rule in zip(
        model.conflict_rules + model.distinct_rules, compiled.conflict + compiled.distinct,
        strict=True)]
    names = model.field_names
    labels = [(*f.labels, None) for f in model.fields]  # code -1 reads the trailing None
    rows = codes.tolist()
    weights = compiled.weight_table[np.arange(len(names)), codes].tolist()
    match_weights, outcomes = scores.match_weight.tolist(), scores.outcome.tolist()
    hard_matches, identified = scores.hard_match.tolist(), scores.has_identifier.tolist()
    prior_weight = model.prior_weight
    results = []
    for row, (ids, pair_keys) in enumerate(zip(record_ids, keys, strict=True)):
        weight = match_weights[row]
        explanation = Explanation(
            entity_type=model.entity_type,
            record_ids=(ids[0], ids[1]),
            blocking_keys=tuple(sorted(pair_keys)),
            fields=tuple(
                FieldWeight(name, field_labels[code], field_weight)
                for name, field_labels, code, field_weight in zip(
                    names, labels, rows[row], weights[row], strict=True)
            ),
            prior_weight=prior_weight,
            match_weight=weight,
            outcome=OUTCOMES[outcomes[row]],
            hard_match=hard_matches[row],
            hard_conflicts=conflicting_fields(conflicts, names, rows[row], row),
            has_identifier=identified[row],
            model_version=model.version,
            auto_link_threshold=model.thresholds.auto_link,
            review_threshold=model.thresholds.review,
        )
        results.append(
            MatchResult(weight, float(probability(weight)), explanation.outcome, explanation)
        )
    return results
