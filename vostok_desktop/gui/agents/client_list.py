"""Agent «Список клиентов»: quick search, presets, user filters, colours, favourites and
operations on many selected clients, over a keyset-paged model.

The shared list machinery (:class:`KeysetListAgent`, :func:`write_xlsx`) lives in
:mod:`vostok_desktop.gui.agents.list_agent`; both are re-exported here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal

from vostok_desktop.domain.clients import CLIENT_STATUS_TITLES
from vostok_desktop.gui.agents.list_agent import (
    MAX_CARDS_AT_ONCE,
    KeysetListAgent,
    write_xlsx,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.models.keyset_model import BoundSource, ColumnSpec, star_column
from vostok_desktop.services.common.live_updates import ChangeBatch
from vostok_desktop.services.lists import client_search as cs
from vostok_desktop.services.lists.filters import ColourRule, default_client_colour_rules

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _date(value: Any) -> str:
    return value.astimezone().strftime("%d.%m.%Y") if isinstance(value, datetime) else ""


# =====================================================================================
# The client list
# =====================================================================================

CLIENT_COLUMNS: list[ColumnSpec] = [
    star_column(),
    ColumnSpec("name", "Наименование", 220, sort=cs.ClientSort.NAME,
               tooltip=lambda r: r.get("full_name") or r.get("short_name") or ""),
    ColumnSpec("inn", "ИНН", 96, sort=cs.ClientSort.INN),
    ColumnSpec("kpp", "КПП", 84, hidden_by_default=True),
    ColumnSpec("status", "Статус", 112, sort=cs.ClientSort.STATUS,
               render=lambda r: CLIENT_STATUS_TITLES.get(r.get("status"), "")),
    ColumnSpec("phone", "Телефон", 145),
    ColumnSpec("responsible", "Ответственный", 180),
    # Empty for none: a column of zeros hides the clients that do have systems.
    ColumnSpec("systems", "Систем", 62, align=_RIGHT,
               render=lambda r: str(r["systems"]) if r.get("systems") else "",
               tooltip=lambda r: "Дистрибутивов на обслуживании"),
    ColumnSpec("has_distributives", "Дистрибутивы", 96, hidden_by_default=True,
               render=lambda r: "есть" if r.get("has_distributives") else "нет",
               tooltip=lambda r: "Есть ли у клиента дистрибутивы (любые: на обслуживании, "
                                 "отключённые, ознакомительные)"),
    ColumnSpec("segment", "Сегмент", 120, hidden_by_default=True),
    ColumnSpec("region", "Регион", 150, sort=cs.ClientSort.REGION, hidden_by_default=True),
    ColumnSpec("created_at", "Создан", 80, sort=cs.ClientSort.CREATED_AT,
               render=lambda r: _date(r.get("created_at")), hidden_by_default=True),
    ColumnSpec("full_name", "Полное наименование", 300, hidden_by_default=True),
]


# Tables whose changes show in a client row (name, INN, status, phone, responsible…) or
# decide whether it passes a filter.
LIVE_TABLES = ("clients", "phones", "emails", "addresses", "responsibilities", "custom_values",
               "distributives", "distributive_movements")  # «Систем»: a transfer is two clients


def narrow_to_clients(query: cs.ClientQuery, ids: Sequence[int]) -> cs.ClientQuery:
    """The same query (every filter kept) restricted to these clients."""
    wanted = set(ids) if query.client_ids is None else set(ids) & set(query.client_ids)
    return dataclasses.replace(query, client_ids=tuple(sorted(wanted)))


class ClientListAgent(KeysetListAgent):
    """Dockable list of clients («Список клиентов»)."""

    contacts_requested = Signal(list)  # client ids: «контакты выбранных клиентов»

    scope = "client_list"
    action_prefix = "clients"
    category = "Клиенты"
    entity_kind = "client"
    settings_name = "client_list"
    filter_fields = cs.CLIENT_FILTER_FIELDS

    def __init__(self, context: AppContext) -> None:
        super().__init__(context, CLIENT_COLUMNS, cs.ClientSearch(context.base),
                         "Название, ИНН, КПП или телефон (Ctrl+F)")
        self.setObjectName("client_list")
        for preset, title in cs.PRESET_TITLES.items():
            self.preset_box.addItem(title, preset.value)
        self._choices: cs.PresetChoices | None = None
        self._undo_marks: list[list[int]] = []
        self._register_actions()
        self.apply_query()

    def default_colour_rules(self) -> list[ColourRule]:
        return default_client_colour_rules()

    def bound_source(self, query: Any) -> BoundSource:
        return BoundSource(self.search_service, query, narrow_to_clients)

    def live_match(self, batch: ChangeBatch) -> dict[str, set[int] | None]:
        if not batch.touches(*LIVE_TABLES):
            return {}
        return {"id": batch.clients(*LIVE_TABLES)}

    def live_structural(self, batch: ChangeBatch) -> bool:
        return batch.inserted_or_deleted("clients")

    def _register_actions(self) -> None:
        add = self.add_action
        add("clients.quick_search", "Быстрый поиск клиента", self.focus_search)
        add("clients.open", "Открыть карточку клиента", self.open_selected)
        add("clients.new", "Новый клиент", lambda: self.open_card("client", None))
        add("clients.mark_deleted", "Пометить на удаление", self.mark_selected_deleted)
        add("clients.undo_mark_deleted", "Отменить пометку на удаление", self.undo_mark_deleted)
        add("clients.toggle_favourite", "Любимый клиент (вкл./выкл.)", self.toggle_favourite)
        add("clients.export_excel", "Выгрузить список клиентов в Excel…",
            lambda: self.export_excel())
        add("clients.filter_builder", "Фильтр списка клиентов…", self.edit_filter)
        add("clients.colour_rules", "Правила раскраски списка клиентов…",
            self.edit_colour_rules)
        add("clients.set_responsible", "Назначить ответственного…", self.set_responsible)
        add("clients.open_contacts", "Контактные лица выбранных клиентов",
            self.open_contacts_of_selected)

    def context_menu_actions(self) -> list[str | None]:
        return ["clients.open", "clients.new", None, "clients.toggle_favourite",
                "clients.set_responsible", "clients.open_contacts", None,
                "clients.export_excel", None, "clients.mark_deleted",
                "clients.undo_mark_deleted"]

    def phone_to_dial(self) -> str | None:
        """Click-to-call («Позвонить», telephony.dial): the main phone of the selected client."""
        rows = self.selected_rows(1)
        row = self.model.row(rows[0]) if rows else None
        return (row.get("phone") or None) if row else None

    # -- query ----------------------------------------------------------------------
    def current_preset(self) -> cs.ClientPreset:
        return cs.ClientPreset(self.preset_box.currentData() or cs.ClientPreset.ALL.value)

    def _preset_changed(self) -> None:
        preset = self.current_preset()
        if preset in cs.PRESETS_WITH_VALUE:
            if self._choices is None:
                self._choices = cs.preset_choices(self.context.base)
            self.value_box.blockSignals(True)
            self.value_box.clear()
            items: list[tuple[Any, str]] = {
                cs.ClientPreset.DEPARTMENT: self._choices.departments,
                cs.ClientPreset.RESPONSIBLE: self._choices.employees,
                cs.ClientPreset.SEGMENT: [(s, s) for s in self._choices.segments],
                cs.ClientPreset.REGION: [(s, s) for s in self._choices.regions],
            }[preset]
            for value, title in items:
                self.value_box.addItem(title, value)
            self.value_box.blockSignals(False)
            self.value_box.show()
            self.value_box.setFocus()
        else:
            self.value_box.hide()
        self.apply_query()

    def build_query(self) -> cs.ClientQuery:
        preset = self.current_preset()
        value = self.value_box.currentData() if preset in cs.PRESETS_WITH_VALUE else None
        return cs.ClientQuery(
            text=self.search_edit.text(), preset=preset, preset_value=value,
            user_filter=self._user_filter, sort=cs.ClientSort(self.sort_key()),
            descending=self._descending, employee_id=self.context.employee_id,
            show_marked=self.marked_box.isChecked(),
        )

    # -- commands ---------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def open_selected(self) -> None:
        if self.pending_search():
            self.apply_query()
        ids = self.selected_ids(MAX_CARDS_AT_ONCE + 1)
        if len(ids) > MAX_CARDS_AT_ONCE:
            self.show_message(f"Выбрано слишком много клиентов: карточки открываются "
                              f"не более чем для {MAX_CARDS_AT_ONCE}")
            return
        for client_id in ids:
            if not self.open_card("client", client_id):
                return

    def mark_selected_deleted(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        changed = cs.set_marked_for_deletion(self.context.base, ids, True,
                                             self.context.employee_id)
        if changed:
            self._undo_marks.append(changed)
            self.context.bus.announce("client", changed)
        shortcut = self.context.actions.shortcut("clients.undo_mark_deleted")
        self.show_message(f"Помечено на удаление: {len(changed)}. Отменить — {shortcut}")

    def undo_mark_deleted(self) -> None:
        if not self._undo_marks:
            self.show_message("Нечего отменять")
            return
        ids = self._undo_marks.pop()
        changed = cs.set_marked_for_deletion(self.context.base, ids, False,
                                             self.context.employee_id)
        self.context.bus.announce("client", changed)
        self.show_message(f"Пометка на удаление снята: {len(changed)}")

    def toggle_favourite(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if self.context.employee_id is None:
            self.show_message("Любимые клиенты доступны только сотруднику из справочника")
            return
        row = self.view.currentIndex().row()
        on = cs.set_favourite(self.context.base, ids, self.context.employee_id)
        self.context.bus.announce("client", ids)
        if len(ids) == 1:
            self.select_row(row)
        self.show_message(("Добавлено в любимые: " if on else "Убрано из любимых: ")
                          + str(len(ids)))

    def set_responsible(self) -> None:
        from vostok_desktop.gui.filter_dialogs import SetResponsibleDialog

        ids = self.selected_ids()
        if not ids:
            return
        choices = self._choices = self._choices or cs.preset_choices(self.context.base)
        dialog = SetResponsibleDialog(choices.directions, choices.employees, len(ids), self)
        if not dialog.exec() or (choice := dialog.choice()) is None:
            return
        changed = cs.set_responsible(self.context.base, ids, choice[0], choice[1],
                                     self.context.employee_id)
        self.context.bus.announce("client", changed)
        self.show_message(f"Ответственный назначен: {len(changed)} клиент(ов)")

    def open_contacts_of_selected(self) -> None:
        """Show the contacts of the selected clients in the «Контактные лица» agent
        (found beside this one in the main window); ``contacts_requested`` is emitted
        too, for hosts that place the agents differently."""
        from vostok_desktop.gui.agents.contact_list import ContactListAgent

        ids = self.selected_ids()
        if not ids:
            return
        self.contacts_requested.emit(ids)
        agent = self.window().findChild(ContactListAgent)
        if agent is None:
            self.show_message("Агент «Контактные лица» не открыт")
            return
        agent.show_clients(ids)
        dock = agent.parentWidget()
        while dock is not None and not hasattr(dock, "toggleViewAction"):
            dock = dock.parentWidget()
        if dock is not None:
            dock.show()
            dock.raise_()
        agent.view.setFocus()


__all__ = ["CLIENT_COLUMNS", "ClientListAgent", "KeysetListAgent", "write_xlsx"]
