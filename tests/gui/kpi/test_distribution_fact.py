"""The distribution settings offer «Факт для распределения»: open assignments or any KPI
indicator; the choice is saved with the kind and shown again when the dialog reopens."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from tests.gui.kpi.kpi_gui import png
from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.kpi import IndicatorKind
from vostok_desktop.gui.work.pages import OPEN_ASSIGNMENTS_FACT, DistributionDialog
from vostok_desktop.services.kpi.indicators import IndicatorData, save_indicator, set_archived
from vostok_desktop.services.work import assignments as asg


def test_the_fact_is_chosen_per_kind(qtbot, empty_base: OpenedBase,  # noqa: ANN001
                                     known: dict[str, int]) -> None:  # noqa: F811
    contacts = save_indicator(empty_base, IndicatorData(
        "контакты", "Контакты с клиентами", IndicatorKind.MEASURE, "client_contacts",
        "count"), None)
    old = save_indicator(empty_base, IndicatorData(
        "звонки", "Звонки", IndicatorKind.MEASURE, "client_contacts", "count"), None)
    set_archived(empty_base, old, True, None)
    asg.save_kinds(empty_base, [
        asg.KindSettings(None, "Обзвон", True, None, {known["ivanov"]: 5}),
        asg.KindSettings(None, "Продажа", True, None, {known["petrov"]: 3})], None)
    dialog = DistributionDialog(empty_base, None)
    qtbot.addWidget(dialog)
    dialog.show()
    combo = dialog.fact_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        OPEN_ASSIGNMENTS_FACT, "Контакты с клиентами (контакты)", "Звонки (звонки) — в архиве"]
    assert dialog.kind_list.currentItem().text() == "Обзвон"
    assert combo.currentData() is None
    combo.setCurrentIndex(combo.findData(contacts))
    dialog.kind_list.setCurrentRow(1)  # «Продажа» keeps the default
    assert combo.currentData() is None
    dialog.kind_list.setCurrentRow(0)
    assert combo.currentData() == contacts
    qtbot.wait(50)  # the replaced plan editors are deleted later
    dialog.grab().save(png("distribution_fact.png"))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == DistributionDialog.DialogCode.Accepted
    assert {k.name: k.fact_indicator_id for k in asg.load_kinds(empty_base)} == {
        "Обзвон": contacts, "Продажа": None}
    again = DistributionDialog(empty_base, None)
    qtbot.addWidget(again)
    assert again.fact_combo.currentText() == "Контакты с клиентами (контакты)"
