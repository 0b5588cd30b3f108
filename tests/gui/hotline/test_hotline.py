"""Hot line in the real main window on the demo base: the keyboard path from a simulated
call to a saved request, the other ways into the form, the journal, the cards, the
deadline notifications (fake clock) and the reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy import select, update

from tests.gui.telephony.test_informer import contact_numbers, press, ring
from vostok_desktop.domain import Call, Contact
from vostok_desktop.domain.hotline import HotlineLine, HotlineRequest, RequestStatus
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.hotline.card import RequestCard
from vostok_desktop.gui.hotline.journal import URGENCY_ROLE, Col, RequestsPage
from vostok_desktop.gui.hotline.monitor import last_seen_key
from vostok_desktop.services.hotline import requests as hl
from vostok_desktop.settings import Settings


@pytest.fixture
def dialect() -> str:
    """GUI: one dialect is enough (the services run on both)."""
    return "sqlite"


class Asked:
    def __init__(self) -> None:
        self.questions: list[str] = []
        self.answer = QMessageBox.StandardButton.Yes

    def __call__(self, _parent, _title, text, *_a, **_k):  # noqa: ANN001, ANN204
        self.questions.append(text)
        return self.answer


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Asked:
    box = Asked()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(box))
    return box


@pytest.fixture
def window(qtbot, demo_base, asked):  # noqa: ANN001, ANN201
    win = build_main_window(demo_base, Settings())  # telephony first, as in the program
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    win.telephony.shutdown()
    win.hotline.monitor.stop()


def key(qtbot, k: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    """One keystroke to whatever has the keyboard now."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    qtbot.keyClick(target, k, modifier)


def type_text(qtbot, widget: QWidget, text: str) -> None:  # noqa: ANN001
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))


def requests(base) -> list[HotlineRequest]:  # noqa: ANN001
    with base.sessions() as s:
        return list(s.scalars(select(HotlineRequest).order_by(HotlineRequest.id)))


def test_from_ringing_to_saved_in_five_keys(qtbot, window, demo_base) -> None:  # noqa: ANN001
    controller = window.telephony
    (number, contact_id), *_ = contact_numbers(demo_base, 1)
    call_id = ring(controller, number, answer_after_s=0.01, talk_s=120)
    popup = controller.informer.popup(call_id)
    qtbot.waitUntil(lambda: popup.view.state == "talking", timeout=15000)
    # The popup never takes the keyboard by itself: the operator is still in the window.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=15000)
    keys = 0
    key(qtbot, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # 1: Alt+T, to the informer
    keys += 1
    qtbot.waitUntil(lambda: QApplication.activeWindow() is popup, timeout=15000)
    press(popup, "о")  # 2: «О» — register a request
    keys += 1
    form = window.hotline.form
    assert form is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.text_edit, timeout=15000)
    assert form.contact_box.currentData() == contact_id
    assert form.call is not None and form.call.call_row_id is not None
    type_text(qtbot, form.text_edit, "Как учесть командировочные?")  # the question: not counted
    key(qtbot, Qt.Key.Key_Tab)  # 3: to «Тип»
    keys += 1
    assert QApplication.focusWidget() is form.type_box
    press(QApplication.focusWidget(), "з")  # 4: «Заказ на поиск документов»
    keys += 1
    assert form.type_box.currentText() == "Заказ на поиск документов"
    key(qtbot, Qt.Key.Key_Return)  # 5: Enter saves
    keys += 1
    assert keys == 5
    (saved,) = requests(demo_base)
    with demo_base.sessions() as s:
        saved = s.get(HotlineRequest, saved.id)
        contact = s.get(Contact, contact_id)
        call = s.get(Call, saved.call_id)
        assert saved.client_id == contact.client_id and saved.contact_id == contact_id
        assert call.provider_call_id == call_id and call.request_id == saved.id
        assert saved.type.code == "search_order" and saved.stage.name == "Принят"
    assert saved.text == "Как учесть командировочные?"
    assert saved.operator_id == window.context.employee_id
    assert saved.status is RequestStatus.REGISTERED
    assert window.hotline.form is None or not window.hotline.form.isVisible()
    # The next call from this number shows the open request in the informer.
    info = controller.lookup(number)
    assert any(f"№{saved.id}" in t for t in info.matches[0].open_requests)


