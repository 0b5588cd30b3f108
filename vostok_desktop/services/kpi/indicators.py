"""KPI indicators («Показатели KPI»): list, check, save, archive and delete. No Qt.

A *measure* indicator names a report and one of its measures (the pivot engine counts
the fact); the caller passes the engine's catalogue (report key → measure keys) to check
them — ``None`` skips that check (the engine is not there yet). A *formula* indicator is
parsed (:func:`~vostok_desktop.services.kpi.formula.parse_formula`), every code it uses
must exist, and no cycle may appear across all indicators. An indicator used in another's
formula or in a set is not deleted (archive it instead); the message names the users.

Writing needs «Настройка показателей KPI» (kpi.setup); the server checks it too (0016).
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.kpi import (
    UNITS,
    Indicator,
    IndicatorKind,
    IndicatorPlan,
    IndicatorSet,
    IndicatorSetItem,
)
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.access.rights import AccessProfile, require
from vostok_desktop.services.common.change_log import record_changes
from vostok_desktop.services.distributives.common import run_write
from vostok_desktop.services.kpi.formula import (
    _CODE,
    Formula,
    FormulaError,
    evaluate,
    evaluation_order,
    parse_formula,
)

SETUP = "kpi.setup"
TABLE = "kpi_indicators"
MAX_CODE = 60
MAX_TITLE = 200
LOGGED = ("code", "title", "kind", "report_key", "measure_key", "formula", "unit",
          "higher_is_better", "archived")

Catalogue = Mapping[str, Collection[str]]


class KpiRefused(ValidationError):
    """A KPI definition, plan or set that cannot be written; Russian message."""


def refuse(field: str, message: str) -> KpiRefused:
    return KpiRefused(field, message)


def check_right(profile: AccessProfile | None, right: str) -> None:
    """The program's own check (greys out on a file base); the server checks anyway."""
    if profile is not None:
        require(profile, right)


def program_logs(s: Session) -> bool:
    """On a server base the database writes the log of the KPI tables itself."""
    return s.get_bind().dialect.name != "postgresql"


@dataclass(frozen=True)
class IndicatorData:
    code: str
    title: str
    kind: IndicatorKind | str
    report_key: str | None = None
    measure_key: str | None = None
    formula: str | None = None
    unit: str = "шт"
    higher_is_better: bool = True
    archived: bool = False


@dataclass(frozen=True)
class IndicatorRow:
    id: int
    code: str
    title: str
    kind: IndicatorKind
    report_key: str | None
    measure_key: str | None
    formula: str | None
    unit: str
    higher_is_better: bool
    archived: bool

    @property
    def label(self) -> str:
        """How lists and messages name it: «Контакты с клиентами (контакты)»."""
        return f"{self.title} ({self.code})"


def _row(i: Indicator) -> IndicatorRow:
    return IndicatorRow(i.id, i.code, i.title, IndicatorKind(i.kind), i.report_key,
                        i.measure_key, i.formula, i.unit, bool(i.higher_is_better),
                        bool(i.archived))


def list_indicators(base: OpenedBase, *, include_archived: bool = True
                    ) -> list[IndicatorRow]:
    """Indicators by title; archived ones last."""
    with base.sessions() as s:
        query = select(Indicator).order_by(Indicator.archived, Indicator.title, Indicator.id)
        if not include_archived:
            query = query.where(Indicator.archived.is_(False))
        return [_row(i) for i in s.scalars(query)]


def get_indicator(base: OpenedBase, indicator_id: int) -> IndicatorRow:
    with base.sessions() as s:
        row = s.get(Indicator, indicator_id)
        if row is None:
            raise refuse("id", "Показатель не найден (возможно, удалён)")
        return _row(row)


# --------------------------------------------------------------------------- checks


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _formulas(s: Session, skip_id: int | None) -> tuple[dict[str, Formula], set[str]]:
    """The stored formula indicators (parsed) and the measure codes, without
    ``skip_id`` (the one being edited)."""
    formulas: dict[str, Formula] = {}
    measures: set[str] = set()
    for i in s.scalars(select(Indicator)):
        if i.id == skip_id:
            continue
        if i.kind == IndicatorKind.FORMULA and i.formula:
            try:
                formulas[i.code] = parse_formula(i.formula)
            except FormulaError:
                measures.add(i.code)  # a broken stored formula (can't happen) is a leaf
        else:
            measures.add(i.code)
    return formulas, measures


def formula_problem(s: Session, code: str, text: str, skip_id: int | None) -> str | None:
    """Why ``text`` cannot be the formula of indicator ``code``; None when it can."""
    try:
        formula = parse_formula(text)
    except FormulaError as exc:
        return exc.message
    if code in formula.codes:
        return f"Формула показателя «{code}» ссылается на него самого"
    zero = _constant_zero_divisor(formula)
    if zero is not None:
        return f"Формула: деление на ноль («{zero}» = 0)"
    formulas, measures = _formulas(s, skip_id)
    unknown = sorted(c for c in formula.codes if c not in formulas and c not in measures)
    if unknown:
        listed = ", ".join(f"«{c}»" for c in unknown)
        return (f"Формула: нет показателя {listed}" if len(unknown) == 1
                else f"Формула: нет показателей {listed}")
    formulas[code] = formula
    try:
        evaluation_order(formulas, measures)
    except FormulaError as exc:
        return exc.message
    return None


