"""The sales area in the main window on the demo base, as a user meets it: the menu
«Продажи», the tabs «Заявки с сайта» and «Сделки» with their keys, the dialogs «Принять
заявку», «Отклонить заявку», «Сделка», «Настройка продаж» and the client card's page
«Продажи». Every window is rendered into a PNG."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from sqlalchemy import func, select

from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.domain.sales import Deal, Lead, LeadStatus
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.sales import CLIENT_PAGE
from vostok_desktop.gui.sales.client_page import ClientSalesPage
from vostok_desktop.gui.sales.deal_dialog import DealDialog
from vostok_desktop.gui.sales.deals_tab import DealsTab
from vostok_desktop.gui.sales.leads_tab import AcceptLeadDialog, LeadsTab, RejectLeadDialog
from vostok_desktop.gui.sales.setup_dialog import SalesSetupDialog
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.sales import deals, leads
from vostok_desktop.settings import Settings

PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


def shot(widget, name: str, dialect: str) -> None:  # noqa: ANN001
    PNG.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(PNG / f"sales_{name}_{dialect}.png"))


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


def test_menu_and_the_leads_tab(qtbot, window, demo_base, tmp_path: Path) -> None:  # noqa: ANN001
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Продажи")
    titles = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert titles[:5] == ["Заявки с сайта", "Загрузить заявки…", "Сделки", "Новая сделка…",
                          "Настройка продаж…"]
    assert {"Воронка продаж (сделки)", "Заявки с сайта"} <= set(titles[5:])
    window.context.actions.trigger("sales.leads")
    tab = window.tabs.currentWidget()
    assert isinstance(tab, LeadsTab)
    open_leads = leads.list_leads(demo_base, statuses=[LeadStatus.NEW, LeadStatus.IN_WORK])
    assert tab.table.rowCount() == len(open_leads) == 45  # the demo's 25 new + 20 in work
    assert tab.status.text() == "Заявок: 45"
    shot(window, "leads_tab", demo_base.dialect)

    path = tmp_path / "заявки.csv"
    path.write_text("Дата;Имя;Организация;Телефон;Текст\n"
                    "07.12.2026 09:00;Гусев Глеб;ООО «Гусь»;+7 383 201-02-03;Нужен счёт\n",
                    encoding="utf-8")
    tab.import_file(path)
    assert tab.last_message.startswith("Загружено заявок из «заявки.csv»: 1")
    assert tab.filter_combo.currentText() == "Новые"
    assert tab.table.item(0, 2).text() == "Гусев Глеб"  # the newest first
    tab.import_file(path)
    assert "Этот файл уже загружен" in tab.last_message
    box = tab.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    shot(box, "import_twice", demo_base.dialect)
    box.accept()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    # Enter on the list: «Принять…» for the current lead (the new one).
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    dialog = tab.dialog
    assert isinstance(dialog, AcceptLeadDialog) and dialog.isVisible()
    assert dialog.client_combo.currentText() == "Новый клиент «ООО «Гусь»»"
    dialog.sum_edit.setText("сто тысяч")
    dialog.title_edit.setText("Подключение Проф для «Гуся»")
    shot(dialog, "accept_dialog", demo_base.dialect)
    dialog.save()
    assert dialog.error.isVisibleTo(dialog)
    assert "«сто тысяч» — не число" in dialog.error.text()
    dialog.sum_edit.setText("120 000")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with demo_base.sessions() as s:
        lead = s.scalar(select(Lead).where(Lead.name == "Гусев Глеб"))
        deal = s.scalar(select(Deal).where(Deal.lead_id == lead.id))
        assert lead.status is LeadStatus.CONVERTED and deal.title == "Подключение Проф для «Гуся»"
        assert str(deal.expected_sum) == "120000.00"

    # Del: «Отклонить…» needs the result.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tab.filter_combo.setCurrentIndex(1)
    tab.table.setFocus()
    first = tab.current()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    reject = tab.dialog
    assert isinstance(reject, RejectLeadDialog)
    reject.save()
    assert "укажите результат" in reject.error.text()
    reject.reason_combo.setCurrentText("Спам")
    shot(reject, "reject_dialog", demo_base.dialect)
    reject.save()
    assert {r.id: r.result for r in leads.list_leads(
        demo_base, statuses=[LeadStatus.REJECTED])}[first.id] == "Спам"


def test_deals_tab_keys_and_dialog(qtbot, window, demo_base) -> None:  # noqa: ANN001
    window.context.actions.trigger("sales.deals")
    tab = window.tabs.currentWidget()
    assert isinstance(tab, DealsTab)
    expected = deals.list_deals(demo_base, open_only=True)
    assert tab.table.rowCount() == len(expected) > 20
    assert tab.summary.text().startswith(f"Сделок: {len(expected)} на ")
    shot(window, "deals_tab", demo_base.dialect)
    tab.table.setFocus()
    tab.table.selectRow(0)
    row = tab.current()
    qtbot.keyClick(tab.table, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    moved = {d.id: d for d in deals.list_deals(demo_base)}[row.id]
    assert moved.stage_position > row.stage_position
    assert tab.last_message == f"Сделка «{row.title}»: этап «{moved.stage_title}»"
    history = deals.stage_history(demo_base, row.id)
    assert history[-1].from_title == row.stage_title

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Insert)
    new = tab.dialog
    assert isinstance(new, DealDialog) and new.windowTitle() == "Новая сделка"
    new.client_search.setText(new.client_combo.itemText(0)[:4])
    assert new.client_combo.count() >= 1
    new.save()
    assert "не указано название" in new.error.text()
    new.title_edit.setText("Онлайн-версия для филиала")
    new.sum_edit.setText("45 000,50")
    shot(new, "new_deal_dialog", demo_base.dialect)
    new.save()
    assert new.result() == new.DialogCode.Accepted
    with demo_base.sessions() as s:
        made = s.get(Deal, new.deal_id)
        assert (made.title, str(made.expected_sum)) == ("Онлайн-версия для филиала",
                                                        "45000.50")

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    opened = tab.dialog
    assert opened is not new
    assert isinstance(opened, DealDialog) and opened.deal_id == tab.current().id
    assert opened.history.rowCount() == len(deals.stage_history(demo_base, opened.deal_id))
    shot(opened, "deal_dialog", demo_base.dialect)
    opened.reject()


def test_setup_dialog_edits_in_one_go_and_is_read_only_without_the_right(
        qtbot, window, demo_base) -> None:  # noqa: ANN001
    window.context.actions.trigger("sales.setup")
    dialog = window.sales.dialog
    qtbot.addWidget(dialog)
    assert isinstance(dialog, SalesSetupDialog)
    stages = dialog.pages["stages"]
    assert stages.table.rowCount() == 7
    assert stages.table.item(0, 0).text() == "Первичный контакт"
    row = stages.add_row()
    stages.table.item(row, 0).setText("Тестовый период")
    stages.table.item(row, 2).setText("сто")
    assert not stages.save()
    assert "«Вероятность, %» — целое число, указано «сто»" in dialog.error.text()
    stages.table.item(row, 2).setText("70")
    assert stages.save()
    assert not dialog.error.isVisibleTo(dialog)
    assert stages.table.rowCount() == 8
    dialog.tabs.setCurrentIndex(2)
    shot(dialog, "setup_need_rules", demo_base.dialect)
    dialog.tabs.setCurrentIndex(0)
    shot(dialog, "setup_stages", demo_base.dialect)
    dialog.close()

    window.context.access = AccessProfile(frozenset(r.value for r in Right)
                                          - {Right.SALES_SETUP.value}, Visibility.ALL, "head")
    window.context.actions.set_rights(window.context.access.rights)
    assert not window.context.actions.action("sales.setup").isEnabled()
    read_only = SalesSetupDialog(window.context, window)
    qtbot.addWidget(read_only)
    assert not read_only.pages["stages"].table.editTriggers()
    for name in ("setup_stages_add", "setup_stages_delete", "setup_stages_save"):
        assert not read_only.findChild(QPushButton, name).isEnabled()
    shot(read_only, "setup_read_only", demo_base.dialect)


def test_client_card_page_shows_deals_and_needs(qtbot, window, demo_base) -> None:  # noqa: ANN001
    with demo_base.sessions() as s:
        client_id = s.execute(select(Deal.client_id, func.count()).group_by(Deal.client_id)
                              .order_by(func.count().desc(), Deal.client_id)).first()[0]
    card = window.context.cards.open("client", client_id)
    pages = {card.pages.widget(i).objectName(): i for i in range(card.pages.count())}
    page = card.pages.widget(pages[CLIENT_PAGE])
    assert isinstance(page, ClientSalesPage) and card.pages.tabText(pages[CLIENT_PAGE]) == \
        "Продажи"
    assert page.deals is None  # nothing read until looked at
    card.pages.setCurrentIndex(pages[CLIENT_PAGE])
    qtbot.waitUntil(lambda: page.deals is not None)
    assert page.deals.table.rowCount() == len(deals.list_deals(demo_base,
                                                               client_id=client_id)) > 0
    from vostok_desktop.services.sales import needs

    found = needs.detect_needs(demo_base, client_id)
    assert page.needs_table.rowCount() == len(found)
    shot(window, "client_page", demo_base.dialect)
