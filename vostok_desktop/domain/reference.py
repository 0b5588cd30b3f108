"""Reference data added by «Справочники» (migration 0011): a department's head, whether a
custom field is required, and list filters / colour rules kept in the base.

A saved list setting belongs to its owner. A private one is seen only by its owner; a
shared one (``is_shared``) is seen by everybody and changed only by its owner or by
whoever has the right «Справочники». On a server base row-level security enforces it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow


class DepartmentHead(Base):
    """The head («руководитель») of a department: at most one per department."""

    __tablename__ = "department_heads"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"),
                                             index=True)


class CustomFieldRule(Base):
    """What a custom field demands of a card beyond its type (today: being filled in)."""

    __tablename__ = "custom_field_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_fields.id", ondelete="CASCADE"), unique=True)
    is_required: Mapped[bool] = mapped_column(default=False)


class ListSettingKind(enum.StrEnum):
    FILTER = "filter"
    COLOUR_RULES = "colour_rules"
    REPORT_VARIANT = "report_variant"  # a pivot report's layout (list_kind: "report:<key>")


class SavedListSetting(Base):
    """A saved filter or a set of colour rules of one list (``list_kind``: the agent's
    settings name, «clients» / «contacts»); ``body`` is the JSON of services.lists.filters."""

    __tablename__ = "saved_list_settings"
    __table_args__ = (Index("ix_saved_list_settings_list_kind_kind", "list_kind", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    is_shared: Mapped[bool] = mapped_column(default=False)
    list_kind: Mapped[str] = mapped_column(String(40))
    kind: Mapped[ListSettingKind] = mapped_column(str_enum(ListSettingKind))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
