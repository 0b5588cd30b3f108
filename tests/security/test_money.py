"""The money tables on the server base (migration 0014), attacked as the office's
employees would: with their own logins from psql. Documents, payments and discounts are
visible exactly where their client is (an unassigned payment with «Платежи»); issued
documents are never changed and are numbered by the server; a payment keeps the bank's
facts; allocations never exceed the payment or the document; VIP values are the true ones.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office
from tests.security.test_psql_attacks import _notices
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.money import discounts, documents

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

ISSUED = date(2025, 3, 3)
NEW_COMPANY = (
    "insert into companies (name, inn, kpp, ogrn, address, city, phone, email, bank_name, "
    "bik, account, corr_account, director, accountant, tax_mode, vat_rate, payment_days, "
    "is_default, is_active, version) values (%s, '7700000000', '770001001', '', '', '', '', "
    "'', '', '', '', '', '', '', 'vat', 20, 5, false, true, 1) returning id")
NEW_DOCUMENT = (
    "insert into money_documents (company_id, client_id, kind, year, number, number_text, "
    "issued_on, tax_mode, vat_rate, net, vat, total, basis, notes, created_at, corrects_id, "
    "invoice_id, created_by_id) values (%s, %s, %s, %s, %s, %s, %s, 'vat', 20, %s, %s, %s, "
    "'', '', now(), %s, %s, %s) returning id, year, number, number_text, created_by_id")
NEW_LINE = (
    "insert into money_document_lines (document_id, client_id, position, name, quantity, "
    "unit, price, net, vat, amount) values (%s, %s, %s, 'Сопровождение', 1, 'мес', 1200, "
    "1000, 200, 1200) returning id")
NEW_PAYMENT = (
    "insert into payments (kind, company_id, client_id, paid_on, amount, purpose, payer_name, "
    "payer_inn, payer_account, doc_number, match_note, created_at, created_by_id) values "
    "('bank', %s, %s, '2025-03-10', %s, 'Оплата по счёту', 'ООО Плательщик', '7701000000', "
    "'40702810000000000001', %s, '', now(), %s) returning id, created_by_id")
NEW_ALLOCATION = (
    "insert into payment_allocations (payment_id, document_id, client_id, amount, "
    "created_at) values (%s, %s, %s, %s, now()) returning id")


@dataclass
class Books:
    company: int
    client_a: int  # «a»'s client
    client_a2: int  # another of «a»'s clients
    client_b: int  # «b»'s client, hidden from «a»
    mine: int  # an invoice of client_a
    hidden: int  # an invoice of client_b
    hidden_payment: int  # a payment of client_b
    unassigned: int  # a bank payment of nobody yet
    hidden_discount: int  # a discount of client_b


def _document(conn: psycopg.Connection, company: int, client: int, kind: str = "invoice",
              total: int = 1200, corrects: int | None = None, invoice: int | None = None,
              number: int = 0, text: str = "", year: int = ISSUED.year,
              author: int | None = None, issued: date = ISSUED) -> tuple:
    vat = round(total * 20 / 120)
    return conn.execute(NEW_DOCUMENT, (company, client, kind, year, number, text, issued,
                                       total - vat, vat, total, corrects, invoice,
                                       author)).fetchone()


def _payment(conn: psycopg.Connection, company: int, client: int | None, amount: int,
             author: int | None = None) -> int:
    return conn.execute(NEW_PAYMENT, (company, client, amount, uuid.uuid4().hex[:8],
                                      author)).fetchone()[0]


def _books(office: Office) -> Books:
    client_a, client_a2 = office.clients["a"][:2]
    client_b = office.clients["b"][0]
    with office.superuser() as su:
        company = su.execute(NEW_COMPANY, (f"ООО «Восток-{uuid.uuid4().hex[:6]}»",)).fetchone()[0]
        mine = _document(su, company, client_a)[0]
        su.execute(NEW_LINE, (mine, client_a, 1))
        hidden = _document(su, company, client_b)[0]
        su.execute(NEW_LINE, (hidden, client_b, 1))
        hidden_payment = _payment(su, company, client_b, 1200)
        su.execute(NEW_ALLOCATION, (hidden_payment, hidden, client_b, 1200))
        unassigned = _payment(su, company, None, 500)
        hidden_discount = su.execute(
            "insert into client_discounts (client_id, percent, valid_from, reason, created_at) "
            "values (%s, 15, '2025-01-01', 'Секретная скидка', now()) returning id",
            (client_b,)).fetchone()[0]
    return Books(company, client_a, client_a2, client_b, mine, hidden, hidden_payment,
                 unassigned, hidden_discount)


def _ids(conn: psycopg.Connection, sql: str, *args: object) -> set[int]:
    return {r[0] for r in conn.execute(sql, args)}


def _grant(office: Office, role: str, right: str) -> None:
    with office.superuser() as su:
        su.execute("insert into role_rights (role, right_code) values (%s, %s)", (role, right))


def _series(office: Office, company: int, kind: str = "invoice") -> list[tuple]:
    with office.superuser() as su:
        return su.execute("select number, number_text from money_documents where company_id "
                          "= %s and kind = %s and year = %s order by number",
                          (company, kind, ISSUED.year)).fetchall()


def test_money_tables_have_policies_and_privileges(office: Office) -> None:
    client_tables = ("client_discounts", "vip_members", "money_documents",
                     "money_document_lines", "payments", "payment_allocations")
    with office.superuser() as su:
        rows = su.execute(
            "select c.relname, c.relrowsecurity, pg_get_expr(p.polqual, p.polrelid), "
            "pg_get_expr(p.polwithcheck, p.polrelid) from pg_class c join pg_policy p "
            "on p.polrelid = c.oid and p.polname in ('vostok_see_limited', 'vostok_see_all') "
            "where c.relname = any(%s)", (list(client_tables),)).fetchall()
        assert {r[0] for r in rows} == set(client_tables)
        for table, secured, using, check in rows:
            assert secured and using == check, table

        def grants(table: str) -> set[str]:
            return {r[0] for r in su.execute(
                "select privilege_type from information_schema.role_table_grants "
                "where grantee = 'vostok_user' and table_name = %s", (table,))}

        assert grants("document_counters") == set()
        assert grants("money_documents") == grants("money_document_lines") == {
            "SELECT", "INSERT"}
        assert grants("payments") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    with office.psql("a") as conn:  # the catalogues are everybody's reading
        for table in ("companies", "price_lists", "price_list_items", "vip_programmes",
                      "vip_tiers", "billing_runs", "bank_statements"):
            conn.execute(f"select count(*) from {table}")
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("truncate payments")


def test_a_limited_manager_sees_no_money_of_a_hidden_client(office: Office) -> None:
    p = _books(office)
    with office.psql("a") as conn:
        assert p.mine in _ids(conn, "select id from money_documents")
        # Exactly the documents of the clients «a» sees (the demo billing made some for
        # every served client), none of «b»'s.
        visible = _ids(conn, "select id from clients")
        assert visible and not visible & set(office.clients["b"])
        seen = _ids(conn, "select client_id from money_documents")
        assert seen <= visible and not seen & set(office.clients["b"])
        for sql in ("select client_id from money_document_lines",
                    "select client_id from payment_allocations",
                    "select client_id from client_discounts",
                    "select coalesce(client_id, 0) from payments",
                    "select client_id from vip_members"):
            assert p.client_b not in _ids(conn, sql), sql
        assert p.unassigned not in _ids(conn, "select id from payments")
        # Nothing through the definer function behind the storno policy either.
        assert conn.execute("select vostok_money_document_client(%s)",
                            (p.hidden,)).fetchone() == (None,)
        assert conn.execute("select vostok_money_document_client(%s)",
                            (p.mine,)).fetchone() == (p.client_a,)
        # Nor from the change log.
        assert conn.execute(
            "select count(*) from change_log where client_id = %s and table_name in "
            "('money_documents', 'payments', 'payment_allocations', 'client_discounts')",
            (p.client_b,)).fetchone() == (0,)
        assert conn.execute(
            "select count(*) from change_log where table_name = 'money_documents' "
            "and row_id = %s", (p.mine,)).fetchone()[0] > 0
    with office.psql("b") as conn:
        assert p.hidden in _ids(conn, "select id from money_documents")
        assert p.mine not in _ids(conn, "select id from money_documents")
    with office.psql("op") as conn:  # sees every client, but has no «Платежи»
        assert {p.mine, p.hidden} <= _ids(conn, "select id from money_documents")
        assert p.hidden_payment in _ids(conn, "select id from payments")
        assert p.unassigned not in _ids(conn, "select id from payments")
        assert conn.execute("select count(*) from change_log where table_name = 'payments' "
                            "and row_id = %s", (p.unassigned,)).fetchone() == (0,)
    with office.psql("adm") as conn:
        assert p.unassigned in _ids(conn, "select id from payments")


def test_an_issued_document_is_never_changed_or_deleted(office: Office) -> None:
    p = _books(office)
    for name in ("a", "adm"):
        with office.psql(name) as conn:
            for sql in ("update money_documents set total = 1, net = 1, vat = 0 where id = %s",
                        "delete from money_documents where id = %s",
                        "update money_document_lines set price = 1 where document_id = %s",
                        "delete from money_document_lines where document_id = %s"):
                with pytest.raises(pgerr.InsufficientPrivilege, match="permission denied"):
                    conn.execute(sql, (p.mine,))
                    pytest.fail(f"{name}: {sql}")
    with office.superuser() as su:
        assert su.execute("select total, (select count(*) from money_document_lines l where "
                          "l.document_id = d.id) from money_documents d where id = %s",
                          (p.mine,)).fetchone() == (1200, 1)


def test_numbers_are_the_servers_and_the_series_is_closed(office: Office) -> None:
    p = _books(office)  # the invoices С-1 and С-2 of this company
    a = office.ids["a"]
    with office.psql("a") as conn:
        # A forged number, year and text are ignored; the author is the login.
        doc, year, number, text, author = _document(
            conn, p.company, p.client_a, number=999, text="С-999", year=1990,
            author=office.ids["b"])
        assert (year, number, text, author) == (ISSUED.year, 3, "С-3", a)
        assert _document(conn, p.company, p.client_a, kind="act")[2:4] == (1, "А-1")
        assert _document(conn, p.company, p.client_a, kind="upd")[2:4] == (1, "У-1")
        assert _document(conn, p.company, p.client_a, issued=date(2026, 1, 9))[1:4] == \
            (2026, 1, "С-1")
        # Lines go with their document, in its transaction; an issued one gets no more.
        with conn.transaction():
            new = _document(conn, p.company, p.client_a)[0]
            conn.execute(NEW_LINE, (new, p.client_a, 1))
            conn.execute(NEW_LINE, (new, p.client_a, 2))
        for document in (doc, new, p.mine):
            with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
                conn.execute(NEW_LINE, (document, p.client_a, 3))
        for sql in ("select * from document_counters",
                    "update document_counters set last_number = 0",
                    f"insert into document_counters values ({p.company}, 'invoice', 2025, 100)",
                    "delete from document_counters"):
            with pytest.raises(pgerr.InsufficientPrivilege, match="permission denied"):
                conn.execute(sql)
                pytest.fail(sql)
    with office.psql("a") as conn:
        # A temporary document_counters does not feed the numbering trigger.
        conn.execute("create temp table document_counters (company_id integer, kind text, "
                     "year integer, last_number integer, primary key (company_id, kind, year))")
        conn.execute("insert into pg_temp.document_counters values (%s, 'invoice', %s, 500)",
                     (p.company, ISSUED.year))
        assert _document(conn, p.company, p.client_a)[2:4] == (5, "С-5")
        assert conn.execute("select last_number from pg_temp.document_counters").fetchone() \
            == (500,)
    assert _series(office, p.company) == [(n, f"С-{n}") for n in range(1, 6)]


def test_documents_are_issued_only_with_the_right_and_name_a_visible_document(
        office: Office) -> None:
    p = _books(office)
    for name in ("op", "eng"):  # neither has «Выписка счетов и актов»
        with office.psql(name) as conn:
            with pytest.raises(pgerr.InsufficientPrivilege,
                               match="Нет права «Выписка счетов и актов»"):
                _document(conn, p.company, p.client_a)
    with office.psql("a") as conn:
        # A storno of the hidden client's invoice, filed under an own client or theirs.
        for client in (p.client_a, p.client_b):
            with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
                _document(conn, p.company, client, total=-1200, corrects=p.hidden)
    with office.psql("a") as conn:
        # An act on the invoice of another own client is not that client's act.
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            _document(conn, p.company, p.client_a2, kind="act", invoice=p.mine)
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_LINE, (p.hidden, p.client_b, 2))
    with office.psql("a") as conn:
        storno = _document(conn, p.company, p.client_a, total=-1200, corrects=p.mine)
        act = _document(conn, p.company, p.client_a, kind="act", invoice=p.mine)
    assert storno[3] == "С-3" and act[3] == "А-1"
    assert [n for n, _ in _series(office, p.company)] == [1, 2, 3]


def test_two_sessions_never_get_the_same_or_a_skipped_number(office: Office) -> None:
    p = _books(office)
    first, second = office.psql("a", autocommit=False), office.psql("a", autocommit=False)
    got: dict[str, object] = {}
    try:
        got["first"] = _document(first, p.company, p.client_a)[2]

        def issue() -> None:
            try:
                got["second"] = _document(second, p.company, p.client_a)[2]
                second.commit()
            except Exception as exc:  # pragma: no cover - reported below
                got["error"] = exc

        worker = threading.Thread(target=issue)
        worker.start()
        worker.join(1.0)
        assert worker.is_alive(), "the second session must wait for the first"
        first.commit()
        worker.join(10)
        assert "error" not in got, got.get("error")
        assert sorted([got["first"], got["second"]]) == [3, 4]
        # A rolled-back issue gives its number back: no gap.
        _document(first, p.company, p.client_a)
        first.rollback()
        assert _document(first, p.company, p.client_a)[2] == 5
        first.commit()
    finally:
        first.close()
        second.close()
    assert _series(office, p.company) == [(n, f"С-{n}") for n in range(1, 6)]


def test_payments_need_the_right_and_keep_the_banks_facts(office: Office) -> None:
    p = _books(office)
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права «Платежи»"):
            _payment(conn, p.company, p.client_a, 100)
        # Without «Платежи» the unassigned payment is not one's to take.
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права «Платежи»"):
            conn.execute("update payments set client_id = %s where id = %s",
                         (p.client_a, p.unassigned))
    with office.superuser() as su:
        own = _payment(su, p.company, p.client_a, 300)
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="Нет права «Платежи»"):
            conn.execute("update payments set match_note = 'моё' where id = %s", (own,))
    _grant(office, "manager", "money.payments")
    with office.psql("a") as conn:
        payment, author = conn.execute(NEW_PAYMENT, (p.company, p.client_a, 100, "77",
                                                     office.ids["b"])).fetchone()
        assert author == office.ids["a"]
        for sql, field in (("update payments set amount = 1000000 where id = %s", "amount"),
                           ("update payments set paid_on = '2020-01-01' where id = %s",
                            "paid_on"),
                           ("update payments set payer_name = 'Я' where id = %s",
                            "payer_name"),
                           ("update payments set doc_number = '1' where id = %s",
                            "doc_number"),
                           ("update payments set kind = 'cash' where id = %s", "kind")):
            with pytest.raises(pgerr.InsufficientPrivilege, match=f"Платёж не меняют: {field}"):
                conn.execute(sql, (payment,))
        with pytest.raises(pgerr.InsufficientPrivilege, match="Автора записи не меняют"):
            conn.execute("update payments set created_by_id = %s where id = %s",
                         (office.ids["b"], payment))
        # Assigned once: not carried over to another client, nor back to nobody.
        for client in (p.client_a2, None):
            with pytest.raises(pgerr.InsufficientPrivilege, match="уже отнесён"):
                conn.execute("update payments set client_id = %s where id = %s",
                             (client, payment))
        # The unassigned payment is seen now, and is not given to a hidden client.
        assert p.unassigned in _ids(conn, "select id from payments")
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute("update payments set client_id = %s where id = %s",
                         (p.client_b, p.unassigned))
    with office.psql("a") as conn:
        assert conn.execute("update payments set client_id = %s, match_note = 'по ИНН' "
                            "where id = %s", (p.client_a, p.unassigned)).rowcount == 1
    with office.superuser() as su:
        assert su.execute("select client_id, amount, match_note from payments where id = %s",
                          (p.unassigned,)).fetchone() == (p.client_a, 500, "по ИНН")


def test_allocations_never_exceed_the_payment_or_the_document(office: Office) -> None:
    p = _books(office)
    _grant(office, "manager", "money.payments")
    with office.superuser() as su:
        second = _document(su, p.company, p.client_a, total=700)
        other_payment = _payment(su, p.company, p.client_a2, 5000)
        other_doc = _document(su, p.company, p.client_a2, total=700)
    with office.psql("a") as conn:
        payment = _payment(conn, p.company, p.client_a, 1000)
        conn.execute(NEW_ALLOCATION, (payment, p.mine, p.client_a, 600))
        with pytest.raises(pgerr.CheckViolation, match="Платёж №.* на 1000.00 руб. "
                                                       "разнесён на 1100.00 руб."):
            conn.execute(NEW_ALLOCATION, (payment, second[0], p.client_a, 500))
        with pytest.raises(pgerr.CheckViolation, match="Оплата документа № С-1 .*больше его "
                                                       "суммы 1200.00 руб."):
            conn.execute(NEW_ALLOCATION, (_payment(conn, p.company, p.client_a, 5000),
                                          p.mine, p.client_a, 700))
    with office.psql("a") as conn:
        # The other client's payment spent on this client's invoice.
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_ALLOCATION, (other_payment, p.mine, p.client_a, 100))
    with office.psql("a") as conn:
        # The hidden client's payment and invoice.
        with pytest.raises(pgerr.InsufficientPrivilege, match="row-level security"):
            conn.execute(NEW_ALLOCATION, (p.hidden_payment, p.hidden, p.client_b, 1))
    with office.psql("a") as conn:
        conn.execute(NEW_ALLOCATION, (other_payment, other_doc[0], p.client_a2, 700))
        with pytest.raises(pgerr.CheckViolation, match="Оплата документа"):
            conn.execute(NEW_ALLOCATION, (_payment(conn, p.company, p.client_a2, 50),
                                          other_doc[0], p.client_a2, 1))
    with office.superuser() as su:
        assert su.execute("select sum(amount) from payment_allocations where payment_id = %s",
                          (payment,)).fetchone() == (600,)
        assert su.execute("select created_by_id from payment_allocations where payment_id "
                          "= %s", (payment,)).fetchone() == (office.ids["a"],)


def _vip(office: Office, client: int) -> tuple[int, int, int]:
    """A programme 0 → 25 %, 1 → 35 %, 2 → 45 % and the client in it with true values."""
    with office.superuser() as su:
        programme = su.execute("insert into vip_programmes (name, is_active, version) values "
                               "(%s, true, 1) returning id",
                               (f"Золото {uuid.uuid4().hex[:6]}",)).fetchone()[0]
        for min_systems, percent in ((0, 25), (1, 35), (2, 45)):
            su.execute("insert into vip_tiers (programme_id, min_systems, percent) values "
                       "(%s, %s, %s)", (programme, min_systems, percent))
        served = su.execute("select count(*) from distributives where client_id = %s and "
                            "status = 'served'", (client,)).fetchone()[0]
        percent = 25 if served == 0 else 35 if served == 1 else 45
        su.execute("insert into vip_members (client_id, programme_id, since, applied_systems, "
                   "applied_percent, updated_at) values (%s, %s, '2025-01-01', %s, %s, now())",
                   (client, programme, served, percent))
    return programme, served, percent


def test_vip_values_are_the_true_ones_whoever_writes_them(office: Office) -> None:
    p = _books(office)
    programme, served, percent = _vip(office, p.client_a)
    _vip(office, p.client_b)
    with office.psql("a") as conn:
        for sql in ("update vip_members set applied_percent = 90 where client_id = %s",
                    "update vip_members set applied_systems = applied_systems + 5 "
                    "where client_id = %s"):
            with pytest.raises(pgerr.CheckViolation, match="Неверная скидка VIP"):
                conn.execute(sql, (p.client_a,))
        # The true values go through without «Скидки и VIP-программы».
        assert conn.execute("update vip_members set applied_systems = %s, applied_percent = "
                            "%s, updated_at = now() where client_id = %s",
                            (served, percent, p.client_a)).rowcount == 1
        # The rest of a membership is the right's.
        with pytest.raises(pgerr.InsufficientPrivilege,
                           match="Нет права «Скидки и VIP-программы»"):
            conn.execute("update vip_members set since = '2020-01-01' where client_id = %s",
                         (p.client_a,))
        for sql in ("delete from vip_members where client_id = %s",
                    "insert into client_discounts (client_id, percent, valid_from, reason, "
                    "created_at) values (%s, 50, '2025-01-01', '', now())"):
            with pytest.raises(pgerr.InsufficientPrivilege,
                               match="Нет права «Скидки и VIP-программы»"):
                conn.execute(sql, (p.client_a,))
        # The hidden client's membership is not there to touch.
        assert conn.execute("update vip_members set updated_at = now() where client_id = %s",
                            (p.client_b,)).rowcount == 0
    with office.psql("a") as conn:
        # Temporary distributives and tiers do not feed the definer function.
        conn.execute("create temp table distributives as select * from distributives limit 0")
        conn.execute("create temp table vip_tiers as select * from vip_tiers limit 0")
        conn.execute("insert into pg_temp.vip_tiers (id, programme_id, min_systems, percent) "
                     "values (-1, %s, 0, 90)", (programme,))
        with pytest.raises(pgerr.CheckViolation, match="Неверная скидка VIP"):
            conn.execute("update vip_members set applied_percent = 90 where client_id = %s",
                         (p.client_a,))
    with office.superuser() as su:
        assert su.execute("select applied_percent from vip_members where client_id = %s",
                          (p.client_a,)).fetchone() == (percent,)
        # The server's change log has it under the client.
        assert su.execute("select count(*) from change_log where table_name = 'vip_members' "
                          "and client_id = %s and field = 'programme_id'",
                          (p.client_a,)).fetchone() == (1,)


def test_discounts_and_prices_need_their_rights(office: Office) -> None:
    p = _books(office)
    with office.psql("a") as conn:
        for sql, right in (
                (NEW_COMPANY, "Справочники"),
                ("insert into price_lists (name, valid_from, notes, created_at, version) "
                 "values (%s, '2025-01-01', '', now(), 1)", "Прейскуранты"),
                ("insert into vip_programmes (name, is_active, version) values (%s, true, 1)",
                 "Скидки и VIP-программы"),
                ("insert into bank_statements (file_name, file_hash, account, payments_count, "
                 "imported_at) values (%s, 'x', '', 0, now())", "Платежи")):
            with pytest.raises(pgerr.InsufficientPrivilege, match=f"Нет права «{right}»"):
                conn.execute(sql, ("Подделка",))
    with office.psql("adm") as conn:
        price_list = conn.execute(
            "insert into price_lists (name, valid_from, notes, created_at, version, "
            "created_by_id, updated_by_id) values ('Прейскурант', '2025-01-01', '', now(), 1, "
            "%s, %s) returning created_by_id, updated_by_id",
            (office.ids["b"], office.ids["b"])).fetchone()
        discount = conn.execute(
            "insert into client_discounts (client_id, percent, valid_from, reason, created_at, "
            "created_by_id) values (%s, 10, '2025-01-01', 'Лояльность', now(), %s) "
            "returning id, created_by_id", (p.client_a, office.ids["b"])).fetchone()
    assert price_list == (office.ids["adm"], office.ids["adm"])
    assert discount[1] == office.ids["adm"]
    with office.psql("a") as conn:
        assert discount[0] in _ids(conn, "select id from client_discounts")


def test_money_change_notices_reach_only_those_who_see_the_client(office: Office) -> None:
    p = _books(office)
    _vip(office, p.client_a)
    _vip(office, p.client_b)
    with office.psql("a") as conn:
        conn.execute(f'listen "{conn.execute("select vostok_listen_channel()").fetchone()[0]}"')
        with office.superuser() as su:
            _document(su, p.company, p.client_b)
            mine = _document(su, p.company, p.client_a)[0]
            su.execute("update vip_members set updated_at = now() where client_id = any(%s)",
                       ([p.client_a, p.client_b],))
        notices = [json.loads(x) for x in _notices(conn)]
    docs = [n for n in notices if n["table"] == "money_documents"]
    assert docs and all(n["clients"] == [p.client_a] and n["ids"] == [mine] for n in docs)
    vip = [n for n in notices if n["table"] == "vip_members"]
    assert vip and all(n["clients"] == [p.client_a] for n in vip)


def test_an_unassigned_payment_is_heard_of_only_with_the_right(office: Office) -> None:
    p = _books(office)
    heard: dict[bool, list[dict]] = {}
    for with_right in (False, True):
        if with_right:
            _grant(office, "manager", "money.payments")
        with office.psql("a") as conn:
            channel = conn.execute("select vostok_listen_channel()").fetchone()[0]
            conn.execute(f'listen "{channel}"')
            with office.superuser() as su:
                unassigned = _payment(su, p.company, None, 100)
                own = _payment(su, p.company, p.client_a, 100)
                _payment(su, p.company, p.client_b, 100)
            heard[with_right] = [n for n in map(json.loads, _notices(conn))
                                 if n["table"] == "payments"]
        ids = {i for n in heard[with_right] for i in n["ids"]}
        assert ids == ({unassigned, own} if with_right else {own})


def test_the_program_issues_and_reverses_as_a_limited_manager(office: Office) -> None:
    p = _books(office)  # С-1 (client_a) and С-2 (client_b)
    line = documents.LineData("Сопровождение СПС КонсультантПлюс", Decimal("1"), "мес",
                              Decimal("1200.00"))
    as_a, as_op = office.open_as("a"), office.open_as("op")
    try:
        profile = access.load_profile(as_a, office.ids["a"])
        issued = documents.create_document(
            as_a, profile, company_id=p.company, client_id=p.client_a, kind="invoice",
            issued_on=ISSUED, lines=[line], employee_id=office.ids["b"])
        reversed_ = documents.storno(as_a, issued, office.ids["a"], profile, on=ISSUED)
        with pytest.raises(documents.DocumentRefused, match="Документ не найден"):
            documents.storno(as_a, p.hidden, office.ids["a"], profile, on=ISSUED)
        # The program's own check skipped: the server refuses all the same.
        with pytest.raises(access.AccessDenied, match="«Выписка счетов и актов»"):
            documents.create_document(
                as_op, access.FULL_ACCESS, company_id=p.company, client_id=p.client_a,
                kind="invoice", issued_on=ISSUED, lines=[line])
    finally:
        as_a.close()
        as_op.close()
    with office.superuser() as su:
        rows = su.execute(
            "select d.id, d.number_text, d.total, d.created_by_id, d.corrects_id, "
            "(select count(*) from money_document_lines l where l.document_id = d.id) "
            "from money_documents d where d.id in (%s, %s) order by d.id",
            (issued, reversed_)).fetchall()
    assert rows == [(issued, "С-3", Decimal("1200.00"), office.ids["a"], None, 1),
                    (reversed_, "С-4", Decimal("-1200.00"), office.ids["a"], issued, 1)]


def test_the_program_keeps_vip_true_after_a_tier_change_as_a_manager(office: Office) -> None:
    p = _books(office)
    programme, served, percent = _vip(office, p.client_a)
    with office.superuser() as su:
        su.execute("update vip_tiers set percent = percent + 3 where programme_id = %s",
                   (programme,))
    as_a = office.open_as("a")
    try:
        with as_a.sessions() as s, s.begin():
            changes = discounts.after_movements(s, [p.client_a, p.client_b],
                                                employee_id=office.ids["a"])
    finally:
        as_a.close()
    assert [(c.client_id, c.new_percent) for c in changes] == [(p.client_a, percent + 3)]
    with office.superuser() as su:
        assert su.execute("select applied_systems, applied_percent from vip_members "
                          "where client_id = %s", (p.client_a,)).fetchone() == \
            (served, percent + 3)
