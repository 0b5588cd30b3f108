"""The agent's quick search by a client's name, its descending order, overdue demo
copies, the user filter, narrowing to ids; the report tables behind the window
«Отчёты по дистрибутивам» and their Excel file — on both dialects."""

from __future__ import annotations

from datetime import date

import pytest

from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.domain import DistributiveStatus, MovementKind
from vostok_desktop.services.distributives import movements, reports, search, warehouse
from vostok_desktop.services.lists.filters import Condition, FilterGroup, Operator

S = DistributiveStatus
K = MovementKind


def _numbers(rows: list[dict]) -> list[str]:
    return [r["number"] for r in rows]


def test_quick_search_by_client_name_order_overdue_and_user_filter(rig: Rig) -> None:
    a, b, c, d, e = rig.receive("210001", "210002", "210003", "220001", "220002")
    eng, romashka, vasilek = (rig.employees["engineer"], rig.clients["romashka"],
                              rig.clients["vasilek"])
    movements.connect(rig.base, a, romashka, date(2024, 1, 1), eng, engineer_id=eng,
                      today=TODAY)
    movements.connect(rig.base, b, vasilek, date(2024, 1, 1), eng, today=TODAY)
    warehouse.issue_demo(rig.base, c, romashka, date(2026, 2, 1), date(2026, 3, 1), eng,
                         today=TODAY)
    warehouse.reserve(rig.base, d, date(2026, 2, 1), eng, client_id=vasilek, today=TODAY)
    source = search.DistributiveSearch(rig.base)
    # A name, in any case, finds the client's distributives (not the number).
    by_name = source.page_after(search.DistributiveQuery(text="ромаш"), None)
    assert _numbers(by_name) == ["210001", "210003"]
    assert _numbers(source.page_after(search.DistributiveQuery(text="РОМАШКА"), None)) == [
        "210001", "210003"]
    assert source.page_after(search.DistributiveQuery(text="Одуванчик"), None) == []
    # Digits are the number's beginning (spaces ignored).
    assert _numbers(source.page_after(search.DistributiveQuery(text=" 22 00"), None)) == [
        "220001", "220002"]
    # Descending by number, paged by keyset.
    down = search.DistributiveQuery(descending=True)
    first = source.page_after(down, None, 2)
    assert _numbers(first) == ["220002", "220001"]
    assert _numbers(source.page_after(down, first[-1]["_key"], 2)) == ["210003", "210002"]
    # The demo copy is overdue after its day, not on it.
    overdue = search.DistributiveQuery(demo_overdue=True, today=date(2026, 3, 2))
    [row] = source.page_after(overdue, None)
    assert row["number"] == "210003" and row["demo_overdue"] is True
    assert source.count(search.DistributiveQuery(demo_overdue=True,
                                                 today=date(2026, 3, 1))) == 0
    # The user filter: by client name (any case: its search column is lower-cased),
    # engineer (SQLite's lower() keeps Cyrillic capitals, as everywhere in the filters),
    # status.
    by_engineer = FilterGroup((Condition("engineer_name", Operator.CONTAINS, "нженеров"),))
    assert _numbers(source.page_after(search.DistributiveQuery(user_filter=by_engineer),
                                      None)) == ["210001"]
    either = FilterGroup((Condition("status", Operator.EQ, "reserved"),
                          Condition("client_name", Operator.CONTAINS, "ВАСИЛЁК")), any_of=True)
    assert _numbers(source.page_after(search.DistributiveQuery(user_filter=either),
                                      None)) == ["210002", "220001"]
    late = FilterGroup((Condition("demo_overdue", Operator.EQ, "да"),))
    assert _numbers(source.page_after(search.DistributiveQuery(
        user_filter=late, today=date(2026, 4, 1)), None)) == ["210003"]
    # Narrowing keeps the filters: an id that no longer passes drops out.
    served = search.DistributiveQuery(statuses=(S.SERVED,))
    narrowed = search.narrow_to_ids(served, [a, e])
    assert _numbers(source.page_after(narrowed, None)) == ["210001"]


