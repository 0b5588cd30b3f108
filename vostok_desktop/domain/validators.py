"""Validation of Russian company requisites, phone numbers and e-mail addresses.

Pure Python: no Qt, no database. Every validator either returns the cleaned
value or raises :class:`ValidationError`, whose ``message`` is a Russian,
user-facing sentence that names the field and the reason, e.g.
«ИНН: неверная контрольная сумма». ``field`` is a stable English id ("inn",
"kpp", "ogrn", "ogrnip", "phone", "email", ...) that the GUI uses to highlight
the offending widget.

Checksum algorithms (ФНС):

* ИНН организации, 10 digits: weights 2,4,10,3,5,9,4,6,8 over the first 9
  digits; check digit = (sum mod 11) mod 10.
* ИНН физлица/ИП, 12 digits: digit 11 uses weights 7,2,4,10,3,5,9,4,6,8 over the
  first 10 digits, digit 12 uses weights 3,7,2,4,10,3,5,9,4,6,8 over the first
  11 digits (including the 11th); each is (sum mod 11) mod 10.
* ОГРН, 13 digits: check digit = (first 12 digits as a number mod 11) mod 10.
* ОГРНИП, 15 digits: check digit = (first 14 digits as a number mod 13) mod 10.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import phonenumbers

__all__ = [
    "INN10_WEIGHTS",
    "INN12_WEIGHTS_1",
    "INN12_WEIGHTS_2",
    "PhoneNumber",
    "ValidationError",
    "inn_check_digits",
    "normalize_phone",
    "ogrn_with_check",
    "ogrnip_with_check",
    "phone_search_digits",
    "validate_email",
    "validate_inn",
    "validate_kpp",
    "validate_ogrn",
    "validate_ogrn_any",
    "validate_ogrnip",
    "validate_required",
]


class ValidationError(ValueError):
    """A user-facing validation failure.

    ``field`` is the English field id, ``message`` the Russian text shown to
    the user; ``str(err) == err.message``.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ValidationError(field={self.field!r}, message={self.message!r})"


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

_WHITESPACE_RE = re.compile(r"\s+")


def _strip_spaces(value: str | None) -> str:
    """Remove all whitespace (including non-breaking spaces) from ``value``."""
    if value is None:
        return ""
    return _WHITESPACE_RE.sub("", str(value))


def _is_ascii_digits(value: str) -> bool:
    # str.isdigit() accepts e.g. "²" and Arabic-Indic digits; we do not.
    return value.isascii() and value.isdigit()


def _check_digit(digits: str, weights: Sequence[int]) -> int:
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
    return total % 11 % 10


INN10_WEIGHTS: tuple[int, ...] = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS_1: tuple[int, ...] = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS_2: tuple[int, ...] = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


# --------------------------------------------------------------------------
# ИНН
# --------------------------------------------------------------------------


def inn_check_digits(prefix: str) -> str:
    """Complete an INN with its check digit(s).

    Given the first 9 digits returns the 10-digit INN of a legal entity; given
    the first 10 digits returns the 12-digit INN of an individual.
    Raises :class:`ValueError` for any other input.
    """
    if not _is_ascii_digits(prefix):
        raise ValueError(f"INN prefix must consist of digits, got {prefix!r}")
    if len(prefix) == 9:
        return prefix + str(_check_digit(prefix, INN10_WEIGHTS))
    if len(prefix) == 10:
        eleven = prefix + str(_check_digit(prefix, INN12_WEIGHTS_1))
        return eleven + str(_check_digit(eleven, INN12_WEIGHTS_2))
    raise ValueError(f"INN prefix must have 9 or 10 digits, got {len(prefix)}")


def validate_inn(value: str) -> str:
    """Validate a 10-digit (organisation) or 12-digit (individual) INN.

    Whitespace is removed; the cleaned value is returned.
    """
    inn = _strip_spaces(value)
    if not inn:
        raise ValidationError("inn", "ИНН: значение не указано")
    if not _is_ascii_digits(inn):
        raise ValidationError("inn", "ИНН: допускаются только цифры")
    if len(inn) not in (10, 12):
        raise ValidationError(
            "inn",
            f"ИНН: должен содержать 10 цифр (организация) или 12 цифр (ИП, физлицо), "
            f"указано цифр: {len(inn)}",
        )
    if inn.count("0") == len(inn):
        raise ValidationError("inn", "ИНН: не может состоять из одних нулей")
    if inn_check_digits(inn[: len(inn) - (1 if len(inn) == 10 else 2)]) != inn:
        raise ValidationError("inn", "ИНН: неверная контрольная сумма")
    return inn


