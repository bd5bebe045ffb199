"""Text folding shared by every standardiser: one canonical Latin form for any script.

Cyrillic is transliterated with ONE scheme, ICAO Doc 9303 (the one in passports), and
then every Latin spelling is folded so that the usual variants agree: Юлия, Yulia,
Yuliya, Julia and Iuliia all become ``iulia``; Иванов, Ivanov and Iwanow become
``ivanov``. The folded form is a matching key, not for display.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import iuliia

_SCHEME = iuliia.ICAO_DOC_9303
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Both ё and е are written е in most Russian text; ъ and ь are silent in names
# (ICAO writes ъ as "ie", which no channel does).
_CYRILLIC_PREFOLD = str.maketrans({"ё": "е", "ъ": "", "ь": ""})
# Letters that look alike in both scripts: a word typed with a mixed keyboard
# ("Ивaнов" with a Latin a) is mended towards the script most of its letters use.
_LATIN_TO_CYRILLIC = str.maketrans("aeopcxykmthb", "аеорсхукмтнв")
_CYRILLIC_TO_LATIN = str.maketrans("аеорсхукмтнв", "aeopcxykmthb")

# Ordered: each rule sees the output of the previous ones.
_LATIN_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"tsch", "ch"),             # German Ч: Tschaikowski
        (r"sch", "sh"),              # German Ш: Schukin
        (r"tch", "ch"),              # English Ч: Tchaikovsky
        (r"ph", "f"),                # Sofia / Sophia
        (r"th", "t"),
        (r"kh", "h"),                # Mikhail / Mihail
        (r"ck", "k"),
        (r"c(?![hei])", "k"),        # Nicolai / Nikolai, Victor / Viktor
        (r"x", "ks"),                # Alexei / Aleksei
        (r"tz", "ts"),
        (r"w", "v"),                 # Iwanow / Ivanov
        (r"\bje", "e"),              # Jelena, Jewgenij
        (r"\bye", "e"),              # Yevgeny / Evgenii, Yelena / Elena
        (r"(?<=[aeiou])ye", "e"),    # Andreyev / Andreev
        (r"\byo", "e"),              # Yolkin / Elkin (ё is written е)
        (r"(?<=[bdfgklmnprstvz])yo", "e"),  # Fyodor / Fedor
        (r"\bj(?=[aou])", "i"),      # Julia / Iuliia
        (r"(?<=[aeiou])j", "i"),     # Sergej / Sergei, Majja
        (r"ij\b", "i"),              # Dmitrij / Dmitrii
        (r"y", "i"),                 # Yulia / Iulia, Dmitriy / Dmitrii
        (r"([a-z])\1+", r"\1"),      # Kirill / Kiril, Dmitrii / Dmitri, Anna / Ana
    )
)


def clean_text(raw: str) -> str:
    """`raw` in NFKC, casefolded, `ё`→`е`, without accents, with one space between words.

    >>> clean_text("  L’Oréal   ПАРИЖ ")
    'l’oreal париж'
    """
    text = unicodedata.normalize("NFKC", raw).casefold()
    if not text.isascii():
        text = _strip_accents(text)
    return " ".join(text.split())


def _strip_accents(text: str) -> str:
    # й and ё are letters of their own in Russian, not accented и and е.
    text = text.replace("й", "\0").replace("ё", "е")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).replace("\0", "й")


def words(text: str) -> list[str]:
    """The runs of letters and digits in `text`, in order; punctuation and hyphens split.

    >>> words("Салтыков-Щедрин, М.Е.")
    ['Салтыков', 'Щедрин', 'М', 'Е']
    """
    return _WORD.findall(text)


def mend_homoglyphs(word: str) -> str:
    """`word` with look-alike letters moved to the script most of its letters use.

    >>> mend_homoglyphs("ивaнов")  # a Latin "a" among Cyrillic letters
    'иванов'
    >>> mend_homoglyphs("реtrov")  # Cyrillic "р", "е" in a Latin word
    'petrov'
    """
    cyrillic = len(_CYRILLIC.findall(word))
    latin = len(_LATIN.findall(word))
    if not cyrillic or not latin:
        return word
    if cyrillic >= latin:
        return word.translate(_LATIN_TO_CYRILLIC)
    return word.translate(_CYRILLIC_TO_LATIN)


@lru_cache(maxsize=65536)
def to_latin(word: str) -> str:
    """The canonical Latin form of one cleaned `word` (see `clean_text`), any script.

    >>> [to_latin(w) for w in ("юлия", "yulia", "yuliya", "julia", "iuliia")]
    ['iulia', 'iulia', 'iulia', 'iulia', 'iulia']
    >>> [to_latin(w) for w in ("иванов", "ivanov", "iwanow", "iwanov")]
    ['ivanov', 'ivanov', 'ivanov', 'ivanov']
    """
    word = mend_homoglyphs(word)
    if _CYRILLIC.search(word):
        word = _SCHEME.translate(word.translate(_CYRILLIC_PREFOLD)).casefold()
    # A fold can make a pattern an earlier one consumes (к+х → "kkh" → "kh"), so
    # fold until nothing changes: the result must be its own canonical form.
    folded = _fold_latin(word)
    while folded != word:
        word, folded = folded, _fold_latin(folded)
    return word


def _fold_latin(word: str) -> str:
    for pattern, replacement in _LATIN_FOLDS:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=65536)
def latin_key(raw: str) -> str:
    """The canonical Latin words of `raw`, space-separated; '' when it has none.

    >>> latin_key("Санкт-Петербург")
    'sankt peterburg'
    """
    return " ".join(to_latin(word) for word in words(clean_text(raw)))
