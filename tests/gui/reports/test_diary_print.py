"""«Печать ежедневника…» on the report tab «Ежедневник сотрудника» in the main window, both
dialects, from the known works: the button only on that report, one employee's diary to a
file and everybody's to a folder, read back with python-docx; refused without «Массовая
печать»; the PNG of the tab looked at."""

from __future__ import annotations

import io
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.domain.access import Visibility
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.reports.diary_print import ACTION
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.settings import Settings

PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


@pytest.fixture
def window(qtbot, empty_base, known):  # noqa: ANN001, F811
    win = build_main_window(empty_base, Settings(), telephony=False, live_updates=False)
    qtbot.addWidget(win)
    win.context.employee_id = known["petrov"]
    win.resize(1500, 800)
    win.show()
    yield win
    win.context.cards.close_all()


def _january(tab) -> None:  # noqa: ANN001
    tab.preset_box.setCurrentText("Произвольный период")
    tab.start_edit.setDate(QDate(2026, 1, 1))
    tab.end_edit.setDate(QDate(2026, 1, 31))


def _rows(path: Path) -> list[list[str]]:
    [table] = docx.Document(io.BytesIO(path.read_bytes())).tables
    return [[c.text for c in row.cells] for row in table.rows]


def _wait(qtbot, tab) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: "Ежедневник" in tab.status_label.text()
                    and "Готовится" not in tab.status_label.text(), timeout=20000)


def test_print_the_diary(qtbot, window, known, tmp_path) -> None:  # noqa: ANN001, F811
    other = window.reports.open_report("client_contacts")
    assert other.print_button is None
    tab = window.reports.open_report("employee_diary")
    assert tab.print_button is not None and tab.print_button.text() == "&Печать ежедневника…"
    assert ACTION in window.context.actions
    _january(tab)
    tab.filters = {"employee": (known["ivanov"],)}
    target = tmp_path / "ivanov.docx"
    tab.print_diary(str(target))
    _wait(qtbot, tab)
    assert tab.status_label.text() == f"Ежедневник сохранён: {target}"
    call_5, call_20 = (datetime(2026, 1, d, 9, 0, tzinfo=UTC).astimezone() for d in (5, 20))
    assert [r[1:] for r in _rows(target)] == [
        ["Время", "Что", "Клиент", "Тема", "Отметка"],
        [f"{call_5:%H:%M}", "Звонок", "Клиент A", "", "выполнено"],
        [f"{call_20:%H:%M}", "Звонок", "Клиент A", "", ""]]
    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "Сотрудник: Иванов И. И., Продажи" in text
    assert "Распечатано" in text and "Петров П. П." in text
    # Everybody of January (no filter): a folder, a file each.
    tab.filters = {}
    folder = tmp_path / "all"
    tab.print_diary(str(folder))
    _wait(qtbot, tab)
    assert sorted(p.name for p in folder.iterdir()) == [
        "Ежедневник Иванов И. И. 01.01.2026 – 31.01.2026.docx",
        "Ежедневник Петров П. П. 01.01.2026 – 31.01.2026.docx"]
    assert "2 файлов" in tab.status_label.text()
    # Nothing in the period: said so, nothing written.
    tab.start_edit.setDate(QDate(2025, 1, 1))
    tab.end_edit.setDate(QDate(2025, 1, 31))
    tab.print_diary(str(tmp_path / "none.docx"))
    _wait(qtbot, tab)
    assert "нет дел" in tab.status_label.text()
    assert not (tmp_path / "none.docx").exists()
    QApplication.processEvents()
    PNG.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(PNG / f"report_diary_print_{window.context.base.dialect}.png"))


def test_refused_without_mass_printing(qtbot, window, known, tmp_path) -> None:  # noqa: ANN001, F811
    window.context.access = AccessProfile(frozenset(), Visibility.ALL, "telemarketer")
    tab = window.reports.open_report("employee_diary")
    _january(tab)
    tab.filters = {"employee": (known["petrov"],)}
    tab.print_diary(str(tmp_path / "p.docx"))
    _wait(qtbot, tab)
    assert "Ежедневник не напечатан: Нет права «Массовая печать»" in tab.status_label.text()
    assert not (tmp_path / "p.docx").exists()
