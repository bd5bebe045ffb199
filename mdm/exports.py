"""Exports: the cross-reference and golden records, streamed row by row."""

from __future__ import annotations

import csv
import json
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdm.models import GoldenRecord, Source, SourceRecord, Xref

# Spreadsheet programs run cells starting with these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_xref(session: Session, out: IO[str], entity_type: str | None = None) -> int:
    """Write `entity_type,source,source_key,golden_id` rows; returns how many."""
    records, sources, xref = SourceRecord.__table__, Source.__table__, Xref.__table__
    query = (select(records.c.entity_type, sources.c.name, records.c.source_key, xref.c.golden_id)
             .join(sources, sources.c.id == records.c.source_id)
             .join(xref, xref.c.source_record_id == records.c.id)
             .order_by(records.c.entity_type, sources.c.name, records.c.source_key))
    if entity_type:
        query = query.where(records.c.entity_type == entity_type)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["entity_type", "source", "source_key", "golden_id"])
    count = 0
    for row in session.execute(query.execution_options(yield_per=2000)):
        writer.writerow([row[0], row[1], safe_cell(row[2]), row[3]])
        count += 1
    return count


def write_golden(session: Session, out: IO[str], entity_type: str, file_format: str) -> int:
    """Write the active golden records of `entity_type` as jsonl or csv; returns how many."""
    table = GoldenRecord.__table__
    query = (select(table.c.id, table.c.version, table.c.attributes, table.c.lineage,
                    table.c.updated_at)
             .where(table.c.entity_type == entity_type, table.c.status == "active")
             .order_by(table.c.created_at, table.c.id))
    query = query.execution_options(yield_per=2000)
    if file_format == "jsonl":
        return _write_jsonl(out, session.execute(query))
    # Two passes keep memory flat: the first only collects the column names.
    columns = sorted({name for row in session.execute(query) for name in flatten(row[2])})
    return _write_csv(out, session.execute(query), columns)


def _write_jsonl(out: IO[str], rows) -> int:
    count = 0
    for golden_id, version, attributes, lineage, updated_at in rows:
        out.write(json.dumps({"golden_id": str(golden_id), "version": version,
                              "attributes": attributes, "lineage": lineage,
                              "updated_at": updated_at.isoformat()}, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


def _write_csv(out: IO[str], rows, columns: list[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["golden_id", "version", *columns])
    count = 0
    for golden_id, version, attributes, _lineage, _updated_at in rows:
        flat = flatten(attributes)
        writer.writerow([golden_id, version, *(safe_cell(flat.get(c)) for c in columns)])
        count += 1
    return count


def flatten(value: dict, prefix: str = "") -> dict:
    """Nested attributes as `address.city` keys; lists joined with `|`."""
    flat = {}
    for key, item in value.items():
        if isinstance(item, dict):
            flat.update(flatten(item, f"{prefix}{key}."))
        elif isinstance(item, list):
            flat[f"{prefix}{key}"] = "|".join(json.dumps(i, ensure_ascii=False)
                                              if isinstance(i, dict) else str(i) for i in item)
        else:
            flat[f"{prefix}{key}"] = item
    return flat
