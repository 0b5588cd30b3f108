"""Custom typed fields («Дополнительные сведения»), attachments and the change log."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


class CustomFieldType(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"


class CustomFieldEntity(enum.StrEnum):
    CLIENT = "client"
    CONTACT = "contact"


class CustomField(Base):
    __tablename__ = "custom_fields"
    __table_args__ = (UniqueConstraint("entity", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[CustomFieldEntity] = mapped_column(str_enum(CustomFieldEntity))
    name: Mapped[str] = mapped_column(String(200))
    value_type: Mapped[CustomFieldType] = mapped_column(str_enum(CustomFieldType))
    choices: Mapped[list[str] | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)


class CustomValue(Base):
    __tablename__ = "custom_values"
    __table_args__ = (
        CheckConstraint("(client_id IS NULL) <> (contact_id IS NULL)", name="one_owner"),
        UniqueConstraint("field_id", "client_id"),
        UniqueConstraint("field_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("custom_fields.id", ondelete="CASCADE"))
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    value_text: Mapped[str | None] = mapped_column(Text)
    value_number: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    value_date: Mapped[date | None] = mapped_column(Date)

    field: Mapped[CustomField] = relationship()


class Attachment(Base):
    """A file stored in a client's card («Внешние файлы»)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int]
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))


class ChangeLog(Base):
    """Who changed what, when: one row per changed field."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_table_name_row_id", "table_name", "row_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    table_name: Mapped[str] = mapped_column(String(63))
    row_id: Mapped[int]
    # The client the change belongs to, so a card's history shows its phones and contacts too.
    client_id: Mapped[int | None] = mapped_column(index=True)
    field: Mapped[str] = mapped_column(String(63))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    # PostgreSQL: the writing transaction (txid_current()), set by the server's own
    # change-log triggers, so the program can attribute rows it caused (0007).
    tx_id: Mapped[int | None] = mapped_column(BigInteger)
