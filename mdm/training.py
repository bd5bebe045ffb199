"""`mdm train`: re-estimate a match model on the stored records, store it as a new version.

EM (`matching.em.train_em`) runs on the candidate pairs of every stored record, with u first
taken from random pairs (`matching.em.estimate_u`), as `matching.batch.train_on_table` does,
plus the stewards' decisions as labels: pairs merged from the review queue, and pairs sharing
a blocking key across a steward's merge of golden records, are matches; not-a-match pairs are
non-matches. EM repairs odd fields itself; the labels then check the
result: a model that would auto-link a not-a-match pair, call a steward's merge distinct, or
drop many of today's auto-links is stored but not activated (`mdm.match_models`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.batch import compare_rows, random_pairs
from matching.classify import OUTCOMES, classify_codes
from matching.em import estimate_u, train_em, weight_problems
from matching.model import MatchModel, model_problems
from mdm import match_models, matcher, rematch
from mdm.errors import UnprocessableError
from mdm.models import GoldenRecordVersion, MatchDecision, NotAMatchPair, ReviewTask

# Fewer candidate pairs than this give EM nothing to learn from.
MIN_CANDIDATE_PAIRS = 20
RANDOM_PAIRS = 200_000
# A new model must still auto-link this share of the pairs the current one auto-links.
MIN_KEPT_AUTO_LINKS = 0.8
AUTO_LINK_CODE = OUTCOMES.index("auto_link")


@dataclass(frozen=True)
class WeightChange:
    """One level's match weight under the previous model and the trained one."""

    field: str
    level: str
    old: float
    new: float


@dataclass(frozen=True)
class TrainingReport:
    """What `train_model` learnt, what it checked and whether the new version is active."""

    entity_type: str
    version: str
    previous_version: str
    records: int
    candidate_pairs: int
    labelled_matches: int
    labelled_non_matches: int
    iterations: int
    converged: bool
    prior_weight: tuple[float, float]
    changes: tuple[WeightChange, ...]
    outcomes: tuple[tuple[str, int, int], ...]  # (outcome, candidate pairs before, after)
    repaired: tuple[str, ...]
    problems: tuple[str, ...]
    active: bool


def train_model(session: Session, entity_type: str, *, actor: str, activate: bool,
                now: dt.datetime, seed: int = 0) -> TrainingReport:
    """Returns the report of a model trained on the stored data and stored as a new version.

    The new version is active only with `activate` and no problem found in the sanity checks.
    UnprocessableError when there are too few candidate pairs to learn from.
    """
    previous = matcher.current_model(session, entity_type)
    stored = rematch.load_stored_table(session, entity_type)
    matches = rematch.match_stored(stored, previous)
    if len(matches.codes) < MIN_CANDIDATE_PAIRS:
        raise UnprocessableError(f"{len(matches.codes)} {entity_type} candidate pairs stored: "
                                 f"at least {MIN_CANDIDATE_PAIRS} are needed to train")
    label_codes, is_match = _labels(session, stored)
    left, right = random_pairs(len(stored.table), min(RANDOM_PAIRS, len(stored.table) ** 2), seed)
    with_u = estimate_u(compare_rows(stored.table, left, right), previous)
    version = match_models.next_version(session, entity_type)
    result = train_em(matches.codes, with_u, version=version, labels=(label_codes, is_match))
    problems = sanity_problems(result.model, previous, matches.codes,
                               (label_codes, is_match))
    active = activate and not problems
    match_models.store_model(session, result.model, actor=actor, active=active, now=now)
    return TrainingReport(
        entity_type, result.model.version, previous.version, len(stored.record_ids),
        len(matches.codes), int(is_match.sum()), int((1 - is_match).sum()), result.iterations,
        result.converged, (previous.prior_weight, result.model.prior_weight),
        weight_changes(previous, result.model),
        outcome_counts(matches.codes, previous, result.model), result.problems,
        tuple(problems), active)


def _labels(session: Session, stored: rematch.StoredTable) -> tuple[np.ndarray, np.ndarray]:
    """Level codes of the steward-decided pairs among the stored records, and 1 = match."""
    tasks, pairs = ReviewTask.__table__, NotAMatchPair.__table__
    merged = [*session.execute(select(tasks.c.left_record_id, tasks.c.right_record_id)
                               .where(tasks.c.status == "merged")),
              *_steward_merge_pairs(session, stored)]
    apart = session.execute(select(pairs.c.left_record_id, pairs.c.right_record_id))
    row = {record_id: i for i, record_id in enumerate(stored.record_ids)}
    labelled = [(row[str(a)], row[str(b)], label) for rows, label in ((merged, 1.0), (apart, 0.0))
                for a, b in rows if str(a) in row and str(b) in row]
    left = np.array([a for a, _, _ in labelled], dtype=np.int64)
    right = np.array([b for _, b, _ in labelled], dtype=np.int64)
    return compare_rows(stored.table, left, right), np.array([x for *_, x in labelled])


