"""Indexes for the agents' lists.

The list's default order (search_name, id) with the «not marked for deletion» filter it
shows by default: the name index also carries ``marked_for_deletion``, so the anchors of
a million-row list (every 200th key, read on each new query for thumb dragging) are an
index-only scan on PostgreSQL once the visibility map is set (VACUUM after a bulk load)
and a covering index scan on SQLite. Same for contact persons.

Revision ID: 0003
Revises: 0002
"""
from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LISTS = (("clients", "ix_clients_search_name_id"), ("contacts", "ix_contacts_search_name_id"))


def upgrade() -> None:
    """(search_name, id) → (search_name, id, marked_for_deletion) for both lists."""
    for table, index in _LISTS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(index)
            batch_op.create_index(index, ["search_name", "id", "marked_for_deletion"],
                                  unique=False)


def downgrade() -> None:
    for table, index in _LISTS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(index)
            batch_op.create_index(index, ["search_name", "id"], unique=False)
