"""«Конкурент клиента» documents: read, save, move along the lifecycle (with history),
kits with their users, contacts' attitude to the competitor. No Qt.

A document is written with «Изменение клиентов и контактных лиц» (client.edit), as the
client's contacts are; on a server base only for a client the login sees (0020). A
closing stage (устранён / ушёл к конкуренту) sets the closing date; going back to an
open stage clears it. A client has at most one open document per competitor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, ClientStatus, Contact, Employee
from vostok_desktop.domain.competitors import (
    ATTITUDE_TITLES,
    CLOSING_KINDS,
    ENCOUNTER_TITLES,
    STAGE_KIND_TITLES,
    Attitude,
    ClientCompetitor,
    Competitor,
    CompetitorKit,
    CompetitorKitUser,
    CompetitorStage,
    CompetitorStageMove,
    ContactCompetitorAttitude,
    Encounter,
    StageKind,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.competitors.common import (
    DOCUMENT_RIGHT,
    check_right,
    clean,
    log,
    money,
    refuse,
)
from vostok_desktop.services.distributives.common import check_version, run_write

MAX_PRODUCT = 200
MAX_WORKPLACES = 100_000
DOCUMENT_FIELDS = ("competitor_id", "stage_id", "encounter", "opened_on", "closed_on",
                   "responsible_id", "monthly_value", "note")


# --------------------------------------------------------------------------- data
@dataclass
class DocumentData:
    """What the document's dialog edits."""

    id: int | None = None
    version: int | None = None
    client_id: int | None = None
    competitor_id: int | None = None
    stage_id: int | None = None
    encounter: Encounter | str = Encounter.CLASH
    opened_on: date | None = None
    responsible_id: int | None = None
    monthly_value: Decimal | str | None = Decimal("0.00")
    note: str = ""
    closed_on: date | None = None  # a closing stage's date (None: today)


@dataclass(frozen=True)
class DocumentRow:
    id: int
    version: int
    client_id: int
    client_name: str
    competitor_id: int
    competitor_name: str
    product: str
    stage_id: int
    stage_title: str
    stage_kind: StageKind
    encounter: Encounter
    opened_on: date
    closed_on: date | None
    responsible_id: int | None
    responsible_name: str
    monthly_value: Decimal
    note: str
    kits: int
    workplaces: int

    @property
    def closed(self) -> bool:
        return self.stage_kind in CLOSING_KINDS

    @property
    def encounter_title(self) -> str:
        return ENCOUNTER_TITLES[self.encounter]

    @property
    def stage_kind_title(self) -> str:
        return STAGE_KIND_TITLES[self.stage_kind]

    def data(self) -> DocumentData:
        return DocumentData(self.id, self.version, self.client_id, self.competitor_id,
                            self.stage_id, self.encounter, self.opened_on,
                            self.responsible_id, self.monthly_value, self.note,
                            self.closed_on)


@dataclass
class KitData:
    id: int | None = None
    document_id: int | None = None
    product: str = ""
    workplaces: int | str = 1
    since: date | None = None
    monthly_price: Decimal | str | None = None
    note: str = ""
    user_ids: list[int] = field(default_factory=list)  # contacts working with the kit


@dataclass(frozen=True)
class KitRow:
    id: int
    document_id: int
    product: str
    workplaces: int
    since: date | None
    monthly_price: Decimal | None
    note: str
    users: tuple[tuple[int, str], ...]  # (contact id, name)

    @property
    def users_text(self) -> str:
        return ", ".join(name for _i, name in self.users)

    def data(self) -> KitData:
        return KitData(self.id, self.document_id, self.product, self.workplaces, self.since,
                       self.monthly_price, self.note, [i for i, _n in self.users])


@dataclass(frozen=True)
class AttitudeRow:
    id: int
    document_id: int
    contact_id: int
    contact_name: str
    attitude: Attitude
    note: str
    competitor_name: str
    stage_title: str
    closed: bool

    @property
    def attitude_title(self) -> str:
        return ATTITUDE_TITLES[self.attitude]


@dataclass(frozen=True)
class MoveRow:
    moved_on: date
    from_title: str
    to_title: str
    who: str
    note: str


# --------------------------------------------------------------------------- reading
def _person(last: str | None, first: str | None, middle: str | None) -> str:
    return " ".join(p for p in (last, first, middle) if p)


