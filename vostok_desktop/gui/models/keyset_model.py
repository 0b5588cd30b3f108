"""A table model over a keyset-paged source: the real row count, a lazily filled cache of
200-row blocks, anchors to jump anywhere (thumb drag), neighbouring blocks fetched ahead.

The first block is read when the query is set and the exact row count follows from a
worker thread, so a search paints its first page without waiting for a count.
Block ``b`` holds rows ``b*200 … b*200+199``. Block 0 is the first page; block ``b`` is
read after the last key of block ``b-1`` when that is cached (scrolling), otherwise from
the anchor key of row ``b*200`` (anchors are every 200th sort key, read once per query).
Never OFFSET, never everything.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from vostok_desktop.services.lists.filters import (
    Canceller,
    ColourRule,
    SortKey,
    cancellable,
    colour_for,
)

BLOCK_SIZE = 200
MAX_CACHED_BLOCKS = 64


Row = dict[str, Any]
AnyIndex = QModelIndex | QPersistentModelIndex


class KeysetSource(Protocol):
    """What the model reads: each call is a short indexed query."""

    def count(self, limit: int | None = None) -> int: ...

    def anchors(self, every: int) -> list[SortKey]: ...

    def rows_from(self, key: SortKey | None, limit: int) -> list[Row]: ...

    def page_after(self, key: SortKey | None, limit: int) -> list[Row]: ...

    def rows_by_ids(self, ids: Sequence[int]) -> list[Row]: ...


class BoundSource:
    """A search service (ClientSearch, ContactSearch) bound to one query. ``narrow`` (the
    query restricted to some row ids, keeping every filter) lets live updates tell a row
    that changed from one that no longer belongs in the list."""

    def __init__(self, search: Any, query: Any,
                 narrow: Callable[[Any, Sequence[int]], Any] | None = None) -> None:
        self.search = search
        self.query = query
        self.narrow = narrow

    def count(self, limit: int | None = None) -> int:
        return self.search.count(self.query, limit)

    def anchors(self, every: int) -> list[SortKey]:
        return self.search.anchors(self.query, every)

    def rows_from(self, key: SortKey | None, limit: int) -> list[Row]:
        return self.search.rows_from(self.query, key, limit)

    def page_after(self, key: SortKey | None, limit: int) -> list[Row]:
        return self.search.page_after(self.query, key, limit)

    def rows_by_ids(self, ids: Sequence[int]) -> list[Row]:
        return self.search.rows_by_ids(self.query, ids)

    def visible_rows_by_ids(self, ids: Sequence[int]) -> list[Row]:
        """Fresh rows for these ids that the query still shows, in one query: a row that
        was deleted or no longer passes the filters is missing. Without ``narrow`` only a
        deleted row goes missing."""
        if self.narrow is None:
            return self.rows_by_ids(ids)
        return self.search.page_after(self.narrow(self.query, ids), None, max(len(ids), 1))


class EmptySource:
    def count(self, limit: int | None = None) -> int:
        return 0

    def anchors(self, every: int) -> list[SortKey]:
        return []

    def rows_from(self, key: SortKey | None, limit: int) -> list[Row]:
        return []

    def page_after(self, key: SortKey | None, limit: int) -> list[Row]:
        return []

    def rows_by_ids(self, ids: Sequence[int]) -> list[Row]:
        return []


class Roles(enum.IntEnum):
    ID = Qt.ItemDataRole.UserRole + 1
    STATUS = Qt.ItemDataRole.UserRole + 2
    FAVOURITE = Qt.ItemDataRole.UserRole + 3
    ROW = Qt.ItemDataRole.UserRole + 4
    KEY = Qt.ItemDataRole.UserRole + 5


@dataclass(frozen=True)
class ColumnSpec:
    """One column: the row key it shows, its Russian title, its default width, the sort
    it maps to (None: not sortable), how to render a value, where to align it."""

    key: str
    title: str
    width: int = 120
    sort: str | None = None
    render: Callable[[Row], str] | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    tooltip: Callable[[Row], str] | None = None
    hidden_by_default: bool = False

    def text(self, row: Row) -> str:
        if self.render is not None:
            return self.render(row)
        value = row.get(self.key)
        return "" if value is None else str(value)


STAR = "★"


def star_column(title: str = STAR) -> ColumnSpec:
    return ColumnSpec("favourite", title, 28,
                      render=lambda r: STAR if r.get("favourite") else "",
                      align=Qt.AlignmentFlag.AlignCenter,
                      tooltip=lambda r: "Любимый" if r.get("favourite") else "")


class _Bridge(QObject):
    """Lives in the GUI thread; a worker's emit reaches the model as a queued call.

    Parentless and held by every job: a job that finishes after its model (a closed
    window) is gone still emits on a live object, and the relay to the model's own
    signals is dropped by Qt instead of raising «Signal source has been deleted» on the
    worker (the same design as :mod:`vostok_desktop.gui.operations`)."""

    counted = Signal(object, object)  # generation, count or the exception
    anchored = Signal(object, object)  # generation, anchors or the exception


class _Job(QRunnable):
    """One read on a worker thread (its own pooled connection); the result or the
    exception goes back through ``signal``. ``canceller`` stops the statement when the
    query it reads for is replaced (the services connect through
    :func:`vostok_desktop.services.lists.filters.connect`)."""

    def __init__(self, work: Callable[[], object], generation: int, bridge: _Bridge,
                 signal: Any, canceller: Canceller) -> None:
        super().__init__()
        self.work, self.generation, self.signal = work, generation, signal
        self.bridge = bridge  # keeps the signal's source alive until the job is done
        self.canceller = canceller

    def run(self) -> None:
        try:
            with cancellable(self.canceller):
                result: object = self.work()
        except Exception as exc:  # noqa: BLE001 - reported to the GUI, never lost
            result = exc
        finally:
            self.canceller.done = True
        self.signal.emit(self.generation, result)


class KeysetTableModel(QAbstractTableModel):
    """Rows come from a :class:`KeysetSource`; the view asks, the model reads blocks."""

    sort_requested = Signal(int, bool)  # column, descending
    blocks_loaded = Signal()
    count_changed = Signal()
    count_failed = Signal(str)
    _counted = Signal(object, object)
    _anchored = Signal(object, object)

    def __init__(self, columns: Sequence[ColumnSpec], parent: Any = None,
                 block_size: int = BLOCK_SIZE) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.block_size = block_size
        self.count_exact = True
        # Counts and anchors on a worker thread (off without a Qt application: benchmarks).
        self.background = True
        self._generation = 0
        self._anchors_pending = -1
        self._running: list[Canceller] = []  # reads on workers for this generation
        self.cancelled_reads = 0
        self._bridge = _Bridge()
        self._bridge.counted.connect(self._counted)
        self._bridge.anchored.connect(self._anchored)
        self._counted.connect(self._count_ready)
        self._anchored.connect(self._anchors_ready)
        self._source: KeysetSource = EmptySource()
        self._count = 0
        self._blocks: dict[int, list[Row]] = {}
        self._anchors: list[SortKey] | None = None
        self._last_block = 0
        self._prefetch: set[int] = set()
        self._prefetch_timer: QTimer | None = None
        self._colour_rules: list[ColourRule] = []
        self._colours: dict[str, QColor] = {}
        self.reads = 0  # queries made, for tests and benchmarks

    # -- source ------------------------------------------------------------------
    @property
    def source(self) -> KeysetSource:
        return self._source

    def set_source(self, source: KeysetSource) -> None:
        """Show another query: the first page at once, the exact count right after.

        The first block is read here; a short result (fewer than a block) is its own
        count. Otherwise the view shows that block while the count runs on a worker
        thread (a broad search may count a million rows) and the rows grow when it
        arrives; a newer query makes a stale count be ignored."""
        self.beginResetModel()
        self._source = source
        self._blocks.clear()
        self._anchors = None
        self._prefetch.clear()
        self._new_generation()
        first = self._read_block(0) or []
        self._count = len(first)
        self.count_exact = len(first) < self.block_size
        self.endResetModel()
        if not self.count_exact:
            self._start_count(source)
        self.count_changed.emit()

    def refresh(self) -> None:
        """Re-read after a change: rows when next painted, the count on a worker; the view
        keeps its scroll position and selection."""
        self._blocks.clear()
        self._anchors = None
        self._new_generation()
        if self._count:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self._count - 1, len(self.columns) - 1))
        self.count_exact = False
        self._start_count(self._source)

    def _new_generation(self) -> None:
        """A new query or a refresh: cancel the counts and anchors still being read for
        the old one (a broad count at a million rows holds a connection for a while)."""
        self._generation += 1
        for canceller in self._running:
            if not canceller.done:
                canceller.cancel()
                self.cancelled_reads += 1
        self._running.clear()

    def _start_job(self, work: Callable[[], object], signal: Any) -> None:
        canceller = Canceller()
        self._running.append(canceller)
        QThreadPool.globalInstance().start(
            _Job(work, self._generation, self._bridge, signal, canceller))

    def _start_count(self, source: KeysetSource) -> None:
        generation = self._generation
        if not self._in_background():
            self._count_ready(generation, source.count())
            return
        self._start_job(lambda: source.count(), self._bridge.counted)

    def _start_anchors(self) -> None:
        """Every 200th key (~0.3 s for the whole list at a million rows on PostgreSQL;
        longer for filtered lists) is read on a worker; rows of blocks that need it stay
        empty until it arrives. A newer query cancels it."""
        if self._anchors_pending == self._generation:
            return
        self._anchors_pending = self._generation
        source, size = self._source, self.block_size
        self._start_job(lambda: source.anchors(size), self._bridge.anchored)

    def _anchors_ready(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return
        self._anchors_pending = -1
        if isinstance(result, BaseException):
            self.count_failed.emit(str(result))
            return
        self.reads += 1
        self._anchors = list(result)  # type: ignore[call-overload]
        if self._count:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self._count - 1, len(self.columns) - 1))

    def _count_ready(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # a newer query or refresh replaced this one
        if isinstance(result, BaseException):
            self.count_failed.emit(str(result))
            return
        self.reads += 1
        self.count_exact = True
        self._resize(int(result))  # type: ignore[call-overload]
        self.count_changed.emit()

    def wait_for_count(self, timeout_ms: int = 10_000) -> bool:
        """Block until the exact count arrived (tests, benchmarks)."""
        deadline = time.monotonic() + timeout_ms / 1000
        while not self.count_exact and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            QThreadPool.globalInstance().waitForDone(10)
        QCoreApplication.processEvents()
        return self.count_exact

    def _resize(self, new_count: int) -> None:
        old_count = self._count
        if new_count > old_count:
            self.beginInsertRows(QModelIndex(), old_count, new_count - 1)
            self._count = new_count
            self.endInsertRows()
        elif new_count < old_count:
            self.beginRemoveRows(QModelIndex(), new_count, old_count - 1)
            self._count = new_count
            self.endRemoveRows()

    def set_colour_rules(self, rules: Sequence[ColourRule]) -> None:
        self._colour_rules = list(rules)
        for block in self._blocks.values():
            for row in block:
                row["_colour"] = colour_for(self._colour_rules, row)
        if self._count:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self._count - 1, len(self.columns) - 1),
                                  [Qt.ItemDataRole.BackgroundRole])

    # -- rows --------------------------------------------------------------------
    def row(self, n: int) -> Row | None:
        """Row ``n`` (reading its block if needed), or None past the end."""
        if n < 0 or n >= self._count:
            return None
        block_no, offset = divmod(n, self.block_size)
        block = self._blocks.get(block_no)
        if block is None:
            loaded = self._load(block_no)
            if loaded is None:
                return None  # the anchors are still being read: an empty row for now
            block = loaded
            self._schedule_prefetch(block_no)
        self._last_block = block_no
        return block[offset] if offset < len(block) else None

    def row_id(self, n: int) -> int | None:
        row = self.row(n)
        return None if row is None else int(row["id"])

    def cached_rows(self) -> list[Row]:
        return [r for b in self._blocks.values() for r in b]

    def find_row(self, entity_id: int) -> int | None:
        """The row number of a cached row with this id."""
        for block_no, block in self._blocks.items():
            for i, row in enumerate(block):
                if row["id"] == entity_id:
                    return block_no * self.block_size + i
        return None

    def _load(self, block_no: int) -> list[Row] | None:
        return self._read_block(block_no, wait_for_anchors=not self._in_background())

    def _in_background(self) -> bool:
        return self.background and QCoreApplication.instance() is not None

    def _read_block(self, block_no: int, wait_for_anchors: bool = True) -> list[Row] | None:
        size = self.block_size
        previous = self._blocks.get(block_no - 1)
        if block_no == 0:
            rows = self._source.page_after(None, size)
        elif previous is not None and len(previous) == size:
            rows = self._source.page_after(previous[-1]["_key"], size)
        else:
            if self._anchors is None:
                if not wait_for_anchors:
                    self._start_anchors()
                    return None
                self._anchors = self._source.anchors(size)
                self.reads += 1
            if block_no >= len(self._anchors):
                return []
            rows = self._source.rows_from(self._anchors[block_no], size)
        self.reads += 1
        for row in rows:
            row["_colour"] = colour_for(self._colour_rules, row)
        self._blocks[block_no] = rows
        self._evict(block_no)
        return rows

    def _evict(self, around: int) -> None:
        while len(self._blocks) > MAX_CACHED_BLOCKS:
            farthest = max(self._blocks, key=lambda b: abs(b - around))
            del self._blocks[farthest]

    def _schedule_prefetch(self, block_no: int) -> None:
        """Read the neighbouring blocks after the view has painted this one."""
        last = (self._count - 1) // self.block_size if self._count else -1
        for b in (block_no + 1, block_no - 1):
            if 0 <= b <= last and b not in self._blocks:
                self._prefetch.add(b)
        if not self._prefetch or QCoreApplication.instance() is None:
            return
        if self._prefetch_timer is None:
            self._prefetch_timer = QTimer(self)
            self._prefetch_timer.setSingleShot(True)
            self._prefetch_timer.setInterval(0)
            self._prefetch_timer.timeout.connect(self.prefetch_now)
        self._prefetch_timer.start()

    def prefetch_now(self) -> None:
        pending, self._prefetch = sorted(self._prefetch), set()
        for b in pending:
            if b not in self._blocks and abs(b - self._last_block) <= 2:
                self._load(b)
        if pending:
            self.blocks_loaded.emit()

    # -- live updates (another workstation changed rows) ------------------------------
    def refresh_rows(self, match: Mapping[str, Collection[int] | None],
                     structural: bool = False) -> int:
        """Re-read the cached rows whose ``match`` key (``"id"``, ``"client_id"``) is among
        the changed ids: one query by ids, changed in place. A row that is gone, no longer
        passes the query, or moved in the sort order, and ``None`` ids ("many rows
        changed") or ``structural`` changes (rows inserted or deleted) re-read the window
        around the rows on screen instead. Never a reset: the view keeps its scroll
        position, and selection follows the rows' ids. Returns the rows re-read."""
        if structural or any(ids is None for ids in match.values()):
            return self.reread_window()
        wanted = {key: set(ids) for key, ids in match.items() if ids}  # type: ignore[arg-type]
        if not wanted:
            return 0
        hits = [(block_no, i, row) for block_no, block in self._blocks.items()
                for i, row in enumerate(block)
                if any(row.get(key) in ids for key, ids in wanted.items())]
        if not hits:
            return 0
        row_ids = list(dict.fromkeys(int(row["id"]) for _b, _i, row in hits))
        reader = getattr(self._source, "visible_rows_by_ids", self._source.rows_by_ids)
        fresh = {int(r["id"]): r for r in reader(row_ids)}
        self.reads += 1
        moved = False
        last_column = len(self.columns) - 1
        for block_no, i, old in hits:
            new = fresh.get(int(old["id"]))
            if new is None or new.get("_key") != old.get("_key"):
                moved = True  # gone, filtered out or elsewhere in the order
                continue
            new["_colour"] = colour_for(self._colour_rules, new)
            self._blocks[block_no][i] = new
            n = block_no * self.block_size + i
            self.dataChanged.emit(self.index(n, 0), self.index(n, last_column))
        if moved:
            return self.reread_window()
        return len(hits)

    def reread_window(self) -> int:
        """Re-read the blocks around the last rows shown (at most three short keyset
        queries) and forget the other cached blocks; the count follows on a worker.

        Rows keep their places where they still are; persistent indexes (the view's
        selection and current row) follow their rows' ids."""
        size = self.block_size
        hot = [b for b in range(self._last_block - 1, self._last_block + 2) if b in self._blocks]
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old_ids: list[int | None] = []
        for index in persistent:
            row = self._cached(index.row())
            old_ids.append(None if row is None else int(row["id"]))
        blocks: dict[int, list[Row]] = {}
        for b in hot:
            previous = blocks.get(b - 1)
            if b == 0:
                rows = self._source.page_after(None, size)
            elif previous is not None and len(previous) == size:
                rows = self._source.page_after(previous[-1]["_key"], size)
            elif self._blocks[b]:
                rows = self._source.rows_from(self._blocks[b][0]["_key"], size)
            else:
                continue
            self.reads += 1
            for row in rows:
                row["_colour"] = colour_for(self._colour_rules, row)
            blocks[b] = rows
        self._blocks = blocks
        self._anchors = None  # rows may have come or gone: read again when a jump needs them
        self._prefetch.clear()
        where = {int(row["id"]): b * size + i
                 for b, block in blocks.items() for i, row in enumerate(block)}
        moved_to = []
        for index, entity_id in zip(persistent, old_ids, strict=True):
            n = where.get(entity_id, index.row()) if entity_id is not None else index.row()
            moved_to.append(self.index(min(n, max(self._count - 1, 0)), index.column()))
        self.changePersistentIndexList(persistent, moved_to)
        self.layoutChanged.emit()
        self._recount()
        return sum(len(b) for b in blocks.values())

    def _cached(self, n: int) -> Row | None:
        block_no, offset = divmod(n, self.block_size)
        block = self._blocks.get(block_no)
        return block[offset] if block is not None and 0 <= offset < len(block) else None

    def _recount(self) -> None:
        """The exact count again, keeping the rows shown (a newer query cancels it)."""
        self._new_generation()
        self._start_count(self._source)

    # -- Qt model API --------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.title + ("" if column.sort else " (сортировка недоступна)")
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = row.get("_colour")
            if colour:
                cached = self._colours.get(colour)
                if cached is None:
                    cached = self._colours[colour] = QColor(colour)
                return cached
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else column.text(row) or None
        if role == Roles.ID:
            return row["id"]
        if role == Roles.STATUS:
            status = row.get("status")
            return getattr(status, "value", status)
        if role == Roles.FAVOURITE:
            return bool(row.get("favourite"))
        if role == Roles.ROW:
            return row
        if role == Roles.KEY:
            return row.get("_key")
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is a new query: the owner decides (only indexed columns sort)."""
        self.sort_requested.emit(column, order == Qt.SortOrder.DescendingOrder)
