"""Documents: print templates (DOCX) with versions."""

from __future__ import annotations
