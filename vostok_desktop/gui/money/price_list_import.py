"""«Загрузить из Excel…» of «Прейскуранты»: choosing the file and where its prices go (a
new list or over the chosen one's lines), then loading it through the import service. A
broken file loads nothing; the message names its row and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from vostok_desktop.gui.distributives.dialogs import REFUSALS, refusal_text
from vostok_desktop.services.money.prices import PriceListRow


@dataclass(frozen=True)
class ImportOutcome:
    """What a load did: the list's id (None when nothing was loaded) and the status text."""

    list_id: int | None
    message: str


def choose_file(owner: QWidget) -> str | None:
    path, _ = QFileDialog.getOpenFileName(owner, "Загрузить прейскурант из Excel", "",
                                          "Книга Excel (*.xlsx)")
    return path or None


def ask_target(owner: QWidget, current: PriceListRow | None) -> bool | None:
    """True: replace the lines of ``current``; False: a new list; None: cancelled. With no
    chosen list there is nothing to ask: a new list."""
    if current is None:
        return False
    box = QMessageBox(QMessageBox.Icon.Question, "Загрузить из Excel",
                      "Куда загрузить цены из файла?", parent=owner)
    new = box.addButton("В новый прейскурант", QMessageBox.ButtonRole.AcceptRole)
    over = box.addButton(f"Заменить строки «{current.name}»",
                         QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Отмена", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(new)
    box.exec()
    if box.clickedButton() not in (new, over):
        return None
    return box.clickedButton() is over


def load_file(context: Any, path: str, list_id: int | None) -> ImportOutcome:
    """Loads ``path`` into the list ``list_id`` (None: a new list) as one transaction."""
    from vostok_desktop.services.money import price_import

    try:
        result = price_import.import_price_list(
            context.base, path, context.employee_id, list_id=list_id,
            profile=context.access)
    except price_import.PriceImportError as exc:
        return ImportOutcome(None, f"Файл не загружен: {exc}")
    except REFUSALS as exc:
        return ImportOutcome(None, f"Файл не загружен: {refusal_text(exc)}")
    where = (f"создан прейскурант «{result.name}»" if result.created
             else f"строки прейскуранта «{result.name}» заменены")
    return ImportOutcome(result.list_id, f"Загружено цен: {result.items}; {where}")


__all__ = ["ImportOutcome", "ask_target", "choose_file", "load_file"]
