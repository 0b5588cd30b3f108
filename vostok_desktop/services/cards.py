"""The card services under their former single name, for callers outside the cards
(``benchmarks/bench_agents.py``). New code imports the module it needs:

- ``card_common``: card errors, phone/e-mail/address data, custom values, lookups, compare;
- ``card_store``: the save transaction and row writes shared by client and contact cards;
- ``client_cards``, ``contact_cards``, ``employee_cards``: one card each.
"""

from __future__ import annotations

from vostok_desktop.services.card_common import (
    SUBROW_TITLES,
    AddressData,
    CardConflict,
    CardNotFound,
    CustomFieldInfo,
    CustomValueType,
    EmailData,
    Lookups,
    PhoneData,
    differences,
    format_custom,
    load_lookups,
    parse_custom,
    parse_date,
    validate_emails,
    validate_phones,
)
from vostok_desktop.services.client_cards import (
    CLIENT_FIELD_TITLES,
    CLIENT_FIELDS,
    ClientData,
    ContactRow,
    load_client,
    new_client,
    save_client,
    validate_client,
)
from vostok_desktop.services.contact_cards import (
    CONTACT_FIELD_TITLES,
    CONTACT_FIELDS,
    ContactData,
    load_contact,
    new_contact,
    save_contact,
    validate_contact,
)
from vostok_desktop.services.employee_cards import (
    EMPLOYEE_FIELD_TITLES,
    EmployeeClientRow,
    EmployeeData,
    employee_client_count,
    load_employee,
    save_employee,
)

__all__ = [
    "CLIENT_FIELDS", "CLIENT_FIELD_TITLES", "CONTACT_FIELDS", "CONTACT_FIELD_TITLES",
    "EMPLOYEE_FIELD_TITLES", "SUBROW_TITLES", "AddressData", "CardConflict", "CardNotFound",
    "ClientData", "ContactData", "ContactRow", "CustomFieldInfo", "CustomValueType",
    "EmailData", "EmployeeClientRow", "EmployeeData", "Lookups", "PhoneData", "differences",
    "employee_client_count", "format_custom", "load_client", "load_contact", "load_employee",
    "load_lookups", "new_client", "new_contact", "parse_custom", "parse_date", "save_client",
    "save_contact", "save_employee", "validate_client", "validate_contact", "validate_emails",
    "validate_phones",
]
