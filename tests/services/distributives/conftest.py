"""A small РИЦ on an empty base of each dialect: three clients, two employees, two
systems of the catalogue and a warehouse to receive distributives into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    ChangeLog,
    Client,
    ClientDivision,
    ClientStatus,
    Distributive,
    DistributiveMovement,
    Employee,
    EmployeeRole,
    SystemKind,
)
from vostok_desktop.services.distributives import catalogue, warehouse
from vostok_desktop.services.distributives.common import snapshot

TODAY = date(2026, 3, 10)


@dataclass
class Rig:
    base: OpenedBase
    clients: dict[str, int]  # «romashka», «vasilek», «lyutik»
    employees: dict[str, int]  # «keeper» (warehouse), «engineer»
    systems: dict[str, int]  # «prof», «net»
    division: int  # a division of «romashka»

    def receive(self, *numbers: str, on: date = date(2020, 1, 10),
                system: str = "prof") -> list[int]:
        return warehouse.receive(
            self.base, [warehouse.ReceiptLine(n, self.systems[system]) for n in numbers],
            on, self.employees["keeper"], today=TODAY)

    def row(self, distributive_id: int) -> Distributive:
        with self.base.sessions() as s:
            d = s.get(Distributive, distributive_id)
            assert d is not None
            s.expunge(d)
            return d

    def footprint(self) -> tuple[list[dict], int, int]:
        """Everything a refused movement must leave as it was."""
        with self.base.sessions() as s:
            rows = [snapshot(d) for d in s.scalars(select(Distributive)
                                                   .order_by(Distributive.id))]
            movements = s.scalar(select(func.count()).select_from(DistributiveMovement))
            log = s.scalar(select(func.count()).select_from(ChangeLog))
        return rows, movements, log


@pytest.fixture
def rig(empty_base: OpenedBase) -> Rig:
    with empty_base.sessions() as s, s.begin():
        people = {"keeper": Employee(login="keeper", full_name="Кладовщикова Клара",
                                     role=EmployeeRole.HEAD),
                  "engineer": Employee(login="engineer", full_name="Инженеров Иван",
                                       role=EmployeeRole.SERVICE_ENGINEER)}
        clients = {"romashka": Client(short_name="Ромашка", status=ClientStatus.SERVED),
                   "vasilek": Client(short_name="Василёк", status=ClientStatus.SERVED),
                   "lyutik": Client(short_name="Лютик", status=ClientStatus.PROSPECT)}
        s.add_all([*people.values(), *clients.values()])
        s.flush()
        division = ClientDivision(client_id=clients["romashka"].id, name="Бухгалтерия")
        s.add(division)
        s.flush()
        ids = ({k: v.id for k, v in people.items()}, {k: v.id for k, v in clients.items()},
               division.id)
    systems = {
        "prof": catalogue.create_system(empty_base, catalogue.SystemData(
            "КП-ПРОФ", "КонсультантПлюс: Версия Проф", SystemKind.LOCAL, "Проф", 1),
            ids[0]["keeper"]),
        "net": catalogue.create_system(empty_base, catalogue.SystemData(
            "КП-СЕТЬ", "КонсультантПлюс: Эксперт приложение, сетевая", SystemKind.NETWORK,
            "СВ", 10), ids[0]["keeper"]),
    }
    return Rig(empty_base, ids[1], ids[0], systems, ids[2])
