"""«Настройки телефонии»: the PBX (Asterisk AMI) address, my extension, the popup."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vostok_desktop.gui.telephony.config import TelephonyConfig


class TelephonySettingsDialog(QDialog):
    """Edits a TelephonyConfig; the secret goes to the keyring through ``save_secret``."""

    def __init__(self, config: TelephonyConfig, *, employee_extension: str = "",
                 secret_stored: bool = False, show_simulator: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("telephony_settings")
        self.setWindowTitle("Настройки телефонии")
        self._config = config
        form = QFormLayout()
        self.host_edit = QLineEdit(config.ami_host, placeholderText="pbx.office или 10.0.0.5")
        self.port_edit = QSpinBox(minimum=1, maximum=65535, value=config.ami_port)
        self.user_edit = QLineEdit(config.ami_username, placeholderText="пользователь AMI")
        self.secret_edit = QLineEdit(placeholderText="хранится в связке ключей ОС"
                                     if secret_stored else "пароль AMI (secret)")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.extension_edit = QLineEdit(
            config.extension,
            placeholderText=f"из карточки сотрудника: {employee_extension}"
            if employee_extension else "например, 101")
        self.context_edit = QLineEdit(config.context)
        self.method_box = QComboBox()
        self.method_box.addItem("Redirect (канал клиента)", "redirect")
        self.method_box.addItem("BlindTransfer (мой канал)", "blind")
        self.method_box.setCurrentIndex(0 if config.transfer_method == "redirect" else 1)
        self.linger_spin = QSpinBox(minimum=0, maximum=600, value=config.linger_s,
                                    suffix=" с", specialValueText="пока не закрою")
        self.simulator_box = QCheckBox("Имитатор звонков в демонстрационной базе")
        self.simulator_box.setChecked(config.simulator_enabled)
        self.simulator_box.setVisible(show_simulator)
        form.addRow("Сервер Asterisk (AMI):", self.host_edit)
        form.addRow("Порт:", self.port_edit)
        form.addRow("Пользователь AMI:", self.user_edit)
        form.addRow("Пароль AMI:", self.secret_edit)
        form.addRow("Мой внутренний номер:", self.extension_edit)
        form.addRow("Контекст набора:", self.context_edit)
        form.addRow("Перевод звонка:", self.method_box)
        form.addRow("Информер после звонка:", self.linger_spin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.simulator_box)
        note = QLabel("Пустой адрес сервера — телефония без АТС. Пароль хранится в связке "
                      "ключей ОС, а не в файле настроек.")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def config(self) -> TelephonyConfig:
        return replace(
            self._config, ami_host=self.host_edit.text().strip(),
            ami_port=self.port_edit.value(), ami_username=self.user_edit.text().strip(),
            extension=self.extension_edit.text().strip(),
            context=self.context_edit.text().strip() or "from-internal",
            transfer_method=self.method_box.currentData(), linger_s=self.linger_spin.value(),
            simulator_enabled=self.simulator_box.isChecked(),
        )

    def secret(self) -> str:
        return self.secret_edit.text()
