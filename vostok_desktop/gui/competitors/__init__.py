"""The competitors area in the main window: «Конкуренты…» in the menu «Продажи» (the
catalogue and the lifecycle's stages), the client card's page «Конкуренты» and the
document «Конкурент клиента» with its keys (Insert — new kit, Ctrl+→ — next stage,
Ctrl+Alt+P — «Поручение по конкуренту…»), plus the three reports of the area in the same
menu. Dialog modules load on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from vostok_desktop.gui.menus import SALES_MENU, area_menu

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext

CATEGORY = "Конкуренты"
CLIENT_PAGE = "page_competitors"
REPORTS = ("report.competitors", "report.competitor_shares", "report.competitor_clashes")
DOCUMENT_SCOPE = "competitor_document"
PAGE_SCOPE = "client_competitors_page"


class CompetitorsArea:
    """What ``install_competitors`` leaves on the window (``window.competitors``)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.context: AppContext = window.context  # type: ignore[attr-defined]
        self.dialog: Any = None  # the last catalogue dialog
        self.document: Any = None  # the last document dialog

    def open_catalogue(self) -> Any:
        from vostok_desktop.gui.competitors.catalogue_dialog import CompetitorsDialog

        self.dialog = CompetitorsDialog(self.context, self.window)
        self.dialog.show()
        return self.dialog

    def open_document(self, *, document_id: int | None = None,
                      client_id: int | None = None) -> Any:
        from vostok_desktop.gui.competitors.document_dialog import CompetitorDocumentDialog

        dialog = CompetitorDocumentDialog(self.context, document_id=document_id,
                                          client_id=client_id, parent=self.window)
        self.adopt(dialog)
        dialog.show()
        return dialog

    def adopt(self, dialog: Any) -> None:
        """The document's scoped commands work inside ``dialog``."""
        actions = self.context.actions
        for action_id in ("competitors.kit_new", "competitors.next_stage",
                          "competitors.counter_assignment"):
            actions.attach(action_id, dialog)
        dialog.counter_button.setToolTip(actions.action(
            "competitors.counter_assignment").toolTip())
        self.document = dialog

    def _target_document(self) -> Any:
        from vostok_desktop.gui.competitors.document_dialog import CompetitorDocumentDialog

        active = QApplication.activeWindow()
        if isinstance(active, CompetitorDocumentDialog):
            return active
        return self.document

    def kit_new(self) -> Any:
        target = self._target_document()
        return target.new_kit() if target is not None else None

    def next_stage(self) -> None:
        target = self._target_document()
        if target is not None:
            target.next_stage()

    def counter_assignment(self) -> Any:
        target = self._target_document()
        return target.counter_assignment() if target is not None else None

    def document_new(self) -> Any:
        """Insert on the client card's page «Конкуренты»."""
        from vostok_desktop.gui.competitors.client_page import ClientCompetitorsPage

        widget: QWidget | None = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, ClientCompetitorsPage):
            widget = widget.parentWidget()
        return widget.new_document() if widget is not None else None

    def client_page(self, context: Any, card: Any) -> QWidget:
        from vostok_desktop.gui.competitors.client_page import ClientCompetitorsPage

        return ClientCompetitorsPage(context, card)


def install_competitors(window: QMainWindow) -> CompetitorsArea:
    """Register the area's commands, menu entries and the client card's page."""
    area = CompetitorsArea(window)
    a = area.context.actions
    if "competitors.catalogue" not in a:
        window.addAction(a.register("competitors.catalogue", "Конкуренты…",
                                    area.open_catalogue, category=CATEGORY, parent=window))
        a.register("competitors.document_new", "Новый конкурент клиента…", area.document_new,
                   category=CATEGORY, scope=PAGE_SCOPE, parent=window)
        a.register("competitors.kit_new", "Новый комплект конкурента…", area.kit_new,
                   category=CATEGORY, scope=DOCUMENT_SCOPE, parent=window)
        a.register("competitors.next_stage", "Следующая стадия", area.next_stage,
                   category=CATEGORY, scope=DOCUMENT_SCOPE, parent=window)
        a.register("competitors.counter_assignment", "Поручение по конкуренту…",
                   area.counter_assignment, category=CATEGORY, scope=DOCUMENT_SCOPE,
                   parent=window)
    menu = area_menu(window, SALES_MENU)
    menu.addSeparator()
    menu.addAction(a.action("competitors.catalogue"))
    reports = [a.action(key) for key in REPORTS if key in a]
    if reports:
        submenu = menu.addMenu("Отчёты по конкурентам")
        submenu.setObjectName("competitor_reports_menu")
        for action in reports:
            submenu.addAction(action)
    pages = area.context.card_pages
    if not any(spec.object_name == CLIENT_PAGE for spec in pages.for_kind("client")):
        pages.register("client", "Конкуренты", area.client_page, CLIENT_PAGE)
    window.competitors = area  # type: ignore[attr-defined]
    return area


__all__ = ["CLIENT_PAGE", "CompetitorsArea", "install_competitors"]
