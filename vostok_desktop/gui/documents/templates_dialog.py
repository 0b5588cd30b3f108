"""Print template administration: templates, their versions (who, when, why), upload a
new version, make a version active, save a version to edit it, individual forms."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.documents import templates as tpl


def _row(table: QTableWidget, r: int, values: list[object], data: object) -> None:
    for c, value in enumerate(values):
        item = QTableWidgetItem("" if value is None else str(value))
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        if c == 0:
            item.setData(Qt.ItemDataRole.UserRole, data)
        table.setItem(r, c, item)


def _table(name: str, headers: list[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class TemplatesDialog(QDialog):
    def __init__(self, context: AppContext, client_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Шаблоны печатных форм")
        self.setObjectName("templates_dialog")
        self.context = context
        self.client_id = client_id
        self.templates = _table("templates_table", ["Название", "Вид", "Клиент",
                                                    "Действующая версия"], self)
        self.versions = _table("versions_table", ["Версия", "Когда", "Кто", "Размер",
                                                  "Комментарий"], self)
        self.templates.itemSelectionChanged.connect(self.show_versions)
        buttons = QHBoxLayout()
        for name, text, slot in (
            ("upload_button", "Загрузить новую версию…", self.upload),
            ("activate_button", "Сделать действующей", self.activate),
            ("save_button", "Сохранить версию в файл…", self.save_version),
            ("new_button", "Новый шаблон…", self.new_template),
            ("override_button", "Индивидуальная для клиента…", self.make_override),
            ("delete_button", "Удалить индивидуальную", self.delete_override),
        ):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.hint = QLabel("Поля шаблона: " + ", ".join(tpl.KNOWN_FIELDS) +
                           ". Пример: {{ client.short_name }}, {{ client.inn }}, "
                           "{% for c in contacts %}…{% endfor %}", self)
        self.hint.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.templates)
        splitter.addWidget(self.versions)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self.resize(900, 560)
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        self.items = tpl.list_templates(self.context.base)
        self.templates.setRowCount(len(self.items))
        for r, info in enumerate(self.items):
            _row(self.templates, r, [info.name, info.kind_title,
                                     f"№{info.client_id}" if info.client_id else "все",
                                     info.active_version], info.id)
        self.templates.resizeColumnsToContents()
        index = next((i for i, t in enumerate(self.items) if t.id == select_id), 0)
        if self.items:
            self.templates.selectRow(index)
            self.show_versions()

    def current(self) -> tpl.TemplateInfo | None:
        row = self.templates.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def current_version(self) -> int | None:
        item = self.versions.item(self.versions.currentRow(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def show_versions(self) -> None:
        info = self.current()
        if info is None:
            return
        rows = tpl.template_versions(self.context.base, info.id)
        self.versions.setRowCount(len(rows))
        for r, v in enumerate(rows):
            _row(self.versions, r, [f"{v.number}{' ✓' if v.active else ''}",
                                    v.created_at.astimezone().strftime("%d.%m.%Y %H:%M"),
                                    v.created_by or "", f"{v.size // 1024} КБ", v.comment],
                 v.number)
        self.versions.resizeColumnsToContents()
        if rows:
            self.versions.selectRow(0)

    def _read_docx(self) -> tuple[str, bytes] | None:
        path, _ = QFileDialog.getOpenFileName(self, "Шаблон DOCX", "", "Документ Word (*.docx)")
        if not path:
            return None
        return Path(path).name, Path(path).read_bytes()

    def upload(self, data: bytes | None = None, comment: str | None = None) -> int | None:
        info = self.current()
        if info is None:
            return None
        if data is None:
            chosen = self._read_docx()
            if chosen is None:
                return None
            data = chosen[1]
        if comment is None:
            comment, ok = QInputDialog.getText(self, "Новая версия", "Что изменено:")
            if not ok:
                return None
        try:
            number = tpl.add_version(self.context.base, info.id, data,
                                     self.context.employee_id, comment)
        except tpl.TemplateError as exc:
            QMessageBox.warning(self, "Шаблон не принят", str(exc))
            return None
        self.refresh(info.id)
        return number

    def activate(self) -> None:
        info, number = self.current(), self.current_version()
        if info is not None and number is not None:
            tpl.set_active_version(self.context.base, info.id, number)
            self.refresh(info.id)

    def save_version(self) -> None:
        info, number = self.current(), self.current_version()
        if info is None or number is None:
            return
        name, data = tpl.read_template(self.context.base, info.id, number)
        path, _ = QFileDialog.getSaveFileName(self, "Сохранить шаблон", f"{name} v{number}.docx",
                                              "Документ Word (*.docx)")
        if path:
            Path(path).write_bytes(data)

    def new_template(self) -> None:
        chosen = self._read_docx()
        if chosen is None:
            return
        name, ok = QInputDialog.getText(self, "Новый шаблон", "Название:",
                                        text=Path(chosen[0]).stem)
        if not ok:
            return
        try:
            new_id = tpl.create_template(self.context.base, name, tpl.TemplateKind.OTHER,
                                         chosen[1], self.context.employee_id)
        except tpl.TemplateError as exc:
            QMessageBox.warning(self, "Шаблон не принят", str(exc))
            return
        self.refresh(new_id)

    def make_override(self) -> None:
        info = self.current()
        if info is None or info.is_override:
            return
        client_id, ok = QInputDialog.getInt(self, "Индивидуальная форма", "Код клиента:",
                                            self.client_id or 1, 1)
        if not ok:
            return
        try:
            new_id = tpl.create_override(self.context.base, info.id, client_id,
                                         self.context.employee_id)
        except (tpl.TemplateError, LookupError) as exc:
            QMessageBox.warning(self, "Индивидуальная форма", str(exc))
            return
        self.refresh(new_id)

    def delete_override(self) -> None:
        info = self.current()
        if info is None or not info.is_override:
            return
        tpl.delete_template(self.context.base, info.id)
        self.refresh()
