"""A small office for the competitors tests, on an empty base of either dialect: two
employees, three clients (Ромашка and Василёк served, Лютик a prospect) with contacts, two
competitors; the lifecycle is the migration's default one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, ClientStatus, Contact, Employee, EmployeeRole
from vostok_desktop.domain.competitors import CompetitorStage
from vostok_desktop.services.competitors import catalogue as cat


@dataclass
class Rig:
    base: OpenedBase
    employees: dict[str, int]
    clients: dict[str, int]
    contacts: dict[str, int]
    competitors: dict[str, int]
    stages: dict[str, int]  # title -> id


def make_rig(base: OpenedBase) -> Rig:
    with base.sessions() as s, s.begin():
        people = {
            "anna": Employee(login="cmp_anna", full_name="Иванова Анна",
                             role=EmployeeRole.MANAGER),
            "boris": Employee(login="cmp_boris", full_name="Петров Борис",
                              role=EmployeeRole.MANAGER),
        }
        s.add_all(people.values())
        clients = {
            "romashka": Client(short_name="Ромашка", full_name="ООО «Ромашка»",
                               status=ClientStatus.SERVED),
            "lyutik": Client(short_name="Лютик", full_name="ООО «Лютик»",
                             status=ClientStatus.PROSPECT),
            "vasilek": Client(short_name="Василёк", full_name="ООО «Василёк»",
                              status=ClientStatus.SERVED),
        }
        s.add_all(clients.values())
        s.flush()
        contacts = {
            "olga": Contact(client_id=clients["romashka"].id, last_name="Орлова",
                            first_name="Ольга", competitor_attitude="Любит Гарант с 2010 года"),
            "pavel": Contact(client_id=clients["romashka"].id, last_name="Павлов",
                             first_name="Павел"),
            "lena": Contact(client_id=clients["lyutik"].id, last_name="Ленина",
                            first_name="Елена"),
        }
        s.add_all(contacts.values())
        s.flush()
        stages = {st.title: st.id for st in s.scalars(select(CompetitorStage))}
        employees = {k: e.id for k, e in people.items()}
        client_ids = {k: c.id for k, c in clients.items()}
        contact_ids = {k: c.id for k, c in contacts.items()}
    competitors = {
        "garant": cat.save_competitor(base, cat.CompetitorData(None, "Гарант", "Система ГАРАНТ"),
                                      None),
        "kodeks": cat.save_competitor(base, cat.CompetitorData(None, "Кодекс", "Техэксперт",
                                                               "high"), None),
    }
    return Rig(base, employees, client_ids, contact_ids, competitors, stages)
