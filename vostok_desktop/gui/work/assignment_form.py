"""The assignment form («Поручение»): for one client or for many clients or contacts at
once; the executor chosen by hand or automatically for a distributed kind. Also the view
of one assignment with its lifecycle buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from vostok_desktop.domain import Direction, Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.domain.work import (
    ACTION_ITEM_KIND_TITLES,
    ACTION_ITEM_STATE_TITLES,
    ASSIGNMENT_STATE_TITLES,
    IMPORTANCE_TITLES,
    ActionItemKind,
    ActionItemState,
    AssignmentState,
    Importance,
)
from vostok_desktop.gui.cards.widgets import (
    HINT_COLOUR,
    fmt_dt,
    set_text_colour,
    show_status,
    style_header,
)
from vostok_desktop.gui.uiloader import child, load_ui
from vostok_desktop.gui.work.work_form import from_qdatetime, to_qdatetime
from vostok_desktop.services.work import assignments as asg
from vostok_desktop.services.work import works as wk

UI_WIDGETS: dict[str, type[QWidget]] = {
    "header_label": QLabel, "targets_label": QLabel, "kind_combo": QComboBox,
    "executor_combo": QComboBox, "auto_label": QLabel, "direction_combo": QComboBox,
    "deadline_check": QCheckBox, "deadline_edit": QDateTimeEdit,
    "importance_combo": QComboBox, "text_edit": QPlainTextEdit, "message_label": QLabel,
    "save_button": QPushButton, "cancel_button": QPushButton,
}
AUTO = -1  # executor combo: «автоматически»


def employees_and_directions(base) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:  # noqa: ANN001
    with base.sessions() as s:
        employees = [(e.id, e.full_name) for e in s.scalars(
            select(Employee).where(Employee.is_active.is_(True)).order_by(Employee.full_name))]
        directions = [(d.id, d.name) for d in s.scalars(select(Direction).order_by(Direction.id))]
    return employees, directions


class AssignmentForm(QDialog):
    """Register assignments for ``targets`` [(client, contact or None)] in one transaction."""

    def __init__(self, base, targets: list[tuple[int, int | None]], targets_text: str,  # noqa: ANN001
                 author_id: int | None, *, executor_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base = base
        self.targets = targets
        self.author_id = author_id
        self.created: list[int] = []
        self.setObjectName("assignment_form")
        self.setWindowTitle("Поручение")
        form = load_ui("assignment.ui", self)
        for name, kind in UI_WIDGETS.items():
            setattr(self, name, child(form, kind, name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form)
        form.layout().setContentsMargins(10, 8, 10, 10)
        footer = form.findChild(QHBoxLayout, "footer_layout")
        if footer is not None:
            footer.insertStretch(1, 1)
        self.resize(600, 440)
        style_header(self.header_label)
        set_text_colour(self.auto_label, HINT_COLOUR)
        self.message_label.setVisible(False)
        self.message_label.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Preferred)
        n = len(targets)
        self.header_label.setText("Новое поручение" if n == 1 else f"Новые поручения ({n})")
        self.targets_label.setText(targets_text)
        employees, directions = employees_and_directions(base)
        self.kinds = asg.kind_choices(base)
        self.kind_combo.addItem("— без вида —", None)
        for kid, name, distributed in self.kinds:
            self.kind_combo.addItem(name + (" (распределяется)" if distributed else ""), kid)
        self.executor_combo.addItem("Автоматически — наименее загруженный", AUTO)
        for eid, name in employees:
            self.executor_combo.addItem(name, eid)
        self.direction_combo.addItem("— не указано —", None)
        for did, name in directions:
            self.direction_combo.addItem(name, did)
        for imp, title in IMPORTANCE_TITLES.items():
            self.importance_combo.addItem(title, imp.value)
        self.importance_combo.setCurrentIndex(self.importance_combo.findData("normal"))
        self.deadline_edit.setDateTime(to_qdatetime(utcnow() + timedelta(days=3)))
        self.deadline_check.setChecked(True)
        self.deadline_check.toggled.connect(self.deadline_edit.setEnabled)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.executor_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())
        if executor_id is not None:
            self.executor_combo.setCurrentIndex(max(0, self.executor_combo.findData(executor_id)))
        else:
            self.executor_combo.setCurrentIndex(1 if self.executor_combo.count() > 1 else 0)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self._kind_changed()
        self.text_edit.setFocus()

    def _distributed(self) -> bool:
        kid = self.kind_combo.currentData()
        return any(k == kid and d for k, _n, d in self.kinds)

    def _kind_changed(self) -> None:
        """A distributed kind offers «автоматически» and names who would get it now."""
        if self._distributed() and self.executor_combo.currentData() == AUTO:
            chosen = asg.choose_executor_for(self.base, self.kind_combo.currentData())
            name = self.executor_combo.itemText(self.executor_combo.findData(chosen)) \
                if chosen else "никто: нет планов"
            self.auto_label.setText(f"Сейчас получит: {name}")
        elif self.executor_combo.currentData() == AUTO:
            self.auto_label.setText("Автоматически — только для распределяемых видов "
                                    "(«Работа → Распределение поручений»)")
        else:
            self.auto_label.setText("")

    def draft(self) -> asg.AssignmentDraft:
        executor = self.executor_combo.currentData()
        return asg.AssignmentDraft(
            targets=list(self.targets), executor_id=None if executor == AUTO else executor,
            kind_id=self.kind_combo.currentData(), direction_id=self.direction_combo.currentData(),
            text=self.text_edit.toPlainText(),
            deadline=from_qdatetime(self.deadline_edit.dateTime())
            if self.deadline_check.isChecked() else None,
            importance=Importance(self.importance_combo.currentData()))

    def save(self) -> bool:
        try:
            self.created = asg.create_assignments(self.base, self.draft(), self.author_id)
        except ValidationError as exc:
            show_status(self.message_label, "Поручение не записано. " + exc.message)
            {"text": self.text_edit, "executor": self.executor_combo}.get(
                exc.field, self.text_edit).setFocus()
            return False
        except SQLAlchemyError as exc:
            show_status(self.message_label, "Поручение не записано: ошибка базы данных "
                        f"({exc.__class__.__name__})")
            return False
        self.accept()
        return True


class AssignmentView(QDialog):
    """One assignment: what, who, when; buttons move it along its lifecycle."""

    def __init__(self, base, assignment_id: int, employee_id: int | None,  # noqa: ANN001
                 record_work: Callable[[asg.AssignmentRow], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base = base
        self.employee_id = employee_id
        self.assignment_id = assignment_id
        self.record_work = record_work
        self.changed = False
        self.setObjectName("assignment_view")
        self.setWindowTitle("Поручение")
        layout = QVBoxLayout(self)
        self.header = QLabel()
        style_header(self.header)
        layout.addWidget(self.header)
        self.details = QLabel()
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        self.message = QLabel()
        self.message.setVisible(False)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.take_button = buttons.addButton("Взять в &работу",
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.done_button = buttons.addButton("&Выполнено", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = buttons.addButton("&Отменить поручение",
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.work_button = buttons.addButton("&Записать работу…",
                                             QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("Закрыть", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.take_button.clicked.connect(lambda: self.move_to(AssignmentState.IN_WORK))
        self.done_button.clicked.connect(lambda: self.move_to(AssignmentState.DONE))
        self.cancel_button.clicked.connect(lambda: self.move_to(AssignmentState.CANCELLED))
        self.work_button.clicked.connect(self._record_work)
        layout.addWidget(buttons)
        self.resize(560, 300)
        self.refresh()

    def refresh(self) -> None:
        row = asg.load_assignment(self.base, self.assignment_id)
        self.row = row
        self.header.setText(f"Поручение — {ASSIGNMENT_STATE_TITLES[row.state].lower()}")
        overdue = " <b style='color:#c62828'>просрочено</b>" if row.overdue else ""
        parts = [
            f"<b>Клиент:</b> {row.client_name}" + (f", {row.contact_name}"
                                                    if row.contact_name else ""),
            f"<b>Исполнитель:</b> {row.executor_name}; <b>автор:</b> {row.author_name or '—'}",
            f"<b>Срок:</b> {fmt_dt(row.deadline) or 'не задан'}{overdue}",
            f"<b>Вид:</b> {row.kind_name or '—'}; <b>направление:</b> "
            f"{row.direction_name or '—'}",
            "<br>" + row.text.replace("\n", "<br>"),
        ]
        self.details.setText("<br>".join(parts))
        for button, state in ((self.take_button, AssignmentState.IN_WORK),
                              (self.done_button, AssignmentState.DONE),
                              (self.cancel_button, AssignmentState.CANCELLED)):
            button.setEnabled(asg.can_transition(row.state, state))

    def move_to(self, state: AssignmentState) -> None:
        try:
            asg.transition(self.base, self.assignment_id, state, self.employee_id)
        except ValidationError as exc:
            show_status(self.message, exc.message)
            return
        self.changed = True
        self.refresh()

    def _record_work(self) -> None:
        if self.record_work is not None:
            self.accept()
            self.record_work(self.row)


class ActionItemForm(QDialog):
    """A ПРиЗ: kind, text, contact, due date, state."""

    def __init__(self, base, data: wk.ActionItemData, author_id: int | None,  # noqa: ANN001
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base = base
        self.data = data
        self.author_id = author_id
        self.saved: wk.ActionItemData | None = None
        self.setObjectName("action_item_form")
        self.setWindowTitle("ПРиЗ" if data.id else "Новый ПРиЗ")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind_combo = QComboBox()
        for kind, title in ACTION_ITEM_KIND_TITLES.items():
            self.kind_combo.addItem(title, kind.value)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(data.kind.value))
        self.contact_combo = QComboBox()
        self.contact_combo.addItem("— не указано —", None)
        for cid, name in wk.client_contacts(base, data.client_id):
            self.contact_combo.addItem(name, cid)
        self.contact_combo.setCurrentIndex(max(0, self.contact_combo.findData(data.contact_id)))
        self.state_combo = QComboBox()
        for state, title in ACTION_ITEM_STATE_TITLES.items():
            self.state_combo.addItem(title, state.value)
        self.state_combo.setCurrentIndex(self.state_combo.findData(data.state.value))
        self.due_check = QCheckBox("&Срок:")
        self.due_edit = QDateTimeEdit()
        self.due_edit.setDisplayFormat("dd.MM.yyyy")
        self.due_edit.setCalendarPopup(True)
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        from datetime import datetime

        due = data.due_date or (utcnow() + timedelta(days=7)).date()
        self.due_edit.setDateTime(to_qdatetime(datetime(due.year, due.month, due.day, 12)))
        self.due_check.setChecked(data.due_date is not None)
        self.due_edit.setEnabled(data.due_date is not None)
        self.text_edit = QPlainTextEdit(data.text)
        self.text_edit.setTabChangesFocus(True)
        for text, widget in (("&Вид:", self.kind_combo), ("&Текст:", self.text_edit),
                             ("&Контактное лицо:", self.contact_combo),
                             ("С&остояние:", self.state_combo)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(self.due_check, self.due_edit)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setVisible(False)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Сохранить")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 320)
        self.text_edit.setFocus()

    def save(self) -> bool:
        d = wk.ActionItemData(
            id=self.data.id, client_id=self.data.client_id,
            contact_id=self.contact_combo.currentData(),
            kind=ActionItemKind(self.kind_combo.currentData()),
            text=self.text_edit.toPlainText(),
            state=ActionItemState(self.state_combo.currentData()),
            due_date=from_qdatetime(self.due_edit.dateTime()).astimezone().date()
            if self.due_check.isChecked() else None)
        try:
            self.saved = wk.save_action_item(self.base, d, self.author_id)
        except ValidationError as exc:
            show_status(self.message, "ПРиЗ не сохранён. " + exc.message)
            self.text_edit.setFocus()
            return False
        self.accept()
        return True
