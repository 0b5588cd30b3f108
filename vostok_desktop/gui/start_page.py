"""What the central area shows when no card is open: where you are and the main keys."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vostok_desktop.gui.actions import shortcut_text
from vostok_desktop.gui.context import AppContext

# The commands a newcomer needs first; texts and keys come from the registry.
HINTED_ACTIONS = (
    "clients.quick_search", "clients.open", "clients.new", "window.client_list",
    "window.contact_list", "card.save", "tab.close", "tab.next", "app.shortcuts",
)


class StartPage(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.setObjectName("start_page")
        self.context = context
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.label)
        context.actions.shortcuts_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        ctx = self.context
        rows = []
        for action_id in HINTED_ACTIONS:
            if action_id not in ctx.actions:
                continue
            action = ctx.actions.action(action_id)
            keys = shortcut_text(action.shortcut())
            if keys:
                rows.append(
                    f"<tr><td style='padding:3px 18px 3px 0'><b>{escape(keys)}</b></td>"
                    f"<td>{escape(action.text().replace('&', ''))}</td></tr>"
                )
        mode = " · только чтение" if ctx.base.read_only else ""
        self.label.setText(
            "<h2 style='margin-bottom:4px'>Vostok Desktop</h2>"
            f"<p style='color:#555'>{escape(ctx.employee_name)} · "
            f"{escape(ctx.base.location.display())}{mode}</p>"
            "<p>Найдите клиента в списке слева или откройте карточку клавишей Enter.</p>"
            f"<table>{''.join(rows)}</table>"
        )
