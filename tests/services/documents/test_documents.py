"""Print templates and printing on both dialects: defaults installed, versions, per-client
overrides, rendering checked by reading the DOCX back, clear errors for bad templates."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal

import docx
import pytest
from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Address, AddressKind, Client, Contact, Email, Employee, Phone
from vostok_desktop.services.documents import printing, templates
from vostok_desktop.services.documents.templates import TemplateError

VALID_INN = "7707083893"


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def make_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def client_id(empty_base: OpenedBase) -> int:
    with empty_base.sessions() as s, s.begin():
        s.add(Employee(login="anna", full_name="Петрова Анна Сергеевна"))
        client = Client(short_name='ООО "Ромашка"', full_name="Общество с ограниченной "
                        "ответственностью «Ромашка»", inn=VALID_INN, kpp="773601001")
        client.addresses.append(Address(kind=AddressKind.LEGAL, postal_code="630099",
                                        text="г. Новосибирск, ул. Ленина, д. 1"))
        client.phones.append(Phone(raw="+7 383 212-34-56", digits="73832123456"))
        client.emails.append(Email(address="office@romashka.ru"))
        contact = Contact(last_name="Иванова", first_name="Мария", middle_name="Петровна",
                          position="Главный бухгалтер")
        contact.emails.append(Email(address="buh@romashka.ru"))
        client.contacts.append(contact)
        s.add(client)
        s.flush()
        return client.id


def employee_id(base: OpenedBase) -> int:
    with base.sessions() as s:
        return s.scalar(select(Employee.id))


def test_defaults_are_installed_once_and_offered_to_a_card(empty_base, client_id) -> None:
    assert templates.ensure_default_templates(empty_base) == 7
    assert templates.ensure_default_templates(empty_base) == 0
    names = {t.code for t in templates.templates_for_client(empty_base, client_id)}
    assert names == {"client_card", "contact_list", "contract", "invoice", "act", "letter",
                     "reconciliation"}


@pytest.mark.parametrize("code", ["client_card", "contact_list", "contract", "invoice", "act",
                                  "letter"])
def test_every_default_form_renders_with_the_clients_data(empty_base, client_id, code) -> None:
    info = next(t for t in templates.templates_for_client(empty_base, client_id)
                if t.code == code)
    document = printing.DocumentInfo(number="42", lines=[printing.DocumentLine(
        "Сопровождение КонсультантПлюс", Decimal(3), "мес.", Decimal("1000.50"))])
    result = printing.render_for_client(empty_base, info.id, client_id,
                                        employee_id(empty_base), document)
    text = docx_text(result.data)
    assert result.file_name.endswith(".docx")
    assert "{{" not in text and "{%" not in text
    if code in ("client_card", "contact_list"):
        assert 'ООО "Ромашка"' in text
        assert "Иванова Мария Петровна" in text
    else:
        assert "«Ромашка»" in text
    if code != "letter":
        assert VALID_INN in text
    if code in ("invoice", "act"):
        assert "Сопровождение КонсультантПлюс" in text
        assert "3 001,50" in text.replace("\u00a0", " ")
    if code == "invoice":
        assert "Три тысячи один рубль 50 копеек" in text
    if code == "letter":
        assert "Уважаемый(ая) Мария Петровна!" in text


def test_unknown_field_is_named(empty_base, client_id) -> None:
    bad = make_docx("Клиент: {{ client.short_name }}", "Директор: {{ client.director_name }}")
    with pytest.raises(TemplateError) as err:
        templates.render_docx(bad, {"client": templates.fields("client", {"short_name": "x"})})
    assert "client.director_name" in str(err.value)
    # Uploading it as a version is refused at once only for unknown top-level names…
    tid = templates.list_templates(empty_base)[0].id
    with pytest.raises(TemplateError) as err:
        templates.add_version(empty_base, tid, make_docx("{{ boss.name }}"), None)
    assert "«boss»" in str(err.value)
    # …and the attribute is named when the form is filled for a client.
    number = templates.add_version(empty_base, tid, bad, None, "с ошибкой")
    assert number == 2
    with pytest.raises(TemplateError) as err:
        printing.render_for_client(empty_base, tid, client_id, None)
    assert "client.director_name" in str(err.value)


def test_syntax_error_and_non_docx_bytes_are_clear(empty_base) -> None:
    with pytest.raises(TemplateError, match="ошибка в теге"):
        templates.render_docx(make_docx("{% for x in %}"), {})
    with pytest.raises(TemplateError, match="не документ DOCX"):
        templates.render_docx(b"%PDF-1.4 not a docx", {})
    with pytest.raises(TemplateError, match="старый формат .doc"):
        templates.validate_template(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.doc")
    with pytest.raises(TemplateError, match="повреждён"):
        templates.render_docx(make_docx("x")[:500], {})
    with pytest.raises(TemplateError, match="пуст"):
        templates.render_docx(b"", {})
    tid = templates.list_templates(empty_base)[0].id
    with pytest.raises(TemplateError):
        templates.add_version(empty_base, tid, b"hello", None)
    assert len(templates.template_versions(empty_base, tid)) == 1  # nothing written


def test_versions_activation_and_per_client_override(empty_base, client_id) -> None:
    emp = employee_id(empty_base)
    invoice = next(t for t in templates.list_templates(empty_base) if t.code == "invoice")
    templates.add_version(empty_base, invoice.id,
                                   make_docx("Счёт v2 для {{ client.short_name }}"), emp,
                                   "упрощённый", activate=True)
    versions = templates.template_versions(empty_base, invoice.id)
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].active and versions[0].created_by == "Петрова Анна Сергеевна"
    assert versions[0].comment == "упрощённый"
    text = docx_text(printing.render_for_client(empty_base, invoice.id, client_id, emp).data)
    assert text.strip() == 'Счёт v2 для ООО "Ромашка"'
    templates.set_active_version(empty_base, invoice.id, 1)
    assert "Счёт на оплату" in docx_text(
        printing.render_for_client(empty_base, invoice.id, client_id, emp).data)
    # An individual form for this client replaces the company's in its card only.
    override = templates.create_override(empty_base, invoice.id, client_id, emp,
                                         make_docx("Особый счёт {{ client.inn }}"))
    offered = {t.code: t for t in templates.templates_for_client(empty_base, client_id)}
    assert offered["invoice"].id == override and offered["invoice"].is_override
    other = {t.code: t for t in templates.templates_for_client(empty_base, client_id + 1)}
    assert other["invoice"].id == invoice.id
    text = docx_text(printing.render_for_client(empty_base, override, client_id, emp).data)
    assert text.strip() == f"Особый счёт {VALID_INN}"
    with pytest.raises(TemplateError, match="уже есть"):
        templates.create_override(empty_base, invoice.id, client_id, emp)


def test_mass_printing_writes_one_file_per_client_and_can_stop(empty_base, client_id,
                                                               tmp_path) -> None:
    with empty_base.sessions() as s, s.begin():
        for n in range(5):
            s.add(Client(short_name=f"ООО Клиент/{n}"))
    with empty_base.sessions() as s:
        ids = list(s.scalars(select(Client.id).order_by(Client.id)))
    card = next(t for t in templates.list_templates(empty_base) if t.code == "client_card")
    result = printing.render_many(empty_base, card.id, ids, tmp_path / "out", None)
    assert len(result.files) == 6 and not result.errors
    assert "ООО Клиент/3" in docx_text(result.files[4].read_bytes())
    seen: list[int] = []

    def stop_after_two(_stage: str, done: int, _total: int) -> None:
        seen.append(done)
        if done >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        printing.render_many(empty_base, card.id, ids, tmp_path / "stopped", None,
                             progress=stop_after_two)
    assert len(list((tmp_path / "stopped").glob("*.docx"))) == 2


def test_money_in_words() -> None:
    assert printing.money_in_words(Decimal("1")) == "Один рубль 00 копеек"
    assert printing.money_in_words(Decimal("22.02")) == "Двадцать два рубля 02 копейки"
    assert printing.money_in_words(1_002_011) == \
        "Один миллион две тысячи одиннадцать рублей 00 копеек"
    assert printing.money(Decimal("1234567.5")) == "1\u00a0234\u00a0567,50"


def test_libreoffice_converts_to_pdf(empty_base, client_id, tmp_path) -> None:
    if printing.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed here: PDF conversion not tested")
    info = next(t for t in templates.list_templates(empty_base) if t.code == "invoice")
    rendered = printing.render_for_client(empty_base, info.id, client_id, None)
    path = tmp_path / "invoice.docx"
    path.write_bytes(rendered.data)
    pdf = printing.convert_to_pdf(path, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_default_template_files_ship_with_the_program() -> None:
    for spec in templates.DEFAULT_TEMPLATES:
        path = templates.default_template_path(spec.file_name)
        assert path.is_file(), path
        templates.validate_template(path.read_bytes(), spec.name)
    assert shutil.which  # keep the import used on every platform


def test_pdf_preview_renders_the_filled_pages(empty_base, client_id, tmp_path) -> None:
    missing = printing.pdf_preview_missing()
    if missing:
        pytest.skip(f"PDF preview not tested: {missing}")
    info = next(t for t in templates.list_templates(empty_base) if t.code == "invoice")
    rendered = printing.render_for_client(empty_base, info.id, client_id, None)
    preview = printing.make_pdf_preview(rendered.data, rendered.file_name, tmp_path / "p")
    assert preview.pdf.read_bytes().startswith(b"%PDF")
    assert [p.name for p in preview.pages] == ["page-1.png"]
    assert preview.pages[0].read_bytes().startswith(b"\x89PNG")
    if shutil.which("pdftotext"):  # the PDF carries the client's data, not the field names
        import subprocess

        text = subprocess.run(["pdftotext", str(preview.pdf), "-"], capture_output=True,
                              check=True).stdout.decode()
        assert "Ромашка" in text and VALID_INN in text and "{{" not in text


def test_a_hung_converter_is_stopped_with_a_clear_error(tmp_path, monkeypatch) -> None:
    if shutil.which("sh") is None:
        pytest.skip("no POSIX shell here")
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setattr(printing, "find_soffice", lambda: str(fake))
    docx_path = tmp_path / "a.docx"
    docx_path.write_bytes(make_docx("текст"))
    with pytest.raises(printing.ConversionError, match="LibreOffice не ответил за 1 с"):
        printing.convert_to_pdf(docx_path, tmp_path, timeout=1)


def test_company_details_live_in_the_base_and_take_over_company_json(
        empty_base, client_id) -> None:
    from vostok_desktop.domain.validators import ValidationError
    from vostok_desktop.services.documents import company

    legacy = company.legacy_path()
    legacy.write_text('{"name": "ООО «РИЦ Сибирь»", "inn": "5406123450", '
                      '"slogan": "Всегда на связи"}', encoding="utf-8")
    details = company.company_details(empty_base)
    assert details["name"] == "ООО «РИЦ Сибирь»" and details["slogan"] == "Всегда на связи"
    assert company.stored_details(empty_base)["slogan"] == "Всегда на связи"  # imported
    legacy.unlink()  # the file is no longer needed: the base has everything
    assert company.company_details(empty_base)["name"] == "ООО «РИЦ Сибирь»"

    with pytest.raises(ValidationError, match="ИНН"):
        company.save_company_details(empty_base, {**details, "inn": "5406123451"}, None)
    with pytest.raises(ValidationError, match="Наименование РИЦ"):
        company.save_company_details(empty_base, {**details, "name": "  "}, None)
    assert company.stored_details(empty_base)["name"] == "ООО «РИЦ Сибирь»"  # nothing half

    company.save_company_details(empty_base, {**details, "name": "ООО «РИЦ Томск»",
                                              "director": "Сидоров С. С."}, None)
    info = next(t for t in templates.list_templates(empty_base) if t.code == "invoice")
    text = docx_text(printing.render_for_client(empty_base, info.id, client_id, None).data)
    assert "ООО «РИЦ Томск»" in text and "Сидоров С. С." in text
