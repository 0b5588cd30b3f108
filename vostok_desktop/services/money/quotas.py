"""КЦ quotas «КК / ОГ»: the quota marks of distributives, the plans of filling the quotas
(per year and department) and the report «Скидки КЦ». No Qt.

Plans need «Квоты КК/ОГ» (money.quotas); marks are distributive movements' business
(«Движение дистрибутивов») and follow the client's visibility. The server checks the
same (migration 0015).

The department of a client is the server's own notion of «clients of my department»
(0007): the departments of the client's creator and of its responsibles of every
direction. A client may so belong to several departments; it is counted once in each,
and once in the company row. The fact on a date counts marks open on that date whose
distributive is on service now (at its current client).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from sqlalchemy import and_, delete, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Department, Employee, Responsibility
from vostok_desktop.domain.distributives import (
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
)
from vostok_desktop.domain.quotas import (
    DEFAULT_MAX_PERCENT,
    QUOTA_KIND_TITLES,
    DistributiveKcQuota,
    KcQuotaPlan,
    QuotaKind,
)
from vostok_desktop.services.access.rights import AccessProfile, require
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.distributives.common import refuse, run_write
from vostok_desktop.services.distributives.reports import ReportTable

QUOTAS = "money.quotas"
MARKS = "distributives.move"
COMPANY = "Вся компания"
REPORT_TITLE = "Скидки КЦ"
REPORT_COLUMNS = ("Подразделение", "Квота", "Квота КЦ, шт.", "План заполнения, %",
                  "План, шт.", "Факт, шт.", "Заполнено, %", "Отклонение, шт.", "Сверх плана")
OVER_PLAN = "сверх плана"
HUNDRED = Decimal(100)


def _check(profile: AccessProfile | None, right: str) -> None:
    """The program's own check (greys out on a file base); the server checks anyway."""
    if profile is not None:
        require(profile, right)


def _program_logs(s: Session) -> bool:
    """On a server base the database writes the log of these tables itself."""
    return s.get_bind().dialect.name != "postgresql"


def kind_title(kind: QuotaKind | str) -> str:
    return QUOTA_KIND_TITLES[QuotaKind(kind)]


def _d(value: date) -> str:
    return value.strftime("%d.%m.%Y")


# --------------------------------------------------------------------------- marks


@dataclass(frozen=True)
class QuotaMarkRow:
    id: int
    distributive_id: int
    kind: QuotaKind
    valid_from: date
    valid_to: date | None
    note: str
    author: str

    def open_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @property
    def period_text(self) -> str:
        end = f" по {_d(self.valid_to)}" if self.valid_to else ""
        return f"с {_d(self.valid_from)}{end}"


@dataclass(frozen=True)
class DistributiveInfo:
    id: int
    number: str
    client_id: int | None
    client_name: str
    status: DistributiveStatus


def find_distributive(base: OpenedBase, number: str) -> DistributiveInfo | None:
    """The distributive with this number (as the login sees it), or None."""
    number = (number or "").strip()
    if not number:
        return None
    with base.sessions() as s:
        row = s.execute(select(Distributive.id, Distributive.number, Distributive.client_id,
                               Client.short_name, Distributive.status)
                        .outerjoin(Client, Client.id == Distributive.client_id)
                        .where(Distributive.number == number)).first()
    if row is None:
        return None
    return DistributiveInfo(row[0], row[1], row[2], row[3] or "",
                            DistributiveStatus(row[4]))


def distributive_marks(base: OpenedBase, distributive_id: int) -> list[QuotaMarkRow]:
    """The distributive's quota marks, newest first."""
    m = DistributiveKcQuota
    with base.sessions() as s:
        rows = s.execute(select(m.id, m.distributive_id, m.kind, m.valid_from, m.valid_to,
                                m.note, Employee.full_name)
                         .outerjoin(Employee, Employee.id == m.created_by_id)
                         .where(m.distributive_id == distributive_id)
                         .order_by(m.valid_from.desc(), m.id.desc())).all()
    return [QuotaMarkRow(r[0], r[1], QuotaKind(r[2]), r[3], r[4], r[5], r[6] or "")
            for r in rows]


