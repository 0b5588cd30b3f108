"""The sales catalogues («Настройка продаж»): deal stages, instruments of attraction and
need rules. Everybody reads them; writing needs «Настройка продаж» (sales.setup; the server
checks the same, 0018). No Qt."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.access import Right
from vostok_desktop.domain.distributives import ProductSystem
from vostok_desktop.domain.sales import (
    AttractionInstrument,
    Deal,
    DealStage,
    DealStageChange,
    NeedRule,
)
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.distributives.common import (
    check,
    log_insert,
    log_update,
    refuse,
    run_write,
    snapshot,
)

SETUP = Right.SALES_SETUP.value

# The defaults a new base (and the demo base) starts with.
DEFAULT_STAGES: tuple[tuple[str, int, bool, bool], ...] = (
    ("Первичный контакт", 10, False, False),
    ("Выявление потребностей", 25, False, False),
    ("Презентация / демонстрация", 40, False, False),
    ("Коммерческое предложение", 60, False, False),
    ("Согласование договора", 80, False, False),
    ("Успешно закрыта", 100, True, False),
    ("Отказ", 0, False, True),
)
DEFAULT_INSTRUMENTS = ("Сайт", "Семинар", "Телемаркетинг", "Рекомендация", "Выставка",
                       "Рассылка")
# position pattern -> (system code of the catalogue, the title when that code is absent)
DEFAULT_NEED_RULES: tuple[tuple[str, str, str], ...] = (
    ("бухгалтер", "BUH", "КонсультантПлюс: Бухгалтерия и кадры"),
    ("кадр", "BUH", "КонсультантПлюс: Бухгалтерия и кадры"),
    ("юрист", "SUD", "КонсультантПлюс: Судебная практика"),
    ("юрисконсульт", "SUD", "КонсультантПлюс: Судебная практика"),
    ("финанс", "FIN", "КонсультантПлюс: Финансист"),
    ("директор", "COMMENT", "КонсультантПлюс: Комментарии законодательства"),
    ("закуп", "", "Консультации по госзакупкам (44-ФЗ, 223-ФЗ)"),
)


def _program_logs(s: Session) -> bool:
    return s.get_bind().dialect.name != "postgresql"


def log_new(s: Session, table: str, row: object, client_id: int | None,
            employee_id: int | None) -> None:
    """The file base's change log of a new row (the server writes its own)."""
    if _program_logs(s):
        log_insert(s, table, row, client_id, employee_id)  # type: ignore[arg-type]


def log_changed(s: Session, table: str, row_id: int, client_id: int | None,
                employee_id: int | None, before: dict, after: dict) -> None:
    if _program_logs(s):
        log_update(s, table, row_id, client_id, employee_id, before, after)


# --------------------------------------------------------------------------- stages


@dataclass
class StageData:
    id: int | None = None
    title: str = ""
    position: int = 0
    probability: int = 0
    is_won: bool = False
    is_lost: bool = False
    is_active: bool = True

    @property
    def is_closing(self) -> bool:
        return self.is_won or self.is_lost


def list_stages(base: OpenedBase, *, active_only: bool = False) -> list[StageData]:
    with base.sessions() as s:
        return stages_in(s, active_only=active_only)


def stages_in(s: Session, *, active_only: bool = False) -> list[StageData]:
    query = select(DealStage).order_by(DealStage.position, DealStage.id)
    if active_only:
        query = query.where(DealStage.is_active.is_(True))
    return [StageData(r.id, r.title, r.position, r.probability, r.is_won, r.is_lost,
                      r.is_active) for r in s.scalars(query)]


def save_stage(base: OpenedBase, data: StageData, employee_id: int | None, *,
               profile: AccessProfile | None = None) -> int:
    check(profile, SETUP)
    return run_write(base, lambda s: write_stage(s, data, employee_id))


def write_stage(s: Session, data: StageData, employee_id: int | None) -> int:
    title = " ".join(data.title.split())
    if not title:
        raise refuse("title", "Этап сделки: название не указано")
    if not 0 <= data.probability <= 100:
        raise refuse("probability", f"Этап «{title}»: вероятность — от 0 до 100 %")
    if data.is_won and data.is_lost:
        raise refuse("is_won", f"Этап «{title}»: этап не может быть и успешным, и отказом")
    twin = s.scalar(select(DealStage.id).where(DealStage.title == title))
    if twin is not None and twin != data.id:
        raise refuse("title", f"Этап «{title}» уже есть")
    values = {"title": title, "position": data.position, "probability": data.probability,
              "is_won": data.is_won, "is_lost": data.is_lost, "is_active": data.is_active}
    return _upsert(s, DealStage, "deal_stages", data.id, values, employee_id, "Этап сделки")


