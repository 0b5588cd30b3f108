"""«Каталог систем КонсультантПлюс»: the systems with their usual type, series and network
size; new, edit (SystemDialog), delete (only a system nobody has a distributive of).
Changing it needs «Каталог систем КонсультантПлюс»; everybody reads it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.distributives import SYSTEM_KIND_TITLES
from vostok_desktop.gui.cards.widgets import (
    ERROR_COLOUR,
    on_activate,
    read_only_table,
    set_text_colour,
)
from vostok_desktop.gui.distributives.common import (
    DISCONNECTED_COLOUR,
    fill_table,
    paint_row,
    row_id,
)
from vostok_desktop.gui.distributives.dialogs import REFUSALS, SystemDialog, refusal_text
from vostok_desktop.services.distributives import catalogue

RIGHT = "distributives.catalogue"


class CatalogueDialog(QDialog):
    def __init__(self, context: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("catalogue_dialog")
        self.setWindowTitle("Каталог систем КонсультантПлюс")
        self.resize(820, 420)
        self.context = context
        self.systems: list[catalogue.SystemData] = []
        self.active_dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        self.table = QTableWidget()
        self.table.setObjectName("systems_table")
        read_only_table(self.table, ["Код", "Название", "Тип", "Серия", "Сеть",
                                     "Дистрибутивов", "Действует"])
        for c, width in enumerate((90, 330, 90, 70, 50, 100)):
            self.table.setColumnWidth(c, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setObjectName("message_label")
        self.message.setWordWrap(True)
        set_text_colour(self.message, ERROR_COLOUR)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        may = self.allows()
        self.new_button = QPushButton("Новая система…")
        self.edit_button = QPushButton("Изменить…")
        self.delete_button = QPushButton("Удалить")
        for button, slot in ((self.new_button, self.new_system),
                             (self.edit_button, self.edit_system),
                             (self.delete_button, self.delete_system)):
            button.clicked.connect(slot)
            button.setEnabled(may)
            if not may:
                button.setToolTip("Нужно право «Каталог систем КонсультантПлюс»")
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)
        on_activate(self.table, self.edit_system)
        self.refresh()

    def allows(self) -> bool:
        return (not self.context.base.read_only  # type: ignore[attr-defined]
                and self.context.allows(RIGHT))  # type: ignore[attr-defined]

    def refresh(self) -> None:
        self.systems = catalogue.list_systems(self.context.base)  # type: ignore[attr-defined]
        fill_table(self.table, [[s.code, s.title, SYSTEM_KIND_TITLES[s.kind], s.series,
                                 str(s.network_size), str(s.distributives),
                                 "да" if s.is_active else "нет"] for s in self.systems],
                   [s.id for s in self.systems])
        for r, s in enumerate(self.systems):
            if not s.is_active:
                paint_row(self.table, r, foreground=DISCONNECTED_COLOUR)
        if self.systems:
            self.table.setCurrentCell(0, 0)

    def current(self) -> catalogue.SystemData | None:
        wanted = row_id(self.table)
        return next((s for s in self.systems if s.id == wanted), None)

    def _open(self, data: catalogue.SystemData) -> SystemDialog:
        ctx = self.context
        dialog = SystemDialog(data, parent=self)

        def submit() -> object:
            system = dialog.system()
            if data.id is None:
                return catalogue.create_system(ctx.base, system, ctx.employee_id,  # type: ignore[attr-defined]
                                               profile=ctx.access)  # type: ignore[attr-defined]
            return catalogue.update_system(ctx.base, data.id, system, ctx.employee_id,  # type: ignore[attr-defined]
                                           profile=ctx.access)  # type: ignore[attr-defined]

        dialog.submit = submit
        dialog.accepted.connect(self._changed)
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def _changed(self) -> None:
        self.refresh()
        bus = getattr(self.context, "bus", None)
        if bus is not None:
            bus.announce("product_system", [])

    def new_system(self) -> SystemDialog | None:
        return self._open(catalogue.SystemData("", "")) if self.allows() else None

    def edit_system(self) -> SystemDialog | None:
        current = self.current()
        if current is None or not self.allows():
            return None
        return self._open(current)

    def delete_system(self, *, confirm: bool = True) -> bool:
        current = self.current()
        if current is None or current.id is None or not self.allows():
            return False
        if confirm and QMessageBox.question(
                self, "Удаление системы", f"Удалить систему «{current.code}» из каталога?"
        ) != QMessageBox.StandardButton.Yes:
            return False
        ctx = self.context
        try:
            catalogue.delete_system(ctx.base, current.id, ctx.employee_id,  # type: ignore[attr-defined]
                                    profile=ctx.access)  # type: ignore[attr-defined]
        except REFUSALS as exc:
            self.message.setText(refusal_text(exc))
            self.message.setVisible(True)
            return False
        self.message.setVisible(False)
        self._changed()
        return True


__all__ = ["CatalogueDialog"]
