"""Probable duplicate groups and the merge of two clients, on both dialects."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    Attachment,
    ChangeLog,
    Client,
    Contact,
    Direction,
    Email,
    Employee,
    Favourite,
    Phone,
    Responsibility,
)
from vostok_desktop.domain.validators import inn_check_digits
from vostok_desktop.services.clients import duplicates
from vostok_desktop.services.common.change_log import client_history, record_changes
from vostok_desktop.services.documents import attachments

INN_A = inn_check_digits("770000001")
INN_B = inn_check_digits("770000002")
INN_C = inn_check_digits("770000003")


def test_normalized_names() -> None:
    assert duplicates.normalize_name('ООО "Ромашка-Плюс"') == "ромашка плюс"
    assert duplicates.normalize_name("Ромашка плюс, ооо") == "ромашка плюс"
    assert duplicates.normalize_name("Общество с ограниченной ответственностью «Учёт»") == "учет"
    assert duplicates.normalize_name("АО Ромашка") == duplicates.normalize_name("Ромашка")
    assert duplicates.normalize_name("ООО") == ""


@pytest.fixture
def pair(empty_base: OpenedBase) -> dict[str, int]:
    with empty_base.sessions() as s, s.begin():
        emp = Employee(login="anna", full_name="Петрова Анна")
        direction = Direction(code="sales", name="Продажи")
        s.add_all([emp, direction])
        a = Client(short_name='ООО "Ромашка"', inn=INN_A, region=None, notes="")
        b = Client(short_name="Ромашка, ООО", inn=INN_A, region="Томск", website="romashka.ru")
        c = Client(short_name="Другая", inn=INN_B)
        d = Client(short_name="Четвёртая")
        e = Client(short_name="ромашка ооо")  # no INN: the name links it
        f = Client(short_name="Другая", inn=INN_C)  # a namesake with another INN
        a.phones.append(Phone(raw="+7 383 200-00-01", digits="73832000001"))
        d.phones.append(Phone(raw="+7 383 200-00-09", digits="73832000009"))
        contact = Contact(last_name="Сидоров", first_name="Пётр")
        contact.phones.append(Phone(raw="8 383 200-00-09", digits="73832000009"))
        c.contacts.append(contact)
        b.contacts.append(Contact(last_name="Иванова", first_name="Мария"))
        b.phones.append(Phone(raw="+7 383 200-00-02", digits="73832000002"))
        b.emails.append(Email(address="b@romashka.ru"))
        s.add_all([a, b, c, d, e, f])
        s.flush()
        b.responsibilities.append(Responsibility(direction_id=direction.id, employee_id=emp.id))
        s.add_all([Favourite(employee_id=emp.id, client_id=a.id),
                   Favourite(employee_id=emp.id, client_id=b.id)])
        s.flush()
        record_changes(s, "clients", b.id, b.id, emp.id, {"region": None}, {"region": "Томск"})
        return {"a": a.id, "b": b.id, "c": c.id, "d": d.id, "e": e.id, "emp": emp.id}


def test_groups_by_inn_name_and_phone(empty_base, pair) -> None:
    groups = duplicates.find_duplicate_groups(empty_base)
    as_sets = {frozenset(c.id for c in g.clients): g.reasons for g in groups}
    assert as_sets[frozenset({pair["a"], pair["b"], pair["e"]})] == {"ИНН", "наименование"}
    # d's own phone is the phone of c's contact.
    assert as_sets[frozenset({pair["c"], pair["d"]})] == {"телефон"}
    assert len(groups) == 2  # «Другая» with two INNs is not a duplicate
    only_inn = duplicates.find_duplicate_groups(empty_base, by=["inn"])
    assert [sorted(c.id for c in g.clients) for g in only_inn] == [[pair["a"], pair["b"]]]


def test_merge_moves_everything_and_logs_it(empty_base, pair) -> None:
    a, b, emp = pair["a"], pair["b"], pair["emp"]
    attachments.add_attachment(empty_base, b, "скан.pdf", b"%PDF-1.4 scan", emp)
    preview = {d.field: d for d in duplicates.merge_preview(empty_base, a, b)}
    assert preview["region"].survivor_text == "" and preview["region"].duplicate_text == "Томск"
    assert "inn" not in preview
    duplicates.merge_clients(empty_base, a, b, emp, take_from_duplicate=["short_name"])
    with empty_base.sessions() as s:
        assert s.get(Client, b) is None
        survivor = s.get(Client, a)
        assert survivor.short_name == "Ромашка, ООО"  # taken from the duplicate on request
        assert survivor.region == "Томск" and survivor.website == "romashka.ru"  # filled
        assert survivor.version == 2
        assert sorted(p.digits for p in survivor.phones) == ["73832000001", "73832000002"]
        assert [e.address for e in survivor.emails] == ["b@romashka.ru"]
        assert [c.last_name for c in survivor.contacts] == ["Иванова"]
        assert [r.employee_id for r in survivor.responsibilities] == [emp]
        assert s.scalars(select(Attachment.file_name).where(Attachment.client_id == a)).all() \
            == ["скан.pdf"]
        stars = s.scalars(select(Favourite).where(Favourite.employee_id == emp)).all()
        assert [f.client_id for f in stars] == [a]  # the clash gave way, no duplicate star
        history = client_history(s, a)
        fields = {(h.field, h.new_value) for h in history}
        assert ("region", "Томск") in fields  # the duplicate's old history moved over
        assert any(f == "merged_from" and "Ромашка, ООО" in v and INN_A in v
                   for f, v in fields)
        assert s.scalars(select(ChangeLog).where(ChangeLog.client_id == b)).all() == []
    with pytest.raises(ValueError):
        duplicates.merge_clients(empty_base, a, a, emp)
    with pytest.raises(LookupError):
        duplicates.merge_clients(empty_base, a, b, emp)
