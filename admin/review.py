"""The review queue: stewards decide doubtful matches one by one (keyboard first) or in bulk."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user

from admin.auth import StewardView
from admin.queue import QueueFilter, list_open_tasks, next_open_task_id, task_page
from admin.transactions import commit_or_flash
from mdm import stewardship
from mdm.extensions import db
from mdm.models import MATCHED_ENTITY_TYPES, utcnow
from mdm.sources import list_sources

DECISIONS = ("merge", "not_a_match", "skip")
PAGE_SIZE = 50


class ReviewQueueView(StewardView):
    @expose("/")
    def index(self):
        queue_filter = QueueFilter.from_args(request.args)
        page = max(request.args.get("page", 0, type=int), 0)
        rows = list_open_tasks(db.session, queue_filter, now=utcnow(), page=page,
                               page_size=PAGE_SIZE)
        return self.render("admin/review_queue.html", rows=rows, filter=queue_filter,
                           page=page, page_size=PAGE_SIZE, entity_types=MATCHED_ENTITY_TYPES,
                           sources=list_sources(db.session))

    @expose("/task/<uuid:task_id>")
    def task_view(self, task_id: uuid.UUID):
        page = task_page(db.session, task_id)
        if page is None:
            abort(404)
        return self.render("admin/review_task.html", page=page,
                           filter=QueueFilter.from_args(request.args))

    @expose("/task/<uuid:task_id>/decide", methods=("POST",))
    def decide_view(self, task_id: uuid.UUID):
        self.require_role("steward")
        queue_filter = QueueFilter.from_args(request.form)
        if not self._decide(task_id, _decision_from_form(), request.form.get("comment", "")):
            return redirect(url_for(".task_view", task_id=task_id, **queue_filter.as_args()))
        return self._open_next(queue_filter)

    @expose("/bulk", methods=("POST",))
    def bulk_view(self):
        self.require_role("steward")
        decision = _decision_from_form()
        task_ids = [uuid.UUID(value) for value in request.form.getlist("task_id")]
        decided = sum(self._decide(task_id, decision, request.form.get("comment", ""))
                      for task_id in task_ids)
        flash(_("%(count)s of %(total)s tasks decided.", count=decided, total=len(task_ids)),
              "success" if decided == len(task_ids) else "warning")
        return redirect(url_for(".index", **QueueFilter.from_args(request.form).as_args()))

    def _decide(self, task_id: uuid.UUID, decision: str, comment: str) -> bool:
        return commit_or_flash(lambda: stewardship.decide_review_task(
            db.session, task_id, decision, actor=current_user.username, comment=comment,
            now=utcnow()) or True) is not None

    def _open_next(self, queue_filter: QueueFilter):
        next_id = next_open_task_id(db.session, queue_filter, now=utcnow())
        if next_id is None:
            flash(_("The review queue is empty. Well done!"), "success")
            return redirect(url_for(".index", **queue_filter.as_args()))
        return redirect(url_for(".task_view", task_id=next_id, **queue_filter.as_args()))


def _decision_from_form() -> str:
    decision = request.form.get("decision", "")
    if decision not in DECISIONS:
        abort(400)
    return decision
