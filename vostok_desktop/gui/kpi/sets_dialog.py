"""«Наборы показателей»: the sets of indicators per role («Руководитель продаж»,
«Лидер РИЦ», «НСС»…). A set has a title, optionally the job role it is the default of,
and ordered indicators each with an optional «нужен контакт» threshold. Keyboard: Insert
adds the indicator chosen in «Добавить», Delete removes the current one, Ctrl+Up /
Ctrl+Down move it; Ctrl+S writes. Read-only without «Настройка показателей KPI»."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.access import RIGHT_TITLES, Right
from vostok_desktop.domain.org import ROLE_TITLES
from vostok_desktop.gui.kpi.common import (
    CTRL,
    NO_MOD,
    KeyHandler,
    ListEditorMixin,
    announce,
    error_text,
    read_only_label,
    set_buddies,
)
from vostok_desktop.services.kpi import indicators, sets
from vostok_desktop.services.kpi.plans import format_value
from vostok_desktop.services.kpi.sets import SetItemData, SetRow

ITEM_COLUMNS = ("Показатель", "Ед.", "Порог «нужен контакт»")
THRESHOLD_COL = 2


class SetsDialog(ListEditorMixin, QDialog):
    """«Наборы показателей»."""

    EDITOR_TITLE = "Наборы показателей"
    EDITOR_WHAT = "Набор"
    NEW_TEXT = "Новый набор: название, роль и показатели, затем «Записать»"
    SAVED_TEXT = "Набор записан"
    TABLE = "kpi_sets"

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpi_sets_dialog")
        self.setWindowTitle("Наборы показателей")
        self.context = context
        self.may_edit = context.allows(Right.KPI_SETUP)
        self.sets: list[SetRow] = []
        self.current_id: int | None = None
        self._filling = False
        self.dirty = False
        self.indicators = {r.id: r for r in indicators.list_indicators(context.base)}

        # -- the list of sets ----------------------------------------------------------
        self.list = QListWidget()
        self.list.setObjectName("set_list")
        self.list.currentRowChanged.connect(lambda _r: self._picked())
        list_label = QLabel("&Наборы:")
        list_label.setBuddy(self.list)
        self.new_button = QPushButton("Но&вый")
        self.new_button.setObjectName("new_set")
        self.new_button.clicked.connect(lambda: self.new())
        self.delete_button = QPushButton("Удалит&ь")
        self.delete_button.setObjectName("delete_set")
        self.delete_button.clicked.connect(lambda: self.delete())
        for b in (self.new_button, self.delete_button):
            b.setAutoDefault(False)
        KeyHandler(self.list, {(Qt.Key.Key_Insert, NO_MOD): self.new,
                               (Qt.Key.Key_Delete, NO_MOD): self.delete})
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(list_label)
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        left.addLayout(row)
        left_widget = QWidget()
        left_widget.setLayout(left)

        # -- the editor ----------------------------------------------------------------
        self.title = QLineEdit()
        self.title.setObjectName("set_title")
        self.title.setMaxLength(sets.MAX_TITLE)
        self.title.setPlaceholderText("например, Руководитель продаж")
        self.role = QComboBox()
        self.role.setObjectName("set_role")
        self.role.addItem("— не назначен роли —", None)
        for role, text in ROLE_TITLES.items():
            self.role.addItem(text, role)
        self.role.setToolTip("Набор по умолчанию для сотрудников этой роли (у роли один)")
        self.items = QTableWidget(0, len(ITEM_COLUMNS))
        self.items.setObjectName("set_items")
        self.items.setHorizontalHeaderLabels(ITEM_COLUMNS)
        self.items.verticalHeader().hide()
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            if self.may_edit else QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.add_combo = QComboBox()
        self.add_combo.setObjectName("set_add_indicator")
        self.add_button = QPushButton("&Добавить")
        self.add_button.setObjectName("add_item")
        self.add_button.setToolTip("Добавить показатель в набор (Insert в таблице)")
        self.add_button.clicked.connect(lambda: self.add_item())
        self.remove_button = QPushButton("&Убрать")
        self.remove_button.setObjectName("remove_item")
        self.remove_button.setToolTip("Убрать показатель из набора (Delete в таблице)")
        self.remove_button.clicked.connect(lambda: self.remove_item())
        self.up_button = QPushButton("В&ыше")
        self.up_button.setObjectName("item_up")
        self.up_button.setToolTip("Переместить выше (Ctrl+↑)")
        self.up_button.clicked.connect(lambda: self.move_item(-1))
        self.down_button = QPushButton("Ни&же")
        self.down_button.setObjectName("item_down")
        self.down_button.setToolTip("Переместить ниже (Ctrl+↓)")
        self.down_button.clicked.connect(lambda: self.move_item(1))
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            b.setAutoDefault(False)
        KeyHandler(self.items, {(Qt.Key.Key_Insert, NO_MOD): self.add_item,
                                (Qt.Key.Key_Delete, NO_MOD): self.remove_item,
                                (Qt.Key.Key_Up, CTRL): lambda: self.move_item(-1),
                                (Qt.Key.Key_Down, CTRL): lambda: self.move_item(1)})
        self.save_button = QPushButton("&Записать")
        self.save_button.setObjectName("save_set")
        self.save_button.setToolTip("Записать набор (Ctrl+S)")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(lambda: self.save())
        QShortcut(QKeySequence("Ctrl+S"), self, lambda: self.save())
        self.status = QLabel()
        self.status.setObjectName("set_status")
        self.status.setWordWrap(True)

        form = QFormLayout()
        form.addRow("На&звание:", self.title)
        form.addRow("&Роль:", self.role)
        set_buddies(form)
        add_row = QHBoxLayout()
        add_label = QLabel("&Показатель:")
        add_label.setBuddy(self.add_combo)
        add_row.addWidget(add_label)
        add_row.addWidget(self.add_combo, 1)
        add_row.addWidget(self.add_button)
        move_row = QHBoxLayout()
        move_row.addWidget(self.up_button)
        move_row.addWidget(self.down_button)
        move_row.addWidget(self.remove_button)
        move_row.addStretch(1)
        items_label = QLabel("Показатели &набора (по порядку):")
        items_label.setBuddy(self.items)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        if not self.may_edit:
            right.addWidget(read_only_label(RIGHT_TITLES[Right.KPI_SETUP]))
        right.addLayout(form)
        right.addWidget(items_label)
        right.addWidget(self.items, 1)
        right.addLayout(move_row)
        right.addLayout(add_row)
        save_row = QHBoxLayout()
        save_row.addWidget(self.status, 1)
        save_row.addWidget(self.save_button)
        right.addLayout(save_row)
        right_widget = QWidget()
        right_widget.setLayout(right)
        splitter = QSplitter()
        splitter.addWidget(left_widget)
        splitter.addWidget(right_widget)
        splitter.setSizes([260, 600])
        close = QPushButton("Закрыть")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(900, 500)

        self.title.textEdited.connect(lambda _t: self._edited())
        self.role.activated.connect(lambda _i: self._edited())
        self.items.itemChanged.connect(lambda _i: self._edited())
        self._fill_add_combo()
        if not self.may_edit:
            self.title.setReadOnly(True)
            for w in (self.role, self.add_combo, self.add_button, self.remove_button,
                      self.up_button, self.down_button, self.save_button, self.new_button,
                      self.delete_button):
                w.setEnabled(False)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        (self.title if self.current_id is None and self.may_edit else self.list).setFocus()

    def _fill_add_combo(self) -> None:
        self.add_combo.clear()
        for row in sorted(self.indicators.values(), key=lambda r: r.title):
            if not row.archived:
                self.add_combo.addItem(row.label, row.id)

    # -- the list ----------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        self.sets = sets.list_sets(self.context.base)
        self._filling = True
        try:
            self.list.clear()
            for st in self.sets:
                text = st.title + (f"  — {st.role_title}" if st.role else "")
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, st.id)
                self.list.addItem(item)
        finally:
            self._filling = False
        ids = [st.id for st in self.sets]
        wanted = select_id if select_id in ids else self.current_id
        if wanted not in ids:
            wanted = ids[0] if ids else None
        self.dirty = False
        if wanted is None:
            self.new()
        else:
            self._select_id(wanted)
            self.current_id = wanted
            self._show(self.current_set())

    def _entries(self) -> list[SetRow]:
        return self.sets

    def current_set(self) -> SetRow | None:
        return self.current_entry()  # type: ignore[no-any-return]

    def _show(self, st: SetRow | None) -> None:
        self._filling = True
        try:
            self.title.setText(st.title if st else "")
            self.role.setCurrentIndex(self.role.findData(st.role) if st and st.role else 0)
            self.items.setRowCount(0)
            for item in st.items if st else ():
                self._append(item.indicator_id, format_value(item.threshold))
        finally:
            self._filling = False
        self.delete_button.setEnabled(self.may_edit and st is not None)
        self.status.clear()
        self.dirty = False

    def _append(self, indicator_id: int, threshold: str = "") -> None:
        row = self.indicators.get(indicator_id)
        r = self.items.rowCount()
        self.items.insertRow(r)
        name = QTableWidgetItem(row.label if row else str(indicator_id))
        name.setData(Qt.ItemDataRole.UserRole, indicator_id)
        name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
        unit = QTableWidgetItem(row.unit if row else "")
        unit.setFlags(unit.flags() & ~Qt.ItemFlag.ItemIsEditable)
        limit = QTableWidgetItem(threshold)
        limit.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        limit.setToolTip("Пусто — без порога. Для показателя «чем больше, тем лучше» "
                         "контакт нужен, когда факт ниже порога, иначе — когда выше")
        for c, cell in enumerate((name, unit, limit)):
            self.items.setItem(r, c, cell)

    # -- editing -----------------------------------------------------------------------
    def item_ids(self) -> list[int]:
        return [self.items.item(r, 0).data(Qt.ItemDataRole.UserRole)
                for r in range(self.items.rowCount())]

    def add_item(self) -> bool:
        if not self.may_edit:
            return False
        indicator_id = self.add_combo.currentData()
        if indicator_id is None:
            return False
        if indicator_id in self.item_ids():
            self.status.setText("Этот показатель уже в наборе")
            return False
        self._append(indicator_id)
        self.dirty = True
        self.items.setCurrentCell(self.items.rowCount() - 1, THRESHOLD_COL)
        self.items.setFocus()
        return True

    def remove_item(self) -> bool:
        r = self.items.currentRow()
        if not self.may_edit or r < 0:
            return False
        self.items.removeRow(r)
        self.dirty = True
        if self.items.rowCount():
            self.items.setCurrentCell(min(r, self.items.rowCount() - 1), 0)
        return True

    def move_item(self, step: int) -> bool:
        r = self.items.currentRow()
        target = r + step
        if not self.may_edit or r < 0 or not 0 <= target < self.items.rowCount():
            return False
        column = max(self.items.currentColumn(), 0)
        taken = [self.items.takeItem(r, c) for c in range(self.items.columnCount())]
        self.items.removeRow(r)
        self.items.insertRow(target)
        for c, cell in enumerate(taken):
            self.items.setItem(target, c, cell)
        self.items.setCurrentCell(target, column)
        self.dirty = True
        return True

    def data(self) -> list[SetItemData]:
        return [SetItemData(self.items.item(r, 0).data(Qt.ItemDataRole.UserRole),
                            self.items.item(r, THRESHOLD_COL).text())
                for r in range(self.items.rowCount())]

    def _first_field(self) -> QWidget:
        return self.title

    def _save_entry(self) -> int:
        if self.items.state() == QAbstractItemView.State.EditingState:
            self.items.setCurrentCell(self.items.currentRow(), 0)  # the typed threshold
        return sets.save_set(self.context.base, self.title.text(), self.role.currentData(),
                             self.data(), self.context.employee_id, set_id=self.current_id,
                             profile=self.context.access)

    def delete(self) -> bool:
        st = self.current_set()
        if st is None or not self.may_edit:
            return False
        answer = QMessageBox.question(self, "Удаление набора",
                                      f"Удалить набор «{st.title}»? Показатели останутся.")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            sets.delete_set(self.context.base, st.id, self.context.employee_id,
                            profile=self.context.access)
        except Exception as exc:  # noqa: BLE001
            self.status.setText(f"Не удалено: {error_text(exc)}")
            return False
        self.current_id = None
        self.reload()
        self.status.setText(f"Набор «{st.title}» удалён")
        announce(self.context, "kpi_sets")
        return True


__all__ = ["SetsDialog"]
