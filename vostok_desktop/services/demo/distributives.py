"""Demo area step: the catalogue of КонсультантПлюс systems, clients' kits, distributives
and a few years of their movements, and the warehouse.

Everything is made as plain rows (bulk-loaded with :func:`~.common.bulk_rows`, COPY on
PostgreSQL) from ``random.Random(seed)``, so a million clients take seconds, and the same
seed gives the same rows. Each distributive's row is derived from its own list of
movements (the state its last movement left it in), so the stored state and the state
reconstructed from the movements agree by construction; every movement follows the
rules of ``services.distributives.movements`` (a test replays them through it):

* a served client has kits (~1.14: some have a second or third one at a division or
  another address; ~10 % with ЗВЭ on) and ~1.5 distributives: received on the warehouse,
  sometimes reserved for it first, connected; some paused (disconnected, connected
  again), some came by a transfer of rights from a client that closed, some replaced an
  older one (which stays disconnected at the client), some joined another kit later;
* a disconnected client's distributives are all disconnected;
* the warehouse holds ~2 % of all: in stock (some returned demo copies), reserved for a
  client or an engineer; a few prospects have demo copies, some overdue.
"""

from __future__ import annotations

import math
import random
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, select

from vostok_desktop.domain import Client, Employee, EmployeeRole
from vostok_desktop.domain.base import Base
from vostok_desktop.services.demo.common import (
    STAGE_DISTRIBUTIVES,
    AreaContext,
    bulk_rows,
    suspend_indexes_postgresql,
)

TODAY = date(2026, 11, 20)  # the demo clients' last day (services/demo/clients.py)
FIRST = date(2018, 1, 1)  # nothing is received before it
BATCH = 20_000  # clients per batch of rows

COLUMNS: dict[str, tuple[str, ...]] = {
    "product_systems": ("id", "code", "title", "kind", "series", "network_size", "is_active",
                        "notes", "version"),
    "client_divisions": ("id", "client_id", "parent_id", "name"),
    "kits": ("id", "client_id", "division_id", "title", "address", "ask_expert", "notes",
             "created_at", "updated_at", "created_by_id", "updated_by_id", "version"),
    "distributives": (
        "id", "number", "system_id", "kind", "series", "network_size", "status",
        "status_since", "last_moved_on", "client_id", "kit_id", "engineer_id", "fixed_price",
        "discount_percent", "reserved_for_client_id", "reserved_for_employee_id",
        "demo_until", "notes", "created_at", "updated_at", "created_by_id", "updated_by_id",
        "version"),
    "distributive_movements": (
        "id", "distributive_id", "kind", "moved_on", "from_client_id", "to_client_id",
        "to_kit_id", "to_employee_id", "status_after", "replacement_id", "employee_id",
        "note", "created_at"),
    # A distributive's own price or discount, dated (0017): valid from its service start.
    "distributive_terms": (
        "id", "distributive_id", "client_id", "valid_from", "valid_to", "fixed_price",
        "discount_percent", "note", "created_at", "created_by_id"),
}
TABLES = tuple(COLUMNS)
for _table, _columns in COLUMNS.items():  # the models are the truth; fail loudly on drift
    assert set(_columns) == set(Base.metadata.tables[_table].c.keys()), _table