# --------------------------------------------------------------------------
# КПП
# --------------------------------------------------------------------------

_KPP_RE = re.compile(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}")


def validate_kpp(value: str) -> str:
    """Validate a KPP: 4 digits, 2 characters [0-9A-Z], 3 digits.

    Whitespace is removed and Latin letters are upper-cased.
    """
    kpp = _strip_spaces(value).upper()
    if not kpp:
        raise ValidationError("kpp", "КПП: значение не указано")
    if len(kpp) != 9:
        raise ValidationError("kpp", f"КПП: должен содержать 9 символов, указано: {len(kpp)}")
    if not _KPP_RE.fullmatch(kpp):
        raise ValidationError(
            "kpp",
            "КПП: неверный формат — ожидается 4 цифры, 2 цифры или латинские буквы A–Z, "
            "затем 3 цифры",
        )
    return kpp


# --------------------------------------------------------------------------
# ОГРН / ОГРНИП
# --------------------------------------------------------------------------


def ogrn_with_check(first12: str) -> str:
    """Append the check digit to the first 12 digits of an OGRN (13 digits)."""
    if not _is_ascii_digits(first12) or len(first12) != 12:
        raise ValueError(f"OGRN prefix must be 12 digits, got {first12!r}")
    return first12 + str(int(first12) % 11 % 10)


def ogrnip_with_check(first14: str) -> str:
    """Append the check digit to the first 14 digits of an OGRNIP (15 digits)."""
    if not _is_ascii_digits(first14) or len(first14) != 14:
        raise ValueError(f"OGRNIP prefix must be 14 digits, got {first14!r}")
    return first14 + str(int(first14) % 13 % 10)


def _validate_registration_number(value: str, *, field: str, label: str, length: int) -> str:
    number = _strip_spaces(value)
    if not number:
        raise ValidationError(field, f"{label}: значение не указано")
    if not _is_ascii_digits(number):
        raise ValidationError(field, f"{label}: допускаются только цифры")
    if len(number) != length:
        raise ValidationError(
            field, f"{label}: должен содержать {length} цифр, указано цифр: {len(number)}"
        )
    if number.count("0") == len(number):
        raise ValidationError(field, f"{label}: не может состоять из одних нулей")
    expected = ogrn_with_check(number[:12]) if length == 13 else ogrnip_with_check(number[:14])
    if expected != number:
        raise ValidationError(field, f"{label}: неверная контрольная сумма")
    return number


def validate_ogrn(value: str) -> str:
    """Validate a 13-digit OGRN of a legal entity."""
    return _validate_registration_number(value, field="ogrn", label="ОГРН", length=13)


def validate_ogrnip(value: str) -> str:
    """Validate a 15-digit OGRNIP of an individual entrepreneur."""
    return _validate_registration_number(value, field="ogrnip", label="ОГРНИП", length=15)


def validate_ogrn_any(value: str) -> str:
    """Validate either an OGRN (13 digits) or an OGRNIP (15 digits).

    Meant for a single «ОГРН/ОГРНИП» form field, so errors always carry
    ``field="ogrn"``; the checksum message names the detected kind.
    """
    number = _strip_spaces(value)
    if not number:
        raise ValidationError("ogrn", "ОГРН/ОГРНИП: значение не указано")
    if not _is_ascii_digits(number):
        raise ValidationError("ogrn", "ОГРН/ОГРНИП: допускаются только цифры")
    if len(number) == 13:
        return _validate_registration_number(number, field="ogrn", label="ОГРН", length=13)
    if len(number) == 15:
        return _validate_registration_number(number, field="ogrn", label="ОГРНИП", length=15)
    raise ValidationError(
        "ogrn",
        f"ОГРН/ОГРНИП: должен содержать 13 цифр (ОГРН) или 15 цифр (ОГРНИП), "
        f"указано цифр: {len(number)}",
    )


