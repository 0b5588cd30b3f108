"""Demo area step: price lists, client discounts and the VIP programme.

* two price lists, last year's and this year's (+7…10 % per position), with a monthly
  price of every system of the catalogue for networks from 1, 3 and 10 (3 000–40 000 ₽);
* the programme «VIP-клиенты» with the tiers 0 → 25 %, 6 → 35 %, 11 → 45 %, 16 → 50 % and
  ~3 % of the clients with served distributives as members (more of the big ones), their
  applied systems and percent counted from the distributives;
* ~5 % of the clients with a dated discount of their own.

Runs after the distributives step (and without it: no systems, no prices, no members).
Members and discounts are bulk rows (COPY on PostgreSQL), so a million clients take
seconds; the same seed gives the same rows. A second run adds nothing twice.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, func, insert, select

from vostok_desktop.domain import Client
from vostok_desktop.domain.base import Base
from vostok_desktop.domain.money import (
    ClientDiscount,
    PriceList,
    PriceListItem,
    VipMember,
    VipProgramme,
    VipTier,
)
from vostok_desktop.services.demo.common import AreaContext, bulk_rows

TODAY = date(2026, 11, 20)  # the demo clients' last day (services/demo/clients.py)
THIS_YEAR = date(TODAY.year, 1, 1)
LAST_YEAR = date(TODAY.year - 1, 1, 1)
SIZES = (1, 3, 10)
SIZE_FACTOR = {1: Decimal("1"), 3: Decimal("1.7"), 10: Decimal("3")}
KIND_BASE = {"local": (3000, 9000), "network": (5500, 12000), "online": (3000, 7000),
             "flash": (3000, 6500)}
VIP_NAME = "VIP-клиенты"
VIP_TIERS = ((0, Decimal(25)), (6, Decimal(35)), (11, Decimal(45)), (16, Decimal(50)))
DISCOUNT_PERCENTS = (3, 5, 5, 7, 10, 10, 12, 15)
REASONS = ("Постоянный клиент", "Решение руководителя", "Договор на год вперёд",
           "Бюджетная организация", "")
BATCH = 50_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "client_discounts": ("id", "client_id", "percent", "valid_from", "valid_to", "reason",
                         "created_at", "created_by_id"),
    "vip_members": ("client_id", "programme_id", "since", "applied_systems",
                    "applied_percent", "updated_at"),
}
TABLES = ("price_lists", "price_list_items", "vip_programmes", "vip_tiers", *COLUMNS)
for _table, _columns in COLUMNS.items():  # the models are the truth; fail loudly on drift
    assert set(_columns) == set(Base.metadata.tables[_table].c.keys()), _table


def _rub(value: Decimal, step: int = 10) -> Decimal:
    """Rounded to ``step`` roubles (a price list's round numbers)."""
    return ((value / step).quantize(Decimal(1), ROUND_HALF_UP) * step).quantize(
        Decimal("0.01"))


def add_prices(area: AreaContext) -> None:
    """The price lists, the VIP programme with its members, the client discounts."""
    session = area.session
    conn = session.connection()
    rng = random.Random(area.seed * 53 + 7)
    counts = dict.fromkeys(TABLES, 0)
    if session.scalar(select(func.count()).select_from(PriceList)) == 0:
        _price_lists(conn, rng, area.admin_id, counts)
    programme_id = session.scalar(select(VipProgramme.id)
                                  .where(VipProgramme.name == VIP_NAME))
    fresh = programme_id is None
    if fresh:
        programme_id = conn.execute(insert(VipProgramme).values(
            name=VIP_NAME, is_active=True, version=1).returning(VipProgramme.id)).scalar_one()
        conn.execute(insert(VipTier), [{"programme_id": programme_id, "min_systems": m,
                                        "percent": p} for m, p in VIP_TIERS])
        counts["vip_programmes"], counts["vip_tiers"] = 1, len(VIP_TIERS)
    if fresh and session.scalar(select(func.count()).select_from(VipMember)) == 0:
        counts["vip_members"] = _members(conn, rng, programme_id)
    if session.scalar(select(func.count()).select_from(ClientDiscount)) == 0:
        counts["client_discounts"] = _discounts(conn, rng, area.admin_id)
    if conn.dialect.name == "postgresql":
        for table in ("price_lists", "price_list_items", "vip_programmes", "vip_tiers",
                      "client_discounts"):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce(max(id), 0) + 1, false) FROM {table}")
    for table, n in counts.items():
        if hasattr(area.summary, table):
            setattr(area.summary, table, getattr(area.summary, table) + n)