def set_mark(base: OpenedBase, distributive_id: int, kind: QuotaKind | str,
             valid_from: date, employee_id: int | None, *, note: str = "",
             profile: AccessProfile | None = None) -> int:
    """Mark a distributive on service as served on a КЦ quota from ``valid_from``."""
    _check(profile, MARKS)
    try:
        kind = QuotaKind(kind)
    except ValueError:
        raise refuse("kind", "Квота КЦ: вид квоты — КК или ОГ") from None
    if valid_from is None:
        raise refuse("valid_from", "Квота КЦ: не указана дата начала")

    def write(s: Session) -> int:
        d = s.get(Distributive, distributive_id)
        if d is None:
            raise refuse("distributive_id", "Дистрибутив не найден (возможно, удалён)")
        if d.status is not DistributiveStatus.SERVED or d.client_id is None:
            raise refuse("distributive_id", f"Дистрибутив № {d.number} не на обслуживании: "
                                            "квоту КЦ ставят только обслуживаемому")
        m = DistributiveKcQuota
        current = s.execute(select(m.kind, m.valid_from, m.valid_to)
                            .where(m.distributive_id == d.id,
                                   or_(m.valid_to.is_(None), m.valid_to >= valid_from))
                            .order_by(m.valid_from).limit(1)).first()
        if current is not None:
            until = f" по {_d(current[2])}" if current[2] else ", не закрыта"
            raise refuse("valid_from", f"У дистрибутива № {d.number} уже есть квота "
                                       f"{kind_title(current[0])} с {_d(current[1])}{until}: "
                                       "сначала закройте её днём раньше")
        row = DistributiveKcQuota(distributive_id=d.id, client_id=d.client_id, kind=kind,
                                  valid_from=valid_from, note=(note or "").strip()[:300],
                                  created_by_id=employee_id)
        s.add(row)
        s.flush()
        if _program_logs(s):
            record_changes(s, "distributive_kc_quotas", row.id, d.client_id, employee_id,
                           {}, {"distributive_id": d.id, "kind": kind.value,
                                "valid_from": valid_from, "note": row.note})
        return row.id

    return run_write(base, write)


def close_mark(base: OpenedBase, mark_id: int, valid_to: date, employee_id: int | None, *,
               profile: AccessProfile | None = None) -> None:
    """Close a mark: ``valid_to`` is its last day; it is not counted after it."""
    _check(profile, MARKS)
    if valid_to is None:
        raise refuse("valid_to", "Квота КЦ: не указана дата окончания")

    def write(s: Session) -> None:
        row = s.get(DistributiveKcQuota, mark_id)
        if row is None:
            raise refuse("id", "Квота КЦ не найдена (возможно, удалена)")
        if row.valid_to is not None:
            raise refuse("valid_to", f"Квота КЦ уже закрыта по {_d(row.valid_to)}")
        if valid_to < row.valid_from:
            raise refuse("valid_to", f"Квота КЦ действует с {_d(row.valid_from)}: "
                                     "дата окончания не может быть раньше")
        row.valid_to = valid_to
        s.flush()
        if _program_logs(s):
            record_changes(s, "distributive_kc_quotas", row.id, row.client_id, employee_id,
                           {"valid_to": None}, {"valid_to": valid_to})

    run_write(base, write)


# --------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class PlanRow:
    """One line of the plans table: a department (None: the company) and a kind; the
    quota is None when no plan is set."""

    department_id: int | None
    department: str
    kind: QuotaKind
    quota: int | None
    max_percent: Decimal


@dataclass(frozen=True)
class PlanData:
    department_id: int | None
    kind: QuotaKind | str
    quota: int | str | None  # None or "": no plan (an existing one is removed)
    max_percent: Decimal | str | None = DEFAULT_MAX_PERCENT


def departments(base: OpenedBase) -> list[tuple[int, str]]:
    with base.sessions() as s:
        return list(s.execute(select(Department.id, Department.name)
                              .order_by(Department.name, Department.id)).tuples())


def plans(base: OpenedBase, year: int) -> list[PlanRow]:
    """Every department × kind for ``year``, the company first, with the plan if set."""
    with base.sessions() as s:
        deps = [(None, COMPANY), *s.execute(select(Department.id, Department.name)
                                            .order_by(Department.name, Department.id))]
        p = KcQuotaPlan
        saved = {(r[0], QuotaKind(r[1])): (r[2], Decimal(r[3])) for r in s.execute(
            select(p.department_id, p.kind, p.quota, p.max_percent).where(p.year == year))}
    rows = []
    for dep_id, name in deps:
        for kind in QuotaKind:
            quota, percent = saved.get((dep_id, kind), (None, DEFAULT_MAX_PERCENT))
            rows.append(PlanRow(dep_id, name, kind, quota, percent))
    return rows


def _what(kind: QuotaKind, department: str) -> str:
    return f"Квота {kind_title(kind)}, «{department}»"


