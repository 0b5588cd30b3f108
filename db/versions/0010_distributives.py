"""Distributives: the catalogue of КонсультантПлюс systems, clients' kits, distributives
and their movements; the rights «Движение дистрибутивов», «Склад», «ЗВЭ/КЦ файлы» and
«Каталог систем КонсультантПлюс».

Revision ID: 0010
Revises: 0009

Both dialects get the tables and the rights. PostgreSQL also gets, from this first
migration, what 0007/0009 give every client table:

* privileges for ``vostok_user``; the movements are a record: INSERT and SELECT only
  (UPDATE/DELETE are the owner's, for corrections);
* row-level security (WITH CHECK equal to USING): kits and distributives are visible
  exactly where their client is; a distributive on the warehouse (client_id NULL) is
  visible to everybody — stock is the office's common knowledge — and written only with
  «Склад» (the rights below); a movement is visible where its «from» or «to» client is
  (so a transfer shows on both cards), a warehouse movement (neither) to everybody;
  writing a movement needs its distributive and every client it names visible, writing
  a reservation its client (restrictive policies on top of the visibility ones);
* rights checked by the database per statement: the catalogue needs «Каталог систем»;
  kits «Движение дистрибутивов», their ЗВЭ flag also «ЗВЭ/КЦ файлы»; new distributives
  (оприходование) and deleting them «Склад»; a distributive written into a warehouse
  status or a demo copy (in_stock, reserved, demo) needs «Склад», into a client's status
  (served, disconnected) «Движение дистрибутивов», taking one reserved for another client
  «Склад»; a movement of the warehouse (receipt, reserve, unreserve, demo_issue,
  stock_return) «Склад», any other «Движение дистрибутивов»;
* who did it is set by the server: created_by/updated_by of kits and distributives, and
  a movement's employee_id and created_at, from the login (a privileged connection names
  whom it acts for); a row's author is not changed afterwards;
* the change log written by the database (a movement is logged under its «to» client,
  else its «from» client) and change notices (a movement notifies both clients).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
RIGHTS = {
    "distributives.move": "Движение дистрибутивов",
    "distributives.stock": "Склад",
    "distributives.files": "ЗВЭ/КЦ файлы",
    "distributives.catalogue": "Каталог систем КонсультантПлюс",
}
ROLE_RIGHTS = {
    "admin": tuple(RIGHTS),
    "head": tuple(RIGHTS),
    "manager": ("distributives.move",),
    "service_engineer": ("distributives.move",),
}

SYSTEM_KINDS = ("local", "network", "flash", "online")
STATUSES = ("served", "disconnected", "in_stock", "reserved", "demo")
MOVEMENT_KINDS = ("connect", "disconnect", "transfer", "replace", "kit_add", "receipt",
                  "reserve", "unreserve", "demo_issue", "stock_return")
STOCK_STATUSES = ("in_stock", "reserved", "demo")
CLIENT_STATUSES = ("served", "disconnected")
STOCK_MOVEMENTS = ("receipt", "reserve", "unreserve", "demo_issue", "stock_return")

# The change log: table -> columns never logged (beyond 0007's always-skipped ones).
LOGGED = {
    "product_systems": (),
    "kits": (),
    "distributives": (),
    "distributive_movements": ("employee_id",),  # the log line's own employee
}
# Change notices: table -> the client of a transition-table row «t».
NOTIFIED = {
    "product_systems": "NULL::integer",
    "kits": "t.client_id",
    "distributives": "t.client_id",
    "distributive_movements": "coalesce(t.to_client_id, t.from_client_id)",
}


def _str_enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "product_systems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", _str_enum(SYSTEM_KINDS, "systemkind"), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("network_size", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_systems")),
        sa.UniqueConstraint("code", name=op.f("uq_product_systems_code")),
    )
    op.create_table(
        "kits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("ask_expert", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_kits_client_id_clients"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["employees.id"],
                                name=op.f("fk_kits_created_by_id_employees"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["division_id"], ["client_divisions.id"],
                                name=op.f("fk_kits_division_id_client_divisions"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["employees.id"],
                                name=op.f("fk_kits_updated_by_id_employees"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kits")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_kits_client_id_id")),
    )
    op.create_index(op.f("ix_kits_client_id"), "kits", ["client_id"], unique=False)
    op.create_index(op.f("ix_kits_division_id"), "kits", ["division_id"], unique=False)

    op.create_table(
        "distributives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("kind", _str_enum(SYSTEM_KINDS, "systemkind"), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("network_size", sa.Integer(), nullable=False),
        sa.Column("status", _str_enum(STATUSES, "distributivestatus"), nullable=False),
        sa.Column("status_since", sa.Date(), nullable=False),
        sa.Column("last_moved_on", sa.Date(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("kit_id", sa.Integer(), nullable=True),
        sa.Column("engineer_id", sa.Integer(), nullable=True),
        sa.Column("fixed_price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("discount_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("reserved_for_client_id", sa.Integer(), nullable=True),
        sa.Column("reserved_for_employee_id", sa.Integer(), nullable=True),
        sa.Column("demo_until", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("(client_id IS NULL) = (status IN ('in_stock', 'reserved'))",
                           name=op.f("ck_distributives_where_by_status")),
        sa.CheckConstraint("(status = 'demo') = (demo_until IS NOT NULL)",
                           name=op.f("ck_distributives_demo_due")),
        sa.CheckConstraint("(status = 'reserved') = (reserved_for_client_id IS NOT NULL "
                           "OR reserved_for_employee_id IS NOT NULL)",
                           name=op.f("ck_distributives_reservation")),
        sa.CheckConstraint("discount_percent IS NULL OR (discount_percent >= 0 "
                           "AND discount_percent <= 100)",
                           name=op.f("ck_distributives_discount_range")),
        sa.CheckConstraint("fixed_price IS NULL OR discount_percent IS NULL",
                           name=op.f("ck_distributives_price_or_discount")),
        sa.CheckConstraint("fixed_price IS NULL OR fixed_price >= 0",
                           name=op.f("ck_distributives_price_not_negative")),
        sa.CheckConstraint("network_size >= 1",
                           name=op.f("ck_distributives_network_size_positive")),
        sa.ForeignKeyConstraint(["client_id", "kit_id"], ["kits.client_id", "kits.id"],
                                name="fk_distributives_kit_of_client"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_distributives_client_id_clients")),
        sa.ForeignKeyConstraint(["created_by_id"], ["employees.id"],
                                name=op.f("fk_distributives_created_by_id_employees"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["engineer_id"], ["employees.id"],
                                name=op.f("fk_distributives_engineer_id_employees"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reserved_for_client_id"], ["clients.id"],
                                name=op.f("fk_distributives_reserved_for_client_id_clients")),
        sa.ForeignKeyConstraint(["reserved_for_employee_id"], ["employees.id"],
                                name=op.f("fk_distributives_reserved_for_employee_id_employees"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["system_id"], ["product_systems.id"],
                                name=op.f("fk_distributives_system_id_product_systems")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["employees.id"],
                                name=op.f("fk_distributives_updated_by_id_employees"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distributives")),
        sa.UniqueConstraint("number", name=op.f("uq_distributives_number")),
    )
    op.create_index("ix_distributives_client_id_number", "distributives",
                    ["client_id", "number"], unique=False)
    op.create_index(op.f("ix_distributives_engineer_id"), "distributives", ["engineer_id"],
                    unique=False)
    op.create_index(op.f("ix_distributives_kit_id"), "distributives", ["kit_id"], unique=False)
    op.create_index(op.f("ix_distributives_reserved_for_client_id"), "distributives",
                    ["reserved_for_client_id"], unique=False)
    op.create_index("ix_distributives_status_number", "distributives", ["status", "number"],
                    unique=False)
    op.create_index(op.f("ix_distributives_system_id"), "distributives", ["system_id"],
                    unique=False)

    op.create_table(
        "distributive_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("distributive_id", sa.Integer(), nullable=False),
        sa.Column("kind", _str_enum(MOVEMENT_KINDS, "movementkind"), nullable=False),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("from_client_id", sa.Integer(), nullable=True),
        sa.Column("to_client_id", sa.Integer(), nullable=True),
        sa.Column("to_kit_id", sa.Integer(), nullable=True),
        sa.Column("to_employee_id", sa.Integer(), nullable=True),
        sa.Column("status_after", _str_enum(STATUSES, "distributivestatus"), nullable=False),
        sa.Column("replacement_id", sa.Integer(), nullable=True),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["distributive_id"], ["distributives.id"],
            name=op.f("fk_distributive_movements_distributive_id_distributives")),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"],
                                name=op.f("fk_distributive_movements_employee_id_employees"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["from_client_id"], ["clients.id"],
                                name=op.f("fk_distributive_movements_from_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["replacement_id"], ["distributives.id"],
            name=op.f("fk_distributive_movements_replacement_id_distributives")),
        sa.ForeignKeyConstraint(["to_client_id"], ["clients.id"],
                                name=op.f("fk_distributive_movements_to_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["to_employee_id"], ["employees.id"],
            name=op.f("fk_distributive_movements_to_employee_id_employees"),
            ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["to_kit_id"], ["kits.id"],
                                name=op.f("fk_distributive_movements_to_kit_id_kits")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distributive_movements")),
    )
    op.create_index("ix_distributive_movements_distributive_id_moved_on",
                    "distributive_movements", ["distributive_id", "moved_on", "id"],
                    unique=False)
    op.create_index(op.f("ix_distributive_movements_employee_id"), "distributive_movements",
                    ["employee_id"], unique=False)
    op.create_index("ix_distributive_movements_from_client_id_moved_on",
                    "distributive_movements", ["from_client_id", "moved_on"], unique=False)
    op.create_index("ix_distributive_movements_moved_on_kind", "distributive_movements",
                    ["moved_on", "kind"], unique=False)
    op.create_index(op.f("ix_distributive_movements_replacement_id"),
                    "distributive_movements", ["replacement_id"], unique=False)
    op.create_index("ix_distributive_movements_to_client_id_moved_on",
                    "distributive_movements", ["to_client_id", "moved_on"], unique=False)
    op.create_index(op.f("ix_distributive_movements_to_kit_id"), "distributive_movements",
                    ["to_kit_id"], unique=False)

    bind = op.get_bind()
    # The new rights, given to the roles that exist (an administrator may change them).
    rights = sa.table("access_rights", sa.column("code"), sa.column("title"))
    op.bulk_insert(rights, [{"code": c, "title": t} for c, t in RIGHTS.items()])
    roles = set(bind.execute(sa.text("select role from access_roles")).scalars())
    role_rights = sa.table("role_rights", sa.column("role"), sa.column("right_code"))
    op.bulk_insert(role_rights, [{"role": r, "right_code": c}
                                 for r, codes in ROLE_RIGHTS.items() if r in roles
                                 for c in codes])

    if bind.dialect.name == "postgresql":
        op.create_index("ix_distributives_number_pattern", "distributives", ["number"],
                        unique=False, postgresql_ops={"number": "text_pattern_ops"})
        if bind.execute(sa.text("select to_regrole('vostok_user') is not null")).scalar():
            for statement in _server_sql(bind):
                op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for table in ("distributive_movements", "distributives", "kits", "product_systems"):
        op.drop_table(table)
    codes = ", ".join(f"'{c}'" for c in RIGHTS)
    op.execute(f"DELETE FROM role_rights WHERE right_code IN ({codes})")
    op.execute(f"DELETE FROM access_rights WHERE code IN ({codes})")
    if bind.dialect.name == "postgresql":
        schema = bind.execute(sa.text("select current_schema()")).scalar_one()
        for fn in _FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {schema}.{fn}")
        if bind.execute(sa.text("select to_regprocedure('vostok_row_client(text, jsonb)') "
                                "is not null")).scalar():
            op.execute(_row_client_sql(schema, with_movements=False))


# --------------------------------------------------------------------------- PostgreSQL

_FUNCTIONS = ("vostok_row_right()", "vostok_keep_author()", "vostok_stamp_movement()",
              "vostok_distributive_rights()", "vostok_movement_rights()")


def _row_client_sql(schema: str, with_movements: bool) -> str:
    """0009's vostok_row_client; with this revision's tables when ``with_movements``."""
    extra = ("""
                  WHEN tbl = 'distributive_movements'
                    THEN coalesce((r ->> 'to_client_id')::integer,
                                  (r ->> 'from_client_id')::integer)
                  WHEN tbl = 'product_systems' THEN NULL""" if with_movements else "")
    return f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_row_client(tbl text, r jsonb) RETURNS integer
    LANGUAGE sql STABLE AS $$
      SELECT CASE WHEN tbl = 'clients' THEN (r ->> 'id')::integer
                  WHEN tbl = 'employees' THEN NULL{extra}
                  ELSE coalesce((r ->> 'client_id')::integer,
                                (SELECT k.client_id FROM {schema}.contacts k
                                 WHERE k.id = (r ->> 'contact_id')::integer),
                                (SELECT l.client_id FROM {schema}.change_log l
                                 WHERE l.table_name = 'contacts'
                                   AND l.row_id = (r ->> 'contact_id')::integer
                                   AND l.client_id IS NOT NULL LIMIT 1)) END
    $$"""


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _server_sql(bind: sa.Connection) -> list[str]:
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    safe_path = f"pg_catalog, {schema}, pg_temp"
    tables = ("product_systems", "kits", "distributives", "distributive_movements")
    sql: list[str] = []

    # -- privileges ------------------------------------------------------------------------
    listed = ", ".join(f"{schema}.{t}" for t in tables)
    sql += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {listed} TO vostok_user",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON {listed} FROM vostok_user",
        "GRANT USAGE, SELECT ON SEQUENCE " + ", ".join(f"{schema}.{t}_id_seq" for t in tables)
        + " TO vostok_user",
        "REVOKE UPDATE ON SEQUENCE " + ", ".join(f"{schema}.{t}_id_seq" for t in tables)
        + " FROM vostok_user",
        # The movements are a record: added and read, never changed or deleted.
        f"REVOKE UPDATE, DELETE ON {schema}.distributive_movements FROM vostok_user",
    ]

    # -- row-level security (WITH CHECK = USING, as 0009 made every policy) ------------------
    def by_client(table: str, column: str) -> str:
        return f"(SELECT true FROM {schema}.clients vc WHERE vc.id = {table}.{column})"

    visible = {
        "kits": by_client("kits", "client_id"),
        "distributives": f"distributives.client_id IS NULL OR "
                         f"{by_client('distributives', 'client_id')}",
        "distributive_movements":
            "(distributive_movements.from_client_id IS NULL "
            "AND distributive_movements.to_client_id IS NULL) OR "
            f"{by_client('distributive_movements', 'from_client_id')} OR "
            f"{by_client('distributive_movements', 'to_client_id')}",
    }
    for table, rule in visible.items():
        sql += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_see_all ON {schema}.{table} TO vostok_see_all "
            "USING (true) WITH CHECK (true)",
            f"CREATE POLICY vostok_see_limited ON {schema}.{table} TO vostok_see_limited "
            f"USING ({rule}) WITH CHECK ({rule})",
        ]
    # Reading a two-client row needs one of its clients; writing one needs every client
    # it names: a movement is added only about a distributive its author sees, between
    # clients its author sees (else a fake «transfer to you» could appear in the history
    # of a client one cannot see); a reservation only for a client its author sees.
    def named(table: str, column: str) -> str:
        return f"({table}.{column} IS NULL OR {by_client(table, column)})"

    movement_named = (f"(SELECT true FROM {schema}.distributives vd "
                      "WHERE vd.id = distributive_movements.distributive_id) AND "
                      f"{named('distributive_movements', 'from_client_id')} AND "
                      f"{named('distributive_movements', 'to_client_id')}")
    reserved_named = named("distributives", "reserved_for_client_id")
    sql += [
        f"CREATE POLICY vostok_names_visible ON {schema}.distributive_movements "
        f"AS RESTRICTIVE FOR INSERT TO vostok_user WITH CHECK ({movement_named})",
        f"CREATE POLICY vostok_names_visible ON {schema}.distributives "
        f"AS RESTRICTIVE FOR INSERT TO vostok_user WITH CHECK ({reserved_named})",
        f"CREATE POLICY vostok_names_visible_update ON {schema}.distributives "
        f"AS RESTRICTIVE FOR UPDATE TO vostok_user USING (true) WITH CHECK ({reserved_named})",
    ]

    # -- rights ------------------------------------------------------------------------------
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_row_right() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {safe_path} AS $$
    BEGIN
      PERFORM vostok_require_right(TG_ARGV[0]);
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$""")
    guards = {
        "product_systems": ("INSERT OR UPDATE OR DELETE", ("distributives.catalogue",) * 3),
        "kits": ("INSERT OR UPDATE OR DELETE", ("distributives.move",) * 3),
        "distributives": ("INSERT OR DELETE", ("distributives.stock",) * 3),
    }
    for table, (events, (ins, upd, dele)) in guards.items():
        sql.append(f"""CREATE TRIGGER vostok_rights BEFORE {events} ON {schema}.{table}
            FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{ins}', '{upd}', '{dele}')""")
    # The ЗВЭ flag decides what goes into expcons.txt: the files' right.
    sql += [
        f"""CREATE TRIGGER vostok_ask_expert_insert BEFORE INSERT ON {schema}.kits
            FOR EACH ROW WHEN (NEW.ask_expert)
            EXECUTE FUNCTION {schema}.vostok_row_right('distributives.files')""",
        f"""CREATE TRIGGER vostok_ask_expert_update BEFORE UPDATE ON {schema}.kits
            FOR EACH ROW WHEN (OLD.ask_expert IS DISTINCT FROM NEW.ask_expert)
            EXECUTE FUNCTION {schema}.vostok_row_right('distributives.files')""",
    ]
    # A distributive's status says whose business it is (one check per statement).
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_distributive_rights() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {safe_path} AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM new_rows WHERE status IN {_in(STOCK_STATUSES)}) THEN
        PERFORM vostok_require_right('distributives.stock');
      END IF;
      IF EXISTS (SELECT 1 FROM new_rows WHERE status IN {_in(CLIENT_STATUSES)}) THEN
        PERFORM vostok_require_right('distributives.move');
      END IF;
      IF TG_OP = 'UPDATE' THEN
        -- taking a distributive reserved for another client is the warehouse's decision
        IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE o.status = 'reserved' AND o.reserved_for_client_id IS NOT NULL
                     AND n.client_id IS DISTINCT FROM o.reserved_for_client_id
                     AND n.status <> 'reserved' AND n.client_id IS NOT NULL) THEN
          PERFORM vostok_require_right('distributives.stock');
        END IF;
      END IF;
      RETURN NULL;
    END $$""")
    sql += [
        f"""CREATE TRIGGER vostok_status_rights_insert AFTER INSERT ON {schema}.distributives
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_distributive_rights()""",
        f"""CREATE TRIGGER vostok_status_rights_update AFTER UPDATE ON {schema}.distributives
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_distributive_rights()""",
    ]
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_movement_rights() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {safe_path} AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM new_rows WHERE kind IN {_in(STOCK_MOVEMENTS)}) THEN
        PERFORM vostok_require_right('distributives.stock');
      END IF;
      IF EXISTS (SELECT 1 FROM new_rows WHERE kind NOT IN {_in(STOCK_MOVEMENTS)}) THEN
        PERFORM vostok_require_right('distributives.move');
      END IF;
      RETURN NULL;
    END $$""")
    sql += [
        f"""CREATE TRIGGER vostok_rights_insert AFTER INSERT ON {schema}.distributive_movements
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_movement_rights()""",
        # Corrections (UPDATE/DELETE) are the owner's: privileges refuse everybody else.
        f"""CREATE TRIGGER vostok_rights BEFORE UPDATE OR DELETE
            ON {schema}.distributive_movements FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('users.admin', 'users.admin',
                                                           'users.admin')""",
    ]

    # -- who did it --------------------------------------------------------------------------
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_keep_author() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {safe_path} AS $$
    BEGIN
      IF NOT vostok_is_privileged() THEN
        RAISE EXCEPTION 'Автора записи не меняют' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$""")
    for table in ("kits", "distributives"):
        sql += [
            f"""CREATE TRIGGER vostok_stamp_insert BEFORE INSERT ON {schema}.{table}
                FOR EACH ROW
                EXECUTE FUNCTION {schema}.vostok_stamp_editor('created_by_id', 'updated_by_id')""",
            # Every update, not only one that names an editor: leaving updated_by_id out
            # must not leave the previous editor's name on somebody else's change.
            f"""CREATE TRIGGER vostok_stamp_update BEFORE UPDATE ON {schema}.{table}
                FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_stamp_editor('updated_by_id')""",
            f"""CREATE TRIGGER vostok_keep_author BEFORE UPDATE ON {schema}.{table}
                FOR EACH ROW WHEN (OLD.created_by_id IS DISTINCT FROM NEW.created_by_id)
                EXECUTE FUNCTION {schema}.vostok_keep_author()""",
        ]
    # A movement's author and time are the server's; an employee login without an
    # employee row (made by hand) names nobody rather than anybody.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_stamp_movement() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {safe_path} AS $$
    DECLARE
      me integer := vostok_employee_id();
    BEGIN
      IF me IS NOT NULL THEN
        NEW.employee_id := me;
        NEW.created_at := now();
      ELSIF NOT vostok_is_privileged() THEN
        NEW.employee_id := NULL;
        NEW.created_at := now();
      END IF;
      RETURN NEW;
    END $$""")
    sql.append(f"""CREATE TRIGGER vostok_stamp_insert BEFORE INSERT
        ON {schema}.distributive_movements FOR EACH ROW
        EXECUTE FUNCTION {schema}.vostok_stamp_movement()""")

    # -- the change log ------------------------------------------------------------------------
    sql.append(_row_client_sql(schema, with_movements=True))
    for table, extra_skip in LOGGED.items():
        args = ", ".join(f"'{c}'" for c in extra_skip)
        sql += [
            f"""CREATE TRIGGER vostok_change_log AFTER UPDATE OR DELETE ON {schema}.{table}
                FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_log_change({args})""",
            f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT ON {schema}.{table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_log_inserts({args})""",
        ]

    # -- change notices --------------------------------------------------------------------------
    for table, expr in NOTIFIED.items():
        for event, ref in (("INSERT", "NEW TABLE AS changed_rows"),
                           ("UPDATE", "NEW TABLE AS changed_rows"),
                           ("DELETE", "OLD TABLE AS changed_rows")):
            sql.append(f"""CREATE TRIGGER vostok_notify_{event.lower()} AFTER {event}
                ON {schema}.{table} REFERENCING {ref} FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_notify_changes('{expr}')""")
    # A transfer concerns two clients: the one it left hears of it too.
    sql.append(f"""CREATE TRIGGER vostok_notify_insert_from AFTER INSERT
        ON {schema}.distributive_movements REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {schema}.vostok_notify_changes('t.from_client_id')""")
    return sql
