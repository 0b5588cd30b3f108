"""НСС monitoring («Мониторинг клиентов НСС», seeds/000 §2): for a personal manager, every
client they are responsible for with the indicators of the set «НСС» for one period, a
«нужен контакт» hint where an indicator is on the wrong side of its threshold, and the
contact planned as an assignment to the manager. The report «Новая схема сервиса»
(:func:`service_scheme`) is the same for every personal manager at once, with each one's
clients, how many need a contact and the manager's load (open and overdue assignments).
No Qt.

The facts come from the KPI engine (``compute_kpi``, one call for all the clients), through
the user's own connection: a limited login sees only the clients (and the works) it may.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.clients import Responsibility
from vostok_desktop.domain.kpi import PeriodKind
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.kpi.facts import KpiSubject, compute_kpi
from vostok_desktop.services.kpi.indicators import indicator_model
from vostok_desktop.services.kpi.plans import format_value
from vostok_desktop.services.kpi.sets import SetItemRow, SetRow, get_set, list_sets
from vostok_desktop.services.lists.filters import Canceller
from vostok_desktop.services.reports.catalogue import ReportCatalogue
from vostok_desktop.services.reports.periods import PeriodGrouping, bucket_start, period_label
from vostok_desktop.services.reports.pivot import MeasureKind, ReportError

__all__ = ["NSS_SET_TITLE", "NEEDS_CONTACT", "SCHEME_TITLE", "NssMonitor", "NssReason",
           "NssRow", "SchemeManager", "ServiceScheme", "contact_text", "default_deadline",
           "find_nss_set", "nss_monitor", "period_bounds", "plan_contact", "scheme_table",
           "service_scheme"]

NSS_SET_TITLE = "НСС"
NEEDS_CONTACT = "нужен контакт"
SCHEME_TITLE = "Новая схема сервиса"
MAX_TEXT = 4000
_GROUPING = {PeriodKind.MONTH: PeriodGrouping.MONTH, PeriodKind.QUARTER: PeriodGrouping.QUARTER,
             PeriodKind.YEAR: PeriodGrouping.YEAR}
_ADDITIVE = (MeasureKind.COUNT, MeasureKind.COUNT_DISTINCT, MeasureKind.SUM)


@dataclass(frozen=True)
class NssReason:
    """One indicator past its threshold."""

    code: str
    title: str
    unit: str
    fact: Decimal
    threshold: Decimal
    higher_is_better: bool

    @property
    def text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        side = "меньше" if self.higher_is_better else "больше"
        return (f"{self.title}: {format_value(self.fact)}{unit} — {side} порога "
                f"{format_value(self.threshold)}")


@dataclass(frozen=True)
class NssRow:
    client_id: int
    client_name: str
    facts: dict[str, Decimal | None]  # indicator code -> fact of the period
    reasons: tuple[NssReason, ...] = ()

    @property
    def needs_contact(self) -> bool:
        return bool(self.reasons)

    @property
    def hint(self) -> str:
        return NEEDS_CONTACT if self.reasons else ""

    @property
    def reasons_text(self) -> str:
        return "; ".join(r.text for r in self.reasons)


@dataclass
class NssMonitor:
    manager_id: int
    manager_name: str
    set: SetRow
    period_kind: PeriodKind
    first: date
    last: date
    rows: list[NssRow] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # code -> why it has no values

    @property
    def period_title(self) -> str:
        return period_label(self.first, _GROUPING[self.period_kind])

    @property
    def items(self) -> tuple[SetItemRow, ...]:
        return self.set.items

    @property
    def needing_contact(self) -> int:
        return sum(1 for r in self.rows if r.needs_contact)


def period_bounds(kind: PeriodKind | str, day: date) -> tuple[date, date]:
    """The first and the last day of the month (quarter, year) of ``day``."""
    kind = PeriodKind(kind)
    first = bucket_start(day, _GROUPING[kind])
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    month = first.month - 1 + months
    following = date(first.year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def find_nss_set(base: OpenedBase, set_id: int | None = None) -> SetRow:
    """The chosen set, or the one titled «НСС»."""
    if set_id is not None:
        return get_set(base, set_id)
    for row in list_sets(base):
        if row.title.casefold() == NSS_SET_TITLE.casefold():
            return row
    raise ValidationError("set", f"Нет набора показателей «{NSS_SET_TITLE}»: создайте его "
                                 "в «KPI → Наборы показателей…» (показатели и пороги "
                                 "«нужен контакт»)")


def _clients_of(base: OpenedBase, manager_id: int) -> tuple[str, list[tuple[int, str]]]:
    with base.sessions() as s:
        name = s.scalar(select(Employee.full_name).where(Employee.id == manager_id))
        if name is None:
            raise ValidationError("manager", "Сотрудник не найден (возможно, удалён)")
        rows = s.execute(
            select(Client.id, Client.short_name).distinct()
            .join(Responsibility, Responsibility.client_id == Client.id)
            .where(Responsibility.employee_id == manager_id,
                   Client.marked_for_deletion.is_(False))).all()
    clients = sorted(((cid, text) for cid, text in rows),
                     key=lambda r: (r[1].casefold(), r[0]))
    return name, clients


def _additive_codes(base: OpenedBase, catalogue: ReportCatalogue,
                    codes: list[str]) -> set[str]:
    """Measure indicators that count or sum: a client without rows has 0 of them."""
    model, out = indicator_model(base), set()
    for code in codes:
        if code not in model.measures:
            continue
        report_key, measure_key = model.measures[code]
        definition = catalogue.get(report_key)
        if definition is None:
            continue
        try:
            kind = definition.measure(measure_key).kind
        except ReportError:
            continue
        if kind in _ADDITIVE:
            out.add(code)
    return out


def nss_monitor(base: OpenedBase, catalogue: ReportCatalogue, manager_id: int,
                period: date, *, kind: PeriodKind | str = PeriodKind.MONTH,
                set_id: int | None = None, canceller: Canceller | None = None) -> NssMonitor:
    """The manager's clients (by the responsibilities) with the set's indicators for the
    month (quarter, year) holding ``period``; clients needing a contact first, then by
    name."""
    kind = PeriodKind(kind)
    kset = find_nss_set(base, set_id)
    first, last = period_bounds(kind, period)
    name, clients = _clients_of(base, manager_id)
    monitor = NssMonitor(manager_id, name, kset, kind, first, last)
    codes = [item.code for item in kset.items]
    if not clients or not codes:
        return monitor
    rows, monitor.problems = _client_rows(base, catalogue, kset, kind, first, last, clients,
                                          canceller)
    monitor.rows = sorted(rows.values(), key=lambda r: not r.needs_contact)  # names kept
    return monitor


def _client_rows(base: OpenedBase, catalogue: ReportCatalogue, kset: SetRow,
                 kind: PeriodKind, first: date, last: date,
                 clients: list[tuple[int, str]], canceller: Canceller | None
                 ) -> tuple[dict[int, NssRow], dict[str, str]]:
    """Every client's facts of the set for the period and its reasons (one KPI call)."""
    codes = [item.code for item in kset.items]
    if not clients or not codes:
        return {cid: NssRow(cid, name, {}) for cid, name in clients}, {}
    table = compute_kpi(base, catalogue, codes, KpiSubject.CLIENT, kind, first, last,
                        subject_ids=[cid for cid, _ in clients], canceller=canceller)
    zero_when_missing = _additive_codes(base, catalogue, codes) - set(table.problems)
    rows = {}
    for client_id, client_name in clients:
        facts: dict[str, Decimal | None] = {}
        reasons = []
        for item in kset.items:
            value = table.fact(item.code, client_id, first)
            if value is None and item.code in zero_when_missing:
                value = Decimal(0)
            facts[item.code] = value
            if item.needs_contact(value):
                reasons.append(NssReason(item.code, item.title, item.unit, value,  # type: ignore[arg-type]
                                         item.threshold, item.higher_is_better))  # type: ignore[arg-type]
        rows[client_id] = NssRow(client_id, client_name, facts, tuple(reasons))
    return rows, dict(table.problems)


