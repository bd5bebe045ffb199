"""The background worker of the Procfile: runs the periodic jobs in a loop."""

from __future__ import annotations

import logging
import signal
import time

from sqlalchemy.orm import Session

from mdm.publish.outbox import sequence_events

log = logging.getLogger(__name__)

JOBS = (("sequence change feed", sequence_events),)


def run(session: Session, *, once: bool = False, interval: float = 1.0) -> None:
    """Run every job until SIGTERM/SIGINT (or once); a failing job is logged and retried."""
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        busy = run_round(session)
        if once:
            return
        if not busy:
            time.sleep(interval)


def run_round(session: Session) -> bool:
    """One pass over the jobs; True when any of them found work."""
    busy = False
    for name, job in JOBS:
        try:
            busy = bool(job(session)) or busy
        except Exception:  # a worker must outlive one bad round; the log keeps the trace
            session.rollback()
            log.exception("job %r failed; retrying next round", name)
    return busy
