"""The «Документы» page of the client card: its print forms, printing and e-mail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.documents import templates as tpl


class DocumentsPage(QWidget):
    def __init__(self, context: AppContext, card: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.card = card
        self.client_id: int | None = None
        self.forms = QListWidget(self)
        self.forms.setObjectName("forms_list")
        self.forms.itemActivated.connect(lambda _i: self.print_selected())
        self.hint = QLabel("Печатные формы клиента. Индивидуальные формы заменяют общие.")
        row = QHBoxLayout()
        for name, text, slot in (("print_button", "Печать…", self.print_selected),
                                 ("mail_button", "Отправить по e-mail…", self.send_mail),
                                 ("override_button", "Сделать индивидуальную форму",
                                  self.make_override)):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.forms, 1)
        layout.addLayout(row)

    def card_loaded(self, entity_id: int | None) -> None:
        self.client_id = entity_id
        self.refresh()

    def refresh(self) -> None:
        self.forms.clear()
        if self.client_id is None:
            return
        for info in tpl.templates_for_client(self.context.base, self.client_id):
            label = info.name + ("  (индивидуальная)" if info.is_override else "")
            item = QListWidgetItem(f"{label}  — версия {info.active_version}", self.forms)
            item.setData(Qt.ItemDataRole.UserRole, info.id)
        self.forms.setCurrentRow(0)

    def _current(self) -> int | None:
        item = self.forms.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def print_selected(self) -> None:
        from vostok_desktop.gui.documents.printing import print_for_client

        if self.client_id is not None and self._current() is not None:
            print_for_client(self.context, self.client_id, self, self._current())

    def send_mail(self) -> None:
        from vostok_desktop.gui.documents.mail_dialog import MailDialog

        if self.client_id is not None:
            MailDialog(self.context, self.client_id, parent=self,
                       template_id=self._current()).exec()

    def make_override(self) -> None:
        template_id = self._current()
        if self.client_id is None or template_id is None:
            return
        try:
            tpl.create_override(self.context.base, template_id, self.client_id,
                                self.context.employee_id)
        except (tpl.TemplateError, LookupError) as exc:
            QMessageBox.warning(self, "Индивидуальная форма", str(exc))
            return
        self.refresh()
