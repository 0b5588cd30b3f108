"""«Квоты КК/ОГ»: the plans of filling the КЦ quotas for a year (a table edited from the
keyboard: type over a cell, Enter, then «Записать»), the report «Скидки КЦ» on a date
(over-plan rows highlighted; «В Excel…» through the export gate) and the dialog
«Квота КЦ дистрибутива» that sets and closes a distributive's quota mark.

``open_quotas(area)`` opens the tab in the money area (one per window);
``open_quota_mark(context, parent, distributive_id)`` shows the dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.quotas import QUOTA_KIND_TITLES, QuotaKind
from vostok_desktop.gui.distributives.reports_window import ReportModel, ReportPage, _date_edit
from vostok_desktop.services.distributives.reports import ReportTable
from vostok_desktop.services.money import quotas

TAB_TITLE = "Квоты КК/ОГ"
OVER_PLAN_COLOUR = "#ffd6d6"
READ_ONLY_COLOUR = "#f2f2f2"
PLAN_COLUMNS = ("Подразделение", "Квота", "Квота КЦ, шт.", "План заполнения, %", "План, шт.")
QUOTA_COL, PERCENT_COL, PLAN_COL = 2, 3, 4


def _qdate(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def _percent_text(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _error(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or exc)


# --------------------------------------------------------------------------- plans


class PlansPage(QWidget):
    """The plans of a year: company and departments × КК / ОГ."""

    def __init__(self, context: Any, year: int) -> None:
        super().__init__()
        self.setObjectName("quota_plans")
        self.context = context
        self.rows: list[quotas.PlanRow] = []
        self._filling = False
        self.may_edit = context.allows(quotas.QUOTAS)
        self.year = QSpinBox()
        self.year.setObjectName("plans_year")
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.year.valueChanged.connect(lambda _y: self.reload())
        year_label = QLabel("&Год:")
        year_label.setBuddy(self.year)
        self.table = QTableWidget(0, len(PLAN_COLUMNS))
        self.table.setObjectName("plans_table")
        self.table.setHorizontalHeaderLabels(PLAN_COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            if self.may_edit else QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(PLAN_COLUMNS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._changed)
        self.save_button = QPushButton("&Записать")
        self.save_button.setObjectName("save_plans")
        self.save_button.clicked.connect(lambda: self.save())
        self.revert_button = QPushButton("&Отменить изменения")
        self.revert_button.setObjectName("revert_plans")
        self.revert_button.clicked.connect(lambda: self.reload())
        self.status = QLabel()
        self.status.setObjectName("plans_status")
        self.status.setWordWrap(True)
        hint = QLabel("Квота — сколько систем КЦ разрешает сопровождать на своих условиях; "
                      "план заполнения — какую долю квоты можно занять (по умолчанию "
                      "80 %). Пустая квота — плана нет.")
        hint.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(self.revert_button)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        # Ctrl+S while in the table, as in «Прейскуранты».
        save = QShortcut(QKeySequence("Ctrl+S"), self, lambda: self.save())
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.setEnabled(self.may_edit)
        self.save_button.setToolTip("Записать планы (Ctrl+S)")
        if not self.may_edit:
            self.save_button.setEnabled(False)
            self.revert_button.setEnabled(False)
            self.status.setText("Только просмотр: планы меняют с правом «Квоты КК/ОГ».")
        self.reload()

    def reload(self) -> None:
        self.rows = quotas.plans(self.context.base, self.year.value())
        self._filling = True
        try:
            self.table.setRowCount(len(self.rows))
            grey = QBrush(QColor(READ_ONLY_COLOUR))
            for r, row in enumerate(self.rows):
                values = (row.department, QUOTA_KIND_TITLES[row.kind],
                          "" if row.quota is None else str(row.quota),
                          _percent_text(row.max_percent), "")
                for c, text in enumerate(values):
                    item = QTableWidgetItem(text)
                    if c in (QUOTA_COL, PERCENT_COL, PLAN_COL):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                              | Qt.AlignmentFlag.AlignVCenter)
                    if c not in (QUOTA_COL, PERCENT_COL):
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                        item.setBackground(grey)
                    self.table.setItem(r, c, item)
                self._update_plan(r)
        finally:
            self._filling = False
        if self.table.rowCount():
            self.table.setCurrentCell(0, QUOTA_COL)
        self.dirty = False

    def _update_plan(self, r: int) -> None:
        quota, percent = (self.table.item(r, QUOTA_COL).text().strip(),
                          self.table.item(r, PERCENT_COL).text().strip())
        text = ""
        if quota:
            try:
                plan = quotas.QuotaReportRow(None, "", QuotaKind.KK, int(quota),
                                             Decimal(percent.replace(",", ".") or "80"), 0)
                text = str(plan.plan)
            except (ValueError, ArithmeticError):
                text = "?"
        self.table.item(r, PLAN_COL).setText(text)

    def _changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        self.dirty = True
        self._filling = True
        try:
            self._update_plan(item.row())
        finally:
            self._filling = False
        self.status.setText("Есть незаписанные изменения")

    def data(self) -> list[quotas.PlanData]:
        return [quotas.PlanData(row.department_id, row.kind,
                                self.table.item(r, QUOTA_COL).text(),
                                self.table.item(r, PERCENT_COL).text())
                for r, row in enumerate(self.rows)]

    def save(self) -> bool:
        if self.table.state() == QAbstractItemView.State.EditingState:
            self.table.setCurrentCell(self.table.currentRow(), self.table.currentColumn())
        try:
            changed = quotas.save_plans(self.context.base, self.year.value(), self.data(),
                                        self.context.employee_id,
                                        profile=self.context.access)
        except Exception as exc:  # noqa: BLE001 - refusals and server errors alike
            self.status.setText(f"Не записано: {_error(exc)}")
            return False
        self.reload()
        self.status.setText(f"Планы {self.year.value()} года записаны: изменено строк "
                            f"{changed}" if changed else "Изменений нет")
        bus = getattr(self.context, "bus", None)
        if bus is not None:
            bus.announce("kc_quota_plans", [])
        return True


# --------------------------------------------------------------------------- the report


class QuotaReportModel(ReportModel):
    """The report's rows; an over-plan row on a pink background."""

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.BackgroundRole and index.isValid()
                and self.table is not None
                and self.table.rows[index.row()][-1] == quotas.OVER_PLAN):
            return QBrush(QColor(OVER_PLAN_COLOUR))
        if (role == Qt.ItemDataRole.DisplayRole and index.isValid()
                and index.column() == 3 and isinstance(self._value(index), Decimal)):
            return _percent_text(self._value(index))
        return super().data(index, role)

    def _value(self, index: Any) -> Any:
        return self.table.rows[index.row()][index.column()] if self.table else None


