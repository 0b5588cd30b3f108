"""Schema-wide guards: whatever table, sequence or function an area adds, an employee's
login meets the same rules from psql. A new table without row-level security, a grant of
TRUNCATE, a sequence one may set, or a function anybody may call fails here by name —
before an attacker finds it."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

# Tables an employee reads but that hold nothing per client or per person (the schema's
# own bookkeeping), or that are closed to vostok_user altogether.
WITHOUT_RLS_ALLOWED = {"alembic_version"}


def _schema(conn) -> str:  # noqa: ANN001
    return conn.execute("select current_schema()").fetchone()[0]


def test_every_table_an_employee_can_write_is_guarded(office: Office) -> None:
    """A table vostok_user may write is either under row-level security (rows per client
    or per person) or a catalogue whose writes a rights trigger checks (everybody reads
    it, only holders of the right change it). One with neither is open to every login."""
    with office.superuser() as su:
        schema = _schema(su)
        rows = su.execute(
            "select c.relname, c.relrowsecurity, "
            "has_table_privilege('vostok_user', c.oid, 'INSERT') "
            " or has_table_privilege('vostok_user', c.oid, 'UPDATE') "
            " or has_table_privilege('vostok_user', c.oid, 'DELETE'), "
            "(select count(*) from pg_policy p where p.polrelid = c.oid), "
            "exists (select 1 from pg_trigger t join pg_proc f on f.oid = t.tgfoid "
            "        where t.tgrelid = c.oid and not t.tgisinternal "
            "        and f.proname like '%%rights%%') "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = %s and c.relkind in ('r', 'p')", (schema,)).fetchall()
    assert len(rows) > 40  # the whole schema is here, not an empty one
    unguarded = [name for name, rls, writes, _p, guarded in rows
                 if writes and not rls and not guarded and name not in WITHOUT_RLS_ALLOWED]
    assert unguarded == []
    # RLS on but no policy would lock everybody out silently — a forgotten policy.
    without_policy = [name for name, rls, _w, policies, _g in rows if rls and policies == 0]
    assert without_policy == []


def test_no_table_grants_truncate_trigger_or_references(office: Office) -> None:
    with office.superuser() as su:
        schema = _schema(su)
        rows = su.execute(
            "select c.relname, p.privilege_type from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace "
            "cross join lateral (values ('TRUNCATE'), ('TRIGGER'), ('REFERENCES')) "
            "  as p(privilege_type) "
            "where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm') "
            "and has_table_privilege('vostok_user', c.oid, p.privilege_type)",
            (schema,)).fetchall()
    assert rows == []


def test_no_sequence_can_be_set_by_an_employee(office: Office) -> None:
    """setval() on an id sequence would let a login steer the ids others get."""
    with office.superuser() as su:
        schema = _schema(su)
        rows = su.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = %s and c.relkind = 'S' "
            "and case when c.relkind = 'S' "
            "    then has_sequence_privilege('vostok_user', c.oid, 'UPDATE') end",
            (schema,)).fetchall()
    assert rows == []


def test_no_function_is_callable_by_public(office: Office) -> None:
    """Every function of the schema is granted on purpose (to vostok_user or nobody);
    PUBLIC's default EXECUTE is revoked (0024), so no role of the server but an employee
    calls the helpers, and a function added later is closed until granted."""
    with office.superuser() as su:
        schema = _schema(su)
        rows = su.execute(
            "select p.oid::regprocedure::text from pg_proc p "
            "join pg_namespace n on n.oid = p.pronamespace "
            "where n.nspname = %s and p.prokind in ('f', 'p') "
            # pg_trgm's own functions (the extension is the server administrator's)
            "and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass "
            "                and d.objid = p.oid and d.deptype = 'e') "
            "and (p.proacl is null or exists (select 1 from aclexplode(p.proacl) a "
            "     where a.grantee = 0 and a.privilege_type = 'EXECUTE'))",
            (schema,)).fetchall()
    assert [r[0] for r in rows] == []



def test_a_server_login_that_is_no_employee_calls_no_helper(office: Office) -> None:
    """Another application's login on the same server writes no change-log line and asks
    no visibility question (0024 took EXECUTE from PUBLIC)."""
    url = office.admin_base.engine.url
    with office.superuser() as su:
        su.execute("DROP ROLE IF EXISTS vostok_outsider")
        su.execute("CREATE ROLE vostok_outsider LOGIN PASSWORD 'outsider-pass'")
        schema = _schema(su)
        su.execute(f"GRANT USAGE ON SCHEMA {schema} TO vostok_outsider")
        before = su.execute("select count(*) from change_log").fetchone()[0]
    try:
        with psycopg.connect(host=url.host, port=url.port, dbname=url.database,
                             user="vostok_outsider", password="outsider-pass",
                             autocommit=True) as conn:
            with pytest.raises(pgerr.InsufficientPrivilege):
                conn.execute(f"select {schema}.vostok_log_event('employees', 1, null, "
                             "'name', 'a', 'b')")
            with pytest.raises(pgerr.InsufficientPrivilege):
                conn.execute(f"select {schema}.vostok_client_visible(1)")
        with office.superuser() as su:
            assert su.execute("select count(*) from change_log").fetchone()[0] == before
        # An employee still calls what the program needs.
        with office.psql("head") as conn:
            assert conn.execute("select vostok_has_right('client.edit')").fetchone()[0]
    finally:
        with office.superuser() as su:
            su.execute(f"REVOKE USAGE ON SCHEMA {schema} FROM vostok_outsider")
            su.execute("DROP ROLE IF EXISTS vostok_outsider")
