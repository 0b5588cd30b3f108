"""A small office for the campaign tests: two telemarketers and five clients on an empty
base of either dialect — «Ромашка» with two contacts (one in the stop-list), «Лютик» with
one contact in the stop-list only, «Василёк» with no contacts, «Астра» and «Гвоздика»
(served) with one contact each."""

from __future__ import annotations

from dataclasses import dataclass

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, ClientStatus, Contact, Employee, EmployeeRole, Phone


@dataclass
class Rig:
    base: OpenedBase
    employees: dict[str, int]
    clients: dict[str, int]
    contacts: dict[str, int]


def _contact(client: Client, last: str, first: str, phone: str, stop: bool = False) -> Contact:
    contact = Contact(last_name=last, first_name=first, search_name=f"{last} {first}".lower(),
                      stop_list=stop)
    contact.client = client
    contact.phones.append(Phone(raw=phone, digits="7" + "".join(c for c in phone
                                                                 if c.isdigit())[-10:],
                                client_id=None))
    return contact


def make_rig(base: OpenedBase) -> Rig:
    with base.sessions() as s, s.begin():
        people = {"tm1": Employee(login="cmp_tm1", full_name="Тимофеева Таисия",
                                  role=EmployeeRole.TELEMARKETER, phone_extension="201"),
                  "tm2": Employee(login="cmp_tm2", full_name="Уварова Ульяна",
                                  role=EmployeeRole.TELEMARKETER, phone_extension="202"),
                  "head": Employee(login="cmp_head", full_name="Глебов Геннадий",
                                   role=EmployeeRole.HEAD)}
        s.add_all(people.values())
        names = {"romashka": ("Ромашка", ClientStatus.PROSPECT),
                 "lyutik": ("Лютик", ClientStatus.PROSPECT),
                 "vasilek": ("Василёк", ClientStatus.PROSPECT),
                 "astra": ("Астра", ClientStatus.SERVED),
                 "gvozdika": ("Гвоздика", ClientStatus.SERVED)}
        clients = {k: Client(short_name=n, search_name=n.lower(), status=st)
                   for k, (n, st) in names.items()}
        s.add_all(clients.values())
        contacts = {
            "romashka_stop": _contact(clients["romashka"], "Андреев", "Антон",
                                      "+7 (495) 100-00-01", stop=True),
            "romashka": _contact(clients["romashka"], "Борисова", "Белла", "+7 (495) 100-00-02"),
            "lyutik_stop": _contact(clients["lyutik"], "Власов", "Виктор",
                                    "+7 (495) 100-00-03", stop=True),
            "astra": _contact(clients["astra"], "Григорьева", "Галина", "+7 (495) 100-00-04"),
            "gvozdika": _contact(clients["gvozdika"], "Данилов", "Денис", "+7 (495) 100-00-05"),
        }
        s.add_all(contacts.values())
        clients["vasilek"].phones.append(Phone(raw="+7 (495) 100-00-06", digits="74951000006"))
        s.flush()
        return Rig(base, {k: e.id for k, e in people.items()},
                   {k: c.id for k, c in clients.items()}, {k: c.id for k, c in contacts.items()})
