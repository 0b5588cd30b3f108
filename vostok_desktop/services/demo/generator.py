"""Demo data: a realistic, deterministic base of Russian clients for demos and benchmarks.

Reference data (departments, directions, employees, groups, custom fields) goes through
the ORM. Clients and their children are made in bulk from pools built once with Faker and
combined with ``random.Random(seed)``: calling Faker per row is far too slow for a million
clients. PostgreSQL loads them with COPY in one transaction (all or nothing); SQLite with
``executemany`` in one transaction per batch, and removes what it wrote if a batch fails.
Raise from the ``progress`` callback to cancel.
"""

from __future__ import annotations

import math
import queue
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import TYPE_CHECKING

from faker import Faker
from faker.providers.address.ru_RU import Provider as _FakerAddress
from faker.providers.person.ru_RU import Provider as _FakerPerson
from faker.providers.person.uk_UA import Provider as _FakerUkrainian
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from vostok_desktop.domain.base import Base
from vostok_desktop.domain.clients import (
    ClientGroup,
    ClientStatus,
    Favourite,
    client_search_name,
    contact_search_name,
)
from vostok_desktop.domain.extra import CustomField, CustomFieldEntity, CustomFieldType
from vostok_desktop.domain.org import Department, Direction, Employee, EmployeeRole
from vostok_desktop.domain.validators import inn_check_digits, ogrn_with_check, ogrnip_with_check

if TYPE_CHECKING:
    from vostok_desktop.db import OpenedBase

__all__ = ["DEMO_SEED", "DemoSummary", "ProgressCallback", "generate_demo_data"]

DEMO_SEED = 20261122
ProgressCallback = Callable[[str, int, int], None]

# One tax inspection code per 100,000 clients keeps INNs unique: 2 digits of inspection.
MAX_CLIENTS = 9_900_000

STAGE_REFERENCE = "Создание справочников"
STAGE_CLIENTS = "Создание клиентов и контактных лиц"
STAGE_INDEXES = "Построение индексов"
STAGE_ANALYZE = "Сбор статистики"


@dataclass
class DemoSummary:
    """How many rows each table received, and how long it took."""

    departments: int = 0
    directions: int = 0
    employees: int = 0
    client_groups: int = 0
    custom_fields: int = 0
    clients: int = 0
    contacts: int = 0
    phones: int = 0
    emails: int = 0
    addresses: int = 0
    responsibilities: int = 0
    custom_values: int = 0
    favourites: int = 0
    seconds: float = 0.0
    dialect: str = ""

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.type == "int"}

    @property
    def rows(self) -> int:
        return sum(self.counts().values())

    def __str__(self) -> str:
        return (f"клиентов {self.clients}, контактных лиц {self.contacts}, "
                f"телефонов {self.phones}, e-mail {self.emails}, сотрудников {self.employees}; "
                f"всего строк {self.rows} за {self.seconds:.1f} с")


# --------------------------------------------------------------------------- reference data

DEPARTMENTS = (
    "Руководство", "Отдел продаж", "Отдел сопровождения", "Горячая линия", "Телемаркетинг",
    "Учебный центр",
)
DIRECTIONS = (
    ("telemarketing", "Телемаркетинг"), ("sales", "Продажи"), ("service", "Сервис"),
    ("training", "Обучение"), ("recovery", "Восстановление"),
    ("legal", "Юридическое направление"), ("e_reporting", "Электронная отчётность"),
)
# (role, department, how many) after the admin: 24 people.
STAFF = (
    (EmployeeRole.HEAD, "Руководство", 1), (EmployeeRole.HEAD, "Отдел продаж", 1),
    (EmployeeRole.HEAD, "Отдел сопровождения", 1), (EmployeeRole.MANAGER, "Отдел продаж", 7),
    (EmployeeRole.SERVICE_ENGINEER, "Отдел сопровождения", 7),
    (EmployeeRole.TELEMARKETER, "Телемаркетинг", 3), (EmployeeRole.OPERATOR, "Горячая линия", 3),
    (EmployeeRole.MANAGER, "Учебный центр", 1),
)
CLIENT_GROUPS = (
    'ГК "Сибирский альянс"', 'Холдинг "СибАгро"', 'ГК "Обь-Инвест"', 'Холдинг "Кедр"',
    'ГК "Меридиан"', 'Сеть аптек "Здоровье"', 'ГК "Энергостандарт"', 'Холдинг "Транзит-Восток"',
)
ACQUISITION_CHANNELS = [
    "Реклама в интернете", "Рекомендация клиента", "Холодный звонок", "Выставка", "Семинар",
    "Входящий звонок",
]
HOBBIES = ("Рыбалка", "Шахматы", "Горные лыжи", "Садоводство", "Театр", "Хоккей", "Фотография")

# ------------------------------------------------------------------------------ name pools

COMMON_MALE = (
    "Александр Алексей Анатолий Андрей Антон Аркадий Артём Борис Вадим Валентин Валерий "
    "Василий Виктор Виталий Владимир Владислав Вячеслав Геннадий Георгий Григорий Денис "
    "Дмитрий Евгений Егор Иван Игорь Илья Кирилл Константин Леонид Максим Михаил Никита "
    "Николай Олег Павел Пётр Роман Руслан Сергей Станислав Степан Фёдор Эдуард Юрий Ярослав"
).split()
COMMON_FEMALE = (
    "Алина Алла Анастасия Ангелина Анна Валентина Валерия Вера Вероника Виктория Галина Дарья "
    "Евгения Екатерина Елена Елизавета Жанна Инна Ирина Кристина Ксения Лариса Лидия Любовь "
    "Людмила Маргарита Марина Мария Надежда Наталья Нина Оксана Олеся Ольга Полина Светлана "
    "Софья Тамара Татьяна Юлия Яна"
).split()
_PATRONYMIC_EXCEPTIONS = {
    "Дмитрий": ("Дмитриевич", "Дмитриевна"), "Георгий": ("Георгиевич", "Георгиевна"),
    "Никита": ("Никитич", "Никитична"), "Илья": ("Ильич", "Ильинична"),
    "Пётр": ("Петрович", "Петровна"), "Лев": ("Львович", "Львовна"),
    "Павел": ("Павлович", "Павловна"), "Михаил": ("Михайлович", "Михайловна"),
}
_SURNAME_EXCEPTIONS = {"Михаил": "Михайлов", "Павел": "Павлов", "Пётр": "Петров", "Лев": "Львов"}
_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split(),
    strict=True,
))
_TRANSLIT["ъ"] = _TRANSLIT["ь"] = ""


