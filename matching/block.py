"""Match view → blocking keys: records sharing any key become a candidate pair.

Each key function is small and pure, `view → frozenset[str]`, and every key
carries its kind as a prefix (`email:…`, `name_dob:…`) so the shell can keep
them in one indexed table `(entity_type, key, record_id)` and find a new
record's candidates by index lookups. The views hold no junk values (the
standardiser drops them), and a key shared by more records than the model
allows for its kind (`MatchModel.block_limit`) is ignored by both paths: an
identifier on many records is junk, and a general key (a pick-up point's
address, a common name in a big city) would pair strangers, more of them the
bigger the store. `drop_crowded_keys` applies those limits to many records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from matching.model import MatchModel
from matching.views import CustomerView, PersonName, ProductView


def _canon(name: PersonName | None) -> str | None:
    if name is None or name.is_initial or not name.canonical:
        return None
    return name.canonical


def _phon(name: PersonName | None) -> str | None:
    if name is None or name.is_initial or not name.phonetic:
        return None
    return name.phonetic


def _dates(view: CustomerView) -> tuple[str, ...]:
    # A cashier may swap day and month: key on both readings so the pair still meets.
    return _date_texts(view.birth_date, view.birth_date_swapped)


@lru_cache(maxsize=65536)  # A batch keys many records born on each of a few thousand days.
def _date_texts(*dates: dt.date | None) -> tuple[str, ...]:
    return tuple(d.isoformat() for d in dates if d is not None)


def _names(view: CustomerView) -> tuple[str | None, str | None]:
    last = view.last_name_stem or _canon(view.last_name)
    return _canon(view.first_name), last


def _postcode(view: CustomerView) -> str | None:
    return view.address.postcode if view.address and view.address.postcode else None


def email_keys(view: CustomerView) -> frozenset[str]:
    """`email:<address>` for each valid e-mail."""
    return frozenset(f"email:{e}" for e in view.emails)


def phone_keys(view: CustomerView) -> frozenset[str]:
    """`phone:<E.164>` for each valid phone (masked phones make none)."""
    return frozenset(f"phone:{p}" for p in view.phones)


def card_keys(view: CustomerView) -> frozenset[str]:
    """`card:<number>` for the loyalty card."""
    return frozenset({f"card:{view.loyalty_card}"}) if view.loyalty_card else frozenset()


def national_id_keys(view: CustomerView) -> frozenset[str]:
    """`national_id:<number>` for a personal document number."""
    return frozenset({f"national_id:{view.national_id}"}) if view.national_id else frozenset()


def national_id_typo_keys(view: CustomerView) -> frozenset[str]:
    """`national_id_typo:<the number less one character>`, one key per position.

    Two numbers one mistyped character or two swapped neighbours apart share one of these
    keys (symmetric deletion), so a mistyped number still meets its original.
    """
    number = view.national_id
    if not number:
        return frozenset()
    return frozenset(f"national_id_typo:{number[:i]}{number[i + 1 :]}" for i in range(len(number)))


def name_dob_keys(view: CustomerView) -> frozenset[str]:
    """`name_dob:<names in sorted order>|<date>`: swapped first/last names still meet."""
    first, last = _names(view)
    if not (first and last):
        return frozenset()
    names = "|".join(sorted((first, last)))
    return frozenset(f"name_dob:{names}|{d}" for d in _dates(view))


def phonetic_dob_keys(view: CustomerView) -> frozenset[str]:
    """`phonetic_dob:<phonetic first or last name>|<date>`: one name may be misspelt."""
    parts, dates = (_phon(view.first_name), _phon(view.last_name)), _dates(view)
    return frozenset(f"phonetic_dob:{p}|{d}" for p in parts if p for d in dates)


def name_postcode_keys(view: CustomerView) -> frozenset[str]:
    """`name_postcode:<phonetic names>|<postcode>` for a record without a usable date."""
    postcode = _postcode(view)
    first, last = _phon(view.first_name), _phon(view.last_name)
    if not (postcode and first and last):
        return frozenset()
    return frozenset({f"name_postcode:{'|'.join(sorted((first, last)))}|{postcode}"})


def dob_postcode_keys(view: CustomerView) -> frozenset[str]:
    """`dob_postcode:<date>|<postcode>`: both names may be misspelt."""
    postcode = _postcode(view)
    if not postcode:
        return frozenset()
    return frozenset(f"dob_postcode:{d}|{postcode}" for d in _dates(view))


def name_city_keys(view: CustomerView) -> frozenset[str]:
    """`name_city:<phonetic first>|<phonetic last>|<city>`: no date, a mistyped postcode."""
    city = view.address.city if view.address else None
    first, last = _phon(view.first_name), _phon(view.last_name)
    if not (city and first and last):
        return frozenset()
    return frozenset({f"name_city:{'|'.join(sorted((first, last)))}|{city}"})


def address_keys(view: CustomerView) -> frozenset[str]:
    """`address:<house>|<street>|<city>`: a household's or a person's home.

    A pick-up point shared by thousands exceeds the model's block size and is ignored.
    """
    address = view.address
    if not (address and address.house and address.street and address.city):
        return frozenset()
    return frozenset({f"address:{address.house}|{address.street}|{address.city}"})


def _phone_tails(view: CustomerView) -> set[str]:
    # A marketplace shows only the last digits (+7 916 ***-**-67); full phones give theirs too.
    tails = {p[-2:] for p in view.phones}
    if view.phone_suffix and len(view.phone_suffix) >= 2:
        tails.add(view.phone_suffix[-2:])
    return tails


def _initial(name: PersonName | None) -> str | None:
    return name.latin[:1] if name is not None and name.latin else None


def surname_phone_keys(view: CustomerView) -> frozenset[str]:
    """`surname_phone:<last name>|<first initial>|<last two phone digits>`, masked phones too."""
    last, initial = _names(view)[1], _initial(view.first_name)
    if not (last and initial):
        return frozenset()
    return frozenset(f"surname_phone:{last}|{initial}|{tail}" for tail in _phone_tails(view))


def given_phone_keys(view: CustomerView) -> frozenset[str]:
    """`given_phone:<first name>|<last initial>|<last two phone digits>` ("Елена Н.")."""
    first, initial = _names(view)[0], _initial(view.last_name)
    if not (first and initial):
        return frozenset()
    return frozenset(f"given_phone:{first}|{initial}|{tail}" for tail in _phone_tails(view))


def surname_city_keys(view: CustomerView) -> frozenset[str]:
    """`surname_city:<last name>|<first initial>|<city>`: a sparse record and a full one."""
    last, initial = _names(view)[1], _initial(view.first_name)
    city = view.address.city if view.address else None
    if not (last and initial and city):
        return frozenset()
    return frozenset({f"surname_city:{last}|{initial}|{city}"})


CUSTOMER_KEY_FUNCTIONS: tuple[Callable[[CustomerView], frozenset[str]], ...] = (
    email_keys,
    phone_keys,
    card_keys,
    national_id_keys,
    national_id_typo_keys,
    name_dob_keys,
    phonetic_dob_keys,
    name_postcode_keys,
    dob_postcode_keys,
    name_city_keys,
    address_keys,
    surname_phone_keys,
    given_phone_keys,
    surname_city_keys,
)


def gtin_keys(view: ProductView) -> frozenset[str]:
    """`gtin:<GTIN-14>` for a GTIN whose check digit holds."""
    return frozenset({f"gtin:{view.gtin}"}) if view.gtin else frozenset()


def _variant(view: ProductView) -> str:
    amount = f"{view.quantity.amount:g}{view.quantity.unit}" if view.quantity else "-"
    return f"{amount}|{view.color or '-'}|{view.size or '-'}"


def brand_title_keys(view: ProductView) -> frozenset[str]:
    """`brand_title:<brand>|<word>|<word>|<variant>` for pairs of the title's first words.

    The variant part (quantity, colour, size) keeps a model's many variants out of
    one block: they are never the same product.
    """
    words = sorted(set(view.title_tokens[:3]))
    prefix = f"brand_title:{view.brand or '-'}"
    return frozenset(
        f"{prefix}|{x}|{y}|{_variant(view)}" for i, x in enumerate(words) for y in words[i + 1 :]
    )


def brand_words_keys(view: ProductView) -> frozenset[str]:
    """`brand_words:<brand>|<every title word, sorted>|<variant>|<pack>`: the same listing worded
    in another order.

    The first words of a model with many variants (iPhone 15 Pro in three memory sizes, each
    in five colours) crowd `brand_title` past its limit; the whole title does not, and it is
    what the `same_variant` level needs to hold.
    """
    if not (view.brand and view.title_tokens):
        return frozenset()
    words = " ".join(sorted(set(view.title_tokens)))
    return frozenset({f"brand_words:{view.brand}|{words}|{_variant(view)}|{view.pack_count or 1}"})


def brand_quantity_keys(view: ProductView) -> frozenset[str]:
    """`brand_quantity:<brand>|<amount><unit>|<pack>|<first word>` for a short title."""
    if not (view.brand and view.quantity and view.title_tokens):
        return frozenset()
    amount = f"{view.quantity.amount:g}{view.quantity.unit}"
    return frozenset(
        {f"brand_quantity:{view.brand}|{amount}|{view.pack_count or 1}|{view.title_tokens[0]}"}
    )


PRODUCT_KEY_FUNCTIONS: tuple[Callable[[ProductView], frozenset[str]], ...] = (
    gtin_keys,
    brand_title_keys,
    brand_words_keys,
    brand_quantity_keys,
)


def customer_keys(view: CustomerView) -> frozenset[str]:
    """Every blocking key of a customer (the union of the key functions)."""
    return _union(CUSTOMER_KEY_FUNCTIONS, view)


def product_keys(view: ProductView) -> frozenset[str]:
    """Every blocking key of a product (the union of the key functions)."""
    return _union(PRODUCT_KEY_FUNCTIONS, view)


def blocking_keys(view: CustomerView | ProductView) -> frozenset[str]:
    """Every blocking key of a customer or product view."""
    if isinstance(view, CustomerView):
        return customer_keys(view)
    return product_keys(view)


def _union(functions: Iterable[Callable], view: object) -> frozenset[str]:
    return frozenset().union(*(function(view) for function in functions))


def key_kind(key: str) -> str:
    """The kind of a blocking key: `email` for `email:x@y.ru`."""
    return key.split(":", 1)[0]


def drop_crowded_keys(
    keys: Sequence[frozenset[str]], model: MatchModel
) -> tuple[frozenset[str], ...]:
    """Each row's keys without those held by more rows than `model` allows for their kind.

    The batch path's counterpart of the store's lookup, which skips the same keys.
    """
    held = Counter(key for row_keys in keys for key in row_keys)
    crowded = {key for key, count in held.items() if count > model.block_limit(key_kind(key))}
    if not crowded:
        return tuple(keys)
    return tuple(row_keys - crowded for row_keys in keys)
