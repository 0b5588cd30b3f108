"""Kits («Комплекты»): the distributives installed at one site of a client — its division
and address — and the kit's ЗВЭ flag («Задать вопрос эксперту»). Kits need «Движение
дистрибутивов»; switching the ЗВЭ flag also «ЗВЭ/КЦ файлы» (it decides what goes into
expcons.txt)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, ClientDivision
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.distributives import Distributive, DistributiveMovement, Kit
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.distributives.common import (
    check,
    check_version,
    log_delete,
    log_insert,
    log_update,
    refuse,
    run_write,
    snapshot,
)

MOVE = "distributives.move"
FILES = "distributives.files"


@dataclass
class KitData:
    client_id: int
    title: str
    division_id: int | None = None
    address: str = ""
    ask_expert: bool = False
    notes: str = ""
    id: int | None = None
    version: int | None = None
    division_name: str | None = None  # read only
    distributives: int = 0  # read only: how many are in it now


def list_kits(base: OpenedBase, client_id: int) -> list[KitData]:
    with base.sessions() as s:
        return kits_of(s, client_id)


def kits_of(s: Session, client_id: int) -> list[KitData]:
    counts = (select(Distributive.kit_id, func.count().label("n"))
              .where(Distributive.client_id == client_id, Distributive.kit_id.is_not(None))
              .group_by(Distributive.kit_id).subquery())
    stmt = (select(Kit, ClientDivision.name, func.coalesce(counts.c.n, 0))
            .outerjoin(ClientDivision, ClientDivision.id == Kit.division_id)
            .outerjoin(counts, counts.c.kit_id == Kit.id)
            .where(Kit.client_id == client_id).order_by(Kit.title, Kit.id))
    return [KitData(k.client_id, k.title, k.division_id, k.address, k.ask_expert, k.notes,
                    k.id, k.version, division, n) for k, division, n in s.execute(stmt)]


def _validated(s: Session, data: KitData) -> KitData:
    title = " ".join(data.title.split())
    if not title:
        raise refuse("title", "Не указано название комплекта")
    if s.scalar(select(Client.id).where(Client.id == data.client_id)) is None:
        raise refuse("client_id", f"Комплект «{title}»: клиент не найден")
    if data.division_id is not None:
        owner = s.scalar(select(ClientDivision.client_id)
                         .where(ClientDivision.id == data.division_id))
        if owner != data.client_id:
            raise refuse("division_id", f"Комплект «{title}»: подразделение — не этого "
                                        "клиента")
    return KitData(data.client_id, title[:200], data.division_id, data.address.strip()[:500],
                   bool(data.ask_expert), data.notes.strip())


def create_kit(base: OpenedBase, data: KitData, employee_id: int | None, *,
               profile: AccessProfile | None = None) -> int:
    check(profile, MOVE)
    if data.ask_expert:
        check(profile, FILES)

    def write(s: Session) -> int:
        clean = _validated(s, data)
        kit = Kit(client_id=clean.client_id, title=clean.title, division_id=clean.division_id,
                  address=clean.address, ask_expert=clean.ask_expert, notes=clean.notes,
                  created_by_id=employee_id, updated_by_id=employee_id, version=1)
        s.add(kit)
        s.flush()
        log_insert(s, "kits", kit, kit.client_id, employee_id)
        return kit.id

    return run_write(base, write)


def update_kit(base: OpenedBase, kit_id: int, data: KitData, employee_id: int | None, *,
               profile: AccessProfile | None = None) -> None:
    """Save an edited kit (``data.version``: the version the card showed)."""
    check(profile, MOVE)

    def write(s: Session) -> None:
        kit = s.get(Kit, kit_id)
        if kit is None:
            raise refuse("id", "Комплект не найден (возможно, удалён)")
        check_version("kit", kit, data.version, s)
        if data.client_id != kit.client_id:
            raise refuse("client_id", f"Комплект «{kit.title}» не переходит к другому "
                                      "клиенту: передайте права на его дистрибутивы")
        clean = _validated(s, data)
        if clean.ask_expert != kit.ask_expert:
            check(profile, FILES)
        before = snapshot(kit)
        for key in ("title", "division_id", "address", "ask_expert", "notes"):
            setattr(kit, key, getattr(clean, key))
        kit.updated_by_id, kit.updated_at = employee_id, utcnow()
        s.flush()
        log_update(s, "kits", kit.id, kit.client_id, employee_id, before, snapshot(kit))

    run_write(base, write)


def set_ask_expert(base: OpenedBase, kit_ids: Sequence[int], on: bool,
                   employee_id: int | None, *, profile: AccessProfile | None = None
                   ) -> list[int]:
    """ЗВЭ on or off for many kits at once (from the agent); returns the kits changed."""
    check(profile, MOVE)
    check(profile, FILES)

    def write(s: Session) -> list[int]:
        kits = list(s.scalars(select(Kit).where(Kit.id.in_(list(kit_ids)),
                                                Kit.ask_expert.is_not(on))))
        for kit in kits:
            before = snapshot(kit)
            kit.ask_expert = on
            kit.updated_by_id, kit.updated_at = employee_id, utcnow()
            s.flush()
            log_update(s, "kits", kit.id, kit.client_id, employee_id, before, snapshot(kit))
        return [k.id for k in kits]

    return run_write(base, write)


def set_ask_expert_for_clients(base: OpenedBase, client_ids: Sequence[int], on: bool,
                               employee_id: int | None, *,
                               profile: AccessProfile | None = None) -> list[int]:
    """ЗВЭ on or off for every kit of the selected clients."""
    with base.sessions() as s:
        ids = list(s.scalars(select(Kit.id).where(Kit.client_id.in_(list(client_ids)))))
    return set_ask_expert(base, ids, on, employee_id, profile=profile)


def delete_kit(base: OpenedBase, kit_id: int, employee_id: int | None, *,
               profile: AccessProfile | None = None) -> None:
    """Delete a kit with no distributives in it and no movements naming it."""
    check(profile, MOVE)

    def write(s: Session) -> None:
        kit = s.get(Kit, kit_id)
        if kit is None:
            return
        if s.scalar(select(Distributive.id).where(Distributive.kit_id == kit_id)
                    .limit(1)) is not None:
            raise refuse("id", f"В комплекте «{kit.title}» есть дистрибутивы: перенесите "
                               "их в другой комплект или отключите")
        if s.scalar(select(DistributiveMovement.id)
                    .where(DistributiveMovement.to_kit_id == kit_id).limit(1)) is not None:
            raise refuse("id", f"Комплект «{kit.title}» упоминается в истории движений "
                               "дистрибутивов: его не удаляют")
        log_delete(s, "kits", kit, kit.client_id, employee_id)
        s.delete(kit)
        s.flush()

    run_write(base, write)


__all__ = ["KitData", "create_kit", "delete_kit", "kits_of", "list_kits", "set_ask_expert",
           "set_ask_expert_for_clients", "update_kit"]
