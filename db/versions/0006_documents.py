"""Print templates and documents.

Revision ID: 0006
Revises: 0005
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_KINDS = ("client_card", "contact_list", "contract", "invoice", "act", "letter", "other")


def upgrade() -> None:
    """Print templates (company-wide and per-client) and their DOCX versions."""
    op.create_table(
        "print_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.Enum(*_KINDS, name="templatekind", native_enum=False, length=20),
                  nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("active_version", sa.Integer(), nullable=True),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_print_templates_client_id_clients"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_templates")),
        sa.UniqueConstraint("code", "client_id", name=op.f("uq_print_templates_code_client_id")),
    )
    with op.batch_alter_table("print_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_print_templates_client_id"), ["client_id"],
                              unique=False)

    op.create_table(
        "print_template_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["employees.id"],
                                name=op.f("fk_print_template_versions_created_by_id_employees")),
        sa.ForeignKeyConstraint(["template_id"], ["print_templates.id"],
                                name=op.f("fk_print_template_versions_template_id_print_templates"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_template_versions")),
        sa.UniqueConstraint("template_id", "number",
                            name=op.f("uq_print_template_versions_template_id_number")),
    )
    with op.batch_alter_table("print_template_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_print_template_versions_template_id"),
                              ["template_id"], unique=False)


def downgrade() -> None:
    op.drop_table("print_template_versions")
    op.drop_table("print_templates")
