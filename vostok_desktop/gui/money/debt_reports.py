"""«Отчёты по деньгам»: «Оперативная задолженность по клиентам» (on a date, by ageing
bucket, per direction), «Поступление денег» for a period and «Анализ платежной
культуры». One tab each; «Сформировать» (the window's F5) builds on a worker, «В Excel…» (Ctrl+E)
goes through the export gate (right export.excel and the export log) — the report pages
of the distributives reports window, reused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QComboBox, QTabWidget, QVBoxLayout, QWidget

from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.distributives.reports_window import ReportPage, _date_edit, _label
from vostok_desktop.services.distributives.reports import ReportTable
from vostok_desktop.services.money import debt


def _qdate(edit) -> date:  # noqa: ANN001
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class DebtReport(ReportPage):
    title = "Оперативная задолженность по клиентам"
    object_name = "report_debt"

    def __init__(self, context: AppContext, today: date) -> None:
        super().__init__(context)
        self.on_edit = _date_edit(today, "debt_on")
        self.direction_box = QComboBox()
        self.direction_box.setObjectName("debt_direction")
        self.direction_box.addItem("Все направления", None)
        for direction_id, name in debt.directions(context.base):
            self.direction_box.addItem(name, direction_id)
        self.overdue_box = QCheckBox("Только с просрочкой")
        self.overdue_box.setObjectName("debt_overdue_only")
        self.params.addWidget(_label("&На дату:", self.on_edit))
        self.params.addWidget(self.on_edit)
        self.params.addWidget(_label("На&правление:", self.direction_box))
        self.params.addWidget(self.direction_box)
        self.params.addWidget(self.overdue_box)

    def job(self) -> Callable[[], ReportTable]:
        base, on = self.context.base, _qdate(self.on_edit)
        direction, overdue = self.direction_box.currentData(), self.overdue_box.isChecked()
        return lambda: debt.debt_table(base, on, direction_id=direction, overdue_only=overdue)


class _PeriodReport(ReportPage):
    def __init__(self, context: AppContext, today: date, days: int) -> None:
        super().__init__(context)
        self.start_edit = _date_edit(today - timedelta(days=days), f"{self.object_name}_start")
        self.end_edit = _date_edit(today, f"{self.object_name}_end")
        self.params.addWidget(_label("&С:", self.start_edit))
        self.params.addWidget(self.start_edit)
        self.params.addWidget(_label("&по:", self.end_edit))
        self.params.addWidget(self.end_edit)

    def period(self) -> tuple[date, date]:
        start, end = _qdate(self.start_edit), _qdate(self.end_edit)
        if start > end:
            raise ValueError("начало периода позже его конца")
        return start, end


class ReceiptsReport(_PeriodReport):
    title = "Поступление денег"
    object_name = "report_receipts"

    def __init__(self, context: AppContext, today: date) -> None:
        super().__init__(context, today, 30)

    def job(self) -> Callable[[], ReportTable]:
        start, end = self.period()
        base = self.context.base
        return lambda: debt.receipts_table(base, start, end)


class CultureReport(_PeriodReport):
    title = "Анализ платежной культуры"
    object_name = "report_culture"

    def __init__(self, context: AppContext, today: date) -> None:
        super().__init__(context, today, 365)
        self.today = today

    def job(self) -> Callable[[], ReportTable]:
        start, end = self.period()
        base, today = self.context.base, self.today
        return lambda: debt.culture_table(base, start, end, today)


class MoneyReportsWidget(QWidget):
    """The money reports, a tab each; a tab builds the first time it is shown."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("money_reports")
        self.context = context
        today = today or date.today()
        self.tabs = QTabWidget()
        self.pages: list[ReportPage] = [DebtReport(context, today),
                                        ReceiptsReport(context, today),
                                        CultureReport(context, today)]
        for page in self.pages:
            self.tabs.addTab(page, page.title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Ctrl+E"), self, lambda: self.current_page().export(),
                  context=scope)
        self.tabs.currentChanged.connect(lambda _i: self._first_run())

    def refresh(self) -> None:
        """«Сформировать» the report in front: the window's F5 («Перечитать») lands here
        (a shortcut of our own on F5 was ambiguous with it and did nothing)."""
        self.current_page().run()

    def current_page(self) -> ReportPage:
        return self.tabs.currentWidget()  # type: ignore[return-value]

    def _first_run(self) -> None:
        page = self.current_page()
        if not page.ran_once and self.isVisible():
            page.run()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        self._first_run()


__all__ = ["CultureReport", "DebtReport", "MoneyReportsWidget", "ReceiptsReport"]
