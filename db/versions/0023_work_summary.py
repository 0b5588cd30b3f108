"""A pre-aggregated summary of works for the pivot reports, under the same client policy.

Revision ID: 0023
Revises: 0022

(Placeholder: the tables come with the area's change.)
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
RIGHTS: dict[str, str] = {}
ROLE_RIGHTS = {"admin": tuple(RIGHTS), "head": tuple(RIGHTS)}


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


def downgrade() -> None:
    if RIGHTS:
        listed = ", ".join(f"'{c}'" for c in RIGHTS)
        op.execute(f"DELETE FROM role_rights WHERE right_code IN ({listed})")
        op.execute(f"DELETE FROM access_rights WHERE code IN ({listed})")
