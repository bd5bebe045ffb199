"""Match decisions: record a not-a-match, list what was decided."""

from __future__ import annotations

from flask_smorest import Blueprint

from mdm import stewardship
from mdm.api import schemas
from mdm.api.auth import current_principal
from mdm.api.golden import actor
from mdm.extensions import db
from mdm.models import utcnow
from mdm.store.golden_reads import list_decisions

blp = Blueprint("decisions", __name__, description="Match decisions (audited, kept forever).")


@blp.post("/decisions/not-a-match")
@blp.arguments(schemas.NotAMatchArgs)
@blp.response(201, schemas.NotAMatchResultSchema)
def not_a_match(args):
    """Two source records never belong together; splits them when they share a golden record."""
    split = stewardship.mark_not_a_match(db.session, args["left_record_id"],
                                         args["right_record_id"], actor=actor(),
                                         reason=args["reason"], now=utcnow())
    db.session.commit()
    return {"split_off": [str(g) for g in split]}


@blp.get("/decisions")
@blp.arguments(schemas.DecisionListArgs, location="query")
@blp.response(200, schemas.DecisionSchema(many=True))
def list_all(args):
    """Match decisions, newest first; filter by kind and entity type."""
    current_principal("read")
    return list_decisions(db.session, kind=args.get("kind"),
                          entity_type=args.get("entity_type"), limit=args["limit"])
