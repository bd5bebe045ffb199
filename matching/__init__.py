"""Pure matching core: standardise raw records, block, compare, classify.

Plain data in, plain data out: no Flask, no SQL, no clock, no environment.
"""

class MatchingError(Exception):
    """Base of every error the matching core raises."""
