"""Junk values: identifiers shared by many unrelated records, and obvious dummies.

A shop's own landline typed into 300 profiles, ``noemail@mail.ru`` or a loyalty
card ``0000000`` would put unrelated customers in one block and make them agree.
Such values are dropped from the match view and reported in ``invalid``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

DEFAULT_MIN_DISTINCT_OWNERS = 5
# Local parts people type when a form insists on an e-mail they will not give.
_DUMMY_EMAIL_LOCAL_PARTS = frozenset({
    "noemail", "no-email", "no_email", "nomail", "no-mail", "none", "no", "null", "nil", "na",
    "test", "test1", "test123", "example", "nobody", "noreply", "no-reply", "donotreply",
    "unknown", "empty", "email", "mail", "xxx", "asdf", "qwerty", "123", "1234", "123456",
    "a", "aa", "aaa", "нет", "net", "ne-pomnu", "nopochta",
})
_DUMMY_EMAIL_DOMAINS = frozenset({"example.com", "example.org", "example.net", "test.com",
                                  "test.ru", "test.test", "no.ru", "none.ru", "noemail.ru"})
_MIN_CARD_DIGITS = 4


@dataclass(frozen=True)
class JunkValues:
    """Standardised values known to be junk, per field (phones in E.164, GTIN-14...)."""

    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    loyalty_cards: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()  # AddressView.key values
    gtins: frozenset[str] = frozenset()

    def union(self, other: JunkValues) -> JunkValues:
        """A JunkValues holding the values of both."""
        return JunkValues(**{
            f.name: getattr(self, f.name) | getattr(other, f.name) for f in fields(self)
        })


JUNK_FIELDS = frozenset(f.name for f in fields(JunkValues))


def detect_junk(
    values_by_field: Mapping[str, Iterable[tuple[str, str]]],
    *,
    min_distinct_owners: int = DEFAULT_MIN_DISTINCT_OWNERS,
) -> JunkValues:
    """The values that at least `min_distinct_owners` unrelated owners share, per field.

    `values_by_field` maps a JunkValues field name ("phones", "emails", ...) to
    (standardised value, owner evidence) pairs; the evidence tells owners apart:
    the surname stem for customers (a family shares a phone, a shop's landline
    collects many surnames), the brand for GTINs. Empty evidence is not counted.
    Unknown field names raise ValueError.

    >>> pairs = [("+74951234567", s) for s in ("ivanov", "petrov", "sidorov", "kuznetsov", "orlov")]
    >>> pairs += [("+79123456789", "ivanov")] * 7
    >>> detect_junk({"phones": pairs}).phones
    frozenset({'+74951234567'})
    """
    counts: dict[str, dict[str, int]] = {}
    for field_name, pairs in values_by_field.items():
        owners: dict[str, set[str]] = defaultdict(set)
        for value, evidence in pairs:
            if value and evidence:
                owners[value].add(evidence)
        counts[field_name] = {value: len(seen) for value, seen in owners.items()}
    return junk_from_owner_counts(counts, min_distinct_owners=min_distinct_owners)


def junk_from_owner_counts(
    owner_counts_by_field: Mapping[str, Mapping[str, int]],
    *,
    min_distinct_owners: int = DEFAULT_MIN_DISTINCT_OWNERS,
) -> JunkValues:
    """The values whose count of distinct owners reaches `min_distinct_owners`, per field.

    The same rule as `detect_junk` for counts the store computes itself, such as
    `SELECT phone, COUNT(DISTINCT last_name_stem) ... GROUP BY phone`.

    >>> junk_from_owner_counts({"emails": {"noreply@shop.ru": 40, "yulia@mail.ru": 1}}).emails
    frozenset({'noreply@shop.ru'})
    """
    unknown = set(owner_counts_by_field) - JUNK_FIELDS
    if unknown:
        raise ValueError(f"not junk fields: {sorted(unknown)}")
    return JunkValues(**{
        field_name: frozenset(v for v, owners in counts.items() if owners >= min_distinct_owners)
        for field_name, counts in owner_counts_by_field.items()
    })


def is_dummy_email(email: str) -> bool:
    """True for a placeholder address (noemail@mail.ru, test@test.ru), standardised or not.

    >>> is_dummy_email("noemail@mail.ru"), is_dummy_email("yulia.ivanova@mail.ru")
    (True, False)
    """
    local, _, domain = email.lower().rpartition("@")
    return local in _DUMMY_EMAIL_LOCAL_PARTS or domain in _DUMMY_EMAIL_DOMAINS


def is_dummy_digits(digits: str) -> bool:
    """True for a number anyone could type: one repeated digit, 123456... or 987654...

    >>> [is_dummy_digits(d) for d in ("0000000", "1111111", "123456", "9876543", "4607123")]
    [True, True, True, True, False]
    """
    if len(set(digits)) <= 1:
        return True
    # Only runs from the start of the keypad: 3456789 is a real subscriber number.
    return "01234567890".startswith(digits) or "1234567890".startswith(digits) or (
        "9876543210".startswith(digits)
    )


def is_dummy_phone(e164: str) -> bool:
    """True when the subscriber part (last 7 digits) of an E.164 phone is a dummy.

    >>> [is_dummy_phone(p) for p in ("+79111111111", "+79121234567", "+79123456789")]
    [True, True, False]
    """
    return is_dummy_digits(e164[-7:])


def is_dummy_card(card: str) -> bool:
    """True for a loyalty card number that is too short or a dummy run of digits.

    >>> is_dummy_card("0000000"), is_dummy_card("2900012345678")
    (True, False)
    """
    return len(card) < _MIN_CARD_DIGITS or is_dummy_digits(card)
