"""KPI: indicators (a measure of a report, or a formula of other indicators), plans per
employee or department and period, and sets of indicators per role, with the rights
«Настройка показателей KPI» and «Планы KPI».

Revision ID: 0016
Revises: 0015

On PostgreSQL (:func:`_server_sql`), as 0015 did for its plans: privileges, the rights
per statement (indicators and sets: «Настройка показателей KPI»; plans: «Планы KPI»),
who did it from the login, the change log and change notices. Every login reads all
four tables (no client in them, nothing to hide per row).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
TABLES = ("kpi_indicators", "kpi_plans", "kpi_sets", "kpi_set_items")
RIGHTS = {"kpi.setup": "Настройка показателей KPI", "kpi.plans": "Планы KPI"}
ROLE_RIGHTS = {"admin": tuple(RIGHTS), "head": tuple(RIGHTS)}
KIND = sa.Enum("measure", "formula", name="indicatorkind", native_enum=False, length=20,
               create_constraint=False)
PERIOD = sa.Enum("month", "quarter", "year", name="periodkind", native_enum=False,
                 length=20, create_constraint=False)
ROLE = sa.Enum("admin", "head", "manager", "service_engineer", "telemarketer", "operator",
               name="employeerole", native_enum=False, length=20, create_constraint=False)
VALUE = sa.Numeric(precision=16, scale=4)


def upgrade() -> None:
    op.create_table('kpi_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', KIND, nullable=False),
    sa.Column('report_key', sa.String(length=60), nullable=True),
    sa.Column('measure_key', sa.String(length=60), nullable=True),
    sa.Column('formula', sa.String(length=1000), nullable=True),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('higher_is_better', sa.Boolean(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('measure', 'formula')", name=op.f('ck_kpi_indicators_kind_known')),
    sa.CheckConstraint("kind <> 'measure' OR (report_key IS NOT NULL AND measure_key IS NOT NULL AND formula IS NULL)", name=op.f('ck_kpi_indicators_measure_has_source')),
    sa.CheckConstraint("kind <> 'formula' OR (formula IS NOT NULL AND report_key IS NULL AND measure_key IS NULL)", name=op.f('ck_kpi_indicators_formula_has_text')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_kpi_indicators_created_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_indicators')),
    sa.UniqueConstraint('code', name=op.f('uq_kpi_indicators_code'))
    )
    op.create_table('kpi_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('period_kind', PERIOD, nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('value', VALUE, nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(employee_id IS NULL) <> (department_id IS NULL)', name=op.f('ck_kpi_plans_one_subject')),
    sa.CheckConstraint("period_kind IN ('month', 'quarter', 'year')", name=op.f('ck_kpi_plans_period_known')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_kpi_plans_department_id_departments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_kpi_plans_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['kpi_indicators.id'], name=op.f('fk_kpi_plans_indicator_id_kpi_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_kpi_plans_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_plans'))
    )
    op.create_index(op.f('ix_kpi_plans_department_id'), 'kpi_plans', ['department_id'], unique=False)
    op.create_index(op.f('ix_kpi_plans_employee_id'), 'kpi_plans', ['employee_id'], unique=False)
    op.create_index('ix_kpi_plans_employee_period', 'kpi_plans', ['indicator_id', 'employee_id', 'period_kind', 'period_start'], unique=True, postgresql_where=sa.text('employee_id IS NOT NULL'), sqlite_where=sa.text('employee_id IS NOT NULL'))
    op.create_index('ix_kpi_plans_department_period', 'kpi_plans', ['indicator_id', 'department_id', 'period_kind', 'period_start'], unique=True, postgresql_where=sa.text('department_id IS NOT NULL'), sqlite_where=sa.text('department_id IS NOT NULL'))
    op.create_table('kpi_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('role', ROLE, nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_kpi_sets_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_sets')),
    sa.UniqueConstraint('title', name=op.f('uq_kpi_sets_title'))
    )
    op.create_index('ix_kpi_sets_one_per_role', 'kpi_sets', ['role'], unique=True, postgresql_where=sa.text('role IS NOT NULL'), sqlite_where=sa.text('role IS NOT NULL'))
    op.create_table('kpi_set_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('threshold', VALUE, nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['kpi_indicators.id'], name=op.f('fk_kpi_set_items_indicator_id_kpi_indicators'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['set_id'], ['kpi_sets.id'], name=op.f('fk_kpi_set_items_set_id_kpi_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_set_items')),
    sa.UniqueConstraint('set_id', 'indicator_id', name=op.f('uq_kpi_set_items_set_id_indicator_id'))
    )
    op.create_index(op.f('ix_kpi_set_items_indicator_id'), 'kpi_set_items', ['indicator_id'], unique=False)

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
    "kpi_indicators": ("kpi.setup",) * 3,
    "kpi_sets": ("kpi.setup",) * 3,
    "kpi_set_items": ("kpi.setup",) * 3,
    "kpi_plans": ("kpi.plans",) * 3,
}
# Who did it: table -> (columns stamped on INSERT, on UPDATE, the author column kept).
STAMPED = {
    "kpi_indicators": (("created_by_id",), (), "created_by_id"),
    "kpi_plans": (("updated_by_id",), ("updated_by_id",), "updated_by_id"),
    "kpi_sets": (("updated_by_id",), ("updated_by_id",), "updated_by_id"),
}


def _server_sql(bind: sa.Connection) -> list[str]:
    """The server's part; see the module's docstring."""
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

    # -- row-level security: no client in these rows, every login reads and (with the
    # right, below) writes all of them; RLS is on so that a later policy cannot be
    # forgotten on a table that is off ----------------------------------------------------
    for table in TABLES:
        sql += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_everyone ON {schema}.{table} TO vostok_user "
            "USING (true) WITH CHECK (true)",
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

    # -- the change log (no client in these rows: everybody's to read) -----------------------
    for table in TABLES:
        sql += [
            f"""CREATE TRIGGER vostok_change_log AFTER UPDATE OR DELETE ON {schema}.{table}
                FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_log_change()""",
            f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT ON {schema}.{table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_log_inserts()""",
        ]

    # -- change notices (0009's, per listener) ------------------------------------------------
    for table in TABLES:
        for event, ref in (("INSERT", "NEW TABLE AS changed_rows"),
                           ("UPDATE", "NEW TABLE AS changed_rows"),
                           ("DELETE", "OLD TABLE AS changed_rows")):
            sql.append(f"""CREATE TRIGGER vostok_notify_{event.lower()} AFTER {event}
                ON {schema}.{table} REFERENCING {ref} FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_notify_changes('NULL::integer')""")
    return sql


def _args(columns: tuple[str, ...]) -> str:
    return ", ".join(f"'{c}'" for c in columns)
