"""The tab «Платежи» on both dialects: a statement loaded through the button (on a
worker), the summary, the filter «Только неразнесённые», a payment's allocations, a
broken file named, and the buttons disabled without the right «Платежи»."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from tests.services.money.payments_rig import PayRig
from vostok_desktop.gui.money.debt_reports import MoneyReportsWidget
from vostok_desktop.gui.money.payments import PaymentsWidget

DATA = Path(__file__).parents[2] / "services" / "money" / "data"


def _texts(widget: PaymentsWidget, column: int) -> list[str]:
    model = widget.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_import_through_the_tab_and_the_filter(qtbot, pay_window, pay_rig: PayRig) -> None:
    pay_rig.invoice("romashka", "12400.00", date(2026, 11, 1))
    widget = PaymentsWidget(pay_window.context)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.status_label.text() == "Платежей пока нет: загрузите выписку банка."
    operation = widget.import_file(str(DATA / "statement_cp1251.txt"))
    assert operation is not None
    qtbot.waitUntil(lambda: widget.import_button.isEnabled(), timeout=20000)
    assert widget.status_label.text().startswith("Загружено платежей: 3 на 58\u00a0800,00 "
                                                 "руб.; разнесено автоматически: 1; ждут "
                                                 "разбора: 2")
    assert _texts(widget, 3) == ["ИП Сидоров Пётр Ильич", 'ООО "Василёк"', 'ООО "Ромашка"']
    assert _texts(widget, 5) == ["— не разнесён —", "— не разнесён —", "Ромашка"]
    widget.view.selectRow(2)
    assert "Счёт С-1 от 01.11.2026: 12\u00a0400,00 руб." in widget.allocations_label.text()
    qtbot.mouseClick(widget.unassigned_box, Qt.MouseButton.LeftButton)
    assert widget.unassigned_box.isChecked()
    assert _texts(widget, 2) == ["77", "9"]  # oldest first for the review

    # The same file again: refused, named.
    widget.import_file(str(DATA / "statement_cp1251.txt"))
    qtbot.waitUntil(lambda: widget.import_button.isEnabled(), timeout=20000)
    assert "Эта выписка уже загружена" in widget.status_label.text()
    widget.import_file(str(DATA / "statement_broken.txt"))
    qtbot.waitUntil(lambda: widget.import_button.isEnabled(), timeout=20000)
    assert widget.status_label.text() == ("Выписка не загружена: строка 48: Сумма «12,3,4» — "
                                          "не число")


def test_without_the_right_the_buttons_are_disabled(qtbot, pay_window, pay_rig: PayRig,
                                                    no_payments_profile) -> None:
    pay_window.context.access = no_payments_profile
    widget = PaymentsWidget(pay_window.context)
    qtbot.addWidget(widget)
    assert not widget.import_button.isEnabled()
    assert not widget.review_button.isEnabled()
    assert widget.import_button.toolTip() == ("Нет права «Платежи». Обратитесь к "
                                              "администратору.")
    assert widget.import_file(str(DATA / "statement_cp1251.txt")) is None
    assert widget.model.rowCount() == 0


def test_reports_widget_builds_and_exports(qtbot, pay_window, pay_rig: PayRig, tmp_path) -> None:
    pay_rig.invoice("romashka", "5000.00", date(2026, 10, 1))
    widget = MoneyReportsWidget(pay_window.context, today=date(2026, 12, 31))
    qtbot.addWidget(widget)
    widget.show()
    page = widget.current_page()
    qtbot.waitUntil(lambda: page.table_data is not None and not page.running(),
                    timeout=20000)
    assert page.table_data.rows[0][0] == "Ромашка"
    assert page.table_data.rows[0][6] == page.table_data.rows[0][8]  # 61–90 = all of it
    assert page.status_label.text().startswith("На 31.12.2026: должников 1")
    target = tmp_path / "debt.xlsx"
    page.export(str(target))
    qtbot.waitUntil(lambda: target.exists() and "Выгружено" in page.status_label.text(),
                    timeout=20000)
    from vostok_desktop.services.access.rights import export_log

    assert export_log(pay_window.context.base)[0].what == \
        "Отчёт «Оперативная задолженность по клиентам»"
