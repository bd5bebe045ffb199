"""Server time of the review task page and of 100 decisions in a row, among many golden records.

    .venv/bin/python -m benchmarks.review_page [--goldens 1000000] [--tasks 100]
                                               [--database-url URL]

Fills a fresh database (a SQLite file by default) with `--goldens` golden records, puts
`--tasks` doubtful customer pairs on the review queue, then, signed in as a steward through
Flask's test client (server time, no network): renders every task page, and decides every
task with Merge in a row, following the redirect to the next task as the browser does.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert, select

from mdm import create_app, ingest, sources, users
from mdm.database import upgrade
from mdm.extensions import db
from mdm.models import GoldenRecord, ReviewTask, SourceRecord, utcnow

CHUNK = 20_000
PASSWORD = "benchmark passphrase"


def fill_goldens(count: int) -> None:
    """Insert `count` small active customer golden records, in chunks."""
    now = utcnow()
    for start in range(0, count, CHUNK):
        rows = [{"id": uuid.uuid4(), "entity_type": "customer", "status": "active",
                 "version": 1, "attributes": {"first_name": "Ольга", "last_name": f"Петрова{i}"},
                 "lineage": {}, "pins": [], "member_ids": [], "absorbed_ids": [],
                 "merged_into": None, "created_at": now, "updated_at": now}
                for i in range(start, min(start + CHUNK, count))]
        db.session.execute(insert(GoldenRecord), rows)
        db.session.commit()


def add_doubtful_pairs(count: int) -> None:
    """Ingest `count` pairs of near-duplicate customers and queue each pair for review."""
    web, store = sources.add_source(db.session, "web_shop"), sources.add_source(db.session,
                                                                              "pos_store")
    left = [{"source_key": f"c-{i}", "first_name": "Юлия", "last_name": f"Иванова{i}",
             "email": f"yulia.{i}@example.ru", "phone": f"+7 912 {i:07d}"} for i in range(count)]
    right = [{"source_key": f"pos-{i}", "first_name": "Yuliya", "last_name": f"Ivanova{i}",
              "email": f"y.ivanova.{i}@mail.example"} for i in range(count)]
    now = utcnow()
    ingest.ingest_records(db.session, web, "customer", left, now=now)
    ingest.ingest_records(db.session, store, "customer", right, now=now)
    ids = dict(db.session.execute(select(SourceRecord.source_key, SourceRecord.id)).all())
    left_ids = [ids[record["source_key"]] for record in left]
    right_ids = [ids[record["source_key"]] for record in right]
    db.session.add_all(ReviewTask(
        id=uuid.uuid4(), entity_type="customer", left_record_id=a, right_record_id=b,
        match_weight=1.5, match_probability=0.6, priority=1.0 - i / count, status="open",
        created_at=now, comment="", explanation={"fields": [
            {"field": "first_name", "level": "transliteration", "weight": 3.1}]})
        for i, (a, b) in enumerate(zip(left_ids, right_ids, strict=True)))
    db.session.commit()


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def summary(name: str, millis: list[float]) -> str:
    ordered = sorted(millis)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (f"{name}: n={len(ordered)} median={statistics.median(ordered):.1f} ms "
            f"p95={p95:.1f} ms max={ordered[-1]:.1f} ms")


def run(app, tasks: int) -> None:
    client = app.test_client()
    form = client.get("/admin/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', form).group(1)
    client.post("/admin/auth/login", data={"username": "stepan", "password": PASSWORD,
                                           "csrf_token": token})
    queue = client.get("/admin/review/?page=0").get_data(as_text=True)
    # Signing in starts a new session, hence a new CSRF token.
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', queue).group(1)
    task_paths = re.findall(r'href="(/admin/review/task/[0-9a-f-]+)"', queue)
    renders = [timed(lambda p=path: client.get(p))[0] for path in dict.fromkeys(task_paths)]
    say(summary("task page render", renders))
    decisions, path = [], task_paths[0]
    for _ in range(tasks):
        millis, response = timed(lambda p=path: client.post(f"{p}/decide", data={
            "decision": "merge", "csrf_token": token}))
        decisions.append(millis)
        path = response.headers["Location"].split("?")[0]
        if "/task/" not in path:
            break
        millis, _page = timed(lambda p=path: client.get(p))
        decisions[-1] += millis
    say(summary("decide (merge) + open the next task", decisions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goldens", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'review-bench.sqlite'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark"})
    with app.app_context():
        millis, _ = timed(lambda: fill_goldens(args.goldens))
        say(f"filled {args.goldens} golden records in {millis / 1000:.0f} s ({url})")
        add_doubtful_pairs(args.tasks)
        users.create_user(db.session, "stepan", PASSWORD, role="steward", now=utcnow())
        db.session.commit()
    run(app, args.tasks)


if __name__ == "__main__":
    main()
