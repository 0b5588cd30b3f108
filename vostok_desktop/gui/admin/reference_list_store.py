"""Where a list agent keeps its saved filters and colour rules: in the base (own and
shared, migration 0011), with QSettings as the fallback for a base without the table and
for what was saved there before.

Own filters saved in QSettings earlier are still offered; the first save into the base
takes them along, and then the QSettings copy is removed. A base that cannot be read or
written (a lost server, an older schema) keeps everything in QSettings as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QSettings
from sqlalchemy.exc import SQLAlchemyError

from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.lists.filters import (
    ColourRule,
    FilterGroup,
    dump_colour_rules,
    dump_saved_filters,
    load_colour_rules,
    load_saved_filters,
)
from vostok_desktop.services.reference import list_settings as ls
from vostok_desktop.services.reference.common import Editor, ReferenceDataError

log = logging.getLogger(__name__)
FAILURES = (SQLAlchemyError, AccessDenied, ReferenceDataError, OSError)


class ListSettingsStore:
    """Saved filters and colour rules of one list (``list_kind``: the agent's settings
    name); ``qs_key(name)`` is the agent's QSettings key."""

    def __init__(self, context: AppContext, list_kind: str,
                 qs_key: Callable[[str], str]) -> None:
        self.context = context
        self.list_kind = list_kind
        self.qs_key = qs_key
        self.last_error = ""

    # -- where ----------------------------------------------------------------------------
    @property
    def qsettings(self) -> QSettings:
        return self.context.qsettings

    def _qs(self, name: str) -> str | None:
        value = self.qsettings.value(self.qs_key(name))
        return str(value) if value is not None else None

    def editor(self) -> Editor:
        return Editor(self.context.employee_id, self.context.access)

    def in_base(self) -> bool:
        base = self.context.base
        if base.read_only:
            return False
        try:
            return ls.supported(base.engine)
        except FAILURES:
            return False

    def can_share_colours(self) -> bool:
        return self.in_base() and self.editor().may_edit()

    def _failed(self, exc: BaseException) -> None:
        self.last_error = getattr(exc, "message", None) or str(exc).splitlines()[0]
        log.warning("list settings in the base: %s", self.last_error)

    # -- filters ----------------------------------------------------------------------------
    def stored(self) -> ls.StoredFilters:
        """Own filters (the base's, then QSettings' not in the base) and shared ones."""
        legacy = load_saved_filters(self._qs("saved_filters"))
        if not self.in_base():
            return ls.StoredFilters(legacy, {})
        try:
            with self.context.base.sessions() as s:
                found = ls.load_filters(s, self.editor(), self.list_kind)
        except FAILURES as exc:
            self._failed(exc)
            return ls.StoredFilters(legacy, {})
        return ls.StoredFilters({**legacy, **found.own}, found.shared)

    def store_own(self, filters: Mapping[str, FilterGroup]) -> bool:
        """Keep the user's own filters; True when they went into the base."""
        self.last_error = ""
        if self.in_base():
            try:
                with self.context.base.sessions.begin() as s:
                    ls.save_own_filters(s, self.editor(), self.list_kind, filters)
            except FAILURES as exc:
                self._failed(exc)
            else:
                self.qsettings.remove(self.qs_key("saved_filters"))
                return True
        self.qsettings.setValue(self.qs_key("saved_filters"), dump_saved_filters(dict(filters)))
        return False

    def store_shared(self, added: Mapping[str, FilterGroup], removed: Sequence[str]) -> bool:
        """Share or un-share filters; a refusal is kept in ``last_error``."""
        self.last_error = ""
        if not (added or removed):
            return True
        if not self.in_base():
            self.last_error = "Общие фильтры хранятся в базе, а эта база их не поддерживает."
            return False
        try:
            with self.context.base.sessions.begin() as s:
                for title in removed:
                    ls.delete_shared_filter(s, self.editor(), self.list_kind, title)
                for title, group in added.items():
                    ls.save_shared_filter(s, self.editor(), self.list_kind, title, group)
        except FAILURES as exc:
            self._failed(exc)
            return False
        return True

    # -- colour rules -------------------------------------------------------------------------
    def colour_rules(self, default: Callable[[], list[ColourRule]]) -> list[ColourRule]:
        """Own rules in the base, else own in QSettings, else the shared ones, else the
        program's defaults."""
        legacy = self._qs("colour_rules")
        if self.in_base():
            try:
                with self.context.base.sessions() as s:
                    sets = ls.load_colour_rule_sets(s, self.editor(), self.list_kind)
            except FAILURES as exc:
                self._failed(exc)
            else:
                if sets.own is not None:
                    return sets.own
                if legacy is None and sets.shared is not None:
                    return sets.shared
        return load_colour_rules(legacy, default)

    def store_colour_rules(self, rules: Sequence[ColourRule], shared: bool = False) -> bool:
        """Keep the user's rules (or, ``shared``, everybody's: the user's own are dropped
        so the shared ones apply to them too); True when the base took them."""
        self.last_error = ""
        if self.in_base():
            try:
                with self.context.base.sessions.begin() as s:
                    if shared:
                        ls.save_shared_colour_rules(s, self.editor(), self.list_kind, rules)
                        ls.save_own_colour_rules(s, self.editor(), self.list_kind, None)
                    else:
                        ls.save_own_colour_rules(s, self.editor(), self.list_kind, rules)
            except FAILURES as exc:
                self._failed(exc)
                if shared:
                    return False
            else:
                self.qsettings.remove(self.qs_key("colour_rules"))
                return True
        self.qsettings.setValue(self.qs_key("colour_rules"), dump_colour_rules(rules))
        return False
