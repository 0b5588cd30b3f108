"""Deals («Сделки»): create, edit, move along the stages (every move is kept in
``deal_stage_changes``, the funnel's history), delete. A deal is seen and written by whoever
sees its client (row-level security on a server base). No Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Employee
from vostok_desktop.domain.base import CENT, utcnow
from vostok_desktop.domain.sales import AttractionInstrument, Deal, DealStage, DealStageChange
from vostok_desktop.services.distributives.common import refuse, run_write, snapshot
from vostok_desktop.services.sales.catalogue import log_changed, log_new

MAX_SUM = Decimal("999999999999.99")
LIST_LIMIT = 5000


@dataclass
class DealData:
    id: int | None = None
    version: int | None = None
    client_id: int | None = None
    lead_id: int | None = None
    title: str = ""
    stage_id: int | None = None  # None: the first active stage
    responsible_id: int | None = None
    expected_sum: Decimal | str = Decimal("0.00")
    expected_close_on: date | None = None
    instrument_id: int | None = None
    notes: str = ""


@dataclass
class DealRow:
    id: int
    version: int
    client_id: int
    client_name: str
    title: str
    stage_id: int
    stage_title: str
    stage_position: int
    probability: int
    is_closed: bool
    responsible_id: int | None
    responsible_name: str
    expected_sum: Decimal
    expected_close_on: date | None
    instrument_id: int | None
    instrument_title: str
    lead_id: int | None
    notes: str
    created_at: datetime
    closed_at: datetime | None


@dataclass
class StageMove:
    from_title: str
    to_title: str
    changed_at: datetime
    changed_by: str


def parse_sum(value: Decimal | str | int | None) -> Decimal:
    """«Ожидаемая сумма» as typed: spaces and a decimal comma allowed; kopecks at most."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0.00")
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise refuse("expected_sum", f"Ожидаемая сумма: «{value}» — не число") from None
    if not amount.is_finite() or amount < 0:
        raise refuse("expected_sum", "Ожидаемая сумма: не может быть отрицательной")
    if amount != amount.quantize(CENT):
        raise refuse("expected_sum", "Ожидаемая сумма: не точнее копейки")
    if amount > MAX_SUM:
        raise refuse("expected_sum", "Ожидаемая сумма: слишком большая")
    return amount.quantize(CENT)


def _first_stage(s: Session) -> DealStage:
    stage = s.scalar(select(DealStage).where(DealStage.is_active.is_(True))
                     .order_by(DealStage.is_won, DealStage.is_lost, DealStage.position,
                               DealStage.id).limit(1))
    if stage is None:
        raise refuse("stage_id", "Нет этапов сделок: задайте их в «Продажи → Настройка "
                                 "продаж…»")
    return stage


def _record_move(s: Session, deal: Deal, from_stage: int | None, employee_id: int | None,
                 now: datetime) -> None:
    move = DealStageChange(deal_id=deal.id, client_id=deal.client_id, from_stage_id=from_stage,
                           to_stage_id=deal.stage_id, changed_at=now,
                           changed_by_id=employee_id)
    s.add(move)
    s.flush()
    log_new(s, "deal_stage_changes", move, deal.client_id, employee_id)


