"""«Дополнительные сведения»: definitions of custom fields of clients and contacts —
name, type, list values, required, order. No Qt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vostok_desktop.domain import CustomField, CustomFieldEntity, CustomFieldType, CustomValue
from vostok_desktop.domain.reference import CustomFieldRule
from vostok_desktop.services.reference.common import (
    Editor,
    ReferenceDataError,
    clean_title,
    log,
    plural,
    refuse_if_used,
    write,
)

TYPE_TITLES: dict[CustomFieldType, str] = {
    CustomFieldType.TEXT: "Текст",
    CustomFieldType.NUMBER: "Число",
    CustomFieldType.DATE: "Дата",
    CustomFieldType.CHOICE: "Выбор из списка",
}
ENTITY_TITLES: dict[CustomFieldEntity, str] = {
    CustomFieldEntity.CLIENT: "Клиент",
    CustomFieldEntity.CONTACT: "Контактное лицо",
}
_VALUES = ("значение", "значения", "значений")


@dataclass(frozen=True)
class CustomFieldRow:
    id: int
    entity: CustomFieldEntity
    name: str
    value_type: CustomFieldType
    choices: tuple[str, ...]
    required: bool
    position: int
    values: int  # how many cards have it filled in


def list_custom_fields(session: Session,
                       entity: CustomFieldEntity | None = None) -> list[CustomFieldRow]:
    counts = dict(session.execute(select(CustomValue.field_id, func.count())
                                  .group_by(CustomValue.field_id)).all())
    required = dict(session.execute(select(CustomFieldRule.field_id,
                                           CustomFieldRule.is_required)).all())
    stmt = select(CustomField).order_by(CustomField.entity, CustomField.position, CustomField.id)
    if entity is not None:
        stmt = stmt.where(CustomField.entity == entity)
    return [CustomFieldRow(f.id, CustomFieldEntity(f.entity), f.name,
                           CustomFieldType(f.value_type), tuple(f.choices or ()),
                           bool(required.get(f.id, False)), f.position,
                           int(counts.get(f.id, 0)))
            for f in session.scalars(stmt)]


def _clean_choices(choices: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in choices:
        value = " ".join(raw.split())
        if value and value.lower() not in (c.lower() for c in cleaned):
            cleaned.append(value)
    return cleaned


def save_custom_field(session: Session, editor: Editor, *, entity: CustomFieldEntity,
                      name: str, value_type: CustomFieldType,
                      choices: Sequence[str] = (), required: bool = False,
                      field_id: int | None = None) -> int:
    """Add or change a field definition. Changing the type of a field with values, or
    removing a list value some card has, is refused with the count."""
    editor.require()
    title = clean_title(name, "название поля")
    entity, value_type = CustomFieldEntity(entity), CustomFieldType(value_type)
    values = _clean_choices(choices) if value_type is CustomFieldType.CHOICE else []
    if value_type is CustomFieldType.CHOICE and not values:
        raise ReferenceDataError("У поля «выбор из списка» должно быть хотя бы одно значение.")
    names = session.execute(select(CustomField.id, CustomField.name)
                            .where(CustomField.entity == entity)).all()
    if any(n.lower() == title.lower() and i != field_id for i, n in names):
        raise ReferenceDataError(f"Поле «{title}» у этой карточки уже есть.")
    row = session.get(CustomField, field_id) if field_id is not None else None
    if field_id is not None and row is None:
        raise ReferenceDataError("Поле уже удалено.")
    if row is not None:
        used = session.scalar(select(func.count()).select_from(CustomValue)
                              .where(CustomValue.field_id == row.id)) or 0
        if used and (CustomFieldType(row.value_type) is not value_type
                     or CustomFieldEntity(row.entity) is not entity):
            raise ReferenceDataError(
                f"Тип и вид карточки поля «{row.name}» не меняют: оно заполнено "
                f"({plural(used, _VALUES)}).")
        if value_type is CustomFieldType.CHOICE:
            dropped = [c for c in (row.choices or []) if c not in values]
            if dropped:
                in_use = session.scalar(select(func.count()).select_from(CustomValue).where(
                    CustomValue.field_id == row.id, CustomValue.value_text.in_(dropped))) or 0
                if in_use:
                    raise ReferenceDataError(
                        "Значения «" + "», «".join(dropped) + f"» выбраны в карточках "
                        f"({plural(in_use, _VALUES)}); уберите их сначала из карточек.")

    def apply() -> int:
        new = {"entity": entity.value, "name": title, "value_type": value_type.value,
               "choices": "; ".join(values) or None}
        if row is None:
            position = (session.scalar(select(func.max(CustomField.position))
                                       .where(CustomField.entity == entity)) or 0) + 1
            field = CustomField(entity=entity, name=title, value_type=value_type,
                                choices=values or None, position=position)
            session.add(field)
            session.flush()
            log(session, editor, "custom_fields", field.id, {}, new)
            fid = field.id
        else:
            old = {"entity": CustomFieldEntity(row.entity).value, "name": row.name,
                   "value_type": CustomFieldType(row.value_type).value,
                   "choices": "; ".join(row.choices or []) or None}
            row.entity, row.name, row.value_type = entity, title, value_type
            row.choices = values or None
            session.flush()
            log(session, editor, "custom_fields", row.id, old, new)
            fid = row.id
        _set_required(session, editor, fid, required)
        return fid

    return write(session, apply)


def _set_required(session: Session, editor: Editor, field_id: int, required: bool) -> None:
    rule = session.scalar(select(CustomFieldRule).where(CustomFieldRule.field_id == field_id))
    if rule is None:
        if not required:
            return
        rule = CustomFieldRule(field_id=field_id, is_required=True)
        session.add(rule)
        session.flush()
        log(session, editor, "custom_field_rules", rule.id, {},
            {"field_id": field_id, "is_required": True})
    elif rule.is_required != required:
        log(session, editor, "custom_field_rules", rule.id, {"is_required": rule.is_required},
            {"is_required": required})
        rule.is_required = required


def move_custom_field(session: Session, editor: Editor, field_id: int, offset: int) -> None:
    """Move a field up (-1) or down (+1) among its card's fields."""
    editor.require()
    row = session.get(CustomField, field_id)
    if row is None:
        return
    fields = list(session.scalars(select(CustomField).where(CustomField.entity == row.entity)
                                  .order_by(CustomField.position, CustomField.id)))
    index = fields.index(row)
    other = index + offset
    if not 0 <= other < len(fields):
        return
    fields[index], fields[other] = fields[other], fields[index]

    def apply() -> None:
        for position, field in enumerate(fields, start=1):
            if field.position != position:
                log(session, editor, "custom_fields", field.id, {"position": field.position},
                    {"position": position})
                field.position = position

    write(session, apply)


