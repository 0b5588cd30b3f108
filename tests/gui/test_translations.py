"""Qt's own texts (standard buttons) read in Russian, like the rest of the program."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialogButtonBox

from vostok_desktop.gui.app import install_russian_translations


def test_standard_buttons_are_russian(qtbot) -> None:
    assert install_russian_translations(QApplication.instance())
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                           | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Сохранить", "Отмена"}
