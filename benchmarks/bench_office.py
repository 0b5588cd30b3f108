"""Benchmark «office»: Excel export, import with duplicate analysis, DOCX invoices.

Figures (shared/BENCHMARKS.md):
- ``xlsx_export_100k_s`` — export of min(100,000, clients) clients to .xlsx (write-only).
- ``import_100k_with_dedup_s`` — read + analyse + write a 100,000-row .xlsx against the
  base: 10% of the rows are clients already in the base (merged by INN), 5% duplicate
  other rows of the file, the rest are new. Split into ``import_read_s``,
  ``import_analyse_s``, ``import_write_s``. The imported clients are deleted afterwards.
  Before it, ``import_name_keys_first_build_s``: the one-time build of the normalized-name
  keys of a base loaded by other means than the import (later imports refresh only new
  and renamed clients).
- ``docx_invoices_per_s`` — 1,000 invoices from the default DOCX template, one process.

Run: ``python -m benchmarks.bench_office --scale 100000`` (throwaway PostgreSQL) or
``python -m benchmarks.bench_office --base sqlite:///PATH``.
"""

from __future__ import annotations

import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, func, select

from vostok_desktop.db import OpenedBase
from vostok_desktop.domain import ChangeLog, Client
from vostok_desktop.domain.validators import inn_check_digits
from vostok_desktop.services.clients.duplicates import lift_statement_timeout
from vostok_desktop.services.documents import excel, printing, templates
from vostok_desktop.services.importing import analysis, sources, write

IMPORT_ROWS = 100_000
INVOICES = 1_000
SEED = 7


def _import_file(base: OpenedBase, path: Path, rows: int) -> None:
    """Rows like the export's: 10% existing clients, 5% in-file duplicates, the rest new."""
    from openpyxl import Workbook

    rnd = random.Random(SEED)
    existing = list(excel.iter_client_rows(base, limit=rows // 10))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Клиенты")
    sheet.append([c.title for c in excel.CLIENT_EXPORT_COLUMNS[1:13]])
    keys = [c.key for c in excel.CLIENT_EXPORT_COLUMNS[1:13]]
    for row in existing:
        sheet.append([excel._cell_value(c, row) for c in excel.CLIENT_EXPORT_COLUMNS[1:13]])
    new_rows = rows - len(existing)
    fresh = int(new_rows * 0.95)
    made: list[list] = []
    for n in range(fresh):
        inn = inn_check_digits(f"99{n:07d}")
        values = dict.fromkeys(keys, None)
        values.update(short_name=f"ООО «Импорт {n} {rnd.choice('АБВГДЕЖЗИК')}»",
                      full_name=f"Общество с ограниченной ответственностью «Импорт {n}»",
                      inn=inn, status="Потенциальный", region="Томская область",
                      phone=f"+7 3822 {n // 10000 % 100:02d}-{n // 100 % 100:02d}-{n % 100:02d}",
                      email=f"info{n}@import.ru", address=f"634050, г. Томск, ул. Новая, {n}")
        made.append([values[k] for k in keys])
        sheet.append(made[-1])
    for _ in range(new_rows - fresh):
        twin = list(made[rnd.randrange(len(made))])
        twin[0] = str(twin[0]).replace("ООО «", "").replace("»", "") + ", ООО"
        sheet.append(twin)
    book.save(path)


def bench_export(base: OpenedBase, folder: Path) -> dict[str, float]:
    start = time.perf_counter()
    _path, n = excel.export_clients(base, folder / "export.xlsx", limit=IMPORT_ROWS)
    seconds = time.perf_counter() - start
    return {"xlsx_export_100k_s": round(seconds, 2), "xlsx_export_rows": n,
            "xlsx_export_rows_per_s": round(n / seconds)}


def bench_import(base: OpenedBase, folder: Path, rows: int = IMPORT_ROWS) -> dict[str, float]:
    path = folder / "import.xlsx"
    _import_file(base, path, rows)
    with base.sessions() as s:
        max_client = s.scalar(select(func.max(Client.id))) or 0
        max_log = s.scalar(select(func.max(ChangeLog.id))) or 0
    start = time.perf_counter()
    analysis.refresh_name_keys(base)
    build = time.perf_counter() - start
    t0 = time.perf_counter()
    table = sources.read_source(path)
    t1 = time.perf_counter()
    plan = analysis.analyse(base, table, sources.guess_mapping(table.headers))
    t2 = time.perf_counter()
    summary = write.apply_import(base, plan, None, batch_size=2000)
    t3 = time.perf_counter()
    assert not summary.error, summary.error
    with base.sessions() as s, s.begin():  # leave the base as it was (but for versions)
        lift_statement_timeout(s)
        s.execute(delete(Client).where(Client.id > max_client))
        s.execute(delete(ChangeLog).where(ChangeLog.id > max_log))
    return {"import_100k_with_dedup_s": round(t3 - t0, 2), "import_read_s": round(t1 - t0, 2),
            "import_analyse_s": round(t2 - t1, 2), "import_write_s": round(t3 - t2, 2),
            "import_name_keys_first_build_s": round(build, 2),
            "import_rows": len(table.rows), "import_groups": len(plan.groups),
            "import_created": summary.created, "import_merged": summary.merged}


def bench_invoices(base: OpenedBase, folder: Path) -> dict[str, float]:
    invoice = next(t for t in templates.list_templates(base) if t.code == "invoice")
    with base.sessions() as s:
        ids = list(s.scalars(select(Client.id).order_by(Client.id).limit(INVOICES)))
    lines = [printing.DocumentLine("Информационное сопровождение КонсультантПлюс",
                                   Decimal(3), "мес.", Decimal("14250.00")),
             printing.DocumentLine("Обучение пользователей", Decimal(1), "усл.",
                                   Decimal("2500.00"))]
    printing.render_many(base, invoice.id, ids[:20], folder / "warm", None)
    start = time.perf_counter()
    result = printing.render_many(
        base, invoice.id, ids, folder / "invoices", None,
        document_for=lambda cid: printing.DocumentInfo(number=f"С-{cid}", lines=lines))
    seconds = time.perf_counter() - start
    return {"docx_invoices_per_s": round(len(result.files) / seconds, 1),
            "docx_invoices": len(result.files)}


def run(base: OpenedBase, scale: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="vostok-office-") as tmp:
        folder = Path(tmp)
        figures.update(bench_export(base, folder))
        figures.update(bench_invoices(base, folder))
        figures.update(bench_import(base, folder))
    return figures


if __name__ == "__main__":
    import argparse
    import json

    from benchmarks.bases import filled_base

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_office")
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--base", default=None)
    args = parser.parse_args()
    with filled_base(args.scale, args.base) as opened:
        result = run(opened, args.scale)
        dialect = opened.dialect
    for key, value in result.items():
        print(f"  {key:<28}  {value}")
    print(json.dumps({"benchmark": "office", "scale": args.scale, "dialect": dialect,
                      "figures": result}, ensure_ascii=False))
