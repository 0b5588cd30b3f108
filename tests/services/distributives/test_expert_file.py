"""expcons.txt (ЗВЭ) on both dialects: only the flagged kits with distributives in
service, the built-in format, a РИЦ's own writer plugin winning over the built-in one,
the atomic write (no half file), and the right «ЗВЭ/КЦ файлы» (the program's check and,
on a server base, the server's)."""

from __future__ import annotations

import os
import uuid
from datetime import date
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.db import BaseLocation, open_base
from vostok_desktop.domain import Client, EmployeeRole
from vostok_desktop.domain.validators import inn_check_digits
from vostok_desktop.plugins import ENTRY_POINT_GROUP, ExpertFileData, load_plugins
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile, Visibility
from vostok_desktop.services.distributives import expert_file, kits, movements, warehouse
from vostok_desktop.services.distributives.expert_file import DistributiveFileError

D1 = date(2021, 2, 1)
MADE_ON = date(2026, 3, 9)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder for the files (the SQLite base lives in tmp_path itself)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def set_inn(rig: Rig, client: str, prefix: str) -> str:
    inn = inn_check_digits(prefix)
    with rig.base.sessions() as s, s.begin():
        s.execute(update(Client).where(Client.id == rig.clients[client]).values(inn=inn))
    return inn


def flagged_office(rig: Rig) -> dict[str, int]:
    """Ромашка: a flagged kit with two served distributives and one disconnected, an
    unflagged kit with one; Василёк: a flagged kit with a demo copy only; Лютик: a
    flagged kit with nothing in service."""
    eng = rig.employees["engineer"]
    romashka, vasilek, lyutik = (rig.clients[k] for k in ("romashka", "vasilek", "lyutik"))
    main = kits.create_kit(rig.base, kits.KitData(romashka, "Главный офис", ask_expert=True),
                           eng)
    plain = kits.create_kit(rig.base, kits.KitData(romashka, "Склад клиента"), eng)
    demo_kit = kits.create_kit(rig.base, kits.KitData(vasilek, "Офис", ask_expert=True), eng)
    empty = kits.create_kit(rig.base, kits.KitData(lyutik, "Пустой", ask_expert=True), eng)
    a, b, c, d, e = rig.receive("500002", "500001", "500003", "500004", "500005")
    for number, kit in ((a, main), (b, main), (c, main), (d, plain)):
        movements.connect(rig.base, number, romashka, D1, eng, kit_id=kit, today=TODAY)
    movements.disconnect(rig.base, c, D1, eng, today=TODAY)
    warehouse.issue_demo(rig.base, e, vasilek, D1, date(2026, 4, 1), eng, kit_id=demo_kit,
                         today=TODAY)
    return {"main": main, "plain": plain, "demo": demo_kit, "empty": empty}


def test_expcons_lists_flagged_kits_with_their_distributives_in_service(
        rig: Rig, out: Path) -> None:
    office = flagged_office(rig)
    inn = set_inn(rig, "romashka", "540100001")
    writer = load_plugins().api.expert_file_writer()
    assert writer is not None and writer.id == "expcons_tsv_v1"

    written = expert_file.write_expert_file(rig.base, out, writer, company_code="054",
                                            company_name="РИЦ «Восток»", made_on=MADE_ON)
    assert written.path == out / "expcons.txt"
    raw = written.path.read_bytes()
    assert written.size == len(raw) and raw.endswith(b"\r\n")
    lines = raw.decode("utf-8").split("\r\n")[:-1]
    # Kits in the order of client name (Василёк before Ромашка), numbers ascending;
    # Василёк's demo copy counts as in service.
    assert lines == [
        "#EXPCONS\t1\t054\t2026-03-09\t2",
        "500005\t\tВасилёк\tОфис",
        f"500001,500002\t{inn}\tРомашка\tГлавный офис",
    ]
    assert (written.kits, written.distributives) == (2, 3)
    # The unflagged kit and the disconnected distributive stay out; the flagged kit
    # with nothing in service is named, the client without an INN is warned about.
    assert "500004" not in raw.decode() and "500003" not in raw.decode()
    assert written.skipped == ["«Лютик», комплект «Пустой»: нет дистрибутивов на "
                               "обслуживании — в файл не попал"]
    assert written.warnings == ["«Василёк»: не указан ИНН (комплект «Офис» записан без ИНН)"]

    # Switching the flag off takes the kit out of the next file.
    kits.set_ask_expert(rig.base, [office["demo"]], False, rig.employees["engineer"])
    again = expert_file.write_expert_file(rig.base, out / "expcons.txt", writer,
                                          company_code="054", made_on=MADE_ON)
    assert again.kits == 1
    assert (out / "expcons.txt").read_text("utf-8").splitlines()[0].endswith("\t1")