def _rows(s: Session, *where: object) -> list[DocumentRow]:
    kits = (select(CompetitorKit.document_id, func.count().label("n"),
                   func.coalesce(func.sum(CompetitorKit.workplaces), 0).label("places"))
            .group_by(CompetitorKit.document_id).subquery())
    query = (select(ClientCompetitor, Client.short_name, Competitor.name, Competitor.product,
                    CompetitorStage.title, CompetitorStage.kind, Employee.full_name,
                    kits.c.n, kits.c.places)
             .join(Client, Client.id == ClientCompetitor.client_id)
             .join(Competitor, Competitor.id == ClientCompetitor.competitor_id)
             .join(CompetitorStage, CompetitorStage.id == ClientCompetitor.stage_id)
             .outerjoin(Employee, Employee.id == ClientCompetitor.responsible_id)
             .outerjoin(kits, kits.c.document_id == ClientCompetitor.id)
             .where(*where)
             .order_by(ClientCompetitor.opened_on.desc(), ClientCompetitor.id.desc()))
    out = []
    for d, client, name, product, stage, kind, who, n, places in s.execute(query):
        out.append(DocumentRow(
            d.id, d.version, d.client_id, client, d.competitor_id, name, product, d.stage_id,
            stage, StageKind(kind), Encounter(d.encounter), d.opened_on, d.closed_on,
            d.responsible_id, who or "", d.monthly_value, d.note, int(n or 0),
            int(places or 0)))
    return out


def documents_of_client(base: OpenedBase, client_id: int) -> list[DocumentRow]:
    """The client's documents, newest first."""
    with base.sessions() as s:
        return _rows(s, ClientCompetitor.client_id == client_id)


def load_document(base: OpenedBase, document_id: int) -> DocumentRow:
    with base.sessions() as s:
        rows = _rows(s, ClientCompetitor.id == document_id)
    if not rows:
        raise refuse("id", "Документ «Конкурент клиента» не найден (возможно, удалён "
                           "или вне видимой вам части клиентской базы)")
    return rows[0]


def new_document(base: OpenedBase, client_id: int, responsible_id: int | None,
                 today: date | None = None) -> DocumentData:
    """A blank document: the lifecycle's first stage, today, a clash at a served client
    (an overlap at a prospect)."""
    with base.sessions() as s:
        status = s.scalar(select(Client.status).where(Client.id == client_id))
        if status is None:
            raise refuse("client_id", "Клиент не найден")
        first = s.scalar(select(CompetitorStage.id)
                         .order_by(CompetitorStage.position, CompetitorStage.id).limit(1))
    encounter = Encounter.CLASH if status == ClientStatus.SERVED else Encounter.OVERLAP
    return DocumentData(client_id=client_id, stage_id=first, encounter=encounter,
                        opened_on=today or date.today(), responsible_id=responsible_id)


def stage_history(base: OpenedBase, document_id: int) -> list[MoveRow]:
    with base.sessions() as s:
        src = CompetitorStage.__table__.alias("src")
        dst = CompetitorStage.__table__.alias("dst")
        rows = s.execute(
            select(CompetitorStageMove.moved_on, src.c.title, dst.c.title,
                   Employee.full_name, CompetitorStageMove.note)
            .outerjoin(src, src.c.id == CompetitorStageMove.from_stage_id)
            .outerjoin(dst, dst.c.id == CompetitorStageMove.to_stage_id)
            .outerjoin(Employee, Employee.id == CompetitorStageMove.moved_by_id)
            .where(CompetitorStageMove.document_id == document_id)
            .order_by(CompetitorStageMove.moved_at, CompetitorStageMove.id))
        return [MoveRow(on, a or "", b or "(стадия удалена)", who or "", note or "")
                for on, a, b, who, note in rows]


def contacts_of_client(base: OpenedBase, client_id: int) -> list[tuple[int, str]]:
    """The client's contact persons (not marked for deletion), by name."""
    with base.sessions() as s:
        return [(i, _person(last, first, middle)) for i, last, first, middle in s.execute(
            select(Contact.id, Contact.last_name, Contact.first_name, Contact.middle_name)
            .where(Contact.client_id == client_id, Contact.marked_for_deletion.is_(False))
            .order_by(Contact.last_name, Contact.first_name, Contact.id))]


