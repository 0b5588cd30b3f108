"""The competitors area as a user meets it, on the demo base of both dialects: «Продажи →
Конкуренты…» (the catalogue and the lifecycle), the client card's page «Конкуренты», the
document «Конкурент клиента» driven from the keyboard (Insert — a kit, Ctrl+→ — the next
stage, Ctrl+Alt+P — «Поручение по конкуренту…»), the contact card's attitude and the
read-only views without the rights. PNGs of each window go to $VOSTOK_PNG_DIR."""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select

from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.domain.competitors import (
    ClientCompetitor,
    CompetitorKit,
    CompetitorStage,
    ContactCompetitorAttitude,
    StageKind,
)
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.competitors import CLIENT_PAGE
from vostok_desktop.gui.competitors.catalogue_dialog import CompetitorsDialog
from vostok_desktop.gui.competitors.client_page import ClientCompetitorsPage
from vostok_desktop.gui.competitors.counter_form import CounterAssignmentForm
from vostok_desktop.gui.competitors.document_dialog import (
    CompetitorDocumentDialog,
    KitDialog,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.competitors import counter_work as cw
from vostok_desktop.services.competitors import documents as docs
from vostok_desktop.settings import Settings

PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


@pytest.fixture
def window(qtbot, demo_base, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    win = build_main_window(demo_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    win.resize(1400, 850)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    win.context.cards.close_all()


def _save(widget, name: str, dialect: str) -> None:  # noqa: ANN001
    PNG.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(PNG / f"competitors_{name}_{dialect}.png"))


def _open_document_with_kits(base) -> tuple[int, int]:  # noqa: ANN001
    """(client, document) of an open demo document with kits and attitudes."""
    with base.sessions() as s:
        kits = select(CompetitorKit.document_id).scalar_subquery()
        attitudes = select(ContactCompetitorAttitude.document_id).scalar_subquery()
        return s.execute(
            select(ClientCompetitor.client_id, ClientCompetitor.id)
            .join(CompetitorStage, CompetitorStage.id == ClientCompetitor.stage_id)
            .where(CompetitorStage.kind == StageKind.THREAT.value,
                   ClientCompetitor.id.in_(kits), ClientCompetitor.id.in_(attitudes))
            .order_by(ClientCompetitor.id)).first()


def test_the_sales_menu_opens_the_catalogue_and_its_lifecycle(qtbot, window, demo_base) -> None:  # noqa: ANN001
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Продажи")
    texts = [a.text() for a in menu.actions()]
    assert "Конкуренты…" in texts and "Отчёты по конкурентам" in texts
    at = texts.index("Конкуренты…")
    assert at == 0 or menu.actions()[at - 1].isSeparator()
    reports = next(a.menu() for a in menu.actions() if a.text() == "Отчёты по конкурентам")
    assert [a.text() for a in reports.actions()] == [
        "Конкуренты (OLAP)", "Доли рынка конкурентов", "Столкновения/Пересечения"]
    window.context.actions.trigger("competitors.catalogue")
    dialog = window.competitors.dialog
    assert isinstance(dialog, CompetitorsDialog) and dialog.isVisible()
    assert dialog.table.rowCount() == 8
    assert dialog.table.item(0, 0).text() == "1С:Консалтинг"
    _save(dialog, "catalogue", demo_base.dialect)
    dialog.new_competitor()
    dialog.name_edit.setText("Референт-Плюс")
    dialog.product_edit.setText("Референт")
    assert dialog.save_competitor()
    assert "Референт-Плюс" in [dialog.table.item(i, 0).text()
                               for i in range(dialog.table.rowCount())]
    dialog.new_competitor()
    dialog.name_edit.setText("гарант")
    assert not dialog.save_competitor()
    assert "уже есть в справочнике" in dialog.message_label.text()
    dialog.pages.setCurrentIndex(1)
    assert [dialog.stages_table.item(i, 1).text() for i in range(5)] == [
        "Угроза", "Конкурент у клиента", "Противодействие", "Конкурент устранён",
        "Клиент ушёл к конкуренту"]
    _save(dialog, "stages", demo_base.dialect)
    dialog.close()


def test_the_client_page_and_the_document_from_the_keyboard(qtbot, window, demo_base) -> None:  # noqa: ANN001
    client_id, doc_id = _open_document_with_kits(demo_base)
    card = window.context.cards.open("client", client_id)
    index = next(i for i in range(card.pages.count())
                 if card.pages.widget(i).objectName() == CLIENT_PAGE)
    assert card.pages.tabText(index) == "Конкуренты"
    card.pages.setCurrentIndex(index)
    page = card.pages.widget(index)
    assert isinstance(page, ClientCompetitorsPage)
    qtbot.waitUntil(lambda: page.table.rowCount() > 0)
    expected = docs.documents_of_client(demo_base, client_id)
    assert page.table.rowCount() == len(expected)
    row = next(i for i, r in enumerate(expected) if r.id == doc_id)
    page.table.setFocus()
    page.table.selectRow(row)
    assert page.kits_table.rowCount() == len(docs.kits_of(demo_base, doc_id)) > 0
    assert page.attitudes_table.rowCount() == len(docs.attitudes_of(demo_base, doc_id)) > 0
    _save(window, "client_page", demo_base.dialect)

    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, CompetitorDocumentDialog) and dialog.row.id == doc_id
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.stage_combo.currentText() == "Угроза"
    _save(dialog, "document", demo_base.dialect)
    kits_before = dialog.kits_table.rowCount()
    dialog.kits_table.setFocus()
    qtbot.keyClick(dialog.kits_table, Qt.Key.Key_Insert)
    kit = dialog.kit_dialog
    assert isinstance(kit, KitDialog) and kit.isVisible()
    kit.product_edit.setText("ГАРАНТ Аэро")
    kit.workplaces_edit.setText("7")
    kit.price_edit.setText("2 400,00")
    if kit.users_list.count():
        kit.users_list.item(0).setCheckState(Qt.CheckState.Checked)
    _save(kit, "kit", demo_base.dialect)
    assert kit.save()
    assert dialog.kits_table.rowCount() == kits_before + 1

    # In a text field Ctrl+→ moves by words; on the lists it is the next stage.
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.kits_table.setFocus()
    qtbot.keyClick(dialog.kits_table, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert docs.load_document(demo_base, doc_id).stage_title == "Конкурент у клиента"
    assert dialog.stage_combo.currentText() == "Конкурент у клиента"
    assert dialog.history_table.rowCount() == len(docs.stage_history(demo_base, doc_id))

    qtbot.keyClick(dialog.kits_table, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    form = dialog.assignment_form
    assert isinstance(form, CounterAssignmentForm) and form.isVisible()
    assert "Противодействие конкуренту" in form.text_edit.toPlainText()
    form.text_edit.setPlainText("Противодействие конкуренту: встреча с главбухом")
    _save(form, "counter_assignment", demo_base.dialect)
    assert form.save()
    links = cw.links_of(demo_base, doc_id)
    assert [r.text for r in links if r.kind == "assignment"] == [
        "Противодействие конкуренту: встреча с главбухом"]
    assert dialog.links_table.rowCount() == len(links)
    dialog.pages.setCurrentIndex(2)
    _save(dialog, "document_counter_work", demo_base.dialect)

    # A value that is not money is refused with its field named; nothing is written.
    dialog.value_edit.setText("дорого")
    assert not dialog.save()
    assert "Стоимость в месяц" in dialog.message_label.text()
    dialog.close()


def test_a_new_document_from_the_page_with_insert(qtbot, window, demo_base) -> None:  # noqa: ANN001
    with demo_base.sessions() as s:
        used = select(ClientCompetitor.client_id).scalar_subquery()
        from vostok_desktop.domain import Client

        client_id = s.scalar(select(Client.id).where(Client.id.not_in(used))
                             .order_by(Client.id).limit(1))
    card = window.context.cards.open("client", client_id)
    index = next(i for i in range(card.pages.count())
                 if card.pages.widget(i).objectName() == CLIENT_PAGE)
    card.pages.setCurrentIndex(index)
    page = card.pages.widget(index)
    qtbot.waitUntil(lambda: page._loaded)
    assert page.table.rowCount() == 0
    assert "не отмечено конкурентов" in page.message_label.text()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Insert)
    dialog = page.dialog
    assert isinstance(dialog, CompetitorDocumentDialog) and dialog.row is None
    assert not dialog.pages.isTabEnabled(1)  # attitudes wait for the saved document
    assert not dialog.save()
    assert "Конкурент: выберите" in dialog.message_label.text()
    dialog.competitor_combo.setCurrentIndex(dialog.competitor_combo.findText("Кодекс",
                                                                              Qt.MatchFlag.MatchStartsWith))
    dialog.value_edit.setText("12 000")
    assert dialog.save()
    assert dialog.row is not None and dialog.pages.isTabEnabled(1)
    dialog.close()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    assert page.table.item(0, 0).text() == "Кодекс"
    with demo_base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ClientCompetitor)
                        .where(ClientCompetitor.client_id == client_id)) == 1


