"""«Подразделения» of «Справочники»: the company's departments as a tree with their heads."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.admin.reference_common import (
    ERROR_STYLE,
    EXPECTED,
    NO_RIGHT,
    FormDialog,
    editor_of,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.reference import departments as dep
from vostok_desktop.services.reference.common import RIGHT


class DepartmentsPage(QWidget):
    """The tree: Ins adds a department under the current one, Enter edits, Del deletes."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.editable = context.allows(RIGHT)
        self.rows: list[dep.DepartmentRow] = []
        self.editor: FormDialog | None = None
        self.tree = QTreeWidget()
        self.tree.setObjectName("departments_tree")
        self.tree.setHeaderLabels(["Подразделение", "Руководитель"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setColumnWidth(0, 320)
        self.tree.itemDoubleClicked.connect(lambda *_a: self.edit())
        self.tree.installEventFilter(self)
        side = QVBoxLayout()
        for text, slot in (("Добавить (Ins)", self.add), ("Изменить (Enter)", self.edit),
                           ("Удалить (Del)", self.remove)):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, s=slot: s())
            button.setEnabled(self.editable)
            if not self.editable:
                button.setToolTip(NO_RIGHT)
            side.addWidget(button)
        side.addStretch(1)
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setStyleSheet(ERROR_STYLE)
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        hint = QLabel("Оргструктура РИЦ. От отдела сотрудника зависит видимость «Клиенты "
                      "своего отдела» и отбор «По отделу…». Новое подразделение "
                      "добавляется внутрь выбранного.")
        hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.tree, 1)
        row.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(row, 1)
        layout.addWidget(self.message_label)
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (watched is self.tree and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            handler = {Qt.Key.Key_Insert: self.add, Qt.Key.Key_Return: self.edit,
                       Qt.Key.Key_Enter: self.edit, Qt.Key.Key_Delete: self.remove
                       }.get(Qt.Key(event.key()))
            if handler is not None:
                handler()
                return True
        return super().eventFilter(watched, event)

    def refresh(self) -> None:
        keep = self.current_key()
        with self.context.base.sessions() as s:
            self.rows = dep.list_departments(s)
        self.tree.clear()
        items: dict[int, QTreeWidgetItem] = {}
        for r in self.rows:
            parent = items.get(r.parent_id) if r.parent_id is not None else None
            item = QTreeWidgetItem([r.name, r.head_name])
            item.setData(0, Qt.ItemDataRole.UserRole, r.id)
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            items[r.id] = item
        self.tree.expandAll()
        self.select_key(keep)

    def current_key(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def select_key(self, key: Any) -> None:
        found = [i for i in self._items() if i.data(0, Qt.ItemDataRole.UserRole) == key]
        if found:
            self.tree.setCurrentItem(found[0])
        elif self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            out.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return out

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _form(self, row: dep.DepartmentRow | None, parent_id: int | None) -> FormDialog | None:
        if not self.editable:
            self.show_message(NO_RIGHT + ". Обратитесь к администратору.")
            return None
        name = QLineEdit(row.name if row else "")
        name.setObjectName("name_edit")
        parent = QComboBox()
        parent.setObjectName("parent_box")
        parent.addItem("— верхний уровень —", None)
        below = self._below(row.id) if row else set()
        for r in self.rows:
            if row is None or (r.id != row.id and r.id not in below):
                parent.addItem("    " * r.depth + r.name, r.id)
        parent.setCurrentIndex(max(parent.findData(row.parent_id if row else parent_id), 0))
        head = QComboBox()
        head.setObjectName("head_box")
        head.addItem("— не назначен —", None)
        with self.context.base.sessions() as s:
            for eid, title in dep.employee_choices(s):
                head.addItem(title, eid)
        head.setCurrentIndex(max(head.findData(row.head_id if row else None), 0))

        def write(s: Any) -> int:
            return dep.save_department(s, editor_of(self.context), name=name.text(),
                                       parent_id=parent.currentData(),
                                       head_id=head.currentData(),
                                       department_id=row.id if row else None)

        form = FormDialog(self.context, "Подразделение", write, self)
        form.form.addRow("&Название:", name)
        form.form.addRow("&Входит в:", parent)
        form.form.addRow("&Руководитель:", head)
        form.name_edit, form.parent_box, form.head_box = name, parent, head  # for tests
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        form.accepted.connect(lambda: self._edited(form.saved_id))
        form.finished.connect(lambda _r: self.tree.setFocus())
        self.show_message("")
        self.editor = form
        form.open()
        return form

    def _below(self, department_id: int) -> set[int]:
        below: set[int] = set()
        frontier = {department_id}
        while frontier:
            frontier = {r.id for r in self.rows if r.parent_id in frontier} - below
            below |= frontier
        return below

    def _edited(self, key: Any) -> None:
        self.refresh()
        self.select_key(key)
        self.context.bus.announce("departments", [])

    def add(self) -> FormDialog | None:
        return self._form(None, self.current_key())

    def edit(self) -> FormDialog | None:
        row = next((r for r in self.rows if r.id == self.current_key()), None)
        return self._form(row, None) if row else None

    def remove(self) -> bool:
        row = next((r for r in self.rows if r.id == self.current_key()), None)
        if row is None:
            return False
        if not self.editable:
            self.show_message(NO_RIGHT + ". Обратитесь к администратору.")
            return False
        if QMessageBox.question(self, "Удалить подразделение",
                                f"Удалить подразделение «{row.name}»?") != \
                QMessageBox.StandardButton.Yes:
            return False
        self.show_message("")
        try:
            with self.context.base.sessions.begin() as s:
                dep.delete_department(s, editor_of(self.context), row.id)
        except EXPECTED as exc:
            self.show_message(getattr(exc, "message", None) or str(exc))
            return False
        self._edited(None)
        return True
