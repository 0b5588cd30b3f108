"""Print templates («Печатные формы»): defaults, versions, per-client overrides, rendering.

No Qt. Templates are DOCX files with docxtpl (Jinja2) tags; they are untrusted input, so
a file that is not a DOCX, a tag that does not parse or a field the program does not know
gets a :class:`TemplateError` whose message names the problem — never a crash, never a
half-written document. docxtpl is imported on first use (~0.1 s, shared/FINDINGS.md).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from vostok_desktop import paths
from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Employee
from vostok_desktop.domain.documents import (
    TEMPLATE_KIND_TITLES,
    PrintTemplate,
    PrintTemplateVersion,
    TemplateKind,
)

TEMPLATE_MAX_BYTES = 20 * 1024 * 1024


class TemplateError(ValueError):
    """A template that cannot be used; ``str(err)`` is the Russian reason for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DefaultTemplate:
    code: str
    name: str
    kind: TemplateKind
    file_name: str


DEFAULT_TEMPLATES: tuple[DefaultTemplate, ...] = (
    DefaultTemplate("client_card", "Карточка клиента", TemplateKind.CLIENT_CARD,
                    "client_card.docx"),
    DefaultTemplate("contact_list", "Список контактных лиц", TemplateKind.CONTACT_LIST,
                    "contact_list.docx"),
    DefaultTemplate("contract", "Договор на сопровождение", TemplateKind.CONTRACT,
                    "contract.docx"),
    DefaultTemplate("invoice", "Счёт на оплату", TemplateKind.INVOICE, "invoice.docx"),
    DefaultTemplate("act", "Акт выполненных работ", TemplateKind.ACT, "act.docx"),
    DefaultTemplate("letter", "Письмо клиенту", TemplateKind.LETTER, "letter.docx"),
    DefaultTemplate("reconciliation", "Акт сверки взаимных расчётов",
                    TemplateKind.RECONCILIATION, "reconciliation.docx"),
)


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    code: str
    name: str
    kind: TemplateKind
    client_id: int | None
    active_version: int | None
    versions: int

    @property
    def kind_title(self) -> str:
        return TEMPLATE_KIND_TITLES.get(self.kind, str(self.kind))

    @property
    def is_override(self) -> bool:
        return self.client_id is not None


@dataclass(frozen=True)
class VersionInfo:
    template_id: int
    number: int
    size: int
    created_at: datetime
    created_by: str | None
    comment: str
    active: bool


def default_template_path(file_name: str) -> Path:
    return paths.resources_dir() / "templates" / file_name