def kits_of(base: OpenedBase, document_id: int) -> list[KitRow]:
    with base.sessions() as s:
        users: dict[int, list[tuple[int, str]]] = {}
        for kit_id, cid, last, first, middle in s.execute(
                select(CompetitorKitUser.kit_id, Contact.id, Contact.last_name,
                       Contact.first_name, Contact.middle_name)
                .join(Contact, Contact.id == CompetitorKitUser.contact_id)
                .join(CompetitorKit, CompetitorKit.id == CompetitorKitUser.kit_id)
                .where(CompetitorKit.document_id == document_id)
                .order_by(Contact.last_name, Contact.first_name)):
            users.setdefault(kit_id, []).append((cid, _person(last, first, middle)))
        return [KitRow(k.id, k.document_id, k.product, k.workplaces, k.since, k.monthly_price,
                       k.note, tuple(users.get(k.id, ())))
                for k in s.scalars(select(CompetitorKit)
                                   .where(CompetitorKit.document_id == document_id)
                                   .order_by(CompetitorKit.id))]


def _attitudes(s: Session, *where: object) -> list[AttitudeRow]:
    query = (select(ContactCompetitorAttitude, Contact.last_name, Contact.first_name,
                    Contact.middle_name, Competitor.name, CompetitorStage.title,
                    CompetitorStage.kind)
             .join(Contact, Contact.id == ContactCompetitorAttitude.contact_id)
             .join(ClientCompetitor, ClientCompetitor.id == ContactCompetitorAttitude.document_id)
             .join(Competitor, Competitor.id == ClientCompetitor.competitor_id)
             .join(CompetitorStage, CompetitorStage.id == ClientCompetitor.stage_id)
             .where(*where)
             .order_by(Competitor.name, Contact.last_name, Contact.first_name,
                       ContactCompetitorAttitude.id))
    return [AttitudeRow(a.id, a.document_id, a.contact_id, _person(last, first, middle),
                        Attitude(a.attitude), a.note, name, stage,
                        StageKind(kind) in CLOSING_KINDS)
            for a, last, first, middle, name, stage, kind in s.execute(query)]


def attitudes_of(base: OpenedBase, document_id: int) -> list[AttitudeRow]:
    with base.sessions() as s:
        return _attitudes(s, ContactCompetitorAttitude.document_id == document_id)


def attitudes_of_contact(base: OpenedBase, contact_id: int) -> list[AttitudeRow]:
    """What the contact thinks of each competitor at its client (the contact card)."""
    with base.sessions() as s:
        return _attitudes(s, ContactCompetitorAttitude.contact_id == contact_id)


