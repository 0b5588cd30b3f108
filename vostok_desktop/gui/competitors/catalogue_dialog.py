"""«Конкуренты…»: the catalogue of competitors (name, their system, price level, notes,
archive) and, on the second page, the lifecycle of the document «Конкурент клиента»
(stages in order, each with its meaning: threat, at the client, eliminated, lost).

Everybody may look; changing needs «Справочник конкурентов» (competitors.catalogue),
otherwise the editors are read-only (the server refuses the same anyway)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.domain.competitors import PRICE_LEVEL_TITLES, STAGE_KIND_TITLES, StageKind
from vostok_desktop.gui.cards.widgets import show_status
from vostok_desktop.gui.competitors.common import (
    attempt,
    confirm,
    current_key,
    fill_table,
    make_table,
)
from vostok_desktop.gui.context import AppContext
from vostok_desktop.services.access.rights import right_title
from vostok_desktop.services.competitors import catalogue as cat
from vostok_desktop.services.competitors.common import CATALOGUE_RIGHT


class CompetitorsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("competitors_dialog")
        self.setWindowTitle("Конкуренты")
        self.resize(880, 560)
        self.editable = context.allows(CATALOGUE_RIGHT)
        layout = QVBoxLayout(self)
        self.pages = QTabWidget()
        self.pages.addTab(self._competitors_page(), "Конкуренты")
        self.pages.addTab(self._stages_page(), "Стадии работы с конкурентом")
        layout.addWidget(self.pages, 1)
        footer = QHBoxLayout()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        footer.addWidget(self.message_label, 1)
        close = QPushButton("Закрыть")
        close.clicked.connect(self.accept)
        footer.addWidget(close)
        layout.addLayout(footer)
        if not self.editable:
            self.report(f"Только просмотр: изменять справочник можно с правом "
                        f"«{right_title(CATALOGUE_RIGHT)}»", error=False)
        self.refresh()

    # -- competitors ------------------------------------------------------------------------
    def _competitors_page(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        self.table = make_table(["Название", "Система", "Уровень цен", "В архиве"], stretch=1)
        self.table.setObjectName("competitors_table")
        self.table.currentCellChanged.connect(lambda *_a: self._show_current())
        row.addWidget(self.table, 3)
        editor = QWidget()
        form = QFormLayout(editor)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("name_edit")
        self.product_edit = QLineEdit()
        self.price_combo = QComboBox()
        for level, title in PRICE_LEVEL_TITLES.items():
            self.price_combo.addItem(title, level.value)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.archived_check = QCheckBox("В архиве (новые документы не заводят)")
        form.addRow("&Название:", self.name_edit)
        form.addRow("&Система:", self.product_edit)
        form.addRow("&Уровень цен:", self.price_combo)
        form.addRow("&Примечание:", self.notes_edit)
        form.addRow(self.archived_check)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("Новый")
        self.new_button.clicked.connect(self.new_competitor)
        self.save_button = QPushButton("Записать")
        self.save_button.setObjectName("save_competitor_button")
        self.save_button.clicked.connect(self.save_competitor)
        self.delete_button = QPushButton("Удалить")
        self.delete_button.clicked.connect(self.delete_competitor)
        for button in (self.new_button, self.save_button, self.delete_button):
            buttons.addWidget(button)
        form.addRow(buttons)
        for widget in (self.name_edit, self.product_edit, self.price_combo, self.notes_edit,
                       self.archived_check, self.new_button, self.save_button,
                       self.delete_button):
            widget.setEnabled(self.editable)
        row.addWidget(editor, 2)
        self.current_id: int | None = None
        return page

    def refresh(self) -> None:
        self.competitors = cat.list_competitors(self.context.base)
        fill_table(self.table, [[c.name, c.product, c.price_title, "да" if c.archived else ""]
                                for c in self.competitors], [c.id for c in self.competitors])
        self._show_current()
        self.stages = cat.list_stages(self.context.base)
        self._fill_stages()

    def _show_current(self) -> None:
        key = current_key(self.table)
        found = next((c for c in self.competitors if c.id == key), None)
        self.current_id = found.id if found else None
        self.name_edit.setText(found.name if found else "")
        self.product_edit.setText(found.product if found else "")
        self.price_combo.setCurrentIndex(max(0, self.price_combo.findData(
            found.price_level.value if found else "same")))
        self.notes_edit.setPlainText(found.notes if found else "")
        self.archived_check.setChecked(bool(found and found.archived))

    def new_competitor(self) -> None:
        self.table.clearSelection()
        self.table.setCurrentCell(-1, -1)
        self.current_id = None
        for edit in (self.name_edit, self.product_edit):
            edit.clear()
        self.notes_edit.clear()
        self.archived_check.setChecked(False)
        self.price_combo.setCurrentIndex(self.price_combo.findData("same"))
        self.name_edit.setFocus()

    def report(self, text: str, error: bool = True) -> None:
        show_status(self.message_label, text, error)

    def save_competitor(self) -> bool:
        data = cat.CompetitorData(self.current_id, self.name_edit.text(),
                                  self.product_edit.text(), self.price_combo.currentData(),
                                  self.notes_edit.toPlainText(), self.archived_check.isChecked())
        saved = attempt(lambda: cat.save_competitor(
            self.context.base, data, self.context.employee_id, self.context.access),
            self.report, "Конкурент не записан")
        if saved is None:
            return False
        self.refresh()
        for i, c in enumerate(self.competitors):
            if c.id == saved:
                self.table.selectRow(i)
        self.report("Записано", error=False)
        return True

    def delete_competitor(self) -> None:
        if self.current_id is None:
            return
        name = self.name_edit.text()
        if not confirm(self, "Конкуренты", f"Удалить конкурента «{name}» из справочника?"):
            return
        key = self.current_id
        if attempt(lambda: cat.delete_competitor(self.context.base, key,
                                                 self.context.employee_id,
                                                 self.context.access) or True,
                   self.report, "Конкурент не удалён"):
            self.refresh()

    # -- stages -----------------------------------------------------------------------------
    def _stages_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("Жизненный цикл документа «Конкурент клиента» — по порядку. "
                                "Ctrl+→ в документе переводит на следующую стадию; "
                                "стадии «устранён» и «ушёл к конкуренту» закрывают документ."))
        self.stages_table = make_table(["№", "Стадия", "Смысл для отчётов"], stretch=1)
        self.stages_table.setObjectName("stages_table")
        self.stages_table.currentCellChanged.connect(lambda *_a: self._show_stage())
        layout.addWidget(self.stages_table, 1)
        form = QHBoxLayout()
        self.stage_title_edit = QLineEdit()
        self.stage_title_edit.setPlaceholderText("Название стадии")
        self.stage_kind_combo = QComboBox()
        for kind, title in STAGE_KIND_TITLES.items():
            self.stage_kind_combo.addItem(title, kind.value)
        apply_button = QPushButton("Изменить")
        apply_button.clicked.connect(self.apply_stage)
        add_button = QPushButton("Добавить")
        add_button.clicked.connect(self.add_stage)
        up = QPushButton("Выше")
        up.clicked.connect(lambda: self.move_stage(-1))
        down = QPushButton("Ниже")
        down.clicked.connect(lambda: self.move_stage(1))
        remove = QPushButton("Убрать")
        remove.clicked.connect(self.remove_stage)
        self.save_stages_button = QPushButton("Записать стадии")
        self.save_stages_button.setObjectName("save_stages_button")
        self.save_stages_button.clicked.connect(self.save_stages)
        for widget in (self.stage_title_edit, self.stage_kind_combo, apply_button, add_button,
                       up, down, remove, self.save_stages_button):
            form.addWidget(widget, 2 if widget is self.stage_title_edit else 0)
            widget.setEnabled(self.editable)
        layout.addLayout(form)
        return page

    def _fill_stages(self, select: int | None = None) -> None:
        fill_table(self.stages_table, [[i, st.title, st.kind_title]
                                       for i, st in enumerate(self.stages, start=1)],
                   list(range(len(self.stages))))
        if select is not None and 0 <= select < len(self.stages):
            self.stages_table.selectRow(select)
        self._show_stage()

    def _show_stage(self) -> None:
        index = current_key(self.stages_table)
        stage = self.stages[index] if index is not None and index < len(self.stages) else None
        self.stage_title_edit.setText(stage.title if stage else "")
        self.stage_kind_combo.setCurrentIndex(max(0, self.stage_kind_combo.findData(
            StageKind(stage.kind).value if stage else StageKind.ACTIVE.value)))

    def _edited_stage(self, stage_id: int | None, position: int) -> cat.StageData:
        return cat.StageData(stage_id, self.stage_title_edit.text(), position,
                             self.stage_kind_combo.currentData())

    def apply_stage(self) -> None:
        index = current_key(self.stages_table)
        if index is None:
            return
        old = self.stages[index]
        self.stages[index] = self._edited_stage(old.id, old.position)
        self._fill_stages(index)

    def add_stage(self) -> None:
        if not self.stage_title_edit.text().strip():
            self.report("Стадия не добавлена: введите её название")
            return
        self.stages.append(self._edited_stage(None, len(self.stages) + 1))
        self._fill_stages(len(self.stages) - 1)

    def move_stage(self, step: int) -> None:
        index = current_key(self.stages_table)
        if index is None or not 0 <= index + step < len(self.stages):
            return
        self.stages[index], self.stages[index + step] = (self.stages[index + step],
                                                         self.stages[index])
        self._fill_stages(index + step)

    def remove_stage(self) -> None:
        index = current_key(self.stages_table)
        if index is None:
            return
        del self.stages[index]
        self._fill_stages(min(index, len(self.stages) - 1))

    def save_stages(self) -> bool:
        saved = attempt(lambda: cat.save_stages(self.context.base, list(self.stages),
                                                self.context.employee_id, self.context.access),
                        self.report, "Стадии не записаны")
        if saved is None:
            return False
        self.stages = saved
        self._fill_stages(0)
        self.report("Стадии записаны", error=False)
        return True


__all__ = ["CompetitorsDialog"]
