"""Movements of distributives («Движение дистрибутивов»), each a dated document.

:func:`apply_movements` validates every movement against the distributive's current
state and applies all of them in one transaction: the distributive row changes, a
movement row records what happened and the state it left, and the change log gets its
lines (written by the server's triggers on a server base, by the program on a file base).
A movement that contradicts the state is refused with a message naming the distributive
(:class:`MovementRefused`) and nothing of the batch is written.

The states and what each movement needs:

==================  =========================================  ==========================
movement            from                                       to
==================  =========================================  ==========================
подключение         на складе; зарезервирован за этим          на обслуживании у клиента
                    клиентом или за сотрудником;
                    ознакомительный или отключён у этого
                    клиента
отключение          на обслуживании                            отключён (у того же
                                                               клиента)
передача прав       на обслуживании у клиента A                на обслуживании у B ≠ A
замена (МЗ)         старый на обслуживании; новый на складе    старый отключён, новый на
                    (или в резерве за клиентом/сотрудником)    обслуживании там же
пополнение          у клиента (на обслуживании или             в комплекте этого клиента
комплекта           ознакомительный)
резервирование      на складе                                  зарезервирован
снятие резерва      зарезервирован                             на складе
выдача на           на складе (или в резерве за клиентом/      ознакомительный у клиента,
ознакомление        сотрудником)                               со сроком возврата
возврат на склад    отключён или ознакомительный               на складе
==================  =========================================  ==========================

Оприходование (receipt) creates a distributive and lives in ``warehouse``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.distributives import (
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
    Kit,
    MovementKind,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.distributives.common import (
    check,
    check_version,
    employee_name,
    label,
    log_insert,
    log_update,
    movement_right,
    named_client,
    refuse,
    run_write,
    snapshot,
)

S = DistributiveStatus
K = MovementKind


@dataclass
class MovementRequest:
    """One movement the user asks for. Which fields matter depends on ``kind``:

    * ``to_client_id`` — connect, transfer, demo_issue (where to), reserve (for whom);
    * ``to_kit_id`` — the kit at the new place (connect, transfer, demo_issue) or the
      kit to put it in (kit_add);
    * ``to_employee_id`` — reserve for an employee (an engineer who will install it);
    * ``replacement_id`` — replace: the new distributive that takes this one's place;
    * ``engineer_id`` — connect, transfer, demo_issue: the service engineer (None keeps
      the one it has);
    * ``demo_until`` — demo_issue: the due date of the return;
    * ``expected_version`` — the version the card showed (optimistic locking).
    """

    kind: MovementKind
    distributive_id: int
    moved_on: date
    to_client_id: int | None = None
    to_kit_id: int | None = None
    to_employee_id: int | None = None
    replacement_id: int | None = None
    engineer_id: int | None = None
    demo_until: date | None = None
    note: str = ""
    expected_version: int | None = None


@dataclass(frozen=True)
class AppliedMovement:
    movement_id: int
    distributive_id: int
    kind: MovementKind
    status_after: DistributiveStatus
    client_id: int | None  # where the distributive is after it (None: the warehouse)


@dataclass
class _Change:
    """What one validated movement does: new values of the distributive and the row."""

    distributive: Distributive
    values: dict[str, Any]
    movement: dict[str, Any] = field(default_factory=dict)


def apply_movements(base: OpenedBase, requests: Sequence[MovementRequest],
                    employee_id: int | None, *, profile: AccessProfile | None = None,
                    today: date | None = None) -> list[AppliedMovement]:
    """Apply the movements in order, in one transaction: all of them or none."""
    if not requests:
        return []
    for request in requests:
        check(profile, movement_right(request.kind))
    return run_write(base, lambda s: apply_in(s, requests, employee_id, today=today))


def apply_movement(base: OpenedBase, request: MovementRequest, employee_id: int | None, *,
                   profile: AccessProfile | None = None,
                   today: date | None = None) -> list[AppliedMovement]:
    """One movement (a replacement writes two: the old distributive's and the new's)."""
    return apply_movements(base, [request], employee_id, profile=profile, today=today)


def apply_in(s: Session, requests: Sequence[MovementRequest], employee_id: int | None, *,
             today: date | None = None) -> list[AppliedMovement]:
    """The movements inside the caller's transaction (imports, reconciliation)."""
    from vostok_desktop.services.money.discounts import after_movements

    today = today or date.today()
    applied: list[AppliedMovement] = []
    touched: list[int] = []  # clients a distributive left or reached
    for request in requests:
        for change in _validate(s, request, today):
            touched.append(change.distributive.client_id)
            applied.append(_write(s, change, employee_id))
            touched.append(change.distributive.client_id)
    # A VIP member's interval discount follows its number of served systems (logged).
    after_movements(s, [c for c in touched if c is not None], employee_id=employee_id)
    return applied


