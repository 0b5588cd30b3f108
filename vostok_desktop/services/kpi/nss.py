"""НСС monitoring («Мониторинг клиентов НСС», seeds/000 §2): for a personal manager, every
client they are responsible for with the indicators of the set «НСС» for one period, a
«нужен контакт» hint where an indicator is on the wrong side of its threshold, and the
contact planned as an assignment to the manager. No Qt.

The facts come from the KPI engine (``compute_kpi``, one call for all the clients), through
the user's own connection: a limited login sees only the clients (and the works) it may.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

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

__all__ = ["NSS_SET_TITLE", "NEEDS_CONTACT", "NssMonitor", "NssReason", "NssRow",
           "contact_text", "default_deadline", "find_nss_set", "nss_monitor", "period_bounds",
           "plan_contact"]

NSS_SET_TITLE = "НСС"
NEEDS_CONTACT = "нужен контакт"
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
    table = compute_kpi(base, catalogue, codes, KpiSubject.CLIENT, kind, first, last,
                        subject_ids=[cid for cid, _ in clients], canceller=canceller)
    monitor.problems = dict(table.problems)
    zero_when_missing = _additive_codes(base, catalogue, codes) - set(table.problems)
    rows = []
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
        rows.append(NssRow(client_id, client_name, facts, tuple(reasons)))
    monitor.rows = sorted(rows, key=lambda r: not r.needs_contact)  # stable: names kept
    return monitor


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
