"""The default certificate form «Сертификат участника» (DOCX with docxtpl tags), made
with python-docx like resources/templates/make_templates.py makes the other forms.

Run ``python -m vostok_desktop.services.education.certificate_template`` to rewrite
resources/templates/certificate.docx. One template serves both ways of printing: it
repeats the certificate for every item of ``certificates`` with a page break between
them (one file for all), or is filled with a single item (a file per participant).

Fields: ``company`` (name, city…), ``event`` (kind, theme, date, lecturer, place),
``certificates`` (number, full_name, position, client), ``today``.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from vostok_desktop import paths

FILE_NAME = "certificate.docx"


def template_path() -> Path:
    return paths.resources_dir() / "templates" / FILE_NAME


def _centred(doc, text: str, size: int, *, bold: bool = False,  # noqa: ANN001
             space_after: int = 6) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(space_after)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold


def build_certificate() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2)
    doc.add_paragraph("{%p for c in certificates %}")
    _centred(doc, "{{ company.name }}", 12, space_after=30)
    _centred(doc, "СЕРТИФИКАТ", 36, bold=True, space_after=4)
    _centred(doc, "№ {{ c.number }}", 14, space_after=24)
    _centred(doc, "Настоящим подтверждается, что", 14)
    _centred(doc, "{{ c.full_name }}", 24, bold=True, space_after=2)
    _centred(doc, "{{ c.position }}{% if c.position and c.client %}, {% endif %}"
                  "{{ c.client }}", 12, space_after=18)
    _centred(doc, "принял(а) участие в мероприятии «{{ event.kind }}»", 14)
    _centred(doc, "«{{ event.theme }}»", 20, bold=True, space_after=18)
    _centred(doc, "{{ event.date }}{% if event.place %}, {{ event.place }}{% endif %}", 12)
    _centred(doc, "{% if event.lecturer %}Лектор: {{ event.lecturer }}{% endif %}", 12,
             space_after=36)
    signature = doc.add_paragraph("Руководитель ____________________ "
                                  "{{ company.director }}")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("{%p if not loop.last %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
    doc.core_properties.author = "Vostok Desktop"
    doc.core_properties.title = "certificate"
    return doc


def main() -> Path:
    target = template_path()
    build_certificate().save(target)
    return target


if __name__ == "__main__":
    print(main())
