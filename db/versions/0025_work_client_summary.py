"""The clients each employee worked with each month, kept by the server for distinct counts.

Revision ID: 0025
Revises: 0024

PostgreSQL only, beside 0023's summary of works and under the same client policy.
``work_client_summary`` holds, per visibility class (the client's ``visible_to``),
employee, local month and client, the number of that employee's works with that client
in that month (all kinds together). «Клиентов» (a distinct count of clients) by employee,
department and month/quarter/year is then a distinct count over these lines instead of
over the works: a client is in exactly one class at a time, so a login sees a line exactly
when it sees the client, and each (employee, month, client) is one line however many
works it had. 0023's summary cannot answer it: distinct clients do not add up over
classes, kinds or months.

Kept by the database, never by the program, exactly as 0023's summary: statement-level
triggers on the works (transition tables; the clients locked FOR KEY SHARE first), a
change of ``clients.visible_to`` moves the client's lines (clients locked FOR UPDATE), a
deleted client's lines are taken away before it goes, TRUNCATE empties it; nobody but the triggers writes
it; the trigger functions are SECURITY DEFINER with ``pg_temp`` last and callable by
nobody. The months are 0023's (``vostok_work_summary_offset()``): the owner's
``vostok_work_summary_rebuild`` now rebuilds both summaries, so a rebuild at another
offset never leaves them cut at two offsets.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
TABLE = "work_client_summary"
WORKS_TABLE = "work_record_summary"  # 0023's
ALL_KINDS = "*"
FUNCTIONS = ("vostok_work_client_summary_works()", "vostok_work_client_summary_clients()",
             "vostok_work_client_summary_client_gone()",
             "vostok_work_client_summary_truncated()")
_TRIGGERS = (
    ("work_records", "vostok_work_client_summary_insert"),
    ("work_records", "vostok_work_client_summary_update"),
    ("work_records", "vostok_work_client_summary_delete"),
    ("work_records", "vostok_work_client_summary_truncate"),
    ("clients", "vostok_work_client_summary_owners"),
    ("clients", "vostok_work_client_summary_client_gone"),
)


def _server(bind: sa.Connection) -> bool:
    return bind.dialect.name == "postgresql" and bool(bind.execute(
        sa.text("select to_regrole('vostok_user') is not null")).scalar())


def upgrade() -> None:
    bind = op.get_bind()
    if _server(bind):
        for statement in _server_sql(bind):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if not _server(bind):
        return
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    for table, trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {schema}.{table}")
    op.execute(f"DROP TABLE IF EXISTS {schema}.{TABLE}")
    for fn in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {schema}.{fn}")
    op.execute(_rebuild(schema, with_clients=False))
    op.execute(f"REVOKE ALL ON FUNCTION {schema}.vostok_work_summary_rebuild(integer) "
               "FROM PUBLIC")


# --------------------------------------------------------------------------- PostgreSQL


def _month(column: str) -> str:
    """The local month of a UTC timestamp, as the reports cut it (0023's)."""
    return (f"date_trunc('month', timezone('UTC', {column}) "
            "+ make_interval(mins => vostok_work_summary_offset()))::date")


def _aggregate(rows: str, sign: str, where: str = "") -> str:
    """Line deltas of the works in ``rows`` (alias w, the client's class in vt)."""
    return (f"SELECT vt, w.employee_id, {_month('w.starts_at')} AS month, w.client_id, "
            f"{sign} * count(*) AS works FROM {rows} {where} GROUP BY 1, 2, 3, 4")


def _apply(ctes: str) -> str:
    """Add the deltas of the CTE ``delta`` (vt, employee_id, month, client_id, works), then
    drop the lines that came to nothing (a partial index finds them)."""
    return f"""
    WITH {ctes},
      summed AS (SELECT vt, employee_id, month, client_id, sum(works) AS works
                 FROM delta GROUP BY 1, 2, 3, 4 HAVING sum(works) <> 0)
    INSERT INTO {TABLE} AS s (visible_to, employee_id, month, client_id, works)
    SELECT vt, employee_id, month, client_id, works FROM summed
    ORDER BY employee_id, month, client_id, vt
    ON CONFLICT (employee_id, month, client_id, visible_to) DO UPDATE
      SET works = s.works + EXCLUDED.works;
    DELETE FROM {TABLE} WHERE works = 0"""


CLASSED = "coalesce(vc.visible_to, '{}')"  # NULL and '{}' are seen alike by 0007's policy


def _by_client(rows: str, sign: str) -> str:
    return _aggregate(f"{rows} w JOIN clients vc ON vc.id = w.client_id, "
                      f"LATERAL (SELECT {CLASSED} AS vt) k", sign)


def _works_lines(rows: str) -> str:
    """0023's lines of ``rows`` (a line per kind and one of all kinds), frozen here for
    the rebuild of both summaries."""
    month = _month("w.starts_at")
    per_kind = (f"SELECT vt, w.employee_id, {month} AS month, w.kind::varchar AS kind, "
                "count(*) AS works, count(*) FILTER (WHERE w.done) AS done, "
                f"sum(w.duration_min) AS minutes FROM {rows} w "
                f"JOIN clients vc ON vc.id = w.client_id, LATERAL (SELECT {CLASSED} AS vt) k "
                "GROUP BY 1, 2, 3, 4")
    return (f"SELECT * FROM (WITH per_kind AS ({per_kind}) "
            "SELECT * FROM per_kind UNION ALL "
            f"SELECT vt, employee_id, month, '{ALL_KINDS}', sum(works), sum(done), "
            "sum(minutes) FROM per_kind GROUP BY 1, 2, 3) lines")


def _rebuild(schema: str, *, with_clients: bool) -> str:
    """The owner's rebuild of the summaries (0023's, and with this one's lines too)."""
    clients = (f"""
      DELETE FROM {TABLE};
      INSERT INTO {TABLE} (visible_to, employee_id, month, client_id, works)
        {_by_client("work_records", "1")};""" if with_clients else "")
    return f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_work_summary_rebuild(
        offset_minutes integer DEFAULT NULL) RETURNS bigint
    LANGUAGE plpgsql SET search_path = pg_catalog, {schema}, pg_temp SET work_mem = '256MB'
    AS $$
    DECLARE made bigint;
    BEGIN
      LOCK TABLE work_records, clients IN SHARE MODE;
      IF offset_minutes IS NOT NULL THEN
        IF offset_minutes NOT BETWEEN -720 AND 840 THEN
          RAISE EXCEPTION 'Смещение от UTC вне пределов: % мин', offset_minutes
            USING ERRCODE = 'invalid_parameter_value';
        END IF;
        EXECUTE format('CREATE OR REPLACE FUNCTION {schema}.vostok_work_summary_offset() '
                       'RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS '
                       '$f$ SELECT %s $f$', offset_minutes);
      END IF;
      DELETE FROM {WORKS_TABLE};
      INSERT INTO {WORKS_TABLE} (visible_to, employee_id, month, kind, works, done, minutes)
        {_works_lines("work_records")};
      GET DIAGNOSTICS made = ROW_COUNT;{clients}
      RETURN made;
    END $$"""


def _server_sql(bind: sa.Connection) -> list[str]:
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    definer = f"SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp"
    sql: list[str] = [
        f"""CREATE TABLE {schema}.{TABLE} (
              visible_to integer[] NOT NULL,
              employee_id integer NOT NULL,
              month date NOT NULL,
              client_id integer NOT NULL,
              works bigint NOT NULL,
              CONSTRAINT pk_{TABLE} PRIMARY KEY (employee_id, month, client_id, visible_to))""",
        f"CREATE INDEX ix_{TABLE}_zero ON {schema}.{TABLE} (employee_id) WHERE works = 0",
        f"REVOKE ALL ON {schema}.{TABLE} FROM PUBLIC, vostok_user",
        f"GRANT SELECT ON {schema}.{TABLE} TO vostok_user",
        f"ALTER TABLE {schema}.{TABLE} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY vostok_see_all ON {schema}.{TABLE} FOR SELECT TO vostok_see_all "
        "USING (true)",
        f"CREATE POLICY vostok_see_limited ON {schema}.{TABLE} FOR SELECT "
        "TO vostok_see_limited "
        "USING (visible_to && coalesce((SELECT vostok_visible_employees()), '{}'))",
    ]
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_work_client_summary_works() RETURNS trigger
    LANGUAGE plpgsql {definer} AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM clients c WHERE c.id IN (SELECT client_id FROM new_rows)
          ORDER BY c.id FOR KEY SHARE;
        {_apply(f"delta AS ({_by_client('new_rows', '1')})")};
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM clients c WHERE c.id IN (SELECT client_id FROM old_rows)
          ORDER BY c.id FOR KEY SHARE;
        {_apply(f"delta AS ({_by_client('old_rows', '-1')})")};
      ELSE
        PERFORM 1 FROM clients c WHERE c.id IN (SELECT client_id FROM new_rows
                                                UNION SELECT client_id FROM old_rows)
          ORDER BY c.id FOR KEY SHARE;
        {_apply(f"delta AS ({_by_client('new_rows', '1')} UNION ALL "
                f"{_by_client('old_rows', '-1')})")};
      END IF;
      RETURN NULL;
    END $$""")
    moved = ("moved AS (SELECT n.id, coalesce(o.visible_to, '{}') AS old_vt, "
             "coalesce(n.visible_to, '{}') AS new_vt FROM new_rows n "
             "JOIN old_rows o ON o.id = n.id "
             "WHERE coalesce(o.visible_to, '{}') <> coalesce(n.visible_to, '{}'))")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_work_client_summary_clients() RETURNS trigger
    LANGUAGE plpgsql {definer} AS $$
    BEGIN
      -- Wait for the transactions still adding works for these clients.
      PERFORM 1 FROM clients c WHERE c.id IN (
          SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE coalesce(o.visible_to, '{{}}') <> coalesce(n.visible_to, '{{}}'))
        ORDER BY c.id FOR UPDATE;
      IF NOT FOUND THEN
        RETURN NULL;
      END IF;
      {_apply(f"{moved}, delta AS ("
              + _aggregate("work_records w JOIN moved m ON m.id = w.client_id, "
                           "LATERAL (SELECT m.new_vt AS vt) k", "1")
              + " UNION ALL "
              + _aggregate("work_records w JOIN moved m ON m.id = w.client_id, "
                           "LATERAL (SELECT m.old_vt AS vt) k", "-1") + ")")};
      RETURN NULL;
    END $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_work_client_summary_client_gone()
    RETURNS trigger LANGUAGE plpgsql {definer} AS $$
    BEGIN
      {_apply("delta AS (" + _aggregate(
          "work_records w, LATERAL (SELECT coalesce(OLD.visible_to, '{}') AS vt) k",
          "-1", "WHERE w.client_id = OLD.id") + ")")};
      RETURN OLD;
    END $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_work_client_summary_truncated()
    RETURNS trigger LANGUAGE plpgsql {definer} AS $$
    BEGIN
      DELETE FROM {TABLE};
      RETURN NULL;
    END $$""")
    sql.append(_rebuild(schema, with_clients=True))
    for fn in (*FUNCTIONS, "vostok_work_summary_rebuild(integer)"):
        sql.append(f"REVOKE ALL ON FUNCTION {schema}.{fn} FROM PUBLIC")
    sql += [
        f"""CREATE TRIGGER vostok_work_client_summary_insert AFTER INSERT
            ON {schema}.work_records REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_work_client_summary_works()""",
        f"""CREATE TRIGGER vostok_work_client_summary_update AFTER UPDATE
            ON {schema}.work_records REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION {schema}.vostok_work_client_summary_works()""",
        f"""CREATE TRIGGER vostok_work_client_summary_delete AFTER DELETE
            ON {schema}.work_records REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_work_client_summary_works()""",
        f"""CREATE TRIGGER vostok_work_client_summary_truncate AFTER TRUNCATE
            ON {schema}.work_records FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_work_client_summary_truncated()""",
        f"""CREATE TRIGGER vostok_work_client_summary_owners AFTER UPDATE ON {schema}.clients
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_work_client_summary_clients()""",
        f"""CREATE TRIGGER vostok_work_client_summary_client_gone BEFORE DELETE
            ON {schema}.clients FOR EACH ROW
            EXECUTE FUNCTION {schema}.vostok_work_client_summary_client_gone()""",
        # The works there are now, in both summaries (as the owner).
        f"SELECT {schema}.vostok_work_summary_rebuild()",
        f"ANALYZE {schema}.{TABLE}",
    ]
    return sql
