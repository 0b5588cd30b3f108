"""An administrator upgrades a server base's schema from the program: which version the
base is at and which the program needs, a reminder to back it up first (the exact
pg_dump command, with «Скопировать команду»), a confirmation, then the upgrade on a worker
with a busy indicator; a failure is named and leaves the base as it was."""

from __future__ import annotations

import shlex
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QFontDatabase, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from vostok_desktop.db import BaseLocation, OpenedBase, SchemaState, upgrade_base_schema
from vostok_desktop.gui.cards.widgets import (
    DONE_COLOUR,
    ERROR_COLOUR,
    HINT_COLOUR,
    build_form,
    set_text_colour,
)

UI_FILE = "schema_upgrade.ui"
UI_WIDGETS: dict[str, type[QWidget]] = {
    "versions_label": QLabel,
    "backup_label": QLabel,
    "command_edit": QLineEdit,
    "copy_button": QPushButton,
    "backup_check": QCheckBox,
    "progress_bar": QProgressBar,
    "status_label": QLabel,
    "button_box": QDialogButtonBox,
}


def backup_command(location: BaseLocation, today: date | None = None) -> str:
    """``pg_dump -Fc -h HOST -p PORT -U LOGIN -f vostok-YYYYMMDD.dump DBNAME`` for this base."""
    url = location.sa_url
    day = (today or date.today()).strftime("%Y%m%d")
    parts = ["pg_dump", "-Fc", "-h", url.host or "localhost", "-p", str(url.port or 5432),
             "-U", url.username or "postgres", "-f", f"vostok-{day}.dump", url.database or ""]
    return " ".join(shlex.quote(p) for p in parts)


class SchemaUpgradeDialog(QDialog):
    """``exec()`` is accepted once the schema is upgraded; ``state`` is then the new one."""

    versions_label: QLabel
    backup_label: QLabel
    command_edit: QLineEdit
    copy_button: QPushButton
    backup_check: QCheckBox
    progress_bar: QProgressBar
    status_label: QLabel
    button_box: QDialogButtonBox

    upgraded = Signal(object)  # SchemaState

    def __init__(self, location: BaseLocation, password: str | None, state: SchemaState,
                 parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.location, self.password, self.before = location, password, state
        self.state: SchemaState | None = None
        self.running = False
        self.setWindowTitle("Обновление схемы базы")
        build_form(self, UI_FILE, UI_WIDGETS)
        self.versions_label.setText(
            f"База <b>{location.display()}</b> — схема версии <b>{state.current}</b>. "
            f"Этой версии программы нужна схема <b>{state.head}</b>.")
        self.backup_label.setText(
            "<b>Сначала сделайте резервную копию базы.</b> Обновление меняет структуру "
            "таблиц, и вернуть прежнюю версию можно только из копии. Выполните команду на "
            "компьютере с клиентом PostgreSQL (pg_dump той же или более новой версии, "
            "что и сервер):")
        command = backup_command(location, today)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.command_edit.setFont(mono)
        self.command_edit.setText(command)
        self.command_edit.setCursorPosition(0)
        # The whole command in view (up to a sane width), so it can be read and checked.
        self.command_edit.setMinimumWidth(
            min(QFontMetrics(mono).horizontalAdvance(command) + 16, 900))
        self.copy_button.clicked.connect(self.copy_command)
        self.progress_bar.setVisible(False)
        self.status_label.setVisible(False)
        self.upgrade_button = self.button_box.button(QDialogButtonBox.StandardButton.Ok)
        self.upgrade_button.setText("&Обновить схему")
        self.upgrade_button.setEnabled(False)
        self.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        self.backup_check.toggled.connect(
            lambda on: self.upgrade_button.setEnabled(on and not self.running))
        self.button_box.accepted.connect(self.start_upgrade)
        self.button_box.rejected.connect(self.reject)
        self.adjustSize()

    def copy_command(self) -> None:
        QGuiApplication.clipboard().setText(self.command_edit.text())
        self._status("Команда скопирована в буфер обмена.", HINT_COLOUR)

    def _status(self, text: str, colour: str) -> None:
        self.status_label.setText(text)
        set_text_colour(self.status_label, colour)
        self.status_label.setVisible(bool(text))

    def start_upgrade(self) -> None:
        if self.running or not self.backup_check.isChecked():
            return
        from vostok_desktop.gui.operations import BackgroundOperation

        self.running = True
        self.upgrade_button.setEnabled(False)
        self.button_box.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
        self.backup_check.setEnabled(False)
        self.progress_bar.setVisible(True)
        self._status("Схема обновляется… Не закрывайте программу.", HINT_COLOUR)
        location, password = self.location, self.password
        operation = BackgroundOperation(lambda _s: upgrade_base_schema(location, password), self)
        operation.finished.connect(self._done)
        operation.failed.connect(self._failed)
        self._operation = operation.start()

    def _done(self, state: SchemaState) -> None:
        self.running = False
        self.progress_bar.setVisible(False)
        self.state = state
        self._status(f"Схема обновлена до версии {state.current}.", DONE_COLOUR)
        self.upgraded.emit(state)
        self.accept()

    def _failed(self, message: str) -> None:
        self.running = False
        self.progress_bar.setVisible(False)
        self.button_box.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(True)
        self.backup_check.setEnabled(True)
        self.upgrade_button.setText("&Повторить")
        self.upgrade_button.setEnabled(self.backup_check.isChecked())
        if not message.startswith("Схема не обновлена"):
            message = f"Схема не обновлена: {message}"
        self._status(message, ERROR_COLOUR)

    def reject(self) -> None:
        if not self.running:  # a migration half-way cannot be cancelled; it rolls back alone
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.running:
            event.ignore()
            return
        super().closeEvent(event)


def offer_schema_upgrade(base: OpenedBase, parent: QWidget | None = None) -> bool:
    """Show the dialog for an outdated server base; on success the open base writes again
    (its engine switches out of read-only in place). True when upgraded."""
    if not base.schema_behind or base.schema is None:
        return False
    dialog = SchemaUpgradeDialog(base.location, base.engine.url.password, base.schema, parent)
    if not dialog.exec() or dialog.state is None:
        return False
    base.schema_upgraded(dialog.state)
    return True
