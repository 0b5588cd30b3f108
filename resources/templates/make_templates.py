"""Generate the default print forms (DOCX with docxtpl tags) installed into a new base.

Run: ``python resources/templates/make_templates.py [name.docx ...]`` — rewrites the
*.docx beside it (all, or only the ones named).
The company edits its own copies in Word or LibreOffice afterwards (they are stored in
the base with versions); these files are only the starting point.

Fields available in every template (see vostok_desktop/services/documents/templates.py):
``company``, ``client``, ``contacts``, ``recipient``, ``employee``, ``document``,
``items``, ``today``.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent


def _new(title: str) -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(1.5)
    head = doc.add_paragraph("{{ company.name }}, ИНН {{ company.inn }}, {{ company.address }}")
    head.runs[0].font.size = Pt(9)
    heading = doc.add_heading(title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return doc


def _pairs(doc: Document, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
        cells[0].paragraphs[0].runs[0].bold = True


def _widths(table, widths_cm: tuple[float, ...]) -> None:  # noqa: ANN001
    """Column widths (Word reads the cells', LibreOffice the grid's)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _items_table(doc: Document) -> None:
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells,
                          ("№", "Наименование", "Кол-во", "Ед.", "Цена, руб.", "Сумма, руб."),
                          strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    loop = table.add_row().cells
    loop[0].text = "{%tr for item in items %}"
    row = table.add_row().cells
    for cell, text in zip(row, ("{{ loop.index }}", "{{ item.name }}", "{{ item.quantity }}",
                                "{{ item.unit }}", "{{ item.price }}", "{{ item.amount }}"),
                          strict=True):
        cell.text = text
    end = table.add_row().cells
    end[0].text = "{%tr endfor %}"
    _widths(table, (1.0, 8.5, 1.5, 1.3, 2.6, 2.6))
    totals = doc.add_paragraph("Итого: {{ document.total }} руб.")
    totals.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    vat = doc.add_paragraph("{{ document.vat_line }}")
    vat.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("Всего к оплате: {{ document.total_words }}")


def _signatures(doc: Document) -> None:
    doc.add_paragraph()
    doc.add_paragraph("Руководитель ____________ {{ company.director }}")
    doc.add_paragraph("Исполнитель ____________ {{ employee.full_name }}")


def client_card() -> Document:
    doc = _new("Карточка клиента")
    _pairs(doc, [
        ("Краткое наименование", "{{ client.short_name }}"),
        ("Полное наименование", "{{ client.full_name }}"),
        ("ИНН / КПП", "{{ client.inn }} / {{ client.kpp }}"),
        ("ОГРН", "{{ client.ogrn }}"),
        ("Статус", "{{ client.status }}"),
        ("Регион", "{{ client.region }}"),
        ("Сегмент", "{{ client.segment }}"),
        ("Юридический адрес", "{{ client.legal_address }}"),
        ("Фактический адрес", "{{ client.actual_address }}"),
        ("Телефоны", "{{ client.phones }}"),
        ("E-mail", "{{ client.emails }}"),
        ("Сайт", "{{ client.website }}"),
        ("Примечание", "{{ client.notes }}"),
    ])
    doc.add_heading("Контактные лица", level=2)
    doc.add_paragraph("{% for c in contacts %}{{ c.full_name }}, {{ c.position }}: "
                      "{{ c.phones }} {{ c.emails }}\n{% endfor %}")
    doc.add_paragraph("Распечатано {{ today }}, {{ employee.full_name }}")
    return doc


def contact_list() -> Document:
    doc = _new("Контактные лица клиента {{ client.short_name }}")
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells,
                          ("ФИО", "Должность", "Телефоны", "E-mail", "День рождения"),
                          strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.add_row().cells[0].text = "{%tr for c in contacts %}"
    row = table.add_row().cells
    for cell, text in zip(row, ("{{ c.full_name }}", "{{ c.position }}", "{{ c.phones }}",
                                "{{ c.emails }}", "{{ c.birthday }}"), strict=True):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    doc.add_paragraph("ИНН {{ client.inn }}. Распечатано {{ today }}.")
    return doc


