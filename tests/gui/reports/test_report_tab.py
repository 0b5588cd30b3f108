"""The report tab as a user works it, both dialects: the layout put together from the
keyboard, the table with hand-computed numbers and bold totals, drill-down to the rows of a
cell, a filter, each chart kind (PNGs saved and looked at), Excel through the export gate,
variants saved in the base (private and shared), cancel; and the menu «Отчёты» of the main
window with its chooser."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from vostok_reports.definitions import CLIENT_CONTACTS

from tests.services.reports.test_pivot import WORKS, known  # noqa: F401 - the fixture
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.gui.reports.chart import ChartKind
from vostok_desktop.gui.reports.drill_dialog import DrillDialog
from vostok_desktop.gui.reports.filter_dialog import ReportFilterDialog
from vostok_desktop.gui.reports.report_tab import ReportTab, preset_period
from vostok_desktop.services.access.rights import AccessProfile

PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")
TODAY = date(2026, 6, 15)


@dataclass
class Ctx:
    base: OpenedBase
    employee_id: int | None
    access: AccessProfile | None = None

    def allows(self, right: str) -> bool:
        return self.access is None or self.access.allows(right)


def _tab(qtbot, base: OpenedBase, employee_id: int | None = None,  # noqa: ANN001
         access: AccessProfile | None = None) -> ReportTab:
    tab = ReportTab(Ctx(base, employee_id, access), CLIENT_CONTACTS, today=TODAY)
    qtbot.addWidget(tab)
    tab.resize(1300, 700)
    tab.show()
    tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab)
    return tab


def _run(qtbot, tab: ReportTab) -> None:  # noqa: ANN001
    tab.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab.window())
    qtbot.keyClick(tab.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not tab.running() and tab.result is not None, timeout=20000)


def _layout_by_keyboard(qtbot, tab: ReportTab) -> None:  # noqa: ANN001
    """Rows: «Сотрудник» (Enter), columns: «Вид контакта» (Ctrl+Enter), measures: only
    «Контактов» and «Минут» (Space)."""
    for lst in (tab.rows_list, tab.columns_list):
        while lst.count():
            lst.setCurrentRow(0)
            tab.remove_current()
    tab.available.setFocus()
    titles = [tab.available.item(i).text() for i in range(tab.available.count())]
    tab.available.setCurrentRow(titles.index("Сотрудник"))
    qtbot.keyClick(tab.available, Qt.Key.Key_Return)
    titles = [tab.available.item(i).text() for i in range(tab.available.count())]
    tab.available.setCurrentRow(titles.index("Вид контакта"))
    qtbot.keyClick(tab.available, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    tab.measures_list.setFocus()
    for i in range(tab.measures_list.count()):
        item = tab.measures_list.item(i)
        wanted = item.text() in ("Контактов", "Минут")
        if (item.checkState() == Qt.CheckState.Checked) != wanted:
            tab.measures_list.setCurrentRow(i)
            qtbot.keyClick(tab.measures_list, Qt.Key.Key_Space)


def test_layout_from_the_keyboard_and_the_table(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                                                known: dict[str, int]) -> None:  # noqa: F811
    tab = _tab(qtbot, empty_base)
    _layout_by_keyboard(qtbot, tab)
    assert tab.rows_list.keys() == ("employee",) and tab.columns_list.keys() == ("kind",)
    query = tab.query()
    assert query.measures == ("count", "minutes")
    assert query.period == (date(2026, 1, 1), date(2026, 12, 31))  # «Этот год» by default
    _run(qtbot, tab)
    model = tab.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[0] == "Сотрудник"
    assert "Звонок: Контактов" in headers and "Итого: Минут" in headers
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    calls = headers.index("Звонок: Контактов")
    minutes = headers.index("Итого: Минут")
    assert model.index(rows["Иванов И. И."], calls).data() == "2"
    assert model.index(rows["Петров П. П."], minutes).data() == "103"
    assert model.index(rows["Итого"], calls).data() == str(
        sum(1 for w in WORKS if w[2].value == "call"))
    total = model.index(rows["Итого"], minutes)
    assert total.data(Qt.ItemDataRole.FontRole).bold()
    assert not model.index(rows["Иванов И. И."], calls).data(Qt.ItemDataRole.FontRole)
    PNG.mkdir(parents=True, exist_ok=True)
    assert tab.grab().save(str(PNG / f"report_tab_{empty_base.dialect}.png"))

    # Enter on a cell: the rows it was made of; Enter there opens the client's card.
    tab.table.setFocus()
    tab.table.setCurrentIndex(model.index(rows["Иванов И. И."], calls))
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    dialog = tab.opened_dialog
    assert isinstance(dialog, DrillDialog)
    assert dialog.table.rowCount() == 2
    assert {dialog.table.item(r, 1).text() for r in range(2)} == {"Клиент A"}
    assert dialog.table.item(0, 3).text() == "Звонок"
    assert dialog.grab().save(str(PNG / f"report_drill_{empty_base.dialect}.png"))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert dialog.opened == [known["a"]]
    dialog.close()


def test_charts_of_every_kind(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                              known: dict[str, int]) -> None:  # noqa: F811
    tab = _tab(qtbot, empty_base)
    tab.set_query(tab.query().__class__(rows=("employee",), columns=("period",),
                                        measures=("count",), period=(date(2026, 1, 1),
                                                                     date(2026, 12, 31))))
    _run(qtbot, tab)
    qtbot.keyClick(tab.table, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert tab.stack.currentIndex() == 1
    for kind in ChartKind:
        tab.show_chart(kind, "count")
        data = tab.chart.data
        assert data is not None
        if kind is ChartKind.SHARES:
            assert tab.chart.bottom.labelText == "Доля, %"
        else:
            assert data.categories == ["январь 2026", "февраль 2026", "март 2026",
                                       "апрель 2026"]
            assert [name for name, _v in data.series] == [
                "Иванов И. И.", "Петров П. П.", "Сидорова С. С."]
            assert data.series[0][1] == [2.0, 1.0, 0.0, 0.0]
            assert tab.chart.left.labelText.startswith("Контактов")
        path = PNG / f"report_chart_{kind.value}_{empty_base.dialect}.png"
        assert tab.export_png(str(path))
        assert path.stat().st_size > 1000
    qtbot.keyClick(tab, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert tab.stack.currentIndex() == 0


def test_a_filter_narrows_the_report(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                                     known: dict[str, int]) -> None:  # noqa: F811
    tab = _tab(qtbot, empty_base)
    _layout_by_keyboard(qtbot, tab)
    dialog = tab.edit_filters()
    assert isinstance(dialog, ReportFilterDialog)
    dialog.dimension_box.setCurrentIndex(dialog.dimension_box.findData("employee"))
    qtbot.waitUntil(lambda: dialog.values.count() == 3, timeout=10000)
    assert dialog.values.item(0).text() == "Иванов И. И.  (3)"
    dialog.set_checked({known["petrov"]})
    dialog.accept()
    assert "Сотрудник: 1 знач." in tab.filter_label.text()
    _run(qtbot, tab)
    assert [h.label for h in tab.result.leaf_rows] == ["Петров П. П."]
    assert tab.result.grand_total("count") == 3
    # An empty choice is refused: the report would be empty.
    dialog = tab.edit_filters()
    dialog.dimension_box.setCurrentIndex(dialog.dimension_box.findData("kind"))
    qtbot.waitUntil(lambda: dialog.values.count() > 0, timeout=10000)
    dialog.set_checked(set())
    dialog.accept()
    assert dialog.isVisible() and "ни одного значения" in dialog.status.text()
    dialog.reject()


def test_excel_through_the_export_gate(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                                       known: dict[str, int], tmp_path: Path) -> None:  # noqa: F811
    tab = _tab(qtbot, empty_base)
    _layout_by_keyboard(qtbot, tab)
    _run(qtbot, tab)
    target = tmp_path / "report.xlsx"
    operation = tab.export_excel(str(target))
    assert operation is not None
    qtbot.waitUntil(lambda: "выгружен" in tab.status_label.text(), timeout=20000)
    sheet = load_workbook(target).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Контакты с клиентами"
    header = next(r for r in values if r and r[0] == "Сотрудник")
    ivanov = next(r for r in values if r and r[0] == "Иванов И. И.")
    assert ivanov[header.index("Звонок: Контактов")] == 2
    # Without the right «Выгрузка в Excel» nothing is written.
    limited = AccessProfile(frozenset(r.value for r in Right) - {Right.EXPORT_EXCEL.value},
                            Visibility.ALL, None)
    tab2 = _tab(qtbot, empty_base, access=limited)
    _layout_by_keyboard(qtbot, tab2)
    _run(qtbot, tab2)
    refused = tmp_path / "refused.xlsx"
    assert tab2.export_excel(str(refused)) is None
    assert "Не выгружено" in tab2.status_label.text() and not refused.exists()


def test_variants_private_and_shared(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                                     known: dict[str, int]) -> None:  # noqa: F811
    tab = _tab(qtbot, empty_base, known["ivanov"])
    _layout_by_keyboard(qtbot, tab)
    assert tab.save_variant("Контакты по видам", shared=False)
    assert tab.save_variant("Общий вариант", shared=True)
    # Another employee sees the shared variant only, and may not replace it.
    other = _tab(qtbot, empty_base, known["petrov"],
                 access=AccessProfile(frozenset(), Visibility.ALL, None))
    titles = [other.variant_box.itemText(i) for i in range(other.variant_box.count())]
    assert titles == ["(по умолчанию)", "Общий вариант (общий, Иванов И. И.)"]
    assert not other.save_variant("Общий вариант", shared=True)
    assert "сохранил другой сотрудник" in other.status_label.text()
    # The owner's tab, opened again, restores the layout from the base.
    again = _tab(qtbot, empty_base, known["ivanov"])
    index = next(i for i in range(again.variant_box.count())
                 if again.variant_box.itemText(i) == "Контакты по видам")
    again.variant_box.setCurrentIndex(index)
    again.variant_box.activated.emit(index)
    assert again.rows_list.keys() == ("employee",) and again.columns_list.keys() == ("kind",)
    assert again.query().measures == ("count", "minutes")
    qtbot.waitUntil(lambda: again.result is not None, timeout=20000)
    assert again.delete_variant()
    assert "Контакты по видам" not in [again.variant_box.itemText(i)
                                       for i in range(again.variant_box.count())]


def test_cancel_and_refusals(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                             known: dict[str, int]) -> None:  # noqa: F811
    tab = _tab(qtbot, empty_base)
    for i in range(tab.measures_list.count()):
        tab.measures_list.item(i).setCheckState(Qt.CheckState.Unchecked)
    assert tab.run() is None
    assert "хотя бы один показатель" in tab.status_label.text()
    tab.measures_list.item(0).setCheckState(Qt.CheckState.Checked)
    tab.run()
    qtbot.keyClick(tab, Qt.Key.Key_Escape)
    assert tab.status_label.text() == "Отчёт отменён." and not tab.running()
    qtbot.wait(300)
    assert tab.result is None  # a late result is thrown away


def test_period_presets() -> None:
    assert preset_period("Прошлый месяц", TODAY) == (date(2026, 5, 1), date(2026, 5, 31))
    assert preset_period("Этот квартал", TODAY) == (date(2026, 4, 1), date(2026, 6, 30))
    assert preset_period("Последние 12 месяцев", TODAY) == (date(2025, 7, 1), TODAY)
    assert preset_period("Произвольный период", TODAY) is None


@pytest.fixture
def window(qtbot, demo_base, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    from vostok_desktop.gui.app import build_main_window
    from vostok_desktop.settings import Settings

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


def test_menu_reports_and_the_chooser(qtbot, window) -> None:  # noqa: ANN001
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert "Отчёты" in menus
    sections = [a.text() for a in menus["Отчёты"].actions() if a.menu() is not None]
    assert {"Работа с клиентами", "Деньги", "Дистрибутивы", "Горячая линия",
            "Продажи"} <= set(sections)
    window.context.actions.trigger("reports.open")
    chooser = window.reports.chooser
    qtbot.waitUntil(lambda: QApplication.activeWindow() is chooser)
    chooser.search.setText("дебитор")  # QTest types ASCII only
    qtbot.keyClick(chooser.search, Qt.Key.Key_Return)
    tab = window.reports.tabs["receivables"]
    assert window.tabs.currentWidget() is tab
    assert tab.end_edit.isVisible() and not tab.start_edit.isVisible()  # «на дату»
    _run(qtbot, tab)
    assert tab.result.grand_total("debt") > 0
    # The same command again brings the open tab to the front.
    window.context.actions.trigger("report.client_contacts")
    window.context.actions.trigger("report.receivables")
    assert window.tabs.currentWidget() is tab
    assert window.grab().save(str(PNG / f"report_window_{window.context.base.dialect}.png"))
