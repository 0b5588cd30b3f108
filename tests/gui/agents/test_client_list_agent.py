"""The «Список клиентов» agent driven like a user: keyboard search, Enter, Ctrl+D, Del and
Ctrl+Z, header sorting, column layout persistence, colours, export — on both dialects."""

from __future__ import annotations

import random
import time

import pytest
from PySide6.QtCore import QEvent, Qt, QThreadPool
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from vostok_desktop.domain import Client, ClientStatus, Contact, Employee
from vostok_desktop.gui.agents.client_list import ClientListAgent
from vostok_desktop.gui.agents.contact_list import ContactListAgent
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.cards.base import CardWidget
from vostok_desktop.gui.filter_dialogs import FilterBuilderDialog
from vostok_desktop.gui.models.keyset_model import (
    BoundSource,
    EmptySource,
    KeysetTableModel,
    Roles,
)
from vostok_desktop.services.lists import client_search as cs
from vostok_desktop.services.lists.filters import Condition, FilterGroup, Operator, connect
from vostok_desktop.settings import Settings


class FakeCard(CardWidget):
    kind = "client"
    opened: list[int | None] = []

    def __init__(self, entity_id: int | None) -> None:
        super().__init__(entity_id)
        FakeCard.opened.append(entity_id)

    def title(self) -> str:
        return f"клиент {self.entity_id}"


@pytest.fixture
def window(qtbot, demo_base):
    win = build_main_window(demo_base, Settings())
    qtbot.addWidget(win)
    FakeCard.opened = []
    win.context.cards.register_kind("client", FakeCard)
    if win.context.employee_id is None:
        # On the test server the login role is not an employee: act as the first one.
        with demo_base.sessions() as session:
            win.context.employee_id = session.scalars(select(Employee.id)
                                                      .order_by(Employee.id)).first()
        for agent in (win.findChild(ClientListAgent), win.findChild(ContactListAgent)):
            agent.apply_query()
    for agent in (win.findChild(ClientListAgent), win.findChild(ContactListAgent)):
        assert agent.model.wait_for_count()
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    win.context.cards.close_all()


