"""Карточка контактного лица: ФИО, должность, день рождения, стоп-лист, телефоны, e-mail,
дополнительные сведения; a link opens the client's card."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.cards.editing import EditableCard
from vostok_desktop.gui.cards.history import HistoryPage
from vostok_desktop.gui.cards.widgets import fmt_dt, mark
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.cards.common import CardNotFound, Lookups, parse_date
from vostok_desktop.services.cards.contacts import (
    CONTACT_FIELD_TITLES,
    ContactData,
    load_contact,
    new_contact,
    save_contact,
    validate_contact,
)
from vostok_desktop.services.common.change_log import row_history

UI_WIDGETS: dict[str, type[QWidget]] = {
    "pages": QTabWidget, "header_label": QLabel, "info_label": QLabel,
    "last_name_edit": QLineEdit, "last_name_error": QLabel, "first_name_edit": QLineEdit,
    "middle_name_edit": QLineEdit, "position_edit": QLineEdit, "birthday_edit": QLineEdit,
    "birthday_error": QLabel, "stop_list_check": QCheckBox, "client_link": QLabel,
    "interests_edit": QPlainTextEdit, "competitor_edit": QPlainTextEdit,
    "notes_edit": QPlainTextEdit, "phones_table": QTableWidget, "add_phone_button": QPushButton,
    "remove_phone_button": QPushButton, "phones_error": QLabel, "emails_table": QTableWidget,
    "add_email_button": QPushButton, "remove_email_button": QPushButton,
    "emails_error": QLabel, "custom_group": QGroupBox, "custom_empty_label": QLabel,
    "history_table": QTableWidget, "message_label": QLabel, "save_button": QPushButton,
    "reload_button": QPushButton,
}


class ContactCard(EditableCard):
    kind = "contact"
    ui_file = "contact_card.ui"
    ui_widgets = UI_WIDGETS
    field_titles = CONTACT_FIELD_TITLES
    field_edits = {"last_name": "last_name_edit", "birthday": "birthday_edit"}

    def __init__(self, context: AppContext, entity_id: int | None, lookups: Lookups,
                 client_id: int | None = None) -> None:
        super().__init__(context, entity_id, lookups)
        self._setup()
        try:
            data = (load_contact(context.base, entity_id) if entity_id
                    else new_contact(context.base, client_id))
        except CardNotFound as exc:
            data = new_contact(context.base, None)
            self.show_message(str(exc))
        self.fill(data)
        if data.client_id is None:
            self.show_message("Новое контактное лицо добавляется из карточки клиента "
                              "(страница «Контактные лица»).")
            self.save_button.setEnabled(False)

    def _setup(self) -> None:
        for edit in (self.last_name_edit, self.first_name_edit, self.middle_name_edit,
                     self.position_edit, self.birthday_edit):
            edit.textChanged.connect(lambda _t: self._edited())
        for text in (self.interests_edit, self.notes_edit):
            text.textChanged.connect(self._edited)
        # The attitude to competitors comes from the documents «Конкурент клиента»
        # (the client card's page «Конкуренты»); the old free text is shown after it.
        self.competitor_edit.setReadOnly(True)
        self.competitor_edit.setPlaceholderText(
            "Не указано. Отношение к конкуренту задаётся в документе «Конкурент клиента» "
            "(карточка клиента, страница «Конкуренты»).")
        self.competitor_edit.setToolTip(
            "Из документов «Конкурент клиента»: карточка клиента, страница «Конкуренты»")
        self.stop_list_check.toggled.connect(lambda _b: self._edited())
        self.last_name_edit.textChanged.connect(
            lambda t: mark(self.last_name_edit, self.last_name_error,
                           None if t.strip() else "Фамилия: обязательное поле"))
        self.birthday_edit.textChanged.connect(lambda _t: self._check_birthday())
        self._setup_shared_editors(self.lookups.contact_fields)
        self.client_link.linkActivated.connect(lambda _url: self.open_client())
        self.history_page = HistoryPage(self, self.history_table)
        self.pages.currentChanged.connect(lambda _i: self._maybe_history())

    def _check_birthday(self) -> None:
        try:
            parse_date(self.birthday_edit.text(), "birthday", "День рождения")
            message = None
        except ValidationError as exc:
            message = exc.message
        mark(self.birthday_edit, self.birthday_error, message)

    def title(self) -> str:
        return self._data.full_name or "Новое контактное лицо"

    def fill(self, data: ContactData) -> None:
        self._filling = True
        self._data = data
        self.last_name_edit.setText(data.last_name)
        self.first_name_edit.setText(data.first_name)
        self.middle_name_edit.setText(data.middle_name)
        self.position_edit.setText(data.position or "")
        self.birthday_edit.setText(data.birthday.strftime("%d.%m.%Y") if data.birthday else "")
        self.stop_list_check.setChecked(data.stop_list)
        self.interests_edit.setPlainText(data.interests or "")
        self.competitor_edit.setPlainText(self._attitudes(data))
        self.notes_edit.setPlainText(data.notes or "")
        self._fill_shared_editors(data)
        mark(self.last_name_edit, self.last_name_error, None)
        self.header_label.setText(data.full_name or "Новое контактное лицо")
        if data.client_id is not None:
            name = data.client_name.replace("&", "&amp;").replace("<", "&lt;")
            self.client_link.setText(f'<a href="client:{data.client_id}">{name}</a>')
            self.client_link.setToolTip("Открыть карточку клиента")
        else:
            self.client_link.setText("—")
        who = f", {data.updated_by}" if data.updated_by else ""
        self.info_label.setText(f"Изменено {fmt_dt(data.updated_at)}{who}" if data.id else "")
        self._history_loaded = False
        self._maybe_history()
        self._filled()

    def _attitudes(self, data: ContactData) -> str:
        from vostok_desktop.services.competitors.documents import (
            attitude_text,
            attitudes_of_contact,
        )

        rows = attitudes_of_contact(self.context.base, data.id) if data.id else []
        return attitude_text(rows, data.competitor_attitude or "")

    def form_state(self) -> Any:
        return (self.last_name_edit.text(), self.first_name_edit.text(),
                self.middle_name_edit.text(), self.position_edit.text(),
                self.birthday_edit.text(), self.stop_list_check.isChecked(),
                self.interests_edit.toPlainText(), self.notes_edit.toPlainText(), self.phones.rows(), self.emails.rows(),
                tuple(sorted(self.custom.texts().items())))

    def collect(self) -> ContactData:
        d = self._data.copy()
        d.last_name = self.last_name_edit.text()
        d.first_name = self.first_name_edit.text()
        d.middle_name = self.middle_name_edit.text()
        d.position = self.position_edit.text()
        d.birthday = parse_date(self.birthday_edit.text(), "birthday", "День рождения")
        d.stop_list = self.stop_list_check.isChecked()
        d.interests = self.interests_edit.toPlainText()
        d.notes = self.notes_edit.toPlainText()
        self._collect_shared_editors(d)
        return d

    def _load(self) -> ContactData:
        assert self.entity_id is not None
        return load_contact(self.context.base, self.entity_id)

    def _save_data(self, data: ContactData) -> ContactData:
        return save_contact(self.context.base, data, self.context.employee_id)

    def _write(self, data: Any) -> bool:
        ok = super()._write(data)
        if ok and self._data.client_id is not None:
            self.context.bus.announce("client", [self._data.client_id])
        return ok

    def validate(self, data: ContactData) -> ContactData:
        return validate_contact(data)

    def open_client(self) -> None:
        if self._data.client_id is not None:
            self.context.cards.open("client", self._data.client_id)

    def _maybe_history(self) -> None:
        if self._history_loaded or self.entity_id is None or \
                self.pages.currentWidget().objectName() != "page_history":
            return
        self._history_loaded = True
        with self.context.base.sessions() as s:
            rows = row_history(s, "contacts", [self.entity_id])
            rows += row_history(s, "phones", [p.id for p in self._data.phones if p.id])
            rows += row_history(s, "emails", [e.id for e in self._data.emails if e.id])
        rows.sort(key=lambda r: (r.changed_at, r.id), reverse=True)
        self._show_history(rows)
