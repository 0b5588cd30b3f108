"""Hot line (ГЛ) and consultation line (ЛК): requests, search orders, deadlines.

A ``HotlineRequest`` (обращение на ГЛ / ЛК) is one user's question; its type comes from
an editable list (``HotlineRequestType``) that also carries the answer deadline rule in
working time. Document search orders (``SearchOrder``: a request whose type is a search
order) move through editable stages (``SearchOrderStage``). Every status and stage change
is written to ``HotlineRequestHistory`` (who, when, from → to).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow


class HotlineLine(enum.StrEnum):
    HOTLINE = "hotline"  # ГЛ
    CONSULTATION = "consultation"  # ЛК


LINE_TITLES: dict[HotlineLine, str] = {
    HotlineLine.HOTLINE: "Горячая линия (ГЛ)",
    HotlineLine.CONSULTATION: "Линия консультаций (ЛК)",
}
LINE_SHORT: dict[HotlineLine, str] = {HotlineLine.HOTLINE: "ГЛ", HotlineLine.CONSULTATION: "ЛК"}


class RequestChannel(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    SITE = "site"
    ASK_EXPERT = "ask_expert"  # «Задать вопрос эксперту» (ЗВЭ)
    ONLINE_CHAT = "online_chat"
    VISIT = "visit"


CHANNEL_TITLES: dict[RequestChannel, str] = {
    RequestChannel.PHONE: "Телефон",
    RequestChannel.EMAIL: "E-mail",
    RequestChannel.SITE: "Сайт",
    RequestChannel.ASK_EXPERT: "«Задать вопрос эксперту»",
    RequestChannel.ONLINE_CHAT: "Онлайн-диалог",
    RequestChannel.VISIT: "Личный визит",
}


class RequestStatus(enum.StrEnum):
    REGISTERED = "registered"
    IN_WORK = "in_work"
    ANSWERED = "answered"
    CLOSED = "closed"
    CANCELLED = "cancelled"


STATUS_TITLES: dict[RequestStatus, str] = {
    RequestStatus.REGISTERED: "Зарегистрировано",
    RequestStatus.IN_WORK: "В работе",
    RequestStatus.ANSWERED: "Ответ дан",
    RequestStatus.CLOSED: "Закрыто",
    RequestStatus.CANCELLED: "Отменено",
}

# Still waiting for an answer: these count against the deadline.
OPEN_STATUSES: tuple[RequestStatus, ...] = (RequestStatus.REGISTERED, RequestStatus.IN_WORK)

# The lifecycle: registered -> in work -> answered -> closed; or cancelled. An answer
# found insufficient goes back to work.
TRANSITIONS: dict[RequestStatus, tuple[RequestStatus, ...]] = {
    RequestStatus.REGISTERED: (RequestStatus.IN_WORK, RequestStatus.CANCELLED),
    RequestStatus.IN_WORK: (RequestStatus.ANSWERED, RequestStatus.CANCELLED),
    RequestStatus.ANSWERED: (RequestStatus.CLOSED, RequestStatus.IN_WORK),
    RequestStatus.CLOSED: (),
    RequestStatus.CANCELLED: (),
}


class HistoryKind(enum.StrEnum):
    STATUS = "status"
    STAGE = "stage"


class HotlineRequestType(Base):
    """A request type (editable list) with its answer deadline in working time.

    ``code`` marks the built-in types the program knows («search_order» has stages);
    the deadline is ``deadline_days`` working days plus ``deadline_minutes`` working
    minutes after the request arrives.
    """

    __tablename__ = "hotline_request_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    deadline_days: Mapped[int] = mapped_column(default=0)
    deadline_minutes: Mapped[int] = mapped_column(default=240)
    is_search_order: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)


class SearchOrderStage(Base):
    """A stage of a document search order (editable list), in ``position`` order."""

    __tablename__ = "search_order_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class CalendarException(Base):
    """A day that breaks the weekly pattern: a holiday on a weekday, or a working
    Saturday moved by the government's calendar."""

    __tablename__ = "calendar_exceptions"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(200), default="")


class HotlineRequest(Base):
    """Обращение на ГЛ / ЛК."""

    __tablename__ = "hotline_requests"
    __table_args__ = (
        Index("ix_hotline_requests_status_deadline_at", "status", "deadline_at"),
        Index("ix_hotline_requests_received_at_id", "received_at", "id"),
        Index("ix_hotline_requests_operator_id_status", "operator_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line: Mapped[HotlineLine] = mapped_column(str_enum(HotlineLine), default=HotlineLine.HOTLINE)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[RequestChannel] = mapped_column(
        str_enum(RequestChannel), default=RequestChannel.PHONE
    )
    type_id: Mapped[int] = mapped_column(ForeignKey("hotline_request_types.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus), default=RequestStatus.REGISTERED
    )
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    call_id: Mapped[int | None] = mapped_column(
        ForeignKey("calls.id", ondelete="SET NULL"), index=True
    )
    documents: Mapped[str] = mapped_column(Text, default="")  # one document per line
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("search_order_stages.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    type: Mapped[HotlineRequestType] = relationship()
    stage: Mapped[SearchOrderStage | None] = relationship()
    history: Mapped[list[HotlineRequestHistory]] = relationship(
        back_populates="request", cascade="all, delete-orphan",
        order_by="HotlineRequestHistory.id",
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class HotlineRequestHistory(Base):
    """One status or stage change of a request: who, when, from → to."""

    __tablename__ = "hotline_request_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("hotline_requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[HistoryKind] = mapped_column(str_enum(HistoryKind))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    old_value: Mapped[str] = mapped_column(String(200), default="")
    new_value: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[HotlineRequest] = relationship(back_populates="history")


# The built-in lists a new base starts with (the migration inserts them; users edit).
DEFAULT_TYPES: tuple[tuple[str, str, int, int, bool], ...] = (
    # code, name, working days, working minutes, is a search order
    ("consultation", "Консультация", 0, 4 * 60, False),
    ("search_order", "Заказ на поиск документов", 1, 0, True),
    ("technical_failure", "Технический сбой", 0, 2 * 60, False),
    ("other", "Прочее", 1, 0, False),
)
DEFAULT_STAGES: tuple[str, ...] = (
    "Принят", "Поиск в системе", "Запрос в КЦ", "Документ найден", "Отправлен клиенту",
)
