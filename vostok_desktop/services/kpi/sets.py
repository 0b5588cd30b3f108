"""KPI sets («Наборы показателей»): a named, ordered list of indicators a role looks at
(«Руководитель продаж», «Лидер РИЦ», «НСС»…), at most one default set per job role. An
item's threshold is the «нужен контакт» line used by the НСС monitoring: the fact below
it (above it, when lower is better) asks for attention. No Qt.

Writing needs «Настройка показателей KPI» (kpi.setup); the server checks it too (0016).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import EmployeeRole
from vostok_desktop.domain.kpi import Indicator, IndicatorSet, IndicatorSetItem
from vostok_desktop.domain.org import ROLE_TITLES
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.distributives.common import run_write
from vostok_desktop.services.kpi.indicators import SETUP, check_right, program_logs, refuse
from vostok_desktop.services.kpi.plans import format_value, parse_value

TABLE = "kpi_sets"
MAX_TITLE = 200


@dataclass(frozen=True)
class SetItemRow:
    indicator_id: int
    code: str
    title: str
    unit: str
    higher_is_better: bool
    threshold: Decimal | None

    def needs_contact(self, fact: Decimal | None) -> bool:
        """Whether ``fact`` is on the wrong side of the threshold («нужен контакт»)."""
        if self.threshold is None or fact is None:
            return False
        return fact < self.threshold if self.higher_is_better else fact > self.threshold


@dataclass(frozen=True)
class SetRow:
    id: int
    title: str
    role: EmployeeRole | None
    items: tuple[SetItemRow, ...]

    @property
    def role_title(self) -> str:
        return ROLE_TITLES[self.role] if self.role else ""


@dataclass(frozen=True)
class SetItemData:
    indicator_id: int
    threshold: Decimal | int | str | None = None


def _row(st: IndicatorSet, indicators: dict[int, Indicator]) -> SetRow:
    items = []
    for item in st.items:
        i = indicators[item.indicator_id]
        items.append(SetItemRow(i.id, i.code, i.title, i.unit, bool(i.higher_is_better),
                                None if item.threshold is None else Decimal(item.threshold)))
    return SetRow(st.id, st.title, EmployeeRole(st.role) if st.role else None, tuple(items))


def _read(s: Session, query) -> list[SetRow]:  # noqa: ANN001
    sets = list(s.scalars(query.options(selectinload(IndicatorSet.items))))
    ids = {item.indicator_id for st in sets for item in st.items}
    indicators = {i.id: i for i in s.scalars(select(Indicator)
                                             .where(Indicator.id.in_(ids or {-1})))}
    return [_row(st, indicators) for st in sets]


def list_sets(base: OpenedBase) -> list[SetRow]:
    """Every set by title, with its items in order."""
    with base.sessions() as s:
        return _read(s, select(IndicatorSet).order_by(IndicatorSet.title, IndicatorSet.id))


def get_set(base: OpenedBase, set_id: int) -> SetRow:
    with base.sessions() as s:
        found = _read(s, select(IndicatorSet).where(IndicatorSet.id == set_id))
    if not found:
        raise refuse("id", "Набор показателей не найден (возможно, удалён)")
    return found[0]


def set_for_role(base: OpenedBase, role: EmployeeRole | str) -> SetRow | None:
    """The job role's default set, or None."""
    with base.sessions() as s:
        found = _read(s, select(IndicatorSet).where(IndicatorSet.role == EmployeeRole(role)))
    return found[0] if found else None


def _snapshot(st: IndicatorSet, codes: dict[int, str]) -> dict:
    items = "; ".join(
        codes.get(i.indicator_id, str(i.indicator_id))
        + ("" if i.threshold is None else f" (порог {format_value(Decimal(i.threshold))})")
        for i in sorted(st.items, key=lambda i: i.position))
    return {"title": st.title, "role": st.role, "items": items}