def test_the_contact_card_shows_the_attitudes(qtbot, window, demo_base) -> None:  # noqa: ANN001
    with demo_base.sessions() as s:
        contact_id = s.scalar(select(ContactCompetitorAttitude.contact_id)
                              .order_by(ContactCompetitorAttitude.id).limit(1))
    rows = docs.attitudes_of_contact(demo_base, contact_id)
    card = window.context.cards.open("contact", contact_id)
    assert card.competitor_edit.isReadOnly()
    text = card.competitor_edit.toPlainText()
    assert all(r.competitor_name in text and r.attitude_title.lower() in text for r in rows)
    assert not card.is_dirty() if hasattr(card, "is_dirty") else True
    _save(window, "contact_card", demo_base.dialect)


def test_without_the_rights_everything_is_read_only(qtbot, window, demo_base) -> None:  # noqa: ANN001
    window.context.access = AccessProfile(
        frozenset(r.value for r in Right) - {Right.CLIENT_EDIT.value,
                                             Right.COMPETITORS_CATALOGUE.value},
        Visibility.ALL, "operator")
    window.context.actions.set_rights(window.context.access.rights)
    dialog = window.competitors.open_catalogue()
    assert not dialog.save_button.isEnabled() and not dialog.name_edit.isEnabled()
    assert "Справочник конкурентов" in dialog.message_label.text()
    dialog.close()
    client_id, doc_id = _open_document_with_kits(demo_base)
    document = window.competitors.open_document(document_id=doc_id)
    assert not document.save_button.isEnabled() and not document.new_kit_button.isEnabled()
    assert not window.context.actions.action("competitors.next_stage").isEnabled()
    assert "Только просмотр" in document.message_label.text()
    document.close()


