"""`mdm ingest`: stream files into the store in chunks, one transaction per chunk."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from mdm import ingest, metrics
from mdm.errors import MdmError, UnknownSourceError
from mdm.files import FileLine, read_records
from mdm.models import utcnow
from mdm.records import schema_for
from mdm.sources import get_source


@dataclass
class Rejection:
    path: str
    line: int
    source_key: str | None
    reasons: str


@dataclass
class FileIngestSummary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ingest.OUTCOMES, 0))
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def received(self) -> int:
        return sum(self.counts.values())


def ingest_files(session: Session, paths: Iterable[Path], *, source_name: str | None,
                 entity_type: str | None, chunk_size: int = 1000,
                 on_progress: Callable[[int], None] = lambda _: None,
                 clock: Callable[[], dt.datetime] = utcnow) -> FileIngestSummary:
    """Ingest every record of `paths`; bad lines are reported, the rest stored.

    Lines wait in one buffer per (source, entity type) and go to `ingest.ingest_records`
    `chunk_size` at a time, one transaction each: a file mixing six channels still makes
    chunks of full size. At most one buffer per pair is held, so memory does not grow with
    the file.
    """
    if entity_type is not None:
        schema_for(entity_type)
    paths = list(paths)
    summary = FileIngestSummary()
    pending: dict[tuple[str, str], list[FileLine]] = defaultdict(list)
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for line in _tracked(read_records(path, handle), handle, on_progress):
                group = _route(line, source_name, entity_type, summary)
                if group is None:
                    continue
                pending[group].append(line)
                if len(pending[group]) >= chunk_size:
                    _ingest_group(session, group, pending.pop(group), summary, clock())
    for group, lines in pending.items():
        _ingest_group(session, group, lines, summary, clock())
    # Rejections come back by buffer; report them in file and line order.
    file_order = {str(path): index for index, path in enumerate(paths)}
    summary.rejections.sort(key=lambda r: (file_order.get(r.path, 0), r.line))
    return summary


def _tracked(lines: Iterator[FileLine], handle, on_progress) -> Iterator[FileLine]:
    for count, line in enumerate(lines, start=1):
        if count % 1000 == 0:
            on_progress(handle.buffer.tell() if hasattr(handle, "buffer") else 0)
        yield line
    on_progress(handle.buffer.tell() if hasattr(handle, "buffer") else 0)


def _route(line: FileLine, source_name: str | None, entity_type: str | None,
           summary: FileIngestSummary) -> tuple[str, str] | None:
    """The (source, entity type) of a line, or None after counting it as rejected."""
    problem = line.error or _routing_problem(line, source_name, entity_type)
    if problem:
        summary.counts["rejected"] += 1
        key = (line.record or {}).get("source_key")
        summary.rejections.append(Rejection(line.path, line.line, key, problem))
        return None
    record = line.record
    return source_name or record["source"], entity_type or record["entity_type"]


def _ingest_group(session: Session, group: tuple[str, str], lines: list[FileLine],
                  summary: FileIngestSummary, now: dt.datetime) -> None:
    """Ingest lines of one source and entity type in one transaction."""
    name, kind = group
    try:
        source = get_source(session, name)
    except UnknownSourceError as error:
        summary.counts["rejected"] += len(lines)
        summary.rejections.extend(Rejection(line.path, line.line,
                                            line.record.get("source_key"), error.detail)
                                  for line in lines)
        return
    result = ingest.ingest_records(session, source, kind, [line.record for line in lines],
                                   now=now)
    session.commit()
    for outcome in result.outcomes:
        summary.counts[outcome.outcome] += 1
        if outcome.outcome == "rejected":
            line = lines[outcome.index]
            summary.rejections.append(Rejection(line.path, line.line, outcome.source_key,
                                                format_errors(outcome.errors)))
    metrics.count_ingested(name, kind, result.counts)


def _routing_problem(line: FileLine, source_name: str | None, entity_type: str | None) -> str:
    record = line.record
    if source_name is None and not isinstance(record.get("source"), str):
        return "no source: give --source or a `source` field"
    if entity_type is None:
        kind = record.get("entity_type")
        if not isinstance(kind, str):
            return "no entity type: give --type or an `entity_type` field"
        try:
            schema_for(kind)
        except MdmError as error:
            return error.detail
    return ""


def format_errors(errors: dict | None, prefix: str = "") -> str:
    """Field errors as one readable line: `email: Not a valid string.; address.city: …`."""
    parts = []
    for name, messages in (errors or {}).items():
        if isinstance(messages, dict):
            parts.append(format_errors(messages, f"{prefix}{name}."))
        else:
            parts.append(f"{prefix}{name}: {' '.join(str(m) for m in messages)}")
    return "; ".join(parts)
