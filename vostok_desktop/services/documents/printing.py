"""Printing: fill a print form for a client, mass printing, conversion to PDF. No Qt.

The fields a template sees are built here (``client``, ``contacts``, ``company``...):
see :data:`vostok_desktop.services.documents.templates.KNOWN_FIELDS`. Company details come from the
base (:mod:`vostok_desktop.services.documents.company`). A contract form gets its amounts
from the client's budget (services/money/budget.py) and the «Акт сверки» form the act of
services/money/reconciliation.py (whose computing imports nothing of this module, so no
import cycle).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import AddressKind, Client, Contact, Employee
from vostok_desktop.domain.clients import CLIENT_STATUS_TITLES
from vostok_desktop.domain.documents import PrintTemplate, TemplateKind
from vostok_desktop.services.clients.duplicates import lift_statement_timeout
from vostok_desktop.services.documents.templates import (
    CompiledTemplate,
    fields,
    read_template,
    render_docx,
)
from vostok_desktop.services.money.companies import company_fields

if TYPE_CHECKING:
    from vostok_desktop.services.money.reconciliation import Reconciliation

Progress = Callable[[str, int, int], None]

def company_details(base: OpenedBase | None = None) -> dict[str, str]:
    """The company's details for print forms (see :mod:`vostok_desktop.services.documents.company`)."""
    from vostok_desktop.services.documents.company import company_details as details

    return details(base)


# -- money ---------------------------------------------------------------------------------
def number_in_words(n: int, feminine: bool = False) -> str:
    """12 → «двенадцать» (``feminine``: 2 → «две»), by num2words."""
    from num2words import num2words

    return num2words(int(n), lang="ru", gender="f" if feminine else "m")


