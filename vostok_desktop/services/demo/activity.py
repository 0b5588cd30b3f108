"""Demo activity: a realistic slice of daily work on top of the demo clients (no Qt).

``generate_demo_data`` fills a base with clients, contacts and employees; this module adds
what a first-time user expects to see in the journals and the planner: ПРиЗ, assignments,
works (done and planned), reminders of the administrator, hot-line requests on both lines
(with deadlines in working time, history and search order stages) and calls in the call log.

Everything goes through the services (``work``, ``assignments``, ``reminders``,
``hotline``, ``call_log``), so deadlines, lifecycles, history and the change log follow the
same rules as the user's own actions. All services run on one connection inside one
transaction (their own transactions become savepoints): if anything fails, nothing is left.
Times are relative to ``now``; the same seed and ``now`` give the same data.
"""

from __future__ import annotations

import dataclasses
import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from vostok_desktop.domain import (
    CallDirection,
    CallEvent,
    CallEventKind,
    Client,
    Contact,
    Employee,
    EmployeeRole,
    Phone,
    Responsibility,
)
from vostok_desktop.domain.base import utcnow
from vostok_desktop.domain.hotline import HotlineLine, HotlineRequest, RequestChannel, RequestStatus
from vostok_desktop.domain.work import (
    ActionItem,
    ActionItemKind,
    ActionItemState,
    AssignmentState,
    Importance,
    WorkKind,
    WorkRecord,
)
from vostok_desktop.services.demo.common import DEMO_SEED
from vostok_desktop.services.hotline import requests as hl
from vostok_desktop.services.hotline.calendar import WorkingCalendar, load_calendar
from vostok_desktop.services.telephony.call_log import CallLogRecorder
from vostok_desktop.services.work import assignments as asg
from vostok_desktop.services.work import reminders as rem
from vostok_desktop.services.work import works as wk

if TYPE_CHECKING:
    from vostok_desktop.db import OpenedBase

__all__ = ["generate_demo_activity"]

PROVIDER = "demo"