# --------------------------------------------------------------------------- writing


def _write(s: Session, change: _Change, employee_id: int | None) -> AppliedMovement:
    d = change.distributive
    before = snapshot(d)
    for key, value in change.values.items():
        setattr(d, key, value)
    d.updated_by_id = employee_id
    d.updated_at = utcnow()
    movement = DistributiveMovement(distributive_id=d.id, employee_id=employee_id,
                                    created_at=utcnow(), **change.movement)
    s.add(movement)
    s.flush()
    log_update(s, "distributives", d.id, d.client_id, employee_id, before, snapshot(d))
    log_insert(s, "distributive_movements", movement,
               movement.to_client_id or movement.from_client_id, employee_id)
    return AppliedMovement(movement.id, d.id, movement.kind, movement.status_after,
                           d.client_id)


_HERE: Any = object()  # «from» is where the distributive is now


def _movement(d: Distributive, request: MovementRequest, *, status_after: S,
              to_client_id: int | None, to_kit_id: int | None = None,
              from_client_id: int | None = _HERE, **extra: Any) -> dict[str, Any]:
    return {"kind": request.kind, "moved_on": request.moved_on,
            "from_client_id": d.client_id if from_client_id is _HERE else from_client_id,
            "to_client_id": to_client_id, "to_kit_id": to_kit_id, "status_after": status_after,
            "note": request.note.strip(), **extra}


def _moved(request: MovementRequest, status: S, **values: Any) -> dict[str, Any]:
    """New values of a distributive after a movement on ``request.moved_on``."""
    return {"status": status, "status_since": request.moved_on,
            "last_moved_on": request.moved_on, **values}


_CLEARED_RESERVATION = {"reserved_for_client_id": None, "reserved_for_employee_id": None}


# --------------------------------------------------------------------------- validation


def _lock(s: Session, distributive_id: int | None) -> Distributive | None:
    if distributive_id is None:
        return None
    return s.scalars(select(Distributive).where(Distributive.id == distributive_id)
                     .with_for_update()).one_or_none()


def _found(s: Session, request: MovementRequest, today: date) -> Distributive:
    d = _lock(s, request.distributive_id)
    if d is None:
        raise refuse("distributive_id", "Дистрибутив не найден: возможно, он удалён или "
                                        "вне видимой вам части базы")
    check_version("distributive", d, request.expected_version, s)
    _check_date(d, request.moved_on, today)
    return d


def _check_date(d: Distributive, moved_on: date | None, today: date) -> None:
    if moved_on is None:
        raise refuse("moved_on", f"{label(d.number)}: не указана дата движения")
    if moved_on > today:
        raise refuse("moved_on", f"{label(d.number)}: дата движения "
                                 f"{moved_on:%d.%m.%Y} позже сегодняшней")
    if moved_on < d.last_moved_on:
        raise refuse("moved_on", f"{label(d.number)}: дата движения {moved_on:%d.%m.%Y} "
                                 f"раньше его последнего движения "
                                 f"({d.last_moved_on:%d.%m.%Y})")


def _client(s: Session, d: Distributive, client_id: int | None, what: str) -> int:
    if client_id is None:
        raise refuse("to_client_id", f"{label(d.number)}: не выбран клиент, {what}")
    if s.scalar(select(Client.id).where(Client.id == client_id)) is None:
        raise refuse("to_client_id", f"{label(d.number)}: клиент не найден (возможно, "
                                     "удалён или вне видимой вам части базы)")
    return client_id


