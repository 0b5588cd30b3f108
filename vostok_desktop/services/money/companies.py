"""Companies («субъекты учёта»): the legal entities of the РИЦ that issue documents, each
with its own details, tax mode (ОСН with a VAT rate, or УСН) and number series. No Qt.

The first company is made from the print forms' details (``company_details``) when the
table is still empty, so a base that printed invoices before keeps its requisites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.access import Right
from vostok_desktop.domain.money import Company, TaxMode
from vostok_desktop.domain.validators import ValidationError, validate_inn, validate_kpp
from vostok_desktop.services.access.rights import AccessProfile, guarded, require
from vostok_desktop.services.documents.company import DEFAULT_COMPANY, stored_details


@dataclass
class CompanyData:
    """A company as the dialog edits it (strings as typed; ``vat_rate`` may be text)."""

    name: str
    inn: str = ""
    kpp: str = ""
    ogrn: str = ""
    address: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    bank_name: str = ""
    bik: str = ""
    account: str = ""
    corr_account: str = ""
    director: str = ""
    accountant: str = ""
    tax_mode: TaxMode = TaxMode.VAT
    vat_rate: Decimal | str = Decimal("22")
    payment_days: int = 10
    is_default: bool = False
    is_active: bool = True
    id: int | None = None
    version: int | None = field(default=None, compare=False)

    @classmethod
    def of(cls, company: Company) -> CompanyData:
        return cls(**{f.name: getattr(company, f.name) for f in fields(cls)})


_DIGITS = re.compile(r"\d+")


def _digits(value: str, title: str, field_name: str, length: int) -> str:
    cleaned = re.sub(r"[\s\u00a0-]", "", value or "")
    if not cleaned:
        return ""
    if not _DIGITS.fullmatch(cleaned) or len(cleaned) != length:
        raise ValidationError(field_name, f"{title}: должно быть {length} цифр, "
                                          f"введено «{value.strip()}»")
    return cleaned


def check_company(data: CompanyData) -> CompanyData:
    """Cleaned data, or :class:`ValidationError` naming the field that is wrong."""
    name = (data.name or "").strip()
    if not name:
        raise ValidationError("name", "Наименование: обязательное поле")
    inn = (data.inn or "").strip()
    if inn:
        inn = validate_inn(inn)
    kpp = (data.kpp or "").strip()
    if kpp:
        kpp = validate_kpp(kpp)
    ogrn = re.sub(r"\s", "", data.ogrn or "")
    if ogrn and (not ogrn.isdigit() or len(ogrn) not in (13, 15)):
        raise ValidationError("ogrn", f"ОГРН: должно быть 13 или 15 цифр, введено «{ogrn}»")
    bik = _digits(data.bik, "БИК", "bik", 9)
    account = _digits(data.account, "Расчётный счёт", "account", 20)
    corr = _digits(data.corr_account, "Корреспондентский счёт", "corr_account", 20)
    try:
        rate = Decimal(str(data.vat_rate).replace(",", ".").replace("%", "").strip() or "0")
    except InvalidOperation:
        raise ValidationError("vat_rate", f"Ставка НДС: «{data.vat_rate}» — не число") from None
    if not rate.is_finite() or rate < 0 or rate > 100 or rate != rate.quantize(Decimal("0.01")):
        raise ValidationError("vat_rate", "Ставка НДС: число от 0 до 100, не больше двух "
                                          "знаков после запятой")
    tax_mode = TaxMode(data.tax_mode)
    if int(data.payment_days) < 0:
        raise ValidationError("payment_days", "Срок оплаты: не может быть отрицательным")
    return CompanyData(
        name=name, inn=inn, kpp=kpp, ogrn=ogrn, address=data.address.strip(),
        city=data.city.strip(), phone=data.phone.strip(), email=data.email.strip(),
        bank_name=data.bank_name.strip(), bik=bik, account=account, corr_account=corr,
        director=data.director.strip(), accountant=data.accountant.strip(),
        tax_mode=tax_mode, vat_rate=rate.quantize(Decimal("0.01")),
        payment_days=int(data.payment_days), is_default=bool(data.is_default),
        is_active=bool(data.is_active), id=data.id, version=data.version)


_ACCOUNT_RE = re.compile(r"р/?с\s*(\d{20})", re.IGNORECASE)
_BIK_RE = re.compile(r"БИК\s*(\d{9})", re.IGNORECASE)
_CORR_RE = re.compile(r"к/?с\s*(\d{20})", re.IGNORECASE)
_BANK_RE = re.compile(r"\d{20}\s+в\s+(.+?)(?:,\s*БИК|,\s*к/?с|$)", re.IGNORECASE)


def _from_details(details: dict[str, str]) -> Company:
    bank = details.get("bank", "")
    pick = (lambda rx: (m.group(1) if (m := rx.search(bank)) else ""))  # noqa: E731
    return Company(
        name=details.get("name") or DEFAULT_COMPANY["name"], inn=details.get("inn", "")[:12],
        kpp=details.get("kpp", "")[:9], ogrn=details.get("ogrn", "")[:15],
        address=details.get("address", "")[:500], city=details.get("city", "")[:100],
        phone=details.get("phone", "")[:100], email=details.get("email", "")[:200],
        bank_name=pick(_BANK_RE).strip()[:300], bik=pick(_BIK_RE),
        account=pick(_ACCOUNT_RE), corr_account=pick(_CORR_RE),
        director=details.get("director", "")[:200],
        accountant=details.get("accountant", "")[:200], tax_mode=TaxMode.VAT,
        vat_rate=Decimal("22"), payment_days=10, is_default=True, is_active=True)


def default_company(session: Session) -> Company:
    """The default company; the first one is made from the print forms' details (or
    the built-in defaults) when the table is empty."""
    company = session.scalar(select(Company).where(Company.is_default.is_(True)))
    if company is not None:
        return company
    company = session.scalar(select(Company).where(Company.is_active.is_(True))
                             .order_by(Company.id).limit(1))
    if company is not None:
        return company
    from vostok_desktop.domain.documents import CompanyDetail

    details = dict(DEFAULT_COMPANY)
    details.update({d.key: d.value for d in session.scalars(select(CompanyDetail))})
    company = _from_details(details)
    session.add(company)
    session.flush()
    return company


def list_companies(session: Session, *, active_only: bool = False) -> list[Company]:
    """Every company, the default first, then by name."""
    query = select(Company).order_by(Company.is_default.desc(), Company.name, Company.id)
    if active_only:
        query = query.where(Company.is_active.is_(True))
    return list(session.scalars(query))


def company_rows(base: OpenedBase, *, active_only: bool = False) -> list[CompanyData]:
    """The companies as plain data (for the GUI); makes the first one when none exist."""
    with base.sessions() as s, s.begin():
        if s.scalar(select(Company.id).limit(1)) is None and not base.read_only:
            default_company(s)
        return [CompanyData.of(c) for c in list_companies(s, active_only=active_only)]


def save_company(base: OpenedBase, data: CompanyData, profile: AccessProfile | None
                 ) -> int:
    """Create or update a company (right «Справочники»); returns its id. Making one the
    default takes the mark off the others."""
    if profile is not None:
        require(profile, Right.REFERENCE_EDIT)
    clean = check_company(data)

    def go() -> int:
        with base.sessions() as s, s.begin():
            if clean.id is None:
                company = Company()
            else:
                company = s.get(Company, clean.id)
                if company is None:
                    raise ValidationError("id", "Субъект учёта не найден (возможно, удалён)")
                if clean.version is not None and company.version != clean.version:
                    raise ValidationError("version", "Субъект учёта изменил другой "
                                          "пользователь: закройте окно и откройте снова")
            if clean.is_default:
                s.execute(update(Company).where(Company.is_default.is_(True))
                          .values(is_default=False))
                s.flush()
            first = clean.id is None and s.scalar(select(Company.id).limit(1)) is None
            for f in fields(CompanyData):
                if f.name not in ("id", "version"):
                    setattr(company, f.name, getattr(clean, f.name))
            if first:
                company.is_default = True  # the first company is the default one
            s.add(company)
            s.flush()
            return company.id

    return guarded(go)


def bank_text(company: Company | CompanyData) -> str:
    """«р/с … в …, БИК …, к/с …» as the print forms show the bank details."""
    parts = []
    if company.account:
        parts.append(f"р/с {company.account}" + (f" в {company.bank_name}"
                                                  if company.bank_name else ""))
    elif company.bank_name:
        parts.append(company.bank_name)
    if company.bik:
        parts.append(f"БИК {company.bik}")
    if company.corr_account:
        parts.append(f"к/с {company.corr_account}")
    return ", ".join(parts)


def company_fields(company: Company | CompanyData) -> dict[str, str]:
    """A company's details under the keys the print forms know (``company.*``): the one
    source for money documents and for the «Акт сверки» form."""
    return {
        "name": company.name, "inn": company.inn, "kpp": company.kpp, "ogrn": company.ogrn,
        "address": company.address, "city": company.city, "phone": company.phone,
        "email": company.email, "bank": bank_text(company), "bank_name": company.bank_name,
        "bik": company.bik, "account": company.account, "corr_account": company.corr_account,
        "director": company.director, "accountant": company.accountant,
    }


__all__ = ["CompanyData", "bank_text", "check_company", "company_fields", "company_rows",
           "default_company", "list_companies", "save_company", "stored_details"]
