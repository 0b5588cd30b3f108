"""expcons.txt — access to «Задать вопрос эксперту» (ЗВЭ) for every kit with the flag.

No Qt. :func:`collect_expert_kits` reads the kits with the ЗВЭ flag that the caller
sees (on a server base row-level security decides: a limited login gets only its
clients' kits) with the numbers of their distributives in service (на обслуживании or
ознакомительные); a flagged kit with none of those is left out and named in
``skipped``, a client without an INN is named in ``warnings``. The file is made by a
writer plugin (:class:`~vostok_desktop.plugins.DistributiveFileWriter`; the built-in
one is ``plugins/vostok_rc_files``, whose docstring gives the format) and written
atomically: into a temporary file beside the target, then renamed over it, so a reader
never sees half a file and a failure leaves the old file as it was.

The default format (``vostok_rc_files.writers``): UTF-8, CR LF, TAB between fields;
the header ``#EXPCONS 1 <код РИЦ> <дата> <число комплектов>``, then per kit
``<номера дистрибутивов через запятую> <ИНН клиента> <клиент> <комплект>``.

Needs the right «ЗВЭ/КЦ файлы» (``distributives.files``): checked by the program and,
on a server base, by the server (``vostok_require_right``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import and_, select, text
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client
from vostok_desktop.domain.distributives import Distributive, DistributiveStatus, Kit
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.plugins import DistributiveFileWriter, ExpertFileData, ExpertKitLine
from vostok_desktop.services.access.rights import AccessProfile, guarded
from vostok_desktop.services.distributives.common import check

FILES = "distributives.files"
# What counts as installed at the kit for ЗВЭ.
ACTIVE_STATUSES = (DistributiveStatus.SERVED, DistributiveStatus.DEMO)


class DistributiveFileError(ValidationError):
    """The file cannot be made or written; the message says why (Russian)."""


@dataclass(frozen=True)
class ExpertKits:
    """What goes into expcons.txt, and what was left out and why."""

    data: ExpertFileData
    skipped: list[str] = field(default_factory=list)  # flagged kits with nothing in service
    warnings: list[str] = field(default_factory=list)  # lines written, but worth a look

    @property
    def distributives(self) -> int:
        return sum(len(k.distributive_numbers) for k in self.data.kits)


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    size: int
    kits: int
    distributives: int
    skipped: list[str]
    warnings: list[str]


def require_files_right(s: Session, profile: AccessProfile | None) -> None:
    """«ЗВЭ/КЦ файлы»: the program's check, and the server's on a server base."""
    check(profile, FILES)
    if s.get_bind().dialect.name == "postgresql":
        guarded(lambda: s.execute(text("select vostok_require_right(:r)"), {"r": FILES}))


def collect_expert_kits(base: OpenedBase, *, company_code: str, company_name: str = "",
                        made_on: date | None = None, profile: AccessProfile | None = None
                        ) -> ExpertKits:
    """The flagged kits the caller sees, with their distributives in service."""
    made_on = made_on or date.today()
    with base.sessions() as s:
        require_files_right(s, profile)
        stmt = (
            select(Kit.id, Kit.title, Client.id, Client.inn, Client.short_name,
                   Distributive.number)
            .join(Client, Client.id == Kit.client_id)
            .outerjoin(Distributive, and_(Distributive.kit_id == Kit.id,
                                          Distributive.client_id == Kit.client_id,
                                          Distributive.status.in_(ACTIVE_STATUSES)))
            .where(Kit.ask_expert.is_(True), Client.marked_for_deletion.is_(False))
            .order_by(Client.short_name, Client.id, Kit.title, Kit.id, Distributive.number)
        )
        kits: dict[int, tuple[str, int, str, str, list[str]]] = {}
        for kit_id, title, client_id, inn, name, number in s.execute(stmt):
            entry = kits.setdefault(kit_id, (title, client_id, inn or "", name, []))
            if number is not None:
                entry[4].append(number)
    lines, skipped, warnings = [], [], []
    for kit_id, (title, client_id, inn, name, numbers) in kits.items():
        if not numbers:
            skipped.append(f"«{name}», комплект «{title}»: нет дистрибутивов на "
                           "обслуживании — в файл не попал")
            continue
        if not inn:
            warnings.append(f"«{name}»: не указан ИНН (комплект «{title}» записан без ИНН)")
        lines.append(ExpertKitLine(kit_id, title, client_id, inn, name,
                                   tuple(sorted(numbers))))
    data = ExpertFileData(company_code.strip(), company_name.strip(), made_on, tuple(lines))
    return ExpertKits(data, skipped, warnings)


def company_code_and_name(base: OpenedBase) -> tuple[str, str]:
    """The РИЦ's code (the company detail «ric_code», when the office keeps one) and name."""
    from vostok_desktop.services.documents.company import company_details

    details = company_details(base)
    return details.get("ric_code", "").strip(), details.get("name", "").strip()


