"""A pre-aggregated summary of works for the pivot reports, under the same client policy.

Revision ID: 0023
Revises: 0022

PostgreSQL only, where the server security of 0007 is installed (the file base counts its
few works directly). ``work_record_summary`` holds, per *visibility class* (the client's
``visible_to``: who the client belongs to, the one thing the clients policy of 0007 reads),
employee, local month and kind of work (and all kinds together, kind ``'*'``: what a
report without kinds reads), the number of works, of done works and their minutes. «Контакты с клиентами» by employee, department, month/quarter/year and kind reads
it instead of millions of works (services/reports/summary.py decides when it may).

Why the class and not the client: a limited login sees a work when it sees the work's
client, and it sees the client when ``visible_to && vostok_visible_employees()``; a summary
row keyed by that array is visible under exactly the same test (policy
``vostok_see_limited`` below, word for word the clients one), while thousands of clients
fold into a few dozen classes — a summary per client would be as big as the works.

Kept by the database, never by the program: nobody but the triggers writes it (no
INSERT/UPDATE/DELETE for ``vostok_user``; the trigger functions are SECURITY DEFINER with
``pg_temp`` last and callable by nobody):

- statement-level triggers on ``work_records`` (transition tables) add and take away the
  changed works under their client's class; each locks its clients FOR KEY SHARE first;
- a change of ``clients.visible_to`` (responsibles, the creator) moves that client's works
  to the new class; it locks the clients FOR UPDATE first, so it waits for a
  transaction still adding works for them (and those wait for it);
- a deleted client's works are taken away before the row goes (its works then go by the
  cascade, past a client that is no longer there: skipped);
- TRUNCATE of the works empties it.

The month is the local month at a fixed UTC offset (``vostok_work_summary_offset()``, the
offset of the machine that upgraded the base; Russia keeps one offset all year); a
workstation on another offset reads the works themselves. ``vostok_work_summary_rebuild``
(the owner's only) rebuilds it, at another offset if given: after a bulk load with the
triggers off.
"""
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
RIGHTS: dict[str, str] = {}
ROLE_RIGHTS = {"admin": tuple(RIGHTS), "head": tuple(RIGHTS)}
TABLE = "work_record_summary"
ALL_KINDS = "*"  # the line of all kinds of work together
FUNCTIONS = ("vostok_work_summary_offset()", "vostok_work_summary_works()",
             "vostok_work_summary_clients()", "vostok_work_summary_client_gone()",
             "vostok_work_summary_truncated()", "vostok_work_summary_rebuild(integer)")


def upgrade() -> None:
    bind = op.get_bind()
    if RIGHTS:
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
    if bind.dialect.name == "postgresql":
        schema = bind.execute(sa.text("select current_schema()")).scalar_one()
        for table, trigger in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {schema}.{table}")
        op.execute(f"DROP TABLE IF EXISTS {schema}.{TABLE}")
        for fn in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {schema}.{fn}")
    if RIGHTS:
        listed = ", ".join(f"'{c}'" for c in RIGHTS)
        op.execute(f"DELETE FROM role_rights WHERE right_code IN ({listed})")
        op.execute(f"DELETE FROM access_rights WHERE code IN ({listed})")


# --------------------------------------------------------------------------- PostgreSQL

_TRIGGERS = (
    ("work_records", "vostok_work_summary_insert"),
    ("work_records", "vostok_work_summary_update"),
    ("work_records", "vostok_work_summary_delete"),
    ("work_records", "vostok_work_summary_truncate"),
    ("clients", "vostok_work_summary_owners"),
    ("clients", "vostok_work_summary_client_gone"),
)


def _local_offset_minutes() -> int:
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def _month(column: str) -> str:
    """The local month of a UTC timestamp, as the reports cut it (periods.py)."""
    return (f"date_trunc('month', timezone('UTC', {column}) "
            "+ make_interval(mins => vostok_work_summary_offset()))::date")