# ------------------------------------------------------------------------------ texts
ACTION_ITEM_TEXTS: dict[ActionItemKind, tuple[str, ...]] = {
    ActionItemKind.PROBLEM: (
        "Не используется система Бухгалтерия",
        "Главный бухгалтер не знает о новых возможностях поиска",
        "Комплект давно не пополнялся",
        "Не работает Онлайн-доступ у юриста",
        "Клиент рассматривает предложение конкурента",
        "Задолженность по оплате сопровождения за прошлый месяц",
        "Не используется раздел «Судебная практика»",
        "Низкая активность работы с системой",
    ),
    ActionItemKind.RECOMMENDATION: (
        "Рекомендовать обучение главного бухгалтера",
        "Предложить пополнение комплекта системой Юрист",
        "Рекомендовать семинар по изменениям в НДС",
        "Предложить подключение Онлайн-версии",
        "Рекомендовать Путеводители по кадровым вопросам",
        "Предложить сервис «Электронная отчётность»",
    ),
    ActionItemKind.TASK: (
        "Провести сверку комплекта",
        "Продлить договор сопровождения",
        "Выставить счёт на следующий квартал",
        "Провести обучение нового юриста",
        "Установить систему на второй компьютер",
        "Согласовать график визитов на квартал",
    ),
}
LINE_COMMENTS: dict[ActionItemKind, tuple[str, ...]] = {
    ActionItemKind.PROBLEM: (
        "Показали основные приёмы работы, обещали пользоваться",
        "Выяснили причину, нужен повторный контакт",
        "Обсудили с руководителем, ждём решения",
        "Передали вопрос в технический отдел",
    ),
    ActionItemKind.RECOMMENDATION: (
        "Предложение озвучено, клиент думает",
        "Отправили коммерческое предложение на e-mail",
        "Клиент заинтересовался, перезвонить через неделю",
        "Согласовали дату, отправим приглашение",
    ),
    ActionItemKind.TASK: (
        "Сделано, клиент доволен",
        "Частично выполнено, продолжим при следующем визите",
        "Договорились о времени",
        "Документы подписаны",
    ),
}
WORK_SUBJECTS: dict[WorkKind, tuple[str, ...]] = {
    WorkKind.CALL: ("Плановый звонок", "Контроль использования системы", "Напоминание об оплате",
                    "Приглашение на семинар", "Звонок по итогам обучения"),
    WorkKind.VISIT: ("Плановый визит", "Пополнение комплекта", "Обучение пользователей",
                     "Сверка комплекта"),
    WorkKind.MEETING: ("Встреча с руководителем", "Презентация новых возможностей"),
    WorkKind.EMAIL: ("Отправка коммерческого предложения", "Обзор изменений законодательства"),
    WorkKind.LETTER: ("Письмо о продлении договора",),
}
WORK_RESULTS = (
    "Поговорили, клиент доволен работой системы",
    "Договорились о следующем визите",
    "Клиент просит перезвонить на следующей неделе",
    "Провели обучение двух пользователей",
    "Пополнение установлено, замечаний нет",
    "Передали счёт на оплату",
    "Главного бухгалтера не было на месте, оставили сообщение",
)
ASSIGNMENT_TEXTS = (
    "Позвонить главному бухгалтеру: предложить обучение",
    "Провести сверку комплекта и подписать акт",
    "Согласовать продление договора сопровождения",
    "Подготовить коммерческое предложение на систему Юрист",
    "Выяснить, почему не используется система",
    "Пригласить на семинар по изменениям в НДС",
    "Установить пополнение и проверить Онлайн-доступ",
    "Напомнить об оплате счёта",
)
ASSIGNMENT_RESULTS = (
    "Выполнено, клиент согласен", "Акт подписан", "Договор продлён на год",
    "КП отправлено, ждём ответа",
)
REMINDER_TEXTS = (
    "Перезвонить главному бухгалтеру по поводу обучения",
    "Проверить оплату счёта за сопровождение",
    "Отправить акт сверки комплекта",
    "Подготовить отчёт по горячей линии за неделю",
    "Согласовать график визитов на следующую неделю",
    "Напомнить юристу о семинаре по судебной практике",
    "Проверить, дошло ли коммерческое предложение",
)
REQUEST_TEXTS: dict[str, tuple[str, ...]] = {
    "consultation": (
        "Как отразить в учёте возврат аванса поставщику?",
        "Какие документы нужны для вычета НДС при импорте из ЕАЭС?",
        "Порядок выплаты отпускных при увольнении сотрудника",
        "Сроки хранения кадровых документов",
        "Как заполнить 6-НДФЛ при выплате премии по итогам года?",
        "Нужна ли онлайн-касса при оплате через банк?",
        "Можно ли принять к вычету НДС по электронному счёту-фактуре без подписи?",
    ),
    "search_order": (
        "Найти письмо ФНС о применении пониженных тарифов страховых взносов",
        "Разыскать постановление администрации области о транспортном налоге",
        "Найти решение арбитражного суда по спору о неустойке (поставка)",
        "Найти приказ Минтруда о форме графика отпусков",
    ),
    "technical_failure": (
        "Не открывается система после обновления",
        "Ошибка при установке пополнения комплекта",
        "Не работает Онлайн-доступ: ошибка авторизации",
        "Медленно работает поиск на сетевой версии",
    ),
    "other": (
        "Просит копию договора сопровождения",
        "Просьба перенести время обучения",
        "Вопрос по счёту на оплату сопровождения",
    ),
}
REQUEST_ANSWERS: dict[str, tuple[str, ...]] = {
    "consultation": (
        "Дан ответ со ссылками на нормы НК РФ и разъяснения Минфина",
        "Отправлена подборка документов и Путеводитель по теме",
        "Разъяснено по телефону, ссылки отправлены на e-mail",
    ),
    "search_order": (
        "Документ найден и отправлен клиенту на e-mail",
        "Документ включён в систему, клиенту сообщено",
    ),
    "technical_failure": (
        "Переустановлен модуль обновления, работа восстановлена",
        "Сброшен пароль Онлайн-доступа, клиент вошёл",
        "Перестроены индексы, поиск работает быстро",
    ),
    "other": ("Копия отправлена на e-mail", "Время обучения перенесено", "Счёт переотправлен"),
}
CANCEL_COMMENTS = ("Клиент решил вопрос самостоятельно", "Обращение зарегистрировано дважды")


# ------------------------------------------------------------------------------ helpers
@dataclass(frozen=True)
class _ContactRef:
    id: int
    client_id: int
    name: str
    phone: str