def save_set(base: OpenedBase, title: str, role: EmployeeRole | str | None,
             items: Sequence[SetItemData], employee_id: int | None, *,
             set_id: int | None = None, profile: AccessProfile | None = None) -> int:
    """Create (``set_id`` None) or rewrite a set with ``items`` in this order; returns
    its id. Nothing is written if one item is bad."""
    check_right(profile, SETUP)
    title = " ".join((title or "").split())
    if not title:
        raise refuse("title", "Укажите название набора")
    if len(title) > MAX_TITLE:
        raise refuse("title", f"Название набора длиннее {MAX_TITLE} знаков")
    role = EmployeeRole(role) if role else None

    def write(s: Session) -> int:
        twin = s.scalar(select(IndicatorSet).where(IndicatorSet.title == title))
        if twin is not None and twin.id != set_id:
            raise refuse("title", f"Набор «{title}» уже есть")
        if role is not None:
            other = s.scalar(select(IndicatorSet).where(IndicatorSet.role == role))
            if other is not None and other.id != set_id:
                raise refuse("role", f"Для роли «{ROLE_TITLES[role]}» уже есть набор "
                                     f"«{other.title}»: у роли один набор по умолчанию")
        ids = [item.indicator_id for item in items]
        indicators = {i.id: i for i in s.scalars(select(Indicator)
                                                 .where(Indicator.id.in_(ids or [-1])))}
        seen: set[int] = set()
        checked: list[tuple[int, Decimal | None]] = []
        for item in items:
            indicator = indicators.get(item.indicator_id)
            if indicator is None:
                raise refuse("items", "Показатель набора не найден (возможно, удалён)")
            if item.indicator_id in seen:
                raise refuse("items", f"Показатель «{indicator.title}» в наборе дважды")
            seen.add(item.indicator_id)
            checked.append((item.indicator_id, parse_value(
                item.threshold, f"Порог «нужен контакт» показателя «{indicator.title}»")))
        codes = {i.id: i.code for i in indicators.values()}
        if set_id is None:
            st = IndicatorSet(title=title, role=role, updated_by_id=employee_id)
            s.add(st)
            s.flush()
            old: dict = {}
        else:
            st = s.get(IndicatorSet, set_id, with_for_update=True)
            if st is None:
                raise refuse("id", "Набор показателей не найден (возможно, удалён)")
            codes.update({i.id: i.code for i in s.scalars(select(Indicator).join(
                IndicatorSetItem).where(IndicatorSetItem.set_id == set_id))})
            old = _snapshot(st, codes)
            st.title, st.role, st.updated_by_id = title, role, employee_id
            s.execute(delete(IndicatorSetItem).where(IndicatorSetItem.set_id == set_id))
            s.expire(st, ["items"])
            s.flush()
        for position, (indicator_id, threshold) in enumerate(checked, start=1):
            s.add(IndicatorSetItem(set_id=st.id, indicator_id=indicator_id,
                                   position=position, threshold=threshold))
        s.flush()
        s.expire(st, ["items"])
        if program_logs(s):
            record_changes(s, TABLE, st.id, None, employee_id, old, _snapshot(st, codes))
        return st.id

    return run_write(base, write)


def delete_set(base: OpenedBase, set_id: int, employee_id: int | None, *,
               profile: AccessProfile | None = None) -> None:
    check_right(profile, SETUP)

    def write(s: Session) -> None:
        st = s.get(IndicatorSet, set_id, with_for_update=True)
        if st is None:
            raise refuse("id", "Набор показателей не найден (возможно, уже удалён)")
        if program_logs(s):
            codes = {i.id: i.code for i in s.scalars(select(Indicator).join(
                IndicatorSetItem).where(IndicatorSetItem.set_id == set_id))}
            record_changes(s, TABLE, st.id, None, employee_id, _snapshot(st, codes), {})
        s.execute(delete(IndicatorSetItem).where(IndicatorSetItem.set_id == set_id))
        s.execute(delete(IndicatorSet).where(IndicatorSet.id == set_id))

    run_write(base, write)
