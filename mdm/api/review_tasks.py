"""The stewards' review queue: list tasks by priority, decide one."""

from __future__ import annotations

from flask_smorest import Blueprint

from mdm import stewardship
from mdm.api import schemas
from mdm.api.auth import current_principal
from mdm.api.golden import actor
from mdm.extensions import db
from mdm.models import utcnow
from mdm.store.golden_reads import list_review_tasks, review_task_or_404

blp = Blueprint("review_tasks", __name__, description="Review tasks for stewards.")


@blp.get("/review-tasks")
@blp.arguments(schemas.ReviewTaskArgs, location="query")
@blp.response(200, schemas.ReviewTaskSchema(many=True))
def list_tasks(args):
    """Review tasks of a status (default open), highest priority first."""
    current_principal("read")
    return list_review_tasks(db.session, status=args["status"],
                             entity_type=args.get("entity_type"), limit=args["limit"])


@blp.post("/review-tasks/<string:task_id>/decision")
@blp.arguments(schemas.DecisionArgs)
@blp.response(200, schemas.ReviewTaskSchema)
def decide(args, task_id: str):
    """Decide a task: merge, not_a_match or skip (409 when it was decided already)."""
    stewardship.decide_review_task(db.session, task_id, args["decision"], actor=actor(),
                                   comment=args["comment"], now=utcnow())
    db.session.commit()
    return review_task_or_404(db.session, task_id)