# code, title, kind, series, network size, active
CATALOGUE: tuple[tuple[str, str, str, str, int, bool], ...] = (
    ("PROF", "КонсультантПлюс: Версия Проф", "local", "ОВП", 1, True),
    ("PROF-SV", "КонсультантПлюс: Версия Проф, сетевая", "network", "СВ", 10, True),
    ("PROF-LSV", "КонсультантПлюс: Версия Проф, локальная сетевая", "network", "ЛСВ", 3, True),
    ("PROF-OVK", "КонсультантПлюс: Версия Проф, онлайн", "online", "ОВК-Ф", 1, True),
    ("EXPERT", "КонсультантПлюс: Эксперт-приложение", "local", "ОВП", 1, True),
    ("BUH", "КонсультантПлюс: Бухгалтерия и кадры", "local", "ОВП", 1, True),
    ("BUH-FLASH", "КонсультантПлюс: Бухгалтерия и кадры, флэш", "flash", "ОВМ-Ф", 1, True),
    ("BUH-BUDGET", "КонсультантПлюс: Бухгалтерия и кадры бюджетной организации", "local",
     "ОВП", 1, True),
    ("FIN", "КонсультантПлюс: Финансист", "local", "ОВП", 1, True),
    ("STROY", "КонсультантПлюс: Строительство", "local", "ОВП", 1, True),
    ("MED", "КонсультантПлюс: Медицина и фармацевтика", "local", "ОВП", 1, True),
    ("INTL", "КонсультантПлюс: Международное право", "local", "ОВП", 1, True),
    ("SUD", "КонсультантПлюс: Судебная практика", "local", "ОВП", 1, True),
    ("SUD-SV", "КонсультантПлюс: Судебная практика, сетевая", "network", "СВ", 10, True),
    ("BUMAGI", "КонсультантПлюс: Деловые бумаги", "local", "ОВП", 1, True),
    ("COMMENT", "КонсультантПлюс: Комментарии законодательства", "local", "ОВП", 1, True),
    ("KORR", "КонсультантПлюс: Корреспонденция счетов", "local", "ОВП", 1, True),
    ("ZAKON", "КонсультантПлюс: Законопроекты", "online", "ОВК-Ф", 1, True),
    ("REG-54", "Региональный выпуск: Новосибирская область", "local", "ОВП", 1, True),
    ("REG-54-SV", "Региональный выпуск: Новосибирская область, сетевой", "network", "СВ", 10,
     True),
    ("REG-70", "Региональный выпуск: Томская область", "local", "ОВП", 1, True),
    ("REG-42", "Региональный выпуск: Кемеровская область — Кузбасс", "local", "ОВП", 1, True),
    ("SSSR", "КонсультантПлюс: Документы СССР", "local", "ОВП", 1, False),
)
_GENERAL = (("PROF", 30), ("PROF-OVK", 6), ("BUH", 14), ("EXPERT", 6), ("FIN", 4),
            ("BUMAGI", 4), ("COMMENT", 4), ("KORR", 3), ("ZAKON", 2), ("STROY", 3),
            ("MED", 2), ("INTL", 1), ("SUD", 4), ("BUH-FLASH", 3), ("PROF-LSV", 3),
            ("REGION", 11))
SEGMENT_SYSTEMS: dict[str, tuple[tuple[str, int], ...]] = {
    "Бухгалтерия": (("BUH", 40), ("KORR", 15), ("BUH-FLASH", 10), ("PROF", 15), ("FIN", 10),
                    ("REGION", 10)),
    "Юристы": (("SUD", 30), ("EXPERT", 20), ("PROF", 20), ("COMMENT", 10), ("INTL", 5),
               ("BUMAGI", 5), ("REGION", 10)),
    "Крупный бизнес": (("PROF-SV", 30), ("PROF-LSV", 15), ("SUD-SV", 10), ("PROF", 15),
                       ("EXPERT", 10), ("FIN", 5), ("STROY", 5), ("REGION", 10)),
    "Госсектор": (("PROF", 25), ("PROF-SV", 10), ("BUH-BUDGET", 25), ("ZAKON", 10),
                  ("COMMENT", 10), ("REGION", 20)),
    "Бюджетные организации": (("BUH-BUDGET", 50), ("PROF", 15), ("MED", 10),
                              ("BUMAGI", 10), ("REGION", 15)),
}
REGION_SYSTEMS = {"Новосибирская область": ("REG-54", "REG-54", "REG-54", "REG-54-SV"),
                  "Томская область": ("REG-70",),
                  "Кемеровская область — Кузбасс": ("REG-42",)}
NETWORK_SIZES = {"СВ": (5, 10, 10, 10, 20, 20, 50), "ЛСВ": (2, 3, 3, 3, 5)}
DIVISIONS = ("Бухгалтерия", "Юридический отдел", "Филиал в г. Бердск", "Филиал в г. Искитим",
             "Обособленное подразделение № 2", "Отдел кадров", "Склад", "Отдел закупок")
STREETS = ("ул. Ленина", "ул. Кирова", "Красный проспект", "ул. Советская",
           "ул. Гоголя", "ул. Большевистская", "ул. Фрунзе", "ул. Титова", "ул. Мира",
           "ул. Станционная", "ул. Дуси Ковальчук", "ул. Сибирская")
