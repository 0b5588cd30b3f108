"""A small training centre on an empty base of each dialect: the payment tests' company
and clients (Ромашка, Василёк, Лютик), contacts at them, a lecturer and one seminar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from tests.services.money.payments_rig import PayRig, make_rig
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Contact, Employee, EmployeeRole
from vostok_desktop.domain.education import EventKind
from vostok_desktop.services.education.events import EventData, save_event

# client -> contacts (last name, first name, position)
PEOPLE = {
    "romashka": [("Иванова", "Ирина", "Главный бухгалтер"), ("Петров", "Пётр", "Юрист"),
                 ("Сидорова", "Светлана", "Бухгалтер")],
    "vasilek": [("Кузнецов", "Кирилл", "Главный бухгалтер"), ("Орлова", "Ольга", "Кадровик")],
    "lyutik": [("Зайцев", "Захар", "Директор")],
}


@dataclass
class EduRig:
    pay: PayRig
    base: OpenedBase
    contacts: dict[str, int]  # last name -> contact id
    lecturer: int
    seminar: int  # «НДС в 2027 году», 3 500,00, 10 places

    def contact_ids(self, *names: str) -> list[int]:
        return [self.contacts[n] for n in names]


def make_edu_rig(base: OpenedBase) -> EduRig:
    pay = make_rig(base)
    contacts: dict[str, int] = {}
    with base.sessions() as s, s.begin():
        lecturer = Employee(login="lector", full_name="Лекторов Лев", role=EmployeeRole.MANAGER)
        s.add(lecturer)
        for client, people in PEOPLE.items():
            for last, first, position in people:
                c = Contact(client_id=pay.clients[client], last_name=last, first_name=first,
                            position=position, search_name=f"{last} {first}".lower())
                s.add(c)
                s.flush()
                contacts[last] = c.id
        s.flush()
        lecturer_id = lecturer.id
    seminar = save_event(base, EventData(
        EventKind.SEMINAR, "НДС в 2027 году", datetime(2027, 2, 10, 7, 0, tzinfo=UTC),
        Decimal("3500.00"), lecturer_id=lecturer_id, place="Конференц-зал, ул. Ленина, 1",
        capacity=10), pay.cashier)
    return EduRig(pay, base, contacts, lecturer_id, seminar)