def test_without_the_ric_code_the_file_is_refused(rig: Rig, out: Path) -> None:
    flagged_office(rig)
    writer = load_plugins().api.expert_file_writer()
    with pytest.raises(DistributiveFileError, match="Не указан код РИЦ"):
        expert_file.write_expert_file(rig.base, out, writer, company_code="  ")
    assert list(out.iterdir()) == []


class RicOwnWriter:
    """A РИЦ's own format: «номер;ИНН» per distributive."""

    id = "ric_semicolon"
    title = "Формат нашего РИЦ"

    def file_name(self, data: ExpertFileData) -> str:
        return "expcons.txt"

    def render(self, data: ExpertFileData) -> bytes:
        return "".join(f"{n};{k.client_inn}\n" for k in data.kits
                       for n in k.distributive_numbers).encode("cp1251")


class RicPlugin:
    @staticmethod
    def register(api) -> None:  # noqa: ANN001
        api.add_expert_file_writer(RicOwnWriter())


class BrokenWriter:
    """A writer that fails in the middle of its work."""

    id = "broken"
    title = "Сломанный"

    def file_name(self, data: ExpertFileData) -> str:
        return "expcons.txt"

    def render(self, data: ExpertFileData) -> bytes:
        raise ValueError("Модуль записи не смог сформировать файл")


def _entry_points(*extra: tuple[str, str]) -> list[EntryPoint]:
    builtin = EntryPoint("rc_files", "vostok_rc_files", ENTRY_POINT_GROUP)
    own = [EntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in extra]
    return sorted([builtin, *own], key=lambda ep: ep.name)


@pytest.mark.parametrize("plugin_name", ["a_ric", "z_ric"])  # before and after rc_files
def test_a_rics_own_writer_replaces_the_builtin_one(rig: Rig, out: Path,
                                                    plugin_name: str) -> None:
    flagged_office(rig)
    inn = set_inn(rig, "romashka", "540100001")
    registry = load_plugins(_entry_points(
        (plugin_name, f"{__name__}:RicPlugin")))
    assert registry.errors == []
    assert set(registry.api.expert_file_writers) == {"expcons_tsv_v1", "ric_semicolon"}
    writer = registry.api.expert_file_writer()
    assert writer.id == "ric_semicolon"
    # The one the user chose last time still wins when it is there.
    assert registry.api.expert_file_writer("expcons_tsv_v1").id == "expcons_tsv_v1"
    assert registry.api.expert_file_writer("gone").id == "ric_semicolon"

    expert_file.write_expert_file(rig.base, out, writer, company_code="054",
                                  made_on=MADE_ON)
    assert (out / "expcons.txt").read_text("cp1251") == \
        f"500005;\n500001;{inn}\n500002;{inn}\n"


def test_a_failing_render_leaves_the_old_file_whole(rig: Rig, out: Path) -> None:
    flagged_office(rig)
    target = out / "expcons.txt"
    target.write_bytes(b"old file\r\n")
    with pytest.raises(DistributiveFileError, match="не смог сформировать"):
        expert_file.write_expert_file(rig.base, out, BrokenWriter(),
                                      company_code="054")
    assert target.read_bytes() == b"old file\r\n"
    assert sorted(p.name for p in out.iterdir()) == ["expcons.txt"]


class CrashingWriter(BrokenWriter):
    """A РИЦ's plugin with a bug: not a ValueError, not even bytes."""

    id = "crashing"
    title = "Формат с ошибкой"

    def render(self, data: ExpertFileData) -> bytes:
        return {"kits": len(data.kits)}["distributives"]


