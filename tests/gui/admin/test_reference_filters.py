"""The agents keep saved filters and colour rules in the base (0011): own ones follow the
user to another workstation, shared ones reach colleagues, and what an older version
left in QSettings is still offered and taken into the base with the next save."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from vostok_desktop.domain import Employee
from vostok_desktop.domain.access import Visibility
from vostok_desktop.gui.agents.client_list import ClientListAgent
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.filter_dialogs import ColourRulesDialog, FilterBuilderDialog
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.lists.filters import (
    ColourRule,
    Condition,
    FilterGroup,
    Operator,
    dump_saved_filters,
)
from vostok_desktop.services.reference import list_settings as ls
from vostok_desktop.settings import Settings

SERVED = FilterGroup((Condition("status", Operator.EQ, "served"),))
OLD = FilterGroup((Condition("inn", Operator.STARTS, "54"),))
MANAGER = AccessProfile(frozenset({"client.edit"}), Visibility.ALL, "manager")


@pytest.fixture
def window(qtbot, demo_base, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *_a, **_k: None))
    win = build_main_window(demo_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    with demo_base.sessions() as s:
        first, second = s.scalars(select(Employee.id).order_by(Employee.id).limit(2)).all()
    if win.context.employee_id is None:  # the test server's login is not an employee
        win.context.employee_id = first
    win.colleague_id = second if win.context.employee_id != second else first
    return win


def _agent(win) -> ClientListAgent:  # noqa: ANN001
    return win.findChild(ClientListAgent)


def _colleague(win, agent_cls=ClientListAgent):  # noqa: ANN001, ANN202
    context = dataclasses.replace(win.context, employee_id=win.colleague_id, access=MANAGER)
    return agent_cls(context)


def test_own_filters_go_to_the_base_and_old_qsettings_ones_are_taken_along(
        qtbot, window, demo_base) -> None:
    agent = _agent(window)
    key = agent._qs_key("saved_filters")
    agent.context.qsettings.setValue(key, dump_saved_filters({"ИНН 54 (старый)": OLD}))
    assert agent.saved_filters() == {"ИНН 54 (старый)": OLD}  # still offered
    dialog = FilterBuilderDialog(agent.filter_fields, SERVED, agent.saved_filters(), agent,
                                 shared={})
    qtbot.addWidget(dialog)
    dialog.save_current("Обслуживаемые")
    agent.store_saved_filters(dialog.saved)
    assert agent.context.qsettings.value(key) is None  # moved into the base
    with demo_base.sessions() as s:
        own = ls.load_filters(s, agent.list_store.editor(), agent.settings_name).own
    assert own == {"ИНН 54 (старый)": OLD, "Обслуживаемые": SERVED}
    colleague = _colleague(window)
    qtbot.addWidget(colleague)
    assert colleague.saved_filters() == {}  # private


def test_a_shared_filter_reaches_a_colleague_who_cannot_replace_it(qtbot, window) -> None:
    agent = _agent(window)
    dialog = FilterBuilderDialog(agent.filter_fields, SERVED, {}, agent, shared={})
    qtbot.addWidget(dialog)
    assert dialog.share_button.isVisible() or not dialog.isVisible()
    assert dialog.share_current("Обслуживаемые для всех")
    assert agent.list_store.store_shared(dialog.shared_added, dialog.shared_removed)

    colleague = _colleague(window)
    qtbot.addWidget(colleague)
    stored = colleague.list_store.stored()
    assert stored.shared["Обслуживаемые для всех"].group == SERVED
    assert not stored.shared["Обслуживаемые для всех"].editable
    colleague._fill_filter_menu()
    titles = [a.text() for a in colleague.filter_menu.actions()]
    assert "Обслуживаемые для всех (общий)" in titles
    # The colleague's builder lists it; sharing under that name or deleting it is refused.
    from vostok_desktop.gui.filter_dialogs import SharedFilterInfo

    theirs = FilterBuilderDialog(colleague.filter_fields, OLD, {}, colleague, shared={
        n: SharedFilterInfo(f.group, f.editable, f.owner_name) for n, f in stored.shared.items()})
    qtbot.addWidget(theirs)
    assert not theirs.share_current("Обслуживаемые для всех")
    theirs.saved_box.setCurrentIndex(theirs.saved_box.findData(("shared",
                                                                "Обслуживаемые для всех")))
    theirs._delete_saved()
    assert theirs.shared_removed == [] and theirs.shared_added == {}
    # And the base refuses even if the dialog were bypassed.
    assert not colleague.list_store.store_shared({"Обслуживаемые для всех": OLD}, [])
    assert "другой сотрудник" in colleague.list_store.last_error


def test_colour_rules_follow_the_user_and_shared_ones_need_the_right(qtbot, window) -> None:
    agent = _agent(window)
    pink = [ColourRule("VIP", SERVED, "#ffd0e0")]
    agent.set_colour_rules(pink)
    assert agent.context.qsettings.value(agent._qs_key("colour_rules")) is None
    again = ClientListAgent(window.context)  # another workstation of the same user
    qtbot.addWidget(again)
    assert again.colour_rules() == pink

    colleague = _colleague(window)
    qtbot.addWidget(colleague)
    assert colleague.colour_rules() != pink  # not shared: the colleague keeps the defaults
    dialog = ColourRulesDialog(colleague.filter_fields, colleague.colour_rules(),
                               colleague.default_colour_rules, colleague,
                               can_share=colleague.list_store.can_share_colours())
    qtbot.addWidget(dialog)
    assert not dialog.share_box.isEnabled()
    assert "Справочники" in dialog.share_box.toolTip()

    agent.set_colour_rules(pink, shared=True)  # the first user has every right here
    fresh = _colleague(window)
    qtbot.addWidget(fresh)
    assert fresh.colour_rules() == pink


def test_shared_filters_are_listed_in_the_reference_window_and_removed_by_their_author(
        qtbot, window, monkeypatch) -> None:
    from vostok_desktop.gui.admin.reference_pages import SharedSettingsPage

    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))
    agent = _agent(window)
    assert agent.list_store.store_shared({"Обслуживаемые для всех": SERVED}, [])
    colleague = dataclasses.replace(window.context, employee_id=window.colleague_id,
                                    access=MANAGER)
    theirs = SharedSettingsPage(colleague)
    qtbot.addWidget(theirs)
    theirs.show()
    assert [theirs.table.item(r, 0).text() for r in range(theirs.table.rowCount())] == \
        ["Обслуживаемые для всех"]
    assert theirs.table.item(0, 1).text() == "Список клиентов"
    assert not theirs.remove()
    assert "Нет права «Справочники»" in theirs.message_label.text()
    mine = SharedSettingsPage(window.context)
    qtbot.addWidget(mine)
    mine.show()
    assert mine.remove()
    assert mine.table.rowCount() == 0
    assert agent.list_store.stored().shared == {}
