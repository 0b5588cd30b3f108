"""The report tab «Новая схема сервиса» (``report.service_scheme``): every personal manager
with their clients × the indicators of the set «НСС» for a month (quarter, year), the
«нужен контакт» mark with its reasons, and per manager how many clients need a contact
and their open / overdue assignments. Counted on a worker (services.kpi.nss); Enter on a
client opens its card; «В Excel…» goes through the export gate like every report."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.kpi import PeriodKind
from vostok_desktop.gui.kpi.common import fit_text_column
from vostok_desktop.gui.kpi.nss_monitor import (
    _GROUPING,
    CLIENT_ROLE,
    HINT_BRUSH,
    HINT_TEXT,
    KIND_TITLES,
    recent_periods,
)
from vostok_desktop.services.kpi import nss
from vostok_desktop.services.kpi.plans import format_value
from vostok_desktop.services.reports.periods import period_label

TITLE = nss.SCHEME_TITLE
ACTION = "report.service_scheme"


class ServiceSchemeTab(QWidget):
    """The report; ``catalogue`` is the pivot engine's report catalogue."""

    def __init__(self, context: Any, catalogue: Any, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("service_scheme")
        self.context, self.catalogue = context, catalogue
        self.today = today or date.today()
        self.scheme: nss.ServiceScheme | None = None
        self.operation: Any = None

        self.kind = QComboBox()
        self.kind.setObjectName("period_kind")
        for kind, text in KIND_TITLES.items():
            self.kind.addItem(text, kind)
        self.period = QComboBox()
        self.period.setObjectName("period")
        self.period.setMinimumContentsLength(14)
        self._fill_periods()
        self.needing_only = QCheckBox("Только «нужен &контакт»")
        self.needing_only.setObjectName("needing_only")
        self.refresh_button = QPushButton("С&формировать")
        self.refresh_button.setObjectName("run_report")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.setToolTip("Пересчитать показатели (F5)")
        self.excel_button = QPushButton("В &Excel…")
        self.excel_button.setObjectName("export_report")
        self.excel_button.setEnabled(False)

        top = QHBoxLayout()
        label = QLabel("П&ериод:")
        label.setBuddy(self.kind)
        for widget in (label, self.kind, self.period, self.needing_only,
                       self.refresh_button):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.excel_button)

        self.title = QLabel(f"<b>{TITLE}</b>")
        self.summary = QLabel("")
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.model = QStandardItemModel(0, 0, self)
        self.table = QTableView()
        self.table.setObjectName("scheme_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.activated.connect(self._open_client)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self.kind.currentIndexChanged.connect(lambda _i: (self._fill_periods(), self.refresh()))
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.needing_only.toggled.connect(lambda _c: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.excel_button.clicked.connect(lambda _c=False: self.export_excel())
        self.setFocusProxy(self.table)

    def _fill_periods(self) -> None:
        kind = self.kind.currentData() or PeriodKind.MONTH
        self.period.blockSignals(True)
        self.period.clear()
        for start in recent_periods(kind, self.today):
            self.period.addItem(period_label(start, _GROUPING[kind]), start)
        self.period.blockSignals(False)

    # -- the numbers -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Count the report on a worker; the table fills when it is done."""
        from vostok_desktop.gui.operations import BackgroundOperation

        start = self.period.currentData()
        if start is None:
            return
        if self.operation is not None:
            self.operation.cancel()
        base, catalogue, kind = self.context.base, self.catalogue, self.kind.currentData()
        only = self.needing_only.isChecked()
        self.summary.setText("Считаются показатели…")
        self.refresh_button.setEnabled(False)
        operation = BackgroundOperation(
            lambda state: nss.service_scheme(base, catalogue, start, kind=kind,
                                             needing_contact_only=only), self)
        operation.finished.connect(lambda result, op=operation: self._shown(op, result))
        operation.failed.connect(lambda message, op=operation: self._failed(op, message))
        operation.cancelled.connect(lambda op=operation: self._done(op))
        self.operation = operation
        operation.start()

    def _done(self, operation: Any) -> bool:
        if operation is not self.operation:
            return False
        self.operation = None
        self.refresh_button.setEnabled(True)
        return True

    def _failed(self, operation: Any, message: str) -> None:
        if self._done(operation):
            self.scheme = None
            self.model.clear()
            self.excel_button.setEnabled(False)
            self.summary.setText(f"Отчёт не сформирован: {message}")

    def _shown(self, operation: Any, scheme: nss.ServiceScheme) -> None:
        if not self._done(operation):
            return
        self.scheme = scheme
        items = scheme.items
        headers = ["Менеджер / клиент", *[f"{i.title}, {i.unit}" if i.unit else i.title
                                          for i in items], "Подсказка", "Причины"]
        self.model.clear()
        self.model.setHorizontalHeaderLabels(headers)
        bold = QFont()
        bold.setBold(True)
        for m in scheme.managers:
            head = [QStandardItem(m.manager_name), *[QStandardItem("") for _ in items],
                    QStandardItem(f"нужен контакт — {m.needing_contact} из {m.clients}"),
                    QStandardItem(m.load_text.capitalize())]
            for cell in head:
                cell.setFont(bold)
            self.model.appendRow(head)
            for row in m.rows:
                cells = [QStandardItem("    " + row.client_name)]
                cells[0].setData(row.client_id, CLIENT_ROLE)
                past = {r.code for r in row.reasons}
                for item in items:
                    cell = QStandardItem(format_value(row.facts.get(item.code)))
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                    if item.code in past:
                        cell.setForeground(HINT_TEXT)
                    cells.append(cell)
                hint = QStandardItem(row.hint)
                if row.needs_contact:
                    hint.setBackground(HINT_BRUSH)
                    hint.setForeground(HINT_TEXT)
                reasons = QStandardItem(row.reasons_text)
                reasons.setToolTip(row.reasons_text)
                self.model.appendRow([*cells, hint, reasons])
        fit_text_column(self.table, len(headers) - 1)
        managers = len(scheme.managers)
        self.summary.setText(
            f"{scheme.period_title}, набор «{scheme.set.title}»: менеджеров {managers}, "
            f"клиентов {scheme.clients}, нужен контакт — {scheme.needing_contact}"
            if managers else "Нет сотрудников, ответственных за клиентов")
        if scheme.problems:
            self.summary.setText(self.summary.text() + ". Без значений: " + "; ".join(
                f"{c} ({why})" for c, why in scheme.problems.items()))
        self.excel_button.setEnabled(managers > 0)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.model.rowCount():
            fit_text_column(self.table, self.model.columnCount() - 1)

    def _open_client(self, index: QModelIndex) -> None:
        client_id = self.model.index(index.row(), 0).data(CLIENT_ROLE)
        if client_id is not None:
            self.context.cards.open("client", client_id)

    # -- export -------------------------------------------------------------------------------
    def export_excel(self, path: str | None = None) -> bool:
        """The report as .xlsx, recorded in the export log (refused without the right)."""
        if self.scheme is None or not self.scheme.managers:
            self.status.setText("Сначала сформируйте отчёт.")
            return False
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Выгрузить в Excel", f"{TITLE}.xlsx",
                                                  "Книга Excel (*.xlsx)")
            if not path:
                return False
        from vostok_desktop.gui.export_gate import pass_export_gate
        from vostok_desktop.services.distributives.reports import write_xlsx

        table = nss.scheme_table(self.scheme)
        refused = pass_export_gate(self.context, "excel", f"Отчёт «{TITLE}»", len(table.rows))
        if refused:
            self.status.setText(f"Не выгружено: {refused}")
            return False
        try:
            written = write_xlsx(table, path)
        except (OSError, ValueError) as exc:
            self.status.setText(f"Не выгружено: {exc}")
            return False
        self.status.setText(f"Отчёт выгружен: {written}")
        return True


def open_scheme(window: Any) -> ServiceSchemeTab:
    """The tab (the open one is brought to the front)."""
    from vostok_desktop.gui.kpi.nss_monitor import catalogue_of

    tabs = getattr(window, "tabs", None)
    current = getattr(window, "service_scheme", None)
    if current is not None and tabs is not None and tabs.indexOf(current) >= 0:
        tabs.setCurrentWidget(current)
        return current
    tab = ServiceSchemeTab(window.context, catalogue_of(window))
    window.service_scheme = tab
    tab.destroyed.connect(lambda _o=None: setattr(window, "service_scheme", None))
    window.context.cards.add_document(tab, TITLE)
    tab.refresh()
    tab.table.setFocus()
    return tab


__all__ = ["ACTION", "TITLE", "ServiceSchemeTab", "open_scheme"]
