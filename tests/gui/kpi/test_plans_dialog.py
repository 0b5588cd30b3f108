"""«Планы KPI» on both dialects: plans typed into the grid from the keyboard (a comma
for fractions, Delete empties), written in one go; a bad cell is shown and nothing is
written; switching with unsaved changes asks; read-only without the right."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QMessageBox

from tests.gui.kpi.kpi_gui import READ_ONLY, Ctx, png
from tests.services.kpi.kpi_rig import make_office
from vostok_desktop.domain.kpi import IndicatorKind, PeriodKind
from vostok_desktop.gui.kpi.plans_dialog import BAD_COLOUR, PlansDialog
from vostok_desktop.services.kpi import indicators, plans
from vostok_desktop.services.kpi.indicators import IndicatorData
from vostok_desktop.services.kpi.plans import PlanCell, Subject


def _editors(table) -> list[QLineEdit]:  # noqa: ANN001
    return [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]


def _type(qtbot, table, row: int, col: int, text: str) -> None:  # noqa: ANN001
    """Type into a cell as a user would: F2, the text, Enter."""
    qtbot.waitUntil(lambda: not _editors(table))
    table.setFocus()
    table.setCurrentCell(row, col)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    [editor] = _editors(table)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


@pytest.fixture
def rig(qtbot, empty_base):  # noqa: ANN001
    office = make_office(empty_base)
    calls = indicators.save_indicator(empty_base, IndicatorData(
        "звонки", "Контакты с клиентами", IndicatorKind.MEASURE, "client_contacts",
        "count"), None)
    plans.save_plan_cells(empty_base, calls, PeriodKind.MONTH, Subject.EMPLOYEE, [
        PlanCell(office.employees["petrov"], date(2027, 1, 1), "30")], None)
    return office, calls


def _dialog(qtbot, office, access=None) -> PlansDialog:  # noqa: ANN001
    dialog = PlansDialog(Ctx(office.base, office.employees["ivanova"], access), year=2027)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_plans_typed_into_the_grid(qtbot, rig, dialect: str) -> None:  # noqa: ANN001
    office, calls = rig
    dialog = _dialog(qtbot, office)
    table = dialog.table
    assert table.columnCount() == 12
    assert table.horizontalHeaderItem(0).text() == "Январь"
    assert [table.verticalHeaderItem(r).text() for r in range(table.rowCount())] == [
        "Иванова Анна", "Петров Борис"]
    assert table.item(1, 0).text() == "30"
    _type(qtbot, table, 0, 0, "1250,5")
    _type(qtbot, table, 0, 1, "40")
    assert dialog.status.text() == "Есть незаписанные изменения"
    # Delete empties Petrov's January.
    table.setFocus()
    table.setCurrentCell(1, 0)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert table.item(1, 0).text() == ""
    qtbot.wait(20)  # let the layout settle before the picture
    dialog.grab().save(png("kpi_plans.png"))
    qtbot.keyClick(table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.status.text() == "Планы записаны: изменено 3"
    assert table.item(0, 0).text() == "1\u00a0250,5"
    anna, boris = office.employees["ivanova"], office.employees["petrov"]
    assert plans.plan_value(office.base, calls, "month", date(2027, 1, 1),
                            employee_id=anna) == Decimal("1250.5")
    assert plans.plan_value(office.base, calls, "month", date(2027, 1, 1),
                            employee_id=boris) is None
    # Quarters of departments are another grid.
    dialog.kind.setCurrentIndex(dialog.kind.findData(PeriodKind.QUARTER))
    dialog.subject.setCurrentIndex(dialog.subject.findData(Subject.DEPARTMENT))
    assert table.columnCount() == 4 and table.verticalHeaderItem(0).text() == "Отдел продаж"


def test_a_bad_cell_is_shown_and_nothing_written(qtbot, rig, monkeypatch,  # noqa: ANN001
                                                 dialect: str) -> None:
    office, calls = rig
    dialog = _dialog(qtbot, office)
    _type(qtbot, dialog.table, 0, 2, "12")
    _type(qtbot, dialog.table, 0, 3, "abc")
    assert dialog.table.item(0, 3).background().color().name() == BAD_COLOUR
    assert dialog.status.text() == "Иванова Анна, Апрель: «abc» — не число"
    assert dialog.save() is False
    assert "не число" in dialog.status.text()
    assert plans.plan_value(office.base, calls, "month", date(2027, 3, 1),
                            employee_id=office.employees["ivanova"]) is None
    # Switching the year with unsaved changes asks; «Отмена» stays.
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Cancel))
    dialog.year.setValue(2028)
    assert dialog.year.value() == 2027 and dialog.table.item(0, 2).text() == "12"
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Discard))
    dialog.year.setValue(2028)
    assert dialog.table.item(0, 2).text() == "" and not dialog.changed
    # Closing with unsaved plans asks too; «Записать» writes them.
    _type(qtbot, dialog.table, 0, 0, "8")
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Cancel))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Save))
    dialog.reject()
    assert not dialog.isVisible()
    assert plans.plan_value(office.base, calls, "month", date(2028, 1, 1),
                            employee_id=office.employees["ivanova"]) == 8


def test_without_the_right_the_grid_is_read_only(qtbot, rig, dialect: str) -> None:  # noqa: ANN001
    office, _calls = rig
    dialog = _dialog(qtbot, office, READ_ONLY)
    assert not dialog.save_button.isEnabled()
    assert dialog.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    dialog.table.setFocus()
    dialog.table.setCurrentCell(1, 0)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert dialog.table.item(1, 0).text() == "30"
    qtbot.wait(20)  # let the layout settle before the picture
    dialog.grab().save(png("kpi_plans_read_only.png"))