def translit(value: str) -> str:
    """Lower-case Latin transliteration (passport style) of a Russian word."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in value.lower())


def _slug(value: str) -> str:
    raw = translit(value)
    return "".join(ch for ch in raw if ch.isascii() and (ch.isalnum() or ch == "-")).strip("-")


def _patronymics(name: str) -> tuple[str, str]:
    if name in _PATRONYMIC_EXCEPTIONS:
        return _PATRONYMIC_EXCEPTIONS[name]
    if name.endswith("ий"):
        stem = name[:-2] + "ье"
    elif name.endswith(("ей", "ай", "ь")):
        stem = name[:-1] + "е"
    else:
        stem = name + "о"
    return stem + "вич", stem + "вна"


def _surname_from_first_name(name: str) -> str | None:
    if name in _SURNAME_EXCEPTIONS:
        return _SURNAME_EXCEPTIONS[name]
    if name.endswith("ий"):
        return name[:-2] + "ьев"
    if name.endswith(("ей", "ай", "ь")):
        return name[:-1] + "ев"
    if name.endswith(("а", "я")):
        return name[:-1] + "ин"
    if name[-1] in "бвгдзклмнпрстфхцчшщ":
        return name + "ов"
    return None


def _female_surname(male: str) -> str:
    if male.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return male + "а"
    if male.endswith(("ий", "ый", "ой")):
        return male[:-2] + "ая"
    return male


# ---------------------------------------------------------------------------- company pools

BRAND_WORDS = (
    "Ромашка Вектор Альянс Меридиан Горизонт Континент Феникс Орион Гелиос Атлант Империя "
    "Виктория Надежда Прогресс Рассвет Восток Сибирь Кедр Берёзка Алмаз Капитал Лидер Стимул "
    "Престиж Гранит Монолит Аврора Радуга Сфера Квант Спектр Эталон Пульс Фортуна Магистраль "
    "Парус Маяк Импульс Эверест Омега Дельта Сигма Триумф Альтаир Вега Полюс Ирбис Тайга "
    "Ермак Гарант Успех Партнёр Новация Старт Олимп Байкал Енисей Алтай Салют Уют Зенит Азимут "
    "Форвард Ресурс Оптима Профи Мастер Кристалл Сапфир Факел Ладья Держава Вертикаль Кристалл"
).split()
ROOT_WORDS = (
    "Сиб Новосиб Обь Тех Строй Агро Энерго Транс Торг Пром Мед Фарм Инвест Проф Мега Техно "
    "Электро Авто Газ Нефть Лес Хим Маш Снаб Комплект Монтаж Сервис Кабель Металл Пласт Био "
    "Эко Гео Инфо Телеком Дор Жил Спец Мир Евро Рус Урал Вест Норд Ист Стандарт Экспо Мост"
).split()
SUFFIX_WORDS = (
    "Сервис Плюс Групп Строй Трейд Торг Инвест Консалт Авто Мед Логистик Агро Телеком Софт "
    "Сибирь НСК Центр Проект Снаб Маркет Принт Холдинг Регион Девелопмент М"
).split()
ACCOUNTING_WORDS = (
    "Баланс Дебет Актив Аудит Учёт БухЭксперт Налоговед ФинЭксперт Бухучёт Сальдо Финанс "
    "Аудитор КонтурУчёта Профаудит"
).split()
LAW_WORDS = "Фемида Право Юрконсалт Правовед ЮрЭксперт Лекс Легис Юстиция Юрист Арбитр".split()
LEGAL_FORMS = (  # short, full, weight; Крупный бизнес adds АО/ПАО weight itself
    ("ООО", "Общество с ограниченной ответственностью", 86),
    ("АО", "Акционерное общество", 9), ("ЗАО", "Закрытое акционерное общество", 3),
    ("ПАО", "Публичное акционерное общество", 2),
)
PUBLIC_TEMPLATES = {  # segment -> (short form, full form, short inner, full inner, slug)
    "Госсектор": (
        ("МКУ", "Муниципальное казённое учреждение", "Управление делами", "Управление делами",
         "upravdel"),
        ("МКУ", "Муниципальное казённое учреждение", "Центр закупок", "Центр закупок",
         "zakupki"),
        ("ГКУ", "Государственное казённое учреждение", "ЦЗН", "Центр занятости населения",
         "czn"),
        ("ГКУ", "Государственное казённое учреждение", "ЦСПН",
         "Центр социальной поддержки населения", "cspn"),
        ("МУП", "Муниципальное унитарное предприятие", "Горводоканал", "Горводоканал",
         "vodokanal"),
        ("МУП", "Муниципальное унитарное предприятие", "Теплосеть", "Теплосеть", "teploset"),
    ),
    "Бюджетные организации": (
        ("МБОУ", "Муниципальное бюджетное общеобразовательное учреждение", "СОШ № {n}",
         "Средняя общеобразовательная школа № {n}", "school{n}"),
        ("МАДОУ", "Муниципальное автономное дошкольное образовательное учреждение",
         "Детский сад № {n}", "Детский сад № {n}", "ds{n}"),
        ("ГБУЗ", "Государственное бюджетное учреждение здравоохранения", "ГП № {n}",
         "Городская поликлиника № {n}", "gp{n}"),
        ("МБУК", "Муниципальное бюджетное учреждение культуры", "ЦБС № {n}",
         "Централизованная библиотечная система № {n}", "cbs{n}"),
        ("МБУ ДО", "Муниципальное бюджетное учреждение дополнительного образования",
         "ДШИ № {n}", "Детская школа искусств № {n}", "dshi{n}"),
    ),
}
SEGMENTS = (  # for legal entities; ИП get Малый бизнес / Бухгалтерия / Юристы
    ("Малый бизнес", 38), ("Бухгалтерия", 14), ("Юристы", 9), ("Крупный бизнес", 9),
    ("Госсектор", 12), ("Бюджетные организации", 18),
)
SOURCES = (("Сайт", 30), ("Рекомендация", 25), ("Холодный звонок", 30), ("Выставка", 7),
           ("Семинар", 8))
POSITIONS = (
    ("Главный бухгалтер", 24), ("Бухгалтер", 15), ("Директор", 13), ("Генеральный директор", 5),
    ("Юрист", 7), ("Юрисконсульт", 4), ("Секретарь", 7), ("Специалист по закупкам", 6),
    ("Заместитель директора", 4), ("Экономист", 4), ("Специалист по кадрам", 4),
    ("Офис-менеджер", 4), ("Контрактный управляющий", 3),
)
NOTES = (
    "Просили звонить после 14:00", "Перезвонить после сдачи отчётности",
    "Интересуются системой для юристов", "Переезжают в новый офис", "Сменился главный бухгалтер",
    "Бюджет на следующий год утверждают в декабре", "Решение принимает директор",
)
CLIENT_MAILBOXES = ("info", "office", "buh", "mail")
PUBLIC_MAIL = ("mail.ru", "yandex.ru", "ngs.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru")
MOBILE_CODES = ("913", "923", "952", "953", "960", "961", "983", "999")


@dataclass(frozen=True)
class Region:
    name: str
    tax_code: str  # first two digits of INN/KPP
    area_code: str  # landline area code, 3-5 digits
    weight: int
    cities: tuple[tuple[str, float, float, int, str], ...]  # name, lat, lon, weight, postal
    federal_city: bool = False


REGIONS = (
    Region("Новосибирская область", "54", "383", 800, (
        ("Новосибирск", 55.0302, 82.9204, 85, "630"), ("Бердск", 54.7583, 83.1069, 5, "633"),
        ("Искитим", 54.6409, 83.3062, 3, "633"), ("Обь", 54.9946, 82.6937, 3, "633"),
        ("Куйбышев", 55.4468, 78.3240, 2, "632"), ("Барабинск", 55.3531, 78.3420, 2, "632"))),
    Region("Томская область", "70", "3822", 35, (("Томск", 56.4846, 84.9476, 1, "634"),)),
    Region("Омская область", "55", "3812", 30, (("Омск", 54.9885, 73.3242, 1, "644"),)),
    Region("Кемеровская область — Кузбасс", "42", "3842", 35,
           (("Кемерово", 55.3547, 86.0873, 1, "650"),)),
    Region("Алтайский край", "22", "3852", 30, (("Барнаул", 53.3481, 83.7798, 1, "656"),)),
    Region("Красноярский край", "24", "391", 20, (("Красноярск", 56.0153, 92.8932, 1, "660"),)),
    Region("Иркутская область", "38", "3952", 10, (("Иркутск", 52.2870, 104.3050, 1, "664"),)),
    Region("Свердловская область", "66", "343", 10,
           (("Екатеринбург", 56.8389, 60.6057, 1, "620"),)),
    Region("Москва", "77", "495", 20, (("Москва", 55.7558, 37.6173, 1, "117"),),
           federal_city=True),
    Region("Республика Алтай", "04", "38822", 10,
           (("Горно-Алтайск", 51.9581, 85.9603, 1, "649"),)),
)

# --------------------------------------------------------------------------- bulk columns

COLUMNS: dict[str, tuple[str, ...]] = {
    "clients": (
        "id", "status", "short_name", "full_name", "search_name", "inn", "kpp", "ogrn",
        "segment", "region", "source", "website", "notes", "latitude", "longitude", "group_id",
        "marked_for_deletion", "created_at", "updated_at", "created_by_id", "updated_by_id",
        "version",
    ),
    "contacts": (
        "id", "client_id", "last_name", "first_name", "middle_name", "search_name", "position",
        "birthday", "birthday_mmdd", "interests", "stop_list", "competitor_attitude", "notes",
        "marked_for_deletion", "created_at", "updated_at", "updated_by_id", "version",
    ),
    "phones": ("id", "client_id", "contact_id", "raw", "digits", "kind", "extension"),
    "emails": ("id", "client_id", "contact_id", "address"),
    "addresses": ("id", "client_id", "kind", "postal_code", "text"),
    "responsibilities": ("id", "client_id", "direction_id", "employee_id"),
    "custom_values": (
        "id", "field_id", "client_id", "contact_id", "value_text", "value_number", "value_date",
    ),
}
BULK_TABLES = tuple(COLUMNS)
for _table, _columns in COLUMNS.items():  # the models are the truth; fail loudly on drift
    assert set(_columns) == set(Base.metadata.tables[_table].c.keys()), _table


def _weighted(pairs: tuple[tuple[str, int], ...]) -> list[str]:
    return [value for value, weight in pairs for _ in range(weight)]


def _coprime_step(rng: random.Random, modulus: int) -> int:
    while True:
        step = rng.randrange(modulus // 3, modulus) | 1
        if math.gcd(step, modulus) == 1:
            return step


class _PhoneSpace:
    """Unique, valid Russian numbers: the n-th number of a space is a bijection of n."""

    def __init__(self, rng: random.Random, area: str) -> None:
        self.area = area
        self.rest = 9 - len(area)  # local digits after the leading 2..7
        self.block = 2 * 10**self.rest  # leading digits come in pairs: 2-3, 4-5, 6-7
        self.capacity = 3 * self.block
        self.step = _coprime_step(rng, self.block)
        self.shift = rng.randrange(self.block)
        self.used = 0

    def next(self) -> tuple[str, str] | None:
        n = self.used
        if n >= self.capacity:
            return None
        self.used += 1
        pair, n = divmod(n, self.block)
        v = (n * self.step + self.shift) % self.block
        local = f"{2 + 2 * pair + v // 10**self.rest}{v % 10**self.rest:0{self.rest}d}"
        return _format_phone(self.area, local), "7" + self.area + local


class _MobileSpace:
    def __init__(self, rng: random.Random) -> None:
        self.capacity = len(MOBILE_CODES) * 10**7
        self.step = _coprime_step(rng, self.capacity)
        self.shift = rng.randrange(self.capacity)
        self.used = 0

    def next(self) -> tuple[str, str]:
        if self.used >= self.capacity:
            raise ValueError("Слишком много мобильных телефонов для демонстрационной базы")
        v = (self.used * self.step + self.shift) % self.capacity
        self.used += 1
        code, local = MOBILE_CODES[v // 10**7], f"{v % 10**7:07d}"
        return _format_phone(code, local), "7" + code + local


def _format_phone(area: str, local: str) -> str:
    """+7 (383) 212-34-56, +7 (3822) 12-34-56, +7 (38822) 2-34-56."""
    return f"+7 ({area}) {local[:-4]}-{local[-4:-2]}-{local[-2:]}"


# ------------------------------------------------------------------------------ generator


class _Generator:
    """Makes clients with their children as row tuples in ``COLUMNS`` order."""

    def __init__(self, seed: int, dialect: str, start_ids: dict[str, int]) -> None:
        self.rng = rng = random.Random(seed)
        fake = Faker("ru_RU")
        fake.seed_instance(seed)
        # Timestamps as text: naive UTC in SQLAlchemy's SQLite format, explicit UTC on PG.
        self.ts_suffix = "+00" if dialect == "postgresql" else ".000000"
        self.ids = dict(start_ids)
        self.counts = dict.fromkeys(BULK_TABLES, 0)

        first_m, first_f = _FakerPerson.first_names_male, _FakerPerson.first_names_female
        # Mostly today's common names, some of Faker's rarer ones for colour.
        self.first_m = COMMON_MALE * (9 * len(first_m) // len(COMMON_MALE)) + list(first_m)
        self.first_f = COMMON_FEMALE * (9 * len(first_f) // len(COMMON_FEMALE)) + list(first_f)
        fathers = COMMON_MALE * 12
        self.middle_m = [_patronymics(n)[0] for n in fathers]
        self.middle_m += list(_FakerPerson.middle_names_male)
        self.middle_f = [_patronymics(n)[1] for n in fathers]
        self.middle_f += list(_FakerPerson.middle_names_female)
        # Surnames: Faker's Russian ones (by frequency), ones made from first names
        # (Агафонов, Фомин), and Ukrainian ones that do not change with gender (Литвиненко,
        # Ткачук), common in Siberia: about 2,500 weighted entries, 700 distinct.
        surnames = dict(zip(_FakerPerson.last_names_male, _FakerPerson.last_names_female,
                            strict=True))
        ranked = list(surnames)
        derived = []
        for name in (*first_m, *COMMON_MALE):
            surname = _surname_from_first_name(name)
            if surname and surname not in surnames:
                surnames[surname] = _female_surname(surname)
                derived.append(surname)
        ukrainian = [n for n in dict.fromkeys(_FakerUkrainian.last_names) if n not in surnames
                     and re.fullmatch(r"[А-ЯЁ][а-яё]+(енко|ко|чук|юк|ук|ич)", n)]
        surnames.update((n, n) for n in ukrainian)
        self.last_m = ranked[:50] * 12 + ranked[50:] * 6 + derived * 2 + ukrainian
        self.last_f = [surnames[m] for m in self.last_m]
        self.surname_count = len(surnames)
        self.tl = {w: _slug(w).replace("-", "") for w in
                   {*self.last_m, *self.last_f, *self.first_m, *self.first_f}}

        # Mostly «ул.», some of Faker's проспекты, переулки, шоссе...
        streets = [f"ул. {t}" for t in _FakerAddress.street_titles] * 3
        streets += sorted({fake.street_name() for _ in range(1500)})
        self.streets = streets
        self.regions: list[Region] = [r for r in REGIONS for _ in range(r.weight)]
        self.cities = {r.name: [c for c in r.cities for _ in range(c[3])] for r in REGIONS}
        self.landlines = {r.name: _PhoneSpace(rng, r.area_code) for r in REGIONS}
        self.mobiles = _MobileSpace(rng)
        self.segments = _weighted(SEGMENTS)
        self.sources = _weighted(SOURCES)
        self.positions = _weighted(POSITIONS)
        assert len(self.segments) == len(self.sources) == 100  # batch() indexes them by percent
        self.forms = [(s, f) for s, f, w in LEGAL_FORMS for _ in range(w)]
        self.word_slug = {w: _slug(w) for w in
                          (*BRAND_WORDS, *ROOT_WORDS, *SUFFIX_WORDS, *ACCOUNTING_WORDS,
                           *LAW_WORDS)}
        self.city_slug = {c[0]: _slug(c[0]) for r in REGIONS for c in r.cities}
        end = date(2026, 11, 20)  # fixed, so a seed always gives the same base
        self.days = [(end - timedelta(days=d)).isoformat() for d in range(7 * 365, -1, -1)]
        # Precomputed strings: formatting them per row would cost more than everything else.
        # 8:00-18:00 in Novosibirsk is 1:00-11:00 UTC.
        self.times = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{self.ts_suffix}"
                      for s in range(3600, 11 * 3600, 7)]
        self.birthdays = [(d.isoformat(), d.month * 100 + d.day) for d in
                          (date(1955, 1, 1) + timedelta(days=k) for k in range(48 * 365))]
        self.houses = [f"д. {h}" for h in range(1, 121)] * 4 + [
            f"д. {h}, оф. {o}" for h in range(1, 121) for o in range(1, 401, 7)]
        self.postcodes = {c[4]: [f"{c[4]}{k:03d}" for k in range(1, 131)]
                          for r in REGIONS for c in r.cities}
        self.status_of = [ClientStatus.SERVED.value] * 55 + [ClientStatus.PROSPECT.value] * 35
        self.status_of += [ClientStatus.DISCONNECTED.value] * 10

    # Reference ids arrive after the ORM has flushed them.
    def set_reference(self, *, employees: dict[EmployeeRole, list[int]], managers: list[int],
                      directions: dict[str, int], groups: list[int],
                      fields_: dict[str, int]) -> None:
        self.engineers = employees[EmployeeRole.SERVICE_ENGINEER]
        self.telemarketers = employees[EmployeeRole.TELEMARKETER]
        self.managers = managers
        self.direction_ids = directions
        self.group_ids = groups
        self.field_ids = fields_

    def _person(self, female: bool) -> tuple[str, str, str]:
        rnd = self.rng.random
        if female:
            k = int(rnd() * len(self.last_f))
            return (self.last_f[k], self.first_f[int(rnd() * len(self.first_f))],
                    self.middle_f[int(rnd() * len(self.middle_f))])
        k = int(rnd() * len(self.last_m))
        return (self.last_m[k], self.first_m[int(rnd() * len(self.first_m))],
                self.middle_m[int(rnd() * len(self.middle_m))])

    def _company(self, segment: str) -> tuple[str, str, str]:
        """(short name, full name, domain slug) of a commercial organisation."""
        rnd, ws = self.rng.random, self.word_slug

        def pick(words: tuple[str, ...] | list[str]) -> str:
            return words[int(rnd() * len(words))]

        r = rnd()
        special = ACCOUNTING_WORDS if segment == "Бухгалтерия" else (
            LAW_WORDS if segment == "Юристы" else None)
        if special is not None and r < 0.6:
            word = pick(special)
            name, slug = (word, ws[word]) if r < 0.3 else (
                f"{word}-{(s := pick(SUFFIX_WORDS))}", f"{ws[word]}-{ws[s]}")
        elif r < 0.25:
            word = pick(BRAND_WORDS)
            name, slug = word, ws[word]
        elif r < 0.6:
            word, s = pick(BRAND_WORDS), pick(SUFFIX_WORDS)
            name, slug = f"{word}-{s}", f"{ws[word]}-{ws[s]}"
        else:
            parts = [pick(ROOT_WORDS), pick(ROOT_WORDS)]
            if r > 0.85:
                parts.append(pick(SUFFIX_WORDS))
            if parts[0] == parts[1]:
                parts.pop()
            name, slug = "".join(parts), "".join(ws[p] for p in parts)
        if segment == "Крупный бизнес" and rnd() < 0.5:
            short, full = ("АО", "Акционерное общество") if rnd() < 0.8 else (
                "ПАО", "Публичное акционерное общество")
        else:
            short, full = self.forms[int(rnd() * len(self.forms))]
        return f'{short} "{name}"', f'{full} "{name}"', slug.lower()

    def batch(self, count: int) -> dict[str, list[tuple]]:
        """The next ``count`` clients with their contacts, phones, e-mails and the rest."""
        # Hot loop for a million clients: locals, plain counters, no per-row helpers.
        rnd = self.rng.random
        out: dict[str, list[tuple]] = {t: [] for t in BULK_TABLES}
        clients, contacts, phones = out["clients"], out["contacts"], out["phones"]
        emails, addresses, resp = out["emails"], out["addresses"], out["responsibilities"]
        custom = out["custom_values"]
        ids = self.ids
        cid, pid, phone_id, email_id = ids["clients"], ids["contacts"], ids["phones"], ids["emails"]
        address_id, resp_id, value_id = (
            ids["addresses"], ids["responsibilities"], ids["custom_values"])
        tl, days = self.tl, self.days
        n_days = len(days)
        last_m, last_f, first_m, first_f = self.last_m, self.last_f, self.first_m, self.first_f
        middle_m, middle_f = self.middle_m, self.middle_f
        n_last, n_first_m, n_first_f = len(last_m), len(first_m), len(first_f)
        n_middle_m, n_middle_f = len(middle_m), len(middle_f)
        regions, n_regions, cities_of = self.regions, len(self.regions), self.cities
        positions, n_positions = self.positions, len(self.positions)
        segments, sources, status_of = self.segments, self.sources, self.status_of
        streets, n_streets = self.streets, len(self.streets)
        times, n_times, birthdays, n_birthdays = (
            self.times, len(self.times), self.birthdays, len(self.birthdays))
        houses, n_houses, postcodes = self.houses, len(self.houses), self.postcodes
        engineers, managers, telemarketers = self.engineers, self.managers, self.telemarketers
        dirs, fids, groups = self.direction_ids, self.field_ids, self.group_ids
        service, sales, telemarketing = dirs["service"], dirs["sales"], dirs["telemarketing"]
        landlines, mobile = self.landlines, self.mobiles.next
        for _ in range(count):
            index = cid - 1
            block, serial = divmod(index, 100_000)
            region = regions[int(rnd() * n_regions)]
            cities = cities_of[region.name]
            city, lat, lon, _w, postal = cities[int(rnd() * len(cities))]
            inspection = f"{region.tax_code}{block + 1:02d}"
            status = status_of[int(rnd() * 100)]
            year = f"{int(rnd() * 22) + 3:02d}"
            domain = website = client_email = None
            owner: tuple[str, str, str] | None = None
            if rnd() < 0.15:  # individual entrepreneur
                segment = "Малый бизнес" if rnd() < 0.7 else (
                    "Бухгалтерия" if rnd() < 0.65 else "Юристы")
                k = int(rnd() * n_last)
                if rnd() < 0.45:
                    owner = last, first, middle = (
                        last_f[k], first_f[int(rnd() * n_first_f)],
                        middle_f[int(rnd() * n_middle_f)])
                else:
                    owner = last, first, middle = (
                        last_m[k], first_m[int(rnd() * n_first_m)],
                        middle_m[int(rnd() * n_middle_m)])
                short = f"ИП {last} {first[0]}. {middle[0]}."
                full = f"Индивидуальный предприниматель {last} {first} {middle}"
                inn = inn_check_digits(f"{inspection}{serial:06d}")
                kpp = None
                ogrn = ogrnip_with_check(f"3{year}{inspection}{serial:07d}")
                if rnd() < 0.5:
                    client_email = f"{tl[last]}{year}@{PUBLIC_MAIL[int(rnd() * 7)]}"
            else:
                segment = segments[int(rnd() * 100)]
                templates = PUBLIC_TEMPLATES.get(segment)
                if templates is not None:
                    abbr, form, inner, full_inner, slug = templates[int(rnd() * len(templates))]
                    n = str(int(rnd() * 180) + 1)
                    short = f'{abbr} "{inner.format(n=n)}"'
                    full = f'{form} "{full_inner.format(n=n)}"'
                    if rnd() < 0.6:
                        client_email = (f"{slug.format(n=n)}.{self.city_slug[city]}"
                                        f"@{PUBLIC_MAIL[int(rnd() * 3)]}")
                else:
                    short, full, slug = self._company(segment)
                    domain = f"{slug}.{'ru' if rnd() < 0.92 else 'com'}"
                    if rnd() < 0.45:
                        website = f"www.{domain}"
                    if rnd() < 0.4:
                        client_email = f"{CLIENT_MAILBOXES[int(rnd() * 4)]}@{domain}"
                inn = inn_check_digits(f"{inspection}{serial:05d}")
                kpp = f"{inspection}01001"
                ogrn = ogrn_with_check(f"1{year}{inspection}{serial:05d}")
            day = int(rnd() * n_days)
            created = days[day] + times[int(rnd() * n_times)]
            if rnd() < 0.7:
                updated = created
            else:
                day += int(rnd() * (n_days - day))
                updated = days[day] + times[int(rnd() * n_times)]
            if status == "served":
                responsible = engineers[int(rnd() * len(engineers))]
            else:
                responsible = managers[int(rnd() * len(managers))]
            gps = rnd() < 0.4
            clients.append((
                cid, status, short, full, client_search_name(short, full), inn, kpp, ogrn,
                segment, region.name, sources[int(rnd() * 100)], website,
                NOTES[int(rnd() * len(NOTES))] if rnd() < 0.04 else "",
                round(lat + (rnd() - 0.5) * 0.16, 6) if gps else None,
                round(lon + (rnd() - 0.5) * 0.26, 6) if gps else None,
                groups[int(rnd() * len(groups))] if rnd() < 0.03 else None,
                False, created, updated, responsible, responsible, 1,
            ))
            raw, digits = landlines[region.name].next() or mobile()
            phones.append((phone_id, cid, None, raw, digits, "work", None))
            phone_id += 1
            if client_email:
                emails.append((email_id, cid, None, client_email))
                email_id += 1
            postal_code = postcodes[postal][int(rnd() * 130)]
            place = "" if region.federal_city else f"{region.name}, г. {city}, "
            addresses.append((
                address_id, cid, "legal", postal_code,
                f"{postal_code}, {place}{streets[int(rnd() * n_streets)]}, "
                f"{houses[int(rnd() * n_houses)]}",
            ))
            address_id += 1
            if status == "served":
                resp.append((resp_id, cid, service, responsible))
                resp_id += 1
                if rnd() < 0.4:
                    resp.append((resp_id, cid, sales, managers[int(rnd() * len(managers))]))
                    resp_id += 1
            else:
                resp.append((resp_id, cid, sales, responsible))
                resp_id += 1
                if status == "prospect" and rnd() < 0.2:
                    employee = telemarketers[int(rnd() * len(telemarketers))]
                    resp.append((resp_id, cid, telemarketing, employee))
                    resp_id += 1
            if rnd() < 0.3:
                staff = int(math.exp(rnd() * 6.2)) + 1
                custom.append((value_id, fids["staff"], cid, None, None, staff, None))
                value_id += 1
            if rnd() < 0.25:
                channel = ACQUISITION_CHANNELS[int(rnd() * len(ACQUISITION_CHANNELS))]
                custom.append((value_id, fids["channel"], cid, None, channel, None, None))
                value_id += 1
            if status == "served" and rnd() < 0.3:
                visit = days[n_days - 1 - int(rnd() * 365)]
                custom.append((value_id, fids["visit"], cid, None, None, None, visit))
                value_id += 1

            r = rnd()
            n_contacts = 1 if r < 0.35 else 2 if r < 0.7 else 3 if r < 0.9 else 4
            for k in range(n_contacts):
                if k == 0 and owner is not None:
                    last, first, middle = owner
                    position = "Индивидуальный предприниматель"
                else:
                    j = int(rnd() * n_last)
                    if rnd() < 0.62:
                        last, first, middle = (last_f[j], first_f[int(rnd() * n_first_f)],
                                               middle_f[int(rnd() * n_middle_f)])
                    else:
                        last, first, middle = (last_m[j], first_m[int(rnd() * n_first_m)],
                                               middle_m[int(rnd() * n_middle_m)])
                    position = positions[int(rnd() * n_positions)]
                if rnd() < 0.7:
                    birthday, mmdd = birthdays[int(rnd() * n_birthdays)]
                else:
                    birthday = mmdd = None
                contacts.append((
                    pid, cid, last, first, middle, contact_search_name(last, first, middle),
                    position, birthday, mmdd, "", rnd() < 0.03, "", "", False, created, created,
                    responsible, 1,
                ))
                if rnd() < 0.6:
                    raw, digits = mobile()
                    phones.append((phone_id, None, pid, raw, digits, "mobile", None))
                    phone_id += 1
                if rnd() < 0.75:
                    if domain is not None and rnd() < 0.7:
                        address = f"{tl[first][0]}.{tl[last]}@{domain}"
                    else:
                        address = (f"{tl[last]}.{tl[first]}{int(rnd() * 90) + 10}"
                                   f"@{PUBLIC_MAIL[int(rnd() * 7)]}")
                    emails.append((email_id, None, pid, address))
                    email_id += 1
                if rnd() < 0.05:
                    hobby = HOBBIES[int(rnd() * len(HOBBIES))]
                    custom.append((value_id, fids["hobby"], None, pid, hobby, None, None))
                    value_id += 1
                pid += 1
            cid += 1
        new_ids = {"clients": cid, "contacts": pid, "phones": phone_id, "emails": email_id,
                   "addresses": address_id, "responsibilities": resp_id,
                   "custom_values": value_id}
        for table, next_id in new_ids.items():
            self.counts[table] += next_id - ids[table]
            ids[table] = next_id
        return out


# ------------------------------------------------------------------------- reference data


def _create_reference(session: Session, gen: _Generator, summary: DemoSummary) -> int:
    """Departments, directions, employees, groups and custom fields; returns the admin's id.

    Rows that already exist (same name, code or login) are reused, not duplicated.
    """
    departments = {d.name: d for d in session.scalars(select(Department))}
    top = departments.get(DEPARTMENTS[0])
    for name in DEPARTMENTS:
        if name not in departments:
            dept = Department(name=name, parent_id=top.id if top is not None else None)
            session.add(dept)
            session.flush()
            departments[name] = dept
            top = top or dept
            summary.departments += 1
    directions = {d.code: d for d in session.scalars(select(Direction))}
    for code, name in DIRECTIONS:
        if code not in directions:
            directions[code] = Direction(code=code, name=name)
            session.add(directions[code])
            summary.directions += 1

    employees = {e.login: e for e in session.scalars(select(Employee))}
    admin = employees.get("admin")
    if admin is None:
        admin = Employee(login="admin", full_name="Администратор системы",
                         role=EmployeeRole.ADMIN, department=departments[DEPARTMENTS[0]],
                         phone_extension="100", email="admin@ric-vostok.ru")
        session.add(admin)
        employees["admin"] = admin
        summary.employees += 1
    by_role: dict[EmployeeRole, list[Employee]] = {role: [] for role in EmployeeRole}
    extension = 101
    rnd = gen.rng.random
    for role, dept_name, how_many in STAFF:
        for _ in range(how_many):
            last, first, middle = gen._person(rnd() < 0.5)
            base = f"{gen.tl[last]}_{gen.tl[first][0]}{_slug(middle)[0]}"
            login, n = base, 1
            while login in employees:
                n += 1
                login = f"{base}{n}"
            employee = Employee(login=login, full_name=f"{last} {first} {middle}", role=role,
                                department=departments[dept_name],
                                phone_extension=str(extension),
                                email=f"{login}@ric-vostok.ru")
            session.add(employee)
            employees[login] = employee
            by_role[role].append(employee)
            summary.employees += 1
            extension += 1

    groups = {g.name: g for g in session.scalars(select(ClientGroup))}
    for name in CLIENT_GROUPS:
        if name not in groups:
            groups[name] = ClientGroup(name=name)
            session.add(groups[name])
            summary.client_groups += 1

    existing = {(f.entity, f.name): f for f in session.scalars(select(CustomField))}
    specs = {
        "staff": (CustomFieldEntity.CLIENT, "Количество сотрудников", CustomFieldType.NUMBER,
                  None),
        "visit": (CustomFieldEntity.CLIENT, "Дата последнего визита", CustomFieldType.DATE,
                  None),
        "channel": (CustomFieldEntity.CLIENT, "Канал привлечения", CustomFieldType.CHOICE,
                    ACQUISITION_CHANNELS),
        "hobby": (CustomFieldEntity.CONTACT, "Хобби", CustomFieldType.TEXT, None),
    }
    custom_fields: dict[str, CustomField] = {}
    for position, (key, (entity, name, value_type, choices)) in enumerate(specs.items()):
        custom_fields[key] = existing.get((entity, name)) or CustomField(
            entity=entity, name=name, value_type=value_type, choices=choices, position=position)
        if (entity, name) not in existing:
            session.add(custom_fields[key])
            summary.custom_fields += 1
    session.flush()

    managers = [e.id for e in by_role[EmployeeRole.MANAGER]
                if e.department is departments["Отдел продаж"]]
    gen.set_reference(
        employees={role: [e.id for e in staff] for role, staff in by_role.items()},
        managers=managers, directions={c: d.id for c, d in directions.items()},
        groups=[groups[name].id for name in CLIENT_GROUPS],
        fields_={k: f.id for k, f in custom_fields.items()},
    )
    return admin.id


def _add_favourites(session: Session, admin_id: int, summary: DemoSummary) -> None:
    """A few starred clients and contacts for the admin, so the favourites list is not empty."""
    client_ids = session.execute(text(
        "SELECT id FROM clients WHERE status = 'served' ORDER BY id LIMIT 8")).scalars().all()
    contact_ids = session.execute(text(
        "SELECT id FROM contacts ORDER BY id LIMIT 5")).scalars().all()
    starred = {(f.client_id, f.contact_id) for f in
               session.scalars(select(Favourite).where(Favourite.employee_id == admin_id))}
    for client_id in client_ids:
        if (client_id, None) not in starred:
            session.add(Favourite(employee_id=admin_id, client_id=client_id))
            summary.favourites += 1
    for contact_id in contact_ids:
        if (None, contact_id) not in starred:
            session.add(Favourite(employee_id=admin_id, contact_id=contact_id))
            summary.favourites += 1
    session.flush()


# ------------------------------------------------------------------------------- loading


def _start_ids(conn: Connection) -> dict[str, int]:
    return {t: conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) + 1 FROM {t}").scalar_one()
            for t in BULK_TABLES}


def _refuse_if_not_empty(conn: Connection) -> None:
    if conn.exec_driver_sql("SELECT 1 FROM clients LIMIT 1").first() is not None:
        raise ValueError(
            "В базе уже есть клиенты: демонстрационные данные создаются только в пустой базе, "
            "чтобы не смешаться с настоящими")


def _prefetched(gen: _Generator, total: int, size: int) -> Iterator[dict[str, list[tuple]]]:
    """Batches of ``size`` clients, each made on a worker thread while the previous is written.

    The database driver releases the GIL while the server (or SQLite) works, so making the
    next batch overlaps with writing this one. Batches are made in order: still deterministic.
    Close the iterator (``contextlib.closing``) to stop the worker early.
    """
    slot: queue.Queue[object] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                slot.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            done = 0
            while done < total:
                count = min(size, total - done)
                if not put(gen.batch(count)):
                    return
                done += count
            put(None)
        except BaseException as exc:  # noqa: BLE001 - handed over to the caller's thread
            put(exc)

    worker = threading.Thread(target=work, name="demo-data-generator", daemon=True)
    worker.start()
    try:
        while (item := slot.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()


def _batch_size(batch: dict[str, list[tuple]]) -> int:
    return len(batch["clients"])


def _generate_postgresql(
        opened_base: OpenedBase, clients: int, seed: int, progress: ProgressCallback,
        summary: DemoSummary,
) -> None:
    """Everything in one transaction: a failure or a cancel leaves the base as it was."""
    with opened_base.engine.begin() as conn:
        # The engine limits statements for the GUI thread; a bulk load lifts it.
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        conn.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        conn.exec_driver_sql("LOCK TABLE clients IN SHARE ROW EXCLUSIVE MODE")
        _refuse_if_not_empty(conn)
        progress(STAGE_REFERENCE, 0, 1)
        gen = _Generator(seed, "postgresql", _start_ids(conn))
        # Generated rows are not users' changes: the change-log and notification
        # triggers (0007) stay quiet while they load. Only the owner may switch them off.
        quiet: list[str] = []
        try:
            with conn.begin_nested():
                quiet = list(conn.scalars(text(
                    "select distinct c.relname from pg_trigger t "
                    "join pg_class c on c.oid = t.tgrelid "
                    "where t.tgname like 'vostok_%' and not t.tgisinternal")))
                for table in quiet:
                    conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        except DBAPIError:
            quiet = []
        session = opened_base.sessions(bind=conn)
        admin_id = _create_reference(session, gen, summary)
        progress(STAGE_REFERENCE, 1, 1)

        rebuild: list[str] = []
        if clients:
            try:
                with conn.begin_nested():
                    rebuild = _suspend_indexes_postgresql(conn)
            except DBAPIError:  # not the tables' owner: load with the indexes in place
                rebuild = []
        raw = conn.connection.dbapi_connection
        done = 0
        progress(STAGE_CLIENTS, 0, clients)
        with raw.cursor() as cursor, closing(_prefetched(gen, clients, 10_000)) as batches:
            for batch in batches:
                for table, rows in batch.items():
                    if not rows:
                        continue
                    with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) "
                                     "FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                done += _batch_size(batch)
                progress(STAGE_CLIENTS, done, clients)
        if quiet:
            # The triggers that keep clients.visible_to were off: fill it in one pass
            # (before the indexes come back, so it rewrites the rows cheaply).
            conn.exec_driver_sql("SELECT vostok_refresh_all_owners()")
        for i, ddl in enumerate(rebuild):
            progress(STAGE_INDEXES, i, len(rebuild))
            conn.exec_driver_sql(ddl)
        if rebuild:
            progress(STAGE_INDEXES, len(rebuild), len(rebuild))
        for table in quiet:
            conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")

        for table in BULK_TABLES:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce(max(id), 0) + 1, false) FROM {table}")
        _add_favourites(session, admin_id, summary)
        session.close()
    progress(STAGE_ANALYZE, 0, 1)
    _vacuum_analyze_postgresql(opened_base)
    progress(STAGE_ANALYZE, 1, 1)
    _count(gen, summary)


def _vacuum_analyze_postgresql(opened_base: OpenedBase) -> None:
    """VACUUM ANALYZE the loaded tables after the load committed: statistics for the
    planner, and the visibility map set so the lists' anchors are index-only scans.
    VACUUM cannot run in a transaction: an AUTOCOMMIT connection, no statement limit."""
    with opened_base.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("SET statement_timeout = 0")
        try:
            for table in BULK_TABLES:
                conn.exec_driver_sql(f"VACUUM ANALYZE {table}")
        finally:
            conn.exec_driver_sql("RESET statement_timeout")


def _suspend_indexes_postgresql(conn: Connection) -> list[str]:
    """Drop plain indexes and foreign keys of the empty bulk tables; return the DDL to restore.

    Building an index once and checking a foreign key with one join is many times faster
    than maintaining them row by row. The definitions come from the catalog, so they stay
    exactly what the migrations made; it all happens inside the loading transaction.
    """
    empty = [t for t in BULK_TABLES
             if conn.exec_driver_sql(f"SELECT 1 FROM {t} LIMIT 1").first() is None]
    indexes = conn.exec_driver_sql(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%(tables)s)
          AND t.relnamespace = to_regnamespace(current_schema())
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = x.indexrelid AND c.conrelid = t.oid)
        ORDER BY t.relname, i.relname
        """,
        {"tables": empty},
    ).all()
    foreign_keys = conn.exec_driver_sql(
        """
        SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE c.contype = 'f' AND t.relname = ANY(%(tables)s)
          AND t.relnamespace = to_regnamespace(current_schema())
        ORDER BY t.relname, c.conname
        """,
        {"tables": empty},
    ).all()
    for table, name, _ddl in foreign_keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ddl in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [ddl for _name, ddl in indexes] + [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {ddl}'
        for table, name, ddl in foreign_keys]


