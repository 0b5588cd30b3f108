"""The main window: assembles agents (docks), the card tabs and the action registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from vostok_desktop.gui.context import AppContext

WINDOW_STATE_VERSION = 1


@dataclass(frozen=True)
class AgentSpec:
    object_name: str
    title: str
    action_id: str  # the «Окна» menu item that shows it
    factory: Callable[[AppContext], QWidget]
    area: Qt.DockWidgetArea = Qt.DockWidgetArea.LeftDockWidgetArea


def default_agents() -> list[AgentSpec]:
    from vostok_desktop.gui.agents.client_list import ClientListAgent
    from vostok_desktop.gui.agents.contact_list import ContactListAgent

    return [
        AgentSpec("client_list_agent", "Список клиентов", "window.client_list", ClientListAgent),
        AgentSpec("contact_list_agent", "Контактные лица", "window.contact_list",
                  ContactListAgent),
    ]


class MainWindow(QMainWindow):
    """Built in two steps so the window paints before the base connects (DESIGN: start
    fast): the frame first, then ``attach`` once the base is open."""

    connection_checked = Signal(bool)  # after every check: is the base reachable
    connection_changed = Signal(bool)  # only when it is lost or back (e.g. to LISTEN again)
    schema_moved_ahead = Signal(str)  # another workstation upgraded the base past us

    def __init__(self, qsettings: QSettings) -> None:
        super().__init__()
        self.qsettings = qsettings
        self.context: AppContext | None = None
        self.docks: dict[str, QDockWidget] = {}
        self.setObjectName("main_window")
        self.setWindowTitle("Vostok Desktop")
        self.setDockOptions(
            QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )
        self.central = QStackedWidget(self)
        self.loading_label = QLabel("Открывается база…")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.central.addWidget(self.loading_label)
        # A banner above the central area for what stops writing (read-only base).
        self.banner = QLabel()
        self.banner.setObjectName("base_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff3cd; color: #5c3c00; padding: 6px;"
                                  " border-bottom: 1px solid #e0c36a;")
        self.banner.setVisible(False)
        frame = QWidget()
        frame_layout = QVBoxLayout(frame)
        frame_layout.setContentsMargins(0, 0, 0, 0)
        frame_layout.setSpacing(0)
        frame_layout.addWidget(self.banner)
        frame_layout.addWidget(self.central)
        self.setCentralWidget(frame)
        self.statusBar().showMessage("Подключение к базе…")
        geometry = qsettings.value(f"main_window/v{WINDOW_STATE_VERSION}/geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(1366, 768)

    def attach(self, context: AppContext, tabs: QTabWidget,
               agents: list[AgentSpec] | None = None) -> None:
        """Everything that needs the open base: agents, tabs, actions, menus, status."""
        self.context = context
        self.setWindowTitle(f"Vostok Desktop — {context.base.location.display()}")
        self.tabs = tabs
        self.central.addWidget(self.tabs)
        self._register_window_actions()
        for spec in agents if agents is not None else default_agents():
            self._add_agent(spec)
        self._build_menus()
        self._install_areas()
        self.statusBar().clearMessage()
        self._build_status_bar()
        from vostok_desktop.gui.start_page import StartPage

        self.start_page = StartPage(context)
        self.central.addWidget(self.start_page)
        self.central.removeWidget(self.loading_label)
        self.loading_label.deleteLater()
        self.tabs.currentChanged.connect(lambda _i: self._show_start_page_if_empty())
        self._show_start_page_if_empty()
        # Default layout: the agents take about 45% of a 1366-wide window.
        size = self.size()
        self.resize(1366, 768)
        if self.docks:
            first = next(iter(self.docks.values()))
            self.resizeDocks([first], [600], Qt.Orientation.Horizontal)
        self._default_state = self.saveState(WINDOW_STATE_VERSION)
        self.resize(size)
        self.restore_layout()
        self._start_connection_watch()
        if self.docks:
            # The user starts typing a client's name at once: focus the first agent's search.
            next(iter(self.docks.values())).widget().setFocus()

    def _show_start_page_if_empty(self) -> None:
        self.central.setCurrentWidget(self.start_page if self.tabs.count() == 0 else self.tabs)

    # -- actions -----------------------------------------------------------------
    def _register_window_actions(self) -> None:
        a = self.context.actions
        cards = self.context.cards
        a.register("app.quit", "Выход", self.close, category="Файл", parent=self)
        a.register("app.connect", "Выбрать базу…", self._choose_base, category="Файл",
                   parent=self)
        a.register("app.shortcuts", "Горячие клавиши…", self._edit_shortcuts,
                   category="Сервис", parent=self)
        a.register("app.about", "О программе", self._about, category="Справка", parent=self)
        a.register("tab.close", "Закрыть вкладку", cards.close_current, category="Окна",
                   parent=self, enabled_when=lambda: self.tabs.count() > 0)
        a.register("tab.next", "Следующая вкладка", lambda: cards.cycle(1), category="Окна",
                   parent=self)
        a.register("tab.previous", "Предыдущая вкладка", lambda: cards.cycle(-1),
                   category="Окна", parent=self)
        a.register("window.reset_layout", "Восстановить расположение окон",
                   self.reset_layout, category="Окна", parent=self)
        ctx = self.context
        a.register("app.upgrade_schema", "Обновить схему базы…", self.upgrade_schema,
                   category="Сервис", parent=self,
                   enabled_when=lambda: ctx.is_admin and ctx.base.schema_behind)
        for action_id in ("app.quit", "app.connect", "app.shortcuts", "app.about",
                          "tab.close", "tab.next", "tab.previous", "window.reset_layout",
                          "app.upgrade_schema"):
            self.addAction(a.action(action_id))
        self.tabs.currentChanged.connect(lambda _i: a.refresh_enabled())

    def _install_areas(self) -> None:
        """Areas whose commands, menus and card pages live in their own packages."""
        from vostok_desktop.gui.agents.distributive_list import install_distributive_agent
        from vostok_desktop.gui.distributives import install_distributives

        install_distributives(self)
        install_distributive_agent(self)
        from vostok_desktop.gui.money import install_money

        install_money(self)
        from vostok_desktop.gui.reports import install_reports

        reports = install_reports(self)
        from vostok_desktop.gui.kpi import install_kpi

        install_kpi(self, catalogue_provider=reports.catalogue.titles)
        from vostok_desktop.gui.campaigns import install_campaigns
        from vostok_desktop.gui.competitors import install_competitors
        from vostok_desktop.gui.education import install_education
        from vostok_desktop.gui.sales import install_sales

        install_sales(self)
        install_campaigns(self)
        install_competitors(self)
        install_education(self)

    def _add_agent(self, spec: AgentSpec) -> None:
        dock = QDockWidget(spec.title, self)
        dock.setObjectName(spec.object_name)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        dock.setWidget(spec.factory(self.context))
        self.addDockWidget(spec.area, dock)
        dock.show()  # the window may already be on screen (it paints before attach)
        if self.docks:
            self.tabifyDockWidget(next(iter(self.docks.values())), dock)
        self.docks[spec.object_name] = dock

        def show_agent() -> None:
            dock.show()
            dock.raise_()
            dock.widget().setFocus()

        action = self.context.actions.register(spec.action_id, spec.title, show_agent,
                                               category="Окна", parent=self)
        self.addAction(action)
        if self.docks and len(self.docks) > 1:
            next(iter(self.docks.values())).raise_()

    def _build_menus(self) -> None:
        a = self.context.actions
        bar = self.menuBar()
        by_category: dict[str, QMenu] = {}
        for title in ("Файл", "Клиенты", "Контактные лица", "Телефония", "Окна", "Сервис",
                      "Справка"):
            by_category[title] = bar.addMenu(title)
        for entry in a.entries():
            menu = by_category.get(entry.category)
            if menu is not None:
                menu.addAction(entry.action)
        self.agents_menu = by_category["Окна"]
        toolbar = QToolBar("Главная панель", self)
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action_id in ("clients.new", "clients.quick_search", "card.save"):
            if action_id in a:
                toolbar.addAction(a.action(action_id))
        self.addToolBar(toolbar)
        toolbar.show()

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        ctx = self.context
        self.user_label = QLabel(f"Пользователь: {ctx.employee_name}")
        self.base_label = QLabel(f"База: {ctx.base.location.display()}")
        self.connection_label = QLabel()
        self.set_connection_state(True)
        for label in (self.user_label, self.base_label, self.connection_label):
            status.addPermanentWidget(label)
        if ctx.base.read_only:
            status.showMessage("Только чтение: " + "; ".join(ctx.base.notes))
            self.show_banner("\n".join(ctx.base.notes) or "База открыта только для чтения.")

    def show_banner(self, text: str) -> None:
        """A line above the cards that stays until the reason is gone (empty hides it)."""
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    # -- connection watch ------------------------------------------------------------
    CONNECTION_CHECK_MS = 15_000
    RETRY_FIRST_MS = 3_000
    RETRY_MAX_MS = 30_000

    def retry_interval(self, failures: int) -> int:
        """While the server is away: 3 s, 6 s, 12 s… up to 30 s between attempts."""
        return min(self.RETRY_FIRST_MS * 2 ** max(failures - 1, 0), self.RETRY_MAX_MS)

    def _start_connection_watch(self) -> None:
        """Ping the base now and then on a worker; a lost server shows in the status bar
        and the tray and is tried again with backoff; open cards stay open (their saves
        say what failed and keep the edits). The ping also reads the schema revision, so
        an upgrade by a newer program stops this one from writing."""
        from PySide6.QtCore import QTimer

        self._ping_running = False
        self.connection_failures = 0
        self.connected = True
        self.revisions_ahead: set[str] = set()
        self._base_revision: str | None = None
        self.connection_timer = QTimer(self)
        self.connection_timer.setInterval(self.CONNECTION_CHECK_MS)
        self.connection_timer.timeout.connect(self.check_connection)
        self.connection_timer.start()

    def check_connection(self) -> None:
        if self.context is None or self._ping_running:
            return
        from vostok_desktop.db import ping
        from vostok_desktop.gui.operations import BackgroundOperation

        base = self.context.base
        self._ping_running = True
        operation = BackgroundOperation(lambda _state: ping(base), self)
        operation.finished.connect(lambda revision: self._connection_checked(True, "", revision))
        operation.failed.connect(lambda reason: self._connection_checked(False, reason, None))
        self._ping = operation.start()

    def _connection_checked(self, ok: bool, reason: str, revision: str | None) -> None:
        from vostok_desktop.db import forget_connections, head_revision, is_newer_revision

        self._ping_running = False
        if revision is not None:
            self._base_revision = revision
        changed = ok != self.connected
        self.connected = ok
        if ok:
            self.connection_failures = 0
            self.connection_timer.setInterval(self.CONNECTION_CHECK_MS)
        else:
            self.connection_failures += 1
            self.connection_timer.setInterval(self.retry_interval(self.connection_failures))
            if changed:
                # The pooled connections died with the server: never hand them out again.
                forget_connections(self.context.base)
        self.set_connection_state(ok, reason)
        if changed:
            self.statusBar().showMessage(
                "Связь с сервером восстановлена: несохранённые карточки можно записать."
                if ok else "Нет связи с сервером базы: правки в карточках сохранятся.",
                10_000)
            self.connection_changed.emit(ok)
        if ok and is_newer_revision(revision) and revision not in self.revisions_ahead:
            self._schema_moved_ahead(revision)  # type: ignore[arg-type]
        elif ok and self.context.base.schema_behind and revision == head_revision():
            self._schema_caught_up(revision)
        self.connection_checked.emit(ok)

    def _schema_moved_ahead(self, revision: str) -> None:
        """Another workstation upgraded the base: say so and stop writing (the engine turns
        read-only, so any save is refused and what is typed stays in the cards)."""
        from vostok_desktop.db import schema_moved_ahead_note

        self.revisions_ahead.add(revision)
        note = schema_moved_ahead_note(revision)
        self.context.base.set_read_only(True, note)
        self.show_banner(note)
        self.statusBar().showMessage(note)
        self.set_connection_state(True)
        tray = self._tray()
        if tray is not None:
            tray.notify("База обновлена", note, critical=True)
        self.context.actions.refresh_enabled()
        self.schema_moved_ahead.emit(revision)

    def _schema_caught_up(self, revision: str) -> None:
        """Another administrator upgraded this outdated base to our version: write again."""
        from vostok_desktop.db import SchemaState

        self.context.base.schema_upgraded(SchemaState(current=revision, head=revision))
        self.show_banner("")
        self.statusBar().showMessage(
            f"Схема базы обновлена до версии {revision}; изменения снова записываются.", 15_000)
        self.set_connection_state(True)
        self.context.actions.refresh_enabled()

    def _tray(self) -> object | None:
        return getattr(getattr(self, "telephony", None), "tray", None)

    def set_connection_state(self, connected: bool, reason: str = "") -> None:
        icon = QStyle.StandardPixmap.SP_DialogApplyButton if connected else \
            QStyle.StandardPixmap.SP_MessageBoxWarning
        text = "Соединение: есть" if connected else f"Нет соединения: {reason}"
        if not connected and getattr(self, "connection_timer", None) is not None:
            seconds = self.connection_timer.interval() // 1000
            text += f" (повтор через {seconds} с)"
        if self.context.base.read_only:
            text += " (только чтение)"
        self.connection_label.setText(text)
        self.connection_label.setToolTip(text)
        self.connection_label.setProperty("icon", icon)
        self.connection_label.setStyleSheet("" if connected else "color: #b00020;")
        tray = self._tray()
        if tray is not None:
            tray.set_base_connection(connected, text)

    def upgrade_schema(self) -> None:
        """«Сервис → Обновить схему базы…»: for an administrator while the schema is behind."""
        from vostok_desktop.gui.schema_upgrade import offer_schema_upgrade

        ctx = self.context
        if not (ctx.is_admin and ctx.base.schema_behind):
            return
        if offer_schema_upgrade(ctx.base, self):
            self.show_banner("")
            self.statusBar().showMessage(
                f"Схема базы обновлена до версии {ctx.base.schema.current}; "
                "изменения снова записываются.", 15_000)
            self.set_connection_state(self.connected)
            ctx.actions.refresh_enabled()

    # -- layout persistence --------------------------------------------------------
    def restore_layout(self) -> None:
        state = self.qsettings.value(f"main_window/v{WINDOW_STATE_VERSION}/state")
        # An unreadable or foreign state falls back to the default layout.
        if not (isinstance(state, QByteArray) and self.restoreState(state, WINDOW_STATE_VERSION)):
            self.restoreState(self._default_state, WINDOW_STATE_VERSION)

    def save_layout(self) -> None:
        qs = self.context.qsettings
        qs.setValue(f"main_window/v{WINDOW_STATE_VERSION}/geometry", self.saveGeometry())
        qs.setValue(f"main_window/v{WINDOW_STATE_VERSION}/state",
                    self.saveState(WINDOW_STATE_VERSION))
        for dock in self.docks.values():
            saver = getattr(dock.widget(), "save_layout", None)
            if callable(saver):
                saver()
        qs.sync()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, WINDOW_STATE_VERSION)
        for dock in self.docks.values():
            dock.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.context is None:  # closed before the base opened
            event.accept()
            return
        if not self.context.cards.close_all():
            event.ignore()
            return
        self.save_layout()
        event.accept()

    # -- dialogs -------------------------------------------------------------------
    def _edit_shortcuts(self) -> None:
        from vostok_desktop.gui.shortcuts_page import ShortcutsDialog

        ShortcutsDialog(self.context.actions, self).exec()

    def _choose_base(self) -> None:
        from vostok_desktop.gui.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self.context.settings, self)
        if dialog.exec():
            self.statusBar().showMessage(
                "Выбранная база откроется при следующем запуске программы", 8000
            )

    def base_revision(self) -> str | None:
        """The open base's schema revision: read now, else the last connection check's."""
        from vostok_desktop.db import BaseError, ping

        if self.context is None:
            return None
        try:
            self._base_revision = ping(self.context.base)
        except BaseError:
            pass  # no connection: the last one known
        return self._base_revision

    def _about(self) -> None:
        from vostok_desktop.gui.about import show_about

        telephony = getattr(self, "telephony", None)
        show_about(self, self.context.base.location.display(), self.base_revision(),
                   telephony.plugins.error_texts() if telephony else None)
