"""Installation planning driven like a user, on both dialects: the planning dialog from
the keyboard (client search, ticking distributives with the space bar, documents, extra
works), and «Контроль сроков установки» (overdue in red, Enter opens, «Выполнено»
connects the distributives, a refusal names the distributive and changes nothing)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit
from sqlalchemy import select

from tests.gui.cards.test_cards import type_text
from tests.services.distributives.conftest import TODAY, Rig
from tests.services.distributives.conftest import rig as rig  # noqa: F401 - the fixture
from vostok_desktop.domain import DistributiveStatus
from vostok_desktop.domain.installations import Installation, InstallationState
from vostok_desktop.domain.work import Assignment
from vostok_desktop.gui.context import AppContext, ChangeBus
from vostok_desktop.gui.distributives.dialogs import to_qdate
from vostok_desktop.gui.distributives.installation_dialog import (
    CompleteDialog,
    InstallationControl,
    InstallationDialog,
)
from vostok_desktop.services.access.rights import AccessProfile, Visibility
from vostok_desktop.services.distributives import installations as ins
from vostok_desktop.services.distributives import movements

S = DistributiveStatus


def _context(rig: Rig, access: AccessProfile | None = None) -> AppContext:
    return AppContext(rig.base, rig.employees["keeper"], "Кладовщикова Клара", False,
                      None, QSettings(), None, None, ChangeBus(), None, access)  # type: ignore[arg-type]


def _key(qtbot, widget, key: Qt.Key) -> None:
    qtbot.keyClick(widget, key)


def _ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_planning_from_the_keyboard(qtbot, rig: Rig) -> None:
    first, _second, third, planned = rig.receive("400001", "400002", "400003", "400004")
    # One already planned for another client is not offered again.
    ins.plan_installation(rig.base, ins.InstallationDraft(
        rig.clients["vasilek"], rig.employees["engineer"], TODAY, [planned]), None,
        today=TODAY)
    dialog = InstallationDialog(_context(rig), today=lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.client.setFocus()
    type_text(qtbot, dialog.client.edit, "Ромашка")
    _key(qtbot, dialog.client.edit, Qt.Key.Key_Return)
    assert dialog.client.combo.currentText() == "Ромашка"
    texts = [dialog.distributives.item(r).text() for r in range(dialog.distributives.count())]
    assert texts == [f"№ {n} — КонсультантПлюс: Версия Проф" for n in
                     ("400001", "400002", "400003")]
    # The filter narrows the list; the space bar ticks the selected one.
    dialog.filter.setFocus()
    qtbot.keyClicks(dialog.filter, "400003")
    assert [dialog.distributives.item(r).isHidden() for r in range(3)] == [True, True, False]
    dialog.filter.clear()
    dialog.distributives.setFocus()
    for row in (0, 2):
        dialog.distributives.setCurrentRow(row)
        _key(qtbot, dialog.distributives.viewport(), Qt.Key.Key_Space)
    assert dialog.chosen_ids() == [first, third]
    assert dialog.chosen_label.text().startswith("Выбрано дистрибутивов: 2")
    fill = dialog.engineer.findData(rig.employees["engineer"])
    dialog.engineer.setCurrentIndex(fill)
    # A past date cannot be picked: the field stops at today.
    dialog.due.setDate(to_qdate(TODAY - timedelta(days=2)))
    assert dialog.due.date() == to_qdate(TODAY) and dialog.due_hint.text() == "сегодня"
    dialog.due.setDate(to_qdate(TODAY + timedelta(days=4)))
    assert dialog.due_hint.text() == "через 4 дн."
    dialog.documents.setFocus()
    type_text(qtbot, dialog.documents, "Акт установки")
    dialog.extra_works.setFocus()
    type_text(qtbot, dialog.extra_works, "Антивирусная проверка")
    with qtbot.waitSignal(dialog.accepted):
        _ok(dialog)
    card = ins.installation_card(rig.base, dialog.result_value)
    assert (card.client_name, card.engineer_name, card.due_on, card.documents,
            card.extra_works) == ("Ромашка", "Инженеров Иван", TODAY + timedelta(days=4),
                                  ["Акт установки"], ["Антивирусная проверка"])
    assert [line.number for line in card.lines] == ["400001", "400003"]


def test_a_refusal_shows_in_red_and_keeps_what_was_typed(qtbot, rig: Rig) -> None:
    first, = rig.receive("410001")
    dialog = InstallationDialog(_context(rig), client_id=rig.clients["romashka"],
                                today=lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.client_label.text() == "Ромашка" and not dialog.client.isVisible()
    _ok(dialog)  # nothing ticked
    assert dialog.isVisible()
    assert dialog.message.text() == "Не выбран ни один дистрибутив для установки"
    dialog.choose("410001")
    type_text(qtbot, dialog.note, "Позвонить за день")
    # Meanwhile somebody installs it elsewhere by hand.
    movements.connect(rig.base, first, rig.clients["vasilek"], TODAY, None, today=TODAY)
    _ok(dialog)
    assert dialog.isVisible() and "Дистрибутив № 410001 не на складе" in dialog.message.text()
    assert dialog.note.text() == "Позвонить за день" and dialog.chosen_ids() == [first]
    with rig.base.sessions() as s:
        assert s.scalars(select(Installation)).first() is None


def test_without_the_right_the_dialog_is_read_only(qtbot, rig: Rig) -> None:
    rig.receive("420001")
    no_right = AccessProfile(frozenset(), Visibility.ALL, None)
    dialog = InstallationDialog(_context(rig, no_right), client_id=rig.clients["romashka"],
                                today=lambda: TODAY)
    qtbot.addWidget(dialog)
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "«Движение дистрибутивов»" in dialog.message.text()
    control = InstallationControl(_context(rig, no_right), today=lambda: TODAY)
    qtbot.addWidget(control)
    assert not control.plan_button.isEnabled() and not control.done_button.isEnabled()


def test_deadline_control_overdue_in_red_enter_opens_done_connects(qtbot, rig: Rig) -> None:
    a, b, c = rig.receive("430001", "430002", "430003")
    late = ins.plan_installation(rig.base, ins.InstallationDraft(
        rig.clients["romashka"], rig.employees["engineer"], date(2026, 3, 11), [a, b],
        extra_works=["Разнос ярлыков"]), None, today=TODAY)
    ins.plan_installation(rig.base, ins.InstallationDraft(
        rig.clients["vasilek"], rig.employees["engineer"], date(2026, 3, 25), [c]), None,
        today=TODAY)
    later = date(2026, 3, 14)
    control = InstallationControl(_context(rig), today=lambda: later)
    qtbot.addWidget(control)
    control.show()
    table = control.table
    assert [[table.item(r, col).text() for col in range(6)] for r in range(2)] == [
        ["11.03.2026", "3 дн.", "Ромашка", "Инженеров И.", "430001, 430002", "Разнос ярлыков"],
        ["25.03.2026", "", "Василёк", "Инженеров И.", "430003", ""]]
    assert table.item(0, 0).background().color() == QColor("#fde7e9")
    assert table.item(1, 0).background().style() == Qt.BrushStyle.NoBrush
    assert control.summary.text() == "Запланировано установок: 2, из них просрочено: 1."
    control.overdue_only.click()
    assert table.rowCount() == 1
    control.overdue_only.click()
    # Enter opens the installation; it can be edited while planned.
    table.setFocus()
    table.setCurrentCell(0, 0)
    _key(qtbot, table, Qt.Key.Key_Return)
    opened = control.active_dialog
    assert isinstance(opened, InstallationDialog) and opened.card.id == late
    assert opened.due_hint.text() == "просрочена на 3 дн."
    assert opened.chosen_ids() == [a, b]
    opened.reject()
    # «Выполнено»: the date, OK — both distributives are connected, the row is gone.
    control.done_button.click()
    done = control.active_dialog
    assert isinstance(done, CompleteDialog) and "№ 430001, № 430002" in done.header.text()
    with qtbot.waitSignal(done.accepted):
        _ok(done)
    assert [rig.row(i).status for i in (a, b)] == [S.SERVED, S.SERVED]
    assert rig.row(a).client_id == rig.clients["romashka"]
    assert table.rowCount() == 1 and table.item(0, 2).text() == "Василёк"
    assert control.message.text() == ("Установка выполнена: № 430001, № 430002 подключены "
                                      "клиенту «Ромашка».")
    with rig.base.sessions() as s:
        inst = s.get(Installation, late)
        assert inst.state is InstallationState.DONE
        assert s.get(Assignment, inst.assignment_id).state.value == "done"


def test_completing_a_taken_distributive_is_refused_by_name(qtbot, rig: Rig) -> None:
    a, = rig.receive("440001")
    ins.plan_installation(rig.base, ins.InstallationDraft(
        rig.clients["romashka"], rig.employees["engineer"], TODAY, [a]), None, today=TODAY)
    movements.connect(rig.base, a, rig.clients["lyutik"], TODAY, None, today=TODAY)
    control = InstallationControl(_context(rig), today=lambda: TODAY)
    qtbot.addWidget(control)
    control.done_button.click()
    done = control.active_dialog
    _ok(done)
    assert done.isVisible()
    assert done.message.text().startswith("Дистрибутив № 440001 не на складе: он на "
                                          "обслуживании у клиента «Лютик»")
    assert control.table.rowCount() == 1  # still planned
    done.reject()
    control.cancel_button.click()
    cancel = control.active_dialog
    reason = cancel.findChild(QLineEdit, "reason")
    reason.setFocus()
    type_text(qtbot, reason, "Клиент отказался")
    with qtbot.waitSignal(cancel.accepted):
        _ok(cancel)
    assert control.table.rowCount() == 0
    assert control.summary.text() == "Запланированных установок нет."
    with rig.base.sessions() as s:
        inst = s.scalars(select(Installation)).one()
        assert inst.state is InstallationState.CANCELLED and "Отменена: Клиент отказался" in inst.note


@pytest.fixture(autouse=True)
def _no_leftover_dialogs(qtbot):
    yield
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.objectName() in ("installation_dialog",
                                                          "complete_dialog", "cancel_dialog"):
            widget.close()