def contact_text(row: NssRow) -> str:
    """The assignment's text proposed for a client of the monitor."""
    text = "Связаться с клиентом (мониторинг НСС)"
    return f"{text}: {row.reasons_text}" if row.reasons else text


def default_deadline(base: OpenedBase, today: date | None = None) -> date:
    """The next working day after ``today`` (the base's working calendar)."""
    from vostok_desktop.services.hotline.calendar import load_calendar

    with base.sessions() as s:
        calendar = load_calendar(s)
    day = (today or date.today()) + timedelta(days=1)
    for _ in range(400):
        if calendar.is_working_day(day):
            return day
        day += timedelta(days=1)
    return (today or date.today()) + timedelta(days=1)


def plan_contact(base: OpenedBase, client_id: int, manager_id: int, text: str,
                 deadline: date | datetime, author_id: int | None, *,
                 today: date | None = None) -> int:
    """Plan the contact with the client as an assignment to the manager, due ``deadline``
    (a day: by the end of that working day, 18:00 local time); returns its id."""
    from vostok_desktop.services.hotline.calendar import local_zone
    from vostok_desktop.services.work.assignments import AssignmentDraft, create_assignments

    text = (text or "").strip()
    if not text:
        raise ValidationError("text", "Текст поручения: обязательное поле")
    if len(text) > MAX_TEXT:
        raise ValidationError("text", f"Текст поручения длиннее {MAX_TEXT} знаков")
    if deadline is None:
        raise ValidationError("deadline", "Срок контакта: обязательное поле")
    if isinstance(deadline, datetime):
        due = deadline if deadline.tzinfo else deadline.replace(tzinfo=local_zone())
    else:
        due = datetime.combine(deadline, time(18, 0), tzinfo=local_zone())
    if due.astimezone(local_zone()).date() < (today or date.today()):
        raise ValidationError("deadline", "Срок контакта уже прошёл: укажите сегодняшний "
                                          "или более поздний день")
    with base.sessions() as s:
        active = s.scalar(select(Employee.is_active).where(Employee.id == manager_id))
    if active is None:
        raise ValidationError("manager", "Сотрудник не найден (возможно, удалён)")
    if not active:
        raise ValidationError("manager", "Сотрудник уволен: поручение ему не назначить")
    draft = AssignmentDraft(targets=[(client_id, None)], executor_id=manager_id, text=text,
                            deadline=due.astimezone(UTC))
    return create_assignments(base, draft, author_id)[0]


