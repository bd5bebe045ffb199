"""Names: one canonical Latin form, diminutives, gender, surname stems, order repair."""

from __future__ import annotations

import pytest

from matching.standardise import (
    infer_gender,
    last_name_stem,
    repair_name_order,
    standardise_name,
)
from matching.standardise.names import as_surname, given_names, split_whole_name, with_gender
from matching.standardise.text import clean_text, latin_key, mend_homoglyphs, to_latin


@pytest.mark.parametrize("spelling", ["Иванов", "Ivanov", "Iwanow", "Iwanov", "IVANOV", "иванов"])
def test_ivanov_in_any_spelling_folds_to_one_latin_form(spelling):
    assert standardise_name(spelling).latin == "ivanov"


@pytest.mark.parametrize("spelling", ["Юлия", "Yulia", "Yuliya", "Julia", "Iuliia", "ЮЛИЯ"])
def test_yulia_in_any_spelling_folds_to_one_canonical_form(spelling):
    assert standardise_name(spelling).canonical == "iulia"


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("Дмитрий", "Dmitry"), ("Дмитрий", "Dmitriy"), ("Дмитрий", "Dmitrij"),
     ("Алексей", "Alexey"), ("Алексей", "Aleksei"), ("Евгений", "Yevgeny"),
     ("Михаил", "Mikhail"), ("Михаил", "Mihail"), ("Кирилл", "Kiril"), ("Николай", "Nikolay"),
     ("Наталья", "Natalya"), ("Ксения", "Xenia"), ("Фёдор", "Fyodor"), ("Елена", "Yelena"),
     ("София", "Sophia"), ("Андреев", "Andreyev"), ("Хрущёв", "Khrushchev"),
     ("Щукин", "Shchukin"), ("Майя", "Maya")],
)
def test_cyrillic_name_and_its_usual_latin_spelling_agree(cyrillic, latin):
    assert standardise_name(cyrillic).latin == standardise_name(latin).latin


@pytest.mark.parametrize(
    ("diminutive", "full"),
    [("Саша", "Александр"), ("Шура", "Александр"), ("Саня", "Александр"), ("Лёша", "Алексей"),
     ("Леша", "Алексей"), ("Женя", "Евгений"), ("Катя", "Екатерина"), ("Дима", "Дмитрий"),
     ("Маша", "Мария"), ("Ваня", "Иван"), ("Юля", "Юлия"), ("Bob", "Robert"),
     ("Rob", "Robert"), ("Bobby", "Robert"), ("Bill", "William"), ("Liz", "Elizabeth"),
     ("Beth", "Elizabeth"), ("Katie", "Katherine"), ("Sasha", "Aleksandr"), ("Dima", "Dmitry")],
)
def test_diminutive_resolves_to_the_full_given_name(diminutive, full):
    assert standardise_name(diminutive).canonical == standardise_name(full).latin


def test_canonical_name_is_the_folded_full_name():
    assert standardise_name("Саша").canonical == "aleksandr"
    assert standardise_name("Bill").canonical == "viliam"


def test_diminutive_keeps_its_own_spelling_in_latin():
    assert standardise_name("Саша").latin == "sasha"


def test_sasha_may_be_aleksandra_as_well():
    assert standardise_name("Саша").alternatives == ("aleksandra",)


def test_gender_picks_aleksandra_for_a_woman_named_sasha():
    assert standardise_name("Саша", gender="f").canonical == "aleksandra"
    assert with_gender(standardise_name("Саша"), "f").canonical == "aleksandra"


def test_full_name_is_not_taken_for_a_diminutive_of_another():
    assert standardise_name("Вера").canonical == "vera"
    assert standardise_name("Оксана").canonical == "oksana"


def test_the_shipped_lists_hold_enough_diminutives():
    diminutives = [k for k, v in given_names().items() if any(c != k for c, _ in v)]
    assert len(diminutives) >= 250  # ~150 Russian + ~100 English diminutive forms


def test_double_barrelled_given_name_resolves_each_part():
    assert standardise_name("Анна-Мария").canonical == "ana maria"


@pytest.mark.parametrize("initial", ["А.", "A", "а", " Ю. "])
def test_single_letter_is_an_initial(initial):
    name = standardise_name(initial)
    assert name.is_initial
    assert name.canonical == name.latin


@pytest.mark.parametrize("empty", [None, "", "   ", "—", "!!!", "🙂", 42, ["Юлия"], {"a": 1}])
def test_name_without_letters_or_not_a_string_is_none(empty):
    assert standardise_name(empty) is None


def test_emoji_around_a_name_are_ignored():
    assert standardise_name("🌸Юлия🌸").canonical == "iulia"