def write_deal(s: Session, data: DealData, employee_id: int | None, *,
               now: datetime | None = None) -> int:
    """Validate and write ``data`` inside the caller's transaction; returns the id."""
    now = now or utcnow()
    title = " ".join(data.title.split())
    if not title:
        raise refuse("title", "Сделка: не указано название")
    if data.client_id is None or s.get(Client, data.client_id) is None:
        raise refuse("client_id", "Сделка: клиент не указан или не найден")
    amount = parse_sum(data.expected_sum)
    stage = (s.get(DealStage, data.stage_id) if data.stage_id is not None
             else _first_stage(s))
    if stage is None:
        raise refuse("stage_id", "Сделка: этап не найден (возможно, удалён)")
    if data.instrument_id is not None and s.get(AttractionInstrument,
                                                data.instrument_id) is None:
        raise refuse("instrument_id", "Сделка: инструмент привлечения не найден")
    values = {"client_id": data.client_id, "lead_id": data.lead_id, "title": title[:300],
              "stage_id": stage.id, "responsible_id": data.responsible_id,
              "expected_sum": amount, "expected_close_on": data.expected_close_on,
              "instrument_id": data.instrument_id, "notes": data.notes.strip()}
    if data.id is None:
        deal = Deal(**values, created_by_id=employee_id, updated_by_id=employee_id,
                    created_at=now, closed_at=now if stage.is_closing else None)
        s.add(deal)
        s.flush()
        log_new(s, "deals", deal, deal.client_id, employee_id)
        _record_move(s, deal, None, employee_id, now)
        return deal.id
    deal = s.get(Deal, data.id)
    if deal is None:
        raise refuse("id", "Сделка не найдена (возможно, удалена или вам не видна)")
    if data.version is not None and deal.version != data.version:
        raise refuse("version", "Сделку изменил другой пользователь, пока вы её "
                                "редактировали. Ваши изменения не записаны: откройте её "
                                "заново.")
    before = snapshot(deal)
    for key, value in values.items():
        setattr(deal, key, value)
    deal.updated_by_id = employee_id
    if before["stage_id"] != stage.id:
        deal.closed_at = now if stage.is_closing else None
    s.flush()
    log_changed(s, "deals", deal.id, deal.client_id, employee_id, before, snapshot(deal))
    if before["stage_id"] != stage.id:
        _record_move(s, deal, before["stage_id"], employee_id, now)
    return deal.id


def save_deal(base: OpenedBase, data: DealData, employee_id: int | None, *,
              now: datetime | None = None) -> int:
    return run_write(base, lambda s: write_deal(s, data, employee_id, now=now))


def move_deal(base: OpenedBase, deal_id: int, stage_id: int, employee_id: int | None, *,
              now: datetime | None = None) -> None:
    def write(s: Session) -> None:
        deal = s.get(Deal, deal_id)
        if deal is None:
            raise refuse("id", "Сделка не найдена (возможно, удалена или вам не видна)")
        data = _data_of(deal)
        data.stage_id = stage_id
        write_deal(s, data, employee_id, now=now)

    run_write(base, write)


def next_stage_id(s: Session, deal: Deal) -> int:
    """The next open stage by order; after the last open one, the first «won» stage."""
    current = s.get(DealStage, deal.stage_id)
    assert current is not None
    if current.is_closing:
        raise refuse("stage_id", f"Сделка «{deal.title}» закрыта (этап «{current.title}»): "
                                 "дальше этапов нет")
    stages = list(s.scalars(select(DealStage).where(DealStage.is_active.is_(True),
                                                    DealStage.is_lost.is_(False))
                            .order_by(DealStage.is_won, DealStage.position, DealStage.id)))
    order = [st.id for st in stages]
    if current.id not in order:
        return order[0]
    index = order.index(current.id)
    if index + 1 >= len(order):
        raise refuse("stage_id", f"Сделка «{deal.title}»: после этапа «{current.title}» "
                                 "этапов нет")
    return order[index + 1]


def advance_deal(base: OpenedBase, deal_id: int, employee_id: int | None, *,
                 now: datetime | None = None) -> int:
    """«Следующий этап» (Ctrl+→); returns the new stage's id."""

    def write(s: Session) -> int:
        deal = s.get(Deal, deal_id)
        if deal is None:
            raise refuse("id", "Сделка не найдена (возможно, удалена или вам не видна)")
        data = _data_of(deal)
        data.stage_id = next_stage_id(s, deal)
        write_deal(s, data, employee_id, now=now)
        return data.stage_id

    return run_write(base, write)


def delete_deal(base: OpenedBase, deal_id: int, employee_id: int | None) -> None:
    def write(s: Session) -> None:
        deal = s.get(Deal, deal_id)
        if deal is None:
            return
        before = snapshot(deal)
        s.delete(deal)
        s.flush()
        log_changed(s, "deals", deal_id, before["client_id"], employee_id, before, {})

    run_write(base, write)