# --------------------------------------------------------------------------
# Телефон
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A normalised phone number.

    ``raw`` is the text as entered, ``digits`` the E.164 number without the
    leading '+' (e.g. "79161234567"), ``extension`` the extension or None.
    """

    raw: str
    digits: str
    extension: str | None = None

    @property
    def e164(self) -> str:
        """E.164 form with '+', e.g. "+79161234567" (extension not included)."""
        return "+" + self.digits

    def formatted(self) -> str:
        """Human-readable international form, e.g. "+7 916 123-45-67 доб. 123"."""
        parsed = phonenumbers.parse(self.e164, None)
        text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        if self.extension:
            text += f" доб. {self.extension}"
        return text


# phonenumbers understands "доб.", "ext", "x", "#" but not every Russian
# spelling; these are cut off before parsing.
_RU_EXTENSION_RE = re.compile(
    r"[\s,;]*(?:доб(?:авочный)?|вн(?:утр(?:енний)?)?|доп(?:олнительный)?)\.?"
    r"\s*(?:номер\s*)?[:№]?\s*(?P<ext>\d{1,10})\s*$",
    re.IGNORECASE,
)


def normalize_phone(raw: str, default_region: str = "RU") -> PhoneNumber:
    """Parse and validate a phone number.

    Numbers without a country code are read in ``default_region`` (so the
    Russian trunk prefix "8" works: "8 (916) 123-45-67" -> "79161234567").
    Any number valid in the numbering plan is accepted (RU, KZ, ...).
    """
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise ValidationError("phone", "Телефон: номер не указан")

    extension: str | None = None
    to_parse = text
    match = _RU_EXTENSION_RE.search(text)
    if match and match.start() > 0:
        extension = match.group("ext")
        to_parse = text[: match.start()]

    try:
        parsed = phonenumbers.parse(to_parse, default_region)
    except phonenumbers.NumberParseException:
        raise ValidationError("phone", f"Телефон: номер «{text}» не распознан") from None

    if not phonenumbers.is_possible_number(parsed):
        raise ValidationError("phone", f"Телефон: номер «{text}» не распознан")
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError("phone", f"Телефон: номер «{text}» не существует в плане нумерации")

    if extension is None and parsed.extension:
        extension = parsed.extension
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return PhoneNumber(raw=text, digits=e164.lstrip("+"), extension=extension or None)


def phone_search_digits(text: str) -> str:
    """Digits of a phone search query, with the Russian trunk "8" turned into "7".

    "8 (916) 123-45-67" -> "79161234567", so that it matches stored E.164
    digits. Anything that is not an 11-digit number starting with 8 is returned
    as its bare digits.
    """
    digits = "".join(ch for ch in (text or "") if ch.isascii() and ch.isdigit())
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    return digits


# --------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------

# Local part: dot-atom of the common RFC 5322 characters (Unicode letters are
# allowed too, RFC 6531). Domain: at least two labels of letters/digits/hyphens
# (no leading or trailing hyphen), a TLD of 2+ letters or punycode "xn--...".
# Unicode letters are allowed so that Cyrillic domains such as "почта.рф" work.
_LOCAL_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_DOMAIN_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_EMAIL_RE = re.compile(
    rf"(?P<local>{_LOCAL_ATOM}(?:\.{_LOCAL_ATOM})*)"
    rf"@(?P<domain>(?:{_DOMAIN_LABEL}\.)+(?:[^\W\d_]{{2,63}}|xn--[a-z0-9-]{{1,59}}))",
    re.IGNORECASE,
)


def validate_email(value: str) -> str:
    """Validate an e-mail address; returns it stripped, with the domain lower-cased."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValidationError("email", "E-mail: адрес не указан")
    match = _EMAIL_RE.fullmatch(text)
    if (
        match is None
        or "_" in match.group("domain")
        or len(match.group("local")) > 64
        or len(text) > 254
    ):
        raise ValidationError("email", f"E-mail: адрес «{text}» указан неверно")
    return f"{match.group('local')}@{match.group('domain').lower()}"


# --------------------------------------------------------------------------
# Обязательные поля
# --------------------------------------------------------------------------

T = TypeVar("T")


def validate_required(value: T | None, field: str, label: str) -> T:
    """Raise «{label}: обязательное поле» if ``value`` is None or blank.

    Strings are returned stripped; other values are returned unchanged.
    """
    if value is None:
        raise ValidationError(field, f"{label}: обязательное поле")
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            raise ValidationError(field, f"{label}: обязательное поле")
        return stripped  # type: ignore[return-value]
    return value
