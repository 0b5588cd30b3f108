"""The «Учебный центр» as a user meets it in the main window, on both dialects: the menu,
the tab «Мероприятия» (Insert makes an event, its card opens), contacts selected in the
contact agent registered at once, the card's «Участники» driven from the keyboard
(Ctrl+→, Delete), «Итоги» following invoices and payments by itself, certificates, and
the contact card's page «Обучение». Every window is saved as a PNG."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.gui.hotline.test_hotline import type_text
from tests.services.education.rig import EduRig, make_edu_rig
from vostok_desktop.domain.education import ParticipantStage, ParticipantStatus
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.education.dialogs import NormsDialog, RegisterDialog
from vostok_desktop.gui.education.event_card import EventCard
from vostok_desktop.gui.education.events_tab import EventsTab, NewEventDialog
from vostok_desktop.services.education import participants as pt
from vostok_desktop.services.education.events import save_norm
from vostok_desktop.services.money.payments import add_cash_payment
from vostok_desktop.settings import Settings

PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


def _png(widget, name: str, dialect: str) -> None:  # noqa: ANN001
    PNG.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(PNG / f"education_{name}_{dialect}.png"))


@pytest.fixture
def rig(empty_base) -> EduRig:  # noqa: ANN001
    return make_edu_rig(empty_base)


@pytest.fixture
def window(qtbot, rig, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    win = build_main_window(rig.base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    win.resize(1400, 850)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    win.context.cards.close_all()


def _menu_titles(window) -> list[str]:  # noqa: ANN001
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Учебный центр")
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_menu_events_tab_and_a_new_event_from_the_keyboard(qtbot, window, rig, dialect
                                                           ) -> None:  # noqa: ANN001
    assert _menu_titles(window) == [
        "Мероприятия", "Новое мероприятие…", "Записать на мероприятие…", "Нормы обучения…",
        "Образовательные услуги (OLAP)", "Воронка продаж образовательных услуг"]
    window.context.actions.trigger("education.events")
    tab = window.tabs.currentWidget()
    assert isinstance(tab, EventsTab)
    assert [tab.table.item(0, c).text() for c in (1, 2, 5, 6)] == [
        "Семинар", "НДС в 2027 году", "3\u00a0500,00", "0 из 10"]
    window.context.actions.trigger("education.events")  # again: the same tab
    assert window.tabs.currentWidget() is tab
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Insert)
    dialog = window.education.dialog
    assert isinstance(dialog, NewEventDialog)
    form = dialog.form
    form.kind.setCurrentIndex(form.kind.findData("webinar"))
    type_text(qtbot, form.theme, "Электронная отчётность")
    form.price.setText("1 200,50")
    dialog.create()  # no link for a webinar: refused, the dialog stays
    assert dialog.event_id is None and form.message.isVisible()
    assert "ссылку на вебинар" in form.message.text()
    qtbot.keyClicks(form.link, "https://webinar.example/eo")
    _png(dialog, "new_event", dialect)
    dialog.create()
    card = window.tabs.currentWidget()
    assert isinstance(card, EventCard) and card.entity_id == dialog.event_id
    assert card.header.text() == "Вебинар «Электронная отчётность»"
    assert "1\u00a0200,50 ₽" in card.subheader.text()
    assert tab.rows[0].theme in ("Электронная отчётность", "НДС в 2027 году")
    assert len(tab.rows) == 2


def test_register_from_the_contact_agent_and_work_the_card(qtbot, window, rig, dialect,
                                                           tmp_path) -> None:  # noqa: ANN001
    agent = window.docks["contact_list_agent"].widget()
    window.docks["contact_list_agent"].show()
    window.docks["contact_list_agent"].raise_()
    qtbot.waitUntil(lambda: agent.model.rowCount() >= 6, timeout=15000)
    assert "education.register" in agent.menu_action_ids()
    selection = agent.view.selectionModel()
    selection.clearSelection()
    for row in range(4):
        selection.select(agent.model.index(row, 1), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    chosen = agent.selected_ids()
    window.context.actions.trigger("education.register")
    dialog = window.education.dialog
    assert isinstance(dialog, RegisterDialog)
    assert dialog.event.currentText().endswith("«НДС в 2027 году», свободно 10 из 10")
    _png(dialog, "register", dialect)
    result = dialog.register()
    assert result is not None and result.added == 4
    assert window.statusBar().currentMessage() == "Записано: 4 контактных лица."

    card = window.education.open_event(rig.seminar)
    assert [card.pages.tabText(i) for i in range(card.pages.count())] == [
        "Участники", "Итоги", "Сведения"]
    page = card.participants
    assert sorted(r.contact_id for r in page.rows) == sorted(chosen)
    page.table.setFocus()
    page.table.selectRow(0)
    first = page.rows[0].id
    qtbot.keyClick(page.table, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert next(r for r in page.rows if r.id == first).stage is ParticipantStage.DOCUMENTS_ISSUED
    page.table.selectRow(1)
    second = page.rows[1].id
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert next(r for r in page.rows if r.id == second).status is ParticipantStatus.CANCELLED
    assert page.table.item(1, 4).text() == "Отменил участие"
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert next(r for r in page.rows if r.id == first).stage is ParticipantStage.INVITED
    assert "уже на первой стадии" in card.previous_stage().summary
    assert card.edit_feedback(score=4, comment="Понятно") is True
    assert next(r for r in page.rows if r.id == first).feedback_score == 4
    assert card.results.labels["score"].text() == "4,0 из 5, отзывов: 1"

    # Invoices for everyone not cancelled; «Итоги» shows them.
    card.issue_invoices()
    assert page.status.text().startswith("Выписано счетов:")
    results = card.results
    assert results.summary.invoiced == Decimal("10500.00")
    assert results.labels["expected"].text() == "3"
    # A payment recorded elsewhere in the program: «Итоги» follows by itself.
    paid_row = next(r for r in page.rows if r.invoice_id)
    reloads = results.reloads
    add_cash_payment(rig.base, paid_row.client_id, str(paid_row.invoice_total),
                     date(2027, 1, 25), "оплата семинара", paid_row.invoice_id,
                     rig.pay.cashier, None)
    window.context.bus.announce("payment", [paid_row.client_id])
    qtbot.waitUntil(lambda: results.reloads > reloads, timeout=5000)
    assert results.summary.paid == paid_row.invoice_total
    assert results.labels["paid"].text() == f"{paid_row.invoice_total:,.2f}".replace(
        ",", "\u00a0").replace(".", ",")
    paid = [r for r in page.rows if r.invoice_id == paid_row.invoice_id]
    assert all(r.stage is ParticipantStage.PAID for r in paid)
    card.pages.setCurrentWidget(results)
    window.tabs.setCurrentWidget(card)
    _png(window.tabs, "results", dialect)

    # Attended, certificate printed and handed over.
    pt.set_stage(rig.base, [r.id for r in paid], ParticipantStage.ATTENDED, None)
    pt.set_feedback(rig.base, paid[0].id, 5, "Отлично", None)
    card.pages.setCurrentWidget(page)
    card.refresh_live()
    page.table.clearSelection()
    printed = card.print_certificates(str(tmp_path), one_file=True)
    assert printed.count == len(paid) and printed.files[0].exists()
    row = next(i for i, r in enumerate(page.rows) if r.id == paid[0].id)
    page.table.selectRow(row)
    assert card.hand_over() == 1
    assert page.table.item(row, 9).text() != ""
    _png(card, "participants", dialect)

    # The contact card's page «Обучение».
    save_norm(rig.base, client_id=None, position=paid[0].position or "Бухгалтер",
              trainings_per_year=2, employee_id=None)
    contact = window.context.cards.open("contact", paid[0].contact_id)
    pages = {contact.pages.tabText(i): contact.pages.widget(i)
             for i in range(contact.pages.count())}
    training = pages["Обучение"]
    contact.pages.setCurrentWidget(training)
    training.card_loaded(paid[0].contact_id)
    assert training.table.rowCount() == 1
    assert training.table.item(0, 2).text() == "НДС в 2027 году"
    assert "Норма — 2 в год" in training.norm.text()
    _png(contact, "contact_page", dialect)


def test_norms_dialog(qtbot, window, rig, dialect) -> None:  # noqa: ANN001
    window.context.actions.trigger("education.norms")
    dialog = window.education.dialog
    assert isinstance(dialog, NormsDialog)
    type_text(qtbot, dialog.position, "Главный бухгалтер")
    dialog.per_year.setValue(3)
    assert dialog.add() is not None
    assert dialog.table.item(0, 0).text() == "должность «Главный бухгалтер», все клиенты"
    type_text(qtbot, dialog.position, "Главный бухгалтер")
    assert dialog.add() is None and "уже есть" in dialog.message.text()
    dialog.client.setEditText("Ромашка")
    dialog.find_clients()
    assert dialog.client.currentData() == rig.pay.clients["romashka"]
    assert dialog.add() is not None and dialog.table.rowCount() == 2
    _png(dialog, "norms", dialect)
