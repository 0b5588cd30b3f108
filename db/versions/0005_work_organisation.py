"""Action items, assignments, works, reminders, auto-assignment.

Revision ID: 0005
Revises: 0004
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """ПРиЗ, поручения, работы, напоминания, планы распределения, отметки входа."""
    op.create_table('assignment_kinds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('distributed', sa.Boolean(), nullable=False),
    sa.Column('direction_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['direction_id'], ['directions.id'], name=op.f('fk_assignment_kinds_direction_id_directions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_kinds')),
    sa.UniqueConstraint('name', name=op.f('uq_assignment_kinds_name'))
    )
    op.create_table('distribution_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('plan', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_distribution_plans_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kind_id'], ['assignment_kinds.id'], name=op.f('fk_distribution_plans_kind_id_assignment_kinds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_plans')),
    sa.UniqueConstraint('kind_id', 'employee_id', name=op.f('uq_distribution_plans_kind_id_employee_id'))
    )
    with op.batch_alter_table('distribution_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_plans_employee_id'), ['employee_id'], unique=False)

    op.create_table('login_marks',
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_login_marks_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('employee_id', name=op.f('pk_login_marks'))
    )
    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('problem', 'recommendation', 'task', name='actionitemkind', native_enum=False, length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('open', 'resolved', 'dropped', name='actionitemstate', native_enum=False, length=20), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['employees.id'], name=op.f('fk_action_items_author_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_action_items_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['employees.id'], name=op.f('fk_action_items_closed_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_action_items_contact_id_contacts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items'))
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index('ix_action_items_client_id_state', ['client_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_contact_id'), ['contact_id'], unique=False)

    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('executor_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('direction_id', sa.Integer(), nullable=True),
    sa.Column('kind_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('importance', sa.Enum('high', 'normal', 'low', name='importance', native_enum=False, length=20), nullable=False),
    sa.Column('state', sa.Enum('new', 'in_work', 'done', 'cancelled', name='assignmentstate', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['employees.id'], name=op.f('fk_assignments_author_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_assignments_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_assignments_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['direction_id'], ['directions.id'], name=op.f('fk_assignments_direction_id_directions')),
    sa.ForeignKeyConstraint(['executor_id'], ['employees.id'], name=op.f('fk_assignments_executor_id_employees')),
    sa.ForeignKeyConstraint(['kind_id'], ['assignment_kinds.id'], name=op.f('fk_assignments_kind_id_assignment_kinds'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_client_id_state', ['client_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_assignments_executor_id_state', ['executor_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_kind_id'), ['kind_id'], unique=False)

    op.create_table('work_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('call', 'meeting', 'visit', 'email', 'letter', name='workkind', native_enum=False, length=20), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_min', sa.Integer(), nullable=False),
    sa.Column('incoming', sa.Boolean(), nullable=False),
    sa.Column('importance', sa.Enum('high', 'normal', 'low', name='importance', native_enum=False, length=20), nullable=False),
    sa.Column('direction_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_work_records_assignment_id_assignments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['employees.id'], name=op.f('fk_work_records_author_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_work_records_call_id_calls'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_work_records_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_work_records_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['direction_id'], ['directions.id'], name=op.f('fk_work_records_direction_id_directions')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_work_records_employee_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_records'))
    )
    with op.batch_alter_table('work_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_records_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index('ix_work_records_client_id_starts_at', ['client_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_records_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_work_records_employee_id_starts_at', ['employee_id', 'starts_at'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('remind_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('work_id', sa.Integer(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('pending', 'fired', 'dismissed', name='reminderstate', native_enum=False, length=20), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_reminders_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_reminders_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_reminders_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_id'], ['work_records.id'], name=op.f('fk_reminders_work_id_work_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index('ix_reminders_employee_id_remind_at', ['employee_id', 'remind_at'], unique=False)

    op.create_table('work_action_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_id', sa.Integer(), nullable=False),
    sa.Column('action_item_id', sa.Integer(), nullable=False),
    sa.Column('worked', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_items.id'], name=op.f('fk_work_action_lines_action_item_id_action_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_id'], ['work_records.id'], name=op.f('fk_work_action_lines_work_id_work_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_action_lines')),
    sa.UniqueConstraint('work_id', 'action_item_id', name=op.f('uq_work_action_lines_work_id_action_item_id'))
    )
    with op.batch_alter_table('work_action_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_action_lines_action_item_id'), ['action_item_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('work_action_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_action_lines_action_item_id'))

    op.drop_table('work_action_lines')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_employee_id_remind_at')

    op.drop_table('reminders')
    with op.batch_alter_table('work_records', schema=None) as batch_op:
        batch_op.drop_index('ix_work_records_employee_id_starts_at')
        batch_op.drop_index(batch_op.f('ix_work_records_contact_id'))
        batch_op.drop_index('ix_work_records_client_id_starts_at')
        batch_op.drop_index(batch_op.f('ix_work_records_assignment_id'))

    op.drop_table('work_records')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_kind_id'))
        batch_op.drop_index('ix_assignments_executor_id_state')
        batch_op.drop_index(batch_op.f('ix_assignments_contact_id'))
        batch_op.drop_index('ix_assignments_client_id_state')

    op.drop_table('assignments')
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_items_contact_id'))
        batch_op.drop_index('ix_action_items_client_id_state')

    op.drop_table('action_items')
    op.drop_table('login_marks')
    with op.batch_alter_table('distribution_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_plans_employee_id'))

    op.drop_table('distribution_plans')
    op.drop_table('assignment_kinds')
