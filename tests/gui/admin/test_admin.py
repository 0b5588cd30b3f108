"""«Пользователи и права» and «Сменить пароль…» in the real main window.

On a server base (real PostgreSQL): an administrator adds an employee with a login and
that login connects and sees what its role allows; a right unticked in the matrix is
refused by the database; bad input is named and nothing typed is lost; a user changes
their own password and connects with it. On a file base: employees and role rights are
editable without logins.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from sqlalchemy import func, select

from tests.conftest import MemoryKeyring
from tests.gui.cards.test_cards import type_text
from vostok_desktop.db import BaseLocation, OpenedBase, open_base
from vostok_desktop.domain import Client, EmployeeRole
from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.gui.admin import CHANGE_PASSWORD, USERS, AdminArea
from vostok_desktop.gui.admin.accounts import (
    ACCOUNT_WIDGETS,
    PASSWORD_WIDGETS,
    UI_ACCOUNT,
    UI_PASSWORD,
    EmployeeAccountDialog,
    PasswordDialog,
)
from vostok_desktop.gui.admin.users_dialog import (
    EXPORT_PAGE,
    ROLES_PAGE,
    UI_FILE,
    UI_WIDGETS,
    UsersRightsDialog,
)
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.uiloader import load_ui, missing_children
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.common import credentials
from vostok_desktop.settings import Settings

PASSWORD = "начальный-пароль-1"
FORMS = {UI_FILE: UI_WIDGETS, UI_ACCOUNT: ACCOUNT_WIDGETS, UI_PASSWORD: PASSWORD_WIDGETS}





@pytest.fixture
def logins(demo_base: OpenedBase) -> Iterator[list[str]]:
    """Logins are cluster-wide: each test makes unique ones and drops them at the end."""
    made: list[str] = []
    yield made
    if demo_base.dialect != "postgresql":
        return
    with demo_base.engine.begin() as conn:
        for login in made:
            if conn.exec_driver_sql("select 1 from pg_roles where rolname = %(n)s",
                                    {"n": login}).scalar():
                conn.exec_driver_sql(f'DROP OWNED BY "{login}"')
                conn.exec_driver_sql(f'DROP ROLE "{login}"')


def new_login(logins: list[str], name: str) -> str:
    login = f"t{uuid.uuid4().hex[:6]}_{name}"
    logins.append(login)
    return login


def open_window(qtbot, base: OpenedBase, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))
    window = build_main_window(base, Settings(), telephony=False)
    qtbot.addWidget(window)
    assert isinstance(window.admin, AdminArea)  # the main window installs the area itself
    window.show()
    return window


def stop(window) -> None:  # noqa: ANN001
    window.hotline.monitor.stop()


def open_users(window) -> UsersRightsDialog:  # noqa: ANN001
    action = window.context.actions.action(USERS)
    assert action in window.admin.menu.actions() and action.isEnabled()
    action.trigger()
    dialog = window.admin.dialog
    assert isinstance(dialog, UsersRightsDialog) and dialog.isVisible()
    return dialog


def connect(base: OpenedBase, login: str, password: str) -> psycopg.Connection:
    url = base.engine.url
    return psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=login,
                           password=password, autocommit=True)


# -- forms --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(FORMS))
def test_forms_have_their_widgets_and_labels_their_buddies(qtbot, name: str) -> None:
    form = load_ui(name)
    qtbot.addWidget(form)
    assert missing_children(form, FORMS[name]) == []
    mnemonics = []
    for label in form.findChildren(QLabel):
        text = label.text().replace("&&", "")
        if "&" in text:
            assert label.buddy() is not None, f"{label.objectName()} has no buddy"
            mnemonics.append(text[text.index("&") + 1].lower())
    assert len(mnemonics) == len(set(mnemonics)), mnemonics


# -- server base ---------------------------------------------------------------------------

@pytest.mark.parametrize("dialect", ["postgresql"])
def test_admin_adds_an_employee_who_logs_in_and_sees_what_the_role_allows(
        qtbot, demo_base: OpenedBase, logins: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, demo_base, monkeypatch)
    try:
        dialog = open_users(window)
        assert not dialog.employees_table.isColumnHidden(5)  # «Вход на сервер»
        login = new_login(logins, "eng")
        editor = dialog.add_employee()
        assert dialog.editor is editor and editor.isVisible()
        type_text(qtbot, editor.full_name_edit, "Егоров Евгений Петрович")
        type_text(qtbot, editor.login_edit, login)
        editor.role_box.setCurrentIndex(
            editor.role_box.findData(EmployeeRole.SERVICE_ENGINEER.value))
        type_text(qtbot, editor.password_edit, PASSWORD)
        type_text(qtbot, editor.password2_edit, PASSWORD)
        editor.button_box.accepted.emit()  # «Добавить»
        assert not editor.isVisible()
        account = dialog.account(login)
        assert account is not None and account.has_login
        row = next(i for i, a in enumerate(dialog.accounts) if a.login == login)
        assert dialog.employees_table.item(row, 2).text() == "Сервисный инженер (СИО)"
        assert dialog.employees_table.item(row, 5).text() == "есть"
        assert "добавлен" in dialog.employees_status_label.text()

        # A service engineer sees only clients they are responsible for: none yet.
        with connect(demo_base, login, PASSWORD) as conn:
            assert conn.execute("select count(*) from clients").fetchone()[0] == 0
        # «Все клиенты» for the role in the matrix: now every client.
        dialog.pages.setCurrentIndex(ROLES_PAGE)
        dialog.matrix.set_visibility(EmployeeRole.SERVICE_ENGINEER.value, Visibility.ALL)
        assert dialog.save_roles_button.isEnabled()
        dialog.save_roles_button.click()
        assert "Сохранено" in dialog.roles_status_label.text()
        with demo_base.sessions() as s:
            total = s.scalar(select(func.count(Client.id)))
        with connect(demo_base, login, PASSWORD) as conn:
            assert conn.execute("select count(*) from clients").fetchone()[0] == total > 0

        # «Изменить…»: made inactive, the login can no longer connect.
        dialog.select_login(login)
        change = dialog.edit_employee()
        assert change is not None and change.login_edit.isReadOnly()
        change.active_check.setChecked(False)
        assert change.save()
        assert dialog.account(login).is_active is False
        with pytest.raises(psycopg.OperationalError):
            connect(demo_base, login, PASSWORD).close()
    finally:
        stop(window)


@pytest.mark.parametrize("dialect", ["postgresql"])
def test_unticked_right_is_refused_by_the_database(
        qtbot, demo_base: OpenedBase, logins: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    login = new_login(logins, "op")
    access.create_account(demo_base, login=login, full_name="Орлова Ольга",
                          role=EmployeeRole.OPERATOR, department_id=None, password=PASSWORD)
    insert = ("insert into clients (status, short_name, full_name, search_name, notes, "
              "marked_for_deletion, created_at, updated_at, version) values ('prospect', "
              "'Новый', '', 'новый', '', false, now(), now(), 1)")
    with connect(demo_base, login, PASSWORD) as conn:
        conn.execute(insert)  # the operator may create clients by default
    window = open_window(qtbot, demo_base, monkeypatch)
    try:
        dialog = open_users(window)
        dialog.pages.setCurrentIndex(ROLES_PAGE)
        matrix = dialog.matrix
        matrix.set_right(EmployeeRole.OPERATOR.value, Right.CLIENT_CREATE, False)
        assert matrix.changed_roles() == [EmployeeRole.OPERATOR.value]
        header = dialog.roles_table.horizontalHeaderItem(
            [r.role for r in matrix.roles].index(EmployeeRole.OPERATOR.value))
        assert header.text().startswith("●")  # the changed role is marked
        dialog.save_roles_button.click()
        assert matrix.changed_roles() == [] and not header.text().startswith("●")
    finally:
        stop(window)
    with connect(demo_base, login, PASSWORD) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="Нет права"):
            conn.execute(insert)


@pytest.mark.parametrize("dialect", ["postgresql"])
def test_bad_login_and_short_password_are_named_and_typing_is_kept(
        qtbot, demo_base: OpenedBase, logins: list[str]) -> None:
    dialog = UsersRightsDialog(demo_base)
    qtbot.addWidget(dialog)
    dialog.show()
    editor = dialog.add_employee()
    type_text(qtbot, editor.full_name_edit, "Иванов Иван Иванович")
    type_text(qtbot, editor.login_edit, "Иванов")
    type_text(qtbot, editor.password_edit, PASSWORD)
    type_text(qtbot, editor.password2_edit, PASSWORD)
    assert not editor.save()
    assert editor.isVisible() and editor.message_label.text().startswith("Логин")
    assert editor.login_edit.property("invalid") and editor.focusWidget() is editor.login_edit
    assert (editor.full_name_edit.text(), editor.login_edit.text()) == (
        "Иванов Иван Иванович", "Иванов")

    login = new_login(logins, "iv")
    editor.login_edit.setText(login)
    editor.password_edit.setText("123")
    editor.password2_edit.setText("123")
    assert not editor.save()
    assert "короче" in editor.message_label.text()
    assert editor.password_edit.property("invalid")
    assert not editor.login_edit.property("invalid")
    editor.password2_edit.setText("1234")
    assert not editor.save() and "не совпадают" in editor.message_label.text()
    assert editor.login_edit.text() == login and editor.password_edit.text() == "123"
    assert dialog.account(login) is None  # nothing half-made
    with demo_base.engine.connect() as conn:
        assert not conn.exec_driver_sql("select 1 from pg_roles where rolname = %(n)s",
                                        {"n": login}).scalar()

    # An employee without a server login gets one through «Сделать вход…».
    no_login = new_login(logins, "nl")
    access.create_account(demo_base, login=no_login, full_name="Без Входа",
                          role=EmployeeRole.MANAGER, department_id=None, password=PASSWORD)
    with demo_base.engine.begin() as conn:
        conn.exec_driver_sql(f'DROP ROLE "{no_login}"')
    dialog.reload_accounts()
    dialog.select_login(no_login)
    assert dialog.login_button.isEnabled() and not dialog.password_button.isEnabled()
    make = dialog.make_login()
    assert isinstance(make, PasswordDialog)
    make.new_password_edit.setText("короткий")
    make.repeat_password_edit.setText("короткий")
    assert make.save()
    assert dialog.account(no_login).has_login
    with connect(demo_base, no_login, "короткий") as conn:
        assert conn.execute("select current_user").fetchone()[0] == no_login
    # «Задать пароль…» then replaces it.
    dialog.select_login(no_login)
    reset = dialog.set_password()
    assert reset is not None
    reset.new_password_edit.setText("другой-пароль")
    reset.repeat_password_edit.setText("другой-пароль")
    assert reset.save()
    with connect(demo_base, no_login, "другой-пароль"):
        pass


@pytest.mark.parametrize("dialect", ["postgresql"])
def test_user_changes_own_password_and_connects_with_it(
        qtbot, demo_base: OpenedBase, logins: list[str], memory_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # An operator (sees every client, has no «Пользователи и права»). A manager would do as
    # well, but the contact agent's first page under department RLS can pass the GUI
    # statement timeout on a busy test machine, which is not what this test is about.
    login = new_login(logins, "opr")
    access.create_account(demo_base, login=login, full_name="Медведева Мария",
                          role=EmployeeRole.OPERATOR, department_id=None, password=PASSWORD)
    url = demo_base.engine.url.set(username=login, password=None)
    location = BaseLocation.parse(url.render_as_string(hide_password=False))
    credentials.save_password(location.url, login, PASSWORD)
    mine = open_base(location, PASSWORD)
    window = open_window(qtbot, mine, monkeypatch)
    try:
        actions = window.context.actions
        assert not actions.action(USERS).isEnabled()  # an operator does not administer
        change = actions.action(CHANGE_PASSWORD)
        assert change.isEnabled() and change.isVisible()
        change.trigger()
        dialog = window.admin.password_dialog
        assert isinstance(dialog, PasswordDialog) and dialog.isVisible()
        assert dialog.remember_check.isChecked()  # the password was kept in the keyring
        type_text(qtbot, dialog.old_password_edit, "не-тот-пароль")
        type_text(qtbot, dialog.new_password_edit, "новый-пароль-2")
        type_text(qtbot, dialog.repeat_password_edit, "новый-пароль-2")
        assert not dialog.save()
        assert dialog.message_label.text() == "Старый пароль неверен"
        assert dialog.new_password_edit.text() == "новый-пароль-2"
        dialog.old_password_edit.setText(PASSWORD)
        dialog.button_box.accepted.emit()
        assert not dialog.isVisible()
        assert "Пароль изменён" in window.statusBar().currentMessage()
        assert credentials.load_password(location.url, login) == "новый-пароль-2"
        # The open program keeps working: new connections use the new password.
        mine.engine.dispose()
        with mine.engine.connect() as conn:
            assert conn.exec_driver_sql("select current_user").scalar() == login
    finally:
        stop(window)
        mine.close()
    with connect(demo_base, login, "новый-пароль-2") as conn:
        assert conn.execute("select current_user").fetchone()[0] == login
    with pytest.raises(psycopg.OperationalError):
        connect(demo_base, login, PASSWORD).close()


# -- file base -----------------------------------------------------------------------------

@pytest.mark.parametrize("dialect", ["sqlite"])
def test_file_base_edits_employees_and_role_rights(
        qtbot, demo_base: OpenedBase, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, demo_base, monkeypatch)
    try:
        assert not window.context.actions.action(CHANGE_PASSWORD).isVisible()
        dialog = open_users(window)
        assert dialog.employees_table.isColumnHidden(5)
        assert not dialog.password_button.isVisible() and not dialog.login_button.isVisible()
        editor = dialog.add_employee()
        assert isinstance(editor, EmployeeAccountDialog)
        assert not editor.password_edit.isVisible()  # no passwords in a file base
        type_text(qtbot, editor.full_name_edit, "Новикова Нина")
        type_text(qtbot, editor.login_edit, "novikova_nn")
        type_text(qtbot, editor.extension_edit, "155")
        editor.department_box.setCurrentIndex(1)
        department = editor.department_box.currentText()
        assert editor.save()
        account = dialog.account("novikova_nn")
        assert account is not None and account.department == department
        assert dialog.selected_account() == account

        change = dialog.edit_employee()
        assert change is not None
        change.role_box.setCurrentIndex(change.role_box.findData(EmployeeRole.HEAD.value))
        change.active_check.setChecked(False)
        change.button_box.accepted.emit()
        account = dialog.account("novikova_nn")
        assert (account.role, account.is_active) == ("head", False)
        row = dialog.employees_table.currentRow()
        assert dialog.employees_table.item(row, 2).text() == "Руководитель"
        assert dialog.employees_table.item(row, 4).text() == "нет"

        dialog.pages.setCurrentIndex(ROLES_PAGE)
        matrix = dialog.matrix
        matrix.set_right("manager", Right.EXPORT_EXCEL, False)
        matrix.set_right("manager", Right.CLIENT_DELETE, True)
        matrix.set_visibility("manager", Visibility.OWN)
        # Taking «Пользователи и права» from the administrators is asked about: «Нет».
        asked: list[str] = []

        def answer_no(*args: object, **_k: object) -> QMessageBox.StandardButton:
            asked.append(str(args[2]))
            return QMessageBox.StandardButton.No

        monkeypatch.setattr(QMessageBox, "question", staticmethod(answer_no))
        matrix.set_right("admin", Right.USERS_ADMIN, False)
        assert set(matrix.changed_roles()) == {"admin", "manager"}
        assert matrix.save()
        assert asked and "Пользователи и права" in asked[0]
        assert "оставлено" in dialog.roles_status_label.text()
        roles = {r.role: r for r in access.list_roles(demo_base)}
        assert Right.USERS_ADMIN.value in roles["admin"].rights
        assert Right.EXPORT_EXCEL.value not in roles["manager"].rights
        assert Right.CLIENT_DELETE.value in roles["manager"].rights
        assert roles["manager"].visibility is Visibility.OWN
        assert not dialog.save_roles_button.isEnabled()

        dialog.pages.setCurrentIndex(EXPORT_PAGE)
        assert dialog.export_loaded
    finally:
        stop(window)


@pytest.mark.parametrize("dialect", ["sqlite"])
def test_pages_render_with_russian_texts_in_view(
        qtbot, demo_base: OpenedBase, tmp_path) -> None:  # noqa: ANN001
    access.record_export(demo_base, access.FULL_ACCESS, None, "excel", "Список клиентов", 42)
    dialog = UsersRightsDialog(demo_base, own_role="admin")
    qtbot.addWidget(dialog)
    dialog.resize(1180, 680)
    dialog.show()
    for index in range(dialog.pages.count()):
        dialog.pages.setCurrentIndex(index)
        QApplication.processEvents()
        assert not dialog.grab().isNull()
    assert dialog.export_table.rowCount() >= 1
    assert dialog.export_table.item(0, 4).text() == "42"
    # Every role's column fits in the dialog: the matrix needs no horizontal scrolling
    # (the rights are rows and scroll down).
    dialog.pages.setCurrentIndex(ROLES_PAGE)
    QApplication.processEvents()
    png_dir = Path(os.environ.get("VOSTOK_PNG_DIR", tmp_path))
    png_dir.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(png_dir / "users_rights_roles.png"))
    table = dialog.roles_table
    assert table.horizontalHeader().length() + table.verticalHeader().width() <= \
        table.viewport().width() + table.verticalHeader().width()
    for widget in dialog.findChildren(QWidget):
        text = getattr(widget, "text", None)
        if callable(text) and isinstance(widget, QLabel) and widget.isVisible() \
                and not widget.wordWrap():
            assert widget.sizeHint().width() <= widget.width() + 1, widget.objectName()
