"""Standardisation: raw customer and product records → match views.

Every function here is pure and total: any input gives a value or None, never an
exception. Per-value work is cached, since names, brands and streets repeat a lot.
Refused values are listed in the view's `invalid` as "field:reason:value", with
reason one of wrong_type, too_long, invalid, junk.
"""

import functools
import importlib
import pkgutil

from matching.standardise.addresses import standardise_address
from matching.standardise.brands import standardise_brand
from matching.standardise.customers import customer_holds_junk, standardise_customer
from matching.standardise.dates import standardise_birth_date
from matching.standardise.emails import standardise_email
from matching.standardise.gender import infer_gender
from matching.standardise.gtins import standardise_gtin
from matching.standardise.junk import JunkValues, detect_junk
from matching.standardise.names import last_name_stem, repair_name_order, standardise_name
from matching.standardise.phones import masked_phone_suffix, standardise_phone
from matching.standardise.products import product_holds_junk, standardise_product
from matching.standardise.titles import parse_title

__all__ = [
    "JunkValues",
    "clear_value_caches",
    "customer_holds_junk",
    "detect_junk",
    "infer_gender",
    "last_name_stem",
    "masked_phone_suffix",
    "parse_title",
    "product_holds_junk",
    "repair_name_order",
    "standardise_address",
    "standardise_birth_date",
    "standardise_brand",
    "standardise_customer",
    "standardise_email",
    "standardise_gtin",
    "standardise_name",
    "standardise_phone",
    "standardise_product",
]

# Caches this large hold values (a phone, a street); smaller ones hold data tables loaded once.
_VALUE_CACHE_MIN_SIZE = 1024


@functools.cache
def _value_caches() -> tuple:
    caches = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            parameters = getattr(value, "cache_parameters", None)
            if (parameters is not None and getattr(value, "__module__", "") == module.__name__
                    and (parameters()["maxsize"] or 0) >= _VALUE_CACHE_MIN_SIZE):
                caches.append(value)
    return tuple(caches)


def clear_value_caches() -> None:
    """Empty the standardisers' caches of values; the data tables they load stay loaded.

    The caches are bounded, but at hundreds of thousands of entries: a bulk load clears them
    every so many records, so they hold recent records' values and memory stays flat.
    """
    for cache in _value_caches():
        cache.cache_clear()
