"""Client discounts («Скидка клиента», dated percent) and VIP programmes with interval
discounts («VIP», tiers by the number of served systems) and their members. Writes need
«Скидки и VIP-программы» (money.discounts). No Qt.

A member's ``applied_systems``/``applied_percent`` are kept true by
:func:`recalculate_vip`, which the movement service calls through
:func:`after_movements` after every movement; each change is logged (by the program on a
file base, by the database on a server base, whose trigger also refuses untrue values).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.distributives import Distributive, DistributiveStatus
from vostok_desktop.domain.money import ClientDiscount, VipMember, VipProgramme, VipTier
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.distributives.common import check, refuse, run_write
from vostok_desktop.services.money.budget import percent_text

DISCOUNTS = "money.discounts"
CHUNK = 1000


def _program_logs(s: Session) -> bool:
    """On a server base the database writes the log of these tables itself."""
    return s.get_bind().dialect.name != "postgresql"


def _log(s: Session, table: str, row_id: int, client_id: int | None,
         employee_id: int | None, old: dict, new: dict) -> None:
    if _program_logs(s):
        record_changes(s, table, row_id, client_id, employee_id, old, new)


def _percent(value: Decimal | str | int | None, what: str, *, zero: bool) -> Decimal:
    if value is None or value == "":
        raise refuse("percent", f"{what}: не указан процент")
    try:
        p = Decimal(str(value).replace(",", ".").strip())
    except ArithmeticError:
        raise refuse("percent", f"{what}: «{value}» — не число") from None
    if not p.is_finite():
        raise refuse("percent", f"{what}: «{value}» — не число")
    low = "от 0" if zero else "больше 0"
    if (p < 0 if zero else p <= 0) or p > 100:
        raise refuse("percent", f"{what}: процент — {low} до 100")
    if p != p.quantize(Decimal("0.01")):
        raise refuse("percent", f"{what}: процент — не больше двух знаков после запятой")
    return p.quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- client discounts


@dataclass(frozen=True)
class ClientDiscountRow:
    id: int
    client_id: int
    percent: Decimal
    valid_from: date
    valid_to: date | None
    reason: str

    def valid_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    @property
    def period_text(self) -> str:
        end = f" по {self.valid_to:%d.%m.%Y}" if self.valid_to else " (бессрочно)"
        return f"с {self.valid_from:%d.%m.%Y}{end}"


def client_discounts(base: OpenedBase, client_id: int) -> list[ClientDiscountRow]:
    """The client's dated discounts, newest first."""
    c = ClientDiscount
    with base.sessions() as s:
        return [ClientDiscountRow(r[0], r[1], Decimal(r[2]), r[3], r[4], r[5])
                for r in s.execute(select(c.id, c.client_id, c.percent, c.valid_from,
                                          c.valid_to, c.reason)
                                   .where(c.client_id == client_id)
                                   .order_by(c.valid_from.desc(), c.id.desc()))]


def add_client_discount(base: OpenedBase, client_id: int, percent: Decimal | str,
                        valid_from: date, employee_id: int | None, *,
                        valid_to: date | None = None, reason: str = "",
                        profile: AccessProfile | None = None) -> int:
    check(profile, DISCOUNTS)
    p = _percent(percent, "Скидка клиента", zero=False)
    if valid_from is None:
        raise refuse("valid_from", "Скидка клиента: не указана дата начала")
    if valid_to is not None and valid_to < valid_from:
        raise refuse("valid_to", "Скидка клиента: дата окончания раньше даты начала")

    def write(s: Session) -> int:
        if s.get(Client, client_id) is None:
            raise refuse("client_id", "Клиент не найден (возможно, удалён)")
        row = ClientDiscount(client_id=client_id, percent=p, valid_from=valid_from,
                             valid_to=valid_to, reason=reason.strip()[:300],
                             created_by_id=employee_id)
        s.add(row)
        s.flush()
        _log(s, "client_discounts", row.id, client_id, employee_id, {},
             {"percent": p, "valid_from": valid_from, "valid_to": valid_to,
              "reason": row.reason})
        return row.id

    return run_write(base, write)


def end_client_discount(base: OpenedBase, discount_id: int, valid_to: date,
                        employee_id: int | None, *,
                        profile: AccessProfile | None = None) -> None:
    """End a discount on ``valid_to`` (its last day)."""
    check(profile, DISCOUNTS)

    def write(s: Session) -> None:
        row = s.get(ClientDiscount, discount_id)
        if row is None:
            raise refuse("id", "Скидка не найдена (возможно, удалена)")
        if valid_to < row.valid_from:
            raise refuse("valid_to", f"Скидка действует с {row.valid_from:%d.%m.%Y}: "
                                     "дата окончания не может быть раньше")
        old = row.valid_to
        row.valid_to = valid_to
        s.flush()
        _log(s, "client_discounts", row.id, row.client_id, employee_id,
             {"valid_to": old}, {"valid_to": valid_to})

    run_write(base, write)


