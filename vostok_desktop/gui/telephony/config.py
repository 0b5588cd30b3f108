"""Telephony settings of this workstation (QSettings; the AMI secret lives in the keyring).

Typed, with defaults and a version in the key; an administrator's
``--pbx ami://USER@HOST:PORT --extension 101`` overrides them for one run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from PySide6.QtCore import QSettings

GROUP = "telephony/v1"


@dataclass(frozen=True)
class TelephonyConfig:
    ami_host: str = ""
    ami_port: int = 5038
    ami_username: str = ""
    extension: str = ""  # empty: the employee's extension from the base
    context: str = "from-internal"
    technology: str = "PJSIP"
    transfer_method: str = "redirect"
    linger_s: int = 15  # how long a finished call's popup stays (0: until closed)
    simulator_enabled: bool = True  # only ever used in file (demo) bases

    @property
    def ami_configured(self) -> bool:
        return bool(self.ami_host)

    def ami_options(self, extension: str) -> dict[str, str]:
        return {"host": self.ami_host, "port": str(self.ami_port),
                "username": self.ami_username, "extension": extension,
                "context": self.context, "technology": self.technology,
                "transfer_method": self.transfer_method}

    @classmethod
    def load(cls, qs: QSettings) -> TelephonyConfig:
        values = {}
        defaults = cls()
        for f in fields(cls):
            raw = qs.value(f"{GROUP}/{f.name}")
            if raw is None:
                continue
            default = getattr(defaults, f.name)
            try:
                if isinstance(default, bool):
                    values[f.name] = str(raw).lower() in ("1", "true", "yes")
                elif isinstance(default, int):
                    values[f.name] = int(raw)
                else:
                    values[f.name] = str(raw)
            except (TypeError, ValueError):
                continue  # an unreadable value falls back to the default
        return replace(defaults, **values)

    def save(self, qs: QSettings) -> None:
        for key, value in asdict(self).items():
            qs.setValue(f"{GROUP}/{key}", value)
        qs.sync()
