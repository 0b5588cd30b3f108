"""The built-in report definitions: a source ``SELECT`` each, its dimensions and measures.

Sources select plain labelled columns; conditions of measures are boolean columns of the
source («done», «overdue»). Every source reads through the user's own connection, so a
limited login's report counts only the rows it may see.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased

from vostok_desktop.domain import Client, Department, Direction, Employee
from vostok_desktop.domain.distributives import (
    DISTRIBUTIVE_STATUS_TITLES,
    MOVEMENT_KIND_TITLES,
    SYSTEM_KIND_TITLES,
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
    MovementKind,
    ProductSystem,
)
from vostok_desktop.domain.hotline import (
    CHANNEL_TITLES,
    LINE_TITLES,
    STATUS_TITLES,
    HotlineRequest,
    HotlineRequestType,
    RequestStatus,
)
from vostok_desktop.domain.money import PAYMENT_KIND_TITLES, Company, Payment
from vostok_desktop.domain.work import (
    ACTION_ITEM_KIND_TITLES,
    ACTION_ITEM_STATE_TITLES,
    ASSIGNMENT_STATE_TITLES,
    WORK_KIND_TITLES,
    ActionItem,
    ActionItemState,
    Assignment,
    AssignmentKind,
    AssignmentState,
    WorkRecord,
)
from vostok_desktop.services.money.debt import invoice_rests
from vostok_desktop.services.reports.pivot import (
    Dimension,
    DrillColumn,
    Measure,
    MeasureKind,
    ReportDefinition,
    SourceParams,
    Summary,
)
from vostok_desktop.services.reports.summary import (
    ALL_KINDS,
    WORK_CLIENT_SUMMARY,
    WORK_RECORD_SUMMARY,
    client_summary_usable,
    works_summary_usable,
)

COUNT = MeasureKind.COUNT
SUM = MeasureKind.SUM
AVG = MeasureKind.AVG
DISTINCT = MeasureKind.COUNT_DISTINCT
SHARE = MeasureKind.SHARE

YES_NO = {True: "да", False: "нет"}  # 1 and 0 (SQLite) hash the same


def _titles(mapping: dict[Any, str]) -> dict[Any, str]:
    """Enum titles keyed by the stored text as well (a source hands back plain strings)."""
    return {**mapping, **{getattr(k, "value", k): v for k, v in mapping.items()}}


def _employee_columns(employee_id: Any, prefix: str = "employee") -> tuple[Any, list[Any]]:
    """Joins and columns for an employee and their department."""
    person = aliased(Employee, name=f"{prefix}_e")
    department = aliased(Department, name=f"{prefix}_d")
    columns = [
        employee_id.label(f"{prefix}_id"), person.full_name.label(f"{prefix}_name"),
        person.department_id.label(f"{prefix}_department_id"),
        department.name.label(f"{prefix}_department_name"),
    ]
    return (person, department), columns


def _join_employee(stmt: Select[Any], joins: tuple[Any, Any], employee_id: Any) -> Select[Any]:
    person, department = joins
    return (stmt.outerjoin(person, person.id == employee_id)
            .outerjoin(department, department.id == person.department_id))


def _employee_names() -> Select[Any]:
    return select(Employee.id.label("key"), Employee.full_name.label("label"))


def _department_names() -> Select[Any]:
    return select(Department.id.label("key"), Department.name.label("label"))


def _employee_dimensions(prefix: str = "employee", title: str = "Сотрудник",
                         department_title: str = "Отдел") -> tuple[Dimension, Dimension]:
    # The names are looked up for the groups found, not grouped with every source row.
    return (Dimension(prefix, title, f"{prefix}_id", label=f"{prefix}_name",
                      lookup=_employee_names),
            Dimension(f"{prefix}_department", department_title, f"{prefix}_department_id",
                      label=f"{prefix}_department_name", lookup=_department_names))


CLIENT = Dimension("client", "Клиент", "client_id", label="client_name")


def _now() -> datetime:
    return datetime.now(UTC)


# -- Контакты с клиентами ------------------------------------------------------------


def _contacts_source(params: SourceParams) -> Select[Any]:
    joins, employee = _employee_columns(WorkRecord.employee_id)
    stmt = (select(WorkRecord.id.label("id"), WorkRecord.starts_at.label("starts_at"),
                   WorkRecord.kind.label("kind"), WorkRecord.done.label("done"),
                   WorkRecord.incoming.label("incoming"),
                   WorkRecord.duration_min.label("duration_min"),
                   WorkRecord.subject.label("subject"),
                   WorkRecord.direction_id.label("direction_id"),
                   Direction.name.label("direction_name"),
                   WorkRecord.client_id.label("client_id"),
                   Client.short_name.label("client_name"), *employee)
            .join(Client, Client.id == WorkRecord.client_id)
            .outerjoin(Direction, Direction.id == WorkRecord.direction_id))
    return _join_employee(stmt, joins, WorkRecord.employee_id)


def _contacts_summary_source(params: SourceParams, used: frozenset[str]) -> Select[Any]:
    """The works pre-counted by the server (migration 0023), labelled as the source: the
    lines per kind when the query shows or filters kinds, else those of all kinds."""
    summary = WORK_RECORD_SUMMARY.c
    joins, employee = _employee_columns(summary.employee_id)
    stmt = (select(summary.month.label("month"), summary.kind.label("kind"),
                   summary.works.label("works"), summary.done.label("done_works"),
                   summary.minutes.label("minutes"), *employee)
            .select_from(WORK_RECORD_SUMMARY)
            .where(summary.kind != ALL_KINDS if "kind" in used else summary.kind == ALL_KINDS))
    return _join_employee(stmt, joins, summary.employee_id)


def _contacts_client_summary_source(params: SourceParams, used: frozenset[str]) -> Select[Any]:
    """The clients each employee worked with each month (migration 0025), labelled as the
    source: a line per (employee, month, client) with its number of works."""
    lines = WORK_CLIENT_SUMMARY.c
    joins, employee = _employee_columns(lines.employee_id)
    stmt = (select(lines.month.label("month"), lines.client_id.label("client_id"),
                   lines.works.label("works"), *employee)
            .select_from(WORK_CLIENT_SUMMARY))
    return _join_employee(stmt, joins, lines.employee_id)


CLIENT_CONTACTS = ReportDefinition(
    key="client_contacts", employee_dimension="employee", title="Контакты с клиентами", section="Работа с клиентами",
    description="Звонки, встречи, визиты и письма сотрудников по клиентам за период.",
    source=_contacts_source,
    dimensions=(
        *_employee_dimensions(),
        Dimension("period", "Период", "starts_at", date=True, timestamp=True),
        Dimension("kind", "Вид контакта", "kind", titles=_titles(WORK_KIND_TITLES)),
        Dimension("direction", "Направление", "direction_id", label="direction_name"),
        Dimension("done", "Выполнено", "done", titles=YES_NO),
        Dimension("incoming", "Входящий", "incoming", titles=YES_NO),
        CLIENT,
    ),
    measures=(
        Measure("count", "Контактов", COUNT, unit="шт"),
        Measure("done", "Выполнено", COUNT, condition="done", unit="шт"),
        Measure("minutes", "Минут", SUM, column="duration_min", unit="мин"),
        Measure("clients", "Клиентов", DISTINCT, column="client_id", unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
    ),
    period_dimension="period",
    drill_columns=(DrillColumn("starts_at", "Когда"), DrillColumn("client_name", "Клиент"),
                   DrillColumn("employee_name", "Сотрудник"), DrillColumn("kind", "Вид"),
                   DrillColumn("subject", "Тема")),
    default_rows=("employee",), default_columns=("period",), default_measures=("count",),
    summaries=(
        Summary(_contacts_summary_source,
                dimensions=("employee", "employee_department", "period", "kind"),
                measures={"count": "works", "done": "done_works", "minutes": "minutes",
                          "share": "works"},
                period_column="month", usable=works_summary_usable),
        Summary(_contacts_client_summary_source,
                dimensions=("employee", "employee_department", "period"),
                measures={"count": "works", "share": "works"}, distinct={"clients": "client_id"},
                period_column="month", usable=client_summary_usable),
    ),
)


# -- Поручения ---------------------------------------------------------------------------


def _assignment_columns() -> list[Any]:
    now = _now()
    open_states = (AssignmentState.NEW, AssignmentState.IN_WORK)
    overdue = or_(
        and_(Assignment.state.in_(open_states), Assignment.deadline < now),
        and_(Assignment.state == AssignmentState.DONE, Assignment.closed_at > Assignment.deadline),
    )
    return [
        Assignment.id.label("id"), Assignment.created_at.label("created_at"),
        Assignment.deadline.label("deadline"), Assignment.state.label("state"),
        (Assignment.state == AssignmentState.DONE).label("done"),
        Assignment.state.in_(open_states).label("open"),
        and_(Assignment.deadline.is_not(None), overdue).label("overdue"),
        Assignment.kind_id.label("kind_id"), AssignmentKind.name.label("kind_name"),
        Assignment.text.label("text"),
        Assignment.client_id.label("client_id"), Client.short_name.label("client_name"),
    ]


def _assignments_source(params: SourceParams) -> Select[Any]:
    joins, executor = _employee_columns(Assignment.executor_id, "executor")
    author = aliased(Employee, name="author_e")
    stmt = (select(*_assignment_columns(), *executor,
                   Assignment.author_id.label("author_id"), author.full_name.label("author_name"))
            .join(Client, Client.id == Assignment.client_id)
            .outerjoin(AssignmentKind, AssignmentKind.id == Assignment.kind_id)
            .outerjoin(author, author.id == Assignment.author_id))
    return _join_employee(stmt, joins, Assignment.executor_id)


ASSIGNMENTS = ReportDefinition(
    key="assignments", employee_dimension="executor", title="Поручения", section="Работа с клиентами",
    description="Поручения по исполнителям, авторам, видам и состояниям; просроченные.",
    source=_assignments_source,
    dimensions=(
        *_employee_dimensions("executor", "Исполнитель", "Отдел исполнителя"),
        Dimension("author", "Автор", "author_id", label="author_name"),
        Dimension("period", "Дата поручения", "created_at", date=True, timestamp=True),
        Dimension("state", "Состояние", "state", titles=_titles(ASSIGNMENT_STATE_TITLES)),
        Dimension("kind", "Вид поручения", "kind_id", label="kind_name"),
        CLIENT,
    ),
    measures=(
        Measure("count", "Поручений", COUNT, unit="шт"),
        Measure("done", "Выполнено", COUNT, condition="done", unit="шт"),
        Measure("open", "Не выполнено", COUNT, condition="open", unit="шт"),
        Measure("overdue", "Просрочено", COUNT, condition="overdue", unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
    ),
    period_dimension="period",
    drill_columns=(DrillColumn("created_at", "Дата"), DrillColumn("client_name", "Клиент"),
                   DrillColumn("executor_name", "Исполнитель"), DrillColumn("state", "Состояние"),
                   DrillColumn("text", "Текст")),
    default_rows=("executor",), default_columns=("state",), default_measures=("count",),
)


# -- Воронка продаж (по поручениям, пока нет лидов) --------------------------------------


SALES_FUNNEL = ReportDefinition(
    key="sales_funnel", employee_dimension="executor", title="Воронка продаж (по поручениям)", section="Продажи",
    description="Сколько поручений на каждой стадии: новое → в работе → выполнено; "
                "отменённые отдельно. Доля — от всех поручений столбца.",
    source=_assignments_source,
    dimensions=(
        Dimension("state", "Стадия", "state", titles=_titles(ASSIGNMENT_STATE_TITLES)),
        Dimension("kind", "Вид поручения", "kind_id", label="kind_name"),
        *_employee_dimensions("executor", "Исполнитель", "Отдел исполнителя"),
        Dimension("period", "Дата поручения", "created_at", date=True, timestamp=True),
    ),
    measures=(
        Measure("count", "Поручений", COUNT, unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
        Measure("clients", "Клиентов", DISTINCT, column="client_id", unit="шт"),
    ),
    period_dimension="period",
    drill_columns=ASSIGNMENTS.drill_columns,
    default_rows=("state",), default_measures=("count", "share"),
)


# -- ПРиЗ ----------------------------------------------------------------------------------


def _action_items_source(params: SourceParams) -> Select[Any]:
    joins, author = _employee_columns(ActionItem.author_id, "author")
    stmt = (select(ActionItem.id.label("id"), ActionItem.created_at.label("created_at"),
                   ActionItem.kind.label("kind"), ActionItem.state.label("state"),
                   (ActionItem.state == ActionItemState.OPEN).label("open"),
                   ActionItem.text.label("text"),
                   ActionItem.client_id.label("client_id"),
                   Client.short_name.label("client_name"), *author)
            .join(Client, Client.id == ActionItem.client_id))
    return _join_employee(stmt, joins, ActionItem.author_id)


ACTION_ITEMS = ReportDefinition(
    key="action_items", employee_dimension="author", title="ПРиЗ", section="Работа с клиентами",
    description="Проблемы, рекомендации и задания у клиентов: по видам, состояниям, авторам.",
    source=_action_items_source,
    dimensions=(
        Dimension("kind", "Вид", "kind", titles=_titles(ACTION_ITEM_KIND_TITLES)),
        Dimension("state", "Состояние", "state", titles=_titles(ACTION_ITEM_STATE_TITLES)),
        *_employee_dimensions("author", "Автор", "Отдел автора"),
        Dimension("period", "Дата", "created_at", date=True, timestamp=True),
        CLIENT,
    ),
    measures=(
        Measure("count", "ПРиЗ", COUNT, unit="шт"),
        Measure("open", "Открыто", COUNT, condition="open", unit="шт"),
        Measure("clients", "Клиентов", DISTINCT, column="client_id", unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
    ),
    period_dimension="period",
    drill_columns=(DrillColumn("created_at", "Дата"), DrillColumn("client_name", "Клиент"),
                   DrillColumn("kind", "Вид"), DrillColumn("state", "Состояние"),
                   DrillColumn("text", "Текст")),
    default_rows=("kind",), default_columns=("state",), default_measures=("count",),
)


# -- Горячая линия и сроки ответа -----------------------------------------------------------


def _minutes_between(start: Any, end: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return func.extract("epoch", end - start) / 60
    return (func.julianday(end) - func.julianday(start)) * 1440


def _hotline_source(params: SourceParams) -> Select[Any]:
    joins, operator = _employee_columns(HotlineRequest.operator_id, "operator")
    answered = HotlineRequest.answered_at.is_not(None)
    late = or_(HotlineRequest.answered_at > HotlineRequest.deadline_at,
               and_(HotlineRequest.answered_at.is_(None),
                    HotlineRequest.status.not_in((RequestStatus.CANCELLED, RequestStatus.CLOSED)),
                    HotlineRequest.deadline_at < _now()))
    minutes = case((answered, _minutes_between(HotlineRequest.received_at,
                                               HotlineRequest.answered_at, params.dialect)))
    stmt = (select(HotlineRequest.id.label("id"),
                   HotlineRequest.received_at.label("received_at"),
                   HotlineRequest.line.label("line"), HotlineRequest.channel.label("channel"),
                   HotlineRequest.status.label("status"),
                   HotlineRequest.type_id.label("type_id"),
                   HotlineRequestType.name.label("type_name"),
                   answered.label("answered"), late.label("late"),
                   cast(minutes, Integer).label("answer_minutes"),
                   HotlineRequest.text.label("text"),
                   HotlineRequest.client_id.label("client_id"),
                   Client.short_name.label("client_name"), *operator)
            .join(HotlineRequestType, HotlineRequestType.id == HotlineRequest.type_id)
            .outerjoin(Client, Client.id == HotlineRequest.client_id))
    return _join_employee(stmt, joins, HotlineRequest.operator_id)


_HOTLINE_DIMENSIONS = (
    Dimension("line", "Линия", "line", titles=_titles(LINE_TITLES)),
    Dimension("type", "Тип обращения", "type_id", label="type_name"),
    Dimension("channel", "Канал", "channel", titles=_titles(CHANNEL_TITLES)),
    Dimension("status", "Состояние", "status", titles=_titles(STATUS_TITLES)),
    *_employee_dimensions("operator", "Оператор", "Отдел оператора"),
    Dimension("period", "Дата обращения", "received_at", date=True, timestamp=True),
    CLIENT,
)
_HOTLINE_DRILL = (DrillColumn("received_at", "Поступило"), DrillColumn("client_name", "Клиент"),
                  DrillColumn("type_name", "Тип"), DrillColumn("status", "Состояние"),
                  DrillColumn("answer_minutes", "Ответ, мин"), DrillColumn("text", "Вопрос"))

HOTLINE = ReportDefinition(
    key="hotline", employee_dimension="operator", title="Горячая линия", section="Горячая линия",
    description="Обращения на горячую линию и линию консультаций по типам, каналам, операторам.",
    source=_hotline_source, dimensions=_HOTLINE_DIMENSIONS,
    measures=(
        Measure("count", "Обращений", COUNT, unit="шт"),
        Measure("answered", "Отвечено", COUNT, condition="answered", unit="шт"),
        Measure("clients", "Клиентов", DISTINCT, column="client_id", unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
    ),
    period_dimension="period",
    drill_columns=_HOTLINE_DRILL,
    default_rows=("type",), default_columns=("period",), default_measures=("count",),
)

ANSWER_TIMES = ReportDefinition(
    key="answer_times", employee_dimension="operator", title="Сроки ответа", section="Горячая линия",
    description="Среднее время ответа в минутах и обращения, отвеченные позже срока "
                "(или не отвеченные, когда срок прошёл).",
    source=_hotline_source, dimensions=_HOTLINE_DIMENSIONS,
    measures=(
        Measure("count", "Обращений", COUNT, unit="шт"),
        Measure("avg_minutes", "Среднее время ответа, мин", AVG, column="answer_minutes",
                unit="мин"),
        Measure("late", "С нарушением срока", COUNT, condition="late", unit="шт"),
    ),
    period_dimension="period",
    drill_columns=_HOTLINE_DRILL,
    default_rows=("operator",), default_measures=("count", "avg_minutes", "late"),
)


# -- Дистрибутивы ---------------------------------------------------------------------------


def _client_distributives_source(params: SourceParams) -> Select[Any]:
    joins, engineer = _employee_columns(Distributive.engineer_id, "engineer")
    stmt = (select(Distributive.id.label("id"), Distributive.number.label("number"),
                   Distributive.status.label("status"), Distributive.kind.label("kind"),
                   Distributive.system_id.label("system_id"),
                   ProductSystem.title.label("system_name"),
                   Distributive.network_size.label("network_size"),
                   Distributive.status_since.label("status_since"),
                   (Distributive.status == DistributiveStatus.SERVED).label("served"),
                   Distributive.client_id.label("client_id"),
                   Client.short_name.label("client_name"), *engineer)
            .join(ProductSystem, ProductSystem.id == Distributive.system_id)
            .join(Client, Client.id == Distributive.client_id))
    return _join_employee(stmt, joins, Distributive.engineer_id)


CLIENT_DISTRIBUTIVES = ReportDefinition(
    key="client_distributives", employee_dimension="engineer", title="Дистрибутивы клиентов", section="Дистрибутивы",
    description="Дистрибутивы у клиентов по системам, типам, статусам и инженерам.",
    source=_client_distributives_source,
    dimensions=(
        Dimension("system", "Система", "system_id", label="system_name"),
        Dimension("kind", "Тип", "kind", titles=_titles(SYSTEM_KIND_TITLES)),
        Dimension("status", "Статус", "status", titles=_titles(DISTRIBUTIVE_STATUS_TITLES)),
        *_employee_dimensions("engineer", "Инженер", "Отдел инженера"),
        Dimension("status_since", "Статус с", "status_since", date=True),
        CLIENT,
    ),
    measures=(
        Measure("count", "Дистрибутивов", COUNT, unit="шт"),
        Measure("served", "На обслуживании", COUNT, condition="served", unit="шт"),
        Measure("seats", "Рабочих мест", SUM, column="network_size", unit="шт"),
        Measure("clients", "Клиентов", DISTINCT, column="client_id", unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
    ),
    drill_columns=(DrillColumn("number", "Номер"), DrillColumn("system_name", "Система"),
                   DrillColumn("client_name", "Клиент"), DrillColumn("status", "Статус")),
    default_rows=("system",), default_columns=("status",), default_measures=("count",),
)


def _movements_source(params: SourceParams) -> Select[Any]:
    joins, employee = _employee_columns(DistributiveMovement.employee_id)
    client_id = func.coalesce(DistributiveMovement.to_client_id,
                              DistributiveMovement.from_client_id)
    delta = case((DistributiveMovement.kind == MovementKind.CONNECT, 1),
                 (DistributiveMovement.kind == MovementKind.DISCONNECT, -1), else_=0)
    stmt = (select(DistributiveMovement.id.label("id"),
                   DistributiveMovement.moved_on.label("moved_on"),
                   DistributiveMovement.kind.label("kind"),
                   DistributiveMovement.status_after.label("status_after"),
                   (DistributiveMovement.kind == MovementKind.CONNECT).label("connected"),
                   (DistributiveMovement.kind == MovementKind.DISCONNECT).label("disconnected"),
                   delta.label("delta"),
                   DistributiveMovement.distributive_id.label("distributive_id"),
                   Distributive.number.label("number"),
                   Distributive.system_id.label("system_id"),
                   ProductSystem.title.label("system_name"),
                   client_id.label("client_id"), Client.short_name.label("client_name"),
                   *employee)
            .join(Distributive, Distributive.id == DistributiveMovement.distributive_id)
            .join(ProductSystem, ProductSystem.id == Distributive.system_id)
            .outerjoin(Client, Client.id == client_id))
    return _join_employee(stmt, joins, DistributiveMovement.employee_id)


_MOVEMENT_DIMENSIONS = (
    Dimension("kind", "Операция", "kind", titles=_titles(MOVEMENT_KIND_TITLES)),
    Dimension("system", "Система", "system_id", label="system_name"),
    *_employee_dimensions(),
    Dimension("period", "Дата", "moved_on", date=True),
    CLIENT,
)
_MOVEMENT_DRILL = (DrillColumn("moved_on", "Дата"), DrillColumn("number", "Дистрибутив"),
                   DrillColumn("system_name", "Система"), DrillColumn("kind", "Операция"),
                   DrillColumn("client_name", "Клиент"))

DISTRIBUTIVE_MOVEMENTS = ReportDefinition(
    key="distributive_movements", employee_dimension="employee", title="Движение дистрибутивов", section="Дистрибутивы",
    description="Подключения, отключения, передачи и замены дистрибутивов за период.",
    source=_movements_source, dimensions=_MOVEMENT_DIMENSIONS,
    measures=(
        Measure("count", "Операций", COUNT, unit="шт"),
        Measure("distributives", "Дистрибутивов", DISTINCT, column="distributive_id", unit="шт"),
        Measure("share", "Доля, %", SHARE, unit="%"),
    ),
    period_dimension="period", entity_column="client_id", drill_columns=_MOVEMENT_DRILL,
    default_rows=("kind",), default_columns=("period",), default_measures=("count",),
)

DISTRIBUTIVE_BALANCE = ReportDefinition(
    key="distributive_balance", employee_dimension="employee", title="Баланс дистрибутивов", section="Дистрибутивы",
    description="Подключено, отключено и их разность (баланс) по периодам и системам.",
    source=_movements_source, dimensions=_MOVEMENT_DIMENSIONS,
    measures=(
        Measure("connected", "Подключено", COUNT, condition="connected", unit="шт"),
        Measure("disconnected", "Отключено", COUNT, condition="disconnected", unit="шт"),
        Measure("balance", "Баланс", SUM, column="delta", unit="шт"),
    ),
    period_dimension="period", entity_column="client_id", drill_columns=_MOVEMENT_DRILL,
    default_rows=("period",), default_measures=("connected", "disconnected", "balance"),
)


# -- Деньги -----------------------------------------------------------------------------------


def _payments_source(params: SourceParams) -> Select[Any]:
    return (select(Payment.id.label("id"), Payment.paid_on.label("paid_on"),
                   Payment.kind.label("kind"), Payment.amount.label("amount"),
                   Payment.purpose.label("purpose"), Payment.payer_name.label("payer_name"),
                   Payment.company_id.label("company_id"), Company.name.label("company_name"),
                   Payment.client_id.label("client_id"),
                   Client.short_name.label("client_name"))
            .outerjoin(Company, Company.id == Payment.company_id)
            .outerjoin(Client, Client.id == Payment.client_id))


MONEY_RECEIVED = ReportDefinition(
    key="money_received", title="Поступление денег", section="Деньги",
    description="Платежи за период по дням, месяцам, видам оплаты, фирмам и клиентам.",
    source=_payments_source,
    dimensions=(
        Dimension("period", "Дата оплаты", "paid_on", date=True),
        Dimension("kind", "Вид оплаты", "kind", titles=_titles(PAYMENT_KIND_TITLES)),
        Dimension("company", "Фирма", "company_id", label="company_name"),
        CLIENT,
    ),
    measures=(
        Measure("amount", "Сумма, ₽", SUM, column="amount", money=True, unit="₽"),
        Measure("count", "Платежей", COUNT, unit="шт"),
        Measure("avg_amount", "Средний платёж, ₽", AVG, column="amount", money=True, unit="₽"),
        Measure("clients", "Клиентов", DISTINCT, column="client_id", unit="шт"),
        Measure("share", "Доля суммы, %", SHARE, column="amount", money=True, unit="%"),
    ),
    period_dimension="period",
    drill_columns=(DrillColumn("paid_on", "Дата"), DrillColumn("client_name", "Клиент"),
                   DrillColumn("payer_name", "Плательщик"),
                   DrillColumn("amount", "Сумма", money=True), DrillColumn("purpose", "Назначение")),
    default_rows=("period",), default_columns=("kind",), default_measures=("amount",),
)


def _receivables_source(params: SourceParams) -> Select[Any]:
    on = params.period[1] if params.period else params.today
    rests = invoice_rests(on).subquery("rests")
    if params.dialect == "postgresql":
        days = literal(on) - rests.c.due_on
    else:
        days = cast(func.julianday(literal(on.isoformat())) - func.julianday(rests.c.due_on),
                    Integer)
    bucket = case((rests.c.due_on.is_(None), "0"), (days <= 0, "0"), (days <= 30, "1"),
                  (days <= 60, "2"), (days <= 90, "3"), else_="4")
    return (select(rests.c.client_id.label("client_id"), Client.short_name.label("client_name"),
                   rests.c.direction_id.label("direction_id"),
                   Direction.name.label("direction_name"), rests.c.due_on.label("due_on"),
                   rests.c.rest.label("rest"), bucket.label("ageing"),
                   (bucket != "0").label("overdue"), (rests.c.rest > 0).label("unpaid"))
            .join(Client, Client.id == rests.c.client_id)
            .outerjoin(Direction, Direction.id == rests.c.direction_id)
            # A storno's negative rest cancels its invoice's: both are kept.
            .where(rests.c.rest != 0))


AGEING_TITLES = {"0": "Не просрочено", "1": "1–30 дн.", "2": "31–60 дн.", "3": "61–90 дн.",
                 "4": "> 90 дн."}

RECEIVABLES = ReportDefinition(
    key="receivables", title="Дебиторская задолженность", section="Деньги",
    description="Неоплаченные остатки счетов на конец периода (или на сегодня): по клиентам, "
                "направлениям и срокам просрочки.",
    source=_receivables_source,
    dimensions=(
        Dimension("ageing", "Просрочка", "ageing", titles=AGEING_TITLES),
        Dimension("direction", "Направление", "direction_id", label="direction_name"),
        CLIENT,
    ),
    measures=(
        Measure("debt", "Долг, ₽", SUM, column="rest", money=True, unit="₽"),
        Measure("overdue_debt", "Просрочено, ₽", SUM, column="rest", condition="overdue",
                money=True, unit="₽"),
        Measure("invoices", "Неоплаченных счетов", COUNT, condition="unpaid", unit="шт"),
        Measure("clients", "Клиентов", DISTINCT, column="client_id", unit="шт"),
        Measure("share", "Доля долга, %", SHARE, column="rest", money=True, unit="%"),
    ),
    drill_columns=(DrillColumn("client_name", "Клиент"), DrillColumn("due_on", "Оплатить до"),
                   DrillColumn("rest", "Остаток", money=True)),
    default_rows=("ageing",), default_measures=("debt", "invoices", "clients"), as_of=True,
)


# -- Ежедневник сотрудника ------------------------------------------------------------------


def _diary_source(params: SourceParams) -> Select[Any]:
    # Plain text, not the enumeration: the union adds «assignment» to the work kinds.
    works = (select(WorkRecord.starts_at.label("at"), literal("work").label("what"),
                    type_coerce(WorkRecord.kind, String(20)).label("kind"), WorkRecord.done.label("done"),
                    WorkRecord.duration_min.label("minutes"),
                    WorkRecord.subject.label("subject"),
                    WorkRecord.employee_id.label("employee_id"),
                    WorkRecord.client_id.label("client_id")))
    assignments = (select(func.coalesce(Assignment.deadline, Assignment.created_at).label("at"),
                          literal("assignment").label("what"),
                          literal("assignment").label("kind"),
                          (Assignment.state == AssignmentState.DONE).label("done"),
                          literal(0).label("minutes"), Assignment.text.label("subject"),
                          Assignment.executor_id.label("employee_id"),
                          Assignment.client_id.label("client_id")))
    both = union_all(works, assignments).subquery("diary")
    joins, employee = _employee_columns(both.c.employee_id)
    mark = case((both.c.done == True, "выполнено"), else_="")  # noqa: E712 - SQL
    stmt = (select(both.c.at, both.c.what, both.c.kind, both.c.done, mark.label("mark"),
                   both.c.minutes, both.c.subject, both.c.client_id,
                   Client.short_name.label("client_name"), *employee)
            .join(Client, Client.id == both.c.client_id))
    return _join_employee(stmt, joins, both.c.employee_id)


DIARY_KINDS = {**_titles(WORK_KIND_TITLES), "assignment": "Поручение"}

EMPLOYEE_DIARY = ReportDefinition(
    key="employee_diary", employee_dimension="employee", title="Ежедневник сотрудника", section="Работа с клиентами",
    description="Работы и поручения сотрудника по дням; «Печать ежедневника…» — документ "
                "Word по шаблону, таблицей — в Excel.",
    source=_diary_source,
    dimensions=(
        *_employee_dimensions(),
        Dimension("period", "День", "at", date=True, timestamp=True),
        Dimension("kind", "Что", "kind", titles=DIARY_KINDS),
        Dimension("done", "Выполнено", "done", titles=YES_NO),
        CLIENT,
    ),
    measures=(
        Measure("count", "Дел", COUNT, unit="шт"),
        Measure("done", "Выполнено", COUNT, condition="done", unit="шт"),
        Measure("minutes", "Минут", SUM, column="minutes", unit="мин"),
    ),
    period_dimension="period",
    drill_columns=(DrillColumn("at", "Когда"), DrillColumn("kind", "Что"),
                   DrillColumn("client_name", "Клиент"), DrillColumn("subject", "Тема"),
                   DrillColumn("mark", "Отметка")),
    default_rows=("employee", "period"), default_columns=("kind",), default_measures=("count",),
    printable=True,
)


BUILTIN_REPORTS: tuple[ReportDefinition, ...] = (
    CLIENT_CONTACTS, ASSIGNMENTS, ACTION_ITEMS, HOTLINE, ANSWER_TIMES, CLIENT_DISTRIBUTIVES,
    DISTRIBUTIVE_MOVEMENTS, DISTRIBUTIVE_BALANCE, MONEY_RECEIVED, RECEIVABLES, SALES_FUNNEL,
    EMPLOYEE_DIARY,
)
