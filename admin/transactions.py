"""One transaction per admin action: commit what a service did, or say why it could not."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash

from mdm.errors import MdmError
from mdm.extensions import db

T = TypeVar("T")


def commit_or_flash(action: Callable[[], T]) -> T | None:
    """Return what `action` returned, committed; on an mdm error roll back, flash it, return None.

    Domain errors are what a steward needs to read (a stale version, a record changed meanwhile),
    so they become a message on the next page instead of an error page.
    """
    try:
        result = action()
    except MdmError as error:
        db.session.rollback()
        flash(error.detail, "error")
        return None
    db.session.commit()
    return result
