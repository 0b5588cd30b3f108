"""The ЗВЭ, КЦ request and registration-centre dialogs driven like a user on the demo
base: fill the fields, press the button, see the file written, the letter sent, the
differences listed and the movements applied. Each dialog is rendered to
<temp>/vostok-png/<name>.png (or $VOSTOK_PNG_DIR) to look at."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import tempfile
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from sqlalchemy import func, select

from tests.gui.distributives.conftest import type_text
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import (
    ChangeLog,
    Client,
    Distributive,
    DistributiveMovement,
    DistributiveStatus,
    Kit,
    ProductSystem,
    SystemKind,
)
from vostok_desktop.gui.app import build_main_window
from vostok_desktop.gui.distributives.expert_file_dialog import (
    RIGHT_MISSING,
    open_expert_file_dialog,
)
from vostok_desktop.gui.distributives.kc_request_dialog import open_kc_request_dialog
from vostok_desktop.gui.distributives.reconciliation_dialog import (
    open_reconciliation_dialog,
)
from vostok_desktop.services.access.rights import AccessProfile, Visibility
from vostok_desktop.services.distributives import expert_file, warehouse
from vostok_desktop.services.distributives import network_centre as kc
from vostok_desktop.services.documents import attachments, mail
from vostok_desktop.settings import Settings

S = DistributiveStatus
PNG = Path(os.environ.get("VOSTOK_PNG_DIR") or Path(tempfile.gettempdir()) / "vostok-png")


def shown(qtbot, dialog):  # noqa: ANN001, ANN201
    """The dialog as the user sees it: on top and active (keys go to it)."""
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def shot(widget, name: str) -> None:  # noqa: ANN001
    PNG.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(PNG / f"{name}.png"), "PNG")


@pytest.fixture
def window(qtbot, demo_base: OpenedBase, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(
            lambda *_a, **_k: QMessageBox.StandardButton.Ok))
    win = build_main_window(demo_base, Settings(), telephony=False)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


# ---------------------------------------------------------------------------- ЗВЭ


def test_expert_file_dialog_writes_expcons(qtbot, window, out: Path) -> None:  # noqa: ANN001
    ctx = window.context
    expected = expert_file.collect_expert_kits(ctx.base, company_code="054")
    assert expected.data.kits, "the demo base has flagged kits"
    dialog = shown(qtbot, open_expert_file_dialog(window, ctx))
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("Комплектов с флагом ЗВЭ"),
                    timeout=10000)
    assert f"Комплектов с флагом ЗВЭ: {len(expected.data.kits)}" in dialog.summary.text()
    dialog.code_edit.clear()
    qtbot.keyClicks(dialog.code_edit, "054")
    dialog.path_edit.clear()
    qtbot.keyClicks(dialog.path_edit, str(out / "expcons.txt"))
    shot(dialog, "expert_file")
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=10000)
    lines = (out / "expcons.txt").read_text("utf-8").splitlines()
    assert lines[0].startswith("#EXPCONS\t1\t054\t")
    assert lines[0].endswith(f"\t{len(expected.data.kits)}")
    assert len(lines) == len(expected.data.kits) + 1
    first = expected.data.kits[0]
    assert lines[1].split("\t")[0] == ",".join(first.distributive_numbers)
    assert dialog.summary.text().startswith(f"Файл записан: {out / 'expcons.txt'}")
    shot(dialog, "expert_file")
    # The code and the path are remembered for the next time.
    again = shown(qtbot, open_expert_file_dialog(window, ctx))
    assert (again.code_edit.text(), again.path_edit.text()) == \
        ("054", str(out / "expcons.txt"))


def test_expert_file_dialog_without_the_right(qtbot, window) -> None:  # noqa: ANN001
    ctx = window.context
    ctx.access = AccessProfile(frozenset({"distributives.move"}), Visibility.ALL, "manager")
    dialog = shown(qtbot, open_expert_file_dialog(window, ctx))
    assert not dialog.write_button.isEnabled()
    assert dialog.summary.text() == RIGHT_MISSING


# ---------------------------------------------------------------------------- КЦ


def _served_client_with_inn(base: OpenedBase) -> tuple[int, str, str]:
    with base.sessions() as s:
        row = s.execute(select(Client.id, Client.short_name, Client.inn).where(
            Client.inn.is_not(None), Client.inn != "",
            Client.marked_for_deletion.is_(False)).order_by(Client.id)).first()
    return row.id, row.short_name, row.inn


def _network_in_stock(base: OpenedBase) -> str:
    """A СВ distributive received on the warehouse today (the demo one may be empty)."""
    with base.sessions() as s:
        system = s.scalar(select(ProductSystem.id).where(
            ProductSystem.kind == SystemKind.NETWORK).order_by(ProductSystem.id))
    warehouse.receive(base, [warehouse.ReceiptLine("77700001", system)], date.today(), None)
    return "77700001"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        self.messages.append(envelope.content)
        return "250 OK"


def test_kc_request_dialog_saves_and_sends_the_request(qtbot, window, out: Path,  # noqa: ANN001
                                                       monkeypatch, memory_keyring) -> None:  # noqa: ANN001
    from aiosmtpd.controller import Controller

    ctx = window.context
    client_id, name, inn = _served_client_with_inn(ctx.base)
    number = _network_in_stock(ctx.base)
    attachments.add_attachment(ctx.base, client_id, "Дополнительное соглашение 3.pdf",
                               b"%PDF-1.4 amendment", None)
    attachments.add_attachment(ctx.base, client_id, "Фото офиса.jpg", b"\xff\xd8", None)
    dialog = shown(qtbot, open_kc_request_dialog(window, ctx))
    # The user types the INN and presses Enter: the client is found, the list filled.
    qtbot.keyClicks(dialog.client_edit, inn)
    qtbot.keyClick(dialog.client_edit, Qt.Key.Key_Return)
    assert dialog.client_id() == client_id
    assert dialog.isVisible() and dialog.sent is None  # Enter did not send
    # The card's contract files are ticked for the letter, the others are not.
    files = {dialog.files.item(i).text().split(" (")[0]: dialog.files.item(i).checkState()
             for i in range(dialog.files.count())}
    assert files["Дополнительное соглашение 3.pdf"] == Qt.CheckState.Checked
    assert files["Фото офиса.jpg"] == Qt.CheckState.Unchecked
    texts = [dialog.distributives.item(i).text() for i in range(dialog.distributives.count())]
    assert texts and all("сеть" in t for t in texts)
    qtbot.keyClicks(dialog.number_edit, number)
    assert dialog.distributives.count() == 1
    item = dialog.distributives.item(0)
    assert item.text().startswith(f"№ {number} — ") and item.text().endswith("на складе")
    item.setCheckState(Qt.CheckState.Checked)
    dialog.code_edit.setText("054")
    type_text(qtbot, dialog.note_edit, "к договору на сетевую версию")

    target = out / "kc.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a, **_k: (str(target), "")))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == f"Заявка сохранена: {target}"
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("#ЗАЯВКА_КЦ\t1\r\nВИД\tОТГРУЗКА\r\nРИЦ\t054\t")
    assert f"\r\nКЛИЕНТ\t{inn}\t" in text and f"\r\nД\t{number}\t" in text
    assert "ПРИМЕЧАНИЕ\tк договору на сетевую версию" in text

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mail.save_settings(mail.SmtpSettings(host="127.0.0.1", port=port, security="none",
                                             sender="ric@vostok.ru"))
        qtbot.keyClicks(dialog.address_edit, "kc@network.ru")
        shot(dialog, "kc_request")
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.sent is not None, timeout=20000)
    finally:
        controller.stop()
    assert dialog.status.text().startswith("Заявка отправлена: kc@network.ru")
    [raw] = inbox.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"].startswith(f"Заявка на отгрузку СВ/ЛСВ: {name}")
    names = [p.get_filename() for p in message.iter_attachments()]
    assert names == ["Дополнительное соглашение 3.pdf",
                     f"kc_shipment_{inn}_{date.today():%Y%m%d}.txt"]
    with ctx.base.sessions() as s:
        logged = s.scalars(select(ChangeLog.new_value).where(
            ChangeLog.field == kc.LOG_FIELD, ChangeLog.client_id == client_id)).all()
    assert len(logged) == 1 and f"({number})" in logged[0]
    assert "отправлена: kc@network.ru" in logged[0]
    shot(dialog, "kc_request")


def test_kc_request_dialog_names_what_does_not_fit(qtbot, window) -> None:  # noqa: ANN001
    ctx = window.context
    client_id, _name, _inn = _served_client_with_inn(ctx.base)
    dialog = shown(qtbot, open_kc_request_dialog(window, ctx, client_id))
    assert dialog.client_id() == client_id
    dialog.code_edit.setText("054")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Не выбрано ни одного дистрибутива для заявки"
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText("Передача"))
    assert dialog.distributives.count() > 0
    assert all("у «" in dialog.distributives.item(i).text()
               for i in range(dialog.distributives.count()))


# ---------------------------------------------------------------------------- РЦ


def _served(base: OpenedBase, count: int) -> list[tuple[int, str, str, date]]:
    with base.sessions() as s:
        return [tuple(r) for r in s.execute(
            select(Distributive.id, Distributive.number, Client.inn,
                   Distributive.last_moved_on)
            .join(Client, Client.id == Distributive.client_id)
            .where(Distributive.status == S.SERVED, Client.inn.is_not(None),
                   Client.inn != "")
            .order_by(Distributive.number).limit(count))]


def test_reconciliation_dialog_lists_and_applies_differences(qtbot, window,  # noqa: ANN001
                                                             out: Path) -> None:
    ctx = window.context
    (same_id, same, same_inn, _), (off_id, off, off_inn, off_moved) = _served(ctx.base, 2)
    with ctx.base.sessions() as s:
        movements_before = s.scalar(select(func.count()).select_from(DistributiveMovement))
    today = date.today()
    path = out / "registration.csv"
    path.write_text("\r\n".join([
        "Номер дистрибутива;ИНН клиента;Статус;Дата",
        f"{same};{same_inn};на обслуживании;01.01.2020",
        f"{off};{off_inn};отключён;{today:%d.%m.%Y}",
        f"99999999;{same_inn};на обслуживании;01.01.2020",
        "12345;1234567890;на обслуживании;01.01.2020",
    ]) + "\r\n", encoding="utf-8")
    assert off_moved <= today

    dialog = shown(qtbot, open_reconciliation_dialog(window, ctx))
    qtbot.keyClicks(dialog.path_edit, str(path))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    result = dialog.result
    rows = {dialog.table.item(r, 2).text(): r for r in range(dialog.table.rowCount())}
    assert same not in rows  # it matches
    assert dialog.table.item(rows[off], 1).text() == "Статус отличается"
    assert dialog.table.item(rows[off], 6).text() == "отключить"
    assert dialog.table.item(rows["99999999"], 1).text() == "Нет в базе"
    missing_there = result.count(rc_kind("MISSING_THERE"))
    assert missing_there > 0  # the demo base's other served distributives
    assert dialog.broken.toPlainText() == \
        "Строка 5: ИНН: неверная контрольная сумма («1234567890»)"
    assert "Нет в РЦ: " in dialog.summary.text()
    assert "Строк с ошибками: 1" in dialog.summary.text()
    assert not dialog.table.item(rows["99999999"], 0).flags() & \
        Qt.ItemFlag.ItemIsUserCheckable
    shot(dialog, "reconciliation")

    # The user ticks the one to disconnect (Space on its row) and applies it.
    dialog.table.setFocus()
    dialog.table.setCurrentCell(rows[off], 0)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert [d.number for d in dialog.chosen()] == [off]
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.applied), timeout=20000)
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("Применено расхождений: 1"),
                    timeout=20000)
    with ctx.base.sessions() as s:
        assert s.get(Distributive, off_id).status is S.DISCONNECTED
        assert s.get(Distributive, same_id).status is S.SERVED
        assert s.scalar(select(func.count()).select_from(DistributiveMovement)) == \
            movements_before + 1
    numbers = {dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())}
    assert off not in numbers and "99999999" in numbers
    shot(dialog, "reconciliation")


def rc_kind(name: str):  # noqa: ANN201
    from vostok_desktop.services.distributives.reconciliation import DifferenceKind

    return DifferenceKind[name]


def test_flagged_kits_exist_in_the_demo(window) -> None:  # noqa: ANN001
    with window.context.base.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Kit).where(
            Kit.ask_expert.is_(True))) > 0
