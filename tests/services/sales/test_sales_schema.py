"""Migration 0018 and the sales models describe the same tables, on both dialects."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from vostok_desktop.db import include_object_for_dialect
from vostok_desktop.domain import Base

SALES_TABLES = {"attraction_instruments", "deal_stages", "need_rules", "lead_batches",
                "leads", "deals", "deal_stage_changes"}


def _mentions_sales(entry: object) -> bool:
    text = repr(entry)
    return any(f"'{t}'" in text or f"{t}." in text or f"Table('{t}'" in text
               for t in SALES_TABLES)


def test_sales_models_and_migration_agree(empty_base) -> None:
    with empty_base.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_object": include_object_for_dialect(empty_base.dialect)})
        diff = [d for d in compare_metadata(context, Base.metadata) if _mentions_sales(d)]
    assert diff == []