DISCOUNTS = ("5.00", "10.00", "10.00", "15.00", "20.00", "25.00", "30.00")
PRICES = ("3900.00", "4850.00", "5200.00", "6400.00", "7350.00", "9800.00", "12500.00")
NOTES = ("Установка у главного бухгалтера", "Ключ у секретаря",
         "Переустановлен после замены компьютера", "Обновление по вторникам")


def _weighted(rng_pairs: tuple[tuple[str, int], ...]) -> list[str]:
    return [code for code, weight in rng_pairs for _ in range(weight)]


def _coprime(rng: random.Random, modulus: int) -> int:
    while True:
        step = rng.randrange(modulus // 3, modulus) | 1
        if math.gcd(step, modulus) == 1:
            return step


class _Maker:
    """Accumulates rows of one batch of clients; ids and numbers run on across batches."""

    NUMBER_SPACE = 90_000_000  # 8-digit numbers 10000000..99999999, a bijection of n

    def __init__(self, area: AreaContext, conn: Connection, start_ids: dict[str, int]
                 ) -> None:
        self.area, self.conn = area, conn
        self.rng = random.Random(area.seed * 31 + 13)
        self.ids = dict(start_ids)
        self.counts = dict.fromkeys(TABLES, 0)
        self.rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self.postgresql = conn.dialect.name == "postgresql"
        self.ts = "+00" if self.postgresql else ".000000"
        self.first = FIRST.toordinal()
        self.today = TODAY.toordinal()
        self.day = [date.fromordinal(o).isoformat()
                    for o in range(self.first, TODAY.toordinal() + 400)]
        self.number_step = _coprime(self.rng, self.NUMBER_SPACE)
        self.number_shift = self.rng.randrange(self.NUMBER_SPACE)
        self.numbers = 0
        self.disconnected_pool: list[int] = []  # closed clients, sources of transfers
        self.prospect_pool: list[int] = []  # for demo copies and reservations
        self.served_pool: list[int] = []

    # ------------------------------------------------------------------- helpers

    def iso(self, ordinal: int) -> str:
        return self.day[ordinal - self.first]

    def stamp(self, ordinal: int) -> str:
        return f"{self.day[ordinal - self.first]} 0{3 + ordinal % 6}:{ordinal % 60:02d}:00{self.ts}"

    def next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def number(self) -> str:
        n = self.numbers
        self.numbers += 1
        return str(10_000_000 + (n * self.number_step + self.number_shift) % self.NUMBER_SPACE)

    def flush(self) -> None:
        for table in TABLES:
            rows = self.rows[table]
            if rows:
                bulk_rows(self.conn, table, COLUMNS[table], rows)
                self.counts[table] += len(rows)
                rows.clear()

    # ------------------------------------------------------------------- one distributive

    def emit(self, system: tuple, moves: list[tuple], engineer: int | None, *,
             terms: tuple[str | None, str | None] = (None, None), demo_until: int | None = None,
             number: str | None = None, d_id: int | None = None,
             network_size: int | None = None) -> int:
        """Write one distributive and its movements; its row is the state the last movement
        left it in. A move: (kind, day, from, to, kit, to_employee, status_after,
        replacement_id, author)."""
        if d_id is None:
            d_id = self.next_id("distributives")
        system_id, kind, series, size = system
        last = moves[-1]
        status = last[6]
        since = next(m[1] for m in reversed(moves) if m[0] != "kit_add")
        client = kit = reserved_client = reserved_employee = None
        if status in ("served", "disconnected", "demo"):
            client, kit = last[3], last[4]
        elif status == "reserved":
            reserved_client, reserved_employee = last[3], last[5]
        out = self.rows["distributive_movements"]
        for kind_, day, from_, to, to_kit, to_emp, after, replacement, author in moves:
            out.append((self.next_id("distributive_movements"), d_id, kind_, self.iso(day),
                        from_, to, to_kit, to_emp, after, replacement, author, "",
                        self.stamp(day)))
        served = status in ("served", "disconnected")
        fixed, discount = terms if served else (None, None)
        if client is not None and (fixed is not None or discount is not None):
            # Money on SQLite is whole kopecks; PostgreSQL takes the text as NUMERIC.
            price = fixed if fixed is None or self.postgresql else int(
                Decimal(fixed) * 100)
            self.rows["distributive_terms"].append((
                self.next_id("distributive_terms"), d_id, client, self.iso(since), None,
                price, discount, "", self.stamp(since), self.area.admin_id))
        rnd = self.rng.random
        self.rows["distributives"].append((
            d_id, number or self.number(), system_id, kind, series, network_size or size,
            status, self.iso(since), self.iso(last[1]), client, kit,
            engineer if client is not None else None, None, None, reserved_client,
            reserved_employee, self.iso(demo_until) if status == "demo" else None,
            NOTES[int(rnd() * len(NOTES))] if served and rnd() < 0.03 else "",
            self.stamp(moves[0][1]), self.stamp(last[1]), self.area.admin_id,
            last[8], 1))
        return d_id


def add_distributives(area: AreaContext) -> None:
    """The catalogue, kits, distributives with their movements and the warehouse."""
    session = area.session
    conn = session.connection()
    postgresql = conn.dialect.name == "postgresql"
    start_ids = {t: conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) + 1 FROM {t}")
                 .scalar_one() for t in TABLES}
    rebuild: list[str] = []
    if postgresql:
        try:
            with conn.begin_nested():
                rebuild = suspend_indexes_postgresql(conn, TABLES)
        except Exception:  # noqa: BLE001 - not the tables' owner: load with indexes in place
            rebuild = []
    maker = _Maker(area, conn, start_ids)
    systems = _catalogue(maker, conn)
    engineers = list(session.scalars(select(Employee.id).where(
        Employee.role == EmployeeRole.SERVICE_ENGINEER).order_by(Employee.id))) or [
        area.admin_id]
    low, high = conn.execute(select(Client.id).order_by(Client.id).limit(1)).scalar(), \
        conn.execute(select(Client.id).order_by(Client.id.desc()).limit(1)).scalar()
    if low is not None:
        total = high - low + 1
        columns = (Client.id, Client.status, Client.segment, Client.region,
                   Client.created_by_id, Client.created_at)
        for start in range(low, high + 1, BATCH):
            rows = conn.execute(select(*columns).where(
                Client.id >= start, Client.id < start + BATCH).order_by(Client.id)).all()
            _clients(maker, rows, systems, engineers)
            maker.flush()
            area.progress(STAGE_DISTRIBUTIVES, min(start + BATCH - low, total), total)
    _warehouse(maker, systems, engineers)
    maker.flush()
    for ddl in rebuild:
        conn.exec_driver_sql(ddl)
    if postgresql:
        for table in TABLES:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce(max(id), 0) + 1, false) FROM {table}")
    for table, count in maker.counts.items():
        setattr(area.summary, table, getattr(area.summary, table) + count)


