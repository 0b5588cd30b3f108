"""Agent «Дистрибутивы»: every distributive the login may see, over the keyset-paged
model of the other agents — quick search by the number's beginning or the client's
name, ready filters by status, system and engineer, the user's filter and colour rules,
Enter opens the client's card on its «Дистрибутивы» page, export to Excel through the
export gate.

``install_distributive_agent(window)`` docks it in the main window the way the window
docks its own agents (tabbed with them, an «Окна» command with Ctrl+3)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from vostok_desktop.domain.distributives import (
    DISTRIBUTIVE_STATUS_TITLES,
    SYSTEM_KIND_TITLES,
    DistributiveStatus,
)
from vostok_desktop.gui.agents.list_agent import MAX_CARDS_AT_ONCE, KeysetListAgent
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.models.keyset_model import BoundSource, ColumnSpec, Row
from vostok_desktop.services.common.live_updates import ChangeBatch
from vostok_desktop.services.distributives import search as ds
from vostok_desktop.services.lists.filters import (
    ColourRule,
    Condition,
    FilterGroup,
    Operator,
)

S = DistributiveStatus
TITLE = "Дистрибутивы"
DOCK_OBJECT_NAME = "distributive_list_agent"
WINDOW_ACTION = "window.distributive_list"
DISTRIBUTIVES_PAGE = "page_distributives"  # the client card's page (gui.distributives)

# Default colours: disconnected grey, overdue demo copies red, reserved blue.
DISCONNECTED_COLOUR = "#e4e4e4"
OVERDUE_COLOUR = "#f8d0d0"
RESERVED_COLOUR = "#dce9fb"


def _date(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if isinstance(value, date) else ""


def _short(full_name: str | None) -> str:
    """«Попова Людмила Ивановна» → «Попова Л. И.» (a narrow column)."""
    if not full_name:
        return ""
    surname, *rest = full_name.split()
    return " ".join([surname, *(f"{part[0]}." for part in rest if part)])


def _client(row: Row) -> str:
    """At a client: its name; reserved: «резерв: …»; else empty (on the warehouse)."""
    if row.get("client_name"):
        return row["client_name"]
    if row.get("client_id"):
        return "(клиент недоступен)"
    whom = row.get("reserved_for_client_name") or _short(row.get("reserved_for_employee_name"))
    return f"резерв: {whom}" if whom else ""


def _system(title: str | None) -> str:
    """«КонсультантПлюс: Версия Проф» → «Версия Проф» (every system is КонсультантПлюс;
    the tooltip shows the full title and the code)."""
    title = title or ""
    return title.removeprefix("КонсультантПлюс: ")


def _status(row: Row) -> str:
    status = row.get("status")
    title = DISTRIBUTIVE_STATUS_TITLES.get(status, "") if status else ""
    if status is S.DEMO and row.get("demo_until"):
        return f"{title} до {_date(row['demo_until'])}"
    return title


def _status_tooltip(row: Row) -> str:
    text = _status(row)
    if row.get("demo_overdue"):
        return f"{text} — срок возврата прошёл"
    if row.get("status_since"):
        return f"{text} с {_date(row['status_since'])}"
    return text


RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

DISTRIBUTIVE_COLUMNS: list[ColumnSpec] = [
    ColumnSpec("number", "Номер", 86, sort=ds.NUMBER_SORT),
    ColumnSpec("system_title", "Система", 210, render=lambda r: _system(r.get("system_title")),
               tooltip=lambda r: f"{r.get('system_code', '')} — {r.get('system_title', '')}"),
    ColumnSpec("kind", "Тип", 78, render=lambda r: SYSTEM_KIND_TITLES.get(r.get("kind"), "")),
    ColumnSpec("series", "Серия", 58),
    ColumnSpec("network_size", "Сеть", 44, align=RIGHT),
    ColumnSpec("status", "Состояние", 216, render=_status, tooltip=_status_tooltip),
    ColumnSpec("client_name", "Клиент", 190, render=_client),
    ColumnSpec("engineer_name", "Инженер", 130, render=lambda r: _short(r.get("engineer_name")),
               tooltip=lambda r: r.get("engineer_name") or ""),
    ColumnSpec("kit_title", "Комплект", 120),
    ColumnSpec("system_code", "Код системы", 90, hidden_by_default=True),
    ColumnSpec("status_since", "В состоянии с", 90, render=lambda r: _date(r.get("status_since")),
               hidden_by_default=True),
    ColumnSpec("demo_until", "Вернуть до", 80, render=lambda r: _date(r.get("demo_until")),
               hidden_by_default=True),
    ColumnSpec("notes", "Примечание", 200, hidden_by_default=True),
]


class Preset(enum.StrEnum):
    ALL = "all"
    SERVED = "served"
    DISCONNECTED = "disconnected"
    IN_STOCK = "in_stock"
    RESERVED = "reserved"
    DEMO = "demo"
    DEMO_OVERDUE = "demo_overdue"
    SYSTEM = "system"
    ENGINEER = "engineer"
    MINE = "mine"


PRESET_TITLES: dict[Preset, str] = {
    Preset.ALL: "Все дистрибутивы",
    Preset.SERVED: "На обслуживании",
    Preset.DISCONNECTED: "Отключённые",
    Preset.IN_STOCK: "На складе",
    Preset.RESERVED: "Зарезервированные",
    Preset.DEMO: "Ознакомительные",
    Preset.DEMO_OVERDUE: "Ознакомительные: просрочен возврат",
    Preset.SYSTEM: "По системе…",
    Preset.ENGINEER: "По инженеру…",
    Preset.MINE: "Я — инженер",
}
PRESET_STATUSES: dict[Preset, tuple[DistributiveStatus, ...]] = {
    Preset.SERVED: (S.SERVED,),
    Preset.DISCONNECTED: (S.DISCONNECTED,),
    Preset.IN_STOCK: (S.IN_STOCK,),
    Preset.RESERVED: (S.RESERVED,),
    Preset.DEMO: (S.DEMO,),
}
PRESETS_WITH_VALUE = (Preset.SYSTEM, Preset.ENGINEER)


def default_distributive_colour_rules() -> list[ColourRule]:
    return [
        ColourRule("Ознакомительные: просрочен возврат",
                   FilterGroup((Condition("demo_overdue", Operator.EQ, "да"),)),
                   OVERDUE_COLOUR),
        ColourRule("Отключённые", FilterGroup((Condition("status", Operator.EQ,
                                                         S.DISCONNECTED.value),)),
                   DISCONNECTED_COLOUR),
        ColourRule("Зарезервированные", FilterGroup((Condition("status", Operator.EQ,
                                                               S.RESERVED.value),)),
                   RESERVED_COLOUR),
    ]


class DistributiveListAgent(KeysetListAgent):
    """Dockable list of all distributives («Дистрибутивы»). ``today`` (injectable for
    tests) decides which demo copies are overdue."""

    scope = "distributive_list"
    action_prefix = "distributive_list"
    category = TITLE
    entity_kind = "distributive"
    settings_name = "distributive_list"
    filter_fields = ds.DISTRIBUTIVE_FILTER_FIELDS
    default_sort_column = 0

    def __init__(self, context: AppContext,
                 today: Callable[[], date] = date.today) -> None:
        self.today = today
        super().__init__(context, DISTRIBUTIVE_COLUMNS, ds.DistributiveSearch(context.base),
                         "Номер дистрибутива или название клиента (Ctrl+F)")
        self.setObjectName("distributive_list")
        self.setWindowTitle("Список дистрибутивов")
        self.marked_box.hide()  # distributives are not marked for deletion
        for preset, title in PRESET_TITLES.items():
            self.preset_box.addItem(title, preset.value)
        self._systems: list[tuple[int, str]] | None = None
        self._engineers: list[tuple[int, str]] | None = None
        self._register_actions()
        context.bus.entities_changed.connect(self._others_changed)
        # Docked behind «Список клиентов», the agent reads its first page when first
        # shown, not during the window's start.
        self._first_query_pending = True

    def showEvent(self, event: Any) -> None:  # noqa: N802
        if self._first_query_pending:
            self._first_query_pending = False
            self.apply_query()
        super().showEvent(event)

    def apply_query(self) -> None:
        self._first_query_pending = False
        super().apply_query()

    def default_colour_rules(self) -> list[ColourRule]:
        return default_distributive_colour_rules()

    def bound_source(self, query: Any) -> BoundSource:
        return BoundSource(self.search_service, query, ds.narrow_to_ids)

    # -- live updates ------------------------------------------------------------------
    def live_match(self, batch: ChangeBatch) -> dict[str, set[int] | None]:
        match: dict[str, set[int] | None] = {}
        if batch.touches("distributives"):
            match["id"] = batch.rows("distributives")
        if batch.touches("clients"):
            match["client_id"] = batch.clients("clients")
        return match

    def live_structural(self, batch: ChangeBatch) -> bool:
        return batch.inserted_or_deleted("distributives")

    def _others_changed(self, kind: str, _ids: list) -> None:
        # Client names, kits and systems show in this list.
        if kind in ("client", "product_system", "kit") and self._applied_query is not None:
            self.model.refresh()

    # -- actions -------------------------------------------------------------------------
    def _register_actions(self) -> None:
        add = self.add_action
        add("distributive_list.quick_search", "Быстрый поиск дистрибутива", self.focus_search)
        add("distributive_list.open_client", "Открыть карточку клиента", self.open_selected)
        add("distributive_list.export_excel", "Выгрузить список дистрибутивов в Excel…",
            lambda: self.export_excel())

    def context_menu_actions(self) -> list[str | None]:
        return ["distributive_list.open_client", None, "distributive_list.export_excel"]

    def _fill_filter_menu(self) -> None:
        super()._fill_filter_menu()
        menu: QMenu = self.filter_menu
        menu.addAction("Раскраска по умолчанию",
                       lambda: self.set_colour_rules(self.default_colour_rules()))

    # -- query ---------------------------------------------------------------------------
    def current_preset(self) -> Preset:
        return Preset(self.preset_box.currentData() or Preset.ALL.value)

    def set_preset(self, preset: Preset, value: int | None = None) -> None:
        """Choose a ready filter as the user does (and its system or engineer)."""
        self.preset_box.setCurrentIndex(self.preset_box.findData(preset.value))
        self._preset_changed()
        if value is not None and preset in PRESETS_WITH_VALUE:
            self.value_box.setCurrentIndex(self.value_box.findData(value))
            self.apply_query()

    def _value_choices(self, preset: Preset) -> list[tuple[int, str]]:
        from vostok_desktop.services.distributives import gui_queries as gq

        if preset is Preset.SYSTEM:
            if self._systems is None:
                self._systems = [(c.id, c.title) for c in
                                 gq.systems(self.context.base, active_only=False)]
            return self._systems
        if self._engineers is None:
            self._engineers = [(c.id, c.title) for c in gq.employees(self.context.base)]
        return self._engineers

    def _preset_changed(self) -> None:
        preset = self.current_preset()
        if preset in PRESETS_WITH_VALUE:
            self.value_box.blockSignals(True)
            self.value_box.clear()
            for value, title in self._value_choices(preset):
                self.value_box.addItem(title, value)
            self.value_box.blockSignals(False)
            self.value_box.show()
            self.value_box.setFocus()
        else:
            self.value_box.hide()
        self.apply_query()

    def build_query(self) -> ds.DistributiveQuery:
        preset = self.current_preset()
        value = self.value_box.currentData() if preset in PRESETS_WITH_VALUE else None
        engineer = value if preset is Preset.ENGINEER else None
        if preset is Preset.MINE:
            engineer = self.context.employee_id if self.context.employee_id is not None else -1
        return ds.DistributiveQuery(
            text=self.search_edit.text(),
            statuses=PRESET_STATUSES.get(preset, ()),
            system_id=value if preset is Preset.SYSTEM else None,
            engineer_id=engineer,
            demo_overdue=preset is Preset.DEMO_OVERDUE,
            user_filter=self._user_filter,
            descending=self._descending,
            today=self.today(),
        )

    # -- commands ------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def open_selected(self) -> None:
        """Enter: the card of the client each selected distributive is at (or reserved
        for), on its «Дистрибутивы» page with the distributive selected."""
        if self.pending_search():
            self.apply_query()
        rows = [r for n in self.selected_rows(MAX_CARDS_AT_ONCE * 10)
                if (r := self.model.row(n)) is not None]
        targets: dict[int, int] = {}  # client → the first distributive to select
        homeless: list[str] = []
        for row in rows:
            client_id = row.get("client_id") or row.get("reserved_for_client_id")
            if client_id is None:
                homeless.append(row["number"])
            elif client_id not in targets:
                targets[client_id] = row["id"]
        if len(targets) > MAX_CARDS_AT_ONCE:
            self.show_message(f"Выбраны дистрибутивы слишком многих клиентов: карточки "
                              f"открываются не более чем для {MAX_CARDS_AT_ONCE}")
            return
        for client_id, distributive_id in targets.items():
            if not self.open_card("client", client_id):
                return
            self._show_on_card(client_id, distributive_id)
        if homeless and not targets:
            numbers = ", ".join(homeless[:3]) + ("…" if len(homeless) > 3 else "")
            self.show_message(f"Дистрибутив № {numbers} на складе и ни за кем не "
                              "зарезервирован: карточки клиента у него нет")

    def _show_on_card(self, client_id: int, distributive_id: int) -> None:
        """The card's «Дистрибутивы» page in front, the distributive selected."""
        from vostok_desktop.gui.distributives.common import select_id

        card = self.context.cards.find("client", client_id)
        if card is None:
            return
        page = next((p for p in getattr(card, "extension_pages", [])
                     if p.objectName() == DISTRIBUTIVES_PAGE), None)
        pages = getattr(card, "pages", None)
        if page is None or pages is None:
            return
        pages.setCurrentWidget(page)
        table = getattr(page, "table", None)
        if table is not None:
            select_id(table, distributive_id)


