"""Excel export and import on both dialects: a round trip of 1,000 clients, duplicate
analysis within the file and against the base, merge diff, batches, cancel, and broken
files that give clear errors and write nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    Address,
    AddressKind,
    ChangeLog,
    Client,
    ClientStatus,
    Email,
    Phone,
)
from vostok_desktop.domain.validators import inn_check_digits
from vostok_desktop.services.documents import excel
from vostok_desktop.services.importing import analysis, sources, write
from vostok_desktop.services.importing.plan import GroupAction, ImportCancelled, ImportPlan
from vostok_desktop.services.importing.sources import ImportFileError

HEADERS = ["Наименование", "ИНН", "КПП", "Телефон", "E-mail", "Регион", "Контактное лицо",
           "Должность"]


def inn(n: int) -> str:
    return inn_check_digits(f"77{n:07d}")


def phone(n: int) -> tuple[str, str]:
    local = f"{n:07d}"
    return f"+7 (383) {local[:3]}-{local[3:5]}-{local[5:]}", f"7383{local}"


def fill_clients(base: OpenedBase, count: int) -> None:
    with base.sessions() as s, s.begin():
        for n in range(count):
            raw, digits = phone(2000000 + n)
            client = Client(short_name=f'ООО "Компания {n:04d}"', full_name=f"Общество {n}",
                            inn=inn(n), kpp="770101001" if n % 2 else None,
                            status=ClientStatus.SERVED if n % 3 else ClientStatus.PROSPECT,
                            region="Новосибирская область" if n % 2 else "Москва")
            client.phones.append(Phone(raw=raw, digits=digits))
            client.emails.append(Email(address=f"office{n}@example.ru"))
            client.addresses.append(Address(kind=AddressKind.LEGAL, postal_code="630099",
                                            text=f"г. Новосибирск, ул. Ленина, д. {n}"))
            s.add(client)


def client_rows(base: OpenedBase) -> list[tuple]:
    with base.sessions() as s:
        clients = s.scalars(select(Client).order_by(Client.inn))
        return [(c.short_name, c.full_name, c.inn, c.kpp, c.status, c.region,
                 sorted(p.digits for p in c.phones), sorted(e.address for e in c.emails),
                 sorted(a.text for a in c.addresses)) for c in clients]


def count(base: OpenedBase) -> int:
    return write.count_clients(base)


def write_xlsx(path: Path, headers: list[str], rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def plan_for(base: OpenedBase, path: Path, encoding: str = "auto") -> ImportPlan:
    table = sources.read_source(path, encoding)
    return analysis.analyse(base, table, sources.guess_mapping(table.headers))


# -- round trip --------------------------------------------------------------------------------
def test_round_trip_of_1000_clients(empty_base, tmp_path) -> None:
    fill_clients(empty_base, 1000)
    before = client_rows(empty_base)
    out, n = excel.export_clients(empty_base, tmp_path / "all.xlsx")
    assert n == 1000
    # Importing the same file again finds every client by INN: nothing new, nothing changed.
    plan = plan_for(empty_base, out)
    assert not plan.invalid and not plan.singles
    assert len(plan.groups) == 1000
    assert all(g.action is GroupAction.MERGE and len(g.existing) == 1 for g in plan.groups)
    assert all(analysis.merge_diff(empty_base, plan, g) == [] for g in plan.groups[:20])
    summary = write.apply_import(empty_base, plan, None, batch_size=300)
    assert (summary.created, summary.merged, summary.invalid) == (0, 1000, 0)
    assert client_rows(empty_base) == before
    # Into an empty base: the same clients come back, field for field.
    with empty_base.sessions() as s, s.begin():
        for client in s.scalars(select(Client)):
            s.delete(client)
    plan = plan_for(empty_base, out)
    assert not plan.groups and len(plan.singles) == 1000
    summary = write.apply_import(empty_base, plan, None, batch_size=300)
    assert summary.created == 1000 and not summary.error and not summary.cancelled
    assert client_rows(empty_base) == before
    with empty_base.sessions() as s:
        logged = s.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.field == "import"))
    assert logged == 1000  # created; the merges brought nothing new and wrote nothing
    report = write.export_summary(summary, tmp_path / "summary.xlsx")
    assert load_workbook(report).active.max_row == 1001


# -- duplicates --------------------------------------------------------------------------------
def test_duplicates_within_the_file_and_against_the_base(empty_base, tmp_path) -> None:
    fill_clients(empty_base, 3)
    raw0, _ = phone(2000000)
    rows = [
        ["ООО «Ромашка»", inn(500), "", "+7 913 000-00-01", "", "", "", ""],
        ["Ромашка, ООО", "", "", "", "r@romashka.ru", "Томск", "Иванов Иван Иванович", "Директор"],
        ["ИП Петров", inn(501), "", "8 913 000-00-02", "", "", "", ""],
        ["Петров ИП (дубль по телефону)", "", "", "+79130000002", "", "", "", ""],
        ["Компания 0001 другая", inn(1), "", "", "", "Омск", "", ""],   # INN in the base
        ['Компания 0002', "", "", "", "", "", "", ""],                    # name in the base
        ["Новая фирма", "", "", raw0, "", "", "", ""],                    # phone in the base
        ["Одиночка", inn(502), "", "", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "d.xlsx", HEADERS, rows)
    plan = plan_for(empty_base, path)
    assert not plan.invalid
    by_first = {plan.rows[g.rows[0]].data["short_name"]: g for g in plan.groups}
    assert by_first["ООО «Ромашка»"].rows == [0, 1]
    assert by_first["ООО «Ромашка»"].reasons == {"наименование"}
    assert by_first["ООО «Ромашка»"].action is GroupAction.MERGE  # into one new client
    assert by_first["ИП Петров"].reasons == {"телефон"}
    inn_group = by_first["Компания 0001 другая"]
    assert inn_group.reasons == {"ИНН"} and inn_group.action is GroupAction.MERGE
    assert [c.inn for c in inn_group.existing] == [inn(1)]
    assert by_first["Компания 0002"].action is GroupAction.SKIP  # name only: the user decides
    assert by_first["Новая фирма"].reasons == {"телефон"}
    assert plan.singles == [7]
    diff = {c.field: c for c in analysis.merge_diff(empty_base, plan, inn_group)}
    assert diff["short_name"].kind == "изменить" and diff["region"].new == "Омск"
    # Decide: skip the phone match, create the name match, then write.
    by_first["Новая фирма"].action = GroupAction.SKIP
    by_first["Компания 0002"].action = GroupAction.CREATE
    summary = write.apply_import(empty_base, plan, None)
    assert (summary.created, summary.merged, summary.skipped) == (4, 1, 1)
    with empty_base.sessions() as s:
        romashka = s.scalars(select(Client).where(Client.inn == inn(500))).one()
        assert [e.address for e in romashka.emails] == ["r@romashka.ru"]
        assert romashka.region == "Томск"
        assert [c.full_name for c in romashka.contacts] == ["Иванов Иван Иванович"]
        merged = s.scalars(select(Client).where(Client.inn == inn(1))).one()
        assert merged.region == "Омск" and merged.version == 2
    assert count(empty_base) == 3 + 4


# -- batches, cancel, errors -----------------------------------------------------------------
def test_cancel_and_error_leave_no_partial_batch(empty_base, tmp_path) -> None:
    rows = [[f"Фирма {n}", inn(n), "", "", "", "", "", ""] for n in range(500)]
    path = write_xlsx(tmp_path / "many.xlsx", HEADERS, rows)
    plan = plan_for(empty_base, path)

    def cancel_at_300(_stage: str, done: int, _total: int) -> None:
        if done >= 300:  # in the middle of the second batch of 200
            raise ImportCancelled

    summary = write.apply_import(empty_base, plan, None, cancel_at_300, batch_size=200)
    assert summary.cancelled and summary.created == 200
    assert count(empty_base) == 200
    assert sum(1 for line in summary.lines if line[1] == "не записан") == 300
    # An error in the middle of a batch: that batch rolls back whole.
    fill = plan_for(empty_base, path)  # the 200 written now merge, 300 are new
    target = next(g for g in fill.groups if g.target_id).target_id
    with empty_base.sessions() as s, s.begin():
        s.delete(s.get(Client, target))
    summary = write.apply_import(empty_base, fill, None, batch_size=1000)
    assert summary.error and "удалён" in summary.error
    assert summary.written == 0 and count(empty_base) == 199


def test_row_errors_are_reported_per_line_and_not_written(empty_base, tmp_path) -> None:
    rows = [
        ["Правильная", inn(7), "", "+7 383 200-00-07", "a@b.ru", "", "", ""],
        ["Плохой ИНН", "7707083894", "", "", "", "", "", ""],
        ["", inn(8), "", "", "", "", "", ""],
        ["Плохой телефон", "", "", "12", "", "", "", ""],
        ["Дата вместо ИНН", date(2024, 1, 2), "", "", "", "", "", ""],
        ["Плохая почта", "", "", "", "не-почта", "", "", ""],
        ["Число-ИНН", float(inn(9)), "", "", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", HEADERS, rows)
    plan = plan_for(empty_base, path)
    errors = {r.line: r.errors for r in plan.invalid}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "контрольная сумма" in errors[3][0]
    assert errors[4] == ["Краткое наименование: обязательное поле"]
    assert "Телефон" in errors[5][0]
    assert errors[6] == ["ИНН: в ячейке дата, ожидается число"]
    assert "E-mail" in errors[7][0]
    summary = write.apply_import(empty_base, plan, None)
    assert (summary.created, summary.invalid) == (2, 5)
    with empty_base.sessions() as s:
        assert set(s.scalars(select(Client.inn))) == {inn(7), inn(9)}


def test_broken_files_give_clear_errors(empty_base, tmp_path) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match="пуст"):
        sources.read_source(empty)
    good = write_xlsx(tmp_path / "good.xlsx", HEADERS, [["Фирма", inn(1)] + [""] * 6])
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ImportFileError, match="повреждён или обрезан"):
        sources.read_source(truncated)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("Наименование;ИНН\nФирма;1\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="не книга Excel"):
        sources.read_source(fake)
    only_header = write_xlsx(tmp_path / "header.xlsx", HEADERS, [])
    with pytest.raises(ImportFileError, match="только заголовок"):
        sources.read_source(only_header)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    with pytest.raises(ImportFileError, match=r"\.xls"):
        sources.read_source(old)
    # CSV in Windows-1251 read as UTF-8, and UTF-8 read as Windows-1251.
    text = "Наименование;ИНН\nООО Ромашка;" + inn(3) + "\n"
    cp = tmp_path / "cp1251.csv"
    cp.write_bytes(text.encode("cp1251"))
    with pytest.raises(ImportFileError, match="не в кодировке UTF-8.*строке 1"):
        sources.read_source(cp, "utf-8")
    utf = tmp_path / "utf8.csv"
    utf.write_bytes(text.encode("utf-8"))
    with pytest.raises(ImportFileError, match="не в кодировке Windows-1251"):
        sources.read_source(utf, "cp1251")
    # Auto-detection reads both correctly.
    assert sources.read_source(cp).rows[0][0] == "ООО Ромашка"
    assert sources.read_source(utf).rows[0][0] == "ООО Ромашка"
    binary = tmp_path / "bin.csv"
    binary.write_bytes("Имя\n".encode("utf-16-le") + b"\x00\x00\x00")
    with pytest.raises(ImportFileError):
        sources.read_source(binary, "utf-8")
    assert count(empty_base) == 0


def test_csv_mapping_is_guessed_and_signature_is_stable(empty_base, tmp_path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Клиент", "ИНН", "тел.", "Примечание"])
    writer.writerow(["ООО Береза", inn(11), "8-383-200-00-11", "из выставки"])
    path = tmp_path / "src.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    table = sources.read_source(path)
    mapping = sources.guess_mapping(table.headers)
    assert mapping == {"short_name": 0, "inn": 1, "phone": 2, "notes": 3}
    assert sources.source_signature(table) == sources.source_signature(
        sources.SourceTable("other.csv", list(table.headers), []))
    plan = analysis.analyse(empty_base, table, mapping)
    summary = write.apply_import(empty_base, plan, None)
    assert summary.created == 1
    with empty_base.sessions() as s:
        client = s.scalars(select(Client)).one()
        assert client.notes == "из выставки"
        assert [p.digits for p in client.phones] == ["73832000011"]


def test_name_keys_ignore_legal_form_quotes_and_case() -> None:
    from vostok_desktop.services.clients.duplicates import _normalize_name_slow, normalize_name

    names = ['ООО "Ромашка-Плюс"', "Ромашка плюс, ООО", "Общество с ограниченной "
             "ответственностью «Ёлка»", "ИП Иванов И. И.", "Индивидуальный предприниматель "
             "Иванов", "МБОУ СОШ № 5", "АО_Тест", "ао-ао", "ЗАО «ОООмега»", "", None]
    assert normalize_name('ООО "Ромашка-Плюс"') == normalize_name("Ромашка плюс, ООО") \
        == "ромашка плюс"
    assert normalize_name("Общество с ограниченной ответственностью «Ёлка»") == "елка"
    assert [normalize_name(n) for n in names] == [_normalize_name_slow(n) for n in names]


def test_a_renamed_client_is_found_by_its_new_name(empty_base, tmp_path) -> None:
    fill_clients(empty_base, 3)
    row = ["Компания 0001, ООО", "", "", "", "", "", "", ""]
    plan = plan_for(empty_base, write_xlsx(tmp_path / "a.xlsx", HEADERS, [row]))
    assert [(g.reason_text, [c.short_name for c in g.existing]) for g in plan.groups] == \
        [("наименование", ['ООО "Компания 0001"'])]
    with empty_base.sessions() as s, s.begin():  # renamed in its card after that import
        client = s.scalars(select(Client).where(Client.short_name == 'ООО "Компания 0001"')
                           ).one()
        client.short_name = "АО «Северный ветер»"
    plan = plan_for(empty_base, write_xlsx(tmp_path / "b.xlsx", HEADERS, [
        row, ["Северный Ветер", "", "", "", "", "", "", ""]]))
    assert [(g.rows, [c.short_name for c in g.existing]) for g in plan.groups] == \
        [([1], ["АО «Северный ветер»"])]
    assert plan.singles == [0]  # the old name matches nobody any more


@pytest.mark.parametrize("dialect", ["postgresql"])  # RLS: a server base's
def test_a_head_of_department_imports_on_a_server_base(empty_base, tmp_path) -> None:
    """Not the tables' owner: row-level security applies, so the import writes without
    COPY (which PostgreSQL refuses there); the result is the same."""
    import uuid

    from vostok_desktop.db import BaseLocation, open_base
    from vostok_desktop.domain import EmployeeRole
    from vostok_desktop.services.access import rights as access

    login = f"head_{uuid.uuid4().hex[:6]}"
    password = "Импорт-пароль-1"
    head_id = access.create_account(empty_base, login=login, full_name="Главная Галина",
                                    role=EmployeeRole.HEAD, department_id=None,
                                    password=password)
    url = empty_base.engine.url.set(username=login, password=None)
    as_head = open_base(BaseLocation.parse(url.render_as_string(hide_password=False)),
                        password)
    try:
        raw, _digits = phone(3000001)
        path = write_xlsx(tmp_path / "h.xlsx", HEADERS, [
            ["ООО «Тайга»", inn(501), "", raw, "taiga@example.ru", "Томская область",
             "Кедров Кирилл", "Директор"],
            ["ООО «Тундра»", inn(502), "", "", "", "", "", ""]])
        summary = write.apply_import(as_head, plan_for(as_head, path), head_id)
        assert summary.error is None and summary.created == 2
        with as_head.sessions() as s:
            taiga = s.scalars(select(Client).where(Client.inn == inn(501))).one()
            assert [p.raw for p in taiga.phones] == [raw]
            assert [c.last_name for c in taiga.contacts] == ["Кедров"]
            assert taiga.created_by_id == head_id
    finally:
        as_head.close()
        with empty_base.engine.begin() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{login}"')
            conn.exec_driver_sql(f'DROP ROLE "{login}"')


@pytest.mark.parametrize("dialect", ["postgresql"])  # RLS: a server base's
def test_name_keys_show_a_manager_only_the_clients_they_see(empty_base) -> None:
    """The keys carry client names: a login with limited visibility reads only the keys
    of its own clients, like the clients themselves."""
    import uuid

    from vostok_desktop.db import BaseLocation, open_base
    from vostok_desktop.domain import Department, EmployeeRole
    from vostok_desktop.domain.documents import ClientNameKey
    from vostok_desktop.services.access import rights as access

    fill_clients(empty_base, 3)
    assert analysis.refresh_name_keys(empty_base)
    with empty_base.sessions() as s, s.begin():
        department = Department(name=f"Отдел {uuid.uuid4().hex[:6]}")
        s.add(department)
        s.flush()
        department_id = department.id
    login = f"mgr_{uuid.uuid4().hex[:6]}"
    password = "Менеджер-пароль-1"
    access.create_account(empty_base, login=login, full_name="Мелехов Максим",
                          role=EmployeeRole.MANAGER, department_id=department_id,
                          password=password)
    url = empty_base.engine.url.set(username=login, password=None)
    as_manager = open_base(BaseLocation.parse(url.render_as_string(hide_password=False)),
                           password)
    try:
        with empty_base.sessions() as s:
            assert s.scalar(select(func.count()).select_from(ClientNameKey)) == 3
        with as_manager.sessions() as s:
            assert s.scalar(select(func.count()).select_from(ClientNameKey)) == 0
    finally:
        as_manager.close()
        with empty_base.engine.begin() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{login}"')
            conn.exec_driver_sql(f'DROP ROLE "{login}"')


def test_a_row_after_blank_lines_is_named_by_its_own_line(tmp_path) -> None:
    """Blank lines are skipped, but a message names the line the user sees in the file."""
    path = tmp_path / "gaps.csv"
    path.write_bytes("\r\nНаименование;ИНН\r\nООО Ромашка;1\r\n\r\n;;\r\nООО Василёк;2\r\n"
                     .encode())
    table = sources.read_source(path)
    assert [r[0] for r in table.rows] == ["ООО Ромашка", "ООО Василёк"]
    assert [table.line(i) for i in range(len(table.rows))] == [3, 6]
