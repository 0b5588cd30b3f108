"""Small helpers shared by the documents dialogs."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

_TEXTS = {
    QDialogButtonBox.StandardButton.Cancel: "Отмена",
    QDialogButtonBox.StandardButton.Save: "Сохранить",
    QDialogButtonBox.StandardButton.Close: "Закрыть",
}


def russian_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    """Russian captions for the standard buttons (no Qt translation is loaded)."""
    for which, text in _TEXTS.items():
        button = box.button(which)
        if button is not None:
            button.setText(text)
    return box
