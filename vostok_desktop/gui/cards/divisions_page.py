"""«Подразделения» of the client card: the client's divisions as a tree. What is typed here
is part of the card's unsaved state, saved with the card (Ctrl+S) in one transaction.

Keys: Ins — a new division inside the selected one (top level when none is selected),
Shift+Ins — a new one beside it, F2/Enter — rename, Del — delete (refused, with the reason,
for a division with sub-divisions or kits of distributives), Ctrl+M — move under another
division.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.cards.widgets import ERROR_COLOUR, HINT_COLOUR, set_text_colour
from vostok_desktop.services.cards.divisions import (
    DivisionData,
    DivisionList,
    delete_refusal,
    division_paths,
    is_ancestor,
    name_problem,
)

KEY = Qt.ItemDataRole.UserRole
KITS = Qt.ItemDataRole.UserRole + 1
TOP_LEVEL = "— верхний уровень —"


class DivisionsPage(QWidget):
    def __init__(self, changed: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_divisions")
        self._changed = changed
        self._filling = False
        self._next_key = -1
        layout = QVBoxLayout(self)
        hint = QLabel("Структура клиента: отделы, филиалы, службы. К подразделению относят "
                      "комплекты дистрибутивов. Ins — добавить внутрь выбранного, Shift+Ins — "
                      "рядом, F2 или Enter — переименовать, Ctrl+M — переместить, Del — "
                      "удалить. Изменения записываются вместе с карточкой (Ctrl+S).")
        hint.setWordWrap(True)
        set_text_colour(hint, HINT_COLOUR)
        layout.addWidget(hint)
        self.tree = QTreeWidget()
        self.tree.setObjectName("divisions_tree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Подразделение", "Комплектов"])
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.setItemDelegate(_NameDelegate(self.tree))
        self.tree.itemDelegate().closeEditor.connect(lambda *_a: self._editor_closed())
        self._keys = _TreeKeys(self)
        self.tree.installEventFilter(self._keys)
        layout.addWidget(self.tree, 1)
        self.error_label = QLabel()
        self.error_label.setObjectName("divisions_error")
        self.error_label.setWordWrap(True)
        set_text_colour(self.error_label, ERROR_COLOUR)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Добавить (Ins)")
        self.add_beside_button = QPushButton("Добавить рядом (Shift+Ins)")
        self.rename_button = QPushButton("Переименовать (F2)")
        self.move_button = QPushButton("Переместить… (Ctrl+M)")
        self.delete_button = QPushButton("Удалить (Del)")
        for button, slot in ((self.add_button, self.add_inside),
                             (self.add_beside_button, self.add_beside),
                             (self.rename_button, self.rename_current),
                             (self.move_button, self.move_current),
                             (self.delete_button, self.delete_current)):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    # -- data ↔ tree ---------------------------------------------------------------------
    def set_divisions(self, divisions: list[DivisionData]) -> None:
        self._filling = True
        self.tree.clear()
        items: dict[int, QTreeWidgetItem] = {}
        pending = sorted(divisions, key=lambda d: d.name.casefold())
        while pending:  # parents before their sub-divisions
            rest = []
            for d in pending:
                if d.parent_key is None or d.parent_key in items:
                    items[d.key] = self._make_item(items.get(d.parent_key)  # type: ignore[arg-type]
                                                   if d.parent_key is not None else None,
                                                   d.key, d.name, d.kits)
                else:
                    rest.append(d)
            if len(rest) == len(pending):  # a broken parent link: show at the top
                for d in rest:
                    items[d.key] = self._make_item(None, d.key, d.name, d.kits)
                rest = []
            pending = rest
        self.tree.expandAll()
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self._filling = False
        self.validate()

    def _make_item(self, parent: QTreeWidgetItem | None, key: int, name: str,
                   kits: int) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, str(kits) if kits else ""])
        item.setData(0, KEY, key)
        item.setData(0, KITS, kits)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    def _items(self) -> Iterator[QTreeWidgetItem]:
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        stack.reverse()
        while stack:
            item = stack.pop()
            yield item
            stack.extend(item.child(i) for i in reversed(range(item.childCount())))

    @staticmethod
    def _key(item: QTreeWidgetItem | None) -> int | None:
        return None if item is None else int(item.data(0, KEY))

    def divisions(self) -> DivisionList:
        return DivisionList(DivisionData(self._key(item), self._key(item.parent()),  # type: ignore[arg-type]
                                         item.text(0), int(item.data(0, KITS) or 0))
                            for item in self._items())

    def state(self) -> tuple[tuple[int | None, int | None, str], ...]:
        return tuple((d.key, d.parent_key, d.name) for d in self.divisions())

    def item_of(self, key: int) -> QTreeWidgetItem | None:
        return next((i for i in self._items() if self._key(i) == key), None)

    def select(self, key: int) -> None:
        item = self.item_of(key)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    # -- validation ------------------------------------------------------------------------
    def validate(self) -> str | None:
        """Mark divisions with a bad name red; returns the first message."""
        divisions = self.divisions()
        first = None
        self.tree.blockSignals(True)
        for item in self._items():
            message = name_problem(divisions, self._key(item))  # type: ignore[arg-type]
            item.setBackground(0, QBrush(QColor("#fde0dc")) if message else QBrush())
            item.setToolTip(0, message or "")
            first = first or message
        self.tree.blockSignals(False)
        self.show_problem(first)
        return first

    def show_problem(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    def _item_changed(self, _item: QTreeWidgetItem, _column: int) -> None:
        if not self._filling:
            self._edit_done()

    def _edit_done(self) -> None:
        self.validate()
        self._changed()

    def _editor_closed(self) -> None:
        """A new division left without a name (Ins, then Esc) is simply dropped."""
        item = self.tree.currentItem()
        if item is not None and self._key(item) < 0 and not item.text(0).strip() \
                and item.childCount() == 0:  # type: ignore[operator]
            self._remove(item)
        # The keyboard stays in the tree for the next Ins / Enter (Qt passes it on).
        QTimer.singleShot(0, self.tree.setFocus)

    # -- actions ---------------------------------------------------------------------------
    def _add(self, parent: QTreeWidgetItem | None) -> QTreeWidgetItem:
        self._filling = True
        item = self._make_item(parent, self._next_key, "", 0)
        self._next_key -= 1
        self._filling = False
        if parent is not None:
            parent.setExpanded(True)
        self.tree.setCurrentItem(item)
        self.tree.setFocus()
        self.tree.editItem(item, 0)
        return item

    def add_inside(self) -> QTreeWidgetItem:
        return self._add(self.tree.currentItem())

    def add_beside(self) -> QTreeWidgetItem:
        current = self.tree.currentItem()
        return self._add(current.parent() if current is not None else None)

    def rename_current(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self.tree.setFocus()
            self.tree.editItem(item, 0)

    def delete_current(self) -> bool:
        item = self.tree.currentItem()
        if item is None:
            return False
        message = delete_refusal(item.text(0).strip(), int(item.data(0, KITS) or 0),
                                 item.childCount())
        if message:
            self.show_problem(message)
            return False
        self._remove(item)
        return True

    def _remove(self, item: QTreeWidgetItem) -> None:
        parent = item.parent()
        if parent is None:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        else:
            parent.removeChild(item)
        self._edit_done()

    def move_targets(self, key: int) -> list[tuple[int | None, str]]:
        """Where division ``key`` may go: the top level and every division not under it."""
        divisions = self.divisions()
        paths = division_paths(divisions)
        targets: list[tuple[int | None, str]] = [(None, TOP_LEVEL)]
        targets += sorted(((d.key, paths[d.key]) for d in divisions
                           if not is_ancestor(divisions, key, d.key)),
                          key=lambda t: t[1].casefold())
        return targets

    def move_current(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        key = self._key(item)
        assert key is not None
        targets = self.move_targets(key)
        titles = [t for _k, t in targets]
        current = self._key(item.parent())
        start = next((i for i, (k, _t) in enumerate(targets) if k == current), 0)
        title, ok = QInputDialog.getItem(self, "Переместить подразделение",
                                         f"Куда переместить «{item.text(0)}»:", titles, start,
                                         False)
        if ok and title in titles:
            self.move_to(key, targets[titles.index(title)][0])

    def move_to(self, key: int, parent_key: int | None) -> bool:
        """Put division ``key`` under ``parent_key`` (None: the top level)."""
        item = self.item_of(key)
        if item is None:
            return False
        if is_ancestor(self.divisions(), key, parent_key):
            self.show_problem(f"Подразделение «{item.text(0).strip()}» нельзя переместить в "
                              "само себя или в своё подчинённое подразделение.")
            return False
        target = self.item_of(parent_key) if parent_key is not None else None
        if target is item.parent():
            return True
        expanded = [i for i in self._items() if i.isExpanded()]
        old_parent = item.parent()
        if old_parent is None:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        else:
            old_parent.removeChild(item)
        if target is None:
            self.tree.addTopLevelItem(item)
        else:
            target.addChild(item)
            target.setExpanded(True)
        for i in expanded:
            i.setExpanded(True)
        item.setExpanded(True)
        self.tree.setCurrentItem(item)
        self._edit_done()
        return True


# The window's commands on these keys (Ins «новый клиент», Enter «открыть», Del…) must not
# take them from the tree or from the name being typed.
_OWN_KEYS = (Qt.Key.Key_Insert, Qt.Key.Key_Delete, Qt.Key.Key_Return, Qt.Key.Key_Enter,
             Qt.Key.Key_Escape)


def _claims(event: QEvent) -> bool:
    if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
            event.key() in _OWN_KEYS or (event.key() == Qt.Key.Key_M and event.modifiers()
                                         & Qt.KeyboardModifier.ControlModifier)):
        event.accept()
        return True
    return False


class _NameDelegate(QStyledItemDelegate):
    """The name editor keeps Enter and Esc (commit / cancel) from the window's commands."""

    def createEditor(self, parent, option, index):  # noqa: ANN001, ANN201, N802
        editor = super().createEditor(parent, option, index)
        editor.installEventFilter(self)
        return editor

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if _claims(event):
            return False  # accepted: the key now reaches the editor as a KeyPress
        return super().eventFilter(obj, event)


class _TreeKeys(QObject):
    """Ins / Shift+Ins / Enter / Del / Ctrl+M on the tree (F2 is Qt's own edit key)."""

    def __init__(self, page: DivisionsPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if _claims(event):
            return True
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key, mods = event.key(), event.modifiers()
        page = self.page
        if key == Qt.Key.Key_Insert:
            if mods & Qt.KeyboardModifier.ShiftModifier:
                page.add_beside()
            else:
                page.add_inside()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods:
            page.rename_current()
        elif key == Qt.Key.Key_Delete and not mods:
            page.delete_current()
        elif key == Qt.Key.Key_M and mods & Qt.KeyboardModifier.ControlModifier:
            page.move_current()
        else:
            return False
        return True
