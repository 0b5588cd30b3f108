"""«Файл ЗВЭ (expcons.txt)…»: write expcons.txt for every kit with the ЗВЭ flag.

Keyboard: the fields in order (код РИЦ, файл, формат), Enter forms the file, Esc closes.
The kits are counted on opening and the file is written on a worker thread
(BackgroundOperation); the writer is a plugin (``DistributiveFileWriter``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.plugins import PluginRegistry, load_plugins
from vostok_desktop.services.distributives import expert_file

FILES_RIGHT = "distributives.files"
RIGHT_MISSING = "Нет права «ЗВЭ/КЦ файлы». Обратитесь к администратору."
KEY_CODE = "distributives/ric_code"
KEY_PATH = "distributives/expcons_path"
KEY_WRITER = "distributives/expert_writer"


def remembered(context: AppContext, key: str, default: str = "") -> str:
    value = context.qsettings.value(key, default)
    return str(value) if value is not None else default


def remember(context: AppContext, key: str, value: str) -> None:
    context.qsettings.setValue(key, value)


def default_code(context: AppContext) -> tuple[str, str]:
    """The РИЦ code last typed here (else the company detail «ric_code») and the name."""
    try:
        code, name = expert_file.company_code_and_name(context.base)
    except Exception:  # noqa: BLE001 - details unreadable: the user types the code
        code, name = "", ""
    return remembered(context, KEY_CODE, code) or code, name


def fill_writers(combo: QComboBox, writers: dict, preferred: object) -> None:
    for writer_id, writer in writers.items():
        combo.addItem(writer.title, writer_id)
    chosen = getattr(preferred, "id", None)
    if chosen is not None:
        combo.setCurrentIndex(max(0, combo.findData(chosen)))


class ExpertFileDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 plugins: PluginRegistry | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("expert_file_dialog")
        self.setWindowTitle("Файл ЗВЭ (expcons.txt)")
        self.context = context
        self.plugins = plugins or load_plugins()
        self.written: expert_file.WrittenFile | None = None
        self.operation: BackgroundOperation | None = None
        code, self.company_name = default_code(context)

        self.code_edit = QLineEdit(code, self)
        self.code_edit.setObjectName("ric_code_edit")
        self.code_edit.setPlaceholderText("код РИЦ в сети КонсультантПлюс")
        self.path_edit = QLineEdit(remembered(
            context, KEY_PATH, str(Path.home() / "expcons.txt")), self)
        self.path_edit.setObjectName("path_edit")
        browse = QPushButton("&Обзор…", self)
        browse.setObjectName("browse_button")
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.writer_combo = QComboBox(self)
        self.writer_combo.setObjectName("writer_combo")
        api = self.plugins.api
        fill_writers(self.writer_combo, api.expert_file_writers,
                     api.expert_file_writer(remembered(context, KEY_WRITER) or None))
        self.summary = QLabel("Подсчёт комплектов с флагом ЗВЭ…", self)
        self.summary.setObjectName("summary_label")
        self.summary.setWordWrap(True)
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("notes_text")
        self.notes.setReadOnly(True)
        self.notes.setPlaceholderText("Комплекты, не попавшие в файл, и замечания")
        self.notes.setTabChangesFocus(True)

        form = QFormLayout()
        form.addRow("&Код РИЦ:", self.code_edit)
        path_label = QLabel("&Файл:", self)
        path_label.setBuddy(self.path_edit)
        form.addRow(path_label, path_row)
        form.addRow("Фор&мат:", self.writer_combo)
        self.buttons = QDialogButtonBox(self)
        self.write_button = self.buttons.addButton("&Сформировать",
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.write_button.setObjectName("write_button")
        self.write_button.setDefault(True)
        close = self.buttons.addButton("Закрыть", QDialogButtonBox.ButtonRole.RejectRole)
        close.setObjectName("close_button")
        self.buttons.accepted.connect(self.write)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 420)
        if not self.plugins.api.expert_file_writers:
            self._refuse("Нет ни одного модуля записи expcons.txt: встроенный модуль "
                         "«rc_files» не загружен (см. «О программе»)")
        elif not context.allows(FILES_RIGHT):
            self._refuse(RIGHT_MISSING)
        else:
            self.count()

    def _refuse(self, message: str) -> None:
        self.write_button.setEnabled(False)
        self.write_button.setToolTip(message)
        self.summary.setText(message)

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Куда записать expcons.txt",
                                              self.path_edit.text(),
                                              "Текстовые файлы (*.txt);;Все файлы (*)")
        if path:
            self.path_edit.setText(path)

    def _writer(self):  # noqa: ANN202 - a DistributiveFileWriter[ExpertFileData]
        return self.plugins.api.expert_file_writers.get(self.writer_combo.currentData())

    def count(self) -> BackgroundOperation:
        """Count the flagged kits on a worker (a big base has many)."""
        base, profile = self.context.base, self.context.access

        def work(_state: OperationState) -> expert_file.ExpertKits:
            return expert_file.collect_expert_kits(base, company_code="", profile=profile)

        def done(kits: expert_file.ExpertKits) -> None:
            self.summary.setText(
                f"Комплектов с флагом ЗВЭ: {len(kits.data.kits)}, дистрибутивов в них: "
                f"{kits.distributives}" + (f"; без дистрибутивов на обслуживании: "
                                            f"{len(kits.skipped)}" if kits.skipped else ""))
            self.notes.setPlainText("\n".join([*kits.warnings, *kits.skipped]))

        return self._run(work, done)

    def write(self) -> BackgroundOperation | None:
        code = self.code_edit.text().strip()
        if not code:
            self.summary.setText("Укажите код РИЦ: он пишется в первую строку файла")
            self.code_edit.setFocus()
            return None
        text = self.path_edit.text().strip()
        if not text:
            self.summary.setText("Укажите, куда записать файл")
            self.path_edit.setFocus()
            return None
        writer = self._writer()
        if writer is None:
            self.summary.setText("Выберите формат файла")
            return None
        target = Path(text).expanduser()
        base, profile, name = self.context.base, self.context.access, self.company_name

        def work(state: OperationState) -> expert_file.WrittenFile:
            return expert_file.write_expert_file(
                base, target, writer, company_code=code, company_name=name,
                made_on=date.today(), profile=profile,
                progress=lambda stage: state.progress(stage, 0, 0))

        def done(written: expert_file.WrittenFile) -> None:
            self.written = written
            remember(self.context, KEY_CODE, code)
            remember(self.context, KEY_PATH, str(written.path))
            remember(self.context, KEY_WRITER, writer.id)
            self.summary.setText(f"Файл записан: {written.path} — комплектов "
                                 f"{written.kits}, дистрибутивов {written.distributives}")
            self.notes.setPlainText("\n".join([*written.warnings, *written.skipped]))

        self.summary.setText("Формирование файла…")
        return self._run(work, done)

    def _run(self, work, done) -> BackgroundOperation:  # noqa: ANN001
        self.write_button.setEnabled(False)
        operation = BackgroundOperation(work, self)
        operation.progress.connect(lambda stage, _d, _t: self.summary.setText(stage))
        operation.finished.connect(done)
        operation.finished.connect(lambda _r: self.write_button.setEnabled(True))
        operation.failed.connect(self._failed)
        self.operation = operation
        return operation.start()

    def _failed(self, message: str) -> None:
        self.write_button.setEnabled(True)
        self.summary.setText(message)


def open_expert_file_dialog(parent: QWidget | None, context: AppContext, *,
                            plugins: PluginRegistry | None = None) -> ExpertFileDialog:
    """Show «Файл ЗВЭ (expcons.txt)» (non-modal; returned for tests)."""
    dialog = ExpertFileDialog(context, parent, plugins=plugins)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.code_edit.setFocus()
    return dialog
