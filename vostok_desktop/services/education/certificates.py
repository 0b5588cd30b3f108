"""Certificates of an event's participants: numbered per event (1, 2, … in the order of
the participants' names), printed from the DOCX template
resources/templates/certificate.docx (docxtpl, the engine of the other print forms) —
one file for all or one per participant — and their hand-over tracked. No Qt.

Only a participant who attended gets a certificate."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Contact, Employee
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.education import (
    EVENT_KIND_TITLES,
    EducationEvent,
    EventKind,
    EventParticipant,
    ParticipantStage,
)
from vostok_desktop.services.education.certificate_template import template_path
from vostok_desktop.services.education.events import refuse, run_write
from vostok_desktop.services.education.participants import change_participant, load_participants


def certificate_text(event_id: int, number: int) -> str:
    """«12/003»: the event, then the certificate's number in it."""
    return f"{event_id}/{number:03d}"


def _attended(s: Session, event_id: int, participant_ids: Sequence[int] | None
              ) -> list[EventParticipant]:
    stmt = (select(EventParticipant)
            .join(Contact, Contact.id == EventParticipant.contact_id)
            .where(EventParticipant.event_id == event_id,
                   EventParticipant.stage == ParticipantStage.ATTENDED)
            .order_by(Contact.last_name, Contact.first_name, Contact.middle_name,
                      EventParticipant.id))
    if participant_ids is not None:
        stmt = stmt.where(EventParticipant.id.in_(list(participant_ids)))
    return list(s.scalars(stmt))


def number_certificates(base: OpenedBase, event_id: int,
                        participant_ids: Sequence[int] | None, employee_id: int | None
                        ) -> int:
    """Give the next numbers of the event to attended participants without one; returns
    how many were numbered."""

    def write(s: Session) -> int:
        if s.get(EducationEvent, event_id) is None:
            raise refuse("event_id", "Мероприятие не найдено (возможно, удалено)")
        todo = [p for p in _attended(s, event_id, participant_ids)
                if p.certificate_number is None]
        if not todo:
            return 0
        # The last number of the event over all of its participants, seen or not: the
        # numbers stay unique (a unique constraint backs it).
        last = int(s.scalar(select(func.max(EventParticipant.certificate_number))
                            .where(EventParticipant.event_id == event_id)) or 0)
        for offset, p in enumerate(todo, 1):
            change_participant(s, p, employee_id, certificate_number=last + offset)
        return len(todo)

    return run_write(base, write)


@dataclass(frozen=True)
class PrintedCertificates:
    files: tuple[Path, ...]
    count: int
    numbered: int  # numbers given by this print
    not_attended: int  # selected but not at «Посетил»: no certificate

    @property
    def summary(self) -> str:
        if not self.count:
            return "Сертификатов нет: сертификат получает участник на стадии «Посетил»."
        text = f"Напечатано сертификатов: {self.count}, файлов: {len(self.files)}"
        if self.not_attended:
            text += f"; без сертификата (не посетили): {self.not_attended}"
        return text + "."


def _context(s: Session, event: EducationEvent, rows: list[EventParticipant],
             base: OpenedBase) -> dict[str, Any]:
    from vostok_desktop.services.documents.printing import company_details

    lecturer = event.lecturer_name
    if event.lecturer_id:
        lecturer = s.scalar(select(Employee.full_name).where(
            Employee.id == event.lecturer_id)) or lecturer
    contacts = {c.id: c for c in s.scalars(select(Contact).where(
        Contact.id.in_({p.contact_id for p in rows})))}
    clients = dict(s.execute(select(Client.id, Client.short_name).where(
        Client.id.in_({p.client_id for p in rows}))).all())
    return {
        "company": company_details(base),
        "event": {"kind": EVENT_KIND_TITLES[EventKind(event.kind)], "theme": event.theme,
                  "date": event.starts_at.astimezone().strftime("%d.%m.%Y"),
                  "lecturer": lecturer, "place": event.place or event.link},
        "certificates": [{"number": certificate_text(event.id, p.certificate_number or 0),
                          "full_name": contacts[p.contact_id].full_name,
                          "position": contacts[p.contact_id].position or "",
                          "client": clients.get(p.client_id, "")} for p in rows],
        "today": date.today().strftime("%d.%m.%Y"),
    }


def _render(template: bytes, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    from vostok_desktop.services.documents.templates import _jinja_env

    doc = DocxTemplate(io.BytesIO(template))
    doc.render(context, _jinja_env().overlay(autoescape=True))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def print_certificates(base: OpenedBase, event_id: int,
                       participant_ids: Sequence[int] | None, out_dir: Path,
                       employee_id: int | None, *, one_file: bool = True,
                       template: bytes | None = None) -> PrintedCertificates:
    """Number (where needed) and print the certificates of the attended participants
    among ``participant_ids`` (all of the event's when None) into ``out_dir``."""
    numbered = number_certificates(base, event_id, participant_ids, employee_id)
    data = template if template is not None else template_path().read_bytes()
    from vostok_desktop.services.documents.printing import safe_file_name

    with base.sessions() as s:
        event = s.get(EducationEvent, event_id)
        if event is None:
            raise refuse("event_id", "Мероприятие не найдено (возможно, удалено)")
        rows = _attended(s, event_id, participant_ids)
        selected = len(participant_ids) if participant_ids is not None else len(rows)
        if not rows:
            return PrintedCertificates((), 0, numbered, selected)
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = safe_file_name(f"Сертификаты {event.theme} "
                              f"{event.starts_at.astimezone():%d.%m.%Y}", 60)
        files: list[Path] = []
        groups = [rows] if one_file else [[p] for p in rows]
        for group in groups:
            context = _context(s, event, group, base)
            if one_file:
                name = f"{stem}.docx"
            else:
                c = context["certificates"][0]
                number = c["number"].replace("/", "-")
                name = safe_file_name(f"Сертификат {number} {c['full_name']}", 80) + ".docx"
            path = out_dir / name
            path.write_bytes(_render(data, context))
            files.append(path)
    return PrintedCertificates(tuple(files), len(rows), numbered, selected - len(rows))


def mark_handed(base: OpenedBase, participant_ids: Sequence[int], employee_id: int | None,
                *, handed: bool = True) -> int:
    """Mark the certificates handed over now, by the employee (or take the mark back);
    a participant without a certificate number is refused."""

    def write(s: Session) -> int:
        rows = load_participants(s, participant_ids)
        missing = [p for p in rows if p.certificate_number is None]
        if handed and missing:
            raise refuse("participant_ids", f"Сертификат ещё не напечатан у {len(missing)} "
                                            "из выбранных: сначала напечатайте сертификаты")
        changed = 0
        for p in rows:
            if handed and p.certificate_handed_at is None:
                changed += change_participant(s, p, employee_id, certificate_handed_at=utcnow(),
                                   certificate_handed_by_id=employee_id)
            elif not handed and p.certificate_handed_at is not None:
                changed += change_participant(s, p, employee_id, certificate_handed_at=None,
                                   certificate_handed_by_id=None)
        return changed

    return run_write(base, write)