def _generate_sqlite(
        opened_base: OpenedBase, clients: int, seed: int, progress: ProgressCallback,
        summary: DemoSummary,
) -> None:
    """One transaction per batch; if anything fails, what this run wrote is deleted again."""
    with opened_base.engine.connect() as conn:
        _refuse_if_not_empty(conn)
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
        cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        first_ids = _start_ids(conn) | {t: conn.exec_driver_sql(
            f"SELECT coalesce(max(id), 0) + 1 FROM {t}").scalar_one() for t in _REFERENCE_TABLES}
        conn.commit()
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        conn.exec_driver_sql("PRAGMA cache_size=-131072")
        conn.commit()
        try:
            progress(STAGE_REFERENCE, 0, 1)
            gen = _Generator(seed, "sqlite", {t: first_ids[t] for t in BULK_TABLES})
            with conn.begin():
                session = opened_base.sessions(bind=conn)
                admin_id = _create_reference(session, gen, summary)
                session.close()
            progress(STAGE_REFERENCE, 1, 1)
            statements = {t: f"INSERT INTO {t} ({', '.join(c)}) VALUES "
                             f"({', '.join('?' * len(c))})" for t, c in COLUMNS.items()}
            done = 0
            progress(STAGE_CLIENTS, 0, clients)
            with closing(_prefetched(gen, clients, 10_000)) as batches:
                for batch in batches:
                    with conn.begin():
                        for table, rows in batch.items():
                            if rows:
                                conn.exec_driver_sql(statements[table], rows)
                    done += _batch_size(batch)
                    progress(STAGE_CLIENTS, done, clients)
            with conn.begin():
                session = opened_base.sessions(bind=conn)
                _add_favourites(session, admin_id, summary)
                session.close()
        except BaseException:
            conn.rollback()
            _delete_partial(conn, first_ids)
            raise
        finally:
            conn.exec_driver_sql(f"PRAGMA synchronous={int(synchronous)}")
            conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_size)}")
            conn.commit()
    _count(gen, summary)


