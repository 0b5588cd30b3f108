"""НСС monitoring on the server base as the office's own logins: a limited manager's
monitor lists exactly the clients he is responsible for, and another department's manager's
clients stay hidden from him (the rows come through his own connection); the head sees them."""

from __future__ import annotations

from datetime import date

import pytest

from tests.security.conftest import Office
from vostok_desktop.plugins import load_plugins
from vostok_desktop.services.demo.kpi import seed_kpi
from vostok_desktop.services.kpi import nss
from vostok_desktop.services.reports.catalogue import report_catalogue

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"])
NOV = date(2026, 11, 1)


def test_a_manager_sees_only_his_clients(office: Office) -> None:
    catalogue = report_catalogue(load_plugins())
    with office.admin_base.sessions() as s, s.begin():  # the 0008 downgrade dropped them
        seed_kpi(s, None)
    base = office.open_as("a")
    try:
        mine = nss.nss_monitor(base, catalogue, office.ids["a"], NOV)
        assert sorted(r.client_id for r in mine.rows) == sorted(office.clients["a"])
        assert [i.code for i in mine.items]  # the demo set «НСС»
        # Борисова's clients are in another department: not one of them shows.
        theirs = nss.nss_monitor(base, catalogue, office.ids["b"], NOV)
        assert theirs.rows == []
    finally:
        base.close()
    head = office.open_as("head")
    try:
        seen = nss.nss_monitor(head, catalogue, office.ids["b"], NOV)
        assert sorted(r.client_id for r in seen.rows) == sorted(office.clients["b"])
    finally:
        head.close()
