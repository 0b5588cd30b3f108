"""Functions of the schema are the employees', not every server login's: EXECUTE is taken
from PUBLIC and given to vostok_user for each function PUBLIC could call, and new
functions are created closed (default privileges).

Revision ID: 0024
Revises: 0023

Until now PostgreSQL's default let any role of the server — not only employees — call the
helpers (vostok_log_event could write change-log lines with no author; the visibility and
rights helpers answered for anyone). The functions check rights themselves, so employees
keep exactly what they had. A function that PUBLIC could not call already (a maintenance
function revoked on purpose) is left as it is. pg_trgm's own functions stay the
extension's. SQLite has no functions: nothing to do there.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_TO_PUBLIC = """
    select p.oid::regprocedure::text from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = current_schema() and p.prokind in ('f', 'p')
      and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass
                      and d.objid = p.oid and d.deptype = 'e')
      and (p.proacl is null or exists (select 1 from aclexplode(p.proacl) a
                                       where a.grantee = 0 and a.privilege_type = 'EXECUTE'))
"""


def _server(bind: sa.Connection) -> bool:
    return bind.dialect.name == "postgresql" and bool(bind.execute(
        sa.text("select to_regrole('vostok_user') is not null")).scalar())


def upgrade() -> None:
    bind = op.get_bind()
    if not _server(bind):
        return
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    # The login functions run as their own NOLOGIN owner (0009): it calls the helpers too.
    owners = bind.execute(sa.text(
        "select distinct quote_ident(r.rolname) from pg_proc p "
        "join pg_namespace n on n.oid = p.pronamespace join pg_roles r on r.oid = p.proowner "
        "where n.nspname = current_schema() and r.rolname <> current_user")).scalars().all()
    grantees = ", ".join(["vostok_user", *owners])
    for signature in bind.execute(sa.text(OPEN_TO_PUBLIC)).scalars().all():
        op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {grantees}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
               "REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC")


def downgrade() -> None:
    bind = op.get_bind()
    if not _server(bind):
        return
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
               "GRANT EXECUTE ON FUNCTIONS TO PUBLIC")
