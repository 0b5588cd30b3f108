"""«Бюджет клиента» for the client card: the monthly price of each served distributive on
a date (number, system, list price, discount, price, rule), the total, problems (a
missing price) in red; below, the client's dated discounts and its VIP programme with
«Добавить скидку…», «Завершить…», «Удалить», «Включить в VIP…», «Исключить из VIP».
Writes need «Скидки и VIP-программы»; without it the buttons are greyed out and say so."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import (
    ERROR_COLOUR,
    read_only_table,
    set_text_colour,
    show_status,
)
from vostok_desktop.gui.distributives.common import (
    fill_table,
    fmt_date,
    money,
    row_id,
    system_text,
)
from vostok_desktop.gui.distributives.dialogs import (
    REFUSALS,
    date_edit,
    from_qdate,
    refusal_text,
)
from vostok_desktop.gui.money.price_lists import no_right_tip
from vostok_desktop.services.money import discounts
from vostok_desktop.services.money.budget import (
    BudgetLine,
    ClientBudget,
    client_budget,
    percent_text,
)

DISCOUNTS = "money.discounts"
LINE_COLUMNS = ["№ дистрибутива", "Система", "По прейскуранту", "Скидка", "Цена в месяц",
                "Правило"]
DISCOUNT_COLUMNS = ["Скидка", "Действует", "Основание"]
NAME_PREFIX = "Сопровождение СПС КонсультантПлюс: "


def line_system(line: BudgetLine) -> str:
    """The system's title from the line's name (short, as the narrow column shows it)."""
    title = line.name.removeprefix(NAME_PREFIX).rsplit(", дистрибутив №", 1)[0]
    return system_text(title)


def _status_and_buttons(dialog: QDialog, form: QFormLayout, *, wrap: bool = True
                        ) -> tuple[QLabel, QDialogButtonBox]:
    """The last rows of every small dialog here: a line for the refusal, «ОК» / «Отмена»
    (the caller connects «ОК»: it checks before it closes)."""
    status = QLabel()
    status.setWordWrap(wrap)
    form.addRow(status)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    return status, buttons


class DiscountDialog(QDialog):
    """«Скидка клиента»: percent, from, until (or open) and the reason."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Скидка клиента")
        form = QFormLayout(self)
        self.percent = QDoubleSpinBox()
        self.percent.setObjectName("discount_percent")
        self.percent.setRange(0, 100)
        self.percent.setDecimals(2)
        self.percent.setSuffix(" %")
        self.percent.setValue(10)
        self.valid_from = date_edit(today, "discount_from")
        self.until = QCheckBox("по")
        self.valid_to = date_edit(date(today.year, 12, 31), "discount_to")
        self.valid_to.setEnabled(False)
        self.until.toggled.connect(self.valid_to.setEnabled)
        until_row = QHBoxLayout()
        until_row.addWidget(self.until)
        until_row.addWidget(self.valid_to, 1)
        self.reason = QLineEdit()
        self.reason.setObjectName("discount_reason")
        form.addRow("Скидка:", self.percent)
        form.addRow("Действует с:", self.valid_from)
        form.addRow("", until_row)
        form.addRow("Основание:", self.reason)
        self.status, self.buttons = _status_and_buttons(self, form)


