"""Agent «Контактные лица»: every contact person of every client — quick search by ФИО
(words in any order, each a prefix of a name part), filters, favourites, colours and
operations on one or many; the same keyset machinery as the client list."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QToolButton

from vostok_desktop.gui.agents.list_agent import (
    MAX_CARDS_AT_ONCE,
    KeysetListAgent,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.models.keyset_model import ColumnSpec, Row, star_column
from vostok_desktop.services.common.live_updates import ChangeBatch
from vostok_desktop.services.lists import contact_search as ct
from vostok_desktop.services.lists.filters import ColourRule, default_contact_colour_rules


def _birthday(row: Row) -> str:
    value = row.get("birthday")
    return value.strftime("%d.%m.%Y") if isinstance(value, date) else ""


CONTACT_COLUMNS: list[ColumnSpec] = [
    star_column(),
    ColumnSpec("name", "ФИО", 220, sort=ct.ContactSort.NAME),
    ColumnSpec("client_name", "Клиент", 180),
    ColumnSpec("position", "Должность", 150, sort=ct.ContactSort.POSITION),
    ColumnSpec("phone", "Телефон", 130),
    ColumnSpec("email", "E-mail", 180),
    ColumnSpec("birthday", "День рождения", 95, sort=ct.ContactSort.BIRTHDAY,
               render=_birthday, hidden_by_default=True),
    ColumnSpec("stop_list", "Стоп-лист", 70, render=lambda r: "да" if r.get("stop_list") else "",
               hidden_by_default=True),
]


class ContactListAgent(KeysetListAgent):
    """Dockable list of all contact persons («Контактные лица»)."""

    scope = "contact_list"
    action_prefix = "contacts"
    category = "Контактные лица"
    entity_kind = "contact"
    settings_name = "contact_list"
    filter_fields = ct.CONTACT_FILTER_FIELDS

    def __init__(self, context: AppContext) -> None:
        self._client_ids: tuple[int, ...] | None = None
        super().__init__(context, CONTACT_COLUMNS, ct.ContactSearch(context.base),
                         "Фамилия, имя, отчество или телефон (Ctrl+F)")
        self.setObjectName("contact_list")
        for preset, title in ct.PRESET_TITLES.items():
            self.preset_box.addItem(title, preset.value)
        self.clients_button = QToolButton()
        self.clients_button.setObjectName("clients_filter")
        self.clients_button.setToolTip("Снять отбор по клиентам")
        self.clients_button.clicked.connect(lambda: self.show_clients(None))
        self.clients_button.hide()
        self.second_row.insertWidget(0, self.clients_button)
        self._register_actions()
        context.bus.entities_changed.connect(self._clients_changed)
        self.apply_query()

    def default_colour_rules(self) -> list[ColourRule]:
        return default_contact_colour_rules()

    def live_match(self, batch: ChangeBatch) -> dict[str, set[int] | None]:
        """The contacts themselves, and every contact of a client whose name, or whose
        contacts' phones and e-mails, changed (a phone names its client, not its contact)."""
        match: dict[str, set[int] | None] = {}
        if batch.touches("contacts"):
            match["id"] = batch.rows("contacts")
        if batch.touches("clients", "phones", "emails"):
            match["client_id"] = batch.clients("clients", "phones", "emails")
        return match

    def live_structural(self, batch: ChangeBatch) -> bool:
        return batch.inserted_or_deleted("contacts")

    def _register_actions(self) -> None:
        add = self.add_action
        add("contacts.quick_search", "Быстрый поиск контактного лица", self.focus_search)
        add("contacts.open", "Открыть карточку контактного лица", self.open_selected)
        add("contacts.open_client", "Открыть карточку клиента", self.open_client_of_selected)
        add("contacts.toggle_favourite", "Любимое контактное лицо (вкл./выкл.)",
            self.toggle_favourite)
        add("contacts.write_email", "Написать письмо…", self.write_email)
        add("contacts.stop_list", "Стоп-лист (вкл./выкл.)", self.toggle_stop_list)
        add("contacts.export_excel", "Выгрузить контактных лиц в Excel…",
            lambda: self.export_excel())

    def context_menu_actions(self) -> list[str | None]:
        return ["contacts.open", "contacts.open_client", None, "contacts.toggle_favourite",
                "contacts.write_email", "contacts.stop_list", None, "contacts.export_excel"]

    def phone_to_dial(self) -> str | None:
        """Click-to-call («Позвонить», telephony.dial): the first phone of the selected contact."""
        rows = self.selected_rows(1)
        row = self.model.row(rows[0]) if rows else None
        return (row.get("phone") or None) if row else None

    # -- query ----------------------------------------------------------------------
    def show_clients(self, client_ids: list[int] | None) -> None:
        """Only the contacts of these clients (None: all), e.g. «контакты выбранных»."""
        self._client_ids = tuple(client_ids) if client_ids else None
        if self._client_ids is None:
            self.clients_button.hide()
        else:
            self.clients_button.setText(f"Клиентов: {len(self._client_ids)} ✕")
            self.clients_button.show()
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.apply_query()

    def build_query(self) -> ct.ContactQuery:
        return ct.ContactQuery(
            text=self.search_edit.text(),
            preset=ct.ContactPreset(self.preset_box.currentData() or ct.ContactPreset.ALL),
            client_ids=self._client_ids, user_filter=self._user_filter,
            sort=ct.ContactSort(self.sort_key()), descending=self._descending,
            employee_id=self.context.employee_id, show_marked=self.marked_box.isChecked(),
        )

    def _clients_changed(self, kind: str, _ids: list) -> None:
        # Client names show in this list.
        if kind == "client" and self._applied_query is not None:
            self.model.refresh()

    # -- commands ---------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def open_selected(self) -> None:
        if self.pending_search():
            self.apply_query()
        ids = self.selected_ids(MAX_CARDS_AT_ONCE + 1)
        if len(ids) > MAX_CARDS_AT_ONCE:
            self.show_message(f"Карточки открываются не более чем для {MAX_CARDS_AT_ONCE}")
            return
        for contact_id in ids:
            if not self.open_card("contact", contact_id):
                return

    def open_client_of_selected(self) -> None:
        client_ids: list[int] = []
        for n in self.selected_rows(MAX_CARDS_AT_ONCE):
            row = self.model.row(n)
            if row is not None and row["client_id"] not in client_ids:
                client_ids.append(row["client_id"])
        for client_id in client_ids:
            if not self.open_card("client", client_id):
                return

    def toggle_favourite(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if self.context.employee_id is None:
            self.show_message("Любимые контактные лица доступны только сотруднику")
            return
        row = self.view.currentIndex().row()
        on = ct.set_favourite(self.context.base, ids, self.context.employee_id)
        self.context.bus.announce("contact", ids)
        if len(ids) == 1:
            self.select_row(row)
        self.show_message(("Добавлено в любимые: " if on else "Убрано из любимых: ")
                          + str(len(ids)))

    def toggle_stop_list(self) -> None:
        rows = [r for n in self.selected_rows() if (r := self.model.row(n)) is not None]
        if not rows:
            return
        on = not all(r.get("stop_list") for r in rows)
        changed = ct.set_stop_list(self.context.base, [r["id"] for r in rows], on,
                                   self.context.employee_id)
        self.context.bus.announce("contact", changed)
        self.show_message(("Добавлено в стоп-лист: " if on else "Убрано из стоп-листа: ")
                          + str(len(changed)))

    def mailto_url(self) -> QUrl | None:
        addresses = ct.emails_of(self.context.base, self.selected_ids(200))
        if not addresses:
            return None
        return QUrl("mailto:" + ",".join(quote(a, safe="@.+-_") for a in addresses))

    def write_email(self) -> None:
        url = self.mailto_url()
        if url is None:
            self.show_message("У выбранных контактных лиц нет адреса e-mail")
            return
        if not QDesktopServices.openUrl(url):
            self.show_message("Не удалось открыть почтовую программу")
