"""«Поручение по конкуренту…»: the assignment form of «Работа» (gui/work), for the
document's client, written together with its link to the document."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from sqlalchemy.exc import SQLAlchemyError

from vostok_desktop.domain.validators import ValidationError
from vostok_desktop.gui.cards.widgets import show_status
from vostok_desktop.gui.context import AppContext
from vostok_desktop.gui.work.assignment_form import AssignmentForm
from vostok_desktop.services.access.rights import AccessDenied
from vostok_desktop.services.competitors import counter_work as cw
from vostok_desktop.services.competitors.documents import DocumentRow


class CounterAssignmentForm(AssignmentForm):
    def __init__(self, context: AppContext, document: DocumentRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(context.base, [(document.client_id, None)],
                         f"{document.client_name} (конкурент «{document.competitor_name}»)",
                         context.employee_id,
                         executor_id=document.responsible_id or context.employee_id,
                         parent=parent)
        self.setObjectName("competitor_assignment_form")
        self.setWindowTitle("Поручение по конкуренту")
        self.context, self.document = context, document
        self.header_label.setText("Поручение по конкуренту")
        self.targets_label.setWordWrap(False)  # one client: one line
        self.text_edit.setPlainText(f"Противодействие конкуренту «{document.competitor_name}»: ")
        cursor = self.text_edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.text_edit.setTextCursor(cursor)

    def save(self) -> bool:
        try:
            new_id = cw.create_counter_assignment(self.base, self.document.id, self.draft(),
                                                  self.author_id)
        except (ValidationError, AccessDenied) as exc:
            show_status(self.message_label, "Поручение не записано. " + exc.message)
            return False
        except SQLAlchemyError as exc:
            show_status(self.message_label, "Поручение не записано: ошибка базы данных "
                        f"({exc.__class__.__name__})")
            return False
        self.created = [new_id]
        self.context.bus.announce("assignment", [new_id])
        self.accept()
        return True


__all__ = ["CounterAssignmentForm"]