class EndDialog(QDialog):
    """The last day of a discount."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Завершить скидку")
        form = QFormLayout(self)
        self.valid_to = date_edit(today, "discount_end")
        form.addRow("Последний день скидки:", self.valid_to)
        self.status, self.buttons = _status_and_buttons(self, form, wrap=False)


class JoinDialog(QDialog):
    """«Включить в VIP-программу»: which programme, from when."""

    def __init__(self, programmes: list[discounts.VipProgrammeData], today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Включить в VIP-программу")
        form = QFormLayout(self)
        self.programme = QComboBox()
        self.programme.setObjectName("vip_programme")
        for p in programmes:
            if p.is_active:
                self.programme.addItem(f"{p.name}: {p.tiers_text()}", p.id)
        self.since = date_edit(today, "vip_since")
        form.addRow("Программа:", self.programme)
        form.addRow("С даты:", self.since)
        self.status, self.buttons = _status_and_buttons(self, form)


class BudgetPage(QWidget):
    def __init__(self, context: Any, client_id: int, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.client_id = client_id
        self.today = today or date.today()
        self.may_edit = context.allows(DISCOUNTS)
        self.budget: ClientBudget | None = None
        self.discount_rows: list[discounts.ClientDiscountRow] = []
        self.vip: discounts.VipMemberRow | None = None
        self.active_dialog: QDialog | None = None
        self._build()
        self.refresh()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Бюджет на дату:"))
        self.on_edit = date_edit(self.today, "budget_on")
        self.on_edit.dateChanged.connect(lambda _d: self.refresh_budget())
        top.addWidget(self.on_edit)
        top.addStretch(1)
        self.total_label = QLabel()
        self.total_label.setObjectName("budget_total")
        font = self.total_label.font()
        font.setBold(True)
        self.total_label.setFont(font)
        top.addWidget(self.total_label)
        layout.addLayout(top)
        self.lines = QTableWidget()
        self.lines.setObjectName("budget_lines")
        read_only_table(self.lines, LINE_COLUMNS)
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for c in (0, 2, 3, 4, 5):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.lines, 3)
        self.problems = QLabel()
        self.problems.setObjectName("budget_problems")
        self.problems.setWordWrap(True)
        set_text_colour(self.problems, ERROR_COLOUR)
        layout.addWidget(self.problems)

        layout.addWidget(QLabel("Скидки клиента"))
        self.discounts = QTableWidget()
        self.discounts.setObjectName("client_discounts")
        read_only_table(self.discounts, DISCOUNT_COLUMNS)
        self.discounts.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.discounts.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.discounts.setMaximumHeight(150)
        layout.addWidget(self.discounts, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Добавить скидку…")
        self.end_button = QPushButton("Завершить…")
        self.delete_button = QPushButton("Удалить")
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.end_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        vip_row = QHBoxLayout()
        self.vip_label = QLabel()
        self.vip_label.setObjectName("vip_label")
        vip_row.addWidget(self.vip_label, 1)
        self.join_button = QPushButton("Включить в VIP…")
        self.leave_button = QPushButton("Исключить из VIP")
        vip_row.addWidget(self.join_button)
        vip_row.addWidget(self.leave_button)
        layout.addLayout(vip_row)
        self.status = QLabel()
        self.status.setObjectName("budget_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.add_button.clicked.connect(self.add_discount)
        self.end_button.clicked.connect(self.end_discount)
        self.delete_button.clicked.connect(self.delete_discount)
        self.join_button.clicked.connect(self.join_vip)
        self.leave_button.clicked.connect(self.leave_vip)
        self.write_buttons = (self.add_button, self.end_button, self.delete_button,
                              self.join_button, self.leave_button)
        if not self.may_edit:
            for b in self.write_buttons:
                b.setEnabled(False)
                b.setToolTip(no_right_tip(DISCOUNTS))

    # -- reading --------------------------------------------------------------------
    def on(self) -> date:
        return from_qdate(self.on_edit.date())

    def refresh(self) -> None:
        self.refresh_budget()
        self.discount_rows = discounts.client_discounts(self.context.base, self.client_id)
        on = self.on()
        fill_table(self.discounts, [
            (f"{percent_text(d.percent)} %", d.period_text, d.reason)
            for d in self.discount_rows], [d.id for d in self.discount_rows])
        for n, d in enumerate(self.discount_rows):
            if not d.valid_on(on):
                for c in range(3):
                    self.discounts.item(n, c).setForeground(Qt.GlobalColor.gray)
        if self.discount_rows:
            self.discounts.setCurrentCell(0, 0)
        self.vip = discounts.client_vip(self.context.base, self.client_id)
        if self.vip is None:
            self.vip_label.setText("VIP-программа: не участвует")
        else:
            v = self.vip
            self.vip_label.setText(
                f"VIP-программа «{v.programme_name}» с {fmt_date(v.since)}: систем на "
                f"обслуживании {v.applied_systems}, скидка {percent_text(v.applied_percent)} %")
        if self.may_edit:
            has = bool(self.discount_rows)
            self.end_button.setEnabled(has)
            self.delete_button.setEnabled(has)
            self.join_button.setEnabled(True)
            self.join_button.setText("Сменить VIP…" if self.vip else "Включить в VIP…")
            self.leave_button.setEnabled(self.vip is not None)

    def refresh_budget(self) -> None:
        with self.context.base.sessions() as s:
            self.budget = client_budget(s, self.client_id, self.on())
        lines = self.budget.lines
        fill_table(self.lines, [
            (x.number, line_system(x), money(x.list_price),
             f"{percent_text(x.discount_percent)} %" if x.discount_percent else "",
             money(x.price), x.rule) for x in lines], [x.distributive_id for x in lines])
        for r in range(self.lines.rowCount()):
            self.lines.item(r, 1).setToolTip(lines[r].name)
            for c in (2, 3, 4):
                self.lines.item(r, c).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.total_label.setText(f"Итого в месяц: {money(self.budget.total)} ₽")
        self.problems.setText("\n".join(self.budget.problems))
        self.problems.setVisible(bool(self.budget.problems))

    # -- commands -------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_ok: Any) -> QDialog:
        dialog.buttons.accepted.connect(lambda: on_ok(dialog))  # type: ignore[attr-defined]
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _done(self, dialog: QDialog, action: Any, message: str) -> None:
        try:
            action()
        except REFUSALS as exc:
            show_status(dialog.status, refusal_text(exc))  # type: ignore[attr-defined]
            return
        dialog.accept()
        self.refresh()
        show_status(self.status, message, error=False)

    def add_discount(self) -> QDialog | None:
        if not self.may_edit:
            return None

        def ok(d: DiscountDialog) -> None:
            self._done(d, lambda: discounts.add_client_discount(
                self.context.base, self.client_id,
                Decimal(str(round(d.percent.value(), 2))), from_qdate(d.valid_from.date()),
                self.context.employee_id,
                valid_to=from_qdate(d.valid_to.date()) if d.until.isChecked() else None,
                reason=d.reason.text(), profile=self.context.access), "Скидка добавлена")

        return self._open(DiscountDialog(self.on(), self), ok)

    def end_discount(self) -> QDialog | None:
        discount_id = row_id(self.discounts)
        if not self.may_edit or discount_id is None:
            return None

        def ok(d: EndDialog) -> None:
            self._done(d, lambda: discounts.end_client_discount(
                self.context.base, discount_id, from_qdate(d.valid_to.date()),
                self.context.employee_id, profile=self.context.access), "Скидка завершена")

        return self._open(EndDialog(self.on() - timedelta(days=0), self), ok)

    def delete_discount(self) -> None:
        discount_id = row_id(self.discounts)
        if not self.may_edit or discount_id is None:
            return
        if QMessageBox.question(self, "Скидки", "Удалить скидку клиента?") != \
                QMessageBox.StandardButton.Yes:
            return
        try:
            discounts.delete_client_discount(self.context.base, discount_id,
                                             self.context.employee_id,
                                             profile=self.context.access)
        except REFUSALS as exc:
            show_status(self.status, refusal_text(exc))
            return
        self.refresh()
        show_status(self.status, "Скидка удалена", error=False)

    def join_vip(self) -> QDialog | None:
        if not self.may_edit:
            return None
        programmes = discounts.list_programmes(self.context.base)

        def ok(d: JoinDialog) -> None:
            programme_id = d.programme.currentData()
            if programme_id is None:
                show_status(d.status, "Нет действующей VIP-программы: создайте её в "
                                      "«VIP-программы»")
                return
            self._done(d, lambda: discounts.join_programme(
                self.context.base, self.client_id, programme_id, from_qdate(d.since.date()),
                self.context.employee_id, profile=self.context.access),
                "Клиент включён в VIP-программу")

        return self._open(JoinDialog(programmes, self.on(), self), ok)

    def leave_vip(self) -> None:
        if not self.may_edit or self.vip is None:
            return
        if QMessageBox.question(self, "VIP", f"Исключить клиента из VIP-программы "
                                             f"«{self.vip.programme_name}»?") != \
                QMessageBox.StandardButton.Yes:
            return
        try:
            discounts.leave_programme(self.context.base, self.client_id,
                                      self.context.employee_id, profile=self.context.access)
        except REFUSALS as exc:
            show_status(self.status, refusal_text(exc))
            return
        self.refresh()
        show_status(self.status, "Клиент исключён из VIP-программы", error=False)


__all__ = ["BudgetPage", "DiscountDialog", "EndDialog", "JoinDialog"]
