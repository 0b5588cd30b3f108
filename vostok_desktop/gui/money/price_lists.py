"""«Прейскуранты»: the price lists on the left (name, valid from), the items of the chosen
one on the right in an editable table; «Копировать…» (a new list from a date, prices
raised by a percent), «Сравнить…» («Сопоставление цен прейскурантов»), Excel through the
export gate and printing as a simple table; «Загрузить из Excel…» reads a sheet with
the export's columns into a new list or over the chosen one's lines (a broken file loads
nothing and the message names its row and column).

Keys inside the tab: Insert — new line, Delete — remove the line, F2 — edit the cell,
Ctrl+S — save, Ctrl+E — to Excel. Unsaved edits are never lost silently: switching to
another list or closing asks «Сохранить изменения?».

This module is the screen; the item editor is in ``price_list_items``, the copy and
comparison dialogs in ``price_list_dialogs``, the Excel load in ``price_list_import`` and
the shared helpers in ``price_list_common`` (their names stay importable from here)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import read_only_table, show_status
from vostok_desktop.gui.distributives.common import fill_table, fmt_date
from vostok_desktop.gui.distributives.dialogs import (
    REFUSALS,
    date_edit,
    from_qdate,
    refusal_text,
    to_qdate,
)
from vostok_desktop.gui.money import price_list_import
from vostok_desktop.gui.money.price_list_common import (
    PRICES,
    no_right_tip,
    parse_money,
    print_html,
    table_html,
)
from vostok_desktop.gui.money.price_list_dialogs import ComparisonDialog, CopyPriceListDialog
from vostok_desktop.gui.money.price_list_items import (
    COLUMNS,
    PRICE,
    SERVICE,
    SERVICE_CHOICE,
    SIZE,
    SYSTEM,
    UNIT,
    PriceItemsModel,
    SystemDelegate,
)
from vostok_desktop.services.distributives.reports import write_xlsx
from vostok_desktop.services.money import prices
from vostok_desktop.services.money.prices import PriceItemData, PriceListRow


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
        if not self.may_edit:
            show_status(self.status, no_right_tip(PRICES))
            return None
        if not self.confirm_discard():
            return None
        path = path or price_list_import.choose_file(self)
        if not path:
            return None
        if into_current is None:
            into_current = price_list_import.ask_target(self, self.current)
            if into_current is None:
                return None
        target = self.current.id if into_current and self.current is not None else None
        outcome = price_list_import.load_file(self.context, path, target)
        if outcome.list_id is None:
            show_status(self.status, outcome.message)
            return None
        self.model.dirty = False
        self.reload(outcome.list_id)
        show_status(self.status, outcome.message, error=False)
        return outcome.list_id

    def print_html(self) -> str:
        if self.current is None:
            return ""
        return table_html(prices.price_list_table(self.context.base, self.current.id))

    def print_list(self) -> None:
        if self.current is not None:
            print_html(self, self.print_html())


__all__ = ["COLUMNS", "PRICE", "PRICES", "SERVICE", "SERVICE_CHOICE", "SIZE", "SYSTEM", "UNIT",
           "ComparisonDialog", "CopyPriceListDialog", "PriceItemsModel", "PriceListsWidget",
           "SystemDelegate", "no_right_tip", "parse_money", "print_html", "table_html"]