def delete_client_discount(base: OpenedBase, discount_id: int, employee_id: int | None, *,
                           profile: AccessProfile | None = None) -> None:
    check(profile, DISCOUNTS)

    def write(s: Session) -> None:
        row = s.get(ClientDiscount, discount_id)
        if row is None:
            return
        _log(s, "client_discounts", row.id, row.client_id, employee_id,
             {"percent": row.percent, "valid_from": row.valid_from,
              "valid_to": row.valid_to, "reason": row.reason}, {})
        s.delete(row)
        s.flush()

    run_write(base, write)


# --------------------------------------------------------------------------- VIP programmes


@dataclass
class VipTierData:
    min_systems: int
    percent: Decimal


@dataclass
class VipProgrammeData:
    name: str
    tiers: list[VipTierData] = field(default_factory=list)
    is_active: bool = True
    id: int | None = None
    version: int | None = None
    members: int = field(default=0, compare=False)

    def tiers_text(self) -> str:
        """«0+ → 25 %, 6+ → 35 %»."""
        return ", ".join(f"{t.min_systems}+ → {percent_text(t.percent)} %"
                         for t in sorted(self.tiers, key=lambda t: t.min_systems))


def tier_percent(tiers: Iterable[tuple[int, Decimal]] | Iterable[VipTierData],
                 served: int) -> Decimal:
    """The percent of the tier with the largest ``min_systems <= served`` (0 if none)."""
    best: tuple[int, Decimal] | None = None
    for tier in tiers:
        m, p = (tier.min_systems, tier.percent) if isinstance(tier, VipTierData) else tier
        if m <= served and (best is None or m > best[0]):
            best = (m, Decimal(p))
    return best[1] if best else Decimal("0.00")


def validate_tiers(tiers: Sequence[VipTierData]) -> list[VipTierData]:
    if not tiers:
        raise refuse("tiers", "У VIP-программы нет ни одного интервала")
    clean = []
    for t in tiers:
        if t.min_systems is None or int(t.min_systems) < 0:
            raise refuse("min_systems", "Интервал: число систем «от» — не меньше 0")
        clean.append(VipTierData(int(t.min_systems),
                                 _percent(t.percent, f"Интервал от {t.min_systems} систем",
                                          zero=True)))
    clean.sort(key=lambda t: t.min_systems)
    if clean[0].min_systems != 0:
        raise refuse("min_systems", "Первый интервал должен начинаться с 0 систем")
    for a, b in zip(clean, clean[1:], strict=False):
        if a.min_systems == b.min_systems:
            raise refuse("min_systems", f"Два интервала начинаются с {a.min_systems} "
                                        "систем")
    return clean


def list_programmes(base: OpenedBase) -> list[VipProgrammeData]:
    with base.sessions() as s:
        counts = dict(s.execute(select(VipMember.programme_id, func.count())
                                .group_by(VipMember.programme_id)).all())
        tiers: dict[int, list[VipTierData]] = {}
        for pid, m, p in s.execute(select(VipTier.programme_id, VipTier.min_systems,
                                          VipTier.percent)
                                   .order_by(VipTier.programme_id, VipTier.min_systems)):
            tiers.setdefault(pid, []).append(VipTierData(m, Decimal(p)))
        return [VipProgrammeData(p.name, tiers.get(p.id, []), p.is_active, p.id, p.version,
                                 counts.get(p.id, 0))
                for p in s.scalars(select(VipProgramme).order_by(VipProgramme.name))]