def _steward_merge_pairs(session: Session, stored: rematch.StoredTable) -> set[tuple[str, str]]:
    """Record pairs sharing a blocking key across the two sides of each steward merge."""
    table = MatchDecision.__table__
    row = {record_id: i for i, record_id in enumerate(stored.record_ids)}
    keys = stored.table.keys
    found = set()
    for survivor, gone, at in session.execute(
            select(table.c.left_golden_id, table.c.right_golden_id, table.c.created_at)
            .where(table.c.kind == "steward_merge")):
        absorbed = _active_members_at(session, gone, at)
        kept = _active_members_at(session, survivor, at) - absorbed
        found.update((a, b) for a in absorbed & row.keys() for b in kept & row.keys()
                     if keys[row[a]] & keys[row[b]])
    return found


def _active_members_at(session: Session, golden_id, at: dt.datetime) -> set[str]:
    """Members of the golden record's last active version recorded by `at`."""
    table = GoldenRecordVersion.__table__
    members = session.scalar(select(table.c.member_ids).where(
        table.c.golden_id == golden_id, table.c.status == "active", table.c.recorded_at <= at)
        .order_by(table.c.version.desc()).limit(1))
    return set(members or ())


def sanity_problems(model: MatchModel, previous: MatchModel, codes: np.ndarray,
                    labels: tuple[np.ndarray, np.ndarray]) -> list[str]:
    """Returns why `model` must not decide matches: odd weights, lost links, contradicted labels.

    `codes` are the candidate pairs' level codes; `labels` the steward-decided pairs' codes
    and 1 (merged) or 0 (not a match).
    """
    # EM already made the fields without evidence neutral (m = u): repaired, not a problem.
    neutral = {f.name for f in model.fields if all(lv.m == lv.u for lv in f.levels)}
    problems = model_problems(model) + [p for p in weight_problems(model)
                                        if p.split(":", 1)[0] not in neutral]
    linked_before = classify_codes(codes, previous).outcome == AUTO_LINK_CODE
    kept = (classify_codes(codes, model).outcome == AUTO_LINK_CODE)[linked_before]
    if len(kept) and kept.mean() < MIN_KEPT_AUTO_LINKS:
        # More likely EM settling on the wrong class than a change in the data.
        problems.append(f"it keeps only {kept.mean():.0%} of the {len(kept)} candidate pairs "
                        f"{previous.version} auto-links")
    return problems + _label_problems(model, *labels)


def _label_problems(model: MatchModel, label_codes: np.ndarray,
                    is_match: np.ndarray) -> list[str]:
    if not len(label_codes):
        return []
    outcomes = np.array(OUTCOMES, dtype=object)[classify_codes(label_codes, model).outcome]
    merged_distinct = int(((is_match == 1) & (outcomes == "distinct")).sum())
    apart_linked = int(((is_match == 0) & (outcomes == "auto_link")).sum())
    problems = []
    if merged_distinct:
        problems.append(f"{merged_distinct} pairs stewards merged would be scored distinct")
    if apart_linked:
        problems.append(f"{apart_linked} not-a-match pairs would be auto-linked")
    return problems


def outcome_counts(codes: np.ndarray, old: MatchModel,
                   new: MatchModel) -> tuple[tuple[str, int, int], ...]:
    """How many candidate pairs each model auto-links, sends to review and calls distinct."""
    before = np.bincount(classify_codes(codes, old).outcome, minlength=len(OUTCOMES))
    after = np.bincount(classify_codes(codes, new).outcome, minlength=len(OUTCOMES))
    return tuple((name, int(before[i]), int(after[i])) for i, name in enumerate(OUTCOMES))


def weight_changes(old: MatchModel, new: MatchModel) -> tuple[WeightChange, ...]:
    """Every level's match weight before and after, in model order."""
    return tuple(WeightChange(f.name, lv.label, old_lv.weight, lv.weight)
                 for f, old_f in zip(new.fields, old.fields, strict=True)
                 for lv, old_lv in zip(f.levels, old_f.levels, strict=True))
