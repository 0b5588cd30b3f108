"""The list of bases: add a file base and a server base, test the connection."""

from __future__ import annotations

import pytest

from vostok_desktop.db import BaseKind, BaseLocation
from vostok_desktop.gui.connection_dialog import ConnectionDialog, ServerBaseDialog
from vostok_desktop.services.common import credentials
from vostok_desktop.settings import Settings


def test_add_file_base_and_test_connection(qtbot, tmp_path) -> None:
    settings = Settings()
    dialog = ConnectionDialog(settings)
    qtbot.addWidget(dialog)
    dialog.add_known("Моя база", BaseLocation.file(tmp_path / "mine.sqlite"))
    assert dialog.list.count() == 1
    dialog.test_selected()
    assert "Соединение установлено: SQLite" in dialog.status_label.text()
    assert Settings.load().known_bases[0].name == "Моя база"  # saved at once


@pytest.mark.postgresql
def test_server_base_with_own_login_password_saved_in_keyring(qtbot, pg_cluster,
                                                               memory_keyring) -> None:
    pg_cluster.psql("CREATE ROLE petrova LOGIN PASSWORD 'Пароль-123'")
    pg_cluster.create_database("office_ric", owner="petrova")
    dialog = ServerBaseDialog()
    qtbot.addWidget(dialog)
    dialog.host_edit.setText("127.0.0.1")
    dialog.port_spin.setValue(pg_cluster.port)
    dialog.database_edit.setText("office_ric")
    dialog.login_edit.setText("petrova")
    dialog.password_edit.setText("неверный")
    assert dialog.test() is False
    assert "неверный логин или пароль" in dialog.result_label.text()
    dialog.password_edit.setText("Пароль-123")
    assert dialog.test() is True
    assert "Соединение установлено: PostgreSQL" in dialog.result_label.text()
    dialog.accept()
    location = dialog.location()
    assert location.kind is BaseKind.SERVER and location.login == "petrova"
    assert credentials.load_password(location.url, "petrova") == "Пароль-123"
    assert "Пароль-123" not in location.url


def test_server_dialog_names_missing_fields(qtbot) -> None:
    dialog = ServerBaseDialog()
    qtbot.addWidget(dialog)
    dialog.login_edit.setText("")
    assert dialog.test() is False
    assert "Логин" in dialog.result_label.text()


def _fill_new_server(dialog, cluster, database: str, login: str) -> None:  # noqa: ANN001
    dialog.host_edit.setText("127.0.0.1")
    dialog.port_spin.setValue(cluster.port)
    dialog.database_edit.setText(database)
    dialog.superuser_edit.setText(cluster.superuser)
    dialog.superuser_password_edit.setText(cluster.password)
    dialog.admin_full_name_edit.setText("Смирнова Анна Петровна")
    dialog.admin_login_edit.setText(login)
    dialog.admin_password_edit.setText("Админ-пароль-1")
    dialog.admin_repeat_edit.setText("Админ-пароль-1")


@pytest.mark.postgresql
def test_create_a_server_base_from_the_list_of_bases(qtbot, pg_cluster, memory_keyring,
                                                     monkeypatch) -> None:
    from vostok_desktop.db import open_base
    from vostok_desktop.gui.create_server_dialog import CreateServerBaseDialog

    settings = Settings()
    bases = ConnectionDialog(settings)
    qtbot.addWidget(bases)
    made: list[CreateServerBaseDialog] = []

    def run_dialog(dialog: CreateServerBaseDialog) -> int:
        made.append(dialog)
        _fill_new_server(dialog, pg_cluster, "office_new", "smirnova")
        dialog.admin_repeat_edit.setText("другой-пароль")
        dialog.create()  # a typo in the repeated password: said, nothing is made
        assert "не совпадают" in dialog.result_label.text()
        dialog.admin_repeat_edit.setText("Админ-пароль-1")
        dialog.create()
        qtbot.waitUntil(lambda: dialog.created is not None, timeout=60_000)
        return 1

    monkeypatch.setattr(CreateServerBaseDialog, "exec", run_dialog)
    try:
        bases.create_server_button.click()
        dialog = made[0]
        assert dialog.superuser_password_edit.text() == ""  # used once, kept nowhere
        entry = settings.known_bases[-1]
        assert entry.location.login == "smirnova" and entry.location.kind is BaseKind.SERVER
        assert "Войдите как «smirnova»" in bases.status_label.text()
        assert credentials.load_password(entry.location.url, "smirnova") == "Админ-пароль-1"
        assert pg_cluster.password not in repr(Settings.load().known_bases)
        open_base(entry.location, "Админ-пароль-1").close()  # the administrator's own login
    finally:
        pg_cluster.drop_database("office_new")
        pg_cluster.psql('DROP ROLE IF EXISTS "smirnova"')


@pytest.mark.postgresql
def test_a_refused_creation_keeps_the_dialog_and_what_was_typed(qtbot, pg_cluster) -> None:
    from vostok_desktop.gui.create_server_dialog import CreateServerBaseDialog

    pg_cluster.create_database("office_taken")
    try:
        dialog = CreateServerBaseDialog()
        qtbot.addWidget(dialog)
        dialog.remember_check.setChecked(False)
        _fill_new_server(dialog, pg_cluster, "office_taken", "ivanova")
        dialog.create()
        qtbot.waitUntil(lambda: "уже есть" in dialog.result_label.text(), timeout=30_000)
        assert dialog.created is None and dialog.create_button.isEnabled()
        assert dialog.admin_full_name_edit.text() == "Смирнова Анна Петровна"
        assert not dialog.admin_login_edit.isReadOnly()
    finally:
        pg_cluster.drop_database("office_taken")