def _constant_zero_divisor(formula: Formula) -> str | None:
    """The text of a divisor made of numbers only that is zero («x / (2 - 2)»), if any:
    that formula could never be counted."""
    for node in ast.walk(formula.tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)):
            continue
        if any(isinstance(n, ast.Name) for n in ast.walk(node.right)):
            continue
        text = ast.get_source_segment(formula.text, node.right) or "0"
        try:
            value = evaluate(Formula(text, node.right, frozenset()), {})
        except FormulaError:
            return text  # a zero division inside the divisor itself
        if value == 0:
            return text
    return None


def check_formula(base: OpenedBase, code: str, text: str,
                  indicator_id: int | None = None) -> str | None:
    """For an editor's live hint: the error of the formula ``text`` of the indicator
    ``code`` (``indicator_id`` when it is stored already), or None."""
    code = _text(code) or "новый"
    with base.sessions() as s:
        return formula_problem(s, code, text, indicator_id)


def _validate(s: Session, data: IndicatorData, indicator_id: int | None,
              catalogue: Catalogue | None) -> IndicatorData:
    code = _text(data.code)
    title = _text(data.title)
    if not code:
        raise refuse("code", "Укажите код показателя (по нему его называют формулы)")
    if len(code) > MAX_CODE:
        raise refuse("code", f"Код показателя длиннее {MAX_CODE} знаков")
    if not _CODE.match(code):
        raise refuse("code", f"Код показателя «{code}»: только буквы, цифры и «_», "
                             "начинается с буквы, без пробелов")
    if not title:
        raise refuse("title", "Укажите название показателя")
    if len(title) > MAX_TITLE:
        raise refuse("title", f"Название показателя длиннее {MAX_TITLE} знаков")
    unit = _text(data.unit)
    if unit not in UNITS:
        raise refuse("unit", f"Единица «{unit}»: выберите одну из " + ", ".join(UNITS))
    try:
        kind = IndicatorKind(data.kind)
    except ValueError:
        raise refuse("kind", "Выберите, как считается показатель: из отчёта или по "
                             "формуле") from None
    twin = s.scalar(select(Indicator).where(Indicator.code == code))
    if twin is not None and twin.id != indicator_id:
        raise refuse("code", f"Код «{code}» уже у показателя «{twin.title}»")
    if kind is IndicatorKind.MEASURE:
        report, measure = _text(data.report_key), _text(data.measure_key)
        if not report:
            raise refuse("report_key", "Выберите отчёт, из которого берётся факт")
        if not measure:
            raise refuse("measure_key", "Выберите величину отчёта, которая считается фактом")
        if catalogue is not None:
            if report not in catalogue:
                raise refuse("report_key", f"Нет отчёта «{report}»")
            if measure not in catalogue[report]:
                raise refuse("measure_key", f"В отчёте «{report}» нет величины «{measure}»")
        return IndicatorData(code, title, kind, report, measure, None, unit,
                             bool(data.higher_is_better), bool(data.archived))
    text = (data.formula or "").strip()
    problem = formula_problem(s, code, text, indicator_id)
    if problem:
        raise refuse("formula", problem)
    return IndicatorData(code, title, kind, None, None, parse_formula(text).text, unit,
                         bool(data.higher_is_better), bool(data.archived))


def validate_indicator(base: OpenedBase, data: IndicatorData, *,
                       indicator_id: int | None = None,
                       catalogue: Catalogue | None = None) -> IndicatorData:
    """The cleaned-up data, or :class:`KpiRefused` naming what is wrong."""
    with base.sessions() as s:
        return _validate(s, data, indicator_id, catalogue)


# --------------------------------------------------------------------------- users


def formula_users(s: Session, code: str, skip_id: int | None = None) -> list[str]:
    """Titles of the indicators whose formula uses ``code``."""
    out = []
    for i in s.scalars(select(Indicator).where(Indicator.kind == IndicatorKind.FORMULA)
                       .order_by(Indicator.title)):
        if i.id == skip_id or not i.formula:
            continue
        try:
            if code in parse_formula(i.formula).codes:
                out.append(f"«{i.title}»")
        except FormulaError:
            continue
    return out


def set_users(s: Session, indicator_id: int) -> list[str]:
    return [f"«{t}»" for t in s.scalars(
        select(IndicatorSet.title).join(IndicatorSetItem)
        .where(IndicatorSetItem.indicator_id == indicator_id)
        .order_by(IndicatorSet.title).distinct())]


def _snapshot(i: Indicator) -> dict:
    return {k: getattr(i, k) for k in LOGGED}


# --------------------------------------------------------------------------- writing