def _kit(s: Session, d: Distributive, kit_id: int | None, client_id: int) -> int | None:
    if kit_id is None:
        return None
    kit = s.get(Kit, kit_id)
    if kit is None:
        raise refuse("to_kit_id", f"{label(d.number)}: комплект не найден")
    if kit.client_id != client_id:
        raise refuse("to_kit_id", f"{label(d.number)}: комплект «{kit.title}» — не этого "
                                  "клиента")
    return kit_id


def _employee(s: Session, d: Distributive, employee_id: int | None, field_: str) -> None:
    if employee_id is not None and s.scalar(
            select(Employee.id).where(Employee.id == employee_id)) is None:
        raise refuse(field_, f"{label(d.number)}: сотрудник не найден")


def _where(s: Session, d: Distributive) -> str:
    """Where the distributive is now, for a refusal: «он на складе», «подключён у …»."""
    if d.status is S.IN_STOCK:
        return "он на складе"
    if d.status is S.RESERVED:
        return f"он зарезервирован {_reserved_for(s, d)}"
    if d.status is S.SERVED:
        return f"он на обслуживании у клиента {named_client(s, d.client_id)}"
    if d.status is S.DEMO:
        return f"он выдан на ознакомление клиенту {named_client(s, d.client_id)}"
    return f"он отключён у клиента {named_client(s, d.client_id)}"


def _reserved_for(s: Session, d: Distributive) -> str:
    parts = []
    if d.reserved_for_client_id is not None:
        parts.append(f"за клиентом {named_client(s, d.reserved_for_client_id)}")
    if d.reserved_for_employee_id is not None:
        parts.append(f"за сотрудником {employee_name(s, d.reserved_for_employee_id) or '—'}")
    return " и ".join(parts)


def _may_take_from_stock(s: Session, d: Distributive, client_id: int, verb: str) -> None:
    """A warehouse distributive may go to ``client_id``: in stock, or reserved for this
    client or for an employee (who takes it to the client)."""
    if d.status is S.IN_STOCK:
        return
    if d.status is S.RESERVED:
        if d.reserved_for_client_id is None or d.reserved_for_client_id == client_id:
            return
        raise refuse("distributive_id", f"{label(d.number)} зарезервирован за клиентом "
                                        f"{named_client(s, d.reserved_for_client_id)}: "
                                        f"сначала снимите резерв")
    raise refuse("distributive_id", f"{label(d.number)}: {verb} можно только дистрибутив "
                                    f"со склада, а {_where(s, d)}")


def _validate(s: Session, request: MovementRequest, today: date) -> list[_Change]:
    handler = _HANDLERS.get(request.kind)
    if handler is None:
        raise refuse("kind", "Оприходование оформляется на складе (новый дистрибутив)")
    d = _found(s, request, today)
    return handler(s, d, request, today)


def _connect(s: Session, d: Distributive, r: MovementRequest, _today: date) -> list[_Change]:
    client_id = _client(s, d, r.to_client_id, "к которому его подключают")
    if d.status is S.SERVED:
        if d.client_id == client_id:
            raise refuse("distributive_id", f"{label(d.number)} уже подключён у этого "
                                            "клиента")
        raise refuse("distributive_id", f"{label(d.number)} подключён у клиента "
                                        f"{named_client(s, d.client_id)}: сначала отключите "
                                        "его или оформите передачу прав")
    if d.status in (S.DISCONNECTED, S.DEMO) and d.client_id != client_id:
        raise refuse("distributive_id", f"{label(d.number)}: {_where(s, d)}; подключить его "
                                        "другому клиенту можно после возврата на склад")
    if d.status in (S.IN_STOCK, S.RESERVED):
        _may_take_from_stock(s, d, client_id, "подключить")
    kit_id = _kit(s, d, r.to_kit_id, client_id)
    if kit_id is None and d.client_id == client_id:
        kit_id = d.kit_id  # a reconnection stays in its kit
    _employee(s, d, r.engineer_id, "engineer_id")
    values = _moved(r, S.SERVED, client_id=client_id, kit_id=kit_id, demo_until=None,
                    engineer_id=r.engineer_id or d.engineer_id, **_CLEARED_RESERVATION)
    return [_Change(d, values, _movement(d, r, status_after=S.SERVED, to_client_id=client_id,
                                         to_kit_id=kit_id))]


