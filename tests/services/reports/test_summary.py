"""«Контакты с клиентами» from the server's summaries of works (migration 0023) and of the
clients worked with (0025, the distinct count «Клиентов»): the same table as from the
works themselves, on numbers counted by hand, on both dialects (a file base has no
summary and reads its works); kept right by the database through new, changed and
deleted works, a client changing hands and a deleted client; and read only when one can
answer exactly (whole months, its dimensions and measures, this workstation's UTC
offset)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text, update
from vostok_reports.definitions import CLIENT_CONTACTS

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Department, Direction, Employee
from vostok_desktop.domain.clients import ClientStatus
from vostok_desktop.domain.work import WorkKind, WorkRecord
from vostok_desktop.services.clients.operations import set_responsible
from vostok_desktop.services.reports import summary as summary_module
from vostok_desktop.services.reports.periods import PeriodGrouping
from vostok_desktop.services.reports.pivot import Filter, PivotQuery, PivotResult, run_pivot

# (employee, client, kind, done, minutes, UTC start) — all at noon: the same local
# month at any offset of the machine running the tests.
WORKS = [
    ("ivanov", "a", WorkKind.CALL, True, 5, datetime(2026, 1, 5, 12, tzinfo=UTC)),
    ("ivanov", "a", WorkKind.CALL, False, 0, datetime(2026, 1, 20, 12, tzinfo=UTC)),
    ("ivanov", "b", WorkKind.MEETING, True, 60, datetime(2026, 2, 2, 12, tzinfo=UTC)),
    ("petrov", "a", WorkKind.CALL, True, 10, datetime(2026, 1, 7, 12, tzinfo=UTC)),
    ("petrov", "c", WorkKind.VISIT, True, 90, datetime(2026, 3, 30, 12, tzinfo=UTC)),
    ("petrov", "c", WorkKind.CALL, True, 3, datetime(2026, 4, 1, 12, tzinfo=UTC)),
    ("sidorova", "b", WorkKind.EMAIL, False, 0, datetime(2026, 2, 14, 12, tzinfo=UTC)),
]
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
SOURCE_ONLY = dataclasses.replace(CLIENT_CONTACTS, summaries=())
MEASURES = ("count", "done", "minutes", "share")
LAYOUTS = [
    (("employee",), ("period",)),
    (("employee_department", "employee"), ("kind",)),
    (("kind",), ("period",)),
    ((), ("employee",)),
]


@pytest.fixture
def known(empty_base: OpenedBase) -> dict[str, int]:
    with empty_base.sessions() as s:
        sales = Department(name="Продажи")
        s.add(sales)
        s.flush()
        people = {"ivanov": Employee(login="s_ivanov", full_name="Иванов И. И.",
                                     department_id=sales.id),
                  "petrov": Employee(login="s_petrov", full_name="Петров П. П.",
                                     department_id=sales.id),
                  "sidorova": Employee(login="s_sidorova", full_name="Сидорова С. С.")}
        clients = {k: Client(short_name=f"Клиент {k.upper()}", status=ClientStatus.SERVED)
                   for k in "abc"}
        s.add_all([*people.values(), *clients.values()])
        s.flush()
        for who, client, kind, done, minutes, at in WORKS:
            s.add(WorkRecord(client_id=clients[client].id, employee_id=people[who].id,
                             kind=kind, done=done, duration_min=minutes, starts_at=at))
        s.commit()
        return ({k: v.id for k, v in people.items()} | {k: v.id for k, v in clients.items()}
                | {"sales": sales.id})


def _shown(result: PivotResult) -> tuple[object, ...]:
    return ([(h.key, h.labels) for h in result.row_headers],
            [(h.key, h.labels) for h in result.column_headers], result.cells)


def _both(base: OpenedBase, query: PivotQuery) -> PivotResult:
    """The report as the engine reads it, checked against the works themselves."""
    result = run_pivot(base, CLIENT_CONTACTS, query)
    assert _shown(result) == _shown(run_pivot(base, SOURCE_ONLY, query)), query
    return result


def _summary_lines(base: OpenedBase) -> list[tuple[object, ...]]:
    with base.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "select visible_to, employee_id, month, kind, works, done, minutes "
            "from work_record_summary order by 2, 3, 4, 1"))]


def _client_lines(base: OpenedBase) -> list[tuple[object, ...]]:
    with base.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "select visible_to, employee_id, month, client_id, works "
            "from work_client_summary order by 2, 3, 4, 1"))]


def test_the_summary_gives_the_hand_counted_table(empty_base: OpenedBase,
                                                  known: dict[str, int]) -> None:
    query = PivotQuery(rows=("employee",), columns=("period",), measures=MEASURES,
                       period=YEAR)
    result = _both(empty_base, query)
    # A server base counts from its summary; a file base from its works.
    assert result.from_summary == (empty_base.dialect == "postgresql")
    ivanov, petrov = (known["ivanov"],), (known["petrov"],)
    assert result.value(ivanov, ("2026-01-01",), "count") == 2
    assert result.value(ivanov, ("2026-01-01",), "done") == 1
    assert result.value(ivanov, (), "minutes") == Decimal(65)
    assert result.value(petrov, ("2026-03-01",), "minutes") == Decimal(90)
    assert result.value((), ("2026-02-01",), "count") == 2
    assert result.grand_total("count") == 7
    assert result.grand_total("done") == 5
    assert result.grand_total("minutes") == Decimal(168)
    assert result.value(ivanov, (), "share") == Decimal("42.9")
    assert [h.label for h in result.leaf_columns] == [
        "январь 2026", "февраль 2026", "март 2026", "апрель 2026"]
    for rows, columns in LAYOUTS:
        for grouping in (PeriodGrouping.MONTH, PeriodGrouping.QUARTER, PeriodGrouping.YEAR):
            _both(empty_base, PivotQuery(rows=rows, columns=columns, measures=MEASURES,
                                         grouping=grouping, period=YEAR))
    quarters = _both(empty_base, PivotQuery(rows=("kind",), columns=("period",),
                                            measures=("count",),
                                            grouping=PeriodGrouping.QUARTER, period=YEAR))
    assert quarters.value(("call",), ("2026-01-01",), "count") == 3
    assert quarters.value(("call",), ("2026-04-01",), "count") == 1
    filtered = _both(empty_base, PivotQuery(
        rows=("employee",), measures=("count",), period=YEAR,
        filters=(Filter("kind", ("call",)), Filter("period", ("2026-01-01",)))))
    assert filtered.grand_total("count") == 3
    assert filtered.from_summary == (empty_base.dialect == "postgresql")


def test_distinct_clients_from_the_summary_of_clients(empty_base: OpenedBase,
                                                      known: dict[str, int]) -> None:
    """«Клиентов» does not add up: a client met twice in a month, by two employees, in
    two months of a quarter is one client in each total — counted by hand."""
    query = PivotQuery(rows=("employee",), columns=("period",), measures=("count", "clients"),
                       period=YEAR)
    result = _both(empty_base, query)
    assert result.from_summary == (empty_base.dialect == "postgresql")
    ivanov, petrov, sidorova = (known["ivanov"],), (known["petrov"],), (known["sidorova"],)
    jan = ("2026-01-01",)
    assert result.value(ivanov, jan, "clients") == 1  # «a» twice
    assert result.value(ivanov, jan, "count") == 2
    assert result.value(ivanov, (), "clients") == 2  # «a», «b»
    assert result.value(petrov, (), "clients") == 2  # «a», «c» in March and in April
    assert result.value(sidorova, (), "clients") == 1
    assert result.value((), jan, "clients") == 1  # Ivanov and Petrov both called «a»
    assert result.grand_total("clients") == 3
    assert result.grand_total("count") == 7
    quarters = _both(empty_base, dataclasses.replace(query, grouping=PeriodGrouping.QUARTER))
    assert quarters.value((), ("2026-01-01",), "clients") == 3
    assert quarters.value(petrov, ("2026-04-01",), "clients") == 1
    departments = _both(empty_base, PivotQuery(
        rows=("employee_department", "employee"), measures=("clients",), period=YEAR))
    assert departments.value((known["sales"],), (), "clients") == 3
    assert departments.value((None,), (), "clients") == 1
    for rows, columns in LAYOUTS[:2] + LAYOUTS[3:]:
        for grouping in (PeriodGrouping.MONTH, PeriodGrouping.YEAR):
            layout = [d for d in (*rows, *columns) if d != "kind"]
            assert _both(empty_base, PivotQuery(
                rows=tuple(d for d in rows if d in layout),
                columns=tuple(d for d in columns if d in layout),
                measures=("clients", "share"), grouping=grouping,
                period=YEAR)).from_summary == (empty_base.dialect == "postgresql")


def test_questions_the_summary_cannot_answer_read_the_works(
        empty_base: OpenedBase, known: dict[str, int]) -> None:
    unanswerable = [
        PivotQuery(rows=("employee",), columns=("period",), measures=("count",),
                   grouping=PeriodGrouping.WEEK, period=YEAR),  # weeks cut months
        PivotQuery(rows=("employee",), measures=("count",),
                   period=(date(2026, 1, 6), date(2026, 3, 31))),  # part of a month
        PivotQuery(rows=("client",), measures=("count",), period=YEAR),
        # Clients by kind: the summary of clients keeps all kinds together.
        PivotQuery(rows=("kind",), measures=("clients",), period=YEAR),
        # No one summary counts both (done is not in the summary of clients).
        PivotQuery(rows=("employee",), measures=("done", "clients"), period=YEAR),
        PivotQuery(rows=("employee",), measures=("count",), period=YEAR,
                   filters=(Filter("done", (True,)),)),
    ]
    for query in unanswerable:
        assert not _both(empty_base, query).from_summary, query
    part = run_pivot(empty_base, CLIENT_CONTACTS, unanswerable[1])
    assert part.grand_total("count") == 5  # 5.01 is before the period, 1.04 after it


def test_another_utc_offset_reads_the_works(empty_base: OpenedBase, known: dict[str, int],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    if empty_base.dialect != "postgresql":
        pytest.skip("a file base has no summary")
    offset = summary_module.summary_offset(empty_base)
    assert offset is not None
    monkeypatch.setattr(summary_module, "local_offset_minutes", lambda: offset + 60)
    query = PivotQuery(rows=("employee",), columns=("period",), measures=("count",),
                       period=YEAR)
    result = _both(empty_base, query)
    assert not result.from_summary
    assert result.grand_total("count") == 7


def test_the_database_keeps_the_summary_through_every_change(
        empty_base: OpenedBase, known: dict[str, int]) -> None:
    if empty_base.dialect != "postgresql":
        pytest.skip("a file base has no summary")
    queries = [PivotQuery(rows=rows, columns=columns, measures=MEASURES, period=YEAR)
               for rows, columns in LAYOUTS]
    queries += [PivotQuery(rows=("employee",), columns=("period",),
                           measures=("count", "clients"), period=YEAR),
                PivotQuery(rows=("employee_department",), measures=("clients",), period=YEAR)]

    def check() -> None:
        for query in queries:
            assert _both(empty_base, query).from_summary
        lines = _summary_lines(empty_base)
        # Nothing that counts to zero is kept; the line of all kinds is their sum.
        assert all(line[4] != 0 for line in lines)
        every = sum(line[4] for line in lines if line[3] == "*")
        assert every == sum(line[4] for line in lines if line[3] != "*") > 0
        # The clients' lines count the same works, one line per employee, month, client.
        clients = _client_lines(empty_base)
        assert all(line[4] > 0 for line in clients)
        assert sum(line[4] for line in clients) == every
        assert len({line[1:4] for line in clients}) == len(clients)

    with empty_base.sessions() as s:
        direction = Direction(code="S1", name="Сопровождение")
        s.add(direction)
        s.flush()
        direction_id = direction.id
        # A work changes its kind, its employee, its month; one more; one goes.
        first = s.scalars(select(WorkRecord).order_by(WorkRecord.id)).first()
        first.kind = WorkKind.VISIT
        first.employee_id = known["sidorova"]
        first.starts_at = datetime(2026, 5, 5, 12, tzinfo=UTC)
        first.duration_min = 45
        s.add(WorkRecord(client_id=known["c"], employee_id=known["ivanov"],
                         kind=WorkKind.CALL, done=True, duration_min=7,
                         starts_at=datetime(2026, 6, 1, 12, tzinfo=UTC)))
        s.commit()
    check()
    with empty_base.sessions() as s:
        s.execute(delete(WorkRecord).where(WorkRecord.employee_id == known["petrov"],
                                           WorkRecord.kind == WorkKind.VISIT))
        s.execute(update(WorkRecord).where(WorkRecord.client_id == known["a"])
                  .values(client_id=known["b"]))  # moved to another client
        s.commit()
    check()
    # Clients change hands (their class of visibility): the works move with them.
    set_responsible(empty_base, [known["b"], known["c"]], direction_id, known["petrov"], None)
    set_responsible(empty_base, [known["c"]], direction_id, known["ivanov"], None)
    check()
    assert {tuple(line[0]) for line in _summary_lines(empty_base)} >= {
        (known["petrov"],), (known["ivanov"],)}
    # A deleted client takes its works out of the summary.
    with empty_base.sessions() as s:
        s.execute(delete(Client).where(Client.id == known["c"]))
        s.commit()
    check()
    # 7 works, one more, a visit gone, the two left at «c» gone with it.
    assert run_pivot(empty_base, CLIENT_CONTACTS, queries[0]).grand_total("count") == 5
    # The owner's rebuild finds what the triggers kept.
    kept, kept_clients = _summary_lines(empty_base), _client_lines(empty_base)
    with empty_base.engine.begin() as conn:
        conn.execute(text("select vostok_work_summary_rebuild()"))
    assert _summary_lines(empty_base) == kept
    assert _client_lines(empty_base) == kept_clients
    with empty_base.engine.begin() as conn:
        conn.execute(text("truncate work_records cascade"))
    assert _summary_lines(empty_base) == []
    assert _client_lines(empty_base) == []


def test_kpi_facts_mixing_counted_and_distinct_measures(empty_base: OpenedBase,
                                                        known: dict[str, int]) -> None:
    """KPI facts ask the summary for what it counts and the works for a distinct count of
    the same report: both kinds of fact, their totals and a formula over both are the
    hand-counted ones on both dialects."""
    from vostok_desktop.domain.kpi import IndicatorKind, PeriodKind
    from vostok_desktop.plugins import load_plugins
    from vostok_desktop.services.kpi.facts import KpiSubject, compute_kpi
    from vostok_desktop.services.kpi.indicators import IndicatorData, save_indicator
    from vostok_desktop.services.reports.catalogue import report_catalogue
    from vostok_desktop.services.reports.pivot import summary_groups

    # Each summary's measures are asked of it apart (on a file base both are found absent).
    assert summary_groups(CLIENT_CONTACTS, ["count", "clients", "done"]) == [
        ["count", "done"], ["clients"]]
    catalogue = report_catalogue(load_plugins())
    allowed = catalogue.measures_by_report()
    for code, measure in (("contacts", "count"), ("clients", "clients"), ("done", "done")):
        save_indicator(empty_base, IndicatorData(code, code, IndicatorKind.MEASURE,
                                                 "client_contacts", measure), None,
                       catalogue=allowed)
    save_indicator(empty_base, IndicatorData("per_client", "per_client", IndicatorKind.FORMULA,
                                             formula="contacts / clients"), None,
                   catalogue=allowed)
    table = compute_kpi(empty_base, catalogue, ["contacts", "clients", "done", "per_client"],
                        KpiSubject.EMPLOYEE, PeriodKind.MONTH, *YEAR)
    jan, feb = date(2026, 1, 1), date(2026, 2, 1)
    ivanov, petrov = known["ivanov"], known["petrov"]
    assert table.fact("contacts", ivanov, jan) == 2
    assert table.fact("done", ivanov, jan) == 1
    assert table.fact("clients", ivanov, jan) == 1  # client «a» twice
    assert table.fact("per_client", ivanov, jan) == 2
    assert table.fact("clients", ivanov, feb) == 1
    assert table.fact("contacts", petrov, feb) == 0
    # January over everyone: 3 contacts with one client (Ivanov and Petrov both called «a»).
    assert table.totals[("contacts", jan)] == 3
    assert table.totals[("clients", jan)] == 1
    assert table.totals[("per_client", jan)] == 3
