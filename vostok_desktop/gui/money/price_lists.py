"""«Прейскуранты»: the price lists on the left (name, valid from), the items of the chosen
one on the right in an editable table; «Копировать…» (a new list from a date, prices
raised by a percent), «Сравнить…» («Сопоставление цен прейскурантов»), Excel through the
export gate and printing as a simple table; «Загрузить из Excel…» reads a sheet with
the export's columns into a new list or over the chosen one's lines (a broken file loads
nothing and the message names its row and column).

Keys inside the tab: Insert — new line, Delete — remove the line, F2 — edit the cell,
Ctrl+S — save, Ctrl+E — to Excel. Unsaved edits are never lost silently: switching to
another list or closing asks «Сохранить изменения?»."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import read_only_table, show_status
from vostok_desktop.gui.distributives.common import fill_table, fmt_date, money, paint_row
from vostok_desktop.gui.distributives.dialogs import (
    REFUSALS,
    date_edit,
    from_qdate,
    refusal_text,
    to_qdate,
)
from vostok_desktop.services.access.rights import right_title
from vostok_desktop.services.distributives.reports import ReportTable, write_xlsx
from vostok_desktop.services.money import prices
from vostok_desktop.services.money.prices import PriceItemData, PriceListRow

PRICES = "money.prices"
SERVICE_CHOICE = "— другая услуга —"
COLUMNS = ["Система", "Услуга", "Сеть от", "Ед.", "Цена, ₽"]
SYSTEM, SERVICE, SIZE, UNIT, PRICE = range(5)
Index = QModelIndex | QPersistentModelIndex


def no_right_tip(right: str) -> str:
    return f"Нет права «{right_title(right)}»"


def parse_money(text: str) -> Decimal | None:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def table_html(table: ReportTable) -> str:
    """A report table as simple HTML for printing."""
    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return money(value)
        if isinstance(value, date):
            return fmt_date(value)
        return str(value).replace("&", "&amp;").replace("<", "&lt;")

    head = "".join(f"<th>{text(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(
        f"<td align='right'>{text(v)}</td>" if isinstance(v, Decimal | int)
        else f"<td>{text(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    return (f"<h3>{text(table.title)}</h3><p>{text(table.subtitle)}</p>"
            f"<table border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}"
            "</table>")


def print_html(owner: QWidget, html: str) -> None:
    from PySide6.QtGui import QTextDocument
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dialog = QPrintDialog(printer, owner)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        document = QTextDocument()
        document.setHtml(html)
        document.print_(printer)


class PriceItemsModel(QAbstractTableModel):
    """The items being edited: plain PriceItemData, a dirty mark on every change."""

    def __init__(self, systems: list[tuple[int, str, str]], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.systems = systems
        self.titles = {sid: f"{code} — {title}" for sid, code, title in systems}
        self.items: list[PriceItemData] = []
        self.editable = True
        self.dirty = False
        self.on_dirty: Callable[[], None] = lambda: None

    def load(self, items: list[PriceItemData]) -> None:
        self.beginResetModel()
        self.items = items
        self.dirty = False
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.editable:
            return base
        item = self.items[index.row()]
        if index.column() == SERVICE and item.system_id is not None:
            return base
        if index.column() == SIZE and item.system_id is None:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.items[index.row()]
        c = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if c == SYSTEM:
                if item.system_id is None:
                    return SERVICE_CHOICE if role == Qt.ItemDataRole.EditRole else ""
                return self.titles.get(item.system_id, item.system_code)
            if c == SERVICE:
                return item.service
            if c == SIZE:
                return "" if item.system_id is None else str(item.min_network_size)
            if c == UNIT:
                return item.unit
            if c == PRICE:
                if item.price is None:
                    return ""
                return money(item.price) if role == Qt.ItemDataRole.DisplayRole else \
                    format(item.price, "f").replace(".", ",")
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (SIZE, PRICE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and c == SYSTEM and item.system_id:
            return self.titles.get(item.system_id)
        if role == Qt.ItemDataRole.ForegroundRole and c == PRICE and item.price is None:
            return QBrush(QColor("#b3261e"))
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole:
            return False
        item = self.items[index.row()]
        c = index.column()
        text = "" if value is None else str(value)
        if c == SYSTEM:
            sid = next((s for s, t in self.titles.items() if t == text), None)
            item.system_id = sid
            if sid is not None:
                item.service = ""
                item.system_code, item.system_title = next(
                    (code, title) for s, code, title in self.systems if s == sid)
            else:
                item.system_code = item.system_title = ""
        elif c == SERVICE:
            item.service = " ".join(text.split())
        elif c == SIZE:
            try:
                item.min_network_size = int(text.strip())
            except ValueError:
                return False
        elif c == UNIT:
            item.unit = text.strip()
        elif c == PRICE:
            price = parse_money(text)
            if price is None:
                return False
            item.price = price
        self.dataChanged.emit(self.index(index.row(), 0),
                              self.index(index.row(), len(COLUMNS) - 1))
        self._touch()
        return True

    def insert_item(self, row: int, item: PriceItemData) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self.items.insert(row, item)
        self.endInsertRows()
        self._touch()

    def remove_item(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.items[row]
        self.endRemoveRows()
        self._touch()

    def _touch(self) -> None:
        self.dirty = True
        self.on_dirty()


class SystemDelegate(QStyledItemDelegate):
    """The «Система» cell edits with a list of the catalogue (or «другая услуга»)."""

    def __init__(self, model: PriceItemsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:  # noqa: N802
        if index.column() != SYSTEM:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setObjectName("system_editor")
        combo.addItem(SERVICE_CHOICE)
        combo.addItems(list(self.model.titles.values()))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())
        else:
            super().setModelData(editor, model, index)


class CopyPriceListDialog(QDialog):
    """«Копировать прейскурант»: name, the new list's date and a change of prices."""

    def __init__(self, source: PriceListRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Копировать прейскурант")
        self.source = source
        form = QFormLayout(self)
        form.addRow(QLabel(f"Копия прейскуранта «{source.name}» "
                           f"(с {fmt_date(source.valid_from)})"))
        next_year = date(max(source.valid_from.year + 1, date.today().year), 1, 1)
        self.name = QLineEdit(f"Прейскурант {next_year.year}")
        self.name.setObjectName("copy_name")
        self.valid_from = date_edit(next_year, "copy_valid_from")
        self.percent = QDoubleSpinBox()
        self.percent.setObjectName("copy_percent")
        self.percent.setRange(-99.99, 1000)
        self.percent.setDecimals(2)
        self.percent.setSuffix(" %")
        form.addRow("Название:", self.name)
        form.addRow("Действует с:", self.valid_from)
        form.addRow("Изменить цены на:", self.percent)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form.addRow(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Копировать")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def values(self) -> tuple[str, date, Decimal]:
        return (self.name.text(), from_qdate(self.valid_from.date()),
                Decimal(str(round(self.percent.value(), 2))))


class ComparisonDialog(QDialog):
    """«Сопоставление цен прейскурантов»: two lists side by side with the difference."""

    def __init__(self, context: Any, lists: list[PriceListRow], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Сопоставление цен прейскурантов")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.first, self.second = QComboBox(), QComboBox()
        self.first.setObjectName("compare_first")
        self.second.setObjectName("compare_second")
        for combo in (self.first, self.second):
            for item in lists:
                combo.addItem(f"{item.name} (с {fmt_date(item.valid_from)})", item.id)
        if len(lists) > 1:  # the older one first
            self.first.setCurrentIndex(1)
        row.addWidget(QLabel("Сравнить:"))
        row.addWidget(self.first, 1)
        row.addWidget(QLabel("и"))
        row.addWidget(self.second, 1)
        layout.addLayout(row)
        self.table = QTableWidget()
        self.table.setObjectName("comparison_table")
        read_only_table(self.table, ["Код", "Система / услуга", "Сеть от", "Цена 1, ₽",
                                     "Цена 2, ₽", "Разница, ₽", "Разница, %"])
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        self.excel_button = self.buttons.addButton("В Excel…",
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.excel_button.clicked.connect(lambda: self.export())
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.first.currentIndexChanged.connect(self.refresh)
        self.second.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        a, b = self.first.currentData(), self.second.currentData()
        if a is None or b is None:
            return
        rows = prices.compare_price_lists(self.context.base, a, b)
        header = self.table.horizontalHeader()
        self.table.setHorizontalHeaderLabels([
            "Код", "Система / услуга", "Сеть от", self.first.currentText().split(" (с")[0],
            self.second.currentText().split(" (с")[0], "Разница, ₽", "Разница, %"])
        fill_table(self.table, [
            (r.system_code, r.title, str(r.min_network_size or ""), money(r.price_a),
             money(r.price_b), *prices.difference_text(r)) for r in rows])
        for n, r in enumerate(rows):
            if r.difference is None:
                paint_row(self.table, n, foreground="#b3261e")
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.rows = rows

    def export(self, path: str | None = None) -> str | None:
        from vostok_desktop.gui.export_gate import pass_export_gate

        table = prices.comparison_table(self.context.base, self.first.currentData(),
                                        self.second.currentData())
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Сохранить в Excel",
                                                  "Сопоставление цен.xlsx", "Excel (*.xlsx)")
            if not path:
                return None
        refused = pass_export_gate(self.context, "excel", table.title, len(table.rows))
        if refused:
            show_status(self.status, refused)
            return None
        written = str(write_xlsx(table, path))
        show_status(self.status, f"Сохранено: {written}", error=False)
        return written


class PriceListsWidget(QWidget):
    """The «Прейскуранты» tab."""

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.may_edit = context.allows(PRICES)
        self.lists: list[PriceListRow] = []
        self.current: PriceListRow | None = None
        self.active_dialog: QDialog | None = None
        self._switching = False
        self._build()
        self.reload()

    # -- set-up ---------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Прейскуранты"))
        self.list_table = QTableWidget()
        self.list_table.setObjectName("price_lists_table")
        read_only_table(self.list_table, ["Прейскурант", "Действует с"])
        self.list_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.list_table.currentCellChanged.connect(self._list_changed)
        left_layout.addWidget(self.list_table, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("Новый")
        self.copy_button = QPushButton("Копировать…")
        self.compare_button = QPushButton("Сравнить…")
        self.delete_list_button = QPushButton("Удалить")
        self.import_button = QPushButton("Загрузить из Excel…")
        self.import_button.setObjectName("price_import")
        self.import_button.setToolTip("Столбцы «Код», «Система / услуга», «Сеть от», «Ед.», "
                                      "«Цена, ₽» — как в выгрузке «В Excel…»")
        for button, handler in ((self.new_button, self.new_list),
                                (self.copy_button, self.copy_list),
                                (self.compare_button, self.compare),
                                (self.delete_list_button, self.delete_list)):
            button.clicked.connect(lambda _=False, h=handler: h())
            buttons.addWidget(button)
        left_layout.addLayout(buttons)
        self.import_button.clicked.connect(lambda: self.import_excel())
        left_layout.addWidget(self.import_button)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("price_list_name")
        self.valid_from_edit = date_edit(date.today(), "price_list_valid_from")
        head.addWidget(QLabel("Название:"))
        head.addWidget(self.name_edit, 1)
        head.addWidget(QLabel("Действует с:"))
        head.addWidget(self.valid_from_edit)
        right_layout.addLayout(head)
        systems = prices.catalogue_systems(self.context.base)
        self.model = PriceItemsModel(systems, self)
        self.model.editable = self.may_edit
        self.model.on_dirty = self._update_title
        self.view = QTableView()
        self.view.setObjectName("price_items_view")
        self.view.setModel(self.model)
        self.view.setItemDelegate(SystemDelegate(self.model, self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(SYSTEM, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SERVICE, QHeaderView.ResizeMode.Stretch)
        for c in (SIZE, UNIT, PRICE):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        right_layout.addWidget(self.view, 1)
        self.hint = QLabel("Insert — новая строка, Delete — удалить строку, F2 — изменить, "
                           "Ctrl+S — сохранить, Ctrl+E — в Excel")
        self.hint.setObjectName("price_hint")
        right_layout.addWidget(self.hint)
        actions = QHBoxLayout()
        self.add_button = QPushButton("Добавить строку")
        self.remove_button = QPushButton("Удалить строку")
        self.save_button = QPushButton("Сохранить")
        self.excel_button = QPushButton("В Excel…")
        self.print_button = QPushButton("Печать…")
        for button, handler in ((self.add_button, self.add_item),
                                (self.remove_button, self.remove_item),
                                (self.save_button, self.save),
                                (self.excel_button, self.export),
                                (self.print_button, self.print_list)):
            button.clicked.connect(lambda _=False, h=handler: h())
            actions.addWidget(button)
        actions.addStretch(1)
        right_layout.addLayout(actions)
        self.status = QLabel()
        self.status.setObjectName("price_status")
        self.status.setWordWrap(True)
        right_layout.addWidget(self.status)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([300, 900])
        layout.addWidget(splitter)
        self.name_edit.textEdited.connect(lambda _t: self._mark_dirty())
        self.valid_from_edit.dateChanged.connect(lambda _d: self._mark_dirty())

        if not self.may_edit:
            tip = no_right_tip(PRICES)
            for w in (self.new_button, self.copy_button, self.delete_list_button,
                      self.add_button, self.remove_button, self.save_button,
                      self.import_button):
                w.setEnabled(False)
                w.setToolTip(tip)
            self.name_edit.setReadOnly(True)
            self.valid_from_edit.setReadOnly(True)

        def key(sequence: str | QKeySequence.StandardKey, handler: Callable[[], None],
                where: QWidget) -> None:
            shortcut = QShortcut(QKeySequence(sequence), where, handler)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        # Insert/Delete on the table itself (not shortcuts: a cell editor keeps its keys).
        self.view.installEventFilter(self)
        key("Ctrl+S", self.save, self)
        key("Ctrl+E", self.export, self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.view and event.type() == QEvent.Type.KeyPress \
                and self.view.state() != QAbstractItemView.State.EditingState:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Insert:
                self.add_item()
                return True
            if key == Qt.Key.Key_Delete:
                self.remove_item()
                return True
        return super().eventFilter(watched, event)

    # -- lists ----------------------------------------------------------------------
    def reload(self, select: int | None = None) -> None:
        wanted = select if select is not None else (self.current.id if self.current else None)
        self.lists = prices.list_price_lists(self.context.base)
        self._switching = True
        fill_table(self.list_table, [(r.name, fmt_date(r.valid_from)) for r in self.lists],
                   [r.id for r in self.lists])
        self._switching = False
        row = next((n for n, r in enumerate(self.lists) if r.id == wanted), 0)
        self.current = None
        if self.lists:
            self._switching = True
            self.list_table.setCurrentCell(row, 0)
            self._switching = False
            self._open(self.lists[row])
        else:
            self._open(None)
        has = bool(self.lists)
        for w in (self.copy_button, self.compare_button, self.delete_list_button,
                  self.excel_button, self.print_button):
            w.setEnabled(has and (self.may_edit or w in (self.compare_button,
                                                          self.excel_button,
                                                          self.print_button)))

    def _open(self, row: PriceListRow | None) -> None:
        self.current = row
        self._loading = True
        self.name_edit.setText(row.name if row else "")
        self.valid_from_edit.setDate(to_qdate(row.valid_from if row else date.today()))
        self._loading = False
        self.model.load(prices.price_list_items(self.context.base, row.id) if row else [])
        self.model.editable = self.may_edit and row is not None
        self._update_title()

    def _list_changed(self, row: int, _col: int, previous: int, _pcol: int) -> None:
        if self._switching or row < 0 or row >= len(self.lists):
            return
        if self.current is not None and self.lists[row].id == self.current.id:
            return
        if not self.confirm_discard():
            self._switching = True
            self.list_table.setCurrentCell(previous, 0)
            self._switching = False
            return
        self._open(self.lists[row])
        show_status(self.status, "", error=False)

    @property
    def dirty(self) -> bool:
        return self.model.dirty

    def _mark_dirty(self) -> None:
        if getattr(self, "_loading", False) or self.current is None:
            return
        self.model.dirty = True
        self._update_title()

    def _update_title(self) -> None:
        self.setWindowTitle("Прейскуранты" + (" *" if self.model.dirty else ""))
        self.save_button.setEnabled(self.may_edit and self.current is not None)

    def confirm_discard(self) -> bool:
        """True when there is nothing unsaved, or the user saved or discarded it."""
        if not self.model.dirty or self.current is None:
            return True
        answer = QMessageBox.question(
            self, "Прейскуранты",
            f"Прейскурант «{self.current.name}» изменён. Сохранить изменения?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.model.dirty = False
            return True
        return False

    def can_close(self) -> bool:
        """For the owner of the tab: ask about unsaved edits before closing."""
        return self.confirm_discard()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.confirm_discard():
            event.accept()
        else:
            event.ignore()

    # -- commands -------------------------------------------------------------------
    def add_item(self) -> None:
        if not self.model.editable:
            return
        current = self.view.currentIndex()
        row = current.row() + 1 if current.isValid() else self.model.rowCount()
        template = self.model.items[current.row()] if current.isValid() else None
        item = PriceItemData(template.system_id if template else None,
                             (template.min_network_size + 1) if template and
                             template.system_id else 1,
                             Decimal("0.00"), "", template.unit if template else "мес.",
                             None, template.system_code if template else "",
                             template.system_title if template else "")
        self.model.insert_item(row, item)
        self.view.setCurrentIndex(self.model.index(row, SYSTEM))
        self.view.setFocus()

    def remove_item(self) -> None:
        current = self.view.currentIndex()
        if not self.model.editable or not current.isValid():
            return
        row = current.row()
        self.model.remove_item(row)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1),
                                                       current.column()))

    def save(self) -> bool:
        if self.current is None or not self.may_edit:
            return False
        if self.view.state() == QAbstractItemView.State.EditingState:
            self.view.setFocus()  # the open cell editor commits what it holds
        try:
            prices.save_price_list(self.context.base, self.current.id, self.name_edit.text(),
                                   from_qdate(self.valid_from_edit.date()), self.model.items,
                                   self.context.employee_id, version=self.current.version,
                                   profile=self.context.access)
        except REFUSALS as exc:
            show_status(self.status, refusal_text(exc))
            return False
        self.model.dirty = False
        list_id = self.current.id
        self.reload(list_id)
        show_status(self.status, "Прейскурант сохранён", error=False)
        return True

    def new_list(self) -> None:
        if not self.may_edit or not self.confirm_discard():
            return
        try:
            list_id = prices.create_price_list(
                self.context.base, f"Новый прейскурант от {date.today():%d.%m.%Y}",
                date.today(), self.context.employee_id, profile=self.context.access)
        except REFUSALS as exc:
            show_status(self.status, refusal_text(exc))
            return
        self.reload(list_id)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def copy_list(self) -> CopyPriceListDialog | None:
        if self.current is None or not self.may_edit or not self.confirm_discard():
            return None
        dialog = CopyPriceListDialog(self.current, self)
        dialog.buttons.accepted.connect(lambda: self._copy(dialog))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _copy(self, dialog: CopyPriceListDialog) -> None:
        name, valid_from, percent = dialog.values()
        try:
            list_id = prices.copy_price_list(self.context.base, dialog.source.id, name,
                                             valid_from, self.context.employee_id,
                                             raise_percent=percent,
                                             profile=self.context.access)
        except REFUSALS as exc:
            show_status(dialog.status, refusal_text(exc))
            return
        dialog.accept()
        self.reload(list_id)
        show_status(self.status, f"Создан прейскурант «{name}»", error=False)

    def compare(self) -> ComparisonDialog | None:
        if not self.lists:
            return None
        dialog = ComparisonDialog(self.context, self.lists, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def delete_list(self) -> None:
        if self.current is None or not self.may_edit:
            return
        answer = QMessageBox.question(self, "Прейскуранты",
                                      f"Удалить прейскурант «{self.current.name}»?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            prices.delete_price_list(self.context.base, self.current.id,
                                     self.context.employee_id, profile=self.context.access)
        except REFUSALS as exc:
            show_status(self.status, refusal_text(exc))
            return
        self.model.dirty = False
        self.current = None
        self.reload()
        show_status(self.status, "Прейскурант удалён", error=False)

    def export(self, path: str | None = None) -> str | None:
        """Ctrl+E: the list (as saved) to Excel through the export gate."""
        from vostok_desktop.gui.export_gate import pass_export_gate

        if self.current is None:
            return None
        table = prices.price_list_table(self.context.base, self.current.id)
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Сохранить в Excel",
                                                  f"{self.current.name}.xlsx",
                                                  "Excel (*.xlsx)")
            if not path:
                return None
        refused = pass_export_gate(self.context, "excel", table.title, len(table.rows))
        if refused:
            show_status(self.status, refused)
            return None
        written = str(write_xlsx(table, path))
        note = " (несохранённые изменения в файл не вошли)" if self.model.dirty else ""
        show_status(self.status, f"Сохранено: {written}{note}", error=False)
        return written

    def import_excel(self, path: str | None = None, into_current: bool | None = None
                     ) -> int | None:
        """«Загрузить из Excel…»: ``into_current`` True replaces the chosen list's lines,
        False makes a new list (None: asked). Returns the list's id, None if not loaded."""
        from vostok_desktop.services.money import price_import

        if not self.may_edit:
            show_status(self.status, no_right_tip(PRICES))
            return None
        if not self.confirm_discard():
            return None
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Загрузить прейскурант из Excel", "",
                                                  "Книга Excel (*.xlsx)")
            if not path:
                return None
        if into_current is None:
            into_current = False
            if self.current is not None:
                box = QMessageBox(QMessageBox.Icon.Question, "Загрузить из Excel",
                                  "Куда загрузить цены из файла?", parent=self)
                new = box.addButton("В новый прейскурант",
                                    QMessageBox.ButtonRole.AcceptRole)
                over = box.addButton(f"Заменить строки «{self.current.name}»",
                                     QMessageBox.ButtonRole.DestructiveRole)
                box.addButton("Отмена", QMessageBox.ButtonRole.RejectRole)
                box.setDefaultButton(new)
                box.exec()
                if box.clickedButton() not in (new, over):
                    return None
                into_current = box.clickedButton() is over
        target = self.current.id if into_current and self.current is not None else None
        try:
            result = price_import.import_price_list(
                self.context.base, path, self.context.employee_id, list_id=target,
                profile=self.context.access)
        except price_import.PriceImportError as exc:
            show_status(self.status, f"Файл не загружен: {exc}")
            return None
        except REFUSALS as exc:
            show_status(self.status, f"Файл не загружен: {refusal_text(exc)}")
            return None
        self.model.dirty = False
        self.reload(result.list_id)
        where = (f"создан прейскурант «{result.name}»" if result.created
                 else f"строки прейскуранта «{result.name}» заменены")
        show_status(self.status, f"Загружено цен: {result.items}; {where}", error=False)
        return result.list_id

    def print_html(self) -> str:
        if self.current is None:
            return ""
        return table_html(prices.price_list_table(self.context.base, self.current.id))

    def print_list(self) -> None:
        if self.current is not None:
            print_html(self, self.print_html())


__all__ = ["ComparisonDialog", "CopyPriceListDialog", "PriceItemsModel", "PriceListsWidget",
           "print_html", "table_html"]
