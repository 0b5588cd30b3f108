"""«Настройки горячей линии» in the real main window on the demo base (both dialects):
a new request type with its deadline rule is offered in the registration form and gives
the new request's deadline; a new search order stage; a holiday moves a deadline."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from tests.gui.cards.test_cards import type_text
from vostok_desktop.domain import Contact
from vostok_desktop.domain.hotline import HotlineRequest
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.hotline.settings import HotlineSettingsDialog
from vostok_desktop.services.hotline import requests as hl
from vostok_desktop.services.hotline.calendar import load_calendar
from vostok_desktop.settings import Settings

TYPE_NAME = "Проверка договора"
# A Wednesday 10:00 office time; the next day is made a holiday in the test.
RECEIVED = datetime(2030, 6, 5, 10, 0).astimezone()


@pytest.fixture
def window(qtbot, demo_base, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))
    win = build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    win.hotline.monitor.stop()


def open_settings(window) -> HotlineSettingsDialog:  # noqa: ANN001
    action = window.context.actions.action("hotline.settings")
    assert action in window.hotline.menu.actions()
    action.trigger()
    dialog = window.hotline.settings_dialog
    assert isinstance(dialog, HotlineSettingsDialog) and dialog.isVisible()
    return dialog


def register(window, type_name: str, qtbot) -> HotlineRequest:  # noqa: ANN001
    """A new request of ``type_name`` received at RECEIVED, through the form."""
    with window.context.base.sessions() as s:
        contact = s.scalars(select(Contact).order_by(Contact.id)).first()
    form = window.hotline.new_request()
    index = form.type_box.findText(type_name)
    assert index >= 0, "the new type is offered in the registration form"
    form.set_caller(contact.client_id, contact.id)
    form.type_box.setCurrentIndex(index)
    form.received_at = RECEIVED
    type_text(qtbot, form.text_edit, "Вопрос")
    assert form.save()
    with window.context.base.sessions() as s:
        return s.scalars(select(HotlineRequest).order_by(HotlineRequest.id.desc())).first()


def test_types_stages_and_calendar(qtbot, window, demo_base, tmp_path: Path) -> None:  # noqa: ANN001
    dialog = open_settings(window)
    page = dialog.types_page
    before = page.table.rowCount()

    # Ins opens an empty editor; saving without a name names the field.
    qtbot.keyClick(page.table, Qt.Key.Key_Insert)
    editor = page.editor
    assert editor is not None and editor.isVisible()
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Return)
    assert editor.isVisible() and editor.message_label.text().startswith("Название")
    # A name that exists is refused too.
    editor.name_edit.setText(page.types[0].name)
    assert not editor.save() and "уже есть" in editor.message_label.text()
    editor.name_edit.setText(TYPE_NAME)
    editor.days_spin.setValue(1)
    editor.hours_spin.setValue(2)
    editor.minutes_spin.setValue(30)
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert page.table.rowCount() == before + 1
    assert page.current() is not None and page.current().name == TYPE_NAME
    assert page.table.item(page.table.currentRow(), 1).text() == "1 раб. дн. + 2 раб. ч 30 мин"
    dialog.grab().save(str(tmp_path / "hotline_settings_types.png"))

    # The registration form offers it and the deadline follows its rule.
    request = register(window, TYPE_NAME, qtbot)
    with demo_base.sessions() as s:
        calendar = load_calendar(s)
    expected = calendar.deadline(RECEIVED, 1, 150)
    assert request.deadline_at == expected
    # Wednesday 10:00 + 1 working day + 2.5 h = Thursday 12:30 (no holiday yet).
    assert request.deadline_at.astimezone(RECEIVED.tzinfo) == RECEIVED + timedelta(
        days=1, hours=2, minutes=30)

    # Enter edits; Del deactivates (the type is used: it stays, but is not offered).
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    editor = page.editor
    assert editor.name_edit.text() == TYPE_NAME and editor.days_spin.value() == 1
    editor.reject()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.current().id not in page.active
    assert page.table.rowCount() == before + 1
    form = window.hotline.new_request()
    assert form.type_box.findText(TYPE_NAME) < 0
    form.close()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # Del again brings it back
    assert page.current().id in page.active

    # Stages: Ins adds at the end, Ctrl+Up moves it up, Enter renames.
    dialog.tabs.setCurrentWidget(dialog.stages_page)
    stages = dialog.stages_page
    count = stages.table.rowCount()
    qtbot.keyClick(stages.table, Qt.Key.Key_Insert)
    editor = stages.editor
    type_text(qtbot, editor.name_edit, "Согласование с юристом")
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.isVisible())
    with demo_base.sessions() as s:
        names = [st.name for st in hl.stages(s)]
    assert len(names) == count + 1 and names[-1] == "Согласование с юристом"
    qtbot.keyClick(stages.table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    with demo_base.sessions() as s:
        names = [st.name for st in hl.stages(s)]
    assert names[-2] == "Согласование с юристом"
    assert stages.current().name == "Согласование с юристом"
    qtbot.keyClick(stages.table, Qt.Key.Key_Return)
    editor = stages.editor
    editor.name_edit.setText("Согласование")
    assert editor.save()
    assert stages.current().name == "Согласование"
    dialog.grab().save(str(tmp_path / "hotline_settings_stages.png"))

    # Calendar: Thursday becomes a holiday and the deadline moves past it.
    dialog.tabs.setCurrentWidget(dialog.calendar_page)
    days = dialog.calendar_page
    qtbot.keyClick(days.table, Qt.Key.Key_Insert)
    editor = days.editor
    editor.date_edit.setDate(QDate(2030, 6, 6))
    editor.note_edit.setText("Праздник")
    assert editor.save()
    assert days.current().day == date(2030, 6, 6) and not days.current().is_working
    # The same date again is refused, naming the field.
    qtbot.keyClick(days.table, Qt.Key.Key_Insert)
    editor = days.editor
    editor.date_edit.setDate(QDate(2030, 6, 6))
    assert not editor.save() and editor.message_label.text().startswith("Дата")
    editor.reject()
    dialog.grab().save(str(tmp_path / "hotline_settings_calendar.png"))
    request = register(window, TYPE_NAME, qtbot)
    assert request.deadline_at.astimezone(RECEIVED.tzinfo) == RECEIVED + timedelta(
        days=2, hours=2, minutes=30)  # Friday 12:30
    qtbot.keyClick(days.table, Qt.Key.Key_Delete)
    assert date(2030, 6, 6) not in [d.day for d in days.days]  # Del removes the day


def test_not_offered_to_a_non_administrator(qtbot, demo_base, monkeypatch) -> None:  # noqa: ANN001
    from vostok_desktop.gui import context as context_module

    original = context_module.AppContext.__init__

    def not_admin(self, base, employee_id, name, _is_admin, *rest):  # noqa: ANN001, ANN202
        original(self, base, employee_id, name, False, *rest)

    monkeypatch.setattr(context_module.AppContext, "__init__", not_admin)
    win = build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(win)
    try:
        assert "hotline.settings" not in win.context.actions
        assert win.hotline.open_settings() is None
    finally:
        win.hotline.monitor.stop()
