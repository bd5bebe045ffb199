"""Gender inferred from the patronymic, the given name or the surname."""

from __future__ import annotations

from matching.standardise.names import given_names, standardise_name
from matching.views import PersonName

# Folded endings (see matching.standardise.text): Ивановна → ivanovna, Ильинична → ilinichna.
_PATRONYMIC_ENDINGS = (("ovna", "f"), ("evna", "f"), ("ichna", "f"), ("kizi", "f"),
                       ("ovich", "m"), ("evich", "m"), ("ich", "m"), ("ogli", "m"))
_SURNAME_ENDINGS = (("skaia", "f"), ("tskaia", "f"), ("ova", "f"), ("eva", "f"), ("ina", "f"),
                    ("aia", "f"), ("ski", "m"), ("ov", "m"), ("ev", "m"), ("in", "m"),
                    ("oi", "m"))

NameInput = PersonName | str | None


def infer_gender(first: NameInput, middle: NameInput, last: NameInput) -> str | None:
    """'f' or 'm' from the patronymic, else the given name, else the surname; None if unsure.

    Arguments are raw strings or standardised names.

    >>> infer_gender("Саша", "Петровна", "Иванов")
    'f'
    >>> infer_gender("Yulia", None, None)
    'f'
    >>> infer_gender(None, None, "Петровский")
    'm'
    >>> infer_gender("Саша", None, None) is None
    True
    """
    for latin, rule in (
        (_latin(middle), _by_ending(_PATRONYMIC_ENDINGS)),
        (_latin(first), _by_given_name),
        (_latin(last), _by_ending(_SURNAME_ENDINGS)),
    ):
        gender = rule(latin) if latin else None
        if gender:
            return gender
    return None


def _latin(name: NameInput) -> str | None:
    if isinstance(name, str):
        name = standardise_name(name)
    if not isinstance(name, PersonName) or name.is_initial:
        return None
    return name.latin.split()[-1]


def _by_ending(endings: tuple[tuple[str, str], ...]):
    def rule(latin: str) -> str | None:
        for ending, gender in endings:
            if latin.endswith(ending) and len(latin) > len(ending) + 1:
                return gender
        return None

    return rule


def _by_given_name(latin: str) -> str | None:
    genders = {gender for _, gender in given_names().get(latin, ())}
    return genders.pop() if len(genders) == 1 else None
