"""«Наборы показателей» on both dialects: a set built from the keyboard (add, threshold,
move up/down, remove), its default role, a refusal shown, and read-only without the
right."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QMessageBox

from tests.gui.kpi.kpi_gui import READ_ONLY, Ctx, png, type_text
from tests.services.kpi.kpi_rig import make_office
from vostok_desktop.domain import EmployeeRole
from vostok_desktop.domain.kpi import IndicatorKind
from vostok_desktop.gui.kpi.sets_dialog import THRESHOLD_COL, SetsDialog
from vostok_desktop.services.kpi import indicators, sets
from vostok_desktop.services.kpi.indicators import IndicatorData


@pytest.fixture(autouse=True)
def _yes(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))


@pytest.fixture
def rig(empty_base):  # noqa: ANN001
    office = make_office(empty_base)
    ids = {}
    for code, title, higher in (("звонки", "Контакты с клиентами", True),
                                ("поручения", "Выполнено поручений", True),
                                ("просрочено", "Просрочено поручений", False)):
        ids[code] = indicators.save_indicator(empty_base, IndicatorData(
            code, title, IndicatorKind.MEASURE, "r", "m", higher_is_better=higher), None)
    return office, ids


def _dialog(qtbot, office, access=None) -> SetsDialog:  # noqa: ANN001
    dialog = SetsDialog(Ctx(office.base, office.employees["ivanova"], access))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _threshold(qtbot, dialog: SetsDialog, text: str) -> None:  # noqa: ANN001
    table = dialog.items
    table.setCurrentCell(table.currentRow(), THRESHOLD_COL)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    [editor] = [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]
    type_text(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_a_set_built_from_the_keyboard(qtbot, rig, dialect: str) -> None:  # noqa: ANN001
    office, ids = rig
    dialog = _dialog(qtbot, office)
    assert dialog.title.hasFocus()  # no sets yet: a new one
    type_text(qtbot, dialog.title, "Руководитель продаж")
    dialog.role.setCurrentIndex(dialog.role.findData(EmployeeRole.HEAD))
    for code in ("звонки", "поручения", "просрочено"):
        dialog.add_combo.setCurrentIndex(dialog.add_combo.findData(ids[code]))
        dialog.items.setFocus()
        qtbot.keyClick(dialog.items, Qt.Key.Key_Insert)
        assert dialog.item_ids()[-1] == ids[code]
        if code == "поручения":
            _threshold(qtbot, dialog, "10")
        if code == "просрочено":
            _threshold(qtbot, dialog, "2,5")
    # The last one goes to the top: Ctrl+Up twice.
    for _ in range(2):
        qtbot.keyClick(dialog.items, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert dialog.item_ids() == [ids["просрочено"], ids["звонки"], ids["поручения"]]
    qtbot.wait(20)  # let the layout settle before the picture
    dialog.grab().save(png("kpi_sets.png"))
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.status.text() == "Набор записан"
    saved = sets.set_for_role(office.base, EmployeeRole.HEAD)
    assert saved.title == "Руководитель продаж"
    assert [(i.code, i.threshold) for i in saved.items] == [
        ("просрочено", Decimal("2.5")), ("звонки", None), ("поручения", Decimal(10))]
    assert dialog.list.currentItem().text() == "Руководитель продаж  — Руководитель"
    # Delete in the table removes the current indicator; Ctrl+Down moves one down.
    dialog.items.setFocus()
    dialog.items.setCurrentCell(0, 0)
    qtbot.keyClick(dialog.items, Qt.Key.Key_Delete)
    qtbot.keyClick(dialog.items, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert dialog.item_ids() == [ids["поручения"], ids["звонки"]]
    assert dialog.save()
    assert [i.code for i in sets.get_set(office.base, saved.id).items] == [
        "поручения", "звонки"]


def test_refusals_are_shown_and_a_set_is_deleted(qtbot, rig, dialect: str) -> None:  # noqa: ANN001
    office, ids = rig
    sets.save_set(office.base, "Руководитель сервиса", EmployeeRole.HEAD,
                  [sets.SetItemData(ids["звонки"])], None)
    dialog = _dialog(qtbot, office)
    dialog.new()
    type_text(qtbot, dialog.title, "Лидер РИЦ")
    dialog.role.setCurrentIndex(dialog.role.findData(EmployeeRole.HEAD))
    assert dialog.save() is False
    assert dialog.status.text() == ("Не записано: Для роли «Руководитель» уже есть набор "
                                    "«Руководитель сервиса»: у роли один набор по умолчанию")
    dialog.role.setCurrentIndex(0)
    dialog.add_combo.setCurrentIndex(dialog.add_combo.findData(ids["звонки"]))
    assert dialog.add_item()
    _threshold(qtbot, dialog, "мало")
    assert dialog.save() is False
    assert "«мало» — не число" in dialog.status.text()
    dialog.items.item(0, THRESHOLD_COL).setText("5")
    assert dialog.save()
    assert [s.title for s in sets.list_sets(office.base)] == ["Лидер РИЦ",
                                                              "Руководитель сервиса"]
    dialog.list.setFocus()
    dialog.list.setCurrentRow(0)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)
    assert [s.title for s in sets.list_sets(office.base)] == ["Руководитель сервиса"]


def test_without_the_right_sets_are_read_only(qtbot, rig, dialect: str) -> None:  # noqa: ANN001
    office, ids = rig
    sets.save_set(office.base, "НСС", None, [sets.SetItemData(ids["поручения"], "3"),
                                            sets.SetItemData(ids["звонки"])], None)
    dialog = _dialog(qtbot, office, READ_ONLY)
    assert dialog.title.text() == "НСС" and dialog.title.isReadOnly()
    assert dialog.items.item(0, THRESHOLD_COL).text() == "3"
    assert not dialog.save_button.isEnabled() and not dialog.add_button.isEnabled()
    dialog.items.setFocus()
    dialog.items.setCurrentCell(0, 0)
    qtbot.keyClick(dialog.items, Qt.Key.Key_Delete)
    assert dialog.items.rowCount() == 2
    qtbot.wait(20)  # let the layout settle before the picture
    dialog.grab().save(png("kpi_sets_read_only.png"))


def test_unsaved_set_edits_ask_before_leaving(qtbot, rig, monkeypatch,  # noqa: ANN001
                                              dialect: str) -> None:
    office, ids = rig
    for title in ("А-набор", "Б-набор"):
        sets.save_set(office.base, title, None, [sets.SetItemData(ids["звонки"])], None)
    dialog = _dialog(qtbot, office)
    assert dialog.title.text() == "А-набор"
    dialog.add_combo.setCurrentIndex(dialog.add_combo.findData(ids["поручения"]))
    assert dialog.add_item()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Cancel))
    dialog.list.setCurrentRow(1)
    assert dialog.title.text() == "А-набор" and dialog.items.rowCount() == 2
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Save))
    dialog.reject()
    assert not dialog.isVisible()
    first = next(s for s in sets.list_sets(office.base) if s.title == "А-набор")
    assert [i.code for i in first.items] == ["звонки", "поручения"]
