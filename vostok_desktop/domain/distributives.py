"""КонсультантПлюс systems, distributives, kits and the movements of distributives.

ProductSystem — «Система КонсультантПлюс», the editable catalogue (shared reference data);
Kit — «Комплект»: the distributives installed at one site of a client (its division and
address), with the ЗВЭ flag (ask_expert);
Distributive — «Дистрибутив»: one numbered copy of a system, at a client or on the
warehouse (client_id NULL), with its status and terms;
DistributiveMovement — «Движение дистрибутивов»: a dated document (подключение,
отключение, передача прав, замена, пополнение комплекта, оприходование, резерв…).

Every movement records the state it leaves the distributive in (``to_client_id``,
``to_kit_id``, ``status_after``), so the state on any past date is the last movement on
or before that date — no replay of the whole history is needed.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow
from vostok_desktop.domain.clients import Client
from vostok_desktop.domain.org import Employee


class SystemKind(enum.StrEnum):
    """The type of a system or of one distributive of it."""

    LOCAL = "local"
    NETWORK = "network"
    FLASH = "flash"
    ONLINE = "online"


SYSTEM_KIND_TITLES: dict[SystemKind, str] = {
    SystemKind.LOCAL: "Локальная",
    SystemKind.NETWORK: "Сетевая",
    SystemKind.FLASH: "Флэш",
    SystemKind.ONLINE: "Онлайн",
}


class DistributiveStatus(enum.StrEnum):
    SERVED = "served"
    DISCONNECTED = "disconnected"
    IN_STOCK = "in_stock"
    RESERVED = "reserved"
    DEMO = "demo"


DISTRIBUTIVE_STATUS_TITLES: dict[DistributiveStatus, str] = {
    DistributiveStatus.SERVED: "На обслуживании",
    DistributiveStatus.DISCONNECTED: "Отключён",
    DistributiveStatus.IN_STOCK: "На складе",
    DistributiveStatus.RESERVED: "Зарезервирован",
    DistributiveStatus.DEMO: "Ознакомительный",
}

# On the warehouse (client_id NULL) exactly in these; at a client in the others.
WAREHOUSE_STATUSES = frozenset({DistributiveStatus.IN_STOCK, DistributiveStatus.RESERVED})
CLIENT_STATUSES = frozenset({DistributiveStatus.SERVED, DistributiveStatus.DISCONNECTED,
                             DistributiveStatus.DEMO})
# Whose business a status is, for the rights (the database checks the same, 0010):
# «Склад» for the warehouse's statuses and demo copies, «Движение дистрибутивов» else.
STOCK_RIGHT_STATUSES = frozenset({DistributiveStatus.IN_STOCK, DistributiveStatus.RESERVED,
                                  DistributiveStatus.DEMO})


class MovementKind(enum.StrEnum):
    CONNECT = "connect"
    DISCONNECT = "disconnect"
    TRANSFER = "transfer"
    REPLACE = "replace"
    KIT_ADD = "kit_add"
    RECEIPT = "receipt"
    RESERVE = "reserve"
    UNRESERVE = "unreserve"
    DEMO_ISSUE = "demo_issue"
    STOCK_RETURN = "stock_return"


MOVEMENT_KIND_TITLES: dict[MovementKind, str] = {
    MovementKind.CONNECT: "Подключение",
    MovementKind.DISCONNECT: "Отключение",
    MovementKind.TRANSFER: "Передача прав",
    MovementKind.REPLACE: "Замена (МЗ)",
    MovementKind.KIT_ADD: "Пополнение комплекта",
    MovementKind.RECEIPT: "Оприходование",
    MovementKind.RESERVE: "Резервирование",
    MovementKind.UNRESERVE: "Снятие резерва",
    MovementKind.DEMO_ISSUE: "Выдача на ознакомление",
    MovementKind.STOCK_RETURN: "Возврат на склад",
}

# Movements of the warehouse need «Склад»; the others «Движение дистрибутивов» (0010).
STOCK_MOVEMENTS = frozenset({MovementKind.RECEIPT, MovementKind.RESERVE,
                             MovementKind.UNRESERVE, MovementKind.DEMO_ISSUE,
                             MovementKind.STOCK_RETURN})


class ProductSystem(Base):
    """A КонсультантПлюс system of the catalogue (its usual type, series, network size)."""

    __tablename__ = "product_systems"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[SystemKind] = mapped_column(str_enum(SystemKind), default=SystemKind.LOCAL)
    series: Mapped[str] = mapped_column(String(40), default="")
    network_size: Mapped[int] = mapped_column(default=1)
    is_active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Kit(Base):
    """«Комплект»: the distributives at one site of a client; the ЗВЭ flag is the kit's."""

    __tablename__ = "kits"
    __table_args__ = (
        # The target of the distributives' (client_id, kit_id) key: a distributive's kit
        # is always a kit of its own client.
        UniqueConstraint("client_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    division_id: Mapped[int | None] = mapped_column(
        ForeignKey("client_divisions.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    ask_expert: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()


class Distributive(Base):
    """«Дистрибутив»: one numbered copy of a system, at a client or on the warehouse."""

    __tablename__ = "distributives"
    __table_args__ = (
        # On the warehouse exactly when in stock or reserved.
        CheckConstraint("(client_id IS NULL) = (status IN ('in_stock', 'reserved'))",
                        name="where_by_status"),
        CheckConstraint("(status = 'reserved') = (reserved_for_client_id IS NOT NULL "
                        "OR reserved_for_employee_id IS NOT NULL)", name="reservation"),
        CheckConstraint("(status = 'demo') = (demo_until IS NOT NULL)", name="demo_due"),
        CheckConstraint("fixed_price IS NULL OR discount_percent IS NULL",
                        name="price_or_discount"),
        CheckConstraint("fixed_price IS NULL OR fixed_price >= 0", name="price_not_negative"),
        CheckConstraint("discount_percent IS NULL OR (discount_percent >= 0 "
                        "AND discount_percent <= 100)", name="discount_range"),
        CheckConstraint("network_size >= 1", name="network_size_positive"),
        ForeignKeyConstraint(["client_id", "kit_id"], ["kits.client_id", "kits.id"],
                             name="fk_distributives_kit_of_client"),
        # The client's distributives (card page), in number order.
        Index("ix_distributives_client_id_number", "client_id", "number"),
        # The agent's number order and prefix search on PostgreSQL, byte by byte (0013; see
        # services.lists.filters.ByteOrder); on SQLite the unique index serves both.
        Index("ix_distributives_number_c", text('(number COLLATE "C")'), "id"
              ).ddl_if(dialect="postgresql"),
        Index("ix_distributives_status_number", "status", "number"),
        # The client list's «Систем» / «Есть дистрибутивы» from the index alone (0013).
        Index("ix_distributives_client_id_status", "client_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("product_systems.id"), index=True)
    kind: Mapped[SystemKind] = mapped_column(str_enum(SystemKind), default=SystemKind.LOCAL)
    series: Mapped[str] = mapped_column(String(40), default="")
    network_size: Mapped[int] = mapped_column(default=1)
    status: Mapped[DistributiveStatus] = mapped_column(
        str_enum(DistributiveStatus), default=DistributiveStatus.IN_STOCK)
    # Since when it is in its status (the date of the movement that put it there), and
    # the date of its last movement of any kind (a new one may not be dated earlier).
    status_since: Mapped[date] = mapped_column(Date)
    last_moved_on: Mapped[date] = mapped_column(Date)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    kit_id: Mapped[int | None] = mapped_column(index=True)
    engineer_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True)
    fixed_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    reserved_for_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"),
                                                                index=True)
    reserved_for_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    demo_until: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    system: Mapped[ProductSystem] = relationship()
    engineer: Mapped[Employee | None] = relationship(foreign_keys=[engineer_id])


class DistributiveMovement(Base):
    """One movement of a distributive: what happened on which date, who did it, and the
    state it left the distributive in. Append-only for ordinary logins (0010)."""

    __tablename__ = "distributive_movements"
    __table_args__ = (
        # A distributive's history by date; the last movement on or before a date.
        Index("ix_distributive_movements_distributive_id_moved_on",
              "distributive_id", "moved_on", "id"),
        # A client's movements (card history, state on a date).
        Index("ix_distributive_movements_to_client_id_moved_on", "to_client_id", "moved_on"),
        Index("ix_distributive_movements_from_client_id_moved_on",
              "from_client_id", "moved_on"),
        # Movements of a period.
        Index("ix_distributive_movements_moved_on_kind", "moved_on", "kind"),
        # «Баланс дистрибутивов»: only connections and disconnections of the period, read
        # from the index alone (0013; 1.4 → 1.0 s over five years of 10M movements).
        Index("ix_distributive_movements_kind_moved_on", "kind", "moved_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    distributive_id: Mapped[int] = mapped_column(ForeignKey("distributives.id"))
    kind: Mapped[MovementKind] = mapped_column(str_enum(MovementKind))
    moved_on: Mapped[date] = mapped_column(Date)
    # The client it was at (or reserved for) before, and after the movement: at a client
    # after it when status_after is a client's status, else the client it is reserved for.
    from_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    to_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    # A kit or distributive named by history is not deleted (no ON DELETE action).
    to_kit_id: Mapped[int | None] = mapped_column(ForeignKey("kits.id"), index=True)
    to_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))  # reserved for an employee
    status_after: Mapped[DistributiveStatus] = mapped_column(str_enum(DistributiveStatus))
    # A replacement (МЗ): the other distributive of the pair.
    replacement_id: Mapped[int | None] = mapped_column(ForeignKey("distributives.id"),
                                                        index=True)
    # Who did it: stamped by the server from the login on a server base.
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    distributive: Mapped[Distributive] = relationship(foreign_keys=[distributive_id])


__all__ = [
    "CLIENT_STATUSES", "DISTRIBUTIVE_STATUS_TITLES", "MOVEMENT_KIND_TITLES",
    "STOCK_MOVEMENTS", "STOCK_RIGHT_STATUSES", "SYSTEM_KIND_TITLES", "WAREHOUSE_STATUSES",
    "Distributive", "DistributiveMovement", "DistributiveStatus", "Kit", "MovementKind",
    "ProductSystem", "SystemKind",
]
