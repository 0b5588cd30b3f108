"""Pivot reports of the competitors area: «Конкуренты (OLAP)», «Доли рынка конкурентов»
and «Столкновения/Пересечения» (sources in services/competitors/reports.py).

Inefficiency ratio («Коэффициент неэффективности, %») = lost / (lost + eliminated) × 100:
of the documents closed in a cell, the share closed because the client went over to the
competitor (the AVG of a column that is 100 for lost, 0 for eliminated, empty if open).
"""

from __future__ import annotations

from typing import Any

from vostok_desktop.domain.competitors import (
    ENCOUNTER_TITLES,
    PRICE_LEVEL_TITLES,
    STAGE_KIND_TITLES,
)
from vostok_desktop.services.competitors.reports import documents_source, presence_source
from vostok_desktop.services.reports.pivot import (
    Dimension,
    DrillColumn,
    Measure,
    MeasureKind,
    ReportDefinition,
)

COUNT = MeasureKind.COUNT
SUM = MeasureKind.SUM
AVG = MeasureKind.AVG
DISTINCT = MeasureKind.COUNT_DISTINCT
SHARE = MeasureKind.SHARE
SECTION = "Конкуренты"


def _titles(mapping: dict[Any, str]) -> dict[Any, str]:
    return {**mapping, **{getattr(k, "value", k): v for k, v in mapping.items()}}


COMPETITOR = Dimension("competitor", "Конкурент", "competitor_id", label="competitor_name")
STAGE = Dimension("stage", "Стадия", "stage_id", label="stage_title")
STAGE_KIND = Dimension("stage_kind", "Смысл стадии", "stage_kind",
                       titles=_titles(STAGE_KIND_TITLES))
ENCOUNTER = Dimension("encounter", "Столкновение / пересечение", "encounter",
                      titles=_titles(ENCOUNTER_TITLES))
PRICE = Dimension("price_level", "Уровень цен конкурента", "price_level",
                  titles=_titles(PRICE_LEVEL_TITLES))
RESPONSIBLE = Dimension("responsible", "Ответственный", "responsible_id",
                        label="responsible_name")
CLIENT = Dimension("client", "Клиент", "client_id", label="client_name")
OPENED = Dimension("period", "Месяц появления", "opened_on", date=True)
CLOSED = Dimension("closed", "Месяц закрытия", "closed_on", date=True)
DRILL = (DrillColumn("opened_on", "Появился"), DrillColumn("client_name", "Клиент"),
         DrillColumn("competitor_name", "Конкурент"), DrillColumn("stage_title", "Стадия"),
         DrillColumn("closed_on", "Закрыт"),
         DrillColumn("monthly_value", "В месяц, ₽", money=True),
         DrillColumn("responsible_name", "Ответственный"))

COMPETITORS = ReportDefinition(
    key="competitors", title="Конкуренты (OLAP)", section=SECTION,
    description="Документы «Конкурент клиента» по конкурентам, стадиям и месяцам: "
                "сколько, на какую сумму в месяц, сколько рабочих мест у конкурента.",
    source=documents_source,
    dimensions=(COMPETITOR, STAGE, STAGE_KIND, OPENED, CLOSED, ENCOUNTER, PRICE,
                RESPONSIBLE, CLIENT),
    measures=(
        Measure("count", "Документов", COUNT, unit="шт"),
        Measure("value", "Стоимость в месяц, ₽", SUM, column="monthly_value", money=True,
                unit="₽"),
        Measure("avg_value", "Средняя стоимость в месяц, ₽", AVG, column="monthly_value",
                money=True, unit="₽"),
        Measure("open", "Открыто", COUNT, condition="open", unit="шт"),
        Measure("clients", "Клиентов", DISTINCT, column="client_id", unit="шт"),
        Measure("workplaces", "Рабочих мест у конкурента", SUM, column="workplaces",
                unit="шт"),
        Measure("kits", "Комплектов конкурента", SUM, column="kits", unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
    ),
    period_dimension="period",
    drill_columns=DRILL,
    default_rows=("competitor",), default_columns=("stage",),
    default_measures=("count", "value"),
)

SHARES = ReportDefinition(
    key="competitor_shares", title="Доли рынка конкурентов", section=SECTION,
    description="Доли конкурентов по месяцам среди клиентов, у которых они есть: "
                "количественная (документы), стоимостная (стоимость в месяц) и "
                "потенциальная (рабочие места в комплектах конкурента). Клиент считается "
                "у конкурента с месяца появления до месяца, когда конкурент устранён; "
                "ушедший к конкуренту остаётся у него. Доля — от итога столбца.",
    source=presence_source,
    dimensions=(COMPETITOR, Dimension("month", "Месяц", "month", date=True), PRICE,
                ENCOUNTER, STAGE_KIND, RESPONSIBLE, CLIENT),
    measures=(
        Measure("count", "Клиентов у конкурента", COUNT, unit="шт"),
        Measure("count_share", "Доля по количеству, %", SHARE, unit="%"),
        Measure("value", "Стоимость в месяц, ₽", SUM, column="monthly_value", money=True,
                unit="₽"),
        Measure("value_share", "Доля по стоимости, %", SHARE, column="monthly_value",
                unit="%"),
        Measure("workplaces", "Рабочих мест", SUM, column="workplaces", unit="шт"),
        Measure("potential_share", "Доля по потенциалу, %", SHARE, column="workplaces",
                unit="%"),
    ),
    period_dimension="month",
    drill_columns=(DrillColumn("month", "Месяц"), *DRILL),
    default_rows=("competitor",), default_columns=("month",),
    default_measures=("count_share", "value_share", "potential_share"),
)

CLASHES = ReportDefinition(
    key="competitor_clashes", title="Столкновения/Пересечения", section=SECTION,
    description="Столкновения (конкурент у обслуживаемого клиента) и пересечения (у "
                "потенциального) по месяцам появления: сколько устранено, сколько клиентов "
                "ушло к конкуренту, коэффициент неэффективности = ушли / (ушли + "
                "устранены) × 100 %, сколько клиентов с тех пор отключились.",
    source=documents_source,
    dimensions=(OPENED, CLOSED, COMPETITOR, ENCOUNTER, STAGE, RESPONSIBLE, CLIENT),
    measures=(
        Measure("count", "Всего", COUNT, unit="шт"),
        Measure("clashes", "Столкновений", COUNT, condition="is_clash", unit="шт"),
        Measure("overlaps", "Пересечений", COUNT, condition="is_overlap", unit="шт"),
        Measure("eliminated", "Конкурент устранён", COUNT, condition="eliminated",
                unit="шт"),
        Measure("lost", "Клиент ушёл к конкуренту", COUNT, condition="lost", unit="шт"),
        Measure("open", "Не закрыто", COUNT, condition="open", unit="шт"),
        Measure("inefficiency", "Коэффициент неэффективности, %", AVG, column="lost_pct",
                unit="%"),
        Measure("lost_clients", "Клиентов потеряно", DISTINCT, column="client_id",
                condition="lost", unit="шт"),
        Measure("disconnected", "Клиентов отключилось", DISTINCT, column="client_id",
                condition="client_disconnected", unit="шт"),
    ),
    period_dimension="period",
    drill_columns=DRILL,
    default_rows=("period",), default_columns=("encounter",),
    default_measures=("count", "eliminated", "lost", "inefficiency"),
)

REPORTS: tuple[ReportDefinition, ...] = (COMPETITORS, SHARES, CLASHES)