@dataclass
class _People:
    admin: int
    operators: list[int]
    field: list[int]  # managers and service engineers
    heads: list[int]
    extensions: dict[int, str]


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class _Clock:
    """Working-day arithmetic around ``now`` in the office's (calendar's) time zone."""

    def __init__(self, now: datetime, calendar: WorkingCalendar, rng: random.Random) -> None:
        self.now = now
        self.calendar = calendar
        self.rng = rng
        self.zone = calendar.zone
        self.local_now = now.astimezone(self.zone)

    def _day(self, offset: int) -> date:
        """The ``offset``-th working day from today (negative: back; 0: today itself)."""
        day = self.local_now.date()
        step = 1 if offset >= 0 else -1
        left = abs(offset)
        while left:
            day += timedelta(days=step)
            if self.calendar.is_working_day(day):
                left -= 1
        return day

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def past(self, min_days: int, max_days: int) -> datetime:
        """A working-hours moment ``min_days``..``max_days`` working days ago, before now."""
        for _ in range(10):
            day = self._day(-self.rng.randint(min_days, max_days))
            moment = self.at(day, self.rng.randint(9, 17), self.rng.choice((0, 15, 30, 45)))
            if moment < self.now - timedelta(minutes=20):
                return moment
        return _minute(self.now - timedelta(days=max(1, min_days), hours=2))

    def future(self, min_days: int, max_days: int) -> datetime:
        """A working-hours moment ``min_days``..``max_days`` working days ahead (>= 1)."""
        day = self._day(self.rng.randint(max(1, min_days), max(1, max_days)))
        return self.at(day, self.rng.randint(9, 17), self.rng.choice((0, 15, 30, 45)))

    def later_today(self, share: float) -> datetime:
        """A moment later today (local), ``share`` of the way to the end of the working
        day (to midnight when that is near or past)."""
        end = self.at(self.local_now.date(), self.calendar.end.hour, self.calendar.end.minute)
        if end - self.now < timedelta(hours=1):
            end = datetime.combine(self.local_now.date() + timedelta(days=1), time.min,
                                   tzinfo=self.zone).astimezone(UTC)
        left = end - self.now
        if left < timedelta(minutes=10):
            return _minute(self.now) + timedelta(minutes=5)
        moment = self.now + left * min(max(share, 0.05), 0.9)
        return max(_minute(moment), _minute(self.now) + timedelta(minutes=2))

    def earlier_today(self) -> datetime:
        start = self.at(self.local_now.date(), 9, 30)
        if start < self.now - timedelta(minutes=30):
            return _minute(start + (self.now - start) * 0.3)
        return _minute(self.now - timedelta(minutes=40))

    def received_for(self, target: datetime, days: int, minutes: int) -> datetime:
        """The latest minute a request may arrive so that its deadline is not after
        ``target`` (deadlines grow with the arrival time)."""
        lo, hi = target - timedelta(days=30), target
        for _ in range(24):
            mid = lo + (hi - lo) / 2
            if self.calendar.deadline(mid, days, minutes) <= target:
                lo = mid
            else:
                hi = mid
        return _minute(lo)


