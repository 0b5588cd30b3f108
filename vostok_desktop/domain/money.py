"""Money: companies (субъекты учёта), price lists, discounts and VIP programmes with
interval discounts, documents with amounts (счёт, акт, УПД) and their number series,
billing registers, bank statements, payments and their allocation to documents.

Every amount is :class:`~vostok_desktop.domain.base.Money` (NUMERIC(14,2) on PostgreSQL,
whole kopecks on SQLite): Decimal in, Decimal out, never a float. An issued document is
never changed: a correction is a new document (``corrects_id``, negative lines).
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

from vostok_desktop.domain.base import Base, Money, UtcDateTime, str_enum, utcnow


class TaxMode(enum.StrEnum):
    VAT = "vat"  # ОСН: НДС по ставке
    USN = "usn"  # УСН: «Без НДС»


TAX_MODE_TITLES: dict[TaxMode, str] = {TaxMode.VAT: "ОСН (с НДС)", TaxMode.USN: "УСН (без НДС)"}


class DocumentKind(enum.StrEnum):
    INVOICE = "invoice"  # счёт на оплату
    ACT = "act"  # акт выполненных работ
    UPD = "upd"  # УПД / счёт-фактура


DOCUMENT_KIND_TITLES: dict[DocumentKind, str] = {
    DocumentKind.INVOICE: "Счёт",
    DocumentKind.ACT: "Акт",
    DocumentKind.UPD: "УПД",
}


class BillingState(enum.StrEnum):
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


class PaymentKind(enum.StrEnum):
    CASH = "cash"
    BANK = "bank"


PAYMENT_KIND_TITLES: dict[PaymentKind, str] = {PaymentKind.CASH: "Наличные",
                                               PaymentKind.BANK: "Безналичные"}


class Company(Base):
    """«Субъект учёта»: a legal entity of the РИЦ that issues documents, with its own
    details, tax mode and number series."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    inn: Mapped[str] = mapped_column(String(12), default="")
    kpp: Mapped[str] = mapped_column(String(9), default="")
    ogrn: Mapped[str] = mapped_column(String(15), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    bank_name: Mapped[str] = mapped_column(String(300), default="")
    bik: Mapped[str] = mapped_column(String(9), default="")
    account: Mapped[str] = mapped_column(String(20), default="")  # расчётный счёт
    corr_account: Mapped[str] = mapped_column(String(20), default="")
    director: Mapped[str] = mapped_column(String(200), default="")
    accountant: Mapped[str] = mapped_column(String(200), default="")
    tax_mode: Mapped[TaxMode] = mapped_column(str_enum(TaxMode), default=TaxMode.VAT)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("22"))
    payment_days: Mapped[int] = mapped_column(default=10)  # an invoice is due after
    is_default: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        CheckConstraint("vat_rate >= 0 AND vat_rate <= 100", name="vat_rate_range"),
        CheckConstraint("payment_days >= 0", name="payment_days_positive"),
        # One default company at most.
        Index("ix_companies_one_default", "is_default", unique=True,
              postgresql_where=text("is_default"), sqlite_where=text("is_default")),
    )
    __mapper_args__ = {"version_id_col": version}


class PriceList(Base):
    """«Прейскурант»: prices from a date (the newest list valid on a date applies)."""

    __tablename__ = "price_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date, index=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    items: Mapped[list[PriceListItem]] = relationship(
        back_populates="price_list", cascade="all, delete-orphan",
        order_by="PriceListItem.id")


