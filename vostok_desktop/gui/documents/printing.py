"""Printing from a card: choose a form, fill it, show it in a preview tab (the PDF's pages
where LibreOffice is installed; print with QPrintDialog, save DOCX or PDF, open in the
word processor); mass printing in the background with progress and cancel."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QRect, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QPagedPaintDevice,
    QPainter,
    QPixmap,
    QResizeEvent,
    QTextDocument,
)
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
    QScrollArea,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.documents.widgets import russian_buttons as _russian
from vostok_desktop.gui.operations import BackgroundOperation, OperationState
from vostok_desktop.services.documents import printing as prn
from vostok_desktop.services.documents import templates as tpl

PDF_TIMEOUT_S = 90.0  # LibreOffice's first start on a slow PC takes ~10 s


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
    """A filled form in a tab: read it, print it, save it, open it, mail it.

    Where LibreOffice and pdftoppm are installed, a worker thread converts the document
    to PDF and renders its pages; the tab then shows the pages as they will print, prints
    them and saves that PDF. Until then (and where they are missing) it shows a
    simplified HTML view, and the note under the buttons says why."""

    def __init__(self, context: AppContext, rendered: prn.RenderedDocument,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("document_preview")
        self.context = context
        self.rendered = rendered
        self.pdf_preview: prn.PdfPreview | None = None
        self.pdf_error: str | None = None
        self.view = QTextBrowser(self)
        self.view.setObjectName("preview_view")
        self.view.setHtml(prn.docx_to_html(rendered.data))
        self.pages_area = QScrollArea(self)
        self.pages_area.setObjectName("pdf_pages")
        self.pages_area.setWidgetResizable(True)
        self.pages_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.pages_area.setStyleSheet("QScrollArea { background: #808080 }")
        self.page_labels: list[QLabel] = []
        self.page_pixmaps: list[QPixmap] = []
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.pages_area)
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
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
        self.note = QLabel(self)
        self.note.setObjectName("preview_note")
        self.note.setStyleSheet("color: #555")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(self.stack, 1)
        self.missing = prn.pdf_preview_missing()
        if self.missing is None:
            self.note.setText("LibreOffice готовит точный вид документа… Пока показан "
                              "упрощённый.")
            self._start_conversion()
        else:
            self.note.setText(f"Просмотр упрощённый: {self.missing}. Точный вид — в "
                              "текстовом редакторе («Открыть в редакторе»); печать и PDF — "
                              "по упрощённому виду.")

    # -- the exact view ----------------------------------------------------------------
    def _start_conversion(self) -> None:
        data, name = self.rendered.data, self.rendered.file_name

        def work(_state: OperationState) -> prn.PdfPreview:
            return prn.make_pdf_preview(data, name, timeout=PDF_TIMEOUT_S)

        self.conversion = BackgroundOperation(work, self)
        self.conversion.finished.connect(self._pdf_ready)
        self.conversion.failed.connect(self._pdf_failed)
        self.conversion.start()

    def _pdf_ready(self, result: prn.PdfPreview) -> None:
        self.pdf_preview = result
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setSpacing(12)
        self.page_pixmaps = [QPixmap(str(path)) for path in result.pages]
        for number, _path in enumerate(result.pages, start=1):
            label = QLabel(holder)
            label.setObjectName(f"pdf_page_{number}")
            label.setStyleSheet("background: white")
            column.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)
        column.addStretch(1)
        self.pages_area.setWidget(holder)
        self.stack.setCurrentWidget(self.pages_area)
        self._fit_pages()
        pages = len(result.pages)
        self.note.setText(f"Точный вид (PDF, сделанный LibreOffice): страниц — {pages}. "
                          "Так документ будет напечатан и сохранён в PDF.")

    def _fit_pages(self) -> None:
        """Pages as wide as the tab (never wider than their rendered size)."""
        width = self.pages_area.viewport().width() - 40
        for label, pixmap in zip(self.page_labels, self.page_pixmaps, strict=True):
            if pixmap.width() > width > 100:
                label.setPixmap(pixmap.scaledToWidth(
                    width, Qt.TransformationMode.SmoothTransformation))
            else:
                label.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.page_labels:
            self._fit_pages()

    def _pdf_failed(self, message: str) -> None:
        self.pdf_error = message
        self.note.setText(f"Точный вид не получен: {message}. Показан упрощённый вид; "
                          "печать и PDF — по нему.")

    # -- commands ----------------------------------------------------------------------
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
        if self.pdf_preview is not None:
            target.write_bytes(self.pdf_preview.pdf.read_bytes())
            return target
        if prn.find_soffice():
            try:
                pdf = prn.convert_to_pdf(self._temp_docx(), timeout=PDF_TIMEOUT_S)
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
            self.print_to(printer)

    def print_to(self, printer: QPagedPaintDevice) -> None:
        """The exact pages where the PDF is ready (re-rendered at 300 dpi), else the
        simplified view."""
        if self.pdf_preview is None:
            self.view.document().print_(printer)
            return
        try:
            pages = prn.render_pdf_pages(self.pdf_preview.pdf,
                                         self.pdf_preview.pdf.parent / "print", 300)
        except prn.ConversionError:
            pages = self.pdf_preview.pages
        painter = QPainter(printer)
        try:
            for number, path in enumerate(pages):
                if number:
                    printer.newPage()
                image = QImage(str(path))
                area = painter.viewport()
                size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(area.x(), area.y(), size.width(), size.height()),
                                  image)
        finally:
            painter.end()

    def send_by_mail(self) -> None:
        from vostok_desktop.gui.documents.mail_dialog import MailDialog
        from vostok_desktop.services.documents.mail import OutgoingFile

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

    def start(self) -> BackgroundOperation | None:
        from vostok_desktop.gui.export_gate import pass_export_gate

        template_id = self.form_combo.currentData()
        folder = Path(self.folder_edit.text())
        base, ids, employee = self.context.base, list(self.client_ids), self.context.employee_id
        refused = pass_export_gate(self.context, "print",
                                   f"Массовая печать «{self.form_combo.currentText()}»",
                                   len(ids))
        if refused:
            QMessageBox.warning(self, "Массовая печать не выполнена", refused)
            return None
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
