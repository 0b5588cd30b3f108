"""The requests journal («Журнал обращений», a document tab) and the «Обращения» pages of
the client and contact cards: one table model, overdue in red, due within the hour in
amber, open requests first."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime, time, timedelta

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from vostok_desktop.domain import Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.hotline import (
    CHANNEL_TITLES,
    LINE_SHORT,
    STATUS_TITLES,
    HotlineLine,
    RequestStatus,
)
from vostok_desktop.domain.org import EmployeeRole
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.hotline import requests as hl

OVERDUE_BG = QColor("#f6c9c9")
OVERDUE_FG = QColor("#8b0000")
DUE_SOON_BG = QColor("#ffe2a1")
CLOSED_FG = QColor("#6b7785")

Index = QModelIndex | QPersistentModelIndex


class Col(enum.IntEnum):
    ID = 0
    LINE = 1
    RECEIVED = 2
    DEADLINE = 3
    STATUS = 4
    CLIENT = 5
    CONTACT = 6
    TYPE = 7
    TEXT = 8
    STAGE = 9
    OPERATOR = 10
    CHANNEL = 11


HEADERS = {
    Col.ID: "№", Col.LINE: "Линия", Col.RECEIVED: "Поступило", Col.DEADLINE: "Срок ответа",
    Col.STATUS: "Состояние", Col.CLIENT: "Клиент", Col.CONTACT: "Контактное лицо",
    Col.TYPE: "Тип", Col.TEXT: "Вопрос", Col.STAGE: "Этап", Col.OPERATOR: "Оператор",
    Col.CHANNEL: "Канал",
}
WIDTHS = {Col.ID: 50, Col.LINE: 45, Col.RECEIVED: 112, Col.DEADLINE: 120, Col.STATUS: 135,
          Col.CLIENT: 190, Col.CONTACT: 170, Col.TYPE: 170, Col.TEXT: 280, Col.STAGE: 120,
          Col.OPERATOR: 150, Col.CHANNEL: 90}
ID_ROLE = Qt.ItemDataRole.UserRole + 1
URGENCY_ROLE = Qt.ItemDataRole.UserRole + 2


def local_text(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d.%m.%y %H:%M") if moment else ""


class RequestTableModel(QAbstractTableModel):
    """Rows of requests (already filtered and ordered by the service)."""

    def __init__(self, clock: Callable[[], datetime] = utcnow,
                 columns: list[Col] | None = None) -> None:
        super().__init__()
        self.rows: list[hl.RequestRow] = []
        self.columns = columns or list(Col)
        self.clock = clock
        self._now = clock()

    def set_rows(self, rows: list[hl.RequestRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._now = self.clock()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[self.columns[section]]
        return None

    def row_id(self, row: int) -> int | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = self.columns[index.column()]
        urgency = row.urgency(self._now)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == Col.TEXT:
                return row.text
            if urgency == "overdue":
                return "Срок ответа прошёл"
            if urgency == "due_soon":
                return "Срок ответа истекает в течение часа"
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if urgency == "overdue":
                return QBrush(OVERDUE_BG)
            if urgency == "due_soon":
                return QBrush(DUE_SOON_BG)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if urgency == "overdue":
                return QBrush(OVERDUE_FG)
            if not row.is_open:
                return QBrush(CLOSED_FG)
            return None
        if role == Qt.ItemDataRole.FontRole and urgency == "overdue" and col == Col.DEADLINE:
            font = QFont()
            font.setBold(True)
            return font
        if role == ID_ROLE:
            return row.id
        if role == URGENCY_ROLE:
            return urgency
        return None

    @staticmethod
    def _text(row: hl.RequestRow, col: Col) -> str:
        return {
            Col.ID: str(row.id),
            Col.LINE: LINE_SHORT[row.line],
            Col.RECEIVED: local_text(row.received_at),
            Col.DEADLINE: local_text(row.deadline_at),
            Col.STATUS: STATUS_TITLES[row.status],
            Col.CLIENT: row.client_name,
            Col.CONTACT: row.contact_name,
            Col.TYPE: row.type_name,
            Col.TEXT: " ".join(row.text.split())[:200],
            Col.STAGE: row.stage_name,
            Col.OPERATOR: row.operator_name,
            Col.CHANNEL: CHANNEL_TITLES[row.channel],
        }[col]


class RequestTable(QTableView):
    """The list itself: Enter opens the request card."""

    def __init__(self, model: RequestTableModel, open_request: Callable[[int], None]) -> None:
        super().__init__()
        self.setModel(model)
        self.open_request = open_request
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        for n, col in enumerate(model.columns):
            self.setColumnWidth(n, WIDTHS[col])
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if Col.TEXT in model.columns:
            header.setSectionResizeMode(model.columns.index(Col.TEXT),
                                        QHeaderView.ResizeMode.Stretch)
        self.doubleClicked.connect(lambda index: self._open(index.row()))

    def _open(self, row: int) -> None:
        request_id = self.model().row_id(row)  # type: ignore[attr-defined]
        if request_id is not None:
            self.open_request(request_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex().row())
            return
        super().keyPressEvent(event)


def _combo(items: list[tuple[str, object]], name: str, chars: int = 0) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    if chars:
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(chars)
    for title, data in items:
        box.addItem(title, data)
    return box


class RequestsJournal(QWidget):
    """«Журнал обращений»: filters above, the list below; refreshes on changes."""

    def __init__(self, context: AppContext, open_request: Callable[[int], None],
                 clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__()
        self.setObjectName("hotline_journal")
        self.context = context
        self.clock = clock
        with context.base.sessions() as session:
            types = hl.request_types(session, active_only=False)
            operators = session.execute(
                select(Employee.id, Employee.full_name)
                .where(Employee.is_active.is_(True),
                       Employee.role.in_([EmployeeRole.OPERATOR, EmployeeRole.HEAD,
                                          EmployeeRole.ADMIN, EmployeeRole.SERVICE_ENGINEER]))
                .order_by(Employee.full_name)).all()
            clients = [(name, i) for i, name in hl.clients_with_requests(session)]
        self.line_box = _combo([("ГЛ и ЛК", None)]
                               + [(LINE_SHORT[x], x.value) for x in HotlineLine], "line_filter")
        self.status_box = _combo([("Открытые", "open"), ("Все состояния", None)]
                                 + [(t, s.value) for s, t in STATUS_TITLES.items()],
                                 "status_filter")
        self.type_box = _combo([("Все типы", None)] + [(t.name, t.id) for t in types],
                               "type_filter", 18)
        mine = [("Мои", context.employee_id)] if context.employee_id else []
        self.operator_box = _combo([("Все операторы", None)] + mine
                                   + [(n, i) for i, n in operators if i != context.employee_id],
                                   "operator_filter", 18)
        self.client_box = _combo([("Все клиенты", None)] + clients, "client_filter", 22)
        # Typing filters by any part of the name (clients with requests only).
        self.client_box.setEditable(True)
        self.client_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.client_box.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.client_box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.period_check = QCheckBox("&Период:")
        self.period_check.setObjectName("period_filter")
        today = QDate.currentDate()
        self.from_edit = QDateEdit(today.addDays(-30))
        self.to_edit = QDateEdit(today)
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.setEnabled(False)
        self.period_check.toggled.connect(self.from_edit.setEnabled)
        self.period_check.toggled.connect(self.to_edit.setEnabled)
        self.refresh_button = QPushButton("Обновить (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        self.count_label = QLabel()
        self.legend_label = QLabel(
            f"<span style='background:{OVERDUE_BG.name()}; color:{OVERDUE_FG.name()}'>"
            "&nbsp;просрочено&nbsp;</span>&nbsp;&nbsp;"
            f"<span style='background:{DUE_SOON_BG.name()}'>&nbsp;срок в течение часа&nbsp;"
            "</span>")
        filters = QHBoxLayout()
        second = QHBoxLayout()
        for row, label, widget in ((filters, "&Линия:", self.line_box),
                                   (filters, "&Состояние:", self.status_box),
                                   (filters, "&Тип:", self.type_box),
                                   (filters, "&Оператор:", self.operator_box),
                                   (second, "&Клиент:", self.client_box)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget)
        filters.addStretch(1)
        second.addSpacing(12)
        second.addWidget(self.period_check)
        second.addWidget(self.from_edit)
        second.addWidget(QLabel("—"))
        second.addWidget(self.to_edit)
        second.addWidget(self.refresh_button)
        second.addStretch(1)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.legend_label)
        self.model = RequestTableModel(clock)
        self.table = RequestTable(self.model, open_request)
        self.table.setObjectName("hotline_journal_table")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addLayout(second)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)
        for box in (self.line_box, self.status_box, self.type_box, self.operator_box,
                    self.client_box):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period_check.toggled.connect(lambda _c: self.refresh())
        self.from_edit.dateChanged.connect(lambda _d: self.refresh())
        self.to_edit.dateChanged.connect(lambda _d: self.refresh())
        context.bus.entities_changed.connect(self._changed)
        self.refresh()

    def set_client(self, client_id: int, name: str) -> None:
        """Only this client's requests (e.g. opened from a client card)."""
        index = self.client_box.findData(client_id)
        if index < 0:
            self.client_box.addItem(name, client_id)
            index = self.client_box.count() - 1
        self.client_box.setCurrentIndex(index)

    def current_filter(self) -> hl.RequestFilter:
        status = self.status_box.currentData()
        line = self.line_box.currentData()
        type_id = self.type_box.currentData()
        flt = hl.RequestFilter(
            lines=[HotlineLine(line)] if line else [],
            open_only=status == "open",
            statuses=[RequestStatus(status)] if status and status != "open" else [],
            type_ids=[type_id] if type_id else [],
            operator_id=self.operator_box.currentData(),
            client_id=self.client_box.currentData(),
        )
        if self.period_check.isChecked():
            start = datetime.combine(self.from_edit.date().toPython(), time()).astimezone()
            end = datetime.combine(self.to_edit.date().toPython(), time()).astimezone()
            flt.received_from, flt.received_to = start, end + timedelta(days=1)
        return flt

    def refresh(self) -> None:
        current = self.model.row_id(self.table.currentIndex().row())
        with self.context.base.sessions() as session:
            rows = hl.list_requests(session, self.current_filter())
        self.model.set_rows(rows)
        now = self.model._now
        overdue = sum(1 for r in rows if r.urgency(now) == "overdue")
        soon = sum(1 for r in rows if r.urgency(now) == "due_soon")
        limit = " (показаны первые)" if len(rows) >= hl.JOURNAL_LIMIT else ""
        self.count_label.setText(f"Обращений: {len(rows)}{limit} · просрочено: {overdue} · "
                                 f"срок в течение часа: {soon}")
        row = next((n for n, r in enumerate(rows) if r.id == current), 0 if rows else -1)
        if row >= 0:
            self.table.selectRow(row)

    def _changed(self, kind: str, _ids: list) -> None:
        if kind == "hotline_request":
            self.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_F5:
            self.refresh()
            return
        super().keyPressEvent(event)