def _disconnect(s: Session, d: Distributive, r: MovementRequest, _today: date
                ) -> list[_Change]:
    if d.status is S.DISCONNECTED:
        raise refuse("distributive_id", f"{label(d.number)} уже отключён")
    if d.status is S.DEMO:
        raise refuse("distributive_id", f"{label(d.number)} ознакомительный: его не "
                                        "отключают, а возвращают на склад")
    if d.status is not S.SERVED:
        raise refuse("distributive_id", f"{label(d.number)} не подключён: {_where(s, d)}")
    values = _moved(r, S.DISCONNECTED)
    return [_Change(d, values, _movement(d, r, status_after=S.DISCONNECTED,
                                         to_client_id=d.client_id, to_kit_id=d.kit_id))]


def _transfer(s: Session, d: Distributive, r: MovementRequest, _today: date) -> list[_Change]:
    if d.status is not S.SERVED:
        raise refuse("distributive_id", f"{label(d.number)}: права передают только на "
                                        f"подключённый дистрибутив, а {_where(s, d)}")
    client_id = _client(s, d, r.to_client_id, "которому передаются права")
    if client_id == d.client_id:
        raise refuse("to_client_id", f"{label(d.number)} уже у этого клиента: передать "
                                     "права тому же клиенту нельзя")
    kit_id = _kit(s, d, r.to_kit_id, client_id)
    _employee(s, d, r.engineer_id, "engineer_id")
    # The terms were agreed with the old client: the new one's are set on its card.
    values = _moved(r, S.SERVED, client_id=client_id, kit_id=kit_id, fixed_price=None,
                    discount_percent=None, engineer_id=r.engineer_id or d.engineer_id)
    return [_Change(d, values, _movement(d, r, status_after=S.SERVED, to_client_id=client_id,
                                         to_kit_id=kit_id))]


def _replace(s: Session, d: Distributive, r: MovementRequest, today: date) -> list[_Change]:
    if d.status is not S.SERVED:
        raise refuse("distributive_id", f"{label(d.number)}: заменить можно только "
                                        f"подключённый дистрибутив, а {_where(s, d)}")
    if r.replacement_id is None:
        raise refuse("replacement_id", f"{label(d.number)}: не выбран дистрибутив, "
                                       "которым его заменяют")
    if r.replacement_id == d.id:
        raise refuse("replacement_id", f"{label(d.number)} не может заменить сам себя")
    new = _lock(s, r.replacement_id)
    if new is None:
        raise refuse("replacement_id", f"{label(d.number)}: дистрибутив для замены не "
                                       "найден")
    _check_date(new, r.moved_on, today)
    assert d.client_id is not None
    _may_take_from_stock(s, new, d.client_id, "поставить на замену")
    old_values = _moved(r, S.DISCONNECTED)
    new_values = _moved(r, S.SERVED, client_id=d.client_id, kit_id=d.kit_id,
                        engineer_id=d.engineer_id, fixed_price=d.fixed_price,
                        discount_percent=d.discount_percent, demo_until=None,
                        **_CLEARED_RESERVATION)
    return [
        _Change(d, old_values, _movement(d, r, status_after=S.DISCONNECTED,
                                         to_client_id=d.client_id, to_kit_id=d.kit_id,
                                         replacement_id=new.id)),
        _Change(new, new_values, _movement(new, r, status_after=S.SERVED,
                                           to_client_id=d.client_id, to_kit_id=d.kit_id,
                                           replacement_id=d.id)),
    ]