def save_programme(base: OpenedBase, data: VipProgrammeData, employee_id: int | None, *,
                   profile: AccessProfile | None = None) -> int:
    """Create (``data.id`` None) or update a programme with its tiers; the members'
    applied percents follow the new tiers at once. Returns the id."""
    check(profile, DISCOUNTS)
    name = " ".join(data.name.split())
    if not name:
        raise refuse("name", "Не указано название VIP-программы")
    tiers = validate_tiers(data.tiers)

    def write(s: Session) -> int:
        other = s.scalar(select(VipProgramme.id).where(VipProgramme.name == name))
        if other is not None and other != data.id:
            raise refuse("name", f"VIP-программа «{name}» уже есть")
        if data.id is None:
            p = VipProgramme(name=name[:200], is_active=data.is_active, version=1)
            s.add(p)
            s.flush()
        else:
            p = s.get(VipProgramme, data.id)
            if p is None:
                raise refuse("id", f"VIP-программа «{name}» не найдена (возможно, удалена)")
            if data.version is not None and p.version != data.version:
                raise refuse("version", f"VIP-программу «{p.name}» уже изменил другой "
                                        "пользователь: обновите и повторите")
            p.name, p.is_active = name[:200], data.is_active
            flag_modified(p, "name")
            s.flush()
            s.execute(delete(VipTier).where(VipTier.programme_id == p.id))
        s.execute(insert(VipTier), [{"programme_id": p.id, "min_systems": t.min_systems,
                                     "percent": t.percent} for t in tiers])
        members = list(s.scalars(select(VipMember.client_id)
                                 .where(VipMember.programme_id == p.id)))
        recalculate_vip(s, members, employee_id=employee_id)
        return p.id

    return run_write(base, write)


def delete_programme(base: OpenedBase, programme_id: int, *,
                     profile: AccessProfile | None = None) -> None:
    """Delete a programme without members."""
    check(profile, DISCOUNTS)

    def write(s: Session) -> None:
        p = s.get(VipProgramme, programme_id)
        if p is None:
            return
        n = s.scalar(select(func.count()).select_from(VipMember)
                     .where(VipMember.programme_id == programme_id))
        if n:
            raise refuse("id", f"VIP-программу «{p.name}» нельзя удалить: в ней клиентов — "
                               f"{n}. Сначала исключите их или снимите отметку «Действует»")
        s.delete(p)
        s.flush()

    run_write(base, write)


# --------------------------------------------------------------------------- members


@dataclass(frozen=True)
class VipMemberRow:
    client_id: int
    client_name: str | None
    programme_id: int
    programme_name: str
    since: date
    applied_systems: int
    applied_percent: Decimal


def _member_select():  # noqa: ANN202
    m = VipMember
    return (select(m.client_id, Client.short_name, m.programme_id, VipProgramme.name,
                   m.since, m.applied_systems, m.applied_percent)
            .join(VipProgramme, VipProgramme.id == m.programme_id)
            .outerjoin(Client, Client.id == m.client_id))


def programme_members(base: OpenedBase, programme_id: int, limit: int = 5000
                      ) -> list[VipMemberRow]:
    with base.sessions() as s:
        return [VipMemberRow(*r[:6], Decimal(r[6])) for r in s.execute(
            _member_select().where(VipMember.programme_id == programme_id)
            .order_by(Client.short_name).limit(limit))]


def client_vip(base: OpenedBase, client_id: int) -> VipMemberRow | None:
    with base.sessions() as s:
        r = s.execute(_member_select().where(VipMember.client_id == client_id)).first()
        return None if r is None else VipMemberRow(*r[:6], Decimal(r[6]))


