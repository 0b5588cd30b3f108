"""Start of the GUI: choose and open a base, build the main window, take screenshots."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QTabWidget, QWidget

from vostok_desktop import APP_NAME, paths
from vostok_desktop.gui.main_window import MainWindow

# SQLAlchemy and the data layer are imported after the window's first paint (run_gui):
# they cost more than Qt itself to import.
if TYPE_CHECKING:
    from vostok_desktop.db import BaseLocation, OpenedBase
    from vostok_desktop.gui.context import AppContext
    from vostok_desktop.settings import Settings


def ensure_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName(APP_NAME)
        app.setOrganizationName("Vostok")
        # The window, taskbar and tray icon (the .desktop entry names the same one).
        app.setDesktopFileName("vostok-desktop")
        app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "vostok-desktop.svg")))
        install_russian_translations(app)
    return app  # type: ignore[return-value]


def install_russian_translations(app: QApplication) -> bool:
    """Qt's own texts (standard buttons «Сохранить»/«Отмена», context menus of editors)
    in Russian, from the translations shipped with PySide6."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_ru", folder):
        return False
    app.installTranslator(translator)
    return True


def ui_state_settings() -> QSettings:
    """Window, dock and column layouts of this user (not in the base, not in the registry)."""
    return QSettings(str(paths.config_dir() / "ui-state.ini"), QSettings.Format.IniFormat)


def build_main_window(base: OpenedBase, settings: Settings, *, telephony: bool = True,
                      pbx: str | None = None, extension: str | None = None,
                      live_updates: bool = True) -> MainWindow:
    window = MainWindow(ui_state_settings())
    populate_main_window(window, base, settings, telephony=telephony, pbx=pbx,
                         extension=extension, live_updates=live_updates)
    return window


def populate_main_window(window: MainWindow, base: OpenedBase, settings: Settings, *,
                         telephony: bool = True, pbx: str | None = None,
                         extension: str | None = None, live_updates: bool = True) -> None:
    """Second step of the start: the base is open; build agents, cards and the rest."""
    from vostok_desktop.gui.actions import ActionRegistry
    from vostok_desktop.gui.cards.manager import CardManager
    from vostok_desktop.gui.cards.pages import CardPageRegistry
    from vostok_desktop.gui.context import AppContext, ChangeBus
    from vostok_desktop.services.access.rights import load_profile
    from vostok_desktop.services.common.startup import current_employee

    employee = current_employee(base, settings)
    qsettings = window.qsettings
    tabs = QTabWidget()
    cards = CardManager(tabs)
    actions = ActionRegistry(qsettings)
    context = AppContext(base, employee.id, employee.full_name, employee.is_admin, settings,
                         qsettings, actions, cards, ChangeBus(), CardPageRegistry())
    context.access = load_profile(base, employee.id)
    actions.set_rights(context.access.rights)
    register_cards(context)
    window.attach(context, tabs)
    if telephony:
        from vostok_desktop.gui.telephony import install_telephony

        install_telephony(window, pbx=pbx, extension=extension)
    from vostok_desktop.gui.documents import install_documents
    from vostok_desktop.gui.hotline import install_hotline
    from vostok_desktop.gui.work import install_work

    install_hotline(window)
    install_work(window)
    install_documents(window)
    from vostok_desktop.gui.admin import install_admin

    install_admin(window)
    if live_updates:
        _install_live_updates(window)
    actions.refresh_enabled()


def _install_live_updates(window: MainWindow) -> None:
    """Colleagues' changes show in the lists and open cards; the listener follows the
    connection watch: it stops when the server is lost and listens again when back."""
    from vostok_desktop.gui.live_updates import install_live_updates

    live = install_live_updates(window)
    window.connection_changed.connect(
        lambda ok: live.reconnect() if ok else live.connection_lost())


def register_cards(context: AppContext) -> None:
    """Card kinds known to the card manager; each card module registers lazily."""
    try:
        from vostok_desktop.gui.cards.registry import register_card_kinds
    except ImportError:
        return
    register_card_kinds(context)


def open_location(location: BaseLocation, settings: Settings,
                  parent: QWidget | None = None) -> OpenedBase | None:
    """Open a base interactively: ask the password if the keyring has none, offer an
    administrator the schema upgrade."""
    from vostok_desktop.db import BaseError, BaseKind, open_base
    from vostok_desktop.services.common.startup import current_employee
    password = None
    if location.kind is BaseKind.SERVER:
        from vostok_desktop.gui.connection_dialog import obtain_password

        password = obtain_password(location, parent)
        if password is None:
            return None
    try:
        base = open_base(location, password)
    except BaseError as exc:
        QMessageBox.critical(parent, "Не удалось открыть базу", str(exc))
        return None
    if base.read_only:
        employee = current_employee(base, settings)
        if employee.is_admin and base.schema_behind:
            # The dialog says which versions, reminds to back up, and upgrades on a
            # worker; declined or failed, the base stays open read-only.
            from vostok_desktop.gui.schema_upgrade import offer_schema_upgrade

            offer_schema_upgrade(base, parent)
        else:
            QMessageBox.information(parent, "База только для чтения", base.notes[0])
    return base