def _kit_add(s: Session, d: Distributive, r: MovementRequest, _today: date) -> list[_Change]:
    if d.status not in (S.SERVED, S.DEMO):
        raise refuse("distributive_id", f"{label(d.number)}: в комплект включают "
                                        f"дистрибутив у клиента, а {_where(s, d)}")
    if r.to_kit_id is None:
        raise refuse("to_kit_id", f"{label(d.number)}: не выбран комплект")
    assert d.client_id is not None
    kit_id = _kit(s, d, r.to_kit_id, d.client_id)
    if kit_id == d.kit_id:
        kit = s.get(Kit, kit_id)
        raise refuse("to_kit_id", f"{label(d.number)} уже в комплекте "
                                  f"«{kit.title if kit else kit_id}»")
    values = {"kit_id": kit_id, "last_moved_on": r.moved_on}
    return [_Change(d, values, _movement(d, r, status_after=d.status,
                                         to_client_id=d.client_id, to_kit_id=kit_id))]


def _reserve(s: Session, d: Distributive, r: MovementRequest, _today: date) -> list[_Change]:
    if d.status is S.RESERVED:
        raise refuse("distributive_id", f"{label(d.number)} уже зарезервирован "
                                        f"{_reserved_for(s, d)}")
    if d.status is not S.IN_STOCK:
        raise refuse("distributive_id", f"{label(d.number)}: зарезервировать можно только "
                                        f"дистрибутив на складе, а {_where(s, d)}")
    if r.to_client_id is None and r.to_employee_id is None:
        raise refuse("to_client_id", f"{label(d.number)}: не указано, за кем его "
                                     "резервировать (клиент или сотрудник)")
    client_id = (_client(s, d, r.to_client_id, "за которым резервируется")
                 if r.to_client_id is not None else None)
    _employee(s, d, r.to_employee_id, "to_employee_id")
    values = _moved(r, S.RESERVED, reserved_for_client_id=client_id,
                    reserved_for_employee_id=r.to_employee_id)
    return [_Change(d, values, _movement(d, r, status_after=S.RESERVED, to_client_id=client_id,
                                         to_employee_id=r.to_employee_id))]


def _unreserve(s: Session, d: Distributive, r: MovementRequest, _today: date
               ) -> list[_Change]:
    if d.status is not S.RESERVED:
        raise refuse("distributive_id", f"{label(d.number)} не зарезервирован: "
                                        f"{_where(s, d)}")
    values = _moved(r, S.IN_STOCK, **_CLEARED_RESERVATION)
    return [_Change(d, values, _movement(d, r, status_after=S.IN_STOCK, to_client_id=None,
                                         from_client_id=d.reserved_for_client_id))]


def _demo_issue(s: Session, d: Distributive, r: MovementRequest, _today: date
                ) -> list[_Change]:
    client_id = _client(s, d, r.to_client_id, "которому его выдают на ознакомление")
    _may_take_from_stock(s, d, client_id, "выдать на ознакомление")
    if r.demo_until is None or r.demo_until <= r.moved_on:
        raise refuse("demo_until", f"{label(d.number)}: срок возврата ознакомительного "
                                   "дистрибутива должен быть позже даты выдачи")
    kit_id = _kit(s, d, r.to_kit_id, client_id)
    _employee(s, d, r.engineer_id, "engineer_id")
    values = _moved(r, S.DEMO, client_id=client_id, kit_id=kit_id, demo_until=r.demo_until,
                    engineer_id=r.engineer_id or d.engineer_id, **_CLEARED_RESERVATION)
    return [_Change(d, values, _movement(d, r, status_after=S.DEMO, to_client_id=client_id,
                                         to_kit_id=kit_id))]


def _stock_return(s: Session, d: Distributive, r: MovementRequest, _today: date
                  ) -> list[_Change]:
    if d.status is S.IN_STOCK:
        raise refuse("distributive_id", f"{label(d.number)} уже на складе")
    if d.status is S.RESERVED:
        raise refuse("distributive_id", f"{label(d.number)} на складе, в резерве "
                                        f"{_reserved_for(s, d)}: снимите резерв")
    if d.status is S.SERVED:
        raise refuse("distributive_id", f"{label(d.number)} на обслуживании у клиента "
                                        f"{named_client(s, d.client_id)}: сначала "
                                        "отключите его")
    values = _moved(r, S.IN_STOCK, client_id=None, kit_id=None, demo_until=None,
                    engineer_id=None, fixed_price=None, discount_percent=None)
    return [_Change(d, values, _movement(d, r, status_after=S.IN_STOCK, to_client_id=None))]


