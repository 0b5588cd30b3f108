"""Who is calling: a caller's number -> contacts and clients, in one indexed query.

The PBX gives numbers as it likes (``89161234567``, ``+7 916…``, ``9161234567``);
they are turned into the E.164 digits stored in ``phones.digits`` (btree index) and
looked up with ``digits IN (…)``. Client status, the responsible employees and the
contact's position come in the same query. Open hot-line requests are added later by
a hook (the hot-line area is not built yet).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Engine, bindparam, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased

from vostok_desktop.domain import (
    Client,
    ClientStatus,
    Contact,
    Direction,
    Employee,
    Phone,
    Responsibility,
)
from vostok_desktop.domain.clients import CLIENT_STATUS_TITLES
from vostok_desktop.domain.validators import ValidationError, normalize_phone

MAX_MATCHES = 50


@dataclass(frozen=True)
class CallerMatch:
    """One person or organisation the number belongs to."""

    client_id: int
    client_name: str
    client_status: str
    client_status_title: str
    client_marked_for_deletion: bool
    responsibles: tuple[str, ...]  # "Петров П. П. (Сопровождение)"
    contact_id: int | None = None
    contact_name: str = ""
    contact_position: str = ""
    phone_raw: str = ""
    open_requests: tuple[str, ...] = ()  # filled by hooks (hot-line requests)

    @property
    def title(self) -> str:
        if self.contact_name:
            return f"{self.contact_name} — {self.client_name}"
        return self.client_name


@dataclass(frozen=True)
class CallerInfo:
    number: str  # as the PBX gave it
    digits: str  # E.164 digits ("" when the number is not a phone number at all)
    matches: tuple[CallerMatch, ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.matches)

    @property
    def single(self) -> CallerMatch | None:
        return self.matches[0] if len(self.matches) == 1 else None


LookupHook = Callable[[Session, tuple[CallerMatch, ...]], tuple[CallerMatch, ...]]


def caller_digits(number: str, default_region: str = "RU") -> list[str]:
    """Candidate E.164 digit strings for a number from the PBX, best first."""
    bare = "".join(ch for ch in number or "" if ch.isascii() and ch.isdigit())
    if not bare:
        return []
    candidates: list[str] = []
    try:
        candidates.append(normalize_phone(number, default_region).digits)
    except ValidationError:
        pass
    if len(bare) == 11 and bare[0] == "8":
        candidates.append("7" + bare[1:])
    elif len(bare) == 10 and bare[0] in "3489":
        candidates.append("7" + bare)
    elif bare.startswith("810") and len(bare) > 11:
        candidates.append(bare[3:])  # Russian international prefix
    elif bare.startswith("00") and len(bare) > 10:
        candidates.append(bare[2:])
    candidates.append(bare)
    seen: dict[str, None] = {}
    for c in candidates:
        if 3 <= len(c) <= 20:
            seen.setdefault(c, None)
    return list(seen)


def _lookup_statement():  # noqa: ANN202
    """Built once: a fresh alias per call would defeat SQLAlchemy's compiled cache."""
    responsible = aliased(Employee)
    # The phones first, with their client's id as a plain column: under row-level
    # security PostgreSQL probes clients' primary key only by a leakproof condition, and
    # «id = coalesce(…)» is not one (it scanned clients: 60 ms instead of 2 ms).
    # OFFSET 0 keeps the planner from folding the subquery back into the join.
    found = (
        select(
            Phone.raw, Phone.contact_id,
            Contact.last_name, Contact.first_name, Contact.middle_name, Contact.position,
            func.coalesce(Phone.client_id, Contact.client_id).label("cid"),
        )
        .select_from(Phone)
        .outerjoin(Contact, Contact.id == Phone.contact_id)
        .where(Phone.digits.in_(bindparam("digits", expanding=True)))
        .offset(0)
        .subquery("found")
    )
    return (
        select(
            found.c.raw, found.c.contact_id,
            found.c.last_name, found.c.first_name, found.c.middle_name, found.c.position,
            Client.id, Client.short_name, Client.status, Client.marked_for_deletion,
            responsible.full_name, Direction.name,
        )
        .select_from(found)
        .join(Client, Client.id == found.c.cid)
        .outerjoin(Responsibility, Responsibility.client_id == Client.id)
        .outerjoin(responsible, responsible.id == Responsibility.employee_id)
        .outerjoin(Direction, Direction.id == Responsibility.direction_id)
        .order_by(Client.marked_for_deletion, Client.id, found.c.contact_id, Direction.id)
        .limit(MAX_MATCHES * 8)
    )


_LOOKUP = _lookup_statement()
_SERVER_LOOKUP = text("select * from vostok_caller_rows(:numbers, :max_rows)")


