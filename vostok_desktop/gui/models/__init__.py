"""Item models over the base: keyset-paged tables for the agents."""

from vostok_desktop.gui.models.keyset_model import (
    BLOCK_SIZE,
    BoundSource,
    ColumnSpec,
    KeysetSource,
    KeysetTableModel,
    Roles,
    star_column,
)

__all__ = ["BLOCK_SIZE", "BoundSource", "ColumnSpec", "KeysetSource", "KeysetTableModel",
           "Roles", "star_column"]
