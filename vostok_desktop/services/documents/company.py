"""The company's details («реквизиты РИЦ») that print forms show as ``{{ company.* }}``.

No Qt. They live in the base (table ``company_details``), so every workstation prints
the same invoice. Earlier versions kept them in ``company.json`` in the user's config
folder: the first read of a base with no details imports that file, so nothing typed
there is lost. Until anything is saved the defaults below fill the forms.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError

from vostok_desktop import paths
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.documents import CompanyDetail
from vostok_desktop.domain.validators import ValidationError, validate_inn, validate_kpp

# key -> title in the dialog (and the order there)
COMPANY_FIELDS: dict[str, str] = {
    "name": "Наименование",
    "inn": "ИНН",
    "kpp": "КПП",
    "ogrn": "ОГРН",
    "address": "Адрес",
    "city": "Город (в шапке договора)",
    "phone": "Телефон",
    "email": "E-mail",
    "bank": "Банковские реквизиты",
    "director": "Руководитель (Фамилия И. О.)",
    "accountant": "Главный бухгалтер (Фамилия И. О.)",
}

DEFAULT_COMPANY: dict[str, str] = {
    "name": "ООО «РИЦ Восток»",
    "inn": "5406123450",
    "kpp": "540601001",
    "ogrn": "",
    "address": "630099, г. Новосибирск, ул. Советская, д. 1",
    "city": "Новосибирск",
    "phone": "+7 383 200-00-00",
    "email": "",
    "bank": "р/с 40702810000000000001 в ПАО «Банк», БИК 045004001",
    "director": "Петров П. П.",
    "accountant": "",
}


def legacy_path() -> Path:
    """Where earlier versions kept the details (one file per workstation)."""
    return paths.config_dir() / "company.json"


def _read_legacy() -> dict[str, str]:
    try:
        stored = json.loads(legacy_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {str(k)[:60]: "" if v is None else str(v) for k, v in stored.items()}


def stored_details(base: OpenedBase) -> dict[str, str]:
    """What the base holds, key by key (nothing of the defaults)."""
    with base.sessions() as s:
        return {d.key: d.value for d in s.scalars(select(CompanyDetail))}


def company_details(base: OpenedBase | None) -> dict[str, str]:
    """The details for print forms: the base's over the defaults. A base with none yet
    takes over ``company.json`` if this workstation has one (saved into the base when
    the user may write; read from the file otherwise)."""
    details = dict(DEFAULT_COMPANY)
    if base is None:
        details.update(_read_legacy())
        return details
    stored = stored_details(base)
    if not stored:
        legacy = _read_legacy()
        if legacy:
            try:
                save_company_details(base, legacy, None, validate=False)
            except DBAPIError:  # read-only base or no right to edit: use the file as is
                pass
            stored = legacy
    details.update(stored)
    return details


def check_details(details: dict[str, str]) -> dict[str, str]:
    """Cleaned details, or :class:`ValidationError` naming the wrong field."""
    clean = {k: (v or "").strip() for k, v in details.items()}
    if not clean.get("name"):
        raise ValidationError("name", "Наименование РИЦ: обязательное поле")
    if clean.get("inn"):
        clean["inn"] = validate_inn(clean["inn"])
    if clean.get("kpp"):
        clean["kpp"] = validate_kpp(clean["kpp"])
    for key in clean:
        if not key or len(key) > 60:
            raise ValidationError("key", f"Реквизит «{key[:70]}»: имя длиннее 60 знаков")
    return clean


def save_company_details(base: OpenedBase, details: dict[str, str], employee_id: int | None,
                         *, validate: bool = True) -> dict[str, str]:
    """Replace the stored details with ``details`` in one transaction."""
    clean = check_details(details) if validate else dict(details)
    now = utcnow()
    with base.sessions() as s, s.begin():
        s.execute(delete(CompanyDetail))
        s.add_all(CompanyDetail(key=k, value=v, updated_at=now, updated_by_id=employee_id)
                  for k, v in clean.items())
    return clean


__all__ = ["COMPANY_FIELDS", "DEFAULT_COMPANY", "check_details", "company_details",
           "legacy_path", "save_company_details", "stored_details"]
