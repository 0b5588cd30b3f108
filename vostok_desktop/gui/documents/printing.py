"""Printing from a card: choose a form, fill it, show it in a preview tab (print with
QPrintDialog, save DOCX or PDF, open in the word processor); mass printing in the
background with progress and cancel."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.documents.widgets import russian_buttons as _russian
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services import printing as prn
from vostok_desktop.services import templates as tpl


class ChooseFormDialog(QDialog):
    """The card's print forms; Enter prints the highlighted one."""

    def __init__(self, forms: list[tpl.TemplateInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Печать: выберите форму")
        self.setObjectName("choose_form_dialog")
        self.list = QListWidget(self)
        self.list.setObjectName("forms_list")
        for info in forms:
            text = info.name + ("  (индивидуальная)" if info.is_override else "")
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, info.id)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _i: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Сформировать")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        _russian(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Печатные формы карточки:"))
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(420, 320)

    def chosen(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def print_for_client(context: AppContext, client_id: int, parent: QWidget | None = None,
                     template_id: int | None = None) -> DocumentPreview | None:
    """Ctrl+P in a card: choose a form, fill it, open the preview tab."""
    if template_id is None:
        forms = tpl.templates_for_client(context.base, client_id)
        dialog = ChooseFormDialog(forms, parent)
        if not dialog.exec() or dialog.chosen() is None:
            return None
        template_id = dialog.chosen()
    try:
        rendered = prn.render_for_client(context.base, template_id, client_id,
                                         context.employee_id)
    except (tpl.TemplateError, LookupError) as exc:
        QMessageBox.warning(parent, "Документ не сформирован", str(exc))
        return None
    preview = DocumentPreview(context, rendered)
    context.cards.add_document(preview, rendered.file_name.removesuffix(".docx"))
    return preview


class DocumentPreview(QWidget):
    """A filled form in a tab: read it, print it, save it, open it, mail it."""

    def __init__(self, context: AppContext, rendered: prn.RenderedDocument,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("document_preview")
        self.context = context
        self.rendered = rendered
        self.view = QTextBrowser(self)
        self.view.setObjectName("preview_view")
        self.view.setHtml(prn.docx_to_html(rendered.data))
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        soffice = prn.find_soffice()
        for key, text, slot in (
            ("print", "Печать…", self.print_document),
            ("open", "Открыть в редакторе", self.open_external),
            ("save_docx", "Сохранить DOCX…", self.save_docx),
            ("save_pdf", "Сохранить PDF…", self.save_pdf),
            ("mail", "Отправить по e-mail…", self.send_by_mail),
        ):
            button = QPushButton(text, self)
            button.setObjectName(f"{key}_button")
            button.clicked.connect(slot)
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)
        self.note = QLabel("Просмотр упрощённый; точный вид — в текстовом редакторе. "
                           + ("PDF делает LibreOffice." if soffice else
                              "LibreOffice не найден: PDF и печать — по упрощённому виду."))
        self.note.setObjectName("preview_note")
        self.note.setStyleSheet("color: #555")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)

    def _temp_docx(self) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="vostok-print-"))
        path = folder / self.rendered.file_name
        path.write_bytes(self.rendered.data)
        return path

    def open_external(self) -> Path:
        path = self._temp_docx()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def save_docx(self, path: str | None = None) -> Path | None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Сохранить документ",
                                                  self.rendered.file_name,
                                                  "Документ Word (*.docx)")
        if not path:
            return None
        Path(path).write_bytes(self.rendered.data)
        return Path(path)

    def save_pdf(self, path: str | None = None) -> Path | None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, "Сохранить PDF", self.rendered.file_name.removesuffix(".docx") + ".pdf",
                "PDF (*.pdf)")
        if not path:
            return None
        target = Path(path)
        if prn.find_soffice():
            try:
                pdf = prn.convert_to_pdf(self._temp_docx())
            except prn.ConversionError as exc:
                QMessageBox.warning(self, "PDF не сделан", str(exc))
                return None
            target.write_bytes(pdf.read_bytes())
            return target
        from PySide6.QtGui import QPageSize, QPdfWriter

        writer = QPdfWriter(str(target))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        document = QTextDocument()
        document.setHtml(self.view.toHtml())
        document.print_(writer)
        return target

    def print_document(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Печать документа")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.view.document().print_(printer)

    def send_by_mail(self) -> None:
        from vostok_desktop.gui.documents.mail_dialog import MailDialog
        from vostok_desktop.services.mail import OutgoingFile

        MailDialog(self.context, self.rendered.client_id,
                   [OutgoingFile(self.rendered.file_name, self.rendered.data)], self).exec()


class MassPrintDialog(QDialog):
    """One form for many clients, written into a folder on a worker thread."""

    def __init__(self, context: AppContext, client_ids: list[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Массовая печать")
        self.setObjectName("mass_print_dialog")
        self.context = context
        self.client_ids = client_ids
        self.result: prn.MassPrintResult | None = None
        self.form_combo = QComboBox(self)
        self.form_combo.setObjectName("form_combo")
        for info in tpl.list_templates(context.base, include_overrides=False):
            self.form_combo.addItem(info.name, info.id)
        self.folder_edit = QLineEdit(str(Path.home() / "Документы Vostok"), self)
        self.folder_edit.setObjectName("folder_edit")
        browse = QPushButton("Выбрать…", self)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Клиентов выбрано:", QLabel(str(len(client_ids))))
        form.addRow("Печатная форма:", self.form_combo)
        form.addRow("Папка для файлов:", folder_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Печать")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        _russian(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Папка для документов",
                                                  self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def start(self) -> BackgroundOperation:
        template_id = self.form_combo.currentData()
        folder = Path(self.folder_edit.text())
        base, ids, employee = self.context.base, list(self.client_ids), self.context.employee_id
        progress = QProgressDialog("Формирование документов…", "Отменить", 0, len(ids), self)
        progress.setWindowTitle("Массовая печать")
        progress.setMinimumDuration(0)
        written: list[Path] = []

        def work(state: OperationState) -> prn.MassPrintResult:
            return prn.render_many(base, template_id, ids, folder, employee,
                                   progress=state.progress)

        operation = BackgroundOperation(work, self)
        operation.progress.connect(lambda _s, done, _t: progress.setValue(done))
        progress.canceled.connect(operation.cancel)

        def finished(result: prn.MassPrintResult) -> None:
            progress.close()
            self.result = result
            written.extend(result.files)
            text = f"Сформировано документов: {len(result.files)} в папке {folder}"
            if result.errors:
                text += "\n" + "\n".join(result.errors[:10])
            QMessageBox.information(self, "Массовая печать", text)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
            self.accept()

        def cancelled() -> None:
            progress.close()
            done = len(list(folder.glob("*.docx"))) if folder.exists() else 0
            QMessageBox.information(self, "Массовая печать",
                                    f"Печать остановлена. Готовых файлов в папке: {done}")

        def failed(message: str) -> None:
            progress.close()
            QMessageBox.warning(self, "Массовая печать не выполнена", message)

        operation.finished.connect(finished)
        operation.cancelled.connect(cancelled)
        operation.failed.connect(failed)
        self.operation = operation
        return operation.start()