def _quota(value: int | str | None, what: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    try:
        q = int(text)
    except ValueError:
        raise refuse("quota", f"{what}: квота «{value}» — не целое число систем") from None
    if q < 0:
        raise refuse("quota", f"{what}: квота не может быть меньше нуля")
    if q > 1_000_000:
        raise refuse("quota", f"{what}: квота {q} — слишком много систем")
    return q


def _max_percent(value: Decimal | str | None, what: str) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_MAX_PERCENT
    try:
        p = Decimal(str(value).replace(",", ".").replace("%", "").strip())
    except ArithmeticError:
        raise refuse("max_percent", f"{what}: план заполнения «{value}» — не число") from None
    if not p.is_finite():
        raise refuse("max_percent", f"{what}: план заполнения «{value}» — не число")
    if p <= 0 or p > 100:
        raise refuse("max_percent", f"{what}: план заполнения — больше 0 и не больше 100 %")
    if p != p.quantize(Decimal("0.01")):
        raise refuse("max_percent", f"{what}: план заполнения — не больше двух знаков "
                                    "после запятой")
    return p.quantize(Decimal("0.01"))


def validate_plans(base: OpenedBase, items: Sequence[PlanData]
                   ) -> list[tuple[int | None, QuotaKind, int | None, Decimal]]:
    names = {None: COMPANY, **dict(departments(base))}
    out = []
    seen: set[tuple[int | None, QuotaKind]] = set()
    for item in items:
        kind = QuotaKind(item.kind)
        if item.department_id not in names:
            raise refuse("department_id", "Подразделение не найдено (возможно, удалено)")
        what = _what(kind, names[item.department_id])
        if (item.department_id, kind) in seen:
            raise refuse("kind", f"{what}: указана дважды")
        seen.add((item.department_id, kind))
        out.append((item.department_id, kind, _quota(item.quota, what),
                    _max_percent(item.max_percent, what)))
    return out


def save_plans(base: OpenedBase, year: int, items: Sequence[PlanData],
               employee_id: int | None, *, profile: AccessProfile | None = None) -> int:
    """Write the plans of ``year`` in one transaction (a row without a quota removes the
    plan); returns how many plan rows changed. Nothing is written if one row is bad."""
    _check(profile, QUOTAS)
    if not 2000 <= int(year) <= 2100:
        raise refuse("year", f"Год плана {year} — вне 2000…2100")
    checked = validate_plans(base, items)

    def write(s: Session) -> int:
        p = KcQuotaPlan
        existing = {(r.department_id, QuotaKind(r.kind)): r
                    for r in s.scalars(select(p).where(p.year == year))}
        changed = 0
        logs = _program_logs(s)
        for dep_id, kind, quota, percent in checked:
            row = existing.get((dep_id, kind))
            if quota is None:
                if row is not None:
                    if logs:
                        record_changes(s, "kc_quota_plans", row.id, None, employee_id,
                                       {"quota": row.quota, "max_percent": row.max_percent},
                                       {})
                    s.execute(delete(p).where(p.id == row.id))
                    changed += 1
                continue
            if row is None:
                row = KcQuotaPlan(year=year, department_id=dep_id, kind=kind, quota=quota,
                                  max_percent=percent, updated_by_id=employee_id)
                s.add(row)
                s.flush()
                old: dict = {}
            elif row.quota == quota and Decimal(row.max_percent) == percent:
                continue
            else:
                old = {"quota": row.quota, "max_percent": row.max_percent}
                row.quota, row.max_percent, row.updated_by_id = quota, percent, employee_id
                s.flush()
            changed += 1
            if logs:
                record_changes(s, "kc_quota_plans", row.id, None, employee_id, old,
                               {"quota": quota, "max_percent": percent})
        return changed

    return run_write(base, write)


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class QuotaReportRow:
    department_id: int | None
    department: str
    kind: QuotaKind
    quota: int | None
    max_percent: Decimal | None
    fact: int

    @property
    def plan(self) -> int | None:
        """План (шт.): quota × percent / 100, rounded down (a part of a system is none)."""
        if self.quota is None or self.max_percent is None:
            return None
        return int((Decimal(self.quota) * self.max_percent / HUNDRED)
                   .to_integral_value(rounding=ROUND_DOWN))

    @property
    def filled_percent(self) -> Decimal | None:
        if not self.quota:
            return None
        return (Decimal(self.fact) * HUNDRED / Decimal(self.quota)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def deviation(self) -> int | None:
        plan = self.plan
        return None if plan is None else self.fact - plan

    @property
    def over_plan(self) -> bool:
        plan = self.plan
        return plan is not None and self.fact > plan


def _client_departments():  # noqa: ANN202
    """(client_id, department_id) pairs: the departments of the client's creator and
    responsibles (0007's visible_to), each pair once."""
    by_creator = (select(Client.id.label("client_id"), Employee.department_id)
                  .join(Employee, Employee.id == Client.created_by_id)
                  .where(Employee.department_id.is_not(None)))
    by_responsible = (select(Responsibility.client_id, Employee.department_id)
                      .join(Employee, Employee.id == Responsibility.employee_id)
                      .where(Employee.department_id.is_not(None)))
    return union(by_creator, by_responsible).subquery("client_departments")


def _state_on(on: date):  # noqa: ANN202
    """Per distributive, its state on ``on``: the last movement on or before that day
    (movements record the state they leave, see services/distributives/state.py)."""
    mv = DistributiveMovement
    last = (select(mv.id).where(mv.distributive_id == DistributiveKcQuota.distributive_id,
                                mv.moved_on <= on)
            .order_by(mv.moved_on.desc(), mv.id.desc()).limit(1)
            .correlate(DistributiveKcQuota).scalar_subquery())
    return aliased(mv, name="state_on"), last


def kc_discounts(base: OpenedBase, on: date) -> list[QuotaReportRow]:
    """«Скидки КЦ» on ``on``: the company, then each department with a plan or a fact
    in the plans' year, × КК / ОГ. A mark counts when it is open on that day and its
    distributive was served then — by the client it had then (a distributive
    disconnected or moved since still counts for the days before)."""
    m = DistributiveKcQuota
    st, last = _state_on(on)
    open_on = and_(m.valid_from <= on, or_(m.valid_to.is_(None), m.valid_to >= on),
                   st.status_after == DistributiveStatus.SERVED,
                   st.to_client_id.is_not(None))
    with base.sessions() as s:
        company = dict(s.execute(select(m.kind, _count(m.id)).select_from(m)
                                 .join(st, st.id == last)
                                 .where(open_on).group_by(m.kind)).tuples().all())
        cd = _client_departments()
        by_dep: dict[tuple[int, QuotaKind], int] = {
            (r[0], QuotaKind(r[1])): r[2] for r in s.execute(
                select(cd.c.department_id, m.kind, _count(m.id)).select_from(m)
                .join(st, st.id == last)
                .join(cd, cd.c.client_id == st.to_client_id)
                .where(open_on).group_by(cd.c.department_id, m.kind))}
        p = KcQuotaPlan
        saved = {(r[0], QuotaKind(r[1])): (r[2], Decimal(r[3])) for r in s.execute(
            select(p.department_id, p.kind, p.quota, p.max_percent)
            .where(p.year == on.year))}
        names = dict(s.execute(select(Department.id, Department.name)).tuples().all())
    rows = [QuotaReportRow(None, COMPANY, kind, *saved.get((None, kind), (None, None)),
                           int(company.get(kind, 0))) for kind in QuotaKind]
    wanted = {dep for dep, _k in saved if dep is not None} | {dep for dep, _k in by_dep}
    for dep in sorted(wanted, key=lambda i: (names.get(i, ""), i)):
        for kind in QuotaKind:
            rows.append(QuotaReportRow(dep, names.get(dep, f"Отдел {dep}"), kind,
                                       *saved.get((dep, kind), (None, None)),
                                       int(by_dep.get((dep, kind), 0))))
    return rows


def _count(column):  # noqa: ANN001, ANN202
    return func.count(column.distinct())


def kc_discounts_table(base: OpenedBase, on: date) -> ReportTable:
    rows = kc_discounts(base, on)
    body = [(r.department, kind_title(r.kind), r.quota, r.max_percent, r.plan, r.fact,
             r.filled_percent, r.deviation, OVER_PLAN if r.over_plan else "")
            for r in rows]
    over = [r for r in rows if r.over_plan]
    facts = ", ".join(f"{kind_title(r.kind)} {r.fact}" for r in rows[:2])
    subtitle = f"На {_d(on)}, план {on.year} года: на квотах {facts}"
    if over:
        subtitle += f"; сверх плана строк: {len(over)}"
    return ReportTable(REPORT_TITLE, subtitle, REPORT_COLUMNS, body)


def over_plan_rows(table: ReportTable) -> Iterable[int]:
    """The indexes of the report's over-plan rows (for highlighting)."""
    last = len(REPORT_COLUMNS) - 1
    return [i for i, row in enumerate(table.rows) if row[last] == OVER_PLAN]
