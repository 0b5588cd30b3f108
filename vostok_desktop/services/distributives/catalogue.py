"""The catalogue of КонсультантПлюс systems («Системы КонсультантПлюс»): shared reference
data every login reads; changing it needs «Каталог систем КонсультантПлюс»."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.distributives import Distributive, ProductSystem, SystemKind
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.distributives.common import (
    check,
    log_delete,
    log_insert,
    log_update,
    refuse,
    run_write,
    snapshot,
)

CATALOGUE = "distributives.catalogue"


@dataclass
class SystemData:
    """A system as the catalogue editor shows and saves it."""

    code: str
    title: str
    kind: SystemKind = SystemKind.LOCAL
    series: str = ""
    network_size: int = 1
    is_active: bool = True
    notes: str = ""
    id: int | None = None
    version: int | None = None
    distributives: int = field(default=0, compare=False)  # how many exist (read only)


def list_systems(base: OpenedBase, *, active_only: bool = False) -> list[SystemData]:
    """The catalogue by code, each with its number of distributives."""
    counts = (select(Distributive.system_id, func.count().label("n"))
              .group_by(Distributive.system_id).subquery())
    stmt = (select(ProductSystem, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.system_id == ProductSystem.id)
            .order_by(ProductSystem.code))
    if active_only:
        stmt = stmt.where(ProductSystem.is_active.is_(True))
    with base.sessions() as s:
        return [_data(p, n) for p, n in s.execute(stmt)]


def _data(p: ProductSystem, count: int = 0) -> SystemData:
    return SystemData(p.code, p.title, SystemKind(p.kind), p.series, p.network_size,
                      p.is_active, p.notes, p.id, p.version, count)


def _validated(data: SystemData) -> SystemData:
    code, title = data.code.strip(), " ".join(data.title.split())
    if not code:
        raise refuse("code", "Не указан код системы")
    if len(code) > 40:
        raise refuse("code", f"Код системы «{code}» длиннее 40 знаков")
    if not title:
        raise refuse("title", f"Система «{code}»: не указано название")
    if data.network_size < 1:
        raise refuse("network_size", f"Система «{code}»: размер сети — не меньше 1")
    return SystemData(code, title[:300], SystemKind(data.kind), data.series.strip()[:40],
                      data.network_size, data.is_active, data.notes.strip())


def _code_taken(s: Session, code: str, own_id: int | None) -> None:
    other = s.scalar(select(ProductSystem.id).where(ProductSystem.code == code))
    if other is not None and other != own_id:
        raise refuse("code", f"Система с кодом «{code}» уже есть в каталоге")


def create_system(base: OpenedBase, data: SystemData, employee_id: int | None, *,
                  profile: AccessProfile | None = None) -> int:
    check(profile, CATALOGUE)
    clean = _validated(data)

    def write(s: Session) -> int:
        _code_taken(s, clean.code, None)
        p = ProductSystem(code=clean.code, title=clean.title, kind=clean.kind,
                          series=clean.series, network_size=clean.network_size,
                          is_active=clean.is_active, notes=clean.notes, version=1)
        s.add(p)
        s.flush()
        log_insert(s, "product_systems", p, None, employee_id)
        return p.id

    return run_write(base, write)


def update_system(base: OpenedBase, system_id: int, data: SystemData,
                  employee_id: int | None, *, profile: AccessProfile | None = None) -> None:
    """Save an edited system; ``data.version`` is the version it was read at."""
    check(profile, CATALOGUE)
    clean = _validated(data)

    def write(s: Session) -> None:
        p = s.get(ProductSystem, system_id)
        if p is None:
            raise refuse("id", f"Система «{clean.code}» не найдена (возможно, удалена)")
        if data.version is not None and p.version != data.version:
            raise refuse("version", f"Систему «{p.code}» уже изменил другой пользователь: "
                                    "обновите каталог и повторите")
        _code_taken(s, clean.code, system_id)
        before = snapshot(p)
        for key in ("code", "title", "kind", "series", "network_size", "is_active", "notes"):
            setattr(p, key, getattr(clean, key))
        s.flush()
        log_update(s, "product_systems", p.id, None, employee_id, before, snapshot(p))

    run_write(base, write)


def delete_system(base: OpenedBase, system_id: int, employee_id: int | None, *,
                  profile: AccessProfile | None = None) -> None:
    """Delete a system nobody has a distributive of (else: mark it not active)."""
    check(profile, CATALOGUE)

    def write(s: Session) -> None:
        p = s.get(ProductSystem, system_id)
        if p is None:
            return
        if s.scalar(select(Distributive.id).where(Distributive.system_id == system_id)
                    .limit(1)) is not None:
            raise _in_use(p.code)
        log_delete(s, "product_systems", p, None, employee_id)
        s.delete(p)
        s.flush()

    try:
        run_write(base, write)
    except IntegrityError:
        # A distributive the caller cannot see (at another department's client) is
        # still one: the foreign key refuses.
        raise _in_use(None) from None


def _in_use(code: str | None) -> Exception:
    name = f"«{code}» " if code else ""
    return refuse("id", f"Систему {name}нельзя удалить: есть её дистрибутивы. Снимите "
                        "отметку «Действует»")


__all__ = ["SystemData", "create_system", "delete_system", "list_systems",
           "update_system"]
