"""The education tables on the server base (migration 0021), attacked as the office's
employees would: with their own logins from psql and from the program. Events and norms
are read by everyone and written only with «Учебный центр»; a participant is a row of its
contact's client — a limited manager sees only those of the clients it sees, cannot
register a contact of another client (nor forge the client), and its invoice is a
document of that same client; authors are the login's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from psycopg import errors as pgerr

from tests.security.conftest import Office
from tests.security.test_money import NEW_COMPANY, NEW_DOCUMENT
from vostok_desktop.domain.education import EventKind
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.education import participants as pt
from vostok_desktop.services.education.events import EventData, save_event, save_norm
from vostok_desktop.services.education.summary import event_summary

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])

TABLES = ("education_events", "event_participants", "training_norms")
NEW_EVENT = (
    "insert into education_events (kind, theme, starts_at, lecturer_name, price, place, "
    "link, status, notes, created_at, updated_at, created_by_id, updated_by_id) values "
    "('seminar', %s, now(), '', 1000, '', '', 'planned', '', now(), now(), %s, %s) "
    "returning id, created_by_id, updated_by_id")
NEW_PARTICIPANT = (
    "insert into event_participants (event_id, contact_id, client_id, stage, status, "
    "feedback_comment, registered_at, updated_at, registered_by_id, updated_by_id) values "
    "(%s, %s, %s, 'invited', 'registered', '', now(), now(), %s, %s) "
    "returning id, client_id, registered_by_id")
NEW_NORM = ("insert into training_norms (client_id, position, trainings_per_year, notes, "
            "updated_at) values (NULL, %s, 2, '', now()) returning id")


@dataclass
class School:
    event: int
    tag: str
    client_a: int
    client_b: int  # hidden from «a»
    contact_a: int
    contact_a2: int
    contact_b: int
    mine: int  # participant of contact_a
    hidden: int  # participant of contact_b
    hidden_invoice: int  # an invoice of client_b


def _school(office: Office) -> School:
    tag = uuid.uuid4().hex[:6]
    client_a, client_b = office.clients["a"][0], office.clients["b"][0]
    with office.superuser() as su:
        event = su.execute(NEW_EVENT, (f"Семинар {tag}", None, None)).fetchone()[0]
        contacts_a = [r[0] for r in su.execute(
            "select id from contacts where client_id = %s order by id", (client_a,))]
        if len(contacts_a) < 2:
            for i in range(2 - len(contacts_a)):
                contacts_a.append(su.execute(
                    "insert into contacts (client_id, last_name, first_name, middle_name, "
                    "search_name, interests, stop_list, competitor_attitude, notes, "
                    "marked_for_deletion, created_at, updated_at, version) values "
                    "(%s, %s, '', '', '', '', false, '', '', false, now(), now(), 1) "
                    "returning id", (client_a, f"Тестов{i}")).fetchone()[0])
        contact_b = su.execute("select id from contacts where client_id = %s order by id "
                               "limit 1", (client_b,)).fetchone()[0]
        mine = su.execute(NEW_PARTICIPANT, (event, contacts_a[0], client_a, None, None)
                          ).fetchone()[0]
        hidden = su.execute(NEW_PARTICIPANT, (event, contact_b, client_b, None, None)
                            ).fetchone()[0]
        found = su.execute("select id from companies order by id limit 1").fetchone()
        company = found[0] if found else su.execute(NEW_COMPANY, (f"РИЦ {tag}",)).fetchone()[0]
        invoice = su.execute(NEW_DOCUMENT, (company, client_b, "invoice", 2025, 0, "",
                                            "2025-03-03", 1000, 200, 1200, None, None, None)
                             ).fetchone()[0]
    return School(event, tag, client_a, client_b, contacts_a[0], contacts_a[1], contact_b,
                  mine, hidden, invoice)


def test_education_tables_are_guarded(office: Office) -> None:
    with office.superuser() as su:
        rls = dict(su.execute("select relname, relrowsecurity from pg_class where relname "
                              "= any(%s)", (list(TABLES),)).fetchall())
        assert rls == dict.fromkeys(TABLES, True)
        assert su.execute("select title from access_rights where code = 'education.events'"
                          ).fetchone() == ("Учебный центр",)
        holders = {r[0] for r in su.execute(
            "select role from role_rights where right_code = 'education.events'")}
        assert holders == {"admin", "head"}
        for table in TABLES:
            assert su.execute("select has_table_privilege('vostok_user', %s, 'TRUNCATE'), "
                              "has_table_privilege('vostok_user', %s, 'TRIGGER')",
                              (table, table)).fetchone() == (False, False)


def test_a_manager_sees_only_participants_of_visible_clients(office: Office) -> None:
    school = _school(office)
    with office.psql("a") as conn:
        seen = [r[0] for r in conn.execute(
            "select id from event_participants where event_id = %s", (school.event,))]
        assert seen == [school.mine]
        # Not one participant of a client «a» does not see, in the whole table.
        assert conn.execute(
            "select count(*) from event_participants p where not exists "
            "(select 1 from clients c where c.id = p.client_id)").fetchone() == (0,)
        # Writing the hidden one changes nothing.
        assert conn.execute("update event_participants set stage = 'paid' where id = %s",
                            (school.hidden,)).rowcount == 0
        assert conn.execute("delete from event_participants where id = %s",
                            (school.hidden,)).rowcount == 0
        # The change log of the hidden participant is hidden too.
        assert conn.execute("select count(*) from change_log where table_name = "
                            "'event_participants' and row_id = %s", (school.hidden,)
                            ).fetchone() == (0,)
    with office.superuser() as su:
        assert su.execute("select stage from event_participants where id = %s",
                          (school.hidden,)).fetchone() == ("invited",)
        assert su.execute("select count(*) from change_log where table_name = "
                          "'event_participants' and row_id = %s", (school.hidden,)
                          ).fetchone()[0] >= 1
    base = office.open_as("a")
    try:
        rows = pt.list_participants(base, school.event)
        assert [r.id for r in rows] == [school.mine]
        assert event_summary(base, school.event).registered == 1
    finally:
        base.close()
    base = office.open_as("op")  # the hot-line operator sees everything
    try:
        assert {r.id for r in pt.list_participants(base, school.event)} == {
            school.mine, school.hidden}
    finally:
        base.close()


def test_nobody_registers_a_contact_of_an_invisible_client(office: Office) -> None:
    school = _school(office)
    with office.psql("a") as conn:
        with pytest.raises(pgerr.InsufficientPrivilege, match="вне видимой вам части"):
            conn.execute(NEW_PARTICIPANT, (school.event, school.contact_b, school.client_a,
                                           None, None))
        # A forged client is replaced by the contact's own.
        pid, client, _author = conn.execute(NEW_PARTICIPANT, (
            school.event, school.contact_a2, school.client_b, None, None)).fetchone()
        assert client == school.client_a
        with pytest.raises(pgerr.InsufficientPrivilege, match="вне видимой вам части"):
            conn.execute("update event_participants set contact_id = %s where id = %s",
                         (school.contact_b, pid))
        # The invoice must be a document of the participant's own client.
        with pytest.raises(pgerr.ForeignKeyViolation):
            conn.execute("update event_participants set invoice_id = %s where id = %s",
                         (school.hidden_invoice, pid))
    with office.superuser() as su:
        assert su.execute("select count(*) from event_participants where event_id = %s "
                          "and contact_id = %s", (school.event, school.contact_b)
                          ).fetchone() == (1,)  # only the one made by the owner
    # From the program: the hidden contact is reported as unavailable, the other written.
    with office.superuser() as su:
        su.execute("delete from event_participants where id = %s", (pid,))
    base = office.open_as("a")
    try:
        result = pt.register_contacts(base, school.event,
                                      [school.contact_a2, school.contact_b],
                                      office.ids["a"])
        assert (result.added, result.unavailable) == (1, 1)
        assert "недоступны" in result.summary
    finally:
        base.close()


def test_events_and_norms_need_the_right_even_from_psql(office: Office) -> None:
    school = _school(office)
    with office.psql("a") as conn:  # a manager: no «Учебный центр»
        assert conn.execute("select theme from education_events where id = %s",
                            (school.event,)).fetchone() == (f"Семинар {school.tag}",)
        for sql, args in (
                (NEW_EVENT, (f"Мой {school.tag}", None, None)),
                ("update education_events set price = 0 where id = %s", (school.event,)),
                ("delete from education_events where id = %s", (school.event,)),
                (NEW_NORM, (f"Должность {school.tag}",)),
                ("update training_norms set trainings_per_year = 9", ()),
                ("delete from training_norms", ())):
            with pytest.raises(pgerr.InsufficientPrivilege, match="Учебный центр"):
                conn.execute(sql, args)
        with pytest.raises(pgerr.InsufficientPrivilege):
            conn.execute("truncate education_events")
    with office.superuser() as su:
        assert su.execute("select price from education_events where id = %s",
                          (school.event,)).fetchone()[0] == 1000
    base = office.open_as("a")
    try:
        profile = access.load_profile(base, office.ids["a"])
        data = EventData(EventKind.SEMINAR, "Запрещённый", datetime(2027, 1, 1, tzinfo=UTC))
        with pytest.raises(AccessDenied, match="Нет права «Учебный центр»"):
            save_event(base, data, office.ids["a"], profile=profile)
        with pytest.raises(AccessDenied, match="Учебный центр"):
            save_event(base, data, office.ids["a"])  # the server refuses it as well
        with pytest.raises(AccessDenied, match="Учебный центр"):
            save_norm(base, client_id=None, position="Юрист", trainings_per_year=1,
                      employee_id=office.ids["a"])
    finally:
        base.close()
    base = office.open_as("head")
    try:
        event_id = save_event(base, EventData(EventKind.WEBINAR, f"Вебинар {school.tag}",
                                              datetime(2027, 1, 1, tzinfo=UTC),
                                              link="https://x.example"), office.ids["head"])
        assert event_id > 0
    finally:
        base.close()


def test_authors_are_the_login(office: Office) -> None:
    school = _school(office)
    with office.psql("head") as conn:
        eid, author, editor = conn.execute(NEW_EVENT, (f"Глава {school.tag}", office.ids["a"],
                                                       office.ids["b"])).fetchone()
        assert (author, editor) == (office.ids["head"], office.ids["head"])
        with pytest.raises(pgerr.InsufficientPrivilege, match="Автора записи не меняют"):
            conn.execute("update education_events set created_by_id = %s where id = %s",
                         (office.ids["a"], eid))
        conn.execute("update education_events set theme = 'Новая', updated_by_id = %s "
                     "where id = %s", (office.ids["b"], eid))
        assert conn.execute("select updated_by_id from education_events where id = %s",
                            (eid,)).fetchone() == (office.ids["head"],)
    with office.psql("a") as conn:
        pid, _client, author = conn.execute(NEW_PARTICIPANT, (
            school.event, school.contact_a2, school.client_a, office.ids["b"],
            office.ids["b"])).fetchone()
        assert author == office.ids["a"]
        conn.execute("update event_participants set certificate_number = 7, "
                     "certificate_handed_at = now(), certificate_handed_by_id = %s, "
                     "updated_by_id = %s where id = %s",
                     (office.ids["b"], office.ids["b"], pid))
        assert conn.execute("select certificate_handed_by_id, updated_by_id from "
                            "event_participants where id = %s", (pid,)).fetchone() == (
            office.ids["a"], office.ids["a"])
        with pytest.raises(pgerr.InsufficientPrivilege, match="Автора записи не меняют"):
            conn.execute("update event_participants set registered_by_id = %s where id = %s",
                         (office.ids["b"], pid))
    with office.superuser() as su:
        logged = {(r[0], r[1]) for r in su.execute(
            "select field, employee_id from change_log where table_name = "
            "'event_participants' and row_id = %s", (pid,))}
        assert ("certificate_number", office.ids["a"]) in logged
        assert su.execute("select count(*) from change_log where table_name = "
                          "'event_participants' and row_id = %s and client_id = %s",
                          (pid, school.client_a)).fetchone()[0] >= 1
