"""The automatic assignment's «fact» indicator per assignment kind
(``assignment_kinds.fact_indicator_id``): when set, the distribution balances by that KPI
indicator (e.g. contacts this month) instead of the open assignments of the kind.

Revision ID: 0022
Revises: 0021

The column is written under the right the rest of the row already needs: the statement
trigger ``vostok_rights`` of 0007 guards every UPDATE of ``assignment_kinds`` with
«Настройка поручений и плана распределения», whichever columns it sets. Deleting an
indicator empties the column (ON DELETE SET NULL); that cascaded update is the
database's own consequence of a delete already checked under «Настройка показателей
KPI», so on PostgreSQL the UPDATE guard becomes a row trigger that lets exactly that
change through (:func:`_server_sql`) — else a login allowed to delete indicators but not
to edit assignment kinds could not delete one that a kind counts by.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
RIGHTS: dict[str, str] = {}
ROLE_RIGHTS = {"admin": tuple(RIGHTS), "head": tuple(RIGHTS)}
WORK_RIGHT = "settings.work"
FK_NAME = "fk_assignment_kinds_fact_indicator_id_kpi_indicators"


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
    with op.batch_alter_table("assignment_kinds") as batch:
        batch.add_column(sa.Column("fact_indicator_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(FK_NAME, "kpi_indicators", ["fact_indicator_id"], ["id"],
                                 ondelete="SET NULL")
    if bind.dialect.name == "postgresql" and bind.execute(
            sa.text("select to_regrole('vostok_user') is not null")).scalar():
        for statement in _server_sql(bind):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.execute(
            sa.text("select to_regrole('vostok_user') is not null")).scalar():
        schema = bind.execute(sa.text("select current_schema()")).scalar_one()
        op.execute(f"""CREATE OR REPLACE TRIGGER vostok_rights
            BEFORE INSERT OR UPDATE OR DELETE ON {schema}.assignment_kinds FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{WORK_RIGHT}', '{WORK_RIGHT}',
                                                          '{WORK_RIGHT}')""")
        op.execute(f"DROP TRIGGER IF EXISTS vostok_rights_update ON {schema}.assignment_kinds")
        op.execute(f"DROP FUNCTION IF EXISTS {schema}.vostok_kind_update_guard()")
    with op.batch_alter_table("assignment_kinds") as batch:
        batch.drop_constraint(FK_NAME, type_="foreignkey")
        batch.drop_column("fact_indicator_id")
    if RIGHTS:
        listed = ", ".join(f"'{c}'" for c in RIGHTS)
        op.execute(f"DELETE FROM role_rights WHERE right_code IN ({listed})")
        op.execute(f"DELETE FROM access_rights WHERE code IN ({listed})")


def _server_sql(bind: sa.Connection) -> list[str]:
    """The guard of ``assignment_kinds``: INSERT and DELETE keep 0007's statement guard;
    UPDATE is checked per row, and the one row change a login cannot make by itself —
    emptying a reference to an indicator that no longer exists, nothing else changed,
    which is what the foreign key's ON DELETE SET NULL does — passes."""
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    return [
        f"""CREATE OR REPLACE FUNCTION {schema}.vostok_kind_update_guard() RETURNS trigger
        LANGUAGE plpgsql SET search_path = {schema}, pg_catalog, pg_temp AS $$
        BEGIN
          IF NOT (OLD.fact_indicator_id IS NOT NULL AND NEW.fact_indicator_id IS NULL
                  AND to_jsonb(NEW) - 'fact_indicator_id' = to_jsonb(OLD) - 'fact_indicator_id'
                  AND NOT EXISTS (SELECT 1 FROM kpi_indicators i
                                  WHERE i.id = OLD.fact_indicator_id)) THEN
            PERFORM vostok_require_right('{WORK_RIGHT}');
          END IF;
          RETURN NEW;
        END $$""",
        f"REVOKE ALL ON FUNCTION {schema}.vostok_kind_update_guard() FROM PUBLIC",
        f"""CREATE OR REPLACE TRIGGER vostok_rights
            BEFORE INSERT OR DELETE ON {schema}.assignment_kinds FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{WORK_RIGHT}', '{WORK_RIGHT}',
                                                          '{WORK_RIGHT}')""",
        f"""CREATE TRIGGER vostok_rights_update BEFORE UPDATE ON {schema}.assignment_kinds
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_kind_update_guard()""",
    ]
