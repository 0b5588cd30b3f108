"""Education services: events, participants with stages, feedback, certificates, training
records and norms.

Revision ID: 0021
Revises: 0020

Three tables: ``education_events`` (seminars, webinars, trainings), ``event_participants``
(contact persons registered for an event: stage, status, invoice, feedback, certificate)
and ``training_norms`` (so many trainings a year per position and/or client). A contact's
training record is a query over its attended participations, not a table.

On PostgreSQL (:func:`_server_sql`), as 0014 and 0016 did: privileges; events and norms
are read by every login and written only with «Учебный центр»; participants are rows of
their client — read and written under the client-visibility policy of 0014's client
tables, their client taken by the server from the contact (a contact the login does not
see is refused), their invoice a document of that same client (composite foreign key);
who did it from the login; the change log and change notices.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
RIGHTS: dict[str, str] = {"education.events": "Учебный центр"}
ROLE_RIGHTS = {"admin": tuple(RIGHTS), "head": tuple(RIGHTS)}
MONEY = sa.Numeric(14, 2).with_variant(sa.BigInteger(), "sqlite")
TS = sa.DateTime(timezone=True)
TABLES = ("education_events", "event_participants", "training_norms")


def upgrade() -> None:
    op.create_table('education_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('seminar', 'webinar', 'training', name='eventkind', native_enum=False, length=20), nullable=False),
    sa.Column('theme', sa.String(length=300), nullable=False),
    sa.Column('starts_at', TS, nullable=False),
    sa.Column('lecturer_id', sa.Integer(), nullable=True),
    sa.Column('lecturer_name', sa.String(length=200), nullable=False),
    sa.Column('price', MONEY, nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'held', 'cancelled', name='eventstatus', native_enum=False, length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', TS, nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('seminar', 'webinar', 'training')", name=op.f('ck_education_events_kind_known')),
    sa.CheckConstraint("status IN ('planned', 'held', 'cancelled')", name=op.f('ck_education_events_status_known')),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_education_events_capacity_positive')),
    sa.CheckConstraint('price >= 0', name=op.f('ck_education_events_price_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_education_events_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lecturer_id'], ['employees.id'], name=op.f('fk_education_events_lecturer_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_education_events_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_events'))
    )
    op.create_index('ix_education_events_starts_at', 'education_events', ['starts_at'], unique=False)
    op.create_table('training_norms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('trainings_per_year', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("client_id IS NOT NULL OR position <> ''", name=op.f('ck_training_norms_has_subject')),
    sa.CheckConstraint('trainings_per_year >= 1', name=op.f('ck_training_norms_per_year_positive')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_training_norms_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_training_norms_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_norms')),
    sa.UniqueConstraint('client_id', 'position', name=op.f('uq_training_norms_client_id_position'))
    )
    op.create_index(op.f('ix_training_norms_client_id'), 'training_norms', ['client_id'], unique=False)
    op.create_table('event_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('invited', 'documents_issued', 'paid', 'attended', name='participantstage', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('registered', 'cancelled', 'no_show', name='participantstatus', native_enum=False, length=20), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('feedback_score', sa.SmallInteger(), nullable=True),
    sa.Column('feedback_comment', sa.Text(), nullable=False),
    sa.Column('certificate_number', sa.Integer(), nullable=True),
    sa.Column('certificate_handed_at', TS, nullable=True),
    sa.Column('certificate_handed_by_id', sa.Integer(), nullable=True),
    sa.Column('registered_at', TS, nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', TS, nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("stage IN ('invited', 'documents_issued', 'paid', 'attended')", name=op.f('ck_event_participants_stage_known')),
    sa.CheckConstraint("status IN ('registered', 'cancelled', 'no_show')", name=op.f('ck_event_participants_status_known')),
    sa.CheckConstraint('certificate_handed_at IS NULL OR certificate_number IS NOT NULL', name=op.f('ck_event_participants_handed_has_number')),
    sa.CheckConstraint('certificate_handed_by_id IS NULL OR certificate_handed_at IS NOT NULL', name=op.f('ck_event_participants_handed_by_has_date')),
    sa.CheckConstraint('certificate_number IS NULL OR certificate_number >= 1', name=op.f('ck_event_participants_certificate_number_positive')),
    sa.CheckConstraint('feedback_score IS NULL OR (feedback_score >= 1 AND feedback_score <= 5)', name=op.f('ck_event_participants_feedback_range')),
    sa.ForeignKeyConstraint(['certificate_handed_by_id'], ['employees.id'], name=op.f('fk_event_participants_certificate_handed_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['client_id', 'invoice_id'], ['money_documents.client_id', 'money_documents.id'], name='fk_event_participants_invoice_of_client'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_event_participants_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_event_participants_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['education_events.id'], name=op.f('fk_event_participants_event_id_education_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['employees.id'], name=op.f('fk_event_participants_registered_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_event_participants_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_participants')),
    sa.UniqueConstraint('event_id', 'certificate_number', name=op.f('uq_event_participants_event_id_certificate_number')),
    sa.UniqueConstraint('event_id', 'contact_id', name=op.f('uq_event_participants_event_id_contact_id'))
    )
    op.create_index(op.f('ix_event_participants_client_id'), 'event_participants', ['client_id'], unique=False)
    op.create_index(op.f('ix_event_participants_contact_id'), 'event_participants', ['contact_id'], unique=False)
    op.create_index(op.f('ix_event_participants_event_id'), 'event_participants', ['event_id'], unique=False)
    op.create_index(op.f('ix_event_participants_invoice_id'), 'event_participants', ['invoice_id'], unique=False)

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
    op.drop_table("event_participants")
    op.drop_table("training_norms")
    op.drop_table("education_events")
    if bind.dialect.name == "postgresql":
        schema = bind.execute(sa.text("select current_schema()")).scalar_one()
        for fn in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {schema}.{fn}")
    listed = ", ".join(f"'{c}'" for c in RIGHTS)
    op.execute(f"DELETE FROM role_rights WHERE right_code IN ({listed})")
    op.execute(f"DELETE FROM access_rights WHERE code IN ({listed})")


# --------------------------------------------------------------------------- PostgreSQL

# Rights per statement: table -> (insert, update, delete). Participants have none: a
# manager registers the contacts of the clients they see (the visibility policy).
TABLE_RIGHTS = {
    "education_events": ("education.events",) * 3,
    "training_norms": ("education.events",) * 3,
}
# Who did it: table -> (columns stamped on INSERT, on UPDATE, the author column kept).
STAMPED = {
    "education_events": (("created_by_id", "updated_by_id"), ("updated_by_id",),
                         "created_by_id"),
    "event_participants": (("registered_by_id", "updated_by_id"), ("updated_by_id",),
                           "registered_by_id"),
    "training_norms": (("updated_by_id",), ("updated_by_id",), None),
}
FUNCTIONS = ("vostok_participant_client()",)


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

    # -- row-level security ------------------------------------------------------------------
    for table in ("education_events", "training_norms"):
        sql += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_everyone ON {schema}.{table} TO vostok_user "
            "USING (true) WITH CHECK (true)",
        ]
    visible = (f"(SELECT true FROM {schema}.clients vc "
               "WHERE vc.id = event_participants.client_id)")
    sql += [
        f"ALTER TABLE {schema}.event_participants ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY vostok_see_all ON {schema}.event_participants TO vostok_see_all "
        "USING (true) WITH CHECK (true)",
        f"CREATE POLICY vostok_see_limited ON {schema}.event_participants "
        f"TO vostok_see_limited USING ({visible}) WITH CHECK ({visible})",
    ]
    # The participant's client is its contact's, as the login sees the contact: a contact
    # of an invisible client is «not found», whatever client_id the statement names.
    sql.append(f"""
    CREATE OR REPLACE FUNCTION {schema}.vostok_participant_client() RETURNS trigger
    LANGUAGE plpgsql SET search_path = {safe_path} AS $$
    DECLARE
      cid integer;
    BEGIN
      SELECT k.client_id INTO cid FROM {schema}.contacts k WHERE k.id = NEW.contact_id;
      IF cid IS NULL THEN
        RAISE EXCEPTION 'Контактное лицо № % не найдено или вне видимой вам части '
                        'клиентской базы', NEW.contact_id
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.client_id := cid;
      RETURN NEW;
    END $$""")
    sql += [
        f"""CREATE TRIGGER vostok_participant_client BEFORE INSERT
            ON {schema}.event_participants FOR EACH ROW
            EXECUTE FUNCTION {schema}.vostok_participant_client()""",
        f"""CREATE TRIGGER vostok_participant_client_update BEFORE UPDATE
            ON {schema}.event_participants FOR EACH ROW
            WHEN (OLD.contact_id IS DISTINCT FROM NEW.contact_id
                  OR OLD.client_id IS DISTINCT FROM NEW.client_id)
            EXECUTE FUNCTION {schema}.vostok_participant_client()""",
    ]

    # -- rights ------------------------------------------------------------------------------
    for table, (ins, upd, dele) in TABLE_RIGHTS.items():
        sql.append(f"""CREATE TRIGGER vostok_rights BEFORE INSERT OR UPDATE OR DELETE
            ON {schema}.{table} FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{ins}', '{upd}', '{dele}')""")

    # -- who did it (0009's vostok_stamp_editor, 0010's vostok_keep_author) ------------------
    for table, (on_insert, on_update, author) in STAMPED.items():
        sql += [
            f"""CREATE TRIGGER vostok_stamp_insert BEFORE INSERT ON {schema}.{table}
                FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_stamp_editor({_args(on_insert)})""",
            f"""CREATE TRIGGER vostok_stamp_update BEFORE UPDATE ON {schema}.{table}
                FOR EACH ROW
                EXECUTE FUNCTION {schema}.vostok_stamp_editor({_args(on_update)})""",
        ]
        if author:
            sql.append(f"""CREATE TRIGGER vostok_keep_author BEFORE UPDATE ON {schema}.{table}
                FOR EACH ROW WHEN (OLD.{author} IS DISTINCT FROM NEW.{author})
                EXECUTE FUNCTION {schema}.vostok_keep_author()""")
    # Who handed a certificate over is the login that marks it.
    handed = ("NEW.certificate_handed_at IS NOT NULL AND "
              "(OLD.certificate_handed_at IS DISTINCT FROM NEW.certificate_handed_at OR "
              "OLD.certificate_handed_by_id IS DISTINCT FROM NEW.certificate_handed_by_id)")
    sql += [
        f"""CREATE TRIGGER vostok_stamp_handed_insert BEFORE INSERT
            ON {schema}.event_participants FOR EACH ROW
            WHEN (NEW.certificate_handed_at IS NOT NULL)
            EXECUTE FUNCTION {schema}.vostok_stamp_editor('certificate_handed_by_id')""",
        f"""CREATE TRIGGER vostok_stamp_handed_update BEFORE UPDATE
            ON {schema}.event_participants FOR EACH ROW WHEN ({handed})
            EXECUTE FUNCTION {schema}.vostok_stamp_editor('certificate_handed_by_id')""",
    ]

    # -- the change log (a participant's line carries its client: vostok_row_client) ---------
    for table in TABLES:
        sql += [
            f"""CREATE TRIGGER vostok_change_log AFTER UPDATE OR DELETE ON {schema}.{table}
                FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_log_change()""",
            f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT ON {schema}.{table}
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_log_inserts()""",
        ]

    # -- change notices (0009's, per listener) ------------------------------------------------
    notified = {"education_events": "'NULL::integer'", "training_norms": "'t.client_id'",
                "event_participants": "'t.client_id'"}
    for table, client in notified.items():
        for event, ref in (("INSERT", "NEW TABLE AS changed_rows"),
                           ("UPDATE", "NEW TABLE AS changed_rows"),
                           ("DELETE", "OLD TABLE AS changed_rows")):
            sql.append(f"""CREATE TRIGGER vostok_notify_{event.lower()} AFTER {event}
                ON {schema}.{table} REFERENCING {ref} FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_notify_changes({client})""")
    return sql


def _args(columns: tuple[str, ...]) -> str:
    return ", ".join(f"'{c}'" for c in columns)
