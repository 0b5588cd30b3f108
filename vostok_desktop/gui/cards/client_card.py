"""Карточка клиента: the client card tab — details, contacts, divisions, phones and
addresses, responsibles, custom fields, external files and history. The editing pieces it shares with
the contact card are in ``editing``."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from vostok_desktop.domain import ClientStatus, PhoneKind
from vostok_desktop.domain.clients import (
    ADDRESS_KIND_TITLES,
    CLIENT_STATUS_TITLES,
    PHONE_KIND_TITLES,
    AddressKind,
)
from vostok_desktop.domain.validators import (
    ValidationError,
    validate_inn,
    validate_kpp,
    validate_ogrn_any,
)
from vostok_desktop.gui.cards.divisions_page import DivisionsPage
from vostok_desktop.gui.cards.editing import EditableCard, RowsEditor, page_of, parse_float
from vostok_desktop.gui.cards.history import HistoryPage
from vostok_desktop.gui.cards.widgets import (
    fmt_dt,
    mark,
    on_activate,
    read_only_table,
    set_text_colour,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.cards.clients import (
    CLIENT_FIELD_TITLES,
    ClientData,
    ContactRow,
    load_client,
    new_client,
    save_client,
    validate_client,
)
from vostok_desktop.services.cards.common import AddressData, CardNotFound, Lookups
from vostok_desktop.services.common.change_log import client_history
from vostok_desktop.services.documents import attachments as att

# Widgets the client card code takes from ui/client_card.ui (checked by tests/gui/test_ui_forms).
UI_WIDGETS: dict[str, type[QWidget]] = {
    "pages": QTabWidget, "header_label": QLabel, "status_badge": QLabel, "info_label": QLabel,
    "status_combo": QComboBox, "short_name_edit": QLineEdit, "short_name_error": QLabel,
    "full_name_edit": QLineEdit, "inn_edit": QLineEdit, "inn_error": QLabel,
    "kpp_edit": QLineEdit, "kpp_error": QLabel, "ogrn_edit": QLineEdit, "ogrn_error": QLabel,
    "group_combo": QComboBox, "segment_combo": QComboBox, "region_combo": QComboBox,
    "source_combo": QComboBox, "website_edit": QLineEdit, "latitude_edit": QLineEdit,
    "longitude_edit": QLineEdit, "gps_error": QLabel, "notes_edit": QPlainTextEdit,
    "contacts_table": QTableWidget, "add_contact_button": QPushButton,
    "open_contact_button": QPushButton, "phones_table": QTableWidget,
    "add_phone_button": QPushButton, "remove_phone_button": QPushButton, "phones_error": QLabel,
    "emails_table": QTableWidget, "add_email_button": QPushButton,
    "remove_email_button": QPushButton, "emails_error": QLabel,
    "addresses_table": QTableWidget, "add_address_button": QPushButton,
    "remove_address_button": QPushButton, "addresses_error": QLabel,
    "responsibles_group": QGroupBox, "custom_group": QGroupBox, "custom_empty_label": QLabel,
    "files_table": QTableWidget, "add_file_button": QPushButton, "open_file_button": QPushButton,
    "save_file_button": QPushButton, "delete_file_button": QPushButton,
    "files_hint_label": QLabel, "history_table": QTableWidget, "message_label": QLabel, "save_button": QPushButton,
    "reload_button": QPushButton,
}


class ClientCard(EditableCard):
    kind = "client"
    ui_file = "client_card.ui"
    ui_widgets = UI_WIDGETS
    field_titles = {**CLIENT_FIELD_TITLES, "divisions": "Подразделения"}
    row_tables = {"phone": "phones_table", "email": "emails_table",
                  "address": "addresses_table"}
    field_edits = {"short_name": "short_name_edit", "inn": "inn_edit", "kpp": "kpp_edit",
                   "ogrn": "ogrn_edit", "latitude": "latitude_edit",
                   "longitude": "longitude_edit"}

    def __init__(self, context: AppContext, entity_id: int | None, lookups: Lookups,
                 open_new_contact: Callable[[int], None] | None = None) -> None:
        super().__init__(context, entity_id, lookups)
        self._open_new_contact = open_new_contact
        self._data = new_client()
        self._loaded_pages: set[str] = set()
        self._setup()
        try:
            data = load_client(context.base, entity_id) if entity_id else new_client()
        except CardNotFound as exc:
            data = new_client()
            self.show_message(str(exc))
        self.fill(data)

    # -- set-up ---------------------------------------------------------------------------
    def _setup(self) -> None:
        for status, title in CLIENT_STATUS_TITLES.items():
            self.status_combo.addItem(title, status.value)
        self.group_combo.addItem("— нет —", None)
        for gid, name in self.lookups.groups:
            self.group_combo.addItem(name, gid)
        for combo, values in ((self.segment_combo, self.lookups.segments),
                              (self.region_combo, self.lookups.regions),
                              (self.source_combo, self.lookups.sources)):
            combo.addItem("")
            combo.addItems(values)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.editTextChanged.connect(lambda _t: self._edited())
        for edit in (self.short_name_edit, self.full_name_edit, self.inn_edit, self.kpp_edit,
                     self.ogrn_edit, self.website_edit, self.latitude_edit, self.longitude_edit):
            edit.textChanged.connect(lambda _t: self._edited())
        self.short_name_edit.textChanged.connect(self._check_short_name)
        self.inn_edit.textChanged.connect(lambda t: self._check(self.inn_edit, self.inn_error,
                                                                validate_inn, t))
        self.kpp_edit.textChanged.connect(lambda t: self._check(self.kpp_edit, self.kpp_error,
                                                                validate_kpp, t))
        self.ogrn_edit.textChanged.connect(lambda t: self._check(self.ogrn_edit, self.ogrn_error,
                                                                 validate_ogrn_any, t))
        self.latitude_edit.textChanged.connect(lambda _t: self._check_gps())
        self.longitude_edit.textChanged.connect(lambda _t: self._check_gps())
        self.notes_edit.textChanged.connect(self._edited)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._edited())
        self.group_combo.currentIndexChanged.connect(lambda _i: self._edited())
        self._setup_shared_editors(self.lookups.client_fields)
        self.addresses = RowsEditor(
            self.addresses_table, self.add_address_button, self.remove_address_button,
            self.addresses_error,
            [("address_kind", "Вид", 130), ("postal_code", "Индекс", 80), ("text", "Адрес", 0)],
            self._edited,
            lambda v: None if not v[1] or (len(v[1]) == 6 and v[1].isdigit())
            else f"Индекс: нужно 6 цифр, указано «{v[1]}»")
        self.responsible_combos: dict[int, QComboBox] = {}
        form = self.responsibles_group.layout()
        assert isinstance(form, QFormLayout)
        for direction_id, _code, name in self.lookups.directions:
            combo = QComboBox()
            combo.setObjectName(f"responsible_{direction_id}")
            combo.setMinimumWidth(280)
            combo.addItem("— не назначен —", None)
            for employee_id, full_name in self.lookups.employees:
                combo.addItem(full_name, employee_id)
            combo.currentIndexChanged.connect(lambda _i: self._edited())
            label = QLabel(name + ":")
            label.setBuddy(combo)
            form.addRow(label, combo)
            self.responsible_combos[direction_id] = combo
        read_only_table(self.contacts_table,
                        ["ФИО", "Должность", "Телефоны", "E-mail", "День рождения", "Стоп-лист"])
        for c, width in enumerate((220, 170, 150, 170, 100)):
            self.contacts_table.setColumnWidth(c, width)
        self.contacts_table.horizontalHeader().setStretchLastSection(True)
        on_activate(self.contacts_table, self.open_current_contact)
        self.open_contact_button.clicked.connect(self.open_current_contact)
        self.add_contact_button.clicked.connect(self.add_contact)
        read_only_table(self.files_table, ["Файл", "Размер", "Добавлен", "Кем"])
        for c, width in enumerate((320, 90, 130)):
            self.files_table.setColumnWidth(c, width)
        self.files_table.horizontalHeader().setStretchLastSection(True)
        on_activate(self.files_table, self.open_file)
        self.add_file_button.clicked.connect(self.choose_files)
        self.open_file_button.clicked.connect(self.open_file)
        self.save_file_button.clicked.connect(self.save_file_as)
        self.delete_file_button.clicked.connect(self.delete_file)
        self.files_table.viewport().setAcceptDrops(True)
        self._drop_filter = _FileDropFilter(self.add_files)
        self.files_table.viewport().installEventFilter(self._drop_filter)
        self.history_page = HistoryPage(self, self.history_table)
        self.divisions_page = DivisionsPage(self._edited)
        # After the form's own pages: their places (and Alt keys) stay as users know them.
        self.pages.addTab(self.divisions_page, "Подразделения")
        self._tab_titles.append("Подразделения")
        self.pages.currentChanged.connect(lambda _i: self._load_page())
        bold = QFont(self.status_badge.font())
        bold.setBold(True)
        self.status_badge.setFont(bold)

    # -- live validation --------------------------------------------------------------
    def _check(self, edit: QLineEdit, label: QLabel, validator: Callable[[str], str],
               text: str) -> None:
        message = None
        if text.strip():
            try:
                validator(text)
            except ValidationError as exc:
                message = exc.message
        mark(edit, label, message)

    def _check_short_name(self, text: str) -> None:
        message = None if text.strip() else "Краткое наименование: обязательное поле"
        mark(self.short_name_edit, self.short_name_error, message)

    def _check_gps(self) -> None:
        message = None
        try:
            self._gps()
        except ValidationError as exc:
            message = exc.message
        edit = self.longitude_edit if message and message.startswith("Долгота") \
            else self.latitude_edit
        mark(self.latitude_edit, None, None)
        mark(self.longitude_edit, None, None)
        mark(edit, self.gps_error, message)

    def _gps(self) -> tuple[float | None, float | None]:
        lat = parse_float(self.latitude_edit.text(), "latitude", "Широта")
        lon = parse_float(self.longitude_edit.text(), "longitude", "Долгота")
        if lat is not None and not -90 <= lat <= 90:
            raise ValidationError("latitude", "Широта: должна быть от −90 до 90")
        if lon is not None and not -180 <= lon <= 180:
            raise ValidationError("longitude", "Долгота: должна быть от −180 до 180")
        return lat, lon

    # -- data ↔ form ----------------------------------------------------------------------
    def title(self) -> str:
        return self._data.short_name or "Новый клиент"

    def fill(self, data: ClientData) -> None:
        self._filling = True
        self._data = data
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(data.status.value)))
        self.short_name_edit.setText(data.short_name)
        self.full_name_edit.setText(data.full_name)
        self.inn_edit.setText(data.inn or "")
        self.kpp_edit.setText(data.kpp or "")
        self.ogrn_edit.setText(data.ogrn or "")
        self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(data.group_id)))
        self.segment_combo.setEditText(data.segment or "")
        self.region_combo.setEditText(data.region or "")
        self.source_combo.setEditText(data.source or "")
        self.website_edit.setText(data.website or "")
        self.latitude_edit.setText("" if data.latitude is None else f"{data.latitude:.6f}")
        self.longitude_edit.setText("" if data.longitude is None else f"{data.longitude:.6f}")
        self.notes_edit.setPlainText(data.notes or "")
        self._fill_shared_editors(data)
        self.addresses.set_rows([(a.id, [a.kind.value, a.postal_code or "", a.text])
                                 for a in data.addresses])
        for direction_id, combo in self.responsible_combos.items():
            combo.setCurrentIndex(max(0, combo.findData(data.responsibilities.get(direction_id))))
        self.divisions_page.set_divisions(data.divisions)
        for edit in self.form.findChildren(QLineEdit):
            edit.setCursorPosition(0)
        mark(self.short_name_edit, self.short_name_error, None)
        self._fill_contacts(data.contacts)
        self._fill_header()
        self._loaded_pages.clear()
        self._load_page()
        self._filled()

    def prefill_phone(self, raw: str) -> None:
        """A number given from outside (an unknown caller): a new phone row; the card
        becomes dirty, so the number is saved with the client."""
        self.phones.append_row([raw, PhoneKind.WORK.value, ""])
        self.show_message(f"Телефон {raw} добавлен на страницу телефонов: заполните "
                          "наименование и сохраните карточку.", error=False)
        self.short_name_edit.setFocus()

    def _fill_header(self) -> None:
        d = self._data
        parts = [d.short_name or "Новый клиент"]
        if d.inn:
            parts.append(f"ИНН {d.inn}")
        self.header_label.setText(" · ".join(parts))
        colour = {ClientStatus.SERVED: "#1b5e20", ClientStatus.PROSPECT: "#0d47a1",
                  ClientStatus.DISCONNECTED: "#8d1c1c"}[d.status]
        self.status_badge.setText(CLIENT_STATUS_TITLES[d.status])
        set_text_colour(self.status_badge, colour)
        if d.id is None:
            self.info_label.setText("Новый клиент: заполните наименование и нажмите «Сохранить» "
                                    "(Ctrl+S).")
        else:
            who = f", {d.updated_by}" if d.updated_by else ""
            self.info_label.setText(f"Код клиента: {d.id}. Создан {fmt_dt(d.created_at)}.\n"
                                    f"Изменён {fmt_dt(d.updated_at)}{who}.")
        saved = d.id is not None
        for widget in (self.add_contact_button, self.add_file_button):
            widget.setEnabled(saved)
        self.files_hint_label.setText(
            "Файлы можно перетащить в этот список мышью. Размер файла — не больше "
            f"{att.format_size(att.ATTACHMENT_MAX_BYTES)}." if saved else
            "Сохраните карточку, чтобы прикреплять к ней файлы.")

    def form_state(self) -> Any:
        return (self.status_combo.currentIndex(), self.short_name_edit.text(),
                self.full_name_edit.text(), self.inn_edit.text(), self.kpp_edit.text(),
                self.ogrn_edit.text(), self.group_combo.currentIndex(),
                self.segment_combo.currentText(), self.region_combo.currentText(),
                self.source_combo.currentText(), self.website_edit.text(),
                self.latitude_edit.text(), self.longitude_edit.text(),
                self.notes_edit.toPlainText(), self.phones.rows(), self.emails.rows(),
                self.addresses.rows(),
                tuple(c.currentIndex() for c in self.responsible_combos.values()),
                tuple(sorted(self.custom.texts().items())), self.divisions_page.state())

    def collect(self) -> ClientData:
        d = self._data.copy()
        d.status = ClientStatus(self.status_combo.currentData())
        d.short_name = self.short_name_edit.text()
        d.full_name = self.full_name_edit.text()
        d.inn = self.inn_edit.text()
        d.kpp = self.kpp_edit.text()
        d.ogrn = self.ogrn_edit.text()
        d.group_id = self.group_combo.currentData()
        d.segment = self.segment_combo.currentText()
        d.region = self.region_combo.currentText()
        d.source = self.source_combo.currentText()
        d.website = self.website_edit.text()
        d.notes = self.notes_edit.toPlainText()
        try:
            d.latitude, d.longitude = self._gps()
        except ValidationError:
            # Report problems in form order: the fields above the coordinates come first.
            d.latitude = d.longitude = None
            validate_client(d)
            raise
        self._collect_shared_editors(d)
        d.addresses = [AddressData(row_id, AddressKind(v[0]), v[1] or None, v[2])
                       for row_id, v in self.addresses.rows()]
        d.responsibilities = {k: c.currentData() for k, c in self.responsible_combos.items()}
        d.divisions = self.divisions_page.divisions()
        return d

    def field_widget(self, field: str) -> QWidget | None:
        kind, _, key = field.partition(":")
        if kind not in ("division", "divisions"):
            return super().field_widget(field)
        if key.lstrip("-").isdigit():
            self.divisions_page.select(int(key))
        return self.divisions_page.tree

    def show_error(self, exc: ValidationError) -> None:
        super().show_error(exc)
        if exc.field.startswith("division"):
            self.divisions_page.show_problem(exc.message)
            self.pages.setCurrentIndex(page_of(self.pages, self.divisions_page.tree))

    def _load(self) -> ClientData:
        assert self.entity_id is not None
        return load_client(self.context.base, self.entity_id)

    def _save_data(self, data: ClientData) -> ClientData:
        return save_client(self.context.base, data, self.context.employee_id)

    def validate(self, data: ClientData) -> ClientData:
        return validate_client(data)

    def _readable(self, name: str, key: int, value: Any) -> str:
        if name == "responsibilities":
            directions = {i: n for i, _c, n in self.lookups.directions}
            people = dict(self.lookups.employees)
            return f"{directions.get(key, key)}: {people.get(value, value)}"
        return super()._readable(name, key, value)

    # -- pages filled from data -----------------------------------------------------------
    def _fill_contacts(self, contacts: list[ContactRow]) -> None:
        table = self.contacts_table
        table.setRowCount(len(contacts))
        for r, c in enumerate(contacts):
            values = [c.full_name, c.position, c.phones, c.emails,
                      c.birthday.strftime("%d.%m.%Y") if c.birthday else "",
                      "да" if c.stop_list else ""]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, c.id)
                table.setItem(r, col, item)
        if contacts:
            table.setCurrentCell(0, 0)

    def _load_page(self) -> None:
        page = self.pages.currentWidget().objectName()
        if page in self._loaded_pages or self.entity_id is None:
            return
        self._loaded_pages.add(page)
        if page == "page_files":
            self.refresh_files()
        elif page == "page_history":
            self.refresh_history()

    def refresh_history(self) -> None:
        if self.entity_id is None:
            return
        with self.context.base.sessions() as s:
            rows = client_history(s, self.entity_id)
        titles = {("clients", "status"): CLIENT_STATUS_TITLES,
                  ("phones", "kind"): PHONE_KIND_TITLES,
                  ("addresses", "kind"): ADDRESS_KIND_TITLES}
        for row in rows:  # show titles, not stored codes (rows are detached copies)
            mapping = {k.value: t for k, t in titles.get((row.table_name, row.field), {}).items()}
            if mapping:
                row.old_value = mapping.get(row.old_value or "", row.old_value)
                row.new_value = mapping.get(row.new_value or "", row.new_value)
        self._show_history(rows)

    def current_contact_id(self) -> int | None:
        item = self.contacts_table.item(self.contacts_table.currentRow(), 0)
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def open_current_contact(self) -> None:
        contact_id = self.current_contact_id()
        if contact_id is not None:
            self.context.cards.open("contact", contact_id)

    def add_contact(self) -> None:
        if self.entity_id is None:
            self.show_message("Сначала сохраните карточку клиента.")
        elif self._open_new_contact is not None:
            self._open_new_contact(self.entity_id)

    def on_entities_changed(self, kind: str, ids: list[int]) -> None:
        """A contact of this client was saved (its card announces the client too): refresh
        the contacts page only, never the fields being edited."""
        if kind == "client" and self.entity_id in ids:
            try:
                fresh = load_client(self.context.base, self.entity_id)
            except CardNotFound:
                return
            self._fill_contacts(fresh.contacts)

    # -- attachments ----------------------------------------------------------------------
    def refresh_files(self) -> None:
        if self.entity_id is None:
            return
        self._files = att.list_attachments(self.context.base, self.entity_id)
        table = self.files_table
        table.setRowCount(len(self._files))
        for r, info in enumerate(self._files):
            values = [info.file_name, att.format_size(info.size), fmt_dt(info.created_at),
                      info.created_by or ""]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, info.id)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        if self._files:
            table.setCurrentCell(0, 0)

    def add_files(self, paths_: list[Path]) -> None:
        if self.entity_id is None:
            self.show_message("Сохраните карточку, чтобы прикреплять к ней файлы.")
            return
        added, problems = 0, []
        for path in paths_:
            try:
                att.add_attachment_file(self.context.base, self.entity_id, path,
                                        self.context.employee_id)
                added += 1
            except ValidationError as exc:
                problems.append(exc.message)
            except OSError as exc:
                problems.append(f"Файл «{path.name}» не прочитан: {exc.strerror or exc}")
        self.refresh_files()
        self._loaded_pages.discard("page_history")
        if problems:
            self.show_message("; ".join(problems))
        elif added:
            self.show_message(f"Добавлено файлов: {added}", error=False)

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Добавить файлы в карточку клиента")
        self.add_files([Path(n) for n in names])

    def current_file(self) -> att.AttachmentInfo | None:
        row = self.files_table.currentRow()
        files = getattr(self, "_files", [])
        return files[row] if 0 <= row < len(files) else None

    def open_file(self) -> Path | None:
        info = self.current_file()
        if info is None:
            return None
        folder = Path(tempfile.mkdtemp(prefix="vostok-"))
        path = folder / info.file_name
        path.write_bytes(att.read_attachment(self.context.base, info.id))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def save_file_as(self) -> None:
        info = self.current_file()
        if info is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Сохранить файл как", info.file_name)
        if name:
            try:
                Path(name).write_bytes(att.read_attachment(self.context.base, info.id))
            except OSError as exc:
                self.show_message(f"Файл не записан: {exc.strerror or exc}")
                return
            self.show_message(f"Файл сохранён: {name}", error=False)

    def delete_file(self) -> None:
        info = self.current_file()
        if info is None:
            return
        if QMessageBox.question(self, "Удалить файл",
                                f"Удалить файл «{info.file_name}» из карточки клиента?") \
                != QMessageBox.StandardButton.Yes:
            return
        att.delete_attachment(self.context.base, info.id, self.context.employee_id)
        self.refresh_files()
        self._loaded_pages.discard("page_history")


class _FileDropFilter(QObject):
    """Drag-and-drop of files from the desktop onto the «Внешние файлы» list."""

    def __init__(self, add: Callable[[list[Path]], None]) -> None:
        super().__init__()
        self._add = add

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if event.mimeData().hasUrls():  # type: ignore[attr-defined]
                event.acceptProposedAction()  # type: ignore[attr-defined]
                return True
        elif kind == QEvent.Type.Drop and event.mimeData().hasUrls():  # type: ignore[attr-defined]
            paths_ = [Path(u.toLocalFile()) for u in event.mimeData().urls()  # type: ignore[attr-defined]
                      if u.isLocalFile()]
            event.acceptProposedAction()  # type: ignore[attr-defined]
            self._add(paths_)
            return True
        return False