def attitude_text(rows: list[AttitudeRow], legacy: str = "") -> str:
    """The contact card's read-only summary: one line per document, then the old text."""
    lines = [f"{r.competitor_name}: {r.attitude_title.lower()}"
             + (f" — {r.note}" if r.note else "") + (" (документ закрыт)" if r.closed else "")
             for r in rows]
    if legacy.strip():
        lines.append(f"Прежняя запись: {legacy.strip()}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- writing
def _document_values(d: ClientCompetitor) -> dict[str, object]:
    return {k: getattr(d, k) for k in DOCUMENT_FIELDS}


def _stage(s: Session, stage_id: int | None) -> CompetitorStage:
    stage = s.get(CompetitorStage, stage_id) if stage_id is not None else None
    if stage is None:
        raise refuse("stage_id", "Стадия: выберите стадию из списка")
    return stage


def _set_stage(s: Session, d: ClientCompetitor, stage: CompetitorStage, on: date,
               employee_id: int | None, previous: int | None, note: str = "") -> None:
    """Put the document on ``stage`` (a closing one closes it on ``on``) and write the
    history line from ``previous``."""
    d.stage_id = stage.id
    d.closed_on = max(on, d.opened_on) if StageKind(stage.kind) in CLOSING_KINDS else None
    s.flush()
    move = CompetitorStageMove(client_id=d.client_id, document_id=d.id,
                               from_stage_id=previous, to_stage_id=stage.id, moved_on=on,
                               moved_by_id=employee_id, note=clean(note))
    s.add(move)
    s.flush()
    log(s, "competitor_stage_moves", move.id, d.client_id, employee_id, {},
        {"from_stage_id": previous, "to_stage_id": stage.id, "moved_on": on})


def save_document(base: OpenedBase, data: DocumentData, employee_id: int | None,
                  profile: AccessProfile | None = None, today: date | None = None) -> int:
    """Add or change a document; a changed stage is a move (with history). Returns the id."""
    check_right(profile, DOCUMENT_RIGHT)
    today = today or date.today()
    if data.client_id is None:
        raise refuse("client_id", "Клиент: документ должен относиться к клиенту")
    if data.competitor_id is None:
        raise refuse("competitor_id", "Конкурент: выберите конкурента из справочника")
    if data.opened_on is None:
        raise refuse("opened_on", "Дата появления: обязательное поле")
    try:
        encounter = Encounter(data.encounter)
    except ValueError:
        raise refuse("encounter", "Вид: столкновение или пересечение") from None
    value = money(data.monthly_value, "Стоимость в месяц")

    def write(s: Session) -> int:
        competitor = s.get(Competitor, data.competitor_id)
        if competitor is None:
            raise refuse("competitor_id", "Конкурент не найден в справочнике")
        stage = _stage(s, data.stage_id)
        if data.id is None:
            if competitor.archived:
                raise refuse("competitor_id", f"Конкурент «{competitor.name}» в архиве: "
                                              "новые документы по нему не заводят")
            if s.get(Client, data.client_id) is None:
                raise refuse("client_id", "Клиент не найден (возможно, удалён или вне "
                                          "видимой вам части клиентской базы)")
            d = ClientCompetitor(client_id=data.client_id, created_by_id=employee_id)
            old: dict[str, object] = {}
        else:
            found = s.get(ClientCompetitor, data.id)
            if found is None:
                raise refuse("id", "Документ не найден (возможно, удалён)")
            check_version("client_competitor", found, data.version, s)
            d = found
            old = _document_values(d)
        if StageKind(stage.kind) not in CLOSING_KINDS:
            other = s.scalar(
                select(Competitor.name).join(ClientCompetitor,
                                             ClientCompetitor.competitor_id == Competitor.id)
                .join(CompetitorStage, CompetitorStage.id == ClientCompetitor.stage_id)
                .where(ClientCompetitor.client_id == d.client_id,
                       ClientCompetitor.competitor_id == competitor.id,
                       ClientCompetitor.id != (d.id or 0),
                       CompetitorStage.kind.not_in([k.value for k in CLOSING_KINDS])))
            if other is not None:
                raise refuse("competitor_id", f"У клиента уже есть открытый документ по "
                                              f"конкуренту «{other}»: продолжайте его")
        d.competitor_id, d.encounter, d.opened_on = competitor.id, encounter, data.opened_on
        d.responsible_id, d.monthly_value = data.responsible_id, value
        d.note = (data.note or "").strip()
        d.updated_by_id = employee_id
        closing = StageKind(stage.kind) in CLOSING_KINDS
        closed_on = (data.closed_on or (d.closed_on if stage.id == d.stage_id else None)
                     or max(today, d.opened_on)) if closing else None
        if closed_on is not None and closed_on < d.opened_on:
            raise refuse("closed_on", f"Дата закрытия ({closed_on:%d.%m.%Y}) раньше "
                                      f"появления конкурента ({d.opened_on:%d.%m.%Y})")
        if d.id is None:
            d.stage_id = stage.id
            s.add(d)
            s.flush()
            _set_stage(s, d, stage, closed_on or d.opened_on, employee_id, None)
        elif stage.id != d.stage_id:
            _set_stage(s, d, stage, closed_on or max(today, d.opened_on), employee_id,
                       d.stage_id)
        d.closed_on = closed_on
        s.flush()
        log(s, "client_competitors", d.id, d.client_id, employee_id, old,
            _document_values(d))
        return d.id

    return run_write(base, write)


def move_stage(base: OpenedBase, document_id: int, stage_id: int, employee_id: int | None,
               *, on: date | None = None, note: str = "", version: int | None = None,
               profile: AccessProfile | None = None) -> DocumentRow:
    """Move the document to ``stage_id`` on ``on`` (today), with a history line."""
    check_right(profile, DOCUMENT_RIGHT)
    when = on or date.today()

    def write(s: Session) -> None:
        d = s.get(ClientCompetitor, document_id)
        if d is None:
            raise refuse("id", "Документ не найден (возможно, удалён)")
        check_version("client_competitor", d, version, s)
        stage = _stage(s, stage_id)
        if stage.id == d.stage_id:
            raise refuse("stage_id", f"Документ уже на стадии «{stage.title}»")
        if when < d.opened_on:
            raise refuse("on", f"Дата перехода раньше появления конкурента "
                               f"({d.opened_on:%d.%m.%Y})")
        old = _document_values(d)
        d.updated_by_id = employee_id
        _set_stage(s, d, stage, when, employee_id, d.stage_id, note)
        log(s, "client_competitors", d.id, d.client_id, employee_id, old,
            _document_values(d))

    run_write(base, write)
    return load_document(base, document_id)


def next_stage_of(base: OpenedBase, document_id: int) -> CompetitorStage | None:
    """The stage after the document's one in the lifecycle; None when it is closed."""
    with base.sessions() as s:
        d = s.get(ClientCompetitor, document_id)
        if d is None:
            raise refuse("id", "Документ не найден (возможно, удалён)")
        current = _stage(s, d.stage_id)
        if StageKind(current.kind) in CLOSING_KINDS:
            return None
        stages = list(s.scalars(select(CompetitorStage)
                                .order_by(CompetitorStage.position, CompetitorStage.id)))
        index = [st.id for st in stages].index(current.id)
        following = stages[index + 1:]
        if not following:
            return None
        s.expunge_all()
        return following[0]


def move_to_next_stage(base: OpenedBase, document_id: int, employee_id: int | None, *,
                       on: date | None = None, version: int | None = None,
                       profile: AccessProfile | None = None) -> DocumentRow:
    """Ctrl+→: the next stage of the lifecycle."""
    following = next_stage_of(base, document_id)
    if following is None:
        row = load_document(base, document_id)
        raise refuse("stage_id", f"Документ на стадии «{row.stage_title}»: дальше стадий нет")
    return move_stage(base, document_id, following.id, employee_id, on=on, version=version,
                      profile=profile)


def delete_document(base: OpenedBase, document_id: int, employee_id: int | None,
                    profile: AccessProfile | None = None) -> None:
    check_right(profile, DOCUMENT_RIGHT)

    def write(s: Session) -> None:
        d = s.get(ClientCompetitor, document_id)
        if d is None:
            return
        log(s, "client_competitors", d.id, d.client_id, employee_id, _document_values(d), {})
        s.delete(d)

    run_write(base, write)


def _document_of(s: Session, document_id: int | None) -> ClientCompetitor:
    d = s.get(ClientCompetitor, document_id) if document_id is not None else None
    if d is None:
        raise refuse("document_id", "Сначала запишите документ «Конкурент клиента»")
    return d


def _contacts_of(s: Session, client_id: int, contact_ids: list[int]) -> None:
    if not contact_ids:
        return
    found = set(s.scalars(select(Contact.id).where(Contact.id.in_(contact_ids),
                                                   Contact.client_id == client_id)))
    if set(contact_ids) - found:
        raise refuse("contact_id", "Контактное лицо не найдено у этого клиента")


def save_kit(base: OpenedBase, data: KitData, employee_id: int | None,
             profile: AccessProfile | None = None) -> int:
    """Add or change a kit of the competitor with the contacts who use it."""
    check_right(profile, DOCUMENT_RIGHT)
    product = clean(data.product)
    if not product:
        raise refuse("product", "Система / продукт конкурента: обязательное поле")
    if len(product) > MAX_PRODUCT:
        raise refuse("product", f"Система / продукт: не длиннее {MAX_PRODUCT} символов")
    try:
        workplaces = int(str(data.workplaces).strip() or "0")
    except ValueError:
        raise refuse("workplaces", f"Рабочих мест: «{data.workplaces}» — не число") from None
    if not 0 <= workplaces <= MAX_WORKPLACES:
        raise refuse("workplaces", f"Рабочих мест: от 0 до {MAX_WORKPLACES}")
    price = money(data.monthly_price, "Цена комплекта в месяц", optional=True)
    users = list(dict.fromkeys(data.user_ids))

    def write(s: Session) -> int:
        d = _document_of(s, data.document_id)
        if data.since is not None and data.since > date.today():
            raise refuse("since", "Комплект у клиента с: дата в будущем")
        _contacts_of(s, d.client_id, users)
        if data.id is None:
            kit = CompetitorKit(client_id=d.client_id, document_id=d.id)
            s.add(kit)
            old: dict[str, object] = {}
        else:
            found = s.get(CompetitorKit, data.id)
            if found is None or found.document_id != d.id:
                raise refuse("id", "Комплект не найден (возможно, удалён)")
            kit = found
            old = _kit_values(kit)
        kit.product, kit.workplaces, kit.since = product, workplaces, data.since
        kit.monthly_price, kit.note = price, (data.note or "").strip()
        s.flush()
        log(s, "competitor_kits", kit.id, d.client_id, employee_id, old, _kit_values(kit))
        current = {u.contact_id: u for u in s.scalars(
            select(CompetitorKitUser).where(CompetitorKitUser.kit_id == kit.id))}
        for contact_id, row in current.items():
            if contact_id not in users:
                log(s, "competitor_kit_users", row.id, d.client_id, employee_id,
                    {"contact_id": contact_id}, {})
                s.delete(row)
        for contact_id in users:
            if contact_id not in current:
                row = CompetitorKitUser(client_id=d.client_id, kit_id=kit.id,
                                        contact_id=contact_id)
                s.add(row)
                s.flush()
                log(s, "competitor_kit_users", row.id, d.client_id, employee_id, {},
                    {"contact_id": contact_id})
        return kit.id

    return run_write(base, write)


def _kit_values(kit: CompetitorKit) -> dict[str, object]:
    return {"product": kit.product, "workplaces": kit.workplaces, "since": kit.since,
            "monthly_price": kit.monthly_price, "note": kit.note}


def delete_kit(base: OpenedBase, kit_id: int, employee_id: int | None,
               profile: AccessProfile | None = None) -> None:
    check_right(profile, DOCUMENT_RIGHT)

    def write(s: Session) -> None:
        kit = s.get(CompetitorKit, kit_id)
        if kit is None:
            return
        s.execute(delete(CompetitorKitUser).where(CompetitorKitUser.kit_id == kit_id))
        log(s, "competitor_kits", kit.id, kit.client_id, employee_id, _kit_values(kit), {})
        s.delete(kit)

    run_write(base, write)


def set_attitude(base: OpenedBase, document_id: int, contact_id: int,
                 attitude: Attitude | str, note: str, employee_id: int | None,
                 profile: AccessProfile | None = None) -> int:
    """The contact's attitude to the document's competitor (one per contact and document)."""
    check_right(profile, DOCUMENT_RIGHT)
    try:
        wanted = Attitude(attitude)
    except ValueError:
        raise refuse("attitude", "Отношение: сторонник, нейтрален или противник") from None

    def write(s: Session) -> int:
        d = _document_of(s, document_id)
        _contacts_of(s, d.client_id, [contact_id])
        row = s.scalar(select(ContactCompetitorAttitude).where(
            ContactCompetitorAttitude.document_id == d.id,
            ContactCompetitorAttitude.contact_id == contact_id))
        old: dict[str, object] = {}
        if row is None:
            row = ContactCompetitorAttitude(client_id=d.client_id, document_id=d.id,
                                            contact_id=contact_id)
            s.add(row)
        else:
            old = {"contact_id": row.contact_id, "attitude": row.attitude, "note": row.note}
        row.attitude, row.note, row.updated_by_id = wanted, (note or "").strip(), employee_id
        s.flush()
        log(s, "contact_competitor_attitudes", row.id, d.client_id, employee_id, old,
            {"contact_id": contact_id, "attitude": wanted, "note": row.note})
        return row.id

    return run_write(base, write)


def remove_attitude(base: OpenedBase, attitude_id: int, employee_id: int | None,
                    profile: AccessProfile | None = None) -> None:
    check_right(profile, DOCUMENT_RIGHT)

    def write(s: Session) -> None:
        row = s.get(ContactCompetitorAttitude, attitude_id)
        if row is None:
            return
        log(s, "contact_competitor_attitudes", row.id, row.client_id, employee_id,
            {"contact_id": row.contact_id, "attitude": row.attitude, "note": row.note}, {})
        s.delete(row)

    run_write(base, write)


__all__ = [
    "AttitudeRow", "DocumentData", "DocumentRow", "KitData", "KitRow", "MoveRow",
    "attitude_text", "attitudes_of", "attitudes_of_contact", "contacts_of_client",
    "delete_document", "delete_kit", "documents_of_client", "kits_of", "load_document",
    "move_stage", "move_to_next_stage", "new_document", "next_stage_of", "remove_attitude",
    "save_document", "save_kit", "set_attitude", "stage_history",
]