# ------------------------------------------------------------------ «Новая схема сервиса»
@dataclass
class SchemeManager:
    """One personal manager of the report: their clients (those needing a contact
    first) and their load."""

    manager_id: int
    manager_name: str
    rows: list[NssRow] = field(default_factory=list)
    open_assignments: int = 0
    overdue_assignments: int = 0

    @property
    def clients(self) -> int:
        return len(self.rows)

    @property
    def needing_contact(self) -> int:
        return sum(1 for r in self.rows if r.needs_contact)

    @property
    def load_text(self) -> str:
        return (f"открытых поручений {self.open_assignments}, "
                f"просрочено {self.overdue_assignments}")


@dataclass
class ServiceScheme:
    set: SetRow
    period_kind: PeriodKind
    first: date
    last: date
    managers: list[SchemeManager] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def period_title(self) -> str:
        return period_label(self.first, _GROUPING[self.period_kind])

    @property
    def items(self) -> tuple[SetItemRow, ...]:
        return self.set.items

    @property
    def clients(self) -> int:
        """Distinct clients (a client of two managers counts once)."""
        return len({r.client_id for m in self.managers for r in m.rows})

    @property
    def needing_contact(self) -> int:
        return len({r.client_id for m in self.managers for r in m.rows if r.needs_contact})


def _responsibilities(base: OpenedBase, manager_ids: list[int] | None
                      ) -> dict[int, tuple[str, list[tuple[int, str]]]]:
    """Manager -> (name, clients by name): the active employees responsible for clients."""
    with base.sessions() as s:
        query = (select(Employee.id, Employee.full_name, Client.id, Client.short_name)
                 .distinct()
                 .join(Responsibility, Responsibility.employee_id == Employee.id)
                 .join(Client, Client.id == Responsibility.client_id)
                 .where(Client.marked_for_deletion.is_(False), Employee.is_active.is_(True)))
        if manager_ids is not None:
            query = query.where(Employee.id.in_(manager_ids))
        out: dict[int, tuple[str, list[tuple[int, str]]]] = {}
        for eid, name, cid, client in s.execute(query):
            out.setdefault(eid, (name, []))[1].append((cid, client))
    for _name, clients in out.values():
        clients.sort(key=lambda r: (r[1].casefold(), r[0]))
    return dict(sorted(out.items(), key=lambda kv: (kv[1][0].casefold(), kv[0])))


