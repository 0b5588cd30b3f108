"""«Конкурент клиента» on both dialects: the lifecycle with its history and change log,
one open document per competitor, kits with users and exact money, contacts' attitude
(replacing the old free text, which stays readable), counter-work as linked assignments
and works, and the catalogue with its stages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.services.competitors.rig import Rig, make_rig
from vostok_desktop.domain import ChangeLog
from vostok_desktop.domain.access import Right, Visibility
from vostok_desktop.domain.competitors import Attitude, Encounter, StageKind
from vostok_desktop.domain.work import Assignment, WorkRecord
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile
from vostok_desktop.services.cards.contacts import load_contact, save_contact
from vostok_desktop.services.competitors import catalogue as cat
from vostok_desktop.services.competitors import counter_work as cw
from vostok_desktop.services.competitors import documents as docs
from vostok_desktop.services.competitors.common import CompetitorRefused
from vostok_desktop.services.work.assignments import AssignmentDraft

OPENED = date(2026, 1, 10)


@pytest.fixture
def rig(empty_base) -> Rig:  # noqa: ANN001
    return make_rig(empty_base)


def _document(rig: Rig, client: str = "romashka", competitor: str = "garant",
              value: str = "9 500,50", opened: date = OPENED) -> int:
    data = docs.new_document(rig.base, rig.clients[client], rig.employees["anna"],
                             today=opened)
    data.competitor_id = rig.competitors[competitor]
    data.monthly_value = value
    return docs.save_document(rig.base, data, rig.employees["anna"], today=opened)


def test_a_new_document_starts_at_the_first_stage_with_its_history(rig: Rig) -> None:
    served = docs.new_document(rig.base, rig.clients["romashka"], None)
    prospect = docs.new_document(rig.base, rig.clients["lyutik"], None)
    assert served.encounter is Encounter.CLASH and prospect.encounter is Encounter.OVERLAP
    doc_id = _document(rig)
    row = docs.load_document(rig.base, doc_id)
    assert (row.competitor_name, row.stage_title, row.stage_kind) == (
        "Гарант", "Угроза", StageKind.THREAT)
    assert row.monthly_value == Decimal("9500.50") and row.closed_on is None
    assert row.responsible_name == "Иванова Анна"
    history = docs.stage_history(rig.base, doc_id)
    assert [(m.moved_on, m.from_title, m.to_title) for m in history] == [
        (OPENED, "", "Угроза")]
    assert [r.id for r in docs.documents_of_client(rig.base, rig.clients["romashka"])] == [
        doc_id]


def test_next_stage_walks_the_lifecycle_closes_and_stops(rig: Rig) -> None:
    doc_id = _document(rig)
    anna = rig.employees["anna"]
    titles = []
    for on in (date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 15)):
        titles.append(docs.move_to_next_stage(rig.base, doc_id, anna, on=on).stage_title)
    assert titles == ["Конкурент у клиента", "Противодействие", "Конкурент устранён"]
    row = docs.load_document(rig.base, doc_id)
    assert row.closed and row.closed_on == date(2026, 4, 15)
    with pytest.raises(CompetitorRefused, match="дальше стадий нет"):
        docs.move_to_next_stage(rig.base, doc_id, anna)
    assert [m.to_title for m in docs.stage_history(rig.base, doc_id)] == [
        "Угроза", "Конкурент у клиента", "Противодействие", "Конкурент устранён"]
    # Back to an open stage reopens it.
    row = docs.move_stage(rig.base, doc_id, rig.stages["Противодействие"], anna,
                          on=date(2026, 5, 1), note="Конкурент вернулся")
    assert not row.closed and row.closed_on is None
    assert docs.stage_history(rig.base, doc_id)[-1].note == "Конкурент вернулся"
    with pytest.raises(CompetitorRefused, match="раньше появления"):
        docs.move_stage(rig.base, doc_id, rig.stages["Угроза"], anna, on=date(2025, 1, 1))
    # The change log has the stage moves, on a file base and on a server base alike.
    with rig.base.sessions() as s:
        logged = s.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.table_name == "client_competitors", ChangeLog.row_id == doc_id,
            ChangeLog.field == "stage_id"))
    assert logged >= 5


def test_a_client_has_one_open_document_per_competitor(rig: Rig) -> None:
    first = _document(rig)
    with pytest.raises(CompetitorRefused, match="уже есть открытый документ"):
        _document(rig)
    other = _document(rig, competitor="kodeks")  # another competitor: fine
    docs.move_stage(rig.base, first, rig.stages["Конкурент устранён"], None,
                    on=date(2026, 2, 1))
    again = _document(rig, opened=date(2026, 6, 1))  # the first one is closed now
    assert len({first, other, again}) == 3
    with pytest.raises(CompetitorRefused, match="не сумма"):
        _document(rig, competitor="kodeks", value="много")
    with pytest.raises(CompetitorRefused, match="отрицательной"):
        _document(rig, client="vasilek", value="-5")


def test_kits_keep_their_users_and_exact_prices(rig: Rig) -> None:
    doc_id = _document(rig)
    olga, pavel, lena = (rig.contacts[k] for k in ("olga", "pavel", "lena"))
    kit_id = docs.save_kit(rig.base, docs.KitData(
        None, doc_id, "ГАРАНТ Аэро", "12", date(2025, 5, 1), "1 200,55", "сетевая",
        [olga, pavel]), None)
    docs.save_kit(rig.base, docs.KitData(None, doc_id, "ГАРАНТ Мобильный", 2), None)
    kits = docs.kits_of(rig.base, doc_id)
    assert [(k.product, k.workplaces, k.monthly_price) for k in kits] == [
        ("ГАРАНТ Аэро", 12, Decimal("1200.55")), ("ГАРАНТ Мобильный", 2, None)]
    assert kits[0].users_text == "Орлова Ольга, Павлов Павел"
    row = docs.load_document(rig.base, doc_id)
    assert (row.kits, row.workplaces) == (2, 14)
    # Павлов no longer uses it.
    docs.save_kit(rig.base, docs.KitData(kit_id, doc_id, "ГАРАНТ Аэро", 12, None, None, "",
                                         [olga]), None)
    assert docs.kits_of(rig.base, doc_id)[0].users == ((olga, "Орлова Ольга"),)
    with pytest.raises(CompetitorRefused, match="не найдено у этого клиента"):
        docs.save_kit(rig.base, docs.KitData(None, doc_id, "Чужой", 1, user_ids=[lena]), None)
    with pytest.raises(CompetitorRefused, match="Рабочих мест"):
        docs.save_kit(rig.base, docs.KitData(None, doc_id, "Минус", -1), None)
    with pytest.raises(CompetitorRefused, match="точнее копейки"):
        docs.save_kit(rig.base, docs.KitData(None, doc_id, "Дробь", 1,
                                             monthly_price="10,005"), None)
    with pytest.raises(CompetitorRefused, match="Сначала запишите"):
        docs.save_kit(rig.base, docs.KitData(None, None, "Без документа", 1), None)
    assert len(docs.kits_of(rig.base, doc_id)) == 2  # nothing half-written
    docs.delete_kit(rig.base, kit_id, None)
    assert [k.product for k in docs.kits_of(rig.base, doc_id)] == ["ГАРАНТ Мобильный"]


def test_attitudes_replace_the_free_text_which_stays_readable(rig: Rig) -> None:
    garant = _document(rig)
    kodeks = _document(rig, competitor="kodeks")
    olga = rig.contacts["olga"]
    docs.set_attitude(rig.base, garant, olga, Attitude.SUPPORTER, "советует коллегам", None)
    docs.set_attitude(rig.base, kodeks, olga, "opponent", "", None)
    docs.set_attitude(rig.base, garant, rig.contacts["pavel"], Attitude.NEUTRAL, "", None)
    docs.set_attitude(rig.base, garant, olga, Attitude.NEUTRAL, "уже сомневается", None)
    rows = docs.attitudes_of_contact(rig.base, olga)
    assert [(r.competitor_name, r.attitude_title, r.note) for r in rows] == [
        ("Гарант", "Нейтрален", "уже сомневается"), ("Кодекс", "Противник конкурента", "")]
    contact = load_contact(rig.base, olga)
    text = docs.attitude_text(rows, contact.competitor_attitude)
    assert text.splitlines() == ["Гарант: нейтрален — уже сомневается",
                                 "Кодекс: противник конкурента",
                                 "Прежняя запись: Любит Гарант с 2010 года"]
    # Saving the contact card never rewrites the old text.
    contact.competitor_attitude = ""
    contact.position = "Главный бухгалтер"
    saved = save_contact(rig.base, contact, None)
    assert saved.position == "Главный бухгалтер"
    assert saved.competitor_attitude == "Любит Гарант с 2010 года"
    with pytest.raises(CompetitorRefused, match="не найдено у этого клиента"):
        docs.set_attitude(rig.base, garant, rig.contacts["lena"], Attitude.NEUTRAL, "", None)
    attitude_id = docs.attitudes_of(rig.base, garant)[0].id
    docs.remove_attitude(rig.base, attitude_id, None)
    assert len(docs.attitudes_of(rig.base, garant)) == 1


def test_counter_work_is_an_assignment_linked_to_the_document(rig: Rig) -> None:
    doc_id = _document(rig)
    anna, boris = rig.employees["anna"], rig.employees["boris"]
    new_id = cw.create_counter_assignment(
        rig.base, doc_id, AssignmentDraft(executor_id=boris, text="Встретиться с юристом"),
        anna)
    with rig.base.sessions() as s:
        a = s.get(Assignment, new_id)
        assert (a.client_id, a.executor_id, a.author_id) == (rig.clients["romashka"], boris,
                                                             anna)
        work = WorkRecord(client_id=rig.clients["romashka"], employee_id=anna,
                          starts_at=a.created_at, subject="Презентация против Гаранта",
                          done=True)
        foreign = WorkRecord(client_id=rig.clients["lyutik"], employee_id=anna,
                             starts_at=a.created_at, subject="Чужая работа")
        s.add_all([work, foreign])
        s.commit()
        work_id, foreign_id = work.id, foreign.id
    assert [w.target_id for w in cw.works_to_link(rig.base, doc_id)] == [work_id]
    cw.link_to_document(rig.base, doc_id, anna, work_id=work_id)
    links = cw.links_of(rig.base, doc_id)
    assert {(r.kind, r.target_id, r.state) for r in links} == {
        ("assignment", new_id, "Новое"), ("work", work_id, "выполнена")}
    assert cw.works_to_link(rig.base, doc_id) == []
    with pytest.raises(CompetitorRefused, match="другого клиента"):
        cw.link_to_document(rig.base, doc_id, anna, work_id=foreign_id)
    with pytest.raises(CompetitorRefused, match="обязательное поле"):
        cw.create_counter_assignment(rig.base, doc_id, AssignmentDraft(text=" "), anna)
    with pytest.raises(CompetitorRefused, match="Исполнитель"):
        cw.create_counter_assignment(rig.base, doc_id, AssignmentDraft(text="Без исполнителя"),
                                     anna)
    cw.unlink(rig.base, next(r.id for r in links if r.kind == "work"), anna)
    assert [r.kind for r in cw.links_of(rig.base, doc_id)] == ["assignment"]
    # Deleting the document takes its links, kits and history, never the assignment.
    docs.delete_document(rig.base, doc_id, anna)
    with rig.base.sessions() as s:
        assert s.get(Assignment, new_id) is not None


def test_the_catalogue_needs_its_right_and_keeps_used_rows(rig: Rig) -> None:
    no_right = AccessProfile(frozenset(r.value for r in Right)
                             - {Right.COMPETITORS_CATALOGUE.value}, Visibility.ALL, "manager")
    with pytest.raises(AccessDenied, match="Справочник конкурентов"):
        cat.save_competitor(rig.base, cat.CompetitorData(None, "Референт"), None, no_right)
    with pytest.raises(CompetitorRefused, match="уже есть в справочнике"):
        cat.save_competitor(rig.base, cat.CompetitorData(None, "  гарант "), None)
    doc_id = _document(rig)
    with pytest.raises(CompetitorRefused, match="указан в документах"):
        cat.delete_competitor(rig.base, rig.competitors["garant"], None)
    cat.save_competitor(rig.base, cat.CompetitorData(rig.competitors["garant"], "Гарант",
                                                     "Система ГАРАНТ", archived=True), None)
    assert [c.name for c in cat.list_competitors(rig.base, include_archived=False)] == [
        "Кодекс"]
    docs.move_stage(rig.base, doc_id, rig.stages["Конкурент устранён"], None)
    with pytest.raises(CompetitorRefused, match="в архиве"):
        _document(rig)
    spare = cat.save_competitor(rig.base, cat.CompetitorData(None, "Референт"), None)
    cat.delete_competitor(rig.base, spare, None)
    assert "Референт" not in [c.name for c in cat.list_competitors(rig.base)]


def test_the_lifecycle_is_configured_in_order_and_keeps_closing_stages(rig: Rig) -> None:
    stages = cat.list_stages(rig.base)
    assert [(s.title, s.kind) for s in stages] == [
        ("Угроза", StageKind.THREAT), ("Конкурент у клиента", StageKind.ACTIVE),
        ("Противодействие", StageKind.ACTIVE), ("Конкурент устранён", StageKind.ELIMINATED),
        ("Клиент ушёл к конкуренту", StageKind.LOST)]
    doc_id = _document(rig)  # stands on «Угроза»
    threat, active, counter, gone, lost = stages
    # Swap two titles, add «Переговоры» before the closing stages, drop «Противодействие».
    new = [threat, cat.StageData(active.id, "Переговоры", 0, StageKind.ACTIVE),
           cat.StageData(None, "Конкурент у клиента", 0, "active"), gone, lost]
    saved = cat.save_stages(rig.base, new, None)
    assert [s.title for s in saved] == ["Угроза", "Переговоры", "Конкурент у клиента",
                                        "Конкурент устранён", "Клиент ушёл к конкуренту"]
    assert counter.id not in {s.id for s in saved}
    assert docs.move_to_next_stage(rig.base, doc_id, None).stage_title == "Переговоры"
    with pytest.raises(CompetitorRefused, match="стоят документы"):
        cat.save_stages(rig.base, [s for s in saved if s.title != "Переговоры"], None)
    with pytest.raises(CompetitorRefused, match="закрываются документы"):
        cat.save_stages(rig.base, [s for s in saved if s.kind != StageKind.LOST], None)
    with pytest.raises(CompetitorRefused, match="дважды"):
        cat.save_stages(rig.base, [*saved, cat.StageData(None, "угроза", 0, "threat")], None)
    assert [s.title for s in cat.list_stages(rig.base)] == [s.title for s in saved]
