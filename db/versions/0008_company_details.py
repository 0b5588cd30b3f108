"""Company details (реквизиты РИЦ) in the base; normalized-name keys for import lookups.

Revision ID: 0008
Revises: 0007

``company_details`` replaces the per-workstation ``company.json``: the program imports
an existing file into an empty table the first time it reads the details, so nothing is
lost. ``client_name_keys`` is a cache of each client's normalized name, filled by the
import (it refreshes stale keys itself); on PostgreSQL it gets the same row-level
visibility as the clients it belongs to.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "company_details",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["employees.id"],
                                name=op.f("fk_company_details_updated_by_id_employees")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_company_details")),
    )
    op.create_table(
        "client_name_keys",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("short_name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_client_name_keys_client_id_clients"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_name_keys")),
    )
    with op.batch_alter_table("client_name_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_name_keys_name_key"), ["name_key"],
                              unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # A key names its client: users see the keys of the clients they may see (through
        # the clients policy of 0007); only those with the right edit the details.
        op.execute("""
        DO $$ BEGIN
          IF to_regrole('vostok_see_limited') IS NOT NULL THEN
            ALTER TABLE client_name_keys ENABLE ROW LEVEL SECURITY;
            CREATE POLICY vostok_see_all ON client_name_keys TO vostok_see_all
              USING (true) WITH CHECK (true);
            CREATE POLICY vostok_see_limited ON client_name_keys TO vostok_see_limited
              USING ((SELECT true FROM clients vc WHERE vc.id = client_name_keys.client_id))
              WITH CHECK (true);
          END IF;
          IF to_regprocedure('vostok_has_right(text)') IS NOT NULL THEN
            ALTER TABLE company_details ENABLE ROW LEVEL SECURITY;
            CREATE POLICY vostok_read ON company_details FOR SELECT TO vostok_user
              USING (true);
            CREATE POLICY vostok_edit ON company_details TO vostok_user
              USING (vostok_has_right('users.admin'))
              WITH CHECK (vostok_has_right('users.admin'));
          END IF;
        END $$""")


def downgrade() -> None:
    op.drop_table("client_name_keys")
    op.drop_table("company_details")
