"""Reports (issue 15) on the server base, run as the office's employees with their own
logins: a limited manager's pivot tables are the administrator's restricted to the
clients the manager sees — never more; a drill-down opens only those clients; a filter on
a hidden client's id answers exactly as one on an id that does not exist (no side
channel); and running reports leaves no object behind on the server.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from vostok_reports.definitions import (
    BUILTIN_REPORTS,
    CLIENT_CONTACTS,
    CLIENT_DISTRIBUTIVES,
    MONEY_RECEIVED,
    RECEIVABLES,
)

from tests.security.conftest import Office
from tests.security.test_money import NEW_ALLOCATION, NEW_COMPANY, NEW_LINE, _document, _payment
from tests.security.test_quotas import NEW_DISTRIBUTIVE
from vostok_desktop.db import OpenedBase
from vostok_desktop.services.reports.pivot import (
    Filter,
    PivotQuery,
    PivotResult,
    ReportDefinition,
    drill_down,
    run_pivot,
)

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

WIDE = (date(2000, 1, 1), date(2030, 12, 31))
CHECKED = (CLIENT_CONTACTS, CLIENT_DISTRIBUTIVES, MONEY_RECEIVED, RECEIVABLES)
NO_SUCH_CLIENT = 2_000_000_000
NEW_WORK = (
    "insert into work_records (client_id, employee_id, kind, done, starts_at, duration_min, "
    "incoming, importance, subject, result, created_at) values (%s, %s, %s, %s, %s, 15, "
    "false, 'normal', 'Отчётный контакт', '', now())")


@dataclass
class Books:
    client_a: int  # «a»'s client, hidden from «b»
    client_b: int  # «b»'s client
    visible: set[int]  # every client «b» sees


def _books(office: Office) -> Books:
    """Works, distributives, invoices and payments for a client of «a» and one of «b»,
    written by the base's owner; the work records are made by both managers for both."""
    client_a, client_b = office.clients["a"][0], office.clients["b"][0]
    a, b = office.ids["a"], office.ids["b"]
    tag = uuid.uuid4().hex[:6]
    with office.superuser() as su:
        for client, employee, kind, when in (
                (client_a, a, "call", "2025-02-03 09:00+00"),
                (client_a, a, "meeting", "2025-03-04 10:00+00"),
                (client_a, b, "call", "2025-03-05 11:00+00"),  # «b»'s work at a hidden client
                (client_b, b, "call", "2025-02-10 12:00+00"),
                (client_b, b, "visit", "2025-04-11 13:00+00"),
                (client_b, a, "email", "2025-04-12 14:00+00")):  # «a»'s at «b»'s client
            su.execute(NEW_WORK, (client, employee, kind, kind != "email", when))
        system = su.execute(
            "insert into product_systems (code, title, kind, series, network_size, "
            "is_active, notes, version) values (%s, 'КП Отчёт', 'local', '', 1, true, '', 1) "
            "returning id", (f"RP-{tag}",)).fetchone()[0]
        for i, client in enumerate((client_a, client_a, client_b)):
            su.execute(NEW_DISTRIBUTIVE, (f"R{tag}{i}", system, client))
        company = su.execute(NEW_COMPANY, (f"ООО «Отчёт-{tag}»",)).fetchone()[0]
        for client, total, paid in ((client_a, 2400, 1000), (client_b, 1200, 500)):
            invoice = _document(su, company, client, total=total)[0]
            su.execute(NEW_LINE, (invoice, client, 1))
            payment = _payment(su, company, client, paid)
            su.execute(NEW_ALLOCATION, (payment, invoice, client, paid))
        _payment(su, company, None, 700)  # a bank payment of nobody yet
    with office.psql("b") as conn:
        visible = {r[0] for r in conn.execute("select id from clients")}
    assert client_b in visible and client_a not in visible
    return Books(client_a, client_b, visible)


def _period(definition: ReportDefinition) -> tuple[date, date] | None:
    return WIDE if definition.period_dimension or definition.as_of else None


def _query(definition: ReportDefinition, rows: tuple[str, ...] = ("client",),
           columns: tuple[str, ...] = (), filters: tuple[Filter, ...] = ()) -> PivotQuery:
    return PivotQuery(rows=rows, columns=columns,
                      measures=tuple(m.key for m in definition.measures),
                      period=_period(definition), filters=filters)


def _shown(result: PivotResult) -> tuple[object, ...]:
    """Everything the table shows: headers with their labels, and every cell."""
    return ([(h.key, h.labels) for h in result.row_headers],
            [(h.key, h.labels) for h in result.column_headers], result.cells)


@pytest.fixture
def manager_b(office: Office):  # noqa: ANN201
    base = office.open_as("b")
    yield base
    base.close()


