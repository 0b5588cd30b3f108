"""The pivot (OLAP) engine: a report definition, a query over it, the table with totals.

A :class:`ReportDefinition` names a source — a SQLAlchemy Core ``SELECT`` run on the
user's own connection, so PostgreSQL's row-level security applies to reports exactly as to
lists — its dimensions (a date dimension is cut into days/weeks/months/quarters/years by
the database) and measures (count, sum, average, distinct count, share). The database
aggregates: one statement with ``GROUPING SETS`` on PostgreSQL, the same sets as ``UNION
ALL`` of ``GROUP BY`` queries on SQLite; every subtotal (each prefix of the row dimensions ×
each prefix of the column dimensions) comes from the database, so non-additive measures
(distinct counts) are right in the totals too. :func:`drill_down` returns the source rows
behind any cell, with the ids of the cards they open. A definition may name
pre-aggregated :class:`Summary` twins of its source (the server's summaries of works,
migrations 0023 and 0025): a query one of them answers exactly is counted from it, with
the same result.

No Qt. Long reads run on a GUI worker and are cancelled through a
:class:`~vostok_desktop.services.lists.filters.Canceller`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Select,
    String,
    case,
    func,
    literal,
    null,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.base import Money
from vostok_desktop.services.lists.filters import Canceller, cancellable, connect
from vostok_desktop.services.reports.periods import (
    PeriodGrouping,
    bucket_expression,
    bucket_text,
    period_bounds_utc,
    period_label,
)

__all__ = [
    "MAX_GROUPS",
    "NO_VALUE",
    "Dimension",
    "DrillColumn",
    "DrillResult",
    "Filter",
    "Header",
    "Measure",
    "MeasureKind",
    "PivotQuery",
    "PivotResult",
    "ReportCancelled",
    "ReportDefinition",
    "ReportError",
    "SourceParams",
    "Summary",
    "drill_down",
    "run_pivot",
]

# More groups than this is not a report anyone reads: the user is asked to narrow it.
MAX_GROUPS = 200_000
DRILL_LIMIT = 5_000
REPORT_WORK_MEM = "64MB"  # per report transaction on PostgreSQL
NO_VALUE = "(не указано)"
_HUNDRED = Decimal(100)


class ReportError(ValueError):
    """A report that cannot be built as asked; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReportCancelled(Exception):
    """The user cancelled the report while the database was computing it."""


class MeasureKind(enum.StrEnum):
    COUNT = "count"
    SUM = "sum"
    AVG = "avg"
    COUNT_DISTINCT = "count_distinct"
    SHARE = "share"  # % of the column's total (of the count, or of the column's sum)


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    column: str  # the source column grouped by
    label: str | None = None  # a source column with the value's name (e.g. the employee's)
    titles: Mapping[Any, str] | None = None  # value -> Russian title (enumerations)
    date: bool = False  # a date dimension: cut into periods
    timestamp: bool = False  # …stored as a UTC timestamp (shifted to local time first)
    months: bool = False  # …whose values are first days of months already (a summary's)
    # A SELECT of (key, label) by the key's primary key (employees, departments): the
    # labels are joined to the few groups instead of being grouped with every source row.
    lookup: Callable[[], Select[Any]] | None = None


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    kind: MeasureKind = MeasureKind.COUNT
    column: str | None = None  # what SUM/AVG/COUNT_DISTINCT (and SHARE of a sum) read
    condition: str | None = None  # a boolean source column: only rows where it is true
    money: bool = False
    unit: str = ""


@dataclass(frozen=True)
class DrillColumn:
    column: str
    title: str
    money: bool = False


@dataclass(frozen=True)
class SourceParams:
    """What a source may depend on: the dialect, the report period, «today»."""

    dialect: str
    period: tuple[date, date] | None
    today: date