class KcDiscountsReport(ReportPage):
    title = quotas.REPORT_TITLE
    object_name = "report_kc_discounts"

    def __init__(self, context: Any, today: date) -> None:
        super().__init__(context)
        self.model = QuotaReportModel(self)
        self.view.setModel(self.model)
        self.on_edit = _date_edit(today, "kc_on")
        label = QLabel("&На дату:")
        label.setBuddy(self.on_edit)
        self.params.addWidget(label)
        self.params.addWidget(self.on_edit)

    def job(self) -> Callable[[], ReportTable]:
        base, on = self.context.base, _qdate(self.on_edit)
        return lambda: quotas.kc_discounts_table(base, on)


class QuotasWidget(QWidget):
    """The tab «Квоты КК/ОГ»: «Планы» and «Скидки КЦ»."""

    def __init__(self, context: Any, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kc_quotas")
        self.context = context
        today = today or date.today()
        self.plans = PlansPage(context, today.year)
        self.report = KcDiscountsReport(context, today)
        self.mark_button = QPushButton("&Квота дистрибутива…")
        self.mark_button.setObjectName("open_quota_mark")
        self.mark_button.setToolTip("Поставить или закрыть квоту КК/ОГ дистрибутива "
                                    "по его номеру")
        self.mark_button.clicked.connect(lambda: self.open_mark())
        self.tabs = QTabWidget()
        self.tabs.addTab(self.plans, "План по квотам")
        self.tabs.addTab(self.report, quotas.REPORT_TITLE)
        self.tabs.currentChanged.connect(lambda _i: self._first_run())
        self.active_dialog: QuotaMarkDialog | None = None
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.mark_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tabs)

    def _first_run(self) -> None:
        if self.tabs.currentWidget() is self.report and not self.report.ran_once:
            self.report.run()

    def open_mark(self, distributive_id: int | None = None) -> QuotaMarkDialog:
        dialog = QuotaMarkDialog(self.context, self, distributive_id=distributive_id)
        self.active_dialog = dialog
        dialog.show()
        return dialog


