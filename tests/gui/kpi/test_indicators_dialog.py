"""«Показатели KPI» on both dialects: an indicator typed from the keyboard with its report
and measure picked from the catalogue, a formula whose error shows under it as it is
typed, archive instead of delete, and a read-only view without the right."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.gui.kpi.kpi_gui import CATALOGUE, READ_ONLY, Ctx, png, type_text
from tests.services.kpi.kpi_rig import make_office
from vostok_desktop.domain.kpi import IndicatorKind
from vostok_desktop.gui.kpi.indicators_dialog import IndicatorsDialog
from vostok_desktop.services.kpi import indicators, sets
from vostok_desktop.services.kpi.indicators import IndicatorData


@pytest.fixture(autouse=True)
def _yes(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))


def _dialog(qtbot, base, access=None) -> IndicatorsDialog:  # noqa: ANN001
    office = make_office(base)
    dialog = IndicatorsDialog(Ctx(base, office.employees["ivanova"], access),
                              catalogue_provider=lambda: CATALOGUE)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_indicators_typed_from_the_keyboard(qtbot, empty_base, dialect: str) -> None:
    dialog = _dialog(qtbot, empty_base)
    assert dialog.code.hasFocus()  # an empty base starts a new indicator
    type_text(qtbot, dialog.code, "звонки")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Tab)
    assert dialog.title.hasFocus()  # Tab goes down the form
    type_text(qtbot, dialog.title, "Контакты с клиентами")
    dialog.report.setCurrentIndex(dialog.report.findData("client_contacts"))
    assert [dialog.measure.itemText(i) for i in range(dialog.measure.count())] == [
        "Количество контактов"]
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.status.text() == "Показатель записан"
    [row] = indicators.list_indicators(empty_base)
    assert (row.code, row.report_key, row.measure_key) == ("звонки", "client_contacts",
                                                           "count")
    # A formula: the error shows under the field while typing, then goes away.
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    type_text(qtbot, dialog.code, "доля")
    type_text(qtbot, dialog.title, "Доля сделок")
    dialog.kind.setCurrentIndex(dialog.kind.findData(IndicatorKind.FORMULA))
    assert dialog.formula.isVisible() and not dialog.report.isVisible()
    type_text(qtbot, dialog.formula, "сделки / звонки")
    assert dialog.formula_error.text() == "Формула: нет показателя «сделки»"
    dialog.save()
    assert dialog.status.text().startswith("Не записано: Формула: нет показателя")
    dialog.formula.clear()
    type_text(qtbot, dialog.formula, "звонки ÷ (2 − 2)")
    assert dialog.formula_error.text() == "Формула: деление на ноль («2 - 2» = 0)"
    assert dialog.formula_error.isVisible()
    qtbot.wait(20)  # let the layout settle before the picture
    dialog.grab().save(png("kpi_indicators_formula_error.png"))
    assert dialog.status.text() == ""  # the old refusal went when the text changed
    qtbot.keyClick(dialog.formula, Qt.Key.Key_Backspace)
    type_text(qtbot, dialog.formula, "5) × 100")
    assert dialog.formula_error.text() == "" and not dialog.formula_error.isVisible()
    assert "звонки" in dialog.codes_hint.text()
    dialog.unit.setCurrentText("%")
    qtbot.wait(20)  # let the layout settle before the picture
    dialog.grab().save(png("kpi_indicators.png"))
    assert dialog.save()
    assert {r.code: r.formula for r in indicators.list_indicators(empty_base)}["доля"] == \
        "звонки / (2 - 25) * 100"


def test_a_used_indicator_is_archived_not_deleted(qtbot, empty_base, dialect: str) -> None:
    dialog = _dialog(qtbot, empty_base)
    calls = indicators.save_indicator(empty_base, IndicatorData(
        "звонки", "Контакты", IndicatorKind.MEASURE, "client_contacts", "count"), None)
    sets.save_set(empty_base, "НСС", None, [sets.SetItemData(calls)], None)
    dialog.reload(calls)
    assert dialog.delete() is False
    assert "в наборах «НСС». Удалить нельзя — отправьте его в архив" in dialog.status.text()
    assert dialog.toggle_archive()
    assert dialog.list.currentItem().text().endswith("(в архиве)")
    assert dialog.archive_button.text() == "Из &архива"
    sets.delete_set(empty_base, sets.list_sets(empty_base)[0].id, None)
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)
    assert indicators.list_indicators(empty_base) == []


def test_without_the_right_it_is_read_only(qtbot, empty_base, dialect: str) -> None:
    indicators.save_indicator(empty_base, IndicatorData(
        "звонки", "Контакты", IndicatorKind.MEASURE, "client_contacts", "count"), None)
    dialog = _dialog(qtbot, empty_base, READ_ONLY)
    assert dialog.findChild(type(dialog.status), "read_only_notice") is not None
    assert dialog.code.text() == "звонки" and dialog.code.isReadOnly()
    assert not dialog.save_button.isEnabled() and not dialog.new_button.isEnabled()
    assert dialog.report.currentText() == "Контакты с клиентами"
    qtbot.wait(20)  # let the layout settle before the picture
    dialog.grab().save(png("kpi_indicators_read_only.png"))
    assert dialog.save() is False


def test_unsaved_edits_are_not_lost_silently(qtbot, empty_base, monkeypatch,  # noqa: ANN001
                                             dialect: str) -> None:
    for code in ("звонки", "письма"):
        indicators.save_indicator(empty_base, IndicatorData(
            code, code.capitalize(), IndicatorKind.MEASURE, "client_contacts", "count"), None)
    dialog = _dialog(qtbot, empty_base)
    assert dialog.code.text() == "звонки"
    type_text(qtbot, dialog.title, " по телефону")
    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save])
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: next(answers)))
    dialog.list.setCurrentRow(1)  # «Отмена»: the edited one stays in front
    assert dialog.code.text() == "звонки" and dialog.list.currentRow() == 0
    dialog.list.setCurrentRow(1)  # «Записать»: written, then the other one
    assert dialog.code.text() == "письма"
    assert {r.code: r.title for r in indicators.list_indicators(empty_base)}["звонки"] == \
        "Звонки по телефону"
    type_text(qtbot, dialog.title, "!")
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: QMessageBox.StandardButton.Discard))
    dialog.reject()
    assert not dialog.isVisible()
    assert {r.code: r.title for r in indicators.list_indicators(empty_base)}["письма"] == \
        "Письма"
