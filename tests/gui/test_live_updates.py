"""Live updates seen like a user: a colleague (another connection, another program on the
same base) changes a client; my list and my open card show it without my doing anything.
Both dialects: NOTIFY on PostgreSQL, the change counter on the file base."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select, text

from vostok_desktop.db import OpenedBase, open_base
from vostok_desktop.domain import Client
from vostok_desktop.gui.agents.client_list import ClientListAgent
from vostok_desktop.gui.agents.contact_list import ContactListAgent
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.cards import conflict
from vostok_desktop.gui.cards.client_card import ClientCard
from vostok_desktop.gui.cards.live_banner import LiveBanner, banner_of
from vostok_desktop.gui.live_updates import LiveUpdates, install_live_updates
from vostok_desktop.gui.models.keyset_model import Roles
from vostok_desktop.services.cards.clients import load_client, new_client, save_client
from vostok_desktop.services.cards.contacts import load_contact, save_contact
from vostok_desktop.services.clients.operations import set_marked_for_deletion
from vostok_desktop.services.common.live_updates import CHANNEL
from vostok_desktop.settings import Settings

WAIT_MS = 10_000
postgresql_only = pytest.mark.parametrize("dialect", ["postgresql"], indirect=True)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Questions the program asks (QMessageBox.question): recorded, answered «Нет»
    (a test can change the answer by appending to the list before the question)."""
    asked: list[str] = []

    def question(_parent, _title, text_, *_a, **_k):  # noqa: ANN001, ANN202
        asked.append(text_)
        return QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


@pytest.fixture
def colleague(demo_base: OpenedBase) -> Iterator[OpenedBase]:
    """Another workstation on the same base: its own engine and connections."""
    other = open_base(demo_base.location, demo_base.engine.url.password)
    yield other
    other.close()


@pytest.fixture
def window(qtbot, demo_base: OpenedBase, answers: list[str]):  # noqa: ANN001
    win = build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(win)
    live = install_live_updates(win, poll_ms=100, retry_ms=100)
    for agent in (win.findChild(ClientListAgent), win.findChild(ContactListAgent)):
        assert agent.model.wait_for_count()
    win.show()
    qtbot.waitExposed(win)
    assert live.is_listening
    yield win
    for card in win.context.cards.cards():  # no «save?» box at teardown
        card._dirty = False
    win.context.cards.close_all()


def _live(win) -> LiveUpdates:  # noqa: ANN001
    return win.live_updates


def _row_of(agent, client_id: int) -> int | None:  # noqa: ANN001
    model = agent.model
    for n in range(min(model.rowCount(), 400)):
        if model.data(model.index(n, 0), Roles.ID) == client_id:
            return n
    return None


def _shown(agent, entity_id: int, column: str) -> str | None:  # noqa: ANN001
    """The text the list shows for this row and column (None: the row is not shown)."""
    n = _row_of(agent, entity_id)
    if n is None:
        return None
    c = next(i for i, spec in enumerate(agent.model.columns) if spec.key == column)
    return agent.model.data(agent.model.index(n, c))


def _rename(base: OpenedBase, client_id: int, name: str) -> None:
    data = load_client(base, client_id)
    data.short_name = name
    save_client(base, data, None)


# -- the list ---------------------------------------------------------------------------------


def test_a_rename_elsewhere_shows_in_my_list_and_keeps_my_place(qtbot, window,  # noqa: ANN001
                                                                colleague) -> None:  # noqa: ANN001
    agent = window.findChild(ClientListAgent)
    agent.select_row(5)
    chosen = agent.current_id()
    scroll = agent.view.verticalScrollBar().value()
    before = agent.model.reads
    old_name = _shown(agent, chosen, "name")
    _rename(colleague, chosen, old_name + " (переименован)")
    qtbot.waitUntil(lambda: _shown(agent, chosen, "name") == old_name + " (переименован)",
                    timeout=WAIT_MS)
    assert agent.current_id() == chosen  # the selection stayed on the same client
    assert agent.view.verticalScrollBar().value() == scroll
    assert agent.model.reads - before <= 6  # a few short reads, not the whole list again