def test_shift_enter_new_line_and_esc_asks_when_typed(qtbot, window, demo_base, asked) -> None:  # noqa: ANN001
    form = window.hotline.new_request()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.caller_edit, timeout=15000)
    key(qtbot, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert asked.questions == [] and not form.isVisible()
    form = window.hotline.new_request()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.caller_edit, timeout=15000)
    form.text_edit.setFocus()
    type_text(qtbot, form.text_edit, "Строка")
    qtbot.keyClick(form.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_text(qtbot, form.text_edit, "вторая")
    assert form.text_edit.toPlainText() == "Строка\nвторая"
    qtbot.keyClick(form.text_edit, Qt.Key.Key_Return)  # no client yet: refused, kept
    assert form.isVisible() and "Не выбран клиент" in form.message_label.text()
    assert QApplication.focusWidget() is form.caller_edit
    asked.answer = QMessageBox.StandardButton.No
    key(qtbot, Qt.Key.Key_Escape)
    assert len(asked.questions) == 1 and form.isVisible()
    asked.answer = QMessageBox.StandardButton.Yes
    key(qtbot, Qt.Key.Key_Escape)
    assert not form.isVisible() and requests(demo_base) == []


def test_global_hotkey_type_ahead_by_phone(qtbot, window, demo_base) -> None:  # noqa: ANN001
    (number, contact_id), *_ = contact_numbers(demo_base, 1)
    digits = "".join(ch for ch in number if ch.isdigit())
    key(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.ShiftModifier)
    form = window.hotline.form
    assert form is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.caller_edit, timeout=15000)
    qtbot.keyClicks(form.caller_edit, digits)  # the number the caller dictates
    qtbot.waitUntil(lambda: form.completer_model.rowCount() > 0, timeout=15000)
    key(qtbot, Qt.Key.Key_Return)  # the first candidate
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.text_edit, timeout=15000)
    assert form.client_id is not None
    type_text(qtbot, form.text_edit, "Не открывается система")
    form.line_box.setCurrentIndex(form.line_box.findData(HotlineLine.CONSULTATION.value))
    key(qtbot, Qt.Key.Key_Return)
    (saved,) = requests(demo_base)
    assert saved.line is HotlineLine.CONSULTATION and saved.client_id == form.client_id
    # The line is remembered for the next form.
    again = window.hotline.new_request()
    assert again.line_box.currentData() == HotlineLine.CONSULTATION.value
    again.close()


