"""Contact list search: ФИО words in any order as prefixes, filters, paging — both dialects."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from vostok_desktop.domain import ChangeLog, Contact, Email, Employee, Phone
from vostok_desktop.services.lists import contact_search as ct


def _all_ids(search: ct.ContactSearch, query: ct.ContactQuery, page: int = 53) -> list[int]:
    ids: list[int] = []
    key = None
    while rows := search.page_after(query, key, page):
        ids += [r["id"] for r in rows]
        key = rows[-1]["_key"]
    return ids


def _contact(base, offset: int = 5) -> Contact:  # noqa: ANN001
    with base.sessions() as session:
        return session.scalars(select(Contact).where(Contact.first_name != "")
                               .order_by(Contact.id).offset(offset).limit(1)).one()


def test_fio_words_any_order_each_a_prefix(demo_base) -> None:
    contact = _contact(demo_base)
    search = ct.ContactSearch(demo_base)
    text = f"{contact.first_name[:2].upper()} {contact.last_name[:2]}"
    found = _all_ids(search, ct.ContactQuery(text=text))
    assert contact.id in found
    with demo_base.sessions() as session:
        names = session.scalars(select(Contact.search_name).where(Contact.id.in_(found))).all()
    first, last = contact.first_name[:2].lower(), contact.last_name[:2].lower()
    for name in names:
        words = name.split()
        assert any(w.startswith(first) for w in words) and any(w.startswith(last) for w in words)
    # A piece from the middle of a word is not a prefix: «ванов» does not find «Иванов».
    inner = contact.last_name[1:4].lower()
    inner_found = _all_ids(search, ct.ContactQuery(text=inner))
    with demo_base.sessions() as session:
        inner_names = session.scalars(select(Contact.search_name)
                                      .where(Contact.id.in_(inner_found))).all()
    assert all(any(w.startswith(inner) for w in n.split()) for n in inner_names)


def test_phone_search_and_presets(demo_base) -> None:
    search = ct.ContactSearch(demo_base)
    with demo_base.sessions() as session:
        phone = session.scalars(select(Phone).where(Phone.contact_id.is_not(None))
                                .order_by(Phone.id).limit(1)).one()
        with_email = set(session.scalars(select(Email.contact_id)
                                         .where(Email.contact_id.is_not(None))))
        with_phone = set(session.scalars(select(Phone.contact_id)
                                         .where(Phone.contact_id.is_not(None))))
    d = phone.digits
    assert phone.contact_id in _all_ids(search, ct.ContactQuery(text="8" + d[1:]))
    no_phone = _all_ids(search, ct.ContactQuery(preset=ct.ContactPreset.NO_PHONE))
    assert no_phone and not set(no_phone) & with_phone
    no_email = _all_ids(search, ct.ContactQuery(preset=ct.ContactPreset.NO_EMAIL))
    assert not set(no_email) & with_email


def test_birthday_presets(demo_base) -> None:
    contact = _contact(demo_base, 9)
    today = date(2026, 3, 4)  # a Wednesday
    with demo_base.engine.begin() as conn:
        conn.execute(update(Contact).where(Contact.id == contact.id)
                     .values(birthday=date(1980, 3, 8), birthday_mmdd=308))
    search = ct.ContactSearch(demo_base)
    week = _all_ids(search, ct.ContactQuery(preset=ct.ContactPreset.BIRTHDAY_WEEK, today=today))
    month = _all_ids(search, ct.ContactQuery(preset=ct.ContactPreset.BIRTHDAY_MONTH,
                                             today=today))
    assert contact.id in week and contact.id in month
    assert set(week) <= set(month)
    assert ct.week_mmdd(today) == [302, 303, 304, 305, 306, 307, 308]
    assert ct.week_mmdd(date(2026, 12, 31))[-3:] == [101, 102, 103]


def test_client_filter_and_keyset_matches_plain_order(demo_base) -> None:
    search = ct.ContactSearch(demo_base)
    for sort in ct.ContactSort:
        query = ct.ContactQuery(sort=sort, descending=sort is ct.ContactSort.POSITION)
        expr = ct.sort_expression(sort)
        by = [expr.desc(), Contact.id.desc()] if query.descending else [expr, Contact.id]
        with demo_base.engine.connect() as conn:
            plain = list(conn.scalars(select(Contact.id).where(*ct.where_clauses(query))
                                      .order_by(*by)))
        assert _all_ids(search, query) == plain
        anchors = search.anchors(query, 50)
        n = len(plain) - 3
        assert search.rows_from(query, anchors[n // 50], 50)[n % 50]["id"] == plain[n]
    contact = _contact(demo_base)
    ids = _all_ids(search, ct.ContactQuery(client_ids=(contact.client_id,)))
    with demo_base.sessions() as session:
        expected = set(session.scalars(select(Contact.id)
                                       .where(Contact.client_id == contact.client_id)))
    assert set(ids) == expected
    assert search.count(ct.ContactQuery(client_ids=(contact.client_id,))) == len(expected)


def test_favourites_stop_list_and_email(demo_base) -> None:
    search = ct.ContactSearch(demo_base)
    with demo_base.sessions() as session:
        me = session.scalars(select(Employee.id).order_by(Employee.id)).first()
        emailed = session.scalars(select(Email.contact_id).where(Email.contact_id.is_not(None))
                                  .order_by(Email.id).limit(2)).all()
    ids = _all_ids(search, ct.ContactQuery())[:4]
    assert ct.set_favourite(demo_base, ids, me) is True
    favs = _all_ids(search, ct.ContactQuery(preset=ct.ContactPreset.FAVOURITES, employee_id=me))
    assert set(favs) >= set(ids)
    assert ct.set_favourite(demo_base, ids, me) is False
    assert not set(ids) & set(_all_ids(search, ct.ContactQuery(
        preset=ct.ContactPreset.FAVOURITES, employee_id=me)))
    assert ct.set_stop_list(demo_base, ids[:2], True, me) == ids[:2]
    assert set(_all_ids(search, ct.ContactQuery(preset=ct.ContactPreset.STOP_LIST))) >= \
        set(ids[:2])
    with demo_base.sessions() as session:
        log = session.scalars(select(ChangeLog).where(ChangeLog.table_name == "contacts",
                                                      ChangeLog.field == "stop_list")).all()
    assert {r.row_id for r in log} == set(ids[:2])
    assert all(r.client_id is not None and r.new_value == "да" for r in log)
    assert len(ct.emails_of(demo_base, list(emailed))) == len(set(emailed))
