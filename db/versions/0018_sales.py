"""Sales: leads (заявки) from the website, deals with configurable stages, instruments of attraction, need rules (positions → recommended systems).

Revision ID: 0018
Revises: 0017

On PostgreSQL (:func:`_server_sql`), as 0014 did for its client tables: privileges,
row-level security by client (a deal, its stage history and a lead matched to a client
are seen by whoever sees the client; a lead not yet matched by the holders of «Загрузка
заявок» and by its responsible only), rights per statement (the catalogues — stages,
instruments, need rules — with «Настройка продаж»; leads and import batches are added
and deleted with «Загрузка заявок»), who did it and when from the login and the
server's clock, the change log and change notices.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
RIGHTS: dict[str, str] = {"sales.setup": "Настройка продаж", "sales.leads": "Загрузка заявок"}
ROLE_RIGHTS = {"admin": tuple(RIGHTS), "head": tuple(RIGHTS)}
TABLES = ("attraction_instruments", "deal_stages", "need_rules", "lead_batches", "leads",
          "deals", "deal_stage_changes")
MONEY = sa.Numeric(14, 2).with_variant(sa.BigInteger(), "sqlite")
STATUS = sa.Enum("new", "in_work", "converted", "rejected", name="leadstatus",
                 native_enum=False, length=20, create_constraint=False)


def upgrade() -> None:
    op.create_table('attraction_instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attraction_instruments')),
    sa.UniqueConstraint('title', name=op.f('uq_attraction_instruments_title'))
    )
    op.create_table('deal_stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('is_won', sa.Boolean(), nullable=False),
    sa.Column('is_lost', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('NOT (is_won AND is_lost)', name=op.f('ck_deal_stages_won_or_lost')),
    sa.CheckConstraint('probability >= 0 AND probability <= 100', name=op.f('ck_deal_stages_probability_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_stages')),
    sa.UniqueConstraint('title', name=op.f('uq_deal_stages_title'))
    )
    op.create_table('need_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position_pattern', sa.String(length=200), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("system_id IS NOT NULL OR title <> ''", name=op.f('ck_need_rules_has_recommendation')),
    sa.ForeignKeyConstraint(['system_id'], ['product_systems.id'], name=op.f('fk_need_rules_system_id_product_systems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_rules'))
    )
    op.create_index(op.f('ix_need_rules_system_id'), 'need_rules', ['system_id'], unique=False)
    op.create_table('lead_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by_id'], ['employees.id'], name=op.f('fk_lead_batches_imported_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_batches')),
    sa.UniqueConstraint('file_hash', name=op.f('uq_lead_batches_file_hash'))
    )
    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('inn', sa.String(length=12), nullable=False),
    sa.Column('phone', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('responsible_id', sa.Integer(), nullable=True),
    sa.Column('status', STATUS, nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['lead_batches.id'], name=op.f('fk_leads_batch_id_lead_batches'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_leads_client_id_clients'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_leads_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['responsible_id'], ['employees.id'], name=op.f('fk_leads_responsible_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_leads_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads'))
    )
    op.create_index(op.f('ix_leads_batch_id'), 'leads', ['batch_id'], unique=False)
    op.create_index(op.f('ix_leads_client_id'), 'leads', ['client_id'], unique=False)
    op.create_index(op.f('ix_leads_responsible_id'), 'leads', ['responsible_id'], unique=False)
    op.create_index('ix_leads_status_received_at', 'leads', ['status', 'received_at'], unique=False)
    op.create_table('deals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('responsible_id', sa.Integer(), nullable=True),
    sa.Column('expected_sum', MONEY, nullable=False),
    sa.Column('expected_close_on', sa.Date(), nullable=True),
    sa.Column('instrument_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('expected_sum >= 0', name=op.f('ck_deals_sum_not_negative')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_deals_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_deals_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instrument_id'], ['attraction_instruments.id'], name=op.f('fk_deals_instrument_id_attraction_instruments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_deals_lead_id_leads'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['responsible_id'], ['employees.id'], name=op.f('fk_deals_responsible_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_id'], ['deal_stages.id'], name=op.f('fk_deals_stage_id_deal_stages'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_deals_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deals'))
    )
    op.create_index(op.f('ix_deals_client_id'), 'deals', ['client_id'], unique=False)
    op.create_index(op.f('ix_deals_instrument_id'), 'deals', ['instrument_id'], unique=False)
    op.create_index(op.f('ix_deals_lead_id'), 'deals', ['lead_id'], unique=False)
    op.create_index(op.f('ix_deals_responsible_id'), 'deals', ['responsible_id'], unique=False)
    op.create_index(op.f('ix_deals_stage_id'), 'deals', ['stage_id'], unique=False)
    op.create_table('deal_stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('from_stage_id', sa.Integer(), nullable=True),
    sa.Column('to_stage_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['employees.id'], name=op.f('fk_deal_stage_changes_changed_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_deal_stage_changes_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_deal_stage_changes_deal_id_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_stage_id'], ['deal_stages.id'], name=op.f('fk_deal_stage_changes_from_stage_id_deal_stages'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_stage_id'], ['deal_stages.id'], name=op.f('fk_deal_stage_changes_to_stage_id_deal_stages'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_stage_changes'))
    )
    op.create_index(op.f('ix_deal_stage_changes_client_id'), 'deal_stage_changes', ['client_id'], unique=False)
    op.create_index(op.f('ix_deal_stage_changes_deal_id'), 'deal_stage_changes', ['deal_id'], unique=False)
    op.create_index(op.f('ix_deal_stage_changes_to_stage_id'), 'deal_stage_changes', ['to_stage_id'], unique=False)

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
        op.execute(f"DROP POLICY IF EXISTS vostok_unmatched_leads ON {schema}.change_log")
        for fn in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {schema}.{fn}")
    listed = ", ".join(f"'{c}'" for c in RIGHTS)
    op.execute(f"DELETE FROM role_rights WHERE right_code IN ({listed})")
    op.execute(f"DELETE FROM access_rights WHERE code IN ({listed})")


# --------------------------------------------------------------------------- PostgreSQL

CATALOGUES = ("attraction_instruments", "deal_stages", "need_rules")
# Rows of a client (row-level security by client_id); leads have their own rule.
CLIENT_ROWS = ("deals", "deal_stage_changes")
# Rights per statement: table -> (insert, update, delete); None: no right asked.
TABLE_RIGHTS: dict[str, tuple[str | None, str | None, str | None]] = {
    "attraction_instruments": ("sales.setup",) * 3,
    "deal_stages": ("sales.setup",) * 3,
    "need_rules": ("sales.setup",) * 3,
    "lead_batches": ("sales.leads",) * 3,
    # A lead is worked (status, result, client, responsible) by whoever sees it.
    "leads": ("sales.leads", None, "sales.leads"),
}
# Who did it: table -> (columns stamped on INSERT, on UPDATE, the author column kept).
STAMPED = {
    "lead_batches": (("imported_by_id",), (), "imported_by_id"),
    "leads": (("created_by_id", "updated_by_id"), ("updated_by_id",), "created_by_id"),
    "deals": (("created_by_id", "updated_by_id"), ("updated_by_id",), "created_by_id"),
    "deal_stage_changes": (("changed_by_id",), (), "changed_by_id"),
}
# When it was done, by the server's clock (an employee's login cannot back-date it).
SERVER_TIME = {"lead_batches": "imported_at", "leads": "created_at", "deals": "created_at",
               "deal_stage_changes": "changed_at"}
UNMATCHED_LEAD = ("leads.client_id IS NULL AND ((SELECT {schema}.vostok_has_right("
                  "'sales.leads')) OR leads.responsible_id = (SELECT "
                  "{schema}.vostok_employee_id()))")
FUNCTIONS = ("vostok_server_time()",)


def _server_sql(bind: sa.Connection) -> list[str]:
    """The server's part; see the module's docstring."""
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    safe_path = f"pg_catalog, {schema}, pg_temp"
    sql: list[str] = []

    # -- privileges ------------------------------------------------------------------------
    listed = ", ".join(f"{schema}.{t}" for t in TABLES)
    sequences = ", ".join(f"{schema}.{t}_id_seq" for t in TABLES)
    sql += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {listed} TO vostok_user",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON {listed} FROM vostok_user",
        f"GRANT USAGE, SELECT ON SEQUENCE {sequences} TO vostok_user",
        f"REVOKE UPDATE ON SEQUENCE {sequences} FROM vostok_user",
        # The stage history is written, never rewritten.
        f"REVOKE UPDATE, DELETE ON {schema}.deal_stage_changes FROM vostok_user",
    ]

    # -- row-level security (WITH CHECK = USING) ---------------------------------------------
    for table in CATALOGUES + ("lead_batches",):
        sql += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_everyone ON {schema}.{table} TO vostok_user "
            "USING (true) WITH CHECK (true)",
        ]

    def by_client(table: str) -> str:
        return f"(SELECT true FROM {schema}.clients vc WHERE vc.id = {table}.client_id)"

    unmatched = UNMATCHED_LEAD.format(schema=schema)
    visible = {t: by_client(t) for t in CLIENT_ROWS}
    visible["leads"] = f"({unmatched}) OR {by_client('leads')}"
    see_all = {t: "true" for t in CLIENT_ROWS}
    see_all["leads"] = f"leads.client_id IS NOT NULL OR ({unmatched})"
    for table, rule in visible.items():
        sql += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_see_all ON {schema}.{table} TO vostok_see_all "
            f"USING ({see_all[table]}) WITH CHECK ({see_all[table]})",
            f"CREATE POLICY vostok_see_limited ON {schema}.{table} TO vostok_see_limited "
            f"USING ({rule}) WITH CHECK ({rule})",
        ]
    # A stage move is of a deal the caller sees, under that deal's client.
    rule = (f"(SELECT vd.client_id FROM {schema}.deals vd "
            "WHERE vd.id = deal_stage_changes.deal_id) = deal_stage_changes.client_id")
    sql.append(f"CREATE POLICY vostok_names_visible ON {schema}.deal_stage_changes "
               f"AS RESTRICTIVE FOR INSERT TO vostok_user WITH CHECK ({rule})")
    # The change log of a lead not matched to a client is read as the lead is.
    log_rule = ("change_log.table_name <> 'leads' OR change_log.client_id IS NOT NULL "
                f"OR (SELECT {schema}.vostok_has_right('sales.leads'))")
    sql += [
        f"DROP POLICY IF EXISTS vostok_unmatched_leads ON {schema}.change_log",
        f"CREATE POLICY vostok_unmatched_leads ON {schema}.change_log AS RESTRICTIVE "
        f"FOR SELECT TO vostok_user USING ({log_rule})",
    ]

    # -- rights ------------------------------------------------------------------------------
    for table, (ins, upd, dele) in TABLE_RIGHTS.items():
        events = [e for e, r in (("INSERT", ins), ("UPDATE", upd), ("DELETE", dele)) if r]
        sql.append(f"""CREATE TRIGGER vostok_rights BEFORE {' OR '.join(events)}
            ON {schema}.{table} FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{ins or ''}', '{upd or ''}',
                                                          '{dele or ''}')""")

    # -- who did it (0009's vostok_stamp_editor, 0010's vostok_keep_author) and when ---------
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
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_server_time() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {safe_path} AS $$
    BEGIN
      IF TG_OP = 'INSERT' AND NOT vostok_is_privileged() THEN
        NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], now()));
      ELSIF TG_OP = 'UPDATE' THEN
        NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0],
                                                             to_jsonb(OLD) -> TG_ARGV[0]));
      END IF;
      RETURN NEW;
    END $$""")
    sql.append(f"REVOKE ALL ON FUNCTION {schema}.vostok_server_time() FROM PUBLIC")
    for table, column in SERVER_TIME.items():
        sql.append(f"""CREATE TRIGGER vostok_server_time BEFORE INSERT OR UPDATE
            ON {schema}.{table} FOR EACH ROW
            EXECUTE FUNCTION {schema}.vostok_server_time('{column}')""")

    # -- the change log (rows carry client_id: vostok_row_client finds it) ------------------
    for table in TABLES:
        sql += [
            f"""CREATE TRIGGER vostok_change_log AFTER UPDATE OR DELETE ON {schema}.{table}
                FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_log_change()""",
            f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT ON {schema}.{table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_log_inserts()""",
        ]

    # -- change notices (0009's, per listener; 0014's keyed one for leads) -------------------
    notified = {t: "vostok_notify_changes('NULL::integer')"
                for t in CATALOGUES + ("lead_batches",)}
    notified.update({t: "vostok_notify_changes('t.client_id')" for t in CLIENT_ROWS})
    notified["leads"] = "vostok_notify_keyed('t.id', 't.client_id', 'sales.leads')"
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
