"""The planner tab: colours by timing, importance marks, filters, Enter, Ctrl+→."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from vostok_desktop.domain import Contact
from vostok_desktop.domain.work import Importance, WorkKind
from vostok_desktop.gui.work.planner import PlannerWidget
from vostok_desktop.services.work import assignments as asg
from vostok_desktop.services.work import reminders as rem
from vostok_desktop.services.work import works as wk

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _seed(base) -> dict[str, int]:  # noqa: ANN001
    with base.sessions() as s:
        client_id = s.scalar(select(Contact.client_id).order_by(Contact.id))
    me = 1

    def work(at, importance=Importance.NORMAL, done=False, kind=WorkKind.CALL, subject=""):
        data = wk.new_work(base, client_id, me, starts_at=at, done=done, kind=kind)
        data.importance, data.subject = importance, subject
        return wk.save_work(base, data, me).id

    ids = {
        "overdue": work(NOW - timedelta(days=1), Importance.HIGH, subject="Перезвонить"),
        "today": work(NOW + timedelta(hours=2), Importance.LOW, kind=WorkKind.MEETING,
                      subject="Встреча с бухгалтером"),
        "done": work(NOW - timedelta(hours=1), done=True, subject="Консультация"),
        "later": work(NOW + timedelta(days=2), subject="Визит СИО"),
    }
    [ids["assignment"]] = asg.create_assignments(base, asg.AssignmentDraft(
        targets=[(client_id, None)], executor_id=me, text="Выставить счёт",
        deadline=NOW + timedelta(hours=5), importance=Importance.HIGH), me)
    ids["reminder"] = rem.add_reminder(base, me, NOW + timedelta(hours=1),
                                       "Отправить прайс", client_id=client_id)
    return ids


@pytest.fixture
def planner(qtbot, demo_base):
    ids = _seed(demo_base)
    opened = []
    widget = PlannerWidget(demo_base, 1, clock=lambda: NOW, open_item=opened.append, tz=UTC)
    qtbot.addWidget(widget)
    widget.resize(1100, 420)
    widget.show()
    widget.opened = opened  # type: ignore[attr-defined]
    widget.ids = ids  # type: ignore[attr-defined]
    return widget


def test_colours_and_marks(planner) -> None:
    ids = planner.ids
    assert planner.colour_of(("work", ids["overdue"])) == "#c62828"
    assert planner.colour_of(("work", ids["today"])) == "#000000"
    assert planner.colour_of(("assignment", ids["assignment"])) == "#000000"
    rows = {tuple(r.data(0, Qt.ItemDataRole.UserRole)): r for r in planner.rows()}
    assert rows[("work", ids["overdue"])].text(0) == "!"
    assert rows[("work", ids["today"])].text(0) == "↓"
    assert ("work", ids["later"]) not in rows
    planner.set_days(7)
    assert planner.colour_of(("work", ids["later"])) == "#8a8a8a"


def test_filters(planner) -> None:
    ids = planner.ids
    planner.importance_combo.setCurrentIndex(planner.importance_combo.findData("high"))
    planner.refresh()
    assert {i.key for i in planner.items} == {("work", ids["overdue"]),
                                              ("assignment", ids["assignment"])}
    planner.importance_combo.setCurrentIndex(0)
    planner.kind_combo.setCurrentIndex(planner.kind_combo.findData("meeting"))
    planner.refresh()
    assert [i.key for i in planner.items] == [("work", ids["today"])]


def test_enter_opens_and_keys_reschedule(qtbot, planner) -> None:
    ids = planner.ids
    registry_free = planner  # actions live in the main window; here call the same methods
    planner.select_key(("work", ids["today"]))
    planner.tree.setFocus()
    qtbot.keyClick(planner.tree, Qt.Key.Key_Return)
    assert [i.key for i in planner.opened] == [("work", ids["today"])]
    registry_free.reschedule_current(timedelta(days=1))
    assert ("work", ids["today"]) not in {i.key for i in planner.items}
    planner.shift_view(1)
    assert ("work", ids["today"]) in {i.key for i in planner.items}


def test_planner_in_the_main_window_with_shortcuts(qtbot, demo_base, monkeypatch) -> None:
    from tests.gui.work.test_work import as_demo_admin
    from vostok_desktop.gui.app import build_main_window
    from vostok_desktop.gui.work import install_work
    from vostok_desktop.settings import Settings

    ids = _seed(demo_base)
    as_demo_admin(monkeypatch, demo_base)
    monkeypatch.setattr("vostok_desktop.gui.work.install_work",
                        lambda w: install_work(w, clock=lambda: NOW, start=False))
    win = build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    qtbot.keyClick(win, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    planner = win.work.planner
    assert planner is not None and win.tabs.currentWidget() is planner
    planner.tz = UTC
    planner.refresh()
    planner.select_key(("work", ids["overdue"]))
    planner.tree.setFocus()
    qtbot.keyClick(planner.tree, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    # Moved a day later: from yesterday to today, and no longer overdue.
    assert planner.colour_of(("work", ids["overdue"])) in ("#000000", "#c62828")
    with demo_base.sessions() as s:
        from vostok_desktop.domain.work import WorkRecord

        assert s.get(WorkRecord, ids["overdue"]).starts_at == NOW
    qtbot.keyClick(planner.tree, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    assert planner.days == 7
    qtbot.keyClick(planner.tree, Qt.Key.Key_Return)
    assert win.work.forms  # the work opened


def test_screenshots(qtbot, planner, demo_base, tmp_path: Path) -> None:
    """PNG of the planner (week) and of a work form, for a look by eye."""
    out = Path(__import__("os").environ.get("VOSTOK_SHOTS", tmp_path))
    planner.set_days(7)
    planner.resize(1100, 460)
    QApplication.processEvents()
    assert planner.grab().save(str(out / "planner_week.png"))
    from vostok_desktop.gui.work.work_form import WorkForm

    with demo_base.sessions() as s:
        client_id = s.scalar(select(Contact.client_id).order_by(Contact.id))
    for text in ("Обучить КЛ работе с системой", "Конкурент предлагает скидку 20%",
                 "Проверить пополнение"):
        wk.save_action_item(demo_base, wk.ActionItemData(client_id=client_id, text=text), 1)
    data = wk.new_work(demo_base, client_id, 1, starts_at=NOW, duration_min=6, incoming=True)
    data.lines[0].worked, data.lines[0].comment = True, "Согласовали время обучения"
    form = WorkForm(demo_base, data, 1, directions=[(1, "Сервис")])
    qtbot.addWidget(form)
    form.show()
    QApplication.processEvents()
    assert form.grab().save(str(out / "work_form.png"))
