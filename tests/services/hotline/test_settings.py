"""The editable hot-line lists: deactivating types, ordering and removing stages, the
calendar's holidays and moved working days (both dialects)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.services.hotline.test_requests import draft, world  # noqa: F401 - the fixture
from vostok_desktop.domain.hotline import HotlineRequestType, SearchOrderStage
from vostok_desktop.services.hotline import calendar as hc
from vostok_desktop.services.hotline import requests as hl


def test_types_are_deactivated_not_deleted(world) -> None:  # noqa: ANN001, F811
    base, ids = world
    with base.sessions.begin() as s:
        hl.register_requests(s, draft(ids, type_id=ids["other"]))
    with base.sessions.begin() as s:
        assert hl.request_type_in_use(s, ids["other"])
        hl.set_request_type_active(s, ids["other"], False)
    with base.sessions() as s:
        assert "other" not in [t.code for t in hl.request_types(s)]
        assert "other" in [t.code for t in hl.request_types(s, active_only=False)]
        assert s.get(HotlineRequestType, ids["other"]) is not None
    with base.sessions.begin() as s, pytest.raises(hl.RequestError, match="последний"):
        for t in hl.request_types(s):
            hl.set_request_type_active(s, t.id, False)
    with base.sessions.begin() as s:
        hl.set_request_type_active(s, ids["other"], True)
        assert "other" in [t.code for t in hl.request_types(s)]


def test_stages_order_rename_and_remove(world) -> None:  # noqa: ANN001, F811
    base, ids = world
    with base.sessions.begin() as s:
        new = hl.save_stage(s, "Согласование")
        hl.move_stage(s, new, -1)
        names = [st.name for st in hl.stages(s)]
        assert names[-2] == "Согласование"
        hl.move_stage(s, new, -100)
        assert hl.stages(s)[0].name == "Согласование"
    with base.sessions.begin() as s, pytest.raises(hl.RequestError, match="уже есть"):
        hl.save_stage(s, "Принят")
    with base.sessions.begin() as s:  # unused: deleted
        hl.remove_stage(s, new)
        assert s.get(SearchOrderStage, new) is None
    with base.sessions.begin() as s:  # used by a search order: hidden, comes back by name
        (request_id,) = hl.register_requests(s, draft(ids, type_id=ids["search_order"]))
        first = hl.stages(s)[0]
        hl.remove_stage(s, first.id)
        assert first.name not in [st.name for st in hl.stages(s)]
        assert s.scalar(select(SearchOrderStage.id).where(SearchOrderStage.id == first.id))
        assert hl.save_stage(s, first.name) == first.id
        assert hl.stages(s)[-1].name == first.name


def test_calendar_exceptions_listed_and_removed(world) -> None:  # noqa: ANN001, F811
    base, _ids = world
    with base.sessions.begin() as s:
        hc.set_exceptions(s, [(date(2030, 6, 6), False, "Праздник"),
                              (date(2030, 6, 8), True, "Рабочая суббота")])
    with base.sessions() as s:
        days = hc.list_exceptions(s)
        assert [(d.day, d.is_working) for d in days] == [(date(2030, 6, 6), False),
                                                         (date(2030, 6, 8), True)]
        calendar = hc.load_calendar(s)
        assert not calendar.is_working_day(date(2030, 6, 6))
        assert calendar.is_working_day(date(2030, 6, 8))
    with base.sessions.begin() as s:
        hc.remove_exception(s, date(2030, 6, 6))
        hc.remove_exception(s, date(2030, 6, 7))  # not there: nothing happens
    with base.sessions() as s:
        assert [d.day for d in hc.list_exceptions(s)] == [date(2030, 6, 8)]
