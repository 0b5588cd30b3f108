"""Clients, their structure, contact persons, phones, addresses, e-mails, responsibles."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow
from vostok_desktop.domain.org import Direction, Employee


class ClientStatus(enum.StrEnum):
    SERVED = "served"
    PROSPECT = "prospect"
    DISCONNECTED = "disconnected"


CLIENT_STATUS_TITLES: dict[ClientStatus, str] = {
    ClientStatus.SERVED: "Обслуживаемый",
    ClientStatus.PROSPECT: "Потенциальный",
    ClientStatus.DISCONNECTED: "Отключённый",
}


class AddressKind(enum.StrEnum):
    LEGAL = "legal"
    ACTUAL = "actual"
    POSTAL = "postal"


ADDRESS_KIND_TITLES: dict[AddressKind, str] = {
    AddressKind.LEGAL: "Юридический",
    AddressKind.ACTUAL: "Фактический",
    AddressKind.POSTAL: "Почтовый",
}


class PhoneKind(enum.StrEnum):
    WORK = "work"
    MOBILE = "mobile"
    FAX = "fax"
    HOME = "home"


PHONE_KIND_TITLES: dict[PhoneKind, str] = {
    PhoneKind.WORK: "Рабочий",
    PhoneKind.MOBILE: "Мобильный",
    PhoneKind.FAX: "Факс",
    PhoneKind.HOME: "Домашний",
}


def client_search_name(short_name: str | None, full_name: str | None) -> str:
    """Lower-cased search and sort key (SQLite's LIKE folds only ASCII case)."""
    return f"{short_name or ''} {full_name or ''}".strip().lower()


def contact_search_name(last: str | None, first: str | None, middle: str | None) -> str:
    return " ".join(p for p in (last, first, middle) if p).lower()


class ClientGroup(Base):
    """A group of companies (the client's external structure)."""

    __tablename__ = "client_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (
        # The list's order plus its default filter: anchors read the index only (0003).
        Index("ix_clients_search_name_id", "search_name", "id", "marked_for_deletion"),
        Index("ix_clients_inn", "inn", postgresql_ops={"inn": "text_pattern_ops"}),
        Index("ix_clients_kpp", "kpp", postgresql_ops={"kpp": "text_pattern_ops"}),
        Index(
            "ix_clients_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ClientStatus] = mapped_column(
        str_enum(ClientStatus), default=ClientStatus.PROSPECT, index=True
    )
    short_name: Mapped[str] = mapped_column(String(300))
    full_name: Mapped[str] = mapped_column(String(500), default="")
    search_name: Mapped[str] = mapped_column(String(801), default="")
    inn: Mapped[str | None] = mapped_column(String(12))
    kpp: Mapped[str | None] = mapped_column(String(9))
    ogrn: Mapped[str | None] = mapped_column(String(15))
    segment: Mapped[str | None] = mapped_column(String(100), index=True)
    region: Mapped[str | None] = mapped_column(String(100), index=True)
    source: Mapped[str | None] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    group_id: Mapped[int | None] = mapped_column(ForeignKey("client_groups.id"), index=True)
    marked_for_deletion: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    group: Mapped[ClientGroup | None] = relationship()
    updated_by: Mapped[Employee | None] = relationship(foreign_keys=[updated_by_id])
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="Contact.search_name"
    )
    phones: Mapped[list[Phone]] = relationship(
        back_populates="client", cascade="all, delete-orphan", foreign_keys="Phone.client_id"
    )
    emails: Mapped[list[Email]] = relationship(
        back_populates="client", cascade="all, delete-orphan", foreign_keys="Email.client_id"
    )
    addresses: Mapped[list[Address]] = relationship(
        back_populates="client", cascade="all, delete-orphan"
    )
    divisions: Mapped[list[ClientDivision]] = relationship(
        back_populates="client", cascade="all, delete-orphan"
    )
    responsibilities: Mapped[list[Responsibility]] = relationship(
        back_populates="client", cascade="all, delete-orphan"
    )