def create_demo_base_with_progress() -> bool:
    """First start: build the demo base on a worker while a progress dialog shows."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QProgressDialog

    from vostok_desktop.gui.operations import BackgroundOperation
    from vostok_desktop.services.common.startup import create_demo_base

    dialog = QProgressDialog("Создаётся демонстрационная база…", "", 0, 100)
    dialog.setWindowTitle("Vostok Desktop — первый запуск")
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(0)
    loop = QEventLoop()
    errors: list[str] = []
    operation = BackgroundOperation(
        lambda state: create_demo_base(paths.demo_base_path(), progress=state.progress)
    )

    def on_progress(stage: str, done: int, total: int) -> None:
        dialog.setLabelText(f"Создаётся демонстрационная база: {stage.lower()}…")
        dialog.setValue(int(100 * done / total) if total else 0)

    operation.progress.connect(on_progress)
    operation.finished.connect(lambda _r: loop.quit())
    operation.failed.connect(lambda message: (errors.append(message), loop.quit()))
    dialog.show()
    operation.start()
    loop.exec()
    dialog.close()
    if errors:
        QMessageBox.critical(None, "Демонстрационная база не создана", errors[0])
        return False
    return True


def choose_and_open_base(base_arg: str | None,
                         parent: QWidget | None = None) -> tuple[OpenedBase, Settings] | None:
    """The base to work in: --base, the last one, the demo base, or the user's choice."""
    from vostok_desktop.db import BaseError
    from vostok_desktop.services.common.startup import choose_start_location
    from vostok_desktop.settings import Settings

    settings = Settings.load()
    if not base_arg and not settings.known_bases and not paths.demo_base_path().exists():
        create_demo_base_with_progress()
    try:
        location = choose_start_location(settings, base_arg)
    except BaseError as exc:
        QMessageBox.critical(parent, "Неверный адрес базы", str(exc))
        location = None
    base = open_location(location, settings, parent) if location else None
    while base is None:
        from vostok_desktop.gui.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(settings, parent)
        if not dialog.exec() or dialog.chosen is None:
            return None
        base = open_location(dialog.chosen.location, settings, parent)
        if base is not None:
            settings.last_base_id = dialog.chosen.id
            settings.save()
    return base, settings


def run_gui(base_arg: str | None, pbx: str | None = None, extension: str | None = None) -> int:
    app = ensure_application()
    window = MainWindow(ui_state_settings())
    window.show()  # paints before the database connects
    opened: list[OpenedBase] = []

    def continue_start() -> None:
        chosen = choose_and_open_base(base_arg, window)
        if chosen is None:
            window.close()
            return
        base, settings = chosen
        opened.append(base)
        populate_main_window(window, base, settings, pbx=pbx, extension=extension)

    QTimer.singleShot(0, continue_start)
    code = app.exec()
    for base in opened:
        base.close()
    return code


def take_screenshot(output: Path, base_arg: str | None, size: tuple[int, int],
                    open_cards: list[tuple[str, int]] | None = None) -> int:
    """Build the main window on the demo base (or --base), render it, save a PNG."""
    from vostok_desktop.db import BaseError, BaseKind, open_base
    from vostok_desktop.services.common.startup import choose_start_location
    from vostok_desktop.settings import Settings

    app = ensure_application()
    settings = Settings.load()
    location = choose_start_location(settings, base_arg)
    if location is None:
        raise BaseError("Нет базы для снимка: укажите --base")
    password = None
    if location.kind is BaseKind.SERVER:
        from vostok_desktop.services.common.credentials import load_password

        password = load_password(location.url, location.login or "")
    base = open_base(location, password)
    try:
        window = build_main_window(base, settings)
        window.resize(*size)
        window.show()
        for kind, entity_id in open_cards or []:
            window.context.cards.open(kind, entity_id)
        for _ in range(5):
            app.processEvents()
        output.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(output), "PNG"):
            raise OSError(f"Не удалось записать снимок в {output}")
        window.context.cards.close_all()
        window.close()
        app.processEvents()
    finally:
        base.close()
    return 0


__all__ = ["build_main_window", "populate_main_window", "run_gui", "take_screenshot"]