def _aggregate(rows: str, sign: str, where: str = "") -> str:
    """Summary deltas of the works in ``rows`` (alias w, with the client's class in vt):
    a line per kind, and the lines of all kinds (kind '*') summed from those."""
    per_kind = (f"SELECT vt, w.employee_id, {_month('w.starts_at')} AS month, "
                f"w.kind::varchar AS kind, {sign} * count(*) AS works, "
                f"{sign} * count(*) FILTER (WHERE w.done) AS done, "
                f"{sign} * sum(w.duration_min) AS minutes FROM {rows} {where} "
                "GROUP BY 1, 2, 3, 4")
    return (f"SELECT * FROM (WITH per_kind AS ({per_kind}) "
            "SELECT * FROM per_kind UNION ALL "
            f"SELECT vt, employee_id, month, '{ALL_KINDS}', sum(works), sum(done), "
            "sum(minutes) FROM per_kind GROUP BY 1, 2, 3) lines")


def _apply(ctes: str) -> str:
    """Two statements: add the deltas of the CTE ``delta`` (vt, employee_id, month, kind,
    works, done, minutes; several lines per key allowed), then drop the lines that came
    to nothing (a partial index finds them)."""
    return f"""
    WITH {ctes},
      summed AS (
        SELECT vt, employee_id, month, kind, sum(works) AS works, sum(done) AS done,
               sum(minutes) AS minutes
        FROM delta GROUP BY 1, 2, 3, 4
        HAVING sum(works) <> 0 OR sum(done) <> 0 OR sum(minutes) <> 0)
    INSERT INTO {TABLE} AS s (visible_to, employee_id, month, kind, works, done, minutes)
    SELECT vt, employee_id, month, kind, works, done, minutes FROM summed
    ORDER BY kind, employee_id, month, vt
    ON CONFLICT (kind, employee_id, month, visible_to) DO UPDATE
      SET works = s.works + EXCLUDED.works, done = s.done + EXCLUDED.done,
          minutes = s.minutes + EXCLUDED.minutes;
    DELETE FROM {TABLE} WHERE works = 0"""


