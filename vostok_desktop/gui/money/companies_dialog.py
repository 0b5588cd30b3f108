"""«Субъекты учёта»: the РИЦ's legal entities with their details, tax mode and payment
term (right «Справочники»). The list on the left, the form on the right; «Записать»
saves, a refusal names the field and keeps what was typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.money import TAX_MODE_TITLES, TaxMode
from vostok_desktop.gui.cards.widgets import ERROR_COLOUR, set_text_colour
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.money.companies import CompanyData, company_rows, save_company

RIGHT = "reference.edit"
TEXT_FIELDS = (("name", "&Наименование"), ("inn", "&ИНН"), ("kpp", "&КПП"),
               ("ogrn", "ОГРН"), ("address", "&Адрес"), ("city", "Город"),
               ("phone", "Телефон"), ("email", "E-mail"), ("bank_name", "&Банк"),
               ("bik", "БИК"), ("account", "Расчётный счёт"),
               ("corr_account", "Корр. счёт"), ("director", "Руководитель"),
               ("accountant", "Главный бухгалтер"))


class CompaniesDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.current: CompanyData | None = None
        self.setWindowTitle("Субъекты учёта")
        self.setMinimumSize(820, 520)
        outer = QVBoxLayout(self)
        row = QHBoxLayout()
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        self.add_button = QPushButton("&Добавить")
        self.add_button.clicked.connect(self.add)
        left.addWidget(self.list)
        left.addWidget(self.add_button)
        row.addLayout(left, 1)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for key, title in TEXT_FIELDS:
            edit = QLineEdit()
            self.edits[key] = edit
            form.addRow(title + ":", edit)
        self.tax_mode = QComboBox()
        for mode, title in TAX_MODE_TITLES.items():
            self.tax_mode.addItem(title, mode)
        self.vat_rate = QLineEdit()
        self.tax_mode.currentIndexChanged.connect(
            lambda: self.vat_rate.setEnabled(self.tax_mode.currentData() == TaxMode.VAT))
        self.payment_days = QSpinBox()
        self.payment_days.setRange(0, 365)
        self.payment_days.setSuffix(" дн.")
        self.is_default = QCheckBox("основной (по умолчанию)")
        self.is_active = QCheckBox("действует")
        form.addRow("&Налогообложение:", self.tax_mode)
        form.addRow("Ставка НДС, %:", self.vat_rate)
        form.addRow("Срок оплаты счёта:", self.payment_days)
        form.addRow("", self.is_default)
        form.addRow("", self.is_active)
        row.addLayout(form, 2)
        outer.addLayout(row)
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_text_colour(self.error, ERROR_COLOUR)
        outer.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton("&Записать")
        self.save_button.clicked.connect(self.save)
        close = QPushButton("Закрыть")
        close.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        outer.addLayout(buttons)
        allowed = context.allows(RIGHT)
        self.save_button.setEnabled(allowed)
        self.add_button.setEnabled(allowed)
        if not allowed:
            self.error.setText("Изменять субъекты учёта можно с правом «Справочники»")
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        self.companies = company_rows(self.context.base)
        self.list.blockSignals(True)
        self.list.clear()
        for company in self.companies:
            title = company.name + (" — основной" if company.is_default else "") + \
                ("" if company.is_active else " (не действует)")
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, company.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        index = next((i for i, c in enumerate(self.companies) if c.id == select_id), 0)
        if self.companies:
            self.list.setCurrentRow(index)
        self._show_current()

    def _show_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.companies):
            self.show_company(self.companies[row])

    def show_company(self, company: CompanyData) -> None:
        self.current = company
        for key, edit in self.edits.items():
            edit.setText(str(getattr(company, key) or ""))
        self.tax_mode.setCurrentIndex(self.tax_mode.findData(TaxMode(company.tax_mode)))
        self.vat_rate.setText(f"{company.vat_rate:f}".rstrip("0").rstrip(".")
                              .replace(".", ","))
        self.vat_rate.setEnabled(TaxMode(company.tax_mode) is TaxMode.VAT)
        self.payment_days.setValue(int(company.payment_days))
        self.is_default.setChecked(company.is_default)
        self.is_active.setChecked(company.is_active)
        self.error.setText("")

    def add(self) -> None:
        self.list.clearSelection()
        self.show_company(CompanyData(name="", vat_rate="22"))
        self.edits["name"].setFocus()

    def typed(self) -> CompanyData:
        values = {key: edit.text() for key, edit in self.edits.items()}
        return CompanyData(**values, tax_mode=TaxMode(self.tax_mode.currentData()),
                           vat_rate=self.vat_rate.text(),
                           payment_days=self.payment_days.value(),
                           is_default=self.is_default.isChecked(),
                           is_active=self.is_active.isChecked(),
                           id=self.current.id if self.current else None,
                           version=self.current.version if self.current else None)

    def save(self) -> bool:
        try:
            company_id = save_company(self.context.base, self.typed(), self.context.access)
        except Exception as exc:  # noqa: BLE001 - refusals reach the user as text
            self.error.setText(str(exc))
            field = getattr(exc, "field", None)
            if field in self.edits:
                self.edits[field].setFocus()
            return False
        self.reload(company_id)
        return True
