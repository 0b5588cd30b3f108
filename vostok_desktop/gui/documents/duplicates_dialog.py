"""Duplicates in the base: probable duplicate groups and a merge of two clients with a
field-by-field choice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.documents.widgets import russian_buttons as _russian
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.clients import duplicates as dup


class DuplicatesDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Поиск дублей клиентов")
        self.setObjectName("duplicates_dialog")
        self.context = context
        self.groups: list[dup.DuplicateGroup] = []
        self.signs = {key: QCheckBox(title, self) for key, title in
                      (("inn", "по ИНН"), ("name", "по наименованию"), ("phone", "по телефону"))}
        for box in self.signs.values():
            box.setChecked(True)
        self.search_button = QPushButton("Найти", self)
        self.search_button.setObjectName("search_button")
        self.search_button.clicked.connect(self.search)
        top = QHBoxLayout()
        top.addWidget(QLabel("Искать дубли:"))
        for box in self.signs.values():
            top.addWidget(box)
        top.addStretch(1)
        top.addWidget(self.search_button)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("groups_tree")
        self.tree.setHeaderLabels(["Клиент", "ИНН", "Регион", "Код"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.itemDoubleClicked.connect(self._open)
        self.status = QLabel(self)
        self.status.setObjectName("status_label")
        self.merge_button = QPushButton("Объединить выбранных двух…", self)
        self.merge_button.setObjectName("merge_button")
        self.merge_button.clicked.connect(self.merge_selected)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.merge_button)
        close = QPushButton("Закрыть", self)
        close.clicked.connect(self.accept)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom)
        self.resize(820, 560)

    def search(self) -> BackgroundOperation:
        by = [key for key, box in self.signs.items() if box.isChecked()]
        base = self.context.base
        self.search_button.setEnabled(False)
        self.status.setText("Поиск…")
        operation = BackgroundOperation(
            lambda _s: dup.find_duplicate_groups(base, by=by), self)
        operation.finished.connect(self.show_groups)
        operation.failed.connect(lambda m: (self.status.setText(m),
                                            self.search_button.setEnabled(True)))
        self.operation = operation
        return operation.start()

    def show_groups(self, groups: list[dup.DuplicateGroup]) -> None:
        self.search_button.setEnabled(True)
        self.groups = groups
        self.tree.clear()
        for number, group in enumerate(groups, start=1):
            head = QTreeWidgetItem(self.tree, [f"Группа {number}: совпадает "
                                               f"{group.reason_text} ({len(group.clients)})"])
            head.setFlags(head.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for client in group.clients:
                item = QTreeWidgetItem(head, [client.short_name, client.inn or "",
                                              client.region or "", str(client.id)])
                item.setData(0, Qt.ItemDataRole.UserRole, client.id)
            head.setExpanded(True)
        self.tree.resizeColumnToContents(0)
        self.status.setText(f"Групп возможных дублей: {len(groups)}. Выберите двух клиентов "
                            "одной группы и нажмите «Объединить».")

    def _open(self, item: QTreeWidgetItem) -> None:
        client_id = item.data(0, Qt.ItemDataRole.UserRole)
        if client_id:
            self.context.cards.open("client", int(client_id))

    def selected_ids(self) -> list[int]:
        return [int(i.data(0, Qt.ItemDataRole.UserRole)) for i in self.tree.selectedItems()
                if i.data(0, Qt.ItemDataRole.UserRole)]

    def merge_selected(self) -> bool:
        ids = self.selected_ids()
        if len(ids) != 2:
            QMessageBox.information(self, "Объединение", "Выберите ровно двух клиентов.")
            return False
        dialog = MergeDialog(self.context, min(ids), max(ids), self)
        if dialog.exec():
            self.search()
            return True
        return False


class MergeDialog(QDialog):
    """Survivor on the left, duplicate on the right; tick the fields to take over."""

    def __init__(self, context: AppContext, survivor_id: int, duplicate_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Объединение клиентов")
        self.setObjectName("merge_dialog")
        self.context = context
        self.survivor_id, self.duplicate_id = survivor_id, duplicate_id
        self.swap_button = QPushButton("Поменять местами", self)
        self.swap_button.clicked.connect(self.swap)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("diff_table")
        self.table.setHorizontalHeaderLabels(["Поле", "Остаётся", "Дубль (будет удалён)",
                                              "Взять из дубля"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Объединить")
        buttons.accepted.connect(self.merge)
        buttons.rejected.connect(self.reject)
        _russian(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.swap_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.resize(760, 420)
        self.fill()

    def fill(self) -> None:
        diffs = dup.merge_preview(self.context.base, self.survivor_id, self.duplicate_id)
        self.table.setRowCount(len(diffs))
        self.boxes: dict[str, QCheckBox] = {}
        for r, d in enumerate(diffs):
            for c, text in enumerate([d.title, d.survivor_text, d.duplicate_text]):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
            box = QCheckBox(self.table)
            box.setChecked(not d.survivor_text and bool(d.duplicate_text))
            box.setEnabled(bool(d.duplicate_text))
            self.table.setCellWidget(r, 3, box)
            self.boxes[d.field] = box
        self.table.resizeColumnsToContents()
        self.note.setText(f"Клиент №{self.duplicate_id} будет удалён; его контактные лица, "
                          f"телефоны, файлы, работы и история перейдут к клиенту "
                          f"№{self.survivor_id}. Пустые поля заполнятся из дубля.")

    def swap(self) -> None:
        self.survivor_id, self.duplicate_id = self.duplicate_id, self.survivor_id
        self.fill()

    def merge(self) -> None:
        take = [f for f, box in self.boxes.items() if box.isChecked()]
        try:
            dup.merge_clients(self.context.base, self.survivor_id, self.duplicate_id,
                              self.context.employee_id, take)
        except (LookupError, ValueError) as exc:
            QMessageBox.warning(self, "Объединение не выполнено", str(exc))
            return
        self.context.bus.announce("client", [self.survivor_id, self.duplicate_id])
        self.accept()


__all__ = ["DuplicatesDialog", "MergeDialog", "OperationState"]
