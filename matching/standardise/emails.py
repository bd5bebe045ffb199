"""E-mail addresses: validated with email-validator, then folded to one form per mailbox."""

from __future__ import annotations

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

# Gmail ignores dots in the local part; googlemail.com is the same mailbox.
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# One Yandex login answers on every Yandex domain, and Yandex Passport's help
# says "." and "-" in a login are the same character (ivan.petrov = ivan-petrov);
# unlike Gmail it does not ignore them (ivanpetrov is another login).
_YANDEX_DOMAINS = frozenset({"yandex.ru", "ya.ru", "yandex.com", "yandex.by", "yandex.kz",
                             "yandex.ua", "narod.ru"})


def standardise_email(raw: object) -> str | None:
    """The normalised address of `raw`, or None when it is not a valid address.

    Lower case; "+tag" removed; dots dropped for Gmail; for Yandex "." becomes "-"
    and every Yandex domain becomes yandex.ru. No DNS lookup.

    >>> standardise_email("Ivan.Petrov+shop@GoogleMail.com")
    'ivanpetrov@gmail.com'
    >>> standardise_email("ivan.petrov@ya.ru")
    'ivan-petrov@yandex.ru'
    >>> standardise_email("ivan.petrov@mail") is None
    True
    """
    if not isinstance(raw, str):
        return None
    return _standardise_email(raw.strip())


@lru_cache(maxsize=262144)
def _standardise_email(raw: str) -> str | None:
    if not raw or len(raw) > 320:
        return None
    try:
        valid = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        return None
    local, domain = valid.local_part.lower(), valid.domain.lower()
    local = local.split("+", 1)[0]
    if domain in _GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    elif domain in _YANDEX_DOMAINS:
        local, domain = local.replace(".", "-"), "yandex.ru"
    if not local:
        return None
    return f"{local}@{domain}"
