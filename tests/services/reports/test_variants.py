"""Saved report variants in the base, both dialects: a private variant is its owner's
alone, a shared one is seen by all and changed only by its author or with the right
«Справочники»; a variant comes back exactly as saved; a shared save is in the change log."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.services.reports.test_pivot import known  # noqa: F401 - the fixture
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ChangeLog
from vostok_desktop.domain.access import Visibility
from vostok_desktop.services.access.rights import AccessProfile
from vostok_desktop.services.reference.common import Editor, ReferenceDataError
from vostok_desktop.services.reports.periods import PeriodGrouping
from vostok_desktop.services.reports.pivot import Filter, PivotQuery
from vostok_desktop.services.reports.variants import delete_variant, load_variants, save_variant

NO_RIGHTS = AccessProfile(frozenset(), Visibility.ALL, None)
QUERY = PivotQuery(rows=("employee",), columns=("period",), measures=("count", "done"),
                   grouping=PeriodGrouping.QUARTER, period=(date(2026, 1, 1), date(2026, 6, 30)),
                   filters=(Filter("kind", ("call",)),))


def test_private_and_shared_variants(empty_base: OpenedBase,
                                     known: dict[str, int]) -> None:  # noqa: F811
    ivanov = Editor(known["ivanov"], NO_RIGHTS)
    petrov = Editor(known["petrov"], NO_RIGHTS)
    with empty_base.sessions() as s, s.begin():
        save_variant(s, ivanov, "client_contacts", "Мой", QUERY)
        save_variant(s, ivanov, "client_contacts", "Для всех", QUERY, shared=True)
        save_variant(s, ivanov, "assignments", "Другой отчёт", QUERY)
    with empty_base.sessions() as s:
        mine = load_variants(s, ivanov, "client_contacts")
        assert [(v.title, v.shared) for v in mine] == [("Мой", False), ("Для всех", True)]
        assert mine[0].query == QUERY
        theirs = load_variants(s, petrov, "client_contacts")
        assert [v.display for v in theirs] == ["Для всех (общий, Иванов И. И.)"]
        assert not theirs[0].may_change
        logged = s.scalars(select(ChangeLog.new_value).where(
            ChangeLog.table_name == "saved_list_settings")).all()
        assert any("Для всех" in (v or "") for v in logged)
    with empty_base.sessions() as s, s.begin(), pytest.raises(
            ReferenceDataError, match="сохранил другой сотрудник"):
        save_variant(s, petrov, "client_contacts", "Для всех", QUERY, shared=True)
    with empty_base.sessions() as s, s.begin(), pytest.raises(
            ReferenceDataError, match="удаляет его автор"):
        delete_variant(s, petrov, theirs[0].id)
    # With «Справочники» (no profile = every right) the shared variant may be replaced.
    with empty_base.sessions() as s, s.begin():
        save_variant(s, Editor(known["petrov"], None), "client_contacts", "Для всех",
                     PivotQuery(rows=("kind",), measures=("count",)), shared=True)
    with empty_base.sessions() as s:
        shared = load_variants(s, ivanov, "client_contacts")[1]
        assert shared.query.rows == ("kind",)
    with empty_base.sessions() as s, s.begin(), pytest.raises(
            ReferenceDataError, match="Укажите название варианта"):
        save_variant(s, ivanov, "client_contacts", "  ", QUERY)