class _Builder:
    def __init__(self, base: OpenedBase, rng: random.Random, now: datetime,
                 clients_limit: int) -> None:
        self.base = base
        self.rng = rng
        self.now = now
        self.clients_limit = clients_limit
        self.counts: dict[str, int] = {}
        self.stamps: dict[int, tuple[datetime, datetime | None]] = {}  # ПРиЗ created, closed
        self.work_stamps: dict[int, datetime] = {}

    # -- reading the demo base ------------------------------------------------------------
    def load(self) -> None:
        with self.base.sessions() as s:
            clients = list(s.execute(select(Client.id, Client.short_name)
                                     .order_by(Client.id).limit(self.clients_limit)))
            if not clients:
                raise ValueError("В базе нет клиентов: сначала создайте демонстрационные данные")
            employees = list(s.execute(select(Employee.id, Employee.login, Employee.role,
                                              Employee.phone_extension)
                                       .where(Employee.is_active.is_(True))
                                       .order_by(Employee.id)))
            admin = next((e for e in employees if e[1] == "admin"), None)
            if admin is None:
                raise ValueError("В базе нет сотрудника admin: демонстрационная база неполная")
            busy = (s.scalar(select(func.count()).select_from(HotlineRequest))
                    or s.scalar(select(func.count()).select_from(WorkRecord))
                    or s.scalar(select(func.count()).select_from(ActionItem)))
            if busy:
                raise ValueError("В базе уже есть обращения, ПРиЗ или работы: "
                                 "демонстрационная активность не добавлена")
            self.calendar = load_calendar(s)
            ids = [c[0] for c in clients]
            self.client_names = dict(clients)
            self.client_ids = ids
            self.contacts: dict[int, list[_ContactRef]] = {}
            phones = dict(s.execute(
                select(Phone.contact_id, func.min(Phone.raw))
                .join(Contact, Contact.id == Phone.contact_id)
                .where(Contact.client_id.in_(ids)).group_by(Phone.contact_id)).all())
            for cid, client_id, last, first, middle in s.execute(
                    select(Contact.id, Contact.client_id, Contact.last_name, Contact.first_name,
                           Contact.middle_name)
                    .where(Contact.client_id.in_(ids), Contact.marked_for_deletion.is_(False))
                    .order_by(Contact.client_id, Contact.id)):
                name = " ".join(p for p in (last, first, middle) if p)
                self.contacts.setdefault(client_id, []).append(
                    _ContactRef(cid, client_id, name, phones.get(cid, "")))
            self.responsible: dict[int, list[int]] = {}
            for client_id, employee_id in s.execute(
                    select(Responsibility.client_id, Responsibility.employee_id)
                    .where(Responsibility.client_id.in_(ids))
                    .order_by(Responsibility.client_id, Responsibility.id)):
                self.responsible.setdefault(client_id, []).append(employee_id)
        by_role: dict[EmployeeRole, list[int]] = {}
        for eid, _login, role, _ext in employees:
            by_role.setdefault(EmployeeRole(role), []).append(eid)
        field = (by_role.get(EmployeeRole.MANAGER, []) + by_role.get(EmployeeRole.SERVICE_ENGINEER, [])
                 ) or [admin[0]]
        self.people = _People(
            admin=admin[0], operators=by_role.get(EmployeeRole.OPERATOR, []) or [admin[0]],
            field=field, heads=by_role.get(EmployeeRole.HEAD, []) or [admin[0]],
            extensions={e[0]: e[3] or "" for e in employees})
        self.clock = _Clock(self.now, self.calendar, self.rng)
        share = max(3, round(len(ids) * 0.1))
        self.active = sorted(self.rng.sample(ids, min(share, len(ids))))

    def _contact(self, client_id: int) -> _ContactRef | None:
        options = self.contacts.get(client_id) or []
        return self.rng.choice(options) if options else None

    def _worker(self, client_id: int) -> int:
        mine = [e for e in self.responsible.get(client_id, []) if e in self.people.field]
        return self.rng.choice(mine) if mine else self.rng.choice(self.people.field)

    def _count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    # -- ПРиЗ --------------------------------------------------------------------------------
    def action_items(self) -> None:
        kinds = list(ACTION_ITEM_TEXTS)
        for client_id in self.active:
            chosen: list[tuple[ActionItemKind, str]] = []
            for _ in range(self.rng.randint(1, 4)):
                kind = self.rng.choice(kinds)
                text = self.rng.choice(ACTION_ITEM_TEXTS[kind])
                if all(text != t for _, t in chosen):
                    chosen.append((kind, text))
            for kind, text in chosen:
                contact = self._contact(client_id) if self.rng.random() < 0.4 else None
                due = None
                if kind is not ActionItemKind.PROBLEM and self.rng.random() < 0.5:
                    due = self.clock.future(2, 20).astimezone(self.clock.zone).date()
                state = ActionItemState.DROPPED if self.rng.random() < 0.05 \
                    else ActionItemState.OPEN
                data = wk.save_action_item(self.base, wk.ActionItemData(
                    client_id=client_id, contact_id=contact.id if contact else None, kind=kind,
                    text=text, due_date=due, state=state), self._worker(client_id))
                assert data.id is not None
                created = self.clock.past(26, 45)  # before every demo work
                closed = self.clock.past(1, 10) if state is ActionItemState.DROPPED else None
                self.stamps[data.id] = (created, closed)
                self._count("action_items")

    # -- assignments -------------------------------------------------------------------------
    def _assignment(self, client_id: int, executor: int, deadline: datetime | None,
                    state: AssignmentState, importance: Importance = Importance.NORMAL) -> int:
        contact = self._contact(client_id) if self.rng.random() < 0.5 else None
        created = self.clock.past(3, 12)
        if deadline is not None and created >= deadline:
            created = _minute(deadline - timedelta(days=2))
        author = self.rng.choice(self.people.heads + [self.people.admin])
        [aid] = asg.create_assignments(self.base, asg.AssignmentDraft(
            targets=[(client_id, contact.id if contact else None)], executor_id=executor,
            text=self.rng.choice(ASSIGNMENT_TEXTS), deadline=deadline,
            importance=importance), author, now=created)
        if state is not AssignmentState.NEW:
            taken = created + timedelta(hours=self.rng.randint(1, 20))
            taken = min(taken, _minute(self.now - timedelta(minutes=30)))
            asg.transition(self.base, aid, AssignmentState.IN_WORK, executor, now=taken)
            if state is not AssignmentState.IN_WORK:
                closed = min(taken + timedelta(hours=self.rng.randint(2, 48)),
                             _minute(self.now - timedelta(minutes=10)))
                result = (self.rng.choice(ASSIGNMENT_RESULTS) if state is AssignmentState.DONE
                          else "Отменено: клиент отказался")
                asg.transition(self.base, aid, state, executor, result=result, now=closed)
        self._count("assignments")
        return aid

    def assignments(self) -> None:
        clock, admin, active = self.clock, self.people.admin, self.active
        # The administrator's own: overdue, today, later, undated, one done.
        own: list[tuple[int, datetime | None, AssignmentState, Importance]] = [
            (admin, clock.past(1, 3), AssignmentState.IN_WORK, Importance.HIGH),
            (admin, clock.past(2, 5), AssignmentState.NEW, Importance.NORMAL),
            (admin, clock.later_today(0.3), AssignmentState.NEW, Importance.NORMAL),
            (admin, clock.later_today(0.5), AssignmentState.IN_WORK, Importance.LOW),
            (admin, clock.future(1, 5), AssignmentState.NEW, Importance.NORMAL),
            (admin, None, AssignmentState.NEW, Importance.NORMAL),
            (admin, clock.past(3, 8), AssignmentState.DONE, Importance.NORMAL),
        ]
        plan = [(active[n % len(active)], *row) for n, row in enumerate(own)]
        for client_id in active:
            if self.rng.random() >= 0.55:
                continue
            roll = self.rng.random()
            deadline: datetime | None
            if roll < 0.25:
                deadline = clock.past(1, 6)
                state = self.rng.choice((AssignmentState.NEW, AssignmentState.IN_WORK))
            elif roll < 0.4:
                deadline, state = clock.later_today(self.rng.random()), AssignmentState.NEW
            elif roll < 0.7:
                deadline = clock.future(1, 10)
                state = self.rng.choice((AssignmentState.NEW, AssignmentState.IN_WORK))
            elif roll < 0.95:
                deadline, state = clock.past(2, 10), AssignmentState.DONE
            else:
                deadline, state = clock.future(1, 5), AssignmentState.CANCELLED
            importance = self.rng.choices(
                (Importance.HIGH, Importance.NORMAL, Importance.LOW), (2, 7, 1))[0]
            plan.append((client_id, self._worker(client_id), deadline, state, importance))
        for client_id, executor, deadline, state, importance in plan:
            self._assignment(client_id, executor, deadline, state, importance)

    # -- works -------------------------------------------------------------------------------
    def _work(self, client_id: int, employee: int, kind: WorkKind, starts: datetime,
              done: bool, *, importance: Importance = Importance.NORMAL,
              remind_before: timedelta | None = None, call_id: int | None = None,
              incoming: bool = False, contact: _ContactRef | None = None) -> int:
        contact = contact or self._contact(client_id)
        duration = (self.rng.randint(3, 25) if kind is WorkKind.CALL
                    else self.rng.randint(40, 120) if kind in (WorkKind.VISIT, WorkKind.MEETING)
                    else 0)
        data = wk.new_work(self.base, client_id, employee, kind=kind, done=done,
                           starts_at=starts, duration_min=duration,
                           contact_id=contact.id if contact else None, incoming=incoming,
                           call_id=call_id)
        data.subject = self.rng.choice(WORK_SUBJECTS[kind])
        data.importance = importance
        resolved: list[int] = []
        if done:
            data.result = self.rng.choice(WORK_RESULTS)
            for line in data.lines:
                if self.rng.random() < 0.7:
                    line.worked = True
                    line.comment = self.rng.choice(LINE_COMMENTS[line.kind])
                    if self.rng.random() < 0.3:
                        line.resolve = True
                        resolved.append(line.action_item_id)
        elif remind_before is not None:
            data.remind_at = starts - remind_before
        saved = wk.save_work(self.base, data, employee)
        assert saved.id is not None
        finished = starts + timedelta(minutes=duration)
        for item_id in resolved:
            created, _ = self.stamps.get(item_id, (finished - timedelta(days=20), None))
            self.stamps[item_id] = (created, finished)
        self.work_stamps[saved.id] = (starts - timedelta(days=self.rng.randint(1, 5))
                                      if not done else finished)
        self._count("works")
        if data.remind_at is not None:
            self._count("reminders")
        return saved.id

    def works(self) -> None:
        clock, admin = self.clock, self.people.admin
        kinds = (WorkKind.CALL, WorkKind.CALL, WorkKind.CALL, WorkKind.VISIT, WorkKind.MEETING,
                 WorkKind.EMAIL)
        # Done works, oldest first, so later works see what earlier ones resolved.
        history: list[tuple[datetime, int]] = []
        for client_id in self.active:
            for _ in range(self.rng.randint(1, 2)):
                history.append((clock.past(1, 25), client_id))
        history.sort()
        for starts, client_id in history:
            self._work(client_id, self._worker(client_id), self.rng.choice(kinds), starts,
                       True, incoming=self.rng.random() < 0.25)
        # Planned works in the coming days.
        for client_id in self.active:
            if self.rng.random() < 0.5:
                importance = self.rng.choices(
                    (Importance.HIGH, Importance.NORMAL, Importance.LOW), (2, 7, 1))[0]
                self._work(client_id, self._worker(client_id),
                           self.rng.choice((WorkKind.CALL, WorkKind.VISIT, WorkKind.MEETING)),
                           clock.future(1, 7), False, importance=importance,
                           remind_before=timedelta(minutes=15) if self.rng.random() < 0.3
                           else None)
        # The administrator's day: one done this morning, one missed yesterday, two later
        # today (one important, with a reminder), and a visit in a few days.
        mine = self.active[: max(1, min(5, len(self.active)))]
        pick = self.rng.choice
        self._work(pick(mine), admin, WorkKind.CALL, clock.earlier_today(), True)
        self._work(pick(mine), admin, WorkKind.CALL, clock.past(1, 1), False,
                   importance=Importance.HIGH)
        self._work(pick(mine), admin, WorkKind.CALL, clock.later_today(0.2), False,
                   importance=Importance.HIGH, remind_before=timedelta(minutes=15))
        self._work(pick(mine), admin, WorkKind.MEETING, clock.later_today(0.45), False)
        self._work(pick(mine), admin, WorkKind.VISIT, clock.future(1, 3), False,
                   importance=Importance.LOW)
        self._work(pick(mine), admin, WorkKind.EMAIL, clock.future(2, 5), False)

    # -- reminders ---------------------------------------------------------------------------
    def reminders(self) -> None:
        clock, admin, now = self.clock, self.people.admin, self.now
        texts = list(REMINDER_TEXTS)
        self.rng.shuffle(texts)
        plan = [
            (_minute(now - timedelta(hours=self.rng.randint(2, 5))), False),  # missed
            (clock.past(1, 2), False),  # missed yesterday
            (clock.past(2, 4), True),  # shown and done with
            (clock.later_today(0.15), False),
            (clock.later_today(0.6), False),
            (clock.future(1, 2), False),
        ]
        for n, (when, fired) in enumerate(plan):
            client_id = self.active[n % len(self.active)] if n % 2 == 0 else None
            rid = rem.add_reminder(self.base, admin, when, texts[n % len(texts)],
                                   client_id=client_id)
            if fired:
                rem.mark_fired(self.base, rid, when)
            self._count("reminders")

    # -- calls -------------------------------------------------------------------------------
    def calls(self) -> list[tuple[int, _ContactRef, datetime]]:
        """Calls in the log; returns the answered incoming ones (for requests)."""
        answered_in: list[tuple[int, _ContactRef, datetime]] = []
        people = [self.people.admin, *self.people.operators]
        pool = [c for cid in self.client_ids for c in self.contacts.get(cid, []) if c.phone]
        if not pool:
            return answered_in
        plan = [("in", True), ("in", True), ("in", False), ("out", True), ("in", True),
                ("in", False), ("out", False), ("in", True), ("in", True), ("in", False)]
        moments = sorted(
            [_minute(self.now - timedelta(minutes=self.rng.randint(10, 240)))
             for _ in range(4)]
            + [self.clock.past(1, 3) for _ in range(len(plan) - 4)])
        for n, ((direction, answered), at) in enumerate(zip(plan, moments, strict=True)):
            employee = people[n % len(people)]
            contact = self.rng.choice(pool)
            unknown = direction == "in" and not answered and n == len(plan) - 1
            number = "+7 913 000-00-00" if unknown else contact.phone
            recorder = CallLogRecorder(self.base.sessions, employee)
            call_key = f"demo-{n + 1:04d}"
            event = functools.partial(
                CallEvent, call_id=call_key,
                direction=CallDirection.INCOMING if direction == "in" else CallDirection.OUTGOING,
                number=number, extension=self.people.extensions.get(employee) or "100",
                provider=PROVIDER, caller_name="" if unknown else contact.name)
            row = recorder.record(event(kind=CallEventKind.RINGING, at=at))
            end = at + timedelta(seconds=self.rng.randint(20, 40))
            if answered:
                talk = at + timedelta(seconds=self.rng.randint(5, 15))
                recorder.record(event(kind=CallEventKind.ANSWERED, at=talk))
                end = talk + timedelta(seconds=self.rng.randint(60, 600))
            recorder.record(event(kind=CallEventKind.HANGUP, at=end, answered=answered))
            if not unknown:
                recorder.link(row, client_id=contact.client_id, contact_id=contact.id)
            if answered and direction == "in":
                answered_in.append((row, contact, at))
            self._count("calls")
        return answered_in

    # -- hot line ------------------------------------------------------------------------------
    def requests(self, calls: Sequence[tuple[int, _ContactRef, datetime]]) -> None:
        with self.base.sessions.begin() as s:
            types = {t.code or t.name: t for t in hl.request_types(s)}
            stage_ids = [st.id for st in hl.stages(s)]
            codes = [c for c in ("consultation", "search_order", "technical_failure", "other")
                     if c in types] or list(types)
            if not codes:
                return
            weights = {"consultation": 5, "search_order": 2, "technical_failure": 2, "other": 1}
            total = max(12, round(len(self.client_ids) * 0.09))
            scenarios = ["closed", "answered", "overdue", "due_soon", "open", "closed",
                         "overdue", "open", "answered", "closed", "cancelled", "due_soon"]
            linked = list(calls)
            for n in range(total):
                scenario = scenarios[n % len(scenarios)]
                code = (self.rng.choices(codes, [weights.get(c, 1) for c in codes])[0]
                        if n >= 4 else codes[n % len(codes)])
                rtype = types[code]
                line = (HotlineLine.CONSULTATION if code in ("consultation", "search_order")
                        and self.rng.random() < 0.6 else HotlineLine.HOTLINE)
                operator = self.rng.choice(self.people.operators + [self.people.admin])
                call_id = None
                if linked and scenario == "open" and n < 2 * len(scenarios):
                    call_id, contact, received = linked.pop(0)
                    received = min(received, _minute(self.now - timedelta(minutes=5)))
                else:
                    client_id = self.rng.choice(self.client_ids)
                    contact = self._contact(client_id) or _ContactRef(0, client_id, "", "")
                    received = self._received(scenario, rtype)
                channel = (RequestChannel.PHONE if call_id is not None or self.rng.random() < 0.6
                           else self.rng.choice(list(RequestChannel)))
                texts = REQUEST_TEXTS.get(code) or REQUEST_TEXTS["other"]
                [rid] = hl.register_requests(s, hl.RequestDraft(
                    line=line, type_id=rtype.id, text=self.rng.choice(texts),
                    client_id=contact.client_id, contact_ids=[contact.id] if contact.id else (),
                    channel=channel, operator_id=operator, received_at=received,
                    call_id=call_id), self.calendar, now=received)
                self._move(s, rid, scenario, code, rtype.is_search_order, stage_ids, operator,
                           received)
                self._count("requests")
                if rtype.is_search_order:
                    self._count("search_orders")

    def _received(self, scenario: str, rtype: hl.RequestTypeInfo) -> datetime:
        clock, days, minutes = self.clock, rtype.deadline_days, rtype.deadline_minutes
        latest = _minute(self.now - timedelta(minutes=5))
        if scenario == "overdue":
            target = clock.past(0, 3)
            return min(clock.received_for(target, days, minutes), latest)
        if scenario == "due_soon":
            target = self.now + timedelta(minutes=self.rng.randint(15, 50))
            received = clock.received_for(target, days, minutes)
            if received <= latest and self.calendar.deadline(received, days, minutes) > self.now:
                return received
            return _minute(self.now - timedelta(minutes=self.rng.randint(5, 40)))
        if scenario == "open":
            return _minute(self.now - timedelta(minutes=self.rng.randint(5, 60)))
        return min(clock.past(1, 12), latest)

    def _move(self, s: Session, rid: int, scenario: str, code: str, search: bool,
              stage_ids: list[int], operator: int, received: datetime) -> None:
        latest = _minute(self.now - timedelta(minutes=2))

        def step(minutes: int, after: datetime) -> datetime:
            return min(after + timedelta(minutes=minutes), latest)

        moment = received
        if scenario in ("overdue", "due_soon", "open") and self.rng.random() < 0.5 \
                or scenario in ("closed", "answered"):
            moment = step(self.rng.randint(5, 60), moment)
            hl.change_status(s, rid, RequestStatus.IN_WORK, operator, now=moment)
        if search and stage_ids:
            reach = (len(stage_ids) if scenario in ("closed", "answered")
                     else self.rng.randint(1, max(1, len(stage_ids) - 2)))
            for stage_id in stage_ids[1:reach]:
                moment = step(self.rng.randint(20, 240), moment)
                hl.set_stage(s, rid, stage_id, operator, now=moment)
        if scenario in ("closed", "answered"):
            moment = step(self.rng.randint(20, 180), moment)
            answers = REQUEST_ANSWERS.get(code) or REQUEST_ANSWERS["other"]
            hl.answer_request(s, rid, self.rng.choice(answers), operator, now=moment)
            if scenario == "closed":
                moment = step(self.rng.randint(60, 24 * 60), moment)
                hl.change_status(s, rid, RequestStatus.CLOSED, operator,
                                 comment="Клиент подтвердил, что вопрос решён", now=moment)
        elif scenario == "cancelled":
            moment = step(self.rng.randint(10, 120), moment)
            hl.change_status(s, rid, RequestStatus.CANCELLED, operator,
                             comment=self.rng.choice(CANCEL_COMMENTS), now=moment)

    # -- timestamps the services take from the wall clock -------------------------------------
    def backdate(self) -> None:
        """Services stamp ПРиЗ and works with the real time; the demo story happened
        around ``now``."""
        with self.base.sessions.begin() as s:
            for item_id, (created, closed) in self.stamps.items():
                values: dict[str, datetime] = {"created_at": created}
                if closed is not None:
                    values["closed_at"] = closed
                s.execute(update(ActionItem).where(ActionItem.id == item_id).values(**values))
            for work_id, created in self.work_stamps.items():
                s.execute(update(WorkRecord).where(WorkRecord.id == work_id)
                          .values(created_at=min(created, self.now)))

    def run(self) -> dict[str, int]:
        self.load()
        self.action_items()
        self.assignments()
        self.works()
        self.reminders()
        calls = self.calls()
        self.requests(calls)
        self.backdate()
        for name in ("action_items", "assignments", "works", "reminders", "requests",
                     "search_orders", "calls"):
            self.counts.setdefault(name, 0)
        return self.counts


