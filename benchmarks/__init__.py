"""Reproducible performance runs on generated data (see README «Производительность»)."""
