"""«Настройки горячей линии»: the editable lists of the hot line (administrators only).

Three pages: request types with their answer deadline rules, search order stages (in
order) and the calendar (holidays and moved working days). Every page is keyboard-first:
Ins adds, Enter edits, Del deactivates or removes, Ctrl+Up/Down moves a stage. Every save
is one transaction; a refused save says in Russian which field is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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

from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.hotline import calendar as hc
from vostok_desktop.services.hotline import requests as hl

ERROR_STYLE = "color: #b00020; font-weight: bold;"
INACTIVE = QColor("#888888")


OWN_KEYS = frozenset({Qt.Key.Key_Insert, Qt.Key.Key_Delete, Qt.Key.Key_Return, Qt.Key.Key_Enter,
                      Qt.Key.Key_Up, Qt.Key.Key_Down})


def claim_own_keys(event: QEvent) -> bool:
    """Main-window actions (Ins, Del, Enter of the agents) must not take this window's
    keys: accept their shortcut override so the key press reaches the focused widget."""
    if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
        plain = event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier
                                      | Qt.KeyboardModifier.ControlModifier) == \
            Qt.KeyboardModifier.NoModifier
        if plain and Qt.Key(event.key()) in OWN_KEYS:
            event.accept()
            return True
    return False


class SettingsError(ValueError):
    """A refused value; ``widget`` gets the focus."""

    def __init__(self, text: str, widget: QWidget | None = None) -> None:
        super().__init__(text)
        self.widget = widget


# -- editors -----------------------------------------------------------------------------------
class _Editor(QDialog):
    """A small form with a message line; Enter saves (one transaction), Esc cancels."""

    def __init__(self, context: AppContext, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.saved_id: object = None
        self.form = QFormLayout()
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setStyleSheet(ERROR_STYLE)
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                           | QDialogButtonBox.StandardButton.Cancel)
        save = self.button_box.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Сохранить (Enter)")
        save.setDefault(True)
        self.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена (Esc)")
        self.button_box.accepted.connect(self.save)
        self.button_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.button_box)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def event(self, event: QEvent) -> bool:
        return claim_own_keys(event) or super().event(event)

    def write(self, session: object) -> object:  # pragma: no cover - overridden
        raise NotImplementedError

    def save(self) -> bool:
        try:
            with self.context.base.sessions.begin() as session:
                self.saved_id = self.write(session)
        except SettingsError as exc:
            self.show_message(str(exc))
            if exc.widget is not None:
                exc.widget.setFocus()
            return False
        except hl.RequestError as exc:
            self.show_message(str(exc))
            self.focus_for(str(exc))
            return False
        self.accept()
        return True

    def focus_for(self, text: str) -> None:
        """Put the cursor into the field a service message names."""


class TypeEditor(_Editor):
    """A request type: name, deadline (working days + working hours and minutes), flags."""

    def __init__(self, context: AppContext, info: hl.RequestTypeInfo | None, active: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, "Тип обращения" if info else "Новый тип обращения", parent)
        self.setObjectName("hotline_type_editor")
        self.type_id = info.id if info else None
        self.name_edit = QLineEdit(info.name if info else "")
        self.name_edit.setMaxLength(200)
        self.days_spin = QSpinBox(maximum=365, suffix=" раб. дн.")
        self.hours_spin = QSpinBox(maximum=999, suffix=" ч")
        self.minutes_spin = QSpinBox(maximum=59, suffix=" мин", singleStep=5)
        minutes = info.deadline_minutes if info else 240
        self.days_spin.setValue(info.deadline_days if info else 0)
        self.hours_spin.setValue(minutes // 60)
        self.minutes_spin.setValue(minutes % 60)
        deadline = QHBoxLayout()
        for spin in (self.days_spin, self.hours_spin, self.minutes_spin):
            deadline.addWidget(spin)
        self.search_box = QCheckBox("Заказ на поиск документов (идет по этапам)")
        self.search_box.setChecked(bool(info and info.is_search_order))
        self.active_box = QCheckBox("Действует (предлагается при регистрации)")
        self.active_box.setChecked(active)
        self.form.addRow("&Название:", self.name_edit)
        self.form.addRow("&Срок ответа (рабочее время):", deadline)
        self.form.addRow("", self.search_box)
        self.form.addRow("", self.active_box)
        self.resize(520, 0)

    def deadline_minutes(self) -> int:
        return self.hours_spin.value() * 60 + self.minutes_spin.value()

    def write(self, session: object) -> object:
        name = self.name_edit.text().strip()
        if not name:
            raise SettingsError("Название: укажите название типа обращения", self.name_edit)
        type_id = hl.save_request_type(
            session, name, deadline_days=self.days_spin.value(),  # type: ignore[arg-type]
            deadline_minutes=self.deadline_minutes(), is_search_order=self.search_box.isChecked(),
            type_id=self.type_id)
        hl.set_request_type_active(session, type_id,  # type: ignore[arg-type]
                                   self.active_box.isChecked())
        return type_id

    def focus_for(self, text: str) -> None:
        text = text.lower()
        if "срок" in text:
            self.days_spin.setFocus()
        elif "действующ" in text:
            self.active_box.setFocus()
        else:
            self.name_edit.setFocus()


class StageEditor(_Editor):
    def __init__(self, context: AppContext, stage: hl.StageInfo | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, "Этап заказа" if stage else "Новый этап заказа", parent)
        self.setObjectName("hotline_stage_editor")
        self.stage_id = stage.id if stage else None
        self.name_edit = QLineEdit(stage.name if stage else "")
        self.name_edit.setMaxLength(200)
        self.form.addRow("&Название этапа:", self.name_edit)
        self.resize(420, 0)

    def write(self, session: object) -> object:
        name = self.name_edit.text().strip()
        if not name:
            raise SettingsError("Название этапа: укажите название", self.name_edit)
        return hl.save_stage(session, name, stage_id=self.stage_id)  # type: ignore[arg-type]

    def focus_for(self, text: str) -> None:
        self.name_edit.setFocus()


class DayEditor(_Editor):
    """A calendar exception: the date, whether it is a working day, a note."""

    def __init__(self, context: AppContext, day: hc.ExceptionDay | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, "День календаря" if day else "Новый день календаря", parent)
        self.setObjectName("hotline_day_editor")
        self.old_day = day.day if day else None
        self.date_edit = QDateEdit(calendarPopup=True)
        self.date_edit.setDisplayFormat("dd.MM.yyyy")
        start = day.day if day else date.today()
        self.date_edit.setDate(QDate(start.year, start.month, start.day))
        self.working_box = QCheckBox("Рабочий день (перенесенный рабочий выходной)")
        self.working_box.setChecked(bool(day and day.is_working))
        self.note_edit = QLineEdit(day.note if day else "")
        self.note_edit.setMaxLength(200)
        self.note_edit.setPlaceholderText("например: «Перенос выходного с 3 января»")
        self.form.addRow("&Дата:", self.date_edit)
        self.form.addRow("", self.working_box)
        self.form.addRow("&Примечание:", self.note_edit)
        self.resize(460, 0)

    def day(self) -> date:
        return self.date_edit.date().toPython()  # type: ignore[no-any-return]

    def write(self, session: object) -> object:
        if not self.date_edit.hasAcceptableInput():
            raise SettingsError("Дата: укажите дату в виде ДД.ММ.ГГГГ", self.date_edit)
        day = self.day()
        existing = {d.day for d in hc.list_exceptions(session)}  # type: ignore[arg-type]
        if day != self.old_day and day in existing:
            raise SettingsError(f"Дата: {day:%d.%m.%Y} уже есть в календаре", self.date_edit)
        if self.old_day is not None and day != self.old_day:
            hc.remove_exception(session, self.old_day)  # type: ignore[arg-type]
        hc.set_exceptions(session, [(day, self.working_box.isChecked(),  # type: ignore[arg-type]
                                     self.note_edit.text().strip())])
        return day


# -- pages -------------------------------------------------------------------------------------
class _ListPage(QWidget):
    """A table with buttons; Ins / Enter / Del (and Ctrl+Up/Down if ``movable``)."""

    headers: tuple[str, ...] = ()

    def __init__(self, context: AppContext, *, movable: bool = False,
                 remove_text: str = "Удалить (Del)") -> None:
        super().__init__()
        self.context = context
        self.editor: _Editor | None = None
        self.keys: dict[Qt.Key, Callable[[], object]] = {}
        self.table = QTableWidget(0, len(self.headers))
        self.table.setHorizontalHeaderLabels(list(self.headers))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.message_label = QLabel()
        self.message_label.setStyleSheet(ERROR_STYLE)
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        buttons = QVBoxLayout()
        self.add_button = QPushButton("Добавить (Ins)")
        self.edit_button = QPushButton("Изменить (Enter)")
        self.remove_button = QPushButton(remove_text)
        for button, handler in ((self.add_button, self.add), (self.edit_button, self.edit),
                                (self.remove_button, self.remove)):
            button.clicked.connect(handler)
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.keys = {Qt.Key.Key_Insert: self.add, Qt.Key.Key_Delete: self.remove,
                     Qt.Key.Key_Return: self.edit, Qt.Key.Key_Enter: self.edit}
        if movable:
            self.up_button = QPushButton("Выше (Ctrl+↑)")
            self.down_button = QPushButton("Ниже (Ctrl+↓)")
            self.up_button.clicked.connect(lambda: self.move(-1))
            self.down_button.clicked.connect(lambda: self.move(1))
            for button in (self.up_button, self.down_button):
                button.setAutoDefault(False)
                buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.table, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.message_label)
        self.movable = movable
        self.refresh()

    # -- keyboard ---------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)):
            k = Qt.Key(event.key())
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if self.movable and ctrl and k in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move(-1 if k == Qt.Key.Key_Up else 1)
                return True
            handler = self.keys.get(k)
            if handler is not None and not ctrl:
                handler()
                return True
        return super().eventFilter(watched, event)

    # -- rows -------------------------------------------------------------------------------
    def current_key(self) -> object:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_key(self, key: object) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == key:
                self.table.setCurrentCell(row, 0)
                return
        if self.table.rowCount():
            self.table.setCurrentCell(0, 0)

    def fill(self, rows: list[tuple[object, list[str], bool]]) -> None:
        """(key, texts, active) per row; inactive rows are grey."""
        keep = self.current_key()
        self.table.setRowCount(len(rows))
        for r, (key, texts, active) in enumerate(rows):
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, key)
                if not active:
                    item.setForeground(QBrush(INACTIVE))
                self.table.setItem(r, c, item)
        self.select_key(keep)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def open_editor(self, editor: _Editor) -> _Editor:
        """Window-modal, not exec(): the caller (and a test) gets the editor back."""
        self.show_message("")
        editor.accepted.connect(lambda: self._edited(editor))
        editor.finished.connect(lambda _r: self.table.setFocus())
        self.editor = editor
        editor.open()
        return editor

    def _edited(self, editor: _Editor) -> None:
        self.refresh()
        self.select_key(editor.saved_id)
        self.announce()

    def run(self, action: Callable[[object], None]) -> bool:
        """One transaction for a list action; a refusal goes to the message line."""
        self.show_message("")
        try:
            with self.context.base.sessions.begin() as session:
                action(session)
        except hl.RequestError as exc:
            self.show_message(str(exc))
            return False
        keep = self.current_key()
        self.refresh()
        self.select_key(keep)
        self.announce()
        return True

    def announce(self) -> None:
        self.context.bus.announce("hotline_settings", [])

    # -- overridden -------------------------------------------------------------------------
    def refresh(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def add(self) -> object:  # pragma: no cover - overridden
        raise NotImplementedError

    def edit(self) -> object:  # pragma: no cover - overridden
        raise NotImplementedError

    def remove(self) -> object:  # pragma: no cover - overridden
        raise NotImplementedError

    def move(self, offset: int) -> None:
        """Only movable pages move rows."""


class TypesPage(_ListPage):
    headers = ("Тип обращения", "Срок ответа", "Заказ на поиск", "Действует")

    def __init__(self, context: AppContext) -> None:
        self.types: list[hl.RequestTypeInfo] = []
        self.active: set[int] = set()
        super().__init__(context, remove_text="Отключить (Del)")
        self.table.setObjectName("types_table")
        self.table.currentCellChanged.connect(lambda *_a: self._update_remove())

    def refresh(self) -> None:
        with self.context.base.sessions() as session:
            self.types = hl.request_types(session, active_only=False)
            self.active = {t.id for t in hl.request_types(session)}
        self.fill([(t.id, [t.name, t.rule_text(), "да" if t.is_search_order else "",
                           "да" if t.id in self.active else "нет"], t.id in self.active)
                   for t in self.types])
        self._update_remove()

    def _update_remove(self) -> None:
        key = self.current_key()
        self.remove_button.setText("Включить (Del)" if key is not None
                                   and key not in self.active else "Отключить (Del)")

    def current(self) -> hl.RequestTypeInfo | None:
        key = self.current_key()
        return next((t for t in self.types if t.id == key), None)

    def add(self) -> TypeEditor:
        return self.open_editor(TypeEditor(self.context, None, True, self))  # type: ignore[return-value]

    def edit(self) -> TypeEditor | None:
        info = self.current()
        if info is None:
            return None
        return self.open_editor(  # type: ignore[return-value]
            TypeEditor(self.context, info, info.id in self.active, self))

    def remove(self) -> bool:
        """Types are never deleted (requests keep theirs): Del switches «действует»."""
        info = self.current()
        if info is None:
            return False
        active = info.id not in self.active
        return self.run(lambda s: hl.set_request_type_active(s, info.id, active))  # type: ignore[arg-type]


class StagesPage(_ListPage):
    headers = ("№", "Этап заказа на поиск документов")

    def __init__(self, context: AppContext) -> None:
        self.stages: list[hl.StageInfo] = []
        super().__init__(context, movable=True)
        self.table.setObjectName("stages_table")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def fill(self, rows: list[tuple[object, list[str], bool]]) -> None:
        super().fill(rows)
        for r in range(self.table.rowCount()):  # the key lives in column 0 (the number)
            self.table.item(r, 0).setTextAlignment(Qt.AlignmentFlag.AlignCenter)

    def refresh(self) -> None:
        with self.context.base.sessions() as session:
            self.stages = hl.stages(session)
        self.fill([(s.id, [str(n), s.name], True) for n, s in enumerate(self.stages, 1)])

    def current(self) -> hl.StageInfo | None:
        key = self.current_key()
        return next((s for s in self.stages if s.id == key), None)

    def add(self) -> StageEditor:
        return self.open_editor(StageEditor(self.context, None, self))  # type: ignore[return-value]

    def edit(self) -> StageEditor | None:
        stage = self.current()
        if stage is None:
            return None
        return self.open_editor(StageEditor(self.context, stage, self))  # type: ignore[return-value]

    def remove(self) -> bool:
        stage = self.current()
        if stage is None:
            return False
        return self.run(lambda s: hl.remove_stage(s, stage.id))  # type: ignore[arg-type]

    def move(self, offset: int) -> None:
        stage = self.current()
        if stage is not None:
            self.run(lambda s: hl.move_stage(s, stage.id, offset))  # type: ignore[arg-type]


class CalendarPage(_ListPage):
    headers = ("Дата", "День недели", "Вид дня", "Примечание")
    WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")

    def __init__(self, context: AppContext) -> None:
        self.days: list[hc.ExceptionDay] = []
        super().__init__(context)
        self.table.setObjectName("calendar_table")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        hint = QLabel("Кроме этих дней нерабочими считаются общероссийские праздники "
                      "(1–8 января, 23 февраля, 8 марта, 1 и 9 мая, 12 июня, 4 ноября), "
                      "суббота и воскресенье; рабочее время 9:00–18:00.")
        hint.setWordWrap(True)
        self.layout().insertWidget(0, hint)  # type: ignore[union-attr]

    def refresh(self) -> None:
        with self.context.base.sessions() as session:
            self.days = hc.list_exceptions(session)
        self.fill([(d.day, [f"{d.day:%d.%m.%Y}", self.WEEKDAYS[d.day.weekday()],
                            "рабочий" if d.is_working else "выходной (праздник)", d.note],
                    True) for d in self.days])

    def current(self) -> hc.ExceptionDay | None:
        key = self.current_key()
        return next((d for d in self.days if d.day == key), None)

    def add(self) -> DayEditor:
        return self.open_editor(DayEditor(self.context, None, self))  # type: ignore[return-value]

    def edit(self) -> DayEditor | None:
        day = self.current()
        if day is None:
            return None
        return self.open_editor(DayEditor(self.context, day, self))  # type: ignore[return-value]

    def remove(self) -> bool:
        day = self.current()
        if day is None:
            return False
        return self.run(lambda s: hc.remove_exception(s, day.day))  # type: ignore[arg-type]


class HotlineSettingsDialog(QDialog):
    """«Настройки горячей линии»: types, stages, calendar."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hotline_settings")
        self.setWindowTitle("Настройки горячей линии")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.tabs = QTabWidget()
        self.types_page = TypesPage(context)
        self.stages_page = StagesPage(context)
        self.calendar_page = CalendarPage(context)
        self.tabs.addTab(self.types_page, "&Типы обращений")
        self.tabs.addTab(self.stages_page, "&Этапы заказа")
        self.tabs.addTab(self.calendar_page, "&Календарь")
        self.tabs.currentChanged.connect(lambda _i: self.current_page().table.setFocus())
        hint = QLabel("Ins — добавить, Enter — изменить, Del — отключить или удалить, "
                      "Ctrl+↑/↓ — порядок этапов. Каждое изменение сохраняется сразу.")
        hint.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть (Esc)")
        close.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(hint)
        layout.addWidget(close)
        self.resize(720, 460)
        self.types_page.table.setFocus()

    def event(self, event: QEvent) -> bool:
        return claim_own_keys(event) or super().event(event)

    def current_page(self) -> _ListPage:
        return self.tabs.currentWidget()  # type: ignore[return-value]
