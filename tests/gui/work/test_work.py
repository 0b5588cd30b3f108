"""Organisation of work driven like a user: a work with per-ПРиЗ comments from the keyboard,
the wrap-up after a call, assignments for many clients from the agent, reminders on a fake
clock, the employee card's «Поручения» tab, the client card pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import CallDirection, CallEvent, CallEventKind, Client, Contact
from vostok_desktop.domain.work import ActionItemKind, Assignment, WorkActionLine, WorkRecord
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.work import install_work
from vostok_desktop.gui.work.controller import EndedCall
from vostok_desktop.gui.work.work_form import WorkForm
from vostok_desktop.services.work import assignments as asg
from vostok_desktop.services.work import reminders as rem
from vostok_desktop.services.work import works as wk
from vostok_desktop.settings import Settings

CTRL = Qt.KeyboardModifier.ControlModifier
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def type_text(qtbot, text: str) -> None:
    """Type into whatever has focus (an item editor opens on the first key), Cyrillic too."""
    for ch in text:
        widget = QApplication.focusWidget()
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))


def key(qtbot, k: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), k, modifiers)


def as_demo_admin(monkeypatch, base) -> None:  # noqa: ANN001
    """On a server base the login role is the test cluster's superuser, who has no employee
    card; the work area needs one, so the window runs as the demo administrator."""
    from vostok_desktop.domain import Employee as _Employee
    from vostok_desktop.services.common.startup import CurrentEmployee

    with base.sessions() as s:
        admin = s.scalars(select(_Employee).where(_Employee.login == "admin")).one()
        me = CurrentEmployee(admin.id, admin.login, admin.full_name, True)
    monkeypatch.setattr("vostok_desktop.services.common.startup.current_employee", lambda _b, _s: me)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def window(qtbot, demo_base: OpenedBase, monkeypatch: pytest.MonkeyPatch, clock: FakeClock):
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    import vostok_desktop.gui.app as app_module

    # The window under test runs on the fake clock and without the login digest.
    monkeypatch.setattr("vostok_desktop.gui.work.install_work",
                        lambda w: install_work(w, clock=clock, start=False))
    as_demo_admin(monkeypatch, demo_base)
    win = app_module.build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    for form in list(win.work.forms):
        form.close()


def _client(base: OpenedBase) -> tuple[int, int]:
    with base.sessions() as s:
        row = s.execute(select(Contact.client_id, Contact.id).order_by(Contact.id)).first()
        return row[0], row[1]


def test_work_with_comment_per_action_item_from_the_keyboard(qtbot, window, demo_base) -> None:
    client_id, _contact = _client(demo_base)
    me = window.context.employee_id
    for text, kind in (("Обучить КЛ", ActionItemKind.TASK),
                       ("Конкурент у клиента", ActionItemKind.PROBLEM),
                       ("Не трогали", ActionItemKind.RECOMMENDATION)):
        wk.save_action_item(demo_base, wk.ActionItemData(client_id=client_id, kind=kind,
                                                         text=text), me)
    form = window.work.new_work_for(client_id)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    assert form.lines_table.rowCount() == 3
    form.lines_table.setFocus()
    # Row 1: Space marks «велась работа», Enter opens the comment, typing, Enter commits.
    key(qtbot, Qt.Key.Key_Space)
    key(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, "Согласовали время обучения")
    key(qtbot, Qt.Key.Key_Return)
    # Row 2: a comment alone marks the line worked.
    form.lines_table.setFocus()
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, "Договорились о встрече")
    key(qtbot, Qt.Key.Key_Return)
    form.result_edit.setFocus()
    type_text(qtbot, "Поговорили")
    key(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert form.result_data is not None
    with demo_base.sessions() as s:
        work = s.scalars(select(WorkRecord).where(WorkRecord.client_id == client_id)).one()
        lines = {line.comment for line in s.scalars(
            select(WorkActionLine).where(WorkActionLine.work_id == work.id))}
        assert work.result == "Поговорили" and work.employee_id == me
    assert lines == {"Согласовали время обучения", "Договорились о встрече"}


def test_wrap_up_after_a_call_prefills_the_work(qtbot, window, demo_base) -> None:
    client_id, contact_id = _client(demo_base)
    wk.save_action_item(demo_base, wk.ActionItemData(client_id=client_id, text="Долг"), None)
    controller = window.work
    start = NOW - timedelta(minutes=6)
    controller.calls["c-1"] = EndedCall("c-1", CallDirection.INCOMING, start, None, None,
                                        client_id, contact_id)
    event = CallEvent(CallEventKind.ANSWERED, "c-1", CallDirection.INCOMING, "+7383", "100",
                      at=start + timedelta(seconds=20))
    controller.on_call_event(event)
    controller.on_call_event(CallEvent(CallEventKind.HANGUP, "c-1", CallDirection.INCOMING,
                                       "+7383", "100", answered=True,
                                       at=start + timedelta(minutes=5, seconds=20)))
    assert "Alt+W" in window.statusBar().currentMessage()
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    form = next(f for f in controller.forms if isinstance(f, WorkForm))
    data = form.collect()
    assert (data.client_id, data.contact_id, data.incoming, data.done) == (
        client_id, contact_id, True, True)
    assert data.duration_min == 5 and data.starts_at == start
    assert [line.text for line in data.lines] == ["Долг"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.lines_table)


def test_assignment_for_many_clients_from_the_agent(qtbot, window, demo_base) -> None:
    agent = window.docks["client_list_agent"].widget()
    qtbot.waitUntil(lambda: agent.model.rowCount() > 5)
    agent.view.setFocus()
    agent.select_row(0)
    for _ in range(2):
        qtbot.keyClick(agent.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    ids = agent.selected_ids()
    assert len(ids) == 3
    qtbot.keyClick(agent.view, Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)
    form = window.work.forms[-1]
    assert "клиентов: 3" in form.targets_label.text()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.text_edit)
    type_text(qtbot, "Поздравить с праздником")
    form.save_button.click()
    assert not form.message_label.isVisibleTo(form), form.message_label.text()
    with demo_base.sessions() as s:
        rows = s.execute(select(Assignment.client_id, Assignment.executor_id)
                         .where(Assignment.text == "Поздравить с праздником")).all()
    assert sorted(c for c, _ in rows) == sorted(ids)
    assert {e for _, e in rows} == {form.executor_combo.currentData()}


def test_reminder_fires_on_the_fake_clock_and_snoozes(qtbot, window, demo_base, clock) -> None:
    me = window.context.employee_id
    client_id, _ = _client(demo_base)
    rid = rem.add_reminder(demo_base, me, NOW + timedelta(minutes=30), "Позвонить в банк",
                           client_id=client_id)
    controller = window.work
    assert controller.scheduler.check() == []
    clock.now = NOW + timedelta(minutes=31)
    with qtbot.waitSignal(controller.scheduler.reminder_due) as fired:
        controller.scheduler.check()
    assert fired.args[0].id == rid
    popup = controller.notifier.popups[rid]
    assert popup.isVisible() and "Позвонить в банк" in popup.text_label.text()
    assert controller.scheduler.check() == []  # shown once
    popup.snooze_button.click()
    clock.now += timedelta(minutes=11)
    assert [r.id for r in controller.scheduler.check()] == [rid]
    controller.notifier.popups[rid].open_button.click()
    assert window.context.cards.find("client", client_id) is not None
    assert rem.next_reminder_at(demo_base, me) is None


def test_employee_card_shows_open_assignments_and_load(qtbot, window, demo_base) -> None:
    me = window.context.employee_id
    with demo_base.sessions() as s:
        clients = list(s.scalars(select(Client.id).order_by(Client.id).limit(2)))
    asg.create_assignments(demo_base, asg.AssignmentDraft(
        targets=[(c, None) for c in clients], executor_id=me, text="Проверить договор",
        deadline=NOW - timedelta(days=1)), None)
    card = window.context.cards.open("employee", me)
    card.pages.setCurrentIndex(1)
    assert card.assignments_table.rowCount() == 2
    assert "Открытых поручений: 2" in card.load_label.text()
    assert "просрочено 2" in card.load_label.text()
    assert card.assignments_table.item(0, 0).foreground().color().name() == "#c62828"


def test_client_card_pages(qtbot, window, demo_base) -> None:
    client_id, _ = _client(demo_base)
    wk.save_action_item(demo_base, wk.ActionItemData(client_id=client_id, text="Проблема А"),
                        None)
    card = window.context.cards.open("client", client_id)
    titles = [card.pages.tabText(i) for i in range(card.pages.count())]
    assert "ПРиЗ" in titles and "Поручения и работы" in titles
    page = card.pages.findChild(object, "action_items_page")
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "Проблема А"
    window.work.assign([(client_id, None)], "Выставить счёт").save()
    works = card.pages.findChild(object, "works_page")
    assert any("Выставить счёт" in works.table.item(r, 1).text()
               for r in range(works.table.rowCount()))


def test_login_digest_dialog(qtbot, demo_base, clock, monkeypatch) -> None:
    as_demo_admin(monkeypatch, demo_base)
    win = build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(win)
    digest = win.work.show_digest()
    assert digest is not None
    dialog = win.work.forms[-1]
    assert dialog.objectName() == "digest_dialog"
    dialog.close()