def delete_stage(base: OpenedBase, stage_id: int, employee_id: int | None, *,
                 profile: AccessProfile | None = None) -> None:
    check(profile, SETUP)
    run_write(base, lambda s: remove_stage(s, stage_id, employee_id))


def remove_stage(s: Session, stage_id: int, employee_id: int | None) -> None:
    row = s.get(DealStage, stage_id)
    if row is None:
        return
    used = s.scalar(select(func.count()).select_from(Deal).where(Deal.stage_id == stage_id))
    if used:
        raise refuse("stage", f"Этап «{row.title}» есть у сделок ({used}): его не "
                              "удаляют — снимите флажок «Используется»")
    moved = s.scalar(select(func.count()).select_from(DealStageChange).where(
        (DealStageChange.to_stage_id == stage_id)
        | (DealStageChange.from_stage_id == stage_id)))
    if moved:
        raise refuse("stage", f"Этап «{row.title}» есть в истории сделок: его не "
                              "удаляют — снимите флажок «Используется»")
    _delete(s, row, "deal_stages", employee_id)


# --------------------------------------------------------------------------- instruments


@dataclass
class InstrumentData:
    id: int | None = None
    title: str = ""
    is_active: bool = True


def list_instruments(base: OpenedBase, *, active_only: bool = False) -> list[InstrumentData]:
    with base.sessions() as s:
        query = select(AttractionInstrument).order_by(AttractionInstrument.title)
        if active_only:
            query = query.where(AttractionInstrument.is_active.is_(True))
        return [InstrumentData(r.id, r.title, r.is_active) for r in s.scalars(query)]


def save_instrument(base: OpenedBase, data: InstrumentData, employee_id: int | None, *,
                    profile: AccessProfile | None = None) -> int:
    check(profile, SETUP)
    return run_write(base, lambda s: write_instrument(s, data, employee_id))


def write_instrument(s: Session, data: InstrumentData, employee_id: int | None) -> int:
    title = " ".join(data.title.split())
    if not title:
        raise refuse("title", "Инструмент привлечения: название не указано")
    twin = s.scalar(select(AttractionInstrument.id).where(AttractionInstrument.title == title))
    if twin is not None and twin != data.id:
        raise refuse("title", f"Инструмент «{title}» уже есть")
    return _upsert(s, AttractionInstrument, "attraction_instruments", data.id,
                   {"title": title, "is_active": data.is_active}, employee_id,
                   "Инструмент привлечения")


def delete_instrument(base: OpenedBase, instrument_id: int, employee_id: int | None, *,
                      profile: AccessProfile | None = None) -> None:
    """Deleting an instrument leaves its deals without one (their effect is then lost:
    prefer clearing «Используется»)."""
    check(profile, SETUP)
    run_write(base, lambda s: remove_instrument(s, instrument_id, employee_id))


def remove_instrument(s: Session, instrument_id: int, employee_id: int | None) -> None:
    row = s.get(AttractionInstrument, instrument_id)
    if row is not None:
        _delete(s, row, "attraction_instruments", employee_id)


# --------------------------------------------------------------------------- need rules


@dataclass
class NeedRuleData:
    id: int | None = None
    position_pattern: str = ""
    system_id: int | None = None
    title: str = ""
    is_active: bool = True
    system_title: str = ""

    @property
    def recommendation(self) -> str:
        return self.system_title or self.title


def list_need_rules(base: OpenedBase, *, active_only: bool = False) -> list[NeedRuleData]:
    with base.sessions() as s:
        return need_rules_in(s, active_only=active_only)


def need_rules_in(s: Session, *, active_only: bool = False) -> list[NeedRuleData]:
    query = (select(NeedRule, ProductSystem.title)
             .outerjoin(ProductSystem, ProductSystem.id == NeedRule.system_id)
             .order_by(NeedRule.position_pattern, NeedRule.id))
    if active_only:
        query = query.where(NeedRule.is_active.is_(True))
    return [NeedRuleData(r.id, r.position_pattern, r.system_id, r.title, r.is_active,
                         system or "") for r, system in s.execute(query)]


def save_need_rule(base: OpenedBase, data: NeedRuleData, employee_id: int | None, *,
                   profile: AccessProfile | None = None) -> int:
    check(profile, SETUP)
    return run_write(base, lambda s: write_need_rule(s, data, employee_id))


