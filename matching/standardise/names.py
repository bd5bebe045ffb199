"""Person names: canonical Latin form, diminutives, phonetic key, surname stem, order repair."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from functools import lru_cache

import jellyfish

from matching.data import read_rows
from matching.standardise.text import clean_text, latin_key, words
from matching.views import PersonName

GIVEN_NAME_FILES = ("given_names_ru.csv", "given_names_en.csv")
# Folded surname endings, longest first; the stem keeps what both genders share.
_STEM_ENDINGS = (
    ("aia", ""),    # Толстая, Петровская → tolst, petrovsk
    ("ova", "ov"),  # Иванова → ivanov
    ("eva", "ev"),  # Андреева → andreev
    ("ina", "in"),  # Пушкина → pushkin
    ("oi", ""),     # Толстой → tolst
    ("i", ""),      # Петровский (petrovski) → petrovsk
)
_MIN_STEM = 3
_SURNAME_ENDINGS = ("ov", "ova", "ev", "eva", "in", "ina", "ski", "skaia", "tskaia", "ih",
                    "enko", "uk", "iuk", "vich")


@lru_cache(maxsize=1)
def given_names() -> dict[str, tuple[tuple[str, str], ...]]:
    """Folded given name or diminutive → ((canonical, gender), ...), most likely first.

    A full name maps to itself first: Вера is Вера, not a short Вероника.
    """
    full: dict[str, list[tuple[str, str]]] = defaultdict(list)
    short: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for filename in GIVEN_NAME_FILES:
        for row in read_rows(filename):
            canonical = latin_key(row["name"])
            full[canonical].append((canonical, row["gender"]))
            for diminutive in row["diminutives"].split():
                short[latin_key(diminutive)].append((canonical, row["gender"]))
    lexicon: dict[str, tuple[tuple[str, str], ...]] = {}
    for key in full.keys() | short.keys():
        ordered = dict.fromkeys(full.get(key, []) + short.get(key, []))
        lexicon[key] = tuple(ordered)
    return lexicon


def is_known_given_name(latin: str) -> bool:
    """True when the folded `latin` is a given name or a diminutive we know."""
    return latin in given_names()


def looks_like_surname(latin: str) -> bool:
    """True when the folded `latin` ends like a Russian or Ukrainian surname."""
    return len(latin) > 3 and latin.endswith(_SURNAME_ENDINGS)


def standardise_name(raw: object, gender: str | None = None) -> PersonName | None:
    """The matchable form of one name part, or None when it holds no letters.

    `gender` ('m' or 'f') picks between the full names an ambiguous diminutive
    may stand for; the others go to `alternatives`.

    >>> sasha = standardise_name("Саша", gender="f")
    >>> sasha.latin, sasha.canonical, sasha.phonetic, sasha.alternatives
    ('sasha', 'aleksandra', 'ALKSNTR', ('aleksandr',))
    >>> standardise_name("Yuliya").canonical == standardise_name("Юлия").canonical == 'iulia'
    True
    >>> standardise_name("А.").is_initial
    True
    """
    if not isinstance(raw, str):
        return None
    return _standardise_name(raw, gender)


@lru_cache(maxsize=65536)
def _standardise_name(raw: str, gender: str | None) -> PersonName | None:
    latin = latin_key(raw)
    if not latin:
        return None
    # Ю. is an initial too, though it is two letters in Latin.
    is_initial = all(len(word) == 1 for word in words(clean_text(raw)))
    candidates = () if is_initial else _canonical_candidates(latin)
    preferred = [c for c in candidates if c[1] == gender] if gender else []
    ordered = list(dict.fromkeys(c[0] for c in preferred + list(candidates)))
    canonical = ordered[0] if ordered else latin
    return PersonName(
        latin=latin,
        canonical=canonical,
        phonetic=phonetic_key(canonical),
        is_initial=is_initial,
        alternatives=tuple(ordered[1:]),
    )


def _canonical_candidates(latin: str) -> tuple[tuple[str, str], ...]:
    lexicon = given_names()
    if latin in lexicon:
        return lexicon[latin]
    # "Анна-Мария": resolve word by word, keep the name whole.
    word_forms = [lexicon.get(word, ((word, ""),))[0] for word in latin.split()]
    if len(word_forms) == 1:
        return ()
    genders = {g for _, g in word_forms}
    return ((" ".join(c for c, _ in word_forms), genders.pop() if len(genders) == 1 else ""),)


@lru_cache(maxsize=65536)
def phonetic_key(latin: str) -> str:
    """The Metaphone key of each word of the folded `latin`, space-separated.

    >>> phonetic_key("ivanov")
    'IFNF'
    """
    return " ".join(jellyfish.metaphone(word) for word in latin.split())


def last_name_stem(name: object) -> str:
    """The gender-neutral stem of a surname; '' when it holds no letters.

    >>> [last_name_stem(n) for n in ("Иванова", "Ivanov", "Петровская", "Petrovsky")]
    ['ivanov', 'ivanov', 'petrovsk', 'petrovsk']
    """
    if not isinstance(name, str):
        return ""
    return " ".join(_stem_word(word) for word in latin_key(name).split())


@lru_cache(maxsize=65536)
def _stem_word(word: str) -> str:
    for ending, replacement in _STEM_ENDINGS:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            return stem + replacement if len(stem) >= _MIN_STEM else word
    return word


def repair_name_order(
    first: PersonName | None, last: PersonName | None
) -> tuple[PersonName | None, PersonName | None]:
    """(first, last), swapped when the first looks like a surname and the last is a given name.

    >>> first, last = repair_name_order(standardise_name("Иванова"), standardise_name("Юлия"))
    >>> first.canonical, last.latin
    ('iulia', 'ivanova')
    """
    if first is None or last is None or first.is_initial:
        return first, last
    first_is_surname = looks_like_surname(first.latin) and not is_known_given_name(first.latin)
    if first_is_surname and is_known_given_name(last.latin):
        return last, as_surname(first)
    return first, last


def split_whole_name(
    first: str | None, last: str | None
) -> tuple[str | None, str | None]:
    """(first, last) with a whole name written in one field alone split into its two fields.

    Marketplaces put the recipient in one field ("Васильев А.", "Юлия Иванова"); the
    split happens only when it is plain: one word an initial, or one a known given name.

    >>> split_whole_name(None, "Васильев А."), split_whole_name("Юлия Иванова", None)
    (('А.', 'Васильев'), ('Юлия', 'Иванова'))
    >>> split_whole_name(None, "Анна-Мария Ли Вонг")
    (None, 'Анна-Мария Ли Вонг')
    """
    whole = last if first is None else first if last is None else None
    parts = whole.split() if whole else []
    if len(parts) != 2:
        return first, last
    initial = [_is_initial_word(part) for part in parts]
    given = [is_known_given_name(latin_key(part)) for part in parts]
    for marks in (initial, given):
        if marks[0] != marks[1]:
            given_part = 0 if marks[0] else 1
            return parts[given_part], parts[1 - given_part]
    return first, last


def _is_initial_word(word: str) -> bool:
    letters = words(clean_text(word))
    return len(letters) == 1 and len(letters[0]) == 1


@lru_cache(maxsize=65536)
def as_surname(name: PersonName) -> PersonName:
    """`name` read as a surname: no diminutive resolution (Марина the surname stays marina)."""
    return replace(name, canonical=name.latin, phonetic=phonetic_key(name.latin), alternatives=())


@lru_cache(maxsize=65536)
def with_gender(name: PersonName | None, gender: str | None) -> PersonName | None:
    """`name` with the full given name of `gender` first when its diminutive is ambiguous.

    >>> with_gender(standardise_name("Женя"), "f").canonical
    'evgenia'
    """
    if name is None or not name.alternatives or gender is None:
        return name
    options = [name.canonical, *name.alternatives]
    of_gender = {c for c, g in given_names().get(name.latin, ()) if g == gender}
    chosen = next((c for c in options if c in of_gender), name.canonical)
    rest = tuple(c for c in options if c != chosen)
    return replace(name, canonical=chosen, phonetic=phonetic_key(chosen), alternatives=rest)
