"""The «Прейскуранты» tab on the demo base (both dialects), driven by the keyboard:
Insert/F2/Delete/Ctrl+S/Ctrl+E, a refusal that keeps the edits, the question before
unsaved edits are dropped, «Копировать…», «Сравнить…», and the right «Прейскуранты»."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
)
from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Employee
from vostok_desktop.domain.access import ExportRecord, Visibility
from vostok_desktop.gui.money.price_lists import PRICE, PriceListsWidget
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.demo.common import AreaContext, DemoSummary
from vostok_desktop.services.demo.money_prices import add_prices
from vostok_desktop.services.money import prices


@dataclass
class Ctx:
    """What the widgets take from the application's context."""

    base: OpenedBase
    employee_id: int | None
    access: AccessProfile | None = None
    bus: object | None = None

    def allows(self, right: str) -> bool:
        return self.access is None or self.access.allows(right)


def money_base(base: OpenedBase) -> int:
    with base.sessions() as s, s.begin():
        admin = s.scalar(select(Employee.id).order_by(Employee.id).limit(1))
        add_prices(AreaContext(s, admin, 7, DemoSummary()))
    return admin


@pytest.fixture(autouse=True)
def _no_modal_questions(monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


@pytest.fixture
def tab(qtbot, demo_base: OpenedBase):
    admin = money_base(demo_base)
    widget = PriceListsWidget(Ctx(demo_base, admin))
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.model.dirty = False  # closing must not ask


def type_cell(qtbot, tab: PriceListsWidget, column: int, text: str) -> None:
    view = tab.view
    view.setCurrentIndex(tab.model.index(view.currentIndex().row(), column))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    def editing() -> bool:
        w = QApplication.focusWidget()
        return isinstance(w, QLineEdit) and w.isVisible() and view.isAncestorOf(w)

    qtbot.waitUntil(editing)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)


def test_edit_by_keyboard_save_refusal_and_export(qtbot, tab: PriceListsWidget,
                                                  tmp_path: Path, monkeypatch) -> None:
    assert [tab.list_table.item(r, 0).text() for r in range(tab.list_table.rowCount())] == [
        "Прейскурант 2026", "Прейскурант 2025"]
    before = len(tab.model.items)
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    first = tab.model.items[0]
    qtbot.keyClick(tab.view, Qt.Key.Key_Insert)  # a new line after the first: same system
    assert len(tab.model.items) == before + 1 and tab.dirty
    assert tab.model.items[1].system_id == first.system_id
    type_cell(qtbot, tab, 2, "50")
    type_cell(qtbot, tab, PRICE, "41 500,50")
    assert tab.model.items[1].price == Decimal("41500.50")
    qtbot.keyClick(tab.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert tab.status.text() == "Прейскурант сохранён" and not tab.dirty
    saved = prices.price_list_items(tab.context.base, tab.current.id)
    assert (first.system_id, 50, Decimal("41500.50")) in [
        (i.system_id, i.min_network_size, i.price) for i in saved]

    # A negative price: refused with a Russian message, the edit stays on the screen.
    row = next(n for n, i in enumerate(tab.model.items) if i.min_network_size == 50)
    tab.view.setCurrentIndex(tab.model.index(row, PRICE))
    type_cell(qtbot, tab, PRICE, "-5")
    qtbot.keyClick(tab.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "цена не может быть отрицательной" in tab.status.text()
    assert tab.model.items[row].price == Decimal("-5") and tab.dirty
    tab.view.setCurrentIndex(tab.model.index(row, 0))
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert len(tab.model.items) == before

    # Switching lists with unsaved edits asks; «Отмена» stays, «Не сохранять» drops them.
    answers = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: answers[0]))
    tab.list_table.setCurrentCell(1, 0)
    assert tab.current.name == "Прейскурант 2026" and tab.list_table.currentRow() == 0
    answers[0] = QMessageBox.StandardButton.Discard
    tab.list_table.setCurrentCell(1, 0)
    assert tab.current.name == "Прейскурант 2025" and not tab.dirty
    assert len(prices.price_list_items(tab.context.base, tab.lists[0].id)) == before + 1

    # Ctrl+E: through the export gate, which records it.
    target = tmp_path / "прейскурант.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.keyClick(tab.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert target.exists() and tab.status.text().startswith("Сохранено")
    with tab.context.base.sessions() as s:
        record = s.scalars(select(ExportRecord).order_by(ExportRecord.id.desc())).first()
        assert (record.kind, record.what) == ("excel", "Прейскурант «Прейскурант 2025»")
    tab.grab().save("/tmp/scr/png/money_price_lists.png")
    assert "<table" in tab.print_html() and "Прейскурант 2025" in tab.print_html()


