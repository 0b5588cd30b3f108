"""Call campaigns on the server base (migration 0019), attacked as the office's employees
would: with their own logins from psql and from the program. Campaigns and the lists are
everybody's to read and written only with «Кампании обзвона»; an item is seen and worked
by whoever sees its client; who recorded a result and the talk time are the server's; two
operators never take the same contact (SKIP LOCKED).
"""

from __future__ import annotations

import threading
import uuid

import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office
from vostok_desktop.domain.campaigns import CampaignStatus
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.campaigns import campaigns as cmp
from vostok_desktop.services.campaigns import queue

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

TABLES = ("campaigns", "campaign_items", "campaign_results", "refusal_reasons")
NEW_CAMPAIGN = ("insert into campaigns (title, occasion, starts_on, status, created_at, "
                "created_by_id) values (%s, '', current_date, 'active', now(), %s) "
                "returning id, created_by_id")
NEW_ITEM = ("insert into campaign_items (campaign_id, client_id, state, attempts, note) "
            "values (%s, %s, 'pending', 0, '') returning id")


def _campaign(office: Office, client_ids: list[int]) -> int:
    """An active campaign over ``client_ids`` made by the head through the program."""
    base = office.open_as("head")
    try:
        report = cmp.create_campaign(base, cmp.CampaignData(f"Кампания {uuid.uuid4().hex[:6]}",
                                                            "Новая редакция"),
                                     cmp.Source(client_ids=client_ids),
                                     employee_id=office.ids["head"])
        cmp.set_status(base, report.campaign_id, CampaignStatus.ACTIVE,
                       employee_id=office.ids["head"])
    finally:
        base.close()
    return report.campaign_id


def _result_ids(office: Office) -> tuple[int, int, int]:
    """(a plain result, the refusal, a refusal reason)."""
    with office.superuser() as su:
        plain = su.execute("select id from campaign_results where title = "
                           "'Назначена встреча'").fetchone()[0]
        refusal = su.execute("select id from campaign_results where is_refusal").fetchone()[0]
        reason = su.execute("select id from refusal_reasons order by id").fetchone()[0]
    return plain, refusal, reason


def test_campaign_tables_are_guarded(office: Office) -> None:
    with office.superuser() as su:
        rls = dict(su.execute("select relname, relrowsecurity from pg_class where relname "
                              "= any(%s)", (list(TABLES),)).fetchall())
        assert rls == dict.fromkeys(TABLES, True)
        holders = {r[0] for r in su.execute(
            "select role from role_rights where right_code = 'campaigns.manage'")}
        assert holders == {"admin", "head"}
        for table in TABLES:
            assert su.execute("select has_table_privilege('vostok_user', %s, 'TRUNCATE'), "
                              "has_table_privilege('vostok_user', %s, 'TRIGGER')",
                              (table, table)).fetchone() == (False, False)
        # The trigger helper is nobody's to call.
        assert su.execute("select has_function_privilege('vostok_user', "
                          "'vostok_campaign_item_work()', 'EXECUTE')").fetchone() == (False,)


def test_without_the_right_nobody_creates_or_fills_campaigns(office: Office) -> None:
    cid = _campaign(office, office.clients["tm"])
    with office.psql("tm") as conn:  # a telemarketer: no «Кампании обзвона»
        assert conn.execute("select count(*) from campaigns where id = %s",
                            (cid,)).fetchone() == (1,)
        for sql, args in ((NEW_CAMPAIGN, ("Своя", None)),
                          ("update campaigns set title = 'x' where id = %s", (cid,)),
                          ("delete from campaigns where id = %s", (cid,)),
                          (NEW_ITEM, (cid, office.clients["tm"][0])),
                          ("delete from campaign_items where campaign_id = %s", (cid,)),
                          ("update campaign_items set client_id = %s where campaign_id = %s",
                           (office.clients["tm"][1], cid)),
                          ("insert into campaign_results (title, is_refusal, retry, "
                           "position, is_active) values ('Ура', false, false, 99, true)", ()),
                          ("update refusal_reasons set title = 'x'", ())):
            with pytest.raises(pgerr.InsufficientPrivilege, match="Кампании обзвона"):
                conn.execute(sql, args)
    base = office.open_as("tm")
    try:
        with pytest.raises(AccessDenied, match="Нет права «Кампании обзвона»"):
            cmp.create_campaign(base, cmp.CampaignData("Своя"), employee_id=office.ids["tm"])
        with pytest.raises(AccessDenied, match="Нет права «Кампании обзвона»"):
            cmp.add_refusal_reason(base, "Не нравится голос")
    finally:
        base.close()
    with office.psql("head") as conn:  # the author is the login, whatever is written
        _cid, author = conn.execute(NEW_CAMPAIGN, ("Руководителя", office.ids["a"])).fetchone()
        assert author == office.ids["head"]


