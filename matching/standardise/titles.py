"""Product titles: quantity, pack count, colour and size pulled out, the rest as tokens.

Colour, size and volume tell variants of one model apart, so they are parsed into
their own fields in one canonical form (`0,5 л` = `500 мл` = `0.5L`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from matching.data import read_rows
from matching.standardise.brands import standardise_brand
from matching.standardise.text import clean_text, to_latin
from matching.views import Quantity

# unit as written → (base unit, factor to it)
_UNITS = {
    "мл": ("ml", 1.0), "ml": ("ml", 1.0), "cl": ("ml", 10.0), "л": ("ml", 1000.0),
    "l": ("ml", 1000.0), "литр": ("ml", 1000.0), "литра": ("ml", 1000.0),
    "литров": ("ml", 1000.0), "liter": ("ml", 1000.0), "litre": ("ml", 1000.0),
    "г": ("g", 1.0), "гр": ("g", 1.0), "g": ("g", 1.0), "gr": ("g", 1.0), "грамм": ("g", 1.0),
    "граммов": ("g", 1.0), "gram": ("g", 1.0), "grams": ("g", 1.0), "кг": ("g", 1000.0),
    "kg": ("g", 1000.0), "мг": ("g", 0.001), "mg": ("g", 0.001),
}
_NUMBER = r"\d+(?:[.,]\d+)?"
_TIMES = r"\s*[x×х*]\s*"
_PIECES = r"(?:шт|штук|штуки|ш|pcs|pc|pieces)\b\.?"
# "уп." (a pack) comes before its count: "уп. 12 шт", a till's "уп.12ш"; read after a number
# ("premium 2 0,5 л уп. 12 шт") it took the model's number for the pack.
_PACKED = r"(?:\bуп\b|\bупак\w*)\.?\s*"
_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?:(?P<count>\d+)\s*(?:{_PIECES})?{_TIMES})?"
    rf"(?P<amount>{_NUMBER})\s*(?P<unit>{_UNIT})(?![^\W\d_])\.?"
    rf"(?:{_TIMES}(?P<count_after>\d+)(?:\s*{_PIECES})?)?"
)
_PACK = re.compile(rf"(?:{_PACKED})?(?P<count>\d+)\s*{_PIECES}|{_PACKED}(?P<packed>\d+)")
_SIZE_MARKED = re.compile(
    r"(?:\bр\.|\bр-р|\bразмер|\bразм\.|\bsize|\beu|\bru)\s*(?P<size>\d{2}(?:[.,]5)?|[0-9]?x*[sml])\b"
)
_LETTER_SIZES = {"xxs": "XXS", "xs": "XS", "s": "S", "m": "M", "l": "L", "xl": "XL",
                 "xxl": "XXL", "2xl": "XXL", "xxxl": "XXXL", "3xl": "XXXL", "4xl": "4XL",
                 "5xl": "5XL"}
_TOKEN = re.compile(r"\d+(?:\.\d+)?%?|[^\W_]+(?:-[^\W\d_]+)*")
_LETTER_WITH_NUMBER = re.compile(r"(?P<letter>[0-9]?x*[sml])\s*\(\s*\d{2}\s*\)")
_BARE_SIZE = re.compile(r"\d{2}(?:\.5)?")
# A screen's diagonal: 55", 55 дюймов, 55 inch.
_SCREEN_INCHES = re.compile(r"(?P<size>\b\d{2,3})\s*(?:\"|″|дюйм\w*|inch\w*)")
# A length in centimetres (a screen's 127 см, a pan's 24 cm), not one side of "50x90 см".
_CENTIMETRES = re.compile(r"(?<![x×х*]\s)(?<![\d.,x×х*])\b(?P<size>\d{2,3})\s*(?:см|cm)\b\.?")
_CUT_WORD = re.compile(r"([^\W\d_]{3,})\.")
_SPACED_PERCENT = re.compile(r"(\d)\s+%")
_BARE_SIZE_RANGE = (16, 60)  # children's clothes to big shoes; "iPhone 15" stays a model
_STOP_WORDS = frozenset({"и", "с", "со", "для", "в", "на", "and", "with", "for", "the", "of"})

TitleParts = tuple[tuple[str, ...], Quantity | None, int | None, str | None, str | None]


@lru_cache(maxsize=1)
def _colour_words() -> dict[str, str]:
    """Every written form of a colour (red, красный, красная, красные...) → canonical name."""
    forms = {}
    for row in read_rows("colours.csv"):
        for word in row["english"].split():
            forms[word] = row["colour"]
        for word in row["russian"].split():
            for form in _russian_adjective_forms(clean_text(word)):
                forms[form] = row["colour"]
    return forms


def _russian_adjective_forms(word: str) -> set[str]:
    for ending in ("ый", "ий", "ой"):
        if word.endswith(ending):
            stem = word[: -len(ending)]
            return {stem + e for e in ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие",
                                       "ого", "его", "ую", "юю", "ых", "их", "ым", "им")}
    return {word}  # хаки, бордо, беж: not declined


def standardise_color(raw: object) -> str | None:
    """The canonical English colour named in `raw`; else its folded text; None when empty.

    >>> standardise_color("Чёрная"), standardise_color("темно-синий"), standardise_color("Gray")
    ('black', 'navy', 'grey')
    """
    if not isinstance(raw, str) or not clean_text(raw):
        return None
    text = clean_text(raw)
    colours = _colour_words()
    for token in _TOKEN.findall(text):
        found = colours.get(token) or next(
            (colours[part] for part in token.split("-") if part in colours), None)
        if found or (found := _abbreviated_colour(token)):
            return found
    return "-".join(to_latin(token) for token in _TOKEN.findall(text)) or None


@lru_cache(maxsize=1)
def _colour_stems() -> tuple[tuple[str, str], ...]:
    """(Russian stem, colour) pairs: крас(ный) → red, for cut-short forms."""
    stems = []
    for row in read_rows("colours.csv"):
        words = clean_text(row["russian"]).split()
        if len(words) == 1 and "-" not in words[0]:
            stems.append((words[0][:-2], row["colour"]))
    return tuple(stems)


def _abbreviated_colour(token: str) -> str | None:
    # Channels cut long words short (красн., зел., роз.): a prefix of one colour only counts.
    if len(token) < 3:
        return None
    found = {colour for stem, colour in _colour_stems() if stem.startswith(token)}
    return found.pop() if len(found) == 1 else None


def standardise_size(raw: object) -> str | None:
    """The canonical size: S, M, XL, XXL..., 42, 42.5; None when empty.

    A letter size with its Russian number in brackets keeps the letter, and an
    inch mark is dropped (a screen's 43" is 43).

    >>> standardise_size("р. 44"), standardise_size("xxl"), standardise_size("42,5")
    ('44', 'XXL', '42.5')
    >>> standardise_size("S (44)"), standardise_size('43"')
    ('S', '43')
    """
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = f"{raw:g}"
    if not isinstance(raw, str):
        return None
    text = clean_text(raw).replace(",", ".")
    lettered = _LETTER_WITH_NUMBER.fullmatch(text)
    if lettered:
        text = lettered.group("letter")
    text = text.rstrip('" ″').removesuffix("дюймов").removesuffix("inch").strip()
    marked = _SIZE_MARKED.search(text)
    if marked:
        text = marked.group("size")
    return _LETTER_SIZES.get(text, text.upper()) or None


def parse_quantity(raw: object, default_unit: str | None = None) -> Quantity | None:
    """The quantity in base units (ml, g) written in `raw`; None when there is none.

    A bare number takes `default_unit` ("ml" or "g"), else it is no quantity.

    >>> parse_quantity("0,5 л") == parse_quantity("500ml") == Quantity(500.0, "ml")
    True
    """
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Quantity(float(raw), default_unit) if default_unit and raw > 0 else None
    if not isinstance(raw, str):
        return None
    match = _QUANTITY.search(clean_text(raw))
    return _quantity_of(match) if match else None


def _quantity_of(match: re.Match[str]) -> Quantity:
    base, factor = _UNITS[match.group("unit")]
    amount = float(match.group("amount").replace(",", ".")) * factor
    return Quantity(round(amount, 3), base)


def parse_title(
    title: object, attributes: object = None, *, brand: str | None = None
) -> TitleParts:
    """(tokens, quantity, pack count, colour, size) of a product title.

    `attributes` (color, size, volume, weight) override what the title says;
    tokens are the other folded words, without the `brand`.

    >>> tokens, qty, pack, colour, size = parse_title("Вода Боржоми 6 x 0,5 л", brand="borjomi")
    >>> tokens, qty, pack
    (('voda',), Quantity(amount=500.0, unit='ml'), 6)
    >>> parse_title("Футболка Nike красная XL", {"size": "L"})[3:]
    ('red', 'L')
    """
    tokens, quantity, pack, colour, size = _parse_title_text(
        title if isinstance(title, str) else "", brand or "")
    if isinstance(attributes, Mapping):
        colour = standardise_color(attributes.get("color")) or colour
        size = standardise_size(attributes.get("size")) or size
        quantity = (parse_quantity(attributes.get("volume"), "ml")
                    or parse_quantity(attributes.get("weight"), "g") or quantity)
    return tokens, quantity, pack, colour, size


@lru_cache(maxsize=65536)
def _parse_title_text(title: str, brand: str) -> TitleParts:
    text = clean_text(title)
    quantity, pack, text = _take_quantity(text)
    marked = _SIZE_MARKED.search(text) or _SCREEN_INCHES.search(text)
    size = standardise_size(marked.group("size")) if marked else None
    if marked:
        text = text[: marked.start()] + " " + text[marked.end():]
    # A length is a dimension, not a title word: "127 см" on one listing of a screen and 50"
    # on another must not leave "127 sm" among the words. Kept as "127cm" when no other size is
    # known; the size comparison converts it.
    if centimetres := _CENTIMETRES.search(text):
        size = size or f"{centimetres.group('size')}cm"
        text = text[: centimetres.start()] + " " + text[centimetres.end():]
    colour, words = None, []
    # A cut word ends with a dot ("черн.", "сер."): only such a word may be a colour's prefix.
    cut_colours = {word: found for word in _CUT_WORD.findall(text)
                   if (found := _abbreviated_colour(word))}
    text = _SPACED_PERCENT.sub(r"\1%", text.replace(",", "."))
    for token in _without_brand(_TOKEN.findall(text), brand):
        found_colour = _colour_words().get(token) or cut_colours.get(token)
        if found_colour:
            colour = colour or found_colour
        elif token in _LETTER_SIZES and size is None:
            size = _LETTER_SIZES[token]
        elif token not in _STOP_WORDS:
            words.append(to_latin(token))
    if size is None and words and _is_bare_size(words[-1]):
        size = words.pop()
    return tuple(words), quantity, pack, colour, size


def _take_quantity(text: str) -> tuple[Quantity | None, int | None, str]:
    match = _QUANTITY.search(text)
    quantity, pack = (_quantity_of(match), None) if match else (None, None)
    if match:
        count = match.group("count") or match.group("count_after")
        pack = int(count) if count else None
        text = text[: match.start()] + " " + text[match.end():]
    if pack is None and (pieces := _PACK.search(text)):
        pack = int(pieces.group("count") or pieces.group("packed"))
        text = text[: pieces.start()] + " " + text[pieces.end():]
    return quantity, pack, text


def _is_bare_size(token: str) -> bool:
    low, high = _BARE_SIZE_RANGE
    return bool(_BARE_SIZE.fullmatch(token)) and low <= float(token) <= high


def _without_brand(tokens: list[str], brand: str) -> list[str]:
    """`tokens` without the one- or two-word spans that name `brand` ("Red Bull")."""
    if not brand:
        return tokens
    kept, index = [], 0
    while index < len(tokens):
        for span in (2, 1):
            if standardise_brand(" ".join(tokens[index:index + span])) == brand:
                index += span
                break
        else:
            kept.append(tokens[index])
            index += 1
    return kept
