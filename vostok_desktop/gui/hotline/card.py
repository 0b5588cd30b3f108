"""The request card (kind «hotline_request»): the question, the answer, the lifecycle
buttons, the search order stage and the history of status and stage changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.hotline import (
    CHANNEL_TITLES,
    LINE_TITLES,
    STATUS_TITLES,
    TRANSITIONS,
    HistoryKind,
    HotlineRequest,
    RequestStatus,
)
from vostok_desktop.gui.cards.base import CardWidget
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.hotline.journal import local_text
from vostok_desktop.services.hotline import requests as hl

STATUS_BUTTONS: list[tuple[RequestStatus, str]] = [
    (RequestStatus.IN_WORK, "В &работу"),
    (RequestStatus.ANSWERED, "&Ответ дан"),
    (RequestStatus.CLOSED, "&Закрыть"),
    (RequestStatus.CANCELLED, "Отменить о&бращение"),
]


class RequestCard(CardWidget):
    kind = "hotline_request"

    def __init__(self, context: AppContext, entity_id: int | None) -> None:
        super().__init__(entity_id)
        self.context = context
        self.setObjectName("hotline_request_card")
        self._title = f"Обращение №{entity_id}"
        self._version: int | None = None
        self._loaded = ("", "")
        self.header_label = QLabel()
        self.header_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.deadline_label = QLabel()
        self.details = QLabel()
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setWordWrap(True)
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setMaximumHeight(80)
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setObjectName("answer_edit")
        self.answer_edit.setTabChangesFocus(True)
        self.answer_edit.setPlaceholderText("Текст ответа")
        self.answer_edit.setMaximumHeight(130)
        self.documents_edit = QLineEdit()
        self.documents_edit.setPlaceholderText("Связанные документы через «;»")
        self.message_label = QLabel()
        self.message_label.setStyleSheet("color: #b00020;")
        self.buttons: dict[RequestStatus, QPushButton] = {}
        status_row = QHBoxLayout()
        for status, text in STATUS_BUTTONS:
            button = QPushButton(text)
            button.setObjectName(f"status_{status.value}")
            button.clicked.connect(lambda _c=False, s=status: self.change_status(s))
            status_row.addWidget(button)
            self.buttons[status] = button
        status_row.addStretch(1)
        self.stage_box = QComboBox()
        self.stage_box.setObjectName("stage_box")
        self.stage_button = QPushButton("Сменить &этап")
        self.stage_button.clicked.connect(self.change_stage)
        self.stage_comment = QLineEdit()
        self.stage_comment.setPlaceholderText("Комментарий к этапу (необязательно)")
        stage_row = QHBoxLayout()
        stage_row.addWidget(self.stage_box)
        stage_row.addWidget(self.stage_comment, 1)
        stage_row.addWidget(self.stage_button)
        self.stage_group = QGroupBox("Этап заказа на поиск документов")
        self.stage_group.setLayout(stage_row)
        self.history_table = QTableWidget(0, 5)
        self.history_table.setObjectName("history_table")
        self.history_table.setHorizontalHeaderLabels(["Когда", "Кто", "Что", "Изменение",
                                                      "Комментарий"])
        self.history_table.verticalHeader().hide()
        self.history_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history_table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch)
        self.history_table.setWordWrap(False)
        self.history_table.verticalHeader().setDefaultSectionSize(24)
        for n, width in enumerate((110, 200, 90, 320)):
            self.history_table.setColumnWidth(n, width)
        form = QFormLayout()
        form.addRow("Вопрос:", self.text_view)
        answer_label = QLabel("Отв&ет:")
        answer_label.setBuddy(self.answer_edit)
        form.addRow(answer_label, self.answer_edit)
        documents_label = QLabel("&Документы:")
        documents_label.setBuddy(self.documents_edit)
        form.addRow(documents_label, self.documents_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header_label)
        layout.addWidget(self.deadline_label)
        layout.addWidget(self.details)
        layout.addLayout(form)
        layout.addLayout(status_row)
        layout.addWidget(self.message_label)
        layout.addWidget(self.stage_group)
        history_label = QLabel("История (кто и когда менял состояние и этап):")
        layout.addWidget(history_label)
        layout.addWidget(self.history_table, 1)
        self.answer_edit.textChanged.connect(self._dirty_changed)
        self.documents_edit.textChanged.connect(self._dirty_changed)
        self.reload()

    # -- CardWidget --------------------------------------------------------------------------
    def title(self) -> str:
        return self._title

    def is_dirty(self) -> bool:
        return (self.answer_edit.toPlainText().strip(), self._documents_text()) != self._loaded

    def _documents_text(self) -> str:
        return "\n".join(p.strip() for p in self.documents_edit.text().split(";") if p.strip())

    def _dirty_changed(self) -> None:
        self.dirty_changed.emit(self.is_dirty())

    def save(self) -> bool:
        if self.entity_id is None:
            return True
        try:
            with self.context.base.sessions.begin() as session:
                hl.update_details(session, self.entity_id, expected_version=self._version,
                                  answer=self.answer_edit.toPlainText(),
                                  documents=self._documents_text())
        except hl.RequestError as exc:
            self.message_label.setText(str(exc))
            return False
        self.context.bus.announce("hotline_request", [self.entity_id])
        self.reload()
        return True

    def reload(self) -> None:
        if self.entity_id is None:
            return
        with self.context.base.sessions() as session:
            row = hl.request_row(session, self.entity_id)
            request = session.get(HotlineRequest, self.entity_id)
            trail = hl.history(session, self.entity_id)
            stages = hl.stages(session)
            is_search = bool(request and request.type.is_search_order)
            version = request.version if request else None
            answer = request.answer if request else ""
            documents = request.documents if request else ""
        if row is None:
            self.header_label.setText(f"Обращение №{self.entity_id} не найдено")
            return
        self.row = row
        self._version = version
        self._title = f"Обращение №{row.id}"
        self.title_changed.emit(self._title)
        who = row.contact_name + (" — " if row.contact_name else "") + row.client_name
        self.header_label.setText(f"№{row.id} · {row.type_name} · {who}")
        urgency = row.urgency(utcnow())
        mark = {"overdue": " — ПРОСРОЧЕНО", "due_soon": " — истекает в течение часа"}
        colour = {"overdue": "#b00020", "due_soon": "#9a6700"}.get(urgency, "#1a1a1a")
        self.deadline_label.setText(
            f"Состояние: {STATUS_TITLES[row.status]} · срок ответа {local_text(row.deadline_at)}"
            + mark.get(urgency, "")
            + (f" · ответ дан {local_text(row.answered_at)}" if row.answered_at else ""))
        self.deadline_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.details.setText(
            f"{LINE_TITLES[row.line]} · канал: {CHANNEL_TITLES[row.channel]} · поступило "
            f"{local_text(row.received_at)} · оператор: {row.operator_name or '—'}")
        self.text_view.setPlainText(row.text)
        self.answer_edit.blockSignals(True)
        self.answer_edit.setPlainText(answer)
        self.answer_edit.blockSignals(False)
        self.documents_edit.blockSignals(True)
        self.documents_edit.setText("; ".join(documents.splitlines()))
        self.documents_edit.blockSignals(False)
        self._loaded = (answer.strip(), documents.strip())
        for status, button in self.buttons.items():
            button.setEnabled(status in TRANSITIONS[row.status])
        if row.status is RequestStatus.ANSWERED:
            self.buttons[RequestStatus.IN_WORK].setText("Вернуть в &работу")
        self.stage_group.setVisible(is_search)
        self.stage_box.clear()
        for stage in stages:
            self.stage_box.addItem(stage.name, stage.id)
        self.stage_box.setCurrentIndex(max(0, self.stage_box.findText(row.stage_name)))
        self.stage_group.setEnabled(row.status not in (RequestStatus.CLOSED,
                                                       RequestStatus.CANCELLED))
        self.history_table.setRowCount(len(trail))
        for n, h in enumerate(trail):
            what = "Этап" if h.kind == HistoryKind.STAGE else "Состояние"
            change = f"{h.old_value} → {h.new_value}" if h.old_value else h.new_value
            for c, value in enumerate((local_text(h.changed_at), h.employee_name, what, change,
                                       h.comment)):
                self.history_table.setItem(n, c, QTableWidgetItem(value))
        self.dirty_changed.emit(False)

    # -- commands ------------------------------------------------------------------------------
    def change_status(self, status: RequestStatus) -> None:
        if self.entity_id is None:
            return
        try:
            with self.context.base.sessions.begin() as session:
                hl.change_status(session, self.entity_id, status, self.context.employee_id,
                                 answer=self.answer_edit.toPlainText())
                hl.update_details(session, self.entity_id, documents=self._documents_text())
        except hl.RequestError as exc:
            self.message_label.setText(str(exc))
            if "ответа" in str(exc):
                self.answer_edit.setFocus()
            return
        self.message_label.setText("")
        self.context.bus.announce("hotline_request", [self.entity_id])
        self.reload()

    def change_stage(self) -> None:
        stage_id = self.stage_box.currentData()
        if self.entity_id is None or stage_id is None:
            return
        try:
            with self.context.base.sessions.begin() as session:
                hl.set_stage(session, self.entity_id, stage_id, self.context.employee_id,
                             comment=self.stage_comment.text())
        except hl.RequestError as exc:
            self.message_label.setText(str(exc))
            return
        self.stage_comment.clear()
        self.message_label.setText("")
        self.context.bus.announce("hotline_request", [self.entity_id])
        self.reload()


def card_factory(context: AppContext) -> object:
    def build(entity_id: int | None) -> QWidget:
        return RequestCard(context, entity_id)

    return build
