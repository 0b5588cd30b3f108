"""Saved variants of a report (rows, columns, measures, grouping, period, filters) kept in
the base, in the table of saved list settings (0011) under kind «report_variant»: a user's
own ones, seen only by them (row-level security on the owner), and shared ones everybody
sees, changed by their author or with the right «Справочники» — the same rules as shared
list filters. No Qt."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vostok_desktop.domain import Employee
from vostok_desktop.domain.reference import ListSettingKind, SavedListSetting
from vostok_desktop.services.reference.common import (
    Editor,
    ReferenceDataError,
    clean_title,
    log,
    write,
)
from vostok_desktop.services.reports.pivot import PivotQuery

__all__ = ["ReportVariant", "delete_variant", "load_variants", "save_variant"]

TABLE = "saved_list_settings"
KIND = ListSettingKind.REPORT_VARIANT


@dataclass(frozen=True)
class ReportVariant:
    id: int
    title: str
    query: PivotQuery
    shared: bool
    owner_name: str
    may_change: bool

    @property
    def display(self) -> str:
        return f"{self.title} (общий, {self.owner_name})" if self.shared and self.owner_name \
            else (f"{self.title} (общий)" if self.shared else self.title)


def _list_kind(report_key: str) -> str:
    return f"report:{report_key}"[:40]


def _may_change(editor: Editor, row: SavedListSetting) -> bool:
    if not row.is_shared:
        return row.owner_id == editor.employee_id
    return editor.may_edit() or (row.owner_id is not None and row.owner_id == editor.employee_id)


def _query(body: str) -> PivotQuery | None:
    try:
        return PivotQuery.from_dict(json.loads(body))
    except (ValueError, TypeError, KeyError):
        return None  # a variant of a newer version: left alone, not shown


def _rows(session: Session, report_key: str) -> list[SavedListSetting]:
    return list(session.scalars(select(SavedListSetting).where(
        SavedListSetting.list_kind == _list_kind(report_key), SavedListSetting.kind == KIND)
        .order_by(SavedListSetting.is_shared, SavedListSetting.title, SavedListSetting.id)))


def load_variants(session: Session, editor: Editor, report_key: str) -> list[ReportVariant]:
    """The user's own variants first, then the shared ones, each by title."""
    rows = [r for r in _rows(session, report_key)
            if r.is_shared or r.owner_id == editor.employee_id]
    owners = {r.owner_id for r in rows if r.owner_id is not None}
    names = dict(session.execute(select(Employee.id, Employee.full_name)
                                 .where(Employee.id.in_(owners))).all()) if owners else {}
    out = []
    for row in rows:
        query = _query(row.body)
        if query is not None:
            out.append(ReportVariant(row.id, row.title, query, row.is_shared,
                                     names.get(row.owner_id or 0, ""), _may_change(editor, row)))
    return out


def save_variant(session: Session, editor: Editor, report_key: str, title: str,
                 query: PivotQuery, *, shared: bool = False) -> ReportVariant:
    """Save under ``title`` (replacing the user's own variant of that name, or a shared
    one they may change)."""
    title = clean_title(title, "название варианта")
    body = json.dumps(query.to_dict(), ensure_ascii=False, sort_keys=True)
    row = next((r for r in _rows(session, report_key)
                if r.title == title and r.is_shared == shared
                and (shared or r.owner_id == editor.employee_id)), None)
    if row is not None and not _may_change(editor, row):
        raise ReferenceDataError(
            f"Общий вариант «{title}» сохранил другой сотрудник; заменить его может он или тот, "
            "у кого есть право «Справочники». Выберите другое название.")

    def apply() -> SavedListSetting:
        if row is None:
            new = SavedListSetting(owner_id=editor.employee_id, is_shared=shared,
                                   list_kind=_list_kind(report_key), kind=KIND, title=title,
                                   body=body)
            session.add(new)
            session.flush()
            if shared:
                log(session, editor, TABLE, new.id, {}, {"list_kind": new.list_kind,
                                                         "title": title, "body": body})
            return new
        if row.body != body:
            old = row.body
            row.body = body
            session.flush()
            if shared:
                log(session, editor, TABLE, row.id, {"body": old}, {"body": body})
        return row

    saved = write(session, apply)
    return ReportVariant(saved.id, title, query, shared, "", True)


def delete_variant(session: Session, editor: Editor, variant_id: int) -> None:
    row = session.get(SavedListSetting, variant_id)
    if row is None or row.kind != KIND:
        return
    if not _may_change(editor, row):
        raise ReferenceDataError(f"Общий вариант «{row.title}» удаляет его автор или тот, у "
                                 "кого есть право «Справочники».")

    def apply() -> None:
        if row.is_shared:
            log(session, editor, TABLE, row.id, {"list_kind": row.list_kind,
                                                 "title": row.title, "body": row.body}, {})
        session.delete(row)

    write(session, apply)
