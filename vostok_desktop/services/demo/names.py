"""Russian people's names for the demo base: first names, patronymics and surnames
that agree in gender, and the transliteration logins and e-mails are made from."""

from __future__ import annotations

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


def slug(value: str) -> str:
    raw = translit(value)
    return "".join(ch for ch in raw if ch.isascii() and (ch.isalnum() or ch == "-")).strip("-")


def patronymics(name: str) -> tuple[str, str]:
    if name in _PATRONYMIC_EXCEPTIONS:
        return _PATRONYMIC_EXCEPTIONS[name]
    if name.endswith("ий"):
        stem = name[:-2] + "ье"
    elif name.endswith(("ей", "ай", "ь")):
        stem = name[:-1] + "е"
    else:
        stem = name + "о"
    return stem + "вич", stem + "вна"


def surname_from_first_name(name: str) -> str | None:
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


def female_surname(male: str) -> str:
    if male.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return male + "а"
    if male.endswith(("ий", "ый", "ой")):
        return male[:-2] + "ая"
    return male
