"""Competitors: the catalogue, «Конкурент клиента» documents with their lifecycle, kits and contacts' attitude.

Revision ID: 0020
Revises: 0019

(Placeholder: the tables come with the area's change.)
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
RIGHTS: dict[str, str] = {"competitors.catalogue": "Справочник конкурентов"}
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