def generate_demo_activity(opened_base: OpenedBase, *, seed: int = DEMO_SEED,
                           now: datetime | None = None, clients_limit: int = 400
                           ) -> dict[str, int]:
    """Add a day-to-day slice of work around ``now`` to a base filled by
    ``generate_demo_data``: ПРиЗ, assignments, works, reminders, hot-line requests, calls.

    About 10% of the first ``clients_limit`` clients get ПРиЗ, works and assignments.
    Returns how many rows of each kind were made. All or nothing: one transaction.
    Refuses (``ValueError``) a read-only base, a base without clients or the «admin»
    employee, and a base that already has requests, ПРиЗ or works.
    """
    if opened_base.read_only:
        raise ValueError("База открыта только для чтения: демонстрационная активность не "
                         "добавлена")
    if clients_limit < 1:
        raise ValueError("clients_limit должен быть положительным")
    moment = (_aware(now) if now is not None else utcnow()).astimezone(UTC)
    rng = random.Random(seed)
    with opened_base.engine.connect() as connection:
        transaction = connection.begin()
        if opened_base.dialect == "sqlite":
            # pysqlite opens transactions lazily; the savepoints below need a real one.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        # The services' own transactions become savepoints of this one.
        sessions = sessionmaker(bind=connection, expire_on_commit=False,
                                join_transaction_mode="create_savepoint")
        base = dataclasses.replace(opened_base, sessions=sessions)
        try:
            counts = _Builder(base, rng, moment, clients_limit).run()
        except BaseException:
            transaction.rollback()
            raise
        transaction.commit()
    return counts
