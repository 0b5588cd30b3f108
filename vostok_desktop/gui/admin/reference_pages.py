"""Pages of «Справочники»: directions, client groups, custom fields, segments / regions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from vostok_desktop.domain import CustomFieldEntity, CustomFieldType
from vostok_desktop.gui.admin.reference_common import (
    EXPECTED,
    FormDialog,
    ListPage,
    editor_of,
    number,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.operations import BackgroundOperation
from vostok_desktop.services.reference import custom_fields as cf
from vostok_desktop.services.reference import directions as dirs
from vostok_desktop.services.reference import groups as grp
from vostok_desktop.services.reference import list_settings as ls
from vostok_desktop.services.reference import values as val
from vostok_desktop.services.reference.common import ReferenceDataError


def _confirm(parent: QWidget, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes


# -- directions ------------------------------------------------------------------------------
class DirectionsPage(ListPage):
    headers = ("Направление", "Код", "Клиентов с ответственным")
    kind = "directions"

    def __init__(self, context: AppContext) -> None:
        self.rows: list[dirs.DirectionRow] = []
        super().__init__(context, hint="Направления, по которым у клиента назначают "
                                       "ответственного (телемаркетинг, продажи, сервис…).")
        self.table.setObjectName("directions_table")

    def refresh(self) -> None:
        with self.context.base.sessions() as s:
            self.rows = dirs.list_directions(s)
        self.fill([(r.id, [r.name, r.code, number(r.clients)]) for r in self.rows])

    def _form(self, row: dirs.DirectionRow | None) -> FormDialog | None:
        code, name = QLineEdit(row.code if row else ""), QLineEdit(row.name if row else "")
        code.setPlaceholderText("латиницей, например service")
        code.setObjectName("code_edit")
        name.setObjectName("name_edit")

        def write(s: Any) -> int:
            return dirs.save_direction(s, editor_of(self.context), code=code.text(),
                                       name=name.text(), direction_id=row.id if row else None)

        form = FormDialog(self.context, "Направление деятельности", write, self)
        form.form.addRow("&Название:", name)
        form.form.addRow("&Код:", code)
        return self.open_form(form)

    def add(self) -> FormDialog | None:
        return self._form(None)

    def edit(self) -> FormDialog | None:
        row = next((r for r in self.rows if r.id == self.current_key()), None)
        return self._form(row) if row else None

    def remove(self) -> bool:
        row = next((r for r in self.rows if r.id == self.current_key()), None)
        if row is None or not _confirm(self, "Удалить направление",
                                       f"Удалить направление «{row.name}»?"):
            return False
        return self.run(lambda s: dirs.delete_direction(s, editor_of(self.context), row.id))


# -- client groups ---------------------------------------------------------------------------
class GroupsPage(ListPage):
    headers = ("Группа компаний", "Клиентов")
    kind = "client_groups"

    def __init__(self, context: AppContext) -> None:
        self.rows: list[grp.GroupRow] = []
        super().__init__(context, hint="Группы компаний, в которые входят клиенты. "
                                       "Подразделения клиента правятся в его карточке.")
        self.table.setObjectName("groups_table")

    def refresh(self) -> None:
        with self.context.base.sessions() as s:
            self.rows = grp.list_groups(s)
        self.fill([(r.id, [r.name, number(r.clients)]) for r in self.rows])

    def _form(self, row: grp.GroupRow | None) -> FormDialog | None:
        name = QLineEdit(row.name if row else "")
        name.setObjectName("name_edit")

        def write(s: Any) -> int:
            return grp.save_group(s, editor_of(self.context), name=name.text(),
                                  group_id=row.id if row else None)

        form = FormDialog(self.context, "Группа компаний", write, self)
        form.form.addRow("&Название:", name)
        return self.open_form(form)

    def add(self) -> FormDialog | None:
        return self._form(None)

    def edit(self) -> FormDialog | None:
        row = next((r for r in self.rows if r.id == self.current_key()), None)
        return self._form(row) if row else None

    def remove(self) -> bool:
        row = next((r for r in self.rows if r.id == self.current_key()), None)
        if row is None or not _confirm(self, "Удалить группу",
                                       f"Удалить группу компаний «{row.name}»?"):
            return False
        return self.run(lambda s: grp.delete_group(s, editor_of(self.context), row.id))


# -- custom fields ---------------------------------------------------------------------------
class CustomFieldsPage(ListPage):
    headers = ("Поле", "Карточка", "Тип", "Значения списка", "Обязательное", "Заполнено")
    kind = "custom_fields"
    stretch_column = 3

    def __init__(self, context: AppContext) -> None:
        self.rows: list[cf.CustomFieldRow] = []
        super().__init__(context, extra=(("Выше (Ctrl+↑)", lambda: self.move(-1)),
                                         ("Ниже (Ctrl+↓)", lambda: self.move(1))),
                         hint="Поля страницы «Дополнительные сведения» карточек клиента "
                              "и контактного лица.")
        self.table.setObjectName("custom_fields_table")

    def refresh(self) -> None:
        with self.context.base.sessions() as s:
            self.rows = cf.list_custom_fields(s)
        self.fill([(r.id, [r.name, cf.ENTITY_TITLES[r.entity], cf.TYPE_TITLES[r.value_type],
                           "; ".join(r.choices), "да" if r.required else "",
                           number(r.values)]) for r in self.rows])

    def _form(self, row: cf.CustomFieldRow | None) -> FormDialog | None:
        name = QLineEdit(row.name if row else "")
        name.setObjectName("name_edit")
        entity = QComboBox()
        for value, title in cf.ENTITY_TITLES.items():
            entity.addItem(title, value.value)
        kind = QComboBox()
        for value, title in cf.TYPE_TITLES.items():
            kind.addItem(title, value.value)
        choices = QPlainTextEdit("\n".join(row.choices) if row else "")
        choices.setObjectName("choices_edit")
        choices.setPlaceholderText("по одному значению в строке")
        choices.setTabChangesFocus(True)
        choices.setFixedHeight(110)
        required = QCheckBox("Обязательно заполнять")
        if row is not None:
            entity.setCurrentIndex(entity.findData(row.entity.value))
            kind.setCurrentIndex(kind.findData(row.value_type.value))
            required.setChecked(row.required)
        choices.setEnabled(kind.currentData() == CustomFieldType.CHOICE.value)
        kind.currentIndexChanged.connect(
            lambda _i: choices.setEnabled(kind.currentData() == CustomFieldType.CHOICE.value))

        def write(s: Any) -> int:
            return cf.save_custom_field(
                s, editor_of(self.context), entity=CustomFieldEntity(entity.currentData()),
                name=name.text(), value_type=CustomFieldType(kind.currentData()),
                choices=choices.toPlainText().splitlines(), required=required.isChecked(),
                field_id=row.id if row else None)

        form = FormDialog(self.context, "Поле дополнительных сведений", write, self)
        form.form.addRow("&Название:", name)
        form.form.addRow("&Карточка:", entity)
        form.form.addRow("&Тип:", kind)
        form.form.addRow("&Значения списка:", choices)
        form.form.addRow("", required)
        if row is not None and row.values:
            note = QLabel(f"Поле заполнено в карточках: {row.values}. Тип и карточку "
                          "у заполненного поля не меняют.")
            note.setWordWrap(True)
            form.form.addRow("", note)
        form.name_edit, form.kind_box, form.choices_edit = name, kind, choices  # for tests
        form.required_box, form.entity_box = required, entity
        return self.open_form(form)

    def add(self) -> FormDialog | None:
        return self._form(None)

    def edit(self) -> FormDialog | None:
        row = next((r for r in self.rows if r.id == self.current_key()), None)
        return self._form(row) if row else None

    def remove(self) -> bool:
        row = next((r for r in self.rows if r.id == self.current_key()), None)
        if row is None or not _confirm(self, "Удалить поле", f"Удалить поле «{row.name}»?"):
            return False
        return self.run(lambda s: cf.delete_custom_field(s, editor_of(self.context), row.id))

    def move(self, offset: int) -> None:
        key = self.current_key()
        if key is not None and self.run(
                lambda s: cf.move_custom_field(s, editor_of(self.context), key, offset)):
            self.select_key(key)


# -- segments and regions ----------------------------------------------------------------------
class ValuesPage(ListPage):
    """Values of a free-text column in use; rename, or merge into another value."""

    headers = ("Значение", "Клиентов")
    kind = "client"

    def __init__(self, context: AppContext, column: val.ValueColumn) -> None:
        self.column = column
        self.rows: list[val.ValueRow] = []
        self.operation: BackgroundOperation | None = None
        what = "сегмента" if column is val.ValueColumn.SEGMENT else "региона"
        super().__init__(context, hint=f"Значения {what}, которые есть у клиентов. "
                                       "Переименование в уже существующее значение "
                                       "объединяет их; карточки клиентов меняются одной "
                                       "транзакцией и попадают в журнал изменений.")
        self.buttons[0].hide()  # a value appears when a client card gets it
        self.buttons[1].setText("Переименовать / объединить… (Enter)")
        self.buttons[2].hide()
        del self.keys[Qt.Key.Key_Insert], self.keys[Qt.Key.Key_Delete]
        self.table.setObjectName(f"{column.value}_table")

    def refresh(self) -> None:
        with self.context.base.sessions() as s:
            self.rows = val.values_in_use(s, self.column)
        self.fill([(r.value, [r.value, number(r.clients)]) for r in self.rows])

    def add(self) -> None:
        return None

    def remove(self) -> None:
        return None

    def edit(self) -> FormDialog | None:
        old = self.current_key()
        if old is None:
            return None
        target = QComboBox()
        target.setEditable(True)
        target.setObjectName("target_box")
        target.addItems([r.value for r in self.rows if r.value != old])
        target.setEditText(old)
        column = self.column
        counts = {r.value: r.clients for r in self.rows}

        def write(_s: Any) -> str:
            # The mass update runs on a worker (its own session); this form only checks.
            new = " ".join(target.currentText().split())
            if not new:
                raise ReferenceDataError("Укажите новое значение.")
            return new

        form = FormDialog(self.context, "Переименовать значение", write, self)
        form.form.addRow("Было:", QLabel(f"«{old}» — клиентов: {counts.get(old, 0)}"))
        form.form.addRow("&Стало:", target)
        form.form.addRow("", QLabel("Если выбрать существующее значение, они объединятся."))
        form.target_box = target  # for tests
        opened = self.open_form(form)
        if opened is not None:
            opened.accepted.connect(lambda: self.start_rename(old, form.saved_id, column))
        return opened

    def start_rename(self, old: str, new: str, column: val.ValueColumn) -> BackgroundOperation:
        """The mass update on a worker thread, one transaction; the list shows the result."""
        base, editor = self.context.base, editor_of(self.context)

        def work(_state: Any) -> int:
            with base.sessions.begin() as s:
                return val.rename_value(s, editor, column, old, new)

        self.show_message("")
        self.table.setEnabled(False)
        op = BackgroundOperation(work, self)
        op.finished.connect(lambda n: self._renamed(new, int(n)))
        op.failed.connect(self._rename_failed)
        self.operation = op
        return op.start()

    def _renamed(self, new: str, count: int) -> None:
        self.table.setEnabled(True)
        self.refresh()
        self.select_key(new)
        self.context.bus.announce("client", [])
        self.message_label.setStyleSheet("")
        self.show_message(f"Изменено клиентов: {count}.")

    def _rename_failed(self, text: str) -> None:
        self.table.setEnabled(True)
        self.message_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.show_message(text)


# -- shared filters and colour rules ------------------------------------------------------------
class SharedSettingsPage(ListPage):
    """Shared filters and colour rules of the lists: who saved them; removing one."""

    headers = ("Название", "Список", "Вид", "Сохранил")
    kind = "list_settings"

    def __init__(self, context: AppContext) -> None:
        self.rows: list[ls.SharedRow] = []
        super().__init__(context, hint="Общие фильтры и правила раскраски списков. Их "
                                       "сохраняют в самих списках: кнопка «Фильтр» → "
                                       "фильтр списка → «Сделать общим…», в правилах "
                                       "раскраски — флажок «Сделать эти правила общими». "
                                       "Удалить общий может его автор или тот, у кого "
                                       "есть право «Справочники».")
        self.editable = True  # an author removes their own without the right
        for button in self.buttons:
            button.setEnabled(True)
            button.setToolTip("")
        self.buttons[0].hide()
        self.buttons[1].hide()
        del self.keys[Qt.Key.Key_Insert], self.keys[Qt.Key.Key_Return], \
            self.keys[Qt.Key.Key_Enter]
        self.table.setObjectName("shared_settings_table")

    def refresh(self) -> None:
        with self.context.base.sessions() as s:
            self.rows = (ls.list_shared(s, editor_of(self.context))
                         if ls.supported(self.context.base.engine) else [])
        self.fill([(r.id, [r.title, r.list_title, r.kind_title, r.owner_name])
                   for r in self.rows])

    def add(self) -> None:
        return None

    def edit(self) -> None:
        return None

    def remove(self) -> bool:
        row = next((r for r in self.rows if r.id == self.current_key()), None)
        if row is None or not _confirm(self, "Удалить общий", f"Удалить общий «{row.title}» "
                                       f"({row.list_title.lower()})?"):
            return False
        return self.run(lambda s: ls.delete_shared(s, editor_of(self.context), row.id))


__all__ = ["CustomFieldsPage", "DirectionsPage", "EXPECTED", "GroupsPage", "SharedSettingsPage", "ValuesPage"]
