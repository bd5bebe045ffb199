"""`mdm ingest`: stream files into the store in chunks, one transaction per chunk."""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from matching.standardise import clear_value_caches
from mdm import ingest, metrics
from mdm.collector import BULK_GC_THRESHOLDS, rare_collections
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


# From this much input on, the next chunks are prepared in a worker process (the second core):
# starting it costs about a second, which a small file would not win back.
PREPARE_AHEAD_MIN_BYTES = 4 * 2**20
# Chunks prepared ahead of the one being stored: enough to keep the worker busy, few enough
# that memory stays flat whatever the size of the file.
CHUNKS_AHEAD = 2
# Both processes empty the standardisers' value caches every this many chunks: they
# fill with the values of the records seen (a few hundred bytes each, up to their bounds of
# 65,536 and 262,144 entries), so memory grew with the file. The values a cache is for, a
# record's phone standardised for its view and again for its golden record, are reused
# within a chunk.
CHUNKS_PER_CACHE = 20


def ingest_files(session: Session, paths: Iterable[Path], *, source_name: str | None,
                 entity_type: str | None, chunk_size: int = 1000,
                 on_progress: Callable[[int], None] = lambda _: None,
                 clock: Callable[[], dt.datetime] = utcnow,
                 prepare_ahead: bool | None = None) -> FileIngestSummary:
    """Ingest every record of `paths`; bad lines are reported, the rest stored.

    Lines wait in one buffer per (source, entity type) and go to `ingest.ingest_prepared`
    `chunk_size` at a time, one transaction each: a file mixing six channels still makes
    chunks of full size. At most one buffer per pair is held, so memory does not grow with
    the file.

    With `prepare_ahead` (default: for inputs of `PREPARE_AHEAD_MIN_BYTES` or more), a worker
    process validates, hashes and standardises the next chunks while this process stores and
    matches the current one. Chunks are still stored one after another in the same order, so
    the outcomes and matching decisions are those of the sequential run.
    """
    if entity_type is not None:
        schema_for(entity_type)
    paths = list(paths)
    if prepare_ahead is None:
        prepare_ahead = sum(path.stat().st_size for path in paths) >= PREPARE_AHEAD_MIN_BYTES
    summary = FileIngestSummary()
    chunks = _chunks(paths, source_name, entity_type, chunk_size, summary, on_progress)
    statistics = _PlannerStatistics(session)
    with rare_collections(), _preparation(prepare_ahead) as prepared_chunks:
        for number, (group, lines, prepared) in enumerate(prepared_chunks(chunks), start=1):
            if number % CHUNKS_PER_CACHE == 0:
                # Here too: members of golden records are standardised again when rebuilt.
                clear_value_caches()
            _ingest_group(session, group, lines, prepared, summary, clock())
            statistics.after_chunk(summary.counts["created"])
    # Rejections come back by buffer; report them in file and line order.
    file_order = {str(path): index for index, path in enumerate(paths)}
    summary.rejections.sort(key=lambda r: (file_order.get(r.path, 0), r.line))
    return summary


Chunk = tuple[tuple[str, str], list[FileLine]]


def _chunks(paths: list[Path], source_name: str | None, entity_type: str | None,
            chunk_size: int, summary: FileIngestSummary,
            on_progress: Callable[[int], None]) -> Iterator[Chunk]:
    """Routed lines in chunks of one (source, entity type), full ones first, in file order."""
    pending: dict[tuple[str, str], list[FileLine]] = defaultdict(list)
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for line in _tracked(read_records(path, handle), handle, on_progress):
                group = _route(line, source_name, entity_type, summary)
                if group is None:
                    continue
                pending[group].append(line)
                if len(pending[group]) >= chunk_size:
                    yield group, pending.pop(group)
    yield from pending.items()


@contextmanager
def _preparation(ahead: bool) -> Iterator[Callable[[Iterable[Chunk]], Iterator[tuple]]]:
    """A function turning chunks into (group, lines, prepared records), here or ahead."""
    if not ahead:
        yield lambda chunks: ((group, lines, _prepare_chunk(group, _records(lines), False))
                              for group, lines in chunks)
        return
    # spawn, not fork: the worker must not inherit this process's database connections.
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"),
                             initializer=gc.set_threshold,
                             initargs=BULK_GC_THRESHOLDS) as pool:
        yield lambda chunks: _prepared_ahead(pool, chunks)


def _prepared_ahead(pool: ProcessPoolExecutor, chunks: Iterable[Chunk]) -> Iterator[tuple]:
    waiting: deque[tuple] = deque()
    for number, (group, lines) in enumerate(chunks, start=1):
        fresh_caches = number % CHUNKS_PER_CACHE == 0
        waiting.append((group, lines, pool.submit(_prepare_chunk, group, _records(lines), True,
                                                  fresh_caches)))
        if len(waiting) > CHUNKS_AHEAD:
            group, lines, future = waiting.popleft()
            yield group, lines, future.result()
    while waiting:
        group, lines, future = waiting.popleft()
        yield group, lines, future.result()


def _records(lines: list[FileLine]) -> list[dict]:
    return [line.record for line in lines]


def _prepare_chunk(group: tuple[str, str], records: list[dict], standardise: bool,
                   fresh_caches: bool = False) -> list[ingest.PreparedRecord]:
    if fresh_caches:
        clear_value_caches()
    source_name, kind = group
    return ingest.prepare_records(kind, source_name, records, standardise=standardise)


class _PlannerStatistics:
    """Refreshes PostgreSQL's table statistics each time the ingested records double.

    A bulk load into a fresh database outruns autovacuum: the planner still believes
    `match_keys` nearly empty and walks every key of the entity type instead of seeking the
    chunk's keys (a second per candidate query at 30,000 records). SQLite plans by its indexes
    and needs nothing.
    """

    TABLES = ("source_records", "match_keys", "match_views", "xref")
    FIRST_AT = 1000

    def __init__(self, session: Session) -> None:
        self.session = session
        self.enabled = session.get_bind().dialect.name == "postgresql"
        self.next_at = self.FIRST_AT

    def after_chunk(self, created: int) -> None:
        if not self.enabled or created < self.next_at:
            return
        self.session.execute(text(f"ANALYZE {', '.join(self.TABLES)}"))
        self.session.commit()
        self.next_at = created * 2


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
                  prepared: list[ingest.PreparedRecord], summary: FileIngestSummary,
                  now: dt.datetime) -> None:
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
    result = ingest.ingest_prepared(session, source, kind, prepared, now=now)
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