def _loads(base: OpenedBase, manager_ids: list[int], now: datetime
           ) -> dict[int, tuple[int, int]]:
    """Manager -> (open assignments, overdue ones)."""
    from vostok_desktop.domain.work import OPEN_ASSIGNMENT_STATES, Assignment

    if not manager_ids:
        return {}
    overdue = func.sum(func.coalesce(
        (Assignment.deadline.is_not(None) & (Assignment.deadline < now)).cast(Integer()), 0))
    with base.sessions() as s:
        rows = s.execute(select(Assignment.executor_id, func.count(), overdue)
                         .where(Assignment.executor_id.in_(manager_ids),
                                Assignment.state.in_(OPEN_ASSIGNMENT_STATES))
                         .group_by(Assignment.executor_id))
        return {e: (int(n), int(late or 0)) for e, n, late in rows}


def service_scheme(base: OpenedBase, catalogue: ReportCatalogue, period: date, *,
                   kind: PeriodKind | str = PeriodKind.MONTH, set_id: int | None = None,
                   manager_ids: list[int] | None = None, needing_contact_only: bool = False,
                   now: datetime | None = None, canceller: Canceller | None = None
                   ) -> ServiceScheme:
    """«Новая схема сервиса» (seeds/000 §2): for every personal manager (every active
    employee responsible for clients, or ``manager_ids``) their clients with the facts of
    the set «НСС» for the period holding ``period`` and the «нужен контакт» mark, how
    many need a contact, and the manager's open and overdue assignments. The facts are
    counted once for all the clients (one KPI call)."""
    kind = PeriodKind(kind)
    kset = find_nss_set(base, set_id)
    first, last = period_bounds(kind, period)
    scheme = ServiceScheme(kset, kind, first, last)
    managers = _responsibilities(base, manager_ids)
    clients = sorted({c for _n, cs in managers.values() for c in cs},
                     key=lambda r: (r[1].casefold(), r[0]))
    rows, scheme.problems = _client_rows(base, catalogue, kset, kind, first, last, clients,
                                         canceller)
    loads = _loads(base, list(managers), now or datetime.now(UTC))
    for manager_id, (name, own) in managers.items():
        mine = sorted((rows[cid] for cid, _ in own), key=lambda r: not r.needs_contact)
        if needing_contact_only:
            mine = [r for r in mine if r.needs_contact]
        open_count, overdue_count = loads.get(manager_id, (0, 0))
        scheme.managers.append(SchemeManager(manager_id, name, mine, open_count,
                                             overdue_count))
    return scheme


def scheme_table(scheme: ServiceScheme) -> Any:
    """The report as a table for Excel (services.distributives.reports.write_xlsx): a
    row per manager and client, the manager's totals on their own row."""
    from vostok_desktop.services.distributives.reports import ReportTable

    items = scheme.items
    columns = ("Менеджер", "Клиент", *[f"{i.title}, {i.unit}" if i.unit else i.title
                                       for i in items], "Подсказка", "Причины")
    out: list[tuple[Any, ...]] = []
    for m in scheme.managers:
        out.append((m.manager_name, f"итого: клиентов {m.clients}", *[""] * len(items),
                    f"нужен контакт — {m.needing_contact}", m.load_text))
        for r in m.rows:
            out.append((m.manager_name, r.client_name,
                        *[r.facts.get(i.code) for i in items], r.hint, r.reasons_text))
    totals = ("Итого", f"клиентов {scheme.clients}", *[""] * len(items),
              f"нужен контакт — {scheme.needing_contact}", "")
    return ReportTable(SCHEME_TITLE, f"{scheme.period_title}, набор «{scheme.set.title}»",
                       columns, out, totals)
