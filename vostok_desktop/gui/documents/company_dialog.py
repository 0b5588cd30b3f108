"""«Реквизиты РИЦ…»: the company's details that print forms show, edited by
administrators and kept in the base (one set for every workstation)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import DBAPIError

from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.documents.widgets import russian_buttons
from vostok_desktop.services.documents import company

_MULTILINE = {"address", "bank"}


class CompanyDetailsDialog(QDialog):
    """One field per detail; Save checks INN and KPP and writes all of them at once."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Реквизиты РИЦ")
        self.setObjectName("company_details_dialog")
        self.context = context
        self.saved = False
        details = company.company_details(context.base)
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout()
        titles = dict(company.COMPANY_FIELDS)
        titles.update({k: k for k in details if k not in titles})  # kept from company.json
        for key, title in titles.items():
            value = details.get(key, "")
            edit: QLineEdit | QPlainTextEdit
            if key in _MULTILINE:
                edit = QPlainTextEdit(value, self)
                edit.setTabChangesFocus(True)
                edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
            else:
                edit = QLineEdit(value, self)
            edit.setObjectName(f"company_{key}")
            edit.setReadOnly(context.base.read_only)
            form.addRow(title + ":", edit)
            self.edits[key] = edit
        self.error = QLabel(self)
        self.error.setObjectName("company_error")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.error.hide()
        hint = QLabel("Эти данные подставляются в печатные формы как {{ company.… }} "
                      "(счёт, договор, акт, письмо) на всех рабочих местах.", self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(
            not context.base.read_only)
        russian_buttons(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def values(self) -> dict[str, str]:
        return {k: e.toPlainText() if isinstance(e, QPlainTextEdit) else e.text()
                for k, e in self.edits.items()}

    def save(self) -> bool:
        self.error.hide()
        try:
            company.save_company_details(self.context.base, self.values(),
                                         self.context.employee_id)
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.error.show()
            key = {"name": "name", "inn": "inn", "kpp": "kpp"}.get(exc.field)
            if key in self.edits:
                self.edits[key].setFocus()
            return False
        except DBAPIError as exc:
            QMessageBox.warning(self, "Реквизиты не сохранены",
                                "База не приняла изменения (нужны права администратора): "
                                + str(getattr(exc, "orig", exc)).splitlines()[0])
            return False
        self.saved = True
        self.accept()
        return True
