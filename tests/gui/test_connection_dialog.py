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
