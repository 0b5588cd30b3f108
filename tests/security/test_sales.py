"""The sales tables on the server base (migration 0018), attacked as the office's
employees would: with their own logins from psql and from the program. A deal, its stage
history and a lead matched to a client are the client's (seen by whoever sees it); a lead
not yet matched only by holders of «Загрузка заявок» and its responsible; leads are added
only with that right, the catalogues written only with «Настройка продаж»; authors and
times are the server's."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.sales import catalogue, deals, leads
from vostok_desktop.services.sales.deals import DealData

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

TABLES = ("attraction_instruments", "deal_stages", "need_rules", "lead_batches", "leads",
          "deals", "deal_stage_changes")
NEW_DEAL = ("insert into deals (client_id, title, stage_id, responsible_id, expected_sum, "
            "notes, created_at, created_by_id, version) values (%s, 'Сделка', %s, %s, "
            "100000, '', '2001-01-01', %s, 1) returning id, created_by_id, created_at")
NEW_LEAD = ("insert into leads (received_at, source, name, organisation, inn, phone, email, "
            "text, client_id, responsible_id, status, result, created_at, created_by_id, "
            "version) values (now(), 'Сайт', %s, '', '', '', 'x@y.ru', '', %s, %s, 'new', "
            "'', '2001-01-01', %s, 1) returning id, created_by_id, created_at")
NEW_MOVE = ("insert into deal_stage_changes (deal_id, client_id, from_stage_id, to_stage_id, "
            "changed_at, changed_by_id) values (%s, %s, NULL, %s, now(), NULL)")


def _stage(office: Office) -> int:
    """The first stage (the catalogues are empty on a base upgraded from 0008: the
    defaults are put in as a new base gets them)."""
    with office.admin_base.sessions() as s, s.begin():
        catalogue.fill_defaults(s)
    with office.superuser() as su:
        return su.execute("select id from deal_stages order by position limit 1"
                          ).fetchone()[0]


def test_sales_tables_are_guarded(office: Office) -> None:
    with office.superuser() as su:
        rls = dict(su.execute("select relname, relrowsecurity from pg_class where relname "
                              "= any(%s)", (list(TABLES),)).fetchall())
        assert rls == dict.fromkeys(TABLES, True)
        titles = dict(su.execute("select code, title from access_rights where code like "
                                 "'sales.%'").fetchall())
        assert titles == {"sales.setup": "Настройка продаж", "sales.leads": "Загрузка заявок"}
        for table in TABLES:
            assert su.execute("select has_table_privilege('vostok_user', %s, 'TRUNCATE'), "
                              "has_table_privilege('vostok_user', %s, 'TRIGGER')",
                              (table, table)).fetchone() == (False, False)
        assert su.execute("select has_table_privilege('vostok_user', 'deal_stage_changes', "
                          "'UPDATE'), has_table_privilege('vostok_user', "
                          "'deal_stage_changes', 'DELETE')").fetchone() == (False, False)
        assert su.execute("select has_function_privilege('vostok_user', "
                          "'vostok_server_time()', 'EXECUTE')").fetchone() == (False,)


def test_deals_are_the_clients_and_authors_the_logins(office: Office) -> None:
    stage = _stage(office)
    mine, theirs = office.clients["a"][0], office.clients["b"][0]
    with office.psql("a") as conn:
        # Forged author and back-dated creation: the server puts its own.
        deal, author, created = conn.execute(NEW_DEAL, (mine, stage, office.ids["a"],
                                                        office.ids["b"])).fetchone()
        assert author == office.ids["a"] and created.year > 2001
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_DEAL, (theirs, stage, office.ids["a"], None))
        # Moving one's deal to an invisible client is refused as well.
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute("update deals set client_id = %s where id = %s", (theirs, deal))
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("update deals set created_by_id = %s where id = %s",
                         (office.ids["b"], deal))
        # A stage move names its deal's client, and is never rewritten.
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_MOVE, (deal, office.clients["a"][1], stage))
        conn.execute(NEW_MOVE, (deal, mine, stage))
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("update deal_stage_changes set changed_at = now() - interval "
                         "'1 year' where deal_id = %s", (deal,))
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("delete from deal_stage_changes where deal_id = %s", (deal,))
    with office.psql("b") as conn:
        theirs_deal = conn.execute(NEW_DEAL, (theirs, stage, office.ids["b"], None)
                                   ).fetchone()[0]
    with office.psql("a") as conn:
        seen = {r[0] for r in conn.execute("select client_id from deals")}
        assert mine in seen and theirs not in seen
        assert conn.execute("select count(*) from deals where id = %s",
                            (theirs_deal,)).fetchone() == (0,)
        conn.execute("update deals set title = 'чужая' where id = %s", (theirs_deal,))
        conn.execute("delete from deals where id = %s", (theirs_deal,))
        assert conn.execute("select count(*) from change_log where table_name = 'deals' "
                            "and row_id = %s", (theirs_deal,)).fetchone() == (0,)
    with office.superuser() as su:
        assert su.execute("select title from deals where id = %s",
                          (theirs_deal,)).fetchone() == ("Сделка",)
        assert su.execute("select changed_by_id from deal_stage_changes where deal_id = %s",
                          (deal,)).fetchone() == (office.ids["a"],)
    # From the program: the deal of an invisible client is refused in Russian.
    base = office.open_as("a")
    try:
        with pytest.raises((MovementRefused, AccessDenied), match="клиент не указан или не "
                           "найден|вне видимой"):
            deals.save_deal(base, DealData(client_id=theirs, title="Чужая",
                                           expected_sum=Decimal("1")), office.ids["a"])
        new = deals.save_deal(base, DealData(client_id=mine, title="Своя"), office.ids["a"])
        deals.advance_deal(base, new, office.ids["a"])
        assert {r.client_id for r in deals.list_deals(base)} <= set(office.clients["a"])
        assert [m.changed_by for m in deals.stage_history(base, new)] == ["Аверин Антон"] * 2
    finally:
        base.close()


def test_leads_need_the_right_and_unmatched_ones_stay_with_their_holders(
        office: Office) -> None:
    tag = uuid.uuid4().hex[:6]
    mine, theirs = office.clients["a"][0], office.clients["b"][0]
    with office.psql("a") as conn:  # a manager: no «Загрузка заявок»
        with pytest.raises(pgerr.InsufficientPrivilege, match="Загрузка заявок"):
            conn.execute(NEW_LEAD, (f"Л{tag}", mine, office.ids["a"], None))
    with office.psql("head") as conn:
        unmatched_a, author, created = conn.execute(
            NEW_LEAD, (f"Н{tag}", None, office.ids["a"], office.ids["b"])).fetchone()
        assert author == office.ids["head"] and created.year > 2001
        of_b = conn.execute(NEW_LEAD, (f"Б{tag}", theirs, office.ids["a"], None)
                            ).fetchone()[0]
        of_a = conn.execute(NEW_LEAD, (f"А{tag}", mine, None, None)).fetchone()[0]
    with office.psql("a") as conn:
        seen = {r[0] for r in conn.execute("select id from leads where name like %s",
                                           (f"_{tag}",))}
        # Its own unmatched lead (responsible) and the lead of its client; not b's client's.
        assert seen == {unmatched_a, of_a}
        conn.execute("update leads set status = 'in_work' where id = %s", (of_a,))
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute("update leads set client_id = %s where id = %s", (theirs, of_a))
        with pytest.raises(pgerr.InsufficientPrivilege, match="Загрузка заявок"):
            conn.execute("delete from leads where id = %s", (of_a,))
    with office.psql("b") as conn:
        seen = {r[0] for r in conn.execute("select id from leads where name like %s",
                                           (f"_{tag}",))}
        assert seen == {of_b}
        # The change log of an unmatched lead is not b's to read either.
        assert conn.execute("select count(*) from change_log where table_name = 'leads' "
                            "and row_id = %s", (unmatched_a,)).fetchone() == (0,)
    with office.superuser() as su:
        assert su.execute("select status from leads where id = %s", (of_a,)).fetchone() == (
            "in_work",)
        assert su.execute("select count(*) from change_log where table_name = 'leads' "
                          "and row_id = %s", (unmatched_a,)).fetchone()[0] > 0
    base = office.open_as("a")
    try:
        with pytest.raises(AccessDenied, match="Нет права «Загрузка заявок»"):
            leads.import_leads(base, leads.LeadFile("f.csv", tag * 10, [
                leads.LeadRecord(received_at=leads.utcnow(), name="Ф", email="f@f.ru")]),
                office.ids["a"])
        leads.reject_lead(base, unmatched_a, "Спам", office.ids["a"])
    finally:
        base.close()


def test_catalogues_are_read_by_all_and_written_with_the_setup_right(office: Office) -> None:
    stage = _stage(office)
    tag = uuid.uuid4().hex[:6]
    with office.psql("a") as conn:
        assert conn.execute("select count(*) from deal_stages").fetchone()[0] >= 5
        assert conn.execute("select count(*) from attraction_instruments").fetchone()[0] >= 4
        for sql, args in (
                ("insert into deal_stages (title, position, probability, is_won, is_lost, "
                 "is_active) values (%s, 1, 1, false, false, true)", (f"Э{tag}",)),
                ("update deal_stages set probability = 99 where id = %s", (stage,)),
                ("delete from need_rules", ()),
                ("insert into attraction_instruments (title, is_active) values (%s, true)",
                 (f"И{tag}",)),
                ("insert into lead_batches (file_name, file_hash, row_count, imported_at) "
                 "values ('x', %s, 0, now())", (tag,))):
            with pytest.raises(pgerr.InsufficientPrivilege,
                               match="Настройка продаж|Загрузка заявок"):
                conn.execute(sql, args)
    base = office.open_as("a")
    try:
        with pytest.raises(AccessDenied, match="Нет права «Настройка продаж»"):
            catalogue.save_instrument(base, catalogue.InstrumentData(title=f"И{tag}"),
                                      office.ids["a"])
    finally:
        base.close()
    base = office.open_as("head")
    try:
        catalogue.save_instrument(base, catalogue.InstrumentData(title=f"И{tag}"),
                                  office.ids["head"])
        assert f"И{tag}" in {i.title for i in catalogue.list_instruments(base)}
    finally:
        base.close()
