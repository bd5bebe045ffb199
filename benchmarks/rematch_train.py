"""`mdm rematch` and `mdm train` on N synthetic customer records stored in SQLite.

    .venv/bin/python -m benchmarks.rematch_train --records 50000

Loads `mdm.synthetic` customer records (seed 3) through ingestion in chunks of 1,000 into a
fresh SQLite file, then times: a dry run with the shipped model (ingestion and the batch path
must agree: it must report nothing), training with `--activate` (EM, sanity checks), a dry run
with the trained model, applying it, and a second dry run (which must report nothing).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from mdm import create_app, ingest, rematch, sources, training
from mdm.database import upgrade
from mdm.extensions import db
from mdm.models import utcnow
from mdm.synthetic import generate_customer_records


def timed(label: str, call):
    started = time.perf_counter()
    result = call()
    print(f"{label}: {time.perf_counter() - started:.1f} s")  # noqa: T201
    return result


def summary(report: rematch.RematchReport) -> str:
    return (f"{report.records} records, {len(report.merges)} merges, {len(report.splits)} "
            f"splits, {len(report.review_tasks)} review tasks")


def load(records: int) -> None:
    by_source = defaultdict(list)
    for synthetic in generate_customer_records(records, seed=3):
        by_source[synthetic.source].append(synthetic.record)
    for name, batch in sorted(by_source.items()):
        source = sources.add_source(db.session, name)
        for start in range(0, len(batch), 1000):
            ingest.ingest_records(db.session, source, "customer", batch[start:start + 1000],
                                  now=utcnow())
            db.session.commit()


def run(records: int) -> None:
    session = db.session
    timed(f"ingest {records} records", lambda: load(records))
    dry = timed("rematch --dry-run", lambda: rematch.rematch_report(session, "customer"))
    session.rollback()
    print(f"  {summary(dry)}")  # noqa: T201
    trained = timed("train --activate", lambda: training.train_model(
        session, "customer", actor="bench", activate=True, now=utcnow()))
    session.commit()
    print(f"  {trained.candidate_pairs} candidate pairs, EM {trained.iterations} iterations, "  # noqa: T201
          f"outcomes {trained.outcomes}, problems {trained.problems}, active {trained.active}")
    changes = timed("rematch --dry-run (trained model)",
                    lambda: rematch.rematch_report(session, "customer"))
    session.rollback()
    print(f"  {summary(changes)}")  # noqa: T201
    applied = timed("rematch (apply)", lambda: rematch.apply_rematch(
        session, "customer", actor="bench", now=utcnow()))
    session.commit()
    print(f"  {summary(applied)}")  # noqa: T201
    again = timed("rematch --dry-run again", lambda: rematch.rematch_report(session, "customer"))
    print(f"  {summary(again)}")  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'rematch.sqlite'}"
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark"})
        with app.app_context():
            run(args.records)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