def type_text(widget, text: str) -> None:  # noqa: ANN001
    """Type like a keyboard (QTest's keyClicks handles only ASCII, not Cyrillic)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, ord(ch.upper()),
                                                     Qt.KeyboardModifier.NoModifier, ch))


def _agent(win) -> ClientListAgent:  # noqa: ANN001
    agent = win.findChild(ClientListAgent)
    assert agent is not None
    return agent


def _visible_names(agent: ClientListAgent) -> list[str]:
    return [agent.model.row(n)["_key"][0] for n in range(agent.model.rowCount())]


def test_keyboard_search_then_enter_opens_the_card(qtbot, window, demo_base) -> None:
    agent = _agent(window)
    with demo_base.sessions() as session:
        name = session.scalars(select(Client.short_name).order_by(Client.id).offset(11)
                               .limit(1)).one()
    word = max(name.replace('"', " ").split(), key=len)
    term = word[:3].upper()
    qtbot.keyClick(agent.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is agent.search_edit
    type_text(agent.search_edit, term)
    assert agent.pending_search()
    qtbot.waitUntil(lambda: not agent.pending_search(), timeout=15000)
    names = _visible_names(agent)
    assert names and all(term.lower() in n for n in names)
    first_id = agent.model.row_id(0)
    qtbot.keyClick(agent.search_edit, Qt.Key.Key_Return)
    assert FakeCard.opened == [first_id]
    # Down from the search into the list, Enter on the second row.
    if agent.model.rowCount() > 1:
        agent.search_edit.setFocus()
        qtbot.keyClick(agent.search_edit, Qt.Key.Key_Down)
        assert QApplication.focusWidget() is agent.view
        qtbot.keyClick(agent.view, Qt.Key.Key_Down)
        qtbot.keyClick(agent.view, Qt.Key.Key_Return)
        assert FakeCard.opened[-1] == agent.model.row_id(1)


def test_unregistered_card_kind_is_a_message_not_a_crash(window) -> None:
    agent = _agent(window)
    assert agent.open_card("no_such_kind", 1) is False
    assert "Карточки" in agent.status_label.text()


def test_ctrl_d_toggles_the_star_and_del_ctrl_z(qtbot, window) -> None:
    agent = _agent(window)
    agent.view.setFocus()
    agent.select_row(2)
    client_id = agent.model.row_id(2)
    star = agent.model.index(2, 0)
    assert agent.model.data(star) == ""
    qtbot.keyClick(agent.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert agent.model.data(star) == "★"
    assert agent.model.data(star, Roles.FAVOURITE) is True
    qtbot.keyClick(agent.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert agent.model.data(star, Roles.FAVOURITE) is False

    assert agent.model.wait_for_count()
    count = agent.model.rowCount()
    qtbot.keyClick(agent.view, Qt.Key.Key_Delete)
    assert agent.model.wait_for_count()
    assert agent.model.rowCount() == count - 1
    assert client_id not in [agent.model.row_id(n) for n in range(5)]
    qtbot.keyClick(agent.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert agent.model.wait_for_count()
    assert agent.model.rowCount() == count
    assert agent.model.row_id(2) == client_id


def test_presets_header_sort_and_colours(qtbot, window, demo_base) -> None:
    agent = _agent(window)
    agent.preset_box.setCurrentIndex(agent.preset_box.findData("disconnected"))
    agent.preset_box.activated.emit(agent.preset_box.currentIndex())
    assert agent.model.rowCount() > 0
    row0 = agent.model.row(0)
    assert row0["status"] is ClientStatus.DISCONNECTED
    colour = agent.model.data(agent.model.index(0, 1), Qt.ItemDataRole.BackgroundRole)
    assert colour is not None and colour.name() == "#e4e4e4"
    # Sort by INN descending through the header.
    header = agent.view.horizontalHeader()
    header.setSortIndicator(2, Qt.SortOrder.DescendingOrder)
    inns = [agent.model.row(n)["inn"] or "" for n in range(agent.model.rowCount())]
    assert inns == sorted(inns, reverse=True)
    # A column without an index does not sort: the indicator goes back.
    header.setSortIndicator(5, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == 2
    # Region preset fills the value box.
    agent.preset_box.setCurrentIndex(agent.preset_box.findData("region"))
    agent.preset_box.activated.emit(agent.preset_box.currentIndex())
    assert agent.value_box.isVisible() and agent.value_box.count() > 0
    region = agent.value_box.currentData()
    assert all(agent.model.row(n)["region"] == region for n in range(agent.model.rowCount()))


def test_user_filter_builder(qtbot, window) -> None:
    agent = _agent(window)
    dialog = FilterBuilderDialog(agent.filter_fields, None, {}, agent)
    qtbot.addWidget(dialog)
    row = dialog.editor.rows[0]
    row.field_box.setCurrentIndex(row.field_box.findData("status"))
    row.value_widget.setCurrentIndex(row.value_widget.findData("served"))
    second = dialog.editor.add_row()
    second.field_box.setCurrentIndex(second.field_box.findData("inn"))
    second.op_box.setCurrentIndex(second.op_box.findData("starts"))
    second.value_widget.setText("54")
    dialog.save_current("Обслуживаемые 54")
    group = dialog.result_filter()
    assert group == FilterGroup((Condition("status", Operator.EQ, "served"),
                                 Condition("inn", Operator.STARTS, "54")))
    agent.store_saved_filters(dialog.saved)
    agent.set_user_filter(group, "Обслуживаемые 54")
    assert "Обслуживаемые 54" in agent.filter_label.text()
    rows = [agent.model.row(n) for n in range(agent.model.rowCount())]
    assert rows and all(r["status"] is ClientStatus.SERVED and r["inn"].startswith("54")
                        for r in rows)
    assert "Обслуживаемые 54" in agent.saved_filters()


def test_column_layout_persists_across_agents(qtbot, window) -> None:
    agent = _agent(window)
    agent.set_column_visible(3, True)  # КПП
    agent.view.setColumnWidth(1, 333)
    agent.view.horizontalHeader().moveSection(2, 5)
    agent.view.horizontalHeader().setSortIndicator(2, Qt.SortOrder.DescendingOrder)
    agent.save_layout()
    second = ClientListAgent(window.context)
    qtbot.addWidget(second)
    assert not second.view.isColumnHidden(3)
    assert second.view.columnWidth(1) == 333
    assert second.view.horizontalHeader().visualIndex(2) == 5
    assert second.build_query().sort is cs.ClientSort.INN and second.build_query().descending
    # The second agent's private actions work too.
    second.view.setFocus()
    second.select_row(0)
    assert second.current_id() == second.model.row_id(0)


def test_contacts_of_selected_clients(qtbot, window, demo_base) -> None:
    agent = _agent(window)
    contacts = window.findChild(ContactListAgent)
    agent.view.setFocus()
    agent.select_row(0)
    agent.view.selectionModel().select(
        agent.model.index(1, 1), agent.view.selectionModel().SelectionFlag.Select
        | agent.view.selectionModel().SelectionFlag.Rows)
    ids = agent.selected_ids()
    assert len(ids) == 2
    with qtbot.waitSignal(agent.contacts_requested):
        qtbot.keyClick(agent.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    with demo_base.sessions() as session:
        expected = set(session.scalars(select(Contact.id).where(Contact.client_id.in_(ids))))
    shown = {contacts.model.row_id(n) for n in range(contacts.model.rowCount())}
    assert shown == expected


def test_export_selection_to_excel(qtbot, window, tmp_path) -> None:
    from openpyxl import load_workbook

    agent = _agent(window)
    agent.select_row(0)
    assert agent.model.wait_for_count()
    out = agent.export_excel(str(tmp_path / "clients"))
    book = load_workbook(out)
    sheet = book.active
    assert sheet["B1"].value == "Наименование" and sheet["B1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.max_row == agent.model.rowCount() + 1  # one row selected: the whole list
    # The export is in the export log: who, what, how many rows.
    from vostok_desktop.services.access import rights as access

    logged = access.export_log(window.context.base)[0]
    assert (logged.kind, logged.row_count) == ("excel", agent.model.rowCount())


def test_export_without_the_right_writes_nothing(qtbot, window, tmp_path) -> None:
    from vostok_desktop.services.access import rights as access

    agent = _agent(window)
    assert agent.model.wait_for_count()
    window.context.access = access.AccessProfile(frozenset({"client.edit"}),
                                                 access.Visibility.OWN, "service_engineer")
    before = len(access.export_log(window.context.base))
    assert agent.export_excel(str(tmp_path / "clients")) is None
    assert not (tmp_path / "clients.xlsx").exists()
    assert len(access.export_log(window.context.base)) == before
    window.context.access = access.FULL_ACCESS


def test_model_jumps_anywhere_like_plain_order(qtbot, demo_base) -> None:
    """Small blocks so the 300 demo clients need anchors; random jumps = plain order."""
    search = cs.ClientSearch(demo_base)
    query = cs.ClientQuery()
    model = KeysetTableModel([], block_size=16)
    model.set_source(BoundSource(search, query))
    assert model.wait_for_count()
    with demo_base.engine.connect() as conn:
        plain = list(conn.scalars(select(Client.id).where(*cs.where_clauses(query))
                                  .order_by(Client.search_name, Client.id)))
    assert model.rowCount() == len(plain)
    far = len(plain) - 1
    assert model.row_id(far) is None  # the anchors are read on a worker meanwhile
    qtbot.waitUntil(lambda: model.row_id(far) is not None, timeout=15000)
    rnd = random.Random(5)
    for n in [len(plain) - 1, 0, *rnd.sample(range(len(plain)), 40)]:
        assert model.row_id(n) == plain[n]
    model.prefetch_now()
    assert model.row(len(plain)) is None


def test_first_page_paints_before_the_count(qtbot, demo_base) -> None:
    """A full first block shows at once; the exact count arrives from a worker thread."""
    search = cs.ClientSearch(demo_base)
    model = KeysetTableModel([], block_size=16)
    changes: list[tuple[int, bool]] = []
    model.count_changed.connect(lambda: changes.append((model.rowCount(), model.count_exact)))
    model.set_source(BoundSource(search, cs.ClientQuery()))
    assert model.rowCount() == 16 and not model.count_exact
    qtbot.waitUntil(lambda: model.count_exact, timeout=15000)
    total = search.count(cs.ClientQuery())
    assert changes == [(16, False), (total, True)]
    # A short result is its own count: no worker needed.
    client_id = model.row_id(3)
    model.set_source(BoundSource(search, cs.ClientQuery(client_ids=(client_id,))))
    assert model.count_exact and model.rowCount() == 1
    # A stale count (the query changed meanwhile) is ignored.
    model.set_source(BoundSource(search, cs.ClientQuery()))
    model.set_source(BoundSource(search, cs.ClientQuery(client_ids=(client_id,))))
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.wait(20)
    assert model.rowCount() == 1
    assert search.count(cs.ClientQuery(), 10) == 11


class _SlowCountSource(EmptySource):
    """A full first block, then a count that would run for a long time on the base."""

    def __init__(self, base) -> None:  # noqa: ANN001
        self.base = base
        self.outcome: list[object] = []

    def page_after(self, key, limit):  # noqa: ANN001, ANN201
        return [{"id": i, "_key": ("", i)} for i in range(limit)]

    def count(self, limit=None) -> int:  # noqa: ANN001
        slow = ("SELECT pg_sleep(20)" if self.base.dialect == "postgresql" else
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 100000000) SELECT count(*) FROM n")
        try:
            with connect(self.base.engine) as conn:
                conn.exec_driver_sql(slow)
        except Exception as exc:
            self.outcome.append(exc)
            raise
        return 10**6


def test_a_new_query_cancels_the_stale_count(qtbot, demo_base) -> None:
    """The count of a query the user left is cancelled on the base, not waited for."""
    model = KeysetTableModel([], block_size=16)
    failures: list[str] = []
    model.count_failed.connect(failures.append)
    slow = _SlowCountSource(demo_base)
    model.set_source(slow)
    assert not model.count_exact
    qtbot.wait(300)  # the worker is in the slow statement now
    started = time.monotonic()
    model.set_source(BoundSource(cs.ClientSearch(demo_base), cs.ClientQuery()))
    assert model.cancelled_reads == 1
    qtbot.waitUntil(lambda: bool(slow.outcome), timeout=15000)
    assert time.monotonic() - started < 5
    qtbot.waitUntil(lambda: model.count_exact, timeout=15000)
    assert model.rowCount() == cs.ClientSearch(demo_base).count(cs.ClientQuery())
    assert failures == []  # the cancelled count is stale: not reported as a failure


def test_colour_rules_editor(qtbot, window) -> None:
    from vostok_desktop.gui.filter_dialogs import ColourRulesDialog
    from vostok_desktop.services.lists.filters import default_client_colour_rules

    agent = _agent(window)
    dialog = ColourRulesDialog(agent.filter_fields, agent.colour_rules(),
                               default_client_colour_rules, agent)
    qtbot.addWidget(dialog)
    dialog._add()
    dialog.name_edit.setText("Москва")
    row = dialog.editor.rows[0]
    row.field_box.setCurrentIndex(row.field_box.findData("region"))
    row.value_widget.setText("Москва")
    dialog._set_colour("#ffeeaa")
    dialog._accept()
    agent.set_colour_rules(dialog.rules)
    assert dialog.rules[-1].name == "Москва" and dialog.rules[-1].colour == "#ffeeaa"
    agent.preset_box.setCurrentIndex(agent.preset_box.findData("region"))
    agent.preset_box.activated.emit(agent.preset_box.currentIndex())
    moscow = agent.value_box.findData("Москва")
    if moscow >= 0:
        agent.value_box.setCurrentIndex(moscow)
        agent.apply_query()
        rows = [n for n in range(agent.model.rowCount())
                if agent.model.row(n)["status"] is ClientStatus.SERVED]
        if rows:
            brush = agent.model.data(agent.model.index(rows[0], 1),
                                     Qt.ItemDataRole.BackgroundRole)
            assert brush.name() == "#ffeeaa"
    # The rules persist for the next agent of this user.
    second = ClientListAgent(window.context)
    qtbot.addWidget(second)
    assert second.colour_rules() == dialog.rules


def test_other_areas_commands_appear_in_the_agents_context_menu(qtbot, demo_base) -> None:
    """Work and hot line attach their commands to the agents; the menu lists them."""
    from vostok_desktop.gui.app import build_main_window
    from vostok_desktop.settings import Settings

    window = build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(window)
    clients = window.docks["client_list_agent"].widget()
    contacts = window.docks["contact_list_agent"].widget()
    assert "work.assign_clients" in clients.menu_action_ids()
    assert {"work.assign_contacts", "hotline.for_contacts"} <= set(contacts.menu_action_ids())


class _GatedCountSource(EmptySource):
    """A full first block, then a count that finishes only when the test lets it."""

    def __init__(self) -> None:
        import threading
        self.gate = threading.Event()
        self.counted = threading.Event()

    def page_after(self, key, limit):  # noqa: ANN001, ANN201
        return [{"id": i, "_key": ("", i)} for i in range(limit)]

    def count(self, limit=None) -> int:  # noqa: ANN001
        self.gate.wait(10)
        self.counted.set()
        return 500


def test_a_count_that_ends_after_its_window_closed_is_dropped_quietly(qtbot) -> None:
    """Closing an agent while its count runs: the late result reaches nobody and raises
    nothing in the event loop (it used to: «Signal source has been deleted»)."""
    import shiboken6

    gone = KeysetTableModel([], block_size=16)
    late = _GatedCountSource()
    gone.set_source(late)
    assert not gone.count_exact
    shiboken6.delete(gone)  # the window closed; the worker still counts
    late.gate.set()
    assert late.counted.wait(10)
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.wait(50)
    # A model still open gets its count through the same path.
    alive = KeysetTableModel([], block_size=16)
    source = _GatedCountSource()
    alive.set_source(source)
    source.gate.set()
    qtbot.waitUntil(lambda: alive.count_exact, timeout=10000)
    assert alive.rowCount() == 500


def test_systems_column_presets_and_a_number_filter(qtbot, window) -> None:
    """«Систем» shows each client's served distributives; «С дистрибутивами на
    обслуживании» and «Систем на обслуживании больше 1» narrow the list to them."""
    import os
    import tempfile
    from pathlib import Path

    from PySide6.QtWidgets import QSpinBox

    from vostok_desktop.gui.agents.client_list import CLIENT_COLUMNS

    agent = _agent(window)
    keys = [c.key for c in CLIENT_COLUMNS]
    systems, anything = keys.index("systems"), keys.index("has_distributives")
    assert agent.model.headerData(systems, Qt.Orientation.Horizontal) == "Систем"
    assert not agent.view.isColumnHidden(systems) and agent.view.isColumnHidden(anything)
    agent.preset_box.setCurrentIndex(agent.preset_box.findData("with_served"))
    agent.preset_box.activated.emit(agent.preset_box.currentIndex())
    assert agent.model.wait_for_count()
    shown = [agent.model.data(agent.model.index(n, systems))
             for n in range(agent.model.rowCount())]
    assert shown and all(text and int(text) >= 1 for text in shown)
    # The user filter: the number field gets a spin box, not free text.
    dialog = FilterBuilderDialog(agent.filter_fields, None, {}, agent)
    qtbot.addWidget(dialog)
    row = dialog.editor.rows[0]
    row.field_box.setCurrentIndex(row.field_box.findData("systems"))
    assert isinstance(row.value_widget, QSpinBox)
    row.op_box.setCurrentIndex(row.op_box.findData("gt"))
    row.value_widget.setValue(1)
    group = dialog.result_filter()
    assert group == FilterGroup((Condition("systems", Operator.GT, "1"),))
    agent.preset_box.setCurrentIndex(agent.preset_box.findData("all"))
    agent.preset_box.activated.emit(agent.preset_box.currentIndex())
    agent.set_user_filter(group, "Больше одной системы")
    assert agent.model.wait_for_count()
    counts = [agent.model.row(n)["systems"] for n in range(agent.model.rowCount())]
    assert counts and all(n > 1 for n in counts)
    # A stored condition comes back into the spin box.
    again = FilterBuilderDialog(agent.filter_fields, group, {}, agent)
    qtbot.addWidget(again)
    assert again.editor.rows[0].value_widget.value() == 1
    agent.set_column_visible(anything, True)
    assert agent.model.data(agent.model.index(0, anything)) == "есть"
    png = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")
    png.mkdir(parents=True, exist_ok=True)
    # The agent undocked and wide enough for every column it shows, for the picture.
    wide = ClientListAgent(window.context)
    qtbot.addWidget(wide)
    wide.set_column_visible(anything, True)
    wide.set_user_filter(group, "Больше одной системы")
    wide.resize(1180, 420)
    wide.show()
    qtbot.waitExposed(wide)
    assert wide.model.wait_for_count()
    wide.grab().save(str(png / "client_agent_systems.png"))
    # Without distributives: the column says so, «Систем» stays empty.
    agent.set_user_filter(None, "")
    agent.preset_box.setCurrentIndex(agent.preset_box.findData("without_distributives"))
    agent.preset_box.activated.emit(agent.preset_box.currentIndex())
    assert agent.model.wait_for_count() and agent.model.rowCount() > 0
    assert agent.model.data(agent.model.index(0, anything)) == "нет"
    assert agent.model.data(agent.model.index(0, systems)) == ""
