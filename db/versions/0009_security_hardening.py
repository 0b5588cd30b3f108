"""Server security, hardened against an employee with psql: safe search paths, logins
without CREATEROLE, writes tied to the writer's visibility, per-listener notices.

Revision ID: 0009
Revises: 0008

Each part closes a class of attack found by trying, as a limited employee would, to get
round migration 0007 from psql (the tests in ``tests/security/`` repeat every one):

1. Every SECURITY DEFINER function resolves names as ``pg_catalog, <schema>, pg_temp``:
   with ``pg_temp`` anywhere but last, a temporary table named ``employees`` or
   ``pg_roles`` is read by the function instead of the real one.
2. No login has CREATEROLE (on PostgreSQL 15 it can grant itself
   ``pg_execute_server_program`` and run programs as the server's OS user). Logins are
   created and changed by three SECURITY DEFINER functions owned by the NOLOGIN role
   ``vostok_login_admin``; they check the caller's right «Пользователи и права», take
   the groups from the employee's row (only ``vostok_*`` groups), and refuse any role
   that is not a plain employee login.
3. Row-level security checks writes as it checks reads (WITH CHECK = USING); shared
   reference tables get rights triggers; the columns that name who did something
   (creator, editor, caller of the export, author of a log line) are set by the server
   from ``session_user``; the logs are written only through checked functions.
4. Read side channels: helper functions answer only for what the caller may see; the
   log of a deleted contact's phones stays its client's; change notices go out per
   listener (a secret channel per limited employee, one for those who see everything)
   instead of one channel every login can LISTEN to.
5. Maintenance (``vostok_refresh_all_owners``) is for administrators and rewrites only
   the rows that are out of date.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
JOB_GROUPS = ("vostok_admin", "vostok_head", "vostok_manager", "vostok_service_engineer",
              "vostok_telemarketer", "vostok_operator")
VISIBILITY_GROUPS = ("vostok_see_all", "vostok_see_limited")
LOGIN_ADMIN = "vostok_login_admin"

# Tables whose rows belong to a client (0007 ``_CLIENT_ROWS`` plus 0008's name keys): a
# change-log line of one of these with no client is not everybody's.
CLIENT_TABLES = ("clients", "contacts", "client_divisions", "addresses", "phones", "emails",
                 "responsibilities", "custom_values", "attachments", "favourites",
                 "action_items", "assignments", "work_records", "reminders",
                 "hotline_requests", "calls", "work_action_lines",
                 "hotline_request_history", "client_name_keys")

# Shared reference tables that 0007 left writable by everyone: (insert, update, delete).
NEW_GUARDS = {
    # deleting a field deletes every client's value of it
    "custom_fields": ("users.admin",) * 3,
    "client_groups": ("client.edit", "client.edit", "users.admin"),
}

# Columns naming who created / last changed a row, stamped by the server (clients have
# their own trigger, vostok_fill_creator).
ACTOR_COLUMNS = {
    "contacts": ("updated_by_id",),
    "attachments": ("created_by_id",),
    "print_template_versions": ("created_by_id",),
    "company_details": ("updated_by_id",),
}

EXPORT_KINDS = ("excel", "print")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if not bind.execute(sa.text("select to_regrole('vostok_user') is not null")).scalar():
        return  # 0007 found no way to install server security here: nothing to harden
    for statement in _hardening_sql(bind):
        op.execute(statement)


def downgrade() -> None:
    # The holes are not reopened: a downgrade keeps the hardening (0007's downgrade drops
    # every vostok_* function, trigger and policy, these included).
    pass


def _hardening_sql(bind: sa.Connection) -> list[str]:
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    version = int(bind.execute(sa.text("show server_version_num")).scalar_one())
    superuser = bool(bind.execute(sa.text(
        "select rolsuper from pg_roles where rolname = current_user")).scalar())
    safe_path = f"pg_catalog, {schema}, pg_temp"
    groups_sql = "ARRAY[" + ", ".join(f"'{g}'" for g in JOB_GROUPS + VISIBILITY_GROUPS) + "]"
    sql: list[str] = []

    # -- 2. logins: a dedicated NOLOGIN role creates them, nobody else has CREATEROLE -----
    sql.append(f"""DO $$ BEGIN
        IF to_regrole('{LOGIN_ADMIN}') IS NULL THEN
          CREATE ROLE {LOGIN_ADMIN} NOLOGIN CREATEROLE;
        END IF; END $$""")
    sql.append(f"ALTER ROLE {LOGIN_ADMIN} NOLOGIN CREATEROLE NOSUPERUSER NOCREATEDB "
               "NOREPLICATION NOBYPASSRLS")
    # Nobody may act as it (SET ROLE) or inherit from it.
    sql.append(f"""DO $$ DECLARE m record; BEGIN
        FOR m IN SELECT u.rolname FROM pg_auth_members a JOIN pg_roles u ON u.oid = a.member
                 WHERE a.roleid = '{LOGIN_ADMIN}'::regrole LOOP
          EXECUTE format('REVOKE {LOGIN_ADMIN} FROM %I', m.rolname);
        END LOOP; END $$""")
    # 0007's administrators had CREATEROLE: take it away from every employee login.
    sql.append(f"""DO $$ DECLARE r record; BEGIN
        FOR r IN SELECT rolname FROM pg_roles
                 WHERE rolcreaterole AND NOT rolsuper AND rolname <> '{LOGIN_ADMIN}'
                   AND pg_has_role(oid, 'vostok_user', 'MEMBER') LOOP
          EXECUTE format('ALTER ROLE %I NOCREATEROLE', r.rolname);
        END LOOP; END $$""")
    sql += [f"GRANT USAGE ON SCHEMA {schema} TO {LOGIN_ADMIN}",
            f"GRANT SELECT ON {schema}.employees, {schema}.access_roles TO {LOGIN_ADMIN}"]
    if version >= 160000:
        # PostgreSQL 16+: CREATEROLE manages only roles it has ADMIN OPTION on. The groups,
        # and the logins made before this revision, are given to it for administration
        # only (no INHERIT, no SET: it gains none of their privileges).
        for group in JOB_GROUPS + VISIBILITY_GROUPS:
            sql.append(f"GRANT {group} TO {LOGIN_ADMIN} WITH ADMIN TRUE, INHERIT FALSE, "
                       "SET FALSE")
        sql.append(f"""DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT e.login FROM {schema}.employees e
                     JOIN pg_roles u ON u.rolname = e.login
                     WHERE NOT u.rolsuper AND pg_has_role(u.oid, 'vostok_user', 'MEMBER') LOOP
              EXECUTE format('GRANT %I TO {LOGIN_ADMIN} WITH ADMIN TRUE, INHERIT FALSE, '
                             'SET FALSE', r.login);
            END LOOP; END $$""")

    # The checks every login function makes: the caller's right, a valid name, an
    # employee with that login, and (when the role exists) a plain employee login — no
    # attribute beyond LOGIN, no membership outside the vostok_* groups, no members.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_login_target(login text, must_exist boolean,
        OUT job_group text, OUT visibility_group text, OUT active boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      r pg_catalog.pg_roles%ROWTYPE;
    BEGIN
      PERFORM {schema}.vostok_require_right('users.admin');
      IF login IS NULL OR login !~ '^[a-z_][a-z0-9_.]{{1,62}}$' OR login ~ '^(pg_|vostok_)' THEN
        RAISE EXCEPTION 'Недопустимый логин «%»: латинские строчные буквы, цифры, «_» и «.»',
          coalesce(login, '') USING ERRCODE = 'invalid_parameter_value';
      END IF;
      SELECT 'vostok_' || e.role,
             CASE WHEN ar.visibility = 'all' THEN 'vostok_see_all' ELSE 'vostok_see_limited' END,
             e.is_active
        INTO job_group, visibility_group, active
        FROM {schema}.employees e JOIN {schema}.access_roles ar ON ar.role = e.role
       WHERE e.login = vostok_login_target.login;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'Нет сотрудника с логином «%»', login
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      IF NOT job_group = ANY ({groups_sql}) THEN
        RAISE EXCEPTION 'Неизвестная роль сотрудника «%»', job_group
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      SELECT * INTO r FROM pg_catalog.pg_roles WHERE rolname = login;
      IF NOT FOUND THEN
        IF must_exist THEN
          RAISE EXCEPTION 'На сервере нет входа «%»', login
            USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN;
      END IF;
      IF NOT must_exist THEN
        RAISE EXCEPTION 'На сервере уже есть роль «%»: выберите другой логин', login
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      IF r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls
         OR r.oid = (SELECT relowner FROM pg_catalog.pg_class
                     WHERE oid = '{schema}.clients'::pg_catalog.regclass)
         OR r.oid = (SELECT datdba FROM pg_catalog.pg_database
                     WHERE datname = pg_catalog.current_database())
         OR EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                    JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                    WHERE m.member = r.oid AND NOT g.rolname = ANY ({groups_sql}))
         OR EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                    WHERE m.roleid = r.oid AND m.member <> '{LOGIN_ADMIN}'::pg_catalog.regrole)
      THEN
        RAISE EXCEPTION 'Роль «%» — не обычный вход сотрудника: её меняет только '
                        'суперпользователь', login USING ERRCODE = 'insufficient_privilege';
      END IF;
    END $$""")
    # Exactly one job group and one visibility group, from the employee's row; an
    # inactive employee cannot log in.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_sync_login(login text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      t record;
      g text;
    BEGIN
      SELECT * INTO t FROM {schema}.vostok_login_target(login, true);
      FOR g IN SELECT gr.rolname FROM pg_catalog.pg_auth_members m
               JOIN pg_catalog.pg_roles gr ON gr.oid = m.roleid
               JOIN pg_catalog.pg_roles u ON u.oid = m.member
               WHERE u.rolname = login AND gr.rolname = ANY ({groups_sql})
                 AND gr.rolname NOT IN (t.job_group, t.visibility_group) LOOP
        EXECUTE pg_catalog.format('REVOKE %I FROM %I', g, login);
      END LOOP;
      FOREACH g IN ARRAY ARRAY[t.job_group, t.visibility_group] LOOP
        IF NOT pg_catalog.pg_has_role(login, g, 'MEMBER') THEN
          EXECUTE pg_catalog.format('GRANT %I TO %I', g, login);
        END IF;
      END LOOP;
      EXECUTE pg_catalog.format('ALTER ROLE %I %s', login,
                                CASE WHEN t.active THEN 'LOGIN' ELSE 'NOLOGIN' END);
    END $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_create_login(login text, password text)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    BEGIN
      PERFORM {schema}.vostok_login_target(login, false);
      IF password IS NULL OR password = '' THEN
        RAISE EXCEPTION 'Для входа на сервер нужен пароль' USING ERRCODE = 'invalid_parameter_value';
      END IF;
      EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB '
                                'NOCREATEROLE NOREPLICATION NOBYPASSRLS', login, password);
      PERFORM {schema}.vostok_sync_login(login);
    END $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_set_login_password(login text, password text)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    BEGIN
      PERFORM {schema}.vostok_login_target(login, true);
      IF password IS NULL OR password = '' THEN
        RAISE EXCEPTION 'Пустой пароль' USING ERRCODE = 'invalid_parameter_value';
      END IF;
      EXECUTE pg_catalog.format('ALTER ROLE %I PASSWORD %L', login, password);
    END $$""")
    login_functions = ("vostok_login_target(text, boolean)", "vostok_sync_login(text)",
                       "vostok_create_login(text, text)",
                       "vostok_set_login_password(text, text)")
    for fn in login_functions:
        sql += [f"ALTER FUNCTION {schema}.{fn} OWNER TO {LOGIN_ADMIN}",
                f"REVOKE ALL ON FUNCTION {schema}.{fn} FROM PUBLIC",
                f"GRANT EXECUTE ON FUNCTION {schema}.{fn} TO vostok_user"]

    # -- 3. writes ---------------------------------------------------------------------------
    # Whether the caller may see a client, by the same rule as the policies (for the
    # checked functions; false alike for a missing and an invisible client).
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_client_visible(cid integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {safe_path} AS $$
      SELECT CASE
        WHEN cid IS NULL THEN false
        WHEN vostok_is_privileged() OR pg_has_role(session_user, 'vostok_see_all', 'MEMBER')
          THEN EXISTS (SELECT 1 FROM clients c WHERE c.id = cid)
        WHEN pg_has_role(session_user, 'vostok_see_limited', 'MEMBER')
          THEN EXISTS (SELECT 1 FROM clients c WHERE c.id = cid
                       AND c.visible_to && coalesce(vostok_visible_employees(), '{{}}'))
        ELSE false END
    $$""")
    # Row-level security checks what is written as it checks what is read.
    sql.append(f"""DO $$ DECLARE p record; BEGIN
        FOR p IN SELECT pol.polname, pol.polrelid::regclass AS rel,
                        pg_get_expr(pol.polqual, pol.polrelid) AS qual
                 FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid
                 WHERE pol.polname = 'vostok_see_limited'
                   AND c.relnamespace = '{schema}'::regnamespace LOOP
          EXECUTE format('ALTER POLICY vostok_see_limited ON %s WITH CHECK (%s)', p.rel, p.qual);
        END LOOP; END $$""")
    # A change-log line with no client is everybody's only when it is not about a
    # client's row (an employee's, say): the log of a contact's phones stays with its
    # client even after the contact is gone.
    client_tables = ", ".join(f"'{t}'" for t in CLIENT_TABLES)
    log_visible = (f"CASE WHEN change_log.client_id IS NOT NULL THEN "
                   f"(SELECT true FROM {schema}.clients vc WHERE vc.id = change_log.client_id) "
                   f"WHEN change_log.table_name IN ({client_tables}) THEN false ELSE true END")
    sql.append(f"ALTER POLICY vostok_see_limited ON {schema}.change_log USING ({log_visible}) "
               f"WITH CHECK ({log_visible})")
    # A logged row's client, also when its contact was deleted first (a cascade): the
    # contact's own log lines still name the client.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_row_client(tbl text, r jsonb) RETURNS integer
    LANGUAGE sql STABLE AS $$
      SELECT CASE WHEN tbl = 'clients' THEN (r ->> 'id')::integer
                  WHEN tbl = 'employees' THEN NULL
                  ELSE coalesce((r ->> 'client_id')::integer,
                                (SELECT k.client_id FROM {schema}.contacts k
                                 WHERE k.id = (r ->> 'contact_id')::integer),
                                (SELECT l.client_id FROM {schema}.change_log l
                                 WHERE l.table_name = 'contacts'
                                   AND l.row_id = (r ->> 'contact_id')::integer
                                   AND l.client_id IS NOT NULL LIMIT 1)) END
    $$""")
    # The logs are written by the database only: the triggers, vostok_log_event (the
    # program's own events) and vostok_record_export. A user's INSERT could back-date a
    # line or name someone else.
    sql += [f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.change_log, "
            f"{schema}.export_log FROM vostok_user",
            f"DROP POLICY IF EXISTS vostok_add ON {schema}.export_log",
            f"DROP POLICY IF EXISTS vostok_own_lines ON {schema}.change_log"]
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_log_event(tbl text, row_id integer,
        client_id integer, field text, old_value text, new_value text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      who integer := coalesce(vostok_employee_id(),
          CASE WHEN vostok_is_privileged()
               THEN nullif(current_setting('vostok.employee_id', true), '')::integer END);
    BEGIN
      IF tbl IS NULL OR tbl !~ '^[a-z_]{{1,63}}$' OR row_id IS NULL OR field IS NULL
         OR field = '' THEN
        RAISE EXCEPTION 'Строка журнала без таблицы, записи или поля'
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      -- A see-all login may log about a client deleted in the same transaction.
      IF client_id IS NOT NULL AND NOT (vostok_is_privileged()
             OR pg_has_role(session_user, 'vostok_see_all', 'MEMBER'))
         AND NOT vostok_client_visible(client_id) THEN
        RAISE EXCEPTION 'Нет доступа к клиенту %', client_id
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF client_id IS NULL AND tbl IN ({client_tables}) AND NOT vostok_is_privileged() THEN
        RAISE EXCEPTION 'Строка журнала о записи клиента должна называть клиента'
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      INSERT INTO change_log (changed_at, employee_id, table_name, row_id, client_id, field,
                              old_value, new_value, tx_id)
      VALUES (now(), who, tbl, row_id, client_id, left(field, 63), left(old_value, 4000),
              left(new_value, 4000), txid_current());
    END $$""")
    # Junk in the export log is refused; the line is always the caller's own.
    kinds = ", ".join(f"'{k}'" for k in EXPORT_KINDS)
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_record_export(kind text, what text,
        row_count integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    BEGIN
      IF kind IS NULL OR kind NOT IN ({kinds}) THEN
        RAISE EXCEPTION 'Неизвестный вид выгрузки «%»', coalesce(kind, '')
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      IF row_count IS NULL OR row_count < 0 THEN
        RAISE EXCEPTION 'Число строк выгрузки должно быть не меньше нуля'
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      IF what IS NULL OR btrim(what) = '' THEN
        RAISE EXCEPTION 'Не сказано, что выгружено' USING ERRCODE = 'invalid_parameter_value';
      END IF;
      PERFORM vostok_require_right(CASE WHEN kind = 'print' THEN 'print.mass'
                                        ELSE 'export.excel' END);
      INSERT INTO export_log (exported_at, employee_id, login, kind, what, row_count)
      VALUES (now(), vostok_employee_id(), session_user, kind, left(what, 300), row_count);
    END $$""")
    # Merging moves history only between clients the caller sees.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_move_client_history(from_id integer,
        to_id integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    BEGIN
      PERFORM vostok_require_right('client.merge');
      -- The duplicate is deleted first (RLS lets a login delete only what it sees);
      -- the delete's own log lines in this transaction stand for its visibility.
      IF NOT vostok_client_visible(to_id)
         OR NOT (vostok_client_visible(from_id)
                 OR (NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = from_id)
                     AND EXISTS (SELECT 1 FROM change_log l
                                 WHERE l.table_name = 'clients' AND l.row_id = from_id
                                   AND l.client_id = from_id
                                   AND l.tx_id = txid_current()))) THEN
        RAISE EXCEPTION 'Нет доступа к объединяемым клиентам'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      UPDATE change_log SET client_id = to_id WHERE client_id = from_id;
    END $$""")
    # The creator of a client is the login that inserts it; nobody but a privileged
    # connection changes it later. The editor is whoever sets updated_by_id.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_fill_creator() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      me integer := vostok_employee_id();
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF me IS NOT NULL THEN
          NEW.created_by_id := me;
          NEW.updated_by_id := me;
        END IF;
      ELSIF OLD.created_by_id IS DISTINCT FROM NEW.created_by_id AND NOT vostok_is_privileged()
      THEN
        RAISE EXCEPTION 'Автора клиента не меняют' USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.visible_to := (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{{}}') FROM (
          SELECT NEW.created_by_id AS x
          UNION SELECT r.employee_id FROM responsibilities r WHERE r.client_id = NEW.id) s
        WHERE x IS NOT NULL);
      RETURN NEW;
    END $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_stamp_editor() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      me integer := vostok_employee_id();
      col text;
    BEGIN
      IF me IS NULL THEN RETURN NEW; END IF;  -- privileged connections name whom they act for
      FOREACH col IN ARRAY TG_ARGV LOOP
        NEW := jsonb_populate_record(NEW, jsonb_build_object(col, me));
      END LOOP;
      RETURN NEW;
    END $$""")
    sql.append(f"""CREATE OR REPLACE TRIGGER vostok_stamp_editor BEFORE UPDATE ON {schema}.clients
        FOR EACH ROW WHEN (OLD.updated_by_id IS DISTINCT FROM NEW.updated_by_id)
        EXECUTE FUNCTION {schema}.vostok_stamp_editor('updated_by_id')""")
    for table, columns in ACTOR_COLUMNS.items():
        args = ", ".join(f"'{c}'" for c in columns)
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        sql += [f"""CREATE OR REPLACE TRIGGER vostok_stamp_insert BEFORE INSERT ON {schema}.{table}
                    FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_stamp_editor({args})""",
                f"""CREATE OR REPLACE TRIGGER vostok_stamp_update BEFORE UPDATE ON {schema}.{table}
                    FOR EACH ROW WHEN ({changed})
                    EXECUTE FUNCTION {schema}.vostok_stamp_editor({args})"""]
    # Shared reference tables: rights, as 0007 gave the others.
    for table, (ins, upd, dele) in NEW_GUARDS.items():
        sql.append(f"""CREATE OR REPLACE TRIGGER vostok_rights BEFORE INSERT OR UPDATE OR DELETE
            ON {schema}.{table} FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{ins}', '{upd}', '{dele}')""")
    # Per-employee rows are their employee's own.
    own = "employee_id IS NOT DISTINCT FROM (SELECT vostok_employee_id())"
    sql += [
        f"ALTER TABLE {schema}.login_marks ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS vostok_own ON {schema}.login_marks",
        f"CREATE POLICY vostok_own ON {schema}.login_marks TO vostok_user "
        f"USING ({own}) WITH CHECK ({own})",
        f"DROP POLICY IF EXISTS vostok_own ON {schema}.favourites",
        f"CREATE POLICY vostok_own ON {schema}.favourites AS RESTRICTIVE TO vostok_user "
        f"USING ({own}) WITH CHECK ({own})",
        # A call is recorded by the workstation that took it, under its own employee; the
        # call log is a record: nobody deletes from it.
        f"DROP POLICY IF EXISTS vostok_own_insert ON {schema}.calls",
        f"CREATE POLICY vostok_own_insert ON {schema}.calls AS RESTRICTIVE FOR INSERT "
        f"TO vostok_user WITH CHECK ({own})",
        f"DROP POLICY IF EXISTS vostok_own_update ON {schema}.calls",
        f"CREATE POLICY vostok_own_update ON {schema}.calls AS RESTRICTIVE FOR UPDATE "
        f"TO vostok_user USING ({own} OR employee_id IS NULL) WITH CHECK ({own})",
        f"REVOKE DELETE, TRUNCATE ON {schema}.calls FROM vostok_user",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} "
        "FROM vostok_user",
        f"REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA {schema} FROM vostok_user",
    ]

    # -- 4. read side channels -----------------------------------------------------------
    # Helpers of the triggers answer for any client: nobody calls them directly.
    for fn in ("vostok_client_owners(integer)",):
        sql.append(f"REVOKE ALL ON FUNCTION {schema}.{fn} FROM PUBLIC")
    # Change notices: one secret channel for those who see every client, one per limited
    # employee with only what that employee sees. LISTEN has no privileges, so the
    # channel names are what is secret (derived from a key only the owner reads).
    sql += [
        f"CREATE TABLE IF NOT EXISTS {schema}.vostok_channel_key (key text NOT NULL)",
        f"REVOKE ALL ON {schema}.vostok_channel_key FROM PUBLIC, vostok_user",
        f"INSERT INTO {schema}.vostok_channel_key SELECT "
        "md5(gen_random_uuid()::text || clock_timestamp()::text || random()::text) "
        f"WHERE NOT EXISTS (SELECT 1 FROM {schema}.vostok_channel_key)",
    ]
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_channel(emp integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {safe_path} AS $$
      SELECT CASE WHEN emp IS NULL THEN 'vostok_all_' || left(md5(k.key || '-all'), 40)
                  ELSE 'vostok_emp_' || left(md5(k.key || '-' || emp::text), 40) END
      FROM vostok_channel_key k LIMIT 1
    $$""")
    sql.append(f"REVOKE ALL ON FUNCTION {schema}.vostok_channel(integer) FROM PUBLIC")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_listen_channel() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {safe_path} AS $$
      SELECT CASE
        WHEN vostok_is_privileged() OR pg_has_role(session_user, 'vostok_see_all', 'MEMBER')
          THEN vostok_channel(NULL)
        WHEN pg_has_role(session_user, 'vostok_see_limited', 'MEMBER')
             AND vostok_employee_id() IS NOT NULL
          THEN vostok_channel(vostok_employee_id())
        END
    $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_notify_changes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      own_vt boolean := TG_TABLE_NAME = 'clients';  -- a client row carries its visible_to
      total integer;
      v record;
    BEGIN
      SELECT count(*) INTO total FROM (SELECT 1 FROM changed_rows LIMIT 201) x;
      IF total = 0 THEN RETURN NULL; END IF;
      -- One row for the see-all channel (emp NULL: everything), then one per limited
      -- employee with only the rows whose client they see (a row with no client is
      -- everybody's). Over 200 rows a notice says "many" instead of listing ids.
      FOR v IN EXECUTE format($q$
        WITH n AS (SELECT t.id, %s AS cid, %s AS vt FROM changed_rows t),
        r AS (SELECT n.id, n.cid,
                     CASE WHEN $1 THEN n.vt
                          ELSE (SELECT c.visible_to FROM clients c WHERE c.id = n.cid) END AS vt
              FROM n),
        viewers AS (
          SELECT e.id AS emp,
                 CASE WHEN ar.visibility = 'department' AND e.department_id IS NOT NULL
                      THEN (SELECT array_agg(o.id) FROM employees o
                            WHERE o.department_id = e.department_id)
                      ELSE ARRAY[e.id] END AS emps
          FROM employees e JOIN access_roles ar ON ar.role = e.role
          WHERE e.is_active AND ar.visibility <> 'all')
        SELECT NULL::integer AS emp, array_agg(r.id) FILTER (WHERE $2) AS ids,
               array_remove(array_agg(DISTINCT r.cid) FILTER (WHERE $2), NULL) AS cids
        FROM r
        UNION ALL
        SELECT w.emp, array_agg(r.id) FILTER (WHERE $2),
               array_remove(array_agg(DISTINCT r.cid) FILTER (WHERE $2), NULL)
        FROM viewers w JOIN r ON (r.cid IS NULL AND NOT $1) OR r.vt && w.emps
        GROUP BY w.emp$q$,
        TG_ARGV[0], CASE WHEN own_vt THEN 't.visible_to' ELSE 'NULL::integer[]' END)
        USING own_vt, total <= 200
      LOOP
        PERFORM pg_notify(vostok_channel(v.emp), json_build_object(
          'table', TG_TABLE_NAME, 'op', TG_OP, 'ids', v.ids, 'clients', v.cids,
          'pid', pg_backend_pid())::text);
      END LOOP;
      RETURN NULL;
    END $$""")

    # -- 5. maintenance: administrators only, and only the rows that are out of date ------
    sql.append(f"DROP FUNCTION IF EXISTS {schema}.vostok_refresh_all_owners()")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_refresh_all_owners() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      changed integer;
    BEGIN
      PERFORM vostok_require_right('users.admin');
      UPDATE clients c SET visible_to = s.owners
      FROM (SELECT c0.id, (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{{}}')
                           FROM unnest(coalesce(r.ids, '{{}}') || c0.created_by_id) x
                           WHERE x IS NOT NULL) AS owners
            FROM clients c0 LEFT JOIN (SELECT client_id, array_agg(employee_id) AS ids
                                       FROM responsibilities GROUP BY client_id) r
                             ON r.client_id = c0.id) s
      WHERE s.id = c.id AND c.visible_to IS DISTINCT FROM s.owners;
      GET DIAGNOSTICS changed = ROW_COUNT;
      RETURN changed;
    END $$""")
    sql.append(f"REVOKE ALL ON FUNCTION {schema}.vostok_refresh_all_owners() FROM PUBLIC")
    sql.append(f"GRANT EXECUTE ON FUNCTION {schema}.vostok_refresh_all_owners() TO vostok_admin")

    # -- schema and database: nothing to create, no large objects -----------------------
    sql.append(f"""DO $$ BEGIN
        IF pg_has_role(current_user, (SELECT nspowner FROM pg_namespace
                                      WHERE nspname = '{schema}'), 'USAGE') THEN
          EXECUTE 'REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC';
        END IF;
        IF pg_has_role(current_user, (SELECT datdba FROM pg_database
                                      WHERE datname = current_database()), 'USAGE') THEN
          EXECUTE format('REVOKE CREATE ON DATABASE %I FROM PUBLIC', current_database());
        END IF; END $$""")
    if superuser:
        sql += [f"REVOKE EXECUTE ON FUNCTION pg_catalog.{fn} FROM PUBLIC"
                for fn in ("lo_creat(integer)", "lo_create(oid)", "lo_from_bytea(oid, bytea)",
                           "lo_import(text)", "lo_import(text, oid)", "lo_export(oid, text)")]

    # -- 1. every SECURITY DEFINER function of the schema: pg_temp last --------------------
    # Last, so that it covers the functions above and 0007's alike.
    sql.append(f"""DO $$ DECLARE f record; BEGIN
        FOR f IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
                 WHERE p.pronamespace = '{schema}'::regnamespace AND p.prosecdef LOOP
          EXECUTE format('ALTER FUNCTION %s SET search_path = {safe_path}', f.fn);
        END LOOP; END $$""")
    return sql
