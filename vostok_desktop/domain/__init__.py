"""Domain models and validators. Never imports Qt."""

from vostok_desktop.domain import (  # noqa: F401 - registers models
    access,
    campaigns,
    competitors,
    documents,
    education,
    hotline,
    installations,
    kpi,
    money,
    quotas,
    reference,
    sales,
    work,
)
from vostok_desktop.domain.base import Base
from vostok_desktop.domain.clients import (
    Address,
    AddressKind,
    Client,
    ClientDivision,
    ClientGroup,
    ClientStatus,
    Contact,
    Email,
    Favourite,
    Phone,
    PhoneKind,
    Responsibility,
)
from vostok_desktop.domain.distributives import (
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
    Kit,
    MovementKind,
    ProductSystem,
    SystemKind,
)
from vostok_desktop.domain.extra import (
    Attachment,
    ChangeLog,
    CustomField,
    CustomFieldEntity,
    CustomFieldType,
    CustomValue,
)
from vostok_desktop.domain.org import Department, Direction, Employee, EmployeeRole
from vostok_desktop.domain.telephony import Call, CallDirection, CallEvent, CallEventKind

__all__ = [
    "Address", "AddressKind", "Attachment", "Base", "ChangeLog", "Client", "ClientDivision",
    "ClientGroup", "ClientStatus", "Contact", "CustomField", "CustomFieldEntity",
    "CustomFieldType", "CustomValue", "Department", "Direction", "Email", "Employee",
    "EmployeeRole", "Favourite", "Phone", "PhoneKind", "Responsibility",
    "Call", "CallDirection", "CallEvent", "CallEventKind",
    "Distributive", "DistributiveMovement", "DistributiveStatus", "Kit", "MovementKind",
    "ProductSystem", "SystemKind",
]