class PriceListItem(Base):
    """A monthly support price: of a system from a network size up (``system_id``), or
    of another service (``service``, no system)."""

    __tablename__ = "price_list_items"
    __table_args__ = (
        CheckConstraint("(system_id IS NULL) <> (service = '')", name="system_or_service"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("min_network_size >= 1", name="network_size_positive"),
        UniqueConstraint("price_list_id", "system_id", "min_network_size", "service"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(
        ForeignKey("price_lists.id", ondelete="CASCADE"), index=True)
    system_id: Mapped[int | None] = mapped_column(ForeignKey("product_systems.id"), index=True)
    min_network_size: Mapped[int] = mapped_column(default=1)
    service: Mapped[str] = mapped_column(String(300), default="")
    unit: Mapped[str] = mapped_column(String(20), default="мес.")
    price: Mapped[Decimal] = mapped_column(Money)

    price_list: Mapped[PriceList] = relationship(back_populates="items")


class ClientDiscount(Base):
    """A dated discount for the whole client (percent of the price list). Per distributive
    terms (fixed price or percent) are dated too: :class:`DistributiveTerm` (0017)."""

    __tablename__ = "client_discounts"
    __table_args__ = (
        CheckConstraint("percent > 0 AND percent <= 100", name="percent_range"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates_in_order"),
        Index("ix_client_discounts_client_id_valid_from", "client_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class DistributiveTerm(Base):
    """A distributive's own dated terms at a client: a fixed price or a discount (percent
    of the price list) from ``valid_from`` up to and including ``valid_to`` (open while it
    is NULL). ``client_id`` is the distributive's client when written (row-level security,
    as a КЦ quota mark); the periods of one distributive at one client never overlap (the
    service checks, a server trigger refuses). Replaces the undated terms of 0010."""

    __tablename__ = "distributive_terms"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates_in_order"),
        CheckConstraint("(fixed_price IS NULL) <> (discount_percent IS NULL)",
                        name="price_or_discount"),
        CheckConstraint("fixed_price IS NULL OR fixed_price >= 0", name="price_not_negative"),
        CheckConstraint("discount_percent IS NULL OR (discount_percent >= 0 "
                        "AND discount_percent <= 100)", name="discount_range"),
        Index("ix_distributive_terms_distributive_id_valid_from", "distributive_id",
              "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    distributive_id: Mapped[int] = mapped_column(
        ForeignKey("distributives.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    fixed_price: Mapped[Decimal | None] = mapped_column(Money)
    discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class VipProgramme(Base):
    """A VIP programme with interval discounts by the number of served systems."""

    __tablename__ = "vip_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    tiers: Mapped[list[VipTier]] = relationship(
        back_populates="programme", cascade="all, delete-orphan",
        order_by="VipTier.min_systems")


class VipTier(Base):
    """«≤5 → 25 %»: from ``min_systems`` served systems (up to the next tier) the percent."""

    __tablename__ = "vip_tiers"
    __table_args__ = (
        CheckConstraint("min_systems >= 0", name="min_systems_positive"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
        UniqueConstraint("programme_id", "min_systems"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("vip_programmes.id", ondelete="CASCADE"))
    min_systems: Mapped[int]
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    programme: Mapped[VipProgramme] = relationship(back_populates="tiers")


class VipMember(Base):
    """A client in a VIP programme; ``applied_percent`` is the tier its served systems
    reach now, kept by the program whenever the count changes (each change logged)."""

    __tablename__ = "vip_members"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("vip_programmes.id", ondelete="CASCADE"), index=True)
    since: Mapped[date] = mapped_column(Date)
    applied_systems: Mapped[int] = mapped_column(default=0)
    applied_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class DocumentCounter(Base):
    """The last number of a series (company, kind, year). On a server base only the
    database's numbering trigger touches it (0014), so numbers have no gaps or twins."""

    __tablename__ = "document_counters"

    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class BillingRun(Base):
    """«Реестр выписки»: the documents of one month issued in one go."""

    __tablename__ = "billing_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    period: Mapped[date] = mapped_column(Date, index=True)  # the month's first day
    kinds: Mapped[str] = mapped_column(String(60))  # "invoice,act"
    state: Mapped[BillingState] = mapped_column(str_enum(BillingState),
                                                default=BillingState.RUNNING)
    documents_count: Mapped[int] = mapped_column(default=0)
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class MoneyDocument(Base):
    """«Счёт», «Акт», «УПД»: a numbered document with lines and totals. Never changed once
    written; ``corrects_id`` names the document a storno (negative copy) reverses."""

    __tablename__ = "money_documents"
    __table_args__ = (
        UniqueConstraint("company_id", "kind", "year", "number"),
        UniqueConstraint("client_id", "id"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("vat_rate >= 0 AND vat_rate <= 100", name="vat_rate_range"),
        CheckConstraint("total = net + vat", name="total_adds_up"),
        # A month is billed once per client, company and kind: a re-run skips it.
        Index("ix_money_documents_billed_once", "company_id", "kind", "client_id", "period",
              unique=True,
              postgresql_where=text("billing_run_id IS NOT NULL AND corrects_id IS NULL"),
              sqlite_where=text("billing_run_id IS NOT NULL AND corrects_id IS NULL")),
        Index("ix_money_documents_client_id_issued_on", "client_id", "issued_on"),
        Index("ix_money_documents_kind_issued_on", "kind", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind))
    year: Mapped[int]
    number: Mapped[int]
    number_text: Mapped[str] = mapped_column(String(40))  # «С-2026-000123» as printed
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    period: Mapped[date | None] = mapped_column(Date)  # the billed month's first day
    direction_id: Mapped[int | None] = mapped_column(
        ForeignKey("directions.id", ondelete="SET NULL"), index=True)
    tax_mode: Mapped[TaxMode] = mapped_column(str_enum(TaxMode))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    net: Mapped[Decimal] = mapped_column(Money)
    vat: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    basis: Mapped[str] = mapped_column(String(300), default="")  # «Договор № … от …»
    notes: Mapped[str] = mapped_column(Text, default="")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("money_documents.id"),
                                                    index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("money_documents.id"),
                                                   index=True)  # an act's invoice
    billing_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("billing_runs.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))

    lines: Mapped[list[MoneyDocumentLine]] = relationship(
        back_populates="document", order_by="MoneyDocumentLine.position",
        foreign_keys="MoneyDocumentLine.document_id")


class MoneyDocumentLine(Base):
    __tablename__ = "money_document_lines"
    __table_args__ = (
        ForeignKeyConstraint(["client_id", "document_id"],
                             ["money_documents.client_id", "money_documents.id"],
                             name="fk_money_document_lines_document_of_client",
                             ondelete="CASCADE"),
        UniqueConstraint("document_id", "position"),
        CheckConstraint("amount = net + vat", name="amount_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), default=Decimal(1))
    unit: Mapped[str] = mapped_column(String(20), default="мес.")
    price: Mapped[Decimal] = mapped_column(Money)
    net: Mapped[Decimal] = mapped_column(Money)
    vat: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    distributive_id: Mapped[int | None] = mapped_column(
        ForeignKey("distributives.id", ondelete="SET NULL"), index=True)

    document: Mapped[MoneyDocument] = relationship(back_populates="lines",
                                                   foreign_keys=[document_id])


class BankStatement(Base):
    """An imported 1C «Клиент-банк» file; its hash makes a second import of the same file
    recognisable."""

    __tablename__ = "bank_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    file_name: Mapped[str] = mapped_column(String(300))
    file_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account: Mapped[str] = mapped_column(String(20), default="")
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    payments_count: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class Payment(Base):
    """Money received: cash, or a bank payment order from a statement. A bank payment not
    yet recognised has no client until someone assigns it (the review screen)."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        # The same payment order in two overlapping statements is one payment.
        Index("ix_payments_bank_document", "paid_on", "doc_number", "payer_account",
              "amount", unique=True,
              postgresql_where=text("kind = 'bank'"), sqlite_where=text("kind = 'bank'")),
        Index("ix_payments_client_id_paid_on", "client_id", "paid_on"),
        Index("ix_payments_unassigned", "paid_on",
              postgresql_where=text("client_id IS NULL"),
              sqlite_where=text("client_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PaymentKind] = mapped_column(str_enum(PaymentKind))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    purpose: Mapped[str] = mapped_column(Text, default="")
    payer_name: Mapped[str] = mapped_column(String(500), default="")
    payer_inn: Mapped[str] = mapped_column(String(12), default="", index=True)
    payer_account: Mapped[str] = mapped_column(String(20), default="")
    doc_number: Mapped[str] = mapped_column(String(30), default="")
    statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_statements.id", ondelete="SET NULL"), index=True)
    match_note: Mapped[str] = mapped_column(String(300), default="")  # how it was matched
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))


class PaymentAllocation(Base):
    """Part of a payment credited to a document (an invoice); the rest is an advance."""

    __tablename__ = "payment_allocations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("payment_id", "document_id"),
        ForeignKeyConstraint(["client_id", "document_id"],
                             ["money_documents.client_id", "money_documents.id"],
                             name="fk_payment_allocations_document_of_client"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"),
                                            index=True)
    document_id: Mapped[int] = mapped_column(index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
