"""Reconciliation with the registration centre on both dialects: CSV and XLSX with the
documented columns, broken rows named by their line, the differences «нет в базе»,
«нет в РЦ», «статус отличается», «клиент отличается», and applying the chosen ones as
movements in one transaction (nothing half-applied)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select, update

from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.domain import Client, DistributiveMovement, DistributiveStatus
from vostok_desktop.domain import MovementKind as K
from vostok_desktop.domain.validators import inn_check_digits
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile, Visibility
from vostok_desktop.services.distributives import movements
from vostok_desktop.services.distributives import reconciliation as rc
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.importing.sources import ImportFileError

S = DistributiveStatus
DK = rc.DifferenceKind
D1, D2, D3 = date(2021, 2, 1), date(2022, 5, 4), date(2025, 12, 1)
ON = date(2026, 3, 1)


class Office:
    """800001 served at Ромашка (the file agrees); 800002 served at Ромашка (the file:
    отключён); 800003 disconnected at Ромашка (the file: на обслуживании); 800004 served
    at Василёк (the file: at Ромашка); 800005 served at Ромашка, not in the file;
    800006 in stock (the file: served at Василёк); 999999 only in the file."""

    def __init__(self, rig: Rig) -> None:
        eng = rig.employees["engineer"]
        romashka, vasilek = rig.clients["romashka"], rig.clients["vasilek"]
        ids = rig.receive("800001", "800002", "800003", "800004", "800005", "800006")
        self.ids = dict(zip(["800001", "800002", "800003", "800004", "800005", "800006"],
                            ids, strict=True))
        for number in ("800001", "800002", "800003", "800005"):
            movements.connect(rig.base, self.ids[number], romashka, D1, eng, today=TODAY)
        movements.connect(rig.base, self.ids["800004"], vasilek, D1, eng, today=TODAY)
        movements.disconnect(rig.base, self.ids["800003"], D2, eng, today=TODAY)
        self.inn = {"romashka": inn_check_digits("540100001"),
                    # a leading zero, lost by a number cell in Excel
                    "vasilek": inn_check_digits("025000002")}
        with rig.base.sessions() as s, s.begin():
            for key, inn in self.inn.items():
                s.execute(update(Client).where(Client.id == rig.clients[key])
                          .values(inn=inn))

    def rows(self) -> list[tuple[str, str, str, str]]:
        r, v = self.inn["romashka"], self.inn["vasilek"]
        return [("800001", r, "на обслуживании", "01.02.2021"),
                ("800002", r, "Отключён", "01.12.2025"),
                ("800003", r, "подключен", "2025-12-01"),
                ("800004", r, "на обслуживании", "01.12.2025"),
                ("800006", v, "на обслуживании", "01.12.2025"),
                ("999999", r, "на обслуживании", "01.12.2025")]


HEADER = ("Номер дистрибутива", "ИНН клиента", "Статус", "Дата")


@pytest.fixture
def office(rig: Rig) -> Office:
    return Office(rig)


def write_csv(path: Path, rows: list[tuple[str, ...]], header: tuple[str, ...] = HEADER,
              encoding: str = "utf-8") -> Path:
    lines = [";".join(header), *(";".join(r) for r in rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def by_number(result: rc.Reconciliation) -> dict[str, rc.Difference]:
    return {d.number: d for d in result.differences}


def test_the_differences_of_a_csv_file(rig: Rig, office: Office, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "рц.csv", office.rows(), encoding="cp1251")
    result = rc.reconcile(rig.base, path, on=ON, today=TODAY)
    assert (result.rows, result.matched, result.broken) == (6, 1, [])
    found = by_number(result)
    assert sorted(found) == ["800002", "800003", "800004", "800005", "800006", "999999"]
    assert {n: (d.kind, d.title) for n, d in found.items()} == {
        "800002": (DK.STATUS_DIFFERS, "Статус отличается"),
        "800003": (DK.STATUS_DIFFERS, "Статус отличается"),
        "800004": (DK.CLIENT_DIFFERS, "Клиент отличается"),
        "800005": (DK.MISSING_THERE, "Нет в РЦ"),
        "800006": (DK.STATUS_DIFFERS, "Статус отличается"),
        "999999": (DK.MISSING_HERE, "Нет в базе"),
    }
    assert (found["800002"].action, found["800002"].line) == ("отключить", 3)
    assert found["800002"].file_text == \
        f"Отключён, ИНН {office.inn['romashka']}, 01.12.2025"
    assert found["800002"].base_text == \
        f"На обслуживании, «Ромашка» (ИНН {office.inn['romashka']})"
    assert found["800003"].action == "подключить у того же клиента"
    assert found["800004"].action == "передать права клиенту «Ромашка»"
    assert found["800005"].action == "отключить с 01.03.2026"
    assert found["800006"].action == "подключить клиенту «Василёк»"
    assert found["999999"].action.startswith("не применить: дистрибутива нет в базе")
    assert not found["999999"].applicable
    assert all(found[n].applicable for n in ("800002", "800003", "800004", "800005",
                                             "800006"))


def test_the_same_file_as_xlsx(rig: Rig, office: Office, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    # Other columns and another order are fine; numbers and dates as Excel cells.
    sheet.append(["Дата", "Регион", "ИНН", "Номер", "Статус"])
    for number, inn, status, when in office.rows():
        day = datetime.strptime(when, "%d.%m.%Y" if "." in when else "%Y-%m-%d")
        sheet.append([day, "54", int(inn), int(number), status])
    path = tmp_path / "registration.xlsx"
    book.save(path)
    result = rc.reconcile(rig.base, path, on=ON, today=TODAY)
    assert (result.rows, result.matched, result.broken) == (6, 1, [])
    found = by_number(result)
    # Василёк's INN kept its leading zero; the file's client is found by it.
    assert found["800006"].file_inn == office.inn["vasilek"]
    assert found["800006"].action == "подключить клиенту «Василёк»"
    assert found["800003"].file_date == D3
    assert {n: d.kind for n, d in found.items()} == {
        "800002": DK.STATUS_DIFFERS, "800003": DK.STATUS_DIFFERS,
        "800004": DK.CLIENT_DIFFERS, "800005": DK.MISSING_THERE,
        "800006": DK.STATUS_DIFFERS, "999999": DK.MISSING_HERE}


def test_broken_rows_are_named_by_their_line(rig: Rig, office: Office,
                                             tmp_path: Path) -> None:
    r = office.inn["romashka"]
    rows = [*office.rows(),
            ("800005", "5401000011", "на обслуживании", "01.12.2025"),  # line 8
            ("", r, "на обслуживании", "01.12.2025"),  # line 9
            ("800007", r, "удалён", "01.12.2025"),  # line 10
            ("800008", r, "отключён", "31.02.2025"),  # line 11
            ("800001", r, "на обслуживании", "01.12.2026"),  # line 12
            ]
    result = rc.reconcile(rig.base, write_csv(tmp_path / "рц.csv", rows), on=ON,
                          today=TODAY)
    assert [str(b) for b in result.broken] == [
        "Строка 8: ИНН: неверная контрольная сумма («5401000011»)",
        "Строка 9: не указан номер дистрибутива",
        "Строка 10: статус «удалён» не распознан: ожидается «на обслуживании» или "
        "«отключён»",
        "Строка 11: дата «31.02.2025» не распознана: ожидается ДД.ММ.ГГГГ",
        "Строка 12: Дистрибутив № 800001 уже был в строке 2; дата 01.12.2026 позже "
        "сегодняшней",
    ]
    # A broken row's readable number still counts as present: 800005 is not «нет в РЦ».
    assert DK.MISSING_THERE not in {d.kind for d in result.differences}
    assert result.rows == 11


def test_a_file_without_the_columns_is_refused(rig: Rig, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [("1", "2")], header=("Номер", "Клиент"))
    with pytest.raises(ImportFileError, match="нет столбцов «ИНН клиента», «Статус», "
                                              "«Дата»"):
        rc.reconcile(rig.base, path, today=TODAY)


def _kinds(rig: Rig, distributive_id: int) -> list[tuple[K, str]]:
    with rig.base.sessions() as s:
        return [(k, n) for k, n in s.execute(
            select(DistributiveMovement.kind, DistributiveMovement.note)
            .where(DistributiveMovement.distributive_id == distributive_id)
            .order_by(DistributiveMovement.id))]


def test_chosen_differences_are_applied_as_movements(rig: Rig, office: Office,
                                                     tmp_path: Path) -> None:
    path = write_csv(tmp_path / "рц.csv", office.rows())
    found = by_number(rc.reconcile(rig.base, path, on=ON, today=TODAY))
    chosen = [found[n] for n in ("800002", "800004", "800005", "800006", "999999")]
    applied = rc.apply_differences(rig.base, chosen, rig.employees["keeper"], today=TODAY)
    assert [(a.kind, a.status_after) for a in applied] == [
        (K.DISCONNECT, S.DISCONNECTED), (K.TRANSFER, S.SERVED),
        (K.DISCONNECT, S.DISCONNECTED), (K.CONNECT, S.SERVED)]
    romashka, vasilek = rig.clients["romashka"], rig.clients["vasilek"]
    states = {n: (rig.row(i).status, rig.row(i).client_id, rig.row(i).status_since)
              for n, i in office.ids.items()}
    assert states["800002"] == (S.DISCONNECTED, romashka, D3)
    assert states["800004"] == (S.SERVED, romashka, D3)
    assert states["800005"] == (S.DISCONNECTED, romashka, ON)
    assert states["800006"] == (S.SERVED, vasilek, D3)
    assert states["800003"] == (S.DISCONNECTED, romashka, D2)  # not chosen
    assert _kinds(rig, office.ids["800002"])[-1] == (
        K.DISCONNECT, "Сверка с регистрационным центром: файл «рц.csv», строка 3")
    assert _kinds(rig, office.ids["800005"])[-1] == (
        K.DISCONNECT, "Сверка с регистрационным центром: файл «рц.csv»")

    # Compared again, only what was not applied is left.
    again = by_number(rc.reconcile(rig.base, path, on=ON, today=TODAY))
    assert sorted(again) == ["800003", "999999"]


def test_nothing_is_half_applied_when_one_fails(rig: Rig, office: Office,
                                                tmp_path: Path) -> None:
    path = write_csv(tmp_path / "рц.csv", office.rows())
    found = by_number(rc.reconcile(rig.base, path, on=ON, today=TODAY))
    # Someone connects 800003 after the comparison: its difference is stale.
    movements.connect(rig.base, office.ids["800003"], rig.clients["romashka"], D3,
                      rig.employees["engineer"], today=TODAY)
    before = rig.footprint()
    with pytest.raises(MovementRefused, match="Дистрибутив № 800003 изменён после сверки "
                                              r"\(Инженеров Иван\): ничего не применено"):
        rc.apply_differences(rig.base, [found["800002"], found["800003"]],
                             rig.employees["keeper"], today=TODAY)
    assert rig.footprint() == before
    # A refused movement (a date before the last movement) rolls back the batch too.
    movements.disconnect(rig.base, office.ids["800001"], D3, rig.employees["engineer"],
                         today=TODAY)
    late = by_number(rc.reconcile(rig.base, path, on=ON, today=TODAY))
    assert late["800001"].kind is DK.STATUS_DIFFERS
    assert late["800001"].action == ("не применить: дата в файле 01.02.2021 раньше "
                                     "последнего движения в базе (01.12.2025)")
    before = rig.footprint()
    with pytest.raises(ValueError, match="Не выбрано ни одного расхождения"):
        rc.apply_differences(rig.base, [late["800001"], late["999999"]],
                             rig.employees["keeper"], today=TODAY)
    assert rig.footprint() == before


def test_applying_needs_the_move_right(rig: Rig, office: Office, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "рц.csv", office.rows())
    found = by_number(rc.reconcile(rig.base, path, on=ON, today=TODAY))
    viewer = AccessProfile(frozenset(), Visibility.ALL, "operator")
    before = rig.footprint()
    with pytest.raises(AccessDenied, match="Нет права «Движение дистрибутивов»"):
        rc.apply_differences(rig.base, [found["800002"]], None, profile=viewer,
                             today=TODAY)
    assert rig.footprint() == before
