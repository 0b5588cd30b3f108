"""Saved filters and colour rules in the base: own (private) and shared, on both dialects."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from vostok_desktop.domain import ChangeLog, Employee
from vostok_desktop.domain.access import Visibility
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.lists.filters import ColourRule, Condition, FilterGroup, Operator
from vostok_desktop.services.reference import list_settings as ls
from vostok_desktop.services.reference.common import Editor, ReferenceDataError

MANAGER = AccessProfile(frozenset({"client.edit"}), Visibility.DEPARTMENT, "manager")
HEAD = AccessProfile(frozenset({"client.edit", "reference.edit"}), Visibility.ALL, "head")
SERVED = FilterGroup((Condition("status", Operator.EQ, "served"),))
NOVOSIB = FilterGroup((Condition("region", Operator.CONTAINS, "Новосиб"),))


@pytest.fixture
def people(empty_base):  # noqa: ANN201
    with empty_base.sessions.begin() as s:
        rows = [Employee(login=n, full_name=t) for n, t in
                (("anna", "Анна"), ("boris", "Борис"), ("vera", "Вера"))]
        s.add_all(rows)
        s.flush()
        ids = [r.id for r in rows]
    return (Editor(ids[0], MANAGER), Editor(ids[1], MANAGER), Editor(ids[2], HEAD))


def test_own_filters_are_private_and_replaced_as_a_set(empty_base, people) -> None:
    anna, boris, _vera = people
    assert ls.supported(empty_base.engine)
    with empty_base.sessions.begin() as s:
        ls.save_own_filters(s, anna, "clients", {"Мои обслуживаемые": SERVED,
                                                 "Новосибирск": NOVOSIB})
    with empty_base.sessions.begin() as s:
        ls.save_own_filters(s, anna, "clients", {"Новосибирск": SERVED})
    with empty_base.sessions() as s:
        assert ls.load_filters(s, anna, "clients").own == {"Новосибирск": SERVED}
        assert ls.load_filters(s, boris, "clients").own == {}
        assert ls.load_filters(s, anna, "contacts").own == {}
        # private filters are nobody else's business: not in the change log
        assert s.scalar(select(func.count()).select_from(ChangeLog)
                        .where(ChangeLog.table_name == ls.TABLE)) == 0


def test_a_shared_filter_is_changed_by_its_owner_or_with_the_right(empty_base, people) -> None:
    anna, boris, vera = people
    with empty_base.sessions.begin() as s:
        ls.save_shared_filter(s, anna, "clients", "Обслуживаемые", SERVED)
    with empty_base.sessions() as s:
        seen = ls.load_filters(s, boris, "clients").shared["Обслуживаемые"]
        assert (seen.group, seen.owner_name, seen.editable) == (SERVED, "Анна", False)
        assert ls.load_filters(s, anna, "clients").shared["Обслуживаемые"].editable
    with empty_base.sessions.begin() as s:
        with pytest.raises(ReferenceDataError, match="сохранил другой сотрудник"):
            ls.save_shared_filter(s, boris, "clients", "Обслуживаемые", NOVOSIB)
        with pytest.raises(ReferenceDataError, match="удаляет его автор"):
            ls.delete_shared_filter(s, boris, "clients", "Обслуживаемые")
    with empty_base.sessions.begin() as s:
        ls.save_shared_filter(s, vera, "clients", "Обслуживаемые", NOVOSIB)  # the right
    with empty_base.sessions() as s:
        assert ls.load_filters(s, boris, "clients").shared["Обслуживаемые"].group == NOVOSIB
        logged = s.scalar(select(func.count()).select_from(ChangeLog)
                          .where(ChangeLog.table_name == ls.TABLE))
    assert logged >= 2  # shared filters are logged
    with empty_base.sessions.begin() as s:
        ls.delete_shared_filter(s, anna, "clients", "Обслуживаемые")
    with empty_base.sessions() as s:
        assert ls.load_filters(s, vera, "clients").shared == {}


def test_colour_rules_own_over_shared_and_shared_need_the_right(empty_base, people) -> None:
    anna, boris, vera = people
    grey = [ColourRule("Отключённые", FilterGroup((Condition("status", Operator.EQ,
                                                              "disconnected"),)), "#e4e4e4")]
    pink = [ColourRule("VIP", NOVOSIB, "#ffd0e0")]
    with empty_base.sessions.begin() as s:
        with pytest.raises(AccessDenied, match="Справочники"):
            ls.save_shared_colour_rules(s, anna, "clients", pink)
    with empty_base.sessions.begin() as s:
        ls.save_shared_colour_rules(s, vera, "clients", pink)
        ls.save_own_colour_rules(s, anna, "clients", grey)
    with empty_base.sessions() as s:
        mine = ls.load_colour_rule_sets(s, anna, "clients")
        theirs = ls.load_colour_rule_sets(s, boris, "clients")
    assert (mine.own, mine.shared) == (grey, pink)
    assert (theirs.own, theirs.shared, theirs.shared_editable) == (None, pink, False)
    with empty_base.sessions.begin() as s:
        ls.save_own_colour_rules(s, anna, "clients", None)
    with empty_base.sessions() as s:
        assert ls.load_colour_rule_sets(s, anna, "clients").own is None
