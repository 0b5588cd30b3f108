"""Tests for vostok_desktop.domain.validators (pure Python, no Qt)."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from vostok_desktop.domain.validators import (
    PhoneNumber,
    ValidationError,
    inn_check_digits,
    normalize_phone,
    ogrn_with_check,
    ogrnip_with_check,
    phone_search_digits,
    validate_email,
    validate_inn,
    validate_kpp,
    validate_ogrn,
    validate_ogrn_any,
    validate_ogrnip,
    validate_required,
)

# --------------------------------------------------------------------------
# Reference implementation written straight from the ФНС description, kept
# independent from the module under test so the property tests compare two
# separately written pieces of code.
# --------------------------------------------------------------------------

_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _residue(digits: str, weights: tuple[int, ...]) -> int:
    """Weighted sum mod 11 (before the final "mod 10")."""
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11


def _ref_inn_checksum_ok(inn: str) -> bool:
    if len(inn) == 10:
        return _residue(inn[:9], _W10) % 10 == int(inn[9])
    if len(inn) == 12:
        first_ok = _residue(inn[:10], _W12_1) % 10 == int(inn[10])
        second_ok = _residue(inn[:11], _W12_2) % 10 == int(inn[11])
        return first_ok and second_ok
    raise AssertionError(len(inn))


def _is_valid_inn(value: str) -> bool:
    try:
        validate_inn(value)
    except ValidationError:
        return False
    return True


def _digit_strings(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


# --------------------------------------------------------------------------
# ValidationError
# --------------------------------------------------------------------------


def test_validation_error_is_value_error_with_field_and_message() -> None:
    err = ValidationError("inn", "ИНН: неверная контрольная сумма")
    assert isinstance(err, ValueError)
    assert err.field == "inn"
    assert err.message == "ИНН: неверная контрольная сумма"
    assert str(err) == err.message


# --------------------------------------------------------------------------
# ИНН
# --------------------------------------------------------------------------

WELL_KNOWN_INNS = {
    "Сбербанк": "7707083893",
    "Яндекс": "7736207543",
    "Газпром": "7736050003",
    "Лукойл": "7708004767",
    "МТС": "7740000076",
    "Аэрофлот": "7712040126",
}


@pytest.mark.parametrize("inn", WELL_KNOWN_INNS.values(), ids=WELL_KNOWN_INNS.keys())
def test_real_company_inns_are_valid(inn: str) -> None:
    assert validate_inn(inn) == inn
    assert _ref_inn_checksum_ok(inn)


def test_sberbank_inn_checksum_by_hand() -> None:
    # 7707083893: 7*2 + 7*4 + 0*10 + 7*3 + 0*5 + 8*9 + 3*4 + 8*6 + 9*8
    #           = 14 + 28 + 0 + 21 + 0 + 72 + 12 + 48 + 72 = 267
    # 267 mod 11 = 267 - 264 = 3; 3 mod 10 = 3 == last digit.
    assert inn_check_digits("770708389") == "7707083893"


# A 12-digit INN computed with inn_check_digits("5001234567") and checked by hand:
#   digit 11: weights 7,2,4,10,3,5,9,4,6,8 over 5,0,0,1,2,3,4,5,6,7
#     35 + 0 + 0 + 10 + 6 + 15 + 36 + 20 + 36 + 56 = 214; 214 mod 11 = 5 (209 = 11*19) -> 5
#   digit 12: weights 3,7,2,4,10,3,5,9,4,6,8 over 5,0,0,1,2,3,4,5,6,7,5
#     15 + 0 + 0 + 4 + 20 + 9 + 20 + 45 + 24 + 42 + 40 = 219; 219 mod 11 = 10 -> 10 mod 10 = 0
# It also exercises the "residue 10 -> check digit 0" rule.
VALID_INN12 = "500123456750"


def test_valid_12_digit_inn() -> None:
    assert inn_check_digits("5001234567") == VALID_INN12
    assert validate_inn(VALID_INN12) == VALID_INN12
    assert _ref_inn_checksum_ok(VALID_INN12)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (" 7707083893 ", "7707083893"),
        ("7707 083 893", "7707083893"),
        ("7707\u00a0083893", "7707083893"),
        ("5001 2345 6750", VALID_INN12),
    ],
)
def test_inn_spaces_are_stripped(raw: str, cleaned: str) -> None:
    assert validate_inn(raw) == cleaned


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("7707083894", "контрольная сумма"),  # last digit changed
        ("7707083393", "контрольная сумма"),  # a middle digit changed
        ("500123456751", "контрольная сумма"),  # 12th digit changed
        ("500123456760", "контрольная сумма"),  # 11th digit changed
        ("770708389", "10 цифр"),  # too short
        ("77070838930", "10 цифр"),  # 11 digits
        ("7707083893123", "10 цифр"),  # 13 digits
        ("770708389З", "только цифры"),  # Cyrillic «З» instead of 3
        ("ABCDEFGHIJ", "только цифры"),
        ("7707-083893", "только цифры"),
        ("77070838９3", "только цифры"),  # full-width digit
        ("0000000000", "нул"),
        ("000000000000", "нул"),
        ("", "не указано"),
        ("   ", "не указано"),
    ],
)
def test_invalid_inn(value: str, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_inn(value)
    assert info.value.field == "inn"
    assert info.value.message.startswith("ИНН: ")
    assert reason in info.value.message
    assert str(info.value) == info.value.message


def test_inn_error_messages_are_distinct() -> None:
    messages = set()
    for value in ("7707083894", "770708389", "77070838AB", "0000000000", ""):
        with pytest.raises(ValidationError) as info:
            validate_inn(value)
        messages.add(info.value.message)
    assert len(messages) == 5


@pytest.mark.parametrize(
    "prefix", ["", "12345678", "12345678901", "12345678a", "１２３４５６７８９"]
)
def test_inn_check_digits_rejects_bad_prefix(prefix: str) -> None:
    with pytest.raises(ValueError):
        inn_check_digits(prefix)


@given(_digit_strings(9))
def test_inn_check_digits_10_always_valid(prefix: str) -> None:
    inn = inn_check_digits(prefix)
    assert len(inn) == 10
    assert inn.startswith(prefix)
    assert _ref_inn_checksum_ok(inn)
    if prefix != "000000000":
        assert validate_inn(inn) == inn


@given(_digit_strings(10))
def test_inn_check_digits_12_always_valid(prefix: str) -> None:
    inn = inn_check_digits(prefix)
    assert len(inn) == 12
    assert inn.startswith(prefix)
    assert _ref_inn_checksum_ok(inn)
    if prefix != "0000000000":
        assert validate_inn(inn) == inn


@given(st.one_of(_digit_strings(10), _digit_strings(12)))
def test_validate_inn_agrees_with_reference(inn: str) -> None:
    assume(set(inn) != {"0"})
    assert _is_valid_inn(inn) == _ref_inn_checksum_ok(inn)


# Single-digit change of a valid 10-digit INN.
#
# Let r = (sum of w_i * d_i) mod 11 over the first 9 digits; the check digit is r mod 10.
# Changing digit i (i < 9) by delta (1 <= |delta| <= 9) changes the weighted sum by
# w_i * delta. Every weight is in {2, ..., 10}, so it is not a multiple of the prime 11,
# nor is delta; hence w_i * delta is not divisible by 11 and the new residue r' != r.
# But the check digit is r mod 10, and r ranges over 0..10: r = 0 and r = 10 both give
# check digit 0. So the change goes unnoticed exactly when {r, r'} == {0, 10}; in every
# other case the INN becomes invalid. Changing the check digit itself is always caught.
#
# Example of such a collision (verified by hand):
#   1000000010: 1*2 + 1*8 = 10 -> r = 10 -> check 0
#   7000000010: 7*2 + 1*8 = 22 -> r = 0  -> check 0
COLLISION_PAIR = ("1000000010", "7000000010")


def test_known_single_digit_collision_is_indeed_valid() -> None:
    first, second = COLLISION_PAIR
    assert sum(a != b for a, b in zip(first, second, strict=True)) == 1
    assert validate_inn(first) == first
    assert validate_inn(second) == second
    assert {_residue(first[:9], _W10), _residue(second[:9], _W10)} == {0, 10}


@example(prefix="100000001", position=0, new_digit="7")  # the collision above
@example(prefix="770708389", position=9, new_digit="4")
@given(
    prefix=_digit_strings(9),
    position=st.integers(min_value=0, max_value=9),
    new_digit=st.sampled_from("0123456789"),
)
def test_single_digit_change_of_10_digit_inn(prefix: str, position: int, new_digit: str) -> None:
    inn = inn_check_digits(prefix)
    assume(inn[position] != new_digit)
    mutated = inn[:position] + new_digit + inn[position + 1 :]
    assume(set(mutated) != {"0"})

    if position == 9:
        # The check digit itself changed: never valid.
        assert not _is_valid_inn(mutated)
        return

    r_old = _residue(inn[:9], _W10)
    r_new = _residue(mutated[:9], _W10)
    assert r_new != r_old  # the weighted sum always changes mod 11 (see proof above)
    coincides = {r_old, r_new} == {0, 10}
    assert coincides == (r_old % 10 == r_new % 10)
    assert _is_valid_inn(mutated) == coincides
    if not coincides:
        with pytest.raises(ValidationError, match="ИНН: неверная контрольная сумма"):
            validate_inn(mutated)


@given(prefix=_digit_strings(10), position=st.integers(min_value=10, max_value=11), data=st.data())
def test_changing_a_check_digit_of_12_digit_inn_is_caught(
    prefix: str, position: int, data: st.DataObject
) -> None:
    inn = inn_check_digits(prefix)
    new_digit = data.draw(st.sampled_from([d for d in "0123456789" if d != inn[position]]))
    mutated = inn[:position] + new_digit + inn[position + 1 :]
    assume(set(mutated) != {"0"})
    assert not _is_valid_inn(mutated)


# --------------------------------------------------------------------------
# КПП
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("773601001", "773601001"),  # Сбербанк
        ("770401001", "770401001"),
        ("7736AB001", "7736AB001"),
        ("7736ab001", "7736AB001"),
        (" 7736 01 001 ", "773601001"),
    ],
)
def test_valid_kpp(raw: str, cleaned: str) -> None:
    assert validate_kpp(raw) == cleaned


@pytest.mark.parametrize(
    "value",
    ["77360100", "7736010011", "773A01001", "7736010A1", "7736АБ001", "7736-1001", ""],
)
def test_invalid_kpp(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_kpp(value)
    assert info.value.field == "kpp"
    assert info.value.message.startswith("КПП: ")


# --------------------------------------------------------------------------
# ОГРН / ОГРНИП
# --------------------------------------------------------------------------


@pytest.mark.parametrize("ogrn", ["1027700132195", "1027700229193"], ids=["Сбербанк", "Яндекс"])
def test_real_ogrn_valid(ogrn: str) -> None:
    assert validate_ogrn(ogrn) == ogrn
    assert validate_ogrn_any(ogrn) == ogrn
    assert ogrn_with_check(ogrn[:12]) == ogrn


def test_ogrn_checksum_by_hand() -> None:
    # 102770013219 = 11 * 9342728474 + 5  -> 5 mod 10 = 5 (Сбербанк, ОГРН ends in 5)
    assert 11 * 9342728474 + 5 == 102770013219
    assert ogrn_with_check("102770013219") == "1027700132195"


# 30450011600015 = 13 * 2342308584616 + 7 -> check digit 7
VALID_OGRNIP = "304500116000157"


def test_valid_ogrnip() -> None:
    assert 13 * 2342308584616 + 7 == 30450011600015
    assert validate_ogrnip(VALID_OGRNIP) == VALID_OGRNIP
    assert validate_ogrn_any(VALID_OGRNIP) == VALID_OGRNIP
    assert validate_ogrnip(" 304 500 116 000 157 ") == VALID_OGRNIP


@pytest.mark.parametrize(
    ("func", "value", "field", "label"),
    [
        (validate_ogrn, "1027700132196", "ogrn", "ОГРН: "),
        (validate_ogrn, "102770013219", "ogrn", "ОГРН: "),
        (validate_ogrn, "10277001321A5", "ogrn", "ОГРН: "),
        (validate_ogrn, "0000000000000", "ogrn", "ОГРН: "),
        (validate_ogrnip, "304500116000158", "ogrnip", "ОГРНИП: "),
        (validate_ogrnip, "1027700132195", "ogrnip", "ОГРНИП: "),
        (validate_ogrn_any, "1027700132196", "ogrn", "ОГРН: "),
        (validate_ogrn_any, "304500116000158", "ogrn", "ОГРНИП: "),
        (validate_ogrn_any, "12345678901234", "ogrn", "ОГРН/ОГРНИП: "),
        (validate_ogrn_any, "1027700I32195", "ogrn", "ОГРН/ОГРНИП: "),
        (validate_ogrn_any, "", "ogrn", "ОГРН/ОГРНИП: "),
    ],
)
def test_invalid_ogrn(func, value: str, field: str, label: str) -> None:
    with pytest.raises(ValidationError) as info:
        func(value)
    assert info.value.field == field
    assert info.value.message.startswith(label)


def test_ogrn_wrong_checksum_message() -> None:
    with pytest.raises(ValidationError, match="^ОГРН: неверная контрольная сумма$"):
        validate_ogrn("1027700132196")


@given(_digit_strings(12))
def test_ogrn_with_check_always_valid(first12: str) -> None:
    assume(first12 != "0" * 12)
    ogrn = ogrn_with_check(first12)
    assert len(ogrn) == 13
    assert int(ogrn[-1]) == int(first12) % 11 % 10
    assert validate_ogrn(ogrn) == ogrn
    assert validate_ogrn_any(ogrn) == ogrn


@given(_digit_strings(14))
def test_ogrnip_with_check_always_valid(first14: str) -> None:
    assume(first14 != "0" * 14)
    ogrnip = ogrnip_with_check(first14)
    assert len(ogrnip) == 15
    assert int(ogrnip[-1]) == int(first14) % 13 % 10
    assert validate_ogrnip(ogrnip) == ogrnip
    assert validate_ogrn_any(ogrnip) == ogrnip


@given(_digit_strings(12), st.data())
def test_ogrn_wrong_check_digit_rejected(first12: str, data: st.DataObject) -> None:
    good = ogrn_with_check(first12)
    bad_digit = data.draw(st.sampled_from([d for d in "0123456789" if d != good[-1]]))
    with pytest.raises(ValidationError):
        validate_ogrn(first12 + bad_digit)


@pytest.mark.parametrize(
    ("func", "arg"),
    [
        (ogrn_with_check, "10277001321"),
        (ogrn_with_check, "1027700132195"),
        (ogrn_with_check, "10277001321x"),
        (ogrnip_with_check, "3045001160001"),
        (ogrnip_with_check, "304500116000157"),
    ],
)
def test_check_builders_reject_bad_prefix(func, arg: str) -> None:
    with pytest.raises(ValueError):
        func(arg)


# --------------------------------------------------------------------------
# Телефон
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "8 (916) 123-45-67",
        "+7 916 1234567",
        "+7 (916) 123-45-67",
        "89161234567",
        "79161234567",
        "9161234567",
        "+79161234567",
        "8-916-123-45-67",
        " 8 916 123 45 67 ",
    ],
)
def test_phone_formats_normalize(raw: str) -> None:
    phone = normalize_phone(raw)
    assert isinstance(phone, PhoneNumber)
    assert phone.digits == "79161234567"
    assert phone.extension is None
    assert phone.raw == raw.strip()
    assert phone.e164 == "+79161234567"


def test_phone_is_frozen() -> None:
    phone = normalize_phone("+7 916 1234567")
    with pytest.raises(AttributeError):
        phone.digits = "1"  # type: ignore[misc]


def test_moscow_landline() -> None:
    assert normalize_phone("8 (495) 123-45-67").digits == "74951234567"


def test_kazakhstan_number_accepted() -> None:
    phone = normalize_phone("+7 701 123 4567")
    assert phone.digits == "77011234567"
    # Also with the trunk prefix, as a Russian user would type it.
    assert normalize_phone("8 701 123 45 67").digits == "77011234567"


def test_other_countries_accepted() -> None:
    assert normalize_phone("+375 29 123 45 67").digits == "375291234567"
    assert normalize_phone("+1 650 253 0000").digits == "16502530000"


@pytest.mark.parametrize(
    ("raw", "ext"),
    [
        ("8 (916) 123-45-67 доб. 123", "123"),
        ("+7 916 1234567, доб. 123", "123"),
        ("+7 916 1234567 доб 123", "123"),
        ("+7 916 1234567 Доб.123", "123"),
        ("+7 916 1234567 добавочный 123", "123"),
        ("+7 495 123-45-67 вн. 4021", "4021"),
        ("+7 916 1234567 ext 123", "123"),
        ("+7 916 1234567 ext. 123", "123"),
        ("+7 916 1234567 x123", "123"),
        ("+7 916 1234567 #123", "123"),
    ],
)
def test_phone_extension_parsed(raw: str, ext: str) -> None:
    phone = normalize_phone(raw)
    assert phone.extension == ext
    assert phone.digits in ("79161234567", "74951234567")
    assert phone.formatted().endswith(f"доб. {ext}")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("abc", "не распознан"),
        ("телефон", "не распознан"),
        ("12345", "не распознан"),
        ("доб. 123", "не распознан"),
        ("8 (916) 123-45-67-89-01-23", "не распознан"),
        ("+7 000 000 00 00", "не существует в плане нумерации"),
        ("", "не указан"),
        ("   ", "не указан"),
    ],
)
def test_garbage_phone_rejected(raw: str, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw)
    assert info.value.field == "phone"
    assert info.value.message.startswith("Телефон: ")
    assert reason in info.value.message
    if raw.strip():
        assert f"«{raw.strip()}»" in info.value.message


def test_phone_formatted() -> None:
    assert normalize_phone("89161234567").formatted() == "+7 916 123-45-67"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 (916) 123-45-67", "79161234567"),
        ("89161234567", "79161234567"),
        ("+7 916 123-45-67", "79161234567"),
        ("916-12", "91612"),
        ("8916", "8916"),  # too short to tell: kept as typed
        ("88001234567", "78001234567"),
        ("+8 800", "8800"),
        ("abc", ""),
        ("", ""),
        ("８９１６", ""),  # full-width digits are not ASCII digits
    ],
)
def test_phone_search_digits(text: str, expected: str) -> None:
    assert phone_search_digits(text) == expected


@given(_digit_strings(10))
def test_phone_search_digits_trunk_prefix(rest: str) -> None:
    assert phone_search_digits("8" + rest) == "7" + rest
    assert phone_search_digits("+7 " + rest) == "7" + rest


# --------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("info@example.ru", "info@example.ru"),
        ("Ivan.Petrov@Yandex.RU", "Ivan.Petrov@yandex.ru"),
        ("  sales@mail.example.com  ", "sales@mail.example.com"),
        ("user+tag@gmail.com", "user+tag@gmail.com"),
        ("o'brien@example.co.uk", "o'brien@example.co.uk"),
        ("a_b-c@sub-domain.example.org", "a_b-c@sub-domain.example.org"),
        ("info@ПОЧТА.РФ", "info@почта.рф"),
        ("info@xn--80a1acny.xn--p1ai", "info@xn--80a1acny.xn--p1ai"),
    ],
)
def test_valid_email(raw: str, cleaned: str) -> None:
    assert validate_email(raw) == cleaned


@pytest.mark.parametrize(
    "value",
    [
        "plainaddress",
        "@example.ru",
        "info@",
        "info@example",
        "info@example.r",
        "info @example.ru",
        "info@exa mple.ru",
        "info@@example.ru",
        "a..b@example.ru",
        ".ab@example.ru",
        "ab.@example.ru",
        "info@-example.ru",
        "info@example-.ru",
        "info@exa_mple.ru",
        "info@example..ru",
        "info@example.ru.",
        "info@example.123",
        "a" * 65 + "@example.ru",
    ],
)
def test_invalid_email(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_email(value)
    assert info.value.field == "email"
    assert info.value.message == f"E-mail: адрес «{value.strip()}» указан неверно"


def test_empty_email() -> None:
    with pytest.raises(ValidationError) as info:
        validate_email("  ")
    assert info.value.field == "email"
    assert info.value.message.startswith("E-mail: ")


# --------------------------------------------------------------------------
# Обязательные поля
# --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n"])
def test_required_missing(value: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        validate_required(value, "name", "Наименование")
    assert info.value.field == "name"
    assert info.value.message == "Наименование: обязательное поле"


def test_required_present() -> None:
    assert validate_required("  ООО «Ромашка» ", "name", "Наименование") == "ООО «Ромашка»"
    assert validate_required(0, "count", "Количество") == 0
