"""Read channel files as a stream of records: JSON Lines or CSV, never whole in memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


@dataclass(frozen=True)
class FileLine:
    """One line of a file: the record, or why it could not be read."""

    path: str
    line: int
    record: dict[str, Any] | None
    error: str | None = None


def read_records(path: Path, handle: IO[str]) -> Iterator[FileLine]:
    """Records of an open file, by its suffix: `.jsonl`/`.ndjson`/`.json` or `.csv`."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(str(path), handle)
    elif suffix in (".jsonl", ".ndjson", ".json"):
        yield from _read_json_lines(str(path), handle)
    else:
        raise ValueError(f"{path}: unknown file type {suffix!r}; use .jsonl or .csv")


def _read_json_lines(name: str, handle: IO[str]) -> Iterator[FileLine]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield FileLine(name, number, None, f"not valid JSON: {error.msg}")
            continue
        if not isinstance(record, dict):
            yield FileLine(name, number, None, "a line must hold one JSON object")
            continue
        yield FileLine(name, number, record)


def _read_csv(name: str, handle: IO[str]) -> Iterator[FileLine]:
    reader = csv.DictReader(handle)
    for row in reader:
        if None in row:
            yield FileLine(name, reader.line_num, None, "more cells than header columns")
            continue
        yield FileLine(name, reader.line_num, nest_columns(row))


def nest_columns(row: dict[str, str | None]) -> dict[str, Any]:
    """A CSV row as a record: empty cells dropped, `address.city` columns nested.

    >>> nest_columns({"source_key": "c1", "address.city": "Москва", "email": ""})
    {'source_key': 'c1', 'address': {'city': 'Москва'}}
    """
    record: dict[str, Any] = {}
    for column, value in row.items():
        if value is None or value == "":
            continue
        target = record
        *parents, leaf = column.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return record