@dataclass(frozen=True)
class Summary:
    """A pre-aggregated twin of a report's source (see services/reports/summary.py).

    ``source(params, used)`` selects, for a query using the dimensions ``used``, the same
    labelled columns as the report's source for the dimensions it keeps, one pre-counted
    column per measure it keeps (a count becomes the sum of that column) and
    ``period_column``, the local month the period dimension's rows fall in. ``distinct``
    names, per distinct count it answers, the column holding the counted value: its lines
    are one per such value within the finest cell, so a distinct count over them is the
    source's. The engine reads it instead of the source when a query needs nothing else:
    those dimensions (the period cut into months, quarters or years, a period of whole
    months), those measures, and ``usable(base, query)`` says the base keeps it for this
    workstation."""

    source: Callable[[SourceParams, frozenset[str]], Select[Any]]  # …for these dimensions
    dimensions: tuple[str, ...]
    measures: Mapping[str, str]
    period_column: str
    usable: Callable[[OpenedBase, PivotQuery], bool]
    distinct: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportDefinition:
    key: str
    title: str
    section: str  # the group in the reports menu («Клиенты», «Деньги», …)
    source: Callable[[SourceParams], Select[Any]]
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    period_dimension: str | None = None  # the date dimension the period applies to
    entity: str = "client"  # what a source row opens: client / contact / employee / …
    entity_column: str = "client_id"
    drill_columns: tuple[DrillColumn, ...] = ()
    default_rows: tuple[str, ...] = ()
    default_columns: tuple[str, ...] = ()
    default_measures: tuple[str, ...] = ()
    description: str = ""
    printable: bool = False
    # The report is «on a date» (the period's last day), not over a period: receivables.
    as_of: bool = False
    # Who a row is counted for, for KPI: the employee dimension (its department is
    # "<key>_department"); None when the report is not about employees.
    employee_dimension: str | None = None
    summaries: tuple[Summary, ...] = ()  # pre-aggregated twins of the source, tried in order

    def dimension(self, key: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise ReportError(f"В отчёте «{self.title}» нет измерения «{key}».")

    def measure(self, key: str) -> Measure:
        for measure in self.measures:
            if measure.key == key:
                return measure
        raise ReportError(f"В отчёте «{self.title}» нет показателя «{key}».")

    def default_query(self, period: tuple[date, date] | None = None) -> PivotQuery:
        return PivotQuery(rows=self.default_rows, columns=self.default_columns,
                          measures=self.default_measures or (self.measures[0].key,),
                          period=period)


@dataclass(frozen=True)
class Filter:
    """Keep only source rows whose dimension value is one of ``values`` (None: no value;
    for a date dimension the values are period starts as 'YYYY-MM-DD')."""

    dimension: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class PivotQuery:
    rows: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    grouping: PeriodGrouping = PeriodGrouping.MONTH
    period: tuple[date, date] | None = None
    filters: tuple[Filter, ...] = ()

    def __post_init__(self) -> None:
        # A plain 'month' (from a combo box, from JSON) is the same grouping.
        object.__setattr__(self, "grouping", PeriodGrouping(self.grouping))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for saved variants."""
        return {
            "rows": list(self.rows), "columns": list(self.columns),
            "measures": list(self.measures), "grouping": self.grouping.value,
            "period": [d.isoformat() for d in self.period] if self.period else None,
            "filters": [{"dimension": f.dimension, "values": list(f.values)}
                        for f in self.filters],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PivotQuery:
        period = data.get("period")
        return cls(
            rows=tuple(data.get("rows") or ()), columns=tuple(data.get("columns") or ()),
            measures=tuple(data.get("measures") or ()),
            grouping=PeriodGrouping(data.get("grouping") or PeriodGrouping.MONTH),
            period=(date.fromisoformat(period[0]), date.fromisoformat(period[1]))
            if period else None,
            filters=tuple(Filter(f["dimension"], tuple(f.get("values") or ()))
                          for f in data.get("filters") or ()),
        )


Key = tuple[Any, ...]


@dataclass(frozen=True)
class Header:
    """A row or column of the table: ``key`` holds the values of the first ``level``
    dimensions; shorter than the dimensions = a subtotal, empty = the grand total."""

    key: Key
    labels: tuple[str, ...]
    is_total: bool

    @property
    def level(self) -> int:
        return len(self.key)

    @property
    def label(self) -> str:
        return self.labels[-1] if self.labels else "Итого"


@dataclass
class PivotResult:
    definition: ReportDefinition
    query: PivotQuery
    row_dimensions: tuple[Dimension, ...]
    column_dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    row_headers: list[Header]
    column_headers: list[Header]
    cells: dict[tuple[Key, Key], tuple[Any, ...]] = field(default_factory=dict)
    from_summary: bool = False  # counted from one of the definition's summaries

    def value(self, row_key: Key, column_key: Key, measure_key: str) -> Any:
        index = [m.key for m in self.measures].index(measure_key)
        values = self.cells.get((tuple(row_key), tuple(column_key)))
        return None if values is None else values[index]

    def grand_total(self, measure_key: str) -> Any:
        return self.value((), (), measure_key)

    @property
    def leaf_rows(self) -> list[Header]:
        return [h for h in self.row_headers if len(h.key) == len(self.row_dimensions)]

    @property
    def leaf_columns(self) -> list[Header]:
        return [h for h in self.column_headers if len(h.key) == len(self.column_dimensions)]

    @property
    def is_empty(self) -> bool:
        return not self.cells


@dataclass(frozen=True)
class DrillResult:
    entity: str
    columns: tuple[DrillColumn, ...]
    rows: list[tuple[Any, ...]]
    entity_ids: list[int | None]
    truncated: bool


# ---------------------------------------------------------------------------
# Building the statement
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    rows: tuple[Dimension, ...]
    columns: tuple[Dimension, ...]
    measures: tuple[Measure, ...]


def _plan(definition: ReportDefinition, query: PivotQuery) -> _Plan:
    rows = tuple(definition.dimension(k) for k in query.rows)
    columns = tuple(definition.dimension(k) for k in query.columns)
    keys = [d.key for d in rows + columns]
    if len(set(keys)) != len(keys):
        twice = next(k for k in keys if keys.count(k) > 1)
        raise ReportError(f"Измерение «{definition.dimension(twice).title}» выбрано дважды.")
    measures = tuple(definition.measure(k) for k in query.measures)
    if not measures:
        raise ReportError("Выберите хотя бы один показатель.")
    return _Plan(rows, columns, measures)


# Period groupings a summary by months can serve (a week or a day cuts a month).
_MONTHLY = (PeriodGrouping.MONTH, PeriodGrouping.QUARTER, PeriodGrouping.YEAR)
_PRECOUNTED = (MeasureKind.COUNT, MeasureKind.SUM, MeasureKind.SHARE)


def _answers(summary: Summary, definition: ReportDefinition) -> frozenset[str]:
    """The measures of ``definition`` that ``summary`` counts: counts and sums as sums of
    its pre-counted columns, distinct counts over its lines."""
    return frozenset(m.key for m in definition.measures
                     if (m.key in summary.measures and m.kind in _PRECOUNTED)
                     or (m.key in summary.distinct and m.kind is MeasureKind.COUNT_DISTINCT
                         and m.condition is None))


def summary_groups(definition: ReportDefinition, keys: Iterable[str]) -> list[list[str]]:
    """``keys`` split into the groups a caller asking for several measures at once (the KPI
    facts) should ask for apart: those of each summary in turn, then the rest — so one
    measure no summary counts does not send the others to the source rows too."""
    left = list(dict.fromkeys(keys))
    groups: list[list[str]] = []
    for summary in definition.summaries:
        answered = _answers(summary, definition)
        group = [k for k in left if k in answered]
        if group:
            groups.append(group)
            left = [k for k in left if k not in answered]
    return [*groups, left] if left else groups


def _summary_twin(base: OpenedBase, definition: ReportDefinition, query: PivotQuery,
                  plan: _Plan) -> tuple[ReportDefinition, _Plan] | None:
    """The definition over the first of its summaries that can answer ``query`` exactly,
    with the same keys; else None (the source is read)."""
    used = {d.key for d in plan.rows + plan.columns} | {f.dimension for f in query.filters}
    period_key = definition.period_dimension
    if period_key in used and query.grouping not in _MONTHLY:
        return None
    if query.period is not None:
        first, last = query.period
        if last < first or first.day != 1 or (last + timedelta(days=1)).day != 1:
            return None
    wanted = {m.key for m in plan.measures}
    for summary in definition.summaries:
        if (used <= set(summary.dimensions) and wanted <= _answers(summary, definition)
                and (query.period is None or period_key in summary.dimensions)
                and summary.usable(base, query)):
            return _over(summary, definition, query, used, period_key)
    return None


def _over(summary: Summary, definition: ReportDefinition, query: PivotQuery,
          used: set[str], period_key: str | None) -> tuple[ReportDefinition, _Plan]:
    dimensions = tuple(
        replace(d, column=summary.period_column, timestamp=False, months=True)
        if d.key == period_key
        else d for d in definition.dimensions if d.key in summary.dimensions)
    measures = tuple(
        Measure(m.key, m.title, MeasureKind.SUM, column=summary.measures[m.key],
                money=m.money, unit=m.unit) if m.kind is not MeasureKind.COUNT_DISTINCT
        else replace(m, column=summary.distinct[m.key])
        for m in definition.measures if m.key in _answers(summary, definition))
    frozen = frozenset(used)

    def source(params: SourceParams) -> Select[Any]:
        return summary.source(params, frozen)

    twin = replace(definition, source=source, dimensions=dimensions,
                   measures=measures, summaries=(),
                   period_dimension=period_key if period_key in summary.dimensions else None)
    return twin, _plan(twin, query)


def _params(base: OpenedBase, query: PivotQuery) -> SourceParams:
    return SourceParams(base.dialect, query.period, date.today())


def _key_expression(dimension: Dimension, src: Any, grouping: PeriodGrouping,
                    dialect: str) -> ColumnElement[Any]:
    column = src.c[dimension.column]
    if dimension.date:
        return _bucket(dimension, column, grouping, dialect, as_text=True)
    return column


def _bucket(dimension: Dimension, column: ColumnElement[Any], grouping: PeriodGrouping,
            dialect: str, *, as_text: bool) -> ColumnElement[Any]:
    """The period a date dimension's value falls in; a month of a summary is its own
    month (truncating half a million dates again doubled a distinct count over them)."""
    if dimension.months and grouping is PeriodGrouping.MONTH:
        return bucket_text(column, dialect) if as_text else column
    return bucket_expression(column, grouping, dialect, timestamp=dimension.timestamp,
                             as_text=as_text)


def _filtered(definition: ReportDefinition, query: PivotQuery, src: Any,
              dialect: str) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.period and definition.period_dimension:
        dimension = definition.dimension(definition.period_dimension)
        column = src.c[dimension.column]
        first, last = query.period
        if last < first:
            raise ReportError(f"Период задан наоборот: {first:%d.%m.%Y} позже {last:%d.%m.%Y}.")
        if dimension.timestamp:
            start, end = period_bounds_utc(first, last)
            where += [column >= start, column < end]
        else:
            where += [column >= first, column <= last]
    for item in query.filters:
        dimension = definition.dimension(item.dimension)
        expr = _key_expression(dimension, src, query.grouping, dialect)
        present = [v for v in item.values if v is not None]
        options: list[ColumnElement[bool]] = []
        if present:
            options.append(expr.in_(present))
        if len(present) != len(item.values):
            options.append(expr.is_(None))
        if not options:
            raise ReportError(f"В отборе по «{dimension.title}» не выбрано ни одного значения.")
        where.append(options[0] if len(options) == 1 else options[0] | options[1])
    return where


def _measure_inputs(measure: Measure, index: int, src: Any) -> list[ColumnElement[Any]]:
    """Per source row, what the measure's aggregates read (labelled m<i>…)."""
    cond = src.c[measure.condition] if measure.condition else None
    if measure.kind in (MeasureKind.COUNT, MeasureKind.SHARE) and measure.column is None:
        value: ColumnElement[Any] = case((cond, 1)) if cond is not None else literal(1)
        return [value.label(f"m{index}")]
    if measure.column is None:
        raise ReportError(f"У показателя «{measure.title}» не указана колонка.")
    column = src.c[measure.column]
    value = case((cond, column)) if cond is not None else column
    return [value.label(f"m{index}")]


def _aggregates(plan: _Plan, inner: Any) -> list[ColumnElement[Any]]:
    out: list[ColumnElement[Any]] = []
    for i, measure in enumerate(plan.measures):
        value = inner.c[f"m{i}"]
        if measure.kind is MeasureKind.COUNT_DISTINCT:
            out.append(func.count(value.distinct()).label(f"a{i}"))
        elif measure.kind is MeasureKind.COUNT or (measure.kind is MeasureKind.SHARE
                                                   and measure.column is None):
            out.append(func.count(value).label(f"a{i}"))
        else:
            total = func.sum(value)
            out.append((type_coerce(total, Money) if measure.money else total).label(f"a{i}"))
            if measure.kind is MeasureKind.AVG:
                out.append(func.count(value).label(f"n{i}"))
    return out


def _grouping_sets(n_rows: int, n_columns: int) -> list[tuple[int, ...]]:
    """Indexes of the grouped dimensions for each subtotal level, finest first."""
    sets = []
    for r in range(n_rows, -1, -1):
        for c in range(n_columns, -1, -1):
            sets.append(tuple(range(r)) + tuple(n_rows + j for j in range(c)))
    return sets


def _grouping_id(grouped: Sequence[int], total: int) -> int:
    """PostgreSQL's GROUPING(k0, …, kn-1): bit (n-1-i) set when k_i is not grouped."""
    return sum(1 << (total - 1 - i) for i in range(total) if i not in grouped)


def _two_stage(plan: _Plan) -> bool:
    """Counts and sums add up: the rows are first grouped by the finest keys (a hash
    aggregate over the source), and the grouping sets run over those few groups. A
    distinct count does not add up, so it groups the source rows directly."""
    return all(m.kind is not MeasureKind.COUNT_DISTINCT for m in plan.measures)


def _partials(plan: _Plan, inner: Any) -> list[ColumnElement[Any]]:
    out: list[ColumnElement[Any]] = []
    for i, measure in enumerate(plan.measures):
        value = inner.c[f"m{i}"]
        if measure.kind is MeasureKind.COUNT or (measure.kind is MeasureKind.SHARE
                                                   and measure.column is None):
            out.append(func.count(value).label(f"m{i}"))
        else:
            out.append(func.sum(value).label(f"m{i}"))
            if measure.kind is MeasureKind.AVG:
                out.append(func.count(value).label(f"c{i}"))
    return out


def _merged(plan: _Plan, stage: Any) -> list[ColumnElement[Any]]:
    """The final aggregates over the first stage's partial ones."""
    out: list[ColumnElement[Any]] = []
    for i, measure in enumerate(plan.measures):
        total = func.sum(stage.c[f"m{i}"])
        out.append((type_coerce(total, Money) if measure.money else total).label(f"a{i}"))
        if measure.kind is MeasureKind.AVG:
            out.append(func.sum(stage.c[f"c{i}"]).label(f"n{i}"))
    return out


def _statement(base: OpenedBase, definition: ReportDefinition, query: PivotQuery,
               plan: _Plan) -> Select[Any]:
    dialect = base.dialect
    src = definition.source(_params(base, query)).subquery("src")
    dims = plan.rows + plan.columns
    two_stage = bool(dims) and _two_stage(plan)

    def carried(i: int) -> bool:  # the label grouped along with the key
        return bool(dims[i].label) and dims[i].lookup is None

    inner_columns: list[ColumnElement[Any]] = []
    for i, dimension in enumerate(dims):
        column = src.c[dimension.column]
        # A period is grouped by its truncated timestamp and shown as text only per group
        # (to_char on every source row cost a third of a distinct count at 1 M rows).
        key = (_bucket(dimension, column, query.grouping, dialect, as_text=False)
               if dimension.date else column)
        inner_columns.append(key.label(f"k{i}"))
        if carried(i):
            inner_columns.append(_label_column(src.c[dimension.label], dialect).label(f"l{i}"))
    for i, measure in enumerate(plan.measures):
        inner_columns += _measure_inputs(measure, i, src)
    # Keys are computed in a subquery so that GROUP BY names plain columns (an expression
    # with bound parameters would not match its twin in the select list on PostgreSQL).
    inner = (select(*inner_columns).select_from(src)
             .where(*_filtered(definition, query, src, dialect)).subquery("f"))
    if not dims:
        return select(literal(0).label("g"), *_aggregates(plan, inner))
    grouped_by = [inner.c[f"k{i}"] for i in range(len(dims))] + [
        inner.c[f"l{i}"] for i in range(len(dims)) if carried(i)]
    if two_stage:
        stage = (select(*grouped_by, *_partials(plan, inner)).group_by(*grouped_by)
                 .subquery("s"))
        aggregates = _merged(plan, stage)
    else:
        stage = inner
        aggregates = _aggregates(plan, stage)
    sets = _grouping_sets(len(plan.rows), len(plan.columns))

    def set_columns(grouped: Iterable[int]) -> list[ColumnElement[Any]]:
        cols: list[ColumnElement[Any]] = []
        for i in grouped:
            cols.append(stage.c[f"k{i}"])
            if carried(i):
                cols.append(stage.c[f"l{i}"])
        return cols

    def shown_key(i: int) -> ColumnElement[Any]:
        key = stage.c[f"k{i}"]
        if dims[i].date:
            return bucket_text(key, dialect).label(f"k{i}")
        return key

    keys = [stage.c[f"k{i}"] for i in range(len(dims))]
    labels = [stage.c[f"l{i}"] for i in range(len(dims)) if carried(i)]
    if dialect == "postgresql":
        group_sets = [_sql_set(set_columns(s)) for s in sets]
        return _looked_up(select(*[shown_key(i) for i in range(len(dims))], *labels,
                                 func.grouping(*keys).label("g"), *aggregates)
                          .group_by(func.grouping_sets(*group_sets)), dims)
    parts = []
    for grouped in sets:
        selected: list[ColumnElement[Any]] = []
        for i in range(len(dims)):
            selected.append(shown_key(i) if i in grouped else null().label(f"k{i}"))
        for i in range(len(dims)):
            if carried(i):
                selected.append(stage.c[f"l{i}"] if i in grouped else null().label(f"l{i}"))
        selected.append(literal(_grouping_id(grouped, len(dims))).label("g"))
        part = select(*selected, *aggregates)
        grouped_columns = set_columns(grouped)
        parts.append(part.group_by(*grouped_columns) if grouped_columns else part)
    return _looked_up(union_all(*parts), dims)


def _looked_up(statement: Any, dims: tuple[Dimension, ...]) -> Select[Any]:
    """The grouped ``statement`` with the labels of the dimensions that look them up
    joined to its groups (a subtotal's missing key finds no label, as it should)."""
    looked = [i for i, d in enumerate(dims) if d.label and d.lookup is not None]
    if not looked:
        return statement  # type: ignore[no-any-return]
    grouped = statement.subquery("p")
    columns: list[ColumnElement[Any]] = list(grouped.c)
    joined: Any = grouped
    for i in looked:
        lookup = dims[i].lookup
        assert lookup is not None
        names = lookup().subquery(f"lk{i}")
        joined = joined.outerjoin(names, names.c.key == grouped.c[f"k{i}"])
        columns.append(names.c.label.label(f"l{i}"))
    return select(*columns).select_from(joined)


def _label_column(label: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """A dimension's label as grouped: byte order on PostgreSQL. A label rides along with
    its key (one name per id), so how it sorts changes no group, while a linguistic
    comparison on every tie of the key was a third of a distinct count's sort."""
    if dialect == "postgresql" and isinstance(label.type, String):
        return label.collate("C")
    return label


def _sql_set(columns: list[ColumnElement[Any]]) -> ColumnElement[Any]:
    from sqlalchemy import tuple_

    if not columns:
        return text("()")  # type: ignore[return-value]
    return tuple_(*columns)


# ---------------------------------------------------------------------------
# Running it
# ---------------------------------------------------------------------------


def _execute(base: OpenedBase, statement: Any, canceller: Canceller | None,
             limit: int | None = None) -> list[Any]:
    try:
        with cancellable(canceller), connect(base.engine) as conn:
            with conn.begin():
                if base.dialect == "postgresql":
                    # A report runs on a worker and may be cancelled: no GUI timeout here.
                    conn.execute(text("SET LOCAL statement_timeout = 0"))
                    # Grouping sets hash every subtotal at once: at the default 4 MB the
                    # planner sorts (and spills to disk) instead.
                    conn.execute(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
                result = conn.execute(statement)
                rows = result.fetchmany(limit) if limit is not None else result.fetchall()
                return rows
    except DBAPIError:
        if canceller is not None and canceller.cancelled:
            raise ReportCancelled() from None
        raise
    except Exception as exc:
        if canceller is not None and canceller.cancelled:
            raise ReportCancelled() from exc
        raise


def _value_label(dimension: Dimension, value: Any, label: Any,
                 grouping: PeriodGrouping) -> str:
    if dimension.date:
        return period_label(value, grouping)
    if value is None:
        return NO_VALUE
    if dimension.titles is not None and value in dimension.titles:
        return dimension.titles[value]
    if dimension.label:
        return str(label) if label not in (None, "") else NO_VALUE
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, date | datetime):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _sort_key(dimension: Dimension, value: Any, label: str) -> tuple[Any, ...]:
    if value is None:
        return (1, "")
    if dimension.date:
        return (0, str(value))
    if isinstance(value, int | float | Decimal) and not dimension.label and not dimension.titles:
        return (0, "", value)
    return (0, label.casefold())


def _headers(dimensions: tuple[Dimension, ...], keys: set[Key],
             labels: dict[tuple[int, Any], str]) -> list[Header]:
    """Subtotal before its children (a tree read from the top), the grand total last."""
    n = len(dimensions)
    children: dict[Key, list[Key]] = {}
    for key in keys:
        for level in range(1, len(key) + 1):
            parent, child = key[:level - 1], key[:level]
            siblings = children.setdefault(parent, [])
            if child not in siblings:
                siblings.append(child)
    out: list[Header] = []

    def walk(parent: Key) -> None:
        level = len(parent)
        ordered = sorted(children.get(parent, []),
                         key=lambda k: _sort_key(dimensions[level], k[-1],
                                                 labels[(level, k[-1])]))
        for key in ordered:
            if key in keys:
                out.append(Header(key, tuple(labels[(i, v)] for i, v in enumerate(key)),
                                  is_total=len(key) < n))
            walk(key)

    walk(())
    if () in keys:
        out.append(Header((), (), is_total=n > 0))
    return out


def _cell_values(plan: _Plan, row: Any) -> list[Any]:
    values: list[Any] = []
    for i, measure in enumerate(plan.measures):
        raw = row._mapping[f"a{i}"]
        if measure.kind is MeasureKind.AVG:
            count = row._mapping[f"n{i}"]
            if not count or raw is None:
                values.append(None)
            else:
                places = Decimal("0.01")
                values.append((Decimal(raw) / Decimal(count)).quantize(places))
        elif measure.kind in (MeasureKind.COUNT, MeasureKind.COUNT_DISTINCT) or (
                measure.kind is MeasureKind.SHARE and measure.column is None):
            values.append(int(raw or 0))
        elif measure.money:
            values.append(raw if raw is not None else Decimal("0.00"))
        else:
            values.append(Decimal(raw) if raw is not None else Decimal(0))
    return values


def run_pivot(base: OpenedBase, definition: ReportDefinition, query: PivotQuery, *,
              canceller: Canceller | None = None) -> PivotResult:
    """The pivot table of ``query`` over ``definition``, with every subtotal and the grand
    total; shares are % of their column's total. Raises :class:`ReportError` with a
    Russian message for a query that cannot be built, :class:`ReportCancelled`."""
    plan = _plan(definition, query)
    twin = _summary_twin(base, definition, query, plan)
    # Over a summary the counts are sums of pre-counted columns; the cells are read
    # with the report's own measures (a count stays an integer).
    sql_definition, sql_plan = twin or (definition, plan)
    statement = _statement(base, sql_definition, query, sql_plan)
    rows = _execute(base, statement, canceller, limit=MAX_GROUPS + 1)
    if len(rows) > MAX_GROUPS:
        raise ReportError(
            f"Отчёт слишком подробный: больше {MAX_GROUPS:,} строк итогов.".replace(",", "\u00a0")
            + " Уберите измерение, сузьте период или задайте отбор.")
    dims = plan.rows + plan.columns
    n_rows, n_dims = len(plan.rows), len(dims)
    row_labels: dict[tuple[int, Any], str] = {}
    column_labels: dict[tuple[int, Any], str] = {}
    row_keys: set[Key] = set()
    column_keys: set[Key] = set()
    cells: dict[tuple[Key, Key], list[Any]] = {}
    for row in rows:
        mapping = row._mapping
        g = int(mapping["g"])
        grouped = [i for i in range(n_dims) if not g & (1 << (n_dims - 1 - i))]
        r_level = sum(1 for i in grouped if i < n_rows)
        c_level = len(grouped) - r_level
        values = [mapping[f"k{i}"] for i in range(n_dims)]
        for i in grouped:
            label = _value_label(dims[i], values[i], mapping[f"l{i}"] if dims[i].label else None,
                                 query.grouping)
            if i < n_rows:
                row_labels.setdefault((i, values[i]), label)
            else:
                column_labels.setdefault((i - n_rows, values[i]), label)
        row_key = tuple(values[:r_level])
        column_key = tuple(values[n_rows:n_rows + c_level])
        row_keys.add(row_key)
        column_keys.add(column_key)
        cells[(row_key, column_key)] = _cell_values(plan, row)
    _apply_shares(plan, cells)
    # An empty source still has a grand total row of zeros: show «no data» instead.
    if len(cells) == 1 and ((), ()) in cells and n_dims and not any(
            v for v in cells[((), ())]):
        cells, row_keys, column_keys = {}, set(), set()
    return PivotResult(
        definition, query, plan.rows, plan.columns, plan.measures,
        _headers(plan.rows, row_keys, row_labels),
        _headers(plan.columns, column_keys, column_labels),
        {key: tuple(values) for key, values in cells.items()},
        from_summary=twin is not None,
    )


def _apply_shares(plan: _Plan, cells: dict[tuple[Key, Key], list[Any]]) -> None:
    for i, measure in enumerate(plan.measures):
        if measure.kind is not MeasureKind.SHARE:
            continue
        # The column totals are read before any cell (the totals themselves included)
        # is turned into a share.
        wholes = {column_key: values[i] for (row_key, column_key), values in cells.items()
                  if row_key == ()}
        for (_row_key, column_key), values in cells.items():
            whole = wholes.get(column_key)
            values[i] = (Decimal(values[i]) * _HUNDRED / Decimal(whole)).quantize(
                Decimal("0.1")) if whole else None


# ---------------------------------------------------------------------------
# Drill-down
# ---------------------------------------------------------------------------


def drill_down(base: OpenedBase, definition: ReportDefinition, query: PivotQuery,
               row_key: Key, column_key: Key, *, measure_key: str | None = None,
               limit: int = DRILL_LIMIT, canceller: Canceller | None = None) -> DrillResult:
    """The source rows behind one cell (its row and column keys as in the result), only
    those the measure counts when it has a condition; at most ``limit`` rows."""
    plan = _plan(definition, query)
    if len(row_key) > len(plan.rows) or len(column_key) > len(plan.columns):
        raise ReportError("Ячейка не из этого отчёта.")
    dialect = base.dialect
    src = definition.source(_params(base, query)).subquery("src")
    where = _filtered(definition, query, src, dialect)
    pairs = list(zip(plan.rows, row_key, strict=False)) + list(
        zip(plan.columns, column_key, strict=False))
    for dimension, value in pairs:
        expr = _key_expression(dimension, src, query.grouping, dialect)
        where.append(expr.is_(None) if value is None else expr == value)
    if measure_key is not None:
        measure = definition.measure(measure_key)
        if measure.condition:
            where.append(src.c[measure.condition] == True)  # noqa: E712 - SQL comparison
    columns = definition.drill_columns
    selected = [src.c[c.column] for c in columns] + [src.c[definition.entity_column]]
    statement = select(*selected).where(*where)
    if definition.period_dimension:
        period_column = src.c[definition.dimension(definition.period_dimension).column]
        statement = statement.order_by(period_column.desc())
    rows = _execute(base, statement.limit(limit + 1), canceller)
    truncated = len(rows) > limit
    rows = rows[:limit]
    return DrillResult(
        definition.entity, columns,
        [tuple(r[:len(columns)]) for r in rows],
        [r[len(columns)] for r in rows],
        truncated,
    )