def _server_sql(bind: sa.Connection) -> list[str]:
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    safe_path = f"pg_catalog, {schema}, pg_temp"
    definer = f"SECURITY DEFINER SET search_path = {safe_path}"
    classed = "coalesce(vc.visible_to, '{}')"  # NULL and '{}' are seen alike by 0007's policy
    sql: list[str] = [
        f"""CREATE TABLE {schema}.{TABLE} (
              visible_to integer[] NOT NULL,
              employee_id integer NOT NULL,
              month date NOT NULL,
              kind varchar(20) NOT NULL,
              works bigint NOT NULL,
              done bigint NOT NULL,
              minutes bigint NOT NULL,
              CONSTRAINT pk_{TABLE} PRIMARY KEY (kind, employee_id, month, visible_to))""",
        # The lines a change brought to zero, found at once and dropped.
        f"CREATE INDEX ix_{TABLE}_zero ON {schema}.{TABLE} (employee_id) WHERE works = 0",
        # Read by every login through the clients' rule; written by the triggers alone.
        f"REVOKE ALL ON {schema}.{TABLE} FROM PUBLIC, vostok_user",
        f"GRANT SELECT ON {schema}.{TABLE} TO vostok_user",
        f"ALTER TABLE {schema}.{TABLE} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY vostok_see_all ON {schema}.{TABLE} FOR SELECT TO vostok_see_all "
        "USING (true)",
        f"CREATE POLICY vostok_see_limited ON {schema}.{TABLE} FOR SELECT "
        "TO vostok_see_limited "
        "USING (visible_to && coalesce((SELECT vostok_visible_employees()), '{}'))",
        # The offset the months are cut at (replaced by the rebuild).
        f"""CREATE OR REPLACE FUNCTION {schema}.vostok_work_summary_offset() RETURNS integer
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {_local_offset_minutes()} $$""",
    ]
    def by_client(rows: str, sign: str) -> str:
        return _aggregate(f"{rows} w JOIN clients vc ON vc.id = w.client_id, "
                          f"LATERAL (SELECT {classed} AS vt) k", sign)

    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_work_summary_works() RETURNS trigger
    LANGUAGE plpgsql {definer} AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM clients c WHERE c.id IN (SELECT client_id FROM new_rows)
          ORDER BY c.id FOR KEY SHARE;
        {_apply(f"delta AS ({by_client('new_rows', '1')})")};
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM clients c WHERE c.id IN (SELECT client_id FROM old_rows)
          ORDER BY c.id FOR KEY SHARE;
        {_apply(f"delta AS ({by_client('old_rows', '-1')})")};
      ELSE
        PERFORM 1 FROM clients c WHERE c.id IN (SELECT client_id FROM new_rows
                                                UNION SELECT client_id FROM old_rows)
          ORDER BY c.id FOR KEY SHARE;
        {_apply(f"delta AS ({by_client('new_rows', '1')} UNION ALL "
                f"{by_client('old_rows', '-1')})")};
      END IF;
      RETURN NULL;
    END $$""")
    # A client's class changed: its works move from the old class to the new one.
    moved = ("moved AS (SELECT n.id, coalesce(o.visible_to, '{}') AS old_vt, "
             "coalesce(n.visible_to, '{}') AS new_vt FROM new_rows n "
             "JOIN old_rows o ON o.id = n.id "
             "WHERE coalesce(o.visible_to, '{}') <> coalesce(n.visible_to, '{}'))")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_work_summary_clients() RETURNS trigger
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
    CREATE OR REPLACE FUNCTION {schema}.vostok_work_summary_client_gone() RETURNS trigger
    LANGUAGE plpgsql {definer} AS $$
    BEGIN
      {_apply("delta AS (" + _aggregate(
          "work_records w, LATERAL (SELECT coalesce(OLD.visible_to, '{}') AS vt) k",
          "-1", "WHERE w.client_id = OLD.id") + ")")};
      RETURN OLD;
    END $$""")
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_work_summary_truncated() RETURNS trigger
    LANGUAGE plpgsql {definer} AS $$
    BEGIN
      DELETE FROM {TABLE};
      RETURN NULL;
    END $$""")
    # The owner's: the whole summary again (and at another offset when given).
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_work_summary_rebuild(
        offset_minutes integer DEFAULT NULL) RETURNS bigint
    LANGUAGE plpgsql SET search_path = {safe_path} SET work_mem = '256MB' AS $$
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
      DELETE FROM {TABLE};
      INSERT INTO {TABLE} (visible_to, employee_id, month, kind, works, done, minutes)
        {by_client("work_records", "1")};
      GET DIAGNOSTICS made = ROW_COUNT;
      RETURN made;
    END $$""")
    for fn in FUNCTIONS:
        sql.append(f"REVOKE ALL ON FUNCTION {schema}.{fn} FROM PUBLIC")
    # The engine reads the offset to know whether its workstation may use the summary.
    sql.append(f"GRANT EXECUTE ON FUNCTION {schema}.vostok_work_summary_offset() "
               "TO vostok_user")
    sql += [
        f"""CREATE TRIGGER vostok_work_summary_insert AFTER INSERT ON {schema}.work_records
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_work_summary_works()""",
        f"""CREATE TRIGGER vostok_work_summary_update AFTER UPDATE ON {schema}.work_records
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_work_summary_works()""",
        f"""CREATE TRIGGER vostok_work_summary_delete AFTER DELETE ON {schema}.work_records
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_work_summary_works()""",
        f"""CREATE TRIGGER vostok_work_summary_truncate AFTER TRUNCATE ON {schema}.work_records
            FOR EACH STATEMENT EXECUTE FUNCTION {schema}.vostok_work_summary_truncated()""",
        f"""CREATE TRIGGER vostok_work_summary_owners AFTER UPDATE ON {schema}.clients
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_work_summary_clients()""",
        f"""CREATE TRIGGER vostok_work_summary_client_gone BEFORE DELETE ON {schema}.clients
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_work_summary_client_gone()""",
        # The works there are now (as the owner: no trigger of a login is needed).
        f"SELECT {schema}.vostok_work_summary_rebuild()",
        f"ANALYZE {schema}.{TABLE}",
    ]
    return sql
