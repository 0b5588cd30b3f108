"""The event card: a tab with the pages «Участники» (Ctrl+→ moves the selection to the
next stage, Delete cancels their participation), «Итоги» (invoiced and paid sums,
expected attendance, feedback — read again whenever participants, invoices or payments
change, here or at another workstation) and «Сведения» (the event's details)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.education import STAGE_TITLES, ParticipantStatus
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.cards.base import CardWidget
from vostok_desktop.gui.cards.widgets import (
    HINT_COLOUR,
    fmt_dt,
    read_only_table,
    set_text_colour,
    show_status,
    style_header,
)
from vostok_desktop.gui.education.event_form import EventForm
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.documents.printing import money
from vostok_desktop.services.education import participants as pt
from vostok_desktop.services.education.certificates import (
    certificate_text,
    mark_handed,
    print_certificates,
)
from vostok_desktop.services.education.events import get_event
from vostok_desktop.services.education.summary import EventSummary, event_summary

KIND = "education_event"
PARTICIPANTS_SCOPE = "education_participants"
# What the «Итоги» page listens to (this workstation's announcements, others' notices).
RELEVANT_KINDS = frozenset({"education_participant", "education_event", "payment",
                            "money_document"})
RELEVANT_TABLES = frozenset({"event_participants", "education_events", "payment_allocations",
                             "money_documents", "payments"})
REFRESH_DELAY_MS = 300
COLUMNS = ["Участник", "Должность", "Клиент", "Стадия", "Статус", "Счёт", "Оплачено",
           "Оценка", "Сертификат", "Вручён"]
PARTICIPANT_ACTIONS = ("education.next_stage", "education.previous_stage",
                       "education.cancel_participant", "education.no_show",
                       "education.restore_participant", "education.feedback",
                       "education.issue_invoices", "education.certificates",
                       "education.hand_over")


def _item(text: str, data: Any = None, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class ParticipantsPage(QWidget):
    def __init__(self, card: EventCard) -> None:
        super().__init__(card)
        self.setObjectName("education_participants_page")
        self.card = card
        self.context = card.context
        self.rows: list[pt.ParticipantRow] = []
        self.table = QTableWidget()
        self.table.setObjectName("participants_table")
        read_only_table(self.table, COLUMNS)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel()
        self.status.setObjectName("participants_status")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        hint = QLabel("Ctrl+→ — следующая стадия, Delete — отменить участие. Счета и "
                      "сертификаты — выделенным (если выделено несколько) или всем. Записать "
                      "людей: выберите их в списке контактных лиц и дайте команду «Записать "
                      "на мероприятие…».")
        hint.setWordWrap(True)
        set_text_colour(hint, HINT_COLOUR)
        buttons = QHBoxLayout()
        a = self.context.actions
        for action_id in ("education.next_stage", "education.cancel_participant",
                          "education.issue_invoices", "education.certificates",
                          "education.hand_over"):
            button = QPushButton(a.action(action_id).text())
            button.setObjectName(f"button_{action_id.split('.')[1]}")
            button.clicked.connect(lambda _c=False, i=action_id: a.trigger(i))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(hint)
        for action_id in PARTICIPANT_ACTIONS:
            a.attach(action_id, self.table)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

    def _context_menu(self, pos: Any) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        for action_id in PARTICIPANT_ACTIONS:
            menu.addAction(self.context.actions.action(action_id))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def reload(self) -> None:
        selected = set(self.selected_ids())
        self.rows = pt.list_participants(self.context.base, self.card.entity_id)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            paid = "" if row.invoice_total is None else (
                "полностью" if row.paid_in_full else money(row.invoice_paid or 0))
            cert = certificate_text(self.card.entity_id, row.certificate_number) \
                if row.certificate_number else ""
            cells = [_item(row.contact_name, row.id), _item(row.position),
                     _item(row.client_name), _item(row.stage_title), _item(row.status_title),
                     _item(row.invoice_number), _item(paid, right=True),
                     _item(str(row.feedback_score or ""), right=True), _item(cert),
                     _item(fmt_dt(row.certificate_handed_at))]
            for c, cell in enumerate(cells):
                if row.status is not ParticipantStatus.REGISTERED:
                    cell.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, cell)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(self.rows):
            if row.id in selected:
                self.table.selectRow(r)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}) \
            if self.table.selectionModel() else []
        if not rows and self.table.currentRow() >= 0 and self.table.rowCount():
            rows = [self.table.currentRow()]
        return [self.rows[r].id for r in rows if r < len(self.rows)]

    def several_or_all(self) -> list[int] | None:
        """The selected participants when several are selected, else None (all)."""
        ids = self.selected_ids()
        return ids if len(ids) > 1 else None

    def say(self, text: str, error: bool = False) -> None:
        show_status(self.status, text, error=error)


class ResultsPage(QWidget):
    """«Итоги»: read at once when shown and two tenths of a second after a change."""

    def __init__(self, card: EventCard) -> None:
        super().__init__(card)
        self.setObjectName("education_results_page")
        self.card = card
        self.summary: EventSummary | None = None
        self.reloads = 0
        self.labels: dict[str, QLabel] = {}
        money_box = QGroupBox("Деньги")
        money_form = QFormLayout(money_box)
        people_box = QGroupBox("Участники")
        people_form = QFormLayout(people_box)
        stages_box = QGroupBox("По стадиям (без отменивших)")
        stages_form = QFormLayout(stages_box)
        other_box = QGroupBox("Отзывы и сертификаты")
        other_form = QFormLayout(other_box)
        for form, key, title in (
                (money_form, "invoiced", "Выставлено счетов, ₽:"),
                (money_form, "paid", "Оплачено, ₽:"),
                (money_form, "debt", "Не оплачено, ₽:"),
                (people_form, "expected", "Ожидается (записано без отказавшихся):"),
                (people_form, "attended", "Посетили:"),
                (people_form, "cancelled", "Отменили участие:"),
                (people_form, "no_show", "Не пришли:"),
                (people_form, "free", "Свободных мест:"),
                *((stages_form, f"stage_{stage.value}", f"{title}:")
                  for stage, title in STAGE_TITLES.items()),
                (other_form, "score", "Средняя оценка:"),
                (other_form, "certificates", "Сертификатов напечатано / вручено:")):
            label = QLabel()
            label.setObjectName(f"result_{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.labels[key] = label
            form.addRow(title, label)
        big = self.labels["paid"].font()
        big.setPointSizeF(big.pointSizeF() * 1.3)
        big.setBold(True)
        for key in ("invoiced", "paid", "expected", "attended"):
            self.labels[key].setFont(big)
        boxes = QHBoxLayout()
        boxes.addWidget(money_box, 1)
        boxes.addWidget(people_box, 1)
        lower = QHBoxLayout()
        lower.addWidget(stages_box, 1)
        lower.addWidget(other_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(boxes)
        layout.addLayout(lower)
        layout.addStretch(1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_DELAY_MS)
        self.timer.timeout.connect(self.card.refresh_live)

    def schedule(self) -> None:
        if not self.timer.isActive():
            self.timer.start()

    def reload(self) -> None:
        s = event_summary(self.card.context.base, self.card.entity_id)
        self.summary = s
        self.reloads += 1
        L = self.labels
        L["invoiced"].setText(money(s.invoiced))
        L["paid"].setText(money(s.paid))
        L["debt"].setText(money(s.debt))
        L["expected"].setText(str(s.expected))
        L["attended"].setText(str(s.attended))
        L["cancelled"].setText(str(s.cancelled))
        L["no_show"].setText(str(s.no_show))
        L["free"].setText("без ограничения" if s.free_places is None else str(s.free_places))
        for stage, count in s.by_stage.items():
            L[f"stage_{stage.value}"].setText(str(count))
        L["score"].setText(f"{str(s.average_score).replace('.', ',')} из 5, "
                           f"отзывов: {s.feedback_count}" if s.average_score is not None
                           else "отзывов нет")
        L["certificates"].setText(f"{s.certificates} / {s.handed_over}")


class EventCard(CardWidget):
    kind = KIND

    def __init__(self, context: Any, event_id: int, *, live: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(event_id, parent)
        self.setObjectName("education_event_card")
        self.context = context
        self._title = "Мероприятие"
        self.header = QLabel()
        self.header.setObjectName("event_card_header")
        style_header(self.header)
        self.subheader = QLabel()
        set_text_colour(self.subheader, HINT_COLOUR)
        self.pages = QTabWidget()
        self.pages.setObjectName("event_card_pages")
        self.participants = ParticipantsPage(self)
        self.results = ResultsPage(self)
        self.details = EventForm(context, event_id)
        self.details.saved.connect(lambda _i: self.reload())
        self.pages.addTab(self.participants, "Участники")
        self.pages.addTab(self.results, "Итоги")
        self.pages.addTab(self.details, "Сведения")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.subheader)
        layout.addWidget(self.pages, 1)
        bus = getattr(context, "bus", None)
        if bus is not None:
            bus.entities_changed.connect(self._entities_changed)
        if live is not None:
            live.rows_changed.connect(self._rows_changed)
        self.reload()

    def title(self) -> str:
        return self._title

    def reload(self) -> None:
        row = get_event(self.context.base, self.entity_id)
        self._title = f"{row.kind_title}: {row.theme}"[:60]
        self.header.setText(f"{row.kind_title} «{row.theme}»")
        price = f"{money(row.price)} ₽" if row.price else "бесплатно"
        parts = [fmt_dt(row.starts_at), row.where, row.lecturer and f"лектор {row.lecturer}",
                 price, row.status_title]
        self.subheader.setText(" · ".join(p for p in parts if p))
        self.title_changed.emit(self._title)
        self.refresh_live()

    def refresh_live(self) -> None:
        """Stages that follow the payments, then the participants and «Итоги»."""
        try:
            released = pt.release_reversed(self.context.base, self.entity_id,
                                           self.context.employee_id)
            moved = pt.follow_payments(self.context.base, self.entity_id,
                                       self.context.employee_id)
        except (ValidationError, AccessDenied):
            released = moved = 0
        self.participants.reload()
        self.results.reload()
        said = []
        if released:
            said.append(f"Счета сторнированы: {released} — вернулись на стадию "
                        "«Приглашение», выпишите им счета заново.")
        if moved:
            said.append(f"Оплачено по счетам: {moved} — перешли на стадию «Оплачено».")
        if said:
            self.participants.say(" ".join(said))

    def _entities_changed(self, kind: str, _ids: list) -> None:
        if kind in RELEVANT_KINDS:
            self.results.schedule()

    def _rows_changed(self, table: str, _ids: Any) -> None:
        if table in RELEVANT_TABLES:
            self.results.schedule()

    # -- commands (the area's actions call these on the card in front) ---------------------
    def _run(self, action: Any) -> Any:
        try:
            result = action()
        except (ValidationError, AccessDenied) as exc:
            self.participants.say(str(exc), error=True)
            return None
        self.context.bus.announce("education_participant", [self.entity_id])
        self.participants.reload()
        self.results.reload()
        return result

    def next_stage(self) -> Any:
        ids = self.participants.selected_ids()
        result = self._run(lambda: pt.next_stage(self.context.base, ids,
                                                 self.context.employee_id))
        if result is not None:
            self.participants.say(result.summary)
        return result

    def previous_stage(self) -> Any:
        ids = self.participants.selected_ids()
        result = self._run(lambda: pt.next_stage(self.context.base, ids,
                                                 self.context.employee_id, step=-1))
        if result is not None:
            self.participants.say(result.summary)
        return result

    def _status(self, status: ParticipantStatus, text: str) -> Any:
        ids = self.participants.selected_ids()
        result = self._run(lambda: pt.set_status(self.context.base, ids, status,
                                                 self.context.employee_id))
        if result is not None:
            self.participants.say(f"{text} {result.summary}")
        return result

    def mark_no_show(self) -> Any:
        return self._status(ParticipantStatus.NO_SHOW, "Отмечено: не пришёл.")

    def restore_selected(self) -> Any:
        return self._status(ParticipantStatus.REGISTERED, "Участие восстановлено.")

    def edit_feedback(self, score: int | None = None, comment: str | None = None) -> Any:
        """The selected participant's score (1–5) and comment; asks when not given."""
        ids = self.participants.selected_ids()
        if len(ids) != 1:
            self.participants.say("Выберите одного участника", error=True)
            return None
        row = next(r for r in self.participants.rows if r.id == ids[0])
        if score is None and comment is None:
            dialog = FeedbackDialog(row, self)
            if dialog.exec() != FeedbackDialog.DialogCode.Accepted:
                return None
            score, comment = dialog.values()
        result = self._run(lambda: pt.set_feedback(self.context.base, row.id, score,
                                                   comment or "", self.context.employee_id)
                           or True)
        if result:
            self.participants.say(f"Отзыв участника {row.contact_name} записан.")
        return result

    def cancel_selected(self) -> Any:
        ids = self.participants.selected_ids()
        result = self._run(lambda: pt.set_status(self.context.base, ids,
                                                 ParticipantStatus.CANCELLED,
                                                 self.context.employee_id))
        if result is not None:
            self.participants.say("Участие отменено. " + result.summary)
        return result

    def issue_invoices(self) -> Any:
        ids = self.participants.several_or_all()
        result = self._run(lambda: pt.issue_invoices(
            self.context.base, self.entity_id, ids, self.context.employee_id,
            profile=self.context.access))
        if result is not None:
            self.context.bus.announce("money_document", list(result.invoices))
            self.participants.say(result.summary)
        return result

    def print_certificates(self, folder: str | None = None, one_file: bool = True) -> Any:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "Папка для сертификатов")
            if not folder:
                return None
        from pathlib import Path

        ids = self.participants.several_or_all()
        result = self._run(lambda: print_certificates(
            self.context.base, self.entity_id, ids, Path(folder), self.context.employee_id,
            one_file=one_file))
        if result is not None:
            self.participants.say(result.summary)
        return result

    def hand_over(self) -> Any:
        ids = self.participants.selected_ids()
        result = self._run(lambda: mark_handed(self.context.base, ids,
                                               self.context.employee_id))
        if result is not None:
            self.participants.say(f"Отмечено вручение сертификатов: {result}.")
        return result


class FeedbackDialog(QDialog):
    """«Отзыв участника»: a score from 1 to 5 (or none) and a comment."""

    def __init__(self, row: pt.ParticipantRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("education_feedback_dialog")
        self.setWindowTitle(f"Отзыв: {row.contact_name}")
        self.score = QSpinBox()
        self.score.setObjectName("feedback_score")
        self.score.setRange(0, 5)
        self.score.setSpecialValueText("без оценки")
        self.score.setValue(row.feedback_score or 0)
        self.comment = QLineEdit(row.feedback_comment)
        self.comment.setObjectName("feedback_comment")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Записать")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Оценка (1–5):", self.score)
        form.addRow("Комментарий:", self.comment)
        form.addRow(buttons)
        self.resize(420, 120)

    def values(self) -> tuple[int | None, str]:
        return (self.score.value() or None, self.comment.text())
