"""Small dialogs of the distributives area: a movement (подключение, отключение, передача
прав, замена, пополнение комплекта, резерв, выдача на ознакомление, возврат на склад),
the terms of a distributive, a kit, a receipt (оприходование) and a catalogue system.

Each dialog calls its service on «ОК»; a refusal (MovementRefused, AccessDenied, a lost
race) shows in red under the fields and the dialog stays open with everything typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.distributives import SYSTEM_KIND_TITLES, SystemKind
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.cards.widgets import ERROR_COLOUR, HINT_COLOUR, set_text_colour
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.cards.common import CardConflict
from vostok_desktop.services.distributives.gui_queries import Choice

REFUSALS = (ValidationError, AccessDenied, CardConflict)


def refusal_text(exc: Exception) -> str:
    return getattr(exc, "message", None) or str(exc)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(value: date, name: str) -> QDateEdit:
    edit = QDateEdit(to_qdate(value))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


def fill_choices(combo: QComboBox, choices: Sequence[Choice], none_title: str | None = None,
                 current: int | None = None) -> None:
    combo.blockSignals(True)
    combo.clear()
    if none_title is not None:
        combo.addItem(none_title, None)
    for choice in choices:
        combo.addItem(choice.title, choice.id)
    index = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


class RefusableDialog(QDialog):
    """OK runs ``submit``; a refusal is shown and the dialog stays open."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.submit: Callable[[], Any] | None = None
        self.result_value: Any = None
        self.layout_ = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setObjectName("header")
        self.header.setWordWrap(True)
        self.layout_.addWidget(self.header)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        set_text_colour(self.message, ERROR_COLOUR)
        self.message.hide()
        self.layout_.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    def add_row(self, text: str, widget: QWidget | Any) -> None:
        if isinstance(widget, QComboBox):
            # Long titles (systems, clients) must not widen the dialog past the screen.
            widget.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(30)
        label = QLabel(text)
        if isinstance(widget, QWidget):
            label.setBuddy(widget)
        self.form.addRow(label, widget)

    def show_refusal(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def try_accept(self) -> bool:
        """Run the write; True when it was done (the dialog closes)."""
        if self.submit is None:
            self.accept()
            return True
        try:
            self.result_value = self.submit()
        except REFUSALS as exc:
            self.show_refusal(refusal_text(exc))
            return False
        self.accept()
        return True


class _SearchEdit(QLineEdit):
    """Enter searches and stops there: it never presses the dialog's «ОК»."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class ClientPicker(QWidget):
    """A client chosen by the client list's quick search: type, Enter, pick.
    ``changed`` follows the chosen client (after a search too)."""

    changed = Signal()

    def __init__(self, find: Callable[[str], list[Choice]], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self._find = find
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        column.addLayout(row)
        self.edit = _SearchEdit()
        self.edit.setObjectName("client_search")
        self.edit.setPlaceholderText("Название, ИНН или телефон, затем Enter")
        self.button = QPushButton("Найти")
        self.combo = QComboBox()
        self.combo.setObjectName("client_choice")
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(28)
        self.combo.addItem("— найдите клиента —", None)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        column.addWidget(self.combo)
        self.edit.returnPressed.connect(self.search)
        self.button.clicked.connect(self.search)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.setFocusProxy(self.edit)

    def search(self) -> None:
        found = self._find(self.edit.text())
        fill_choices(self.combo, found)
        if not found:
            self.combo.addItem("— не найдено —", None)
        else:
            self.combo.setFocus()
        self.changed.emit()

    def client_id(self) -> int | None:
        return self.combo.currentData()

    def set_client(self, client_id: int, title: str) -> None:
        fill_choices(self.combo, [Choice(client_id, title)])
        self.changed.emit()


class MovementDialog(RefusableDialog):
    """One movement of one distributive; ``fields`` says which of the inputs it shows:
    ``client``, ``kit``, ``stock`` (a warehouse distributive), ``engineer``, ``employee``
    (reserved for), ``demo_until``; the date and the note are always there."""

    def __init__(self, title: str, header: str, fields: set[str], *,
                 today: date, last_moved_on: date | None = None,
                 kits: Callable[[int | None], list[Choice]] | None = None,
                 kit_client: int | None = None, current_kit: int | None = None,
                 find_clients: Callable[[str], list[Choice]] | None = None,
                 stock: Sequence[Choice] = (), employees: Sequence[Choice] = (),
                 engineer_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.header.setText(header)
        self.fields = fields
        self._kits = kits
        self.date = date_edit(today, "moved_on")
        self.date.setMaximumDate(to_qdate(today))
        if last_moved_on is not None:
            self.date.setMinimumDate(to_qdate(min(last_moved_on, today)))
        self.add_row("&Дата:", self.date)
        self.client = ClientPicker(find_clients or (lambda _t: []))
        if "client" in fields:
            self.add_row("&Клиент:", self.client)
            self.client.changed.connect(self._client_changed)
        self.stock = QComboBox()
        self.stock.setObjectName("stock_choice")
        if "stock" in fields:
            fill_choices(self.stock, stock)
            self.add_row("Дистрибутив со &склада:", self.stock)
        self.kit = QComboBox()
        self.kit.setObjectName("kit_choice")
        if "kit" in fields:
            self.add_row("К&омплект:", self.kit)
            self._fill_kits(kit_client, current_kit)
        self.engineer = QComboBox()
        self.engineer.setObjectName("engineer_choice")
        if "engineer" in fields:
            fill_choices(self.engineer, employees, "— прежний / не назначен —", engineer_id)
            self.add_row("Сервисный &инженер:", self.engineer)
        self.employee = QComboBox()
        self.employee.setObjectName("employee_choice")
        if "employee" in fields:
            fill_choices(self.employee, employees, "— нет —")
            self.add_row("За &сотрудником:", self.employee)
        self.demo_until = date_edit(today + timedelta(days=14), "demo_until")
        if "demo_until" in fields:
            self.add_row("&Вернуть до:", self.demo_until)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.add_row("&Примечание:", self.note)
        first = self.client if "client" in fields else self.date
        first.setFocus()

    def _fill_kits(self, client_id: int | None, current: int | None = None) -> None:
        choices = self._kits(client_id) if self._kits is not None and client_id else []
        fill_choices(self.kit, choices, "— без комплекта —", current)

    def _client_changed(self) -> None:
        if "kit" in self.fields:
            self._fill_kits(self.client.client_id())

    # -- values ---------------------------------------------------------------------
    def moved_on(self) -> date:
        return from_qdate(self.date.date())

    def client_id(self) -> int | None:
        return self.client.client_id()

    def kit_id(self) -> int | None:
        return self.kit.currentData()

    def stock_id(self) -> int | None:
        return self.stock.currentData()

    def engineer_id(self) -> int | None:
        return self.engineer.currentData()

    def employee_id(self) -> int | None:
        return self.employee.currentData()

    def demo_due(self) -> date:
        return from_qdate(self.demo_until.date())

    def note_text(self) -> str:
        return self.note.text()


class TermsDialog(RefusableDialog):
    """«Условия»: service engineer, series, network size; the dated prices and discounts
    open from «Цены и скидки по датам…» (their own dialog, right «Скидки и VIP-программы»)."""

    def __init__(self, number: str, terms: Any, employees: Sequence[Choice],
                 at_client: bool, parent: QWidget | None = None) -> None:
        super().__init__(f"Условия: дистрибутив № {number}", parent)
        self.header.setText(f"Дистрибутив № {number}.")
        self.engineer = QComboBox()
        self.engineer.setObjectName("engineer_choice")
        fill_choices(self.engineer, employees, "— не назначен —", terms.engineer_id)
        self.engineer.setEnabled(at_client)
        self.add_row("Сервисный &инженер:", self.engineer)
        self.money_button = QPushButton("Цены и скидки по &датам…")
        self.money_button.setObjectName("money_terms")
        self.money_button.setEnabled(at_client)
        if not at_client:
            self.money_button.setToolTip("Цены и скидки задают дистрибутиву у клиента")
        self.add_row("Цена, скидка:", self.money_button)
        self.series = QLineEdit(terms.series)
        self.add_row("С&ерия:", self.series)
        self.network = QSpinBox()
        self.network.setObjectName("network_size")
        self.network.setRange(0, 100_000)
        self.network.setValue(terms.network_size)
        self.add_row("&Размер сети:", self.network)
        self.notes = QPlainTextEdit(terms.notes)
        self.notes.setMaximumHeight(70)
        self.add_row("&Примечание:", self.notes)

    def terms(self) -> Any:
        from vostok_desktop.services.distributives.terms import Terms

        return Terms(self.engineer.currentData(), None, None, self.series.text(),
                     self.network.value(), self.notes.toPlainText())


class KitDialog(RefusableDialog):
    """A kit: title, division, address, the ЗВЭ flag (needs «ЗВЭ/КЦ файлы»)."""

    def __init__(self, kit: Any, divisions: Sequence[Choice], may_switch_expert: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__("Новый комплект" if kit.id is None else f"Комплект «{kit.title}»",
                         parent)
        self.kit = kit
        self.header.setText("Комплект — дистрибутивы на одной площадке клиента.")
        self.title_edit = QLineEdit(kit.title)
        self.title_edit.setObjectName("kit_title")
        self.add_row("&Название:", self.title_edit)
        self.division = QComboBox()
        fill_choices(self.division, divisions, "— нет —", kit.division_id)
        self.add_row("&Подразделение:", self.division)
        self.address = QLineEdit(kit.address)
        self.add_row("&Адрес:", self.address)
        self.ask_expert = QCheckBox("«Задать вопрос эксперту» (ЗВЭ)")
        self.ask_expert.setObjectName("kit_ask_expert")
        self.ask_expert.setChecked(kit.ask_expert)
        self.ask_expert.setEnabled(may_switch_expert)
        if not may_switch_expert:
            self.ask_expert.setToolTip("Нужно право «ЗВЭ/КЦ файлы»")
        self.add_row("", self.ask_expert)
        self.notes = QPlainTextEdit(kit.notes)
        self.notes.setMaximumHeight(60)
        self.add_row("П&римечание:", self.notes)

    def data(self) -> Any:
        import dataclasses

        return dataclasses.replace(self.kit, title=self.title_edit.text(),
                                   division_id=self.division.currentData(),
                                   address=self.address.text(),
                                   ask_expert=self.ask_expert.isChecked(),
                                   notes=self.notes.toPlainText())


class ReceiptDialog(RefusableDialog):
    """Оприходование: several numbers at once, their system, type, series, network size."""

    def __init__(self, systems: Sequence[Any], today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__("Оприходование дистрибутивов", parent)
        self.systems = list(systems)
        self.header.setText("Номера — по одному в строке (или через запятую). Тип, серия и "
                            "размер сети по умолчанию — как у системы.")
        self.numbers = QPlainTextEdit()
        self.numbers.setObjectName("numbers")
        self.numbers.setPlaceholderText("100200\n100201\n100202")
        self.numbers.setTabChangesFocus(True)
        self.add_row("&Номера:", self.numbers)
        self.system = QComboBox()
        self.system.setObjectName("system_choice")
        for system in self.systems:
            self.system.addItem(f"{system.code} — {system.title}", system.id)
        self.system.currentIndexChanged.connect(lambda _i: self._system_changed())
        self.add_row("&Система:", self.system)
        self.kind = QComboBox()
        self.kind.setObjectName("kind_choice")
        for kind, title in SYSTEM_KIND_TITLES.items():
            self.kind.addItem(title, kind.value)
        self.add_row("&Тип:", self.kind)
        self.series = QLineEdit()
        self.series.setObjectName("series")
        self.add_row("С&ерия:", self.series)
        self.network = QSpinBox()
        self.network.setObjectName("network_size")
        self.network.setRange(0, 100_000)
        self.add_row("&Размер сети:", self.network)
        self.date = date_edit(today, "received_on")
        self.date.setMaximumDate(to_qdate(today))
        self.add_row("&Дата:", self.date)
        self.note = QLineEdit()
        self.add_row("&Примечание:", self.note)
        self.count_label = QLabel()
        set_text_colour(self.count_label, HINT_COLOUR)
        self.layout_.insertWidget(2, self.count_label)
        self.numbers.textChanged.connect(self._count)
        self._system_changed()
        self._count()

    def _system_changed(self) -> None:
        index = self.system.currentIndex()
        if 0 <= index < len(self.systems):
            system = self.systems[index]
            self.kind.setCurrentIndex(max(0, self.kind.findData(SystemKind(system.kind).value)))
            self.series.setText(system.series)
            self.network.setValue(system.network_size)

    def number_list(self) -> list[str]:
        text = self.numbers.toPlainText().replace(",", "\n").replace(";", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _count(self) -> None:
        self.count_label.setText(f"Номеров: {len(self.number_list())}")

    def lines(self) -> list[Any]:
        from vostok_desktop.services.distributives.warehouse import ReceiptLine

        system_id = self.system.currentData()
        return [ReceiptLine(n, system_id, SystemKind(self.kind.currentData()),
                            self.series.text(), self.network.value())
                for n in self.number_list()]

    def received_on(self) -> date:
        return from_qdate(self.date.date())


class SystemDialog(RefusableDialog):
    """A system of the catalogue."""

    def __init__(self, data: Any, parent: QWidget | None = None) -> None:
        super().__init__("Новая система" if data.id is None else f"Система «{data.code}»",
                         parent)
        self.data_ = data
        self.header.setText("Система КонсультантПлюс: её обычные тип, серия и размер сети "
                            "подставляются при оприходовании.")
        self.code = QLineEdit(data.code)
        self.code.setObjectName("code")
        self.add_row("&Код:", self.code)
        self.title = QLineEdit(data.title)
        self.title.setObjectName("title")
        self.add_row("&Название:", self.title)
        self.kind = QComboBox()
        for kind, title in SYSTEM_KIND_TITLES.items():
            self.kind.addItem(title, kind.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(SystemKind(data.kind).value)))
        self.add_row("&Тип:", self.kind)
        self.series = QLineEdit(data.series)
        self.add_row("С&ерия:", self.series)
        self.network = QSpinBox()
        self.network.setObjectName("network_size")
        self.network.setRange(0, 100_000)
        self.network.setValue(data.network_size)
        self.add_row("&Размер сети:", self.network)
        self.active = QCheckBox("&Действует (продаётся)")
        self.active.setChecked(data.is_active)
        self.add_row("", self.active)
        self.notes = QPlainTextEdit(data.notes)
        self.notes.setMaximumHeight(60)
        self.add_row("П&римечание:", self.notes)

    def system(self) -> Any:
        import dataclasses

        return dataclasses.replace(self.data_, code=self.code.text(), title=self.title.text(),
                                   kind=SystemKind(self.kind.currentData()),
                                   series=self.series.text(), network_size=self.network.value(),
                                   is_active=self.active.isChecked(),
                                   notes=self.notes.toPlainText())


__all__ = ["REFUSALS", "ClientPicker", "KitDialog", "MovementDialog", "ReceiptDialog",
           "RefusableDialog", "SystemDialog", "TermsDialog", "date_edit", "fill_choices",
           "from_qdate", "refusal_text", "to_qdate"]