def test_the_market_shares_report_with_its_chart(qtbot, window, demo_base) -> None:  # noqa: ANN001
    from datetime import date

    from vostok_desktop.gui.reports.chart import ChartKind

    window.context.actions.trigger("report.competitor_shares")
    tab = window.reports.tabs["competitor_shares"]
    assert window.tabs.currentWidget() is tab
    tab.set_query(tab.query().__class__(
        rows=("competitor",), columns=("month",),
        measures=("count_share", "value_share", "potential_share"),
        period=(date(2026, 6, 1), date(2026, 11, 30))))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(tab.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not tab.running() and tab.result is not None, timeout=30000)
    result = tab.result
    assert [h.label for h in result.leaf_columns][:2] == ["июнь 2026", "июль 2026"]
    for column in result.leaf_columns:  # each month's shares add up to about 100 %
        total = sum(result.value(r.key, column.key, "count_share") or 0
                    for r in result.leaf_rows)
        assert abs(total - 100) <= Decimal("0.5")
    _save(window, "shares_report", demo_base.dialect)
    tab.show_chart(ChartKind.LINES, "value_share")
    assert tab.chart.data is not None and len(tab.chart.data.categories) == 6
    assert tab.export_png(str(PNG / f"competitors_shares_chart_{demo_base.dialect}.png"))
