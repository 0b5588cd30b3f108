"""Installation of distributives («Установка дистрибутивов»).

Installation — «Установка»: an assignment (поручение of the kind «Установка
дистрибутивов») to the engineer responsible for installing, with a due date, the
documents to hand over or take back and the extra works (разнос ярлыков, антивирусная
проверка…); InstallationLine — one distributive to install. Completing an installation
connects its distributives (movements «Подключение») in the same transaction.

``client_id`` is repeated on the lines so that visibility, the change log and change
notices follow the client exactly as for every other client row; the composite keys keep
a line's client equal to its installation's and the kit one of the client's.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow

# The assignment kind every installation gets (created by migration 0012).
INSTALLATION_KIND_NAME = "Установка дистрибутивов"


class InstallationState(enum.StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


INSTALLATION_STATE_TITLES: dict[InstallationState, str] = {
    InstallationState.PLANNED: "Запланирована",
    InstallationState.DONE: "Выполнена",
    InstallationState.CANCELLED: "Отменена",
}


class Installation(Base):
    """«Установка»: what the engineer installs at the client by the due date."""

    __tablename__ = "installations"
    __table_args__ = (
        UniqueConstraint("client_id", "id"),
        CheckConstraint("(state = 'done') = (done_on IS NOT NULL)", name="done_date"),
        ForeignKeyConstraint(["client_id", "kit_id"], ["kits.client_id", "kits.id"],
                             name="fk_installations_kit_of_client"),
        # «Контроль сроков установки»: the planned ones by due date.
        Index("ix_installations_state_due_on", "state", "due_on"),
        Index("ix_installations_client_id_state", "client_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    kit_id: Mapped[int | None] = mapped_column(index=True)  # the kit to install into
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[InstallationState] = mapped_column(
        str_enum(InstallationState), default=InstallationState.PLANNED)
    # One document (or attachment name) a line: handed over or taken back at the site.
    documents: Mapped[str] = mapped_column(Text, default="")
    # One extra work a line (разнос ярлыков, антивирусная проверка…).
    extra_works: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    lines: Mapped[list[InstallationLine]] = relationship(
        back_populates="installation", cascade="all, delete-orphan",
        order_by="InstallationLine.id")


class InstallationLine(Base):
    """One distributive of an installation; the movement that connected it once done."""

    __tablename__ = "installation_lines"
    __table_args__ = (
        UniqueConstraint("installation_id", "distributive_id"),
        ForeignKeyConstraint(["client_id", "installation_id"],
                             ["installations.client_id", "installations.id"],
                             name="fk_installation_lines_installation_of_client",
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    installation_id: Mapped[int] = mapped_column()
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    # A distributive named by an installation is not deleted (no ON DELETE action).
    distributive_id: Mapped[int] = mapped_column(ForeignKey("distributives.id"), index=True)
    movement_id: Mapped[int | None] = mapped_column(
        ForeignKey("distributive_movements.id"), index=True)

    installation: Mapped[Installation] = relationship(back_populates="lines")


__all__ = ["INSTALLATION_KIND_NAME", "INSTALLATION_STATE_TITLES", "Installation",
           "InstallationLine", "InstallationState"]
