"""The editing pieces the client and contact cards share: the phone/e-mail/address tables,
the custom-field editors, and :class:`EditableCard` (form, dirty flag, messages, Esc, saving
and conflicts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from vostok_desktop.db import CONNECTION_LOST_MESSAGE, is_connection_error, is_read_only_refusal
from vostok_desktop.domain import CustomFieldType, PhoneKind
from vostok_desktop.domain.clients import ADDRESS_KIND_TITLES, PHONE_KIND_TITLES
from vostok_desktop.domain.validators import ValidationError, normalize_phone, validate_email
from vostok_desktop.gui.cards.base import CardWidget
from vostok_desktop.gui.cards.conflict import CompareDialog, ConflictBox
from vostok_desktop.gui.cards.history import show_history
from vostok_desktop.gui.cards.pages import notify_loaded
from vostok_desktop.gui.cards.widgets import (
    ERROR_COLOUR,
    HINT_COLOUR,
    build_form,
    fmt_dt,
    mark,
    set_text_colour,
    show_status,
    style_header,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.cards.common import (
    CardConflict,
    CardNotFound,
    CustomFieldInfo,
    CustomValueType,
    EmailData,
    Lookups,
    PhoneData,
    differences,
    format_custom,
    parse_custom,
)


class RowsEditor(QObject):
    """An editable table of phones, e-mails or addresses with Add/Remove and validation."""

    def __init__(self, table: QTableWidget, add: QPushButton, remove: QPushButton,
                 error: QLabel, columns: list[tuple[str, str, int]], changed: Callable[[], None],
                 validate: Callable[[list[str]], str | None]) -> None:
        super().__init__(table)
        self.table, self.error, self.columns = table, error, columns
        self._changed, self._validate = changed, validate
        self._filling = False
        table.setColumnCount(len(columns))
        table.setHorizontalHeaderLabels([c[1] for c in columns])
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(26)
        for i, (_key, _title, width) in enumerate(columns):
            if width:
                table.setColumnWidth(i, width)
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        set_text_colour(error, ERROR_COLOUR)
        error.setVisible(False)
        add.clicked.connect(self.add_row)
        remove.clicked.connect(self.remove_row)
        table.itemChanged.connect(lambda _item: self._on_changed())

    def _choices(self, key: str) -> dict[str, str] | None:
        return {"phone_kind": {k.value: t for k, t in PHONE_KIND_TITLES.items()},
                "address_kind": {k.value: t for k, t in ADDRESS_KIND_TITLES.items()}}.get(key)

    def set_rows(self, rows: list[tuple[int | None, list[str]]]) -> None:
        self._filling = True
        self.table.setRowCount(0)
        for row_id, values in rows:
            self._append(row_id, values)
        self._filling = False
        self.validate()

    def _append(self, row_id: int | None, values: list[str]) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, (key, _title, _w) in enumerate(self.columns):
            choices = self._choices(key)
            if choices is not None:
                combo = QComboBox()
                for value, title in choices.items():
                    combo.addItem(title, value)
                combo.setCurrentIndex(max(0, combo.findData(values[c])))
                combo.currentIndexChanged.connect(lambda _i: self._on_changed())
                self.table.setCellWidget(r, c, combo)
            else:
                item = QTableWidgetItem(values[c])
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row_id)
                self.table.setItem(r, c, item)
        return r

    def row_id(self, r: int) -> int | None:
        for c in range(self.table.columnCount()):
            item = self.table.item(r, c)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
                return int(item.data(Qt.ItemDataRole.UserRole))
        return None

    def values(self, r: int) -> list[str]:
        out = []
        for c in range(self.table.columnCount()):
            widget = self.table.cellWidget(r, c)
            if isinstance(widget, QComboBox):
                out.append(str(widget.currentData()))
            else:
                item = self.table.item(r, c)
                out.append(item.text().strip() if item else "")
        return out

    def rows(self) -> list[tuple[int | None, list[str]]]:
        return [(self.row_id(r), self.values(r)) for r in range(self.table.rowCount())]

    def add_row(self) -> None:
        defaults = [("work" if k == "phone_kind" else "actual" if k == "address_kind" else "")
                    for k, _t, _w in self.columns]
        r = self._append(None, defaults)
        text_col = next(c for c, (k, _t, _w) in enumerate(self.columns)
                        if self._choices(k) is None)
        self.table.setCurrentCell(r, text_col)
        self.table.setFocus()
        self.table.editItem(self.table.item(r, text_col))
        self._on_changed()

    def append_row(self, values: list[str]) -> int:
        """Add a filled-in row (e.g. a phone number given from outside); returns its index."""
        r = self._append(None, values)
        self.table.setCurrentCell(r, 0)
        self._on_changed()
        return r

    def remove_row(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)
            self._on_changed()

    def _on_changed(self) -> None:
        if self._filling:
            return
        self.validate()
        self._changed()

    def validate(self) -> str | None:
        """Mark invalid rows red; returns the first message (None if all rows are fine)."""
        first = None
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            message = self._validate(self.values(r))
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                if item is not None:
                    item.setBackground(QBrush(QColor("#fde0dc")) if message else QBrush())
                    item.setToolTip(message or "")
            first = first or message
        self.table.blockSignals(False)
        self.error.setText(first or "")
        self.error.setVisible(bool(first))
        return first


def value_problem(check: Callable[[str], object]) -> Callable[[list[str]], str | None]:
    """A row check for RowsEditor: the message ``check`` refuses the row's first value with
    (None for a blank or good value)."""
    def problem(values: list[str]) -> str | None:
        if not values[0]:
            return None
        try:
            check(values[0])
        except ValidationError as exc:
            return exc.message
        return None
    return problem


phone_problem = value_problem(normalize_phone)
email_problem = value_problem(validate_email)


DIAL_ACTION = "telephony.dial"  # registered by the telephony controller, when installed

PHONE_COLUMNS = [("raw", "Номер", 220), ("phone_kind", "Вид", 120), ("extension", "Доб.", 60)]
EMAIL_COLUMNS = [("address", "Адрес электронной почты", 0)]


def phones_from(editor: RowsEditor) -> list[PhoneData]:
    return [PhoneData(row_id, v[0], PhoneKind(v[1]), v[2] or None)
            for row_id, v in editor.rows()]


def emails_from(editor: RowsEditor) -> list[EmailData]:
    return [EmailData(row_id, v[0]) for row_id, v in editor.rows()]


class CustomFieldsEditor(QObject):
    """Editors for «Дополнительные сведения», one per configured field, by type."""

    def __init__(self, group: QGroupBox, empty_label: QLabel, infos: list[CustomFieldInfo],
                 changed: Callable[[], None]) -> None:
        super().__init__(group)
        self.infos = infos
        self.editors: dict[int, QLineEdit | QComboBox] = {}
        layout = group.layout()
        assert isinstance(layout, QFormLayout)
        empty_label.setVisible(not infos)
        group.setVisible(bool(infos))
        self.error = QLabel()
        set_text_colour(self.error, ERROR_COLOUR)
        self.error.setWordWrap(True)
        for info in infos:
            editor: QLineEdit | QComboBox
            if info.value_type is CustomFieldType.CHOICE:
                editor = QComboBox()
                editor.addItem("")
                editor.addItems(list(info.choices))
                editor.currentIndexChanged.connect(lambda _i: changed())
            else:
                editor = QLineEdit()
                editor.setPlaceholderText({CustomFieldType.NUMBER: "число",
                                           CustomFieldType.DATE: "ДД.ММ.ГГГГ"}.get(
                                               info.value_type, ""))
                if info.value_type is not CustomFieldType.TEXT:
                    editor.setMaximumWidth(160)
                editor.textChanged.connect(lambda _t, i=info, e=editor: self._check(i, e))
                editor.textChanged.connect(lambda _t: changed())
            editor.setObjectName(f"custom_{info.id}")
            editor.setMinimumWidth(160)
            label = QLabel(info.name + ":")
            label.setBuddy(editor)
            layout.addRow(label, editor)
            self.editors[info.id] = editor
        layout.addRow("", self.error)
        self.error.setVisible(False)

    def _check(self, info: CustomFieldInfo, editor: QLineEdit) -> None:
        try:
            parse_custom(info, editor.text())
            message = None
        except ValidationError as exc:
            message = exc.message
        mark(editor, self.error, message)

    def set_values(self, values: dict[int, CustomValueType]) -> None:
        for info in self.infos:
            editor = self.editors[info.id]
            text = format_custom(values.get(info.id))
            if isinstance(editor, QComboBox):
                index = editor.findText(text)
                if index < 0 and text:
                    editor.addItem(text)
                    index = editor.count() - 1
                editor.setCurrentIndex(max(index, 0))
            else:
                editor.setText(text)

    def texts(self) -> dict[int, str]:
        return {i: (e.currentText() if isinstance(e, QComboBox) else e.text())
                for i, e in self.editors.items()}

    def values(self) -> dict[int, CustomValueType]:
        """Typed values; ValidationError(field="custom:<id>") for the first bad one."""
        out: dict[int, CustomValueType] = {}
        for info in self.infos:
            text = self.texts()[info.id]
            value = parse_custom(info, text)
            if value is not None:
                out[info.id] = value
        return out


def parse_float(text: str, field: str, label: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValidationError(field, f"{label}: «{text}» — не число") from None


SHORT_TAB_TITLES = {"Дополнительные сведения": "Доп. сведения", "История изменений": "История",
                    "Телефоны и адреса": "Телефоны, адреса", "Телефоны и e-mail": "Телефоны"}


def fit_tab_titles(pages: QTabWidget, full: list[str]) -> None:
    """Full page names when they fit, short ones (full name in the tooltip) when not."""
    bar = pages.tabBar()
    for i, title in enumerate(full):
        pages.setTabText(i, title)
        pages.setTabToolTip(i, title)
    if bar.sizeHint().width() <= pages.width() - 8:
        return
    for i, title in enumerate(full):
        pages.setTabText(i, SHORT_TAB_TITLES.get(title, title))


def page_of(pages: QTabWidget, widget: QWidget) -> int:
    for i in range(pages.count()):
        if pages.widget(i).isAncestorOf(widget):
            return i
    return -1


class EditableCard(CardWidget):
    """What the client and contact cards share: form, dirty flag, messages, Esc, conflicts."""

    ui_file = ""
    ui_widgets: dict[str, type[QWidget]] = {}
    field_titles: dict[str, str] = {}  # the card's own fields, for the comparison
    # ValidationError.field → the attribute of the widget to go to: tables of rows
    # («phone:2» selects row 2) and single editors.
    row_tables = {"phone": "phones_table", "email": "emails_table"}
    field_edits: dict[str, str] = {}

    def __init__(self, context: AppContext, entity_id: int | None, lookups: Lookups) -> None:
        super().__init__(entity_id)
        self.context = context
        self.lookups = lookups
        self._dirty = False
        self._filling = False
        self._snapshot: Any = None
        self.form = build_form(self, self.ui_file, self.ui_widgets)
        style_header(self.header_label)
        set_text_colour(self.info_label, HINT_COLOUR)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.message_label.setVisible(False)
        self.save_button.clicked.connect(self.save)
        self.reload_button.clicked.connect(self.reload)
        self.extension_pages = context.card_pages.install(context, self, self.pages)
        self._tab_titles = [self.pages.tabText(i) for i in range(self.pages.count())]
        for label in self.form.findChildren(QLabel):
            if label.objectName().endswith("_error") or label is self.message_label:
                # Take the whole field column, or a wrapped message shrinks to a narrow strip.
                label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            if label.objectName().endswith("_error"):
                set_text_colour(label, ERROR_COLOUR)
                label.setVisible(False)

    def _setup_shared_editors(self, custom_fields: list[CustomFieldInfo]) -> None:
        """The phones and e-mails tables and the custom fields, alike on both cards."""
        self.phones = RowsEditor(self.phones_table, self.add_phone_button,
                                 self.remove_phone_button, self.phones_error, PHONE_COLUMNS,
                                 self._edited, phone_problem)
        self.emails = RowsEditor(self.emails_table, self.add_email_button,
                                 self.remove_email_button, self.emails_error, EMAIL_COLUMNS,
                                 self._edited, email_problem)
        self.custom = CustomFieldsEditor(self.custom_group, self.custom_empty_label,
                                         custom_fields, self._edited)
        if DIAL_ACTION in self.context.actions:  # telephony is installed: click-to-call
            self.phones_table.addAction(self.context.actions.action(DIAL_ACTION))
            self.phones_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def phone_to_dial(self) -> str | None:
        """Click-to-call: the raw number of the selected phone row (the first phone when
        no row is selected); None when the card has no phones."""
        table = self.phones_table
        if table.rowCount() == 0:
            return None
        row = table.currentRow() if table.currentRow() >= 0 else 0
        return self.phones.values(row)[0] or None

    def _fill_shared_editors(self, data: Any) -> None:
        self.phones.set_rows([(p.id, [p.raw, p.kind.value, p.extension or ""])
                              for p in data.phones])
        self.emails.set_rows([(e.id, [e.address]) for e in data.emails])
        self.custom.set_values(data.custom)

    def _collect_shared_editors(self, data: Any) -> None:
        data.phones = phones_from(self.phones)
        data.emails = emails_from(self.emails)
        data.custom = self.custom.values()

    # -- dirty state -----------------------------------------------------------------
    def form_state(self) -> Any:
        raise NotImplementedError

    def is_dirty(self) -> bool:
        return self._dirty

    def _edited(self) -> None:
        if self._filling or self._snapshot is None:
            return
        dirty = self.form_state() != self._snapshot
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def _filled(self) -> None:
        self._filling = False
        self._snapshot = self.form_state()
        notify_loaded(self.extension_pages, self.entity_id)
        if self._dirty:
            self._dirty = False
            self.dirty_changed.emit(False)
        self.title_changed.emit(self.title())

    # -- messages ---------------------------------------------------------------------
    def show_message(self, text: str, error: bool = True) -> None:
        show_status(self.message_label, text, error)

    def field_widget(self, field: str) -> QWidget | None:
        """The widget a ValidationError's ``field`` names (None if the form has none)."""
        kind, _, index = field.partition(":")
        if kind in self.row_tables:
            table: QTableWidget = getattr(self, self.row_tables[kind])
            if index.isdigit():
                table.setCurrentCell(int(index), 0)
            return table
        if kind == "custom" and index.isdigit():
            return self.custom.editors.get(int(index))
        name = self.field_edits.get(field)
        return getattr(self, name) if name else None

    def show_error(self, exc: ValidationError) -> None:
        """Refuse the save: say which field and why, go to it; nothing typed is touched."""
        self.show_message("Карточка не сохранена. " + exc.message)
        widget = self.field_widget(exc.field)
        if widget is not None:
            index = page_of(self.pages, widget)
            if index >= 0:
                self.pages.setCurrentIndex(index)
            widget.setFocus()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        fit_tab_titles(self.pages, self._tab_titles)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.pages.tabBar().setFocus()  # leave the editor; the page tabs take the keys
            event.accept()
            return
        super().keyPressEvent(event)

    # -- save / reload ------------------------------------------------------------------
    def collect(self) -> Any:
        raise NotImplementedError

    def _load(self) -> Any:
        raise NotImplementedError

    def _save_data(self, data: Any) -> Any:
        raise NotImplementedError

    def fill(self, data: Any) -> None:
        raise NotImplementedError

    def read_only_message(self) -> str:
        notes = self.context.base.notes
        reason = f" {notes[-1]}" if notes else ""
        return ("Карточка не сохранена: база открыта только для чтения." + reason
                + " Изменения остались в карточке.")

    def save(self) -> bool:
        if self.context.base.read_only:
            self.show_message(self.read_only_message())
            return False
        try:
            data = self.collect()
        except ValidationError as exc:
            self.show_error(exc)
            return False
        return self._write(data)

    def _write(self, data: Any) -> bool:
        try:
            saved = self._save_data(data)
        except ValidationError as exc:
            self.show_error(exc)
            return False
        except CardConflict as conflict:
            return self._resolve_conflict(data, conflict)
        except CardNotFound as exc:
            self.show_message(str(exc))
            return False
        except SQLAlchemyError as exc:
            # The save is one transaction: it failed whole, so the form still holds every
            # edit (new rows keep no id) and the same save, repeated, writes them once.
            if is_connection_error(exc):
                self.show_message(CONNECTION_LOST_MESSAGE)
                self._connection_lost()
            elif is_read_only_refusal(exc):
                self.show_message(self.read_only_message())
            else:
                self.show_message("Карточка не сохранена: ошибка базы данных "
                                  f"({exc.__class__.__name__}). Изменения остались в карточке.")
            return False
        self.entity_id = saved.id
        self.fill(saved)
        self.show_message(f"Сохранено {fmt_dt(saved.updated_at)}", error=False)
        self.context.bus.announce(self.kind, [saved.id])
        return True

    def _connection_lost(self) -> None:
        """Have the main window's connection watch look now (status bar, tray, retries)."""
        check = getattr(self.window(), "check_connection", None)
        if callable(check):
            check()

    def _resolve_conflict(self, data: Any, conflict: CardConflict) -> bool:
        self.show_message(str(conflict))
        choice = ConflictBox(self, conflict).choose()
        if choice == "reload":
            if QMessageBox.question(
                self, "Перечитать карточку",
                "Ваши несохранённые изменения будут потеряны. Перечитать карточку?",
            ) == QMessageBox.StandardButton.Yes:
                self.fill(self._load())
                self.show_message("Карточка перечитана из базы.", error=False)
            return False
        if choice == "compare":
            theirs = self._load()
            diffs = self.differences(data, theirs)
            answer = CompareDialog(self, diffs, conflict).choose()
            if answer == "mine":
                data.version = theirs.version  # reapply my values over the stored version
                return self._write(data)
            if answer == "theirs":
                self.fill(theirs)
                self.show_message("Взята сохранённая версия карточки.", error=False)
        return False

    def validate(self, data: Any) -> Any:
        """The service's validation of this kind of card (a normalised copy)."""
        raise NotImplementedError

    def differences(self, mine: Any, theirs: Any) -> list[tuple[str, str, str]]:
        try:
            mine = self.validate(mine)
        except ValidationError:
            pass
        return differences(mine, theirs, self.field_titles, self._readable)

    def _readable(self, name: str, key: int, value: Any) -> str:
        """A custom value (``key`` is the field id) named for people in the comparison."""
        fields_ = {f.id: f.name for f in self.custom.infos}
        return f"{fields_.get(key, key)}: {format_custom(value)}"

    def _show_history(self, rows: list[Any]) -> None:
        show_history(self.history_table, rows, self.lookups)

    def reload(self) -> None:
        if self.entity_id is None:
            return
        if self.is_dirty() and QMessageBox.question(
            self, "Перечитать карточку",
            "В карточке есть несохранённые изменения. Перечитать её и потерять их?",
        ) != QMessageBox.StandardButton.Yes:
            return
        try:
            self.fill(self._load())
        except CardNotFound as exc:
            self.show_message(str(exc))
            return
        self.show_message("")
