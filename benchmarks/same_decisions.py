"""Do two SQLite stores, loaded from the same file by two versions of mdm, hold the same decisions?

    .venv/bin/python benchmarks/same_decisions.py before.sqlite after.sqlite

Record and golden ids are random, so everything is compared by source keys (`source:key`):
golden partitions; active golden attributes and lineage; review tasks by the pair of golden
records they join (which of a golden record's records speaks for it may tie), weight and
reason; auto-link decisions by record, other record, golden partition and weight; and the row
counts of match keys, views, xref, events and golden versions. Prints what differs, with a few
examples; exits 1 when anything does.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import uuid
from collections import defaultdict
from typing import Any

COUNTED = ("match_keys", "match_views", "xref", "events", "golden_records",
           "golden_record_versions")


def _source_keys(db: sqlite3.Connection) -> dict[str, str]:
    names = dict(db.execute("SELECT id, name FROM sources"))
    return {record_id: f"{names[source_id]}:{key}" for record_id, source_id, key
            in db.execute("SELECT id, source_id, source_key FROM source_records")}


def _by_keys(value: Any, keys: dict[str, str]) -> Any:
    """Lineage with each record id replaced by its source key."""
    if isinstance(value, dict):
        return {name: keys.get(item, item) if name == "record_id" else _by_keys(item, keys)
                for name, item in value.items()}
    if isinstance(value, list):
        return [_by_keys(item, keys) for item in value]
    return value


def load(path: str) -> dict[str, Any]:
    db = sqlite3.connect(path)
    keys = _source_keys(db)
    dashed = {str(uuid.UUID(record_id)): key for record_id, key in keys.items()}
    members = defaultdict(set)
    for record_id, golden_id in db.execute("SELECT source_record_id, golden_id FROM xref"):
        members[golden_id].add(keys[record_id])
    partition = {golden_id: frozenset(found) for golden_id, found in members.items()}
    cluster_of = {key: found for found in partition.values() for key in found}
    goldens = {partition.get(golden_id, frozenset()): (json.loads(attributes),
                                                       _by_keys(json.loads(lineage), dashed))
               for golden_id, attributes, lineage in db.execute(
                   "SELECT id, attributes, lineage FROM golden_records WHERE status = 'active'")}
    tasks = {(frozenset((cluster_of[keys[left]], cluster_of[keys[right]])), round(weight, 6),
              json.loads(explanation).get("reason"))
             for left, right, weight, explanation in db.execute(
                 "SELECT left_record_id, right_record_id, match_weight, explanation "
                 "FROM review_tasks")}
    decisions = {(keys[left], keys[right], partition.get(golden_id), round(weight, 6))
                 for left, right, golden_id, weight in db.execute(
                     "SELECT left_record_id, right_record_id, right_golden_id, match_weight "
                     "FROM match_decisions WHERE kind = 'auto_link'")}
    counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in COUNTED}
    return {"partitions": set(partition.values()), "goldens": goldens, "review tasks": tasks,
            "auto-link decisions": decisions, "counts": counts}


def _report(name: str, before: Any, after: Any) -> bool:
    if before == after:
        sys.stdout.write(f"{name}: same ({len(before)})\n")
        return True
    if isinstance(before, set):
        sys.stdout.write(f"{name}: DIFFER, {len(before - after)} only in the first, "
                         f"{len(after - before)} only in the second\n")
        for side, items in (("first", before - after), ("second", after - before)):
            for item in list(items)[:3]:
                sys.stdout.write(f"  {side}: {item}\n")
    elif name == "goldens":
        differing = [k for k in before.keys() | after.keys() if before.get(k) != after.get(k)]
        sys.stdout.write(f"{name}: DIFFER in {len(differing)} of {len(before)}\n")
        for members in differing[:2]:
            sys.stdout.write(f"  {sorted(members)}: {before.get(members)} / "
                             f"{after.get(members)}\n")
    else:
        sys.stdout.write(f"{name}: DIFFER {before} / {after}\n")
    return False


def main() -> None:
    first, second = load(sys.argv[1]), load(sys.argv[2])
    same = [_report(name, first[name], second[name]) for name in first]
    sys.exit(0 if all(same) else 1)


if __name__ == "__main__":
    main()
