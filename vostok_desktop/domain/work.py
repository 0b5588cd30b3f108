"""Organisation of work: ПРиЗ (action items), assignments, works, reminders.

ActionItem — ПРиЗ (problem / recommendation / task) at a client;
Assignment — поручение with executor, deadline and lifecycle;
WorkRecord — работа (call, meeting, visit, e-mail, letter), planned or done, with one
WorkActionLine per ПРиЗ it touched («велась работа» and a comment each);
Reminder — напоминание; AssignmentKind / DistributionPlan — automatic choice of the
executor (seeds/000 section 10); LoginMark — when an employee last came in (digest).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow


class ActionItemKind(enum.StrEnum):
    PROBLEM = "problem"
    RECOMMENDATION = "recommendation"
    TASK = "task"


ACTION_ITEM_KIND_TITLES: dict[ActionItemKind, str] = {
    ActionItemKind.PROBLEM: "Проблема",
    ActionItemKind.RECOMMENDATION: "Рекомендация",
    ActionItemKind.TASK: "Задание",
}


class ActionItemState(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DROPPED = "dropped"


ACTION_ITEM_STATE_TITLES: dict[ActionItemState, str] = {
    ActionItemState.OPEN: "Открыт",
    ActionItemState.RESOLVED: "Решён",
    ActionItemState.DROPPED: "Снят",
}


class AssignmentState(enum.StrEnum):
    NEW = "new"
    IN_WORK = "in_work"
    DONE = "done"
    CANCELLED = "cancelled"


ASSIGNMENT_STATE_TITLES: dict[AssignmentState, str] = {
    AssignmentState.NEW: "Новое",
    AssignmentState.IN_WORK: "В работе",
    AssignmentState.DONE: "Выполнено",
    AssignmentState.CANCELLED: "Отменено",
}

OPEN_ASSIGNMENT_STATES = (AssignmentState.NEW, AssignmentState.IN_WORK)


class WorkKind(enum.StrEnum):
    CALL = "call"
    MEETING = "meeting"
    VISIT = "visit"
    EMAIL = "email"
    LETTER = "letter"


WORK_KIND_TITLES: dict[WorkKind, str] = {
    WorkKind.CALL: "Звонок",
    WorkKind.MEETING: "Встреча",
    WorkKind.VISIT: "Визит",
    WorkKind.EMAIL: "E-mail",
    WorkKind.LETTER: "Письмо",
}


class Importance(enum.StrEnum):
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


IMPORTANCE_TITLES: dict[Importance, str] = {
    Importance.HIGH: "Важная (!)",
    Importance.NORMAL: "Обычная",
    Importance.LOW: "Малозначительная (↓)",
}


class ReminderState(enum.StrEnum):
    PENDING = "pending"
    FIRED = "fired"
    DISMISSED = "dismissed"


class ActionItem(Base):
    """ПРиЗ: a problem, recommendation or task at a client (optionally about a contact)."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_client_id_state", "client_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[ActionItemKind] = mapped_column(
        str_enum(ActionItemKind), default=ActionItemKind.PROBLEM
    )
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    state: Mapped[ActionItemState] = mapped_column(
        str_enum(ActionItemState), default=ActionItemState.OPEN
    )
    due_date: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )


class AssignmentKind(Base):
    """A kind of assignment («Продажа», «Обучение»…); a distributed kind gets its executor
    automatically among the employees that have a plan for it."""

    __tablename__ = "assignment_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    distributed: Mapped[bool] = mapped_column(default=False)
    direction_id: Mapped[int | None] = mapped_column(ForeignKey("directions.id"))
    # The distribution's «fact»: this KPI indicator's value (None: open assignments).
    fact_indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("kpi_indicators.id", ondelete="SET NULL"))


class DistributionPlan(Base):
    """Employee × assignment kind → plan: the target number of such assignments in work."""

    __tablename__ = "distribution_plans"
    __table_args__ = (UniqueConstraint("kind_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("assignment_kinds.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    plan: Mapped[int] = mapped_column(default=10)


class Assignment(Base):
    """Поручение: an instruction to an executor about a client, with a deadline."""

    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_executor_id_state", "executor_id", "state"),
        Index("ix_assignments_client_id_state", "client_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    executor_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    direction_id: Mapped[int | None] = mapped_column(ForeignKey("directions.id"))
    kind_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment_kinds.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    importance: Mapped[Importance] = mapped_column(str_enum(Importance), default=Importance.NORMAL)
    state: Mapped[AssignmentState] = mapped_column(
        str_enum(AssignmentState), default=AssignmentState.NEW
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    result: Mapped[str] = mapped_column(Text, default="")


class WorkRecord(Base):
    """Работа: a planned or done call, meeting, visit, e-mail or letter with a client."""

    __tablename__ = "work_records"
    __table_args__ = (
        Index("ix_work_records_employee_id_starts_at", "employee_id", "starts_at"),
        Index("ix_work_records_client_id_starts_at", "client_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    kind: Mapped[WorkKind] = mapped_column(str_enum(WorkKind), default=WorkKind.CALL)
    done: Mapped[bool] = mapped_column(default=False)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_min: Mapped[int] = mapped_column(default=0)
    incoming: Mapped[bool] = mapped_column(default=False)
    importance: Mapped[Importance] = mapped_column(str_enum(Importance), default=Importance.NORMAL)
    direction_id: Mapped[int | None] = mapped_column(ForeignKey("directions.id"))
    subject: Mapped[str] = mapped_column(String(300), default="")
    result: Mapped[str] = mapped_column(Text, default="")
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL"), index=True
    )
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))

    lines: Mapped[list[WorkActionLine]] = relationship(
        back_populates="work", cascade="all, delete-orphan", order_by="WorkActionLine.id"
    )


class WorkActionLine(Base):
    """One ПРиЗ of the client inside a work: «велась работа» and its own comment."""

    __tablename__ = "work_action_lines"
    __table_args__ = (UniqueConstraint("work_id", "action_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work_records.id", ondelete="CASCADE"))
    action_item_id: Mapped[int] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE"), index=True
    )
    worked: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")

    work: Mapped[WorkRecord] = relationship(back_populates="lines")


class Reminder(Base):
    """Напоминание: a timed notification to an employee, optionally about a work,
    an assignment or a client."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_employee_id_remind_at", "employee_id", "remind_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    remind_at: Mapped[datetime] = mapped_column(UtcDateTime)
    text: Mapped[str] = mapped_column(Text, default="")
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    work_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_records.id", ondelete="CASCADE")
    )
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE")
    )
    state: Mapped[ReminderState] = mapped_column(
        str_enum(ReminderState), default=ReminderState.PENDING
    )
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginMark(Base):
    """When the employee last came into the program (for «что случилось с моими клиентами
    с последнего входа»)."""

    __tablename__ = "login_marks"

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True
    )
    last_login_at: Mapped[datetime] = mapped_column(UtcDateTime)
