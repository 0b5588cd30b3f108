"""Benchmark ``agents``: what a user of the client list waits for, on an already filled base.

Figures (milliseconds; median and p99 over >= 30 repetitions after a warm-up):

* ``quick_search_{name,inn,phone}_first_page_ms_*`` — what the agent waits for before
  the list paints on a quick search: the first 200-row page. The exact row count runs
  afterwards on a worker thread (reported as ``..._full_count_ms_median``).
  Name terms are three letters taken from real client names; INN terms the first 6
  digits of real INNs; phone terms 7 digits of real numbers typed with the trunk «8».
* ``next_page_ms_*`` — the 200 rows after a random position of the full list.
* ``card_open_ms_*`` — loading a client card's data the way the card does (the ORM with
  contacts, phones, e-mails, addresses, responsibilities) in a new Session.
* ``anchors_build_ms`` — every 200th key of the full list, once per query (thumb drag).
* ``thumb_drag_ms_*`` — the model jumps to a random row and the data of a screen of
  40 rows × every column is read (what one step of dragging the scroll bar costs).
"""

from __future__ import annotations

import gc
import math
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import Client, Phone
from vostok_desktop.services.lists import client_search as cs

REPEAT = 30
WARMUP = 3
SEED = 20261122


def _stats(name: str, samples: list[float], out: dict[str, float]) -> None:
    ordered = sorted(samples)
    out[f"{name}_ms_median"] = round(statistics.median(ordered), 3)
    out[f"{name}_ms_p99"] = round(ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)], 3)


def _timed(fn: Callable[[Any], object], args: list[Any]) -> list[float]:
    for a in args[:WARMUP]:
        fn(a)
    samples = []
    for a in args[WARMUP:]:
        start = time.perf_counter()
        fn(a)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _sample_clients(base: OpenedBase, rnd: random.Random, n: int) -> list[tuple[int, str, str]]:
    """n random clients (id, short_name, inn) picked by id range — no ORDER BY random()."""
    with base.engine.connect() as conn:
        low, high = conn.execute(select(func.min(Client.id), func.max(Client.id))).one()
        picked: list[tuple[int, str, str]] = []
        while len(picked) < n:
            start = rnd.randint(low, high)
            row = conn.execute(select(Client.id, Client.short_name, Client.inn)
                               .where(Client.id >= start, Client.inn.is_not(None))
                               .order_by(Client.id).limit(1)).first()
            if row is not None:
                picked.append((row.id, row.short_name, row.inn))
        return picked


def _name_term(short_name: str, rnd: random.Random) -> str:
    """Three letters from a word of a real name (what a user remembers of a company)."""
    words = [w for w in short_name.replace('"', " ").replace("«", " ").replace("»", " ").split()
             if len(w) >= 4 and w.isalpha()]
    if not words:
        letters = "".join(ch for ch in short_name if ch.isalpha())
        words = [letters] if len(letters) >= 3 else ["ООО"]
    word = rnd.choice(words)
    start = rnd.randint(0, max(0, len(word) - 3))
    return word[start:start + 3]


def _phone_terms(base: OpenedBase, rnd: random.Random, n: int) -> list[str]:
    with base.engine.connect() as conn:
        low, high = conn.execute(select(func.min(Phone.id), func.max(Phone.id))).one()
        terms = []
        while len(terms) < n:
            digits = conn.scalar(select(Phone.digits).where(Phone.id >= rnd.randint(low, high))
                                 .order_by(Phone.id).limit(1))
            if digits and digits.startswith("7") and len(digits) == 11:
                terms.append(f"8 {digits[1:4]} {digits[4:8]}")  # «8 383 2123»
        return terms


def _load_card(base: OpenedBase, client_id: int) -> object:
    try:
        from vostok_desktop.services.cards import load_client
    except ImportError:  # the card service is not there: the same ORM load, by hand
        from sqlalchemy.orm import selectinload

        from vostok_desktop.domain import Contact

        with base.sessions() as session:
            client = session.get(Client, client_id, options=[
                selectinload(Client.phones), selectinload(Client.emails),
                selectinload(Client.addresses), selectinload(Client.responsibilities),
                selectinload(Client.contacts).selectinload(Contact.phones),
                selectinload(Client.contacts).selectinload(Contact.emails)])
            return [client.contacts, client.phones]
    return load_client(base, client_id)


def run(base: OpenedBase, scale: int) -> dict[str, float]:
    rnd = random.Random(SEED)
    n = REPEAT + WARMUP
    search = cs.ClientSearch(base)
    clients = _sample_clients(base, rnd, n)
    figures: dict[str, float] = {}

    def first_page(text: str) -> None:
        search.page_after(cs.ClientQuery(text=text), None, cs.PAGE_SIZE)

    def full_count(text: str) -> None:
        search.count(cs.ClientQuery(text=text))

    names = [_name_term(c[1], rnd) for c in clients]
    inns = [c[2][:6] for c in clients]
    phones = _phone_terms(base, rnd, n)
    gc.collect()
    for label, terms in (("name", names), ("inn", inns), ("phone", phones)):
        _stats(f"quick_search_{label}_first_page", _timed(first_page, terms), figures)
        figures[f"quick_search_{label}_full_count_ms_median"] = round(
            statistics.median(_timed(full_count, terms)), 3)

    full = cs.ClientQuery()
    start = time.perf_counter()
    anchors = search.anchors(full, cs.PAGE_SIZE)
    figures["anchors_build_ms"] = round((time.perf_counter() - start) * 1000, 3)
    starts = [rnd.choice(anchors) for _ in range(n)] if anchors else [None] * n
    _stats("next_page", _timed(lambda key: search.page_after(full, key, cs.PAGE_SIZE), starts),
           figures)

    _stats("card_open", _timed(lambda cid: _load_card(base, cid), [c[0] for c in clients]),
           figures)

    # As before the searches: a full collection now, so a generation-2 pause left over
    # from the phases above (38 ms measured) does not land in one of the 50 jumps.
    gc.collect()
    figures.update(_thumb_drag(search, full, rnd, anchors))
    figures["rows"] = float(scale)
    return figures


def _thumb_drag(search: cs.ClientSearch, query: cs.ClientQuery, rnd: random.Random,
                anchors: list[Any]) -> dict[str, float]:
    """50 jumps of the model to random rows, each reading a screen of 40 rows."""
    from vostok_desktop.gui.agents.client_list import CLIENT_COLUMNS
    from vostok_desktop.gui.models.keyset_model import BoundSource, KeysetTableModel

    model = KeysetTableModel(CLIENT_COLUMNS)
    model.background = False
    model.set_source(BoundSource(search, query))
    model._anchors = anchors  # built and measured above; the model would build it once
    total = model.rowCount()
    columns = len(CLIENT_COLUMNS)
    screen = 40

    def jump(row: int) -> None:
        for r in range(row, min(row + screen, total)):
            for c in range(columns):
                model.data(model.index(r, c))

    rows = [rnd.randrange(max(1, total - screen)) for _ in range(50 + WARMUP)]
    out: dict[str, float] = {}
    _stats("thumb_drag", _timed(jump, rows), out)
    return out
