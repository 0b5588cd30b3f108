"""The rig the payment tests share (test_cash_payment, test_payments, test_payment_review):
the main window on an empty base of either dialect, the clients and company of
tests/services/money/payments_rig.py, and the rights of a user without «Платежи»."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.services.money.payments_rig import PayRig, make_rig
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.settings import Settings


@pytest.fixture
def pay_window(qtbot: Any, empty_base: OpenedBase) -> Iterator[Any]:
    """The main window over the empty base (no telephony, no live updates)."""
    win = build_main_window(empty_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    yield win
    win.context.cards.close_all()


@pytest.fixture
def pay_rig(empty_base: OpenedBase) -> PayRig:
    """Ромашка, Лютик, Василёк, the company and its cashier; no invoices yet."""
    return make_rig(empty_base)


@pytest.fixture
def no_payments_profile() -> AccessProfile:
    """Every right but «Платежи» (a manager seeing all clients)."""
    return AccessProfile(frozenset(r.value for r in Right) - {Right.MONEY_PAYMENTS.value},
                         Visibility.ALL, "manager")
