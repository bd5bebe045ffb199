"""Phones, e-mails and birth dates: one form per real value, None for impossible ones."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.standardise import (
    masked_phone_suffix,
    standardise_birth_date,
    standardise_email,
    standardise_phone,
)
from matching.standardise.phones import masked_phone_prefix


@pytest.mark.parametrize(
    "written",
    ["+7 912 345-67-89", "8 (912) 345-67-89", "89123456789", "79123456789", "+79123456789",
     "912 345 67 89", "8-912-345-67-89", "+7 (912) 345 67 89 доб. 12", "тел. 8 912 3456789"],
)
def test_russian_mobile_in_any_format_is_one_e164_number(written):
    assert standardise_phone(written) == "+79123456789"


def test_moscow_landline_is_valid():
    assert standardise_phone("8 (495) 123-45-67") == "+74951234567"


def test_region_is_assumed_only_without_country_code():
    assert standardise_phone("020 7946 0958", region="GB") == "+442079460958"
    assert standardise_phone("+44 20 7946 0958", region="RU") == "+442079460958"


@pytest.mark.parametrize(
    "impossible",
    [None, "", "   ", "12345", "8 (000) 000-00-00", "+7 912 345-67-8", "phone", "🙂", 79123456789,
     ["+79123456789"], "+7 916 ***-**-67", "+999 123 456 789"],
)
def test_impossible_or_masked_phone_is_none(impossible):
    assert standardise_phone(impossible) is None


def test_unknown_region_gives_none_instead_of_an_error():
    assert standardise_phone("912 345 67 89", region="ZZ") is None
    assert standardise_phone("912 345 67 89", region=None) is None


@pytest.mark.parametrize(
    ("masked", "suffix", "prefix"),
    [("+7 916 ***-**-67", "67", "7916"), ("+7 (916) XXX-XX-67", "67", "7916"),
     ("8916*****67", "67", "8916"), ("*******4567", "4567", None)],
)
def test_masked_phone_keeps_its_visible_digits(masked, suffix, prefix):
    assert masked_phone_suffix(masked) == suffix
    assert masked_phone_prefix(masked) == prefix


@pytest.mark.parametrize("plain", ["+7 916 123-45-67", "", None, 42, "+7 916 ***-**-**"])
def test_unmasked_or_fully_masked_phone_has_no_suffix(plain):
    assert masked_phone_suffix(plain) is None


def test_phone_extension_x_is_not_a_mask():
    assert masked_phone_suffix("+7 495 123-45-67 x12") is None


@pytest.mark.parametrize(
    ("written", "standard"),
    [("Yulia.Ivanova@Mail.RU", "yulia.ivanova@mail.ru"),
     ("  yulia.ivanova@mail.ru  ", "yulia.ivanova@mail.ru"),
     ("yulia.ivanova+shop@mail.ru", "yulia.ivanova@mail.ru"),
     ("Yulia.Ivanova+promo@gmail.com", "yuliaivanova@gmail.com"),
     ("y.u.l.i.a@googlemail.com", "yulia@gmail.com"),
     ("yulia.ivanova@yandex.ru", "yulia-ivanova@yandex.ru"),
     ("yulia-ivanova@ya.ru", "yulia-ivanova@yandex.ru"),
     ("Yulia.Ivanova@yandex.com", "yulia-ivanova@yandex.ru"),
     ("yulia@почта.рф", "yulia@почта.рф"),
     ("yulia@xn--80a1acny.xn--p1ai", "yulia@почта.рф")],
)
def test_email_is_folded_to_one_form_per_mailbox(written, standard):
    assert standardise_email(written) == standard


def test_yandex_keeps_dots_apart_from_no_dots():
    dotted, plain = "yulia.ivanova@yandex.ru", "yuliaivanova@yandex.ru"
    assert standardise_email(dotted) != standardise_email(plain)


def test_mail_ru_domains_are_different_mailboxes():
    assert standardise_email("yulia@bk.ru") != standardise_email("yulia@mail.ru")


@pytest.mark.parametrize(
    "invalid",
    [None, "", " ", "yulia", "yulia@", "@mail.ru", "yulia@mail", "yulia..ivanova@mail.ru",
     "yulia ivanova@mail.ru", "+promo@gmail.com", "юлия@", "🙂@🙂.ru", 42, ["a@b.ru"],
     "a" * 400 + "@mail.ru"],
)
def test_invalid_email_is_none(invalid):
    assert standardise_email(invalid) is None


@pytest.mark.parametrize(
    "written", ["05.03.1987", "5.3.1987", "1987-03-05", "03/05/1987", "05-03-1987", "19870305",
                "1987-03-05T00:00:00", " 05.03.1987 "],
)
def test_birth_date_in_iso_russian_and_us_formats(written):
    assert standardise_birth_date(written)[0] == dt.date(1987, 3, 5)


def test_birth_date_keeps_the_day_month_swap_when_it_is_a_date_too():
    assert standardise_birth_date("05.03.1987") == (dt.date(1987, 3, 5), dt.date(1987, 5, 3))
    assert standardise_birth_date("25.03.1987") == (dt.date(1987, 3, 25), None)
    assert standardise_birth_date("03.03.1987") == (dt.date(1987, 3, 3), None)


def test_birth_date_accepts_date_objects():
    assert standardise_birth_date(dt.date(1987, 3, 25))[0] == dt.date(1987, 3, 25)
    assert standardise_birth_date(dt.datetime(1987, 3, 25, 10, 0))[0] == dt.date(1987, 3, 25)


@pytest.mark.parametrize(
    "impossible", ["31.02.1987", "1987-13-01", "00.00.0000", "32.01.1990", "1899-12-31", "вчера",
                   "", None, 19870305, "05.03.87"],
)
def test_impossible_birth_date_is_none(impossible):
    assert standardise_birth_date(impossible) == (None, None)


def test_future_or_too_old_birth_date_is_none_against_today():
    today = dt.date(2026, 1, 15)
    assert standardise_birth_date("2026-02-01", today=today) == (None, None)
    assert standardise_birth_date("1905-06-01", today=today) == (None, None)
    assert standardise_birth_date("1906-06-01", today=today)[0] == dt.date(1906, 6, 1)


def test_swapped_birth_date_in_the_future_is_dropped():
    today = dt.date(2026, 1, 15)
    assert standardise_birth_date("2026-01-05", today=today) == (dt.date(2026, 1, 5), None)
