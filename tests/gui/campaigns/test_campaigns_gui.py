"""Call campaigns in the real main window on the demo base: the menu «Продажи», the list
of campaigns, the «Обзвон» tab worked from the keyboard with click-to-call through the
call simulator (the keys from «Следующий» to a saved result are counted), the refusal
that needs its reason, and «Кампания обзвона по выбранным…» on the client list."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from vostok_desktop.domain import Call, CallDirection
from vostok_desktop.domain.campaigns import CampaignItem, CampaignStatus, ItemState
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.campaigns.setup_dialog import CampaignDialog
from vostok_desktop.services.campaigns import campaigns as cmp
from vostok_desktop.settings import Settings

PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


@pytest.fixture
def dialect() -> str:
    """GUI: one dialect is enough (the services run on both)."""
    return "sqlite"


@pytest.fixture
def window(qtbot, demo_base, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))
    win = build_main_window(demo_base, Settings(), live_updates=False)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    win.context.cards.close_all()
    win.telephony.shutdown()
    win.hotline.monitor.stop()


def key(qtbot, k: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    """One keystroke to whatever has the keyboard now."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    qtbot.keyClick(target, k, modifier)


def _save_png(widget, name: str) -> None:  # noqa: ANN001
    PNG.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(PNG / name))


def _item(base, item_id: int) -> CampaignItem:  # noqa: ANN001
    with base.sessions() as s:
        return s.get(CampaignItem, item_id)


def test_menu_and_the_list_of_campaigns(qtbot, window) -> None:  # noqa: ANN001
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Продажи")
    texts = [a.text() for a in menu.actions()]
    assert "Кампании обзвона" in texts and "Обзвон…" in texts
    window.context.actions.trigger("campaigns.list")
    page = window.campaigns.list_page
    assert page.table.rowCount() == 3
    titles = [page.table.item(r, 0).text() for r in range(3)]
    assert "Приглашение на семинар «Изменения 2027»" in titles
    page.table.selectRow(titles.index("Новая редакция Налогового кодекса"))
    assert page.results_table.rowCount() >= 3 and page.operators_table.rowCount() >= 1
    assert "Время разговоров" in page.summary_label.text()
    window.resize(1366, 768)
    _save_png(window, "campaigns_list.png")


def test_keyboard_path_from_next_to_a_saved_result(qtbot, window, demo_base) -> None:  # noqa: ANN001
    window.context.actions.trigger("campaigns.work")  # the only active campaign
    tab = window.campaigns.work_tabs and next(iter(window.campaigns.work_tabs.values()))
    assert tab is not None and window.tabs.currentWidget() is tab
    before = tab.progress.value()
    keys = 0
    key(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # 1: «Следующий»
    keys += 1
    assert tab.view is not None and tab.client_label.text()
    first = tab.view.id
    assert _item(demo_base, first).state is ItemState.IN_PROGRESS
    # Click-to-call through the telephony controller and the simulator (not a key of the
    # path: the operator dials while the phone rings anyway).
    key(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.ShiftModifier)
    simulator = window.telephony.providers["call_simulator"]
    assert simulator.actions and simulator.actions[-1][0] == "originate"
    qtbot.waitUntil(lambda: _answered_call(demo_base) is not None, timeout=5000)
    key(qtbot, Qt.Key.Key_2)  # 2: «Назначена встреча»
    keys += 1
    key(qtbot, Qt.Key.Key_Return)  # 3: Enter saves
    keys += 1
    assert keys == 3
    saved = _item(demo_base, first)
    assert saved.state is ItemState.DONE and saved.result_id is not None
    assert saved.call_id == _answered_call(demo_base)
    assert saved.talk_seconds is not None and saved.done_by_id == window.context.employee_id
    assert tab.progress.value() == before + 1
    assert "Сохранено" in tab.message_label.text()
    _save_png(window, "campaigns_work_saved.png")

    # A refusal: Ctrl+N, 6 («Отказ»), Enter is refused until a reason is picked.
    key(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    second = tab.view.id
    assert second != first
    key(qtbot, Qt.Key.Key_6)
    assert tab.reason_combo.hasFocus()
    key(qtbot, Qt.Key.Key_Return)
    assert "с причиной отказа" in tab.message_label.text()
    assert _item(demo_base, second).state is ItemState.IN_PROGRESS
    key(qtbot, Qt.Key.Key_2)  # the second reason
    key(qtbot, Qt.Key.Key_Return)
    refused = _item(demo_base, second)
    assert refused.state is ItemState.DONE and refused.refusal_reason_id is not None
    # «Следующий» without a result gives the contact back to the queue.
    key(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    third = tab.view.id
    key(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert tab.view.id != third
    assert _item(demo_base, third).state is ItemState.PENDING
    key(qtbot, Qt.Key.Key_6)
    window.resize(1366, 768)
    _save_png(window, "campaigns_work.png")


def _answered_call(base) -> int | None:  # noqa: ANN001
    with base.sessions() as s:
        return s.scalar(select(Call.id).where(Call.provider == "call_simulator",
                                              Call.direction == CallDirection.OUTGOING,
                                              Call.answered.is_(True))
                        .order_by(Call.id.desc()).limit(1))


def test_campaign_from_selected_clients(qtbot, window, demo_base) -> None:  # noqa: ANN001
    agent = window.docks["client_list_agent"].widget()
    assert "campaigns.from_clients" in agent.menu_action_ids()
    contacts = window.docks["contact_list_agent"].widget()
    assert "campaigns.from_contacts" in contacts.menu_action_ids()
    with demo_base.sessions() as s:
        from vostok_desktop.domain import Client

        ids = list(s.scalars(select(Client.id).order_by(Client.id).limit(5)))
    dialog = CampaignDialog(window.context, window, source=cmp.Source(client_ids=ids),
                            source_text="выбранные клиенты: 5")
    qtbot.addWidget(dialog)
    dialog.save()  # no title yet
    assert dialog.error_label.text() == "Укажите название кампании."
    dialog.title_edit.setText("Звонок по выбранным")
    dialog.occasion_edit.setPlainText("Новый сервис «Онлайн-консультант»")
    _save_png(dialog, "campaigns_dialog.png")
    dialog.save()
    assert dialog.report is not None and dialog.report.added + dialog.report.stop_listed == 5
    with demo_base.sessions() as s:
        row = cmp.campaign_row(s, dialog.campaign_id)
    assert row is not None and row.status is CampaignStatus.DRAFT
    assert row.occasion == "Новый сервис «Онлайн-консультант»"


def test_lists_of_results_and_reasons(qtbot, window) -> None:  # noqa: ANN001
    window.context.actions.trigger("campaigns.lists")
    dialog = window.campaigns.dialog
    qtbot.addWidget(dialog)
    assert dialog.results.count() == 7 and dialog.reasons.count() == 6
    assert any("(отказ)" in dialog.results.item(n).text() for n in range(7))
    dialog.reasons.setCurrentRow(0)
    dialog.toggle("reason", dialog.reasons)  # taken out of the operators' list
    assert "(убрана)" in dialog.reasons.item(0).text()
    _save_png(dialog, "campaigns_lists.png")
