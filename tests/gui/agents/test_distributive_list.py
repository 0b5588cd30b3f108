"""The agent «Дистрибутивы» driven like a user on the demo base of both dialects: docked
by ``install_distributive_agent`` (Ctrl+3), quick search by number and by client name,
Enter opens the client's card on its «Дистрибутивы» page, ready filters by status,
system and engineer, colours, header sort, export through the export gate, and the
keyset paging (no OFFSET, never everything)."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import event, func, select

from tests.gui.agents.test_client_list_agent import type_text
from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.distributives import Distributive, DistributiveStatus
from vostok_desktop.gui.agents.distributive_list import (
    DISCONNECTED_COLOUR,
    OVERDUE_COLOUR,
    RESERVED_COLOUR,
    DistributiveListAgent,
    Preset,
    install_distributive_agent,
)
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.lists.filters import Condition, FilterGroup, Operator
from vostok_desktop.settings import Settings

S = DistributiveStatus
# The demo base's demo copies are due in early November 2026.
TODAY = date(2026, 12, 1)


@pytest.fixture
def window(qtbot, demo_base):
    win = build_main_window(demo_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    if win.context.employee_id is None:
        with demo_base.sessions() as session:
            win.context.employee_id = session.scalars(select(Employee.id)
                                                      .order_by(Employee.id)).first()
    win.resize(1400, 850)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    win.context.cards.close_all()


@pytest.fixture
def agent(qtbot, window) -> DistributiveListAgent:
    agent = install_distributive_agent(window)
    agent.today = lambda: TODAY
    window.context.actions.trigger("window.distributive_list")
    agent.apply_query()
    assert agent.model.wait_for_count()
    return agent


def _db(base, *where) -> list[tuple[int, str]]:  # noqa: ANN001
    with base.sessions() as s:
        return [tuple(r) for r in s.execute(select(Distributive.id, Distributive.number)
                                            .where(*where).order_by(Distributive.number))]


def _rows(agent: DistributiveListAgent) -> list[dict]:
    return [agent.model.row(n) for n in range(agent.model.rowCount())]


def _wait_search(qtbot, agent) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not agent.pending_search(), timeout=15000)
    assert agent.model.wait_for_count()


def test_docked_beside_the_other_agents_and_ctrl3_shows_it(qtbot, window, demo_base) -> None:
    agent = install_distributive_agent(window)
    assert install_distributive_agent(window) is agent  # once per window
    dock = window.docks["distributive_list_agent"]
    assert dock.windowTitle() == "Дистрибутивы" and dock.widget() is agent
    assert dock in window.tabifiedDockWidgets(window.docks["client_list_agent"])
    assert window.context.actions.shortcut("window.distributive_list") == "Ctrl+3"
    assert window.context.actions.action("window.distributive_list") in \
        window.agents_menu.actions()
    window.context.actions.trigger("window.distributive_list")
    qtbot.waitUntil(lambda: agent.isVisible())
    assert agent.model.wait_for_count()
    # Every distributive, in number order, and the count says so.
    everything = _db(demo_base)
    assert len(everything) > 300
    assert agent.model.rowCount() == len(everything)
    assert [r["id"] for r in _rows(agent)] == [i for i, _n in everything]
    assert agent.status_label.text() == f"Найдено: {len(everything)}"
    # The columns a user reads.
    titles = [agent.model.headerData(c, Qt.Orientation.Horizontal)
              for c in range(agent.model.columnCount())]
    assert titles[:9] == ["Номер", "Система", "Тип", "Серия", "Сеть", "Состояние", "Клиент",
                          "Инженер", "Комплект"]


def test_number_prefix_then_client_name_then_enter_opens_the_card(qtbot, agent,
                                                                  demo_base) -> None:
    number = _db(demo_base, Distributive.status == S.SERVED)[7][1]
    qtbot.keyClick(agent.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is agent.search_edit
    type_text(agent.search_edit, number[:3])
    _wait_search(qtbot, agent)
    expected = _db(demo_base, Distributive.number.startswith(number[:3]))
    assert [r["number"] for r in _rows(agent)] == [n for _i, n in expected]
    # A client's name: that client's distributives only.
    with demo_base.sessions() as s:
        distributive = s.scalars(select(Distributive).where(Distributive.number == number)).one()
        client = s.get(Client, distributive.client_id)
        client_id, name = client.id, client.short_name
        word = max(name.replace('"', " ").split(), key=len)
        clients = set(s.scalars(select(Client.id).where(
            Client.search_name.contains(word.lower()))))
    agent.search_edit.clear()
    type_text(agent.search_edit, word.upper())
    _wait_search(qtbot, agent)
    rows = _rows(agent)
    assert rows and {r["client_id"] for r in rows} <= clients
    assert client_id in {r["client_id"] for r in rows}
    assert len(rows) == len(_db(demo_base, Distributive.client_id.in_(clients)))
    # Enter on that distributive: the client's card, on its «Дистрибутивы» page, with
    # the distributive selected.
    agent.select_row([r["number"] for r in rows].index(number))
    agent.view.setFocus()
    qtbot.keyClick(agent.view, Qt.Key.Key_Return)
    card = window_card(agent)
    assert card is not None and card.card_key == ("client", client_id)
    page = card.pages.currentWidget()
    assert page.objectName() == "page_distributives"
    qtbot.waitUntil(lambda: page.table.rowCount() > 0)
    current = page.table.item(page.table.currentRow(), 0)
    assert current.text() == number


def window_card(agent):  # noqa: ANN001, ANN201
    return agent.context.cards.current()


def test_enter_on_a_warehouse_distributive_says_it_has_no_client(qtbot, agent) -> None:
    agent.set_preset(Preset.IN_STOCK)
    assert agent.model.rowCount() > 0
    agent.select_row(0)
    agent.view.setFocus()
    qtbot.keyClick(agent.view, Qt.Key.Key_Return)
    assert agent.context.cards.current() is None
    assert "на складе" in agent.status_label.text()
    assert agent.model.row(0)["number"] in agent.status_label.text()


def test_ready_filters_and_default_colours(qtbot, agent, demo_base) -> None:
    def colour(n: int) -> str | None:
        brush = agent.model.data(agent.model.index(n, 0), Qt.ItemDataRole.BackgroundRole)
        return brush.name() if brush is not None else None

    agent.set_preset(Preset.DISCONNECTED)
    rows = _rows(agent)
    assert [r["id"] for r in rows] == [i for i, _n in
                                       _db(demo_base, Distributive.status == S.DISCONNECTED)]
    assert all(r["status"] is S.DISCONNECTED for r in rows)
    assert colour(0) == DISCONNECTED_COLOUR
    assert agent.model.data(agent.model.index(0, 5)) == "Отключён"
    agent.set_preset(Preset.RESERVED)
    assert agent.model.rowCount() == len(_db(demo_base, Distributive.status == S.RESERVED))
    assert colour(0) == RESERVED_COLOUR
    assert agent.model.data(agent.model.index(0, 6)).startswith("резерв: ")
    agent.set_preset(Preset.DEMO_OVERDUE)
    overdue = _db(demo_base, Distributive.status == S.DEMO, Distributive.demo_until < TODAY)
    assert overdue and agent.model.rowCount() == len(overdue)
    assert colour(0) == OVERDUE_COLOUR
    assert agent.model.data(agent.model.index(0, 5)).startswith("Ознакомительный до ")
    assert "срок возврата прошёл" in agent.model.data(agent.model.index(0, 5),
                                                      Qt.ItemDataRole.ToolTipRole)
    agent.set_preset(Preset.SERVED)
    assert colour(0) is None
    # By system and by engineer: the value box lists them.
    with demo_base.sessions() as s:
        system_id, engineer_id = s.execute(
            select(Distributive.system_id, Distributive.engineer_id)
            .where(Distributive.engineer_id.is_not(None))
            .group_by(Distributive.system_id, Distributive.engineer_id)
            .order_by(func.count().desc())).first()
    agent.set_preset(Preset.SYSTEM, system_id)
    assert agent.value_box.isVisible() and agent.value_box.count() > 5
    assert agent.model.rowCount() == len(_db(demo_base, Distributive.system_id == system_id))
    assert {r["system_id"] for r in _rows(agent)} == {system_id}
    agent.set_preset(Preset.ENGINEER, engineer_id)
    assert agent.model.rowCount() == len(_db(demo_base,
                                             Distributive.engineer_id == engineer_id))
    assert {r["engineer_id"] for r in _rows(agent)} == {engineer_id}
    agent.set_preset(Preset.ALL)
    assert not agent.value_box.isVisible()
    # The user's filter narrows further and the label says so.
    group = FilterGroup((Condition("status", Operator.EQ, "served"),
                         Condition("number", Operator.STARTS, "1")))
    agent.set_user_filter(group, "Обслуживаемые на 1")
    assert "Обслуживаемые на 1" in agent.filter_label.text()
    assert [r["id"] for r in _rows(agent)] == [i for i, _n in _db(
        demo_base, Distributive.status == S.SERVED, Distributive.number.startswith("1"))]


def test_header_sorts_by_number_only(qtbot, agent, demo_base) -> None:
    header = agent.view.horizontalHeader()
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    assert agent.model.wait_for_count()
    numbers = [r["number"] for r in _rows(agent)]
    assert numbers == sorted((n for _i, n in _db(demo_base)), reverse=True)
    header.setSortIndicator(6, Qt.SortOrder.AscendingOrder)  # «Клиент»: no index
    assert header.sortIndicatorSection() == 0
    assert "не сортируется" in agent.status_label.text()


def test_pages_by_keyset_without_offset(qtbot, agent, demo_base) -> None:
    statements: list[tuple[str, object]] = []

    def seen(_conn, _cursor, statement, parameters, *_a) -> None:  # noqa: ANN001
        statements.append((statement, parameters))

    event.listen(demo_base.engine, "before_cursor_execute", seen)
    try:
        agent.apply_query()
        assert agent.model.wait_for_count()
        last = agent.model.rowCount() - 1
        qtbot.waitUntil(lambda: agent.model.row(last) is not None, timeout=15000)
        agent.select_row(last)
        assert agent.model.row(last)["number"] == _db(demo_base)[-1][1]
    finally:
        event.remove(demo_base.engine, "before_cursor_execute", seen)
    pages = [s for s, _p in statements if "distributives.number" in s and "LIMIT" in s.upper()]
    assert len(pages) >= 2  # the first block, then the one after its last key
    # By number (byte by byte on PostgreSQL: «(number COLLATE "C")») and id.
    assert any(("(distributives.number, distributives.id) >" in s
                or '((distributives.number COLLATE "C"), distributives.id) >' in s)
               for s in pages)
    # SQLite's dialect writes «LIMIT ? OFFSET ?» with 0; anything else would be OFFSET.
    for statement, parameters in statements:
        if "OFFSET" in statement.upper():
            assert isinstance(parameters, tuple) and parameters[-1] == 0, statement


def test_export_to_excel_through_the_gate(qtbot, agent, demo_base, tmp_path) -> None:
    agent.set_preset(Preset.DISCONNECTED)
    agent.select_row(0)
    out = agent.export_excel(str(tmp_path / "дистрибутивы"))
    assert out is not None
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:3] == ["Номер", "Система", "Тип"]
    assert sheet.max_row == agent.model.rowCount() + 1
    assert sheet["F2"].value == "Отключён"
    logged = access.export_log(demo_base)[0]
    assert (logged.kind, logged.row_count) == ("excel", agent.model.rowCount())
    # Without the right «Выгрузка в Excel» nothing is written and nothing logged.
    agent.context.access = access.AccessProfile(frozenset({"client.edit"}),
                                                access.Visibility.OWN, "service_engineer")
    before = len(access.export_log(demo_base))
    assert agent.export_excel(str(tmp_path / "нельзя")) is None
    assert not (tmp_path / "нельзя.xlsx").exists()
    assert "Не выгружено" in agent.status_label.text()
    assert len(access.export_log(demo_base)) == before
    agent.context.access = access.FULL_ACCESS

