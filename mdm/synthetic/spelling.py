"""How people and channel systems spell the same value differently.

Transliterations come from iuliia's schemas (the ones Russian passports, banks, metro maps and
Telegram use); typos imitate a hurried operator: a letter dropped, doubled or swapped, an
unstressed vowel heard wrong. Phones, e-mails and timestamps get the formats real channel
systems send.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import time

import iuliia

from mdm.synthetic.vocabulary import Weighted, below, pick

# Schemas people actually meet: passports (ICAO), Wikipedia, Moscow metro, Telegram, banks.
_SCHEMAS = (iuliia.WIKIPEDIA, iuliia.ICAO_DOC_9303, iuliia.MOSMETRO, iuliia.TELEGRAM,
            iuliia.YANDEX_MONEY, iuliia.MVD_310)

# Vowels an operator confuses when they are unstressed, and letters heard alike.
_SOUND_ALIKE = {"а": "о", "о": "а", "е": "и", "и": "е", "э": "е", "я": "а", "ё": "е", "ы": "и",
                "a": "o", "o": "a", "e": "i", "i": "e", "y": "i", "u": "y"}

# Dummy values cashiers type when the customer will not give one.
DUMMY_EMAILS = ("noemail@mail.ru", "net@net.ru", "no@no.ru", "nomail@yandex.ru", "0@0.ru")

_EMAIL_DOMAINS = Weighted.of([
    ("mail.ru", 30), ("yandex.ru", 22), ("gmail.com", 22), ("bk.ru", 5), ("list.ru", 5),
    ("inbox.ru", 4), ("rambler.ru", 4), ("ya.ru", 3), ("outlook.com", 3), ("icloud.com", 2),
])
# Domains whose mail servers ignore `+tag`; Gmail also ignores dots in the local part.
_PLUS_TAG_DOMAINS = frozenset({"gmail.com", "yandex.ru", "ya.ru", "outlook.com", "icloud.com"})
_PLUS_TAGS = ("shop", "promo", "orders", "sale", "app", "2024")


@functools.cache
def transliterate(word: str, schema_index: int) -> str:
    """`word` in Latin letters by one of the common schemas (cached: names repeat a lot).

    >>> transliterate("Юлия", 0), transliterate("Юлия", 1)
    ('Yuliya', 'Iuliia')
    """
    return _SCHEMAS[schema_index % len(_SCHEMAS)].translate(word)


def latin_spelling(rng: random.Random, word: str, english: tuple[str, ...] = ()) -> str:
    """`word` as someone writes it in Latin: a conventional English form or a transliteration."""
    if english and rng.random() < 0.3:
        return pick(rng, english)
    return transliterate(word, below(rng, len(_SCHEMAS)))


def drop_yo(text: str) -> str:
    """`text` with ё written as е, as most keyboards and cashiers do.

    >>> drop_yo("Фёдор Королёв")
    'Федор Королев'
    """
    return text.replace("ё", "е").replace("Ё", "Е")


def misspell(rng: random.Random, word: str) -> str:
    """`word` with one typo after its first letter (people rarely mishear the first sound)."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.3:
        alike = _SOUND_ALIKE.get(word[i])
        if alike:
            return word[:i] + alike + word[i + 1:]
    if kind < 0.55:
        return word[:i] + word[i + 1:]
    if kind < 0.8:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i] + word[i:]


def format_phone(rng: random.Random, national: str) -> str:
    """A Russian number (10 national digits) in one of the formats people and systems use."""
    a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
    style = below(rng, 8)
    if style == 0:
        return f"+7 {a} {b}-{c}-{d}"
    if style == 1:
        return f"8{national}"
    if style == 2:
        return f"8 ({a}) {b} {c} {d}"
    if style == 3:
        return f"+7{national}"
    if style == 4:
        return f"8-{a}-{b}-{c}-{d}"
    if style == 5:
        return f"7{national}"
    if style == 6:
        return f"+7 ({a}) {b}-{c}{d}"
    return f"8 {a} {b}{c}{d}"


def mask_phone(national: str) -> str:
    """The phone as marketplaces show it to a seller.

    >>> mask_phone("9163456767")
    '+7 916 ***-**-67'
    """
    return f"+7 {national[:3]} ***-**-{national[8:]}"


def make_email(rng: random.Random, first: str, last: str, number: int) -> str:
    """A personal e-mail from Latin name parts; `number` (unique per person) keeps it unique."""
    first, last = first.lower().replace("'", ""), last.lower().replace("'", "")
    style = below(rng, 5)
    if style == 0:
        local = f"{first}.{last}{number}"
    elif style == 1:
        local = f"{last}.{first[0]}{number}"
    elif style == 2:
        local = f"{first}_{last}_{number}"
    elif style == 3:
        local = f"{first[0]}{last}{number}"
    else:
        local = f"{last}{number}"
    domain = _EMAIL_DOMAINS.draw(rng)
    return f"{local}@{domain}"


def vary_email(rng: random.Random, email: str) -> str:
    """`email` as typed into another form: plus-tag, Gmail dots moved, or upper case.

    All variants reach the same mailbox, so a normaliser may treat them as equal.
    """
    local, domain = email.split("@")
    kind = rng.random()
    if kind < 0.3 and domain in _PLUS_TAG_DOMAINS:
        return f"{local}+{pick(rng, _PLUS_TAGS)}@{domain}"
    if kind < 0.6 and domain == "gmail.com":
        plain = local.replace(".", "")
        cut = rng.randrange(1, len(plain))
        dotted = f"{plain[:cut]}.{plain[cut:]}" if rng.random() < 0.5 else plain
        return f"{dotted}@{domain}"
    if kind < 0.8:
        return f"{local.title()}@{domain.title()}"
    return email.upper()


_EPOCH = int(dt.datetime(2023, 1, 1, tzinfo=dt.UTC).timestamp())
_SPAN_SECONDS = 900 * 24 * 3600  # about two and a half years of activity


def random_instant(rng: random.Random) -> int:
    """A moment in the generator's activity window (2023-01-01 onwards), in Unix seconds."""
    return _EPOCH + below(rng, _SPAN_SECONDS)


def format_timestamp(moment: int, style: str, utc_offset: int = 3) -> str:
    """`moment` (Unix seconds) as a channel writes it: `utc` (…Z), `offset` or `naive` local time.

    >>> at = int(dt.datetime(2024, 3, 15, 11, 22, 5, tzinfo=dt.UTC).timestamp())
    >>> format_timestamp(at, "utc"), format_timestamp(at, "offset", 5)
    ('2024-03-15T11:22:05Z', '2024-03-15T16:22:05+05:00')
    >>> format_timestamp(at, "naive")
    '2024-03-15 14:22:05'
    """
    # time.gmtime + strftime is several times faster than building aware datetimes.
    if style == "utc":
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
    local = time.gmtime(moment + utc_offset * 3600)
    if style == "offset":
        return time.strftime("%Y-%m-%dT%H:%M:%S", local) + f"+{utc_offset:02d}:00"
    return time.strftime("%Y-%m-%d %H:%M:%S", local)
