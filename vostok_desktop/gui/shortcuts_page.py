"""«Горячие клавиши»: view and change shortcuts of every command; conflicts are refused."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.actions import ActionRegistry, ShortcutConflict, shortcut_text


class ShortcutsDialog(QDialog):
    def __init__(self, registry: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.setWindowTitle("Горячие клавиши")
        self.resize(640, 520)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Раздел", "Команда", "Сочетание"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.editor = QKeySequenceEdit()
        self.editor.setMaximumSequenceLength(1)
        self.assign_button = QPushButton("&Назначить")
        self.clear_button = QPushButton("&Очистить")
        self.reset_button = QPushButton("По &умолчанию")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.assign_button.clicked.connect(self.assign)
        self.clear_button.clicked.connect(lambda: self._apply(""))
        self.reset_button.clicked.connect(self.reset)
        row = QHBoxLayout()
        row.addWidget(QLabel("Новое &сочетание:", buddy=self.editor))
        row.addWidget(self.editor, 1)
        for button in (self.assign_button, self.clear_button, self.reset_button):
            row.addWidget(button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
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