def test_far_down_the_list_a_move_elsewhere_keeps_my_scroll_and_selection(
        qtbot, window, colleague) -> None:  # noqa: ANN001
    agent = window.findChild(ClientListAgent)
    assert agent.model.rowCount() > 260
    agent.select_row(250)  # the second block of rows
    qtbot.wait(20)
    chosen = agent.current_id()
    bar = agent.view.verticalScrollBar()
    scroll = bar.value()
    assert scroll > 0
    # A neighbour above me is renamed to sort first: rows move, my client stays selected.
    neighbour = agent.model.row_id(240)
    _rename(colleague, neighbour, "Аааа переименован коллегой")
    qtbot.waitUntil(lambda: _row_of(agent, neighbour) == 0, timeout=WAIT_MS)
    assert agent.current_id() == chosen
    assert agent.view.selectionModel().isRowSelected(agent.view.currentIndex().row())
    assert bar.value() == scroll


def test_a_status_change_elsewhere_repaints_the_row_in_place(qtbot, window,  # noqa: ANN001
                                                             colleague) -> None:  # noqa: ANN001
    agent = window.findChild(ClientListAgent)
    client_id = agent.model.row_id(2)
    data = load_client(colleague, client_id)
    target = next(s for s in type(data.status) if s is not data.status)
    data.status = target
    save_client(colleague, data, None)
    from vostok_desktop.domain.clients import CLIENT_STATUS_TITLES
    qtbot.waitUntil(lambda: _shown(agent, client_id, "status") == CLIENT_STATUS_TITLES[target],
                    timeout=WAIT_MS)
    assert _row_of(agent, client_id) == 2


def test_a_client_marked_elsewhere_leaves_my_list_and_a_new_one_arrives(
        qtbot, window, colleague) -> None:  # noqa: ANN001
    agent = window.findChild(ClientListAgent)
    count = agent.model.rowCount()
    gone = agent.model.row_id(3)
    set_marked_for_deletion(colleague, [gone], True, None)
    qtbot.waitUntil(lambda: _row_of(agent, gone) is None
                    and agent.model.rowCount() == count - 1, timeout=WAIT_MS)
    fresh = new_client()
    fresh.short_name = "Аааа новый клиент коллеги"  # sorts first: on screen at once
    saved = save_client(colleague, fresh, None)
    qtbot.waitUntil(lambda: agent.model.rowCount() == count, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _row_of(agent, saved.id) == 0, timeout=WAIT_MS)
    assert agent.status_label.text().endswith(f"{count:,}".replace(",", " "))


def test_a_contact_renamed_elsewhere_shows_in_the_contact_list(qtbot, window,  # noqa: ANN001
                                                               colleague) -> None:  # noqa: ANN001
    agent = window.findChild(ContactListAgent)
    contact_id = agent.model.row_id(1)
    data = load_contact(colleague, contact_id)
    data.position = "Главный по живым обновлениям"
    save_contact(colleague, data, None)
    qtbot.waitUntil(lambda: _shown(agent, contact_id, "position")
                    == "Главный по живым обновлениям", timeout=WAIT_MS)


# -- open cards ---------------------------------------------------------------------------------


def _open_card(win, base: OpenedBase) -> ClientCard:  # noqa: ANN001
    with base.sessions() as s:
        client_id = s.scalar(select(Client.id).where(Client.marked_for_deletion.is_(False))
                             .order_by(Client.id))
    card = win.context.cards.open("client", client_id)
    assert isinstance(card, ClientCard)
    return card


def _banner(card) -> LiveBanner | None:  # noqa: ANN001
    banner = banner_of(card, create=False)
    return banner if banner is not None and banner.isVisible() else None


def test_a_card_changed_elsewhere_shows_the_banner_and_rereads(qtbot, window, demo_base,  # noqa: ANN001
                                                               colleague) -> None:  # noqa: ANN001
    card = _open_card(window, demo_base)
    assert _banner(card) is None
    _rename(colleague, card.entity_id, "Переименовано коллегой")
    qtbot.waitUntil(lambda: _banner(card) is not None, timeout=WAIT_MS)
    banner = _banner(card)
    assert banner.label.text().startswith("Карточку изменил другой пользователь")
    assert card.short_name_edit.text() != "Переименовано коллегой"  # nothing replaced by itself
    banner.grab().save("/tmp/live_banner.png")
    card.grab().save("/tmp/live_banner_card.png")
    qtbot.mouseClick(banner.reload_button, Qt.MouseButton.LeftButton)
    assert card.short_name_edit.text() == "Переименовано коллегой"
    assert _banner(card) is None


