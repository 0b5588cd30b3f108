"""Certificates printed from the DOCX template (numbered per event, one file for all or
one per participant, hand-over tracked) and a contact's training record against its
training norm — both dialects."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document

from tests.services.education.rig import EduRig, make_edu_rig
from vostok_desktop.domain.education import EventKind, ParticipantStage
from vostok_desktop.services.education import participants as pt
from vostok_desktop.services.education.certificate_template import (
    build_certificate,
    template_path,
)
from vostok_desktop.services.education.certificates import mark_handed, print_certificates
from vostok_desktop.services.education.events import (
    EducationRefused,
    EventData,
    delete_norm,
    list_norms,
    save_event,
    save_norm,
)
from vostok_desktop.services.education.summary import (
    event_summary,
    norm_status,
    training_record,
)


@pytest.fixture
def rig(empty_base) -> EduRig:  # noqa: ANN001
    return make_edu_rig(empty_base)


def _text(path: Path) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(path.read_bytes())).paragraphs)


def _attend(rig: EduRig, event_id: int, *names: str) -> dict[str, int]:
    pt.register_contacts(rig.base, event_id, rig.contact_ids(*names), None)
    ids = {r.contact_name.split()[0]: r.id for r in pt.list_participants(rig.base, event_id)}
    return ids


def test_the_template_file_is_what_the_script_makes() -> None:
    made = "\n".join(p.text for p in build_certificate().paragraphs)
    assert made == "\n".join(p.text for p in Document(str(template_path())).paragraphs)
    assert "{{ c.full_name }}" in made and "{%p for c in certificates %}" in made


def test_certificates_are_numbered_printed_and_handed_over(rig: EduRig, tmp_path: Path
                                                           ) -> None:
    ids = _attend(rig, rig.seminar, "Иванова", "Петров", "Зайцев")
    pt.set_stage(rig.base, [ids["Иванова"], ids["Зайцев"]], ParticipantStage.ATTENDED, None)
    with pytest.raises(EducationRefused, match="Сертификат ещё не напечатан у 1"):
        mark_handed(rig.base, [ids["Иванова"]], rig.pay.cashier)
    printed = print_certificates(rig.base, rig.seminar, None, tmp_path / "all",
                                 rig.pay.cashier)
    assert (printed.count, printed.numbered, len(printed.files)) == (2, 2, 1)
    text = _text(printed.files[0])
    # By name: Зайцев is №1, Иванова №2; Петров did not attend.
    assert f"№ {rig.seminar}/001" in text and f"№ {rig.seminar}/002" in text
    assert text.index("Зайцев Захар") < text.index("Иванова Ирина")
    assert "Петров Пётр" not in text
    assert "«НДС в 2027 году»" in text and "Лектор: Лекторов Лев" in text
    assert "{{" not in text and "{%" not in text
    # One file per participant: the numbers stay.
    single = print_certificates(rig.base, rig.seminar, [ids["Иванова"], ids["Петров"]],
                                tmp_path / "one", rig.pay.cashier, one_file=False)
    assert (single.count, single.numbered, single.not_attended) == (1, 0, 1)
    assert single.files[0].name == f"Сертификат {rig.seminar}-002 Иванова Ирина.docx"
    assert f"№ {rig.seminar}/002" in _text(single.files[0])
    # Hand-over.
    assert mark_handed(rig.base, [ids["Иванова"]], rig.pay.cashier) == 1
    assert mark_handed(rig.base, [ids["Иванова"]], rig.pay.cashier) == 0
    row = next(r for r in pt.list_participants(rig.base, rig.seminar) if r.id == ids["Иванова"])
    assert row.certificate_handed_at is not None
    assert row.certificate_handed_by == "Кассирова Катерина"
    summary = event_summary(rig.base, rig.seminar)
    assert (summary.certificates, summary.handed_over) == (2, 1)
    assert mark_handed(rig.base, [ids["Иванова"]], None, handed=False) == 1
    assert event_summary(rig.base, rig.seminar).handed_over == 0


def test_training_record_and_norm_compliance(rig: EduRig) -> None:
    webinar = save_event(rig.base, EventData(EventKind.WEBINAR, "Электронная отчётность",
                                             datetime(2027, 5, 12, 8, tzinfo=UTC), "0",
                                             link="https://webinar.example/2"), None)
    old = save_event(rig.base, EventData(EventKind.TRAINING, "Поиск документов",
                                         datetime(2026, 11, 3, 8, tzinfo=UTC), "0",
                                         place="Офис РИЦ"), None)
    for event_id in (rig.seminar, webinar, old):
        ids = _attend(rig, event_id, "Иванова", "Кузнецов")
        pt.set_stage(rig.base, [ids["Иванова"]], ParticipantStage.ATTENDED, None)
    record = training_record(rig.base, rig.contacts["Иванова"])
    assert [(r.kind_title, r.theme) for r in record] == [
        ("Вебинар", "Электронная отчётность"), ("Семинар", "НДС в 2027 году"),
        ("Тренинг", "Поиск документов")]
    assert training_record(rig.base, rig.contacts["Кузнецов"]) == []  # invited only

    assert norm_status(rig.base, rig.contacts["Иванова"], 2027).text == (
        "Норма обучения не задана; в 2027 году обучений: 2")
    # Position norm for everyone; a stricter one for Ромашка's chief accountants.
    general = save_norm(rig.base, client_id=None, position="главный  бухгалтер",
                        trainings_per_year=2, employee_id=None)
    status = norm_status(rig.base, rig.contacts["Иванова"], 2027)
    assert (status.norm, status.done, status.met) == (2, 2, True)
    assert status.source == "должность «главный бухгалтер»"
    save_norm(rig.base, client_id=rig.pay.clients["romashka"], position="Главный бухгалтер",
              trainings_per_year=4, employee_id=None)
    status = norm_status(rig.base, rig.contacts["Иванова"], 2027)
    assert status.text == ("Норма — 4 в год (должность «Главный бухгалтер» у этого клиента); "
                           "в 2027 году обучений: 2, норма не выполнена: осталось 2")
    kuz = norm_status(rig.base, rig.contacts["Кузнецов"], 2027)  # Василёк: the general one
    assert (kuz.norm, kuz.done, kuz.met) == (2, 0, False)
    assert norm_status(rig.base, rig.contacts["Иванова"], 2026).done == 1
    with pytest.raises(EducationRefused, match="Такая норма уже есть"):
        save_norm(rig.base, client_id=None, position="Главный бухгалтер",
                  trainings_per_year=3, employee_id=None)
    with pytest.raises(EducationRefused, match="Укажите должность или клиента"):
        save_norm(rig.base, client_id=None, position=" ", trainings_per_year=3,
                  employee_id=None)
    with pytest.raises(EducationRefused, match="не меньше одного"):
        save_norm(rig.base, client_id=None, position="Юрист", trainings_per_year=0,
                  employee_id=None)
    assert [n.subject for n in list_norms(rig.base)] == [
        "должность «главный бухгалтер», все клиенты",
        "должность «Главный бухгалтер», клиент «Ромашка»"]
    delete_norm(rig.base, general, None)
    assert norm_status(rig.base, rig.contacts["Кузнецов"], 2027).norm is None