# -- validation ------------------------------------------------------------------------
def check_docx(data: bytes, name: str = "шаблон") -> None:
    """Refuse bytes that are not a Word 2007+ document, saying why."""
    if not data:
        raise TemplateError(f"Файл «{name}» пуст")
    if len(data) > TEMPLATE_MAX_BYTES:
        raise TemplateError(f"Файл «{name}» слишком большой для шаблона")
    if data[:4] != b"PK\x03\x04":
        hint = " (это старый формат .doc — сохраните его как .docx)" \
            if data[:4] == b"\xd0\xcf\x11\xe0" else ""
        raise TemplateError(f"Файл «{name}» — не документ DOCX{hint}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise TemplateError(f"Файл «{name}» — архив, но не документ Word (DOCX)")
            archive.read("word/document.xml")
    except zipfile.BadZipFile:
        raise TemplateError(f"Файл «{name}» повреждён: архив DOCX не читается") from None
    except (zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise TemplateError(f"Файл «{name}» повреждён: {exc}") from None


KNOWN_FIELDS = ("company", "client", "contacts", "recipient", "employee", "document",
                "items", "today")


def template_fields(data: bytes, name: str = "шаблон") -> set[str]:
    """Top-level fields the template uses; raises TemplateError on a syntax error."""
    check_docx(data, name)
    doc = _load(data, name)
    try:
        return set(doc.get_undeclared_template_variables(_jinja_env()))
    except Exception as exc:  # noqa: BLE001 - jinja raises several kinds
        raise _template_error(exc, name) from None


def validate_template(data: bytes, name: str = "шаблон") -> None:
    """A template is usable when it is a DOCX, parses, and names only known fields."""
    unknown = sorted(template_fields(data, name) - set(KNOWN_FIELDS))
    if unknown:
        raise TemplateError(
            f"В шаблоне «{name}» неизвестное поле «{unknown[0]}». "
            f"Доступны: {', '.join(KNOWN_FIELDS)}", unknown[0])


# -- rendering ---------------------------------------------------------------------------
@cache
def _jinja_env() -> Any:
    import jinja2

    class _NamedStrictUndefined(jinja2.StrictUndefined):
        """Names the whole path of a missing field: «client.foo», not just «foo»."""

        @property
        def _undefined_message(self) -> str:  # type: ignore[override]
            owner = self._undefined_obj
            path = getattr(owner, "_path", None)
            name = self._undefined_name
            if path and name is not None:
                return f"{path}.{name}"
            if name is not None:
                return str(name)
            return super()._undefined_message

    env = jinja2.Environment(undefined=_NamedStrictUndefined, autoescape=False)
    return env


class Fields(dict):
    """A dict that knows its dotted path, for error messages about missing fields."""

    def __init__(self, path: str, values: dict[str, Any]) -> None:
        super().__init__(values)
        self._path = path

    def __getattr__(self, name: str) -> Any:  # jinja tries getattr before getitem
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def fields(path: str, values: dict[str, Any]) -> Fields:
    return Fields(path, values)


def _load(data: bytes, name: str) -> Any:
    from docxtpl import DocxTemplate

    try:
        return DocxTemplate(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on bad files
        raise TemplateError(f"Файл «{name}» не открывается как DOCX: {exc}") from None


_MISSING_RE = re.compile(r"'([^']+)' has no attribute '([^']+)'|'([^']+)' is undefined")


def _template_error(exc: Exception, name: str) -> TemplateError:
    import jinja2

    if isinstance(exc, jinja2.UndefinedError):
        field = str(exc.message or exc)
        match = _MISSING_RE.search(field)
        if match:
            field = match.group(2) or match.group(3)
        return TemplateError(f"В шаблоне «{name}» неизвестное поле «{field}»", field)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateError(f"В шаблоне «{name}» ошибка в теге: {exc.message}")
    return TemplateError(f"Шаблон «{name}» не заполнен: {exc}")


def render_docx(data: bytes, context: dict[str, Any], name: str = "шаблон") -> bytes:
    """Fill a DOCX template with ``context``; the result as DOCX bytes."""
    return CompiledTemplate(data, name).render(context)


_RENDERED_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")


class CompiledTemplate:
    """A template parsed and compiled once, rendered many times (mass printing).

    docxtpl re-reads the package, recompiles the Jinja template and re-writes every part
    through python-docx on each render (~40 ms a page here); this does the docxtpl
    pre-processing and the Jinja compile once, then per document renders the XML parts
    and copies the other parts of the package byte for byte — several times faster.
    """

    def __init__(self, data: bytes, name: str = "шаблон") -> None:
        import zipfile as _zip

        check_docx(data, name)
        self.name = name
        self._doc = _load(data, name)
        # Escaped into the XML: a «&», «<» or quote in a client's name stays text (without
        # it «Рога & Копыта» printed as «Рога  Копыта» and «<…>» vanished).
        env = _jinja_env().overlay(autoescape=True)
        self._entries: list[tuple[Any, bytes]] = []
        self._parts: dict[str, Any] = {}
        with _zip.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                raw = archive.read(info)
                self._entries.append((info, raw))
                if _RENDERED_PARTS.fullmatch(info.filename):
                    xml = self._doc.patch_xml(raw.decode("utf-8"))
                    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
                    try:
                        self._parts[info.filename] = env.from_string(xml)
                    except Exception as exc:  # noqa: BLE001
                        raise _template_error(exc, name) from None

    def render(self, context: dict[str, Any]) -> bytes:
        import zipfile as _zip

        from lxml import etree

        out = io.BytesIO()
        with _zip.ZipFile(out, "w", _zip.ZIP_DEFLATED) as archive:
            for info, raw in self._entries:
                template = self._parts.get(info.filename)
                if template is not None:
                    try:
                        xml = template.render(context)
                    except Exception as exc:  # noqa: BLE001
                        raise _template_error(exc, self.name) from None
                    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
                    xml = (xml.replace("{_{", "{{").replace("}_}", "}}")
                           .replace("{_%", "{%").replace("%_}", "%}"))
                    xml = self._doc.resolve_listing(xml)
                    if info.filename == "word/document.xml":
                        body = re.sub(r"^<\?xml[^>]*\?>\s*", "", xml)
                        tree = self._doc.fix_tables(body)
                        raw = etree.tostring(tree, xml_declaration=True, encoding="UTF-8",
                                             standalone=True)
                    else:
                        raw = xml.encode("utf-8")
                archive.writestr(info.filename, raw, _zip.ZIP_DEFLATED)
        return out.getvalue()


# -- storage -----------------------------------------------------------------------------
DEFAULT_COMMENT = "Шаблон по умолчанию"
UPDATED_COMMENT = "Шаблон по умолчанию (новая версия программы)"


def ensure_default_templates(base: OpenedBase) -> int:
    """Install the default print forms missing from the base and bring the untouched
    ones up to this program's files; returns how many were installed or updated.

    A form is untouched when every version of it is a default one (nobody uploaded an
    edited file): then a shipped file of another size becomes its next, active version
    (e.g. the contract that now prints the budget's amounts); the old version stays in
    its history. A read-only base (an outdated server schema) is left alone."""
    if base.read_only:
        return 0
    from sqlalchemy.exc import DBAPIError

    try:
        with base.sessions() as s, s.begin():
            rows = s.execute(
                select(PrintTemplate.id, PrintTemplate.code, PrintTemplate.active_version,
                       PrintTemplateVersion.number, PrintTemplateVersion.size,
                       PrintTemplateVersion.comment)
                .outerjoin(PrintTemplateVersion,
                           PrintTemplateVersion.template_id == PrintTemplate.id)
                .where(PrintTemplate.client_id.is_(None))).all()
            present: dict[str, list[Any]] = {}
            for row in rows:
                present.setdefault(row.code, []).append(row)
            changed = 0
            for spec in DEFAULT_TEMPLATES:
                path = default_template_path(spec.file_name)
                versions = present.get(spec.code)
                if versions is None:
                    data = path.read_bytes()
                    template = PrintTemplate(code=spec.code, name=spec.name, kind=spec.kind,
                                             active_version=1)
                    template.versions.append(PrintTemplateVersion(
                        number=1, data=data, size=len(data), comment=DEFAULT_COMMENT))
                    s.add(template)
                    changed += 1
                    continue
                untouched = all(v.number is not None and (v.comment or "").startswith(
                    DEFAULT_COMMENT) for v in versions)
                active = next((v for v in versions if v.number == v.active_version), None)
                if not untouched or active is None or active.size == path.stat().st_size:
                    continue
                data = path.read_bytes()
                number = max(v.number for v in versions) + 1
                s.add(PrintTemplateVersion(template_id=active.id, number=number, data=data,
                                           size=len(data), comment=UPDATED_COMMENT))
                s.flush()
                template = s.get(PrintTemplate, active.id)
                assert template is not None
                template.active_version = number
                changed += 1
            return changed
    except DBAPIError as exc:
        # A server login without «templates.edit» may not add the forms a newer program
        # brings (e.g. «Акт сверки» on an upgraded base): it prints with those present,
        # and the next login with the right installs them.
        if getattr(exc.orig, "sqlstate", None) == "42501":
            return 0
        raise


def _info_rows(base: OpenedBase, where: Any) -> list[TemplateInfo]:
    with base.sessions() as s:
        counts = (select(PrintTemplateVersion.template_id, func.count().label("n"))
                  .group_by(PrintTemplateVersion.template_id).subquery())
        rows = s.execute(
            select(PrintTemplate, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.template_id == PrintTemplate.id)
            .where(where).order_by(PrintTemplate.name, PrintTemplate.id))
        return [TemplateInfo(t.id, t.code, t.name, t.kind, t.client_id, t.active_version, n)
                for t, n in rows]


def list_templates(base: OpenedBase, *, include_overrides: bool = True) -> list[TemplateInfo]:
    """Every template: company-wide first, then per-client overrides."""
    ensure_default_templates(base)
    where = PrintTemplate.id.is_not(None) if include_overrides else \
        PrintTemplate.client_id.is_(None)
    rows = _info_rows(base, where)
    return sorted(rows, key=lambda t: (t.client_id is not None, t.name))


def templates_for_client(base: OpenedBase, client_id: int | None) -> list[TemplateInfo]:
    """The forms a client's card offers: a per-client override replaces the company's."""
    ensure_default_templates(base)
    rows = _info_rows(base, (PrintTemplate.client_id.is_(None))
                      | (PrintTemplate.client_id == client_id))
    chosen: dict[str, TemplateInfo] = {}
    for info in rows:
        if info.active_version is None:
            continue
        if info.code not in chosen or info.client_id is not None:
            chosen[info.code] = info
    return sorted(chosen.values(), key=lambda t: t.name)


def template_versions(base: OpenedBase, template_id: int) -> list[VersionInfo]:
    with base.sessions() as s:
        template = s.get(PrintTemplate, template_id)
        if template is None:
            raise LookupError(f"Шаблон №{template_id} не найден")
        rows = s.execute(
            select(PrintTemplateVersion, Employee.full_name)
            .outerjoin(Employee, Employee.id == PrintTemplateVersion.created_by_id)
            .where(PrintTemplateVersion.template_id == template_id)
            .order_by(PrintTemplateVersion.number.desc()))
        return [VersionInfo(template_id, v.number, v.size, v.created_at, who, v.comment,
                            v.number == template.active_version) for v, who in rows]


def read_template(base: OpenedBase, template_id: int, number: int | None = None
                  ) -> tuple[str, bytes]:
    """The name and DOCX bytes of a version (the active one by default)."""
    with base.sessions() as s:
        template = s.get(PrintTemplate, template_id)
        if template is None:
            raise LookupError(f"Шаблон №{template_id} не найден")
        wanted = number if number is not None else template.active_version
        if wanted is None:
            raise TemplateError(f"У шаблона «{template.name}» нет действующей версии")
        version = s.scalars(
            select(PrintTemplateVersion).options(undefer(PrintTemplateVersion.data))
            .where(PrintTemplateVersion.template_id == template_id,
                   PrintTemplateVersion.number == wanted)).one_or_none()
        if version is None:
            raise LookupError(f"У шаблона «{template.name}» нет версии {wanted}")
        return template.name, bytes(version.data)


def add_version(base: OpenedBase, template_id: int, data: bytes, employee_id: int | None,
                comment: str = "", *, activate: bool = True) -> int:
    """Store a new DOCX as the next version (validated first; nothing written if bad)."""
    with base.sessions() as s:
        template = s.get(PrintTemplate, template_id)
        if template is None:
            raise LookupError(f"Шаблон №{template_id} не найден")
        name = template.name
    validate_template(data, name)
    with base.sessions() as s, s.begin():
        template = s.get(PrintTemplate, template_id)
        assert template is not None
        number = (s.scalar(select(func.max(PrintTemplateVersion.number))
                           .where(PrintTemplateVersion.template_id == template_id)) or 0) + 1
        s.add(PrintTemplateVersion(template_id=template_id, number=number, data=bytes(data),
                                   size=len(data), created_by_id=employee_id,
                                   comment=comment.strip()))
        if activate:
            template.active_version = number
        return number


def set_active_version(base: OpenedBase, template_id: int, number: int) -> None:
    with base.sessions() as s, s.begin():
        exists = s.scalar(select(PrintTemplateVersion.id).where(
            PrintTemplateVersion.template_id == template_id,
            PrintTemplateVersion.number == number))
        if exists is None:
            raise LookupError(f"У шаблона №{template_id} нет версии {number}")
        template = s.get(PrintTemplate, template_id)
        assert template is not None
        template.active_version = number


def create_template(base: OpenedBase, name: str, kind: TemplateKind, data: bytes,
                    employee_id: int | None, *, code: str | None = None,
                    client_id: int | None = None, comment: str = "") -> int:
    """A new template (or, with ``client_id``, an individual form for that client)."""
    name = name.strip()
    if not name:
        raise TemplateError("Название шаблона: обязательное поле")
    validate_template(data, name)
    with base.sessions() as s, s.begin():
        code = code or f"custom_{int(datetime.now().timestamp() * 1000)}"
        clash = s.scalar(select(PrintTemplate.id).where(
            PrintTemplate.code == code,
            PrintTemplate.client_id.is_(None) if client_id is None
            else PrintTemplate.client_id == client_id))
        if clash is not None:
            raise TemplateError("Для этого клиента уже есть индивидуальная форма такого вида"
                                if client_id else f"Шаблон с кодом «{code}» уже есть")
        template = PrintTemplate(code=code, name=name, kind=kind, client_id=client_id,
                                 active_version=1)
        template.versions.append(PrintTemplateVersion(
            number=1, data=bytes(data), size=len(data), created_by_id=employee_id,
            comment=comment.strip()))
        s.add(template)
        s.flush()
        return template.id


def create_override(base: OpenedBase, template_id: int, client_id: int,
                    employee_id: int | None, data: bytes | None = None,
                    comment: str = "Индивидуальная форма") -> int:
    """An individual form of a company template for one client (a copy to edit)."""
    name, active = read_template(base, template_id)
    with base.sessions() as s:
        template = s.get(PrintTemplate, template_id)
        assert template is not None
        code, kind = template.code, template.kind
    return create_template(base, name, kind, data if data is not None else active,
                           employee_id, code=code, client_id=client_id, comment=comment)


def delete_template(base: OpenedBase, template_id: int) -> None:
    with base.sessions() as s, s.begin():
        template = s.get(PrintTemplate, template_id)
        if template is not None:
            s.delete(template)