def test_latin_lookalike_inside_a_cyrillic_name_is_mended():
    assert standardise_name("Ивaнов").latin == "ivanov"  # Latin "a"
    assert mend_homoglyphs("Реtrov".lower()) == "petrov"


def test_fullwidth_letters_are_read_as_plain_latin():
    assert standardise_name("Ｉｖａｎｏｖ").latin == "ivanov"


def test_yo_and_ye_are_the_same_letter():
    assert standardise_name("Семён").latin == standardise_name("Семен").latin


def test_phonetic_key_is_shared_by_near_spellings():
    assert standardise_name("Ivanov").phonetic == standardise_name("Iwanoff").phonetic


@pytest.mark.parametrize(
    ("surname", "stem"),
    [("Иванова", "ivanov"), ("Иванов", "ivanov"), ("Petrovskaya", "petrovsk"),
     ("Петровский", "petrovsk"), ("Толстая", "tolst"), ("Толстой", "tolst"),
     ("Пушкина", "pushkin"), ("Андреева", "andrev"), ("Цой", "tsoi"), ("", ""), (None, "")],
)
def test_surname_stem_is_the_same_for_both_genders(surname, stem):
    assert last_name_stem(surname) == stem


def test_swapped_first_and_last_name_are_put_back():
    first, last = repair_name_order(standardise_name("Ivanova"), standardise_name("Yulia"))
    assert (first.canonical, last.latin) == ("iulia", "ivanova")


def test_surname_that_is_also_a_given_name_is_not_resolved_as_one():
    first, last = repair_name_order(standardise_name("Петрова"), standardise_name("Саша"))
    assert first.canonical == "aleksandr"
    assert as_surname(standardise_name("Марина")).canonical == "marina"


def test_given_name_that_ends_like_a_surname_stays_first():
    first, last = repair_name_order(standardise_name("Марина"), standardise_name("Иванова"))
    assert (first.latin, last.latin) == ("marina", "ivanova")


def test_order_is_kept_when_unsure():
    first, last = repair_name_order(standardise_name("Smith"), standardise_name("John"))
    assert first.latin == "smit"
    assert repair_name_order(None, standardise_name("Юлия"))[0] is None


@pytest.mark.parametrize(
    ("first", "middle", "last", "gender"),
    [("Саша", "Петровна", "Иванов", "f"), ("Женя", "Сергеевич", None, "m"),
     (None, "Ильинична", None, "f"), (None, "Ильич", None, "m"),
     ("Yulia", None, None, "f"), ("Bob", None, None, "m"), ("Саша", None, "Иванова", "f"),
     (None, None, "Petrovskaya", "f"), (None, None, "Петровский", "m"), ("Саша", None, None, None),
     (None, None, None, None), ("А.", None, "Ким", None)],
)
def test_gender_comes_from_patronymic_then_given_name_then_surname(first, middle, last, gender):
    assert infer_gender(first, middle, last) == gender


def test_clean_text_folds_case_accents_and_spaces():
    assert clean_text("  ЁЛКИН\tJosé ") == "елкин jose"


def test_latin_key_splits_on_hyphens_and_punctuation():
    assert latin_key("Санкт-Петербург") == "sankt peterburg"
    assert latin_key("Салтыков-Щедрин, М.Е.") == "saltikov shchedrin m e"


def test_double_letters_fold_but_digits_do_not():
    assert to_latin("кирилл") == "kiril"
    assert to_latin("11") == "11"


@pytest.mark.parametrize(
    ("first", "last", "split"),
    [
        (None, "Васильев А.", ("А.", "Васильев")),
        ("Иванова Ю.", None, ("Ю.", "Иванова")),
        ("Юлия Иванова", None, ("Юлия", "Иванова")),
        (None, "Иванова Юлия", ("Юлия", "Иванова")),
        # Not plain: two surnames, three words, or both fields already filled.
        (None, "Петрова Сидорова", (None, "Петрова Сидорова")),
        (None, "Анна-Мария Ли Вонг", (None, "Анна-Мария Ли Вонг")),
        ("Юлия", "Иванова", ("Юлия", "Иванова")),
    ],
)
def test_a_whole_name_in_one_field_is_split_only_when_plain(first, last, split):
    assert split_whole_name(first, last) == split


def test_a_marketplace_recipient_in_one_field_meets_the_full_record_on_surname_and_initial():
    from matching.standardise import standardise_customer

    view = standardise_customer({"last_name": "Васильев А."}, record_id="1", source="ozon")
    assert (view.first_name.is_initial, view.first_name.latin, view.last_name.latin) == (
        True, "a", "vasilev")