_REFERENCE_TABLES = ("favourites", "custom_fields", "client_groups", "employees", "directions",
                     "departments")


def _delete_partial(conn: Connection, first_ids: dict[str, int]) -> None:
    """Undo a failed or cancelled SQLite load: rows with ids from this run's first id on."""
    order = ("favourites", "custom_values", "responsibilities", "addresses", "emails",
             "phones", "contacts", "clients", "custom_fields", "client_groups", "employees",
             "directions", "departments")
    with conn.begin():
        for table in order:
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE id >= ?", (first_ids[table],))


def _count(gen: _Generator, summary: DemoSummary) -> None:
    for table, count in gen.counts.items():
        setattr(summary, table, count)


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    pass


def generate_demo_data(opened_base: OpenedBase, clients: int, *, seed: int = DEMO_SEED,
                       progress: ProgressCallback | None = None) -> DemoSummary:
    """Fill an empty base with ``clients`` realistic demo clients and their reference data.

    ``opened_base`` is a :class:`vostok_desktop.db.OpenedBase`. The same seed and scale give
    the same data. Refuses (``ValueError``) a base that already has clients or is read-only.
    ``progress(stage, done, total)`` is called between batches; raising from it cancels.
    """
    if clients < 0:
        raise ValueError("Число клиентов не может быть отрицательным")
    if clients > MAX_CLIENTS:
        raise ValueError(f"Демонстрационная база — не больше {MAX_CLIENTS:,} клиентов"
                         .replace(",", " "))
    if opened_base.read_only:
        raise ValueError("База открыта только для чтения: демонстрационные данные не созданы")
    started = time.perf_counter()
    summary = DemoSummary(dialect=opened_base.dialect)
    load = _generate_postgresql if opened_base.dialect == "postgresql" else _generate_sqlite
    load(opened_base, clients, seed, progress or _no_progress, summary)
    summary.seconds = time.perf_counter() - started
    return summary
