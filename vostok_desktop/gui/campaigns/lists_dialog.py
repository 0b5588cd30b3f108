"""«Результаты звонка и причины отказа»: the two lists the «Обзвон» tab offers (keys 1–9
follow their order). Everybody sees them; adding and taking out needs «Кампании обзвона»
(the buttons are greyed out without it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from vostok_desktop.domain.access import Right
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.campaigns import campaigns as cmp
from vostok_desktop.services.campaigns.common import CampaignError

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext

KINDS = ("Обычный результат", "Отказ (нужна причина)", "Повторить звонок (вернуть в очередь)")


class CampaignListsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("campaign_lists_dialog")
        self.setWindowTitle("Результаты звонка и причины отказа")
        self.resize(720, 420)
        grid = QGridLayout(self)
        self.results = QListWidget()
        self.results.setObjectName("results_list")
        self.reasons = QListWidget()
        self.reasons.setObjectName("reasons_list")
        grid.addWidget(QLabel("Результаты звонка (клавиши 1–9 — по порядку):"), 0, 0)
        grid.addWidget(QLabel("Причины отказа:"), 0, 1)
        grid.addWidget(self.results, 1, 0)
        grid.addWidget(self.reasons, 1, 1)
        allowed = context.access is None or context.access.allows(Right.CAMPAIGNS_MANAGE)
        add_result = QPushButton("Добавить результат…")
        add_result.clicked.connect(self.add_result)
        add_reason = QPushButton("Добавить причину…")
        add_reason.clicked.connect(self.add_reason)
        toggle_result = QPushButton("Убрать / вернуть")
        toggle_result.clicked.connect(lambda: self.toggle("result", self.results))
        toggle_reason = QPushButton("Убрать / вернуть")
        toggle_reason.clicked.connect(lambda: self.toggle("reason", self.reasons))
        for n, (first, second) in enumerate(((add_result, add_reason),
                                             (toggle_result, toggle_reason)), 2):
            grid.addWidget(first, n, 0)
            grid.addWidget(second, n, 1)
            first.setEnabled(allowed)
            second.setEnabled(allowed)
        self.message = QLabel("" if allowed else "Менять списки может тот, у кого есть право "
                                                 "«Кампании обзвона».")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        grid.addWidget(self.message, 4, 0, 1, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        buttons.rejected.connect(self.reject)
        grid.addWidget(buttons, 5, 0, 1, 2)
        self.reload()

    def reload(self) -> None:
        with self.context.base.sessions() as s:
            results = cmp.call_results(s, active_only=False)
            reasons = cmp.refusal_reasons(s, active_only=False)
            active_results = {r.id for r in cmp.call_results(s)}
            active_reasons = {r.id for r in cmp.refusal_reasons(s)}
        self.results.clear()
        for r in results:
            marks = [m for m, on in (("отказ", r.is_refusal), ("повтор", r.retry),
                                     ("убран", r.id not in active_results)) if on]
            self._add(self.results, r.title + (f"  ({', '.join(marks)})" if marks else ""),
                      r.id, r.id in active_results)
        self.reasons.clear()
        for r in reasons:
            self._add(self.reasons, r.title + ("" if r.id in active_reasons else "  (убрана)"),
                      r.id, r.id in active_reasons)

    @staticmethod
    def _add(widget: QListWidget, text: str, entry_id: int, active: bool) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, (entry_id, active))
        if not active:
            item.setForeground(Qt.GlobalColor.gray)
        widget.addItem(item)

    def _run(self, action) -> None:  # noqa: ANN001
        try:
            action()
        except (CampaignError, AccessDenied) as exc:
            self.message.setText(getattr(exc, "message", None) or str(exc))
            return
        self.message.setText("")
        self.reload()

    def add_result(self) -> None:
        title, ok = QInputDialog.getText(self, "Новый результат звонка", "Название:")
        if not ok:
            return
        kind, ok = QInputDialog.getItem(self, "Новый результат звонка", "Вид:", list(KINDS),
                                        0, False)
        if ok:
            self._run(lambda: cmp.add_call_result(
                self.context.base, title, is_refusal=kind == KINDS[1], retry=kind == KINDS[2],
                profile=self.context.access, employee_id=self.context.employee_id))

    def add_reason(self) -> None:
        title, ok = QInputDialog.getText(self, "Новая причина отказа", "Название:")
        if ok:
            self._run(lambda: cmp.add_refusal_reason(self.context.base, title,
                                                     profile=self.context.access,
                                                     employee_id=self.context.employee_id))

    def toggle(self, kind: str, widget: QListWidget) -> None:
        item = widget.currentItem()
        if item is None:
            self.message.setText("Выберите строку списка")
            return
        entry_id, active = item.data(Qt.ItemDataRole.UserRole)
        self._run(lambda: cmp.set_list_entry_active(
            self.context.base, kind, entry_id, not active, profile=self.context.access,
            employee_id=self.context.employee_id))


__all__ = ["CampaignListsDialog"]