def _catalogue(maker: _Maker, conn: Connection) -> dict[str, tuple]:
    """The systems by code: (id, kind, series, network size); existing codes are kept."""
    existing = {code: (sid, kind, series, size) for sid, code, kind, series, size in
                conn.exec_driver_sql(
                    "SELECT id, code, kind, series, network_size FROM product_systems")}
    out = maker.rows["product_systems"]
    systems = dict(existing)
    for code, title, kind, series, size, active in CATALOGUE:
        if code in systems:
            continue
        sid = maker.next_id("product_systems")
        out.append((sid, code, title, kind, series, size, active, "", 1))
        systems[code] = (sid, kind, series, size)
    maker.flush()
    return systems


def _clients(maker: _Maker, rows: list, systems: dict[str, tuple], engineers: list[int]
             ) -> None:
    rng = maker.rng
    rnd = rng.random
    today, first = maker.today, maker.first
    picks = {segment: _weighted(pairs) for segment, pairs in SEGMENT_SYSTEMS.items()}
    general = _weighted(_GENERAL)
    kits_out, divisions_out = maker.rows["kits"], maker.rows["client_divisions"]
    admin = maker.area.admin_id

    def system_for(segment: str, region: str) -> tuple[tuple, int | None]:
        options = picks.get(segment, general)
        code = options[int(rnd() * len(options))]
        if code == "REGION":
            regional = REGION_SYSTEMS.get(region, ("PROF",))
            code = regional[int(rnd() * len(regional))]
        system = systems[code]
        sizes = NETWORK_SIZES.get(system[2])
        return system, (sizes[int(rnd() * len(sizes))] if sizes else None)

    def receipt_before(day: int) -> int:
        return max(first, day - 5 - int(rnd() * 90))

    for cid, status, segment, region, responsible, created_at in rows:
        created = max(first + 120, created_at.date().toordinal())
        created = min(created, today - 2)
        if status == "prospect":
            if rnd() < 0.02:
                maker.prospect_pool.append(cid)
            continue
        served = status == "served"
        engineer = responsible if served else engineers[int(rnd() * len(engineers))]
        # kits
        r = rnd()
        n_kits = (1 if r < 0.88 else 2 if r < 0.98 else 3) if served else 1
        kit_ids = []
        for k in range(n_kits):
            division = None
            if k == 0:
                title, address = "Основной комплект", ""
            else:
                name = DIVISIONS[int(rnd() * len(DIVISIONS))]
                if any(d[1] == cid and d[3] == name for d in divisions_out[-3:]):
                    name = f"{name} ({k + 1})"
                division = maker.next_id("client_divisions")
                divisions_out.append((division, cid, None, name))
                title = f"Комплект: {name}"
                address = (f"{region}, {STREETS[int(rnd() * len(STREETS))]}, "
                           f"д. {int(rnd() * 120) + 1}")
            kit_id = maker.next_id("kits")
            stamp = maker.stamp(created)
            kits_out.append((kit_id, cid, division, title, address, rnd() < 0.10, "", stamp,
                             stamp, admin, admin, 1))
            kit_ids.append(kit_id)
        start = min(created + int(rnd() * 60), today - 1)
        if not served:  # disconnected: everything it had is disconnected
            maker.disconnected_pool.append(cid)
            for _ in range(1 if rnd() < 0.75 else 2):
                system, size = system_for(segment, region)
                c = start + int(rnd() * min(90, today - 1 - start))
                off = c + 1 + int(rnd() * (today - c - 1))
                maker.emit(system, [
                    ("receipt", receipt_before(c), None, None, None, None, "in_stock", None,
                     admin),
                    ("connect", c, None, cid, kit_ids[0], None, "served", None, engineer),
                    ("disconnect", off, cid, cid, kit_ids[0], None, "disconnected", None,
                     engineer),
                ], engineer, network_size=size)
            continue
        if rnd() < 0.05:
            maker.served_pool.append(cid)
        r = rnd()
        n = 1 if r < 0.65 else 2 if r < 0.89 else 3 if r < 0.97 else 4 if r < 0.99 else 5
        for j in range(n):
            system, size = system_for(segment, region)
            kit = kit_ids[0] if n_kits == 1 or rnd() < 0.5 else kit_ids[int(rnd() * n_kits)]
            c = start if j == 0 else start + int(rnd() * (today - start))
            t = rnd()
            terms = (None, DISCOUNTS[int(rnd() * len(DISCOUNTS))]) if t < 0.18 else (
                (PRICES[int(rnd() * len(PRICES))], None) if t < 0.24 else (None, None))
            rec = receipt_before(c)
            moves = [("receipt", rec, None, None, None, None, "in_stock", None, admin)]
            scenario = rnd()
            if rnd() < 0.15 and c - rec > 1:  # reserved for the client before installing
                moves.append(("reserve", rec + 1 + int(rnd() * (c - rec - 1)), None, cid,
                              None, None, "reserved", None, admin))
            if scenario < 0.04 and today - c > 30:
                # replaced an older one (МЗ): the old stays disconnected at the client
                swap = c + 1 + int(rnd() * (today - c - 1))
                old_id = maker.next_id("distributives")
                new_id = maker.next_id("distributives")
                maker.emit(system, [*moves,
                           ("connect", c, None, cid, kit, None, "served", None, engineer),
                           ("replace", swap, cid, cid, kit, None, "disconnected", new_id,
                            engineer)], engineer, terms=terms, d_id=old_id, network_size=size)
                maker.emit(system, [
                    ("receipt", max(first, swap - 3 - int(rnd() * 30)), None, None, None,
                     None, "in_stock", None, admin),
                    ("replace", swap, None, cid, kit, None, "served", old_id, engineer),
                ], engineer, terms=terms, d_id=new_id, network_size=size)
                continue
            if (scenario < 0.07 and maker.disconnected_pool and today - c > 60):
                # rights transferred from a client that closed
                source = maker.disconnected_pool[int(rnd() * len(maker.disconnected_pool))]
                moved = c + 30 + int(rnd() * (today - c - 30))
                # (not reserved for this client: it went to the other one first)
                moves = [moves[0],
                         ("connect", c, None, source, None, None, "served", None, engineer),
                         ("transfer", moved, source, cid, kit, None, "served", None,
                          engineer)]
                terms = (None, None)  # a transfer drops the old client's terms
            elif scenario < 0.17 and today - c > 200:  # a pause: disconnected, back again
                off = c + 30 + int(rnd() * (today - c - 200))
                back = off + 20 + int(rnd() * 140)
                moves += [("connect", c, None, cid, kit, None, "served", None, engineer),
                          ("disconnect", off, cid, cid, kit, None, "disconnected", None,
                           engineer),
                          ("connect", back, cid, cid, kit, None, "served", None, engineer)]
            elif scenario < 0.21 and n_kits > 1 and today - c > 30:  # joined a kit later
                moves += [("connect", c, None, cid, None, None, "served", None, engineer),
                          ("kit_add", c + 1 + int(rnd() * 29), cid, cid, kit, None, "served",
                           None, engineer)]
            else:
                moves.append(("connect", c, None, cid, kit, None, "served", None, engineer))
            maker.emit(system, moves, engineer, terms=terms, network_size=size)
        if rnd() < 0.06 and today - start > 60:  # an old one, disconnected for good
            system, size = system_for(segment, region)
            if rnd() < 0.3:
                system, size = systems["SSSR"], None
            off = start + 30 + int(rnd() * (today - start - 30))
            maker.emit(system, [
                ("receipt", receipt_before(start), None, None, None, None, "in_stock", None,
                 admin),
                ("connect", start, None, cid, kit_ids[0], None, "served", None, engineer),
                ("disconnect", off, cid, cid, kit_ids[0], None, "disconnected", None,
                 engineer),
            ], engineer, network_size=size)


