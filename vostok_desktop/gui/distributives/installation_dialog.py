"""«Установка дистрибутивов»: the planning dialog (client, responsible engineer, due date,
the distributives from the warehouse, the documents to hand over, the extra works) and
the window «Контроль сроков установки» (planned installations by due date, the overdue
ones in red; Enter opens one, «Выполнено» connects its distributives).

Entry points for the main window: :func:`open_installation_dialog` and
:func:`open_installation_control`. Everything goes through
``services.distributives.installations``; the write needs «Движение дистрибутивов»."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.installations import InstallationState
from vostok_desktop.gui.cards.widgets import (
    DONE_COLOUR,
    ERROR_COLOUR,
    HINT_COLOUR,
    read_only_table,
    set_text_colour,
)
from vostok_desktop.gui.distributives.common import (
    OVERDUE_BACKGROUND,
    fill_table,
    fmt_date,
    paint_row,
    row_id,
    select_id,
    short_name,
)
from vostok_desktop.gui.distributives.dialogs import (
    REFUSALS,
    ClientPicker,
    RefusableDialog,
    date_edit,
    fill_choices,
    from_qdate,
    refusal_text,
    to_qdate,
)
from vostok_desktop.services.distributives import gui_queries as gq
from vostok_desktop.services.distributives import installations as ins
from vostok_desktop.services.distributives.gui_queries import Choice
from vostok_desktop.services.distributives.kits import list_kits

RIGHT = "distributives.move"
NO_RIGHT = "Нужно право «Движение дистрибутивов» (или база открыта только для чтения)."
CONTROL_COLUMNS = ["Срок", "Просрочено", "Клиент", "Ответственный", "Дистрибутивы",
                   "Дополнительные работы"]


def _allows(context: Any) -> bool:
    return not context.base.read_only and context.allows(RIGHT)


class InstallationDialog(RefusableDialog):
    """Plan a new installation, or open one: a planned one is edited, a done or cancelled
    one is shown read-only. ``today`` is injectable for tests."""

    def __init__(self, context: Any, *, client_id: int | None = None,
                 installation_id: int | None = None, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__("Установка дистрибутивов", parent)
        self.setObjectName("installation_dialog")
        self.setMinimumWidth(640)
        self.context = context
        self.today = today
        self.card: ins.InstallationCard | None = (
            ins.installation_card(context.base, installation_id)
            if installation_id is not None else None)
        card = self.card
        editable = _allows(context) and (card is None or card.state is InstallationState.PLANNED)

        # -- client and kit
        self.client = ClientPicker(lambda text: gq.find_clients(context.base, text))
        self.client_label = QLabel()
        self.client_label.setObjectName("client_label")
        self.kit = QComboBox()
        self.kit.setObjectName("kit_choice")
        if card is not None or client_id is not None:
            self.client.hide()
            self.add_row("Клиент:", self.client_label)
        else:
            self.client_label.hide()
            self.add_row("&Клиент:", self.client)
        self.add_row("Ко&мплект:", self.kit)
        # -- engineer and due date
        self.engineer = QComboBox()
        self.engineer.setObjectName("engineer_choice")
        fill_choices(self.engineer, gq.employees(context.base), "— выберите сотрудника —",
                     card.engineer_id if card else context.employee_id)
        self.add_row("&Ответственный:", self.engineer)
        start = today()
        due = date_edit(card.due_on if card else start + timedelta(days=7), "due_on")
        # A past date cannot be chosen (an overdue one keeps its own date).
        due.setMinimumDate(to_qdate(min(start, card.due_on) if card else start))
        self.due = due
        self.due_hint = QLabel()
        self.due_hint.setObjectName("due_hint")
        set_text_colour(self.due_hint, HINT_COLOUR)
        due_row = QHBoxLayout()
        due_row.addWidget(due)
        due_row.addWidget(self.due_hint, 1)
        due_box = QWidget()
        due_box.setLayout(due_row)
        due_row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("&Срок установки:")
        label.setBuddy(due)
        self.form.addRow(label, due_box)
        # -- distributives from the warehouse
        self.filter = QLineEdit()
        self.filter.setObjectName("distributive_filter")
        self.filter.setPlaceholderText("Номер или система — отбор списка")
        self.filter.setClearButtonEnabled(True)
        self.distributives = QListWidget()
        self.distributives.setObjectName("distributive_list")
        self.distributives.setMinimumHeight(110)
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.filter)
        box.addWidget(self.distributives)
        self.chosen_label = QLabel()
        self.chosen_label.setObjectName("chosen_label")
        set_text_colour(self.chosen_label, HINT_COLOUR)
        box.addWidget(self.chosen_label)
        holder = QWidget()
        holder.setLayout(box)
        label = QLabel("&Дистрибутивы:")
        label.setBuddy(self.filter)
        self.form.addRow(label, holder)
        # -- documents and extra works
        self.documents = QPlainTextEdit()
        self.documents.setObjectName("documents")
        self.documents.setPlaceholderText("Передать или вернуть, по одному на строку: акт "
                                          "установки, регистрационная карта…")
        self.documents.setFixedHeight(60)
        self.documents.setTabChangesFocus(True)
        self.attachment = QComboBox()
        self.attachment.setObjectName("attachment_choice")
        self.add_attachment = QPushButton("Добавить файл карточки")
        self.add_attachment.setObjectName("add_attachment")
        files = QHBoxLayout()
        files.setContentsMargins(0, 0, 0, 0)
        files.addWidget(self.attachment, 1)
        files.addWidget(self.add_attachment)
        doc_box = QVBoxLayout()
        doc_box.setContentsMargins(0, 0, 0, 0)
        doc_box.addWidget(self.documents)
        doc_box.addLayout(files)
        doc_holder = QWidget()
        doc_holder.setLayout(doc_box)
        label = QLabel("Док&ументы:")
        label.setToolTip("Документы, которые передают клиенту или забирают у него")
        label.setBuddy(self.documents)
        self.form.addRow(label, doc_holder)
        self.extra_works = QPlainTextEdit()
        self.extra_works.setObjectName("extra_works")
        self.extra_works.setPlaceholderText("По одной на строку: разнос ярлыков, "
                                            "антивирусная проверка…")
        self.extra_works.setFixedHeight(54)
        self.extra_works.setTabChangesFocus(True)
        self.add_row("Дополнительные &работы:", self.extra_works)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.add_row("&Примечание:", self.note)

        self._client_id = card.client_id if card else client_id
        if self._client_id is not None:
            name = card.client_name if card else ins.client_title(context.base, self._client_id)
            self.client_label.setText(name or "—")
        # The picker refills its list with signals blocked: follow its search too.
        self.client.combo.currentIndexChanged.connect(lambda _i: self._client_changed())
        self.client.edit.returnPressed.connect(self._client_changed)
        self.client.button.clicked.connect(lambda: self._client_changed())
        self.filter.textChanged.connect(self._apply_filter)
        self.distributives.itemChanged.connect(lambda _i: self._count_chosen())
        self.add_attachment.clicked.connect(self._append_attachment)
        due.dateChanged.connect(lambda _d: self._due_changed())
        if card is not None:
            self.documents.setPlainText("\n".join(card.documents))
            self.extra_works.setPlainText("\n".join(card.extra_works))
            self.note.setText(card.note)
        self._client_changed(kit_id=card.kit_id if card else None)
        self._due_changed()
        ok = self.buttons.button(self.buttons.StandardButton.Ok)
        if card is None:
            self.header.setText("Поручение ответственному за установку: что установить, "
                                "что передать клиенту и какие работы выполнить.")
            ok.setText("Запланировать")
        else:
            self.setWindowTitle(f"Установка у клиента «{card.client_name or '—'}»")
            done = f", выполнена {fmt_date(card.done_on)}" if card.done_on else ""
            self.header.setText(f"Состояние: {card.state_title}{done}.")
            ok.setText("Сохранить")
        if not editable:
            for widget in (self.client, self.kit, self.engineer, due, self.filter,
                           self.add_attachment, self.attachment, self.note):
                widget.setEnabled(False)
            self.distributives.setEnabled(card is not None)
            self.documents.setReadOnly(True)
            self.extra_works.setReadOnly(True)
            ok.setEnabled(False)
            if not _allows(context):
                self.show_refusal(NO_RIGHT)
        self.submit = self._save

    # -- choices -------------------------------------------------------------------------
    def client_id(self) -> int | None:
        return self._client_id if self._client_id is not None else self.client.client_id()

    def _client_changed(self, kit_id: int | None = None) -> None:
        client = self.client_id()
        kits = ([Choice(k.id, k.title) for k in list_kits(self.context.base, client)
                 if k.id is not None] if client is not None else [])
        fill_choices(self.kit, kits, "— без комплекта —", kit_id)
        files = ins.attachment_names(self.context.base, client) if client is not None else []
        self.attachment.clear()
        self.attachment.addItems(files or ["— в карточке нет внешних файлов —"])
        self.attachment.setEnabled(bool(files))
        self.add_attachment.setEnabled(bool(files) and self.note.isEnabled())
        self._fill_distributives(client)

    def _fill_distributives(self, client_id: int | None) -> None:
        chosen = set(self.chosen_ids()) | ({line.distributive_id for line in self.card.lines}
                                           if self.card else set())
        items: list[tuple[int, str]] = []
        if self.card is not None:
            items += [(line.distributive_id, f"№ {line.number} — {line.system_title}")
                      for line in self.card.lines]
        if client_id is not None and (self.card is None
                                      or self.card.state is InstallationState.PLANNED):
            known = {i for i, _t in items}
            items += [(c.id, c.title) for c in ins.installable_choices(
                self.context.base, client_id,
                installation_id=self.card.id if self.card else None) if c.id not in known]
        self.distributives.blockSignals(True)
        self.distributives.clear()
        for did, title in items:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, did)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if did in chosen
                               else Qt.CheckState.Unchecked)
            self.distributives.addItem(item)
        if not items:
            item = QListWidgetItem("— на складе нет дистрибутивов для этого клиента —"
                                   if client_id is not None else "— сначала выберите клиента —")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.distributives.addItem(item)
        self.distributives.blockSignals(False)
        self._apply_filter(self.filter.text())
        self._count_chosen()

    def _apply_filter(self, text: str) -> None:
        wanted = text.strip().lower()
        for r in range(self.distributives.count()):
            item = self.distributives.item(r)
            item.setHidden(bool(wanted) and wanted not in item.text().lower()
                           and item.checkState() != Qt.CheckState.Checked)

    def chosen_ids(self) -> list[int]:
        out = []
        for r in range(self.distributives.count()):
            item = self.distributives.item(r)
            did = item.data(Qt.ItemDataRole.UserRole)
            if did is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(did)
        return out

    def choose(self, *numbers: str) -> None:
        """Tick the distributives with these numbers (what a click on each box does)."""
        for r in range(self.distributives.count()):
            item = self.distributives.item(r)
            if any(item.text().startswith(f"№ {n} ") for n in numbers):
                item.setCheckState(Qt.CheckState.Checked)

    def _count_chosen(self) -> None:
        n = len(self.chosen_ids())
        self.chosen_label.setText(f"Выбрано дистрибутивов: {n}. Пробел — отметить "
                                  "выделенный." if n else "Отметьте дистрибутивы для "
                                  "установки (пробел — отметить выделенный).")

    def _append_attachment(self) -> None:
        name = self.attachment.currentText()
        lines = [x for x in self.documents.toPlainText().splitlines() if x.strip()]
        if name and name not in lines:
            self.documents.setPlainText("\n".join([*lines, name]))

    def _due_changed(self) -> None:
        days = (from_qdate(self.due.date()) - self.today()).days
        if days < 0:
            text, colour = f"просрочена на {-days} дн.", ERROR_COLOUR
        elif days == 0:
            text, colour = "сегодня", HINT_COLOUR
        else:
            text, colour = f"через {days} дн.", HINT_COLOUR
        self.due_hint.setText(text)
        set_text_colour(self.due_hint, colour)

    # -- writing -------------------------------------------------------------------------
    def draft(self) -> ins.InstallationDraft:
        return ins.InstallationDraft(
            self.client_id(), self.engineer.currentData(), from_qdate(self.due.date()),
            self.chosen_ids(), self.documents.toPlainText().splitlines(),
            self.extra_works.toPlainText().splitlines(), self.kit.currentData(),
            self.note.text())

    def _save(self) -> int:
        ctx = self.context
        if self.card is None:
            return ins.plan_installation(ctx.base, self.draft(), ctx.employee_id,
                                         profile=ctx.access, today=self.today())
        ins.update_installation(ctx.base, self.card.id, self.draft(), ctx.employee_id,
                                expected_version=self.card.version, profile=ctx.access,
                                today=self.today())
        return self.card.id


class CompleteDialog(RefusableDialog):
    """«Выполнено»: the date the distributives were installed."""

    def __init__(self, row: ins.ControlRow, today: date, parent: QWidget | None = None
                 ) -> None:
        super().__init__("Установка выполнена", parent)
        self.setObjectName("complete_dialog")
        numbers = ", ".join(f"№ {n}" for n in row.numbers)
        self.header.setText(f"Клиент «{row.client_name or '—'}»: подключить {numbers} "
                            "со склада и закрыть поручение.")
        self.done_on = date_edit(today, "done_on")
        self.done_on.setMaximumDate(to_qdate(today))
        self.add_row("&Дата установки:", self.done_on)


class InstallationControl(QWidget):
    """«Контроль сроков установки»: planned installations by due date, overdue in red."""

    def __init__(self, context: Any, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.setObjectName("installation_control")
        self.setWindowTitle("Контроль сроков установки")
        self.context = context
        self.today = today
        self.rows: list[ins.ControlRow] = []
        self.active_dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.engineer_filter = QComboBox()
        self.engineer_filter.setObjectName("engineer_filter")
        fill_choices(self.engineer_filter, gq.employees(context.base), "Все сотрудники")
        self.overdue_only = QCheckBox("Только про&сроченные")
        self.overdue_only.setObjectName("overdue_only")
        label = QLabel("&Ответственный:")
        label.setBuddy(self.engineer_filter)
        filters.addWidget(label)
        filters.addWidget(self.engineer_filter, 1)
        filters.addWidget(self.overdue_only)
        layout.addLayout(filters)
        self.summary = QLabel()
        self.summary.setObjectName("summary_label")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget()
        self.table.setObjectName("installation_table")
        read_only_table(self.table, CONTROL_COLUMNS)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for c, width in enumerate((85, 95, 200, 130, 190)):
            self.table.setColumnWidth(c, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        self.table.cellDoubleClicked.connect(lambda *_a: self.open_current())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.plan_button = QPushButton("&Запланировать…")
        self.plan_button.setObjectName("plan_button")
        self.open_button = QPushButton("О&ткрыть")
        self.open_button.setObjectName("open_button")
        self.done_button = QPushButton("&Выполнено…")
        self.done_button.setObjectName("done_button")
        self.cancel_button = QPushButton("Отменить &установку…")
        self.cancel_button.setObjectName("cancel_button")
        self.plan_button.clicked.connect(self.plan)
        self.open_button.clicked.connect(self.open_current)
        self.done_button.clicked.connect(self.complete)
        self.cancel_button.clicked.connect(self.cancel)
        self.excel_button = QPushButton("В &Excel…")
        self.excel_button.setObjectName("excel_button")
        self.excel_button.setToolTip("Выгрузить список в книгу Excel (Ctrl+E)")
        self.excel_button.clicked.connect(lambda: self.export())
        QShortcut(QKeySequence("Ctrl+E"), self, lambda: self.export())
        for button in (self.plan_button, self.open_button, self.done_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.excel_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setObjectName("message_label")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        hint = QLabel("Enter — открыть установку, двойной щелчок — тоже. «Выполнено» "
                      "подключает дистрибутивы клиенту и закрывает поручение.")
        hint.setWordWrap(True)
        set_text_colour(hint, HINT_COLOUR)
        layout.addWidget(hint)
        self.engineer_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.overdue_only.toggled.connect(lambda _on: self.refresh())
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        bus = getattr(context, "bus", None)
        if bus is not None:
            bus.entities_changed.connect(self._entities_changed)
        self.setFocusProxy(self.table)
        self.resize(900, 460)
        self.refresh()

    # -- reading ------------------------------------------------------------------------
    def _entities_changed(self, kind: str, _ids: list[int]) -> None:
        if kind in ("installation", "distributive"):
            self.refresh()

    def refresh(self) -> None:
        keep = row_id(self.table)
        today = self.today()
        self.rows = ins.deadline_control(self.context.base, today,
                                         engineer_id=self.engineer_filter.currentData(),
                                         overdue_only=self.overdue_only.isChecked())
        values = [[fmt_date(r.due_on), f"{r.days_overdue} дн." if r.overdue else "",
                   r.client_name or "другой клиент", short_name(r.engineer_name),
                   ", ".join(r.numbers), "; ".join(r.extra_works.splitlines())]
                  for r in self.rows]
        fill_table(self.table, values, [r.id for r in self.rows])
        for i, r in enumerate(self.rows):
            if r.overdue:
                paint_row(self.table, i, background=OVERDUE_BACKGROUND,
                          foreground=ERROR_COLOUR, bold=True)
        if not (keep is not None and select_id(self.table, keep)) and self.rows:
            self.table.setCurrentCell(0, 0)
        late = sum(1 for r in self.rows if r.overdue)
        self.summary.setText(f"Запланировано установок: {len(self.rows)}, из них "
                             f"просрочено: {late}." if self.rows else
                             "Запланированных установок нет.")
        set_text_colour(self.summary, ERROR_COLOUR if late else HINT_COLOUR)
        self._update_buttons()

    def current_row(self) -> ins.ControlRow | None:
        wanted = row_id(self.table)
        return next((r for r in self.rows if r.id == wanted), None)

    def _update_buttons(self) -> None:
        allowed = _allows(self.context)
        has_row = self.current_row() is not None
        self.plan_button.setEnabled(allowed)
        self.open_button.setEnabled(has_row)
        self.done_button.setEnabled(allowed and has_row)
        self.cancel_button.setEnabled(allowed and has_row)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            if isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return,
                                                                 Qt.Key.Key_Enter):
                self.open_current()
                return True
        return super().eventFilter(watched, event)

    def show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setText(text)
        set_text_colour(self.message, ERROR_COLOUR if error else DONE_COLOUR)
        self.message.setVisible(bool(text))

    # -- export -------------------------------------------------------------------------
    def export(self, path: str | None = None) -> str | None:
        """The rows shown to .xlsx through the export gate; the path written, or None."""
        from vostok_desktop.gui.export_gate import pass_export_gate
        from vostok_desktop.services.distributives import reports as dr

        if not self.rows:
            self.show_message("Нет установок для выгрузки.")
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Выгрузить в Excel",
                                                  "Контроль сроков установки.xlsx",
                                                  "Книга Excel (*.xlsx)")
            if not path:
                return None
        refused = pass_export_gate(self.context, "excel", "Отчёт «Контроль сроков установки»",
                                   len(self.rows))
        if refused:
            self.show_message(f"Не выгружено: {refused}")
            return None
        table = dr.ReportTable(
            "Контроль сроков установки", self.summary.text(), tuple(CONTROL_COLUMNS),
            [(r.due_on, r.days_overdue or None, r.client_name or "другой клиент",
              r.engineer_name or "", ", ".join(r.numbers), "; ".join(r.extra_works.splitlines()))
             for r in self.rows])
        written = str(dr.write_xlsx(table, path))
        self.show_message(f"Выгружено строк: {len(self.rows)} — {written}", error=False)
        return written

    # -- commands -----------------------------------------------------------------------
    def _show(self, dialog: QDialog, done: Callable[[], None]) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(done)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _done(self, text: str) -> None:
        self.active_dialog = None
        self.refresh()
        self.show_message(text, error=False)
        bus = getattr(self.context, "bus", None)
        if bus is not None:
            bus.announce("installation", [])

    def plan(self) -> QDialog | None:
        if not _allows(self.context):
            self.show_message(NO_RIGHT)
            return None
        dialog = InstallationDialog(self.context, parent=self, today=self.today)
        return self._show(dialog, lambda: self._done("Установка запланирована."))

    def open_current(self) -> QDialog | None:
        row = self.current_row()
        if row is None:
            self.show_message("Выберите установку в списке.")
            return None
        try:
            dialog = InstallationDialog(self.context, installation_id=row.id, parent=self,
                                        today=self.today)
        except REFUSALS as exc:
            self.show_message(refusal_text(exc))
            self.refresh()
            return None
        return self._show(dialog, lambda: self._done("Установка сохранена."))

    def complete(self) -> QDialog | None:
        row = self.current_row()
        if row is None or not _allows(self.context):
            self.show_message(NO_RIGHT if row else "Выберите установку в списке.")
            return None
        dialog = CompleteDialog(row, self.today(), self)
        ctx = self.context
        dialog.submit = lambda: ins.complete_installation(
            ctx.base, row.id, from_qdate(dialog.done_on.date()), ctx.employee_id,
            expected_version=row.version, profile=ctx.access, today=self.today())
        numbers = ", ".join(f"№ {n}" for n in row.numbers)
        return self._show(dialog, lambda: self._done(
            f"Установка выполнена: {numbers} подключены клиенту «{row.client_name}»."))

    def cancel(self) -> QDialog | None:
        row = self.current_row()
        if row is None or not _allows(self.context):
            self.show_message(NO_RIGHT if row else "Выберите установку в списке.")
            return None
        dialog = RefusableDialog("Отмена установки", self)
        dialog.setObjectName("cancel_dialog")
        dialog.header.setText(f"Отменить установку у клиента «{row.client_name or '—'}»? "
                              "Дистрибутивы останутся на складе.")
        reason = QLineEdit()
        reason.setObjectName("reason")
        dialog.add_row("&Причина:", reason)
        ctx = self.context
        dialog.submit = lambda: ins.cancel_installation(
            ctx.base, row.id, ctx.employee_id, reason=reason.text(),
            expected_version=row.version, profile=ctx.access)
        return self._show(dialog, lambda: self._done("Установка отменена."))


def open_installation_dialog(parent: QWidget | None, context: Any, *,
                             client_id: int | None = None,
                             installation_id: int | None = None) -> InstallationDialog:
    """Show the planning dialog (non-modal; returned for tests): for the client of the
    open card when ``client_id`` is given, else with a client search field."""
    dialog = InstallationDialog(context, client_id=client_id,
                                installation_id=installation_id, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    bus = getattr(context, "bus", None)
    if bus is not None:
        dialog.accepted.connect(lambda: bus.announce("installation", []))
    dialog.show()
    (dialog.engineer if client_id is not None else dialog.client).setFocus()
    return dialog


def open_installation_control(parent: QWidget | None, context: Any) -> InstallationControl:
    """Show «Контроль сроков установки» as its own window (returned for tests)."""
    window = InstallationControl(context, parent)
    window.setWindowFlag(Qt.WindowType.Window, True)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    window.table.setFocus()
    return window


__all__ = ["CompleteDialog", "InstallationControl", "InstallationDialog",
           "open_installation_control", "open_installation_dialog"]
