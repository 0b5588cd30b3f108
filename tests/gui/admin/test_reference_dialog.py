"""«Справочники» in the real main window: pages per list, keyboard editing, refusals in
the window with what was typed kept, a read-only view without the right."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox
from sqlalchemy import func, select

from tests.gui.cards.test_cards import type_text
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, CustomField, Department, Direction
from vostok_desktop.domain.access import Visibility
from vostok_desktop.gui.admin.reference_dialog import ReferenceDialog, open_reference_editor
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.settings import Settings

# Where the windows are saved to be looked at (a temp folder unless one is named).
PNG_DIR = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


def open_dialog(qtbot, base: OpenedBase, monkeypatch, access=None):  # noqa: ANN001, ANN201
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))
    window = build_main_window(base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(window)
    context = window.context if access is None else dataclasses.replace(window.context,
                                                                         access=access)
    dialog = open_reference_editor(window, context)
    qtbot.waitExposed(dialog)
    return window, dialog


def snapshot(dialog: ReferenceDialog, name: str) -> None:
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(PNG_DIR / name))


def test_every_reference_list_has_its_page_and_shows_demo_data(qtbot, demo_base,
                                                                 monkeypatch) -> None:
    window, dialog = open_dialog(qtbot, demo_base, monkeypatch)
    titles = [dialog.tabs.tabText(i).replace("&", "") for i in range(dialog.tabs.count())]
    assert titles == ["Подразделения", "Направления", "Группы компаний",
                      "Дополнительные сведения", "Сегменты", "Регионы", "Типы обращений",
                      "Общие фильтры"]
    assert open_reference_editor(window, window.context) is dialog  # one window, raised
    with demo_base.sessions() as s:
        departments = s.scalar(select(func.count()).select_from(Department))
        segments = s.scalar(select(func.count(func.distinct(Client.segment))))
    tree = dialog.departments_page.tree
    assert len(dialog.departments_page._items()) == departments > 0
    assert tree.currentItem() is not None
    assert dialog.segments_page.table.rowCount() == 0  # counted when first shown
    dialog.tabs.setCurrentWidget(dialog.segments_page)
    assert dialog.segments_page.table.rowCount() == segments
    if demo_base.dialect == "sqlite":
        snapshot(dialog, "reference_departments.png")
        for page, name in ((dialog.fields_page, "fields"), (dialog.segments_page, "segments"),
                           (dialog.types_page, "types"), (dialog.shared_page, "shared")):
            dialog.tabs.setCurrentWidget(page)
            snapshot(dialog, f"reference_{name}.png")


def test_a_direction_is_added_from_the_keyboard_and_a_bad_code_is_named(
        qtbot, demo_base, monkeypatch) -> None:
    _window, dialog = open_dialog(qtbot, demo_base, monkeypatch)
    page = dialog.directions_page
    dialog.tabs.setCurrentWidget(page)
    page.table.setFocus()
    qtbot.keyPress(page.table, Qt.Key.Key_Insert)
    form = page.editor
    assert form is not None and form.isVisible()
    name = form.findChild(QLineEdit, "name_edit")
    code = form.findChild(QLineEdit, "code_edit")
    type_text(qtbot, name, "Электронная отчётность")
    type_text(qtbot, code, "Отчёты")
    assert not form.save()
    assert "латинские" in form.message_label.text()
    assert name.text() == "Электронная отчётность"  # nothing typed is lost
    code.clear()
    type_text(qtbot, code, "ereport")
    assert form.save()
    with demo_base.sessions() as s:
        assert s.scalar(select(Direction.name).where(Direction.code == "ereport")) == \
            "Электронная отчётность"
    assert any(page.table.item(r, 1).text() == "ereport" for r in range(page.table.rowCount()))


def test_deleting_a_department_with_employees_is_refused_in_the_window(
        qtbot, demo_base, monkeypatch) -> None:
    _window, dialog = open_dialog(qtbot, demo_base, monkeypatch)
    page = dialog.departments_page
    used = next(r for r in page.rows if r.depth == 0)
    page.select_key(used.id)
    assert not page.remove()
    assert "Нельзя удалить подразделение" in page.message_label.text()
    assert "сотрудник" in page.message_label.text()
    with demo_base.sessions() as s:
        assert s.get(Department, used.id) is not None


def test_a_required_choice_field_is_made_and_a_segment_merged(qtbot, demo_base,
                                                               monkeypatch) -> None:
    _window, dialog = open_dialog(qtbot, demo_base, monkeypatch)
    page = dialog.fields_page
    dialog.tabs.setCurrentWidget(page)
    form = page.add()
    type_text(qtbot, form.name_edit, "Отрасль")
    form.kind_box.setCurrentIndex(form.kind_box.findData("choice"))
    form.choices_edit.setPlainText("Торговля\nПроизводство")
    form.required_box.setChecked(True)
    if demo_base.dialect == "sqlite":
        PNG_DIR.mkdir(parents=True, exist_ok=True)
        form.grab().save(str(PNG_DIR / "reference_field_form.png"))
    assert form.save(), form.message_label.text()
    row = next(r for r in page.rows if r.name == "Отрасль")
    assert row.required and row.choices == ("Торговля", "Производство")

    segments = dialog.segments_page
    dialog.tabs.setCurrentWidget(segments)
    values = [r.value for r in segments.rows]
    assert len(values) >= 2
    source, target = values[0], values[1]
    with demo_base.sessions() as s:
        expected = s.scalar(select(func.count()).select_from(Client)
                            .where(Client.segment.in_([source, target])))
    segments.select_key(source)
    form = segments.edit()
    form.target_box.setEditText(target)
    with qtbot.waitSignal(form.accepted):
        assert form.save()
    qtbot.waitUntil(lambda: segments.operation is not None and segments.table.isEnabled(),
                    timeout=20000)
    qtbot.waitUntil(lambda: "Изменено клиентов" in segments.message_label.text(), timeout=20000)
    assert source not in [r.value for r in segments.rows]
    assert next(r.clients for r in segments.rows if r.value == target) == expected
    with demo_base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CustomField)
                        .where(CustomField.name == "Отрасль")) == 1


def test_without_the_right_the_lists_are_read_only(qtbot, demo_base, monkeypatch) -> None:
    manager = AccessProfile(frozenset({"client.edit"}), Visibility.ALL, "manager")
    _window, dialog = open_dialog(qtbot, demo_base, monkeypatch, access=manager)
    page = dialog.groups_page
    dialog.tabs.setCurrentWidget(page)
    assert not any(b.isEnabled() for b in page.buttons)
    assert "Справочники" in page.buttons[0].toolTip()
    assert page.add() is None
    assert "Нет права «Справочники»" in page.message_label.text()
    assert not dialog.types_page.isWidgetType() or not hasattr(dialog.types_page, "table")
    if demo_base.dialect == "sqlite":
        dialog.tabs.setCurrentWidget(page)
        snapshot(dialog, "reference_read_only.png")
