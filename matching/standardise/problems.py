"""Refused values of one record, and reading raw fields so that wrong types are refused."""

from __future__ import annotations

from collections.abc import Mapping

from matching.standardise.junk import JunkValues

NO_JUNK = JunkValues()
# Longer values are not names or identifiers; refusing them keeps the caches small.
MAX_FIELD_CHARS = 500


class Problems(list):
    """The `invalid` entries of one record, as "field:reason:value"."""

    def add(self, field: str, reason: str, value: object) -> None:
        """Records that `value` of `field` was refused for `reason`."""
        self.append(f"{field}:{reason}:{str(value)[:100]}")


def text_field(raw: Mapping, field: str, problems: Problems, label: str = "") -> str | None:
    """The stripped string in `raw[field]`, or None when missing, empty or not a string.

    Refusals are reported under `label` + `field` ("address." + "city").
    """
    value = raw.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(label + field, "wrong_type", type(value).__name__)
        return None
    if len(value) > MAX_FIELD_CHARS:
        problems.add(label + field, "too_long", len(value))
        return None
    return value.strip() or None
