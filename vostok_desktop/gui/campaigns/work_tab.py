"""The tab «Обзвон»: one campaign's queue worked from the keyboard.

Ctrl+N («Следующий») takes the next contact (one that was taken but has no result goes
back to the queue); «Позвонить» (Ctrl+Shift+D, the telephony's click-to-call) dials
the selected phone; digits 1–9 pick a result from the list (and, when the result is a
refusal, then a refusal reason); Enter saves — with the talk time of the call placed for
the contact, from the call log. The progress bar shows worked / all contacts.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain import CallEventKind
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.campaigns import ItemState
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.campaigns import campaigns as cmp
from vostok_desktop.services.campaigns import queue
from vostok_desktop.services.campaigns.common import CampaignError
from vostok_desktop.services.common.live_updates import ChangeBatch

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext

SCOPE = "campaign_work"
DIAL = "telephony.dial"
DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
RECOUNT_MS = 300  # a burst of colleagues' results recounts the progress once


class CampaignWorkTab(QWidget):
    """«Обзвон» of one campaign."""

    saved = Signal(int)  # the item whose result was saved

    def __init__(self, context: AppContext, campaign_id: int, *,
                 telephony: object | None = None) -> None:
        super().__init__()
        self.context = context
        self.campaign_id = campaign_id
        self.telephony = telephony
        self.setObjectName("campaign_work_tab")
        self.view: queue.ItemView | None = None
        self.item_saved = False
        self.dialled_at: datetime | None = None
        self.last_saved: tuple[int, int | None] | None = None  # item, call id
        # The contact held (taken, no result yet): given back when the tab goes away.
        self.held: dict[str, int | None] = {"item": None}
        with context.base.sessions() as s:
            self.results = cmp.call_results(s)
            self.reasons = cmp.refusal_reasons(s)
            row = cmp.campaign_row(s, campaign_id)
        self.title = row.title if row else "Обзвон"
        self._build()
        a = context.actions
        for action_id in ("campaign_work.next", "campaign_work.save"):
            a.attach(action_id, self)
        if DIAL in a:
            self.dial_button.clicked.connect(lambda: a.trigger(DIAL))
        bridge = getattr(telephony, "bridge", None)
        if bridge is not None:
            bridge.call_event.connect(self._call_event)
        self.show_item(None)
        self.refresh_progress()
        # Other operators' results move the progress bar too (a burst: one recount).
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(RECOUNT_MS)
        self._recount.timeout.connect(self.refresh_progress)
        context.bus.changes_arrived.connect(self._arrived)

    def _arrived(self, batch: ChangeBatch) -> None:
        if batch.rows("campaign_items") != set() and not self._recount.isActive():
            self._recount.start()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.campaign_label = QLabel(f"<b>{self.title}</b>")
        top.addWidget(self.campaign_label, 1)
        self.progress = QProgressBar()
        self.progress.setObjectName("campaign_progress")
        self.progress.setMinimumWidth(320)
        top.addWidget(self.progress)
        layout.addLayout(top)
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setMinimumHeight(22)
        layout.addWidget(self.message_label)
        middle = QHBoxLayout()
        layout.addLayout(middle, 1)

        contact_box = QGroupBox("Контакт")
        form = QFormLayout(contact_box)
        self.client_label = QLabel()
        self.client_label.setObjectName("client_label")
        self.client_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.client_label.linkActivated.connect(self._open_client)
        self.contact_label = QLabel()
        self.contact_label.setObjectName("contact_label")
        self.contact_label.setWordWrap(True)
        self.phones = QListWidget()
        self.phones.setObjectName("phones_list")
        self.phones.setMaximumHeight(90)
        self.stop_label = QLabel()
        self.stop_label.setStyleSheet("color: #b00020;")
        self.dial_button = QPushButton("Позвонить (Ctrl+Shift+D)")
        self.dial_button.setObjectName("dial_button")
        self.attempts_label = QLabel()
        form.addRow("Клиент:", self.client_label)
        form.addRow("Контактное лицо:", self.contact_label)
        form.addRow("Телефоны:", self.phones)
        form.addRow("", self.dial_button)
        form.addRow("", self.stop_label)
        form.addRow("Попыток:", self.attempts_label)
        occasion_box = QGroupBox("Информационный повод")
        occasion_layout = QVBoxLayout(occasion_box)
        self.occasion_label = QLabel()
        self.occasion_label.setObjectName("occasion_label")
        self.occasion_label.setWordWrap(True)
        self.occasion_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        occasion_layout.addWidget(self.occasion_label)
        left = QVBoxLayout()
        left.addWidget(contact_box)
        left.addWidget(occasion_box, 1)
        middle.addLayout(left, 3)

        result_box = QGroupBox("Результат звонка (1–9, Enter — сохранить)")
        result_layout = QVBoxLayout(result_box)
        self.result_list = QListWidget()
        self.result_list.setObjectName("result_list")
        for n, r in enumerate(self.results, 1):
            prefix = f"{n}  " if n <= 9 else "    "
            item = QListWidgetItem(prefix + r.title + ("  — с причиной" if r.is_refusal else ""))
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.result_list.addItem(item)
        self.result_list.currentRowChanged.connect(lambda _r: self._result_changed())
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("reason_combo")
        self.reason_combo.addItem("— причина отказа —", None)
        for n, r in enumerate(self.reasons, 1):
            self.reason_combo.addItem(f"{n}  {r.title}" if n <= 9 else r.title, r.id)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("note_edit")
        self.note_edit.setPlaceholderText("Заметка к звонку")
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Сохранить (Enter)")
        self.save_button.setObjectName("save_button")
        self.save_button.clicked.connect(self.save)
        self.next_button = QPushButton("Следующий (Ctrl+N)")
        self.next_button.setObjectName("next_button")
        self.next_button.clicked.connect(self.next)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.next_button)
        result_layout.addWidget(self.result_list, 1)
        result_layout.addWidget(QLabel("Причина отказа:"))
        result_layout.addWidget(self.reason_combo)
        result_layout.addWidget(self.note_edit)
        result_layout.addLayout(buttons)
        middle.addWidget(result_box, 2)

        history_box = QGroupBox("Прежние звонки клиенту")
        history_layout = QVBoxLayout(history_box)
        self.history = QTableWidget(0, 6)
        self.history.setObjectName("history_table")
        self.history.setHorizontalHeaderLabels(["Когда", "Кампания", "Результат",
                                                "Причина отказа", "Оператор", "Заметка"])
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.history.setMaximumHeight(170)
        history_layout.addWidget(self.history)
        layout.addWidget(history_box)
        for widget in (self.result_list, self.reason_combo, self.phones, self.save_button,
                       self.next_button, self.dial_button):
            widget.installEventFilter(self)

    # -- keys: digits pick a result (or a reason) --------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.KeypadModifier):
            number = DIGITS.get(Qt.Key(event.key()))
            if number is not None:
                if watched is self.reason_combo:
                    self.pick_reason(number)
                else:
                    self.pick_result(number)
                return True
        return super().eventFilter(watched, event)

    def pick_result(self, number: int) -> None:
        if 1 <= number <= min(9, self.result_list.count()):
            self.result_list.setCurrentRow(number - 1)
            if self.current_result() is not None and self.current_result().is_refusal:
                self.reason_combo.setFocus()
            else:
                self.result_list.setFocus()

    def pick_reason(self, number: int) -> None:
        if 1 <= number < self.reason_combo.count():
            self.reason_combo.setCurrentIndex(number)

    def current_result(self) -> cmp.ResultInfo | None:
        row = self.result_list.currentRow()
        return self.results[row] if 0 <= row < len(self.results) else None

    def _result_changed(self) -> None:
        result = self.current_result()
        refusal = result is not None and result.is_refusal
        self.reason_combo.setEnabled(refusal)
        if not refusal:
            self.reason_combo.setCurrentIndex(0)

    # -- the current contact ------------------------------------------------------------------
    def show_item(self, view: queue.ItemView | None) -> None:
        self.view = view
        self.item_saved = False
        self.dialled_at = None
        self.held["item"] = view.id if view is not None else None
        self.result_list.setCurrentRow(-1)
        self.reason_combo.setCurrentIndex(0)
        self.reason_combo.setEnabled(False)
        self.note_edit.clear()
        self.phones.clear()
        self.history.setRowCount(0)
        has = view is not None
        for widget in (self.result_list, self.note_edit, self.save_button, self.dial_button):
            widget.setEnabled(has)
        if view is None:
            self.client_label.setText("—")
            self.contact_label.setText("Нажмите «Следующий» (Ctrl+N), чтобы взять контакт "
                                       "из очереди.")
            self.attempts_label.setText("")
            self.stop_label.setText("")
            with self.context.base.sessions() as s:
                row = cmp.campaign_row(s, self.campaign_id)
            self.occasion_label.setText(row.occasion if row else "")
            return
        self.client_label.setText(f'<a href="{view.client_id}">{view.client_name}</a>')
        contact = view.contact_name or "(без контактного лица: звонок в организацию)"
        self.contact_label.setText(contact + (f", {view.position}" if view.position else ""))
        self.phones.addItems(view.phones or ["(нет телефонов)"])
        self.phones.setCurrentRow(0)
        self.stop_label.setText("Контактное лицо в стоп-листе: не звонить!"
                                if view.stop_listed else "")
        self.dial_button.setEnabled(bool(view.phones) and not view.stop_listed)
        self.attempts_label.setText(str(view.attempts))
        self.occasion_label.setText(view.occasion or "(не указан)")
        self.history.setRowCount(len(view.history))
        for n, h in enumerate(view.history):
            when = h.done_at.astimezone().strftime("%d.%m.%Y %H:%M") if h.done_at else ""
            for col, text in enumerate([when, h.campaign, h.result, h.reason, h.operator,
                                        h.note]):
                self.history.setItem(n, col, QTableWidgetItem(text))
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.result_list.setFocus()

    def refresh_progress(self) -> None:
        with self.context.base.sessions() as s:
            finished, total = queue.counts(s, self.campaign_id)
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(finished)
        self.progress.setFormat(f"Обработано {finished} из {total} (%p %)")

    def _say(self, text: str, error: bool = False) -> None:
        self.message_label.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message_label.setText(text)

    def _open_client(self, link: str) -> None:
        try:
            self.context.cards.open("client", int(link))
        except KeyError:
            self._say("Карточки клиента нет в этой сборке", True)

    # -- commands -------------------------------------------------------------------------
    def next(self) -> int | None:
        """«Следующий»: the next contact of the queue (the current one without a result
        goes back to it)."""
        ctx = self.context
        skip: list[int] = []
        try:
            if self.view is not None and not self.item_saved:
                queue.release_item(ctx.base, self.view.id, ctx.employee_id)
                skip.append(self.view.id)
            item_id = queue.next_item(ctx.base, self.campaign_id, ctx.employee_id,
                                      skip_ids=skip)
            if item_id is None:
                self.show_item(None)
                self.contact_label.setText("Очередь пуста: все контакты кампании обработаны "
                                           "или их взяли другие операторы.")
                self._say("Очередь пуста")
                self.refresh_progress()
                return None
            with ctx.base.sessions() as s:
                view = queue.item_view(s, item_id)
        except (CampaignError, AccessDenied) as exc:
            self._say(getattr(exc, "message", None) or str(exc), True)
            return None
        self.show_item(view)
        self._say("")
        self.refresh_progress()
        return item_id

    def save(self) -> bool:
        """Enter: save the chosen result of the current contact."""
        ctx = self.context
        if self.view is None:
            self._say("Сначала возьмите контакт: «Следующий» (Ctrl+N)", True)
            return False
        if self.item_saved:
            self._say("Результат уже сохранён; Ctrl+N — следующий контакт")
            return False
        result = self.current_result()
        try:
            call_id = None
            if self.dialled_at is not None:
                with ctx.base.sessions() as s:
                    call_id = queue.placed_call(s, ctx.employee_id, self.dialled_at)
            state = queue.save_result(ctx.base, self.view.id, ctx.employee_id,
                                      result.id if result else None,
                                      refusal_reason_id=self.reason_combo.currentData(),
                                      note=self.note_edit.text(), call_id=call_id)
        except (CampaignError, AccessDenied) as exc:
            self._say(getattr(exc, "message", None) or str(exc), True)
            if result is not None and result.is_refusal:
                self.reason_combo.setFocus()
            return False
        self.item_saved = True
        self.held["item"] = None
        self.last_saved = (self.view.id, call_id)
        again = " (контакт вернётся в очередь)" if state is ItemState.PENDING else ""
        self._say(f"Сохранено: {result.title}{again}. Ctrl+N — следующий контакт")
        self.save_button.setEnabled(False)
        self.next_button.setFocus()
        self.refresh_progress()
        ctx.bus.announce("campaign", [self.campaign_id])
        self.saved.emit(self.view.id)
        return True

    # -- telephony ------------------------------------------------------------------------
    def phone_to_dial(self) -> str | None:
        """What «Позвонить» dials: the selected phone of the current contact (never one in
        the stop-list). The moment is kept: the call log's next outgoing call of this
        employee is this contact's."""
        if self.view is None or not self.view.phones:
            return None
        if self.view.stop_listed:
            self._say("Контактное лицо в стоп-листе: звонить ему нельзя", True)
            return None
        item = self.phones.currentItem()
        self.dialled_at = utcnow()
        return item.text() if item is not None else self.view.phones[0]

    def _call_event(self, event: object) -> None:
        """A call that ended after its result was saved: take its talk time again."""
        if getattr(event, "kind", None) is not CallEventKind.HANGUP or self.last_saved is None:
            return
        item_id, call_id = self.last_saved
        if call_id is None:
            return
        try:
            queue.refresh_talk_time(self.context.base, item_id, self.context.employee_id)
        except (CampaignError, AccessDenied):
            return



def release_held(context: AppContext, held: dict[str, int | None]) -> None:
    """The tab went away: a contact taken but not worked goes back to the queue."""
    item_id = held.get("item")
    if item_id is None:
        return
    held["item"] = None
    try:
        queue.release_item(context.base, item_id, context.employee_id)
    except Exception:  # noqa: BLE001 - the base may be closing with the window
        return


__all__ = ["CampaignWorkTab", "SCOPE", "release_held"]
