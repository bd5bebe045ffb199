"""Source record pages: every raw record as received, its versions, its match view, its golden."""

from __future__ import annotations

import dataclasses
import json
import uuid

from flask import abort, url_for
from flask_admin import expose
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.auth import StewardModelView
from admin.quality import STANDARDISERS
from mdm.extensions import db
from mdm.models import MatchKey, SourceRecord, SourceRecordVersion, Xref


def pretty_json(value) -> str:
    """Return `value` as indented JSON text, Cyrillic kept readable."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def match_view_of(record: SourceRecord) -> dict | None:
    """Return the standardised match view the matcher compares for `record`, or None."""
    standardise = STANDARDISERS.get(record.entity_type)
    if standardise is None:
        return None
    view = standardise(record.payload, record_id=str(record.id), source=record.source.name)
    return dataclasses.asdict(view)


def record_page_data(session: Session, record_id: uuid.UUID) -> dict | None:
    """Return what the source record page shows, or None when there is no such record."""
    record = session.get(SourceRecord, record_id)
    if record is None:
        return None
    versions = session.scalars(select(SourceRecordVersion)
                               .where(SourceRecordVersion.source_record_id == record_id)
                               .order_by(SourceRecordVersion.version.desc())).all()
    match_keys = session.scalars(select(MatchKey.key).where(
        MatchKey.source_record_id == record_id).order_by(MatchKey.key)).all()
    golden_id = session.scalar(select(Xref.golden_id).where(Xref.source_record_id == record_id))
    return {"record": record, "versions": versions, "match_keys": match_keys,
            "match_view": match_view_of(record), "golden_id": golden_id}


def _link_to_record(view, context, model, name) -> Markup:
    # Markup of an escaped value: url_for and the key are escaped by Jinja's rules.
    return Markup('<a href="{}">{}</a>').format(
        url_for(".record_view", record_id=model.id), model.source_key)


class SourceRecordView(StewardModelView):
    can_view_details = False
    column_list = ("source.name", "entity_type", "source_key", "version", "updated_at",
                   "received_at")
    column_labels = {"source.name": "Source"}
    column_filters = ("source.name", "entity_type")
    column_searchable_list = ("source_key",)
    column_default_sort = ("received_at", True)
    column_formatters = {"source_key": _link_to_record}

    @expose("/record/<uuid:record_id>")
    def record_view(self, record_id: uuid.UUID):
        data = record_page_data(db.session, record_id)
        if data is None:
            abort(404)
        return self.render("admin/source_record.html", pretty_json=pretty_json, **data)