def test_report_tables_and_their_excel_file(rig: Rig, tmp_path) -> None:  # noqa: ANN001
    from openpyxl import load_workbook

    a, b, c = rig.receive("230001", "230002", "230003", on=date(2023, 1, 1))
    eng, romashka, vasilek = (rig.employees["engineer"], rig.clients["romashka"],
                              rig.clients["vasilek"])
    movements.connect(rig.base, a, romashka, date(2023, 1, 5), eng, today=TODAY)
    movements.connect(rig.base, b, vasilek, date(2023, 3, 20), eng, today=TODAY)
    movements.disconnect(rig.base, a, date(2023, 3, 25), eng, today=TODAY)
    # Every month of the period, the empty one as zeros, with the running total.
    balance = reports.balance_table(rig.base, date(2023, 1, 1), date(2023, 4, 30))
    assert balance.rows == [("Январь 2023", 1, 0, 1, 1), ("Февраль 2023", 0, 0, 0, 1),
                            ("Март 2023", 1, 1, 0, 1), ("Апрель 2023", 0, 0, 0, 1)]
    assert balance.totals == ("Итого", 2, 1, 1, None)
    with pytest.raises(ValueError, match="Начало периода 01.05.2023 позже"):
        reports.balance_table(rig.base, date(2023, 5, 1), date(2023, 4, 30))
    # Clients' distributives by client name: Василёк before Ромашка.
    clients = reports.clients_table(rig.base, (S.SERVED, S.DISCONNECTED))
    assert [(r[0], r[1]) for r in clients.rows] == [("Василёк", "230002"),
                                                     ("Ромашка", "230001")]
    assert "2 дистрибутива у 2 клиентов" in clients.subtitle
    moved = reports.movements_table(rig.base, date(2023, 3, 1), date(2023, 3, 31))
    assert [(r[0], r[1], r[2]) for r in moved.rows] == [
        (date(2023, 3, 20), "Подключение", "230002"), (date(2023, 3, 25), "Отключение",
                                                       "230001")]
    stock = reports.stock_table(rig.base)
    assert stock.totals == ("Итого", "", 1, 0, 1)
    listed = reports.stock_table(rig.base, summary=False)
    assert [r[0] for r in listed.rows] == ["230003"]
    out = reports.write_xlsx(moved, tmp_path / "движение")
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "Движение дистрибутивов" and sheet["A1"].font.b
    assert [c.value for c in sheet[3]][:3] == ["Дата", "Вид", "Номер"]
    assert sheet["A4"].value.date() == date(2023, 3, 20)
    assert sheet["A4"].number_format == "DD.MM.YYYY"
    assert sheet.max_row == 5


def test_a_number_prefix_is_one_range_of_the_number_index_in_the_lists_order(
        rig: Rig) -> None:
    """The number search reads only the numbers with that beginning, already in the
    list's order — not the whole number index filtered row by row (1.6 s for «963…» at
    a million distributives before)."""
    from sqlalchemy import text

    rig.receive("963001", "963002", "9630", "96", "964000", "96-3", "100963")
    source = search.DistributiveQuery(text="963")
    rows = search.DistributiveSearch(rig.base).page_after(source, None, 2)
    assert _numbers(rows) == ["9630", "963001"]
    assert _numbers(search.DistributiveSearch(rig.base).page_after(
        source, rows[-1]["_key"], 2)) == ["963002"]
    # The plan: a range condition on the index that also gives the order (no sort, no
    # filter over other numbers).
    pager = search.pager(source)
    stmt = pager.base_select.where(*pager.where).order_by(*pager.order.order_by()).limit(2)
    with rig.base.engine.connect() as conn:
        sql = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        if rig.base.dialect == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")  # the test table is tiny
            plan = "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {sql}")))
            scan = plan.split("ix_distributives_number_c")[1]
            assert ">= '963'" in scan.split("Index Cond:")[1].split("\n")[0]
            assert "Sort" not in plan
        else:
            plan = "\n".join(r[-1] for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
            assert "SEARCH distributives USING INDEX" in plan
            assert "(number>? AND number<?)" in plan
            assert "TEMP B-TREE FOR ORDER BY" not in plan
