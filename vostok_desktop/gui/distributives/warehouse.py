"""«Склад дистрибутивов»: a tab with what is on the warehouse (in stock, reserved) and the
demo copies out at clients, filtered by status, system and number; overdue demo copies
are highlighted. Commands: оприходование, резерв / снять резерв, выдать на ознакомление,
вернуть на склад, «Каталог систем…». Everything here needs «Склад» (the catalogue its own
right); the buttons are greyed out without it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.distributives import (
    DISTRIBUTIVE_STATUS_TITLES,
    DistributiveStatus,
    MovementKind,
)
from vostok_desktop.gui.cards.widgets import (
    DONE_COLOUR,
    ERROR_COLOUR,
    HINT_COLOUR,
    read_only_table,
    set_text_colour,
)
from vostok_desktop.gui.distributives.common import (
    DEMO_BACKGROUND,
    OVERDUE_BACKGROUND,
    fill_table,
    fmt_date,
    paint_row,
    row_id,
    select_id,
    shortcut_hint,
    show_dialog,
    system_text,
)
from vostok_desktop.gui.distributives.dialogs import MovementDialog, ReceiptDialog
from vostok_desktop.services.distributives import catalogue
from vostok_desktop.services.distributives import gui_queries as gq
from vostok_desktop.services.distributives import movements as mv
from vostok_desktop.services.distributives import warehouse as wh
from vostok_desktop.services.distributives.common import DistributiveRow

S = DistributiveStatus
K = MovementKind
STOCK = "distributives.stock"

COLUMNS = ["№", "Система", "Тип", "Состояние", "С", "За кем / у кого", "Вернуть до",
           "Серия", "Сеть", "Примечание"]
# (title, statuses) of the status filter; empty: all three.
STATUS_FILTERS: list[tuple[str, tuple[DistributiveStatus, ...]]] = [
    ("Все: склад и ознакомительные", ()),
    ("На складе", (S.IN_STOCK,)),
    ("Зарезервированные", (S.RESERVED,)),
    ("Ознакомительные", (S.DEMO,)),
]
COMMANDS: list[tuple[str, str, str, str]] = [
    ("warehouse.receive", "Оприходовать…", "receive", STOCK),
    ("warehouse.reserve", "Зарезервировать…", "reserve", STOCK),
    ("warehouse.unreserve", "Снять резерв…", "unreserve", STOCK),
    ("warehouse.demo_issue", "Выдать на ознакомление…", "issue_demo", STOCK),
    ("warehouse.stock_return", "Вернуть на склад…", "return_to_stock", STOCK),
    ("distributives.catalogue", "Каталог систем…", "edit_catalogue", "distributives.catalogue"),
]


class WarehouseWidget(QWidget):
    """The «Склад дистрибутивов» tab; ``today`` is injectable for tests."""

    def __init__(self, context: object, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.setObjectName("distributive_warehouse")
        self.context = context
        self.today = today
        self.rows: list[DistributiveRow] = []
        self.active_dialog: QDialog | None = None
        self._stale = True
        self._announcing = False
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("status_filter")
        for title, statuses in STATUS_FILTERS:
            self.status_filter.addItem(title, statuses)
        self.system_filter = QComboBox()
        self.system_filter.setObjectName("system_filter")
        self.system_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.system_filter.setMinimumContentsLength(24)
        self.number_filter = QLineEdit()
        self.number_filter.setObjectName("number_filter")
        self.number_filter.setPlaceholderText("Номер (начало)")
        self.number_filter.setClearButtonEnabled(True)
        self.number_filter.setMinimumWidth(150)
        for text, widget in (("&Состояние:", self.status_filter),
                             ("С&истема:", self.system_filter),
                             ("&Номер:", self.number_filter)):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, 1 if widget is not self.status_filter else 0)
        layout.addLayout(filters)
        self.overdue_label = QLabel()
        self.overdue_label.setObjectName("overdue_label")
        self.overdue_label.setWordWrap(True)
        layout.addWidget(self.overdue_label)
        self.table = QTableWidget()
        self.table.setObjectName("warehouse_table")
        read_only_table(self.table, COLUMNS)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for c, width in enumerate((78, 200, 80, 130, 80, 165, 152, 55, 40, 80)):
            self.table.setColumnWidth(c, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        actions = getattr(context, "actions", None)
        for action_id, text, method, _right in COMMANDS:
            button = QPushButton(text)
            button.setObjectName(action_id.replace(".", "_") + "_button")
            button.clicked.connect(getattr(self, method))
            if actions is not None and action_id in actions:
                button.setToolTip(actions.action(action_id).toolTip())
            self.buttons[action_id] = button
            buttons.addWidget(button)
            if action_id == "warehouse.stock_return":
                buttons.addStretch(1)
        layout.addLayout(buttons)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        set_text_colour(self.count_label, HINT_COLOUR)
        self.message = QLabel()
        self.message.setObjectName("message_label")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        layout.addWidget(self.count_label)
        self._fill_systems()
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.system_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.number_filter.textChanged.connect(lambda _t: self.refresh())
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())
        bus = getattr(context, "bus", None)
        if bus is not None:
            bus.entities_changed.connect(self._entities_changed)
        self.setFocusProxy(self.table)
        self.refresh()

    # -- reading ------------------------------------------------------------------------
    def _fill_systems(self) -> None:
        current = self.system_filter.currentData()
        self.system_filter.blockSignals(True)
        self.system_filter.clear()
        self.system_filter.addItem("Все системы", None)
        for choice in gq.systems(self.context.base, active_only=False):  # type: ignore[attr-defined]
            self.system_filter.addItem(choice.title, choice.id)
        self.system_filter.setCurrentIndex(max(0, self.system_filter.findData(current)))
        self.system_filter.blockSignals(False)

    def set_status_filter(self, statuses: tuple[DistributiveStatus, ...]) -> None:
        index = next((i for i, (_t, st) in enumerate(STATUS_FILTERS) if st == statuses), 0)
        self.status_filter.setCurrentIndex(index)

    def _entities_changed(self, kind: str, _ids: list[int]) -> None:
        if kind in ("distributive", "product_system") and not self._announcing:
            self._stale = True
            if self.isVisible():
                self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        keep = row_id(self.table)
        statuses = self.status_filter.currentData() or ()
        self.rows = gq.warehouse_rows(self.context.base, statuses,  # type: ignore[attr-defined]
                                      system_id=self.system_filter.currentData(),
                                      number_prefix=self.number_filter.text())
        today = self.today()
        values = []
        for d in self.rows:
            if d.status is S.RESERVED:
                whom = " и ".join(x for x in (
                    f"клиент «{d.reserved_for_client_name}»" if d.reserved_for_client_name
                    else "", d.reserved_for_employee_name or "") if x)
            elif d.status is S.DEMO:
                whom = d.client_name or "другой клиент"
            else:
                whom = ""
            due = fmt_date(d.demo_until)
            if d.demo_until is not None and d.demo_until < today:
                due += f" (+{(today - d.demo_until).days} дн.)"
            values.append([d.number, system_text(d.system_title), d.kind_title,
                           DISTRIBUTIVE_STATUS_TITLES[d.status], fmt_date(d.status_since), whom,
                           due, d.series, str(d.network_size), d.notes])
        fill_table(self.table, values, [d.id for d in self.rows])
        for r, d in enumerate(self.rows):
            self.table.item(r, 1).setToolTip(d.system_title)
            if d.status is S.DEMO:
                late = d.demo_until is not None and d.demo_until < today
                paint_row(self.table, r, background=OVERDUE_BACKGROUND if late
                          else DEMO_BACKGROUND)
                if late:
                    due_item = self.table.item(r, 6)
                    font = QFont(due_item.font())
                    font.setBold(True)
                    due_item.setFont(font)
                    due_item.setForeground(QBrush(QColor(ERROR_COLOUR)))
                    due_item.setToolTip(
                        f"Возврат просрочен на {(today - d.demo_until).days} дн.")
        if not (keep is not None and select_id(self.table, keep)) and self.rows:
            self.table.setCurrentCell(0, 0)
        total_overdue = len(wh.overdue_demos(self.context.base, today))  # type: ignore[attr-defined]
        if total_overdue:
            self.overdue_label.setText(f"Просрочен возврат ознакомительных дистрибутивов: "
                                       f"{total_overdue}. Они выделены в списке.")
            set_text_colour(self.overdue_label, ERROR_COLOUR)
        else:
            self.overdue_label.setText("Просроченных ознакомительных дистрибутивов нет.")
            set_text_colour(self.overdue_label, HINT_COLOUR)
        counts = {st: sum(1 for d in self.rows if d.status is st) for st in
                  (S.IN_STOCK, S.RESERVED, S.DEMO)}
        self.count_label.setText(
            f"В списке: {len(self.rows)} — на складе {counts[S.IN_STOCK]}, "
            f"в резерве {counts[S.RESERVED]}, ознакомительных {counts[S.DEMO]}. "
            + shortcut_hint(getattr(self.context, "actions", None), [
                ("warehouse.receive", "оприходовать"), ("warehouse.reserve", "резерв"),
                ("warehouse.unreserve", "снять резерв"),
                ("warehouse.demo_issue", "выдать на ознакомление"),
                ("warehouse.stock_return", "вернуть на склад")]))
        self._update_buttons()

    # -- helpers ------------------------------------------------------------------------
    def allows(self, right: str) -> bool:
        return (not self.context.base.read_only  # type: ignore[attr-defined]
                and self.context.allows(right))  # type: ignore[attr-defined]

    def current_row(self) -> DistributiveRow | None:
        wanted = row_id(self.table)
        return next((d for d in self.rows if d.id == wanted), None)

    def _update_buttons(self) -> None:
        row = self.current_row()
        fits = {
            "warehouse.reserve": row is not None and row.status is S.IN_STOCK,
            "warehouse.unreserve": row is not None and row.status is S.RESERVED,
            "warehouse.demo_issue": row is not None and row.status in (S.IN_STOCK,
                                                                       S.RESERVED),
            "warehouse.stock_return": row is not None and row.status is S.DEMO,
        }
        for action_id, _text, _method, right in COMMANDS:
            self.buttons[action_id].setEnabled(self.allows(right)
                                               and fits.get(action_id, True))

    def show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setText(text)
        set_text_colour(self.message, ERROR_COLOUR if error else DONE_COLOUR)
        self.message.setVisible(bool(text))

    def _ready(self) -> DistributiveRow | None:
        if not self.allows(STOCK):
            self.show_message("Нужно право «Склад» (или база открыта только для чтения).")
            return None
        row = self.current_row()
        if row is None:
            self.show_message("Выберите дистрибутив в списке.")
        return row

    def _done(self, text: str, dialog: QDialog) -> None:
        self.active_dialog = None
        self.refresh()
        self.show_message(text, error=False)
        result = getattr(dialog, "result_value", None)
        ids = [m.distributive_id for m in result] if isinstance(result, list) and result \
            and hasattr(result[0], "distributive_id") else []
        bus = getattr(self.context, "bus", None)
        if bus is not None:
            self._announcing = True
            try:
                bus.announce("distributive", ids)
            finally:
                self._announcing = False

    def _run(self, dialog: MovementDialog, request: Callable[[], mv.MovementRequest],
             done: str) -> QDialog:
        ctx = self.context
        dialog.submit = lambda: mv.apply_movement(
            ctx.base, request(), ctx.employee_id, profile=ctx.access,  # type: ignore[attr-defined]
            today=self.today())
        return show_dialog(self, dialog, lambda: self._done(done, dialog))

    def _header(self, row: DistributiveRow, text: str) -> str:
        return f"{text}: дистрибутив № {row.number} — {row.system_title}."

    def _find_clients(self, text: str) -> list[gq.Choice]:
        return gq.find_clients(self.context.base, text)  # type: ignore[attr-defined]

    def _kits(self, client_id: int | None) -> list[gq.Choice]:
        from vostok_desktop.services.distributives.kits import list_kits

        if client_id is None:
            return []
        return [gq.Choice(k.id, k.title) for k in list_kits(self.context.base, client_id)  # type: ignore[attr-defined]
                if k.id is not None]

    # -- commands -----------------------------------------------------------------------
    def receive(self) -> QDialog | None:
        if not self.allows(STOCK):
            self.show_message("Нужно право «Склад» (или база открыта только для чтения).")
            return None
        systems = catalogue.list_systems(self.context.base, active_only=True)  # type: ignore[attr-defined]
        if not systems:
            self.show_message("В каталоге нет действующих систем: добавьте их («Каталог "
                              "систем…»).")
            return None
        dialog = ReceiptDialog(systems, self.today(), parent=self)
        wanted = self.system_filter.currentData()
        if wanted is not None:
            dialog.system.setCurrentIndex(max(0, dialog.system.findData(wanted)))
        ctx = self.context
        dialog.submit = lambda: wh.receive(
            ctx.base, dialog.lines(), dialog.received_on(), ctx.employee_id,  # type: ignore[attr-defined]
            note=dialog.note.text(), profile=ctx.access, today=self.today())  # type: ignore[attr-defined]
        dialog.numbers.setFocus()
        return show_dialog(self, dialog, lambda: self._done(
            f"Оприходовано дистрибутивов: {len(dialog.result_value or [])}.", dialog))

    def reserve(self) -> QDialog | None:
        row = self._ready()
        if row is None:
            return None
        dialog = MovementDialog(
            "Резервирование", self._header(row, "Зарезервировать за клиентом и/или "
                                                "сотрудником"), {"client", "employee"},
            today=self.today(), last_moved_on=row.status_since,
            find_clients=self._find_clients, employees=gq.employees(self.context.base),  # type: ignore[attr-defined]
            parent=self)
        return self._run(dialog, lambda: mv.MovementRequest(
            K.RESERVE, row.id, dialog.moved_on(), to_client_id=dialog.client_id(),
            to_employee_id=dialog.employee_id(), note=dialog.note_text(),
            expected_version=row.version), f"Дистрибутив № {row.number} зарезервирован.")

    def unreserve(self) -> QDialog | None:
        row = self._ready()
        if row is None:
            return None
        dialog = MovementDialog("Снятие резерва", self._header(row, "Снять резерв"), set(),
                                today=self.today(), last_moved_on=row.status_since,
                                parent=self)
        return self._run(dialog, lambda: mv.MovementRequest(
            K.UNRESERVE, row.id, dialog.moved_on(), note=dialog.note_text(),
            expected_version=row.version), f"Резерв с дистрибутива № {row.number} снят.")

    def issue_demo(self) -> QDialog | None:
        row = self._ready()
        if row is None:
            return None
        dialog = MovementDialog(
            "Выдача на ознакомление", self._header(row, "Выдать клиенту на ознакомление"),
            {"client", "kit", "engineer", "demo_until"}, today=self.today(),
            last_moved_on=row.status_since, kits=self._kits, find_clients=self._find_clients,
            employees=gq.employees(self.context.base), parent=self)  # type: ignore[attr-defined]
        if row.reserved_for_client_id is not None:
            dialog.client.set_client(row.reserved_for_client_id,
                                     row.reserved_for_client_name or "клиент из резерва")
        return self._run(dialog, lambda: mv.MovementRequest(
            K.DEMO_ISSUE, row.id, dialog.moved_on(), to_client_id=dialog.client_id(),
            to_kit_id=dialog.kit_id(), engineer_id=dialog.engineer_id(),
            demo_until=dialog.demo_due(), note=dialog.note_text(),
            expected_version=row.version),
            f"Дистрибутив № {row.number} выдан на ознакомление.")

    def return_to_stock(self) -> QDialog | None:
        row = self._ready()
        if row is None:
            return None
        dialog = MovementDialog("Возврат на склад", self._header(row, "Вернуть на склад"),
                                set(), today=self.today(), last_moved_on=row.status_since,
                                parent=self)
        return self._run(dialog, lambda: mv.MovementRequest(
            K.STOCK_RETURN, row.id, dialog.moved_on(), note=dialog.note_text(),
            expected_version=row.version), f"Дистрибутив № {row.number} возвращён на склад.")

    def edit_catalogue(self) -> QDialog | None:
        from vostok_desktop.gui.distributives.catalogue_dialog import CatalogueDialog

        dialog = CatalogueDialog(self.context, parent=self)
        dialog.finished.connect(lambda _r: (self._fill_systems(), self.refresh()))
        self.active_dialog = dialog
        dialog.open()
        return dialog


__all__ = ["COMMANDS", "STATUS_FILTERS", "WarehouseWidget"]