def contract() -> Document:
    doc = _new("Договор № {{ document.number }}")
    doc.add_paragraph("г. {{ company.city }}\t\t\t\t\t\t{{ document.date }}")
    doc.add_paragraph(
        "{{ company.name }}, именуемое в дальнейшем «Исполнитель», в лице руководителя "
        "{{ company.director }}, с одной стороны, и {{ client.full_name }} "
        "(ИНН {{ client.inn }}), именуемое в дальнейшем «Заказчик», с другой стороны, "
        "заключили настоящий договор о нижеследующем."
    )
    doc.add_paragraph("1. Исполнитель оказывает Заказчику услуги по информационному "
                      "сопровождению установленных экземпляров систем КонсультантПлюс.")
    # The month's price from the client's budget (services/documents/printing.py fills
    # ``items`` and ``document.total*`` from services/money/budget.py).
    doc.add_paragraph("{% if items %}2. Ежемесячная стоимость сопровождения по "
                      "прейскуранту Исполнителя с учётом скидок Заказчика:{% else %}"
                      "2. Стоимость услуг определяется прейскурантом Исполнителя и "
                      "указывается в счетах.{% endif %}")
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells,
                          ("№", "Наименование", "Кол-во", "Ед.", "Цена в месяц, руб."),
                          strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.add_row().cells[0].text = "{%tr for item in items %}"
    row = table.add_row().cells
    for cell, text in zip(row, ("{{ loop.index }}", "{{ item.name }}", "{{ item.quantity }}",
                                "{{ item.unit }}", "{{ item.amount }}"), strict=True):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    _widths(table, (1.0, 10.0, 1.5, 1.3, 3.7))
    for row in table.rows[1:]:
        row.cells[4].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("{% if items %}Итого в месяц: {{ document.total }} руб. "
                      "({{ document.total_words }}). {{ document.vat_line }}{% endif %}")
    doc.add_paragraph("{% if items %}Стоимость меняется вместе с прейскурантом Исполнителя "
                      "и указывается в счетах.{% endif %}")
    doc.add_paragraph("3. Договор вступает в силу с {{ document.date }} и действует "
                      "до 31 декабря текущего года.")
    doc.add_heading("Реквизиты сторон", level=2)
    _pairs(doc, [
        ("Исполнитель", "{{ company.name }}, ИНН {{ company.inn }}, {{ company.address }}"),
        ("Заказчик", "{{ client.full_name }}, ИНН {{ client.inn }}"
                     "{% if client.kpp %}, КПП {{ client.kpp }}{% endif %}"
                     "{% if client.legal_address %}, {{ client.legal_address }}{% endif %}"),
    ])
    _signatures(doc)
    return doc


def invoice() -> Document:
    doc = _new("Счёт на оплату № {{ document.number }} от {{ document.date }}")
    _pairs(doc, [
        ("Поставщик", "{{ company.name }}, ИНН {{ company.inn }}"
                      "{% if company.kpp %}, КПП {{ company.kpp }}{% endif %}, "
                      "{{ company.address }}"),
        ("Банк", "{{ company.bank }}"),
        ("Покупатель", "{{ client.full_name }}, ИНН {{ client.inn }}, КПП {{ client.kpp }}"),
        ("Адрес покупателя", "{{ client.legal_address }}"),
    ])
    _widths(doc.tables[-1], (4.0, 13.5))
    doc.add_paragraph("{% if document.basis %}Основание: {{ document.basis }}{% endif %}")
    _items_table(doc)
    doc.add_paragraph("{% if document.due_date %}Оплатить не позднее "
                      "{{ document.due_date }}.{% endif %}")
    doc.add_paragraph("{% if document.qr %}QR-код для оплаты (ГОСТ Р 56042):{% endif %}")
    doc.add_paragraph("{% if document.qr %}{{ document.qr }}{% endif %}")
    _signatures(doc)
    doc.add_paragraph("{% if company.accountant %}Главный бухгалтер ____________ "
                      "{{ company.accountant }}{% endif %}")
    return doc


def act() -> Document:
    doc = _new("{% if document.title %}{{ document.title }}{% else %}Акт{% endif %} "
               "№ {{ document.number }} от {{ document.date }}")
    doc.add_paragraph("Исполнитель: {{ company.name }}, ИНН {{ company.inn }}"
                      "{% if company.kpp %}, КПП {{ company.kpp }}{% endif %}, "
                      "{{ company.address }}")
    doc.add_paragraph("Заказчик: {{ client.full_name }}, ИНН {{ client.inn }}, "
                      "{{ client.legal_address }}")
    doc.add_paragraph("{% if document.basis %}Основание: {{ document.basis }}{% endif %}")
    _items_table(doc)
    doc.add_paragraph("Вышеперечисленные услуги выполнены полностью и в срок. Заказчик "
                      "претензий по объёму, качеству и срокам оказания услуг не имеет.")
    doc.add_paragraph("Исполнитель ____________\t\t\tЗаказчик ____________")
    return doc


def letter() -> Document:
    doc = _new("")
    doc.add_paragraph("{{ client.full_name }}\n{{ client.legal_address }}").alignment = (
        WD_ALIGN_PARAGRAPH.RIGHT)
    doc.add_paragraph("Исх. № {{ document.number }} от {{ document.date }}")
    doc.add_paragraph("{% if recipient %}Уважаемый(ая) {{ recipient.first_name }} "
                      "{{ recipient.middle_name }}!{% else %}Уважаемые коллеги!{% endif %}")
    doc.add_paragraph("{{ document.body }}")
    doc.add_paragraph("С уважением,\n{{ employee.full_name }}\n{{ company.name }}, "
                      "тел. {{ company.phone }}")
    return doc


