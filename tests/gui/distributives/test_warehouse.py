"""«Склад дистрибутивов» and the menu «Дистрибутивы» on the demo base of each dialect:
opening with the keyboard, the status filter, overdue demo copies highlighted, receipt
(a refused one keeps the typed numbers), reserve / unreserve, demo issue and return, the
catalogue, and the one action registry without shortcut clashes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from vostok_desktop.domain.distributives import Distributive, DistributiveStatus
from vostok_desktop.gui.distributives.common import OVERDUE_BACKGROUND
from vostok_desktop.gui.distributives.dialogs import MovementDialog, ReceiptDialog
from vostok_desktop.gui.distributives.warehouse import WarehouseWidget

from .conftest import TODAY, column, other_client, press_ok

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
S = DistributiveStatus


def _open(qtbot, window) -> WarehouseWidget:
    qtbot.keyClick(window, Qt.Key.Key_W, CTRL_SHIFT)
    widget = window.tabs.currentWidget()
    assert isinstance(widget, WarehouseWidget)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Склад дистрибутивов"
    widget.today = lambda: TODAY
    widget.refresh()
    widget.table.setFocus()
    qtbot.waitUntil(lambda: widget.table.hasFocus())
    return widget


def _select(widget: WarehouseWidget, number: str) -> None:
    widget.table.setCurrentCell(column(widget.table, 0).index(number), 0)
    widget.table.setFocus()


def _status(base, number: str) -> DistributiveStatus:
    with base.sessions() as s:
        return s.scalar(select(Distributive.status).where(Distributive.number == number))


def test_filter_by_status_and_overdue_demos_highlighted(qtbot, window, demo_base) -> None:
    widget = _open(qtbot, window)
    statuses = set(column(widget.table, 3))
    assert statuses <= {"На складе", "Зарезервирован", "Ознакомительный"}
    assert "На складе" in statuses
    widget.set_status_filter((S.DEMO,))
    assert set(column(widget.table, 3)) == {"Ознакомительный"}
    today = widget.today()
    overdue = [r for r, d in enumerate(widget.rows) if d.demo_until and d.demo_until < today]
    assert overdue, "the demo base has overdue demo copies"
    for r in overdue:
        assert widget.table.item(r, 0).background().color().name() == OVERDUE_BACKGROUND
        assert "дн.)" in widget.table.item(r, 6).text()
    assert f"Просрочен возврат ознакомительных дистрибутивов: {len(overdue)}" in \
        widget.overdue_label.text()
    widget.set_status_filter((S.IN_STOCK,))
    assert set(column(widget.table, 3)) == {"На складе"}
    # The number filter: typed digits keep the rows whose number starts with them.
    first = widget.table.item(0, 0).text()
    qtbot.keyClicks(widget.number_filter, first[:3])
    assert widget.table.rowCount() >= 1
    assert all(n.startswith(first[:3]) for n in column(widget.table, 0))
    qtbot.keyClicks(widget.number_filter, "x")
    assert widget.table.rowCount() == 0
    # Ctrl+Shift+W again brings the same tab back.
    qtbot.keyClick(window, Qt.Key.Key_W, CTRL_SHIFT)
    assert window.tabs.currentWidget() is widget


def test_receipt_then_duplicate_refused_keeping_the_numbers(qtbot, window, demo_base) -> None:
    widget = _open(qtbot, window)
    qtbot.keyClick(widget.table, Qt.Key.Key_Insert)
    dialog = widget.active_dialog
    assert isinstance(dialog, ReceiptDialog)
    qtbot.keyClicks(dialog.numbers, "9900001, 9900002")
    assert dialog.count_label.text() == "Номеров: 2"
    press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert {"9900001", "9900002"} <= set(column(widget.table, 0))
    assert _status(demo_base, "9900001") is S.IN_STOCK
    assert "Оприходовано дистрибутивов: 2" in widget.message.text()
    qtbot.keyClick(widget.table, Qt.Key.Key_Insert)
    again = widget.active_dialog
    qtbot.keyClicks(again.numbers, "9900003")
    qtbot.keyClick(again.numbers, Qt.Key.Key_Return)
    qtbot.keyClicks(again.numbers, "9900001")
    press_ok(again)
    assert again.isVisible()
    assert "№ 9900001 уже есть в базе" in again.message.text()
    assert again.numbers.toPlainText() == "9900003\n9900001"
    again.reject()
    assert _status(demo_base, "9900003") is None  # nothing half-done


def test_reserve_unreserve_demo_issue_and_return(qtbot, window, demo_base) -> None:
    widget = _open(qtbot, window)
    qtbot.keyClick(widget.table, Qt.Key.Key_Insert)
    receipt = widget.active_dialog
    qtbot.keyClicks(receipt.numbers, "9900010")
    press_ok(receipt)
    _select(widget, "9900010")
    qtbot.keyClick(widget.table, Qt.Key.Key_R, CTRL_ALT)
    reserve = widget.active_dialog
    assert isinstance(reserve, MovementDialog)
    press_ok(reserve)  # neither client nor employee: refused, stays open
    assert reserve.isVisible() and "не указано, за кем" in reserve.message.text()
    reserve.employee.setCurrentIndex(1)
    employee = reserve.employee.currentText()
    press_ok(reserve)
    qtbot.waitUntil(lambda: not reserve.isVisible())
    assert _status(demo_base, "9900010") is S.RESERVED
    r = column(widget.table, 0).index("9900010")
    assert widget.table.item(r, 5).text() == employee
    qtbot.keyClick(widget.table, Qt.Key.Key_U, CTRL_ALT)
    press_ok(widget.active_dialog)
    assert _status(demo_base, "9900010") is S.IN_STOCK
    client_id, inn = other_client(demo_base, 0)
    _select(widget, "9900010")
    qtbot.keyClick(widget.table, Qt.Key.Key_O, CTRL_ALT)
    demo = widget.active_dialog
    qtbot.keyClicks(demo.client.edit, inn)
    qtbot.keyClick(demo.client.edit, Qt.Key.Key_Return)
    assert demo.client.client_id() == client_id
    press_ok(demo)
    qtbot.waitUntil(lambda: not demo.isVisible())
    assert _status(demo_base, "9900010") is S.DEMO
    r = column(widget.table, 0).index("9900010")
    assert widget.table.item(r, 3).text() == "Ознакомительный"
    assert widget.table.item(r, 6).text() == "15.12.2026"  # two weeks by default
    _select(widget, "9900010")
    qtbot.keyClick(widget.table, Qt.Key.Key_V, CTRL_ALT)
    press_ok(widget.active_dialog)
    assert _status(demo_base, "9900010") is S.IN_STOCK


def test_catalogue_new_system_shows_in_the_filter(qtbot, window, demo_base) -> None:
    widget = _open(qtbot, window)
    widget.buttons["distributives.catalogue"].click()
    catalogue = widget.active_dialog
    catalogue.new_button.click()
    dialog = catalogue.active_dialog
    qtbot.keyClicks(dialog.code, "KP-TEST")
    press_ok(dialog)  # no title: refused
    assert dialog.isVisible() and "не указано название" in dialog.message.text()
    qtbot.keyClicks(dialog.title, "Test system")
    press_ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "KP-TEST" in column(catalogue.table, 0)
    catalogue.reject()
    assert widget.system_filter.findText("KP-TEST — Test system") >= 0


def test_menu_holds_the_commands_and_no_shortcut_clashes(qtbot, window) -> None:
    menu = window.distributives.menu
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    for wanted in ("Склад…", "Каталог систем…", "Файл ЗВЭ (expcons.txt)…",
                   "Заявка в КЦ…", "Сверка с РЦ…", "Подключить дистрибутив со склада…",
                   "Состояние на дату…"):
        assert wanted in texts
    bar_titles = [a.text() for a in window.menuBar().actions()]
    assert bar_titles.index("Дистрибутивы") < bar_titles.index("Окна")
    registry = window.context.actions
    for entry in registry.entries():
        sequence = registry.shortcut(entry.id)
        assert registry.find_conflict(entry.id, sequence) is None, entry.id
    assert registry.action("distributives.warehouse").shortcut() == \
        QKeySequence("Ctrl+Shift+W")


def test_expert_file_reconciliation_and_kc_request_open(qtbot, window) -> None:
    registry = window.context.actions
    for action_id, name in (("distributives.expert_file", "expert_file_dialog"),
                            ("distributives.reconciliation", "reconciliation_dialog"),
                            ("distributives.kc_request", "kc_request_dialog")):
        registry.trigger(action_id)
        shown = [w for w in QApplication.topLevelWidgets()
                 if w.objectName() == name and w.isVisible()]
        assert shown, action_id
        for w in shown:
            w.close()


def test_read_only_base_greys_out_the_warehouse(qtbot, window, demo_base) -> None:
    demo_base.set_read_only(True, "Только чтение (тест)")
    try:
        widget = _open(qtbot, window)
        assert not widget.buttons["warehouse.receive"].isEnabled()
        qtbot.keyClick(widget.table, Qt.Key.Key_Insert)
        assert widget.active_dialog is None
    finally:
        demo_base.set_read_only(False, "")
