"""«Роли и права»: rights down, roles across (check boxes), each role's visibility in
the first row.

Built from the base's catalogue of rights, so it stays in code (not in a .ui form). The
rights grow with every area (thirty and more) while the roles stay six, so the rights
are the rows: their long Russian titles read naturally and the table scrolls down,
never sideways.
One press of «Сохранить» stores every changed role (``access.save_role``); taking
«Пользователи и права» from the administrators' own role is asked about first.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QFont, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
)

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain.access import VISIBILITY_TITLES, Right, Visibility
from vostok_desktop.domain.org import EmployeeRole
from vostok_desktop.gui.admin.accounts import show_message
from vostok_desktop.services.access import rights as access

VISIBILITY_ROW = 0
VISIBILITY_HEADER = "Видимость клиентов"
UNSAVED = "Есть несохранённые изменения."
# Short choices for the narrow role columns (the row is «Видимость клиентов»); the full
# title is each choice's tooltip.
VISIBILITY_SHORT = {Visibility.ALL: "Все", Visibility.DEPARTMENT: "Свой отдел",
                    Visibility.OWN: "Только свои"}


def two_lines(title: str, limit: int = 14) -> str:
    """A role's title broken at the space nearest its middle (the columns stay narrow)."""
    if len(title) <= limit or " " not in title:
        return title
    middle = len(title) // 2
    spaces = [i for i, ch in enumerate(title) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return title[:cut] + "\n" + title[cut + 1:]


class CentredCheckDelegate(QStyledItemDelegate):
    """A check box in the middle of its cell; a click anywhere in the cell toggles it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None or not (opt.features
                                 & QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator):
            super().paint(painter, option, index)
            return
        checked = opt.checkState == Qt.CheckState.Checked
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        size = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, widget)
        box = QStyleOptionViewItem(opt)
        box.rect = QRect(opt.rect.center().x() - size // 2 + 1,
                         opt.rect.center().y() - size // 2 + 1, size, size)
        box.state = (opt.state & ~QStyle.StateFlag.State_HasFocus) | (
            QStyle.StateFlag.State_On if checked else QStyle.StateFlag.State_Off)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck, box,
                            painter, widget)

    def editorEvent(self, event: QEvent, model: QAbstractItemModel,  # noqa: N802
                    option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex) -> bool:
        if not (index.flags() & Qt.ItemFlag.ItemIsUserCheckable):
            return False
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            return True
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            state = index.data(Qt.ItemDataRole.CheckStateRole)
            new = Qt.CheckState.Unchecked if state == Qt.CheckState.Checked.value or \
                state == Qt.CheckState.Checked else Qt.CheckState.Checked
            return model.setData(index, new, Qt.ItemDataRole.CheckStateRole)
        return super().editorEvent(event, model, option, index)


@dataclass
class RoleState:
    rights: frozenset[str]
    visibility: Visibility


class RightsMatrix:
    """Fills ``table`` from the base and saves the changed roles; the buttons and the
    status line come from the dialog's form."""

    def __init__(self, base: OpenedBase, table: QTableWidget, save_button: QPushButton,
                 revert_button: QPushButton, status_label: QLabel,
                 own_role: str | None) -> None:
        self.base, self.table, self.status_label = base, table, status_label
        self.save_button, self.revert_button = save_button, revert_button
        self.own_role = own_role
        self.rights: list[tuple[str, str]] = []
        self.roles: list[access.RoleInfo] = []
        self.saved: dict[str, RoleState] = {}
        self.combos: dict[str, QComboBox] = {}
        self._filling = False
        table.setItemDelegate(CentredCheckDelegate(table))
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setHighlightSections(False)
        table.verticalHeader().setHighlightSections(False)
        table.verticalHeader().setDefaultSectionSize(26)
        table.itemChanged.connect(self._item_changed)
        save_button.clicked.connect(self.save)
        revert_button.clicked.connect(self.reload)
        self.reload()

    # -- filling -----------------------------------------------------------------------
    def reload(self) -> None:
        self.rights = access.list_rights(self.base)
        self.roles = access.list_roles(self.base)
        self.saved = {r.role: RoleState(frozenset(r.rights), r.visibility) for r in self.roles}
        self._filling = True
        table = self.table
        table.clear()
        self.combos.clear()
        table.setRowCount(len(self.rights) + 1)
        table.setColumnCount(len(self.roles))
        table.setVerticalHeaderItem(VISIBILITY_ROW, QTableWidgetItem(VISIBILITY_HEADER))
        for row, (_code, title) in enumerate(self.rights, start=1):
            item = QTableWidgetItem(title)
            item.setToolTip(title)
            table.setVerticalHeaderItem(row, item)
        for column, role in enumerate(self.roles):
            table.setHorizontalHeaderItem(column, QTableWidgetItem(two_lines(role.title)))
            combo = QComboBox()
            for visibility in Visibility:
                combo.addItem(VISIBILITY_SHORT[visibility], visibility.value)
                combo.setItemData(combo.count() - 1, VISIBILITY_TITLES[visibility],
                                  Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(combo.findData(role.visibility.value))
            combo.setItemData(combo.findData(Visibility.OWN.value),
                              "Только свои клиенты: где сотрудник — ответственный или автор",
                              Qt.ItemDataRole.ToolTipRole)
            combo.setToolTip(f"{role.title}: {VISIBILITY_HEADER.lower()}")
            combo.setAccessibleName(f"{role.title}: {VISIBILITY_HEADER.lower()}")
            combo.currentIndexChanged.connect(lambda _i, c=column: self._column_changed(c))
            self.combos[role.role] = combo
            table.setCellWidget(VISIBILITY_ROW, column, combo)
            for row, (code, title) in enumerate(self.rights, start=1):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if code in role.rights
                                   else Qt.CheckState.Unchecked)
                item.setToolTip(f"{role.title}: {title}")
                table.setItem(row, column, item)
        hh = table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # «Только свои» must be readable in the narrowest column.
        widest = max((c.sizeHint().width() for c in self.combos.values()), default=110)
        hh.setMinimumSectionSize(min(widest + 4, 130))
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.setRowHeight(VISIBILITY_ROW, max(30, *(c.sizeHint().height() + 4
                                                     for c in self.combos.values())))
        self._filling = False
        for column in range(len(self.roles)):
            self._column_changed(column)
        show_message(self.status_label, "")

    # -- state ---------------------------------------------------------------------------
    def current(self, role: str) -> RoleState:
        column = next(i for i, r in enumerate(self.roles) if r.role == role)
        ticked = frozenset(code for row, (code, _t) in enumerate(self.rights, start=1)
                           if self.table.item(row, column).checkState() == Qt.CheckState.Checked)
        return RoleState(ticked, Visibility(self.combos[role].currentData()))

    def changed_roles(self) -> list[str]:
        return [r.role for r in self.roles if self.current(r.role) != self.saved[r.role]]

    def set_right(self, role: str, right: Right | str, granted: bool) -> None:
        """Tick or untick a cell (what a click or Space does)."""
        column = next(i for i, r in enumerate(self.roles) if r.role == role)
        row = 1 + [code for code, _t in self.rights].index(str(right))
        self.table.item(row, column).setCheckState(
            Qt.CheckState.Checked if granted else Qt.CheckState.Unchecked)

    def set_visibility(self, role: str, visibility: Visibility) -> None:
        combo = self.combos[role]
        combo.setCurrentIndex(combo.findData(visibility.value))

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if not self._filling:
            self._column_changed(item.column())

    def _column_changed(self, column: int) -> None:
        if self._filling or column >= len(self.roles):
            return
        role = self.roles[column]
        header = self.table.horizontalHeaderItem(column)
        dirty = self.current(role.role) != self.saved[role.role]
        font = QFont(self.table.font())
        font.setBold(dirty)
        header.setFont(font)
        header.setText(("● " if dirty else "") + two_lines(role.title))
        header.setToolTip("Изменено, не сохранено" if dirty else "")
        any_dirty = dirty or bool(self.changed_roles())
        self.save_button.setEnabled(any_dirty)
        self.revert_button.setEnabled(any_dirty)
        if any_dirty:
            show_message(self.status_label, UNSAVED, error=False)
        elif self.status_label.text() == UNSAVED:
            show_message(self.status_label, "")

    # -- saving --------------------------------------------------------------------------
    def _keeps_admin(self, role: str, wanted: RoleState) -> bool:
        """Whether to go on with a role that loses «Пользователи и права» (asked)."""
        losing = Right.USERS_ADMIN.value in self.saved[role].rights and \
            Right.USERS_ADMIN.value not in wanted.rights
        if not losing or role not in {EmployeeRole.ADMIN.value, self.own_role}:
            return True
        title = next(r.title for r in self.roles if r.role == role)
        yours = " — и вы сами" if role == self.own_role else ""
        answer = QMessageBox.question(
            self.table.window(), "Пользователи и права",
            f"Роль «{title}» потеряет право «Пользователи и права»: сотрудники с этой "
            f"ролью{yours} больше не смогут управлять пользователями и правами.\n\n"
            "Снять это право?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def save(self) -> bool:
        """Store every changed role; True when all of them are stored."""
        changed = self.changed_roles()
        if not changed:
            show_message(self.status_label, "Изменений нет.", error=False)
            return True
        kept: list[str] = []
        done: list[str] = []
        for role in changed:
            wanted = self.current(role)
            if not self._keeps_admin(role, wanted):
                self.set_right(role, Right.USERS_ADMIN, True)
                kept.append(role)
                wanted = self.current(role)
                if wanted == self.saved[role]:
                    continue
            try:
                access.save_role(self.base, role, wanted.rights, wanted.visibility)
            except (access.AccessError, access.AccessDenied) as exc:
                message = getattr(exc, "message", None) or str(exc)
                title = next(r.title for r in self.roles if r.role == role)
                self._mark_saved(done)
                show_message(self.status_label, f"Роль «{title}» не сохранена: {message}")
                return False
            self.saved[role] = wanted
            done.append(role)
        self._mark_saved(done)
        titles = {r.role: r.title for r in self.roles}
        parts = []
        if done:
            parts.append("Сохранено: " + ", ".join(f"«{titles[r]}»" for r in done) + ".")
        if kept:
            parts.append("Право «Пользователи и права» оставлено у "
                         + ", ".join(f"«{titles[r]}»" for r in kept) + ".")
        show_message(self.status_label, " ".join(parts), error=False)
        return True

    def _mark_saved(self, roles: list[str]) -> None:
        for column, role in enumerate(self.roles):
            if role.role in roles:
                self._column_changed(column)