def _warehouse(maker: _Maker, systems: dict[str, tuple], engineers: list[int]) -> None:
    """~2 % of all distributives on the warehouse (a quarter reserved), demo copies."""
    rnd = maker.rng.random
    admin, today = maker.area.admin_id, maker.today
    at_clients = maker.counts["distributives"] + len(maker.rows["distributives"])
    stock = max(12, round(at_clients * 0.02 / 0.98))
    stock_codes = _weighted(_GENERAL)
    prospects = maker.prospect_pool
    clients_for_reserve = maker.served_pool + prospects

    def system() -> tuple:
        code = stock_codes[int(rnd() * len(stock_codes))]
        return systems["REG-54" if code == "REGION" else code]

    for k in range(stock):
        rec = today - int(rnd() * 700)
        moves = [("receipt", rec, None, None, None, None, "in_stock", None, admin)]
        r = rnd()
        if r < 0.25 and today - rec > 2:
            day = rec + 1 + int(rnd() * (today - rec - 1))
            if clients_for_reserve and (k % 2 == 0 or not engineers):
                whom = clients_for_reserve[int(rnd() * len(clients_for_reserve))]
                moves.append(("reserve", day, None, whom, None, None, "reserved", None, admin))
            else:
                engineer = engineers[int(rnd() * len(engineers))]
                moves.append(("reserve", day, None, None, None, engineer, "reserved", None,
                              admin))
        elif r < 0.40 and prospects and today - rec > 60:  # a demo copy that came back
            whom = prospects[int(rnd() * len(prospects))]
            issued = rec + 1 + int(rnd() * (today - rec - 50))
            back = issued + 14 + int(rnd() * 30)
            moves += [("demo_issue", issued, None, whom, None, None, "demo", None, admin),
                      ("stock_return", back, whom, None, None, None, "in_stock", None, admin)]
        maker.emit(system(), moves, None)
    # Demo copies at prospects: due within a month; about a third overdue.
    for whom in prospects[: max(3, len(prospects) // 3)]:
        issued = today - 5 - int(rnd() * 55)
        due = issued + 30
        engineer = engineers[int(rnd() * len(engineers))]
        maker.emit(system(), [
            ("receipt", issued - 10 - int(rnd() * 200), None, None, None, None, "in_stock",
             None, admin),
            ("demo_issue", issued, None, whom, None, None, "demo", None, admin),
        ], engineer, demo_until=due)


__all__ = ["CATALOGUE", "COLUMNS", "TABLES", "TODAY", "add_distributives"]
