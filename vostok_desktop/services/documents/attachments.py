"""External files of a client's card («Внешние файлы»): add, list, read, delete. No Qt."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import undefer

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Attachment, Employee
from vostok_desktop.domain.extra import ATTACHMENT_MAX_BYTES
from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.services.common.change_log import record_changes


class AttachmentTooLarge(ValidationError):
    def __init__(self, file_name: str, size: int) -> None:
        super().__init__(
            "attachment",
            f"Файл «{file_name}» слишком большой: {format_size(size)}, "
            f"можно не больше {format_size(ATTACHMENT_MAX_BYTES)}",
        )
        self.size = size


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    client_id: int
    file_name: str
    mime_type: str
    size: int
    created_at: datetime
    created_by: str | None


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} Б"
    value, unit = (size / 1024, "КБ") if size < 1024 * 1024 else (size / 1024 / 1024, "МБ")
    return f"{value:.1f}".replace(".0", "").replace(".", ",") + f" {unit}"


def _clean_name(file_name: str) -> str:
    name = Path(file_name.replace("\\", "/")).name.strip()
    if not name:
        raise ValidationError("attachment", "Файл: не указано имя")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 20 else name[:255]
    return name


def add_attachment(base: OpenedBase, client_id: int, file_name: str, data: bytes,
                   employee_id: int | None) -> AttachmentInfo:
    """Store a file in the client's card; a file over the limit is refused, nothing written."""
    name = _clean_name(file_name)
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise AttachmentTooLarge(name, len(data))
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    with base.sessions() as s, s.begin():
        row = Attachment(client_id=client_id, file_name=name, mime_type=mime, size=len(data),
                         data=bytes(data), created_by_id=employee_id)
        s.add(row)
        s.flush()
        record_changes(s, "attachments", row.id, client_id, employee_id, {},
                       {"file_name": name})
        attachment_id = row.id
    return next(a for a in list_attachments(base, client_id) if a.id == attachment_id)


def add_attachment_file(base: OpenedBase, client_id: int, path: Path,
                        employee_id: int | None) -> AttachmentInfo:
    size = path.stat().st_size
    if size > ATTACHMENT_MAX_BYTES:
        raise AttachmentTooLarge(path.name, size)
    return add_attachment(base, client_id, path.name, path.read_bytes(), employee_id)


def list_attachments(base: OpenedBase, client_id: int) -> list[AttachmentInfo]:
    with base.sessions() as s:
        rows = s.execute(
            select(Attachment.id, Attachment.client_id, Attachment.file_name,
                   Attachment.mime_type, Attachment.size, Attachment.created_at,
                   Employee.full_name)
            .outerjoin(Employee, Employee.id == Attachment.created_by_id)
            .where(Attachment.client_id == client_id)
            .order_by(Attachment.created_at.desc(), Attachment.id.desc())
        )
        return [AttachmentInfo(*row) for row in rows]


def read_attachment(base: OpenedBase, attachment_id: int) -> bytes:
    with base.sessions() as s:
        row = s.get(Attachment, attachment_id, options=[undefer(Attachment.data)])
        if row is None:
            raise LookupError(f"Файл №{attachment_id} не найден (возможно, удалён)")
        return bytes(row.data)


def delete_attachment(base: OpenedBase, attachment_id: int, employee_id: int | None) -> None:
    with base.sessions() as s, s.begin():
        row = s.get(Attachment, attachment_id)
        if row is None:
            return
        record_changes(s, "attachments", row.id, row.client_id, employee_id,
                       {"file_name": row.file_name}, {})
        s.delete(row)
