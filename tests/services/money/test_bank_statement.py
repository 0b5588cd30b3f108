"""The 1C «Клиент-банк» parser: the sample files of both encodings, incoming payments
only, and a broken file refused naming the line and the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.services.money.payments_rig import ACCOUNT, order
from vostok_desktop.services.money.bank_statement import (
    StatementError,
    parse_statement,
    render_statement,
)

DATA = Path(__file__).parent / "data"


def test_cp1251_sample_file() -> None:
    parsed = parse_statement((DATA / "statement_cp1251.txt").read_bytes())
    assert parsed.encoding == "cp1251"
    assert (parsed.version, parsed.date_from, parsed.date_to, parsed.account) == \
        ("1.03", date(2026, 12, 1), date(2026, 12, 4), ACCOUNT)
    assert len(parsed.documents) == 4
    incoming = parsed.incoming()
    # The company's own outgoing payment (rent) is not a receipt.
    assert [(d.number, d.amount, d.payer_inn) for d in incoming] == [
        ("418", Decimal("12400.00"), "7701234567"), ("77", Decimal("8200.00"), "7702345678"),
        ("9", Decimal("38200.00"), "770312345678")]
    first, second = incoming[0], incoming[1]
    assert first.payer_name == 'ООО "Ромашка"'
    assert first.purpose.startswith("Оплата по сч. № С-1 от 01.11.2026")
    assert second.issued_on == date(2026, 12, 2) and second.paid_on == date(2026, 12, 3)
    assert first.line == 21


def test_utf8_sample_file_with_comma_amount_and_payer_without_name1() -> None:
    parsed = parse_statement((DATA / "statement_utf8.txt").read_bytes())
    assert parsed.encoding == "utf-8"
    [sidorov, lyutik] = parsed.incoming()
    assert lyutik.amount == Decimal("5000.00")
    assert lyutik.payer_name == 'АО "Лютик"'  # from «Плательщик» without the INN
    assert sidorov.payer_name == "ИП Сидоров Пётр Ильич"


def test_dos_encoding_by_header() -> None:
    data = render_statement(ACCOUNT, date(2026, 12, 1), date(2026, 12, 1), [order(
        "5", date(2026, 12, 1), "100.00", "Оплата по счёту № С-5", inn="7701234567",
        name='ООО "Ромашка"')], encoding="cp866")
    parsed = parse_statement(data)
    assert parsed.encoding == "cp866"
    assert parsed.incoming()[0].purpose == "Оплата по счёту № С-5"
    assert parsed.incoming()[0].payer_name == 'ООО "Ромашка"'


def test_broken_amount_names_line_and_field() -> None:
    with pytest.raises(StatementError) as caught:
        parse_statement((DATA / "statement_broken.txt").read_bytes())
    assert str(caught.value) == "строка 48: Сумма «12,3,4» — не число"
    assert (caught.value.line, caught.value.field) == (48, "Сумма")


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace("1CClientBankExchange", "Выписка"),
     "строка 1: это не файл обмена «1С: Клиент-банк» — первая строка должна быть "
     "«1CClientBankExchange»"),
    (lambda t: t.replace("Дата=02.12.2026", "Дата=31.02.2026"),
     "строка 47: Дата «31.02.2026» — не дата (нужно ДД.ММ.ГГГГ)"),
    (lambda t: t.replace("КонецФайла\r\n", ""),
     "нет строки КонецФайла — файл обрезан или повреждён"),
    (lambda t: t.replace("Сумма=38200.00\r\n", ""),
     "строка 72: в документе «Платежное поручение» нет поля Сумма"),
    (lambda t: t.replace("ПлательщикИНН=7702345678", "ПлательщикИНН=77023"),
     "строка 52: ПлательщикИНН «77023» — ИНН из 10 или 12 цифр"),
    (lambda t: t.replace("Сумма=12400.00", "Сумма=-12400.00"),
     "строка 24: Сумма «-12400.00» — не число"),
])
def test_broken_files_name_the_line_and_the_field(change, message) -> None:  # noqa: ANN001
    text = (DATA / "statement_cp1251.txt").read_bytes().decode("cp1251")
    with pytest.raises(StatementError) as caught:
        parse_statement(change(text).encode("cp1251"))
    assert caught.value.message.endswith(message)


def test_unclosed_document_is_refused() -> None:
    text = (DATA / "statement_utf8.txt").read_text(encoding="utf-8")
    text = text.replace("КонецДокумента\nСекцияДокумент", "СекцияДокумент", 1)
    with pytest.raises(StatementError, match="строка 13: документ «Платежное поручение» "
                                             "не закрыт строкой КонецДокумента"):
        parse_statement(text.encode("utf-8"))