def write_need_rule(s: Session, data: NeedRuleData, employee_id: int | None) -> int:
    pattern = " ".join(data.position_pattern.split())
    title = " ".join(data.title.split())
    if not pattern:
        raise refuse("position_pattern", "Правило потребности: не указана должность "
                                         "(часть названия должности)")
    if data.system_id is None and not title:
        raise refuse("system_id", f"Правило «{pattern}»: укажите систему из справочника "
                                  "или название рекомендации")
    if data.system_id is not None and s.get(ProductSystem, data.system_id) is None:
        raise refuse("system_id", f"Правило «{pattern}»: система не найдена")
    return _upsert(s, NeedRule, "need_rules", data.id,
                   {"position_pattern": pattern, "system_id": data.system_id,
                    "title": "" if data.system_id is not None else title[:300],
                    "is_active": data.is_active}, employee_id, "Правило потребности")


def delete_need_rule(base: OpenedBase, rule_id: int, employee_id: int | None, *,
                     profile: AccessProfile | None = None) -> None:
    check(profile, SETUP)
    run_write(base, lambda s: remove_need_rule(s, rule_id, employee_id))


def remove_need_rule(s: Session, rule_id: int, employee_id: int | None) -> None:
    row = s.get(NeedRule, rule_id)
    if row is not None:
        _delete(s, row, "need_rules", employee_id)


def systems(base: OpenedBase) -> list[tuple[int, str]]:
    """(id, title) of the active systems of the catalogue, for a rule's recommendation."""
    with base.sessions() as s:
        return [(i, t) for i, t in s.execute(
            select(ProductSystem.id, ProductSystem.title)
            .where(ProductSystem.is_active.is_(True)).order_by(ProductSystem.title))]


# --------------------------------------------------------------------------- a whole list

WRITERS = {"stages": (write_stage, remove_stage), "instruments": (write_instrument,
                                                                 remove_instrument),
           "need_rules": (write_need_rule, remove_need_rule)}


def save_list(base: OpenedBase, which: str, rows: list, deleted: list[int],
              employee_id: int | None, *, profile: AccessProfile | None = None) -> None:
    """A catalogue's table as edited in «Настройка продаж»: the deleted rows, then every
    row, in one transaction (a refused row leaves the whole list as it was)."""
    check(profile, SETUP)
    write, remove = WRITERS[which]

    def go(s: Session) -> None:
        for row_id in deleted:
            remove(s, row_id, employee_id)
        for row in rows:
            write(s, row, employee_id)

    run_write(base, go)


# --------------------------------------------------------------------------- defaults


def fill_defaults(s: Session, employee_id: int | None = None) -> int:
    """Put the default stages, instruments and need rules into empty catalogues (each
    catalogue separately); returns how many rows were added. Rules whose system is not in
    the catalogue get their title as free text."""
    added = 0
    if s.scalar(select(func.count()).select_from(DealStage)) == 0:
        for position, (title, probability, won, lost) in enumerate(DEFAULT_STAGES, 1):
            row = DealStage(title=title, position=position * 10, probability=probability,
                            is_won=won, is_lost=lost)
            s.add(row)
            s.flush()
            log_new(s, "deal_stages", row, None, employee_id)
            added += 1
    if s.scalar(select(func.count()).select_from(AttractionInstrument)) == 0:
        for title in DEFAULT_INSTRUMENTS:
            row = AttractionInstrument(title=title)
            s.add(row)
            s.flush()
            log_new(s, "attraction_instruments", row, None, employee_id)
            added += 1
    if s.scalar(select(func.count()).select_from(NeedRule)) == 0:
        systems = {c: i for c, i in s.execute(select(ProductSystem.code, ProductSystem.id))}
        for pattern, code, title in DEFAULT_NEED_RULES:
            system = systems.get(code)
            row = NeedRule(position_pattern=pattern, system_id=system,
                           title="" if system else title)
            s.add(row)
            s.flush()
            log_new(s, "need_rules", row, None, employee_id)
            added += 1
    return added


def fill_default_catalogues(base: OpenedBase, employee_id: int | None, *,
                            profile: AccessProfile | None = None) -> int:
    check(profile, SETUP)
    return run_write(base, lambda s: fill_defaults(s, employee_id))


# --------------------------------------------------------------------------- common


def _upsert(s: Session, model: type, table: str, row_id: int | None, values: dict,
            employee_id: int | None, what: str) -> int:
    if row_id is None:
        row = model(**values)
        s.add(row)
        s.flush()
        log_new(s, table, row, None, employee_id)
        return row.id
    row = s.get(model, row_id)
    if row is None:
        raise refuse("id", f"{what}: запись не найдена (возможно, удалена)")
    before = snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    s.flush()
    log_changed(s, table, row.id, None, employee_id, before, snapshot(row))
    return row.id


def _delete(s: Session, row: object, table: str, employee_id: int | None) -> None:
    before = snapshot(row)  # type: ignore[arg-type]
    s.delete(row)
    s.flush()
    log_changed(s, table, before["id"], None, employee_id, before, {})