# --------------------------------------------------------------------------- the mark


class QuotaMarkDialog(QDialog):
    """«Квота КЦ дистрибутива»: find by number, see its marks, set one or close the
    open one."""

    def __init__(self, context: Any, parent: QWidget | None = None, *,
                 distributive_id: int | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quota_mark_dialog")
        self.setWindowTitle("Квота КЦ дистрибутива")
        self.context = context
        self.today = today or date.today()
        self.info: quotas.DistributiveInfo | None = None
        self.marks: list[quotas.QuotaMarkRow] = []
        self.number = QLineEdit()
        self.number.setObjectName("mark_number")
        self.number.setPlaceholderText("номер дистрибутива")
        self.number.returnPressed.connect(lambda: self.find())
        self.find_button = QPushButton("&Найти")
        self.find_button.setAutoDefault(False)
        self.find_button.clicked.connect(lambda: self.find())
        self.about = QLabel("Введите номер дистрибутива и нажмите Enter.")
        self.about.setObjectName("mark_about")
        self.about.setWordWrap(True)
        self.history = QListWidget()
        self.history.setObjectName("mark_history")
        self.kind = QComboBox()
        self.kind.setObjectName("mark_kind")
        for kind, title in QUOTA_KIND_TITLES.items():
            self.kind.addItem(title, kind)
        self.valid_from = _date_edit(self.today, "mark_from")
        self.note = QLineEdit()
        self.note.setObjectName("mark_note")
        self.note.setMaxLength(300)
        self.set_button = QPushButton("&Поставить квоту")
        self.set_button.setObjectName("set_mark")
        self.set_button.setAutoDefault(False)
        self.set_button.clicked.connect(lambda: self.set_mark())
        self.valid_to = _date_edit(self.today, "mark_to")
        self.close_button = QPushButton("&Закрыть квоту")
        self.close_button.setObjectName("close_mark")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(lambda: self.close_mark())
        self.status = QLabel()
        self.status.setObjectName("mark_status")
        self.status.setWordWrap(True)
        done = QPushButton("Готово")
        done.setAutoDefault(False)
        done.clicked.connect(self.accept)

        find_row = QHBoxLayout()
        find_row.addWidget(self.number, 1)
        find_row.addWidget(self.find_button)
        form = QFormLayout()
        form.addRow("&Дистрибутив:", find_row)
        form.addRow("", self.about)
        form.addRow("Квоты:", self.history)
        set_row = QHBoxLayout()
        set_row.addWidget(self.kind)
        set_row.addWidget(QLabel("с"))
        set_row.addWidget(self.valid_from)
        set_row.addWidget(self.set_button)
        set_row.addStretch(1)
        form.addRow("&Вид квоты:", set_row)
        form.addRow("При&мечание:", self.note)
        close_row = QHBoxLayout()
        close_row.addWidget(self.valid_to)
        close_row.addWidget(self.close_button)
        close_row.addStretch(1)
        form.addRow("Последний &день:", close_row)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if label is not None and isinstance(label.widget(), QLabel):
                field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
                widget = field.widget() if field is not None else None
                if widget is None and field is not None and field.layout() is not None:
                    widget = field.layout().itemAt(0).widget()
                if widget is not None:
                    label.widget().setBuddy(widget)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(bottom)
        self.resize(560, 380)
        self.may_mark = context.allows(quotas.MARKS)
        if distributive_id is not None:
            self._load_by_id(distributive_id)
        self._enable()

    def _enable(self) -> None:
        found = self.info is not None
        is_open = any(m.valid_to is None for m in self.marks)
        served = found and self.info.status.value == "served"  # type: ignore[union-attr]
        self.set_button.setEnabled(self.may_mark and served and not is_open)
        self.close_button.setEnabled(self.may_mark and is_open)
        if not self.may_mark:
            self.status.setText("Квоты ставят с правом «Движение дистрибутивов».")

    def _load_by_id(self, distributive_id: int) -> None:
        from vostok_desktop.domain.distributives import Distributive

        with self.context.base.sessions() as s:
            number = s.get(Distributive, distributive_id)
            number = number.number if number is not None else ""
        self.number.setText(number)
        self.find()

    def find(self) -> bool:
        self.info = quotas.find_distributive(self.context.base, self.number.text())
        self.marks = []
        self.history.clear()
        if self.info is None:
            self.about.setText(f"Дистрибутив № {self.number.text().strip()} не найден"
                               if self.number.text().strip() else "Введите номер.")
        else:
            from vostok_desktop.domain.distributives import DISTRIBUTIVE_STATUS_TITLES

            where = f", клиент «{self.info.client_name}»" if self.info.client_name else ""
            self.about.setText(f"№ {self.info.number}: "
                               f"{DISTRIBUTIVE_STATUS_TITLES[self.info.status].lower()}{where}")
            self._fill_history()
        self._enable()
        return self.info is not None

    def _fill_history(self) -> None:
        assert self.info is not None
        self.marks = quotas.distributive_marks(self.context.base, self.info.id)
        self.history.clear()
        for m in self.marks:
            note = f" — {m.note}" if m.note else ""
            who = f" ({m.author})" if m.author else ""
            self.history.addItem(f"{QUOTA_KIND_TITLES[m.kind]} {m.period_text}{note}{who}")
        if not self.marks:
            self.history.addItem("квот КЦ не было")

    def set_mark(self) -> bool:
        if self.info is None:
            self.status.setText("Сначала найдите дистрибутив")
            return False
        try:
            quotas.set_mark(self.context.base, self.info.id, self.kind.currentData(),
                            _qdate(self.valid_from), self.context.employee_id,
                            note=self.note.text(), profile=self.context.access)
        except Exception as exc:  # noqa: BLE001
            self.status.setText(f"Не записано: {_error(exc)}")
            return False
        self.status.setText(f"Квота {self.kind.currentText()} поставлена")
        self.note.clear()
        self._fill_history()
        self._enable()
        return True

    def close_mark(self) -> bool:
        open_marks = [m for m in self.marks if m.valid_to is None]
        if not open_marks:
            self.status.setText("Открытой квоты нет")
            return False
        try:
            quotas.close_mark(self.context.base, open_marks[0].id, _qdate(self.valid_to),
                              self.context.employee_id, profile=self.context.access)
        except Exception as exc:  # noqa: BLE001
            self.status.setText(f"Не записано: {_error(exc)}")
            return False
        self.status.setText(f"Квота закрыта по {_qdate(self.valid_to):%d.%m.%Y}")
        self._fill_history()
        self._enable()
        return True


# --------------------------------------------------------------------------- entry points


def open_quotas(area: Any) -> QWidget:
    """The tab «Квоты КК/ОГ» in the money area (``MoneyArea``), one per window."""
    return area._tab("quotas", TAB_TITLE, lambda: QuotasWidget(area.context))  # noqa: SLF001


def open_quota_mark(context: Any, parent: QWidget | None = None,
                    distributive_id: int | None = None) -> QuotaMarkDialog:
    """The dialog «Квота КЦ дистрибутива», for that distributive if given."""
    dialog = QuotaMarkDialog(context, parent, distributive_id=distributive_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


__all__ = ["KcDiscountsReport", "PlansPage", "QuotaMarkDialog", "QuotasWidget",
           "open_quota_mark", "open_quotas"]
