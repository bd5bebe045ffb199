"""Product records as each channel lists a true `Variant`: own titles, units, brand spellings
and GTIN forms.

The web shop and the app share a clean catalogue; marketplaces write long search-friendly
titles, sometimes a GTIN-14 and now and then a sibling variant's GTIN; the tills print short
upper-case names with abbreviations.
"""

from __future__ import annotations

import random
from typing import Any

from mdm.synthetic.catalogue import Variant, pick_form, wrong_check_digit
from mdm.synthetic.spelling import format_timestamp, random_instant
from mdm.synthetic.vocabulary import Vocabulary, below, pick

# Price of each channel relative to the shelf price (the app is 5 % cheaper).
_CHANNEL_PRICE = {"web_shop": 1.0, "mobile_app": 0.95, "marketplace_ozon": 0.92,
                  "marketplace_wb": 0.89, "pos_store": 1.02}
_RU_CLOTHING = {"XS": "42", "S": "44", "M": "46", "L": "50", "XL": "52", "XXL": "54"}


def product_record(source_key: str, *, gtin: str | None, brand: str | None, title: str,
                   category: str | None, attributes: dict[str, str | None], price: float,
                   updated_at: str) -> dict[str, Any]:
    """A product record with every contract key present."""
    return {"source_key": source_key, "gtin": gtin, "brand": brand, "title": title,
            "category": category, "attributes": attributes, "price": price, "currency": "RUB",
            "updated_at": updated_at}


def format_volume(ml: int, style: int) -> str:
    """A volume as channels write it: `0,5 л`, `500 мл`, `500ml`, `0.5L`.

    >>> [format_volume(500, style) for style in range(4)]
    ['0,5 л', '500 мл', '500ml', '0.5L']
    """
    litres = f"{ml / 1000:g}"
    return (f"{litres.replace('.', ',')} л", f"{ml} мл", f"{ml}ml", f"{litres}L")[style % 4]


def format_weight(grams: int, style: int) -> str:
    """A weight as channels write it: `1 кг`, `1000 г`, `1000g`, `1kg`.

    >>> [format_weight(250, style) for style in range(4)]
    ['0,25 кг', '250 г', '250g', '0.25kg']
    """
    kilos = f"{grams / 1000:g}"
    return (f"{kilos.replace('.', ',')} кг", f"{grams} г", f"{grams}g", f"{kilos}kg")[style % 4]


