"""Money in the main window: the menu «Финансы» (price lists, VIP programmes, companies,
the month's billing, payments and bank statements, money reports) and two pages of the
client card, «Бюджет» and «Счета и оплаты».

``install_money(window)`` registers every command in the one action registry and the
card pages; the screens' modules load on first use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext


MENU_TITLE = "Финансы"
BUDGET_PAGE = "page_budget"
DOCUMENTS_PAGE = "page_money_documents"


class ClientMoneyPage(QWidget):
    """A card page whose content is built for the card's client when the card is loaded
    (a new, unsaved card has no client yet: the page says so)."""

    def __init__(self, context: AppContext, build: Callable[[AppContext, int], QWidget],
                 what: str) -> None:
        super().__init__()
        self.context, self._build = context, build
        self.client_id: int | None = None
        self.inner: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._hint = QLabel(f"{what} появятся, когда карточка клиента будет сохранена.")
        self._layout.addWidget(self._hint)

    def card_loaded(self, entity_id: int | None) -> None:
        if entity_id is None or entity_id == self.client_id:
            return
        self.client_id = entity_id
        if self.isVisible():
            self._fill()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # Built when first looked at: opening a card reads nothing for pages not shown.
        if self.client_id is not None and (
                self.inner is None or getattr(self.inner, "client_id", None) != self.client_id):
            self._fill()

    def _fill(self) -> None:
        assert self.client_id is not None
        if self.inner is not None:
            self._layout.removeWidget(self.inner)
            self.inner.deleteLater()
        self._hint.hide()
        self.inner = self._build(self.context, self.client_id)
        self._layout.addWidget(self.inner)


class MoneyArea:
    """What ``install_money`` leaves on the window (``window.money``)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.context: AppContext = window.context  # type: ignore[attr-defined]
        self.tabs: dict[str, QWidget] = {}
        self.last_message = ""  # the last result message of a background command
        self.message_box: QWidget | None = None

    def _tab(self, key: str, title: str, build: Callable[[], QWidget]) -> QWidget:
        """One tab per screen: opening it again brings the open one to the front."""
        widget = self.tabs.get(key)
        tabs = getattr(self.window, "tabs", None)
        if widget is not None and tabs is not None and tabs.indexOf(widget) >= 0:
            tabs.setCurrentWidget(widget)
            return widget
        widget = build()
        widget.destroyed.connect(lambda _o=None, k=key: self.tabs.pop(k, None))
        self.tabs[key] = widget
        self.context.cards.add_document(widget, title)
        return widget

    def open_price_lists(self) -> QWidget:
        from vostok_desktop.gui.money.price_lists import PriceListsWidget

        return self._tab("prices", "Прейскуранты", lambda: PriceListsWidget(self.context))

    def open_payments(self) -> QWidget:
        from vostok_desktop.gui.money.payments import PaymentsWidget

        return self._tab("payments", "Платежи", lambda: PaymentsWidget(self.context))

    def open_reports(self) -> QWidget:
        from vostok_desktop.gui.money.debt_reports import MoneyReportsWidget

        return self._tab("reports", "Отчёты по деньгам",
                         lambda: MoneyReportsWidget(self.context))

    def _dialog(self, dialog: Any) -> Any:
        dialog.show()
        return dialog

    def open_vip(self) -> Any:
        from vostok_desktop.gui.money.vip_dialog import VipProgrammesDialog

        return self._dialog(VipProgrammesDialog(self.context, self.window))

    def open_companies(self) -> Any:
        from vostok_desktop.gui.money.companies_dialog import CompaniesDialog

        return self._dialog(CompaniesDialog(self.context, self.window))

    def open_billing(self) -> Any:
        from vostok_desktop.gui.money.billing_dialog import BillingDialog

        return self._dialog(BillingDialog(self.context, self.window))

    def open_register_mail(self) -> Any:
        from vostok_desktop.gui.money.register_mail_dialog import open_register_mail

        return open_register_mail(self.context, self.window)

    def open_review(self) -> Any:
        from vostok_desktop.gui.money.payment_review import PaymentReviewDialog

        return self._dialog(PaymentReviewDialog(self.context, None, self.window))

    def import_statement(self) -> Any:
        widget = self.open_payments()
        return widget.import_file()  # type: ignore[attr-defined]

    def open_reconciliation(self) -> Any:
        """«Акт сверки…» for the client of the card in front, else one chosen in it."""
        from vostok_desktop.gui.cards.registry import current_card
        from vostok_desktop.gui.money.reconciliation_dialog import open_reconciliation

        card = current_card(self.context)
        client_id = card.entity_id if card is not None and card.kind == "client" else None
        return open_reconciliation(self.context, client_id, self.window)

    def open_quotas(self) -> Any:
        from vostok_desktop.gui.money.quotas import open_quotas

        return open_quotas(self)

    def open_quota_mark(self) -> Any:
        from vostok_desktop.gui.money.quotas import open_quota_mark

        return open_quota_mark(self.context, self.window)

    def cash_payment(self) -> Any:
        """«Принять оплату наличными…»: the «Платежи» tab and its cash payment form."""
        widget = self.open_payments()
        return widget.cash_payment()  # type: ignore[attr-defined]

    def import_price_list(self) -> Any:
        """«Загрузить прейскурант из Excel…»: the «Прейскуранты» tab and its import."""
        widget = self.open_price_lists()
        return widget.import_excel()  # type: ignore[attr-defined]

    def vip_recalculate(self) -> Any:
        """«Пересчитать VIP-скидки» on a worker; the result in a message box."""
        from PySide6.QtWidgets import QMessageBox

        from vostok_desktop.gui.money.vip_dialog import start_recalculation

        def done(message: str, ok: bool) -> None:
            self.last_message = message
            box = QMessageBox(QMessageBox.Icon.Information if ok
                              else QMessageBox.Icon.Warning, "VIP-скидки", message,
                              QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("vip_recalculate_result")
            self.message_box = box
            box.open()

        return start_recalculation(self.context, self.window, done)

    # -- client card pages -------------------------------------------------------------
    def budget_page(self, context: object, _card: object) -> QWidget:
        from vostok_desktop.gui.money.budget_page import BudgetPage

        return ClientMoneyPage(self.context, lambda c, client: BudgetPage(c, client),
                               "Бюджет и скидки")

    def documents_page(self, context: object, _card: object) -> QWidget:
        from vostok_desktop.gui.money.documents_page import DocumentsPage

        return ClientMoneyPage(self.context, lambda c, client: DocumentsPage(c, client),
                               "Счета, акты и оплаты")


def install_money(window: QMainWindow) -> MoneyArea:
    """Register the commands, the two client card pages and the menu «Финансы»."""
    area = MoneyArea(window)
    context = area.context
    a = context.actions
    commands = [
        ("money.price_lists", "Прейскуранты…", area.open_price_lists),
        ("money.price_import", "Загрузить прейскурант из Excel…", area.import_price_list),
        ("money.vip", "VIP-программы и интервальные скидки…", area.open_vip),
        ("money.vip_recalculate", "Пересчитать VIP-скидки", area.vip_recalculate),
        ("money.companies", "Субъекты учёта…", area.open_companies),
        ("money.billing", "Выписка за месяц…", area.open_billing),
        ("money.register_mail", "Отправить реестр счетов…", area.open_register_mail),
        ("money.payments", "Платежи…", area.open_payments),
        ("money.cash_payment", "Принять оплату наличными…", area.cash_payment),
        ("money.import_statement", "Загрузить выписку банка…", area.import_statement),
        ("money.review", "Разнести платежи…", area.open_review),
        ("money.reports", "Отчёты по деньгам…", area.open_reports),
        ("money.reconciliation", "Акт сверки…", area.open_reconciliation),
        ("money.quotas", "Квоты КК/ОГ…", area.open_quotas),
        ("money.quota_mark", "Квота КЦ дистрибутива…", area.open_quota_mark),
    ]
    for action_id, text, handler in commands:
        if action_id not in a:
            window.addAction(a.register(action_id, text, handler, category=MENU_TITLE,
                                        parent=window))
    context.card_pages.register("client", "Бюджет", area.budget_page, BUDGET_PAGE)
    context.card_pages.register("client", "Счета и оплаты", area.documents_page,
                                DOCUMENTS_PAGE)
    bar = window.menuBar()
    before = next((act for act in bar.actions() if act.text() in ("Окна", "Сервис")), None)
    menu = QMenu(MENU_TITLE, bar)
    menu.setObjectName("money_menu")
    if before is not None:
        bar.insertMenu(before, menu)
    else:
        bar.addMenu(menu)
    for action_id in ("money.price_lists", "money.price_import", "money.vip",
                      "money.vip_recalculate", "money.companies", None,
                      "money.billing", "money.register_mail", None, "money.payments",
                      "money.cash_payment",
                      "money.import_statement", "money.review", None, "money.reports",
                      "money.reconciliation", None, "money.quotas", "money.quota_mark"):
        if action_id is None:
            menu.addSeparator()
        else:
            menu.addAction(a.action(action_id))  # type: ignore[attr-defined]
    window.money = area  # type: ignore[attr-defined]
    return area


__all__ = ["ClientMoneyPage", "MoneyArea", "install_money"]
