"""Excel export on both dialects: a bold frozen header, autofilter, widths, real types,
streamed rows with progress, and no file left behind by a cancel."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.services.importing.test_import import fill_clients, inn
from vostok_desktop.services.documents import excel
from vostok_desktop.services.importing.plan import ImportCancelled


def test_export_has_a_bold_frozen_header_filter_widths_and_real_types(empty_base,
                                                                      tmp_path) -> None:
    fill_clients(empty_base, 3)
    steps: list[int] = []
    out, n = excel.export_clients(empty_base, tmp_path / "clients",
                                  progress=lambda _s, done, _t: steps.append(done))
    assert out.suffix == ".xlsx" and n == 3 and steps
    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:N4"
    assert sheet["B1"].value == "Краткое наименование" and sheet["B1"].font.b
    assert sheet.column_dimensions["B"].width >= 30
    assert isinstance(sheet["A2"].value, int)
    assert sheet["N2"].is_date and sheet["N2"].number_format == "DD.MM.YYYY HH:MM"
    assert sheet["D2"].value == inn(0)  # INN stays text: leading zeros survive


def test_cancelled_export_leaves_no_file(empty_base, tmp_path) -> None:
    fill_clients(empty_base, 30)

    def cancel(_stage: str, _done: int, _total: int) -> None:
        raise ImportCancelled

    with pytest.raises(ImportCancelled):
        excel.export_xlsx(tmp_path / "x.xlsx", excel.CLIENT_EXPORT_COLUMNS,
                          excel.iter_client_rows(empty_base), progress=cancel, every=10)
    assert not (tmp_path / "x.xlsx").exists()


