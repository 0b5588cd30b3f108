"""Hot line (ГЛ) and consultation line (ЛК): requests, search orders, deadlines."""

from __future__ import annotations