class TextWriter(BrokenWriter):
    id = "text"
    title = "Формат без кодировки"

    def render(self, data: ExpertFileData) -> bytes:
        return "expcons"  # type: ignore[return-value] - str, not bytes


@pytest.mark.parametrize(("writer", "message"), [
    (CrashingWriter(), "Модуль записи «Формат с ошибкой» не сформировал файл: "
                       "KeyError: 'distributives'"),
    (TextWriter(), "Модуль записи «Формат без кодировки» вернул не файл"),
])
def test_a_plugins_bug_is_named_and_leaves_the_old_file(rig: Rig, out: Path, writer,  # noqa: ANN001
                                                        message: str) -> None:
    flagged_office(rig)
    target = out / "expcons.txt"
    target.write_bytes(b"old file\r\n")
    with pytest.raises(DistributiveFileError) as refused:
        expert_file.write_expert_file(rig.base, out, writer, company_code="054")
    assert str(refused.value).startswith(message)
    assert target.read_bytes() == b"old file\r\n"
    assert sorted(p.name for p in out.iterdir()) == ["expcons.txt"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_file_is_readable_by_others_and_keeps_its_mode(rig: Rig, out: Path) -> None:
    flagged_office(rig)
    writer = load_plugins().api.expert_file_writer()
    target = out / "expcons.txt"
    expert_file.write_expert_file(rig.base, out, writer, company_code="054")
    assert target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o664)
    expert_file.write_expert_file(rig.base, out, writer, company_code="054")
    assert target.stat().st_mode & 0o777 == 0o664


def test_a_failing_write_leaves_no_half_file(rig: Rig, out: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    flagged_office(rig)
    target = out / "expcons.txt"
    target.write_bytes(b"old file\r\n")
    writer = load_plugins().api.expert_file_writer()

    def disk_full(_src, _dst) -> None:  # noqa: ANN001 - the rename fails as on a full disk
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(DistributiveFileError, match="не записан: No space left"):
        expert_file.write_expert_file(rig.base, target, writer, company_code="054")
    assert target.read_bytes() == b"old file\r\n"
    assert sorted(p.name for p in out.iterdir()) == ["expcons.txt"]


def test_a_missing_folder_is_named(rig: Rig, out: Path) -> None:
    writer = load_plugins().api.expert_file_writer()
    with pytest.raises(DistributiveFileError, match="Папка .*nowhere.* не существует"):
        expert_file.write_expert_file(rig.base, out / "nowhere" / "expcons.txt",
                                      writer, company_code="054")


def test_the_files_right_is_checked_by_the_program(rig: Rig, out: Path) -> None:
    flagged_office(rig)
    manager = AccessProfile(frozenset({"distributives.move"}), Visibility.ALL, "manager")
    writer = load_plugins().api.expert_file_writer()
    with pytest.raises(AccessDenied, match="Нет права «ЗВЭ/КЦ файлы»"):
        expert_file.write_expert_file(rig.base, out, writer, company_code="054",
                                      profile=manager)
    assert list(out.iterdir()) == []


def test_the_server_refuses_the_file_to_a_login_without_the_right(
        rig: Rig, out: Path) -> None:
    if rig.base.engine.dialect.name != "postgresql":
        pytest.skip("the server's own check exists on a server base only")
    flagged_office(rig)
    login = f"m{uuid.uuid4().hex[:8]}"
    password = "секрет-пароль-1"
    access.create_account(rig.base, login=login, full_name="Менеджеров Михаил",
                          role=EmployeeRole.MANAGER, department_id=None, password=password)
    url = rig.base.engine.url.set(username=login, password=None)
    own = open_base(BaseLocation.parse(url.render_as_string(hide_password=False)), password)
    try:
        writer = load_plugins().api.expert_file_writer()
        # No profile: nothing in the program stops it, the server does.
        with pytest.raises(AccessDenied, match="Нет права «ЗВЭ/КЦ файлы»"):
            expert_file.write_expert_file(own, out, writer, company_code="054")
    finally:
        own.close()
        with rig.base.engine.begin() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{login}"')
            conn.exec_driver_sql(f'DROP ROLE "{login}"')
    assert list(out.iterdir()) == []
