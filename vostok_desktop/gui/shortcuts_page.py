"""«Горячие клавиши»: view and change shortcuts of every command; conflicts are refused."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from vostok_desktop.gui.actions import ActionRegistry, ShortcutConflict, shortcut_text
from vostok_desktop.gui.cards.widgets import build_form

UI_FILE = "shortcuts_dialog.ui"
UI_WIDGETS: dict[str, type[QWidget]] = {
    "table": QTableWidget, "editor": QKeySequenceEdit, "assign_button": QPushButton,
    "clear_button": QPushButton, "reset_button": QPushButton, "message": QLabel,
    "button_box": QDialogButtonBox,
}


class ShortcutsDialog(QDialog):
    table: QTableWidget
    editor: QKeySequenceEdit
    assign_button: QPushButton
    clear_button: QPushButton
    reset_button: QPushButton
    message: QLabel
    button_box: QDialogButtonBox

    def __init__(self, registry: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.setWindowTitle("Горячие клавиши")
        self.resize(640, 520)
        build_form(self, UI_FILE, UI_WIDGETS)
        self.assign_button.clicked.connect(self.assign)
        self.clear_button.clicked.connect(lambda: self._apply(""))
        self.reset_button.clicked.connect(self.reset)
        self.button_box.rejected.connect(self.reject)
        self._fill()

    def _fill(self) -> None:
        entries = sorted(self.registry.entries(), key=lambda e: (e.category, e.text))
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            for col, text in enumerate((entry.category, entry.text,
                                        self._native(self.registry.shortcut(entry.id)))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.id)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()

    @staticmethod
    def _native(sequence: str) -> str:
        return shortcut_text(sequence)

    def current_id(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def select(self, action_id: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == action_id:
                self.table.setCurrentCell(row, 2)
                return

    def assign(self) -> None:
        self._apply(self.editor.keySequence().toString(QKeySequence.SequenceFormat.PortableText))

    def reset(self) -> None:
        action_id = self.current_id()
        if action_id:
            self._apply(self.registry.default_shortcut(action_id))

    def _apply(self, sequence: str) -> None:
        action_id = self.current_id()
        if action_id is None:
            self.message.setText("Выберите команду в списке")
            return
        try:
            self.registry.set_shortcut(action_id, sequence)
        except ShortcutConflict as exc:
            self.message.setText(f"<span style='color:#b00020'>{exc}. Сочетание не изменено.</span>")
            return
        self.message.setText("Сочетание изменено")
        row = self.table.currentRow()
        self._fill()
        self.table.setCurrentCell(row, 2)
