"""Demo clients and everything hanging off them (contacts, phones, e-mails, addresses,
responsibilities, custom values) as plain rows for a bulk load: pools built once with
Faker, combined with ``random.Random(seed)`` (calling Faker per row is far too slow for
a million clients)."""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker
from faker.providers.address.ru_RU import Provider as _FakerAddress
from faker.providers.person.ru_RU import Provider as _FakerPerson
from faker.providers.person.uk_UA import Provider as _FakerUkrainian

from vostok_desktop.domain.base import Base
from vostok_desktop.domain.clients import (
    ClientStatus,
    client_search_name,
    contact_search_name,
)
from vostok_desktop.domain.org import EmployeeRole
from vostok_desktop.domain.validators import inn_check_digits, ogrn_with_check, ogrnip_with_check
from vostok_desktop.services.demo.names import (
    COMMON_FEMALE,
    COMMON_MALE,
    female_surname,
    patronymics,
    slug,
    surname_from_first_name,
)

ACQUISITION_CHANNELS = [
    "Реклама в интернете", "Рекомендация клиента", "Холодный звонок", "Выставка", "Семинар",
    "Входящий звонок",
]
HOBBIES = ("Рыбалка", "Шахматы", "Горные лыжи", "Садоводство", "Театр", "Хоккей", "Фотография")

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


class ClientGenerator:
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
        self.middle_m = [patronymics(n)[0] for n in fathers]
        self.middle_m += list(_FakerPerson.middle_names_male)
        self.middle_f = [patronymics(n)[1] for n in fathers]
        self.middle_f += list(_FakerPerson.middle_names_female)
        # Surnames: Faker's Russian ones (by frequency), ones made from first names
        # (Агафонов, Фомин), and Ukrainian ones that do not change with gender (Литвиненко,
        # Ткачук), common in Siberia: about 2,500 weighted entries, 700 distinct.
        surnames = dict(zip(_FakerPerson.last_names_male, _FakerPerson.last_names_female,
                            strict=True))
        ranked = list(surnames)
        derived = []
        for name in (*first_m, *COMMON_MALE):
            surname = surname_from_first_name(name)
            if surname and surname not in surnames:
                surnames[surname] = female_surname(surname)
                derived.append(surname)
        ukrainian = [n for n in dict.fromkeys(_FakerUkrainian.last_names) if n not in surnames
                     and re.fullmatch(r"[А-ЯЁ][а-яё]+(енко|ко|чук|юк|ук|ич)", n)]
        surnames.update((n, n) for n in ukrainian)
        self.last_m = ranked[:50] * 12 + ranked[50:] * 6 + derived * 2 + ukrainian
        self.last_f = [surnames[m] for m in self.last_m]
        self.surname_count = len(surnames)
        self.tl = {w: slug(w).replace("-", "") for w in
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
        self.word_slug = {w: slug(w) for w in
                          (*BRAND_WORDS, *ROOT_WORDS, *SUFFIX_WORDS, *ACCOUNTING_WORDS,
                           *LAW_WORDS)}
        self.city_slug = {c[0]: slug(c[0]) for r in REGIONS for c in r.cities}
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