def test_my_own_save_raises_no_banner(qtbot, window, demo_base) -> None:  # noqa: ANN001
    card = _open_card(window, demo_base)
    card.short_name_edit.setText("Сохранено мной")
    assert card.save()
    live = _live(window)
    batches = live.batches
    qtbot.waitUntil(lambda: live.batches > batches, timeout=WAIT_MS)  # my own notice came
    qtbot.wait(50)
    assert _banner(card) is None


def test_a_dirty_card_keeps_my_typing_and_compares(qtbot, window, demo_base, colleague,  # noqa: ANN001
                                                   answers, monkeypatch) -> None:  # noqa: ANN001
    card = _open_card(window, demo_base)
    card.notes_edit.setPlainText("моя заметка, ещё не сохранена")
    assert card.is_dirty()
    _rename(colleague, card.entity_id, "Имя от коллеги")
    qtbot.waitUntil(lambda: _banner(card) is not None, timeout=WAIT_MS)
    banner = _banner(card)
    # «Перечитать» on a dirty card asks first; «Нет» keeps what I typed.
    qtbot.mouseClick(banner.reload_button, Qt.MouseButton.LeftButton)
    assert answers and "несохранённые изменения" in answers[-1]
    assert card.notes_edit.toPlainText() == "моя заметка, ещё не сохранена"
    assert _banner(card) is not None
    # «Сравнить»: the comparison of the conflict dialog; keep mine over theirs.
    shown: list[list[str]] = []

    def choose(dialog) -> str:  # noqa: ANN001
        table = dialog.table
        shown.extend([[table.item(r, c).text() for c in range(3)]
                      for r in range(table.rowCount())])
        return "mine"
    monkeypatch.setattr(conflict.CompareDialog, "choose", choose)
    qtbot.mouseClick(banner.compare_button, Qt.MouseButton.LeftButton)
    fields = {row[0]: row for row in shown}
    assert any("Имя от коллеги" in row[2] for row in fields.values())
    assert any("моя заметка" in row[1] for row in fields.values())
    assert not card.is_dirty() and _banner(card) is None
    stored = load_client(demo_base, card.entity_id)
    assert stored.notes == "моя заметка, ещё не сохранена"


# -- server base: bad notices, a lost connection ---------------------------------------------


def _notify(base: OpenedBase, payload: str) -> None:
    with base.engine.begin() as conn:
        channel = conn.execute(text("SELECT vostok_listen_channel()")).scalar()
        assert channel and channel != CHANNEL  # the server's own, not the old shared one
        conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": channel, "p": payload})


@postgresql_only
def test_a_garbled_notice_changes_nothing_and_the_next_one_works(
        qtbot, window, colleague) -> None:  # noqa: ANN001
    agent = window.findChild(ClientListAgent)
    client_id = agent.model.row_id(0)
    with colleague.engine.begin() as conn:  # a change the trigger announces…
        conn.execute(text("ALTER TABLE clients DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE clients SET inn = NULL, kpp = NULL WHERE id = :i"),
                     {"i": client_id})
        conn.execute(text("ALTER TABLE clients ENABLE TRIGGER USER"))
    _notify(colleague, "{not json")  # …but first a garbled notice
    _notify(colleague, json.dumps({"table": "clients", "op": "UPDATE", "ids": "все"}))
    _notify(colleague, json.dumps({"table": "clients", "op": "UPDATE", "ids": [client_id],
                                   "clients": [client_id], "pid": 1}))
    qtbot.waitUntil(lambda: _shown(agent, client_id, "inn") == "", timeout=WAIT_MS)
    assert _live(window).is_listening


@postgresql_only
def test_the_window_listens_again_after_the_server_dropped_it(
        qtbot, window, colleague) -> None:  # noqa: ANN001
    live = _live(window)
    states: list[bool] = []
    live.listening_changed.connect(lambda on, _why: states.append(on))
    pid = live.listener.backend_pid()
    with colleague.engine.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    qtbot.waitUntil(lambda: states[-2:] == [False, True], timeout=WAIT_MS)
    assert live.listener.backend_pid() != pid
    agent = window.findChild(ClientListAgent)
    client_id = agent.model.row_id(1)
    _rename(colleague, client_id, _shown(agent, client_id, "name") + " (после обрыва)")
    qtbot.waitUntil(lambda: (_shown(agent, client_id, "name") or "").endswith("(после обрыва)"),
                    timeout=WAIT_MS)


