"""The menu «Дистрибутивы» reaches every screen of the area, and ЗВЭ is switched for the
clients selected in «Список клиентов» in one go."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from tests.gui.distributives.conftest import window  # noqa: F401
from vostok_desktop.domain.distributives import Kit
from vostok_desktop.gui.agents.client_list import ClientListAgent
from vostok_desktop.gui.agents.distributive_list import DistributiveListAgent


def _menu_texts(win) -> list[str]:  # noqa: ANN001
    menu = win.findChild(QWidget, "distributives_menu")
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_the_menu_opens_every_screen_of_the_area(qtbot, window) -> None:  # noqa: F811
    texts = _menu_texts(window)
    for title in ("Склад…", "Запланировать установку…", "Контроль сроков установки…",
                  "Файл ЗВЭ (expcons.txt)…", "Заявка в КЦ…", "Сверка с РЦ…",
                  "Отчёты по дистрибутивам…", "Включить ЗВЭ выбранным клиентам"):
        assert title in texts, title
    actions = window.context.actions
    for action_id, shown in (("distributives.reports", "Отчёты по дистрибутивам"),
                             ("distributives.installation_control",
                              "Контроль сроков установки"),
                             ("distributives.plan_installation", "установк")):
        before = {w for w in window.findChildren(QWidget) if w.isWindow() and w.isVisible()}
        actions.action(action_id).trigger()
        opened = [w for w in window.findChildren(QWidget)
                  if w.isWindow() and w.isVisible() and w not in before]
        assert any(shown.lower() in w.windowTitle().lower() for w in opened), \
            (action_id, [w.windowTitle() for w in opened])
        for w in opened:
            w.close()
    # The third agent is docked and answers «Окна → Дистрибутивы».
    assert window.findChild(DistributiveListAgent) is not None
    assert actions.action("window.distributive_list").shortcut().toString() == "Ctrl+3"


def test_ask_expert_is_switched_for_the_selected_clients_kits(qtbot, window,  # noqa: F811
                                                              demo_base) -> None:
    with demo_base.sessions() as s:
        clients = list(dict.fromkeys(s.scalars(
            select(Kit.client_id).where(Kit.ask_expert.is_(False)).order_by(Kit.client_id))))
    agent = window.findChild(ClientListAgent)
    qtbot.waitUntil(lambda: agent.model.rowCount() > 0)
    # Select the first two listed clients that have a kit without ЗВЭ.
    rows = [r for r in range(min(agent.model.rowCount(), 400))
            if (agent.model.row(r) or {}).get("id") in set(clients)][:2]
    assert len(rows) == 2
    chosen = [agent.model.row(r)["id"] for r in rows]
    selection = agent.view.selectionModel()
    selection.clearSelection()
    for r in rows:
        selection.select(agent.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    window.context.actions.action("clients.ask_expert_on").trigger()
    with demo_base.sessions() as s:
        flags = set(s.scalars(select(Kit.ask_expert).where(Kit.client_id.in_(chosen))))
    assert flags == {True}
    assert "ЗВЭ включён" in window.statusBar().currentMessage()
    window.context.actions.action("clients.ask_expert_off").trigger()
    with demo_base.sessions() as s:
        flags = set(s.scalars(select(Kit.ask_expert).where(Kit.client_id.in_(chosen))))
    assert flags == {False}
