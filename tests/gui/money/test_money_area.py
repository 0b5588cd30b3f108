"""The money area in the main window, as a user meets it: the menu «Финансы» opens its
screens (one tab each, opened again it comes to the front), and a client's card has the
pages «Бюджет» and «Счета и оплаты» filled for that client — both dialects, demo base."""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select

from vostok_desktop.domain.money import DocumentKind, MoneyDocument
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.money import BUDGET_PAGE, DOCUMENTS_PAGE, ClientMoneyPage
from vostok_desktop.gui.money.budget_page import BudgetPage
from vostok_desktop.gui.money.debt_reports import MoneyReportsWidget
from vostok_desktop.gui.money.documents_page import DocumentsPage
from vostok_desktop.gui.money.payments import PaymentsWidget
from vostok_desktop.gui.money.price_lists import PriceListsWidget
from vostok_desktop.services.money.budget import client_budget
from vostok_desktop.settings import Settings

PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


@pytest.fixture
def window(qtbot, demo_base, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    win = build_main_window(demo_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    win.resize(1400, 850)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    win.context.cards.close_all()


def _billed_client(base) -> int:  # noqa: ANN001
    """A client with invoices from the demo billing."""
    with base.sessions() as s:
        return s.execute(select(MoneyDocument.client_id, func.count())
                         .where(MoneyDocument.kind == DocumentKind.INVOICE)
                         .group_by(MoneyDocument.client_id)
                         .order_by(func.count().desc(), MoneyDocument.client_id)).first()[0]


def test_the_menu_opens_each_screen_once(qtbot, window) -> None:  # noqa: ANN001
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Финансы")
    titles = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert titles == [
        "Прейскуранты…", "Загрузить прейскурант из Excel…",
        "VIP-программы и интервальные скидки…", "Пересчитать VIP-скидки", "Субъекты учёта…",
        "Выписка за месяц…", "Отправить реестр счетов…", "Платежи…",
        "Принять оплату наличными…",
        "Загрузить выписку банка…", "Разнести платежи…", "Отчёты по деньгам…",
        "Акт сверки…", "Квоты КК/ОГ…", "Квота КЦ дистрибутива…"]
    actions = window.context.actions
    tabs = window.tabs
    for action_id, kind in (("money.price_lists", PriceListsWidget),
                            ("money.payments", PaymentsWidget),
                            ("money.reports", MoneyReportsWidget)):
        actions.trigger(action_id)
        assert isinstance(tabs.currentWidget(), kind)
        count = tabs.count()
        actions.trigger(action_id)  # again: the same tab comes to the front
        assert tabs.count() == count and isinstance(tabs.currentWidget(), kind)
    # The payments tab has its shortcut in the one registry.
    assert actions.action("money.payments").shortcut().toString() == "Ctrl+Shift+M"


def test_the_client_card_shows_its_budget_and_documents(qtbot, window, demo_base) -> None:  # noqa: ANN001
    client_id = _billed_client(demo_base)
    card = window.context.cards.open("client", client_id)
    pages = {card.pages.widget(i).objectName(): (i, card.pages.tabText(i))
             for i in range(card.pages.count())}
    assert pages[BUDGET_PAGE][1] == "Бюджет" and pages[DOCUMENTS_PAGE][1] == "Счета и оплаты"
    budget_holder = card.pages.widget(pages[BUDGET_PAGE][0])
    assert isinstance(budget_holder, ClientMoneyPage)
    assert budget_holder.inner is None  # nothing read until the page is looked at
    card.pages.setCurrentIndex(pages[BUDGET_PAGE][0])
    qtbot.waitUntil(lambda: isinstance(budget_holder.inner, BudgetPage))
    budget = budget_holder.inner
    with demo_base.sessions() as s:
        expected = client_budget(s, client_id, budget.on())
    assert budget.lines.rowCount() == len(expected.lines) > 0
    total = f"{expected.total:,.2f}".replace(",", "\u00a0").replace(".", ",")
    assert total in budget.total_label.text()
    card.pages.setCurrentIndex(pages[DOCUMENTS_PAGE][0])
    holder = card.pages.widget(pages[DOCUMENTS_PAGE][0])
    qtbot.waitUntil(lambda: isinstance(holder.inner, DocumentsPage))
    page = holder.inner
    qtbot.waitUntil(lambda: page.table.rowCount() > 0)
    with demo_base.sessions() as s:
        documents = s.scalar(select(func.count()).select_from(MoneyDocument)
                             .where(MoneyDocument.client_id == client_id))
        invoiced = s.scalar(select(func.sum(MoneyDocument.total)).where(
            MoneyDocument.client_id == client_id,
            MoneyDocument.kind == DocumentKind.INVOICE))
    assert page.table.rowCount() == documents
    assert isinstance(invoiced, Decimal) and invoiced > 0
    assert page.balance.text()
    PNG.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(PNG / f"money_card_documents_{demo_base.dialect}.png"))
    card.pages.setCurrentIndex(pages[BUDGET_PAGE][0])
    window.grab().save(str(PNG / f"money_card_budget_{demo_base.dialect}.png"))


def test_the_reconciliation_command_takes_the_client_of_the_card_in_front(
        qtbot, window, demo_base) -> None:  # noqa: ANN001
    from vostok_desktop.gui.money.reconciliation_dialog import ReconciliationDialog

    client_id = _billed_client(demo_base)
    window.context.cards.open("client", client_id)
    dialog = window.money.open_reconciliation()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ReconciliationDialog) and dialog.client_id == client_id
    dialog.close()
    window.tabs.setCurrentWidget(window.money.open_payments())  # no card in front
    chooser = window.money.open_reconciliation()
    qtbot.addWidget(chooser)
    assert chooser.client_id is None and chooser.search.isVisibleTo(chooser)


def test_vip_recalculation_command_says_how_many_changed(qtbot, window) -> None:  # noqa: ANN001
    area = window.money
    operation = area.vip_recalculate()
    assert operation is not None
    qtbot.waitUntil(lambda: area.last_message != "", timeout=20000)
    assert area.last_message.startswith("VIP-скидки пересчитаны: ")
    box = area.message_box
    assert box.isVisible() and box.text() == area.last_message
    box.accept()


def test_f5_rebuilds_the_money_report_in_front(qtbot, window) -> None:  # noqa: ANN001
    """The window's F5 («Перечитать») builds the money report in front again — it is the
    same key the other tabs refresh with, so it is not a shortcut of the tab's own."""
    window.context.actions.trigger("money.reports")
    reports = window.tabs.currentWidget()
    assert isinstance(reports, MoneyReportsWidget)
    page = reports.current_page()
    qtbot.waitUntil(lambda: page.ran_once and not page.running(), timeout=15000)
    generation = page._generation
    page.setFocus()
    QTest.keyClick(page, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: page._generation == generation + 1 and not page.running(),
                    timeout=15000)
    assert page.status_label.text() != "Отчёт формируется…"
