"""«Подразделения»: the company's departments as a tree (parent, title, head). No Qt."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vostok_desktop.domain import Department, Employee
from vostok_desktop.domain.reference import DepartmentHead
from vostok_desktop.services.reference.common import (
    Editor,
    ReferenceDataError,
    clean_title,
    log,
    refuse_if_used,
    write,
)


@dataclass(frozen=True)
class DepartmentRow:
    id: int
    name: str
    parent_id: int | None
    head_id: int | None
    head_name: str
    depth: int  # 0 for a top department


def list_departments(session: Session) -> list[DepartmentRow]:
    """Every department, in tree order (a parent before its children, names sorted)."""
    heads = dict(session.execute(
        select(DepartmentHead.department_id, Employee.full_name)
        .join(Employee, Employee.id == DepartmentHead.employee_id)).all())
    head_ids = dict(session.execute(
        select(DepartmentHead.department_id, DepartmentHead.employee_id)).all())
    rows = session.execute(select(Department.id, Department.name, Department.parent_id)
                           .order_by(Department.name, Department.id)).all()
    ids = {r.id for r in rows}
    children: dict[int | None, list] = {}
    for r in rows:
        parent = r.parent_id if r.parent_id in ids else None
        children.setdefault(parent, []).append(r)
    ordered: list[DepartmentRow] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for r in children.get(parent, []):
            if r.id in seen:
                continue
            seen.add(r.id)
            ordered.append(DepartmentRow(r.id, r.name, r.parent_id, head_ids.get(r.id),
                                         heads.get(r.id, ""), depth))
            walk(r.id, depth + 1)

    walk(None, 0)
    for r in rows:  # a cycle made by hand in SQL: still listed, at the top
        if r.id not in seen:
            seen.add(r.id)
            ordered.append(DepartmentRow(r.id, r.name, r.parent_id, head_ids.get(r.id),
                                         heads.get(r.id, ""), 0))
    return ordered


def _descendants(session: Session, department_id: int) -> set[int]:
    pairs = session.execute(select(Department.id, Department.parent_id)).all()
    below: set[int] = set()
    frontier = {department_id}
    while frontier:
        frontier = {i for i, p in pairs if p in frontier and i not in below}
        below |= frontier
    return below


def save_department(session: Session, editor: Editor, *, name: str,
                    parent_id: int | None = None, head_id: int | None = None,
                    department_id: int | None = None) -> int:
    """Add (``department_id`` None) or change a department; returns its id."""
    editor.require()
    title = clean_title(name, "название подразделения")
    if parent_id is not None:
        if session.get(Department, parent_id) is None:
            raise ReferenceDataError("Вышестоящее подразделение не найдено.")
        if department_id is not None and (parent_id == department_id or parent_id in
                                          _descendants(session, department_id)):
            raise ReferenceDataError("Подразделение не может входить само в себя "
                                     "или в своё подчинённое.")
    if head_id is not None and session.get(Employee, head_id) is None:
        raise ReferenceDataError("Руководитель не найден среди сотрудников.")
    same = select(Department.id).where(Department.name == title,
                                       Department.parent_id.is_(None) if parent_id is None
                                       else Department.parent_id == parent_id)
    if department_id is not None:
        same = same.where(Department.id != department_id)
    if session.scalar(same) is not None:
        raise ReferenceDataError(f"Подразделение «{title}» здесь уже есть.")

    def apply() -> int:
        if department_id is None:
            row = Department(name=title, parent_id=parent_id)
            session.add(row)
            session.flush()
            log(session, editor, "departments", row.id, {},
                {"name": title, "parent_id": parent_id})
        else:
            row = session.get(Department, department_id)
            if row is None:
                raise ReferenceDataError("Подразделение уже удалено.")
            old = {"name": row.name, "parent_id": row.parent_id}
            row.name, row.parent_id = title, parent_id
            session.flush()
            log(session, editor, "departments", row.id, old,
                {"name": title, "parent_id": parent_id})
        _set_head(session, editor, row.id, head_id)
        return row.id

    return write(session, apply)


def _set_head(session: Session, editor: Editor, department_id: int,
              head_id: int | None) -> None:
    current = session.scalar(select(DepartmentHead)
                             .where(DepartmentHead.department_id == department_id))
    if current is None and head_id is None:
        return
    if current is None:
        current = DepartmentHead(department_id=department_id, employee_id=head_id)
        session.add(current)
        session.flush()
        log(session, editor, "department_heads", current.id, {},
            {"department_id": department_id, "employee_id": head_id})
    elif head_id is None:
        log(session, editor, "department_heads", current.id,
            {"department_id": department_id, "employee_id": current.employee_id}, {})
        session.delete(current)
    elif current.employee_id != head_id:
        log(session, editor, "department_heads", current.id,
            {"employee_id": current.employee_id}, {"employee_id": head_id})
        current.employee_id = head_id


def delete_department(session: Session, editor: Editor, department_id: int) -> None:
    """Delete an unused department; one with employees or sub-departments is refused."""
    editor.require()
    row = session.get(Department, department_id)
    if row is None:
        return
    refuse_if_used(session, "departments", department_id, f"подразделение «{row.name}»")

    def apply() -> None:
        head = session.scalar(select(DepartmentHead)
                              .where(DepartmentHead.department_id == department_id))
        if head is not None:
            log(session, editor, "department_heads", head.id,
                {"department_id": department_id, "employee_id": head.employee_id}, {})
            session.delete(head)
            session.flush()
        log(session, editor, "departments", department_id,
            {"name": row.name, "parent_id": row.parent_id}, {})
        session.delete(row)

    write(session, apply)


def employee_choices(session: Session) -> list[tuple[int, str]]:
    """Employees to choose a head from: active first, by name."""
    return [(e.id, e.full_name + ("" if e.is_active else " (не работает)"))
            for e in session.scalars(select(Employee).order_by(Employee.is_active.desc(),
                                                               Employee.full_name))]
