"""«Журнал звонков»: the call log as a document tab; missed calls in red; call back."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from vostok_desktop.domain import CallDirection
from vostok_desktop.services.telephony.call_log import PAGE_SIZE, CallRow, list_calls

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
MISSED_COLOUR = QColor("#c62828")


class Column(enum.IntEnum):
    TIME = 0
    DIRECTION = 1
    NUMBER = 2
    CLIENT = 3
    CONTACT = 4
    EMPLOYEE = 5
    DURATION = 6
    RESULT = 7
    REQUEST = 8


HEADERS = {
    Column.TIME: "Время", Column.DIRECTION: "Направление", Column.NUMBER: "Номер",
    Column.CLIENT: "Клиент", Column.CONTACT: "Контактное лицо", Column.EMPLOYEE: "Сотрудник",
    Column.DURATION: "Длительность", Column.RESULT: "Результат", Column.REQUEST: "Обращение",
}


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


def _result(row: CallRow) -> str:
    if row.transferred_to:
        return f"переведён на {row.transferred_to}"
    if row.missed:
        return "пропущен"
    if row.answered:
        return "отвечен"
    return "не отвечен" if row.direction is CallDirection.OUTGOING else "идёт"


class CallLogModel(QAbstractTableModel):
    """Keyset pages of the call log, newest first; more on scroll (fetchMore)."""

    def __init__(self, sessions: sessionmaker[Session], parent: Any = None) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self.rows: list[CallRow] = []
        self._exhausted = False
        self.missed_only = False
        self.employee_id: int | None = None

    def reload(self) -> None:
        self.beginResetModel()
        with self._sessions() as session:
            self.rows = list_calls(session, missed_only=self.missed_only,
                                   employee_id=self.employee_id)
        self._exhausted = len(self.rows) < PAGE_SIZE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and not self._exhausted and bool(self.rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        with self._sessions() as session:
            more = list_calls(session, after=self.rows[-1].key, missed_only=self.missed_only,
                              employee_id=self.employee_id)
        self._exhausted = len(more) < PAGE_SIZE
        if more:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
            self.rows += more
            self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = Column(index.column())
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and row.missed:
            return QBrush(MISSED_COLOUR)
        if role == Qt.ItemDataRole.FontRole and row.missed:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.NUMBER and row.caller_name:
            return f"АТС называет: {row.caller_name}"
        return None

    @staticmethod
    def _text(row: CallRow, column: Column) -> str:
        if column is Column.TIME:
            return row.started_at.astimezone().strftime("%d.%m.%Y %H:%M:%S")
        if column is Column.DIRECTION:
            return "← входящий" if row.direction is CallDirection.INCOMING else "→ исходящий"
        if column is Column.NUMBER:
            return row.number
        if column is Column.CLIENT:
            return row.client_name
        if column is Column.CONTACT:
            return row.contact_name
        if column is Column.EMPLOYEE:
            return f"{row.employee_name} ({row.extension})" if row.employee_name \
                else row.extension
        if column is Column.DURATION:
            return _duration(row.duration_s)
        if column is Column.RESULT:
            return _result(row)
        if column is Column.REQUEST:
            return f"№ {row.request_id}" if row.request_id else ""
        return ""


class CallLogJournal(QWidget):
    """The journal tab. ``call_back(number)`` asks the controller to originate."""

    call_back_requested = Signal(str)

    def __init__(self, sessions: sessionmaker[Session], employee_id: int | None,
                 open_card: Callable[[str, int], object]) -> None:
        super().__init__()
        self.setObjectName("call_log_journal")
        self._open_card = open_card
        self._employee_id = employee_id
        self.model = CallLogModel(sessions, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.missed_box = QCheckBox("Только пропущенные")
        self.mine_box = QCheckBox("Только мои")
        self.call_back_button = QPushButton("Перезвонить")
        self.call_back_button.setToolTip("Позвонить по номеру выбранного звонка с моего "
                                         "телефона")
        self.refresh_button = QPushButton("Обновить")
        self.count_label = QLabel()
        for widget in (self.missed_box, self.mine_box, self.call_back_button,
                       self.refresh_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)
        self.view = QTableView()
        self.view.setObjectName("call_log_view")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        for column, width in ((Column.TIME, 140), (Column.DIRECTION, 100),
                              (Column.NUMBER, 140), (Column.CLIENT, 220),
                              (Column.CONTACT, 200), (Column.EMPLOYEE, 180),
                              (Column.DURATION, 90), (Column.RESULT, 130)):
            self.view.setColumnWidth(column, width)
        layout.addWidget(self.view)
        self.missed_box.toggled.connect(self._filters_changed)
        self.mine_box.toggled.connect(self._filters_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.call_back_button.clicked.connect(self.call_back)
        self.view.doubleClicked.connect(self._activated)
        self.setFocusProxy(self.view)
        self.refresh()

    def _filters_changed(self) -> None:
        self.model.missed_only = self.missed_box.isChecked()
        self.model.employee_id = self._employee_id if self.mine_box.isChecked() else None
        self.refresh()

    def refresh(self) -> None:
        self.model.reload()
        self.count_label.setText(f"Звонков: {len(self.model.rows)}"
                                 + ("+" if self.model.canFetchMore() else ""))
        if self.model.rows:
            self.view.selectRow(0)

    def current_row(self) -> CallRow | None:
        index = self.view.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def call_back(self) -> None:
        row = self.current_row()
        if row is not None and row.number:
            self.call_back_requested.emit(row.number)

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.rows[index.row()]
        if index.column() == Column.CONTACT and row.contact_id:
            self._open_card("contact", row.contact_id)
        elif row.client_id:
            self._open_card("client", row.client_id)
