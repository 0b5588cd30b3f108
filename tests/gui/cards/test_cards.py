"""Client, contact and employee cards driven like a user: keys, saves, conflicts, files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox
from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Contact, Employee, Responsibility
from vostok_desktop.domain.extra import ATTACHMENT_MAX_BYTES
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.cards import client_card as cc
from vostok_desktop.gui.cards import conflict
from vostok_desktop.gui.cards.client_card import ClientCard
from vostok_desktop.gui.cards.contact_card import ContactCard
from vostok_desktop.gui.cards.employee_card import EmployeeCard
from vostok_desktop.services.cards import clients as client_cards
from vostok_desktop.services.cards import contacts as contact_cards
from vostok_desktop.settings import Settings

CTRL = Qt.KeyboardModifier.ControlModifier


def type_text(qtbot, widget, text: str) -> None:
    """qtbot.keyClicks for any text: QTest aborts on non-ASCII characters, so Cyrillic is
    sent as key events carrying the text, as a keyboard layout would produce them."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))


@pytest.fixture
def window(qtbot, demo_base: OpenedBase, monkeypatch: pytest.MonkeyPatch):
    # Closing the window at the end must not wait on a «save changes?» box.
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    win = build_main_window(demo_base, Settings())
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


def _first_client(base: OpenedBase) -> int:
    with base.sessions() as s:
        return s.scalar(select(Client.id).where(Client.marked_for_deletion.is_(False))
                        .order_by(Client.id))


def _client_with_contacts(base: OpenedBase) -> int:
    with base.sessions() as s:
        return s.scalar(select(Contact.client_id).order_by(Contact.client_id))


def _other_employee(base: OpenedBase) -> tuple[int, str]:
    with base.sessions() as s:
        row = s.execute(select(Employee.id, Employee.full_name).where(Employee.login != "admin")
                        .order_by(Employee.id)).first()
        return row[0], row[1]


def _open_client(window, client_id: int) -> ClientCard:
    card = window.context.cards.open("client", client_id)
    assert isinstance(card, ClientCard)
    return card


def test_edit_save_with_ctrl_s_and_reopen(qtbot, window, demo_base) -> None:
    client_id = _first_client(demo_base)
    card = _open_client(window, client_id)
    edit = card.short_name_edit
    edit.setFocus()
    edit.selectAll()
    type_text(qtbot, edit, "ООО «Новое имя»")
    assert card.is_dirty()
    assert window.tabs.tabText(window.tabs.indexOf(card)).startswith("* ")
    announced = []
    window.context.bus.entities_changed.connect(lambda kind, ids: announced.append((kind, ids)))
    qtbot.keyClick(edit, Qt.Key.Key_S, CTRL)
    assert not card.is_dirty()
    assert ("client", [client_id]) in announced
    assert client_cards.load_client(demo_base, client_id).short_name == "ООО «Новое имя»"
    assert window.tabs.tabText(window.tabs.indexOf(card)) == "ООО «Новое имя»"
    qtbot.keyClick(edit, Qt.Key.Key_W, CTRL)
    assert window.context.cards.find("client", client_id) is None
    again = _open_client(window, client_id)
    assert again is not card and again.short_name_edit.text() == "ООО «Новое имя»"


def test_wrong_inn_is_marked_and_save_refused(qtbot, window, demo_base) -> None:
    client_id = _first_client(demo_base)
    before = client_cards.load_client(demo_base, client_id)
    card = _open_client(window, client_id)
    card.inn_edit.clear()
    qtbot.keyClicks(card.inn_edit, "7707083894")
    assert card.inn_error.isVisibleTo(card)
    assert "ИНН" in card.inn_error.text() and "контрольная сумма" in card.inn_error.text()
    assert card.inn_edit.property("invalid") is True
    window.context.actions.trigger("card.save")
    assert card.is_dirty()
    assert "ИНН" in card.message_label.text()
    assert card.inn_edit.text() == "7707083894"  # nothing typed is lost
    assert QApplication.focusWidget() is card.inn_edit
    assert client_cards.load_client(demo_base, client_id).inn == before.inn
    card.inn_edit.setText("7707083893")
    assert not card.inn_error.isVisibleTo(card)
    assert card.save()


def test_bad_phone_refused_naming_the_field(qtbot, window, demo_base) -> None:
    card = _open_client(window, _first_client(demo_base))
    card.pages.setCurrentIndex(2)
    card.add_phone_button.click()
    editor = QApplication.focusWidget()
    assert card.phones_table.isAncestorOf(editor)  # typing goes straight into the new row
    qtbot.keyClicks(editor, "12")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits the edit on the next loop
    qtbot.waitUntil(lambda: "Телефон" in card.phones_error.text())
    assert not card.save()
    assert "Телефон" in card.message_label.text()