def test_copy_and_compare(qtbot, tab: PriceListsWidget) -> None:
    tab.copy_button.click()
    dialog = tab.active_dialog
    dialog.name.setText("Прейскурант 2027")
    dialog.valid_from.setDate(date(2027, 1, 1))
    dialog.percent.setValue(8)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert tab.current.name == "Прейскурант 2027" and tab.lists[0].name == "Прейскурант 2027"
    assert tab.status.text() == "Создан прейскурант «Прейскурант 2027»"
    tab.compare_button.click()
    comparison = tab.active_dialog
    comparison.first.setCurrentIndex(1)  # 2026
    comparison.second.setCurrentIndex(0)  # 2027
    cells = [comparison.table.item(0, c).text() for c in range(7)]
    assert cells[-1] in ("+8 %", "+7,99 %", "+8,01 %", "+8,02 %", "+7,98 %")
    assert comparison.table.rowCount() == len(tab.model.items)
    comparison.reject()


def test_without_the_right_read_only(qtbot, demo_base: OpenedBase) -> None:
    admin = money_base(demo_base)
    viewer = AccessProfile(frozenset({"export.excel"}), Visibility.ALL, "operator")
    widget = PriceListsWidget(Ctx(demo_base, admin, viewer))
    qtbot.addWidget(widget)
    widget.show()
    assert not widget.save_button.isEnabled()
    assert widget.copy_button.toolTip() == "Нет права «Прейскуранты»"
    assert widget.compare_button.isEnabled() and widget.excel_button.isEnabled()
    before = len(widget.model.items)
    widget.view.setFocus()
    widget.view.setCurrentIndex(widget.model.index(0, 0))
    qtbot.keyClick(widget.view, Qt.Key.Key_Insert)
    assert len(widget.model.items) == before and not widget.dirty


def test_load_from_excel_new_list_over_the_chosen_one_and_a_broken_file(
        qtbot, tab: PriceListsWidget, tmp_path: Path, monkeypatch) -> None:
    from openpyxl import Workbook

    source = tab.current
    items = prices.price_list_items(tab.context.base, source.id)
    exported = tab.export(str(tmp_path / "выгрузка.xlsx"))
    assert exported is not None
    before = len(tab.lists)

    # «В новый прейскурант»: the export's name and date; the new list is shown.
    new_id = tab.import_excel(exported, into_current=False)
    assert new_id is not None and len(tab.lists) == before + 1
    assert tab.current.id == new_id and tab.current.name == source.name
    assert tab.status.text() == (f"Загружено цен: {len(items)}; создан прейскурант "
                                 f"«{source.name}»")
    loaded = prices.price_list_items(tab.context.base, new_id)
    assert [(i.system_id, i.service, i.min_network_size, i.unit, i.price) for i in loaded] \
        == [(i.system_id, i.service, i.min_network_size, i.unit, i.price) for i in items]
    tab.grab().save("/tmp/scr/png/money_price_import.png")

    # A broken file: the row and column named, nothing written.
    book = Workbook()
    sheet = book.active
    sheet.append(["Код", "Система / услуга", "Сеть от", "Ед.", "Цена, ₽"])
    sheet.append([items[0].system_code, "", 1, "мес.", 100])
    sheet.append([items[0].system_code, "", 2, "мес.", "12,3,4"])
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    assert tab.import_excel(str(broken), into_current=True) is None
    assert tab.status.text() == "Файл не загружен: Строка 3, столбец «Цена»: «12,3,4» — не число"
    assert len(prices.list_price_lists(tab.context.base)) == before + 1
    assert len(prices.price_list_items(tab.context.base, new_id)) == len(items)

    # Over the chosen list, asked in a box: «Заменить строки …».
    book = Workbook()
    sheet = book.active
    sheet.append(["Код", "Цена"])
    sheet.append([items[0].system_code, "777"])
    small = tmp_path / "small.xlsx"
    book.save(small)

    def answer(box: QMessageBox) -> int:
        box.setProperty("answered", True)
        over = next(b for b in box.buttons() if b.text().startswith("Заменить строки"))
        over.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    assert tab.import_excel(str(small)) == new_id
    assert [(i.system_code, i.price) for i in
            prices.price_list_items(tab.context.base, new_id)] == [
        (items[0].system_code, Decimal("777.00"))]
    assert tab.status.text().startswith("Загружено цен: 1; строки прейскуранта")


def test_load_from_excel_needs_the_right(qtbot, demo_base: OpenedBase, tmp_path) -> None:
    admin = money_base(demo_base)
    viewer = AccessProfile(frozenset(), Visibility.ALL, "operator")
    widget = PriceListsWidget(Ctx(demo_base, admin, viewer))
    qtbot.addWidget(widget)
    assert not widget.import_button.isEnabled()
    assert widget.import_excel(str(tmp_path / "x.xlsx"), into_current=False) is None
    assert widget.status.text() == "Нет права «Прейскуранты»"
