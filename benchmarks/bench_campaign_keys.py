"""Benchmark ``campaign_keys``: the keyboard path of a campaign call, measured like the
hot line's (tests/gui/hotline: the keys from the ringing call to a saved request).

A campaign over ``ITEMS`` clients of the base is made and started; the real main window
(Qt offscreen, no telephony) opens its «Обзвон» tab, and for every contact the
operator's keys are sent as key events to whatever has the focus: Ctrl+N («Следующий»),
a digit (the result) — for every fourth contact «Отказ» and a digit for the reason —
and Enter (save). The clock runs from the Ctrl+N press to the moment the result is in
the base (the tab's ``saved`` signal, emitted after the commit).

Figures:

* ``keys_per_result`` / ``keys_per_refusal`` — keys from «Следующий» to a saved result
  (the same count the GUI test asserts).
* ``next_to_saved_ms_median`` / ``_p99`` — the program's time for those keys, per contact
  (no human pauses: what the operator waits for in all).
* ``next_ms_median`` / ``save_ms_median`` — the two steps that touch the base: taking the
  contact (SKIP LOCKED on PostgreSQL) with its card, and saving the result.
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Any

from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.campaigns import CampaignStatus
from vostok_desktop.domain.org import EmployeeRole

ITEMS = 200
WARMUP = 10
REFUSAL_EVERY = 4


def _stats(name: str, samples: list[float], out: dict[str, float]) -> None:
    ordered = sorted(samples)
    out[f"{name}_ms_median"] = round(statistics.median(ordered), 3)
    out[f"{name}_ms_p99"] = round(ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)], 3)


def _application() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _activate(app: Any, window: Any) -> None:
    """Shortcuts work in the active window only: close what the start shows (the digest
    «Что случилось с последнего входа») and wait for the main window to be active."""
    from PySide6.QtWidgets import QApplication, QDialog

    deadline = time.perf_counter() + 5
    while QApplication.activeWindow() is not window and time.perf_counter() < deadline:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.close()
        window.activateWindow()
        app.processEvents()


def make_campaign(base: OpenedBase, items: int = ITEMS) -> tuple[int, int | None]:
    """An active campaign over ``items`` clients spread over the base; returns it and the
    telemarketer who works it."""
    from vostok_desktop.services.campaigns import campaigns as cmp

    with base.sessions() as s:
        ids = list(s.scalars(select(Client.id).where(Client.marked_for_deletion.is_(False))
                             .order_by(Client.id)))
        operator = s.scalar(select(Employee.id).where(
            Employee.role == EmployeeRole.TELEMARKETER, Employee.is_active.is_(True))
            .order_by(Employee.id).limit(1))
    step = max(1, len(ids) // (items * 2))
    chosen = ids[::step][: items * 2]
    report = cmp.create_campaign(base, cmp.CampaignData(
        f"Бенчмарк клавиатуры {time.time():.0f}", "Замер пути «Следующий» → результат"),
        cmp.Source(client_ids=chosen), employee_id=operator)
    cmp.set_status(base, report.campaign_id, CampaignStatus.ACTIVE, employee_id=operator)
    return report.campaign_id, operator


def run(base: OpenedBase, scale: int) -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from vostok_desktop.gui.app import build_main_window
    from vostok_desktop.services.campaigns import campaigns as cmp
    from vostok_desktop.settings import Settings

    app = _application()
    campaign_id, operator = make_campaign(base)
    window = build_main_window(base, Settings(), telephony=False, live_updates=False)
    if operator is not None:
        window.context.employee_id = operator  # the telemarketer works the queue
    window.show()
    with base.sessions() as s:
        results = cmp.call_results(s)
    plain = next(n for n, r in enumerate(results, 1) if not r.is_refusal and not r.retry)
    refusal = next(n for n, r in enumerate(results, 1) if r.is_refusal)
    tab = window.campaigns.open_work(campaign_id)
    saved_at: list[float] = []
    tab.saved.connect(lambda _i: saved_at.append(time.perf_counter()))
    _activate(app, window)
    tab.next_button.setFocus()

    def press(key: Any, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
        target = QApplication.focusWidget() or tab
        QTest.keyClick(target, key, modifier)

    digit = {n: getattr(Qt.Key, f"Key_{n}") for n in range(1, 10)}
    path, nexts, saves = [], [], []
    keys_plain = keys_refusal = 0
    try:
        for i in range(WARMUP + ITEMS - 5):
            saved_at.clear()
            start = time.perf_counter()
            press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
            taken = time.perf_counter()
            if tab.view is None:
                if i == 0:
                    raise RuntimeError(f"no contact taken: {tab.message_label.text()}")
                break
            keys = 1
            if i % REFUSAL_EVERY == REFUSAL_EVERY - 1:
                press(digit[refusal])
                press(digit[1])
                keys += 2
            else:
                press(digit[plain])
                keys += 1
            before_save = time.perf_counter()
            press(Qt.Key.Key_Return)
            keys += 1
            if not saved_at:
                raise RuntimeError(f"result not saved: {tab.message_label.text()}")
            if i % REFUSAL_EVERY == REFUSAL_EVERY - 1:
                keys_refusal = keys
            else:
                keys_plain = keys
            if i >= WARMUP:
                path.append((saved_at[0] - start) * 1000)
                nexts.append((taken - start) * 1000)
                saves.append((saved_at[0] - before_save) * 1000)
    finally:
        window.context.cards.close_all()
        window.close()
        app.processEvents()
    out: dict[str, float] = {"keys_per_result": keys_plain, "keys_per_refusal": keys_refusal}
    _stats("next_to_saved", path, out)
    out["next_ms_median"] = round(statistics.median(nexts), 3)
    out["save_ms_median"] = round(statistics.median(saves), 3)
    out["contacts_measured"] = len(path)
    return out


__all__ = ["ITEMS", "make_campaign", "run"]
