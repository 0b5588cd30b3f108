"""Organisation of work: ПРиЗ (action items), assignments, works, reminders."""

from __future__ import annotations
