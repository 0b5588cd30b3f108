"""«Сверка с регистрационным центром…»: load the registration file (CSV/XLSX), see the
broken rows and the differences against the base, apply the chosen ones as movements.

Keyboard: Файл (Enter loads it), Дата сверки, the table of differences (arrows; Space
ticks a row), Ctrl+A ticks every applicable one, «Применить отмеченные» applies them in
one transaction; Esc closes. Reading and comparing run on a worker.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.distributives.expert_file_dialog import remember, remembered
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.distributives import reconciliation as rc

MOVE_RIGHT = "distributives.move"
KEY_FOLDER = "distributives/registration_folder"
HEADERS = ("", "Расхождение", "№ дистрибутива", "Строка", "В файле", "В базе",
           "Что будет сделано")
GREY = QBrush(QColor("#777777"))


def summary_text(result: rc.Reconciliation) -> str:
    """«Строк в файле: 6; совпадает: 1; Нет в базе: 1; …. Можно применить: 4»."""
    parts = [f"Строк в файле: {result.rows}", f"совпадает: {result.matched}",
             *(f"{rc.DIFFERENCE_TITLES[k]}: {result.count(k)}" for k in rc.DifferenceKind
               if result.count(k))]
    if result.broken:
        parts.append(f"Строк с ошибками: {len(result.broken)}")
    applicable = sum(1 for d in result.differences if d.applicable)
    if applicable:
        tail = f". Можно применить: {applicable}"
    else:
        tail = ". Применить нечего." if result.differences else ". Расхождений нет."
    return "; ".join(parts) + tail


class ReconciliationDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reconciliation_dialog")
        self.setWindowTitle("Сверка с регистрационным центром")
        self.context = context
        self.result: rc.Reconciliation | None = None
        self.applied: list = []
        self.operation: BackgroundOperation | None = None

        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("path_edit")
        self.path_edit.setPlaceholderText("файл регистрации .csv или .xlsx, Enter — загрузить")
        browse = QPushButton("&Обзор…", self)
        browse.setObjectName("browse_button")
        browse.clicked.connect(self.browse)
        self.load_button = QPushButton("&Загрузить", self)
        self.load_button.setObjectName("load_button")
        self.load_button.clicked.connect(lambda: self.load())
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        path_row.addWidget(self.load_button)
        self.date_edit = QDateEdit(QDate.currentDate(), self)
        self.date_edit.setObjectName("date_edit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd.MM.yyyy")
        self.date_edit.setToolTip("Дата отключения дистрибутивов, которых нет в файле")
        self.summary = QLabel("Столбцы файла: «Номер дистрибутива», «ИНН клиента», «Статус» "
                              "(на обслуживании / отключён), «Дата».", self)
        self.summary.setObjectName("summary_label")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("differences_table")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # The short columns fit their text; «В файле» and «В базе» have a fixed width
        # (a client's name is long; the full text is in the tooltip) so that «Что будет
        # сделано» always stays on screen.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column, width in ((4, 210), (5, 250)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.broken = QPlainTextEdit(self)
        self.broken.setObjectName("broken_rows_text")
        self.broken.setReadOnly(True)
        self.broken.setTabChangesFocus(True)
        self.broken.setPlaceholderText("Строки файла с ошибками")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.broken)
        splitter.setSizes([380, 110])

        form = QFormLayout()
        path_label = QLabel("&Файл:", self)
        path_label.setBuddy(self.path_edit)
        form.addRow(path_label, path_row)
        form.addRow("&Дата сверки:", self.date_edit)
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton("&Применить отмеченные",
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("apply_button")
        self.apply_button.setEnabled(False)
        self.all_button = self.buttons.addButton("Отметить &все применимые",
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.all_button.setObjectName("check_all_button")
        self.all_button.clicked.connect(self.check_all)
        close = self.buttons.addButton("Закрыть", QDialogButtonBox.ButtonRole.RejectRole)
        close.setObjectName("close_button")
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self.resize(1100, 620)
        if not context.allows(MOVE_RIGHT):
            self.apply_button.setToolTip("Нет права «Движение дистрибутивов»")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                self.focusWidget() is self.path_edit:
            event.accept()
            self.load()
            return
        if event.matches(QKeySequence.StandardKey.SelectAll) and \
                self.focusWidget() is self.table:
            event.accept()
            self.check_all()
            return
        super().keyPressEvent(event)

    def browse(self) -> None:
        folder = remembered(self.context, KEY_FOLDER, str(Path.home()))
        path, _ = QFileDialog.getOpenFileName(
            self, "Файл регистрационного центра", folder,
            "Файлы регистрации (*.csv *.xlsx *.txt);;Все файлы (*)")
        if path:
            self.path_edit.setText(path)
            self.load()

    # -- loading -----------------------------------------------------------------------
    def load(self) -> BackgroundOperation | None:
        text = self.path_edit.text().strip()
        if not text:
            self.summary.setText("Выберите файл регистрации")
            self.path_edit.setFocus()
            return None
        path = Path(text).expanduser()
        on = self.date_edit.date().toPython()
        base = self.context.base

        def work(state: OperationState) -> rc.Reconciliation:
            return rc.reconcile(base, path, on=on, progress=state.progress)

        def done(result: rc.Reconciliation) -> None:
            remember(self.context, KEY_FOLDER, str(path.parent))
            self.show_result(result)

        self.load_button.setEnabled(False)
        self.apply_button.setEnabled(False)
        self.summary.setText(f"Чтение «{path.name}»…")
        return self._run(work, done)

    def show_result(self, result: rc.Reconciliation) -> None:
        self.result = result
        self.table.setRowCount(0)
        self.table.setRowCount(len(result.differences))
        for row, d in enumerate(result.differences):
            check = QTableWidgetItem()
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if d.applicable:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
                check.setCheckState(Qt.CheckState.Unchecked)
            check.setFlags(flags)
            self.table.setItem(row, 0, check)
            values = (d.title, d.number, "" if d.line is None else str(d.line), d.file_text,
                      d.base_text, d.action)
            for column, value in enumerate(values, start=1):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if not d.applicable:
                    item.setForeground(GREY)
                self.table.setItem(row, column, item)
        self.summary.setText(summary_text(result))
        self.broken.setPlainText("\n".join(str(b) for b in result.broken))
        applicable = any(d.applicable for d in result.differences)
        self.apply_button.setEnabled(applicable and self.context.allows(MOVE_RIGHT))
        if result.differences:
            self.table.setFocus()
            self.table.setCurrentCell(0, 0)

    # -- choosing and applying -----------------------------------------------------------
    def check_all(self) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(Qt.CheckState.Checked)

    def chosen(self) -> list[rc.Difference]:
        if self.result is None:
            return []
        return [d for row, d in enumerate(self.result.differences)
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def apply(self) -> BackgroundOperation | None:
        chosen = self.chosen()
        if not chosen:
            self.summary.setText("Отметьте расхождения, которые нужно применить (Пробел)")
            self.table.setFocus()
            return None
        base, employee, profile = (self.context.base, self.context.employee_id,
                                   self.context.access)

        def work(_state: OperationState) -> list:
            return rc.apply_differences(base, chosen, employee, profile=profile,
                                        today=date.today())

        def done(applied: list) -> None:
            self.applied = applied
            ids = sorted({a.distributive_id for a in applied})
            clients = sorted({a.client_id for a in applied if a.client_id is not None})
            self.context.bus.announce("distributive", ids)
            if clients:
                self.context.bus.announce("client", clients)
            message = f"Применено расхождений: {len(chosen)} (движений: {len(applied)})"
            reload = self.load()
            if reload is not None:
                reload.finished.connect(lambda _r: self.summary.setText(
                    message + ". " + self.summary.text()))

        self.apply_button.setEnabled(False)
        self.summary.setText("Применение…")
        return self._run(work, done)

    def _run(self, work, done) -> BackgroundOperation:  # noqa: ANN001
        operation = BackgroundOperation(work, self)
        operation.progress.connect(lambda stage, _d, _t: self.summary.setText(stage))
        operation.finished.connect(done)
        operation.finished.connect(lambda _r: self.load_button.setEnabled(True))
        operation.failed.connect(self._failed)
        self.operation = operation
        return operation.start()

    def _failed(self, message: str) -> None:
        self.load_button.setEnabled(True)
        self.summary.setText(message)
        if self.result is not None:
            self.apply_button.setEnabled(self.context.allows(MOVE_RIGHT) and any(
                d.applicable for d in self.result.differences))


def open_reconciliation_dialog(parent: QWidget | None, context: AppContext
                               ) -> ReconciliationDialog:
    """Show «Сверка с регистрационным центром» (non-modal; returned for tests)."""
    dialog = ReconciliationDialog(context, parent)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.path_edit.setFocus()
    return dialog