def test_a_limited_managers_totals_are_the_admins_for_the_clients_they_see(
        office: Office, manager_b: OpenedBase) -> None:
    books = _books(office)
    admin = office.admin_base
    only_visible = Filter("client", tuple(sorted(books.visible)))
    for definition in CHECKED:
        layouts = [(("client",), ())]
        if definition is CLIENT_CONTACTS:
            layouts.append((("employee",), ("period",)))
        for rows, columns in layouts:
            mine = run_pivot(manager_b, definition, _query(definition, rows, columns))
            restricted = run_pivot(admin, definition,
                                   _query(definition, rows, columns, (only_visible,)))
            everything = run_pivot(admin, definition, _query(definition, rows, columns))
            assert not mine.is_empty, definition.title
            assert _shown(mine) == _shown(restricted), (definition.title, rows, columns)
            first = definition.measures[0].key
            assert mine.grand_total(first) < everything.grand_total(first), definition.title
        by_client = run_pivot(manager_b, definition, _query(definition))
        seen = {h.key[0] for h in by_client.leaf_rows}
        assert books.client_b in seen and seen <= books.visible, definition.title


def test_contacts_of_a_hidden_client_are_not_counted_for_the_manager_who_made_them(
        office: Office, manager_b: OpenedBase) -> None:
    books = _books(office)
    query = PivotQuery(rows=("employee",), measures=("count", "clients"), period=WIDE,
                       filters=(Filter("client", (books.client_a, books.client_b)),))
    b = office.ids["b"]
    admin = run_pivot(office.admin_base, CLIENT_CONTACTS, query)
    mine = run_pivot(manager_b, CLIENT_CONTACTS, query)
    assert admin.value((b,), (), "count") == 3  # two at «b»'s client, one at «a»'s
    assert mine.value((b,), (), "count") == 2
    assert mine.value((b,), (), "clients") == 1
    assert mine.value((office.ids["a"],), (), "count") == 1  # «a»'s e-mail to «b»'s client
    assert mine.grand_total("count") == 3


def test_drill_down_opens_only_the_clients_the_manager_sees(
        office: Office, manager_b: OpenedBase) -> None:
    books = _books(office)
    for definition in CHECKED:
        query = definition.default_query(_period(definition))
        drilled = drill_down(manager_b, definition, query, (), ())
        assert not drilled.truncated, definition.title
        assert books.client_b in drilled.entity_ids, definition.title
        assert set(drilled.entity_ids) <= books.visible, definition.title
        admin = drill_down(office.admin_base, definition, query, (), ())
        assert books.client_a in admin.entity_ids, definition.title
        # A cell keyed by a hidden client (forged: «b» never saw that row) opens nothing.
        by_client = _query(definition)
        assert drill_down(manager_b, definition, by_client, (books.client_a,), ()).rows == []
        assert drill_down(office.admin_base, definition, by_client,
                          (books.client_a,), ()).rows != []


def test_a_filter_on_a_hidden_client_answers_as_for_no_client_at_all(
        office: Office, manager_b: OpenedBase) -> None:
    books = _books(office)
    for definition in CHECKED:
        answers = []
        for client in (books.client_a, NO_SUCH_CLIENT):
            query = _query(definition, ("kind",) if definition is not RECEIVABLES
                           else ("ageing",), filters=(Filter("client", (client,)),))
            result = run_pivot(manager_b, definition, query)
            drilled = drill_down(manager_b, definition, query, (), ())
            answers.append((_shown(result), drilled.rows, drilled.entity_ids))
        assert answers[0] == answers[1], definition.title
        assert answers[0][1] == [], definition.title
        hidden = run_pivot(office.admin_base, definition, _query(
            definition, filters=(Filter("client", (books.client_a,)),)))
        assert not hidden.is_empty, definition.title  # there is something to hide


def _server_objects(office: Office) -> tuple[set[str], set[str]]:
    with office.superuser() as su:
        functions = {r[0] for r in su.execute(
            "select p.oid::regprocedure::text from pg_proc p "
            "where p.pronamespace = current_schema()::regnamespace")}
        relations = {r[0] for r in su.execute(
            "select c.relname from pg_class c "
            "where c.relnamespace = current_schema()::regnamespace")}
    return functions, relations


def test_running_reports_adds_no_server_objects(office: Office, manager_b: OpenedBase) -> None:
    _books(office)
    before = _server_objects(office)
    assert before[0], "the base's own functions are listed"
    for base in (manager_b, office.admin_base):
        for definition in BUILTIN_REPORTS:
            query = definition.default_query(_period(definition))
            run_pivot(base, definition, query)
            drill_down(base, definition, query, (), ())
    assert _server_objects(office) == before
