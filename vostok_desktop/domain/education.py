"""education (placeholder; the area brings its models)."""

from __future__ import annotations
