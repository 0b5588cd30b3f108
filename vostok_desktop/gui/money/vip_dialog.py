"""«VIP-программы»: the programmes on the left; the chosen one's name, «Действует» and
interval discounts (from how many served systems — what percent) editable on the right,
and its members with their systems and applied percent. Saving re-applies the tiers to
every member at once. Needs «Скидки и VIP-программы» to change anything.

«Пересчитать VIP-скидки» (the button here and the command ``money.vip_recalculate``)
recounts every member's served systems and tier on a worker and says how many clients'
discount changed.

Keys inside the dialog: Insert — new interval, Delete — remove the interval (in the
intervals table), Ctrl+S — save."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import read_only_table, show_status
from vostok_desktop.gui.distributives.common import fill_table, fmt_date
from vostok_desktop.gui.distributives.dialogs import REFUSALS, refusal_text
from vostok_desktop.gui.money.price_lists import no_right_tip
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.distributives.common import refuse
from vostok_desktop.services.money import discounts
from vostok_desktop.services.money.budget import percent_text
from vostok_desktop.services.money.discounts import VipChange, VipProgrammeData, VipTierData

DISCOUNTS = "money.discounts"
MEMBER_COLUMNS = ["Клиент", "В программе с", "Систем", "Скидка, %"]


def _clients(n: int) -> str:
    """«у 1 клиента», «у 5 клиентов» (genitive after «у»)."""
    return f"{n} клиента" if n % 10 == 1 and n % 100 != 11 else f"{n} клиентов"


def recalculation_text(changes: Sequence[VipChange]) -> str:
    """The result message of «Пересчитать VIP-скидки»."""
    tier = sum(1 for c in changes if c.new_percent != c.old_percent)
    systems_only = len(changes) - tier
    if not changes:
        return "VIP-скидки пересчитаны: ни у одного клиента скидка не изменилась."
    text = (f"VIP-скидки пересчитаны: скидка изменилась у {_clients(tier)}." if tier
            else "VIP-скидки пересчитаны: ни у одного клиента скидка не изменилась.")
    if systems_only:
        text += f" Число систем уточнено ещё у {_clients(systems_only)} (скидка та же)."
    return text


def start_recalculation(context: Any, parent: Any,
                        done: Callable[[str, bool], None]) -> BackgroundOperation | None:
    """Run ``recalculate_all`` on a worker; ``done(message, ok)`` on the GUI thread.
    None (and ``done`` with the refusal) without the right."""
    if not context.allows(DISCOUNTS):
        done(no_right_tip(DISCOUNTS), False)
        return None
    base, employee, profile = context.base, context.employee_id, context.access

    def work(state: OperationState) -> list[VipChange]:
        state.progress("Пересчёт VIP-скидок", 0, 1)
        return discounts.recalculate_all(base, employee, profile=profile)

    operation = BackgroundOperation(work, parent)
    operation.finished.connect(lambda changes: done(recalculation_text(changes), True))
    operation.failed.connect(lambda message: done(f"VIP-скидки не пересчитаны: {message}",
                                                  False))
    operation.cancelled.connect(lambda: done("Пересчёт VIP-скидок отменён", False))
    if getattr(context, "bus", None) is not None:
        operation.finished.connect(lambda _c: context.bus.announce("vip_members", []))
    return operation.start()


class VipProgrammesDialog(QDialog):
    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.may_edit = context.allows(DISCOUNTS)
        self.setWindowTitle("VIP-программы и интервальные скидки")
        self.resize(1000, 620)
        self.programmes: list[VipProgrammeData] = []
        self.current: VipProgrammeData | None = None
        self._build()
        self.reload()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Программы"))
        self.list = QListWidget()
        self.list.setObjectName("vip_programmes")
        self.list.currentRowChanged.connect(self._selected)
        left_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton("Новая")
        self.delete_button = QPushButton("Удалить")
        self.new_button.clicked.connect(self.new_programme)
        self.delete_button.clicked.connect(self.delete_programme)
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        left_layout.addLayout(row)
        self.recalculate_button = QPushButton("&Пересчитать VIP-скидки")
        self.recalculate_button.setObjectName("vip_recalculate")
        self.recalculate_button.setToolTip("Заново посчитать системы на обслуживании и "
                                           "скидку у всех клиентов VIP-программ")
        self.recalculate_button.clicked.connect(lambda: self.recalculate())
        left_layout.addWidget(self.recalculate_button)
        self.operation: BackgroundOperation | None = None
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("vip_name")
        self.active_box = QCheckBox("Действует")
        head.addWidget(QLabel("Название:"))
        head.addWidget(self.name_edit, 1)
        head.addWidget(self.active_box)
        right_layout.addLayout(head)
        right_layout.addWidget(QLabel("Интервальные скидки (по числу систем на "
                                      "обслуживании):"))
        self.tiers = QTableWidget(0, 3)
        self.tiers.setObjectName("vip_tiers")
        self.tiers.setHorizontalHeaderLabels(["От систем", "До систем", "Скидка, %"])
        self.tiers.verticalHeader().setVisible(False)
        self.tiers.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tiers.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tiers.setMaximumHeight(190)
        self.tiers.itemChanged.connect(lambda _i: self._refresh_upper())
        self.tiers.installEventFilter(self)
        right_layout.addWidget(self.tiers)
        tier_buttons = QHBoxLayout()
        self.add_tier_button = QPushButton("Добавить интервал")
        self.remove_tier_button = QPushButton("Удалить интервал")
        self.save_button = QPushButton("Сохранить")
        self.add_tier_button.clicked.connect(self.add_tier)
        self.remove_tier_button.clicked.connect(self.remove_tier)
        self.save_button.clicked.connect(self.save)
        for b in (self.add_tier_button, self.remove_tier_button, self.save_button):
            tier_buttons.addWidget(b)
        tier_buttons.addStretch(1)
        right_layout.addLayout(tier_buttons)
        self.members_label = QLabel("Клиенты программы")
        right_layout.addWidget(self.members_label)
        self.members = QTableWidget()
        self.members.setObjectName("vip_members")
        read_only_table(self.members, MEMBER_COLUMNS)
        self.members.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        right_layout.addWidget(self.members, 1)
        self.status = QLabel()
        self.status.setObjectName("vip_status")
        self.status.setWordWrap(True)
        right_layout.addWidget(self.status)
        splitter.addWidget(right)
        splitter.setSizes([260, 740])
        layout.addWidget(splitter, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if not self.may_edit:
            tip = no_right_tip(DISCOUNTS)
            for w in (self.new_button, self.delete_button, self.add_tier_button,
                      self.remove_tier_button, self.save_button, self.recalculate_button):
                w.setEnabled(False)
                w.setToolTip(tip)
            self.name_edit.setReadOnly(True)
            self.active_box.setEnabled(False)
            self.tiers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        shortcut = QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.tiers and event.type() == QEvent.Type.KeyPress \
                and self.tiers.state() != QAbstractItemView.State.EditingState:
            if event.key() == Qt.Key.Key_Insert:  # type: ignore[attr-defined]
                self.add_tier()
                return True
            if event.key() == Qt.Key.Key_Delete:  # type: ignore[attr-defined]
                self.remove_tier()
                return True
        return super().eventFilter(watched, event)

    # -- data -----------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        wanted = select_id if select_id is not None else (
            self.current.id if self.current else None)
        self.programmes = discounts.list_programmes(self.context.base)
        self.list.blockSignals(True)
        self.list.clear()
        for p in self.programmes:
            item = QListWidgetItem(p.name + ("" if p.is_active else " (не действует)"))
            item.setToolTip(p.tiers_text())
            self.list.addItem(item)
        self.list.blockSignals(False)
        row = next((n for n, p in enumerate(self.programmes) if p.id == wanted), 0)
        if self.programmes:
            self.list.setCurrentRow(row)
            self._selected(row)
        else:
            self._show(None)

    def _selected(self, row: int) -> None:
        if 0 <= row < len(self.programmes):
            self._show(self.programmes[row])

    def _show(self, programme: VipProgrammeData | None) -> None:
        self.current = programme
        self.name_edit.setText(programme.name if programme else "")
        self.active_box.setChecked(programme.is_active if programme else True)
        self.tiers.blockSignals(True)
        self.tiers.setRowCount(0)
        for tier in (programme.tiers if programme else []):
            self._append_tier(tier.min_systems, tier.percent)
        self.tiers.blockSignals(False)
        self._refresh_upper()
        members = (discounts.programme_members(self.context.base, programme.id)
                   if programme and programme.id else [])
        fill_table(self.members, [(m.client_name or f"клиент {m.client_id}",
                                   fmt_date(m.since), str(m.applied_systems),
                                   percent_text(m.applied_percent)) for m in members],
                   [m.client_id for m in members])
        count = programme.members if programme else 0
        self.members_label.setText(f"Клиенты программы: {count}")

    def _append_tier(self, min_systems: int | str, percent: Decimal | str) -> None:
        r = self.tiers.rowCount()
        self.tiers.insertRow(r)
        self.tiers.setItem(r, 0, QTableWidgetItem(str(min_systems)))
        upper = QTableWidgetItem("")
        upper.setFlags(upper.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.tiers.setItem(r, 1, upper)
        self.tiers.setItem(r, 2, QTableWidgetItem(
            percent_text(percent) if isinstance(percent, Decimal) else str(percent)))

    def _refresh_upper(self) -> None:
        """The «до» column: the next interval's start minus one (read only)."""
        starts = []
        for r in range(self.tiers.rowCount()):
            try:
                starts.append(int(self.tiers.item(r, 0).text()))
            except (ValueError, AttributeError):
                starts.append(None)
        known = sorted(s for s in starts if s is not None)
        self.tiers.blockSignals(True)
        for r, start in enumerate(starts):
            later = [s for s in known if start is not None and s > start]
            text = "" if start is None else (str(later[0] - 1) if later else "и больше")
            item = self.tiers.item(r, 1)
            if item is not None:
                item.setText(text)
        self.tiers.blockSignals(False)

    def tier_data(self) -> list[VipTierData]:
        tiers = []
        for r in range(self.tiers.rowCount()):
            start = (self.tiers.item(r, 0).text() if self.tiers.item(r, 0) else "").strip()
            percent = (self.tiers.item(r, 2).text() if self.tiers.item(r, 2) else "").strip()
            try:
                number = int(start)
            except ValueError:
                raise refuse("min_systems", f"Интервал {r + 1}: «{start}» — не целое число "
                                            "систем") from None
            try:
                value = Decimal(percent.replace(",", ".").replace("%", "").strip())
            except InvalidOperation:
                raise refuse("percent", f"Интервал {r + 1}: «{percent}» — не процент") \
                    from None
            tiers.append(VipTierData(number, value))
        return tiers

    # -- commands -------------------------------------------------------------------
    def add_tier(self) -> None:
        if not self.may_edit:
            return
        starts = [int(self.tiers.item(r, 0).text()) for r in range(self.tiers.rowCount())
                  if self.tiers.item(r, 0) and self.tiers.item(r, 0).text().isdigit()]
        self._append_tier(max(starts) + 5 if starts else 0, "0")
        self._refresh_upper()
        self.tiers.setCurrentCell(self.tiers.rowCount() - 1, 0)
        self.tiers.setFocus()

    def remove_tier(self) -> None:
        if self.may_edit and self.tiers.currentRow() >= 0:
            self.tiers.removeRow(self.tiers.currentRow())
            self._refresh_upper()

    def new_programme(self) -> None:
        if not self.may_edit:
            return
        self.list.clearSelection()
        self._show(VipProgrammeData("Новая VIP-программа",
                                    [VipTierData(0, Decimal(10))]))
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def save(self) -> bool:
        if not self.may_edit or self.current is None:
            return False
        try:
            data = VipProgrammeData(self.name_edit.text(), self.tier_data(),
                                    self.active_box.isChecked(), self.current.id,
                                    self.current.version)
            programme_id = discounts.save_programme(self.context.base, data,
                                                    self.context.employee_id,
                                                    profile=self.context.access)
        except REFUSALS as exc:
            show_status(self.status, refusal_text(exc))
            return False
        self.current = None
        self.reload(programme_id)
        show_status(self.status, "VIP-программа сохранена, скидки клиентов пересчитаны",
                    error=False)
        return True

    def delete_programme(self) -> None:
        if not self.may_edit or self.current is None or self.current.id is None:
            return
        answer = QMessageBox.question(self, "VIP-программы",
                                      f"Удалить VIP-программу «{self.current.name}»?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            discounts.delete_programme(self.context.base, self.current.id,
                                       profile=self.context.access)
        except REFUSALS as exc:
            show_status(self.status, refusal_text(exc))
            return
        self.current = None
        self.reload()
        show_status(self.status, "VIP-программа удалена", error=False)

    def recalculate(self) -> BackgroundOperation | None:
        """«Пересчитать VIP-скидки» on a worker; the members shown again afterwards."""
        def done(message: str, ok: bool) -> None:
            self.recalculate_button.setEnabled(self.may_edit)
            show_status(self.status, message, error=not ok)
            if ok:
                self.reload()

        self.recalculate_button.setEnabled(False)
        show_status(self.status, "VIP-скидки пересчитываются…", error=False)
        self.operation = start_recalculation(self.context, self, done)
        return self.operation


__all__ = ["VipProgrammesDialog", "recalculation_text", "start_recalculation"]
