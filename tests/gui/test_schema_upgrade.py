"""An administrator upgrades an outdated server base from the program: the dialog names the
versions, reminds to back up with the exact pg_dump command, asks for confirmation, runs
on a worker, and a failure is named and leaves the base as it was."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import Engine, event, inspect

from vostok_desktop.db import (
    BaseLocation,
    OpenedBase,
    alembic_config,
    head_revision,
    known_revisions,
    make_engine,
    open_base,
    schema_state,
    upgrade_base_schema,
)
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.schema_upgrade import SchemaUpgradeDialog, backup_command
from vostok_desktop.services.cards import clients as client_cards
from vostok_desktop.settings import Settings


def test_backup_command_names_this_base() -> None:
    location = BaseLocation.parse("postgresql://ivanov_ap@db.office.local:5433/vostok")
    assert backup_command(location, date(2025, 3, 7)) == (
        "pg_dump -Fc -h db.office.local -p 5433 -U ivanov_ap -f vostok-20250307.dump vostok")
    odd = BaseLocation.parse("postgresql://admin@server/офис база")
    assert backup_command(odd, date(2025, 3, 7)).endswith("-p 5432 -U admin -f "
                                                          "vostok-20250307.dump 'офис база'")


@pytest.fixture
def outdated(pg_cluster) -> Iterator[OpenedBase]:
    """A server base one revision behind the program, opened (read-only) by its owner."""
    from alembic import command

    name = f"u_{uuid.uuid4().hex[:10]}"
    pg_cluster.create_database(name)
    location = BaseLocation.parse(pg_cluster.url(name).render_as_string(hide_password=False))
    engine = make_engine(location, pg_cluster.password, statement_timeout_ms=None)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, known_revisions()[head_revision()])
    engine.dispose()
    base = open_base(location, pg_cluster.password)
    yield base
    base.close()
    pg_cluster.drop_database(name)


@pytest.fixture(autouse=True)
def _no_save_question(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


def plain(rich: str) -> str:
    """What a label shows, without its rich-text tags."""
    return re.sub(r"<[^>]+>", "", rich)


def _tables(base: OpenedBase) -> set[str]:
    with base.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


@pytest.mark.postgresql
def test_admin_upgrades_from_the_menu_after_the_backup_reminder(qtbot, outdated,
                                                                monkeypatch) -> None:
    previous = outdated.schema.current
    assert outdated.read_only and outdated.schema_behind
    window = build_main_window(outdated, Settings(), telephony=False)
    qtbot.addWidget(window)
    window.show()
    assert window.banner.isVisible() and "Схема базы устарела" in window.banner.text()
    action = window.context.actions.action("app.upgrade_schema")
    assert action.isEnabled() and action.text() == "Обновить схему базы…"
    seen: dict[str, object] = {}

    def run(dialog: SchemaUpgradeDialog) -> int:
        dialog.show()
        seen["versions"] = plain(dialog.versions_label.text())
        seen["backup"] = plain(dialog.backup_label.text())
        seen["command"] = dialog.command_edit.text()
        seen["upgrade_enabled_before_confirming"] = dialog.upgrade_button.isEnabled()
        dialog.copy_button.click()
        seen["clipboard"] = QGuiApplication.clipboard().text()
        dialog.grab().save("/tmp/schema_upgrade_dialog.png")
        dialog.backup_check.setChecked(True)
        dialog.upgrade_button.click()
        seen["busy"] = dialog.progress_bar.isVisible() and dialog.progress_bar.maximum() == 0
        qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
        return dialog.result()

    monkeypatch.setattr(SchemaUpgradeDialog, "exec", run)
    action.trigger()

    url = outdated.location.sa_url
    assert f"схема версии {previous}" in str(seen["versions"])
    assert f"нужна схема {head_revision()}" in str(seen["versions"])
    assert "резервную копию" in str(seen["backup"])
    assert seen["command"] == (f"pg_dump -Fc -h 127.0.0.1 -p {url.port} -U {url.username} "
                               f"-f vostok-{date.today():%Y%m%d}.dump {url.database}")
    assert seen["clipboard"] == seen["command"]
    assert seen["upgrade_enabled_before_confirming"] is False
    assert seen["busy"] is True
    # The open program writes again, without reopening the base.
    assert schema_state(outdated.engine).current == head_revision()
    assert not outdated.read_only and not outdated.schema_behind
    assert not window.banner.isVisible()
    assert "Схема базы обновлена" in window.statusBar().currentMessage()
    assert not action.isEnabled()
    data = client_cards.new_client()
    data.short_name = "ООО «После обновления»"
    assert client_cards.save_client(outdated, data, None).id is not None


@pytest.mark.postgresql
def test_failed_upgrade_is_named_and_leaves_the_base_as_it_was(qtbot, outdated) -> None:
    previous = outdated.schema.current
    tables_before = _tables(outdated)
    dialog = SchemaUpgradeDialog(outdated.location, outdated.engine.url.password,
                                 outdated.schema)
    qtbot.addWidget(dialog)
    dialog.show()

    def fail_at_the_end(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        # The migrations have run; the last step (recording the new version) fails.
        if statement.lstrip().upper().startswith("UPDATE ALEMBIC_VERSION"):
            raise RuntimeError("сервер прервал обновление")

    event.listen(Engine, "before_cursor_execute", fail_at_the_end)
    try:
        dialog.backup_check.setChecked(True)
        dialog.upgrade_button.click()
        qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
    finally:
        event.remove(Engine, "before_cursor_execute", fail_at_the_end)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.status_label.isVisible()
    message = dialog.status_label.text()
    assert message.startswith("Схема не обновлена")
    assert f"база осталась в версии {previous}" in message
    assert "сервер прервал обновление" in message
    assert not dialog.progress_bar.isVisible()
    assert dialog.upgrade_button.text() == "&Повторить" and dialog.upgrade_button.isEnabled()
    # Rolled back whole: the version and the tables are as before.
    assert schema_state(outdated.engine).current == previous
    assert _tables(outdated) == tables_before
    dialog.grab().save("/tmp/schema_upgrade_failed.png")
    # The same dialog tries again and succeeds.
    dialog.upgrade_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
    assert dialog.state is not None and dialog.state.current == head_revision()


@pytest.mark.postgresql
def test_administrator_is_offered_the_dialog_when_opening_an_outdated_base(
        qtbot, outdated, monkeypatch) -> None:
    from vostok_desktop.gui import app

    location = outdated.location
    password = outdated.engine.url.password
    outdated.close()
    shown: list[str] = []

    def decline(dialog: SchemaUpgradeDialog) -> int:
        shown.append(plain(dialog.versions_label.text()))
        return 0

    monkeypatch.setattr(SchemaUpgradeDialog, "exec", decline)
    monkeypatch.setattr("vostok_desktop.gui.connection_dialog.obtain_password",
                        lambda _location, _parent=None: password)
    base = app.open_location(location, Settings())
    try:
        assert shown and "нужна схема" in shown[0]
        assert base is not None and base.read_only  # declined: still read-only
    finally:
        base.close()


@pytest.mark.postgresql
def test_base_upgraded_by_another_administrator_is_written_again(qtbot, outdated) -> None:
    window = build_main_window(outdated, Settings(), telephony=False)
    qtbot.addWidget(window)
    window.show()
    assert outdated.read_only and window.banner.isVisible()
    upgrade_base_schema(outdated.location, outdated.engine.url.password)  # elsewhere
    with qtbot.waitSignal(window.connection_checked, timeout=20_000):
        window.check_connection()
    assert not outdated.read_only and not window.banner.isVisible()
    assert "изменения снова записываются" in window.statusBar().currentMessage()
    assert not window.context.actions.action("app.upgrade_schema").isEnabled()
    data = client_cards.new_client()
    data.short_name = "ООО «Снова пишем»"
    assert client_cards.save_client(outdated, data, None).id is not None
