"""Installation of distributives: an assignment of the kind «Установка дистрибутивов» to
the engineer, with the distributives to install, the documents to hand over and the
extra works, a due date and a state; «Контроль сроков установки».

Revision ID: 0012
Revises: 0011

Both dialects get the tables (the assignment kind «Установка дистрибутивов» is made by
the program on the first planning, by a login that may edit assignment kinds).
PostgreSQL also gets, from this first migration, what 0010 gives the distributives:

* privileges for ``vostok_user`` (no TRUNCATE, REFERENCES, TRIGGER);
* row-level security (WITH CHECK equal to USING): an installation and its lines are
  visible exactly where their client is; writing an installation needs its assignment
  visible and of the same client, writing a line needs its distributive visible
  (restrictive policies on top of the visibility ones);
* rights checked by the database per statement: planning, changing, completing and
  deleting need «Движение дистрибутивов» (completing writes the movements, which check
  their own rights, 0010);
* who did it set by the server: created_by/updated_by from the login; a row's author is
  not changed afterwards;
* the change log written by the database and change notices, both under the client.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
STATES = ("planned", "done", "cancelled")
RIGHT = "distributives.move"
TABLES = ("installations", "installation_lines")


def upgrade() -> None:
    op.create_table(
        "installations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("kit_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.Enum(*STATES, name="installationstate", native_enum=False,
                                   length=20), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("extra_works", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("(state = 'done') = (done_on IS NOT NULL)",
                           name=op.f("ck_installations_done_date")),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"],
                                name=op.f("fk_installations_assignment_id_assignments"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_installations_client_id_clients"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["client_id", "kit_id"], ["kits.client_id", "kits.id"],
                                name="fk_installations_kit_of_client"),
        sa.ForeignKeyConstraint(["created_by_id"], ["employees.id"],
                                name=op.f("fk_installations_created_by_id_employees"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["employees.id"],
                                name=op.f("fk_installations_updated_by_id_employees"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installations")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_installations_assignment_id")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_installations_client_id_id")),
    )
    op.create_index("ix_installations_state_due_on", "installations", ["state", "due_on"],
                    unique=False)
    op.create_index("ix_installations_client_id_state", "installations",
                    ["client_id", "state"], unique=False)
    op.create_index(op.f("ix_installations_kit_id"), "installations", ["kit_id"],
                    unique=False)

    op.create_table(
        "installation_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("installation_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("distributive_id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_installation_lines_client_id_clients"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["client_id", "installation_id"],
                                ["installations.client_id", "installations.id"],
                                name="fk_installation_lines_installation_of_client",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["distributive_id"], ["distributives.id"],
            name=op.f("fk_installation_lines_distributive_id_distributives")),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["distributive_movements.id"],
            name=op.f("fk_installation_lines_movement_id_distributive_movements")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation_lines")),
        sa.UniqueConstraint("installation_id", "distributive_id",
                            name=op.f("uq_installation_lines_installation_id_distributive_id")),
    )
    op.create_index(op.f("ix_installation_lines_client_id"), "installation_lines",
                    ["client_id"], unique=False)
    op.create_index(op.f("ix_installation_lines_distributive_id"), "installation_lines",
                    ["distributive_id"], unique=False)
    op.create_index(op.f("ix_installation_lines_movement_id"), "installation_lines",
                    ["movement_id"], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.execute(
            sa.text("select to_regrole('vostok_user') is not null")).scalar():
        for statement in _server_sql(bind):
            op.execute(statement)


def downgrade() -> None:
    op.drop_table("installation_lines")
    op.drop_table("installations")


# --------------------------------------------------------------------------- PostgreSQL


def _server_sql(bind: sa.Connection) -> list[str]:
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    sql: list[str] = []

    # -- privileges ------------------------------------------------------------------------
    listed = ", ".join(f"{schema}.{t}" for t in TABLES)
    sequences = ", ".join(f"{schema}.{t}_id_seq" for t in TABLES)
    sql += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {listed} TO vostok_user",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON {listed} FROM vostok_user",
        f"GRANT USAGE, SELECT ON SEQUENCE {sequences} TO vostok_user",
        f"REVOKE UPDATE ON SEQUENCE {sequences} FROM vostok_user",
    ]

    # -- row-level security ------------------------------------------------------------------
    def by_client(table: str) -> str:
        return f"(SELECT true FROM {schema}.clients vc WHERE vc.id = {table}.client_id)"

    for table in TABLES:
        rule = by_client(table)
        sql += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_see_all ON {schema}.{table} TO vostok_see_all "
            "USING (true) WITH CHECK (true)",
            f"CREATE POLICY vostok_see_limited ON {schema}.{table} TO vostok_see_limited "
            f"USING ({rule}) WITH CHECK ({rule})",
        ]
    # An installation is filed under an assignment its author sees, of the same client (a
    # foreign key alone would let one hang it on anybody's assignment); a line names a
    # distributive its author sees (one at an invisible client is not one's to install).
    same_assignment = (f"(SELECT va.client_id FROM {schema}.assignments va "
                       "WHERE va.id = installations.assignment_id) = installations.client_id")
    visible_distributive = (f"(SELECT true FROM {schema}.distributives vd "
                            "WHERE vd.id = installation_lines.distributive_id)")
    for table, rule in (("installations", same_assignment),
                        ("installation_lines", visible_distributive)):
        sql += [
            f"CREATE POLICY vostok_names_visible ON {schema}.{table} AS RESTRICTIVE "
            f"FOR INSERT TO vostok_user WITH CHECK ({rule})",
            f"CREATE POLICY vostok_names_visible_update ON {schema}.{table} AS RESTRICTIVE "
            f"FOR UPDATE TO vostok_user USING (true) WITH CHECK ({rule})",
        ]

    # -- rights ------------------------------------------------------------------------------
    for table in TABLES:
        sql.append(f"""CREATE TRIGGER vostok_rights BEFORE INSERT OR UPDATE OR DELETE
            ON {schema}.{table} FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{RIGHT}', '{RIGHT}', '{RIGHT}')""")

    # -- who did it (0009's vostok_stamp_editor, 0010's vostok_keep_author) ------------------
    sql += [
        f"""CREATE TRIGGER vostok_stamp_insert BEFORE INSERT ON {schema}.installations
            FOR EACH ROW
            EXECUTE FUNCTION {schema}.vostok_stamp_editor('created_by_id', 'updated_by_id')""",
        f"""CREATE TRIGGER vostok_stamp_update BEFORE UPDATE ON {schema}.installations
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_stamp_editor('updated_by_id')""",
        f"""CREATE TRIGGER vostok_keep_author BEFORE UPDATE ON {schema}.installations
            FOR EACH ROW WHEN (OLD.created_by_id IS DISTINCT FROM NEW.created_by_id)
            EXECUTE FUNCTION {schema}.vostok_keep_author()""",
    ]

    # -- the change log (rows carry client_id: 0010's vostok_row_client finds it) -------------
    for table in TABLES:
        sql += [
            f"""CREATE TRIGGER vostok_change_log AFTER UPDATE OR DELETE ON {schema}.{table}
                FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_log_change()""",
            f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT ON {schema}.{table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_log_inserts()""",
        ]

    # -- change notices ----------------------------------------------------------------------
    for table in TABLES:
        for event, ref in (("INSERT", "NEW TABLE AS changed_rows"),
                           ("UPDATE", "NEW TABLE AS changed_rows"),
                           ("DELETE", "OLD TABLE AS changed_rows")):
            sql.append(f"""CREATE TRIGGER vostok_notify_{event.lower()} AFTER {event}
                ON {schema}.{table} REFERENCING {ref} FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_notify_changes('t.client_id')""")
    return sql