def reconciliation() -> Document:
    """«Акт сверки»: the company's side filled, the client's side left for the client."""
    doc = _new("{{ document.title }}")
    doc.paragraphs[-1].runs[0].font.size = Pt(14)
    period = doc.add_paragraph("взаимных расчётов за период {{ document.period }}\n"
                               "между {{ company.name }} и {{ client.full_name }}"
                               "{% if client.inn %} (ИНН {{ client.inn }}){% endif %}")
    period.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("Мы, нижеподписавшиеся, {{ company.name }} в лице руководителя "
                      "{{ company.director }}, с одной стороны, и {{ client.full_name }}, с "
                      "другой стороны, составили настоящий акт о том, что состояние "
                      "взаимных расчётов по данным учёта следующее:")
    table = doc.add_table(rows=2, cols=8)
    table.style = "Table Grid"
    ours = table.rows[0].cells[0].merge(table.rows[0].cells[3])
    ours.text = "По данным {{ company.name }}, руб."
    theirs = table.rows[0].cells[4].merge(table.rows[0].cells[7])
    theirs.text = "По данным {{ client.short_name }}, руб."
    for cell, text in zip(table.rows[1].cells, ("Дата", "Документ", "Дебет", "Кредит") * 2,
                          strict=True):
        cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True

    def balance_row(label: str, debit: str, credit: str) -> None:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[1])
        merged.text = label
        merged.paragraphs[0].runs[0].bold = True
        cells[2].text, cells[3].text = debit, credit
        cells[4].merge(cells[5]).text = label
        cells[4].paragraphs[0].runs[0].bold = True

    balance_row("Сальдо на {{ document.start }}", "{{ document.opening_debit }}",
                "{{ document.opening_credit }}")
    table.add_row().cells[0].text = "{%tr for item in items %}"
    row = table.add_row().cells
    for cell, text in zip(row[:4], ("{{ item.date }}", "{{ item.name }}", "{{ item.debit }}",
                                    "{{ item.credit }}"), strict=True):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    balance_row("Обороты за период", "{{ document.turnover_debit }}",
                "{{ document.turnover_credit }}")
    balance_row("Сальдо на {{ document.end }}", "{{ document.closing_debit }}",
                "{{ document.closing_credit }}")
    _widths(table, (2.0, 3.6, 1.9, 1.9, 1.6, 2.3, 1.7, 1.7))
    for number, row in enumerate(table.rows):
        for column, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                if number > 1 and column in (2, 3, 6, 7):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in paragraph.runs:
                    run.font.size = Pt(8)
    doc.add_paragraph()
    doc.add_paragraph("{{ document.conclusion }}").runs[0].bold = True
    doc.add_paragraph()
    signatures = doc.add_table(rows=1, cols=2)
    signatures.rows[0].cells[0].text = (
        "От {{ company.name }}\n\nРуководитель ____________ {{ company.director }}\n"
        "{% if company.accountant %}Главный бухгалтер ____________ {{ company.accountant }}"
        "{% endif %}\n\nМ. П.")
    signatures.rows[0].cells[1].text = (
        "От {{ client.full_name }}\n\nРуководитель ____________\n"
        "Главный бухгалтер ____________\n\nМ. П.")
    _widths(signatures, (8.5, 8.5))
    doc.add_paragraph("Исполнитель: {{ employee.full_name }}. Сформирован {{ today }}.")
    doc.paragraphs[-1].runs[0].font.size = Pt(8)
    return doc


def employee_diary() -> Document:
    doc = _new("Ежедневник сотрудника")
    doc.add_paragraph("Сотрудник: {{ employee.full_name }}{% if employee.department %}, "
                      "{{ employee.department }}{% endif %}")
    doc.add_paragraph("Период: {{ document.period }}")
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells,
                          ("День", "Время", "Что", "Клиент", "Тема", "Отметка"), strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.add_row().cells[0].text = "{%tr for item in items %}"
    row = table.add_row().cells
    for cell, text in zip(row, ("{{ item.day }}", "{{ item.time }}", "{{ item.kind }}",
                                "{{ item.client }}", "{{ item.subject }}", "{{ item.mark }}"),
                          strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(10)
    table.add_row().cells[0].text = "{%tr endfor %}"
    _widths(table, (3.0, 1.8, 2.6, 3.2, 3.7, 2.7))
    doc.add_paragraph("Всего дел: {{ document.count }}, выполнено: {{ document.done }}.")
    doc.add_paragraph()
    doc.add_paragraph("Распечатано {{ today }}{% if document.printed_by %}, "
                      "{{ document.printed_by }}{% endif %}")
    return doc


DEFAULTS = {
    "client_card.docx": client_card,
    "contact_list.docx": contact_list,
    "contract.docx": contract,
    "invoice.docx": invoice,
    "act.docx": act,
    "letter.docx": letter,
    "reconciliation.docx": reconciliation,
    "employee_diary.docx": employee_diary,
}


def main(names: list[str] | None = None) -> None:
    """Every default form, or only ``names`` («contract.docx»…)."""
    for name, build in DEFAULTS.items():
        if names and name not in names:
            continue
        doc = build()
        doc.core_properties.author = "Vostok Desktop"
        doc.core_properties.title = name.removesuffix(".docx")
        doc.save(HERE / name)
        print(HERE / name)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
