"""Fellegi-Sunter m/u probabilities and prior, estimated by EM on the data itself.

Unconstrained EM on candidate pairs can settle on the wrong latent class:
households (same surname, address, phone) are common among candidates and
agree on many fields, so "same family" can win over "same person". Four
guards keep it honest:

* EM starts from the model's hard rules (an identifier agrees, no conflict),
  not from raw weights, so relatives start in the non-match class; a pair the
  rules decide outright (a hard match; a conflict or a `distinct` rule, such
  as another given name) keeps that class throughout;
* u of names and addresses is learnt on the candidates' non-matches, with the
  random-pair u only as a prior: where relatives abound, agreeing on surname
  and flat weighs little. u of strong identifiers (the fields that alone
  satisfy an `auto_link_requires` rule: birth date, e-mail, phone, card) stays
  the random-pair u: candidates are blocked on them, so their agreement among
  candidates says nothing about how rare it is among non-matches;
* the model's `m_bounds` pin the m of strong identifiers (a true duplicate
  almost always keeps its birth date and given name), and a strong
  identifier's top level keeps m within `IDENTIFIER_M_BOUNDS` unless the
  model bounds it itself;
* after EM the levels are made monotone (pool-adjacent-violators on m/u),
  so a weaker agreement never weighs more than a stronger one;
* a field whose top agreement weight is not positive, or whose `else`
  weight is not negative, is made neutral (weight 0) and reported.

Pairs are compressed to their distinct level patterns first, so millions of
candidate pairs train in milliseconds per iteration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from matching.classify import classify_codes
from matching.model import MatchModel

EPSILON = 1e-6
# A duplicate that shows an identifier on both sides mostly shows the same one.
IDENTIFIER_M_BOUNDS = (0.5, 0.995)


@dataclass(frozen=True)
class TrainingResult:
    """The trained model, how EM ended, and the sanity problems it repaired."""

    model: MatchModel
    iterations: int
    converged: bool
    problems: tuple[str, ...]


def _parameters(model: MatchModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    width = max(len(f.levels) for f in model.fields)
    m, u = np.zeros((len(model.fields), width)), np.zeros((len(model.fields), width))
    valid = np.zeros((len(model.fields), width), dtype=bool)
    for i, f in enumerate(model.fields):
        n = len(f.levels)
        m[i, :n], u[i, :n], valid[i, :n] = (
            [lv.m for lv in f.levels],
            [lv.u for lv in f.levels],
            True,
        )
    return m, u, valid


def _level_counts(codes: np.ndarray, weights: np.ndarray, width: int) -> np.ndarray:
    """Weighted count of each level per field, shape (fields, width); null rows count nowhere."""
    counts = np.zeros((codes.shape[1], width))
    for column in range(codes.shape[1]):
        known = codes[:, column] >= 0
        counts[column] = np.bincount(codes[known, column], weights=weights[known], minlength=width)
    return counts


def _normalise(
    counts: np.ndarray, valid: np.ndarray, previous: np.ndarray, pseudo: float
) -> np.ndarray:
    """Level frequencies per field; a field never observed keeps its previous values."""
    probs = np.where(valid, np.clip(counts, 0, None) + pseudo, 0.0)
    probs = probs / probs.sum(axis=1, keepdims=True)
    unseen = counts.sum(axis=1) <= 0
    probs[unseen] = previous[unseen]
    return probs


def identifier_fields(model: MatchModel) -> tuple[str, ...]:
    """Returns the fields that alone satisfy an `auto_link_requires` rule (strong identifiers)."""
    return tuple(
        f.name
        for f in model.fields
        if any(len(rule) == 1 and rule[0][0] == f.name for rule in model.auto_link_requires)
    )


def m_bounds(model: MatchModel) -> tuple[tuple[tuple[str, float, float], ...], ...]:
    """Returns per field the (label, low, high) bounds on m: the model's, plus identifiers' top."""
    identifiers = set(identifier_fields(model))
    bounds = []
    for f in model.fields:
        own = f.m_bounds
        if f.name in identifiers and f.labels[0] not in {label for label, _, _ in own}:
            own = ((f.labels[0], *IDENTIFIER_M_BOUNDS), *own)
        bounds.append(own)
    return tuple(bounds)


def _apply_bounds(m: np.ndarray, model: MatchModel) -> np.ndarray:
    m = m.copy()
    for i, (f, bounds) in enumerate(zip(model.fields, m_bounds(model), strict=True)):
        for label, low, high in bounds:
            j = f.labels.index(label)
            bounded = float(np.clip(m[i, j], low, high))
            others = m[i].sum() - m[i, j]
            if others > 0:
                m[i] *= (1.0 - bounded) / others
            m[i, j] = bounded
    return m


def _log_odds(codes: np.ndarray, m: np.ndarray, u: np.ndarray, prior: float) -> np.ndarray:
    table = np.log(np.where(u > 0, m / np.where(u > 0, u, 1.0), 1.0))
    table = np.concatenate([table, np.zeros((len(table), 1))], axis=1)  # code -1 → 0
    return np.log(prior / (1 - prior)) + table[np.arange(codes.shape[1]), codes].sum(axis=1)


def train_em(
    codes: np.ndarray,
    model: MatchModel,
    *,
    version: str,
    labels: tuple[np.ndarray, np.ndarray] | None = None,
    u_prior_pairs: float = 1_000.0,
    max_iterations: int = 200,
    tolerance: float = 1e-6,
) -> TrainingResult:
    """A model whose m, u and prior are re-estimated on candidate pairs' level `codes`.

    The model's u should come from random pairs (`estimate_u`); it acts as a
    Dirichlet prior worth `u_prior_pairs` pairs, so u follows the candidate
    non-matches when there are many (relatives sharing surname and flat) and
    stays near random-pair frequencies when there are few. EM starts from the
    model's own hard rules (identifier agrees and no conflict → match), not
    from the raw weights, which would take every household for a match.
    `labels`, when given, is `(label_codes, is_match)`: steward merges and
    not-a-match decisions, their posterior fixed at 1 or 0.
    """
    patterns, counts = np.unique(np.asarray(codes, dtype=np.int64), axis=0, return_counts=True)
    fixed = _fixed_posteriors(labels, patterns.shape[1])
    m, u_random, valid = _parameters(model)
    is_label = np.concatenate([np.zeros(len(patterns)), np.ones(len(fixed[1]))])
    step = _MStep(
        model, np.concatenate([patterns, fixed[0]]), is_label, valid, u_random, u_prior_pairs
    )
    ruled = _ruled_posteriors(patterns, model)
    posterior = np.where(np.isnan(ruled), _anchor_posteriors(patterns, model), ruled)
    u, share, iterations, converged = u_random, 0.5, 0, False
    for iterations in range(1, max_iterations + 1):  # noqa: B007 (reported after the loop)
        new_m, new_u, share = step.estimate(
            np.concatenate([counts * posterior, fixed[1]]),
            np.concatenate([counts * (1 - posterior), 1.0 - fixed[1]]),
            m,
            u,
        )
        change = max(np.abs(new_m - m).max(), np.abs(new_u - u).max())
        m, u = new_m, new_u
        posterior = 1.0 / (1.0 + np.exp(-_log_odds(patterns, m, u, share)))
        posterior = np.where(np.isnan(ruled), posterior, ruled)
        if change < tolerance:
            converged = True
            break
    # A candidate pair is never presumed a match: the evidence has to do it.
    trained = model.with_levels(make_monotone(m, u, valid), u, min(share, 0.5), version)
    trained, problems = _neutralise_odd_fields(trained)
    return TrainingResult(trained, iterations, converged, problems)


@dataclass(frozen=True)
class _MStep:
    """Re-estimates m, u and the match share from the pairs' current class weights."""

    model: MatchModel
    codes: np.ndarray
    is_label: np.ndarray
    valid: np.ndarray
    u_random: np.ndarray
    u_prior_pairs: float

    def estimate(
        self, match_w: np.ndarray, other_w: np.ndarray, m: np.ndarray, u: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """Returns m, u and the share of matches given each pair's weight in either class."""
        width = m.shape[1]
        new_m = _normalise(_level_counts(self.codes, match_w, width), self.valid, m, EPSILON)
        prior = self.u_prior_pairs * self.u_random
        other = _level_counts(self.codes, other_w, width)
        new_u = _normalise(other + prior, self.valid, u, EPSILON)
        # Candidates were blocked on the identifiers, so EM's non-match class says nothing of
        # how rarely strangers share one: random pairs and stewards' not-a-match pairs do.
        labelled = _level_counts(self.codes, other_w * self.is_label, width)
        identifiers = [self.model.field_names.index(n) for n in identifier_fields(self.model)]
        new_u[identifiers] = _normalise(labelled + prior, self.valid, u, EPSILON)[identifiers]
        share = float(
            np.clip(match_w.sum() / (match_w.sum() + other_w.sum()), EPSILON, 1 - EPSILON)
        )
        return _apply_bounds(new_m, self.model), new_u, share


def _ruled_posteriors(patterns: np.ndarray, model: MatchModel) -> np.ndarray:
    """1 where a hard rule says match, 0 where a conflict or distinct rule says not; else NaN."""
    scores = classify_codes(patterns, model)
    return np.where(scores.hard_conflict, 0.0, np.where(scores.hard_match, 1.0, np.nan))


def _anchor_posteriors(patterns: np.ndarray, model: MatchModel) -> np.ndarray:
    scores = classify_codes(patterns, model)
    anchored = (
        scores.has_identifier
        & ~scores.hard_conflict
        & (scores.match_weight >= model.thresholds.review)
    )
    return np.where(anchored, 0.9, 0.1)


def _fixed_posteriors(
    labels: tuple[np.ndarray, np.ndarray] | None, n_fields: int
) -> tuple[np.ndarray, np.ndarray]:
    if labels is None:
        return np.zeros((0, n_fields), dtype=np.int64), np.zeros(0)
    label_codes, is_match = labels
    return np.asarray(label_codes, dtype=np.int64).reshape(-1, n_fields), np.asarray(
        is_match, float
    )


def make_monotone(m: np.ndarray, u: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """m adjusted so that m/u never rises from a level to the next weaker one (PAV)."""
    m = m.copy()
    for row in range(len(m)):
        n = int(valid[row].sum())
        blocks: list[list[int]] = []  # each block: [first level, last level]
        for level in range(n):
            blocks.append([level, level])
            while len(blocks) > 1 and _ratio(m, u, row, blocks[-2]) < _ratio(m, u, row, blocks[-1]):
                last = blocks.pop()
                blocks[-1][1] = last[1]
                _pool(m, u, row, blocks[-1])
    return m


def _ratio(m: np.ndarray, u: np.ndarray, row: int, block: list[int]) -> float:
    span = slice(block[0], block[1] + 1)
    return m[row, span].sum() / u[row, span].sum()


def _pool(m: np.ndarray, u: np.ndarray, row: int, block: list[int]) -> None:
    span = slice(block[0], block[1] + 1)
    m[row, span] = u[row, span] * m[row, span].sum() / u[row, span].sum()


def weight_problems(model: MatchModel) -> list[str]:
    """Fields whose learnt weights make no sense: top agreement ≤ 0 or `else` ≥ 0."""
    problems = []
    for f in model.fields:
        if f.levels[0].weight <= 0:
            problems.append(
                f"{f.name}: agreement level {f.levels[0].label} does not weigh for a match"
            )
        if f.levels[-1].label == "else" and f.levels[-1].weight >= 0:
            problems.append(f"{f.name}: disagreement does not weigh against a match")
    return problems


def _neutralise_odd_fields(trained: MatchModel) -> tuple[MatchModel, tuple[str, ...]]:
    # A field whose learnt weights make no sense carries no evidence in this data: m = u.
    problems = weight_problems(trained)
    odd = {p.split(":", 1)[0] for p in problems}
    if not odd:
        return trained, ()
    fields = tuple(
        replace(f, levels=tuple(replace(lv, m=lv.u) for lv in f.levels)) if f.name in odd else f
        for f in trained.fields
    )
    return replace(trained, fields=fields), tuple(f"{p} (field made neutral)" for p in problems)


def estimate_u(random_codes: np.ndarray, model: MatchModel) -> MatchModel:
    """The model with u set to each level's frequency among random pairs."""
    m, u, valid = _parameters(model)
    codes = np.asarray(random_codes, dtype=np.int64)
    # One pseudo-pair per level: a level never seen among random pairs is rare, not impossible.
    u = _normalise(_level_counts(codes, np.ones(len(codes)), m.shape[1]), valid, u, 1.0)
    return model.with_levels(m, u, model.prior, model.version)