def test_an_operator_sees_and_takes_only_items_of_visible_clients(office: Office) -> None:
    mine, hidden = office.clients["tm"], office.clients["b"][:3]
    cid = _campaign(office, [*mine, *hidden])
    base = office.open_as("tm")
    try:
        with base.sessions() as s:
            assert cmp.progress(s, cid).total == len(mine)
        taken = []
        while (item := queue.next_item(base, cid, office.ids["tm"],
                                       skip_ids=taken)) is not None:
            taken.append(item)
        with base.sessions() as s:
            assert {queue.item_view(s, i).client_id for i in taken} == set(mine)
    finally:
        base.close()
    with office.psql("tm") as conn:
        assert conn.execute("select count(*) from campaign_items where client_id = any(%s)",
                            (hidden,)).fetchone() == (0,)
        changed = conn.execute("update campaign_items set note = 'взлом' where "
                               "client_id = any(%s)", (hidden,)).rowcount
        assert changed == 0


def test_done_by_and_talk_time_are_the_servers(office: Office) -> None:
    cid = _campaign(office, office.clients["tm"][:1])
    plain, refusal, reason = _result_ids(office)
    with office.superuser() as su:
        item = su.execute("select id from campaign_items where campaign_id = %s",
                          (cid,)).fetchone()[0]
        others_call = su.execute(
            "insert into calls (provider, provider_call_id, direction, number_raw, "
            "number_digits, caller_name, extension, employee_id, started_at, duration_s, "
            "answered, missed) values ('sim', %s, 'out', '', '', '', '101', %s, now(), 300, "
            "true, false) returning id", (uuid.uuid4().hex, office.ids["a"])).fetchone()[0]
        own_call = su.execute(
            "insert into calls (provider, provider_call_id, direction, number_raw, "
            "number_digits, caller_name, extension, employee_id, started_at, duration_s, "
            "answered, missed) values ('sim', %s, 'out', '', '', '', '102', %s, now(), 37, "
            "true, false) returning id", (uuid.uuid4().hex, office.ids["tm"])).fetchone()[0]
    with office.psql("tm") as conn:
        # A refusal without its reason is refused by the server too.
        with pytest.raises(pgerr.CheckViolation, match="причину отказа"):
            conn.execute("update campaign_items set result_id = %s where id = %s",
                         (refusal, item))
        # Forged author, time and talk seconds: the server writes its own.
        row = conn.execute(
            "update campaign_items set result_id = %s, state = 'done', done_by_id = %s, "
            "done_at = '2020-01-01', talk_seconds = 9999 where id = %s "
            "returning done_by_id, done_at > now() - interval '1 hour', talk_seconds",
            (plain, office.ids["a"], item)).fetchone()
        assert row == (office.ids["tm"], True, None)
        # Somebody else's call is not the operator's talk time; their own is.
        with pytest.raises(pgerr.InsufficientPrivilege, match="не из вашего журнала"):
            conn.execute("update campaign_items set call_id = %s where id = %s",
                         (others_call, item))
        assert conn.execute("update campaign_items set call_id = %s, talk_seconds = 1 "
                            "where id = %s returning talk_seconds",
                            (own_call, item)).fetchone() == (37,)
        # Nor is the item handed to another operator without the right.
        with pytest.raises(pgerr.InsufficientPrivilege, match="другому оператору"):
            conn.execute("update campaign_items set operator_id = %s where id = %s",
                         (office.ids["op"], item))
        # The refusal with its reason is fine.
        conn.execute("update campaign_items set result_id = %s, refusal_reason_id = %s "
                     "where id = %s", (refusal, reason, item))
    with office.superuser() as su:
        logged = {r[0] for r in su.execute(
            "select field from change_log where table_name = 'campaign_items' and "
            "row_id = %s and employee_id = %s", (item, office.ids["tm"]))}
        assert {"result_id", "refusal_reason_id"} <= logged


def test_a_locked_item_is_skipped_not_waited_for(office: Office) -> None:
    cid = _campaign(office, office.clients["a"][:4])
    with office.psql("op", autocommit=False) as holder:
        locked = holder.execute(
            "select id from campaign_items where campaign_id = %s and state = 'pending' "
            "order by id limit 1 for update skip locked", (cid,)).fetchone()[0]
        got: list[int | None] = []
        base = office.open_as("head")
        try:
            worker = threading.Thread(target=lambda: got.append(
                queue.next_item(base, cid, office.ids["head"])))
            worker.start()
            worker.join(timeout=20)
            assert not worker.is_alive(), "the second operator waited for the lock"
        finally:
            base.close()
        assert got and got[0] is not None and got[0] != locked
        holder.rollback()


def test_two_operators_at_once_never_get_the_same_contact(office: Office) -> None:
    cid = _campaign(office, office.clients["a"][:10])
    taken: dict[str, list[int]] = {"op": [], "head": []}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        base = office.open_as(name)
        try:
            plain = _result_ids(office)[0]
            while (item := queue.next_item(base, cid, office.ids[name])) is not None:
                taken[name].append(item)
                queue.save_result(base, item, office.ids[name], plain)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            base.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    both = taken["op"] + taken["head"]
    assert len(both) == len(set(both)) == 10
    with office.superuser() as su:
        done_by = dict(su.execute("select id, done_by_id from campaign_items where "
                                  "campaign_id = %s", (cid,)).fetchall())
    assert all(done_by[i] == office.ids[n] for n, items in taken.items() for i in items)
