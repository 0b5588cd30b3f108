"""The work form («Работа»): a planned or done call, meeting, visit, e-mail or letter with
its client's open ПРиЗ, one line each with «велась работа» and a comment of its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimeZone, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.domain.work import (
    ACTION_ITEM_KIND_TITLES,
    IMPORTANCE_TITLES,
    WORK_KIND_TITLES,
    Importance,
    WorkKind,
)
from vostok_desktop.gui.cards.widgets import (
    HINT_COLOUR,
    set_text_colour,
    show_status,
    style_header,
)
from vostok_desktop.gui.uiloader import child, load_ui
from vostok_desktop.services.work import works as wk

UI_WIDGETS: dict[str, type[QWidget]] = {
    "header_label": QLabel, "client_label": QLabel, "contact_combo": QComboBox,
    "kind_combo": QComboBox, "direction_combo": QComboBox, "subject_edit": QLineEdit,
    "assignment_combo": QComboBox, "close_assignment_check": QCheckBox,
    "start_edit": QDateTimeEdit, "duration_spin": QSpinBox, "importance_combo": QComboBox,
    "done_check": QCheckBox, "incoming_check": QCheckBox, "remind_check": QCheckBox,
    "remind_edit": QDateTimeEdit, "lines_table": QTableWidget, "lines_hint_label": QLabel,
    "result_edit": QPlainTextEdit, "message_label": QLabel, "save_button": QPushButton,
    "cancel_button": QPushButton,
}

COL_KIND, COL_TEXT, COL_WORKED, COL_COMMENT, COL_RESOLVE = range(5)


def to_qdatetime(value: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(value.timestamp()), QTimeZone.systemTimeZone())


def from_qdatetime(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)


class _LinesKeys(QObject):
    """Space toggles «велась работа» wherever the cursor is in the row; Enter on a row
    starts the comment; Delete clears it."""

    def __init__(self, form: WorkForm) -> None:
        super().__init__(form)
        self.form = form

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
        table = self.form.lines_table
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) or \
                table.state() == QAbstractItemView.State.EditingState:
            return False
        row = table.currentRow()
        if row < 0:
            return False
        key = event.key()
        if key == Qt.Key.Key_Space and not event.modifiers():
            item = table.item(row, COL_WORKED)
            item.setCheckState(Qt.CheckState.Unchecked if item.checkState()
                               == Qt.CheckState.Checked else Qt.CheckState.Checked)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            table.setCurrentCell(row, COL_COMMENT)
            table.editItem(table.item(row, COL_COMMENT))
            return True
        if key == Qt.Key.Key_Delete and table.currentColumn() == COL_COMMENT:
            table.item(row, COL_COMMENT).setText("")
            return True
        return False


class WorkForm(QDialog):
    """Edits one WorkData; ``saved`` carries the saved work's id."""

    saved = Signal(int)

    def __init__(self, base, data: wk.WorkData, author_id: int | None, *,  # noqa: ANN001
                 directions: list[tuple[int, str]] | None = None,
                 contacts: list[tuple[int, str]] | None = None,
                 assignments: list[tuple[int, str]] | None = None,
                 on_saved: Callable[[wk.WorkData], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base = base
        self.data = data.copy()
        self.author_id = author_id
        self.on_saved = on_saved
        self.result_data: wk.WorkData | None = None
        self.setObjectName("work_form")
        self.form = load_ui("work_record.ui", self)
        for name, kind in UI_WIDGETS.items():
            setattr(self, name, child(self.form, kind, name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        self.form.layout().setContentsMargins(10, 8, 10, 10)
        footer = self.form.findChild(QHBoxLayout, "footer_layout")
        if footer is not None:
            footer.insertStretch(1, 1)  # buttons keep their size while the message is hidden
        self.resize(920, 640)
        style_header(self.header_label)
        set_text_colour(self.lines_hint_label, HINT_COLOUR)
        self.message_label.setVisible(False)
        self.message_label.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Preferred)
        self.contact_combo.addItem("— не указано —", None)
        for cid, name in contacts if contacts is not None else (
                wk.client_contacts(base, data.client_id) if data.client_id else []):
            self.contact_combo.addItem(name, cid)
        for kind, title in WORK_KIND_TITLES.items():
            self.kind_combo.addItem(title, kind.value)
        self.direction_combo.addItem("— не указано —", None)
        for did, name in directions or []:
            self.direction_combo.addItem(name, did)
        for imp, title in IMPORTANCE_TITLES.items():
            self.importance_combo.addItem(title, imp.value)
        self.assignment_combo.addItem("— нет —", None)
        for aid, text in assignments if assignments is not None else (
                wk.open_assignments_of_client(base, data.client_id) if data.client_id else []):
            self.assignment_combo.addItem(text if len(text) <= 80 else text[:79] + "…", aid)
        self._setup_lines()
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.remind_check.toggled.connect(self.remind_edit.setEnabled)
        self.assignment_combo.currentIndexChanged.connect(lambda _i: self._assignment_changed())
        self.fill(self.data)

    # -- lines ------------------------------------------------------------------------
    def _setup_lines(self) -> None:
        t = self.lines_table
        t.setColumnCount(5)
        t.setHorizontalHeaderLabels(["Вид", "ПРиЗ", "Велась работа", "Комментарий", "Решён"])
        t.verticalHeader().setVisible(False)
        t.verticalHeader().setDefaultSectionSize(26)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                          | QAbstractItemView.EditTrigger.DoubleClicked
                          | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = t.horizontalHeader()
        header.setHighlightSections(False)
        for col, width in ((COL_KIND, 110), (COL_TEXT, 260), (COL_WORKED, 110),
                           (COL_RESOLVE, 70)):
            t.setColumnWidth(col, width)
        header.setSectionResizeMode(COL_COMMENT, QHeaderView.ResizeMode.Stretch)
        t.itemChanged.connect(self._line_changed)
        self._keys = _LinesKeys(self)
        t.installEventFilter(self._keys)

    def _fill_lines(self, lines: list[wk.WorkLineData]) -> None:
        t = self.lines_table
        t.blockSignals(True)
        t.setRowCount(len(lines))
        fixed = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for r, line in enumerate(lines):
            kind = QTableWidgetItem(ACTION_ITEM_KIND_TITLES[line.kind])
            kind.setFlags(fixed)
            kind.setData(Qt.ItemDataRole.UserRole, line.action_item_id)
            text = QTableWidgetItem(line.text)
            text.setFlags(fixed)
            text.setToolTip(line.text)
            worked = QTableWidgetItem()
            worked.setFlags(fixed | Qt.ItemFlag.ItemIsUserCheckable)
            worked.setCheckState(Qt.CheckState.Checked if line.worked
                                 else Qt.CheckState.Unchecked)
            comment = QTableWidgetItem(line.comment)
            comment.setFlags(fixed | Qt.ItemFlag.ItemIsEditable)
            resolve = QTableWidgetItem()
            resolve.setFlags(fixed | Qt.ItemFlag.ItemIsUserCheckable)
            resolve.setCheckState(Qt.CheckState.Checked if line.resolve
                                  else Qt.CheckState.Unchecked)
            for c, item in enumerate((kind, text, worked, comment, resolve)):
                t.setItem(r, c, item)
        t.blockSignals(False)
        self.lines_table.parentWidget().setVisible(True)
        if lines:
            t.setCurrentCell(0, COL_WORKED)
        group = self.lines_table.parentWidget()
        group.setTitle(f"ПРиЗ клиента ({len(lines)})" if lines else
                       "ПРиЗ клиента — открытых нет")

    def _line_changed(self, item: QTableWidgetItem) -> None:
        """A comment means work was done on that ПРиЗ; no work means no comment to keep."""
        t = self.lines_table
        row = item.row()
        worked = t.item(row, COL_WORKED)
        resolve = t.item(row, COL_RESOLVE)
        if worked is None or resolve is None:
            return
        t.blockSignals(True)
        if item.column() == COL_COMMENT and item.text().strip():
            worked.setCheckState(Qt.CheckState.Checked)
        if item.column() == COL_RESOLVE and resolve.checkState() == Qt.CheckState.Checked:
            worked.setCheckState(Qt.CheckState.Checked)
        if item.column() == COL_WORKED and worked.checkState() != Qt.CheckState.Checked:
            resolve.setCheckState(Qt.CheckState.Unchecked)
        t.blockSignals(False)

    def lines(self) -> list[wk.WorkLineData]:
        t = self.lines_table
        out = []
        for r, line in enumerate(self.data.lines):
            out.append(wk.WorkLineData(
                line.action_item_id, line.kind, line.text,
                worked=t.item(r, COL_WORKED).checkState() == Qt.CheckState.Checked,
                comment=t.item(r, COL_COMMENT).text(),
                resolve=t.item(r, COL_RESOLVE).checkState() == Qt.CheckState.Checked))
        return out

    # -- fill and collect --------------------------------------------------------------
    def fill(self, data: wk.WorkData) -> None:
        kind_title = WORK_KIND_TITLES[data.kind].lower()
        self.header_label.setText(("Работа" if data.id else "Новая работа") +
                                  (f" — {kind_title}" if data.kind else ""))
        self.setWindowTitle(f"Работа: {data.client_name}" if data.client_name else "Работа")
        self.client_label.setText(data.client_name or "—")
        self.contact_combo.setCurrentIndex(max(0, self.contact_combo.findData(data.contact_id)))
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(data.kind.value)))
        self.direction_combo.setCurrentIndex(
            max(0, self.direction_combo.findData(data.direction_id)))
        self.subject_edit.setText(data.subject)
        self.assignment_combo.setCurrentIndex(
            max(0, self.assignment_combo.findData(data.assignment_id)))
        self.close_assignment_check.setChecked(data.close_assignment)
        self.start_edit.setDateTime(to_qdatetime(data.starts_at))
        self.duration_spin.setValue(data.duration_min)
        self.importance_combo.setCurrentIndex(
            max(0, self.importance_combo.findData(data.importance.value)))
        self.done_check.setChecked(data.done)
        self.incoming_check.setChecked(data.incoming)
        self.remind_check.setChecked(data.remind_at is not None)
        self.remind_edit.setDateTime(to_qdatetime(
            data.remind_at or data.starts_at - timedelta(minutes=15)))
        self.remind_edit.setEnabled(data.remind_at is not None)
        self.result_edit.setPlainText(data.result)
        self._fill_lines(data.lines)
        self._assignment_changed()

    def _assignment_changed(self) -> None:
        self.close_assignment_check.setEnabled(self.assignment_combo.currentData() is not None)

    def collect(self) -> wk.WorkData:
        d = self.data.copy()
        d.contact_id = self.contact_combo.currentData()
        d.kind = WorkKind(self.kind_combo.currentData())
        d.direction_id = self.direction_combo.currentData()
        d.subject = self.subject_edit.text()
        d.assignment_id = self.assignment_combo.currentData()
        d.close_assignment = (self.close_assignment_check.isChecked()
                              and d.assignment_id is not None)
        d.starts_at = from_qdatetime(self.start_edit.dateTime())
        d.duration_min = self.duration_spin.value()
        d.importance = Importance(self.importance_combo.currentData())
        d.done = self.done_check.isChecked()
        d.incoming = self.incoming_check.isChecked()
        d.remind_at = (from_qdatetime(self.remind_edit.dateTime())
                       if self.remind_check.isChecked() else None)
        d.result = self.result_edit.toPlainText()
        d.lines = self.lines()
        return d

    # -- save --------------------------------------------------------------------------
    def show_message(self, text: str, error: bool = True) -> None:
        show_status(self.message_label, text, error)

    def save(self) -> bool:
        if self.lines_table.state() == QAbstractItemView.State.EditingState:
            # Commit the comment being typed before reading the table.
            self.lines_table.setCurrentCell(self.lines_table.currentRow(), COL_KIND)
        data = self.collect()
        try:
            saved = wk.save_work(self.base, data, self.author_id)
        except ValidationError as exc:
            self.show_message("Работа не сохранена. " + exc.message)
            self._go_to(exc.field)
            return False
        except SQLAlchemyError as exc:
            self.show_message(f"Работа не сохранена: ошибка базы данных "
                              f"({exc.__class__.__name__})")
            return False
        self.result_data = saved
        if saved.id is not None:
            self.saved.emit(saved.id)
        if self.on_saved is not None:
            self.on_saved(saved)
        self.accept()
        return True

    def _go_to(self, field: str) -> None:
        kind, _, index = field.partition(":")
        if kind == "line" and index.isdigit():
            self.lines_table.setFocus()
            self.lines_table.setCurrentCell(int(index), COL_WORKED)
        elif kind == "duration":
            self.duration_spin.setFocus()
        elif kind == "close_assignment":
            self.done_check.setFocus()
