"""Building blocks of «Справочники»: a list page (Ins adds, Enter edits, Del deletes) and
a small form whose save is one transaction; a refusal is shown in the window and what was
typed stays."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.hotline.settings import claim_own_keys
from vostok_desktop.services.access.rights import AccessDenied, right_title
from vostok_desktop.services.reference.common import RIGHT, Editor, ReferenceDataError

ERROR_STYLE = "color: #b00020; font-weight: bold;"
NO_RIGHT = f"Нет права «{right_title(RIGHT)}»"
EXPECTED = (ReferenceDataError, AccessDenied)


def editor_of(context: AppContext) -> Editor:
    return Editor(context.employee_id, context.access)


class FormDialog(QDialog):
    """A small form; «Сохранить» runs ``write(session)`` in one transaction."""

    def __init__(self, context: AppContext, title: str, write: Callable[[Any], Any],
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self._write = write
        self.saved_id: Any = None
        self.form = QFormLayout()
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setStyleSheet(ERROR_STYLE)
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Сохранить (Enter)")
        save.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена (Esc)")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def event(self, event: QEvent) -> bool:
        return claim_own_keys(event) or super().event(event)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def save(self) -> bool:
        try:
            with self.context.base.sessions.begin() as session:
                self.saved_id = self._write(session)
        except EXPECTED as exc:
            self.show_message(getattr(exc, "message", None) or str(exc))
            return False
        self.accept()
        return True


class ListPage(QWidget):
    """A table of one reference list with «Добавить», «Изменить», «Удалить» (+ extras)."""

    headers: Sequence[str] = ()
    kind = "reference"  # what the change bus announces
    stretch_column = 0  # takes the width left; the others fit their contents

    def __init__(self, context: AppContext, extra: Sequence[tuple[str, Callable[[], Any]]] = (),
                 hint: str = "") -> None:
        super().__init__()
        self.context = context
        self.editable = context.allows(RIGHT)
        self.editor: QDialog | None = None
        self.table = QTableWidget(0, len(self.headers))
        self.table.setHorizontalHeaderLabels(list(self.headers))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.stretch_column, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.table.installEventFilter(self)
        self.keys: dict[Qt.Key, Callable[[], Any]] = {
            Qt.Key.Key_Insert: self.add, Qt.Key.Key_Return: self.edit,
            Qt.Key.Key_Enter: self.edit, Qt.Key.Key_Delete: self.remove}
        side = QVBoxLayout()
        self.buttons: list[QPushButton] = []
        for text, slot in (("Добавить (Ins)", self.add), ("Изменить (Enter)", self.edit),
                           ("Удалить (Del)", self.remove), *extra):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, s=slot: s())
            button.setEnabled(self.editable)
            if not self.editable:
                button.setToolTip(NO_RIGHT)
            side.addWidget(button)
            self.buttons.append(button)
        side.addStretch(1)
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setStyleSheet(ERROR_STYLE)
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(side)
        layout = QVBoxLayout(self)
        if hint or not self.editable:
            label = QLabel(hint if self.editable else
                           f"{hint} Только просмотр: {NO_RIGHT[0].lower()}{NO_RIGHT[1:]}.")
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addLayout(row, 1)
        layout.addWidget(self.message_label)
        self.loaded = False  # counted on first show: the counts read whole tables

    def showEvent(self, event: QEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.ensure_loaded()

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)):
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            k = Qt.Key(event.key())
            if ctrl and k in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move(-1 if k == Qt.Key.Key_Up else 1)
                return True
            handler = self.keys.get(k)
            if handler is not None and not ctrl:
                handler()
                return True
        return super().eventFilter(watched, event)

    # -- rows ---------------------------------------------------------------------------
    def current_key(self) -> Any:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_key(self, key: Any) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == key:
                self.table.setCurrentCell(row, 0)
                return
        if self.table.rowCount():
            self.table.setCurrentCell(0, 0)

    def fill(self, rows: Sequence[tuple[Any, Sequence[str]]]) -> None:
        keep = self.current_key()
        self.table.setRowCount(len(rows))
        for r, (key, texts) in enumerate(rows):
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if len(text) > 30:
                    item.setToolTip(text)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, key)
                if c > 0 and (text.replace("\u00a0", "").isdigit() or text == "—"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.select_key(keep)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def open_form(self, form: FormDialog) -> FormDialog | None:
        """Window-modal, not exec(): the caller (and a test) gets the form back."""
        if not self.editable:
            self.show_message(NO_RIGHT + ". Обратитесь к администратору.")
            return None
        self.show_message("")
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        form.accepted.connect(lambda: self._edited(form.saved_id))
        form.finished.connect(lambda _r: self.table.setFocus())
        self.editor = form
        form.open()
        return form

    def _edited(self, key: Any) -> None:
        self.refresh()
        self.select_key(key)
        self.context.bus.announce(self.kind, [])

    def run(self, action: Callable[[Any], Any]) -> bool:
        """One transaction for a list action; a refusal goes to the message line."""
        self.show_message("")
        if not self.editable:
            self.show_message(NO_RIGHT + ". Обратитесь к администратору.")
            return False
        try:
            with self.context.base.sessions.begin() as session:
                action(session)
        except EXPECTED as exc:
            self.show_message(getattr(exc, "message", None) or str(exc))
            return False
        self._edited(self.current_key())
        return True

    # -- overridden ---------------------------------------------------------------------
    def refresh(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def add(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def edit(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def remove(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def move(self, offset: int) -> None:
        """Only ordered lists move rows."""


def number(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0") if value else "—"
