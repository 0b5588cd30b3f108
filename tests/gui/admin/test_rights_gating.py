"""Actions a login has no right to are greyed out, with the reason in the tooltip."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from vostok_desktop.db import BaseLocation, open_base
from vostok_desktop.domain import Employee, EmployeeRole
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.services.access import rights as access
from vostok_desktop.settings import Settings


def _window(qtbot, base, login: str):  # noqa: ANN001, ANN202
    window = build_main_window(base, Settings(file_base_login=login), telephony=False)
    qtbot.addWidget(window)
    return window


def _login_of(base, role: EmployeeRole) -> str:  # noqa: ANN001
    with base.sessions() as s:
        return s.scalars(select(Employee.login).where(Employee.role == role)
                         .order_by(Employee.id)).first()


FILE_BASE = pytest.mark.parametrize("dialect", ["sqlite"])  # a file base's chosen employee


@FILE_BASE
def test_a_manager_cannot_mark_for_deletion_but_may_export(qtbot, demo_base) -> None:
    window = _window(qtbot, demo_base, _login_of(demo_base, EmployeeRole.MANAGER))
    actions = window.context.actions
    delete = actions.action("clients.mark_deleted")
    assert not delete.isEnabled()
    assert "нет права «Пометка клиентов на удаление и удаление»" in delete.toolTip()
    assert actions.action("clients.export_excel").isEnabled()
    assert not actions.action("documents.templates").isEnabled()
    # A greyed-out action does nothing even when asked for by its id.
    actions.trigger("clients.mark_deleted")
    window.close()


@FILE_BASE
def test_rights_coming_back_enable_the_action_again(qtbot, demo_base) -> None:
    window = _window(qtbot, demo_base, _login_of(demo_base, EmployeeRole.SERVICE_ENGINEER))
    actions = window.context.actions
    assert not actions.action("clients.export_excel").isEnabled()
    actions.set_rights(frozenset({"export.excel"}))
    assert actions.action("clients.export_excel").isEnabled()
    assert "нет права" not in actions.action("clients.export_excel").toolTip()
    window.close()


@FILE_BASE
def test_the_administrator_has_everything(qtbot, demo_base) -> None:
    window = _window(qtbot, demo_base, _login_of(demo_base, EmployeeRole.ADMIN))
    actions = window.context.actions
    for action_id in ("clients.mark_deleted", "documents.templates", "clients.export_excel",
                      "documents.import_clients"):
        assert actions.action(action_id).isEnabled(), action_id
    window.close()


@pytest.mark.parametrize("dialect", ["postgresql"])
def test_a_server_login_gets_its_roles_rights(qtbot, demo_base) -> None:
    login = f"g{uuid.uuid4().hex[:8]}"
    access.create_account(demo_base, login=login, full_name="Сидоров Семён",
                          role=EmployeeRole.SERVICE_ENGINEER, department_id=None,
                          password="пароль-сидорова")
    url = demo_base.engine.url.set(username=login, password=None)
    base = open_base(BaseLocation.parse(url.render_as_string(hide_password=False)),
                     "пароль-сидорова")
    try:
        window = build_main_window(base, Settings(), telephony=False)
        qtbot.addWidget(window)
        actions = window.context.actions
        assert window.context.employee_name == "Сидоров Семён"
        assert not actions.action("clients.export_excel").isEnabled()
        assert not actions.action("clients.new").isEnabled()  # СИО: no client.create
        window.close()
    finally:
        base.close()
        with demo_base.engine.begin() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{login}"')
            conn.exec_driver_sql(f'DROP ROLE "{login}"')
