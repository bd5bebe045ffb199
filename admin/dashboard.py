"""The dashboard: volumes, decisions over time, the review queue's size and age, data quality."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask_admin import expose
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from admin.auth import StewardIndexView
from admin.quality import SAMPLE_SIZE, data_quality
from mdm.extensions import db
from mdm.models import GoldenRecord, MatchDecision, ReviewTask, Source, SourceRecord, utcnow

DECISION_DAYS = 30
AGE_BUCKETS = ((1, "< 1 d"), (7, "1–7 d"), (30, "7–30 d"), (None, "> 30 d"))


def records_per_source(session: Session) -> dict[str, dict[str, int]]:
    """Return source name → entity type → number of source records."""
    rows = session.execute(
        select(Source.name, SourceRecord.entity_type, func.count())
        .join(SourceRecord, SourceRecord.source_id == Source.id)
        .group_by(Source.name, SourceRecord.entity_type).order_by(Source.name))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for source, entity_type, count in rows:
        counts[source][entity_type] = count
    return dict(counts)


def golden_counts(session: Session) -> dict[str, int]:
    """Return entity type → number of active golden records."""
    return dict(session.execute(
        select(GoldenRecord.entity_type, func.count()).where(GoldenRecord.status == "active")
        .group_by(GoldenRecord.entity_type)).all())


def decisions_per_day(session: Session, *, now: dt.datetime) -> dict[str, dict[str, int]]:
    """Return day (ISO) → decision kind → count, for the last DECISION_DAYS days."""
    day = func.date(MatchDecision.created_at)
    rows = session.execute(
        select(day, MatchDecision.kind, func.count())
        .where(MatchDecision.created_at >= now - dt.timedelta(days=DECISION_DAYS))
        .group_by(day, MatchDecision.kind).order_by(day))
    per_day: dict[str, dict[str, int]] = defaultdict(dict)
    for when, kind, count in rows:
        per_day[str(when)][kind] = count
    return dict(per_day)


def queue_age(session: Session, *, now: dt.datetime) -> dict[str, int]:
    """Return age bucket label → number of open review tasks."""
    whens = [(ReviewTask.created_at > now - dt.timedelta(days=days), label)
             for days, label in AGE_BUCKETS if days is not None]
    bucket = case(*whens, else_=AGE_BUCKETS[-1][1])
    counts = dict(session.execute(select(bucket, func.count()).where(
        ReviewTask.status == "open").group_by(bucket)).all())
    return {label: counts.get(label, 0) for _days, label in AGE_BUCKETS}


def dashboard_figures(session: Session, *, now: dt.datetime) -> dict:
    """Return every figure the dashboard shows, as JSON-ready data."""
    return {
        "records": records_per_source(session),
        "golden": golden_counts(session),
        "decisions": decisions_per_day(session, now=now),
        "queue_age": queue_age(session, now=now),
        "quality": data_quality(session),
    }


def _series(table: dict[str, dict[str, int]], labels: list[str]) -> list[dict]:
    """Return one chart series per inner key of `table`, aligned with `labels`."""
    names = sorted({name for row in table.values() for name in row})
    return [{"label": name, "values": [table.get(label, {}).get(name, 0) for label in labels]}
            for name in names]


def chart_data(figures: dict) -> dict:
    """Return the dashboard's charts as labels and series, the shape dashboard.js draws."""
    sources = sorted(figures["records"])
    days = sorted(figures["decisions"])
    refusals = {f"{q.source} / {q.entity_type}": q.refusals_by_reason()
                for q in figures["quality"]}
    return {
        "records": {"labels": sources, "series": _series(figures["records"], sources)},
        "decisions": {"labels": days, "series": _series(figures["decisions"], days)},
        "queue_age": {"labels": list(figures["queue_age"]), "series": [
            {"label": "open", "values": list(figures["queue_age"].values())}]},
        "refusals": {"labels": list(refusals), "series": _series(refusals, list(refusals))},
    }


class DashboardView(StewardIndexView):
    @expose("/")
    def index(self):
        figures = dashboard_figures(db.session, now=utcnow())
        return self.render("admin/dashboard.html", figures=figures, charts=chart_data(figures),
                           open_tasks=sum(figures["queue_age"].values()), sample_size=SAMPLE_SIZE)