def install_distributive_agent(window: QMainWindow) -> DistributiveListAgent:
    """Dock the agent «Дистрибутивы» in the main window as the window docks its own
    agents: tabbed with the first, the command «Окна → Дистрибутивы» (Ctrl+3) shows it,
    its layout is saved with the others'. Call after ``window.attach``."""
    context: AppContext = window.context  # type: ignore[attr-defined]
    docks: dict[str, QDockWidget] = getattr(window, "docks", {})
    existing = docks.get(DOCK_OBJECT_NAME)
    if existing is not None and isinstance(existing.widget(), DistributiveListAgent):
        return existing.widget()  # type: ignore[return-value]
    dock = QDockWidget(TITLE, window)
    dock.setObjectName(DOCK_OBJECT_NAME)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                     | QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    agent = DistributiveListAgent(context)
    dock.setWidget(agent)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    dock.show()
    first = next(iter(docks.values()), None)
    if first is not None:
        window.tabifyDockWidget(first, dock)
        first.raise_()
    docks[DOCK_OBJECT_NAME] = dock

    def show_agent() -> None:
        dock.show()
        dock.raise_()
        agent.setFocus()

    if WINDOW_ACTION not in context.actions:
        action = context.actions.register(WINDOW_ACTION, TITLE, show_agent, category="Окна",
                                          parent=window)
        window.addAction(action)
        menu = getattr(window, "agents_menu", None)
        if menu is not None:
            menu.addAction(action)
    return agent


__all__ = ["DISTRIBUTIVE_COLUMNS", "DistributiveListAgent", "Preset",
           "default_distributive_colour_rules", "install_distributive_agent"]