def save_indicator(base: OpenedBase, data: IndicatorData, employee_id: int | None, *,
                   indicator_id: int | None = None, catalogue: Catalogue | None = None,
                   profile: AccessProfile | None = None) -> int:
    """Create (``indicator_id`` None) or change an indicator; returns its id. A code
    that other formulas use is not changed (they would lose it)."""
    check_right(profile, SETUP)

    def write(s: Session) -> int:
        clean = _validate(s, data, indicator_id, catalogue)
        if indicator_id is None:
            row = Indicator(code=clean.code, title=clean.title, kind=IndicatorKind(clean.kind),
                            report_key=clean.report_key, measure_key=clean.measure_key,
                            formula=clean.formula, unit=clean.unit,
                            higher_is_better=clean.higher_is_better,
                            archived=clean.archived, created_by_id=employee_id)
            s.add(row)
            s.flush()
            old: dict = {}
        else:
            row = s.get(Indicator, indicator_id, with_for_update=True)
            if row is None:
                raise refuse("id", "Показатель не найден (возможно, удалён)")
            if row.code != clean.code:
                users = formula_users(s, row.code, skip_id=row.id)
                if users:
                    raise refuse("code", f"Код «{row.code}» используется в формулах "
                                         f"{', '.join(users)} — сначала измените их")
            old = _snapshot(row)
            for key in LOGGED:
                value = getattr(clean, key)
                setattr(row, key, IndicatorKind(value) if key == "kind" else value)
            s.flush()
        if program_logs(s):
            record_changes(s, TABLE, row.id, None, employee_id, old, _snapshot(row))
        return row.id

    return run_write(base, write)


def set_archived(base: OpenedBase, indicator_id: int, archived: bool,
                 employee_id: int | None, *, profile: AccessProfile | None = None) -> None:
    """Put an indicator into the archive (hidden from new plans and sets) or back."""
    current = get_indicator(base, indicator_id)
    save_indicator(base, replace(_data(current), archived=archived), employee_id,
                   indicator_id=indicator_id, profile=profile)


def _data(r: IndicatorRow) -> IndicatorData:
    return IndicatorData(r.code, r.title, r.kind, r.report_key, r.measure_key, r.formula,
                         r.unit, r.higher_is_better, r.archived)


def deletion_blockers(base: OpenedBase, indicator_id: int) -> str | None:
    """Why the indicator cannot be deleted (who uses it), or None."""
    with base.sessions() as s:
        return _blockers(s, indicator_id)


def _blockers(s: Session, indicator_id: int) -> str | None:
    row = s.get(Indicator, indicator_id)
    if row is None:
        return None
    parts = []
    formulas = formula_users(s, row.code, skip_id=row.id)
    if formulas:
        parts.append("в формулах " + ", ".join(formulas))
    sets = set_users(s, row.id)
    if sets:
        parts.append("в наборах " + ", ".join(sets))
    if not parts:
        return None
    return (f"Показатель «{row.title}» используется " + "; ".join(parts)
            + ". Удалить нельзя — отправьте его в архив.")


def plan_count(base: OpenedBase, indicator_id: int) -> int:
    """How many plans the indicator has (deleting it deletes them)."""
    with base.sessions() as s:
        return s.scalar(select(func.count()).select_from(IndicatorPlan)
                        .where(IndicatorPlan.indicator_id == indicator_id)) or 0


def delete_indicator(base: OpenedBase, indicator_id: int, employee_id: int | None, *,
                     profile: AccessProfile | None = None) -> None:
    """Delete an unused indicator with its plans; refused while a formula or a set uses
    it."""
    check_right(profile, SETUP)

    def write(s: Session) -> None:
        row = s.get(Indicator, indicator_id, with_for_update=True)
        if row is None:
            raise refuse("id", "Показатель не найден (возможно, уже удалён)")
        blockers = _blockers(s, indicator_id)
        if blockers:
            raise refuse("id", blockers)
        if program_logs(s):
            record_changes(s, TABLE, row.id, None, employee_id, _snapshot(row), {})
        s.execute(delete(IndicatorPlan).where(IndicatorPlan.indicator_id == indicator_id))
        s.execute(delete(Indicator).where(Indicator.id == indicator_id))

    run_write(base, write)


# --------------------------------------------------------------------------- for the engine


@dataclass(frozen=True)
class IndicatorModel:
    """What the fact engine needs: the measures to count, the formulas to evaluate
    afterwards, in an order where each formula comes after those it uses."""

    measures: dict[str, tuple[str, str]]  # code -> (report key, measure key)
    formulas: dict[str, Formula]
    order: list[str]  # formula codes


def indicator_model(base: OpenedBase) -> IndicatorModel:
    measures: dict[str, tuple[str, str]] = {}
    formulas: dict[str, Formula] = {}
    with base.sessions() as s:
        for i in s.scalars(select(Indicator).order_by(Indicator.id)):
            if i.kind == IndicatorKind.FORMULA and i.formula:
                formulas[i.code] = parse_formula(i.formula)
            elif i.report_key and i.measure_key:
                measures[i.code] = (i.report_key, i.measure_key)
    return IndicatorModel(measures, formulas, evaluation_order(formulas, measures))
