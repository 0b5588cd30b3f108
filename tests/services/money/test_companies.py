"""Companies («субъекты учёта») on both dialects: details validated with Russian
messages naming the field, one default company, and the right «Справочники»."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.services.money.test_documents import IP_INN, MoneyRig, money_rig  # noqa: F401
from vostok_desktop.domain.access import Visibility
from vostok_desktop.domain.money import TaxMode
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.money.companies import (
    CompanyData,
    check_company,
    company_rows,
    save_company,
)


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": " "}, "Наименование: обязательное поле"),
    ({"inn": "12345"}, "ИНН: должен содержать 10 цифр"),
    ({"kpp": "5406"}, "КПП"),
    ({"bik": "0450040"}, "БИК: должно быть 9 цифр, введено «0450040»"),
    ({"account": "4070281000000000000"}, "Расчётный счёт: должно быть 20 цифр"),
    ({"corr_account": "3010181000000000000X"}, "Корреспондентский счёт: должно быть 20"),
    ({"vat_rate": "двадцать"}, "Ставка НДС: «двадцать» — не число"),
    ({"vat_rate": "120"}, "Ставка НДС: число от 0 до 100"),
])
def test_details_are_checked_naming_the_field(changes, message) -> None:
    data = CompanyData(name="ООО «РИЦ»", inn="5406123450", kpp="540601001",
                       bik="045004001", account="40702810000000000001")
    for key, value in changes.items():
        setattr(data, key, value)
    with pytest.raises(ValidationError, match=message):
        check_company(data)


def test_one_default_company_and_the_right(money_rig: MoneyRig) -> None:  # noqa: F811
    rows = company_rows(money_rig.base)
    assert [(c.name, c.is_default) for c in rows] == [("ООО «РИЦ Восток»", True),
                                                     ("ИП Сидоров", False)]
    ip = rows[1]
    ip.is_default, ip.vat_rate = True, "0"
    save_company(money_rig.base, ip, None)
    rows = company_rows(money_rig.base)
    assert [(c.name, c.is_default) for c in rows] == [("ИП Сидоров", True),
                                                     ("ООО «РИЦ Восток»", False)]
    assert (rows[0].inn, rows[0].tax_mode, rows[0].vat_rate) == (IP_INN, TaxMode.USN,
                                                                 Decimal("0.00"))
    clerk = AccessProfile(frozenset({"money.documents"}), Visibility.ALL, "manager")
    with pytest.raises(AccessDenied):
        save_company(money_rig.base, CompanyData(name="ООО «Новая»"), clerk)
    # A stale copy (someone saved since) is refused.
    stale = rows[1]
    stale.version = (stale.version or 1) - 1
    with pytest.raises(ValidationError, match="изменил другой пользователь"):
        save_company(money_rig.base, stale, None)
