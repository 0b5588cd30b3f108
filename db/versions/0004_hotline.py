"""Hot line and consultation line requests, search orders.

Revision ID: 0004
Revises: 0003
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The built-in lists, copied here (a migration must not change when the code does).
DEFAULT_TYPES = (
    ("consultation", "Консультация", 1, 0, 240, False),
    ("search_order", "Заказ на поиск документов", 2, 1, 0, True),
    ("technical_failure", "Технический сбой", 3, 0, 120, False),
    ("other", "Прочее", 4, 1, 0, False),
)
DEFAULT_STAGES = (
    "Принят", "Поиск в системе", "Запрос в КЦ", "Документ найден", "Отправлен клиенту",
)


def upgrade() -> None:
    """Request types and search order stages (editable lists), calendar exceptions,
    the requests and their status/stage history."""
    types = op.create_table(
        "hotline_request_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("deadline_days", sa.Integer(), nullable=False),
        sa.Column("deadline_minutes", sa.Integer(), nullable=False),
        sa.Column("is_search_order", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_request_types")),
        sa.UniqueConstraint("code", name=op.f("uq_hotline_request_types_code")),
        sa.UniqueConstraint("name", name=op.f("uq_hotline_request_types_name")),
    )
    stages = op.create_table(
        "search_order_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_order_stages")),
        sa.UniqueConstraint("name", name=op.f("uq_search_order_stages_name")),
    )
    op.create_table(
        "calendar_exceptions",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_exceptions")),
    )
    op.create_table(
        "hotline_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Enum("hotline", "consultation", name="hotlineline",
                                  native_enum=False, length=20), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.Enum("phone", "email", "site", "ask_expert", "online_chat",
                                     "visit", name="requestchannel", native_enum=False,
                                     length=20), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Enum("registered", "in_work", "answered", "closed", "cancelled",
                                    name="requeststatus", native_enum=False, length=20),
                  nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"],
                                name=op.f("fk_hotline_requests_call_id_calls"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_hotline_requests_client_id_clients"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"],
                                name=op.f("fk_hotline_requests_contact_id_contacts"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["operator_id"], ["employees.id"],
                                name=op.f("fk_hotline_requests_operator_id_employees")),
        sa.ForeignKeyConstraint(["stage_id"], ["search_order_stages.id"],
                                name=op.f("fk_hotline_requests_stage_id_search_order_stages")),
        sa.ForeignKeyConstraint(["type_id"], ["hotline_request_types.id"],
                                name=op.f("fk_hotline_requests_type_id_hotline_request_types")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_requests")),
    )
    with op.batch_alter_table("hotline_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_requests_call_id"), ["call_id"])
        batch_op.create_index(batch_op.f("ix_hotline_requests_client_id"), ["client_id"])
        batch_op.create_index(batch_op.f("ix_hotline_requests_contact_id"), ["contact_id"])
        batch_op.create_index(batch_op.f("ix_hotline_requests_type_id"), ["type_id"])
        batch_op.create_index("ix_hotline_requests_status_deadline_at",
                              ["status", "deadline_at"])
        batch_op.create_index("ix_hotline_requests_received_at_id", ["received_at", "id"])
        batch_op.create_index("ix_hotline_requests_operator_id_status",
                              ["operator_id", "status"])
    op.create_table(
        "hotline_request_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("status", "stage", name="historykind", native_enum=False,
                                  length=20), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("old_value", sa.String(length=200), nullable=False),
        sa.Column("new_value", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"],
                                name=op.f("fk_hotline_request_history_employee_id_employees")),
        sa.ForeignKeyConstraint(["request_id"], ["hotline_requests.id"],
                                name=op.f("fk_hotline_request_history_request_id_hotline_requests"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_request_history")),
    )
    with op.batch_alter_table("hotline_request_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotline_request_history_request_id"),
                              ["request_id"])
    op.bulk_insert(types, [
        {"code": code, "name": name, "position": position, "deadline_days": days,
         "deadline_minutes": minutes, "is_search_order": search, "is_active": True}
        for code, name, position, days, minutes, search in DEFAULT_TYPES
    ])
    op.bulk_insert(stages, [
        {"name": name, "position": n, "is_active": True}
        for n, name in enumerate(DEFAULT_STAGES, start=1)
    ])


def downgrade() -> None:
    """Drop the hot-line tables (requests first: they refer to the lists)."""
    with op.batch_alter_table("hotline_request_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotline_request_history_request_id"))
    op.drop_table("hotline_request_history")
    with op.batch_alter_table("hotline_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_hotline_requests_operator_id_status")
        batch_op.drop_index("ix_hotline_requests_received_at_id")
        batch_op.drop_index("ix_hotline_requests_status_deadline_at")
        batch_op.drop_index(batch_op.f("ix_hotline_requests_type_id"))
        batch_op.drop_index(batch_op.f("ix_hotline_requests_contact_id"))
        batch_op.drop_index(batch_op.f("ix_hotline_requests_client_id"))
        batch_op.drop_index(batch_op.f("ix_hotline_requests_call_id"))
    op.drop_table("hotline_requests")
    op.drop_table("calendar_exceptions")
    op.drop_table("search_order_stages")
    op.drop_table("hotline_request_types")