class ProductChannels:
    """Renders variants into the product records of each source, with per-source key counters."""

    def __init__(self, rng: random.Random, vocabulary: Vocabulary):
        self._rng, self._vocabulary = rng, vocabulary
        self._colors = dict(vocabulary.colors)
        self._counters: dict[str, int] = {}
        self._keys = {
            "web_shop": lambda n: f"SKU-{n:07d}", "mobile_app": lambda n: f"M{n:08d}",
            "marketplace_ozon": lambda n: str(150_000_000 + 7 * n),
            "marketplace_wb": lambda n: str(20_000_000 + n), "pos_store": lambda n: f"{n:09d}",
        }

    def render(self, variant: Variant, source: str) -> dict[str, Any]:
        """The record `source` sends for `variant`."""
        rng = self._rng
        self._counters[source] = count = self._counters.get(source, 0) + 1
        # Unit styles of format_volume/format_weight: each channel has its habit, WB sellers two.
        style = {"marketplace_ozon": 1, "marketplace_wb": 2 + below(rng, 2)}.get(source, 0)
        brand_forms = self._vocabulary.brands[variant.brand]["forms"]
        if source == "pos_store":
            title = self._till_title(variant, brand_forms[1])
            brand = pick(rng, (brand_forms[1], None))
            attributes = _attributes()
        else:
            shared_catalogue = source in ("web_shop", "mobile_app")
            brand = brand_forms[0] if shared_catalogue else pick_form(rng, brand_forms)
            title = self._title(variant, brand, source, style)
            attributes = self._attributes(variant, style)
        return product_record(
            self._keys[source](count), gtin=self._gtin(variant, source), brand=brand, title=title,
            category=_category(variant, source), attributes=attributes,
            price=round(variant.price * _CHANNEL_PRICE[source], 2),
            updated_at=format_timestamp(random_instant(rng), "utc" if style else "offset"),
        )

    def _gtin(self, variant: Variant, source: str) -> str | None:
        rng = self._rng
        roll = rng.random()
        missing = {"pos_store": 0.03, "web_shop": 0.05, "mobile_app": 0.05}.get(source, 0.1)
        if roll < missing:
            return None
        gtin = variant.gtin
        if source.startswith("marketplace") and variant.sibling_gtin and roll > 0.97:
            gtin = variant.sibling_gtin  # a seller copied the card of another size or colour
        elif roll > 0.985:
            return wrong_check_digit(gtin)
        if variant.is_upc and rng.random() < 0.5:
            return gtin[1:]  # UPC-A, 12 digits
        if source == "marketplace_wb" and rng.random() < 0.4:
            return "0" + gtin  # GTIN-14
        return gtin

    def _measures(self, variant: Variant, style: int) -> list[str]:
        """Quantities and qualifiers of the variant, in the order the title shows them."""
        rng, axes, parts = self._rng, variant.axes, []
        for axis, value in axes.items():
            if axis == "volume":
                parts.append(format_volume(value, style))
            elif axis == "weight":
                parts.append(format_weight(value, style))
            elif axis == "memory":
                parts.append(pick(rng, (f"{value} ГБ", f"{value}GB", f"{value} Гб")))
            elif axis == "diagonal":
                centimetres = round(value * 2.54)
                parts.append(pick(rng, (f'{value}"', f"{value} дюймов", f"{centimetres} см")))
            elif axis == "fat":
                parts.append(pick(rng, (f"{value}%", f"{value.replace(',', '.')}%", f"{value} %")))
            elif axis == "pack":
                if value > 1:
                    parts.append(pick(rng, (f"{value} шт", f"× {value} шт.", f"уп. {value} шт")))
            elif axis == "color":
                parts.append(pick_form(rng, self._colors[value]))
            elif axis in ("size", "shoe_size"):
                parts.append(pick(rng, (value, f"р. {value}", f"размер {value}")))
            else:
                parts.append(value)
        return parts

    def _title(self, variant: Variant, brand: str, source: str, style: int) -> str:
        rng = self._rng
        measures = self._measures(variant, style)
        series = f" {variant.series}" if variant.series else ""
        if source == "marketplace_ozon":
            line = variant.line.replace(" {b}", "")
            return f"{brand} {line}{series}, " + ", ".join(measures)
        if source == "marketplace_wb":
            line = variant.line.replace(" {b}", "")
            return f"{line}{series} {' '.join(measures)} / {brand}"
        if source == "mobile_app" and rng.random() < 0.4:
            return f"{variant.line.replace(' {b}', '')}{series} {' '.join(measures)}"
        return f"{_with_brand(variant.line, brand)}{series} {' '.join(measures)}"

    def _till_title(self, variant: Variant, brand: str) -> str:
        """A till's short name: upper case, long words cut, compact units, 40 characters."""
        words = []
        for word in f"{_with_brand(variant.line, brand)} {variant.series}".split():
            words.append(word[:5] + "." if len(word) > 7 else word)
        measures = self._measures(variant, 0)
        title = " ".join(words + [m.replace(" ", "") for m in measures]).upper()
        return title.replace("Ё", "Е")[:40]

    def _attributes(self, variant: Variant, style: int) -> dict[str, str | None]:
        axes, rng = variant.axes, self._rng
        color = axes.get("color")
        size = axes.get("size") or axes.get("shoe_size")
        if "diagonal" in axes:
            size = f'{axes["diagonal"]}"'
        if size in _RU_CLOTHING and style == 1:
            size = f"{size} ({_RU_CLOTHING[size]})"
        return _attributes(
            color=pick_form(rng, self._colors[color]) if color else None, size=size,
            volume=format_volume(axes["volume"], style) if "volume" in axes else None,
            weight=format_weight(axes["weight"], style) if "weight" in axes else None,
        )


def _attributes(color: str | None = None, size: str | None = None, volume: str | None = None,
                weight: str | None = None) -> dict[str, str | None]:
    return {"color": color, "size": size, "volume": volume, "weight": weight}


def _with_brand(line: str, brand: str) -> str:
    if "{b}" in line:
        return line.replace("{b}", brand)
    first, _, rest = line.partition(" ")
    return f"{first} {brand} {rest}".strip()


def _category(variant: Variant, source: str) -> str | None:
    if source == "marketplace_ozon":
        return f"{variant.category}/{variant.line.split()[0]}"
    if source == "marketplace_wb":
        return variant.line.split()[0]
    if source == "pos_store":
        return None
    return variant.category