def money(value: Decimal | float | int) -> str:
    """12345.5 → «12 345,50»."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    whole, _, cents = f"{amount:,.2f}".partition(".")
    return whole.replace(",", "\u00a0") + "," + cents


def money_in_words(value: Decimal | float | int) -> str:
    """12345.5 → «Двенадцать тысяч триста сорок пять рублей 50 копеек» (num2words)."""
    from num2words import num2words

    amount = Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    text = num2words(amount, lang="ru", to="currency", currency="RUB", cents=False,
                     separator="")
    return text[:1].upper() + text[1:]


@dataclass
class DocumentLine:
    name: str
    quantity: Decimal = Decimal(1)
    unit: str = "шт."
    price: Decimal = Decimal(0)

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.price).quantize(Decimal("0.01"))


@dataclass
class DocumentInfo:
    """What a form says about itself: number, date, lines, letter body."""

    number: str = ""
    date: date | None = None
    lines: list[DocumentLine] | None = None
    body: str = ""
    vat: str = "не облагается (УСН)"


def _fmt_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


# -- context ---------------------------------------------------------------------------------
def _client_fields(client: Client) -> dict[str, Any]:
    by_kind: dict[AddressKind, str] = {}
    for address in sorted(client.addresses, key=lambda a: a.id):
        code = address.postal_code
        text = f"{code}, {address.text}" if code and not address.text.startswith(code) \
            else address.text
        by_kind.setdefault(address.kind, text)
    legal = by_kind.get(AddressKind.LEGAL) or by_kind.get(AddressKind.ACTUAL) or ""
    return {
        "id": client.id,
        "short_name": client.short_name,
        "full_name": client.full_name or client.short_name,
        "inn": client.inn or "",
        "kpp": client.kpp or "",
        "ogrn": client.ogrn or "",
        "status": CLIENT_STATUS_TITLES.get(client.status, str(client.status)),
        "region": client.region or "",
        "segment": client.segment or "",
        "website": client.website or "",
        "notes": client.notes or "",
        "legal_address": legal,
        "actual_address": by_kind.get(AddressKind.ACTUAL) or legal,
        "postal_address": by_kind.get(AddressKind.POSTAL) or legal,
        "phones": ", ".join(p.raw for p in client.phones),
        "emails": ", ".join(e.address for e in client.emails),
    }


def _contact_fields(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "full_name": contact.full_name,
        "last_name": contact.last_name,
        "first_name": contact.first_name,
        "middle_name": contact.middle_name,
        "position": contact.position or "",
        "phones": ", ".join(p.raw for p in contact.phones),
        "emails": ", ".join(e.address for e in contact.emails),
        "birthday": _fmt_date(contact.birthday),
    }


def _load_clients(s: Session, client_ids: Sequence[int]) -> dict[int, Client]:
    rows = s.scalars(select(Client).where(Client.id.in_(list(client_ids))).options(
        selectinload(Client.phones), selectinload(Client.emails),
        selectinload(Client.addresses),
        selectinload(Client.contacts).selectinload(Contact.phones),
        selectinload(Client.contacts).selectinload(Contact.emails)))
    return {c.id: c for c in rows}


def build_context(client: Client, employee_name: str, document: DocumentInfo | None = None,
                  company: dict[str, str] | None = None,
                  recipient_id: int | None = None) -> dict[str, Any]:
    """Every field a template may use, for one client."""
    doc = document or DocumentInfo()
    lines = doc.lines or []
    total = sum((line.amount for line in lines), Decimal(0))
    contacts = [c for c in client.contacts if not c.marked_for_deletion]
    recipient = next((c for c in contacts if c.id == recipient_id), None) if recipient_id \
        else (contacts[0] if contacts else None)
    today = date.today()
    company_values = dict(company or company_details(None))
    for key in ("bank_name", "bik", "account", "corr_account"):
        company_values.setdefault(key, "")
    return {
        "company": fields("company", company_values),
        "client": fields("client", _client_fields(client)),
        "contacts": [fields("contacts[]", _contact_fields(c)) for c in contacts],
        "recipient": fields("recipient", _contact_fields(recipient)) if recipient else None,
        "employee": fields("employee", {"full_name": employee_name}),
        "document": fields("document", {
            "number": doc.number or str(client.id),
            "date": _fmt_date(doc.date or today),
            "total": money(total),
            "total_words": money_in_words(total),
            "vat": doc.vat,
            "body": doc.body,
            # Filled by money documents (services/money/printing.py); empty otherwise.
            "title": "",
            "net": money(total),
            "vat_amount": "",
            "vat_line": f"В т. ч. НДС: {doc.vat}" if doc.vat else "Без НДС",
            "period": "",
            "due_date": "",
            "basis": "",
            "qr": "",
        }),
        "items": [fields("items[]", {
            "name": line.name, "quantity": f"{line.quantity.normalize():f}",
            "unit": line.unit, "price": money(line.price), "amount": money(line.amount),
            "net": money(line.amount), "vat": "",
        }) for line in lines],
        "today": _fmt_date(today),
    }


def _employee_name(s: Session, employee_id: int | None) -> str:
    if employee_id is None:
        return ""
    return s.scalar(select(Employee.full_name).where(Employee.id == employee_id)) or ""


def safe_file_name(text: str, limit: int = 80) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\r\n\t]+', " ", text).strip(" .")
    return (cleaned or "документ")[:limit]


@dataclass(frozen=True)
class RenderedDocument:
    client_id: int
    file_name: str
    data: bytes


def _template_kind(base: OpenedBase, template_id: int) -> TemplateKind | None:
    with base.sessions() as s:
        kind = s.scalar(select(PrintTemplate.kind).where(PrintTemplate.id == template_id))
    return TemplateKind(kind) if kind is not None else None


def contract_documents(s: Session, client_ids: Sequence[int], on: date | None = None
                       ) -> dict[int, DocumentInfo]:
    """What a contract («Договор на сопровождение») says about money, per client: the
    monthly support price of the client's budget on ``on`` (services/money/budget.py) —
    a line per served distributive, the total, VAT by the default company's tax mode
    (included in the price and rounded per line, as the billing's invoices have it)."""
    from vostok_desktop.domain.money import Company, TaxMode
    from vostok_desktop.services.money.budget import budgets, round_money

    on = on or date.today()
    company = s.scalar(select(Company).order_by(Company.is_default.desc(), Company.id)
                       .limit(1))
    usn = company is None or TaxMode(company.tax_mode) is TaxMode.USN or not company.vat_rate
    rate = Decimal(0) if usn else Decimal(company.vat_rate)
    out: dict[int, DocumentInfo] = {}
    for budget in budgets(s, client_ids, on, company.id if company is not None else None):
        lines = [DocumentLine(line.name, Decimal(1), "мес.", line.price)
                 for line in budget.lines]
        vat = sum((round_money(line.price * rate / (100 + rate)) for line in budget.lines),
                  Decimal("0.00"))
        out[budget.client_id] = DocumentInfo(
            date=on, lines=lines, vat="" if usn else f"{rate.normalize():f} % — {money(vat)} руб.")
    return out


# -- «Акт сверки» ----------------------------------------------------------------------------
def reconciliation_conclusion(act: Reconciliation) -> str:
    """«По данным … на 31.03.2026 задолженность в пользу … составляет … руб. (…).» or
    «… задолженность отсутствует.»"""
    head = f"По данным {act.company_name} на {act.end:%d.%m.%Y}"
    if act.creditor is None:
        return f"{head} задолженность отсутствует."
    amount = abs(act.closing)
    words = money_in_words(amount)
    return (f"{head} задолженность в пользу {act.creditor} составляет {money(amount)} руб. "
            f"({words[:1].lower() + words[1:]}).")


def reconciliation_context(s: Session, act: Reconciliation, employee_name: str
                           ) -> dict[str, Any]:
    """The act's fields — the same top-level fields as every form: ``document.*`` has the
    period, balances (``opening_debit``…), turnovers and ``conclusion``; ``items`` the
    lines with ``date``, ``name``, ``debit``, ``credit``; ``company`` the act's company."""
    from vostok_desktop.domain.money import Company

    client = _load_clients(s, [act.client_id])[act.client_id]
    company = s.get(Company, act.company_id) if act.company_id is not None else s.scalar(
        select(Company).order_by(Company.is_default.desc(), Company.id).limit(1))
    context = build_context(client, employee_name, DocumentInfo(date=act.end),
                            company_fields(company) if company is not None else None)

    def cell(value: Decimal) -> str:
        return money(value) if value else ""

    def side(value: Decimal) -> tuple[str, str]:
        return (cell(value), "") if value > 0 else ("", cell(-value))

    opening, closing = side(act.opening), side(act.closing)
    context["document"].update({
        "title": "Акт сверки", "number": "",
        "period": f"с {act.start:%d.%m.%Y} по {act.end:%d.%m.%Y}",
        "start": f"{act.start:%d.%m.%Y}", "end": f"{act.end:%d.%m.%Y}",
        "opening_debit": opening[0], "opening_credit": opening[1],
        "turnover_debit": money(act.debit_turnover),
        "turnover_credit": money(act.credit_turnover),
        "closing_debit": closing[0], "closing_credit": closing[1],
        "total": money(abs(act.closing)), "total_words": money_in_words(abs(act.closing)),
        "conclusion": reconciliation_conclusion(act), "creditor": act.creditor or "",
        "vat_line": "", "basis": "",
    })
    context["items"] = [fields("items[]", {
        "date": f"{line.on:%d.%m.%Y}", "name": line.title, "debit": cell(line.debit),
        "credit": cell(line.credit), "quantity": "", "unit": "", "price": "",
        "amount": money(line.debit or line.credit), "net": "", "vat": "",
    }) for line in act.lines]
    return context


def render_reconciliation(base: OpenedBase, client_id: int, company_id: int | None,
                          start: date, end: date, employee_id: int | None,
                          template_id: int | None = None) -> RenderedDocument:
    """The act (services/money/reconciliation.py) filled into its print form: the
    client's individual «Акт сверки» if any, else the company's."""
    from vostok_desktop.services.documents.templates import TemplateError, templates_for_client
    from vostok_desktop.services.money.reconciliation import TEMPLATE_CODE, reconciliation

    if template_id is None:
        template_id = next((t.id for t in templates_for_client(base, client_id)
                            if t.code == TEMPLATE_CODE), None)
        if template_id is None:
            raise TemplateError("Нет печатной формы «Акт сверки»: добавьте её в «Печатные "
                                "формы»")
    name, data = read_template(base, template_id)
    with base.sessions() as s:
        act = reconciliation(s, client_id, company_id, start, end)
        context = reconciliation_context(s, act, _employee_name(s, employee_id))
        short_name = _load_clients(s, [client_id])[client_id].short_name
    file_name = (f"Акт сверки {start:%d.%m.%Y}–{end:%d.%m.%Y} — "
                 f"{safe_file_name(short_name)}.docx")
    return RenderedDocument(client_id, file_name, render_docx(data, context, name))


def _fill(s: Session, kind: TemplateKind | None, client: Client, employee: str,
          document: DocumentInfo | None, company: dict[str, str],
          recipient_id: int | None = None) -> dict[str, Any]:
    """The context of one client's form. Without an explicit ``document`` a contract
    gets its amounts from the budget and an «Акт сверки» covers the year so far with
    every company (its own dialog chooses the company and the period)."""
    if document is None and kind is TemplateKind.RECONCILIATION:
        from vostok_desktop.services.money import reconciliation as rec

        start, end = rec.default_period()
        return reconciliation_context(s, rec.reconciliation(s, client.id, None, start, end),
                                      employee)
    if document is None and kind is TemplateKind.CONTRACT:
        document = contract_documents(s, [client.id]).get(client.id)
    return build_context(client, employee, document, company, recipient_id=recipient_id)


def render_for_client(base: OpenedBase, template_id: int, client_id: int,
                      employee_id: int | None, document: DocumentInfo | None = None,
                      recipient_id: int | None = None) -> RenderedDocument:
    """Fill the active version of a template for one client."""
    name, data = read_template(base, template_id)
    kind = _template_kind(base, template_id)
    with base.sessions() as s:
        client = _load_clients(s, [client_id]).get(client_id)
        if client is None:
            raise LookupError(f"Клиент №{client_id} не найден (возможно, удалён)")
        context = _fill(s, kind, client, _employee_name(s, employee_id), document,
                        company_details(base), recipient_id)
    out = render_docx(data, context, name)
    return RenderedDocument(client_id, f"{safe_file_name(name)} — "
                                       f"{safe_file_name(client.short_name)}.docx", out)


@dataclass
class MassPrintResult:
    files: list[Path]
    errors: list[str]


def render_many(base: OpenedBase, template_id: int, client_ids: Sequence[int],
                out_dir: Path, employee_id: int | None, progress: Progress | None = None,
                document_for: Callable[[int], DocumentInfo] | None = None,
                chunk: int = 200) -> MassPrintResult:
    """Fill a form for each client into ``out_dir`` (one DOCX each). ``progress`` may
    raise to cancel: files already written stay (they are whole documents)."""
    name, data = read_template(base, template_id)
    kind = _template_kind(base, template_id)
    compiled = CompiledTemplate(data, name)
    out_dir.mkdir(parents=True, exist_ok=True)
    company = company_details(base)
    result = MassPrintResult([], [])
    total = len(client_ids)
    used: set[str] = set()
    with base.sessions() as s:
        lift_statement_timeout(s)
        employee = _employee_name(s, employee_id)
        for start in range(0, total, chunk):
            part = client_ids[start:start + chunk]
            clients = _load_clients(s, part)
            contracts = contract_documents(s, part) \
                if kind is TemplateKind.CONTRACT and document_for is None else {}
            for offset, client_id in enumerate(part):
                if progress is not None:
                    progress("Печать", start + offset, total)
                client = clients.get(client_id)
                if client is None:
                    result.errors.append(f"Клиент №{client_id} не найден")
                    continue
                doc = document_for(client_id) if document_for else contracts.get(client_id)
                context = _fill(s, kind, client, employee, doc, company)
                stem = f"{safe_file_name(client.short_name)} ({client_id})"
                if stem in used:
                    stem += f"-{start + offset}"
                used.add(stem)
                path = out_dir / f"{safe_file_name(name, 40)} — {stem}.docx"
                path.write_bytes(compiled.render(context))
                result.files.append(path)
            s.expunge_all()
    if progress is not None:
        progress("Печать", total, total)
    return result


# -- LibreOffice ---------------------------------------------------------------------------
def find_soffice() -> str | None:
    """The LibreOffice command line, where installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe",
                      r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(candidate):
            return candidate
    return None


class ConversionError(RuntimeError):
    pass


def _run_killable(command: list[str], timeout: float, what: str
                  ) -> subprocess.CompletedProcess[bytes]:
    """Run a converter; past ``timeout`` kill it with everything it started (soffice is a
    script that starts soffice.bin), so a hung conversion never lingers."""
    posix = os.name == "posix"
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, start_new_session=posix)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            import signal

            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
        process.kill()
        process.communicate()
        raise ConversionError(f"{what} не ответил за {timeout:.0f} с: преобразование "
                              "остановлено") from None
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def convert_to_pdf(docx: Path, out_dir: Path | None = None, timeout: float = 120.0) -> Path:
    """Convert a DOCX to PDF with headless LibreOffice. It gets its own throwaway profile
    (``-env:UserInstallation``), so a LibreOffice the user has open neither blocks it nor
    receives the job; past ``timeout`` it is killed."""
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError("LibreOffice не установлен: PDF сделать нельзя")
    out_dir = out_dir or docx.parent
    with tempfile.TemporaryDirectory(prefix="vostok-lo-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)]
        done = _run_killable(command, timeout, "LibreOffice")
    pdf = out_dir / (docx.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        reason = (done.stderr or done.stdout).decode(errors="replace").strip()
        raise ConversionError(f"LibreOffice не сделал PDF: {reason or done.returncode}")
    return pdf


def find_pdftoppm() -> str | None:
    """poppler's page renderer, where installed (Debian: poppler-utils)."""
    return shutil.which("pdftoppm")


def pdf_preview_missing() -> str | None:
    """Why the exact (PDF) preview cannot be made here, or None when it can."""
    if find_soffice() is None:
        return "LibreOffice не установлен"
    if find_pdftoppm() is None:
        return "не установлена программа pdftoppm (пакет poppler-utils)"
    return None


def render_pdf_pages(pdf: Path, out_dir: Path, dpi: int = 110, timeout: float = 60.0
                     ) -> list[Path]:
    """Each page of a PDF as a PNG (``page-1.png``…) in ``out_dir``, in page order."""
    tool = find_pdftoppm()
    if tool is None:
        raise ConversionError("Не установлена программа pdftoppm (пакет poppler-utils)")
    out_dir.mkdir(parents=True, exist_ok=True)
    done = _run_killable([tool, "-png", "-r", str(dpi), str(pdf), str(out_dir / "page")],
                         timeout, "pdftoppm")
    pages = sorted(out_dir.glob("page-*.png"),
                   key=lambda p: int(p.stem.rpartition("-")[2] or 0))
    if done.returncode != 0 or not pages:
        reason = (done.stderr or done.stdout).decode(errors="replace").strip()
        raise ConversionError(f"Страницы PDF не отрисованы: {reason or done.returncode}")
    return pages


@dataclass(frozen=True)
class PdfPreview:
    pdf: Path
    pages: list[Path]


def make_pdf_preview(data: bytes, file_name: str, folder: Path | None = None,
                     timeout: float = 120.0, dpi: int = 110) -> PdfPreview:
    """A filled DOCX as PDF plus a PNG per page (for the preview tab and printing).
    Blocking: call it on a worker thread."""
    folder = folder or Path(tempfile.mkdtemp(prefix="vostok-pdf-"))
    folder.mkdir(parents=True, exist_ok=True)
    docx = folder / (safe_file_name(file_name.removesuffix(".docx")) + ".docx")
    docx.write_bytes(data)
    pdf = convert_to_pdf(docx, folder, timeout)
    return PdfPreview(pdf, render_pdf_pages(pdf, folder / "pages", dpi, timeout))


__all__ = ["DocumentInfo", "DocumentLine", "PdfPreview", "RenderedDocument", "build_context",
           "contract_documents", "convert_to_pdf", "find_pdftoppm", "find_soffice", "make_pdf_preview",
           "pdf_preview_missing", "reconciliation_conclusion", "reconciliation_context",
           "render_for_client", "render_many", "render_pdf_pages", "render_reconciliation"]


def docx_to_html(data: bytes) -> str:
    """A readable HTML rendering of a DOCX (paragraphs, headings, tables) for the preview
    tab; the faithful layout is the word processor's or LibreOffice's PDF."""
    import html
    import io

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))

    def paragraph(p: Paragraph) -> str:
        runs = []
        for run in p.runs:
            text = html.escape(run.text).replace("\n", "<br>").replace("\t", "&emsp;")
            if run.bold:
                text = f"<b>{text}</b>"
            if run.italic:
                text = f"<i>{text}</i>"
            runs.append(text)
        body = "".join(runs) or "&nbsp;"
        style = (p.style.name or "") if p.style is not None else ""
        align = {1: "center", 2: "right", 3: "justify"}.get(
            int(p.alignment) if p.alignment is not None else 0, "left")
        if style.startswith("Heading") or style == "Title":
            level = 2 if style.endswith("1") or style == "Title" else 3
            return f'<h{level} align="{align}">{body}</h{level}>'
        return f'<p align="{align}">{body}</p>'

    parts = ['<html><body style="font-family: \'Times New Roman\', serif; font-size: 11pt">']
    for child in document.element.body.iterchildren():
        tag = child.tag.rpartition("}")[2]
        if tag == "p":
            parts.append(paragraph(Paragraph(child, document)))
        elif tag == "tbl":
            table = Table(child, document)
            parts.append('<table border="1" cellspacing="0" cellpadding="3" width="100%">')
            for row in table.rows:
                cells = "".join(
                    "<td>" + "".join(paragraph(p) for p in cell.paragraphs) + "</td>"
                    for cell in row.cells)
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