def render(writer: DistributiveFileWriter, data: object) -> tuple[str, bytes]:
    """The writer's file name and bytes. Its refusal (ValueError) becomes a
    DistributiveFileError with its message; any other failure of a (РИЦ's own) plugin
    one naming the writer."""
    try:
        name, content = writer.file_name(data), writer.render(data)
    except ValueError as exc:
        raise DistributiveFileError("file", str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - a plugin's bug must reach the user as text
        raise DistributiveFileError(
            "file", f"Модуль записи «{writer.title}» не сформировал файл: "
                    f"{type(exc).__name__}: {exc}") from None
    if not isinstance(content, bytes | bytearray) or not isinstance(name, str) or \
            not name.strip() or Path(name).name != name:
        raise DistributiveFileError(
            "file", f"Модуль записи «{writer.title}» вернул не файл (нужны имя файла без "
                    "папки и байты)")
    return name, bytes(content)


# A new file is readable by others, as any file a program saves (mkstemp makes 0600).
NEW_FILE_MODE = 0o644


def write_atomically(target: Path, data: bytes) -> int:
    """Write ``data`` to ``target`` through a temporary file in the same folder and a
    rename: all of it or nothing; the old file stays until the new one is complete and
    the new one keeps the old one's permissions."""
    folder = target.parent
    if not folder.is_dir():
        raise DistributiveFileError("path", f"Папка «{folder}» не существует")
    if target.is_dir():
        raise DistributiveFileError("path", f"«{target}» — папка, а не файл")
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = NEW_FILE_MODE
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise DistributiveFileError("path", f"В папку «{folder}» нельзя записать: "
                                            f"{exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise DistributiveFileError("path", f"Файл «{target}» не записан: "
                                            f"{exc.strerror or exc}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return len(data)


def write_expert_file(base: OpenedBase, folder_or_path: Path,
                      writer: DistributiveFileWriter[ExpertFileData], *, company_code: str,
                      company_name: str = "", made_on: date | None = None,
                      profile: AccessProfile | None = None,
                      progress: Callable[[str], None] | None = None) -> WrittenFile:
    """Collect the flagged kits and write the file. ``folder_or_path``: a folder (the
    writer's file name is used, «expcons.txt») or the full path of the file."""
    if progress:
        progress("Отбор комплектов с флагом ЗВЭ…")
    kits = collect_expert_kits(base, company_code=company_code, company_name=company_name,
                               made_on=made_on, profile=profile)
    name, data = render(writer, kits.data)
    target = folder_or_path / name if folder_or_path.is_dir() else folder_or_path
    if progress:
        progress(f"Запись «{target.name}»…")
    size = write_atomically(target, data)
    return WrittenFile(target, size, len(kits.data.kits), kits.distributives,
                       kits.skipped, kits.warnings)


__all__ = ["ACTIVE_STATUSES", "DistributiveFileError", "ExpertKits", "WrittenFile",
           "collect_expert_kits", "company_code_and_name", "render", "require_files_right",
           "write_atomically", "write_expert_file"]
