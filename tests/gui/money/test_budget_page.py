"""The client card's «Бюджет» page and the VIP dialog on the demo base (both dialects):
the lines and total on a date, a missing price in red, a discount added with the
keyboard changing the budget, VIP join, and the buttons greyed out without the right."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from tests.gui.money.test_price_lists import Ctx, money_base
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.access import Visibility
from vostok_desktop.domain.distributives import Distributive
from vostok_desktop.domain.money import ClientDiscount, DistributiveTerm, VipMember
from vostok_desktop.gui.money.budget_page import BudgetPage
from vostok_desktop.gui.money.vip_dialog import VipProgrammesDialog
from vostok_desktop.services.access.rights import AccessProfile

ON = date(2026, 11, 1)


def plain_client(base: OpenedBase) -> int:
    """A client with served distributives, no discount of its own and no VIP."""
    with base.sessions() as s:
        return s.execute(
            select(Distributive.client_id, func.count())
            .where(Distributive.status == "served", Distributive.fixed_price.is_(None),
                   Distributive.discount_percent.is_(None),
                   Distributive.client_id.not_in(select(ClientDiscount.client_id)),
                   Distributive.client_id.not_in(select(DistributiveTerm.client_id)),
                   Distributive.client_id.not_in(select(VipMember.client_id)))
            .group_by(Distributive.client_id)
            .order_by(func.count().desc(), Distributive.client_id)).first()[0]


def test_budget_page_discount_and_vip(qtbot, demo_base: OpenedBase) -> None:
    admin = money_base(demo_base)
    client = plain_client(demo_base)
    page = BudgetPage(Ctx(demo_base, admin), client, today=ON)
    qtbot.addWidget(page)
    page.resize(1000, 640)
    page.show()
    assert page.lines.rowCount() == len(page.budget.lines) > 0
    assert {page.lines.item(r, 5).text() for r in range(page.lines.rowCount())} == {
        "по прейскуранту"}
    before = page.budget.total
    assert page.total_label.text().startswith("Итого в месяц: ")
    assert not page.problems.isVisible()
    dialog = page.add_discount()
    dialog.percent.setValue(0)  # refused: the dialog stays with the message
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "процент — больше 0 до 100" in dialog.status.text() and dialog.isVisible()
    dialog.percent.setFocus()
    dialog.percent.selectAll()
    qtbot.keyClicks(dialog.percent, "20")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_A)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert page.status.text() == "Скидка добавлена"
    assert page.discounts.item(0, 0).text() == "20 %"
    assert {page.lines.item(r, 5).text() for r in range(page.lines.rowCount())} == {
        "скидка клиента 20 %"}
    assert page.budget.total < before
    page.grab().save("/tmp/scr/png/money_budget_page.png")

    # Before any price list: every line is a problem, shown in red.
    page.on_edit.setDate(date(2020, 1, 1))
    assert page.lines.rowCount() == 0 and page.problems.isVisible()
    assert "нет прейскуранта, действующего на 01.01.2020" in page.problems.text()

    join = page.join_vip()
    join.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert page.vip is not None and page.vip.programme_name == "VIP-клиенты"
    assert page.vip_label.text().startswith("VIP-программа «VIP-клиенты»")


def test_without_the_right_and_vip_dialog(qtbot, demo_base: OpenedBase) -> None:
    admin = money_base(demo_base)
    client = plain_client(demo_base)
    viewer = AccessProfile(frozenset({"money.prices"}), Visibility.ALL, "operator")
    page = BudgetPage(Ctx(demo_base, admin, viewer), client, today=ON)
    qtbot.addWidget(page)
    assert not page.add_button.isEnabled() and not page.join_button.isEnabled()
    assert page.add_button.toolTip() == "Нет права «Скидки и VIP-программы»"
    assert page.lines.rowCount() > 0  # reading is not refused

    dialog = VipProgrammesDialog(Ctx(demo_base, admin))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.list.count() == 1 and dialog.tiers.rowCount() == 4
    assert [dialog.tiers.item(r, 1).text() for r in range(4)] == ["5", "10", "15",
                                                                  "и больше"]
    assert dialog.members.rowCount() > 0
    dialog.grab().save("/tmp/scr/png/money_vip.png")
    dialog.tiers.setCurrentCell(3, 0)
    dialog.tiers.setFocus()
    qtbot.keyClick(dialog.tiers, Qt.Key.Key_Delete)
    dialog.tiers.item(0, 0).setText("1")  # the first tier must start at 0
    assert not dialog.save()
    assert "Первый интервал должен начинаться с 0" in dialog.status.text()
    dialog.tiers.item(0, 0).setText("0")
    assert dialog.save()
    assert dialog.tiers.rowCount() == 3
    assert dialog.status.text() == "VIP-программа сохранена, скидки клиентов пересчитаны"


def test_vip_recalculation_button_names_the_changed_clients(qtbot, demo_base: OpenedBase
                                                            ) -> None:
    from sqlalchemy import update

    from vostok_desktop.services.money import discounts

    admin = money_base(demo_base)
    dialog = VipProgrammesDialog(Ctx(demo_base, admin))
    qtbot.addWidget(dialog)
    dialog.show()
    # Everyone up to date: nothing changes.
    dialog.recalculate()
    qtbot.waitUntil(lambda: dialog.recalculate_button.isEnabled(), timeout=20000)
    assert dialog.status.text() == ("VIP-скидки пересчитаны: ни у одного клиента скидка не "
                                    "изменилась.")
    # Two members with a stale tier (as after a bulk import): both named by the count.
    members = [m.client_id for m in discounts.programme_members(
        demo_base, dialog.current.id)][:2]
    with demo_base.sessions() as s, s.begin():
        s.execute(update(VipMember).where(VipMember.client_id.in_(members))
                  .values(applied_percent=99, applied_systems=0))
    qtbot.keyClick(dialog.recalculate_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.recalculate_button.isEnabled(), timeout=20000)
    assert dialog.status.text() == ("VIP-скидки пересчитаны: скидка изменилась у 2 "
                                    "клиентов.")
    with demo_base.sessions() as s:
        assert 99 not in set(s.scalars(select(VipMember.applied_percent)))
    dialog.grab().save("/tmp/scr/png/money_vip_recalculated.png")

    viewer = AccessProfile(frozenset({"money.prices"}), Visibility.ALL, "operator")
    greyed = VipProgrammesDialog(Ctx(demo_base, admin, viewer))
    qtbot.addWidget(greyed)
    assert not greyed.recalculate_button.isEnabled()
    assert greyed.recalculate() is None
    assert greyed.status.text() == "Нет права «Скидки и VIP-программы»"
