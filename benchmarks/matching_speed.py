"""Speed and peak memory of the matching stage on N generated customers, beside Splink 4.

    .venv/bin/python -m benchmarks.matching_speed --records 100000 [--skip-splink]

mdm: standardise (with junk detection) → block → compare → EM → classify → cluster, with the
garbage collector's bulk thresholds as `mdm rematch` runs them; the matching stage is all but
EM, which is timed apart like Splink's training. Every stage
reports wall and CPU seconds (process time, DuckDB's threads included).
Splink 4 (DuckDB): predict + cluster on the same standardised columns, after its
training (u by random sampling, m by EM), which is timed apart. Each engine runs
in its own process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

SEED = 20261123


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _records(count: int) -> list:
    from mdm.synthetic import generate_customer_records

    return list(generate_customer_records(count, seed=SEED))


class _Clock:
    """Wall and CPU seconds per stage: CPU seconds hold steady on a machine shared with others."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def time(self, stage: str, work: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        self.wall[stage] = time.perf_counter() - wall
        self.cpu[stage] = time.process_time() - cpu
        return result

    def total(self, times: dict[str, float], without: str = "") -> float:
        return sum(seconds for stage, seconds in times.items() if stage != without)


def run_mdm(count: int) -> dict:
    """Seconds of each mdm stage, records/s over the matching stage, peak memory.

    Training is timed apart, as Splink's is: the matching stage is standardise, block,
    compare, classify and cluster (issue 3).
    """
    from benchmarks.retail import customer_views, true_pairs
    from matching.batch import compare_rows, train_on_table
    from matching.classify import classify_codes
    from matching.model import default_model
    from mdm.collector import rare_collections

    records = _records(count)
    truth = true_pairs(records)
    clock = _Clock()
    # As `mdm rematch` runs the batch path.
    with rare_collections():
        views = clock.time("standardise", lambda: customer_views(records))
        model = default_model("customer")
        table, (left, right) = clock.time("block", functools.partial(_block, views, model))
        del views
        codes = clock.time("compare", lambda: compare_rows(table, left, right))
        model = clock.time(
            "train", lambda: train_on_table(table, codes, model, seed=SEED, version="speed").model
        )
        scores = clock.time("classify", lambda: classify_codes(codes, model))
        clustering = clock.time("cluster", lambda: _cluster(table, left, right, scores, model))
    matching = clock.total(clock.wall, without="train")
    found = {
        tuple(sorted((a, b)))
        for members in clustering.clusters.values()
        for i, a in enumerate(members)
        for b in members[i + 1 :]
    }
    return {
        "engine": "mdm",
        "records": count,
        "candidate_pairs": len(left),
        "seconds": clock.wall,
        "cpu_seconds": clock.cpu,
        "matching_seconds": matching,
        "matching_cpu_seconds": clock.total(clock.cpu, without="train"),
        "records_per_second": count / matching,
        "peak_mib": _peak_mib(),
        **_quality(found, truth),
    }


def _block(views: list, model):
    from matching.batch import build_table, candidate_pairs

    table = build_table("customer", views)
    return table, candidate_pairs(table.keys, model.max_block_size)


def _cluster(table, left: np.ndarray, right: np.ndarray, scores, model):
    from golden_records.cluster import Link, cluster_records
    from matching.classify import OUTCOMES

    ids = table.record_ids
    kept = np.flatnonzero(scores.outcome < 2)
    links = [
        Link(
            ids[left[k]],
            ids[right[k]],
            float(scores.match_weight[k]),
            OUTCOMES[scores.outcome[k]],
            bool(scores.hard_conflict[k]),
        )
        for k in kept
    ]
    return cluster_records(list(ids), links, (), model.thresholds)


def _quality(found: set, truth: set) -> dict:
    hits = len(found & truth)
    precision, recall = hits / max(len(found), 1), hits / max(len(truth), 1)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if hits else 0.0,
    }


def _splink_frame(views: list):
    import pandas as pd

    def first(values):
        return values[0] if values else None

    return pd.DataFrame(
        {
            "unique_id": [v.record_id for v in views],
            "first_name": [v.first_name.canonical if v.first_name else None for v in views],
            "last_name": [v.last_name_stem for v in views],
            "birth_date": [v.birth_date.isoformat() if v.birth_date else None for v in views],
            "email": [first(v.emails) for v in views],
            "phone": [first(v.phones) for v in views],
            "postcode": [v.address.postcode if v.address else None for v in views],
            "city": [v.address.city if v.address else None for v in views],
            "street": [v.address.street if v.address else None for v in views],
            "loyalty_card": [v.loyalty_card for v in views],
        }
    )


def run_splink(count: int) -> dict:
    """Splink 4 DuckDB on the same standardised records: training, then predict + cluster."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from benchmarks.retail import customer_views, true_pairs

    records = _records(count)
    truth = true_pairs(records)
    frame = _splink_frame(customer_views(records))
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("email"),
            block_on("phone"),
            block_on("loyalty_card"),
            block_on("first_name", "last_name", "birth_date"),
            block_on("last_name", "birth_date"),
            block_on("first_name", "last_name", "postcode"),
            block_on("first_name", "last_name", "city"),
        ],
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            cl.LevenshteinAtThresholds("birth_date", [1, 2]),
            cl.ExactMatch("email"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("city"),
            cl.JaroWinklerAtThresholds("street", [0.9]),
            cl.LevenshteinAtThresholds("loyalty_card", [1]),
        ],
    )
    linker = Linker(frame, settings, db_api=DuckDBAPI(), set_up_basic_logging=False)
    mark, cpu = time.perf_counter(), time.process_time()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "birth_date")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "last_name")
    )
    training, training_cpu = time.perf_counter() - mark, time.process_time() - cpu
    mark, cpu = time.perf_counter(), time.process_time()
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.99)
    assigned = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    total, total_cpu = time.perf_counter() - mark, time.process_time() - cpu
    groups = assigned.groupby("cluster_id")["unique_id"].apply(list)
    found = {
        tuple(sorted((a, b)))
        for members in groups
        for i, a in enumerate(members)
        for b in members[i + 1 :]
    }
    return {
        "engine": "splink",
        "records": count,
        "training_seconds": training,
        "training_cpu_seconds": training_cpu,
        "predict_cluster_seconds": total,
        "predict_cluster_cpu_seconds": total_cpu,
        "records_per_second": count / total,
        "peak_mib": _peak_mib(),
        **_quality(found, truth),
    }


def main() -> None:
    """Run each engine in a child process and print one JSON line per engine."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--engine", choices=["mdm", "splink"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        result = (run_mdm if args.engine == "mdm" else run_splink)(args.records)
        sys.stdout.write(json.dumps(result) + "\n")
        return
    for engine in ["mdm"] + ([] if args.skip_splink else ["splink"]):
        child = [
            sys.executable,
            "-m",
            "benchmarks.matching_speed",
            "--records",
            str(args.records),
            "--engine",
            engine,
        ]
        output = subprocess.run(child, check=True, capture_output=True, text=True).stdout
        sys.stdout.write(output.strip().splitlines()[-1] + "\n")


if __name__ == "__main__":
    main()
