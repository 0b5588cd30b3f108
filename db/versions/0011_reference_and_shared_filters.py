"""«Справочники»: a department's head, required custom fields, list filters and colour
rules kept in the base (own and shared); the right «Справочники».

Revision ID: 0011
Revises: 0010

Both dialects get the tables and the right (given to administrators and heads).
PostgreSQL also gets:

* the reference lists (departments, directions, client groups, custom fields, department
  heads, required-field rules) written only with «Справочники», checked per statement
  (it replaces 0007/0009's «Пользователи и права» / «Редактирование клиентов» there);
* a row that other rows use is not deleted, whoever asks: the refusal counts every
  referring row (a definer function, so a limited login does not get a wrong «unused»
  from the rows it cannot see, and a custom field's values are not lost in cascade);
* the change log of all these tables, written by the database;
* saved list settings: a private one is its owner's alone (seen, changed, deleted); a
  shared one is seen by everybody and changed or deleted by its owner or with
  «Справочники»; the owner is the login's employee and is never handed over; only its
  owner makes a shared one private again. Only shared ones are logged: a private filter
  is nobody else's business.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
RIGHT = "reference.edit"
RIGHT_TITLE = "Справочники"
ROLES = ("admin", "head")

# Reference tables guarded by the right; (insert, update, delete) before this revision.
GUARDED = {
    "departments": ("users.admin",) * 3,
    "directions": ("users.admin",) * 3,
    "custom_fields": ("users.admin",) * 3,
    "client_groups": ("client.edit", "client.edit", "users.admin"),
    "department_heads": None,
    "custom_field_rules": None,
}
# What uses a reference row: table -> ((referring table, column, label for the count)).
USED_BY = {
    "departments": (("employees", "department_id", "сотрудников"),
                    ("departments", "parent_id", "подчинённых отделов")),
    "directions": (("responsibilities", "direction_id", "ответственных у клиентов"),
                   ("assignment_kinds", "direction_id", "видов поручений"),
                   ("assignments", "direction_id", "поручений"),
                   ("work_records", "direction_id", "работ")),
    "client_groups": (("clients", "group_id", "клиентов"),),
    "custom_fields": (("custom_values", "field_id", "заполненных значений"),),
}
LOGGED = ("departments", "directions", "client_groups", "custom_fields", "department_heads",
          "custom_field_rules")
SETTING_KINDS = ("filter", "colour_rules")


def upgrade() -> None:
    op.create_table(
        "department_heads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="CASCADE",
                                name=op.f("fk_department_heads_department_id_departments")),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], ondelete="CASCADE",
                                name=op.f("fk_department_heads_employee_id_employees")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_heads")),
        sa.UniqueConstraint("department_id", name=op.f("uq_department_heads_department_id")),
    )
    op.create_index(op.f("ix_department_heads_employee_id"), "department_heads",
                    ["employee_id"], unique=False)
    op.create_table(
        "custom_field_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("is_required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["field_id"], ["custom_fields.id"], ondelete="CASCADE",
                                name=op.f("fk_custom_field_rules_field_id_custom_fields")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_field_rules")),
        sa.UniqueConstraint("field_id", name=op.f("uq_custom_field_rules_field_id")),
    )
    op.create_table(
        "saved_list_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("is_shared", sa.Boolean(), nullable=False),
        sa.Column("list_kind", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.Enum(*SETTING_KINDS, name="listsettingkind", native_enum=False,
                                  length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["employees.id"], ondelete="CASCADE",
                                name=op.f("fk_saved_list_settings_owner_id_employees")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_list_settings")),
    )
    op.create_index("ix_saved_list_settings_list_kind_kind", "saved_list_settings",
                    ["list_kind", "kind"], unique=False)
    op.create_index(op.f("ix_saved_list_settings_owner_id"), "saved_list_settings",
                    ["owner_id"], unique=False)

    bind = op.get_bind()
    rights = sa.table("access_rights", sa.column("code"), sa.column("title"))
    op.bulk_insert(rights, [{"code": RIGHT, "title": RIGHT_TITLE}])
    roles = set(bind.execute(sa.text("select role from access_roles")).scalars())
    role_rights = sa.table("role_rights", sa.column("role"), sa.column("right_code"))
    op.bulk_insert(role_rights, [{"role": r, "right_code": RIGHT} for r in ROLES if r in roles])

    if bind.dialect.name == "postgresql" and bind.execute(
            sa.text("select to_regrole('vostok_user') is not null")).scalar():
        for statement in _server_sql(bind):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.execute(
            sa.text("select to_regrole('vostok_user') is not null")).scalar():
        schema = bind.execute(sa.text("select current_schema()")).scalar_one()
        for table, (ins, upd, dele) in ((t, g) for t, g in GUARDED.items() if g):
            op.execute(f"""CREATE OR REPLACE TRIGGER vostok_rights
                BEFORE INSERT OR UPDATE OR DELETE ON {schema}.{table} FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_rights_guard('{ins}', '{upd}', '{dele}')""")
        for table in USED_BY:
            op.execute(f"DROP TRIGGER IF EXISTS vostok_refuse_used ON {schema}.{table}")
        for table in ("departments", "directions", "client_groups", "custom_fields"):
            op.execute(f"DROP TRIGGER IF EXISTS vostok_change_log ON {schema}.{table}")
            op.execute(f"DROP TRIGGER IF EXISTS vostok_change_log_insert ON {schema}.{table}")
    for table in ("saved_list_settings", "custom_field_rules", "department_heads"):
        op.drop_table(table)
    if bind.dialect.name == "postgresql":
        schema = bind.execute(sa.text("select current_schema()")).scalar_one()
        for fn in ("vostok_refuse_used()", "vostok_keep_setting_owner()"):
            op.execute(f"DROP FUNCTION IF EXISTS {schema}.{fn}")
    op.execute(f"DELETE FROM role_rights WHERE right_code = '{RIGHT}'")
    op.execute(f"DELETE FROM access_rights WHERE code = '{RIGHT}'")


# --------------------------------------------------------------------------- PostgreSQL


def _server_sql(bind: sa.Connection) -> list[str]:
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    safe_path = f"pg_catalog, {schema}, pg_temp"
    tables = ("department_heads", "custom_field_rules", "saved_list_settings")
    listed = ", ".join(f"{schema}.{t}" for t in tables)
    sequences = ", ".join(f"{schema}.{t}_id_seq" for t in tables)
    sql = [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {listed} TO vostok_user",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON {listed} FROM vostok_user",
        f"GRANT USAGE, SELECT ON SEQUENCE {sequences} TO vostok_user",
        f"REVOKE UPDATE ON SEQUENCE {sequences} FROM vostok_user",
    ]

    # -- the right «Справочники» --------------------------------------------------------------
    for table in GUARDED:
        sql.append(f"""CREATE OR REPLACE TRIGGER vostok_rights
            BEFORE INSERT OR UPDATE OR DELETE ON {schema}.{table} FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{RIGHT}', '{RIGHT}', '{RIGHT}')""")

    # -- what is used is not deleted ---------------------------------------------------------
    # A definer function counts every referring row: the caller's own visibility would
    # call a group of invisible clients «unused», and the values of a custom field would go
    # in cascade. Arguments come in threes from the trigger definition (owner-made only).
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_refuse_used() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      i integer := 0;
      n bigint;
      found text := '';
    BEGIN
      WHILE i + 2 < TG_NARGS LOOP
        EXECUTE format('SELECT count(*) FROM %I.%I WHERE %I = $1', TG_TABLE_SCHEMA,
                       TG_ARGV[i], TG_ARGV[i + 1]) INTO n USING OLD.id;
        IF n > 0 THEN
          found := found || CASE WHEN found = '' THEN '' ELSE ', ' END
                   || TG_ARGV[i + 2] || ': ' || n;
        END IF;
        i := i + 3;
      END LOOP;
      IF found <> '' THEN
        RAISE EXCEPTION 'Нельзя удалить «%»: используется (%). Сначала замените или уберите эти ссылки.',
          OLD.name, found USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN OLD;
    END $$""")
    for table, uses in USED_BY.items():
        args = ", ".join(f"'{part}'" for use in uses for part in use)
        sql.append(f"""CREATE TRIGGER vostok_refuse_used BEFORE DELETE ON {schema}.{table}
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_refuse_used({args})""")

    # -- the change log of the reference lists -----------------------------------------------
    for table in LOGGED:
        sql += [
            f"""CREATE OR REPLACE TRIGGER vostok_change_log AFTER UPDATE OR DELETE
                ON {schema}.{table} FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_log_change()""",
            f"""CREATE OR REPLACE TRIGGER vostok_change_log_insert AFTER INSERT
                ON {schema}.{table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_log_inserts()""",
        ]

    # -- saved list settings -------------------------------------------------------------------
    me = f"{schema}.vostok_employee_id()"
    own = f"(owner_id = {me})"
    may_change = f"({own} OR (is_shared AND {schema}.vostok_has_right('{RIGHT}')))"
    sql += [
        f"ALTER TABLE {schema}.saved_list_settings ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY vostok_read ON {schema}.saved_list_settings FOR SELECT "
        f"TO vostok_user USING ({own} OR is_shared)",
        # a new row is the login's own: a login with no employee row owns nothing
        f"CREATE POLICY vostok_add ON {schema}.saved_list_settings FOR INSERT "
        f"TO vostok_user WITH CHECK ({own})",
        f"CREATE POLICY vostok_change ON {schema}.saved_list_settings FOR UPDATE "
        f"TO vostok_user USING ({may_change}) WITH CHECK ({may_change})",
        f"CREATE POLICY vostok_remove ON {schema}.saved_list_settings FOR DELETE "
        f"TO vostok_user USING ({may_change})",
    ]
    # Neither the owner nor «shared» is taken over: the right edits a shared row, it does
    # not make it private (which would hide it from everybody, its author included).
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_keep_setting_owner() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {safe_path} AS $$
    BEGIN
      IF vostok_is_privileged() THEN
        RETURN NEW;
      END IF;
      IF OLD.owner_id IS DISTINCT FROM NEW.owner_id THEN
        RAISE EXCEPTION 'Владельца сохранённой настройки списка не меняют'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF OLD.is_shared AND NOT NEW.is_shared
         AND OLD.owner_id IS DISTINCT FROM vostok_employee_id() THEN
        RAISE EXCEPTION 'Общую настройку списка делает личной только её автор'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$""")
    sql += [
        f"""CREATE TRIGGER vostok_keep_owner BEFORE UPDATE ON {schema}.saved_list_settings
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_keep_setting_owner()""",
        # Shared rows only (row triggers with a condition; few rows are ever written).
        f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT
            ON {schema}.saved_list_settings FOR EACH ROW WHEN (NEW.is_shared)
            EXECUTE FUNCTION {schema}.vostok_log_change()""",
        f"""CREATE TRIGGER vostok_change_log AFTER UPDATE ON {schema}.saved_list_settings
            FOR EACH ROW WHEN (OLD.is_shared OR NEW.is_shared)
            EXECUTE FUNCTION {schema}.vostok_log_change()""",
        f"""CREATE TRIGGER vostok_change_log_delete AFTER DELETE
            ON {schema}.saved_list_settings FOR EACH ROW WHEN (OLD.is_shared)
            EXECUTE FUNCTION {schema}.vostok_log_change()""",
    ]
    return sql
