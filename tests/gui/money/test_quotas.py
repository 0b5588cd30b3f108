"""The tab «Квоты КК/ОГ» on both dialects: the plans table edited from the keyboard and
saved, a bad value refused with the field named, the report «Скидки КЦ» with its
over-plan row highlighted, and the quota mark dialog set/close by distributive number."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from tests.gui.money.test_price_lists import Ctx
from tests.services.distributives import conftest as _rig_fixtures
from tests.services.distributives.conftest import Rig
from tests.services.money.test_quotas import ON, build_quota_rig
from vostok_desktop.domain.access import Visibility
from vostok_desktop.gui.money.quotas import (
    OVER_PLAN_COLOUR,
    PERCENT_COL,
    QUOTA_COL,
    QuotaMarkDialog,
    QuotasWidget,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.money import quotas

rig = _rig_fixtures.rig


def _png(name: str) -> str:
    folder = Path(os.environ.get("VOSTOK_PNG_DIR", "/tmp/scr/png"))
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / name)


def _editors(table) -> list[QLineEdit]:  # noqa: ANN001
    return [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]


def _type(qtbot, table, row: int, col: int, text: str) -> None:  # noqa: ANN001
    """Type into a cell as a user would: F2, the text, Enter."""
    qtbot.waitUntil(lambda: not _editors(table))  # the previous editor is gone
    table.setFocus()
    table.setCurrentCell(row, col)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    [editor] = _editors(table)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on Enter through a queued call.
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_plans_edited_from_the_keyboard_and_report(qtbot, rig: Rig) -> None:
    q = build_quota_rig(rig)
    head = rig.employees["keeper"]
    widget = QuotasWidget(Ctx(rig.base, head), today=ON)
    qtbot.addWidget(widget)
    widget.resize(1000, 520)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    plans = widget.plans
    table = plans.table
    assert table.rowCount() == 6
    assert [table.item(r, 0).text() for r in range(2)] == ["Вся компания"] * 2
    assert (table.item(0, QUOTA_COL).text(), table.item(0, PERCENT_COL).text(),
            table.item(0, 4).text()) == ("10", "80,00", "8")
    # ОГ of the company: 12 systems at 75 % → 9 planned; typed, Enter, Ctrl+S.
    _type(qtbot, table, 1, QUOTA_COL, "12")
    _type(qtbot, table, 1, PERCENT_COL, "75")
    assert table.item(1, 4).text() == "9"
    assert plans.status.text() == "Есть незаписанные изменения"
    qtbot.keyClick(table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert plans.status.text() == "Планы 2026 года записаны: изменено строк 1"
    saved = {(r.department_id, r.kind): (r.quota, r.max_percent)
             for r in quotas.plans(rig.base, 2026)}
    assert saved[None, quotas.QuotaKind.OG] == (12, quotas.Decimal("75.00"))
    plans.grab().save(_png("money_quota_plans.png"))
    # A bad percent: refused, the field named, nothing written.
    _type(qtbot, table, 1, PERCENT_COL, "120")
    assert not plans.save()
    assert plans.status.text() == ("Не записано: Квота ОГ, «Вся компания»: план "
                                   "заполнения — больше 0 и не больше 100 %")
    assert quotas.plans(rig.base, 2026)[1].max_percent == quotas.Decimal("75.00")

    # The report: the company, «Продажи» (over plan, pink) and «Сервис».
    widget.tabs.setCurrentWidget(widget.report)
    report = widget.report
    qtbot.waitUntil(lambda: report.table_data is not None, timeout=10000)
    model = report.model
    cells = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert cells[0] == ["Вся компания", "КК", "10"] and cells[2][:2] == ["Продажи", "КК"]
    over = model.index(2, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert over is not None and over.color() == QColor(OVER_PLAN_COLOUR)
    assert model.index(4, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(2, 3).data() == "50,00" and model.index(2, 8).data() == "сверх плана"
    assert "сверх плана строк: 1" in report.status_label.text()
    report.grab().save(_png("money_kc_discounts.png"))
    assert q.served["romashka"]


def test_mark_dialog_by_number(qtbot, rig: Rig) -> None:
    q = build_quota_rig(rig)
    eng = rig.employees["engineer"]
    dialog = QuotaMarkDialog(Ctx(rig.base, eng), None, today=date(2026, 4, 20))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.set_button.isEnabled() and not dialog.close_button.isEnabled()
    qtbot.keyClicks(dialog.number, "500004")  # Василёк's, КК open since 01.01.2026
    qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    assert dialog.about.text() == "№ 500004: на обслуживании, клиент «Василёк»"
    assert dialog.history.item(0).text() == "КК с 01.01.2026 (Инженеров Иван)"
    assert dialog.close_button.isEnabled() and not dialog.set_button.isEnabled()
    dialog.close_button.click()
    assert dialog.status.text() == "Квота закрыта по 20.04.2026"
    assert dialog.history.item(0).text() == "КК с 01.01.2026 по 20.04.2026 (Инженеров Иван)"
    # The next one cannot start on the day the last one ended.
    dialog.kind.setCurrentIndex(1)
    dialog.set_button.click()
    assert "уже есть квота КК с 01.01.2026 по 20.04.2026" in dialog.status.text()
    dialog.valid_from.setDate(date(2026, 4, 21))
    dialog.note.setText("письмо КЦ № 12")  # QTest types ASCII only
    dialog.set_button.click()
    assert dialog.status.text() == "Квота ОГ поставлена"
    assert dialog.history.item(0).text().startswith("ОГ с 21.04.2026 — письмо КЦ № 12")
    dialog.grab().save(_png("money_quota_mark_dialog.png"))
    after = {(r.department, r.kind): r.fact for r in quotas.kc_discounts(rig.base,
                                                                        date(2026, 4, 21))}
    assert after["Сервис", quotas.QuotaKind.OG] == 2 and after["Сервис", quotas.QuotaKind.KK] == 3
    # Not found / not on service.
    dialog.number.setText("нет")
    assert not dialog.find() and dialog.about.text() == "Дистрибутив № нет не найден"
    [stock] = rig.receive("599998")
    dialog2 = QuotaMarkDialog(Ctx(rig.base, eng), None, distributive_id=stock)
    qtbot.addWidget(dialog2)
    assert dialog2.about.text() == "№ 599998: на складе" and not dialog2.set_button.isEnabled()
    assert q.marks


def test_read_only_without_the_right(qtbot, rig: Rig) -> None:
    build_quota_rig(rig)
    viewer = AccessProfile(frozenset({"money.prices"}), Visibility.ALL, "operator")
    widget = QuotasWidget(Ctx(rig.base, None, viewer), today=ON)
    qtbot.addWidget(widget)
    assert not widget.plans.save_button.isEnabled()
    assert "Только просмотр" in widget.plans.status.text()
    table = widget.plans.table
    table.setCurrentCell(0, QUOTA_COL)
    qtbot.keyClicks(table, "5")
    assert table.item(0, QUOTA_COL).text() == "10"
