"""The import wizard: file and column mapping → row check → duplicate groups with a
choice and a field-by-field diff each → write in batches with progress and cancel →
summary (exportable). Nothing is written before the last step."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.importing import analysis, sources, write
from vostok_desktop.services.importing.plan import (
    GROUP_ACTION_TITLES,
    GroupAction,
    ImportCancelled,
    ImportGroup,
    ImportPlan,
)

PREVIEW_ROWS = 2000
BACKGROUND_READ_BYTES = 1_000_000
ERROR_BRUSH = QBrush(QColor("#fde2e1"))
DUP_BRUSH = QBrush(QColor("#fff4d6"))
STEP_TITLES = ("1. Файл и столбцы", "2. Проверка строк", "3. Дубли", "4. Запись")


def _item(text: object, data: object = None) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def _table(name: str, headers: list[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ImportWizard(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Загрузка клиентов из Excel/CSV")
        self.setObjectName("import_wizard")
        self.context = context
        self.table: sources.SourceTable | None = None
        self.plan: ImportPlan | None = None
        self.summary: write.ImportSummary | None = None
        self.operation: BackgroundOperation | None = None
        self.step_label = QLabel(self)
        self.step_label.setObjectName("step_label")
        self.step_label.setStyleSheet("font-weight: bold")
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._check_page())
        self.pages.addWidget(self._groups_page())
        self.pages.addWidget(self._write_page())
        self.message = QLabel(self)
        self.message.setObjectName("message_label")
        self.message.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("progress_bar")
        self.progress.hide()
        self.back_button = QPushButton("< Назад", self)
        self.next_button = QPushButton("Далее >", self)
        self.cancel_button = QPushButton("Отмена", self)
        self.back_button.setObjectName("back_button")
        self.next_button.setObjectName("next_button")
        self.cancel_button.setObjectName("cancel_button")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(980, 640)
        self._show_step(0)

    # -- pages -------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget(self)
        self.path_edit = QLineEdit(page)
        self.path_edit.setObjectName("path_edit")
        self.path_edit.setPlaceholderText("Файл .xlsx или .csv")
        browse = QPushButton("Выбрать файл…", page)
        browse.clicked.connect(self.choose_file)
        self.encoding_combo = QComboBox(page)
        self.encoding_combo.setObjectName("encoding_combo")
        for key, title in sources.ENCODINGS.items():
            self.encoding_combo.addItem(title, key)
        reread = QPushButton("Прочитать", page)
        reread.setObjectName("read_button")
        reread.clicked.connect(lambda: self.load_file(self.path_edit.text()))
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        row.addWidget(QLabel("Кодировка CSV:"))
        row.addWidget(self.encoding_combo)
        row.addWidget(reread)
        self.mapping_table = _table("mapping_table", ["Поле клиента", "Столбец файла",
                                                      "Пример из первой строки"], page)
        self.mapping_table.setRowCount(len(sources.IMPORT_FIELDS))
        self.mapping_combos: dict[str, QComboBox] = {}
        for r, field in enumerate(sources.IMPORT_FIELDS):
            self.mapping_table.setItem(r, 0, _item(field.title, field.key))
            combo = QComboBox(self.mapping_table)
            combo.currentIndexChanged.connect(lambda _i, r=r: self._sample(r))
            self.mapping_table.setCellWidget(r, 1, combo)
            self.mapping_combos[field.key] = combo
        self.mapping_table.setColumnWidth(0, 220)
        self.mapping_table.setColumnWidth(1, 260)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(QLabel("Какой столбец файла попадает в какое поле (запоминается "
                                "для файлов с такими же заголовками):"))
        layout.addWidget(self.mapping_table, 1)
        return page

    def _check_page(self) -> QWidget:
        page = QWidget(self)
        self.preview_table = _table("preview_table", ["Строка", "Наименование", "ИНН",
                                                      "Телефон", "Результат проверки"], page)
        self.check_label = QLabel(page)
        self.check_label.setObjectName("check_label")
        layout = QVBoxLayout(page)
        layout.addWidget(self.check_label)
        layout.addWidget(self.preview_table, 1)
        return page

    def _groups_page(self) -> QWidget:
        page = QWidget(self)
        self.groups_table = _table("groups_table", ["Группа", "Строки файла", "В базе",
                                                    "Совпадение", "Действие"], page)
        self.groups_table.itemSelectionChanged.connect(self.show_diff)
        self.diff_table = _table("diff_table", ["Поле", "Сейчас в базе", "Из файла",
                                                "Изменение"], page)
        self.diff_label = QLabel(page)
        self.diff_label.setObjectName("diff_label")
        self.diff_label.setWordWrap(True)
        right = QWidget(page)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.diff_label)
        right_layout.addWidget(self.diff_table, 1)
        splitter = QSplitter(page)
        splitter.addWidget(self.groups_table)
        splitter.addWidget(right)
        splitter.setSizes([600, 360])
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("Возможные дубли: выберите для каждой группы, что сделать. "
                                "«Объединить» обновит пустые и изменившиеся поля клиента."))
        layout.addWidget(splitter, 1)
        return page

    def _write_page(self) -> QWidget:
        page = QWidget(self)
        self.summary_label = QLabel(page)
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setWordWrap(True)
        self.export_button = QPushButton("Сохранить итоги в Excel…", page)
        self.export_button.setObjectName("export_summary_button")
        self.export_button.clicked.connect(lambda: self.export_summary())
        self.export_button.setEnabled(False)
        self.outcome_table = _table("outcome_table", ["Строка файла", "Результат",
                                                      "Код клиента", "Пояснение"], page)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.outcome_table, 1)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    # -- navigation ---------------------------------------------------------------------
    def _show_step(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.step_label.setText("   ".join(f"[{t}]" if i == index else t
                                           for i, t in enumerate(STEP_TITLES)))
        self.back_button.setEnabled(0 < index < 3)
        self.next_button.setText({2: "Записать", 3: "Готово"}.get(index, "Далее >"))

    def next(self) -> None:
        index = self.pages.currentIndex()
        if index == 0:
            self.analyse()
        elif index == 1:
            self._show_step(2)
        elif index == 2:
            self.write()
        else:
            self.accept()

    def back(self) -> None:
        self._show_step(max(0, self.pages.currentIndex() - 1))

    def cancel_or_close(self) -> None:
        if self.operation is not None:
            self.operation.cancel()
            self.message.setText("Останавливается…")
            return
        self.reject()

    # -- step 1 -------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Файл с клиентами", "",
                                              "Excel и CSV (*.xlsx *.csv);;Все файлы (*)")
        if path:
            self.load_file(path)

    def _settings_key(self) -> str:
        assert self.table is not None
        return f"import/v1/mapping/{sources.source_signature(self.table)}"

    def load_file(self, path: str) -> bool:
        """Read the file (a big one on a worker thread) and fill the mapping."""
        self.path_edit.setText(path)
        self.table = None
        encoding = self.encoding_combo.currentData()
        try:
            big = Path(path).stat().st_size > BACKGROUND_READ_BYTES
        except OSError:
            big = False
        if big:
            self._run(lambda _state: sources.read_source(Path(path), encoding), self._loaded)
            self.message.setText("Чтение файла…")
            return True
        try:
            table = sources.read_source(Path(path), encoding)
        except sources.ImportFileError as exc:
            self.message.setText(str(exc))
            return False
        self._loaded(table)
        return True

    def _loaded(self, table: sources.SourceTable) -> None:
        self.table = table
        headers = self.table.headers
        stored = self.context.qsettings.value(self._settings_key())
        mapping = sources.guess_mapping(headers)
        if isinstance(stored, str):
            try:
                mapping = {k: int(v) for k, v in json.loads(stored).items()
                           if k in sources.FIELDS_BY_KEY and int(v) < len(headers)}
            except (ValueError, TypeError):
                pass
        for key, combo in self.mapping_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("— не загружать —", None)
            for i, header in enumerate(headers):
                combo.addItem(header or f"Столбец {i + 1}", i)
            combo.setCurrentIndex(combo.findData(mapping[key]) if key in mapping else 0)
            combo.blockSignals(False)
        for r in range(len(sources.IMPORT_FIELDS)):
            self._sample(r)
        self.message.setText(f"Прочитано строк: {len(self.table.rows)}; столбцов: "
                             f"{len(headers)}.")

    def _sample(self, row: int) -> None:
        key = sources.IMPORT_FIELDS[row].key
        col = self.mapping_combos[key].currentData()
        value = ""
        if self.table is not None and col is not None and self.table.rows:
            first = self.table.rows[0]
            value = first[col] if col < len(first) else ""
        self.mapping_table.setItem(row, 2, _item(value))

    def mapping(self) -> sources.Mapping:
        return {k: c.currentData() for k, c in self.mapping_combos.items()
                if c.currentData() is not None}

    # -- step 2 -------------------------------------------------------------------------
    def _run(self, work, done) -> BackgroundOperation:  # noqa: ANN001
        self.progress.show()
        self.progress.setValue(0)
        self.next_button.setEnabled(False)
        self.back_button.setEnabled(False)
        operation = BackgroundOperation(work, self)

        def progressed(stage: str, value: int, total: int) -> None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(value)
            self.message.setText(f"{stage}…")

        def finish() -> None:
            self.operation = None
            self.progress.hide()
            self.next_button.setEnabled(True)

        def failed(message: str) -> None:
            finish()
            self.message.setText(message)
            self._show_step(self.pages.currentIndex())

        def cancelled() -> None:
            finish()
            self.message.setText("Остановлено; ничего не записано.")
            self._show_step(self.pages.currentIndex())

        operation.progress.connect(progressed)
        operation.finished.connect(lambda result: (finish(), done(result)))
        operation.failed.connect(failed)
        operation.cancelled.connect(cancelled)
        self.operation = operation
        return operation.start()

    def analyse(self) -> BackgroundOperation | None:
        if self.table is None:
            if self.operation is None:
                self.load_file(self.path_edit.text())
            return None
        mapping = self.mapping()
        if "short_name" not in mapping and "full_name" not in mapping:
            self.message.setText("Выберите столбец с наименованием клиента.")
            return None
        assert self.table is not None
        self.context.qsettings.setValue(self._settings_key(), json.dumps(mapping))
        table, base = self.table, self.context.base
        return self._run(lambda state: analysis.analyse(base, table, mapping, state.progress),
                         self._analysed)

    def _analysed(self, plan: ImportPlan) -> None:
        self.plan = plan
        group_of = plan.group_of_row()
        shown = plan.rows[:PREVIEW_ROWS]
        self.preview_table.setRowCount(len(shown))
        for r, row in enumerate(shown):
            group = group_of.get(row.index)
            if row.errors:
                verdict, brush = "Ошибка: " + "; ".join(row.errors), ERROR_BRUSH
            elif group is not None:
                verdict, brush = f"Возможный дубль (группа {group.id}: " \
                                 f"{group.reason_text})", DUP_BRUSH
            else:
                verdict, brush = "Новый клиент", None
            values = [row.line, row.data.get("short_name"), row.data.get("inn"),
                      ", ".join(p[0] for p in row.phones), verdict]
            for c, value in enumerate(values):
                item = _item(value)
                if brush is not None:
                    item.setBackground(brush)
                self.preview_table.setItem(r, c, item)
        self.preview_table.resizeColumnsToContents()
        invalid = len(plan.invalid)
        self.check_label.setText(
            f"Строк: {len(plan.rows)}; с ошибками (не будут записаны): {invalid}; "
            f"групп возможных дублей: {len(plan.groups)}; новых без дублей: "
            f"{len(plan.singles)}." + (f" Показаны первые {PREVIEW_ROWS}."
                                       if len(plan.rows) > PREVIEW_ROWS else ""))
        self._fill_groups()
        self.message.setText("Проверка закончена. В базе ещё ничего не изменено.")
        self._show_step(1)

    # -- step 3 -------------------------------------------------------------------------
    def _fill_groups(self) -> None:
        assert self.plan is not None
        groups = self.plan.groups
        self.groups_table.setRowCount(len(groups))
        for r, group in enumerate(groups):
            lines = ", ".join(str(self.plan.rows[i].line) for i in group.rows)
            existing = "; ".join(f"{c.short_name} (№{c.id})" for c in group.existing) or "—"
            for c, value in enumerate([group.id, lines, existing, group.reason_text]):
                self.groups_table.setItem(r, c, _item(value, group.id if c == 0 else None))
            combo = QComboBox(self.groups_table)
            combo.setMinimumContentsLength(22)
            for action, title in GROUP_ACTION_TITLES.items():
                if action is GroupAction.MERGE and group.existing:
                    for brief in group.existing:
                        combo.addItem(f"Объединить с №{brief.id}", f"merge:{brief.id}")
                elif action is GroupAction.MERGE:
                    combo.addItem("Объединить в одного нового", "merge:")
                else:
                    combo.addItem(title, str(action))
            current = f"merge:{group.target_id or ''}" \
                if group.action is GroupAction.MERGE else str(group.action)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.currentIndexChanged.connect(lambda _i, g=group, cb=combo: self._choose(g, cb))
            self.groups_table.setCellWidget(r, 4, combo)
        self.groups_table.resizeColumnsToContents()
        self.groups_table.setColumnWidth(4, 230)
        if groups:
            self.groups_table.selectRow(0)

    def _choose(self, group: ImportGroup, combo: QComboBox) -> None:
        key, _, target = str(combo.currentData()).partition(":")
        group.action = GroupAction(key)
        if group.action is GroupAction.MERGE:
            group.target_id = int(target) if target else None
        self.show_diff()

    def show_diff(self) -> None:
        if self.plan is None:
            return
        row = self.groups_table.currentRow()
        if not 0 <= row < len(self.plan.groups):
            return
        group = self.plan.groups[row]
        changes = analysis.merge_diff(self.context.base, self.plan, group) \
            if group.action is GroupAction.MERGE else []
        self.diff_table.setRowCount(len(changes))
        for r, change in enumerate(changes):
            for c, value in enumerate([change.title, change.old, change.new, change.kind]):
                self.diff_table.setItem(r, c, _item(value))
        self.diff_table.resizeColumnsToContents()
        if group.action is not GroupAction.MERGE:
            text = f"Группа {group.id}: {GROUP_ACTION_TITLES[group.action].lower()}."
        elif group.target_id is None:
            text = f"Группа {group.id}: строки станут одним новым клиентом."
        else:
            text = (f"Группа {group.id}: изменения клиента №{group.target_id}"
                    + ("" if changes else " — нет, данные совпадают") + ".")
        self.diff_label.setText(text)

    # -- step 4 -------------------------------------------------------------------------
    def write(self) -> BackgroundOperation | None:
        if self.plan is None:
            return None
        plan, base, employee = self.plan, self.context.base, self.context.employee_id
        self._show_step(3)
        self.summary_label.setText("Запись…")

        def work(state: OperationState) -> write.ImportSummary:
            def progress(stage: str, done: int, total: int) -> None:
                if state.is_cancelled():
                    raise ImportCancelled
                state.progress(stage, done, total)

            return write.apply_import(base, plan, employee, progress)

        return self._run(work, self._written)

    def _written(self, summary: write.ImportSummary) -> None:
        self.summary = summary
        self.summary_label.setText(summary.text().replace(": ", ":\n", 1))
        self.export_button.setEnabled(True)
        shown = summary.lines[:PREVIEW_ROWS]
        self.outcome_table.setRowCount(len(shown))
        for r, (line, outcome, client_id, note) in enumerate(shown):
            for c, value in enumerate([line, outcome, client_id, note]):
                item = _item(value)
                if outcome is write.RowOutcome.INVALID:
                    item.setBackground(ERROR_BRUSH)
                self.outcome_table.setItem(r, c, item)
        self.outcome_table.resizeColumnsToContents()
        self.message.setText("")
        self._show_step(3)
        self.back_button.setEnabled(False)
        self.cancel_button.setText("Закрыть")
        if summary.written:
            self.context.bus.announce("client", [])

    def export_summary(self, path: str | None = None) -> Path | None:
        if self.summary is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Итоги импорта", "итоги импорта.xlsx",
                                                  "Книга Excel (*.xlsx)")
        if not path:
            return None
        return write.export_summary(self.summary, Path(path))