def test_new_client_gets_its_id_after_save(qtbot, window, demo_base) -> None:
    card = window.context.cards.open("client", None)
    assert card.title() == "Новый клиент"
    type_text(qtbot, card.short_name_edit, "ООО «Свежий клиент»")
    assert card.save()
    assert card.entity_id is not None
    assert window.context.cards.open("client", card.entity_id) is card
    assert window.tabs.tabText(window.tabs.indexOf(card)) == "ООО «Свежий клиент»"


def _their_save(base: OpenedBase, client_id: int, employee_id: int, region: str) -> None:
    theirs = client_cards.load_client(base, client_id)
    theirs.region = region
    client_cards.save_client(base, theirs, employee_id)


def test_conflict_compare_keeps_mine(qtbot, window, demo_base, monkeypatch) -> None:
    client_id = _first_client(demo_base)
    card = _open_client(window, client_id)
    card.region_combo.setEditText("Моя область")
    other_id, other_name = _other_employee(demo_base)
    _their_save(demo_base, client_id, other_id, "Их область")
    seen: dict[str, object] = {}

    def choose(box) -> str:
        seen["text"] = box.text()
        return "compare"

    def compare_exec(dialog) -> int:
        table = dialog.table
        seen["rows"] = [tuple(table.item(r, c).text() for c in range(3))
                        for r in range(table.rowCount())]
        dialog.choice = "mine"
        return 1

    monkeypatch.setattr(conflict.ConflictBox, "choose", choose)
    monkeypatch.setattr(conflict.CompareDialog, "exec", compare_exec)
    assert card.save()
    assert other_name in str(seen["text"])
    assert ("Регион", "Моя область", "Их область") in seen["rows"]
    stored = client_cards.load_client(demo_base, client_id)
    assert stored.region == "Моя область"
    assert card.region_combo.currentText() == "Моя область" and not card.is_dirty()


def test_conflict_reload_takes_theirs_after_confirmation(qtbot, window, demo_base,
                                                         monkeypatch) -> None:
    client_id = _first_client(demo_base)
    card = _open_client(window, client_id)
    card.region_combo.setEditText("Моя область")
    other_id, _name = _other_employee(demo_base)
    _their_save(demo_base, client_id, other_id, "Их область")
    monkeypatch.setattr(conflict.ConflictBox, "choose", lambda box: "cancel")
    assert not card.save()
    assert card.region_combo.currentText() == "Моя область" and card.is_dirty()
    assert "Карточку уже изменил" in card.message_label.text()
    monkeypatch.setattr(conflict.ConflictBox, "choose", lambda box: "reload")
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    assert not card.save()
    assert card.region_combo.currentText() == "Их область" and not card.is_dirty()


def test_opening_an_open_card_focuses_its_tab(window, demo_base) -> None:
    client_id = _first_client(demo_base)
    cards = window.context.cards
    first = cards.open("client", client_id)
    cards.open("client", None)
    assert cards.open("client", client_id) is first
    assert window.tabs.currentWidget() is first and window.tabs.count() == 2