def lookup_caller(session: Session, number: str, *,
                  hooks: Sequence[LookupHook] = ()) -> CallerInfo:
    """All contacts and clients with this phone number (empty when unknown)."""
    candidates = caller_digits(number)
    if not candidates:
        return CallerInfo(number, "")
    dialect = session.get_bind().dialect if isinstance(session, Session) else session.dialect
    if dialect.name == "postgresql":
        # The server's own lookup function: the same visibility as its row-level
        # security, in one plan (migration 0007).
        rows = session.execute(_SERVER_LOOKUP, {"numbers": candidates,
                                                "max_rows": MAX_MATCHES * 8}).all()
    else:
        rows = session.execute(_LOOKUP, {"digits": candidates}).all()
    grouped: dict[tuple[int, int | None], dict] = {}
    for (raw, contact_id, last, first, middle, position, client_id, client_name, status,
         marked, resp_name, direction_name) in rows:
        item = grouped.setdefault((client_id, contact_id), {
            "raw": raw, "contact": (last, first, middle, position), "client_name": client_name,
            "status": status, "marked": marked, "responsibles": {},
        })
        if resp_name:
            item["responsibles"].setdefault(
                f"{resp_name} ({direction_name})" if direction_name else resp_name, None)
    # A client's own number that also belongs to one of its contacts: the contact says more.
    with_contacts = {client_id for client_id, contact_id in grouped if contact_id is not None}
    matches: list[CallerMatch] = []
    for (client_id, contact_id), item in grouped.items():
        if contact_id is None and client_id in with_contacts:
            continue
        last, first, middle, position = item["contact"]
        status = ClientStatus(item["status"])
        matches.append(CallerMatch(
            client_id=client_id, client_name=item["client_name"], client_status=status.value,
            client_status_title=CLIENT_STATUS_TITLES[status],
            client_marked_for_deletion=bool(item["marked"]),
            responsibles=tuple(item["responsibles"]), contact_id=contact_id,
            contact_name=" ".join(p for p in (last, first, middle) if p) if contact_id else "",
            contact_position=position or "", phone_raw=item["raw"],
        ))
    result = tuple(matches[:MAX_MATCHES])
    for hook in hooks:
        result = hook(session, result)
    return CallerInfo(number, candidates[0], result)


class CallerLookup:
    """Lookups on one long-lived autocommit connection: no Session, no pool checkout and
    no pre-ping per call (a caller lookup is one short indexed read). A dropped
    connection is replaced once; a second failure propagates."""

    def __init__(self, engine: Engine, hooks: Sequence[LookupHook] = ()) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self.hooks = list(hooks)

    def lookup(self, number: str) -> CallerInfo:
        for attempt in (1, 2):
            try:
                if self._connection is None:
                    self._connection = self._open()
                return lookup_caller(self._connection, number,  # type: ignore[arg-type]
                                     hooks=self.hooks)
            except DBAPIError:
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _open(self) -> Connection:
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        # Its own DBAPI connection, never returned to the pool: on PostgreSQL it prepares
        # the lookup at once (planning the joins costs more than running them), which
        # the shared pool must not do for search queries (shared/FINDINGS.md).
        connection.detach()
        driver = connection.connection.driver_connection
        if hasattr(driver, "prepare_threshold"):
            driver.prepare_threshold = 0
        return connection

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except DBAPIError:
                pass
            self._connection = None


def with_open_requests(match: CallerMatch, requests: Sequence[str]) -> CallerMatch:
    """For hooks: the match with its open hot-line requests listed."""
    return replace(match, open_requests=tuple(requests))


@dataclass(frozen=True)
class TransferTarget:
    employee_id: int
    full_name: str
    extension: str
    department: str


def transfer_targets(session: Session, *, exclude_extension: str | None = None
                     ) -> list[TransferTarget]:
    """Active employees with an extension, by name: the quick transfer list."""
    from vostok_desktop.domain import Department

    stmt = (select(Employee.id, Employee.full_name, Employee.phone_extension, Department.name)
            .outerjoin(Department, Department.id == Employee.department_id)
            .where(Employee.is_active.is_(True), Employee.phone_extension.is_not(None),
                   Employee.phone_extension != "")
            .order_by(Employee.full_name))
    return [TransferTarget(i, n, e, d or "") for i, n, e, d in session.execute(stmt)
            if e != exclude_extension]


def random_contact_number(session: Session, rnd: random.Random | None = None
                          ) -> tuple[str, str] | None:
    """A random contact's phone and name (the demo call simulator), picked by id range."""
    rnd = rnd or random.Random()
    low, high = session.execute(
        select(func.min(Phone.id), func.max(Phone.id)).where(Phone.contact_id.is_not(None))
    ).one()
    if low is None:
        return None
    for _ in range(5):
        row = session.execute(
            select(Phone.raw, Contact.last_name, Contact.first_name)
            .join(Contact, Contact.id == Phone.contact_id)
            .where(Phone.id >= rnd.randint(low, high)).order_by(Phone.id).limit(1)
        ).first()
        if row is not None:
            return row.raw, f"{row.last_name} {row.first_name}".strip()
    return None