def _price_lists(conn: Connection, rng: random.Random, admin_id: int,
                 counts: dict[str, int]) -> None:
    systems = conn.exec_driver_sql(
        "SELECT id, kind FROM product_systems ORDER BY code").all()
    last_items, this_items = [], []
    for sid, kind in systems:
        low, high = KIND_BASE.get(str(kind), (3000, 9000))
        base = Decimal(rng.randrange(low, high + 1))
        for size in SIZES:
            old = min(_rub(base * SIZE_FACTOR[size]), Decimal(37000))
            raised = old * (Decimal(100) + Decimal(rng.randrange(700, 1001)) / 100) / 100
            last_items.append((sid, size, old))
            this_items.append((sid, size, min(_rub(raised), Decimal(40000))))
    services = (("Выезд специалиста сверх договора", "час", Decimal(1500)),
                ("Обучение пользователя в учебном центре", "чел.", Decimal(3500)))
    for name, valid_from, items, extra in (
            (f"Прейскурант {LAST_YEAR.year}", LAST_YEAR, last_items, Decimal(0)),
            (f"Прейскурант {THIS_YEAR.year}", THIS_YEAR, this_items, Decimal(200))):
        list_id = conn.execute(insert(PriceList).values(
            name=name, valid_from=valid_from, notes="Цены в месяц, НДС включён",
            created_by_id=admin_id, updated_by_id=admin_id, version=1)
            .returning(PriceList.id)).scalar_one()
        rows = [{"price_list_id": list_id, "system_id": sid, "min_network_size": size,
                 "service": "", "unit": "мес.", "price": price}
                for sid, size, price in items]
        rows += [{"price_list_id": list_id, "system_id": None, "min_network_size": 1,
                  "service": s, "unit": u, "price": p + extra} for s, u, p in services]
        conn.execute(insert(PriceListItem), rows)
        counts["price_lists"] += 1
        counts["price_list_items"] += len(rows)


def _members(conn: Connection, rng: random.Random, programme_id: int) -> int:
    """~3 % of the clients with served systems, more of those with many; the applied
    values are the true ones (the server's trigger refuses others)."""
    served = conn.exec_driver_sql(
        "SELECT client_id, count(*) FROM distributives WHERE status = 'served' "
        "AND client_id IS NOT NULL GROUP BY client_id ORDER BY client_id").all()
    stamp = "2026-01-10 09:00:00" + ("+00" if conn.dialect.name == "postgresql" else "")
    rows: list[tuple] = []
    total = 0
    first = LAST_YEAR.toordinal()
    span = TODAY.toordinal() - first
    for client_id, n in served:
        if rng.random() >= (0.025 if n < 6 else 0.5):
            continue
        percent = Decimal(0)
        for m, p in VIP_TIERS:
            if m <= n:
                percent = p
        since = date.fromordinal(first + rng.randrange(span)).isoformat()
        rows.append((client_id, programme_id, since, n, str(percent), stamp))
        if len(rows) >= BATCH:
            bulk_rows(conn, "vip_members", COLUMNS["vip_members"], rows)
            total += len(rows)
            rows = []
    bulk_rows(conn, "vip_members", COLUMNS["vip_members"], rows)
    return total + len(rows)


def _discounts(conn: Connection, rng: random.Random, admin_id: int) -> int:
    """~5 % of the clients: a dated percent, most open-ended, some already over."""
    next_id = conn.exec_driver_sql(
        "SELECT coalesce(max(id), 0) + 1 FROM client_discounts").scalar_one()
    stamp_tail = "+00" if conn.dialect.name == "postgresql" else ""
    first = date(TODAY.year - 2, 1, 1).toordinal()
    span = TODAY.toordinal() - first
    rows: list[tuple] = []
    total = 0
    for (client_id,) in conn.execute(select(Client.id).order_by(Client.id)):
        if rng.random() >= 0.05:
            continue
        start = date.fromordinal(first + rng.randrange(span))
        end = None
        if rng.random() < 0.3:
            end = (start + timedelta(days=rng.choice((90, 180, 365)))).isoformat()
        rows.append((next_id, client_id, f"{rng.choice(DISCOUNT_PERCENTS)}.00",
                     start.isoformat(), end, rng.choice(REASONS),
                     f"{start.isoformat()} 10:00:00{stamp_tail}", admin_id))
        next_id += 1
        if len(rows) >= BATCH:
            bulk_rows(conn, "client_discounts", COLUMNS["client_discounts"], rows)
            total += len(rows)
            rows = []
    bulk_rows(conn, "client_discounts", COLUMNS["client_discounts"], rows)
    return total + len(rows)


__all__ = ["TABLES", "VIP_NAME", "VIP_TIERS", "add_prices"]
