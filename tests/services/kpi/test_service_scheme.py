"""The report «Новая схема сервиса» on both dialects from the known works and the НСС
rig of test_nss.py: every personal manager with their clients' facts of the set «НСС»
for the month, «нужен контакт» counted by hand, the manager's open and overdue
assignments, the needing-only view, and the table that goes to Excel."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.services.kpi.test_nss import JAN, catalogue, rig  # noqa: F401 - the fixtures
from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.work import Assignment, AssignmentState
from vostok_desktop.services.kpi import nss

NOW = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)


def _assignments(base: OpenedBase, ids: dict[str, int]) -> None:
    """Ivanov: one open in time, one open overdue, one done overdue (does not count)."""
    with base.sessions() as s, s.begin():
        for state, deadline in ((AssignmentState.NEW, datetime(2026, 1, 25, tzinfo=UTC)),
                                (AssignmentState.IN_WORK, datetime(2026, 1, 10, tzinfo=UTC)),
                                (AssignmentState.DONE, datetime(2026, 1, 5, tzinfo=UTC))):
            s.add(Assignment(client_id=ids["a"], executor_id=ids["ivanov"], text="Позвонить",
                             state=state, deadline=deadline, created_at=NOW))


def test_every_manager_with_clients_facts_and_load(empty_base: OpenedBase,
                                                    rig: dict[str, int],  # noqa: F811
                                                    catalogue) -> None:  # noqa: ANN001, F811
    _assignments(empty_base, rig)
    scheme = nss.service_scheme(empty_base, catalogue, JAN, now=NOW)
    assert (scheme.first, scheme.last, scheme.period_title) == (
        date(2026, 1, 1), date(2026, 1, 31), "январь 2026")
    # Sidorova is responsible for nobody: not a personal manager, not in the report.
    assert [m.manager_name for m in scheme.managers] == ["Иванов И. И.", "Петров П. П."]
    ivanov, petrov = scheme.managers
    # January: A — 3 works (2 done, 15 min); B and C none: both need a contact.
    assert [(r.client_name, r.facts["контакты"], r.facts["выполнено"], r.hint)
            for r in ivanov.rows] == [("Клиент B", 0, 0, "нужен контакт"),
                                      ("Клиент C", 0, 0, "нужен контакт"),
                                      ("Клиент A", 3, 2, "")]
    assert (ivanov.clients, ivanov.needing_contact) == (3, 2)
    assert (ivanov.open_assignments, ivanov.overdue_assignments) == (2, 1)
    assert ivanov.load_text == "открытых поручений 2, просрочено 1"
    # C is Petrov's too (another direction): the same facts under his name.
    assert [(r.client_name, r.needs_contact) for r in petrov.rows] == [("Клиент C", True)]
    assert (petrov.open_assignments, petrov.overdue_assignments) == (0, 0)
    assert (scheme.clients, scheme.needing_contact) == (3, 2)  # C once


def test_needing_only_one_manager_and_the_excel_table(empty_base: OpenedBase,
                                                      rig: dict[str, int],  # noqa: F811
                                                      catalogue) -> None:  # noqa: ANN001, F811
    scheme = nss.service_scheme(empty_base, catalogue, JAN, manager_ids=[rig["ivanov"]],
                                needing_contact_only=True, now=NOW)
    [ivanov] = scheme.managers
    assert [r.client_name for r in ivanov.rows] == ["Клиент B", "Клиент C"]
    table = nss.scheme_table(scheme)
    assert table.title == "Новая схема сервиса"
    assert table.subtitle == "январь 2026, набор «НСС»"
    assert table.columns == ("Менеджер", "Клиент", "Контакты, шт", "Выполнено, шт",
                             "Минуты, мин", "Подсказка", "Причины")
    assert table.rows[0] == ("Иванов И. И.", "итого: клиентов 2", "", "", "",
                             "нужен контакт — 2", "открытых поручений 0, просрочено 0")
    assert table.rows[1][:6] == ("Иванов И. И.", "Клиент B", 0, 0, 0, "нужен контакт")
    assert table.rows[1][6] == ("Контакты: 0 шт — меньше порога 2; "
                                "Выполнено: 0 шт — меньше порога 1")
    assert table.totals == ("Итого", "клиентов 2", "", "", "", "нужен контакт — 2", "")
