"""Does the batch path of two trees make the same decisions on the same generated customers?

    .venv/bin/python -m benchmarks.same_batch_decisions --records 20000 BEFORE_TREE AFTER_TREE

Runs `benchmarks.matching_speed`'s path (standardise with junk detection, table, candidate
pairs, level codes, EM, scores, clusters) once in each tree, in a child process with that tree
first on the path, and compares every step: the views, each column of the table, each row's
blocking keys, the pairs, level codes, the trained model, weights, probabilities, outcomes,
hard conflicts, the clusters and the review pairs. Prints each step's verdict; exits 1 when
any differs.
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
from typing import Any

import numpy as np

SEED = 20261123


def run_batch_path(count: int, out: str) -> None:
    """Every step of the batch path on `count` customers, pickled to `out`."""
    from benchmarks.matching_speed import _block, _cluster, _records
    from benchmarks.retail import customer_views
    from matching.batch import compare_rows, train_on_table
    from matching.classify import classify_codes
    from matching.model import default_model

    views = customer_views(_records(count))
    table, (left, right) = _block(views, default_model("customer"))
    codes = compare_rows(table, left, right)
    model = train_on_table(table, codes, default_model("customer"), seed=SEED,
                           version="same").model
    scores = classify_codes(codes, model)
    clustering = _cluster(table, left, right, scores, model)
    steps = {
        "views": views,
        "record_ids": table.record_ids.tolist(),
        **{f"column {name}": values.tolist() for name, values in table.columns.items()},
        "keys": table.keys,
        "pairs": (left.tolist(), right.tolist()),
        "level codes": codes,
        "model": model,
        **{f"scores {name}": value for name, value in vars(scores).items()},
        "clusters": clustering.clusters,
        "review tasks": clustering.review_tasks,
    }
    with open(out, "wb") as handle:
        pickle.dump(steps, handle)


def _steps_of(tree: str, count: int, folder: str) -> dict[str, Any]:
    out = os.path.join(folder, f"{len(os.listdir(folder))}.pickle")
    # This file runs in the child, so an older tree without it can be checked too.
    child = [sys.executable, os.path.abspath(__file__), "--records", str(count), "--out", out]
    subprocess.run(child, check=True, cwd=tree, env={**os.environ, "PYTHONPATH": tree})
    with open(out, "rb") as handle:
        return pickle.load(handle)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def main() -> None:
    """Compare the two trees' steps and exit 1 when any differs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("trees", nargs="*")
    args = parser.parse_args()
    if args.out:
        run_batch_path(args.records, args.out)
        return
    before_tree, after_tree = args.trees
    with tempfile.TemporaryDirectory() as folder:
        before = _steps_of(before_tree, args.records, folder)
        after = _steps_of(after_tree, args.records, folder)
    differing = [step for step in before | after
                 if step not in before or step not in after or not _same(before[step], after[step])]
    for step in before | after:
        sys.stdout.write(f"{'DIFFERS' if step in differing else 'same   '} {step}\n")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