def _data_of(deal: Deal) -> DealData:
    return DealData(deal.id, deal.version, deal.client_id, deal.lead_id, deal.title,
                    deal.stage_id, deal.responsible_id, deal.expected_sum,
                    deal.expected_close_on, deal.instrument_id, deal.notes)


# --------------------------------------------------------------------------- reading


def list_deals(base: OpenedBase, *, stage_id: int | None = None, client_id: int | None = None,
               open_only: bool = False, responsible_id: int | None = None,
               limit: int = LIST_LIMIT) -> list[DealRow]:
    """In stage order, then the nearest expected close first."""
    query = (select(Deal, Client.short_name, DealStage, Employee.full_name,
                    AttractionInstrument.title)
             .join(Client, Client.id == Deal.client_id)
             .join(DealStage, DealStage.id == Deal.stage_id)
             .outerjoin(Employee, Employee.id == Deal.responsible_id)
             .outerjoin(AttractionInstrument, AttractionInstrument.id == Deal.instrument_id)
             .order_by(DealStage.position, DealStage.id, Deal.expected_close_on, Deal.id)
             .limit(limit))
    if stage_id is not None:
        query = query.where(Deal.stage_id == stage_id)
    if client_id is not None:
        query = query.where(Deal.client_id == client_id)
    if responsible_id is not None:
        query = query.where(Deal.responsible_id == responsible_id)
    if open_only:
        query = query.where(DealStage.is_won.is_(False), DealStage.is_lost.is_(False))
    with base.sessions() as s:
        return [_row(d, client, st, who, instrument)
                for d, client, st, who, instrument in s.execute(query)]


def _row(d: Deal, client: str, st: DealStage, who: str | None, instrument: str | None
         ) -> DealRow:
    return DealRow(d.id, d.version, d.client_id, client, d.title, st.id, st.title, st.position,
                   st.probability, st.is_closing, d.responsible_id, who or "",
                   d.expected_sum, d.expected_close_on, d.instrument_id, instrument or "",
                   d.lead_id, d.notes, d.created_at, d.closed_at)


def load_deal(base: OpenedBase, deal_id: int) -> DealData:
    with base.sessions() as s:
        deal = s.get(Deal, deal_id)
        if deal is None:
            raise refuse("id", "Сделка не найдена (возможно, удалена или вам не видна)")
        return _data_of(deal)


def stage_history(base: OpenedBase, deal_id: int) -> list[StageMove]:
    """The deal's moves, oldest first."""
    before, after = aliased(DealStage), aliased(DealStage)
    query = (select(DealStageChange.changed_at, before.title, after.title, Employee.full_name)
             .join(after, after.id == DealStageChange.to_stage_id)
             .outerjoin(before, before.id == DealStageChange.from_stage_id)
             .outerjoin(Employee, Employee.id == DealStageChange.changed_by_id)
             .where(DealStageChange.deal_id == deal_id)
             .order_by(DealStageChange.changed_at, DealStageChange.id))
    with base.sessions() as s:
        return [StageMove(b or "", a, when, who or "") for when, b, a, who in s.execute(query)]


# --------------------------------------------------------------------------- choices


def active_employees(base: OpenedBase) -> list[tuple[int, str]]:
    """(id, name) of the active employees, by name: the responsible's choice."""
    with base.sessions() as s:
        return [(i, n) for i, n in s.execute(
            select(Employee.id, Employee.full_name).where(Employee.is_active.is_(True))
            .order_by(Employee.full_name, Employee.id))]


def find_clients(base: OpenedBase, text: str, limit: int = 50) -> list[tuple[int, str]]:
    """Visible clients whose name contains ``text`` (any case), by name."""
    needle = " ".join(text.split()).lower()
    with base.sessions() as s:
        query = (select(Client.id, Client.short_name)
                 .where(Client.marked_for_deletion.is_(False))
                 .order_by(Client.search_name, Client.id).limit(limit))
        if needle:
            query = query.where(Client.search_name.contains(needle, autoescape=True))
        return [(i, n) for i, n in s.execute(query)]


def client_name(base: OpenedBase, client_id: int) -> str:
    with base.sessions() as s:
        return s.scalar(select(Client.short_name).where(Client.id == client_id)) or ""