def test_escape_leaves_the_editor(qtbot, window, demo_base) -> None:
    card = _open_client(window, _first_client(demo_base))
    card.inn_edit.setFocus()
    qtbot.keyClick(card.inn_edit, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is card.pages.tabBar()


def test_attachments_round_trip(qtbot, window, demo_base, tmp_path: Path, monkeypatch) -> None:
    card = _open_client(window, _first_client(demo_base))
    payload = bytes(range(256)) * 300
    source = tmp_path / "Договор.pdf"
    source.write_bytes(payload)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(source))])
    viewport = card.files_table.viewport()
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    assert QApplication.sendEvent(viewport, enter) and enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)
    assert card.files_table.rowCount() == 1
    assert card.files_table.item(0, 0).text() == "Договор.pdf"

    opened: list[QUrl] = []
    monkeypatch.setattr(cc.QDesktopServices, "openUrl", staticmethod(opened.append))
    path = card.open_file()
    assert path is not None and path.read_bytes() == payload
    assert opened[0].toLocalFile() == str(path)

    target = tmp_path / "копия.pdf"
    monkeypatch.setattr(cc.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    card.save_file_as()
    assert target.read_bytes() == payload

    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        f.truncate(ATTACHMENT_MAX_BYTES + 1)
    card.add_files([big])
    assert "слишком большой" in card.message_label.text()
    assert card.files_table.rowCount() == 1

    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    card.delete_file()
    assert card.files_table.rowCount() == 0


def test_contact_opens_with_enter_edits_and_links_back(qtbot, window, demo_base) -> None:
    client_id = _client_with_contacts(demo_base)
    card = _open_client(window, client_id)
    card.pages.setCurrentIndex(1)
    card.contacts_table.setFocus()
    card.contacts_table.setCurrentCell(0, 0)
    qtbot.keyClick(card.contacts_table, Qt.Key.Key_Return)
    contact = window.tabs.currentWidget()
    assert isinstance(contact, ContactCard)
    contact.position_edit.clear()
    type_text(qtbot, contact.position_edit, "Главный бухгалтер")
    qtbot.keyClick(contact.position_edit, Qt.Key.Key_S, CTRL)
    assert not contact.is_dirty()
    assert contact_cards.load_contact(demo_base, contact.entity_id).position == "Главный бухгалтер"
    assert "Главный бухгалтер" in [card.contacts_table.item(r, 1).text()
                                   for r in range(card.contacts_table.rowCount())]
    contact.client_link.linkActivated.emit(f"client:{client_id}")
    assert window.tabs.currentWidget() is card


def test_add_contact_from_client_card(qtbot, window, demo_base) -> None:
    client_id = _first_client(demo_base)
    card = _open_client(window, client_id)
    card.add_contact_button.click()
    contact = window.tabs.currentWidget()
    assert isinstance(contact, ContactCard) and contact.entity_id is None
    assert not contact.save()
    assert "Фамилия" in contact.message_label.text()
    type_text(qtbot, contact.last_name_edit, "Новикова")
    type_text(qtbot, contact.first_name_edit, "Ольга")
    assert contact.save()
    loaded = contact_cards.load_contact(demo_base, contact.entity_id)
    assert loaded.client_id == client_id and loaded.full_name == "Новикова Ольга"


def test_employee_card_lists_clients(qtbot, window, demo_base) -> None:
    with demo_base.sessions() as s:
        employee_id, count = s.execute(
            select(Responsibility.employee_id, func.count()).group_by(Responsibility.employee_id)
            .order_by(func.count().desc())).first()
    card = window.context.cards.open("employee", employee_id)
    assert isinstance(card, EmployeeCard)
    assert card.clients_table.rowCount() == count
    card.clients_table.setFocus()
    qtbot.keyClick(card.clients_table, Qt.Key.Key_Return)
    assert isinstance(window.tabs.currentWidget(), ClientCard)


def test_employee_card_is_read_only_for_non_admin(qtbot, window, demo_base) -> None:
    window.context.is_admin = False
    other_id, _name = _other_employee(demo_base)
    card = window.context.cards.open("employee", other_id)
    assert card.full_name_edit.isReadOnly() and not card.save_button.isVisibleTo(card)
    assert not card.save()


def test_tab_order_follows_the_form(qtbot, window, demo_base) -> None:
    card = _open_client(window, _first_client(demo_base))
    card.status_combo.setFocus()
    order = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().objectName())
    assert order == ["short_name_edit", "full_name_edit", "inn_edit", "kpp_edit", "ogrn_edit",
                     "group_combo"]


def test_ctrl_w_on_a_dirty_card_asks_and_saves(qtbot, window, demo_base, monkeypatch) -> None:
    client_id = _first_client(demo_base)
    card = _open_client(window, client_id)
    card.website_edit.setText("https://example.ru")
    asked = []

    def question(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Save

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    qtbot.keyClick(card.website_edit, Qt.Key.Key_W, CTRL)
    assert asked and "несохранённые изменения" in asked[0]
    assert window.context.cards.find("client", client_id) is None
    assert client_cards.load_client(demo_base, client_id).website == "https://example.ru"


def test_a_required_field_stops_the_save_at_the_field(qtbot, window, demo_base) -> None:
    """A custom field «Справочники» made required: the card says which, goes to it, keeps
    what was typed and writes nothing until it is filled."""
    from vostok_desktop.domain import CustomField, CustomFieldEntity
    from vostok_desktop.domain.reference import CustomFieldRule

    client_id = _first_client(demo_base)
    with demo_base.sessions.begin() as s:
        field = s.scalars(select(CustomField).where(
            CustomField.entity == CustomFieldEntity.CLIENT).order_by(CustomField.id)).first()
        s.add(CustomFieldRule(field_id=field.id, is_required=True))
        field_id, field_name = field.id, field.name
    card = _open_client(window, client_id)
    editor = card.custom.editors[field_id]
    if isinstance(editor, QComboBox):
        editor.setCurrentIndex(editor.findText(""))
    else:
        editor.clear()
    before = client_cards.load_client(demo_base, client_id).short_name
    card.short_name_edit.setText("ООО «Без обязательного»")
    window.context.actions.trigger("card.save")
    assert f"{field_name}: обязательное поле" in card.message_label.text()
    assert QApplication.focusWidget() is editor
    assert card.short_name_edit.text() == "ООО «Без обязательного»"  # nothing typed is lost
    assert client_cards.load_client(demo_base, client_id).short_name == before
