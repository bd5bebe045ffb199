"""Reads of the review queue: open tasks in priority order, and what a task page shows."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from mdm.models import GoldenRecord, ReviewTask, Source, SourceRecord, Xref

HIDDEN_FIELDS = frozenset({"source_key", "source", "entity_type"})


@dataclass(frozen=True)
class QueueFilter:
    """Which open tasks a steward works on; empty fields do not filter."""

    entity_type: str = ""
    source: str = ""
    older_than_days: int | None = None

    @classmethod
    def from_args(cls, args) -> QueueFilter:
        """Return the filter read from query or form arguments (unknown values are ignored)."""
        days = args.get("older_than_days", "")
        return cls(args.get("entity_type", ""), args.get("source", ""),
                   int(days) if days.isdigit() else None)

    def as_args(self) -> dict[str, Any]:
        """Return the filter as URL arguments, leaving out empty ones."""
        args = {"entity_type": self.entity_type, "source": self.source,
                "older_than_days": self.older_than_days}
        return {name: value for name, value in args.items() if value not in ("", None)}


def open_tasks_query(queue_filter: QueueFilter, *, now: dt.datetime) -> Select:
    """Return the query of open review tasks, highest priority first, oldest first on ties."""
    query = select(ReviewTask).where(ReviewTask.status == "open")
    if queue_filter.entity_type:
        query = query.where(ReviewTask.entity_type == queue_filter.entity_type)
    if queue_filter.older_than_days is not None:
        query = query.where(ReviewTask.created_at
                            <= now - dt.timedelta(days=queue_filter.older_than_days))
    if queue_filter.source:
        in_source = (select(SourceRecord.id).join(Source)
                     .where(Source.name == queue_filter.source))
        query = query.where(or_(ReviewTask.left_record_id.in_(in_source),
                                ReviewTask.right_record_id.in_(in_source)))
    return query.order_by(ReviewTask.priority.desc(), ReviewTask.created_at, ReviewTask.id)


@dataclass(frozen=True)
class QueueRow:
    task: ReviewTask
    left: SourceRecord
    right: SourceRecord


def list_open_tasks(session: Session, queue_filter: QueueFilter, *, now: dt.datetime,
                    page: int = 0, page_size: int = 50) -> list[QueueRow]:
    """Return one page of open tasks with both of their source records."""
    left, right = aliased(SourceRecord), aliased(SourceRecord)
    tasks = open_tasks_query(queue_filter, now=now).subquery()
    task = aliased(ReviewTask, tasks)
    rows = session.execute(
        select(task, left, right).join(left, left.id == task.left_record_id)
        .join(right, right.id == task.right_record_id)
        .order_by(task.priority.desc(), task.created_at, task.id)
        .offset(page * page_size).limit(page_size))
    return [QueueRow(*row) for row in rows]


def next_open_task_id(session: Session, queue_filter: QueueFilter, *,
                      now: dt.datetime) -> uuid.UUID | None:
    """Return the id of the open task a steward should decide next, or None when none is left."""
    return session.scalar(open_tasks_query(queue_filter, now=now)
                          .with_only_columns(ReviewTask.id).limit(1))


def flatten(payload: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Return the payload with nested objects as dotted fields (address.city)."""
    flat: dict[str, Any] = {}
    for name, value in payload.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{name}."))
        elif f"{prefix}{name}" not in HIDDEN_FIELDS:
            flat[f"{prefix}{name}"] = value
    return flat


@dataclass(frozen=True)
class CompareRow:
    """One field of the side-by-side view, with the matcher's level and weight if it compared it."""

    name: str
    left: Any
    right: Any
    level: str | None = None
    weight: float | None = None

    @property
    def agrees(self) -> bool:
        """Return whether both sides hold a value and the values are equal (ignoring case)."""
        return self.left not in (None, "") and self.right not in (None, "") and not self.differs

    @property
    def differs(self) -> bool:
        """Return whether both sides hold a value and the values are not equal."""
        return self.left not in (None, "") and self.right not in (None, "") and (
            str(self.left).strip().casefold() != str(self.right).strip().casefold())


@dataclass
class TaskPage:
    task: ReviewTask
    left: SourceRecord
    right: SourceRecord
    goldens: dict[uuid.UUID, GoldenRecord] = field(default_factory=dict)
    golden_of: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    rows: list[CompareRow] = field(default_factory=list)


def compare_rows(left: dict[str, Any], right: dict[str, Any],
                 explanation: dict[str, Any]) -> list[CompareRow]:
    """Return the side-by-side rows of two payloads, each with its comparison's level and weight."""
    weights = {item["field"]: item for item in explanation.get("fields", ())}
    flat_left, flat_right = flatten(left), flatten(right)
    names = list(dict.fromkeys([*flat_left, *flat_right]))
    rows = []
    for name in names:
        compared = weights.get(name) or weights.get(name.split(".")[0]) or {}
        rows.append(CompareRow(name, flat_left.get(name), flat_right.get(name),
                               compared.get("level"), compared.get("weight")))
    return rows


def task_page(session: Session, task_id: uuid.UUID) -> TaskPage | None:
    """Return everything the task page shows, or None when there is no such task."""
    task = session.get(ReviewTask, task_id)
    if task is None:
        return None
    left = session.get(SourceRecord, task.left_record_id)
    right = session.get(SourceRecord, task.right_record_id)
    page = TaskPage(task, left, right, rows=compare_rows(left.payload, right.payload,
                                                          task.explanation or {}))
    page.golden_of = dict(session.execute(select(Xref.source_record_id, Xref.golden_id).where(
        Xref.source_record_id.in_([left.id, right.id]))).all())
    page.goldens = {golden.id: golden for golden in session.scalars(
        select(GoldenRecord).where(GoldenRecord.id.in_(set(page.golden_of.values()))))}
    return page
