"""What every area's demo step shares: the seed, the progress stages, the summary of
rows made, and the context an area's step receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlalchemy.orm import Session

DEMO_SEED = 20261122
ProgressCallback = Callable[[str, int, int], None]

# One tax inspection code per 100,000 clients keeps INNs unique: 2 digits of inspection.
MAX_CLIENTS = 9_900_000

STAGE_REFERENCE = "Создание справочников"
STAGE_CLIENTS = "Создание клиентов и контактных лиц"
STAGE_INDEXES = "Построение индексов"
STAGE_ANALYZE = "Сбор статистики"


@dataclass
class DemoSummary:
    """How many rows each table received, and how long it took."""

    departments: int = 0
    directions: int = 0
    employees: int = 0
    client_groups: int = 0
    custom_fields: int = 0
    clients: int = 0
    contacts: int = 0
    phones: int = 0
    emails: int = 0
    addresses: int = 0
    responsibilities: int = 0
    custom_values: int = 0
    favourites: int = 0
    seconds: float = 0.0
    dialect: str = ""

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.type == "int"}

    @property
    def rows(self) -> int:
        return sum(self.counts().values())

    def __str__(self) -> str:
        return (f"клиентов {self.clients}, контактных лиц {self.contacts}, "
                f"телефонов {self.phones}, e-mail {self.emails}, сотрудников {self.employees}; "
                f"всего строк {self.rows} за {self.seconds:.1f} с")


@dataclass
class AreaContext:
    """What an area's demo step gets, after the reference data and the clients are in:
    the load's session (inside its transaction: all or nothing), the administrator's id,
    the seed (an area derives its own ``random.Random`` from it, so the same seed gives
    the same data) and the summary to count its rows in."""

    session: Session
    admin_id: int
    seed: int
    summary: DemoSummary


AreaStep = Callable[[AreaContext], None]
