"""«Сервис → Справочники…»: one window with a page per reference list.

Everyone may look; changing needs the right «Справочники» (on a server base the database
checks it again). Every save is one transaction and goes to the change log.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.admin.reference_departments import DepartmentsPage
from vostok_desktop.gui.admin.reference_pages import (
    CustomFieldsPage,
    DirectionsPage,
    GroupsPage,
    SharedSettingsPage,
    ValuesPage,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.hotline.settings import claim_own_keys
from vostok_desktop.services.reference.values import ValueColumn

MENU_TITLE = "Справочники…"
HOTLINE_RIGHT = "settings.hotline"
_open: weakref.WeakValueDictionary[int, ReferenceDialog] = weakref.WeakValueDictionary()


class ReferenceDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reference_dialog")
        self.setWindowTitle("Справочники")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.tabs = QTabWidget()
        self.departments_page = DepartmentsPage(context)
        self.directions_page = DirectionsPage(context)
        self.groups_page = GroupsPage(context)
        self.fields_page = CustomFieldsPage(context)
        self.segments_page = ValuesPage(context, ValueColumn.SEGMENT)
        self.regions_page = ValuesPage(context, ValueColumn.REGION)
        for page, title in ((self.departments_page, "&Подразделения"),
                            (self.directions_page, "&Направления"),
                            (self.groups_page, "&Группы компаний"),
                            (self.fields_page, "&Дополнительные сведения"),
                            (self.segments_page, "&Сегменты"),
                            (self.regions_page, "&Регионы")):
            self.tabs.addTab(page, title)
        self.types_page = self._request_types(context)
        self.tabs.addTab(self.types_page, "&Типы обращений")
        self.shared_page = SharedSettingsPage(context)
        self.tabs.addTab(self.shared_page, "&Общие фильтры")
        self.tabs.currentChanged.connect(lambda _i: self._focus_page())
        hint = QLabel("Ins — добавить, Enter — изменить, Del — удалить, Ctrl+↑/↓ — порядок "
                      "полей. Каждое изменение сохраняется сразу и попадает в журнал "
                      "изменений; то, что используется, не удаляется.")
        hint.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть (Esc)")
        close.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(hint)
        layout.addWidget(close)
        self.resize(1060, 580)

    @staticmethod
    def _request_types(context: AppContext) -> QWidget:
        """The hot line's own editor of request types (deadline rules and all), reused."""
        if not context.allows(HOTLINE_RIGHT):
            label = QLabel("Типы обращений на горячую линию правит тот, у кого есть право "
                           "«Настройка горячей линии» («Горячая линия → Настройки…»).")
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            return label
        from vostok_desktop.gui.hotline.settings import TypesPage

        return TypesPage(context)

    def event(self, event) -> bool:  # noqa: ANN001
        return claim_own_keys(event) or super().event(event)

    def _focus_page(self) -> None:
        page = self.tabs.currentWidget()
        target = getattr(page, "table", None) or getattr(page, "tree", None)
        if target is not None:
            target.setFocus()


def open_reference_editor(parent: QWidget | None, context: AppContext) -> ReferenceDialog:
    """Open «Справочники» (or raise the one already open for this window)."""
    key = id(parent)
    dialog = _open.get(key)
    if dialog is None:
        dialog = ReferenceDialog(context, parent)
        _open[key] = dialog
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog._focus_page()
    return dialog
