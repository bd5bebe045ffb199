"""Pure golden-record core: survivorship, lineage, merge, unmerge, history, erasure.

Plain data in, plain data out: no Flask, no SQL, no clock, no environment. Every
operation takes the current state and returns the new state plus the events it
causes; `mdm` stores both in one transaction.
"""


class GoldenRecordError(Exception):
    """Base of every error the golden-record core raises."""
