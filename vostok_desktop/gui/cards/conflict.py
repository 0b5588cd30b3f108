"""What a card shows when its save lost the race: «Карточку уже изменил …» with
Перечитать / Сравнить / Отмена, and the field-by-field comparison."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import read_only_table
from vostok_desktop.services.cards.common import CardConflict


class ConflictBox(QMessageBox):
    """«Карточку уже изменил …»: choose Перечитать / Сравнить / Отмена."""

    def __init__(self, parent: QWidget, conflict: CardConflict) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("Карточка изменена другим пользователем")
        self.setText(str(conflict))
        self.setInformativeText("«Перечитать» — загрузить сохранённую версию (ваши правки будут "
                                "потеряны).\n«Сравнить» — посмотреть различия и решить, что "
                                "оставить.\n«Отмена» — вернуться к карточке, ничего не теряя.")
        self.reload_button = self.addButton("Перечитать", QMessageBox.ButtonRole.DestructiveRole)
        self.compare_button = self.addButton("Сравнить", QMessageBox.ButtonRole.AcceptRole)
        self.cancel_button = self.addButton("Отмена", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.compare_button)
        self.setEscapeButton(self.cancel_button)

    def choose(self) -> str:
        self.exec()
        clicked = self.clickedButton()
        if clicked is self.reload_button:
            return "reload"
        if clicked is self.compare_button:
            return "compare"
        return "cancel"


class CompareDialog(QDialog):
    """Field: mine vs theirs. «Сохранить мои» writes mine over theirs; «Взять из базы» reloads."""

    def __init__(self, parent: QWidget, diffs: list[tuple[str, str, str]],
                 conflict: CardConflict) -> None:
        super().__init__(parent)
        self.setWindowTitle("Сравнение: мои изменения и сохранённая версия")
        self.resize(760, 420)
        self.choice = "cancel"
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(str(conflict)))
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        read_only_table(self.table, ["Поле", "Мои изменения",
                                     f"В базе ({conflict.changed_by or 'другой пользователь'})"])
        self.table.setRowCount(len(diffs))
        for r, row in enumerate(diffs):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text or "—"))
        self.table.setColumnWidth(0, 180)
        self.table.setColumnWidth(1, 260)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        if not diffs:
            layout.addWidget(QLabel("Значения полей совпадают: можно сохранить свои."))
        buttons = QDialogButtonBox(self)
        mine = buttons.addButton("Сохранить мои поверх", QDialogButtonBox.ButtonRole.AcceptRole)
        theirs = buttons.addButton("Взять из базы", QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton("Отмена", QDialogButtonBox.ButtonRole.RejectRole)
        mine.clicked.connect(lambda: self._done("mine"))
        theirs.clicked.connect(lambda: self._done("theirs"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _done(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def choose(self) -> str:
        self.exec()
        return self.choice
