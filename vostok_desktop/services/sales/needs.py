"""Needs («Потребности»): what a client should be offered, detected from its contacts'
positions by the need rules (a position containing the rule's text, any case → the
rule's system or title), minus the systems the client already has (a distributive at the
client, served or demo). No Qt."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Contact, Distributive, DistributiveStatus
from vostok_desktop.services.sales.catalogue import NeedRuleData, need_rules_in

HELD_STATUSES = (DistributiveStatus.SERVED, DistributiveStatus.DEMO)


@dataclass
class Need:
    """One recommended system (or free-text recommendation) and who makes it needed."""

    title: str
    system_id: int | None
    reasons: list[str] = field(default_factory=list)  # «Иванова Анна — главный бухгалтер»


def matching_rules(position: str, rules: list[NeedRuleData]) -> list[NeedRuleData]:
    folded = position.casefold()
    return [r for r in rules if r.position_pattern.casefold() in folded]


def detect_needs(base: OpenedBase, client_id: int) -> list[Need]:
    """The client's needs, in the order of their first reason (by the contacts' names)."""
    with base.sessions() as s:
        rules = need_rules_in(s, active_only=True)
        contacts = s.execute(
            select(Contact.last_name, Contact.first_name, Contact.middle_name,
                   Contact.position)
            .where(Contact.client_id == client_id, Contact.marked_for_deletion.is_(False),
                   Contact.position.is_not(None))
            .order_by(Contact.search_name, Contact.id)).all()
        held = set(s.scalars(select(Distributive.system_id).where(
            Distributive.client_id == client_id, Distributive.status.in_(HELD_STATUSES))))
    needs: dict[tuple[int | None, str], Need] = {}
    for last, first, middle, position in contacts:
        who = " ".join(p for p in (last, first, middle) if p)
        for rule in matching_rules(position or "", rules):
            if rule.system_id is not None and rule.system_id in held:
                continue
            key = (rule.system_id, "" if rule.system_id else rule.title.casefold())
            need = needs.setdefault(key, Need(rule.recommendation, rule.system_id))
            reason = f"{who} — {position}"
            if reason not in need.reasons:
                need.reasons.append(reason)
    return list(needs.values())
