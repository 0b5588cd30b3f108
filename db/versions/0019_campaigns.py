"""Telemarketing: call campaigns over lists, their queue and call results.

Revision ID: 0019
Revises: 0018

Campaigns, their items (the queue), and the editable lists «Результаты звонка» and
«Причины отказа» (filled with defaults here).

On PostgreSQL (:func:`_server_sql`): privileges; row-level security — campaigns and the
lists are everybody's to read, items follow their client's visibility (as 0014's client
tables); rights — campaigns, lists and adding or removing items need «Кампании
обзвона», working an item needs only seeing its client; who did it — the campaign's
author, and an item's ``done_by_id`` / ``done_at`` are the login's and the server's; the
talk time is read from the call log record of the item's call (the operator's own); the
change log and change notices.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
TABLES = ("campaign_results", "refusal_reasons", "campaigns", "campaign_items")
RIGHTS: dict[str, str] = {"campaigns.manage": "Кампании обзвона"}
ROLE_RIGHTS = {"admin": tuple(RIGHTS), "head": tuple(RIGHTS)}
STATUS = sa.Enum("draft", "active", "closed", name="campaignstatus", native_enum=False,
                 length=20, create_constraint=False)
STATE = sa.Enum("pending", "in_progress", "done", "skipped", name="itemstate",
                native_enum=False, length=20, create_constraint=False)
# title, is_refusal, retry
RESULTS = (("Интересно, ждёт предложения", False, False),
           ("Назначена встреча", False, False),
           ("Отправить материалы", False, False),
           ("Перезвонить позже", False, True),
           ("Не дозвонились", False, True),
           ("Отказ", True, False),
           ("Неверный номер", False, False))
REASONS = ("Нет потребности", "Дорого", "Пользуется другой правовой системой",
           "Нет бюджета до конца года", "Не принимает решений", "Просил не звонить")


def upgrade() -> None:
    op.create_table('campaign_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('is_refusal', sa.Boolean(), nullable=False),
    sa.Column('retry', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_results')),
    sa.UniqueConstraint('title', name=op.f('uq_campaign_results_title'))
    )
    op.create_table('refusal_reasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refusal_reasons')),
    sa.UniqueConstraint('title', name=op.f('uq_refusal_reasons_title'))
    )
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('occasion', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('status', STATUS, nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'active', 'closed')", name=op.f('ck_campaigns_status_known')),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_campaigns_period_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_campaigns_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_campaigns_department_id_departments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    op.create_index(op.f('ix_campaigns_department_id'), 'campaigns', ['department_id'], unique=False)
    op.create_table('campaign_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('state', STATE, nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=True),
    sa.Column('refusal_reason_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.Column('talk_seconds', sa.Integer(), nullable=True),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'in_progress', 'done', 'skipped')", name=op.f('ck_campaign_items_state_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_campaign_items_attempts_not_negative')),
    sa.CheckConstraint('talk_seconds IS NULL OR talk_seconds >= 0', name=op.f('ck_campaign_items_talk_seconds_not_negative')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_campaign_items_call_id_calls'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_items_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_campaign_items_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_campaign_items_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['employees.id'], name=op.f('fk_campaign_items_done_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['operator_id'], ['employees.id'], name=op.f('fk_campaign_items_operator_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['refusal_reason_id'], ['refusal_reasons.id'], name=op.f('fk_campaign_items_refusal_reason_id_refusal_reasons'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['result_id'], ['campaign_results.id'], name=op.f('fk_campaign_items_result_id_campaign_results'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_items'))
    )
    op.create_index(op.f('ix_campaign_items_call_id'), 'campaign_items', ['call_id'], unique=False)
    op.create_index(op.f('ix_campaign_items_client_id'), 'campaign_items', ['client_id'], unique=False)
    op.create_index(op.f('ix_campaign_items_contact_id'), 'campaign_items', ['contact_id'], unique=False)
    op.create_index(op.f('ix_campaign_items_operator_id'), 'campaign_items', ['operator_id'], unique=False)
    op.create_index('ix_campaign_items_queue', 'campaign_items', ['campaign_id', 'state', 'id'], unique=False)
    op.create_index(op.f('ix_campaign_items_refusal_reason_id'), 'campaign_items', ['refusal_reason_id'], unique=False)
    op.create_index(op.f('ix_campaign_items_result_id'), 'campaign_items', ['result_id'], unique=False)

    results = sa.table("campaign_results", sa.column("title"), sa.column("is_refusal"),
                       sa.column("retry"), sa.column("position"), sa.column("is_active"))
    op.bulk_insert(results, [{"title": t, "is_refusal": r, "retry": again, "position": n,
                              "is_active": True}
                             for n, (t, r, again) in enumerate(RESULTS, 1)])
    reasons = sa.table("refusal_reasons", sa.column("title"), sa.column("position"),
                       sa.column("is_active"))
    op.bulk_insert(reasons, [{"title": t, "position": n, "is_active": True}
                             for n, t in enumerate(REASONS, 1)])

    bind = op.get_bind()
    rights = sa.table("access_rights", sa.column("code"), sa.column("title"))
    op.bulk_insert(rights, [{"code": c, "title": t} for c, t in RIGHTS.items()])
    roles = set(bind.execute(sa.text("select role from access_roles")).scalars())
    role_rights = sa.table("role_rights", sa.column("role"), sa.column("right_code"))
    op.bulk_insert(role_rights, [{"role": r, "right_code": c}
                                 for r, codes in ROLE_RIGHTS.items() if r in roles
                                 for c in codes])
    if bind.dialect.name == "postgresql" and bind.execute(
            sa.text("select to_regrole('vostok_user') is not null")).scalar():
        for statement in _server_sql(bind):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        op.drop_table(table)
    if bind.dialect.name == "postgresql":
        schema = bind.execute(sa.text("select current_schema()")).scalar_one()
        for fn in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {schema}.{fn}")
    listed = ", ".join(f"'{c}'" for c in RIGHTS)
    op.execute(f"DELETE FROM role_rights WHERE right_code IN ({listed})")
    op.execute(f"DELETE FROM access_rights WHERE code IN ({listed})")


# --------------------------------------------------------------------------- PostgreSQL

MANAGE = "campaigns.manage"
# Rights per statement: table -> (insert, update, delete); items: below.
TABLE_RIGHTS = {
    "campaign_results": (MANAGE,) * 3,
    "refusal_reasons": (MANAGE,) * 3,
    "campaigns": (MANAGE,) * 3,
}
# What makes an item: only «Кампании обзвона» changes it.
ITEM_OWN = ("campaign_id", "client_id", "contact_id")
FUNCTIONS = ("vostok_campaign_item_work()",)


def _server_sql(bind: sa.Connection) -> list[str]:
    """The server's part; see the module's docstring."""
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    safe_path = f"pg_catalog, {schema}, pg_temp"
    sql: list[str] = []

    # -- privileges ------------------------------------------------------------------------
    listed = ", ".join(f"{schema}.{t}" for t in TABLES)
    sequences = ", ".join(f"{schema}.{t}_id_seq" for t in TABLES)
    sql += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {listed} TO vostok_user",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON {listed} FROM vostok_user",
        f"GRANT USAGE, SELECT ON SEQUENCE {sequences} TO vostok_user",
        f"REVOKE UPDATE ON SEQUENCE {sequences} FROM vostok_user",
    ]

    # -- row-level security (WITH CHECK = USING) ---------------------------------------------
    for table in ("campaign_results", "refusal_reasons", "campaigns"):
        sql += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_everyone ON {schema}.{table} TO vostok_user "
            "USING (true) WITH CHECK (true)",
        ]
    by_client = (f"(SELECT true FROM {schema}.clients vc "
                 "WHERE vc.id = campaign_items.client_id)")
    sql += [
        f"ALTER TABLE {schema}.campaign_items ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY vostok_see_all ON {schema}.campaign_items TO vostok_see_all "
        "USING (true) WITH CHECK (true)",
        f"CREATE POLICY vostok_see_limited ON {schema}.campaign_items TO vostok_see_limited "
        f"USING ({by_client}) WITH CHECK ({by_client})",
    ]

    # -- rights ------------------------------------------------------------------------------
    for table, (ins, upd, dele) in TABLE_RIGHTS.items():
        sql.append(f"""CREATE TRIGGER vostok_rights BEFORE INSERT OR UPDATE OR DELETE
            ON {schema}.{table} FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{ins}', '{upd}', '{dele}')""")
    own_changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ITEM_OWN)
    sql += [
        f"""CREATE TRIGGER vostok_rights BEFORE INSERT OR DELETE ON {schema}.campaign_items
            FOR EACH STATEMENT EXECUTE FUNCTION {schema}.vostok_rights_guard(
              '{MANAGE}', '{MANAGE}', '{MANAGE}')""",
        f"""CREATE TRIGGER vostok_rights_update BEFORE UPDATE ON {schema}.campaign_items
            FOR EACH ROW WHEN ({own_changed})
            EXECUTE FUNCTION {schema}.vostok_row_right('{MANAGE}')""",
    ]

    # -- working an item: who, when, the refusal's reason, the talk time from the call log ---
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_campaign_item_work() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {safe_path} AS $$
    DECLARE
      me integer := vostok_employee_id();
      refusal boolean;
      caller integer;
      secs integer;
      stamp boolean := TG_OP = 'INSERT';
      recount boolean := TG_OP = 'INSERT';
    BEGIN
      IF NEW.result_id IS NOT NULL THEN
        SELECT r.is_refusal INTO refusal FROM {schema}.campaign_results r
        WHERE r.id = NEW.result_id;
        IF refusal AND NEW.refusal_reason_id IS NULL THEN
          RAISE EXCEPTION 'Укажите причину отказа' USING ERRCODE = 'check_violation';
        END IF;
      END IF;
      IF vostok_is_privileged() THEN RETURN NEW; END IF;  -- the owner's corrections, the demo
      IF TG_OP = 'UPDATE' THEN
        IF NEW.operator_id IS DISTINCT FROM OLD.operator_id
           AND NEW.operator_id IS DISTINCT FROM me
           AND NOT (NEW.operator_id IS NULL AND OLD.operator_id IS NOT DISTINCT FROM me)
           AND NOT vostok_has_right('{MANAGE}') THEN
          RAISE EXCEPTION 'Контакт кампании другому оператору передаёт только тот, у кого '
                          'есть право «Кампании обзвона»'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        stamp := NEW.result_id IS DISTINCT FROM OLD.result_id
                 OR NEW.done_by_id IS DISTINCT FROM OLD.done_by_id
                 OR NEW.done_at IS DISTINCT FROM OLD.done_at;
        recount := NEW.call_id IS DISTINCT FROM OLD.call_id
                   OR NEW.talk_seconds IS DISTINCT FROM OLD.talk_seconds;
      END IF;
      IF stamp THEN
        IF NEW.result_id IS NULL THEN
          NEW.done_by_id := NULL;
          NEW.done_at := NULL;
        ELSE
          NEW.done_by_id := me;
          NEW.done_at := now();
        END IF;
      END IF;
      IF recount THEN
        IF NEW.call_id IS NULL THEN
          NEW.talk_seconds := NULL;
        ELSE
          SELECT c.employee_id,
                 coalesce(c.duration_s, CASE WHEN c.answered_at IS NOT NULL THEN
                   greatest(0, round(extract(epoch FROM now() - c.answered_at)))::integer END,
                   0)
            INTO caller, secs FROM {schema}.calls c WHERE c.id = NEW.call_id;
          IF NOT FOUND OR caller IS DISTINCT FROM me THEN
            RAISE EXCEPTION 'Звонок № % не из вашего журнала звонков', NEW.call_id
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          NEW.talk_seconds := secs;
        END IF;
      END IF;
      RETURN NEW;
    END $$""")
    sql += [
        f"REVOKE ALL ON FUNCTION {schema}.vostok_campaign_item_work() FROM PUBLIC",
        f"""CREATE TRIGGER vostok_item_work BEFORE INSERT OR UPDATE ON {schema}.campaign_items
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_campaign_item_work()""",
    ]

    # -- who did it (0009's vostok_stamp_editor, 0010's vostok_keep_author) ------------------
    sql += [
        f"""CREATE TRIGGER vostok_stamp_insert BEFORE INSERT ON {schema}.campaigns
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_stamp_editor('created_by_id')""",
        f"""CREATE TRIGGER vostok_keep_author BEFORE UPDATE ON {schema}.campaigns
            FOR EACH ROW WHEN (OLD.created_by_id IS DISTINCT FROM NEW.created_by_id)
            EXECUTE FUNCTION {schema}.vostok_keep_author()""",
    ]

    # -- the change log (items carry client_id: vostok_row_client finds it) ------------------
    for table in TABLES:
        sql += [
            f"""CREATE TRIGGER vostok_change_log AFTER UPDATE OR DELETE ON {schema}.{table}
                FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_log_change()""",
            f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT ON {schema}.{table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_log_inserts()""",
        ]

    # -- change notices (0009's, per listener) ------------------------------------------------
    for table in TABLES:
        key = "'t.client_id'" if table == "campaign_items" else "'NULL::integer'"
        for event, ref in (("INSERT", "NEW TABLE AS changed_rows"),
                           ("UPDATE", "NEW TABLE AS changed_rows"),
                           ("DELETE", "OLD TABLE AS changed_rows")):
            sql.append(f"""CREATE TRIGGER vostok_notify_{event.lower()} AFTER {event}
                ON {schema}.{table} REFERENCING {ref} FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_notify_changes({key})""")
    return sql
