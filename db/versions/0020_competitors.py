"""Competitors: the catalogue, «Конкурент клиента» documents with their lifecycle, kits and contacts' attitude.

Revision ID: 0020
Revises: 0019

Tables: the catalogue ``competitors`` and the configurable lifecycle ``competitor_stages``
(written with «Справочник конкурентов»); the documents ``client_competitors`` with their
stage history, kits, kit users, contacts' attitudes and links to assignments and works
(written with «Изменение клиентов и контактных лиц», as contacts are). Every document row
carries its client; the children name (client, document) together, so a child can never
belong to another client's document.

The contact's old free text ``contacts.competitor_attitude`` is kept as it is (readable
in the contact card under the attitudes, no longer edited): nothing is lost, and a text
written before this revision names no document to hang an attitude row on.

On PostgreSQL (:func:`_server_sql`), as 0014 did for its client tables: privileges,
row-level security by client (a link names an assignment or work, a kit user or an
attitude a contact, of the same visible client), rights per statement, who did it from
the login, the change log and change notices; the stage history is never rewritten.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
MONEY = sa.Numeric(14, 2).with_variant(sa.BigInteger(), "sqlite")
RIGHTS: dict[str, str] = {"competitors.catalogue": "Справочник конкурентов"}
ROLE_RIGHTS = {"admin": tuple(RIGHTS), "head": tuple(RIGHTS)}
CATALOGUE = ("competitors", "competitor_stages")
CLIENT_ROWS = ("client_competitors", "competitor_stage_moves", "competitor_kits",
               "competitor_kit_users", "contact_competitor_attitudes",
               "competitor_work_links")
TABLES = CATALOGUE + CLIENT_ROWS
# A new base starts with this lifecycle; each company (РИЦ) edits it in «Конкуренты…».
DEFAULT_STAGES = (("Угроза", 1, "threat"), ("Конкурент у клиента", 2, "active"),
                  ("Противодействие", 3, "active"), ("Конкурент устранён", 4, "eliminated"),
                  ("Клиент ушёл к конкуренту", 5, "lost"))


def upgrade() -> None:
    op.create_table('competitor_stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('threat', 'active', 'eliminated', 'lost', name='stagekind', native_enum=False, length=20), nullable=False),
    sa.CheckConstraint('position >= 0', name=op.f('ck_competitor_stages_position_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competitor_stages')),
    sa.UniqueConstraint('title', name=op.f('uq_competitor_stages_title'))
    )
    op.create_table('competitors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('price_level', sa.Enum('low', 'same', 'high', name='pricelevel', native_enum=False, length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competitors')),
    sa.UniqueConstraint('name', name=op.f('uq_competitors_name'))
    )
    op.create_table('client_competitors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('encounter', sa.Enum('clash', 'overlap', name='encounter', native_enum=False, length=20), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('responsible_id', sa.Integer(), nullable=True),
    sa.Column('monthly_value', MONEY, nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= opened_on', name=op.f('ck_client_competitors_dates_in_order')),
    sa.CheckConstraint('monthly_value >= 0', name=op.f('ck_client_competitors_value_positive')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_competitors_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['competitor_id'], ['competitors.id'], name=op.f('fk_client_competitors_competitor_id_competitors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_client_competitors_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['responsible_id'], ['employees.id'], name=op.f('fk_client_competitors_responsible_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_id'], ['competitor_stages.id'], name=op.f('fk_client_competitors_stage_id_competitor_stages'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_client_competitors_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_competitors')),
    sa.UniqueConstraint('client_id', 'id', name=op.f('uq_client_competitors_client_id_id'))
    )
    op.create_index('ix_client_competitors_client_id_opened_on', 'client_competitors', ['client_id', 'opened_on'], unique=False)
    op.create_index(op.f('ix_client_competitors_competitor_id'), 'client_competitors', ['competitor_id'], unique=False)
    op.create_index(op.f('ix_client_competitors_opened_on'), 'client_competitors', ['opened_on'], unique=False)
    op.create_index(op.f('ix_client_competitors_responsible_id'), 'client_competitors', ['responsible_id'], unique=False)
    op.create_index(op.f('ix_client_competitors_stage_id'), 'client_competitors', ['stage_id'], unique=False)
    op.create_table('competitor_kits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('workplaces', sa.Integer(), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('monthly_price', MONEY, nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('monthly_price IS NULL OR monthly_price >= 0', name=op.f('ck_competitor_kits_price_positive')),
    sa.CheckConstraint('workplaces >= 0', name=op.f('ck_competitor_kits_workplaces_positive')),
    sa.ForeignKeyConstraint(['client_id', 'document_id'], ['client_competitors.client_id', 'client_competitors.id'], name='fk_competitor_kits_document_client', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_competitor_kits_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competitor_kits')),
    sa.UniqueConstraint('client_id', 'id', name=op.f('uq_competitor_kits_client_id_id'))
    )
    op.create_index(op.f('ix_competitor_kits_document_id'), 'competitor_kits', ['document_id'], unique=False)
    op.create_table('competitor_stage_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('from_stage_id', sa.Integer(), nullable=True),
    sa.Column('to_stage_id', sa.Integer(), nullable=True),
    sa.Column('moved_on', sa.Date(), nullable=False),
    sa.Column('moved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('moved_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['client_id', 'document_id'], ['client_competitors.client_id', 'client_competitors.id'], name='fk_competitor_stage_moves_document_client', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_competitor_stage_moves_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_stage_id'], ['competitor_stages.id'], name=op.f('fk_competitor_stage_moves_from_stage_id_competitor_stages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['moved_by_id'], ['employees.id'], name=op.f('fk_competitor_stage_moves_moved_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['to_stage_id'], ['competitor_stages.id'], name=op.f('fk_competitor_stage_moves_to_stage_id_competitor_stages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competitor_stage_moves'))
    )
    op.create_index(op.f('ix_competitor_stage_moves_document_id'), 'competitor_stage_moves', ['document_id'], unique=False)
    op.create_table('contact_competitor_attitudes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('attitude', sa.Enum('supporter', 'neutral', 'opponent', name='attitude', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id', 'document_id'], ['client_competitors.client_id', 'client_competitors.id'], name='fk_contact_competitor_attitudes_document_client', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_contact_competitor_attitudes_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_competitor_attitudes_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['employees.id'], name=op.f('fk_contact_competitor_attitudes_updated_by_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_competitor_attitudes')),
    sa.UniqueConstraint('document_id', 'contact_id', name=op.f('uq_contact_competitor_attitudes_document_id_contact_id'))
    )
    op.create_index(op.f('ix_contact_competitor_attitudes_contact_id'), 'contact_competitor_attitudes', ['contact_id'], unique=False)
    op.create_table('competitor_kit_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kit_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['client_id', 'kit_id'], ['competitor_kits.client_id', 'competitor_kits.id'], name='fk_competitor_kit_users_kit_client', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_competitor_kit_users_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_competitor_kit_users_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competitor_kit_users')),
    sa.UniqueConstraint('kit_id', 'contact_id', name=op.f('uq_competitor_kit_users_kit_id_contact_id'))
    )
    op.create_index(op.f('ix_competitor_kit_users_contact_id'), 'competitor_kit_users', ['contact_id'], unique=False)
    op.create_table('competitor_work_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('work_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(assignment_id IS NULL) <> (work_id IS NULL)', name=op.f('ck_competitor_work_links_one_target')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_competitor_work_links_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id', 'document_id'], ['client_competitors.client_id', 'client_competitors.id'], name='fk_competitor_work_links_document_client', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_competitor_work_links_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_competitor_work_links_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['work_id'], ['work_records.id'], name=op.f('fk_competitor_work_links_work_id_work_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competitor_work_links')),
    sa.UniqueConstraint('document_id', 'assignment_id', name=op.f('uq_competitor_work_links_document_id_assignment_id')),
    sa.UniqueConstraint('document_id', 'work_id', name=op.f('uq_competitor_work_links_document_id_work_id'))
    )
    op.create_index(op.f('ix_competitor_work_links_assignment_id'), 'competitor_work_links', ['assignment_id'], unique=False)
    op.create_index(op.f('ix_competitor_work_links_work_id'), 'competitor_work_links', ['work_id'], unique=False)

    stages = sa.table("competitor_stages", sa.column("title"), sa.column("position"),
                      sa.column("kind"))
    op.bulk_insert(stages, [{"title": t, "position": p, "kind": k}
                            for t, p, k in DEFAULT_STAGES])

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
    for table in reversed(("competitor_stages", "competitors", "client_competitors",
                           "competitor_kits", "competitor_stage_moves",
                           "contact_competitor_attitudes", "competitor_kit_users",
                           "competitor_work_links")):
        op.drop_table(table)
    listed = ", ".join(f"'{c}'" for c in RIGHTS)
    op.execute(f"DELETE FROM role_rights WHERE right_code IN ({listed})")
    op.execute(f"DELETE FROM access_rights WHERE code IN ({listed})")


# --------------------------------------------------------------------------- PostgreSQL

CLIENT_EDIT = "client.edit"
# Rights per statement: table -> (insert, update, delete).
TABLE_RIGHTS = {
    **{t: ("competitors.catalogue",) * 3 for t in CATALOGUE},
    **{t: (CLIENT_EDIT,) * 3 for t in CLIENT_ROWS},
}
# Who did it: table -> (columns stamped on INSERT, on UPDATE, the author column kept).
STAMPED = {
    "client_competitors": (("created_by_id", "updated_by_id"), ("updated_by_id",),
                           "created_by_id"),
    "competitor_stage_moves": (("moved_by_id",), (), "moved_by_id"),
    "contact_competitor_attitudes": (("updated_by_id",), ("updated_by_id",), None),
    "competitor_work_links": (("created_by_id",), (), "created_by_id"),
}


def _server_sql(bind: sa.Connection) -> list[str]:
    """The server's part; see the module's docstring."""
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    sql: list[str] = []

    # -- privileges ------------------------------------------------------------------------
    listed = ", ".join(f"{schema}.{t}" for t in TABLES)
    sequences = ", ".join(f"{schema}.{t}_id_seq" for t in TABLES)
    sql += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {listed} TO vostok_user",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON {listed} FROM vostok_user",
        f"GRANT USAGE, SELECT ON SEQUENCE {sequences} TO vostok_user",
        f"REVOKE UPDATE ON SEQUENCE {sequences} FROM vostok_user",
        # The stage history is written once (it goes with its document).
        f"REVOKE UPDATE ON {schema}.competitor_stage_moves FROM vostok_user",
    ]

    # -- row-level security: the catalogue is everybody's; the documents are seen where
    # their client is (WITH CHECK = USING) -------------------------------------------------
    for table in CATALOGUE:
        sql += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_everyone ON {schema}.{table} TO vostok_user "
            "USING (true) WITH CHECK (true)",
        ]

    def by_client(table: str) -> str:
        return f"(SELECT true FROM {schema}.clients vc WHERE vc.id = {table}.client_id)"

    for table in CLIENT_ROWS:
        rule = by_client(table)
        sql += [
            f"ALTER TABLE {schema}.{table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY vostok_see_all ON {schema}.{table} TO vostok_see_all "
            "USING (true) WITH CHECK (true)",
            f"CREATE POLICY vostok_see_limited ON {schema}.{table} TO vostok_see_limited "
            f"USING ({rule}) WITH CHECK ({rule})",
        ]
    # What a row names is of its own client and seen by its author (a foreign key alone
    # would let one file anybody's assignment or contact under one's document).
    def same_client(table: str, other: str, column: str) -> str:
        return (f"(SELECT vx.client_id FROM {schema}.{other} vx "
                f"WHERE vx.id = {table}.{column}) = {table}.client_id")

    named = {
        "competitor_kit_users": same_client("competitor_kit_users", "contacts", "contact_id"),
        "contact_competitor_attitudes": same_client("contact_competitor_attitudes",
                                                    "contacts", "contact_id"),
        "competitor_work_links": (
            "(competitor_work_links.assignment_id IS NULL OR "
            f"{same_client('competitor_work_links', 'assignments', 'assignment_id')}) AND "
            "(competitor_work_links.work_id IS NULL OR "
            f"{same_client('competitor_work_links', 'work_records', 'work_id')})"),
    }
    for table, rule in named.items():
        sql += [
            f"CREATE POLICY vostok_names_visible ON {schema}.{table} AS RESTRICTIVE "
            f"FOR INSERT TO vostok_user WITH CHECK ({rule})",
            f"CREATE POLICY vostok_names_visible_update ON {schema}.{table} AS RESTRICTIVE "
            f"FOR UPDATE TO vostok_user USING (true) WITH CHECK ({rule})",
        ]

    # -- rights ------------------------------------------------------------------------------
    for table, (ins, upd, dele) in TABLE_RIGHTS.items():
        sql.append(f"""CREATE TRIGGER vostok_rights BEFORE INSERT OR UPDATE OR DELETE
            ON {schema}.{table} FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_rights_guard('{ins}', '{upd}', '{dele}')""")

    # -- who did it (0009's vostok_stamp_editor, 0010's vostok_keep_author) ------------------
    for table, (on_insert, on_update, author) in STAMPED.items():
        sql.append(f"""CREATE TRIGGER vostok_stamp_insert BEFORE INSERT ON {schema}.{table}
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_stamp_editor({_args(on_insert)})""")
        if on_update:
            sql.append(f"""CREATE TRIGGER vostok_stamp_update BEFORE UPDATE ON {schema}.{table}
                FOR EACH ROW
                EXECUTE FUNCTION {schema}.vostok_stamp_editor({_args(on_update)})""")
        if author is not None:
            sql.append(f"""CREATE TRIGGER vostok_keep_author BEFORE UPDATE ON {schema}.{table}
                FOR EACH ROW WHEN (OLD.{author} IS DISTINCT FROM NEW.{author})
                EXECUTE FUNCTION {schema}.vostok_keep_author()""")

    # -- the change log (client rows carry client_id: vostok_row_client finds it; the
    # catalogue's lines have no client and are everybody's to read) ------------------------
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
        key = "NULL::integer" if table in CATALOGUE else "t.client_id"
        for event, ref in (("INSERT", "NEW TABLE AS changed_rows"),
                           ("UPDATE", "NEW TABLE AS changed_rows"),
                           ("DELETE", "OLD TABLE AS changed_rows")):
            sql.append(f"""CREATE TRIGGER vostok_notify_{event.lower()} AFTER {event}
                ON {schema}.{table} REFERENCING {ref} FOR EACH STATEMENT
                EXECUTE FUNCTION {schema}.vostok_notify_changes('{key}')""")
    return sql


def _args(columns: tuple[str, ...]) -> str:
    return ", ".join(f"'{c}'" for c in columns)
