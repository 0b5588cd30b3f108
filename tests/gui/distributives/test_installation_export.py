"""«Контроль сроков установки» to Excel through the export gate, on both dialects: the
file holds the rows shown and the export is in the log; without the right, refused."""

from __future__ import annotations

from openpyxl import load_workbook

from tests.gui.distributives.test_installation_dialog import _context
from tests.services.distributives.conftest import TODAY, Rig
from tests.services.distributives.conftest import rig as rig  # noqa: F401 - the fixture
from vostok_desktop.gui.distributives.installation_dialog import InstallationControl
from vostok_desktop.services.access import rights as access
from vostok_desktop.services.distributives import installations as ins


def _control(qtbot, rig: Rig, profile=None) -> InstallationControl:
    (did,) = rig.receive("500001")
    ins.plan_installation(rig.base, ins.InstallationDraft(
        rig.clients["romashka"], rig.employees["engineer"], TODAY, [did]), None, today=TODAY)
    control = InstallationControl(_context(rig, profile), today=lambda: TODAY)
    qtbot.addWidget(control)
    control.resize(900, 360)
    control.show()
    return control


def test_export_writes_the_rows_shown_and_is_logged(qtbot, rig: Rig, tmp_path) -> None:
    control = _control(qtbot, rig)
    written = control.export(str(tmp_path / "control.xlsx"))
    assert written is not None
    sheet = load_workbook(written).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Контроль сроков установки"
    assert rows[3][4] == "500001" and rows[3][2] == "Ромашка" and len(rows) == 4
    log = access.export_log(rig.base)
    assert log[0].what == "Отчёт «Контроль сроков установки»" and log[0].row_count == 1
    assert control.message.text().startswith("Выгружено строк: 1")
    control.grab().save("/tmp/scr/png/installation_control_export.png")


def test_export_without_the_right_is_refused(qtbot, rig: Rig, tmp_path) -> None:
    profile = access.AccessProfile(frozenset(), access.Visibility.ALL, None)
    control = _control(qtbot, rig, profile)
    target = tmp_path / "no.xlsx"
    assert control.export(str(target)) is None
    assert not target.exists()
    assert control.message.text().startswith("Не выгружено:")
    assert access.export_log(rig.base) == []
