"""The default file formats. The real formats of the network are not known here, so
these are defined to be plain and easy to read by a program or a person: UTF-8 text
(no BOM), lines ended by CR LF, fields separated by TAB. A tab or a line break inside a
value becomes a space; dates are ISO (YYYY-MM-DD).

expcons.txt (ЗВЭ, «Задать вопрос эксперту»)
    line 1, the header: ``#EXPCONS  1  <код РИЦ>  <дата>  <число комплектов>``;
    then one line per kit with the ЗВЭ flag:
    ``<номера дистрибутивов через запятую>  <ИНН клиента>  <клиент>  <комплект>``.
    Kits are in the order of client name, kit title; the numbers ascending.

kc_<shipment|transfer>_<ИНН>_<YYYYMMDD>.txt (заявка в КЦ)
    ``#ЗАЯВКА_КЦ  1`` — the format and its version;
    ``ВИД  ОТГРУЗКА`` or ``ВИД  ПЕРЕДАЧА``;
    ``РИЦ  <код РИЦ>  <наименование РИЦ>``;
    ``ДАТА  <дата заявки>``;
    ``КЛИЕНТ  <ИНН>  <КПП>  <наименование>`` — who receives the distributives;
    ``ПРИМЕЧАНИЕ  <текст>`` (empty when none);
    ``ДИСТРИБУТИВОВ  <n>``; then n lines
    ``Д  <номер>  <код системы>  <система>  <тип>  <серия>  <сеть>  <ИНН у кого сейчас>
    <клиент, у которого сейчас>`` (the last two empty for a distributive on the
    warehouse; for a transfer, the giving client).
"""

from __future__ import annotations

from collections.abc import Iterable

from vostok_desktop.plugins import (
    ExpertFileData,
    NetworkCentreRequestData,
    NetworkCentreRequestKind,
)

ENCODING = "utf-8"
NEWLINE = "\r\n"
EXPCONS_NAME = "expcons.txt"
EXPCONS_MAGIC = "#EXPCONS"
REQUEST_MAGIC = "#ЗАЯВКА_КЦ"
FORMAT_VERSION = "1"
KIND_WORDS = {NetworkCentreRequestKind.SHIPMENT: "ОТГРУЗКА",
              NetworkCentreRequestKind.TRANSFER: "ПЕРЕДАЧА"}
SYSTEM_KIND_WORDS = {"local": "локальная", "network": "сетевая", "flash": "флэш",
                     "online": "онлайн"}


def clean(value: object) -> str:
    """A value fit for one field: no tabs or line breaks, spaces collapsed."""
    return " ".join(str(value if value is not None else "").split())


def _line(fields: Iterable[object]) -> str:
    return "\t".join(clean(f) for f in fields)


def _encode(lines: list[str]) -> bytes:
    return (NEWLINE.join(lines) + NEWLINE).encode(ENCODING)


class ExpconsWriter:
    """expcons.txt: the header and one line per kit with the ЗВЭ flag."""

    id = "expcons_tsv_v1"
    title = "expcons.txt (стандартный формат Vostok Desktop)"

    def file_name(self, data: ExpertFileData) -> str:
        return EXPCONS_NAME

    def render(self, data: ExpertFileData) -> bytes:
        code = clean(data.company_code)
        if not code:
            raise ValueError("Не указан код РИЦ: он пишется в первую строку expcons.txt")
        lines = [_line([EXPCONS_MAGIC, FORMAT_VERSION, code, data.made_on.isoformat(),
                        len(data.kits)])]
        for kit in data.kits:
            lines.append(_line([",".join(clean(n) for n in kit.distributive_numbers),
                                kit.client_inn, kit.client_name, kit.kit_title]))
        return _encode(lines)


class NetworkCentreRequestWriter:
    """A request to the КЦ: a header of keyed lines and one «Д» line per distributive."""

    id = "kc_request_tsv_v1"
    title = "Заявка в КЦ (стандартный формат Vostok Desktop)"

    def file_name(self, data: NetworkCentreRequestData) -> str:
        inn = clean(data.client_inn) or f"client{data.client_id}"
        return f"kc_{data.kind.value}_{inn}_{data.made_on:%Y%m%d}.txt"

    def render(self, data: NetworkCentreRequestData) -> bytes:
        if not clean(data.company_code):
            raise ValueError("Не указан код РИЦ: он пишется в заявку в КЦ")
        if not clean(data.client_inn):
            raise ValueError(f"У клиента «{clean(data.client_name)}» не указан ИНН: "
                             "КЦ узнаёт клиента по ИНН")
        if not data.lines:
            raise ValueError("В заявке нет ни одного дистрибутива")
        lines = [
            _line([REQUEST_MAGIC, FORMAT_VERSION]),
            _line(["ВИД", KIND_WORDS[data.kind]]),
            _line(["РИЦ", data.company_code, data.company_name]),
            _line(["ДАТА", data.made_on.isoformat()]),
            _line(["КЛИЕНТ", data.client_inn, data.client_kpp, data.client_name]),
            _line(["ПРИМЕЧАНИЕ", data.note]),
            _line(["ДИСТРИБУТИВОВ", len(data.lines)]),
        ]
        for d in data.lines:
            lines.append(_line(["Д", d.number, d.system_code, d.system_title,
                                SYSTEM_KIND_WORDS.get(d.kind, d.kind), d.series,
                                d.network_size, d.holder_inn, d.holder_name]))
        return _encode(lines)
