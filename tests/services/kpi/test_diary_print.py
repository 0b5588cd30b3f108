"""«Ежедневник сотрудника» printed to DOCX on both dialects, from the known works of
tests/services/reports/test_pivot.py and one assignment: the report's employees each get
their document from the shipped template, with the period, the day's works and
assignments in time order (the day written once), the marks and the totals — read back
with python-docx."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx
import pytest

from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.work import Assignment, AssignmentState
from vostok_desktop.plugins import load_plugins
from vostok_desktop.services.documents.templates import (
    default_template_path,
    validate_template,
)
from vostok_desktop.services.kpi.diary_print import (
    TEMPLATE_FILE,
    diaries,
    diary_file_name,
    render_diary,
)
from vostok_desktop.services.reports.catalogue import report_catalogue
from vostok_desktop.services.reports.pivot import Filter, PivotQuery, ReportError

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))


@pytest.fixture(scope="module")
def catalogue():  # noqa: ANN201
    return report_catalogue(load_plugins())


def _local(at: datetime) -> datetime:
    return at.astimezone()


def _table(data: bytes) -> list[list[str]]:
    document = docx.Document(io.BytesIO(data))
    [table] = document.tables
    return [[c.text for c in row.cells] for row in table.rows]


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_the_template_uses_only_known_fields() -> None:
    validate_template(default_template_path(TEMPLATE_FILE).read_bytes(), TEMPLATE_FILE)


def test_each_employee_gets_the_days_works(empty_base: OpenedBase, known: dict[str, int],  # noqa: F811
                                           catalogue) -> None:  # noqa: ANN001
    due = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
    with empty_base.sessions() as s, s.begin():
        s.add(Assignment(client_id=known["b"], executor_id=known["ivanov"], text="Счёт",
                         state=AssignmentState.DONE, deadline=due,
                         created_at=datetime(2026, 1, 2, tzinfo=UTC)))
    definition = catalogue.get("employee_diary")
    query = PivotQuery(rows=("employee", "period"), columns=("kind",), measures=("count",),
                       period=JANUARY)
    found = diaries(empty_base, definition, query)
    assert [d.employee_name for d in found] == ["Иванов И. И.", "Петров П. П."]
    ivanov, petrov = found
    assert ivanov.department == "Продажи" and ivanov.period_text == "01.01.2026 – 31.01.2026"
    # January: Ivanov's calls of the 5th (done) and the 20th (not), and the assignment due
    # on the 5th at 14:30 (done); the works are at 09:00 UTC.
    call_5, call_20 = (_local(datetime(2026, 1, d, 9, 0, tzinfo=UTC)) for d in (5, 20))
    assert [(e.at, e.kind, e.client, e.subject, e.mark) for e in ivanov.entries] == [
        (call_5, "Звонок", "Клиент A", "", "выполнено"),
        (_local(due), "Поручение", "Клиент B", "Счёт", "выполнено"),
        (call_20, "Звонок", "Клиент A", "", "")]
    data = render_diary(empty_base, ivanov, "Петров П. П.", today=date(2026, 2, 1))
    rows = _table(data)
    assert rows[0] == ["День", "Время", "Что", "Клиент", "Тема", "Отметка"]
    weekday = {0: "пн", 1: "вт"}  # 05.01.2026 and 20.01.2026 are a Monday and a Tuesday
    assert rows[1:] == [
        [f"{call_5:%d.%m.%Y}, {weekday[call_5.weekday()]}", f"{call_5:%H:%M}", "Звонок",
         "Клиент A", "", "выполнено"],
        ["" if _local(due).date() == call_5.date() else f"{_local(due):%d.%m.%Y}",
         f"{_local(due):%H:%M}", "Поручение", "Клиент B", "Счёт", "выполнено"],
        [f"{call_20:%d.%m.%Y}, {weekday[call_20.weekday()]}", f"{call_20:%H:%M}", "Звонок",
         "Клиент A", "", ""]]
    text = _text(data)
    assert "Ежедневник сотрудника" in text
    assert "Сотрудник: Иванов И. И., Продажи" in text
    assert "Период: 01.01.2026 – 31.01.2026" in text
    assert "Всего дел: 3, выполнено: 2." in text
    assert "Распечатано 01.02.2026, Петров П. П." in text
    assert diary_file_name(ivanov) == "Ежедневник Иванов И. И. 01.01.2026 – 31.01.2026.docx"
    assert [r[2] for r in _table(render_diary(empty_base, petrov))[1:]] == ["Звонок"]


def test_the_reports_filter_and_refusals(empty_base: OpenedBase, known: dict[str, int],  # noqa: F811
                                         catalogue) -> None:  # noqa: ANN001
    definition = catalogue.get("employee_diary")
    query = PivotQuery(rows=("employee",), measures=("count",), period=(date(2026, 2, 1),
                                                                        date(2026, 2, 28)),
                       filters=(Filter("employee", (known["sidorova"],)),))
    [sidorova] = diaries(empty_base, definition, query)
    assert sidorova.department == ""
    rows = _table(render_diary(empty_base, sidorova))
    assert [r[2:] for r in rows[1:]] == [["E-mail", "Клиент B", "", ""]]
    assert "Сотрудник: Сидорова С. С.\n" in _text(render_diary(empty_base, sidorova)) + "\n"
    nobody = PivotQuery(rows=("employee",), measures=("count",),
                        period=(date(2025, 1, 1), date(2025, 1, 31)))
    assert diaries(empty_base, definition, nobody) == []
    with pytest.raises(ReportError, match="только для отчёта «Ежедневник сотрудника»"):
        diaries(empty_base, catalogue.get("client_contacts"), query)