class RequestsPage(QWidget):
    """The «Обращения» page of a client or contact card."""

    def __init__(self, context: AppContext, card: object, kind: str,
                 new_request: Callable[[str, int], None],
                 open_request: Callable[[int], None]) -> None:
        super().__init__()
        self.context = context
        self.card = card
        self.kind = kind
        self.entity_id: int | None = None
        self.new_button = QPushButton("&Новое обращение…")
        self.new_button.setObjectName("new_request_button")
        self.new_button.clicked.connect(
            lambda: self.entity_id is not None and new_request(self.kind, self.entity_id))
        self.summary_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.summary_label, 1)
        columns = [Col.ID, Col.LINE, Col.RECEIVED, Col.DEADLINE, Col.STATUS, Col.TYPE,
                   Col.TEXT, Col.STAGE, Col.OPERATOR]
        if kind == "client":
            columns.insert(5, Col.CONTACT)
        self.model = RequestTableModel(columns=columns)
        self.table = RequestTable(self.model, open_request)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        context.bus.entities_changed.connect(self._changed)

    def card_loaded(self, entity_id: int | None) -> None:
        self.entity_id = entity_id
        self.new_button.setEnabled(entity_id is not None)
        self.refresh()

    def refresh(self) -> None:
        if self.entity_id is None:
            self.model.set_rows([])
            self.summary_label.setText("Обращения появятся после сохранения карточки")
            return
        flt = (hl.RequestFilter(client_id=self.entity_id) if self.kind == "client"
               else hl.RequestFilter(contact_id=self.entity_id))
        flt.limit = 500
        with self.context.base.sessions() as session:
            rows = hl.list_requests(session, flt)
        self.model.set_rows(rows)
        opened = sum(1 for r in rows if r.is_open)
        self.summary_label.setText(f"Всего: {len(rows)}, открытых: {opened}")

    def _changed(self, kind: str, _ids: list) -> None:
        if kind == "hotline_request" and self.entity_id is not None:
            self.refresh()
