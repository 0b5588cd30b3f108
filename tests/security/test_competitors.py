"""The competitors' tables on the server base (migration 0020), attacked as the office's
employees would: with their own logins from psql and from the program. Documents, kits,
attitudes, stage history and counter-work links are seen exactly where their client is;
the catalogue is everybody's to read and written only with «Справочник конкурентов»; the
author is the login's own; a link or a kit user names only an assignment, work or contact
of the same visible client; the stage history is never rewritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from psycopg import errors as pgerr
from sqlalchemy import select

from tests.security.conftest import Office
from vostok_desktop.domain import Contact
from vostok_desktop.domain.competitors import CompetitorStage
from vostok_desktop.domain.work import Assignment
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.competitors import catalogue as cat
from vostok_desktop.services.competitors import documents as docs
from vostok_desktop.services.competitors.common import CompetitorRefused

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

TABLES = ("competitors", "competitor_stages", "client_competitors", "competitor_stage_moves",
          "competitor_kits", "competitor_kit_users", "contact_competitor_attitudes",
          "competitor_work_links")
CLIENT_TABLES = TABLES[2:]
NEW_DOCUMENT = (
    "insert into client_competitors (client_id, competitor_id, stage_id, encounter, opened_on, "
    "monthly_value, note, created_at, updated_at, version, created_by_id, updated_by_id) "
    "values (%s, %s, %s, 'clash', '2026-03-01', 1500, '', now(), now(), 1, %s, %s) "
    "returning id, created_by_id")


@dataclass
class Rivals:
    competitor: int
    stage: int
    client_a: int
    client_b: int
    mine: int  # a document of «a»'s client
    hidden: int  # a document of «b»'s client
    hidden_assignment: int  # an assignment at «b»'s client
    hidden_contact: int  # a contact of «b»'s client
    own_contact: int  # a contact of «a»'s client


def _rivals(office: Office) -> Rivals:
    base = office.admin_base
    client_a, client_b = office.clients["a"][0], office.clients["b"][0]
    competitor = cat.save_competitor(base, cat.CompetitorData(None, "Гарант-тест"), None)
    with base.sessions() as s, s.begin():
        stage = s.scalars(select(CompetitorStage.id).order_by(CompetitorStage.position)).first()
        own_contact = Contact(client_id=client_a, last_name="Своя")
        hidden_contact = Contact(client_id=client_b, last_name="Чужая")
        hidden_assignment = Assignment(client_id=client_b, executor_id=office.ids["b"],
                                       text="Секретное поручение")
        s.add_all([own_contact, hidden_contact, hidden_assignment])
        s.flush()
        ids = (own_contact.id, hidden_contact.id, hidden_assignment.id)
    documents = []
    for client, contact in ((client_a, ids[0]), (client_b, ids[1])):
        data = docs.new_document(base, client, None)
        data.competitor_id = competitor
        doc_id = docs.save_document(base, data, None)
        docs.save_kit(base, docs.KitData(None, doc_id, "ГАРАНТ", 3, user_ids=[contact]), None)
        docs.set_attitude(base, doc_id, contact, "supporter", "", None)
        documents.append(doc_id)
    with base.sessions() as s, s.begin():
        from vostok_desktop.domain.competitors import CompetitorWorkLink

        s.add(CompetitorWorkLink(client_id=client_b, document_id=documents[1],
                                 assignment_id=ids[2]))
    return Rivals(competitor, stage, client_a, client_b, documents[0], documents[1], ids[2],
                  ids[1], ids[0])


def _ids(conn, sql: str, *args: object) -> set:  # noqa: ANN001
    return {r[0] for r in conn.execute(sql, args)}


def test_every_table_is_under_row_level_security_with_policies(office: Office) -> None:
    with office.superuser() as su:
        rows = dict(su.execute("select relname, relrowsecurity from pg_class "
                               "where relname = any(%s)", (list(TABLES),)).fetchall())
        assert rows == {t: True for t in TABLES}
        limited = {r[0] for r in su.execute(
            "select c.relname from pg_policy p join pg_class c on c.oid = p.polrelid "
            "where p.polname = 'vostok_see_limited' and c.relname = any(%s)",
            (list(TABLES),))}
        assert limited == set(CLIENT_TABLES)
        grants = {r[0] for r in su.execute(
            "select privilege_type from information_schema.role_table_grants where grantee = "
            "'vostok_user' and table_name = 'competitor_stage_moves'")}
        assert grants == {"SELECT", "INSERT", "DELETE"}


def test_a_limited_manager_sees_only_documents_of_visible_clients(office: Office) -> None:
    r = _rivals(office)
    with office.psql("a") as conn:
        visible = _ids(conn, "select id from clients")
        assert r.mine in _ids(conn, "select id from client_competitors")
        assert r.hidden not in _ids(conn, "select id from client_competitors")
        for table in CLIENT_TABLES:
            seen = _ids(conn, f"select client_id from {table}")
            assert seen <= visible and r.client_b not in seen, table
        assert r.competitor in _ids(conn, "select id from competitors")  # the catalogue
        assert conn.execute(
            "select count(*) from change_log where client_id = %s and table_name = any(%s)",
            (r.client_b, list(CLIENT_TABLES))).fetchone() == (0,)
        assert conn.execute(
            "select count(*) from change_log where table_name = 'client_competitors' "
            "and row_id = %s", (r.mine,)).fetchone()[0] > 0
        # Nor can it change or delete what it does not see.
        assert conn.execute("update client_competitors set note = 'взлом' where id = %s",
                            (r.hidden,)).rowcount == 0
        assert conn.execute("delete from competitor_kits where client_id = %s",
                            (r.client_b,)).rowcount == 0
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute(NEW_DOCUMENT, (r.client_b, r.competitor, r.stage, None, None))
    with office.psql("b") as conn:
        assert _ids(conn, "select id from client_competitors") >= {r.hidden}
        assert r.mine not in _ids(conn, "select id from client_competitors")
    # From the program: a document for a hidden client is refused in Russian.
    base = office.open_as("a")
    try:
        data = docs.new_document(office.admin_base, r.client_b, None)
        data.competitor_id = r.competitor
        with pytest.raises((AccessDenied, CompetitorRefused), match="вне видимой вам части"):
            docs.save_document(base, data, office.ids["a"])
        assert [d.id for d in docs.documents_of_client(base, r.client_b)] == []
    finally:
        base.close()


def test_the_catalogue_is_written_only_with_its_right(office: Office) -> None:
    r = _rivals(office)
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="Справочник конкурентов"):
            conn.execute("insert into competitors (name, product, price_level, notes, "
                         "archived) values ('Свой конкурент', '', 'same', '', false)")
        with pytest.raises(pgerr.InsufficientPrivilege, match="Справочник конкурентов"):
            conn.execute("update competitor_stages set title = 'Взлом' where id = %s",
                         (r.stage,))
    with office.psql("head") as conn:  # the head has «Справочник конкурентов»
        conn.execute("update competitors set notes = 'проверено' where id = %s",
                     (r.competitor,))
    base = office.open_as("a")
    try:
        with pytest.raises(AccessDenied, match="Справочник конкурентов"):
            cat.save_competitor(base, cat.CompetitorData(None, "Ещё один"), office.ids["a"])
    finally:
        base.close()


def test_authors_are_the_logins_and_links_name_only_visible_rows(office: Office) -> None:
    r = _rivals(office)
    a, b = office.ids["a"], office.ids["b"]
    with office.psql("a") as conn:
        # Closing the first document frees the competitor for a new one at the client.
        doc_id, author = conn.execute(NEW_DOCUMENT, (r.client_a, r.competitor, r.stage, b,
                                                     b)).fetchone()
        assert author == a  # «b» named as the author: the server wrote «a»
        with pytest.raises(pgerr.InsufficientPrivilege, match="Автора записи не меняют"):
            conn.execute("update client_competitors set created_by_id = %s where id = %s",
                         (b, doc_id))
        moved_by = conn.execute(
            "insert into competitor_stage_moves (client_id, document_id, to_stage_id, "
            "moved_on, moved_at, moved_by_id, note) values (%s, %s, %s, %s, now(), %s, '') "
            "returning moved_by_id", (r.client_a, doc_id, r.stage, date(2026, 3, 1), b)
        ).fetchone()[0]
        assert moved_by == a
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("update competitor_stage_moves set note = 'переписано' "
                         "where document_id = %s", (doc_id,))
        # A link to an assignment of a hidden client is refused…
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("insert into competitor_work_links (client_id, document_id, "
                         "assignment_id, created_at) values (%s, %s, %s, now())",
                         (r.client_a, r.mine, r.hidden_assignment))
        # …and so is a kit user or an attitude of a hidden client's contact.
        kit = conn.execute("select id from competitor_kits where document_id = %s",
                           (r.mine,)).fetchone()[0]
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("insert into competitor_kit_users (client_id, kit_id, contact_id) "
                         "values (%s, %s, %s)", (r.client_a, kit, r.hidden_contact))
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("insert into contact_competitor_attitudes (client_id, document_id, "
                         "contact_id, attitude, note, updated_at) values (%s, %s, %s, "
                         "'opponent', '', now())", (r.client_a, r.mine, r.hidden_contact))
        # A child naming its document under another client breaks the composite key.
        with pytest.raises(pgerr.ForeignKeyViolation):
            conn.execute("insert into competitor_kits (client_id, document_id, product, "
                         "workplaces, note) values (%s, %s, 'Подмена', 1, '')",
                         (r.client_a, r.hidden))
        # Its own client's contact is fine.
        conn.execute("insert into contact_competitor_attitudes (client_id, document_id, "
                     "contact_id, attitude, note, updated_at, updated_by_id) values "
                     "(%s, %s, %s, 'opponent', '', now(), %s)",
                     (r.client_a, doc_id, r.own_contact, b))
        assert conn.execute("select updated_by_id from contact_competitor_attitudes where "
                            "document_id = %s", (doc_id,)).fetchone() == (a,)
