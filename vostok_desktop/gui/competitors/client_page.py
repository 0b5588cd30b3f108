"""The client card's page «Конкуренты»: the client's documents «Конкурент клиента»
(competitor, stage, clash or overlap, dates, value per month, kits and workplaces), and
for the selected one its kits with their users and the contacts' attitudes.

Enter opens the document, Insert (``competitors.document_new``) makes a new one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import on_activate, show_status
from vostok_desktop.gui.competitors.common import (
    attempt,
    confirm,
    current_key,
    day,
    fill_table,
    make_table,
    rub,
)
from vostok_desktop.gui.competitors.document_dialog import RIGHT, CompetitorDocumentDialog
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.common.live_updates import ChangeBatch
from vostok_desktop.services.competitors import documents as docs

PAGE = "page_competitors"
PAGE_SCOPE = "client_competitors_page"
NEW_ACTION = "competitors.document_new"
KINDS = ("client_competitor",)
# The tables whose change notices name this page's client (migration 0020).
CLIENT_TABLES = ("client_competitors", "competitor_stage_moves", "competitor_kits",
                 "competitor_kit_users", "contact_competitor_attitudes",
                 "competitor_work_links")


class ClientCompetitorsPage(QWidget):
    def __init__(self, context: AppContext, card: object | None = None) -> None:
        super().__init__()
        self.context = context
        self.client_id: int | None = getattr(card, "entity_id", None)
        self.dialog: CompetitorDocumentDialog | None = None
        self.rows: list[docs.DocumentRow] = []
        self._loaded = False
        layout = QVBoxLayout(self)
        self.hint = QLabel("Конкуренты появятся, когда карточка клиента будет сохранена.")
        layout.addWidget(self.hint)
        self.table = make_table(["Конкурент", "Стадия", "Вид", "Появился", "Закрыт",
                                 "В месяц, ₽", "Комплектов", "Рабочих мест", "Ответственный"])
        self.table.setObjectName("competitor_documents_table")
        self.table.currentCellChanged.connect(lambda *_a: self._show_details())
        on_activate(self.table, self.open_current)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        details = QWidget()
        row = QHBoxLayout(details)
        row.setContentsMargins(0, 0, 0, 0)
        self.kits_table = make_table(["Комплект конкурента", "Мест", "Пользователи"])
        self.kits_table.setObjectName("page_kits_table")
        self.attitudes_table = make_table(["Контактное лицо", "Отношение к конкуренту"])
        self.attitudes_table.setObjectName("page_attitudes_table")
        row.addWidget(self.kits_table, 3)
        row.addWidget(self.attitudes_table, 2)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("Новый конкурент клиента…")
        self.new_button.clicked.connect(self.new_document)
        self.open_button = QPushButton("Открыть")
        self.open_button.clicked.connect(self.open_current)
        self.delete_button = QPushButton("Удалить")
        self.delete_button.clicked.connect(self.delete_current)
        allowed = context.allows(RIGHT)
        self.new_button.setEnabled(allowed)
        self.delete_button.setEnabled(allowed)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        self.message_label = QLabel()
        self.message_label.setVisible(False)
        buttons.addWidget(self.message_label)
        tip = QLabel("Enter — открыть, Insert — новый")
        tip.setEnabled(False)
        buttons.addWidget(tip)
        layout.addLayout(buttons)
        if NEW_ACTION in context.actions:
            context.actions.attach(NEW_ACTION, self)
        context.bus.entities_changed.connect(self._changed)
        context.bus.changes_arrived.connect(self._arrived)

    def card_loaded(self, entity_id: int | None) -> None:
        if entity_id is None:
            return
        changed = entity_id != self.client_id
        self.client_id = entity_id
        if changed and self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._loaded and self.client_id is not None:
            self.refresh()

    def _changed(self, kind: str, _ids: list) -> None:
        if kind in KINDS and self._loaded:
            self.refresh()

    def _arrived(self, batch: ChangeBatch) -> None:
        """A colleague's change of this client's competitor rows: re-read now if shown,
        else when next shown."""
        if not self._loaded or self.client_id is None:
            return
        clients = batch.clients(*CLIENT_TABLES)
        if clients is not None and self.client_id not in clients:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._loaded = False

    def refresh(self) -> None:
        if self.client_id is None:
            return
        self._loaded = True
        self.hint.hide()
        keep = current_key(self.table)
        self.rows = docs.documents_of_client(self.context.base, self.client_id)
        fill_table(self.table, [[r.competitor_name, r.stage_title, r.encounter_title,
                                 day(r.opened_on), day(r.closed_on), rub(r.monthly_value),
                                 r.kits, r.workplaces, r.responsible_name] for r in self.rows],
                   [r.id for r in self.rows])
        for i, r in enumerate(self.rows):
            if r.id == keep:
                self.table.selectRow(i)
        if not self.rows:
            show_status(self.message_label, "У клиента не отмечено конкурентов", error=False)
        else:
            self.message_label.setVisible(False)
        self._show_details()

    def _show_details(self) -> None:
        key = current_key(self.table)
        if key is None:
            fill_table(self.kits_table, [], [])
            fill_table(self.attitudes_table, [], [])
            return
        kits = docs.kits_of(self.context.base, key)
        fill_table(self.kits_table, [[k.product, k.workplaces, k.users_text] for k in kits],
                   [k.id for k in kits])
        attitudes = docs.attitudes_of(self.context.base, key)
        fill_table(self.attitudes_table, [[a.contact_name, a.attitude_title]
                                          for a in attitudes], [a.id for a in attitudes])

    def _open(self, dialog: CompetitorDocumentDialog) -> CompetitorDocumentDialog:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self.refresh())
        area = getattr(self.window(), "competitors", None)
        if area is not None:
            area.adopt(dialog)
        dialog.show()
        return dialog

    def new_document(self) -> CompetitorDocumentDialog | None:
        if self.client_id is None:
            return None
        return self._open(CompetitorDocumentDialog(self.context, client_id=self.client_id,
                                                   parent=self))

    def open_current(self) -> CompetitorDocumentDialog | None:
        key = current_key(self.table)
        if key is None:
            return None
        return self._open(CompetitorDocumentDialog(self.context, document_id=key, parent=self))

    def delete_current(self) -> None:
        key = current_key(self.table)
        if key is None:
            return
        row = next(r for r in self.rows if r.id == key)
        if not confirm(self, "Конкурент клиента",
                       f"Удалить документ «{row.competitor_name}» со всеми комплектами, "
                       "отношениями КЛ и историей? Поручения и работы останутся."):
            return
        attempt(lambda: docs.delete_document(self.context.base, key, self.context.employee_id),
                lambda text: show_status(self.message_label, text), "Документ не удалён")
        self.refresh()


__all__ = ["NEW_ACTION", "PAGE", "PAGE_SCOPE", "ClientCompetitorsPage"]