def delete_custom_field(session: Session, editor: Editor, field_id: int) -> None:
    """Delete a field no card has filled in (else refused: its values would be lost)."""
    editor.require()
    row = session.get(CustomField, field_id)
    if row is None:
        return
    refuse_if_used(session, "custom_fields", field_id, f"поле «{row.name}»")

    def apply() -> None:
        rule = session.scalar(select(CustomFieldRule)
                              .where(CustomFieldRule.field_id == field_id))
        if rule is not None:
            log(session, editor, "custom_field_rules", rule.id,
                {"field_id": field_id, "is_required": rule.is_required}, {})
            session.delete(rule)
            session.flush()
        log(session, editor, "custom_fields", field_id,
            {"name": row.name, "value_type": CustomFieldType(row.value_type).value}, {})
        session.delete(row)

    write(session, apply)


def missing_required(session: Session, entity: CustomFieldEntity,
                     values: Mapping[int, object]) -> list[str]:
    """Names of required fields of ``entity`` left empty in ``values`` (field id → value),
    for a card's save to refuse with."""
    required = session.scalars(
        select(CustomField.name).join(CustomFieldRule, CustomFieldRule.field_id == CustomField.id)
        .where(CustomField.entity == entity, CustomFieldRule.is_required.is_(True))
        .order_by(CustomField.position, CustomField.id)).all()
    ids = dict(session.execute(select(CustomField.name, CustomField.id)
                               .where(CustomField.entity == entity)).all())
    return [name for name in required
            if values.get(ids[name]) in (None, "")]
