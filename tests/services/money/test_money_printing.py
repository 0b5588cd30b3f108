"""Money documents print from the default forms with their real data on both dialects:
the company's details, lines, totals, VAT or «Без НДС», the amount in words (num2words)
and the payment QR code picture on an invoice."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import docx

from tests.services.money.test_documents import MoneyRig, line, money_rig  # noqa: F401
from vostok_desktop.domain.money import DocumentKind
from vostok_desktop.services.documents.printing import money_in_words
from vostok_desktop.services.money import documents, printing


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts).replace("\u00a0", " ")


def _pictures(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [n for n in archive.namelist() if n.startswith("word/media/")]


def test_amount_in_words_reads_like_a_russian_invoice() -> None:
    assert money_in_words(Decimal("12345.50")) == \
        "Двенадцать тысяч триста сорок пять рублей 50 копеек"
    assert money_in_words(Decimal("1.01")) == "Один рубль 01 копейка"
    assert money_in_words(Decimal("2000")) == "Две тысячи рублей 00 копеек"


def test_invoice_prints_lines_vat_words_and_the_payment_qr(money_rig: MoneyRig) -> None:  # noqa: F811
    doc = money_rig.issue([line("12000.00"), line("172.75", "2", "Обучение")],
                          basis="Договор № 7 от 01.01.2026")
    rendered = printing.render_money_document(money_rig.base, doc.id, money_rig.employee)
    text = _text(rendered.data)
    assert "Счёт на оплату № С-1 от 05.03.2026" in text
    assert "ООО «РИЦ Восток», ИНН 5406123450, КПП 540601001" in text
    assert "р/с 40702810000000000001 в ПАО «Банк», БИК 045004001" in text
    assert "ООО «Ромашка»" in text and "7707083893" in text
    assert "Обучение" in text and "345,50" in text and "12 000,00" in text
    assert "Итого: 12 345,50 руб." in text
    assert "В т. ч. НДС 22 %: 2 226,23 руб." in text
    assert "Двенадцать тысяч триста сорок пять рублей 50 копеек" in text
    assert "Основание: Договор № 7 от 01.01.2026" in text
    assert "Оплатить не позднее 15.03.2026" in text
    assert "{{" not in text and "{%" not in text
    assert len(_pictures(rendered.data)) == 1
    assert rendered.file_name == "Счёт на оплату № С-1 — Ромашка.docx"


def test_payment_qr_follows_gost_56042(money_rig: MoneyRig) -> None:  # noqa: F811
    doc = money_rig.issue([line("1000.00")])
    with money_rig.base.sessions() as s:
        from vostok_desktop.domain.money import Company

        view = documents.document_view(s, doc.id)
        payload = printing.payment_qr_text(s.get(Company, view.company_id), view)
    assert payload == ("ST00012|Name=ООО «РИЦ Восток»|PersonalAcc=40702810000000000001|"
                       "BankName=ПАО «Банк»|BIC=045004001|CorrespAcc=30101810000000000001|"
                       "PayeeINN=5406123450|KPP=540601001|"
                       "Purpose=Оплата по счёту № С-1 от 05.03.2026|Sum=100000")
    assert printing.qr_png(payload)[:8] == b"\x89PNG\r\n\x1a\n"


def test_usn_act_and_upd_print_without_vat_and_without_qr(money_rig: MoneyRig) -> None:  # noqa: F811
    act = money_rig.issue([line("1500.50", "2")], kind=DocumentKind.ACT,
                          company=money_rig.usn_company, on=date(2026, 3, 31))
    text = _text(printing.render_money_document(money_rig.base, act.id, None).data)
    assert "Акт № А-1 от 31.03.2026" in text
    assert "Исполнитель: ИП Сидоров" in text
    assert "Без НДС" in text and "Итого: 3 001,00 руб." in text
    assert "Три тысячи один рубль 00 копеек" in text
    upd = money_rig.issue([line("100")], kind=DocumentKind.UPD)
    rendered = printing.render_money_document(money_rig.base, upd.id, None)
    assert "Универсальный передаточный документ № У-1" in _text(rendered.data)
    assert _pictures(rendered.data) == []


def test_storno_prints_negative_and_the_register_prints_every_document(
        money_rig: MoneyRig, tmp_path) -> None:  # noqa: F811
    doc = money_rig.issue([line("1000.00")])
    storno_id = documents.storno(money_rig.base, doc.id, None, None)
    text = _text(printing.render_money_document(money_rig.base, storno_id, None).data)
    assert "(сторно) № С-2" in text or "Счёт на оплату № С-2" in text
    assert "-1 000,00" in text and "Минус одна тысяча рублей 00 копеек" in text
    result = printing.render_documents(money_rig.base, [doc.id, storno_id], tmp_path, None)
    assert [p.name for p in result.files] == ["Счёт на оплату № С-1 — Ромашка.docx",
                                              "Счёт на оплату № С-2 — Ромашка.docx"]
    assert result.errors == []
