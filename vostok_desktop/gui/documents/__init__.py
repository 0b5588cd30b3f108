"""Documents: print forms (DOCX) with preview and printing, mass printing, import of
clients from Excel/CSV with duplicate analysis, duplicate search and merge, e-mail from
the client card, print template administration.

``install_documents(window)`` adds the actions (one registry), a «Документы» menu and
the «Документы» page of the client card. Heavy modules (docxtpl, openpyxl) load on use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext

MENU_TITLE = "Документы"


def current_client_id(context: AppContext) -> int | None:
    """The client of the card on the current tab (a contact card gives its client)."""
    card = context.cards.current()
    if card is None or card.entity_id is None:
        return None
    if card.kind == "client":
        return card.entity_id
    client_id = getattr(getattr(card, "_data", None), "client_id", None)
    if card.kind == "contact" and isinstance(client_id, int):
        return client_id
    return None


def selected_client_ids(window: QMainWindow) -> list[int]:
    """Clients selected in the «Список клиентов» agent, or the current card's client."""
    dock = getattr(window, "docks", {}).get("client_list_agent")
    agent = dock.widget() if dock is not None else None
    ids: list[int] = []
    if agent is not None and hasattr(agent, "selected_ids"):
        ids = list(agent.selected_ids())
    if not ids:
        client = current_client_id(window.context)  # type: ignore[attr-defined]
        ids = [client] if client else []
    return ids


def install_documents(window: QMainWindow) -> None:
    """Add this area's actions, menus, documents and card pages to the main window."""
    context: AppContext = window.context  # type: ignore[attr-defined]
    a = context.actions
    cat = MENU_TITLE

    def need_card() -> bool:
        return current_client_id(context) is not None

    def print_current() -> None:
        from vostok_desktop.gui.documents.printing import print_for_client

        client_id = current_client_id(context)
        if client_id is None:
            window.statusBar().showMessage("Откройте карточку клиента, чтобы печатать", 5000)
            return
        print_for_client(context, client_id, window)

    def mass_print() -> None:
        from vostok_desktop.gui.documents.printing import MassPrintDialog

        ids = selected_client_ids(window)
        if not ids:
            QMessageBox.information(window, "Массовая печать",
                                    "Выберите клиентов в списке клиентов.")
            return
        MassPrintDialog(context, ids, window).exec()

    def send_email() -> None:
        from vostok_desktop.gui.documents.mail_dialog import MailDialog

        client_id = current_client_id(context)
        if client_id is None:
            window.statusBar().showMessage("Откройте карточку клиента, чтобы отправить письмо",
                                           5000)
            return
        MailDialog(context, client_id, parent=window).exec()

    def import_clients() -> None:
        from vostok_desktop.gui.documents.import_wizard import ImportWizard

        ImportWizard(context, window).exec()

    def find_duplicates() -> None:
        from vostok_desktop.gui.documents.duplicates_dialog import DuplicatesDialog

        DuplicatesDialog(context, window).exec()

    def edit_templates() -> None:
        from vostok_desktop.gui.documents.templates_dialog import TemplatesDialog

        TemplatesDialog(context, current_client_id(context), window).exec()

    def mail_settings() -> None:
        from vostok_desktop.gui.documents.mail_dialog import SmtpSettingsDialog

        SmtpSettingsDialog(window).exec()

    def company_details() -> None:
        from vostok_desktop.gui.documents.company_dialog import CompanyDetailsDialog

        CompanyDetailsDialog(context, window).exec()

    def writable() -> bool:
        return not context.base.read_only

    def administrator() -> bool:
        return context.is_admin and not context.base.read_only

    a.register("documents.print", "Печать документа…", print_current, category=cat,
               parent=window, enabled_when=need_card)
    a.register("documents.mass_print", "Массовая печать для выбранных клиентов…", mass_print,
               category=cat, parent=window)
    a.register("documents.send_email", "Отправить клиенту по e-mail…", send_email,
               category=cat, parent=window, enabled_when=need_card)
    a.register("documents.import_clients", "Загрузить клиентов из Excel/CSV…",
               import_clients, category=cat, parent=window, enabled_when=writable)
    a.register("documents.find_duplicates", "Поиск дублей клиентов…", find_duplicates,
               category=cat, parent=window, enabled_when=writable)
    a.register("documents.templates", "Шаблоны печатных форм…", edit_templates,
               category=cat, parent=window, enabled_when=writable)
    a.register("documents.mail_settings", "Настройка почты (SMTP)…", mail_settings,
               category=cat, parent=window)
    a.register("documents.company_details", "Реквизиты РИЦ…", company_details, category=cat,
               parent=window, enabled_when=administrator)
    ids = ("documents.print", "documents.mass_print", "documents.send_email", None,
           "documents.import_clients", "documents.find_duplicates", None,
           "documents.templates", "documents.company_details", "documents.mail_settings")
    _add_menu(window, ids)
    for action_id in ids:
        if action_id:
            window.addAction(a.action(action_id))
    context.card_pages.register("client", "Документы", _documents_page, "page_documents")


def _add_menu(window: QMainWindow, ids: tuple[str | None, ...]) -> None:
    context: AppContext = window.context  # type: ignore[attr-defined]
    bar = window.menuBar()
    before = next((act for act in bar.actions() if act.text() in ("Окна", "Сервис")), None)
    from PySide6.QtWidgets import QMenu

    menu = QMenu(MENU_TITLE, bar)
    menu.setObjectName("documents_menu")
    if before is not None:
        bar.insertMenu(before, menu)
    else:
        bar.addMenu(menu)
    for action_id in ids:
        if action_id is None:
            menu.addSeparator()
        else:
            menu.addAction(context.actions.action(action_id))
    window.documents_menu = menu  # type: ignore[attr-defined]


def _documents_page(context: object, card: object) -> QWidget:
    from vostok_desktop.gui.documents.card_page import DocumentsPage

    return DocumentsPage(context, card)  # type: ignore[arg-type]
