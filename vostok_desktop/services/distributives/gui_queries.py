"""Small reads the distributive screens need beyond the other modules: clients to choose
(передача прав, резерв, выдача на ознакомление), warehouse distributives to choose
(подключение со склада, замена), employees, and how many overdue demo copies a person has.
No Qt; plain data only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ClientDivision, Employee
from vostok_desktop.domain.distributives import Distributive, DistributiveStatus, ProductSystem
from vostok_desktop.services.distributives.common import (
    DistributiveRow,
    distributive_rows,
    distributive_select,
)
from vostok_desktop.services.lists import client_search as cs

S = DistributiveStatus


@dataclass(frozen=True)
class Choice:
    """One line of a choice list: the id and what the user reads."""

    id: int
    title: str


def find_clients(base: OpenedBase, text: str, *, exclude: int | None = None,
                 limit: int = 30) -> list[Choice]:
    """Clients for a choice field, by the client list's own quick search (name words, INN,
    phone); ``exclude``: the client the distributive is at now."""
    if not text.strip():
        return []
    rows = cs.ClientSearch(base).page_after(cs.ClientQuery(text=text), None, limit + 1)
    out = []
    for row in rows:
        if row["id"] == exclude:
            continue
        inn = f", ИНН {row['inn']}" if row.get("inn") else ""
        out.append(Choice(row["id"], f"{row['short_name']}{inn}"))
    return out[:limit]


def stock_choices(base: OpenedBase, *, client_id: int | None = None,
                  system_id: int | None = None, limit: int = 500) -> list[Choice]:
    """Warehouse distributives that may go to ``client_id``: in stock, or reserved for that
    client or for an employee (the movements' own rule), in number order."""
    d = Distributive
    stmt = (select(d.id, d.number, ProductSystem.title, d.status, d.reserved_for_client_id)
            .join(ProductSystem, ProductSystem.id == d.system_id)
            .where(d.status.in_([S.IN_STOCK, S.RESERVED])))
    if system_id is not None:
        stmt = stmt.where(d.system_id == system_id)
    out = []
    with base.sessions() as s:
        for did, number, title, status, reserved_client in s.execute(
                stmt.order_by(d.number).limit(limit)):
            status = S(status)
            if status is S.RESERVED and reserved_client not in (None, client_id):
                continue
            mark = " (в резерве)" if status is S.RESERVED else ""
            out.append(Choice(did, f"№ {number} — {title}{mark}"))
    return out


def employees(base: OpenedBase) -> list[Choice]:
    """Employees who may be a service engineer or hold a reservation, by name."""
    with base.sessions() as s:
        rows = s.execute(select(Employee.id, Employee.full_name)
                         .order_by(Employee.full_name, Employee.id))
        return [Choice(i, n) for i, n in rows]


def overdue_demo_count(base: OpenedBase, employee_id: int | None,
                       today: date | None = None) -> int:
    """How many demo copies past their return date this employee is the engineer of, or
    issued (when no engineer is set): what the start page and the status bar warn about."""
    if employee_id is None:
        return 0
    today = today or date.today()
    d = Distributive
    with base.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(d).where(
            d.status == S.DEMO, d.demo_until < today,
            (d.engineer_id == employee_id)
            | (d.engineer_id.is_(None) & (d.updated_by_id == employee_id)))) or 0)


def divisions(base: OpenedBase, client_id: int) -> list[Choice]:
    """The client's divisions, for a kit's «Подразделение»."""
    with base.sessions() as s:
        rows = s.execute(select(ClientDivision.id, ClientDivision.name)
                         .where(ClientDivision.client_id == client_id)
                         .order_by(ClientDivision.name, ClientDivision.id))
        return [Choice(i, n) for i, n in rows]


def systems(base: OpenedBase, *, active_only: bool = True) -> list[Choice]:
    """Systems of the catalogue by code, for a filter."""
    stmt = select(ProductSystem.id, ProductSystem.code, ProductSystem.title)
    if active_only:
        stmt = stmt.where(ProductSystem.is_active.is_(True))
    with base.sessions() as s:
        return [Choice(i, f"{c} — {t}") for i, c, t in s.execute(stmt.order_by(ProductSystem.code))]


# The warehouse window's statuses: what lies on the warehouse and the demo copies out.
WAREHOUSE_VIEW_STATUSES = (S.IN_STOCK, S.RESERVED, S.DEMO)


def warehouse_rows(base: OpenedBase, statuses: Sequence[DistributiveStatus] = (),
                   *, system_id: int | None = None, number_prefix: str = "",
                   limit: int = 5000) -> list[DistributiveRow]:
    """«Склад дистрибутивов»: distributives in stock, reserved, or out on demo (all three
    when ``statuses`` is empty), demo copies by due date, the rest by system and number.
    One query."""
    wanted = [st.value for st in (statuses or WAREHOUSE_VIEW_STATUSES)]
    d = Distributive
    stmt = distributive_select(base).where(d.status.in_(wanted))
    if system_id is not None:
        stmt = stmt.where(d.system_id == system_id)
    prefix = "".join(number_prefix.split())
    if prefix:
        stmt = stmt.where(d.number.startswith(prefix, autoescape=True))
    stmt = stmt.order_by(d.demo_until.is_(None), d.demo_until, ProductSystem.code,
                         d.number).limit(limit)
    with base.sessions() as s:
        return distributive_rows(s.execute(stmt))


__all__ = ["WAREHOUSE_VIEW_STATUSES", "Choice", "divisions", "employees", "find_clients",
           "overdue_demo_count", "stock_choices", "systems", "warehouse_rows"]
