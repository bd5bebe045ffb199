"""The golden record page: values with lineage, pins, members with Unmerge, history, search."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.auth import StewardView
from admin.golden_search import search_golden
from admin.transactions import commit_or_flash
from golden_records.history import GoldenVersion, VersionDiff, diff
from mdm import stewardship
from mdm.extensions import db
from mdm.models import GoldenRecord, GoldenRecordVersion, SourceRecord, Xref, utcnow


@dataclass
class GoldenPage:
    golden: GoldenRecord
    members: list[SourceRecord] = field(default_factory=list)
    absorbed_ids: list[str] = field(default_factory=list)
    history: list[tuple[GoldenRecordVersion, VersionDiff | None]] = field(default_factory=list)

    def lineage_of(self, attribute: str) -> list[dict[str, Any]]:
        """Return the lineage entries of `attribute` as a list (one per value of an aggregate)."""
        entry = (self.golden.lineage or {}).get(attribute)
        return entry if isinstance(entry, list) else [entry] if entry else []

    def pinned(self) -> dict[str, dict[str, Any]]:
        """Return attribute → the steward's pin on it."""
        return {pin["attribute"]: pin for pin in self.golden.pins or []}


def _as_version(row: GoldenRecordVersion) -> GoldenVersion:
    return GoldenVersion(str(row.golden_id), row.version, row.attributes, {},
                         frozenset(row.member_ids or ()), row.recorded_at, row.cause, row.status)


def version_history(session: Session, golden_id: uuid.UUID) -> list[tuple]:
    """Return (version row, diff from the version before or None), newest first."""
    rows = session.scalars(select(GoldenRecordVersion).where(
        GoldenRecordVersion.golden_id == golden_id).order_by(GoldenRecordVersion.version)).all()
    versions = [_as_version(row) for row in rows]
    diffs = [None] + [diff(old, new) for old, new in zip(versions, versions[1:], strict=False)]
    return list(reversed(list(zip(rows, diffs, strict=True))))


def golden_page(session: Session, golden_id: uuid.UUID) -> GoldenPage | None:
    """Return everything the golden record page shows, or None when there is no such record."""
    golden = session.get(GoldenRecord, golden_id)
    if golden is None:
        return None
    members = session.scalars(select(SourceRecord).join(
        Xref, Xref.source_record_id == SourceRecord.id).where(Xref.golden_id == golden_id)
        .order_by(SourceRecord.received_at)).all()
    pointing_here = {str(i) for i in session.scalars(
        select(GoldenRecord.id).where(GoldenRecord.merged_into == golden_id))}
    absorbed = sorted(pointing_here | set(golden.absorbed_ids or ()))
    return GoldenPage(golden, list(members), absorbed, version_history(session, golden_id))


def parse_pin_value(text: str) -> Any:
    """Return the value a steward typed: JSON for lists and objects, else the text itself.

    >>> parse_pin_value('["+79123456789"]'), parse_pin_value("Юлия")
    (['+79123456789'], 'Юлия')
    """
    text = text.strip()
    if text[:1] in ("[", "{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass
    return text


class GoldenRecordView(StewardView):
    @expose("/")
    def index(self):
        query = request.args.get("q", "")
        return self.render("admin/golden_search.html", query=query,
                           results=search_golden(db.session, query))

    @expose("/<uuid:golden_id>")
    def record_view(self, golden_id: uuid.UUID):
        page = golden_page(db.session, golden_id)
        if page is None:
            abort(404)
        return self.render("admin/golden_record.html", page=page, json=json)

    @expose("/<uuid:golden_id>/pin", methods=("POST",))
    def pin_view(self, golden_id: uuid.UUID):
        self.require_role("steward")
        form = request.form
        return self._change(golden_id, lambda: stewardship.pin_attribute(
            db.session, golden_id, form["attribute"], parse_pin_value(form.get("value", "")),
            actor=current_user.username, reason=form.get("reason", ""),
            expected_version=_version(form), now=utcnow()))

    @expose("/<uuid:golden_id>/unpin", methods=("POST",))
    def unpin_view(self, golden_id: uuid.UUID):
        self.require_role("steward")
        form = request.form
        return self._change(golden_id, lambda: stewardship.unpin_attribute(
            db.session, golden_id, form["attribute"], actor=current_user.username,
            reason=form.get("reason", ""), expected_version=_version(form), now=utcnow()))

    @expose("/<uuid:golden_id>/unmerge", methods=("POST",))
    def unmerge_view(self, golden_id: uuid.UUID):
        self.require_role("steward")
        form = request.form
        return self._change(golden_id, lambda: stewardship.unmerge_records(
            db.session, golden_id, [uuid.UUID(form["record_id"])], actor=current_user.username,
            reason=form.get("reason", ""), expected_version=_version(form), now=utcnow()))

    def _change(self, golden_id: uuid.UUID, action):
        if commit_or_flash(lambda: action() or True):
            flash(_("Saved."), "success")
        return redirect(url_for(".record_view", golden_id=golden_id))


def _version(form) -> int | None:
    value = form.get("expected_version", "")
    return int(value) if value.isdigit() else None
