"""КЦ quotas: the quota marks of distributives (КК / ОГ, dated) and the plans of filling
the quotas per year and department, with the right «Квоты КК/ОГ».

Revision ID: 0015
Revises: 0014

On PostgreSQL (:func:`_server_sql`), as 0014 did for its tables: privileges, row-level
security of the marks by their client (a mark names its distributive's own client), the
rights per statement (plans: «Квоты КК/ОГ»; marks: «Движение дистрибутивов»), who did it
from the login, the change log and change notices. Plans are read by every login.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
TABLES = ("distributive_kc_quotas", "kc_quota_plans")
RIGHTS = {"money.quotas": "Квоты КК/ОГ"}
ROLE_RIGHTS = {"admin": tuple(RIGHTS), "head": tuple(RIGHTS)}
KIND = sa.Enum("kk", "og", name="quotakind", native_enum=False, length=20)


def upgrade() -> None:
    op.create_table('distributive_kc_quotas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('distributive_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', KIND, nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_distributive_kc_quotas_dates_in_order')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_distributive_kc_quotas_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_distributive_kc_quotas_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['distributive_id'], ['distributives.id'], name=op.f('fk_distributive_kc_quotas_distributive_id_distributives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distributive_kc_quotas'))
    )
    op.create_index(op.f('ix_distributive_kc_quotas_client_id'), 'distributive_kc_quotas', ['client_id'], unique=False)
    op.create_index('ix_distributive_kc_quotas_distributive_id_valid_from', 'distributive_kc_quotas', ['distributive_id', 'valid_from'], unique=False)
    op.create_index('ix_distributive_kc_quotas_one_open', 'distributive_kc_quotas', ['distributive_id'], unique=True, postgresql_where=sa.text('valid_to IS NULL'), sqlite_where=sa.text('valid_to IS NULL'))
    op.create_table('kc_quota_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('kind', KIND, nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('max_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('max_percent > 0 AND max_percent <= 100', name=op.f('ck_kc_quota_plans_percent_range')),
    sa.CheckConstraint('quota >= 0', name=op.f('ck_kc_quota_plans_quota_not_negative')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_kc_quota_plans_department_id_departments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_kc_quota_plans_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kc_quota_plans'))
    )
    op.create_index(op.f('ix_kc_quota_plans_department_id'), 'kc_quota_plans', ['department_id'], unique=False)
    op.create_index('ix_kc_quota_plans_company', 'kc_quota_plans', ['year', 'kind'], unique=True, postgresql_where=sa.text('department_id IS NULL'), sqlite_where=sa.text('department_id IS NULL'))
    op.create_index('ix_kc_quota_plans_department', 'kc_quota_plans', ['year', 'kind', 'department_id'], unique=True, postgresql_where=sa.text('department_id IS NOT NULL'), sqlite_where=sa.text('department_id IS NOT NULL'))

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
    for table in reversed(TABLES):
        op.drop_table(table)
    listed = ", ".join(f"'{c}'" for c in RIGHTS)
    op.execute(f"DELETE FROM role_rights WHERE right_code IN ({listed})")
    op.execute(f"DELETE FROM access_rights WHERE code IN ({listed})")


# --------------------------------------------------------------------------- PostgreSQL

# Rights per statement: table -> (insert, update, delete).
TABLE_RIGHTS = {
    "kc_quota_plans": ("money.quotas",) * 3,
    "distributive_kc_quotas": ("distributives.move",) * 3,
}
# Who did it: table -> (columns stamped on INSERT, on UPDATE, the author column kept).
STAMPED = {
    "distributive_kc_quotas": (("created_by_id",), (), "created_by_id"),
    "kc_quota_plans": (("updated_by_id",), ("updated_by_id",), "updated_by_id"),
}
# Change notices: table -> the client of a transition-table row «t».
NOTIFIED = {"distributive_kc_quotas": "t.client_id", "kc_quota_plans": "NULL::integer"}
# What of a mark changes after it is written: its end and its note.
MARK_CHANGES = ("valid_to", "note")


def _server_sql(bind: sa.Connection) -> list[str]:
    """The server's part; see the module's docstring."""
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    sql: list[str] = []

    # -- privileges ------------------------------------------------------------------------
    listed = ", ".join(f"{schema}.{t}" for t in TABLES)
    sequences = ", ".join(f"{schema}.{t}_id_seq" for t in TABLES)
    marks = f"{schema}.distributive_kc_quotas"
    sql += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {listed} TO vostok_user",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON {listed} FROM vostok_user",
        f"GRANT USAGE, SELECT ON SEQUENCE {sequences} TO vostok_user",
        f"REVOKE UPDATE ON SEQUENCE {sequences} FROM vostok_user",
        # A mark is closed or annotated; its distributive, client, kind and start stay.
        f"REVOKE UPDATE ON {marks} FROM vostok_user",
        f"GRANT UPDATE ({', '.join(MARK_CHANGES)}) ON {marks} TO vostok_user",
    ]

    # -- row-level security of the marks (WITH CHECK = USING) --------------------------------
    rule = (f"(SELECT true FROM {schema}.clients vc "
            "WHERE vc.id = distributive_kc_quotas.client_id)")
    sql += [
        f"ALTER TABLE {marks} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY vostok_see_all ON {marks} TO vostok_see_all "
        "USING (true) WITH CHECK (true)",
        f"CREATE POLICY vostok_see_limited ON {marks} TO vostok_see_limited "
        f"USING ({rule}) WITH CHECK ({rule})",
        # A new mark names its distributive's own client (one the author sees: the
        # distributive is read under the author's visibility).
        f"CREATE POLICY vostok_names_visible ON {marks} AS RESTRICTIVE "
        "FOR INSERT TO vostok_user WITH CHECK ((SELECT vd.client_id FROM "
        f"{schema}.distributives vd WHERE vd.id = distributive_kc_quotas.distributive_id) "
        "= distributive_kc_quotas.client_id)",
    ]

    # -- rights ------------------------------------------------------------------------------
    for table, (ins, upd, dele) in TABLE_RIGHTS.items():
        sql.append(f"""CREATE TRIGGER vostok_rights BEFORE INSERT OR UPDATE OR DELETE
            ON {schema}.{table} FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{ins}', '{upd}', '{dele}')""")

    # -- who did it (0009's vostok_stamp_editor, 0010's vostok_keep_author) ------------------
    for table, (on_insert, on_update, author) in STAMPED.items():
        sql.append(f"""CREATE TRIGGER vostok_stamp_insert BEFORE INSERT ON {schema}.{table}
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_stamp_editor({_args(on_insert)})""")
        if on_update:
            sql.append(f"""CREATE TRIGGER vostok_stamp_update BEFORE UPDATE ON {schema}.{table}
                FOR EACH ROW
                EXECUTE FUNCTION {schema}.vostok_stamp_editor({_args(on_update)})""")
        else:
            sql.append(f"""CREATE TRIGGER vostok_keep_author BEFORE UPDATE ON {schema}.{table}
                FOR EACH ROW WHEN (OLD.{author} IS DISTINCT FROM NEW.{author})
                EXECUTE FUNCTION {schema}.vostok_keep_author()""")

    # -- the change log (a mark carries client_id: vostok_row_client finds it; a plan has
    # none and is everybody's to read) -------------------------------------------------------
    for table in TABLES:
        sql += [
            f"""CREATE TRIGGER vostok_change_log AFTER UPDATE OR DELETE ON {schema}.{table}
                FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_log_change()""",
            f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT ON {schema}.{table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_log_inserts()""",
        ]

    # -- change notices (0009's, per listener) ------------------------------------------------
    for table, expr in NOTIFIED.items():
        for event, ref in (("INSERT", "NEW TABLE AS changed_rows"),
                           ("UPDATE", "NEW TABLE AS changed_rows"),
                           ("DELETE", "OLD TABLE AS changed_rows")):
            sql.append(f"""CREATE TRIGGER vostok_notify_{event.lower()} AFTER {event}
                ON {schema}.{table} REFERENCING {ref} FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_notify_changes('{expr}')""")
    return sql


def _args(columns: tuple[str, ...]) -> str:
    return ", ".join(f"'{c}'" for c in columns)
