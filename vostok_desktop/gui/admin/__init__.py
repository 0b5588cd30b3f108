"""Users and rights administration («Пользователи и права»), «Сменить пароль…» and
the reference-data editors («Справочники»).

``install_admin(window)`` registers the actions in the one registry and puts them in
the «Сервис» menu: «Справочники…» for everyone (read-only without the right
«Справочники»), «Пользователи и права…» for those with the right ``users.admin``,
«Сменить пароль…» for everyone working in a server base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from vostok_desktop.db import BaseKind
from vostok_desktop.domain.access import Right
from vostok_desktop.services.access import rights as access

if TYPE_CHECKING:
    from vostok_desktop.gui.admin.accounts import PasswordDialog
    from vostok_desktop.gui.admin.users_dialog import UsersRightsDialog
    from vostok_desktop.gui.context import AppContext

MENU_TITLE = "Сервис"
USERS = "admin.users"
CHANGE_PASSWORD = "admin.change_password"
REFERENCE = "service.reference"


class AdminArea(QObject):
    """The administration commands of one main window."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.context: AppContext = window.context  # type: ignore[attr-defined]
        self.dialog: UsersRightsDialog | None = None
        self.password_dialog: PasswordDialog | None = None
        base = self.context.base
        self.profile = getattr(self.context, "access", None) or \
            access.load_profile(base, self.context.employee_id)
        server = base.location.kind is BaseKind.SERVER
        a = self.context.actions
        # Always enabled: without the right the editors open read-only and say why.
        a.register(REFERENCE, "Справочники…", self.open_reference, category=MENU_TITLE,
                   parent=window)
        a.register(USERS, "Пользователи и права…", self.open_users, category=MENU_TITLE,
                   parent=window, enabled_when=self.may_administer)
        a.register(CHANGE_PASSWORD, "Сменить пароль…", self.change_password,
                   category=MENU_TITLE, parent=window, enabled_when=lambda: server)
        permitted = getattr(a, "permitted", lambda _action_id: True)
        for action_id, allowed in ((REFERENCE, True), (USERS, self.may_administer()),
                                   (CHANGE_PASSWORD, server)):
            action = a.action(action_id)
            window.addAction(action)
            action.setEnabled(allowed and permitted(action_id))
        # A file base has no passwords: the command is not offered there at all.
        a.action(CHANGE_PASSWORD).setVisible(server)
        self.menu = self._service_menu()
        if self.menu is not None:
            self.menu.addSeparator()
            self.menu.addAction(a.action(REFERENCE))
            self.menu.addAction(a.action(USERS))
            self.menu.addAction(a.action(CHANGE_PASSWORD))

    def may_administer(self) -> bool:
        return self.profile.allows(Right.USERS_ADMIN)

    def _service_menu(self) -> QMenu | None:
        for action in self.window.menuBar().actions():
            if action.text() == MENU_TITLE and action.menu() is not None:
                return action.menu()  # type: ignore[return-value]
        return None

    def open_reference(self) -> QWidget:
        """Open (or bring forward) «Справочники»."""
        from vostok_desktop.gui.admin.reference_dialog import open_reference_editor

        return open_reference_editor(self.window, self.context)

    def open_users(self) -> UsersRightsDialog | None:
        """Open (or bring forward) «Пользователи и права»; refused without the right."""
        if not self.may_administer():
            self.window.statusBar().showMessage(access.refusal(Right.USERS_ADMIN).message, 8000)
            return None
        from vostok_desktop.gui.admin.users_dialog import UsersRightsDialog

        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        self.dialog = UsersRightsDialog(self.context.base, own_role=self.profile.role,
                                        parent=self.window)
        self.dialog.show()
        return self.dialog

    def change_password(self) -> PasswordDialog | None:
        if self.context.base.location.kind is not BaseKind.SERVER:
            return None
        from vostok_desktop.gui.admin.accounts import PasswordDialog

        dialog = PasswordDialog(self.context.base, None, self.window)
        self.password_dialog = dialog

        def finished(result: int) -> None:
            if result == PasswordDialog.DialogCode.Accepted:
                note = "Пароль изменён" + (
                    " и сохранён в хранилище паролей ОС" if dialog.saved_in_keyring else "")
                self.window.statusBar().showMessage(note + ".", 8000)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog


def install_admin(window: QMainWindow) -> AdminArea:
    """Add «Пользователи и права…» and «Сменить пароль…» to the main window."""
    area = AdminArea(window)
    window.admin = area  # type: ignore[attr-defined]
    return area


__all__ = ["AdminArea", "install_admin"]