class ClientDivision(Base):
    """A unit of the client's internal structure."""

    __tablename__ = "client_divisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("client_divisions.id"))
    name: Mapped[str] = mapped_column(String(300))

    client: Mapped[Client] = relationship(back_populates="divisions")


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AddressKind] = mapped_column(str_enum(AddressKind), default=AddressKind.ACTUAL)
    postal_code: Mapped[str | None] = mapped_column(String(6))
    text: Mapped[str] = mapped_column(String(500))

    client: Mapped[Client] = relationship(back_populates="addresses")


class Contact(Base):
    """A contact person (КЛ) at a client."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_search_name_id", "search_name", "id", "marked_for_deletion"),
        Index(
            "ix_contacts_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="")
    search_name: Mapped[str] = mapped_column(String(302), default="")
    position: Mapped[str | None] = mapped_column(String(200))
    birthday: Mapped[date | None] = mapped_column(Date)
    # month*100+day: birthday filters ("this week") without date arithmetic per dialect.
    birthday_mmdd: Mapped[int | None] = mapped_column(SmallInteger, index=True)
    interests: Mapped[str] = mapped_column(Text, default="")
    stop_list: Mapped[bool] = mapped_column(default=False)
    competitor_attitude: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    marked_for_deletion: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship(back_populates="contacts")
    phones: Mapped[list[Phone]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", foreign_keys="Phone.contact_id"
    )
    emails: Mapped[list[Email]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", foreign_keys="Email.contact_id"
    )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class Phone(Base):
    """A phone of a client or of a contact: as typed, and as E.164 digits for lookup."""

    __tablename__ = "phones"
    __table_args__ = (
        CheckConstraint(
            "(client_id IS NULL) <> (contact_id IS NULL)", name="one_owner"
        ),
        Index("ix_phones_digits", "digits", postgresql_ops={"digits": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    raw: Mapped[str] = mapped_column(String(60))
    digits: Mapped[str] = mapped_column(String(20))
    kind: Mapped[PhoneKind] = mapped_column(str_enum(PhoneKind), default=PhoneKind.WORK)
    extension: Mapped[str | None] = mapped_column(String(10))

    client: Mapped[Client | None] = relationship(back_populates="phones", foreign_keys=[client_id])
    contact: Mapped[Contact | None] = relationship(
        back_populates="phones", foreign_keys=[contact_id]
    )


class Email(Base):
    __tablename__ = "emails"
    __table_args__ = (
        CheckConstraint("(client_id IS NULL) <> (contact_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str] = mapped_column(String(254), index=True)

    client: Mapped[Client | None] = relationship(back_populates="emails", foreign_keys=[client_id])
    contact: Mapped[Contact | None] = relationship(
        back_populates="emails", foreign_keys=[contact_id]
    )


class Favourite(Base):
    """A per-employee star on a client or a contact."""

    __tablename__ = "favourites"
    __table_args__ = (
        CheckConstraint("(client_id IS NULL) <> (contact_id IS NULL)", name="one_target"),
        UniqueConstraint("employee_id", "client_id"),
        UniqueConstraint("employee_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )


class Responsibility(Base):
    """Client × direction → responsible employee."""

    __tablename__ = "responsibilities"
    __table_args__ = (UniqueConstraint("client_id", "direction_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    direction_id: Mapped[int] = mapped_column(ForeignKey("directions.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)

    client: Mapped[Client] = relationship(back_populates="responsibilities")
    direction: Mapped[Direction] = relationship()
    employee: Mapped[Employee] = relationship()


@event.listens_for(Client, "before_insert")
@event.listens_for(Client, "before_update")
def _client_search_name(_mapper, _connection, client: Client) -> None:
    client.search_name = client_search_name(client.short_name, client.full_name)


@event.listens_for(Contact, "before_insert")
@event.listens_for(Contact, "before_update")
def _contact_search_name(_mapper, _connection, contact: Contact) -> None:
    contact.search_name = contact_search_name(
        contact.last_name, contact.first_name, contact.middle_name
    )
    contact.birthday_mmdd = (
        contact.birthday.month * 100 + contact.birthday.day if contact.birthday else None
    )
