"""Product records → ProductView: GTIN-14, canonical brand, parsed title and attributes."""

from __future__ import annotations

from collections.abc import Mapping

from matching.standardise.brands import standardise_brand
from matching.standardise.gtins import standardise_gtin
from matching.standardise.junk import JunkValues, is_dummy_digits
from matching.standardise.problems import NO_JUNK, Problems, text_field
from matching.standardise.text import clean_text
from matching.standardise.titles import parse_title
from matching.views import ProductView


def standardise_product(
    raw: Mapping, *, record_id: str, source: str, junk: JunkValues | None = None
) -> ProductView:
    """The match view of a raw product record (DESIGN.md's record contract).

    A GTIN failing its check digit is kept only in `gtin_invalid`; `junk` GTINs
    are dropped. Refused values go to `invalid` as "field:reason:value".

    >>> view = standardise_product(
    ...     {"gtin": "4607123456781", "brand": "Боржоми", "title": "Вода Боржоми 6 x 0,5 л"},
    ...     record_id="7", source="marketplace_ozon")
    >>> view.gtin, view.brand, view.title_tokens, view.quantity.amount, view.pack_count
    ('04607123456781', 'borjomi', ('voda',), 500.0, 6)
    """
    problems = Problems()
    if not isinstance(raw, Mapping):
        problems.add("record", "wrong_type", type(raw).__name__)
        return ProductView(record_id=record_id, source=source, invalid=tuple(problems))
    gtin, gtin_invalid = _gtin(raw, junk or NO_JUNK, problems)
    brand = standardise_brand(text_field(raw, "brand", problems))
    title = text_field(raw, "title", problems)
    attributes = raw.get("attributes")
    if attributes is not None and not isinstance(attributes, Mapping):
        problems.add("attributes", "wrong_type", type(attributes).__name__)
        attributes = None
    tokens, quantity, pack_count, color, size = parse_title(title, attributes, brand=brand)
    category = text_field(raw, "category", problems)
    return ProductView(
        record_id=record_id,
        source=source,
        gtin=gtin,
        gtin_invalid=gtin_invalid,
        brand=brand,
        title_tokens=tokens,
        title=clean_text(title) if title else None,
        category=clean_text(category) if category else None,
        quantity=quantity,
        pack_count=pack_count,
        color=color,
        size=size,
        invalid=tuple(problems),
    )


def product_holds_junk(view: ProductView, junk: JunkValues) -> bool:
    """True when `view`, standardised without `junk`, kept a GTIN that `junk` would drop."""
    return view.gtin is not None and view.gtin in junk.gtins


def _gtin(raw: Mapping, junk: JunkValues, problems: Problems) -> tuple[str | None, str | None]:
    value = raw.get("gtin")
    # Channels send a GTIN as a JSON number too; leading zeros are lost, the check digit is not.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    gtin, gtin_invalid = standardise_gtin(text_field({"gtin": value}, "gtin", problems))
    if gtin_invalid is not None:
        problems.add("gtin", "invalid", gtin_invalid)
    # 00000000000000 passes the check digit; the body before it tells a dummy.
    if gtin is not None and (is_dummy_digits(gtin.lstrip("0")[:-1] or "0") or gtin in junk.gtins):
        problems.add("gtin", "junk", gtin)
        return None, None
    return gtin, gtin_invalid
