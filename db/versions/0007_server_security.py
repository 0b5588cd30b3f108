"""Server security: rights, row-level visibility, a change log written by the database,
change notifications, the export log.

Revision ID: 0007
Revises: 0006

Both dialects get the tables (rights, roles, export log). PostgreSQL also gets what
makes the server the security boundary, because a thick client cannot be one: group
roles, table privileges, row-level security on clients and everything hanging off a
client, rights triggers, change-log triggers (SECURITY DEFINER, so users cannot write
around them) and LISTEN/NOTIFY triggers.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen copies of the catalogue at this revision (migrations never import app code).
_RIGHTS = {
    "client.create": "Создание клиентов и контактных лиц",
    "client.edit": "Изменение клиентов и контактных лиц",
    "client.delete": "Пометка клиентов на удаление и удаление",
    "client.merge": "Объединение дублей клиентов",
    "client.import": "Загрузка клиентов из файла",
    "export.excel": "Выгрузка списков и отчётов в Excel",
    "print.mass": "Массовая печать",
    "settings.hotline": "Настройка горячей линии",
    "settings.work": "Настройка поручений и плана распределения",
    "templates.edit": "Изменение шаблонов печатных форм",
    "changelog.restore": "Восстановление значений из журнала изменений",
    "users.admin": "Пользователи и права",
}
_ROLES = {  # role: (title, visibility, rights)
    "admin": ("Администратор", "all", set(_RIGHTS)),
    "head": ("Руководитель", "all", set(_RIGHTS) - {"users.admin", "changelog.restore"}),
    "manager": ("Менеджер", "department",
                {"client.create", "client.edit", "export.excel", "print.mass"}),
    "service_engineer": ("Сервисный инженер (СИО)", "own", {"client.edit", "print.mass"}),
    "telemarketer": ("Телемаркетолог", "own", {"client.create", "client.edit"}),
    "operator": ("Оператор горячей линии", "all", {"client.create", "client.edit"}),
}

# Tables whose rows belong to a client: (table, how the row finds its client).
# "c" = a client_id column; "cc" = client_id or, failing that, the contact's client;
# anything else is an SQL expression over the row alias "t".
_CLIENT_ROWS = {
    "contacts": "c", "client_divisions": "c", "addresses": "c", "phones": "cc",
    "emails": "cc", "responsibilities": "c", "custom_values": "cc", "attachments": "c",
    "favourites": "cc", "action_items": "c", "assignments": "c", "work_records": "c",
    "reminders": "c", "hotline_requests": "c", "calls": "c", "print_templates": "c",
    "change_log": "c",
    "work_action_lines": "(SELECT w.client_id FROM work_records w WHERE w.id = t.work_id)",
    "hotline_request_history":
        "(SELECT r.client_id FROM hotline_requests r WHERE r.id = t.request_id)",
}
# Tables whose client_id may be empty: such rows (an unknown caller's call, a company-wide
# template) are not a client's and everybody sees them.
_NULLABLE_CLIENT = {"phones", "emails", "custom_values", "favourites", "reminders",
                    "hotline_requests", "calls", "print_templates", "change_log"}

# The change log written by the database: table -> columns never logged.
_LOGGED = {
    "clients": ("search_name",), "client_divisions": (), "addresses": (), "contacts": ("search_name",),
    "phones": ("digits",), "emails": (), "responsibilities": (), "custom_values": (),
    "attachments": ("data", "mime_type", "size"), "employees": (), "action_items": (), "assignments": (),
    "work_records": (),
}
_ALWAYS_SKIPPED = ("id", "version", "created_at", "updated_at", "created_by_id",
                   "updated_by_id", "client_id", "contact_id", "visible_to")

# More new rows than this in one statement are logged one line a row (see vostok_log_inserts).
_BULK_ROWS = 50

# Statement-level notifications: table -> client id expression over a transition table row.
_NOTIFIED = {
    "clients": "id", "contacts": "client_id", "phones": "cc", "emails": "cc",
    "addresses": "client_id", "responsibilities": "client_id", "custom_values": "cc",
    "attachments": "client_id", "hotline_requests": "client_id", "assignments": "client_id",
    "work_records": "client_id", "action_items": "client_id",
}

# Rights the database checks per statement: table -> (insert, update, delete).
_GUARDED = {
    "clients": ("client.create", "client.edit", "client.delete"),
    "contacts": ("client.edit", "client.edit", "client.edit"),
    "client_divisions": ("client.edit",) * 3, "addresses": ("client.edit",) * 3,
    "phones": ("client.edit",) * 3, "emails": ("client.edit",) * 3,
    "responsibilities": ("client.edit",) * 3, "custom_values": ("client.edit",) * 3,
    "hotline_request_types": ("settings.hotline",) * 3,
    "search_order_stages": ("settings.hotline",) * 3,
    "calendar_exceptions": ("settings.hotline",) * 3,
    "assignment_kinds": ("settings.work",) * 3,
    "distribution_plans": ("settings.work",) * 3,
    "print_templates": ("templates.edit",) * 3,
    "print_template_versions": ("templates.edit",) * 3,
    "employees": ("users.admin",) * 3, "departments": ("users.admin",) * 3,
    "directions": ("users.admin",) * 3, "access_roles": ("users.admin",) * 3,
    "role_rights": ("users.admin",) * 3, "access_rights": ("users.admin",) * 3,
}

# Functions behind LIKE and text_pattern_ops: none raises an error that depends on a row's
# value, so they leak nothing; marked LEAKPROOF the planner may use the trigram and
# pattern indexes under row-level security (else every search is a sequential scan).
_LEAKPROOF = ("textlike(text, text)", "texticlike(text, text)", "textnlike(text, text)",
              "text_pattern_lt(text, text)", "text_pattern_le(text, text)",
              "text_pattern_ge(text, text)", "text_pattern_gt(text, text)")


def upgrade() -> None:
    op.create_table(
        "access_rights",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "access_roles",
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("visibility", sa.Enum("all", "department", "own", name="visibility",
                                        native_enum=False, length=20), nullable=False),
        sa.PrimaryKeyConstraint("role"),
    )
    op.create_table(
        "role_rights",
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("right_code", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["role"], ["access_roles.role"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["right_code"], ["access_rights.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("role", "right_code"),
    )
    op.create_table(
        "export_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("login", sa.String(length=63), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("what", sa.String(length=300), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_export_log_exported_at", "export_log", ["exported_at"])
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("tx_id", sa.BigInteger(), nullable=True))

    rights = sa.table("access_rights", sa.column("code"), sa.column("title"))
    roles = sa.table("access_roles", sa.column("role"), sa.column("title"),
                     sa.column("visibility"))
    role_rights = sa.table("role_rights", sa.column("role"), sa.column("right_code"))
    op.bulk_insert(rights, [{"code": c, "title": t} for c, t in _RIGHTS.items()])
    op.bulk_insert(roles, [{"role": r, "title": t, "visibility": v}
                           for r, (t, v, _) in _ROLES.items()])
    op.bulk_insert(role_rights, [{"role": r, "right_code": c}
                                 for r, (_, _, granted) in _ROLES.items()
                                 for c in sorted(granted)])

    if op.get_bind().dialect.name == "postgresql":
        _install_server_security()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(_DROP_SQL)
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("tx_id")
    op.drop_index("ix_export_log_exported_at", table_name="export_log")
    for table in ("export_log", "role_rights", "access_roles", "access_rights"):
        op.drop_table(table)


# --------------------------------------------------------------------------- PostgreSQL

def _client_expr(kind: str, alias: str = "t") -> str:
    if kind == "c":
        return f"{alias}.client_id"
    if kind == "cc":
        return (f"coalesce({alias}.client_id, (SELECT k.client_id FROM contacts k "
                f"WHERE k.id = {alias}.contact_id))")
    return kind.replace("t.", f"{alias}.")


def _install_server_security() -> None:
    bind = op.get_bind()
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    privileged = bind.execute(sa.text(
        "select rolsuper from pg_roles where rolname = current_user")).scalar()
    sql: list[str] = []

    # -- group roles (cluster-wide, so created only when missing) -------------------------
    groups = ["vostok_user", "vostok_see_all", "vostok_see_limited",
              *[f"vostok_{r}" for r in _ROLES]]
    for g in groups:
        sql.append(f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{g}') THEN
              CREATE ROLE {g} NOLOGIN;
            END IF; END $$""")
    for r in _ROLES:
        sql.append(f"GRANT vostok_user TO vostok_{r}")

    # -- privileges: everything the program does, nothing else -------------------------------
    sql += [
        f"GRANT USAGE ON SCHEMA {schema} TO vostok_user",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO vostok_user",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO vostok_user",
        # Tables of later migrations get the same, since the owner creates them.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE "
        "ON TABLES TO vostok_user",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES "
        "TO vostok_user",
        # The logs: add, read; never change or delete.
        "REVOKE UPDATE, DELETE ON change_log, export_log FROM vostok_user",
        "REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM vostok_user",
    ]

    # -- who am I ---------------------------------------------------------------------------
    # session_user, not current_user: inside SECURITY DEFINER functions current_user is
    # the owner, while session_user stays the employee's login.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_is_privileged() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
      SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
          OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                        WHERE oid = '{schema}.clients'::regclass), 'MEMBER')
    $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_employee_id() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
      SELECT id FROM employees WHERE login = session_user AND is_active
    $$""")
    # The employees whose clients a limited login sees: itself, or its whole department.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_visible_employees() RETURNS integer[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
      SELECT coalesce(CASE ar.visibility
          WHEN 'department' THEN (SELECT array_agg(o.id) FROM employees o
                                  WHERE o.department_id = me.department_id)
          ELSE NULL END, ARRAY[me.id])
      FROM employees me JOIN access_roles ar ON ar.role = me.role
      WHERE me.login = session_user AND me.is_active
    $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_has_right(code text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
      SELECT vostok_is_privileged() OR EXISTS (
        SELECT 1 FROM employees e JOIN role_rights r ON r.role = e.role
        WHERE e.login = session_user AND e.is_active AND r.right_code = code)
    $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_require_right(code text) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
    BEGIN
      IF NOT vostok_has_right(code) THEN
        RAISE EXCEPTION 'Нет права «%»', coalesce(
            (SELECT title FROM access_rights WHERE access_rights.code = vostok_require_right.code),
            code)
          USING ERRCODE = 'insufficient_privilege', HINT = code;
      END IF;
    END $$""")

    # -- rights in the database ---------------------------------------------------------------
    sql.append("""
    CREATE OR REPLACE FUNCTION vostok_rights_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM vostok_require_right(TG_ARGV[CASE TG_OP WHEN 'INSERT' THEN 0
                                                      WHEN 'UPDATE' THEN 1 ELSE 2 END]);
      RETURN NULL;
    END $$""")
    for table, (ins, upd, dele) in _GUARDED.items():
        sql.append(f"""CREATE TRIGGER vostok_rights BEFORE INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION vostok_rights_guard('{ins}', '{upd}', '{dele}')""")
    # Marking a client for deletion is deleting it, whatever right updates it.
    sql.append("""
    CREATE OR REPLACE FUNCTION vostok_mark_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM vostok_require_right('client.delete');
      RETURN NEW;
    END $$""")
    sql.append("""CREATE TRIGGER vostok_mark_for_deletion BEFORE UPDATE ON clients FOR EACH ROW
        WHEN (OLD.marked_for_deletion IS DISTINCT FROM NEW.marked_for_deletion)
        EXECUTE FUNCTION vostok_mark_guard()""")
    # Who a client belongs to, kept in the row itself (creator and responsibles), so the
    # visibility policy is one array test per row instead of a subquery that the
    # planner turns into a hash over all of a department's responsibilities each time.
    sql += [
        "ALTER TABLE clients ADD COLUMN visible_to integer[]",
        f"""CREATE OR REPLACE FUNCTION vostok_client_owners(cid integer) RETURNS integer[]
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
          SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{{}}') FROM (
            SELECT c.created_by_id AS x FROM clients c WHERE c.id = cid
            UNION SELECT r.employee_id FROM responsibilities r WHERE r.client_id = cid) s
          WHERE x IS NOT NULL
        $$""",
        f"""CREATE OR REPLACE FUNCTION vostok_refresh_owners() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            UPDATE clients c SET visible_to = vostok_client_owners(c.id)
            WHERE c.id IN (SELECT client_id FROM new_rows);
          ELSIF TG_OP = 'DELETE' THEN
            UPDATE clients c SET visible_to = vostok_client_owners(c.id)
            WHERE c.id IN (SELECT client_id FROM old_rows);
          ELSE
            UPDATE clients c SET visible_to = vostok_client_owners(c.id)
            WHERE c.id IN (SELECT client_id FROM new_rows
                           UNION SELECT client_id FROM old_rows);
          END IF;
          RETURN NULL;
        END $$""",
        """CREATE TRIGGER vostok_owners_insert AFTER INSERT ON responsibilities
           REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
           EXECUTE FUNCTION vostok_refresh_owners()""",
        """CREATE TRIGGER vostok_owners_update AFTER UPDATE ON responsibilities
           REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
           EXECUTE FUNCTION vostok_refresh_owners()""",
        """CREATE TRIGGER vostok_owners_delete AFTER DELETE ON responsibilities
           REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
           EXECUTE FUNCTION vostok_refresh_owners()""",
        # All clients at once (an upgraded base; bulk loads that ran with triggers off).
        f"""CREATE OR REPLACE FUNCTION vostok_refresh_all_owners() RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
          UPDATE clients c SET visible_to = (
              SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{{}}')
              FROM unnest(coalesce(s.ids, '{{}}') || c0.created_by_id) x WHERE x IS NOT NULL)
          FROM clients c0 LEFT JOIN (SELECT client_id, array_agg(employee_id) AS ids
                                     FROM responsibilities GROUP BY client_id) s
                           ON s.client_id = c0.id
          WHERE c0.id = c.id
        $$""",
        "SELECT vostok_refresh_all_owners()",
    ]
    # A client created by a limited login must stay visible to it.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_fill_creator() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        NEW.created_by_id := coalesce(NEW.created_by_id, vostok_employee_id());
      END IF;
      NEW.visible_to := (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{{}}') FROM (
          SELECT NEW.created_by_id AS x
          UNION SELECT r.employee_id FROM responsibilities r WHERE r.client_id = NEW.id) s
        WHERE x IS NOT NULL);
      RETURN NEW;
    END $$""")
    sql.append("""CREATE TRIGGER vostok_fill_creator BEFORE INSERT ON clients FOR EACH ROW
        EXECUTE FUNCTION vostok_fill_creator()""")
    sql.append("""CREATE TRIGGER vostok_creator_changed BEFORE UPDATE OF created_by_id ON clients
        FOR EACH ROW WHEN (OLD.created_by_id IS DISTINCT FROM NEW.created_by_id)
        EXECUTE FUNCTION vostok_fill_creator()""")

    # -- row-level security -------------------------------------------------------------------
    sql += [
        "ALTER TABLE clients ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY vostok_see_all ON clients TO vostok_see_all USING (true) WITH CHECK (true)",
        """CREATE POLICY vostok_see_limited ON clients TO vostok_see_limited
           USING (visible_to && coalesce((SELECT vostok_visible_employees()), '{}'))
           WITH CHECK (true)""",
    ]
    # Everything hanging off a client is visible when its client is: a scalar subquery
    # reads the client through the clients policy above (an index probe and an array
    # test). Not EXISTS: the planner may turn that into a hash of every visible client,
    # rebuilt for each row of a correlated subquery (30 ms a phone in a list page).
    # Each test is an index probe by a plain column (a coalesce over a subquery would
    # make the planner scan clients for every row).
    for table, kind in _CLIENT_ROWS.items():
        by_client = f"(SELECT true FROM clients vc WHERE vc.id = {table}.client_id)"
        if kind == "c":
            visible = (f"{table}.client_id IS NULL OR {by_client}"
                       if table in _NULLABLE_CLIENT else by_client)
        elif kind == "cc":
            visible = (f"CASE WHEN {table}.client_id IS NOT NULL THEN {by_client} "
                       f"WHEN {table}.contact_id IS NOT NULL THEN (SELECT true FROM contacts vk "
                       f"WHERE vk.id = {table}.contact_id) ELSE true END")
        elif table == "work_action_lines":  # through its work, which has its own policy
            visible = ("(SELECT true FROM work_records vw "
                       "WHERE vw.id = work_action_lines.work_id)")
        else:  # hotline_request_history: through its request
            visible = ("(SELECT true FROM hotline_requests vr "
                       "WHERE vr.id = hotline_request_history.request_id)")
        sql += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_see_all ON {table} TO vostok_see_all USING (true) "
            "WITH CHECK (true)",
            f"CREATE POLICY vostok_see_limited ON {table} TO vostok_see_limited "
            f"USING ({visible}) WITH CHECK (true)",
        ]
    # The export log: everyone adds their own lines; only those who administer users read it.
    sql += [
        "ALTER TABLE export_log ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY vostok_add ON export_log FOR INSERT TO vostok_user "
        "WITH CHECK (login = session_user)",
        "CREATE POLICY vostok_read ON export_log FOR SELECT TO vostok_user "
        "USING (login = session_user OR vostok_has_right('users.admin'))",
    ]
    # The program's own log lines (e-mail sent, merged from...) are the writer's own.
    sql.append("CREATE POLICY vostok_own_lines ON change_log AS RESTRICTIVE FOR INSERT "
               "TO vostok_user WITH CHECK (employee_id IS NOT DISTINCT FROM vostok_employee_id())")

    # -- the change log, written by the database ----------------------------------------------
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_log_value(v jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE
        WHEN v IS NULL OR jsonb_typeof(v) = 'null' THEN NULL
        WHEN jsonb_typeof(v) = 'boolean' THEN CASE WHEN v::text = 'true' THEN 'да' ELSE 'нет' END
        WHEN jsonb_typeof(v) = 'string' THEN CASE
          WHEN v #>> '{{}}' = '' THEN NULL
          WHEN v #>> '{{}}' ~ '^\\d{{4}}-\\d{{2}}-\\d{{2}}$'
            THEN to_char((v #>> '{{}}')::date, 'DD.MM.YYYY')
          WHEN v #>> '{{}}' ~ '^\\d{{4}}-\\d{{2}}-\\d{{2}}T\\d{{2}}:\\d{{2}}:\\d{{2}}'
            THEN to_char((v #>> '{{}}')::timestamptz AT TIME ZONE 'UTC',
                         'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
          ELSE left(v #>> '{{}}', 4000) END
        WHEN jsonb_typeof(v) = 'number' THEN trim_scale(v::text::numeric)::text
        ELSE v::text END
    $$""")
    # The client a logged row belongs to (a contact's phone: the contact's client).
    # Plain SQL, so the planner inlines it into the log triggers' INSERT … SELECT.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_row_client(tbl text, r jsonb) RETURNS integer
    LANGUAGE sql STABLE AS $$
      SELECT CASE WHEN tbl = 'clients' THEN (r ->> 'id')::integer
                  WHEN tbl = 'employees' THEN NULL
                  ELSE coalesce((r ->> 'client_id')::integer,
                                (SELECT k.client_id FROM {schema}.contacts k
                                 WHERE k.id = (r ->> 'contact_id')::integer)) END
    $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_log_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
    DECLARE
      o jsonb := CASE WHEN TG_OP = 'INSERT' THEN '{{}}'::jsonb ELSE to_jsonb(OLD) END;
      n jsonb := CASE WHEN TG_OP = 'DELETE' THEN '{{}}'::jsonb ELSE to_jsonb(NEW) END;
      r jsonb := CASE WHEN TG_OP = 'DELETE' THEN o ELSE n END;
      row_id integer := (r ->> 'id')::integer;
      cid integer;
      who integer := coalesce(vostok_employee_id(),
          CASE WHEN vostok_is_privileged()
               THEN nullif(current_setting('vostok.employee_id', true), '')::integer END);
      skip text[] := TG_ARGV || ARRAY{list(_ALWAYS_SKIPPED)!r}::text[];
      k text;
      before text;
      after text;
    BEGIN
      cid := vostok_row_client(TG_TABLE_NAME, r);
      IF TG_TABLE_NAME = 'responsibilities' THEN
        -- as the program shows it: «responsible:<direction>», employees by name
        k := 'responsible:' || (SELECT d.code FROM directions d
                                WHERE d.id = (r ->> 'direction_id')::integer);
        before := (SELECT e.full_name FROM employees e WHERE e.id = (o ->> 'employee_id')::integer);
        after := (SELECT e.full_name FROM employees e WHERE e.id = (n ->> 'employee_id')::integer);
        IF before IS DISTINCT FROM after THEN
          INSERT INTO change_log (changed_at, employee_id, table_name, row_id, client_id,
                                  field, old_value, new_value, tx_id)
          VALUES (now(), who, TG_TABLE_NAME, row_id, cid, k, before, after, txid_current());
        END IF;
        RETURN NULL;
      END IF;
      IF TG_TABLE_NAME = 'custom_values' THEN
        k := 'custom:' || (r ->> 'field_id');
        before := coalesce(vostok_log_value(o -> 'value_text'), vostok_log_value(o -> 'value_number'),
                           vostok_log_value(o -> 'value_date'));
        after := coalesce(vostok_log_value(n -> 'value_text'), vostok_log_value(n -> 'value_number'),
                          vostok_log_value(n -> 'value_date'));
        IF before IS DISTINCT FROM after THEN
          INSERT INTO change_log (changed_at, employee_id, table_name, row_id, client_id,
                                  field, old_value, new_value, tx_id)
          VALUES (now(), who, TG_TABLE_NAME, row_id, cid, k, before, after, txid_current());
        END IF;
        RETURN NULL;
      END IF;
      FOR k IN SELECT jsonb_object_keys(o || n) LOOP
        CONTINUE WHEN k = ANY (skip);
        before := vostok_log_value(o -> k);
        after := vostok_log_value(n -> k);
        IF before IS DISTINCT FROM after THEN
          INSERT INTO change_log (changed_at, employee_id, table_name, row_id, client_id,
                                  field, old_value, new_value, tx_id)
          VALUES (now(), who, TG_TABLE_NAME, row_id, cid, left(k, 63), before, after,
                  txid_current());
        END IF;
      END LOOP;
      RETURN NULL;
    END $$""")
    # New rows are logged per statement, from the transition table in one INSERT … SELECT:
    # a row trigger made a 100k-row import five times slower to write.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_log_inserts() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
    DECLARE
      who integer := coalesce(vostok_employee_id(),
          CASE WHEN vostok_is_privileged()
               THEN nullif(current_setting('vostok.employee_id', true), '')::integer END);
      skip text[] := TG_ARGV || ARRAY{list(_ALWAYS_SKIPPED)!r}::text[];
      many boolean := (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT {_BULK_ROWS + 1}) x)
                      > {_BULK_ROWS};
    BEGIN
      IF many THEN
        -- A bulk load (an import): one line per new row with all its values, instead of
        -- a line per field (1.5 million lines for 100k imported clients).
        INSERT INTO change_log (changed_at, employee_id, table_name, row_id, client_id,
                                field, old_value, new_value, tx_id)
        SELECT now(), who, TG_TABLE_NAME, (r ->> 'id')::integer,
               vostok_row_client(TG_TABLE_NAME, r),
               'created', NULL, left(jsonb_strip_nulls(r - skip)::text, 4000), txid_current()
        FROM new_rows t CROSS JOIN LATERAL to_jsonb(t) AS r;
        RETURN NULL;
      END IF;
      INSERT INTO change_log (changed_at, employee_id, table_name, row_id, client_id,
                              field, old_value, new_value, tx_id)
      SELECT now(), who, TG_TABLE_NAME, (r ->> 'id')::integer,
             vostok_row_client(TG_TABLE_NAME, r),
             left(e.key, 63), NULL, v.value, txid_current()
      FROM new_rows t
      CROSS JOIN LATERAL to_jsonb(t) AS r
      CROSS JOIN LATERAL jsonb_each(r) AS e
      CROSS JOIN LATERAL (SELECT vostok_log_value(e.value) AS value) AS v
      WHERE e.key <> ALL (skip) AND v.value IS NOT NULL;
      RETURN NULL;
    END $$""")
    for table, extra_skip in _LOGGED.items():
        args = ", ".join(f"'{c}'" for c in extra_skip)
        if table in ("responsibilities", "custom_values"):  # fields of their own
            sql.append(f"""CREATE TRIGGER vostok_change_log AFTER INSERT OR UPDATE OR DELETE
                ON {table} FOR EACH ROW EXECUTE FUNCTION vostok_log_change({args})""")
            continue
        sql.append(f"""CREATE TRIGGER vostok_change_log AFTER UPDATE OR DELETE
            ON {table} FOR EACH ROW EXECUTE FUNCTION vostok_log_change({args})""")
        sql.append(f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT ON {table}
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION vostok_log_inserts({args})""")
    # Merging clients moves the duplicate's history to the survivor: the only rewrite of
    # the log there is, and only for those with the right to merge.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_move_client_history(from_id integer, to_id integer)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
    BEGIN
      PERFORM vostok_require_right('client.merge');
      UPDATE change_log SET client_id = to_id WHERE client_id = from_id;
    END $$""")
    # Attribution for privileged connections (owner, superuser) that act for an employee.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_attribute_changes(emp integer)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
    BEGIN
      -- later rows of this transaction are attributed by the trigger itself
      PERFORM set_config('vostok.employee_id', emp::text, true);
      IF vostok_employee_id() IS NULL AND vostok_is_privileged() THEN
        UPDATE change_log SET employee_id = emp
        WHERE tx_id = txid_current() AND employee_id IS NULL;
      END IF;
    END $$""")
    # The caller lookup, the hottest read of all (≤ 2 ms while the phone rings): one
    # function that applies the same visibility as the policies, in one plan, instead of
    # four policies expanded into the lookup's joins (2.6 ms instead of 1.4 at 1M).
    # It shows a login exactly the rows the policies would: see-all, or the clients whose
    # visible_to meets the login's visible employees, or everything for the owner.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_caller_rows(numbers text[], max_rows integer)
    RETURNS TABLE (raw text, contact_id integer, last_name text, first_name text,
                   middle_name text, position_ text, client_id integer, short_name text,
                   status text, marked boolean, responsible text, direction text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
    #variable_conflict use_column
    BEGIN
      -- PL/pgSQL keeps the plan for the session; an SQL function would plan every call.
      RETURN QUERY
      WITH me AS (
        SELECT vostok_is_privileged() OR pg_has_role(session_user, 'vostok_see_all', 'MEMBER')
                 AS sees_all,
               pg_has_role(session_user, 'vostok_see_limited', 'MEMBER') AS limited,
               coalesce(vostok_visible_employees(), '{{}}') AS emps)
      SELECT p.raw::text, p.contact_id, k.last_name::text, k.first_name::text,
             k.middle_name::text, k.position::text, c.id, c.short_name::text, c.status::text,
             c.marked_for_deletion, e.full_name::text, d.name::text
      FROM (SELECT p.*, coalesce(p.client_id, k0.client_id) AS cid
            FROM phones p LEFT JOIN contacts k0 ON k0.id = p.contact_id
            WHERE p.digits = ANY (numbers) OFFSET 0) p
      LEFT JOIN contacts k ON k.id = p.contact_id
      JOIN clients c ON c.id = p.cid
      CROSS JOIN me
      LEFT JOIN responsibilities r ON r.client_id = c.id
      LEFT JOIN employees e ON e.id = r.employee_id
      LEFT JOIN directions d ON d.id = r.direction_id
      WHERE me.sees_all OR (me.limited AND c.visible_to && me.emps)
      ORDER BY c.marked_for_deletion, c.id, p.contact_id, d.id
      LIMIT max_rows;
    END $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION vostok_record_export(kind text, what text, row_count integer)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_catalog AS $$
    BEGIN
      PERFORM vostok_require_right(CASE WHEN kind = 'print' THEN 'print.mass'
                                        ELSE 'export.excel' END);
      INSERT INTO export_log (exported_at, employee_id, login, kind, what, row_count)
      VALUES (now(), vostok_employee_id(), session_user, kind, left(what, 300), row_count);
    END $$""")

    # -- change notifications (one per statement) ---------------------------------------------
    sql.append("""
    CREATE OR REPLACE FUNCTION vostok_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      expr text := TG_ARGV[0];
      ids integer[];
      cids integer[];
      total integer;
    BEGIN
      EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM changed_rows LIMIT 201) x') INTO total;
      IF total = 0 THEN RETURN NULL; END IF;
      IF total <= 200 THEN
        EXECUTE format('SELECT array_agg(t.id), array_agg(DISTINCT %s) '
                       'FROM changed_rows t', expr) INTO ids, cids;
        cids := array_remove(cids, NULL);
      END IF;
      PERFORM pg_notify('vostok_changes', json_build_object(
        'table', TG_TABLE_NAME, 'op', TG_OP, 'ids', ids, 'clients', cids,
        'pid', pg_backend_pid())::text);
      RETURN NULL;
    END $$""")
    for table, kind in _NOTIFIED.items():
        expr = "t.id" if kind == "id" else _client_expr("cc" if kind == "cc" else "c", "t")
        expr = expr.replace("'", "''")
        for event, ref in (("INSERT", "NEW TABLE AS changed_rows"),
                           ("UPDATE", "NEW TABLE AS changed_rows"),
                           ("DELETE", "OLD TABLE AS changed_rows")):
            sql.append(f"""CREATE TRIGGER vostok_notify_{event.lower()} AFTER {event} ON {table}
                REFERENCING {ref} FOR EACH STATEMENT
                EXECUTE FUNCTION vostok_notify_changes('{expr}')""")

    if privileged:
        sql += [f"ALTER FUNCTION pg_catalog.{f} LEAKPROOF" for f in _LEAKPROOF]
    for statement in sql:
        op.execute(statement)
    if not privileged:
        op.execute("DO $$ BEGIN RAISE NOTICE 'vostok: not a superuser, LIKE is not marked "
                   "LEAKPROOF; searches under row-level security will not use indexes'; END $$")


_DROP_SQL = """
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT tgname, tgrelid::regclass AS rel FROM pg_trigger
           WHERE tgname LIKE 'vostok_%' AND NOT tgisinternal LOOP
    EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
  END LOOP;
  FOR t IN SELECT polname, polrelid::regclass AS rel FROM pg_policy
           WHERE polname LIKE 'vostok_%' LOOP
    EXECUTE format('DROP POLICY %I ON %s', t.polname, t.rel);
    EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', t.rel);
  END LOOP;
  FOR t IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE p.proname LIKE 'vostok_%' AND n.nspname = current_schema() LOOP
    EXECUTE format('DROP FUNCTION %s', t.fn);
  END LOOP;
END $$;
ALTER TABLE clients DROP COLUMN IF EXISTS visible_to;
"""
