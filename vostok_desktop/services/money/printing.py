"""Printing money documents (счёт, акт, УПД) from the print forms with their real data.
No Qt.

The forms see the same fields as every other print form (``company``, ``client``,
``document``, ``items``…, :mod:`vostok_desktop.services.documents.printing`); a money
document fills them from the base: the document's company (not the print details),
``document.number`` = its number_text, lines with net/VAT/amount, ``document.vat_line``
(«В т. ч. НДС 22 %: …» or «Без НДС»), the amount in words and, on an invoice,
``document.qr``: the payment QR code of ГОСТ Р 56042-2014 (``ST00012``, UTF-8) as a
picture. УПД prints on the act's form with its own title.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.money import Company, DocumentKind, TaxMode
from vostok_desktop.services.documents.printing import (
    DocumentInfo,
    RenderedDocument,
    _employee_name,
    _load_clients,
    build_context,
    money,
    money_in_words,
    safe_file_name,
)
from vostok_desktop.services.documents.templates import (
    TemplateError,
    _jinja_env,
    _template_error,
    read_template,
    templates_for_client,
)
from vostok_desktop.services.money.companies import company_fields
from vostok_desktop.services.money.documents import DocumentView, document_view

TEMPLATE_CODE: dict[DocumentKind, str] = {DocumentKind.INVOICE: "invoice",
                                          DocumentKind.ACT: "act", DocumentKind.UPD: "act"}
TITLES: dict[DocumentKind, str] = {
    DocumentKind.INVOICE: "Счёт на оплату",
    DocumentKind.ACT: "Акт",
    DocumentKind.UPD: "Универсальный передаточный документ",
}
Progress = Callable[[str, int, int], None]


def _clean(value: str) -> str:
    return " ".join(str(value or "").replace("|", " ").split())


def payment_qr_text(company: Company, view: DocumentView) -> str:
    """The payment order of ГОСТ Р 56042 for an invoice: «ST00012|Name=…|…|Sum=<коп.>»."""
    kopecks = int((view.total * 100).to_integral_value())
    fields = [
        ("Name", company.name), ("PersonalAcc", company.account),
        ("BankName", company.bank_name), ("BIC", company.bik),
        ("CorrespAcc", company.corr_account or "0"), ("PayeeINN", company.inn),
        ("KPP", company.kpp),
        ("Purpose", f"Оплата по счёту № {view.number_text} от {view.issued_on:%d.%m.%Y}"),
        ("Sum", str(kopecks)),
    ]
    return "ST00012|" + "|".join(f"{k}={_clean(v)}" for k, v in fields if _clean(v))


def qr_png(payload: str, scale: int = 4) -> bytes:
    import segno

    code = segno.make(payload, error="m", encoding="utf-8", micro=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def _period_text(view: DocumentView) -> str:
    if view.period is None:
        return ""
    months = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
              "сентябрь", "октябрь", "ноябрь", "декабрь")
    return f"{months[view.period.month - 1]} {view.period.year}"


def money_context(session: Session, view: DocumentView, employee_name: str,
                  qr_image: Callable[[bytes], Any] | None = None) -> dict[str, Any]:
    """Every field the forms use, filled from a money document. ``qr_image`` turns the QR
    PNG into what the template inserts (a docxtpl InlineImage); without it no QR."""
    client = _load_clients(session, [view.client_id]).get(view.client_id)
    if client is None:
        raise LookupError(f"Клиент №{view.client_id} не найден (возможно, нет доступа)")
    company = session.get(Company, view.company_id)
    if company is None:
        raise LookupError("Субъект учёта документа не найден")
    context = build_context(client, employee_name, DocumentInfo(
        number=view.number_text, date=view.issued_on), company_fields(company))
    usn = TaxMode(view.tax_mode) is TaxMode.USN
    rate = f"{view.vat_rate.normalize():f}"
    vat_line = "Без НДС" if usn else f"В т. ч. НДС {rate} %: {money(view.vat)} руб."
    document = context["document"]
    document.update({
        "title": TITLES[view.kind] + (" (сторно)" if view.corrects_id else ""),
        "total": money(view.total), "total_words": money_in_words(view.total),
        "net": money(view.net), "vat_amount": "" if usn else money(view.vat),
        "vat": "Без НДС" if usn else f"{rate} % — {money(view.vat)} руб.",
        "vat_line": vat_line, "period": _period_text(view),
        "due_date": f"{view.due_on:%d.%m.%Y}" if view.due_on else "",
        "basis": view.basis + (f" Сторно документа № {view.corrects_number}"
                               if view.corrects_number else ""),
        "qr": "",
    })
    if qr_image is not None and view.kind is DocumentKind.INVOICE and view.total > 0 \
            and company.account and company.bik:
        document["qr"] = qr_image(qr_png(payment_qr_text(company, view)))
    from vostok_desktop.services.documents.templates import fields

    context["items"] = [fields("items[]", {
        "name": line.name, "quantity": f"{line.quantity.normalize():f}", "unit": line.unit,
        "price": money(line.price), "amount": money(line.amount), "net": money(line.net),
        "vat": "Без НДС" if usn else money(line.vat),
    }) for line in view.lines]
    return context


def _render(data: bytes, name: str, build: Callable[[Any], dict[str, Any]]) -> bytes:
    """Fill the template through docxtpl itself (a picture needs the package's parts)."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    try:
        template = DocxTemplate(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on bad files
        raise TemplateError(f"Файл «{name}» не открывается как DOCX: {exc}") from None
    context = build(lambda png: InlineImage(template, io.BytesIO(png), width=Mm(35)))
    env = _jinja_env().overlay(autoescape=True)
    try:
        template.render(context, env)
    except Exception as exc:  # noqa: BLE001
        raise _template_error(exc, name) from None
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def template_for(base: OpenedBase, client_id: int, kind: DocumentKind) -> int:
    code = TEMPLATE_CODE[DocumentKind(kind)]
    for info in templates_for_client(base, client_id):
        if info.code == code:
            return info.id
    raise TemplateError(f"Нет печатной формы «{code}»: добавьте её в «Печатные формы»")


def render_money_document(base: OpenedBase, document_id: int, employee_id: int | None,
                          template_id: int | None = None) -> RenderedDocument:
    """A money document filled into its print form (the client's override if any)."""
    with base.sessions() as s:
        view = document_view(s, document_id)
    template_id = template_id or template_for(base, view.client_id, view.kind)
    name, data = read_template(base, template_id)
    with base.sessions() as s:
        employee = _employee_name(s, employee_id)
        client_name = _load_clients(s, [view.client_id])[view.client_id].short_name \
            if view.client_id else ""
        out = _render(data, name, lambda image: money_context(s, view, employee, image))
    file_name = (f"{TITLES[view.kind]} № {safe_file_name(view.number_text)} — "
                 f"{safe_file_name(client_name)}.docx")
    return RenderedDocument(view.client_id, file_name, out)


@dataclass
class RegisterPrint:
    files: list[Path]
    errors: list[str]


def render_documents(base: OpenedBase, document_ids: Sequence[int], out_dir: Path,
                     employee_id: int | None, progress: Progress | None = None
                     ) -> RegisterPrint:
    """Each document into ``out_dir`` (one DOCX each): the register's mass print.
    ``progress`` may raise to cancel; the files written stay whole."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result = RegisterPrint([], [])
    total = len(document_ids)
    for done, document_id in enumerate(document_ids):
        if progress is not None:
            progress("Печать", done, total)
        try:
            rendered = render_money_document(base, document_id, employee_id)
        except (LookupError, TemplateError, ValueError) as exc:
            result.errors.append(f"Документ №{document_id}: {exc}")
            continue
        path = out_dir / rendered.file_name
        path.write_bytes(rendered.data)
        result.files.append(path)
    if progress is not None:
        progress("Печать", total, total)
    return result


__all__ = ["RegisterPrint", "company_fields", "money_context", "payment_qr_text", "qr_png",
           "render_documents", "render_money_document"]