def served_counts(s: Session, client_ids: Sequence[int]) -> dict[int, int]:
    """Served distributives («систем на обслуживании») per client (absent: 0)."""
    counts: dict[int, int] = {}
    ids = list(client_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        counts.update(s.execute(
            select(Distributive.client_id, func.count())
            .where(Distributive.client_id.in_(chunk),
                   Distributive.status == DistributiveStatus.SERVED)
            .group_by(Distributive.client_id)).all())
    return counts


def join_programme(base: OpenedBase, client_id: int, programme_id: int, since: date,
                   employee_id: int | None, *,
                   profile: AccessProfile | None = None) -> VipMemberRow:
    """The client joins (or moves to) a programme from ``since``; its tier is set now."""
    check(profile, DISCOUNTS)
    if since is None:
        raise refuse("since", "Не указана дата вступления в VIP-программу")

    def write(s: Session) -> None:
        if s.get(Client, client_id) is None:
            raise refuse("client_id", "Клиент не найден (возможно, удалён)")
        p = s.get(VipProgramme, programme_id)
        if p is None:
            raise refuse("programme_id", "VIP-программа не найдена (возможно, удалена)")
        systems = served_counts(s, [client_id]).get(client_id, 0)
        percent = tier_percent(s.execute(select(VipTier.min_systems, VipTier.percent)
                                         .where(VipTier.programme_id == programme_id))
                               .tuples(), systems)
        member = s.get(VipMember, client_id)
        if member is None:
            s.add(VipMember(client_id=client_id, programme_id=programme_id, since=since,
                            applied_systems=systems, applied_percent=percent))
            s.flush()
            _log(s, "vip_members", client_id, client_id, employee_id, {},
                 {"programme_id": p.name, "since": since, "applied_systems": systems,
                  "applied_percent": percent})
            return
        old_name = s.scalar(select(VipProgramme.name)
                            .where(VipProgramme.id == member.programme_id))
        old = {"programme_id": old_name, "since": member.since,
               "applied_systems": member.applied_systems,
               "applied_percent": member.applied_percent}
        member.programme_id, member.since = programme_id, since
        member.applied_systems, member.applied_percent = systems, percent
        s.flush()
        _log(s, "vip_members", client_id, client_id, employee_id, old,
             {"programme_id": p.name, "since": since, "applied_systems": systems,
              "applied_percent": percent})

    run_write(base, write)
    found = client_vip(base, client_id)
    assert found is not None
    return found


def leave_programme(base: OpenedBase, client_id: int, employee_id: int | None, *,
                    profile: AccessProfile | None = None) -> None:
    """The client leaves its VIP programme."""
    check(profile, DISCOUNTS)

    def write(s: Session) -> None:
        member = s.get(VipMember, client_id)
        if member is None:
            return
        name = s.scalar(select(VipProgramme.name)
                        .where(VipProgramme.id == member.programme_id))
        _log(s, "vip_members", client_id, client_id, employee_id,
             {"programme_id": name, "since": member.since,
              "applied_systems": member.applied_systems,
              "applied_percent": member.applied_percent}, {})
        s.delete(member)
        s.flush()

    run_write(base, write)


# --------------------------------------------------------------------------- recalculation


@dataclass(frozen=True)
class VipChange:
    """A member whose tier moved: systems and percent before and after."""

    client_id: int
    old_systems: int
    new_systems: int
    old_percent: Decimal
    new_percent: Decimal


def recalculate_vip(session: Session, client_ids: Iterable[int], *,
                    employee_id: int | None = None) -> list[VipChange]:
    """For each VIP member among ``client_ids``: count its served systems, take its tier's
    percent, write them when changed (and log it). Returns the changes. Runs in the
    caller's transaction (does not commit)."""
    ids = list(dict.fromkeys(client_ids))
    changes: list[VipChange] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        members = session.execute(
            select(VipMember.client_id, VipMember.programme_id, VipMember.applied_systems,
                   VipMember.applied_percent)
            .where(VipMember.client_id.in_(chunk))).all()
        if not members:
            continue
        tiers: dict[int, list[tuple[int, Decimal]]] = {}
        for pid, m, p in session.execute(
                select(VipTier.programme_id, VipTier.min_systems, VipTier.percent)
                .where(VipTier.programme_id.in_({r.programme_id for r in members}))):
            tiers.setdefault(pid, []).append((m, Decimal(p)))
        counts = served_counts(session, [r.client_id for r in members])
        for r in members:
            systems = counts.get(r.client_id, 0)
            percent = tier_percent(tiers.get(r.programme_id, []), systems)
            old_percent = Decimal(r.applied_percent or 0)
            if systems == r.applied_systems and percent == old_percent:
                continue
            session.execute(update(VipMember).where(VipMember.client_id == r.client_id)
                            .values(applied_systems=systems, applied_percent=percent,
                                    updated_at=utcnow()))
            _log(session, "vip_members", r.client_id, r.client_id, employee_id,
                 {"applied_systems": r.applied_systems, "applied_percent": old_percent},
                 {"applied_systems": systems, "applied_percent": percent})
            changes.append(VipChange(r.client_id, r.applied_systems, systems, old_percent,
                                     percent))
    return changes


def after_movements(session: Session, client_ids: Iterable[int], *,
                    employee_id: int | None = None) -> list[VipChange]:
    """The hook the movement service calls after every movement (in its transaction):
    the VIP members among the clients the movements touched get their new tier."""
    ids = [c for c in dict.fromkeys(client_ids) if c is not None]
    if not ids:
        return []
    return recalculate_vip(session, ids, employee_id=employee_id)


def recalculate_all(base: OpenedBase, employee_id: int | None = None, *,
                    profile: AccessProfile | None = None) -> list[VipChange]:
    """Every member (e.g. after the tiers or a bulk import changed)."""
    check(profile, DISCOUNTS)

    def write(s: Session) -> list[VipChange]:
        return recalculate_vip(s, list(s.scalars(select(VipMember.client_id))),
                               employee_id=employee_id)

    return run_write(base, write)


__all__ = ["ClientDiscountRow", "VipChange", "VipMemberRow", "VipProgrammeData",
           "VipTierData", "add_client_discount", "after_movements", "client_discounts",
           "client_vip", "delete_client_discount", "delete_programme",
           "end_client_discount", "join_programme", "leave_programme", "list_programmes",
           "programme_members", "recalculate_all", "recalculate_vip", "save_programme",
           "served_counts", "tier_percent", "validate_tiers"]
