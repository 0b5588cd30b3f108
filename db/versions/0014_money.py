"""Money: companies (субъекты учёта), price lists, client discounts, VIP programmes with
interval discounts, documents with amounts and their number series, billing registers,
bank statements, payments and their allocation to documents.

Revision ID: 0014
Revises: 0013

Amounts are NUMERIC(14,2) on PostgreSQL and whole kopecks (INTEGER) on SQLite, whose
NUMERIC is a float (the program's ``Money`` type converts; both give Decimal).

On PostgreSQL the server's part (:func:`_server_sql`) gives the new tables what 0010 and
0012 gave theirs: privileges, row-level security by client, rights per statement, who
did it from the login, the change log and change notices; documents are numbered by the
database and never changed once written.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
MONEY = sa.Numeric(14, 2).with_variant(sa.BigInteger(), "sqlite")
TABLES = ("companies", "price_lists", "price_list_items", "client_discounts",
          "vip_programmes", "vip_tiers", "vip_members", "document_counters", "billing_runs",
          "money_documents", "money_document_lines", "bank_statements", "payments",
          "payment_allocations")
RIGHTS = {
    "money.prices": "Прейскуранты",
    "money.discounts": "Скидки и VIP-программы",
    "money.documents": "Выписка счетов и актов",
    "money.payments": "Платежи",
}
ROLE_RIGHTS = {
    "admin": tuple(RIGHTS),
    "head": tuple(RIGHTS),
    "manager": ("money.documents",),
}


def upgrade() -> None:
    op.create_table('companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('inn', sa.String(length=12), nullable=False),
    sa.Column('kpp', sa.String(length=9), nullable=False),
    sa.Column('ogrn', sa.String(length=15), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('bank_name', sa.String(length=300), nullable=False),
    sa.Column('bik', sa.String(length=9), nullable=False),
    sa.Column('account', sa.String(length=20), nullable=False),
    sa.Column('corr_account', sa.String(length=20), nullable=False),
    sa.Column('director', sa.String(length=200), nullable=False),
    sa.Column('accountant', sa.String(length=200), nullable=False),
    sa.Column('tax_mode', sa.Enum('vat', 'usn', name='taxmode', native_enum=False, length=20), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('payment_days', sa.Integer(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('payment_days >= 0', name=op.f('ck_companies_payment_days_positive')),
    sa.CheckConstraint('vat_rate >= 0 AND vat_rate <= 100', name=op.f('ck_companies_vat_rate_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_companies'))
    )
    op.create_index('ix_companies_one_default', 'companies', ['is_default'], unique=True, postgresql_where=sa.text('is_default'), sqlite_where=sa.text('is_default'))
    op.create_table('vip_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vip_programmes')),
    sa.UniqueConstraint('name', name=op.f('uq_vip_programmes_name'))
    )
    op.create_table('document_counters',
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invoice', 'act', 'upd', name='documentkind', native_enum=False, length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_document_counters_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('company_id', 'kind', 'year', name=op.f('pk_document_counters'))
    )
    op.create_table('vip_tiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('min_systems', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.CheckConstraint('min_systems >= 0', name=op.f('ck_vip_tiers_min_systems_positive')),
    sa.CheckConstraint('percent >= 0 AND percent <= 100', name=op.f('ck_vip_tiers_percent_range')),
    sa.ForeignKeyConstraint(['programme_id'], ['vip_programmes.id'], name=op.f('fk_vip_tiers_programme_id_vip_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vip_tiers')),
    sa.UniqueConstraint('programme_id', 'min_systems', name=op.f('uq_vip_tiers_programme_id_min_systems'))
    )
    op.create_table('bank_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('account', sa.String(length=20), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=True),
    sa.Column('date_to', sa.Date(), nullable=True),
    sa.Column('payments_count', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_bank_statements_company_id_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['imported_by_id'], ['employees.id'], name=op.f('fk_bank_statements_imported_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statements')),
    sa.UniqueConstraint('file_hash', name=op.f('uq_bank_statements_file_hash'))
    )
    op.create_index(op.f('ix_bank_statements_company_id'), 'bank_statements', ['company_id'], unique=False)
    op.create_table('billing_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('kinds', sa.String(length=60), nullable=False),
    sa.Column('state', sa.Enum('running', 'done', 'cancelled', name='billingstate', native_enum=False, length=20), nullable=False),
    sa.Column('documents_count', sa.Integer(), nullable=False),
    sa.Column('total', MONEY, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_billing_runs_company_id_companies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_billing_runs_created_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_runs'))
    )
    op.create_index(op.f('ix_billing_runs_company_id'), 'billing_runs', ['company_id'], unique=False)
    op.create_index(op.f('ix_billing_runs_period'), 'billing_runs', ['period'], unique=False)
    op.create_table('price_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_price_lists_company_id_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_price_lists_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_price_lists_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_lists'))
    )
    op.create_index(op.f('ix_price_lists_company_id'), 'price_lists', ['company_id'], unique=False)
    op.create_index(op.f('ix_price_lists_valid_from'), 'price_lists', ['valid_from'], unique=False)
    op.create_table('client_discounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('percent > 0 AND percent <= 100', name=op.f('ck_client_discounts_percent_range')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_client_discounts_dates_in_order')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_discounts_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_client_discounts_created_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_discounts'))
    )
    op.create_index('ix_client_discounts_client_id_valid_from', 'client_discounts', ['client_id', 'valid_from'], unique=False)
    op.create_table('money_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('invoice', 'act', 'upd', name='documentkind', native_enum=False, length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('number_text', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('period', sa.Date(), nullable=True),
    sa.Column('direction_id', sa.Integer(), nullable=True),
    sa.Column('tax_mode', sa.Enum('vat', 'usn', name='taxmode', native_enum=False, length=20), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('net', MONEY, nullable=False),
    sa.Column('vat', MONEY, nullable=False),
    sa.Column('total', MONEY, nullable=False),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('billing_run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('number >= 1', name=op.f('ck_money_documents_number_positive')),
    sa.CheckConstraint('total = net + vat', name=op.f('ck_money_documents_total_adds_up')),
    sa.CheckConstraint('vat_rate >= 0 AND vat_rate <= 100', name=op.f('ck_money_documents_vat_rate_range')),
    sa.ForeignKeyConstraint(['billing_run_id'], ['billing_runs.id'], name=op.f('fk_money_documents_billing_run_id_billing_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_money_documents_client_id_clients')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_money_documents_company_id_companies')),
    sa.ForeignKeyConstraint(['corrects_id'], ['money_documents.id'], name=op.f('fk_money_documents_corrects_id_money_documents')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_money_documents_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['direction_id'], ['directions.id'], name=op.f('fk_money_documents_direction_id_directions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invoice_id'], ['money_documents.id'], name=op.f('fk_money_documents_invoice_id_money_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_money_documents')),
    sa.UniqueConstraint('client_id', 'id', name=op.f('uq_money_documents_client_id_id')),
    sa.UniqueConstraint('company_id', 'kind', 'year', 'number', name=op.f('uq_money_documents_company_id_kind_year_number'))
    )
    op.create_index('ix_money_documents_billed_once', 'money_documents', ['company_id', 'kind', 'client_id', 'period'], unique=True, postgresql_where=sa.text('billing_run_id IS NOT NULL AND corrects_id IS NULL'), sqlite_where=sa.text('billing_run_id IS NOT NULL AND corrects_id IS NULL'))
    op.create_index(op.f('ix_money_documents_billing_run_id'), 'money_documents', ['billing_run_id'], unique=False)
    op.create_index('ix_money_documents_client_id_issued_on', 'money_documents', ['client_id', 'issued_on'], unique=False)
    op.create_index(op.f('ix_money_documents_corrects_id'), 'money_documents', ['corrects_id'], unique=False)
    op.create_index(op.f('ix_money_documents_direction_id'), 'money_documents', ['direction_id'], unique=False)
    op.create_index(op.f('ix_money_documents_invoice_id'), 'money_documents', ['invoice_id'], unique=False)
    op.create_index('ix_money_documents_kind_issued_on', 'money_documents', ['kind', 'issued_on'], unique=False)
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('cash', 'bank', name='paymentkind', native_enum=False, length=20), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('payer_name', sa.String(length=500), nullable=False),
    sa.Column('payer_inn', sa.String(length=12), nullable=False),
    sa.Column('payer_account', sa.String(length=20), nullable=False),
    sa.Column('doc_number', sa.String(length=30), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('match_note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_payments_client_id_clients')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_payments_company_id_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_payments_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['statement_id'], ['bank_statements.id'], name=op.f('fk_payments_statement_id_bank_statements'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    op.create_index('ix_payments_bank_document', 'payments', ['paid_on', 'doc_number', 'payer_account', 'amount'], unique=True, postgresql_where=sa.text("kind = 'bank'"), sqlite_where=sa.text("kind = 'bank'"))
    op.create_index('ix_payments_client_id_paid_on', 'payments', ['client_id', 'paid_on'], unique=False)
    op.create_index(op.f('ix_payments_company_id'), 'payments', ['company_id'], unique=False)
    op.create_index(op.f('ix_payments_payer_inn'), 'payments', ['payer_inn'], unique=False)
    op.create_index(op.f('ix_payments_statement_id'), 'payments', ['statement_id'], unique=False)
    op.create_index('ix_payments_unassigned', 'payments', ['paid_on'], unique=False, postgresql_where=sa.text('client_id IS NULL'), sqlite_where=sa.text('client_id IS NULL'))
    op.create_table('price_list_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=True),
    sa.Column('min_network_size', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('price', MONEY, nullable=False),
    sa.CheckConstraint("(system_id IS NULL) <> (service = '')", name=op.f('ck_price_list_items_system_or_service')),
    sa.CheckConstraint('min_network_size >= 1', name=op.f('ck_price_list_items_network_size_positive')),
    sa.CheckConstraint('price >= 0', name=op.f('ck_price_list_items_price_not_negative')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_price_list_items_price_list_id_price_lists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['system_id'], ['product_systems.id'], name=op.f('fk_price_list_items_system_id_product_systems')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_list_items')),
    sa.UniqueConstraint('price_list_id', 'system_id', 'min_network_size', 'service', name=op.f('uq_price_list_items_price_list_id_system_id_min_network_size_service'))
    )
    op.create_index(op.f('ix_price_list_items_price_list_id'), 'price_list_items', ['price_list_id'], unique=False)
    op.create_index(op.f('ix_price_list_items_system_id'), 'price_list_items', ['system_id'], unique=False)
    op.create_table('vip_members',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('applied_systems', sa.Integer(), nullable=False),
    sa.Column('applied_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_vip_members_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['vip_programmes.id'], name=op.f('fk_vip_members_programme_id_vip_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_vip_members'))
    )
    op.create_index(op.f('ix_vip_members_programme_id'), 'vip_members', ['programme_id'], unique=False)
    op.create_table('payment_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payment_allocations_amount_positive')),
    sa.ForeignKeyConstraint(['client_id', 'document_id'], ['money_documents.client_id', 'money_documents.id'], name='fk_payment_allocations_document_of_client'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_payment_allocations_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_payment_allocations_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_allocations_payment_id_payments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_allocations')),
    sa.UniqueConstraint('payment_id', 'document_id', name=op.f('uq_payment_allocations_payment_id_document_id'))
    )
    op.create_index(op.f('ix_payment_allocations_client_id'), 'payment_allocations', ['client_id'], unique=False)
    op.create_index(op.f('ix_payment_allocations_document_id'), 'payment_allocations', ['document_id'], unique=False)
    op.create_index(op.f('ix_payment_allocations_payment_id'), 'payment_allocations', ['payment_id'], unique=False)
    op.create_table('money_document_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('price', MONEY, nullable=False),
    sa.Column('net', MONEY, nullable=False),
    sa.Column('vat', MONEY, nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('distributive_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount = net + vat', name=op.f('ck_money_document_lines_amount_adds_up')),
    sa.ForeignKeyConstraint(['client_id', 'document_id'], ['money_documents.client_id', 'money_documents.id'], name='fk_money_document_lines_document_of_client', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_money_document_lines_client_id_clients')),
    sa.ForeignKeyConstraint(['distributive_id'], ['distributives.id'], name=op.f('fk_money_document_lines_distributive_id_distributives'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_money_document_lines')),
    sa.UniqueConstraint('document_id', 'position', name=op.f('uq_money_document_lines_document_id_position'))
    )
    op.create_index(op.f('ix_money_document_lines_client_id'), 'money_document_lines', ['client_id'], unique=False)
    op.create_index(op.f('ix_money_document_lines_distributive_id'), 'money_document_lines', ['distributive_id'], unique=False)
    op.create_index(op.f('ix_money_document_lines_document_id'), 'money_document_lines', ['document_id'], unique=False)

    bind = op.get_bind()
    rights = sa.table("access_rights", sa.column("code"), sa.column("title"))
    op.bulk_insert(rights, [{"code": c, "title": t} for c, t in RIGHTS.items()])
    roles = set(bind.execute(sa.text("select role from access_roles")).scalars())
    role_rights = sa.table("role_rights", sa.column("role"), sa.column("right_code"))
    op.bulk_insert(role_rights, [{"role": r, "right_code": c}
                                 for r, codes in ROLE_RIGHTS.items() if r in roles
                                 for c in codes])
    if bind.dialect.name == "postgresql" and bind.execute(
            sa.text("select to_regrole('vostok_user') is not null")).scalar():
        for statement in _server_sql(bind):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        op.drop_table(table)
    if bind.dialect.name == "postgresql":
        schema = bind.execute(sa.text("select current_schema()")).scalar_one()
        op.execute(f"DROP POLICY IF EXISTS vostok_unassigned_payments ON {schema}.change_log")
        for fn in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {schema}.{fn}")
    listed = ", ".join(f"'{c}'" for c in RIGHTS)
    op.execute(f"DELETE FROM role_rights WHERE right_code IN ({listed})")
    op.execute(f"DELETE FROM access_rights WHERE code IN ({listed})")


# --------------------------------------------------------------------------- PostgreSQL

# Tables whose rows belong to a client (row-level security by client_id).
CLIENT_ROWS = ("client_discounts", "vip_members", "money_documents", "money_document_lines",
               "payment_allocations")
# Rights per statement: table -> (insert, update, delete).
TABLE_RIGHTS = {
    "companies": ("reference.edit",) * 3,
    "price_lists": ("money.prices",) * 3,
    "price_list_items": ("money.prices",) * 3,
    "client_discounts": ("money.discounts",) * 3,
    "vip_programmes": ("money.discounts",) * 3,
    "vip_tiers": ("money.discounts",) * 3,
    "money_documents": ("money.documents",) * 3,
    "money_document_lines": ("money.documents",) * 3,
    "billing_runs": ("money.documents",) * 3,
    "bank_statements": ("money.payments",) * 3,
    "payments": ("money.payments",) * 3,
    "payment_allocations": ("money.payments",) * 3,
}
# Who did it: table -> (columns stamped on INSERT, on UPDATE, the author column kept).
STAMPED = {
    "money_documents": (("created_by_id",), (), "created_by_id"),
    "payments": (("created_by_id",), (), "created_by_id"),
    "payment_allocations": (("created_by_id",), (), "created_by_id"),
    "client_discounts": (("created_by_id",), (), "created_by_id"),
    "price_lists": (("created_by_id", "updated_by_id"), ("updated_by_id",), "created_by_id"),
    "bank_statements": (("imported_by_id",), (), "imported_by_id"),
    "billing_runs": (("created_by_id",), (), "created_by_id"),
}
# Client tables with the change log and change notices of 0007/0009 (vip_members, keyed
# by its client, has its own: vostok_log_change needs an ``id``).
LOGGED = ("client_discounts", "money_documents", "payments", "payment_allocations")
PREFIX = {"invoice": "С", "act": "А", "upd": "У"}
# What a payment keeps for ever (client_id and match_note are the columns that change).
PAYMENT_FIXED = ("kind", "company_id", "paid_on", "amount", "purpose", "payer_name",
                 "payer_inn", "payer_account", "doc_number", "statement_id", "created_at")
# The columns of a VIP membership only «Скидки и VIP-программы» changes.
VIP_OWN = ("client_id", "programme_id", "since")
# The functions made here (CREATE OR REPLACE: an upgrade after a downgrade replaces them;
# a downgrade that wants them gone drops these).
FUNCTIONS = ("vostok_number_document()", "vostok_money_document_client(integer)",
             "vostok_payment_guard()", "vostok_check_allocations()",
             "vostok_check_vip_member()", "vostok_log_vip_member()",
             "vostok_notify_keyed()")


def _server_sql(bind: sa.Connection) -> list[str]:
    """The server's part; see the module's docstring."""
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    safe_path = f"pg_catalog, {schema}, pg_temp"
    written = tuple(t for t in TABLES if t != "document_counters")
    sequences = tuple(f"{schema}.{t}_id_seq" for t in written if t != "vip_members")
    sql: list[str] = []

    # -- privileges ------------------------------------------------------------------------
    listed = ", ".join(f"{schema}.{t}" for t in written)
    sql += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {listed} TO vostok_user",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON {listed} FROM vostok_user",
        f"GRANT USAGE, SELECT ON SEQUENCE {', '.join(sequences)} TO vostok_user",
        f"REVOKE UPDATE ON SEQUENCE {', '.join(sequences)} FROM vostok_user",
        # The number series is the numbering trigger's alone.
        f"REVOKE ALL ON {schema}.document_counters FROM PUBLIC, vostok_user",
        # An issued document is never changed: a correction is a storno document.
        f"REVOKE UPDATE, DELETE ON {schema}.money_documents, {schema}.money_document_lines "
        "FROM vostok_user",
    ]

    # -- row-level security (WITH CHECK = USING) ---------------------------------------------
    def by_client(table: str) -> str:
        return f"(SELECT true FROM {schema}.clients vc WHERE vc.id = {table}.client_id)"

    unassigned = ("payments.client_id IS NULL AND "
                  f"(SELECT {schema}.vostok_has_right('money.payments'))")
    visible = {t: by_client(t) for t in CLIENT_ROWS}
    visible["payments"] = f"({unassigned}) OR {by_client('payments')}"
    see_all = {t: "true" for t in CLIENT_ROWS}
    see_all["payments"] = f"payments.client_id IS NOT NULL OR ({unassigned})"
    for table, rule in visible.items():
        sql += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_see_all ON {schema}.{table} TO vostok_see_all "
            f"USING ({see_all[table]}) WITH CHECK ({see_all[table]})",
            f"CREATE POLICY vostok_see_limited ON {schema}.{table} TO vostok_see_limited "
            f"USING ({rule}) WITH CHECK ({rule})",
        ]
    # A document's client, for the caller only where the caller sees it (a policy on
    # money_documents cannot read money_documents itself: that recursion is refused).
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_money_document_client(doc integer)
    RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {safe_path} AS $$
      SELECT d.client_id FROM money_documents d
      WHERE d.id = doc AND vostok_client_visible(d.client_id)
    $$""")
    sql += [f"REVOKE ALL ON FUNCTION {schema}.vostok_money_document_client(integer) "
            "FROM PUBLIC",
            f"GRANT EXECUTE ON FUNCTION {schema}.vostok_money_document_client(integer) "
            "TO vostok_user"]
    # A storno corrects, an act follows, a visible document of the same client; an
    # allocation spends a payment of its own client.
    def same_client_document(column: str) -> str:
        return (f"(money_documents.{column} IS NULL OR "
                f"{schema}.vostok_money_document_client(money_documents.{column}) "
                "= money_documents.client_id)")

    named = {
        "money_documents": f"{same_client_document('corrects_id')} AND "
                           f"{same_client_document('invoice_id')}",
        # Lines are written with their document, in its transaction (the server sets the
        # document's created_at to the transaction's start): an issued document gets
        # no lines later.
        "money_document_lines": f"(SELECT vd.created_at FROM {schema}.money_documents vd "
                                "WHERE vd.id = money_document_lines.document_id) = now()",
        "payment_allocations": f"(SELECT vp.client_id FROM {schema}.payments vp "
                               "WHERE vp.id = payment_allocations.payment_id) "
                               "= payment_allocations.client_id",
    }
    for table, rule in named.items():
        sql += [
            f"CREATE POLICY vostok_names_visible ON {schema}.{table} AS RESTRICTIVE "
            f"FOR INSERT TO vostok_user WITH CHECK ({rule})",
            f"CREATE POLICY vostok_names_visible_update ON {schema}.{table} AS RESTRICTIVE "
            f"FOR UPDATE TO vostok_user USING (true) WITH CHECK ({rule})",
        ]
    # The change log of an unassigned payment is read as the payment is: with «Платежи».
    log_rule = ("change_log.table_name <> 'payments' OR change_log.client_id IS NOT NULL "
                f"OR (SELECT {schema}.vostok_has_right('money.payments'))")
    sql += [
        f"DROP POLICY IF EXISTS vostok_unassigned_payments ON {schema}.change_log",
        f"CREATE POLICY vostok_unassigned_payments ON {schema}.change_log AS RESTRICTIVE "
        f"FOR SELECT TO vostok_user USING ({log_rule})",
    ]

    # -- rights ------------------------------------------------------------------------------
    for table, (ins, upd, dele) in TABLE_RIGHTS.items():
        sql.append(f"""CREATE TRIGGER vostok_rights BEFORE INSERT OR UPDATE OR DELETE
            ON {schema}.{table} FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{ins}', '{upd}', '{dele}')""")
    # A VIP membership is added, moved and removed with «Скидки и VIP-программы»; its
    # applied values follow the client's distributives, whoever moved them (below).
    vip_changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in VIP_OWN)
    sql += [
        f"""CREATE TRIGGER vostok_rights BEFORE INSERT OR DELETE ON {schema}.vip_members
            FOR EACH STATEMENT EXECUTE FUNCTION {schema}.vostok_rights_guard(
              'money.discounts', 'money.discounts', 'money.discounts')""",
        f"""CREATE TRIGGER vostok_rights_update BEFORE UPDATE ON {schema}.vip_members
            FOR EACH ROW WHEN ({vip_changed})
            EXECUTE FUNCTION {schema}.vostok_row_right('money.discounts')""",
    ]

    # -- numbering: the database's, per (company, kind, year), without gaps ------------------
    prefix = " ".join(f"WHEN '{k}' THEN '{p}'" for k, p in PREFIX.items())
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_number_document() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    BEGIN
      IF NEW.issued_on IS NULL OR NEW.company_id IS NULL OR NEW.kind IS NULL THEN
        RAISE EXCEPTION 'У документа нет даты, вида или субъекта учёта'
          USING ERRCODE = 'not_null_violation';
      END IF;
      NEW.year := extract(year FROM NEW.issued_on)::integer;
      IF NOT vostok_is_privileged() THEN
        NEW.created_at := now();
      END IF;
      -- One row per series: a concurrent insert waits for this one's transaction and
      -- takes the next number; a rolled-back one gives its number back.
      INSERT INTO {schema}.document_counters AS c (company_id, kind, year, last_number)
      VALUES (NEW.company_id, NEW.kind, NEW.year, 1)
      ON CONFLICT (company_id, kind, year) DO UPDATE SET last_number = c.last_number + 1
      RETURNING c.last_number INTO NEW.number;
      NEW.number_text := (CASE NEW.kind {prefix} END) || '-' || NEW.number::text;
      IF NEW.number_text IS NULL THEN
        RAISE EXCEPTION 'Неизвестный вид документа «%»', NEW.kind
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$""")
    sql.append(f"""CREATE TRIGGER vostok_number BEFORE INSERT ON {schema}.money_documents
        FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_number_document()""")

    # -- payments: the bank's facts stay; a payment is only assigned and annotated -----------
    fixed = "\n".join(
        f"      IF OLD.{c} IS DISTINCT FROM NEW.{c}{_cleared(c)} THEN "
        f"refused := refused || '{c}'::text; END IF;" for c in PAYMENT_FIXED)
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_payment_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {safe_path} AS $$
    DECLARE
      refused text[] := '{{}}';
    BEGIN
      IF vostok_is_privileged() THEN RETURN NEW; END IF;  -- the owner's corrections
{fixed}
      IF refused <> '{{}}' THEN
        RAISE EXCEPTION 'Платёж не меняют: %', array_to_string(refused, ', ')
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'У платежа меняют только клиента (разнесение неразнесённого) '
                       'и примечание';
      END IF;
      IF OLD.client_id IS DISTINCT FROM NEW.client_id AND OLD.client_id IS NOT NULL THEN
        RAISE EXCEPTION 'Платёж уже отнесён к клиенту: другому клиенту его не переносят'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$""")
    sql.append(f"""CREATE TRIGGER vostok_payment_guard BEFORE UPDATE ON {schema}.payments
        FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_payment_guard()""")
    # Allocations never exceed the payment nor the document (all of their allocations,
    # seen or not; the rows locked so that two sessions cannot both spend the rest).
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_check_allocations() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      p record;
      d record;
      spent numeric;
    BEGIN
      SELECT id, amount, doc_number, paid_on INTO p FROM {schema}.payments
      WHERE id = NEW.payment_id FOR NO KEY UPDATE;
      SELECT id, total, number_text, issued_on INTO d FROM {schema}.money_documents
      WHERE id = NEW.document_id FOR NO KEY UPDATE;
      SELECT coalesce(sum(a.amount), 0) INTO spent FROM {schema}.payment_allocations a
      WHERE a.payment_id = NEW.payment_id;
      IF spent > p.amount THEN
        RAISE EXCEPTION 'Платёж №% от % на % руб. разнесён на % руб.: больше его суммы',
          coalesce(nullif(p.doc_number, ''), p.id::text), to_char(p.paid_on, 'DD.MM.YYYY'),
          p.amount, spent USING ERRCODE = 'check_violation';
      END IF;
      SELECT coalesce(sum(a.amount), 0) INTO spent FROM {schema}.payment_allocations a
      WHERE a.document_id = NEW.document_id;
      IF spent > d.total THEN
        RAISE EXCEPTION 'Оплата документа № % от % — % руб. — больше его суммы % руб.',
          d.number_text, to_char(d.issued_on, 'DD.MM.YYYY'), spent, d.total
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$""")
    sql.append(f"""CREATE CONSTRAINT TRIGGER vostok_allocations_fit
        AFTER INSERT OR UPDATE ON {schema}.payment_allocations
        DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW
        EXECUTE FUNCTION {schema}.vostok_check_allocations()""")

    # -- VIP: the applied values are the true ones -------------------------------------------
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_check_vip_member() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      served integer;
      pct numeric;
    BEGIN
      IF vostok_is_privileged() THEN RETURN NEW; END IF;
      SELECT count(*) INTO served FROM {schema}.distributives d
      WHERE d.client_id = NEW.client_id AND d.status = 'served';
      SELECT t.percent INTO pct FROM {schema}.vip_tiers t
      WHERE t.programme_id = NEW.programme_id AND t.min_systems <= served
      ORDER BY t.min_systems DESC LIMIT 1;
      pct := coalesce(pct, 0);
      IF NEW.applied_systems IS DISTINCT FROM served
         OR NEW.applied_percent IS DISTINCT FROM pct THEN
        RAISE EXCEPTION 'Неверная скидка VIP: у клиента % систем на сопровождении, '
                        'по программе ему положено % %%, а не % систем и % %%',
          served, pct, NEW.applied_systems, NEW.applied_percent
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$""")
    vip_values = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in
                             ("applied_systems", "applied_percent", "programme_id",
                              "client_id"))
    sql += [
        f"""CREATE TRIGGER vostok_true_values_insert BEFORE INSERT ON {schema}.vip_members
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_check_vip_member()""",
        f"""CREATE TRIGGER vostok_true_values_update BEFORE UPDATE ON {schema}.vip_members
            FOR EACH ROW WHEN ({vip_values})
            EXECUTE FUNCTION {schema}.vostok_check_vip_member()""",
    ]

    # -- who did it (0009's vostok_stamp_editor, 0010's vostok_keep_author) ------------------
    for table, (on_insert, on_update, author) in STAMPED.items():
        sql.append(f"""CREATE TRIGGER vostok_stamp_insert BEFORE INSERT ON {schema}.{table}
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_stamp_editor({_args(on_insert)})""")
        if on_update:
            sql.append(f"""CREATE TRIGGER vostok_stamp_update BEFORE UPDATE ON {schema}.{table}
                FOR EACH ROW
                EXECUTE FUNCTION {schema}.vostok_stamp_editor({_args(on_update)})""")
        sql.append(f"""CREATE TRIGGER vostok_keep_author BEFORE UPDATE ON {schema}.{table}
            FOR EACH ROW WHEN (OLD.{author} IS DISTINCT FROM NEW.{author})
            EXECUTE FUNCTION {schema}.vostok_keep_author()""")

    # -- the change log (rows carry client_id: vostok_row_client finds it; a payment's may
    # be NULL, then the line is read with «Платежи», above) --------------------------------
    for table in LOGGED:
        sql += [
            f"""CREATE TRIGGER vostok_change_log AFTER UPDATE OR DELETE ON {schema}.{table}
                FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_log_change()""",
            f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT ON {schema}.{table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_log_inserts()""",
        ]
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_log_vip_member() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      o jsonb := CASE WHEN TG_OP = 'INSERT' THEN '{{}}'::jsonb ELSE to_jsonb(OLD) END;
      n jsonb := CASE WHEN TG_OP = 'DELETE' THEN '{{}}'::jsonb ELSE to_jsonb(NEW) END;
      cid integer := ((CASE WHEN TG_OP = 'DELETE' THEN o ELSE n END) ->> 'client_id')::integer;
      who integer := coalesce(vostok_employee_id(),
          CASE WHEN vostok_is_privileged()
               THEN nullif(current_setting('vostok.employee_id', true), '')::integer END);
      k text;
    BEGIN
      FOR k IN SELECT jsonb_object_keys(o || n) LOOP
        CONTINUE WHEN k IN ('client_id', 'updated_at');
        IF vostok_log_value(o -> k) IS DISTINCT FROM vostok_log_value(n -> k) THEN
          INSERT INTO {schema}.change_log (changed_at, employee_id, table_name, row_id,
                                           client_id, field, old_value, new_value, tx_id)
          VALUES (now(), who, TG_TABLE_NAME, cid, cid, k, vostok_log_value(o -> k),
                  vostok_log_value(n -> k), txid_current());
        END IF;
      END LOOP;
      RETURN NULL;
    END $$""")
    sql.append(f"""CREATE TRIGGER vostok_change_log AFTER INSERT OR UPDATE OR DELETE
        ON {schema}.vip_members FOR EACH ROW
        EXECUTE FUNCTION {schema}.vostok_log_vip_member()""")

    # -- change notices (0009's, per listener) ------------------------------------------------
    # An unassigned payment is heard of only by those with «Платежи»; a membership is
    # keyed by its client.
    sql.append(_notify_keyed_sql(schema, safe_path))
    notified = {t: "vostok_notify_changes('t.client_id')" for t in LOGGED}
    notified["payments"] = "vostok_notify_keyed('t.id', 't.client_id', 'money.payments')"
    notified["vip_members"] = "vostok_notify_keyed('t.client_id', 't.client_id', '')"
    for table, function in notified.items():
        for event, ref in (("INSERT", "NEW TABLE AS changed_rows"),
                           ("UPDATE", "NEW TABLE AS changed_rows"),
                           ("DELETE", "OLD TABLE AS changed_rows")):
            sql.append(f"""CREATE TRIGGER vostok_notify_{event.lower()} AFTER {event}
                ON {schema}.{table} REFERENCING {ref} FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.{function}""")
    return sql


def _args(columns: tuple[str, ...]) -> str:
    return ", ".join(f"'{c}'" for c in columns)


def _cleared(column: str) -> str:
    """A payment's statement or company may be cleared by deleting that row (SET NULL)."""
    parent = {"statement_id": "bank_statements", "company_id": "companies"}.get(column)
    if parent is None:
        return ""
    return (f" AND NOT (NEW.{column} IS NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {parent} x WHERE x.id = OLD.{column}))")


def _notify_keyed_sql(schema: str, safe_path: str) -> str:
    """0009's vostok_notify_changes for a table keyed otherwise than by ``id`` or whose
    rows without a client are not everybody's: TG_ARGV[0] is the row's key, TG_ARGV[1]
    its client (over the transition row ``t``), TG_ARGV[2] the right a limited viewer
    needs to hear of a row without a client ('' : nobody limited hears of one)."""
    return f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_notify_keyed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      total integer;
      v record;
    BEGIN
      SELECT count(*) INTO total FROM (SELECT 1 FROM changed_rows LIMIT 201) x;
      IF total = 0 THEN RETURN NULL; END IF;
      FOR v IN EXECUTE format($q$
        WITH r AS (SELECT n.id, n.cid,
                          (SELECT c.visible_to FROM clients c WHERE c.id = n.cid) AS vt
                   FROM (SELECT %s AS id, %s AS cid FROM changed_rows t) n),
        viewers AS (
          SELECT e.id AS emp,
                 CASE WHEN ar.visibility = 'department' AND e.department_id IS NOT NULL
                      THEN (SELECT array_agg(o.id) FROM employees o
                            WHERE o.department_id = e.department_id)
                      ELSE ARRAY[e.id] END AS emps,
                 EXISTS (SELECT 1 FROM role_rights rr
                         WHERE rr.role = e.role AND rr.right_code = $2) AS unassigned
          FROM employees e JOIN access_roles ar ON ar.role = e.role
          WHERE e.is_active AND ar.visibility <> 'all')
        SELECT NULL::integer AS emp, array_agg(r.id) FILTER (WHERE $1) AS ids,
               array_remove(array_agg(DISTINCT r.cid) FILTER (WHERE $1), NULL) AS cids
        FROM r
        UNION ALL
        SELECT w.emp, array_agg(r.id) FILTER (WHERE $1),
               array_remove(array_agg(DISTINCT r.cid) FILTER (WHERE $1), NULL)
        FROM viewers w JOIN r ON (r.cid IS NULL AND w.unassigned) OR r.vt && w.emps
        GROUP BY w.emp$q$, TG_ARGV[0], TG_ARGV[1])
        USING total <= 200, TG_ARGV[2]
      LOOP
        PERFORM pg_notify(vostok_channel(v.emp), json_build_object(
          'table', TG_TABLE_NAME, 'op', TG_OP, 'ids', v.ids, 'clients', v.cids,
          'pid', pg_backend_pid())::text);
      END LOOP;
      RETURN NULL;
    END $$"""
