"""Documents: print templates (DOCX) with versions and per-client overrides.

A company-wide template has ``client_id`` NULL; a per-client override («индивидуальная
печатная форма») carries the same ``code`` and the client's id and wins for that client.
Each template keeps every uploaded DOCX as a numbered version; ``active_version`` names
the number that prints.

Also here: the company's details for print forms (:class:`CompanyDetail`, «Реквизиты
РИЦ») and the normalized-name keys the import's duplicate analysis looks clients up by
(:class:`ClientNameKey`).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from vostok_desktop.domain.base import Base, UtcDateTime, str_enum, utcnow


class TemplateKind(enum.StrEnum):
    CLIENT_CARD = "client_card"
    CONTACT_LIST = "contact_list"
    CONTRACT = "contract"
    INVOICE = "invoice"
    ACT = "act"
    LETTER = "letter"
    RECONCILIATION = "reconciliation"  # акт сверки (a str_enum: no DB constraint to widen)
    OTHER = "other"


TEMPLATE_KIND_TITLES: dict[TemplateKind, str] = {
    TemplateKind.CLIENT_CARD: "Карточка клиента",
    TemplateKind.CONTACT_LIST: "Список контактных лиц",
    TemplateKind.CONTRACT: "Договор",
    TemplateKind.INVOICE: "Счёт",
    TemplateKind.ACT: "Акт",
    TemplateKind.LETTER: "Письмо",
    TemplateKind.RECONCILIATION: "Акт сверки",
    TemplateKind.OTHER: "Другое",
}


class PrintTemplate(Base):
    """A print form («Печатная форма»): a DOCX template with its versions."""

    __tablename__ = "print_templates"
    __table_args__ = (UniqueConstraint("code", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[TemplateKind] = mapped_column(str_enum(TemplateKind), default=TemplateKind.OTHER)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    active_version: Mapped[int | None]
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    versions: Mapped[list[PrintTemplateVersion]] = relationship(
        back_populates="template", cascade="all, delete-orphan",
        order_by="PrintTemplateVersion.number",
    )


class PrintTemplateVersion(Base):
    """One uploaded DOCX of a template: who, when, why."""

    __tablename__ = "print_template_versions"
    __table_args__ = (UniqueConstraint("template_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("print_templates.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    comment: Mapped[str] = mapped_column(Text, default="")

    template: Mapped[PrintTemplate] = relationship(back_populates="versions")


class CompanyDetail(Base):
    """One of the company's details («реквизит РИЦ») that print forms show as
    ``{{ company.KEY }}``: name, INN, KPP, address, bank account, director…
    Administrators edit them; one row per key."""

    __tablename__ = "company_details"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))


class ClientNameKey(Base):
    """A client's normalized name («ООО "Ромашка"» → «ромашка») kept beside the client for
    the import's duplicate lookups. A cache: ``short_name`` is the name the key was made
    from, and a key whose client was renamed since is made again before each use."""

    __tablename__ = "client_name_keys"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    short_name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), index=True)
