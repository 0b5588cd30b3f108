"""The client list's «Систем» and «Есть дистрибутивы»: an index on the client's
distributives by status.

Revision ID: 0013
Revises: 0012

The list counts, for each client of its page, the distributives on service and whether
there is any. ``ix_distributives_client_id_number`` finds a client's distributives but
the status is read from the table row by row; with ``(client_id, status)`` both are
answered from the index alone (PostgreSQL index-only scans, SQLite covering index).
Nothing else changes: no new table, so no new rights, policies or triggers.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_distributives_client_id_status", "distributives",
                    ["client_id", "status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_distributives_client_id_status", table_name="distributives")
