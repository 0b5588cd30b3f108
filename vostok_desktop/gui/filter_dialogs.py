"""Dialogs of the list agents: the user filter builder, the colour rules editor and
«Назначить ответственного». Simple, keyboard-usable, built in code from data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.services.lists.filters import (
    NO_VALUE_OPERATORS,
    OPERATOR_TITLES,
    ColourRule,
    Condition,
    FieldKind,
    FieldSpec,
    FilterGroup,
    Operator,
    parse_whole,
)


class ConditionRow(QWidget):
    """One «поле — оператор — значение» line with a remove button."""

    def __init__(self, fields: Sequence[FieldSpec], on_remove: Callable[[ConditionRow], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = list(fields)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.field_box = QComboBox()
        self.field_box.setAccessibleName("Поле")
        for spec in self.fields:
            self.field_box.addItem(spec.title, spec.id)
        self.op_box = QComboBox()
        self.op_box.setAccessibleName("Условие")
        self.value_holder = QHBoxLayout()
        self.value_widget: QWidget = QLineEdit()
        self.remove_button = QPushButton("Удалить")
        self.remove_button.setToolTip("Удалить условие")
        self.remove_button.clicked.connect(lambda: on_remove(self))
        layout.addWidget(self.field_box, 2)
        layout.addWidget(self.op_box, 2)
        layout.addLayout(self.value_holder, 3)
        layout.addWidget(self.remove_button)
        self.field_box.currentIndexChanged.connect(self._field_changed)
        self.op_box.currentIndexChanged.connect(self._op_changed)
        self._field_changed()

    def spec(self) -> FieldSpec:
        return self.fields[max(self.field_box.currentIndex(), 0)]

    def _field_changed(self) -> None:
        spec = self.spec()
        self.op_box.clear()
        for op in spec.operators():
            self.op_box.addItem(OPERATOR_TITLES[op], op.value)
        old = self.value_widget
        self.value_holder.removeWidget(old)
        old.deleteLater()
        if spec.kind is FieldKind.CHOICE:
            box = QComboBox()
            for value, title in spec.choices:
                box.addItem(title, value)
            self.value_widget = box
        elif spec.kind is FieldKind.BOOL:
            box = QComboBox()
            box.addItem("да", "да")
            box.addItem("нет", "нет")
            self.value_widget = box
        elif spec.kind is FieldKind.NUMBER:
            spin = QSpinBox()
            spin.setRange(0, 1_000_000)
            self.value_widget = spin
        elif spec.kind is FieldKind.DATE:
            edit = QDateEdit(QDate.currentDate())
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
            self.value_widget = edit
        else:
            self.value_widget = QLineEdit()
            self.value_widget.setPlaceholderText("значение")
        self.value_widget.setAccessibleName("Значение")
        self.value_holder.addWidget(self.value_widget)
        self._op_changed()

    def _op_changed(self) -> None:
        op = self.op_box.currentData()
        self.value_widget.setEnabled(op is None or Operator(op) not in NO_VALUE_OPERATORS)

    def condition(self) -> Condition:
        widget = self.value_widget
        if isinstance(widget, QComboBox):
            value = str(widget.currentData() or "")
        elif isinstance(widget, QDateEdit):
            value = widget.date().toPython().isoformat()
        elif isinstance(widget, QSpinBox):
            value = str(widget.value())
        else:
            value = widget.text()  # type: ignore[attr-defined]
        return Condition(self.spec().id, Operator(self.op_box.currentData()), value)

    def set_condition(self, cond: Condition) -> None:
        index = self.field_box.findData(cond.field)
        if index < 0:
            return
        self.field_box.setCurrentIndex(index)
        self.op_box.setCurrentIndex(max(self.op_box.findData(cond.op.value), 0))
        widget = self.value_widget
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(widget.findData(cond.value), 0))
        elif isinstance(widget, QDateEdit):
            try:
                widget.setDate(QDate(date.fromisoformat(cond.value[:10])))
            except ValueError:
                pass
        elif isinstance(widget, QSpinBox):
            number = parse_whole(cond.value)
            widget.setValue(number if number is not None else 0)
        elif isinstance(widget, QLineEdit):
            widget.setText(cond.value)


class ConditionsEditor(QWidget):
    """Condition rows plus «все условия (И)» / «любое условие (ИЛИ)»."""

    def __init__(self, fields: Sequence[FieldSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = list(fields)
        self.rows: list[ConditionRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        combine = QHBoxLayout()
        self.all_radio = QRadioButton("Все условия (И)")
        self.any_radio = QRadioButton("Любое из условий (ИЛИ)")
        self.all_radio.setChecked(True)
        combine.addWidget(self.all_radio)
        combine.addWidget(self.any_radio)
        combine.addStretch(1)
        layout.addLayout(combine)
        self.rows_layout = QVBoxLayout()
        layout.addLayout(self.rows_layout)
        self.add_button = QPushButton("Добавить условие")
        self.add_button.clicked.connect(lambda: self.add_row())
        add_line = QHBoxLayout()
        add_line.addWidget(self.add_button)
        add_line.addStretch(1)
        layout.addLayout(add_line)

    def add_row(self, cond: Condition | None = None) -> ConditionRow:
        row = ConditionRow(self.fields, self._remove)
        if cond is not None:
            row.set_condition(cond)
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        row.field_box.setFocus()
        return row

    def _remove(self, row: ConditionRow) -> None:
        self.rows.remove(row)
        self.rows_layout.removeWidget(row)
        row.deleteLater()
        self.add_button.setFocus()

    def set_group(self, group: FilterGroup | None) -> None:
        for row in list(self.rows):
            self._remove(row)
        group = group or FilterGroup()
        (self.any_radio if group.any_of else self.all_radio).setChecked(True)
        for cond in group.conditions:
            self.add_row(cond)
        if not self.rows:
            self.add_row()

    def group(self) -> FilterGroup:
        return FilterGroup(tuple(r.condition() for r in self.rows), self.any_radio.isChecked())


SHARED = "shared"


@dataclass(frozen=True)
class SharedFilterInfo:
    """A shared filter as the builder offers it: may this user change or delete it."""

    group: FilterGroup
    editable: bool
    owner_name: str


class FilterBuilderDialog(QDialog):
    """Build a filter; save it under a name (per user) or load a saved one."""

    def __init__(self, fields: Sequence[FieldSpec], current: FilterGroup | None,
                 saved: dict[str, FilterGroup], parent: QWidget | None = None,
                 title: str = "Фильтр списка",
                 shared: dict[str, SharedFilterInfo] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.saved = dict(saved)
        # Shared filters (kept in the base): None when the base has none to offer.
        self.shared = dict(shared) if shared is not None else None
        self.shared_added: dict[str, FilterGroup] = {}
        self.shared_removed: list[str] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Сохранённые:"))
        self.saved_box = QComboBox()
        self.saved_box.setMinimumWidth(200)
        self._fill_saved()
        self.saved_box.activated.connect(self._load_saved)
        top.addWidget(self.saved_box, 1)
        self.save_button = QPushButton("Сохранить как…")
        self.save_button.clicked.connect(self._save_as)
        self.delete_button = QPushButton("Удалить сохранённый")
        self.delete_button.clicked.connect(self._delete_saved)
        top.addWidget(self.save_button)
        self.share_button = QPushButton("Сделать общим…")
        self.share_button.setToolTip("Сохранить фильтр для всех пользователей")
        self.share_button.clicked.connect(self._share_as)
        self.share_button.setVisible(self.shared is not None)
        top.addWidget(self.share_button)
        top.addWidget(self.delete_button)
        layout.addLayout(top)
        self.editor = ConditionsEditor(fields)
        self.editor.set_group(current)
        layout.addWidget(self.editor)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Применить")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        self.reset_button = buttons.addButton("Сбросить фильтр",
                                              QDialogButtonBox.ButtonRole.ResetRole)
        self.reset_button.clicked.connect(lambda: self.editor.set_group(None))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 300)

    def _fill_saved(self) -> None:
        self.saved_box.clear()
        self.saved_box.addItem("— не выбран —", None)
        for name in sorted(self.saved):
            self.saved_box.addItem(name, name)
        for name, info in sorted((self.shared or {}).items()):
            owner = f", {info.owner_name}" if info.owner_name else ""
            self.saved_box.addItem(f"{name} (общий{owner})", (SHARED, name))

    def _load_saved(self) -> None:
        name = self.saved_box.currentData()
        if isinstance(name, tuple) and self.shared and name[1] in self.shared:
            self.editor.set_group(self.shared[name[1]].group)
        elif name in self.saved:
            self.editor.set_group(self.saved[name])

    def _share_as(self) -> None:
        current = self.saved_box.currentData() or ""
        current = current[1] if isinstance(current, tuple) else current
        name, ok = QInputDialog.getText(self, "Общий фильтр",
                                        "Название общего фильтра (его увидят все):",
                                        text=current)
        if ok and name.strip():
            self.share_current(name.strip())

    def share_current(self, name: str) -> bool:
        """Share the current conditions under ``name`` (written when the dialog closes)."""
        group = self.result_filter()
        if self.shared is None or group.is_empty():
            return False
        existing = self.shared.get(name)
        if existing is not None and not existing.editable:
            QMessageBox.information(self, "Общий фильтр",
                                    f"Общий фильтр «{name}» сохранил другой сотрудник: "
                                    "выберите другое название.")
            return False
        self.shared[name] = SharedFilterInfo(group, True, "")
        self.shared_added[name] = group
        self._fill_saved()
        self.saved_box.setCurrentIndex(self.saved_box.findData((SHARED, name)))
        return True

    def _save_as(self) -> None:
        current = self.saved_box.currentData() or ""
        name, ok = QInputDialog.getText(self, "Сохранить фильтр", "Название фильтра:",
                                        text=current)
        if ok and name.strip():
            self.save_current(name.strip())

    def save_current(self, name: str) -> None:
        self.saved[name] = self.result_filter()
        self._fill_saved()
        self.saved_box.setCurrentIndex(self.saved_box.findData(name))

    def _delete_saved(self) -> None:
        name = self.saved_box.currentData()
        if isinstance(name, tuple) and self.shared and name[1] in self.shared:
            if not self.shared[name[1]].editable:
                QMessageBox.information(self, "Общий фильтр",
                                        "Общий фильтр удаляет его автор или тот, у кого "
                                        "есть право «Справочники».")
                return
            del self.shared[name[1]]
            self.shared_added.pop(name[1], None)
            self.shared_removed.append(name[1])
            self._fill_saved()
        elif name in self.saved:
            del self.saved[name]
            self._fill_saved()

    def result_filter(self) -> FilterGroup:
        group = self.editor.group()
        # A text condition with an empty value means nothing: drop it.
        kept = tuple(c for c in group.conditions
                     if c.value.strip() or c.op in NO_VALUE_OPERATORS)
        return FilterGroup(kept, group.any_of)


def colour_icon(colour: str) -> QIcon:
    pixmap = QPixmap(16, 16)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class ColourRulesDialog(QDialog):
    """Rules «условие → цвет фона», first match wins; editable order."""

    def __init__(self, fields: Sequence[FieldSpec], rules: Sequence[ColourRule],
                 defaults: Callable[[], list[ColourRule]],
                 parent: QWidget | None = None, can_share: bool | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Правила раскраски списка")
        # «Общие для всех»: shown when the base keeps rules; enabled with the right.
        self.share_box = QCheckBox("Сделать эти правила общими для всех пользователей")
        self.share_box.setVisible(can_share is not None)
        self.share_box.setEnabled(bool(can_share))
        if can_share is False:
            self.share_box.setToolTip("Нужно право «Справочники»")
        self.fields = list(fields)
        self.defaults = defaults
        self.rules: list[ColourRule] = list(rules)
        layout = QGridLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName("Правила")
        layout.addWidget(QLabel("Правила (применяется первое подходящее):"), 0, 0)
        layout.addWidget(self.list, 1, 0, 5, 1)
        side = QVBoxLayout()
        for text, slot in (("Добавить", self._add), ("Удалить", self._remove),
                           ("Выше", lambda: self._move(-1)), ("Ниже", lambda: self._move(1)),
                           ("По умолчанию", self._reset)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            side.addWidget(button)
        side.addStretch(1)
        layout.addLayout(side, 1, 1, 5, 1)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.enabled_box = QCheckBox("Включено")
        self.colour_button = QPushButton("Цвет…")
        self.colour_button.clicked.connect(self._choose_colour)
        form.addRow("Название:", self.name_edit)
        form.addRow("", self.enabled_box)
        form.addRow("Цвет фона:", self.colour_button)
        layout.addLayout(form, 6, 0, 1, 2)
        self.editor = ConditionsEditor(self.fields)
        layout.addWidget(self.editor, 7, 0, 1, 2)
        self.apply_button = QPushButton("Запомнить изменения правила")
        self.apply_button.clicked.connect(self._store_current)
        layout.addWidget(self.apply_button, 8, 0, 1, 2)
        layout.addWidget(self.share_box, 9, 0, 1, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons, 10, 0, 1, 2)
        self._colour = "#ffffff"
        self._current = -1
        self.list.currentRowChanged.connect(self._select)
        self._fill()
        self.resize(700, 520)

    def _fill(self, select: int = 0) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for rule in self.rules:
            item = QListWidgetItem(colour_icon(rule.colour),
                                   rule.name + ("" if rule.enabled else " (выключено)"))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._current = -1
        if self.rules:
            self.list.setCurrentRow(min(select, len(self.rules) - 1))
        else:
            self._select(-1)

    def _select(self, row: int) -> None:
        self._current = row
        has = 0 <= row < len(self.rules)
        for widget in (self.name_edit, self.enabled_box, self.colour_button, self.editor,
                       self.apply_button):
            widget.setEnabled(has)
        if not has:
            return
        rule = self.rules[row]
        self.name_edit.setText(rule.name)
        self.enabled_box.setChecked(rule.enabled)
        self._set_colour(rule.colour)
        self.editor.set_group(rule.condition)

    def _set_colour(self, colour: str) -> None:
        self._colour = colour
        self.colour_button.setIcon(colour_icon(colour))
        self.colour_button.setText(colour)

    def _choose_colour(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._colour), self, "Цвет фона")
        if chosen.isValid():
            self._set_colour(chosen.name())

    def _store_current(self) -> None:
        row = self._current
        if 0 <= row < len(self.rules):
            self.rules[row] = ColourRule(self.name_edit.text().strip() or "Правило",
                                         self.editor.group(), self._colour,
                                         self.enabled_box.isChecked())
            self._fill(row)

    def _add(self) -> None:
        self._store_current()
        self.rules.append(ColourRule("Новое правило", FilterGroup(), "#fff3c4"))
        self._fill(len(self.rules) - 1)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.rules):
            del self.rules[row]
            self._fill(row)

    def _move(self, step: int) -> None:
        self._store_current()
        row = self.list.currentRow()
        other = row + step
        if 0 <= row < len(self.rules) and 0 <= other < len(self.rules):
            self.rules[row], self.rules[other] = self.rules[other], self.rules[row]
            self._fill(other)

    def _reset(self) -> None:
        if QMessageBox.question(self, "Правила раскраски",
                                "Вернуть правила по умолчанию?") == \
                QMessageBox.StandardButton.Yes:
            self.rules = self.defaults()
            self._fill()

    def _accept(self) -> None:
        self._store_current()
        self.accept()


class SetResponsibleDialog(QDialog):
    """Choose a direction and an employee for «Назначить ответственного»."""

    def __init__(self, directions: Sequence[tuple[int, str]],
                 employees: Sequence[tuple[int, str]], count: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Назначить ответственного")
        form = QFormLayout(self)
        form.addRow(QLabel(f"Выбрано клиентов: {count}"))
        self.direction_box = QComboBox()
        for ident, name in directions:
            self.direction_box.addItem(name, ident)
        self.employee_box = QComboBox()
        self.employee_box.setEditable(True)
        self.employee_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for ident, name in employees:
            self.employee_box.addItem(name, ident)
        completer = self.employee_box.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(completer.CompletionMode.PopupCompletion)
        form.addRow("Направление:", self.direction_box)
        form.addRow("Ответственный:", self.employee_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Назначить")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> tuple[int, int] | None:
        direction = self.direction_box.currentData()
        index = self.employee_box.findText(self.employee_box.currentText())
        employee = self.employee_box.itemData(index) if index >= 0 else None
        if direction is None or employee is None:
            return None
        return int(direction), int(employee)
