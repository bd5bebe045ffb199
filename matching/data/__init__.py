"""Reference data the standardisers ship: name lists, aliases, abbreviations (CSV)."""

from __future__ import annotations

import csv
import io
from importlib import resources


def read_rows(filename: str) -> list[dict[str, str]]:
    """The rows of the CSV file `filename` in this package, as dicts keyed by its header."""
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))
