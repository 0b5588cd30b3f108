"""The catalogue «Конкуренты» and the lifecycle's stages: list, save, delete. No Qt.

Writing needs «Справочник конкурентов» (competitors.catalogue); the server checks it too
(0020). A competitor or stage used by a document is not deleted: archive the competitor,
the message names how many documents use it. The lifecycle always keeps a stage of
each kind that closes a document (устранён / ушёл к конкуренту) and one that is open.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.competitors import (
    CLOSING_KINDS,
    PRICE_LEVEL_TITLES,
    STAGE_KIND_TITLES,
    ClientCompetitor,
    Competitor,
    CompetitorStage,
    PriceLevel,
    StageKind,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.competitors.common import (
    CATALOGUE_RIGHT,
    check_right,
    clean,
    log,
    refuse,
)
from vostok_desktop.services.distributives.common import run_write

MAX_NAME = 200
MAX_STAGE = 100


@dataclass(frozen=True)
class CompetitorData:
    id: int | None
    name: str
    product: str = ""
    price_level: PriceLevel | str = PriceLevel.SAME
    notes: str = ""
    archived: bool = False

    @property
    def price_title(self) -> str:
        return PRICE_LEVEL_TITLES[PriceLevel(self.price_level)]


@dataclass(frozen=True)
class StageData:
    id: int | None
    title: str
    position: int
    kind: StageKind | str

    @property
    def kind_title(self) -> str:
        return STAGE_KIND_TITLES[StageKind(self.kind)]

    @property
    def closes(self) -> bool:
        return StageKind(self.kind) in CLOSING_KINDS


def _competitor(c: Competitor) -> CompetitorData:
    return CompetitorData(c.id, c.name, c.product, PriceLevel(c.price_level), c.notes,
                          bool(c.archived))


def list_competitors(base: OpenedBase, *, include_archived: bool = True
                     ) -> list[CompetitorData]:
    """By name; archived ones last."""
    with base.sessions() as s:
        query = select(Competitor).order_by(Competitor.archived, Competitor.name)
        if not include_archived:
            query = query.where(Competitor.archived.is_(False))
        return [_competitor(c) for c in s.scalars(query)]


def stages_in(s: Session) -> list[StageData]:
    return [StageData(st.id, st.title, st.position, StageKind(st.kind)) for st in s.scalars(
        select(CompetitorStage).order_by(CompetitorStage.position, CompetitorStage.id))]


def list_stages(base: OpenedBase) -> list[StageData]:
    """The lifecycle in its order."""
    with base.sessions() as s:
        return stages_in(s)


def _values(row: Competitor | CompetitorStage) -> dict[str, object]:
    if isinstance(row, Competitor):
        return {"name": row.name, "product": row.product, "price_level": row.price_level,
                "notes": row.notes, "archived": row.archived}
    return {"title": row.title, "position": row.position, "kind": row.kind}


def save_competitor(base: OpenedBase, data: CompetitorData, employee_id: int | None,
                    profile: AccessProfile | None = None) -> int:
    """Add or change a competitor; returns its id."""
    check_right(profile, CATALOGUE_RIGHT)
    name = clean(data.name)
    if not name:
        raise refuse("name", "Название конкурента: обязательное поле")
    if len(name) > MAX_NAME:
        raise refuse("name", f"Название конкурента: не длиннее {MAX_NAME} символов")
    product = clean(data.product)[:MAX_NAME]
    try:
        level = PriceLevel(data.price_level)
    except ValueError:
        raise refuse("price_level", "Уровень цен: выберите из списка") from None

    def write(s: Session) -> int:
        # In Python: SQLite's lower() leaves Cyrillic as it is.
        same = [n for i, n in s.execute(select(Competitor.id, Competitor.name))
                if n.lower() == name.lower() and i != data.id]
        if same:
            raise refuse("name", f"Конкурент «{name}» уже есть в справочнике")
        if data.id is None:
            row = Competitor(name=name)
            s.add(row)
            old: dict[str, object] = {}
        else:
            found = s.get(Competitor, data.id)
            if found is None:
                raise refuse("id", "Конкурент не найден (возможно, удалён)")
            row = found
            old = _values(row)
        row.name, row.product, row.price_level = name, product, level
        row.notes, row.archived = (data.notes or "").strip(), bool(data.archived)
        s.flush()
        log(s, "competitors", row.id, None, employee_id, old, _values(row))
        return row.id

    return run_write(base, write)


def delete_competitor(base: OpenedBase, competitor_id: int, employee_id: int | None,
                      profile: AccessProfile | None = None) -> None:
    check_right(profile, CATALOGUE_RIGHT)

    def write(s: Session) -> None:
        row = s.get(Competitor, competitor_id)
        if row is None:
            return
        used = s.scalar(select(func.count()).select_from(ClientCompetitor)
                        .where(ClientCompetitor.competitor_id == competitor_id)) or 0
        if used:
            raise refuse("id", f"Конкурент «{row.name}» указан в документах «Конкурент "
                               f"клиента» ({used}): его не удаляют — отметьте «В архиве»")
        log(s, "competitors", row.id, None, employee_id, _values(row), {})
        s.delete(row)

    run_write(base, write)


def save_stages(base: OpenedBase, stages: list[StageData], employee_id: int | None,
                profile: AccessProfile | None = None) -> list[StageData]:
    """Write the whole lifecycle at once (order = list order): new stages added, changed
    ones updated, missing ones deleted unless a document stands on them."""
    check_right(profile, CATALOGUE_RIGHT)
    cleaned: list[tuple[int | None, str, StageKind]] = []
    for st in stages:
        title = clean(st.title)
        if not title:
            raise refuse("title", "Название стадии: обязательное поле")
        if len(title) > MAX_STAGE:
            raise refuse("title", f"Название стадии: не длиннее {MAX_STAGE} символов")
        try:
            kind = StageKind(st.kind)
        except ValueError:
            raise refuse("kind", f"Стадия «{title}»: выберите её смысл из списка") from None
        cleaned.append((st.id, title, kind))
    titles = [t.lower() for _i, t, _k in cleaned]
    twice = next((t for t in titles if titles.count(t) > 1), None)
    if twice is not None:
        raise refuse("title", f"Стадия «{twice}» указана дважды")
    kinds = {k for _i, _t, k in cleaned}
    if not kinds - set(CLOSING_KINDS):
        raise refuse("kind", "Нужна хотя бы одна открытая стадия («Угроза» или "
                             "«Противостояние»)")
    for closing in CLOSING_KINDS:
        if closing not in kinds:
            raise refuse("kind", f"Нужна стадия со смыслом «{STAGE_KIND_TITLES[closing]}»: "
                                 "ею закрываются документы")

    def write(s: Session) -> list[StageData]:
        existing = {st.id: st for st in s.scalars(select(CompetitorStage))}
        kept = {i for i, _t, _k in cleaned if i is not None}
        for stage_id, row in existing.items():
            if stage_id in kept:
                continue
            used = s.scalar(select(func.count()).select_from(ClientCompetitor)
                            .where(ClientCompetitor.stage_id == stage_id)) or 0
            if used:
                raise refuse("id", f"На стадии «{row.title}» стоят документы ({used}): "
                                   "её не удаляют")
            log(s, "competitor_stages", row.id, None, employee_id, _values(row), {})
            s.delete(row)
        s.flush()
        for stage_id in kept:
            if stage_id not in existing:
                raise refuse("id", "Стадия не найдена (возможно, удалена)")
        # Titles are unique: a title taken over from another kept stage (a swap) parks
        # that stage under a temporary name first.
        current = {existing[i].title.lower(): i for i in kept}
        for stage_id, title, _kind in cleaned:
            other = current.get(title.lower())
            if other is not None and other != stage_id:
                existing[other].title = f"~{other}~"
        s.flush()
        for position, (stage_id, title, kind) in enumerate(cleaned, start=1):
            if stage_id is None:
                row = CompetitorStage(title=title, position=position, kind=kind)
                s.add(row)
                old: dict[str, object] = {}
            else:
                row = existing[stage_id]
                old = {"title": _old_titles.get(stage_id, row.title),
                       "position": row.position, "kind": row.kind}
            row.title, row.position, row.kind = title, position, kind
            s.flush()
            log(s, "competitor_stages", row.id, None, employee_id, old, _values(row))
        return stages_in(s)

    _old_titles: dict[int, str] = {}
    with base.sessions() as s:
        _old_titles.update({st.id: st.title for st in s.scalars(select(CompetitorStage))})
    return run_write(base, write)


def competitor_choices(base: OpenedBase) -> list[tuple[int, str]]:
    """Active competitors for a combo box: (id, «Название (система)»)."""
    return [(c.id, f"{c.name} ({c.product})" if c.product else c.name)
            for c in list_competitors(base, include_archived=False)]


__all__ = [
    "CompetitorData", "StageData", "competitor_choices", "delete_competitor",
    "list_competitors", "list_stages", "save_competitor", "save_stages", "stages_in",
]