@postgresql_only
def test_a_burst_of_changes_arrives_as_few_refreshes(qtbot, window, colleague) -> None:  # noqa: ANN001
    live = _live(window)
    batches = live.batches
    agent = window.findChild(ContactListAgent)
    ids = [agent.model.row_id(n) for n in range(30)]
    for contact_id in ids:  # thirty separate statements, committed one by one
        with colleague.engine.begin() as conn:
            conn.execute(text("UPDATE contacts SET position = 'пачка' WHERE id = :i"),
                         {"i": contact_id})
    qtbot.waitUntil(lambda: all(_shown(agent, i, "position") == "пачка" for i in ids),
                    timeout=WAIT_MS)
    assert live.batches - batches < len(ids)


def test_a_transfer_elsewhere_changes_both_clients_systems_in_my_list(
        qtbot, window, colleague) -> None:  # noqa: ANN001
    """«Систем» follows a colleague's movements: a transfer of rights lowers the giver's
    count and raises the receiver's, without my doing anything."""
    from datetime import date

    from vostok_desktop.domain import Distributive, DistributiveStatus
    from vostok_desktop.services.distributives import movements

    agent = window.findChild(ClientListAgent)
    rows = [agent.model.row(n) for n in range(min(agent.model.rowCount(), 200))]
    giver = next(r for r in rows if r["systems"] >= 1)
    taker = next(r for r in rows if r["id"] != giver["id"])
    with colleague.sessions() as s:
        moved = s.scalars(select(Distributive.id).where(
            Distributive.client_id == giver["id"],
            Distributive.status == DistributiveStatus.SERVED)).first()
    movements.transfer(colleague, moved, taker["id"], date.today(), None)
    after_giver = str(giver["systems"] - 1) if giver["systems"] > 1 else ""
    qtbot.waitUntil(lambda: _shown(agent, giver["id"], "systems") == after_giver and
                    _shown(agent, taker["id"], "systems") == str(taker["systems"] + 1),
                    timeout=WAIT_MS)


# -- pages that follow their own tables (the bus carries the batches) ----------------------


def test_a_competitor_marked_elsewhere_shows_on_my_client_page(qtbot, window, demo_base,  # noqa: ANN001
                                                                colleague) -> None:  # noqa: ANN001
    from vostok_desktop.domain.competitors import ClientCompetitor, Competitor
    from vostok_desktop.gui.competitors.client_page import ClientCompetitorsPage
    from vostok_desktop.services.competitors import documents as docs

    with demo_base.sessions() as s:
        used = select(ClientCompetitor.client_id).scalar_subquery()
        client_id = s.scalar(select(Client.id).where(Client.id.not_in(used))
                             .order_by(Client.id).limit(1))
        competitor_id = s.scalar(select(Competitor.id).order_by(Competitor.id).limit(1))
    card = window.context.cards.open("client", client_id)
    page = card.findChild(ClientCompetitorsPage)
    card.pages.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page._loaded)
    assert page.table.rowCount() == 0
    data = docs.new_document(colleague, client_id, None)
    data.competitor_id, data.monthly_value = competitor_id, "9000"
    docs.save_document(colleague, data, None)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=WAIT_MS)
    assert page.table.item(0, 5).text().startswith("9")


def test_a_colleagues_call_result_moves_my_campaign_progress(qtbot, window, demo_base,  # noqa: ANN001
                                                             colleague) -> None:  # noqa: ANN001
    from vostok_desktop.services.campaigns import campaigns as cmp
    from vostok_desktop.services.campaigns import queue

    window.context.actions.trigger("campaigns.work")  # the demo's only active campaign
    tab = next(iter(window.campaigns.work_tabs.values()))
    before = tab.progress.value()
    item = queue.next_item(colleague, tab.campaign_id, None)
    assert item is not None
    with colleague.sessions() as s:
        done = next(r for r in cmp.call_results(s) if not r.is_refusal and not r.retry)
    queue.save_result(colleague, item, None, done.id)
    qtbot.waitUntil(lambda: tab.progress.value() == before + 1, timeout=WAIT_MS)
