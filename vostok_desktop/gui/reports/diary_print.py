"""«Печать ежедневника…» on the tab of the report «Ежедневник сотрудника» (the command
``report.print_diary``): the report's period and filters, one DOCX per employee from the
template ``employee_diary.docx`` (services.kpi.diary_print), rendered on a worker and
written after the export gate («Массовая печать») lets it out. One employee: a file;
several: a folder with a file each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.kpi.diary_print import (
    DIARY_KEY,
    diaries,
    diary_file_name,
    render_diary,
)

ACTION = "report.print_diary"
TITLE = "Печать ежедневника…"
SCOPE = "report_employee_diary"

Rendered = list[tuple[str, bytes, int]]  # file name, DOCX, entries


def is_diary(tab: Any) -> bool:
    return getattr(getattr(tab, "definition", None), "key", None) == DIARY_KEY


def _printed_by(base: Any, employee_id: int | None) -> str:
    if employee_id is None:
        return ""
    from sqlalchemy import select

    from vostok_desktop.domain import Employee

    with base.sessions() as s:
        return s.scalar(select(Employee.full_name).where(Employee.id == employee_id)) or ""


def print_diary(tab: Any, path: str | None = None) -> BackgroundOperation | None:
    """Render the diaries on a worker; ``path`` (a file, or a folder for several
    employees) skips the dialog."""
    base, definition, query = tab.context.base, tab.definition, tab.query()
    if query.period and query.period[1] < query.period[0]:
        tab.status_label.setText("Конец периода раньше начала: исправьте даты.")
        return None
    employee_id = getattr(tab.context, "employee_id", None)

    def work(state: OperationState) -> Rendered:
        printed_by = _printed_by(base, employee_id)
        out = []
        found = diaries(base, definition, query)
        for i, diary in enumerate(found):
            state.progress("Ежедневник", i, len(found))
            out.append((diary_file_name(diary), render_diary(base, diary, printed_by),
                        len(diary.entries)))
        return out

    tab.status_label.setText("Готовится ежедневник…")
    operation = BackgroundOperation(work, tab)
    operation.finished.connect(lambda rendered: _write(tab, rendered, path))
    operation.failed.connect(
        lambda message: tab.status_label.setText(f"Ежедневник не напечатан: {message}"))
    tab.print_operation = operation
    return operation.start()


def _write(tab: Any, rendered: Rendered, path: str | None) -> None:
    from vostok_desktop.gui.export_gate import pass_export_gate

    if not rendered:
        tab.status_label.setText("Ежедневник не напечатан: нет дел за выбранный период и отбор.")
        return
    if path is None:
        if len(rendered) == 1:
            path, _ = QFileDialog.getSaveFileName(tab, "Печать ежедневника", rendered[0][0],
                                                  "Документ Word (*.docx)")
        else:
            path = QFileDialog.getExistingDirectory(
                tab, f"Папка для ежедневников ({len(rendered)} сотрудников)")
        if not path:
            tab.status_label.setText("Печать ежедневника отменена.")
            return
    refused = pass_export_gate(tab.context, "print", "Ежедневник сотрудника",
                               sum(n for _name, _data, n in rendered))
    if refused:
        tab.status_label.setText(f"Ежедневник не напечатан: {refused}")
        return
    target = Path(path)
    try:
        if len(rendered) == 1 and not target.is_dir():
            files = [target.with_suffix(".docx") if target.suffix.lower() != ".docx"
                     else target]
            files[0].write_bytes(rendered[0][1])
        else:
            target.mkdir(parents=True, exist_ok=True)
            files = []
            for name, data, _n in rendered:
                (target / name).write_bytes(data)
                files.append(target / name)
    except OSError as exc:
        tab.status_label.setText(f"Ежедневник не записан в {path}: {exc.strerror or exc}")
        return
    tab.printed_files = files
    tab.status_label.setText(
        f"Ежедневник сохранён: {files[0]}" if len(files) == 1
        else f"Ежедневники сохранены в {target}: {len(files)} файлов")


def register_print_action(window: Any, area: Any) -> None:
    """The scoped command (once per window): it prints the diary tab that has the
    focus, or the open diary tab."""
    actions = window.context.actions
    if ACTION in actions:
        return

    def run() -> None:
        widget = window.focusWidget()
        while widget is not None and not is_diary(widget):
            widget = widget.parentWidget()
        tab = widget or area.tabs.get(DIARY_KEY)
        if tab is not None:
            print_diary(tab)

    actions.register(ACTION, TITLE, run, category="Отчёты", scope=SCOPE, parent=window)


__all__ = ["ACTION", "TITLE", "is_diary", "print_diary", "register_print_action"]