_HANDLERS = {
    K.CONNECT: _connect, K.DISCONNECT: _disconnect, K.TRANSFER: _transfer,
    K.REPLACE: _replace, K.KIT_ADD: _kit_add, K.RESERVE: _reserve, K.UNRESERVE: _unreserve,
    K.DEMO_ISSUE: _demo_issue, K.STOCK_RETURN: _stock_return,
}


# --------------------------------------------------------------------------- shorthands


def connect(base: OpenedBase, distributive_id: int, client_id: int, moved_on: date,
            employee_id: int | None, *, kit_id: int | None = None,
            engineer_id: int | None = None, note: str = "",
            expected_version: int | None = None, profile: AccessProfile | None = None,
            today: date | None = None) -> AppliedMovement:
    """Подключение: the distributive is served at the client from ``moved_on``."""
    return apply_movement(base, MovementRequest(
        K.CONNECT, distributive_id, moved_on, to_client_id=client_id, to_kit_id=kit_id,
        engineer_id=engineer_id, note=note, expected_version=expected_version),
        employee_id, profile=profile, today=today)[0]


def disconnect(base: OpenedBase, distributive_id: int, moved_on: date,
               employee_id: int | None, *, note: str = "",
               expected_version: int | None = None, profile: AccessProfile | None = None,
               today: date | None = None) -> AppliedMovement:
    """Отключение: the client keeps it in its history, no longer served."""
    return apply_movement(base, MovementRequest(
        K.DISCONNECT, distributive_id, moved_on, note=note,
        expected_version=expected_version), employee_id, profile=profile, today=today)[0]


def transfer(base: OpenedBase, distributive_id: int, to_client_id: int, moved_on: date,
             employee_id: int | None, *, kit_id: int | None = None,
             engineer_id: int | None = None, note: str = "",
             expected_version: int | None = None, profile: AccessProfile | None = None,
             today: date | None = None) -> AppliedMovement:
    """Передача прав: another client is served by the same distributive."""
    return apply_movement(base, MovementRequest(
        K.TRANSFER, distributive_id, moved_on, to_client_id=to_client_id, to_kit_id=kit_id,
        engineer_id=engineer_id, note=note, expected_version=expected_version),
        employee_id, profile=profile, today=today)[0]


def replace(base: OpenedBase, distributive_id: int, replacement_id: int, moved_on: date,
            employee_id: int | None, *, note: str = "",
            expected_version: int | None = None, profile: AccessProfile | None = None,
            today: date | None = None) -> list[AppliedMovement]:
    """Замена (модуль замены): ``replacement_id`` from the warehouse takes the place,
    kit, engineer and terms of ``distributive_id``, which is disconnected."""
    return apply_movement(base, MovementRequest(
        K.REPLACE, distributive_id, moved_on, replacement_id=replacement_id, note=note,
        expected_version=expected_version), employee_id, profile=profile, today=today)


def add_to_kit(base: OpenedBase, distributive_id: int, kit_id: int, moved_on: date,
               employee_id: int | None, *, note: str = "",
               expected_version: int | None = None, profile: AccessProfile | None = None,
               today: date | None = None) -> AppliedMovement:
    """Пополнение комплекта: a distributive at the client joins one of its kits."""
    return apply_movement(base, MovementRequest(
        K.KIT_ADD, distributive_id, moved_on, to_kit_id=kit_id, note=note,
        expected_version=expected_version), employee_id, profile=profile, today=today)[0]


__all__ = [
    "AppliedMovement", "MovementRequest", "add_to_kit", "apply_in", "apply_movement",
    "apply_movements", "connect", "disconnect", "replace", "transfer",
]
