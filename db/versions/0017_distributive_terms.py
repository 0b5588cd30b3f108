"""Dated terms of a distributive: a fixed price or a discount from a date, up to a date or
open-ended, per distributive at its client (``distributive_terms``). The undated terms of
0010 (``distributives.fixed_price`` / ``discount_percent``) become one open-ended row each,
valid from 2000-01-01 so every month billed before bills the same; the old columns are
emptied (kept in the table: the movements and the demo still name them) so no second,
stale source of terms remains.

Revision ID: 0017
Revises: 0016

On PostgreSQL (:func:`_server_sql`), as 0015 did for the КЦ quota marks: privileges,
row-level security by the row's client (a new row names its distributive's own client),
the right «Скидки и VIP-программы» (money.discounts) for every write, the author from the
login, the change log, change notices, and a trigger that refuses overlapping periods of
one distributive at one client (under a per-distributive lock, so two sessions cannot both
pass the check).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies at this revision (migrations never import app code).
TABLE = "distributive_terms"
MONEY = sa.Numeric(14, 2).with_variant(sa.BigInteger(), "sqlite")
OPEN_FROM = "2000-01-01"
MOVED_NOTE = "Перенесено из условий дистрибутива"
RIGHT = "money.discounts"
# What of a row changes after it is written (its distributive and client stay).
ROW_CHANGES = ("valid_from", "valid_to", "fixed_price", "discount_percent", "note")


def upgrade() -> None:
    op.create_table('distributive_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('distributive_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('fixed_price', MONEY, nullable=True),
    sa.Column('discount_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_distributive_terms_dates_in_order')),
    sa.CheckConstraint('(fixed_price IS NULL) <> (discount_percent IS NULL)', name=op.f('ck_distributive_terms_price_or_discount')),
    sa.CheckConstraint('fixed_price IS NULL OR fixed_price >= 0', name=op.f('ck_distributive_terms_price_not_negative')),
    sa.CheckConstraint('discount_percent IS NULL OR (discount_percent >= 0 AND discount_percent <= 100)', name=op.f('ck_distributive_terms_discount_range')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_distributive_terms_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['employees.id'], name=op.f('fk_distributive_terms_created_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['distributive_id'], ['distributives.id'], name=op.f('fk_distributive_terms_distributive_id_distributives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distributive_terms'))
    )
    op.create_index(op.f('ix_distributive_terms_client_id'), 'distributive_terms', ['client_id'], unique=False)
    op.create_index('ix_distributive_terms_distributive_id_valid_from', 'distributive_terms', ['distributive_id', 'valid_from'], unique=False)

    bind = op.get_bind()
    # The undated terms: one open-ended row each (a fixed price on SQLite is whole
    # kopecks, as the program's Money type stores it), then the old columns emptied.
    price = "CAST(ROUND(d.fixed_price * 100) AS INTEGER)" if bind.dialect.name == "sqlite" else "d.fixed_price"
    op.execute(f"""
        INSERT INTO distributive_terms (distributive_id, client_id, valid_from, valid_to,
            fixed_price, discount_percent, note, created_at, created_by_id)
        SELECT d.id, d.client_id, '{OPEN_FROM}', NULL,
               {price}, CASE WHEN d.fixed_price IS NULL THEN d.discount_percent END,
               '{MOVED_NOTE}', CURRENT_TIMESTAMP, NULL
        FROM distributives d
        WHERE d.client_id IS NOT NULL
          AND (d.fixed_price IS NOT NULL OR d.discount_percent IS NOT NULL)""")
    op.execute("UPDATE distributives SET fixed_price = NULL, discount_percent = NULL "
               "WHERE client_id IS NOT NULL AND (fixed_price IS NOT NULL "
               "OR discount_percent IS NOT NULL)")
    if bind.dialect.name == "postgresql" and bind.execute(
            sa.text("select to_regrole('vostok_user') is not null")).scalar():
        for statement in _server_sql(bind):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    price = "t.fixed_price / 100.0" if bind.dialect.name == "sqlite" else "t.fixed_price"
    # The row valid today (else the latest) goes back to the distributive's own terms.
    op.execute(f"""
        UPDATE distributives SET
          fixed_price = (SELECT {price} FROM distributive_terms t
                         WHERE t.distributive_id = distributives.id
                           AND t.client_id = distributives.client_id
                         ORDER BY (t.valid_from <= CURRENT_DATE AND (t.valid_to IS NULL
                                   OR t.valid_to >= CURRENT_DATE)) DESC, t.valid_from DESC
                         LIMIT 1),
          discount_percent = (SELECT t.discount_percent FROM distributive_terms t
                         WHERE t.distributive_id = distributives.id
                           AND t.client_id = distributives.client_id
                         ORDER BY (t.valid_from <= CURRENT_DATE AND (t.valid_to IS NULL
                                   OR t.valid_to >= CURRENT_DATE)) DESC, t.valid_from DESC
                         LIMIT 1)
        WHERE client_id IS NOT NULL""")
    if bind.dialect.name == "postgresql":
        schema = bind.execute(sa.text("select current_schema()")).scalar_one()
        op.execute(f"DROP TABLE {schema}.{TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {schema}.vostok_terms_no_overlap()")
    else:
        op.drop_table(TABLE)


# --------------------------------------------------------------------------- PostgreSQL

def _server_sql(bind: sa.Connection) -> list[str]:
    """The server's part; see the module's docstring."""
    schema = bind.execute(sa.text("select current_schema()")).scalar_one()
    safe_path = f"pg_catalog, {schema}, pg_temp"
    table = f"{schema}.{TABLE}"
    sql: list[str] = [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO vostok_user",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON {table} FROM vostok_user",
        f"GRANT USAGE, SELECT ON SEQUENCE {table}_id_seq TO vostok_user",
        f"REVOKE UPDATE ON SEQUENCE {table}_id_seq FROM vostok_user",
        f"REVOKE UPDATE ON {table} FROM vostok_user",
        f"GRANT UPDATE ({', '.join(ROW_CHANGES)}) ON {table} TO vostok_user",
    ]

    # -- row-level security (WITH CHECK = USING) ----------------------------------------------
    rule = f"(SELECT true FROM {schema}.clients vc WHERE vc.id = distributive_terms.client_id)"
    sql += [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY vostok_see_all ON {table} TO vostok_see_all "
        "USING (true) WITH CHECK (true)",
        f"CREATE POLICY vostok_see_limited ON {table} TO vostok_see_limited "
        f"USING ({rule}) WITH CHECK ({rule})",
        # A new row names its distributive's own client (read under the author's
        # visibility: a distributive the author does not see names nobody).
        f"CREATE POLICY vostok_names_visible ON {table} AS RESTRICTIVE "
        "FOR INSERT TO vostok_user WITH CHECK ((SELECT vd.client_id FROM "
        f"{schema}.distributives vd WHERE vd.id = distributive_terms.distributive_id) "
        "= distributive_terms.client_id)",
    ]

    # -- the right for every write -------------------------------------------------------------
    sql.append(f"""CREATE TRIGGER vostok_rights BEFORE INSERT OR UPDATE OR DELETE
        ON {table} FOR EACH STATEMENT
        EXECUTE FUNCTION {schema}.vostok_rights_guard('{RIGHT}', '{RIGHT}', '{RIGHT}')""")

    # -- who did it (0009's vostok_stamp_editor, 0010's vostok_keep_author) --------------------
    sql += [
        f"""CREATE TRIGGER vostok_stamp_insert BEFORE INSERT ON {table}
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_stamp_editor('created_by_id')""",
        f"""CREATE TRIGGER vostok_keep_author BEFORE UPDATE ON {table}
            FOR EACH ROW WHEN (OLD.created_by_id IS DISTINCT FROM NEW.created_by_id)
            EXECUTE FUNCTION {schema}.vostok_keep_author()""",
    ]

    # -- no overlapping periods of one distributive at one client ------------------------------
    # Runs as the caller (not SECURITY DEFINER): the rows it compares are the caller's own
    # client's, which row-level security lets the caller see.
    sql += [
        f"""
        CREATE OR REPLACE FUNCTION {schema}.vostok_terms_no_overlap() RETURNS trigger
        LANGUAGE plpgsql SET search_path = {safe_path} AS $$
        DECLARE
          other record;
        BEGIN
          PERFORM pg_advisory_xact_lock(17, NEW.distributive_id);
          SELECT t.valid_from, t.valid_to INTO other FROM distributive_terms t
          WHERE t.distributive_id = NEW.distributive_id AND t.client_id = NEW.client_id
            AND t.id <> NEW.id
            AND t.valid_from <= COALESCE(NEW.valid_to, 'infinity'::date)
            AND COALESCE(t.valid_to, 'infinity'::date) >= NEW.valid_from
          LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'Условия дистрибутива пересекаются с условиями с %',
              to_char(other.valid_from, 'DD.MM.YYYY') USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END $$""",
        f"REVOKE ALL ON FUNCTION {schema}.vostok_terms_no_overlap() FROM PUBLIC",
        f"""CREATE TRIGGER vostok_terms_no_overlap BEFORE INSERT OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_terms_no_overlap()""",
    ]

    # -- the change log and change notices (a row carries client_id) ---------------------------
    sql += [
        f"""CREATE TRIGGER vostok_change_log AFTER UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {schema}.vostok_log_change()""",
        f"""CREATE TRIGGER vostok_change_log_insert AFTER INSERT ON {table}
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_log_inserts()""",
    ]
    for event, ref in (("INSERT", "NEW TABLE AS changed_rows"),
                       ("UPDATE", "NEW TABLE AS changed_rows"),
                       ("DELETE", "OLD TABLE AS changed_rows")):
        sql.append(f"""CREATE TRIGGER vostok_notify_{event.lower()} AFTER {event}
            ON {table} REFERENCING {ref} FOR EACH STATEMENT
            EXECUTE FUNCTION {schema}.vostok_notify_changes('t.client_id')""")
    return sql