def test_contact_agent_registers_for_several_contacts(qtbot, window, demo_base) -> None:  # noqa: ANN001
    agent = window.docks["contact_list_agent"].widget()
    window.docks["contact_list_agent"].show()
    window.docks["contact_list_agent"].raise_()
    qtbot.waitUntil(lambda: agent.model.rowCount() >= 3, timeout=15000)
    selection = agent.view.selectionModel()
    selection.clearSelection()
    for row in range(3):
        selection.select(agent.model.index(row, 1), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    ids = agent.selected_ids()
    assert len(ids) == 3
    assert "hotline.for_contacts" in agent.menu_action_ids()
    agent.view.setFocus()
    window.context.actions.trigger("hotline.new_request")  # the hotkey inside the agent
    form = window.hotline.form
    assert "3 контактных лиц" in form.contacts_label.text()
    type_text(qtbot, form.text_edit, "Приглашение на семинар")
    assert form.save()
    saved = requests(demo_base)
    assert sorted(r.contact_id for r in saved) == sorted(ids)


def test_client_card_page_and_request_card(qtbot, window, demo_base) -> None:  # noqa: ANN001
    with demo_base.sessions() as s:
        contact = s.scalars(select(Contact).order_by(Contact.id)).first()
        client_id, contact_id = contact.client_id, contact.id
    card = window.context.cards.open("client", client_id)
    page = card.findChild(RequestsPage, "hotline_page")
    assert page is not None and page.entity_id == client_id
    page.new_button.click()
    form = window.hotline.form
    assert form.client_id == client_id and form.contact_box.currentData() is None
    form.contact_box.setCurrentIndex(form.contact_box.findData(contact_id))
    type_text(qtbot, form.text_edit, "Нужен документ")
    form.type_box.setCurrentIndex(form.type_box.findText("Заказ на поиск документов"))
    assert form.save()
    assert page.model.rowCount() == 1  # refreshed by the change announcement
    contact_card = window.context.cards.open("contact", contact_id)
    contact_page = contact_card.findChild(RequestsPage, "hotline_page")
    assert contact_page.model.rowCount() == 1
    request_id = page.model.row_id(0)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    rcard = window.context.cards.find("hotline_request", request_id)
    assert isinstance(rcard, RequestCard)
    assert not rcard.buttons[RequestStatus.CLOSED].isEnabled()
    rcard.stage_box.setCurrentIndex(rcard.stage_box.findText("Поиск в системе"))
    rcard.stage_comment.setText("ищем в архиве")
    rcard.stage_button.click()
    assert rcard.history_table.rowCount() == 3  # registered, stage «Принят», new stage
    assert rcard.history_table.item(2, 3).text() == "Принят → Поиск в системе"
    assert rcard.history_table.item(2, 1).text() == window.context.employee_name
    rcard.buttons[RequestStatus.IN_WORK].click()
    rcard.buttons[RequestStatus.ANSWERED].click()  # no answer yet: refused
    assert "напишите текст ответа" in rcard.message_label.text()
    rcard.answer_edit.setPlainText("Документ отправлен")
    rcard.buttons[RequestStatus.ANSWERED].click()
    assert requests(demo_base)[0].status is RequestStatus.ANSWERED
    assert page.model.rows[0].status is RequestStatus.ANSWERED


def _seed(base, employee_id: int, now: datetime) -> dict[str, int]:  # noqa: ANN001
    """Requests due: 2 hours ago, in 30 minutes, in 5 hours; and one answered."""
    with base.sessions.begin() as s:
        client_id = s.scalar(select(Contact.client_id).order_by(Contact.id))
        type_id = hl.request_types(s)[0].id
        ids = {}
        for name, delta in (("overdue", -2), ("soon", 0.5), ("later", 5), ("answered", -3)):
            (rid,) = hl.register_requests(s, hl.RequestDraft(
                HotlineLine.HOTLINE, type_id, f"вопрос {name}", client_id=client_id,
                operator_id=employee_id), now=now - timedelta(hours=6))
            s.execute(update(HotlineRequest).where(HotlineRequest.id == rid)
                      .values(deadline_at=now + timedelta(hours=delta)))
            ids[name] = rid
        hl.answer_request(s, ids["answered"], "ответ", employee_id, now=now)
    return ids


def test_journal_open_first_red_and_amber(qtbot, window, demo_base) -> None:  # noqa: ANN001
    now = datetime.now(UTC).replace(microsecond=0)
    ids = _seed(demo_base, window.context.employee_id, now)
    key(qtbot, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.ShiftModifier)
    journal = window.hotline.journal
    assert journal is not None and window.tabs.currentWidget() is journal
    model = journal.model
    assert [model.row_id(r) for r in range(model.rowCount())] == [
        ids["overdue"], ids["soon"], ids["later"]]  # «Открытые» by default
    urgencies = [model.index(r, 0).data(URGENCY_ROLE) for r in range(3)]
    assert urgencies == ["overdue", "due_soon", ""]
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f6c9c9"
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#ffe2a1"
    journal.status_box.setCurrentIndex(journal.status_box.findData(None))
    assert model.rowCount() == 4 and model.row_id(3) == ids["answered"]
    journal.line_box.setCurrentIndex(journal.line_box.findData("consultation"))
    assert model.rowCount() == 0
    journal.line_box.setCurrentIndex(0)
    journal.period_check.setChecked(True)
    assert model.rowCount() == 4
    assert "просрочено: 1" in journal.count_label.text()
    journal.table.setFocus()
    journal.table.selectRow(0)
    qtbot.keyClick(journal.table, Qt.Key.Key_Return)
    assert window.context.cards.find("hotline_request", ids["overdue"]) is not None
    assert model.columns[Col.DEADLINE] == Col.DEADLINE


def test_notifications_with_a_fake_clock(qtbot, window, demo_base) -> None:  # noqa: ANN001
    t0 = datetime(2026, 3, 4, 5, 0, tzinfo=UTC)
    employee_id = window.context.employee_id
    # deadlines: «overdue» t0+3h, «soon» t0+5h30, «later» t0+10h
    ids = _seed(demo_base, employee_id, t0 + timedelta(hours=5))
    monitor = window.hotline.monitor
    clock = [t0]
    monitor.clock = lambda: clock[0]
    monitor.messages.clear()
    assert monitor.check() == []  # nothing due within the hour
    clock[0] = t0 + timedelta(hours=2, minutes=30)
    fresh = monitor.check()
    assert [a.request_id for a in fresh] == [ids["overdue"]]
    title, text = monitor.messages[-1]
    assert title == "Срок ответа истекает в течение часа: 1" and f"№{ids['overdue']}" in text
    assert "Срок ответа истекает" in window.statusBar().currentMessage()  # no tray offscreen
    assert monitor.check() == []  # once per state
    clock[0] = t0 + timedelta(hours=3, minutes=1)
    assert [a.request_id for a in monitor.check()] == [ids["overdue"]]
    assert monitor.messages[-1][0] == "Просрочены обращения: 1"
    clock[0] = t0 + timedelta(hours=4, minutes=40)
    assert [a.request_id for a in monitor.check()] == [ids["soon"]]
    assert monitor.timer.interval() == 60_000  # the timer drives the same check
    # «Since you were away»: last seen before the deadlines, back after them.
    window.context.qsettings.setValue(last_seen_key(employee_id),
                                      (t0 + timedelta(hours=1)).isoformat())
    clock[0] = t0 + timedelta(hours=12)
    away = window.hotline.show_away()
    assert away is not None and away.count() == 3
    assert window.tabs.currentWidget() is away
    assert window.hotline.show_away() is None  # nothing new since


def test_reports_on_a_worker_and_to_excel(qtbot, window, demo_base, tmp_path) -> None:  # noqa: ANN001
    now = datetime.now(UTC).replace(microsecond=0)
    _seed(demo_base, window.context.employee_id, now)
    tab = window.hotline.open_report("deadlines")
    for dim, check in tab.dim_checks.items():
        check.setChecked(dim == "line")
    tab.from_edit.setDate(tab.from_edit.date().addDays(-40))
    tab.to_edit.setDate(tab.to_edit.date().addDays(1))
    with qtbot.waitSignal(tab.run().finished, timeout=15000):
        pass
    assert tab.table.rowCount() == 2  # ГЛ and the total
    headers = [tab.table.horizontalHeaderItem(c).text() for c in range(tab.table.columnCount())]
    assert headers[:3] == ["Линия", "Всего", "Ответ в срок"]
    assert tab.table.item(0, 0).text() == "ГЛ" and tab.table.item(0, 1).text() == "4"
    assert tab.table.item(0, 5).text() == "1"  # open overdue
    path = tmp_path / "deadlines.xlsx"
    with qtbot.waitSignal(tab.export(str(path)).finished, timeout=10000):
        pass
    assert path.exists()
    # Every export is recorded; without the right nothing is written at all.
    from vostok_desktop.services.access import rights as access

    logged = access.export_log(demo_base)[0]
    assert (logged.kind, logged.row_count) == ("excel", len(tab.table_data.rows))
    assert "Отчёт" in logged.what
    window.context.access = access.AccessProfile(frozenset(), access.Visibility.OWN, "operator")
    refused = tmp_path / "refused.xlsx"
    assert tab.export(str(refused)) is None
    assert not refused.exists()
    assert "Выгрузка списков и отчётов в Excel" in tab.status_label.text()
    window.context.access = access.FULL_ACCESS
    hot = window.hotline.open_report("hotline")
    with qtbot.waitSignal(hot.run().finished, timeout=15000):
        pass
    assert hot.table.item(hot.table.rowCount() - 1, 0).text() == "Итого"
