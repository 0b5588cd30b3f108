"""The tab «Мониторинг НСС»: a personal manager's clients × the indicators of the set «НСС»
for a month (quarter, year), the «нужен контакт» hint highlighted with its reasons.

The manager is the user (a head or an administrator may choose another); the numbers are
counted on a worker. Enter opens the client's card; «Запланировать контакт» (Insert by
default, the action ``kpi.nss_plan_contact``) gives the manager an assignment about the
client due the next working day, and says so under the table. The same widget is the
employee card's page «Мониторинг НСС» (:class:`EmployeeNssPage`), fixed to that
employee."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.kpi import PeriodKind
from vostok_desktop.gui.kpi.common import error_text, fit_text_column
from vostok_desktop.services.kpi import nss
from vostok_desktop.services.kpi.plans import format_value
from vostok_desktop.services.reports.periods import PeriodGrouping, bucket_start, period_label

TITLE = "Мониторинг НСС"
SCOPE = "nss_monitor"
PLAN_ACTION = "kpi.nss_plan_contact"
PLAN_TITLE = "Запланировать контакт"
KIND_TITLES = {PeriodKind.MONTH: "Месяц", PeriodKind.QUARTER: "Квартал", PeriodKind.YEAR: "Год"}
_GROUPING = {PeriodKind.MONTH: PeriodGrouping.MONTH, PeriodKind.QUARTER: PeriodGrouping.QUARTER,
             PeriodKind.YEAR: PeriodGrouping.YEAR}
PERIODS_BACK = 12
CLIENT_ROLE = Qt.ItemDataRole.UserRole + 1
HINT_BRUSH = QBrush(QColor("#fde2e1"))
HINT_TEXT = QBrush(QColor("#a11d1d"))
PLANNED = "контакт запланирован"
CHOOSERS = ("head", "admin")  # roles that may look at another manager's clients


def recent_periods(kind: PeriodKind, today: date, count: int = PERIODS_BACK) -> list[date]:
    """The current period and the ones before it, newest first."""
    grouping, out = _GROUPING[kind], []
    current = bucket_start(today, grouping)
    step = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    for _ in range(count):
        out.append(current)
        month = current.month - 1 - step
        current = date(current.year + month // 12, month % 12 + 1, 1)
    return out


def _managers(base: Any) -> list[tuple[int, str]]:
    from sqlalchemy import select

    from vostok_desktop.domain import Employee

    with base.sessions() as s:
        return [(i, n) for i, n in s.execute(
            select(Employee.id, Employee.full_name).where(Employee.is_active.is_(True))
            .order_by(Employee.full_name, Employee.id))]


class NssMonitorTab(QWidget):
    """The monitor; ``catalogue`` is the pivot engine's report catalogue; with
    ``manager_id`` it shows that employee only (the card's page)."""

    def __init__(self, context: Any, catalogue: Any, parent: QWidget | None = None, *,
                 today: date | None = None, manager_id: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nss_monitor")
        self.context, self.catalogue = context, catalogue
        self.today = today or date.today()
        self.monitor: nss.NssMonitor | None = None
        self.operation: Any = None
        self.planned: dict[int, int] = {}  # client id -> assignment id, this session

        role = getattr(getattr(context, "access", None), "role", None)
        self.may_choose = bool(getattr(context, "is_admin", False)) or role in CHOOSERS
        self.manager = QComboBox()
        self.manager.setObjectName("manager")
        me = getattr(context, "employee_id", None)
        fixed = manager_id is not None
        for employee_id, name in ([] if fixed else _managers(context.base)):
            if self.may_choose or employee_id == me:
                self.manager.addItem(name, employee_id)
        if me is not None and self.manager.findData(me) >= 0:
            self.manager.setCurrentIndex(self.manager.findData(me))
        self.manager.setEnabled(self.may_choose and self.manager.count() > 1 and not fixed)
        self.manager.setToolTip("Выбрать другого менеджера может руководитель"
                                if not self.may_choose else "Чьих клиентов показать")
        self.kind = QComboBox()
        self.kind.setObjectName("period_kind")
        for kind, text in KIND_TITLES.items():
            self.kind.addItem(text, kind)
        self.period = QComboBox()
        self.period.setObjectName("period")
        self._fill_periods()
        self.refresh_button = QPushButton("Обновить")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.setToolTip("Пересчитать показатели (F5)")
        self.plan_button = QPushButton(PLAN_TITLE)
        self.plan_button.setObjectName("plan_contact")

        top = QHBoxLayout()
        for text, widget in (("&Менеджер:", self.manager), ("П&ериод:", self.kind),
                             (None, self.period)):
            if text:
                label = QLabel(text)
                label.setBuddy(widget)
                top.addWidget(label)
            top.addWidget(widget)
        self.manager.setMinimumContentsLength(22)
        self.period.setMinimumContentsLength(14)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.plan_button)

        self.summary = QLabel("")
        self.summary.setObjectName("summary")
        self.model = QStandardItemModel(0, 0, self)
        self.table = QTableView()
        self.table.setObjectName("nss_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(False)
        self.table.setWordWrap(True)  # long «Причины» wrap instead of being cut
        self.table.activated.connect(self._open_client)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self.manager.currentIndexChanged.connect(lambda _i: self.refresh())
        self.kind.currentIndexChanged.connect(lambda _i: (self._fill_periods(), self.refresh()))
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.plan_button.clicked.connect(self.plan_contact)
        self.setFocusProxy(self.table)

    # -- the numbers -------------------------------------------------------------------------
    def _fill_periods(self) -> None:
        kind = self.kind.currentData() or PeriodKind.MONTH
        self.period.blockSignals(True)
        self.period.clear()
        for start in recent_periods(kind, self.today):
            self.period.addItem(period_label(start, _GROUPING[kind]), start)
        self.period.blockSignals(False)

    def refresh(self) -> None:
        """Count the monitor on a worker; the table fills when it is done."""
        from vostok_desktop.gui.operations import BackgroundOperation

        manager_id, start = self.manager.currentData(), self.period.currentData()
        if manager_id is None or start is None:
            self.summary.setText("Не выбран менеджер")
            return
        if self.operation is not None:
            self.operation.cancel()
        base, catalogue = self.context.base, self.catalogue
        kind = self.kind.currentData()
        self.summary.setText("Считаются показатели…")
        self.refresh_button.setEnabled(False)
        operation = BackgroundOperation(
            lambda state: nss.nss_monitor(base, catalogue, manager_id, start, kind=kind),
            self)
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
            self.monitor = None
            self.model.clear()
            self.summary.setText(f"Не удалось посчитать: {message}")

    def _shown(self, operation: Any, monitor: nss.NssMonitor) -> None:
        if not self._done(operation):
            return
        self.monitor = monitor
        self.planned.clear()
        items = monitor.items
        headers = ["Клиент", *[f"{i.title}, {i.unit}" if i.unit else i.title for i in items],
                   "Подсказка", "Причины"]
        self.model.clear()
        self.model.setHorizontalHeaderLabels(headers)
        for col, item in enumerate(items, start=1):
            tip = (f"Порог «нужен контакт»: {'не меньше' if item.higher_is_better else 'не больше'}"
                   f" {format_value(item.threshold)}" if item.threshold is not None
                   else "Без порога")
            problem = monitor.problems.get(item.code)
            if problem:
                tip += f"\nНет значений: {problem}"
            self.model.horizontalHeaderItem(col).setToolTip(tip)
        bold = QFont()
        bold.setBold(True)
        for row in monitor.rows:
            cells = [QStandardItem(row.client_name)]
            cells[0].setData(row.client_id, CLIENT_ROLE)
            past = {r.code for r in row.reasons}
            for item in items:
                cell = QStandardItem(format_value(row.facts.get(item.code)))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if item.code in past:
                    cell.setForeground(HINT_TEXT)
                    cell.setFont(bold)
                cells.append(cell)
            hint = QStandardItem(row.hint)
            if row.needs_contact:
                for cell in (cells[0], hint):
                    cell.setBackground(HINT_BRUSH)
                hint.setForeground(HINT_TEXT)
                hint.setFont(bold)
            reasons = QStandardItem(row.reasons_text)
            reasons.setToolTip(row.reasons_text)
            cells += [hint, reasons]
            self.model.appendRow(cells)
        self._fit_rows()
        total = len(monitor.rows)
        self.summary.setText(
            f"{monitor.manager_name}, {monitor.period_title}, набор «{monitor.set.title}»: "
            f"клиентов {total}, нужен контакт — {monitor.needing_contact}"
            if total else f"У сотрудника {monitor.manager_name} нет клиентов, за которых он "
                          "отвечает")
        if monitor.problems:
            self.summary.setText(self.summary.text() + ". Без значений: " + "; ".join(
                f"{c} ({why})" for c, why in monitor.problems.items()))
        if total:
            self.table.selectRow(0)
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _fit_rows(self) -> None:
        """«Причины» take the room left and wrap; rows as tall as they need (again when
        the width changes)."""
        fit_text_column(self.table, self.model.columnCount() - 1)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.model.rowCount():
            self._fit_rows()

    def show_manager(self, manager_id: int | None, name: str = "") -> None:
        """Fix the monitor to one employee (the card's) and count it."""
        self.manager.blockSignals(True)
        self.manager.clear()
        if manager_id is not None:
            self.manager.addItem(name or f"Сотрудник № {manager_id}", manager_id)
        self.manager.blockSignals(False)
        self.refresh()

    # -- commands ----------------------------------------------------------------------------
    def current_row(self) -> nss.NssRow | None:
        index = self.table.currentIndex()
        if self.monitor is None or not index.isValid():
            return None
        client_id = self.model.index(index.row(), 0).data(CLIENT_ROLE)
        return next((r for r in self.monitor.rows if r.client_id == client_id), None)

    def _open_client(self, index: QModelIndex) -> None:
        client_id = self.model.index(index.row(), 0).data(CLIENT_ROLE)
        if client_id is not None:
            self.context.cards.open("client", client_id)

    def plan_contact(self) -> int | None:
        """Give the manager an assignment about the current client, due the next working
        day; the result (or why not) shows under the table."""
        row, monitor = self.current_row(), self.monitor
        if row is None or monitor is None:
            self.status.setText("Выберите клиента в таблице")
            return None
        if row.client_id in self.planned:
            self.status.setText(f"Контакт с клиентом «{row.client_name}» уже запланирован: "
                                f"поручение № {self.planned[row.client_id]}")
            return None
        base = self.context.base
        try:
            due = nss.default_deadline(base, self.today)
            new_id = nss.plan_contact(base, row.client_id, monitor.manager_id,
                                      nss.contact_text(row), due,
                                      getattr(self.context, "employee_id", None),
                                      today=self.today)
        except Exception as exc:  # noqa: BLE001 - the user reads why
            self.status.setText(f"Контакт не запланирован: {error_text(exc)}")
            return None
        self.planned[row.client_id] = new_id
        hint = self.model.item(self.table.currentIndex().row(), len(monitor.items) + 1)
        if hint is not None:
            hint.setText(f"{row.hint}, {PLANNED}" if row.hint else PLANNED)
        self.status.setText(f"Запланирован контакт с клиентом «{row.client_name}»: поручение "
                            f"№ {new_id}, исполнитель — {monitor.manager_name}, срок — "
                            f"{due:%d.%m.%Y}")
        bus = getattr(self.context, "bus", None)
        if bus is not None:
            bus.announce("assignment", [new_id])
        return new_id


class EmployeeNssPage(QWidget):
    """The employee card's page «Мониторинг НСС»: the monitor of that employee's clients,
    counted when the page is first shown. Another employee's clients only for a head or
    an administrator, as in the tab."""

    def __init__(self, context: Any, card: Any = None, *, catalogue: Any = None,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.card = context, card
        self._catalogue, self._today = catalogue, today
        self.employee_id: int | None = None
        self._stale = False
        self.monitor: NssMonitorTab | None = None
        self.notice = QLabel("Мониторинг появится, когда сотрудник будет сохранён.")
        self.notice.setObjectName("nss_page_notice")
        self.notice.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.notice)

    def _allowed(self, employee_id: int) -> bool:
        role = getattr(getattr(self.context, "access", None), "role", None)
        return (bool(getattr(self.context, "is_admin", False)) or role in CHOOSERS
                or getattr(self.context, "access", None) is None
                or employee_id == getattr(self.context, "employee_id", None))

    def card_loaded(self, entity_id: int | None) -> None:
        self.employee_id = entity_id
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> NssMonitorTab | None:
        self._stale = False
        who = self.employee_id
        if who is None:
            return None
        if not self._allowed(who):
            self.notice.setText("Мониторинг НСС другого сотрудника доступен руководителю "
                                "и администратору.")
            self.notice.show()
            return None
        if self.monitor is None:
            catalogue = self._catalogue if self._catalogue is not None \
                else catalogue_of(self.window())
            self.monitor = NssMonitorTab(self.context, catalogue, today=self._today,
                                         manager_id=who)
            actions = getattr(self.context, "actions", None)
            if actions is not None and PLAN_ACTION in actions:
                actions.attach(PLAN_ACTION, self.monitor)
            self._layout.addWidget(self.monitor, 1)
        self.notice.hide()
        names = dict(_managers(self.context.base))
        self.monitor.show_manager(who, names.get(who, ""))
        return self.monitor


def catalogue_of(window: Any) -> Any:
    """The window's report catalogue (``window.reports``), or the plugins' own."""
    reports = getattr(window, "reports", None)
    if reports is not None and getattr(reports, "catalogue", None) is not None:
        return reports.catalogue
    from vostok_desktop.plugins import load_plugins
    from vostok_desktop.services.reports.catalogue import report_catalogue

    return report_catalogue(load_plugins())


def register_plan_action(window: Any) -> None:
    """The scoped command «Запланировать контакт» (once per window): it acts on the
    monitor tab that has the focus."""
    actions = window.context.actions
    if PLAN_ACTION in actions:
        return

    def run() -> None:
        widget = window.focusWidget()
        while widget is not None and not isinstance(widget, NssMonitorTab):
            widget = widget.parentWidget()
        if widget is not None:
            widget.plan_contact()

    actions.register(PLAN_ACTION, PLAN_TITLE, run, category="KPI", scope=SCOPE, parent=window)


def open_monitor(window: Any) -> NssMonitorTab:
    """The tab (the open one is brought to the front)."""
    tabs = getattr(window, "tabs", None)
    current = getattr(window, "nss_monitor", None)
    if current is not None and tabs is not None and tabs.indexOf(current) >= 0:
        tabs.setCurrentWidget(current)
        current.table.setFocus()
        return current
    register_plan_action(window)
    tab = NssMonitorTab(window.context, catalogue_of(window))
    window.context.actions.attach(PLAN_ACTION, tab)
    tab.plan_button.setToolTip(window.context.actions.action(PLAN_ACTION).toolTip())
    window.nss_monitor = tab
    tab.destroyed.connect(lambda _o=None: setattr(window, "nss_monitor", None))
    window.context.cards.add_document(tab, TITLE)
    tab.refresh()
    tab.table.setFocus()
    return tab


__all__ = ["EmployeeNssPage", "NssMonitorTab", "catalogue_of", "open_monitor",
           "recent_periods"]
