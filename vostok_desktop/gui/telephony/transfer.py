"""Transfer a call: a quick list of employees with extensions, type to filter, Enter."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.services.telephony.caller_lookup import TransferTarget

EXTENSION_ROLE = Qt.ItemDataRole.UserRole + 1


class TransferDialog(QDialog):
    """Emits ``chosen(extension)`` on Enter; a typed number that matches nobody is
    taken as the extension itself."""

    chosen = Signal(str)

    def __init__(self, targets: Sequence[TransferTarget], number_text: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transfer_dialog")
        self.setWindowTitle("Перевести звонок")
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.resize(360, 380)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Перевести звонок {number_text}".strip() + " сотруднику:"))
        self.filter_edit = QLineEdit(placeholderText="Фамилия или внутренний номер…")
        self.filter_edit.setObjectName("transfer_filter")
        self.list = QListWidget()
        self.list.setObjectName("transfer_list")
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list)
        layout.addWidget(QLabel("Enter — перевести, Esc — отмена"))
        for target in targets:
            dept = f" · {target.department}" if target.department else ""
            item = QListWidgetItem(f"{target.extension}\t{target.full_name}{dept}")
            item.setData(EXTENSION_ROLE, target.extension)
            item.setData(Qt.ItemDataRole.UserRole, f"{target.full_name} {target.extension} "
                         f"{target.department}".lower())
            self.list.addItem(item)
        self.filter_edit.textChanged.connect(self._filter)
        self.filter_edit.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self._choose())
        self._filter("")
        self.filter_edit.setFocus()

    def visible_extensions(self) -> list[str]:
        return [self.list.item(i).data(EXTENSION_ROLE) for i in range(self.list.count())
                if not self.list.item(i).isHidden()]

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hay = item.data(Qt.ItemDataRole.UserRole)
            hidden = not all(w in hay for w in words)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        self.list.setCurrentItem(first)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.filter_edit and isinstance(event, QKeyEvent) \
                and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose()
                return True
            if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                visible = [i for i in range(self.list.count())
                           if not self.list.item(i).isHidden()]
                if visible:
                    row = self.list.currentRow()
                    pos = visible.index(row) if row in visible else 0
                    pos = max(0, min(len(visible) - 1,
                                     pos + (1 if event.key() == Qt.Key.Key_Down else -1)))
                    self.list.setCurrentRow(visible[pos])
                return True
        return super().eventFilter(watched, event)

    def _choose(self) -> None:
        item = self.list.currentItem()
        if item is not None and not item.isHidden():
            extension = item.data(EXTENSION_ROLE)
        else:
            typed = self.filter_edit.text().strip()
            extension = typed if typed.isdigit() else ""
        if extension:
            self.chosen.emit(extension)
            self.accept()
