"""Leads from files on both dialects: the documented columns of CSV (UTF-8 «;» and
Windows-1251 «,»), XLSX and letters; matching to clients; the responsible by the rule; a
broken file writes nothing; the same file twice is refused; accept and reject."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.services.sales.conftest import ROMASHKA_INN, SalesRig
from vostok_desktop.domain import ChangeLog, Client, Contact, Phone
from vostok_desktop.domain.access import Visibility
from vostok_desktop.domain.sales import Deal, DealStage, Lead, LeadBatch, LeadStatus
from vostok_desktop.domain.work import AssignmentKind, DistributionPlan
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.sales import leads
from vostok_desktop.services.sales.lead_files import LeadFileError, read_lead_file

HEADER = "Дата;Источник;Имя;Организация;ИНН;Телефон;E-mail;Текст\n"
THREE = (HEADER
         + f"01.12.2026 10:15;Сайт;Орлова Ольга;ООО «Ромашка»;{ROMASHKA_INN};;olga@romashka.ru;Счёт на Проф\n"
         + "01.12.2026 11:00;Форма звонка;Васильев Василий;Василёк;;8 (383) 212-34-56;;\n"
         + "02.12.2026 09:30;Сайт;Новиков Николай;ООО «Новое»;;;nik@novoe.ru;Демо\n")


def _file(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _counts(rig: SalesRig) -> tuple[int, int]:
    with rig.base.sessions() as s:
        return (s.scalar(select(func.count()).select_from(Lead)),
                s.scalar(select(func.count()).select_from(LeadBatch)))


def test_csv_import_matches_clients_and_assigns_by_the_rule(rig: SalesRig,
                                                            tmp_path: Path) -> None:
    path = _file(tmp_path, "заявки.csv", THREE)
    result = leads.import_leads(rig.base, path, rig.people["ivanova"])
    assert (result.count, result.matched) == (3, 2)
    assert result.by_rule == {"ответственный клиента за продажи": 1,
                              "ответственный клиента": 1, "руководитель отдела": 1}
    rows = {r.name: r for r in leads.list_leads(rig.base)}
    assert list(rows) == ["Новиков Николай", "Васильев Василий", "Орлова Ольга"]  # newest first
    orlova, vasiliev, novikov = (rows["Орлова Ольга"], rows["Васильев Василий"],
                                 rows["Новиков Николай"])
    # By INN → Ромашка, whose sales manager is Петров.
    assert (orlova.client_id, orlova.responsible_id) == (rig.clients["romashka"],
                                                         rig.people["petrov"])
    # By phone typed differently → Василёк, which has only a service responsible.
    assert (vasiliev.client_id, vasiliev.responsible_id) == (rig.clients["vasilek"],
                                                             rig.people["outsider"])
    assert vasiliev.phone == "8 (383) 212-34-56" and vasiliev.source == "Форма звонка"
    # Unknown → no client; no distribution set up → the importer's department head.
    assert (novikov.client_id, novikov.responsible_id) == (None, rig.people["head"])
    assert orlova.received_at.astimezone() == datetime(2026, 12, 1, 10, 15).astimezone()
    assert orlova.text == "Счёт на Проф" and orlova.status is LeadStatus.NEW

    with pytest.raises(MovementRefused, match="Этот файл уже загружен .*заявок: 3"):
        leads.import_leads(rig.base, path, rig.people["ivanova"])
    assert _counts(rig) == (3, 1)


def test_distribution_of_lead_kind_takes_leads_in_turn(rig: SalesRig, tmp_path: Path) -> None:
    with rig.base.sessions() as s, s.begin():
        kind = AssignmentKind(name=leads.LEAD_KIND, distributed=True)
        s.add(kind)
        s.flush()
        s.add_all([DistributionPlan(kind_id=kind.id, employee_id=rig.people["ivanova"],
                                    plan=10),
                   DistributionPlan(kind_id=kind.id, employee_id=rig.people["petrov"],
                                    plan=5)])
    rows = "".join(f"0{d}.12.2026 10:00;Сайт;Клиент {d};;;;c{d}@mail.ru;\n" for d in (1, 2, 3))
    leads.import_leads(rig.base, _file(tmp_path, "a.csv", HEADER + rows), rig.people["head"])
    got = {r.name: r.responsible_id for r in leads.list_leads(rig.base)}
    # 0/10 vs 0/5: the lower id (Иванова); then 1/10 vs 0/5 → Петров; then 0.1 vs 0.2.
    assert got == {"Клиент 1": rig.people["ivanova"], "Клиент 2": rig.people["petrov"],
                   "Клиент 3": rig.people["ivanova"]}


def test_broken_file_names_line_and_field_and_writes_nothing(rig: SalesRig,
                                                             tmp_path: Path) -> None:
    bad = THREE.replace("Новиков Николай;ООО «Новое»;;", "Новиков Николай;ООО «Новое»;123;")
    with pytest.raises(LeadFileError, match=r"^Строка 4: ИНН: должен содержать 10 цифр"):
        leads.import_leads(rig.base, _file(tmp_path, "bad.csv", bad), rig.people["ivanova"])
    cases = {
        "Строка 2: «Дата» «вчера» не распознана": THREE.replace("01.12.2026 10:15", "вчера"),
        "Строка 3: Телефон: номер «12» не распознан": THREE.replace("8 (383) 212-34-56",
                                                                    "12"),
        "Строка 4: E-mail: адрес «nik@» указан неверно": THREE.replace("nik@novoe.ru",
                                                                       "nik@"),
        "Строка 1: неизвестный столбец «Отдел»": THREE.replace("Текст\n", "Отдел\n"),
        "Строка 3: нет ни «Телефона», ни «E-mail»": THREE.replace("8 (383) 212-34-56", ""),
    }
    for message, text in cases.items():
        with pytest.raises(LeadFileError, match=message):
            leads.import_leads(rig.base, _file(tmp_path, "x.csv", text), rig.people["ivanova"])
    assert _counts(rig) == (0, 0)


def test_cp1251_comma_csv_xlsx_and_letters(rig: SalesRig, tmp_path: Path) -> None:
    import openpyxl

    text = ("Дата,Имя,Организация,Телефон\n"
            "\"03.12.2026 08:00\",\"Зайцева Зоя\",\"ООО \"\"Заря\"\"\",+7 913 000-00-01\n")
    parsed = read_lead_file(_file(tmp_path, "win.csv", text, "cp1251"))
    assert [(r.name, r.organisation, r.phone_digits) for r in parsed.records] == [
        ("Зайцева Зоя", "ООО \"Заря\"", "79130000001")]

    book = openpyxl.Workbook()
    book.active.append(["E-mail", "дата ", "ФИО"])
    book.active.append(["a@b.ru", datetime(2026, 12, 4, 12, 30), "Белов Борис"])
    book.save(tmp_path / "site.xlsx")
    record = read_lead_file(tmp_path / "site.xlsx").records[0]
    assert (record.email, record.name) == ("a@b.ru", "Белов Борис")
    assert record.received_at == datetime(2026, 12, 4, 12, 30).astimezone().astimezone(UTC)

    letters = tmp_path / "Входящие"
    letters.mkdir()
    for n, body in enumerate(("Имя: Лютикова Лидия\nОрганизация: Лютик\n"
                              "E-mail: lida@lyutik.ru\nХотим Бухгалтерию и кадры",
                              "ФИО: Сидоров Семён\nТелефон: +7 383 300-00-00\n"), start=1):
        (letters / f"{n}.eml").write_text(
            f"From: Сайт <robot@site.ru>\nTo: sales@ric.ru\nSubject: Заявка {n}\n"
            f"Date: Thu, 0{n} Dec 2026 10:00:00 +0700\n"
            "Content-Type: text/plain; charset=utf-8\n\n" + body, encoding="utf-8")
    result = leads.import_leads(rig.base, letters, rig.people["ivanova"])
    assert (result.count, result.matched) == (2, 1)  # Лютикова by her e-mail
    rows = {r.name: r for r in leads.list_leads(rig.base)}
    lida = rows["Лютикова Лидия"]
    assert (lida.client_id, lida.organisation, lida.text, lida.source) == (
        rig.clients["lyutik"], "Лютик", "Хотим Бухгалтерию и кадры", "Почта")
    assert lida.received_at == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert rows["Сидоров Семён"].email == "robot@site.ru"  # no «E-mail:» line: the sender
    (letters / "3.eml").write_text("From: x@y.ru\nSubject: пусто\n\nИмя: Без даты\n",
                                   encoding="utf-8")
    with pytest.raises(LeadFileError, match="Письмо «3.eml»: нет даты письма"):
        read_lead_file(letters)


def test_accept_creates_client_and_deal_reject_needs_result(rig: SalesRig,
                                                            tmp_path: Path) -> None:
    leads.import_leads(rig.base, _file(tmp_path, "z.csv", THREE), rig.people["ivanova"])
    rows = {r.name: r for r in leads.list_leads(rig.base)}
    novikov, orlova = rows["Новиков Николай"], rows["Орлова Ольга"]

    done = leads.accept_lead(rig.base, novikov.id, leads.Acceptance(
        expected_sum=Decimal("150000.00")), rig.people["head"])
    assert done.client_created
    with rig.base.sessions() as s:
        client = s.get(Client, done.client_id)
        assert (client.short_name, client.source) == ("ООО «Новое»", "Заявка с сайта")
        assert [c.full_name for c in s.scalars(select(Contact).where(
            Contact.client_id == client.id))] == ["Новиков Николай"]
        deal = s.get(Deal, done.deal_id)
        stage = s.get(DealStage, deal.stage_id)
        assert (deal.title, deal.expected_sum, stage.title, deal.responsible_id,
                deal.lead_id) == ("Заявка с сайта: Демо", Decimal("150000.00"),
                                  "Первичный контакт", rig.people["head"], novikov.id)
        lead = s.get(Lead, novikov.id)
        assert (lead.status, lead.client_id, lead.result) == (
            LeadStatus.CONVERTED, client.id, "Открыта сделка")
        if rig.base.dialect == "sqlite":  # the server logs on PostgreSQL
            fields = set(s.scalars(select(ChangeLog.field).where(
                ChangeLog.table_name == "leads", ChangeLog.row_id == novikov.id)))
            assert {"status", "result"} <= fields

    # A matched lead joins its client, without a deal when asked so.
    done = leads.accept_lead(rig.base, orlova.id, leads.Acceptance(create_deal=False),
                             rig.people["petrov"])
    assert (done.client_id, done.client_created, done.deal_id) == (
        rig.clients["romashka"], False, None)
    with pytest.raises(MovementRefused, match="Заявка уже принята"):
        leads.reject_lead(rig.base, orlova.id, "Дубль", rig.people["petrov"])

    vasiliev = rows["Васильев Василий"]
    with pytest.raises(MovementRefused, match="укажите результат"):
        leads.reject_lead(rig.base, vasiliev.id, "  ", rig.people["petrov"])
    leads.reject_lead(rig.base, vasiliev.id, "Не дозвонились", rig.people["petrov"])
    assert {r.name: (r.status, r.result) for r in leads.list_leads(
        rig.base, statuses=[LeadStatus.REJECTED])} == {
        "Васильев Василий": (LeadStatus.REJECTED, "Не дозвонились")}
    with rig.base.sessions() as s:  # accepting made no stray phones on Василёк
        assert s.scalar(select(func.count()).select_from(Phone).where(
            Phone.client_id == rig.clients["vasilek"])) == 1


def test_import_needs_the_right(rig: SalesRig, tmp_path: Path) -> None:
    manager = AccessProfile(frozenset(), Visibility.OWN, "manager")
    with pytest.raises(AccessDenied, match="Загрузка заявок"):
        leads.import_leads(rig.base, _file(tmp_path, "r.csv", THREE), rig.people["ivanova"],
                           profile=manager)
    assert _counts(rig) == (0, 0)
