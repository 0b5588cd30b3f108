"""Requests to the КЦ for СВ/ЛСВ distributives on both dialects: only network
distributives are candidates, shipment and transfer lines, refusals naming the
distributive, the file in the built-in format, the e-mail with the card's contract and
the request logged in the change log."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.services.distributives.conftest import TODAY, Rig
from vostok_desktop.domain import ChangeLog, Client
from vostok_desktop.domain.validators import inn_check_digits
from vostok_desktop.plugins import NetworkCentreRequestKind, load_plugins
from vostok_desktop.services.access.rights import AccessDenied, AccessProfile, Visibility
from vostok_desktop.services.distributives import movements, warehouse
from vostok_desktop.services.distributives import network_centre as kc
from vostok_desktop.services.distributives.common import MovementRefused
from vostok_desktop.services.distributives.expert_file import DistributiveFileError
from vostok_desktop.services.documents import attachments, mail

Kind = NetworkCentreRequestKind
D1 = date(2021, 2, 1)
MADE_ON = date(2026, 3, 9)


class Net:
    """Network distributives: 700001 in stock, 700002 reserved for Ромашка, 700003
    reserved for Василёк, 700004 served at Василёк, 700005 served at Ромашка,
    700006 in stock but of a local system with the series ЛСВ; a local 600001 in stock
    and a local 600002 served at Василёк."""

    def __init__(self, rig: Rig) -> None:
        eng, keeper = rig.employees["engineer"], rig.employees["keeper"]
        romashka, vasilek = rig.clients["romashka"], rig.clients["vasilek"]
        net = rig.receive("700001", "700002", "700003", "700004", "700005", system="net")
        [lsv] = warehouse.receive(rig.base, [warehouse.ReceiptLine(
            "700006", rig.systems["prof"], series="ЛСВ", network_size=3)], D1, keeper,
            today=TODAY)
        local = rig.receive("600001", "600002")
        self.ids = dict(zip(["700001", "700002", "700003", "700004", "700005"], net,
                            strict=True)) | {"700006": lsv, "600001": local[0],
                                             "600002": local[1]}
        warehouse.reserve(rig.base, self.ids["700002"], D1, keeper, client_id=romashka,
                          today=TODAY)
        warehouse.reserve(rig.base, self.ids["700003"], D1, keeper, client_id=vasilek,
                          today=TODAY)
        movements.connect(rig.base, self.ids["700004"], vasilek, D1, eng, today=TODAY)
        movements.connect(rig.base, self.ids["700005"], romashka, D1, eng, today=TODAY)
        movements.connect(rig.base, self.ids["600002"], vasilek, D1, eng, today=TODAY)
        self.inn = {}
        with rig.base.sessions() as s, s.begin():
            for key, prefix in (("romashka", "540100001"), ("vasilek", "540200002")):
                self.inn[key] = inn_check_digits(prefix)
                s.execute(update(Client).where(Client.id == rig.clients[key])
                          .values(inn=self.inn[key], kpp="540101001"))


@pytest.fixture
def net(rig: Rig) -> Net:
    return Net(rig)


def numbers(found: list[kc.Candidate]) -> list[str]:
    return [c.number for c in found]


def test_only_network_distributives_are_candidates(rig: Rig, net: Net) -> None:
    romashka = rig.clients["romashka"]
    shipment = kc.candidates(rig.base, romashka, Kind.SHIPMENT)
    # The warehouse's (in stock, reserved for Ромашка) and Ромашка's own; never a local
    # system, never one reserved for another client or served elsewhere.
    assert numbers(shipment) == ["700001", "700002", "700005", "700006"]
    assert shipment[0].text == ("№ 700001 — КонсультантПлюс: Эксперт приложение, сетевая, "
                                "СВ, сеть 10, на складе")
    transfer = kc.candidates(rig.base, romashka, Kind.TRANSFER)
    assert numbers(transfer) == ["700004"]
    assert transfer[0].text.endswith("у «Василёк»")
    assert numbers(kc.candidates(rig.base, romashka, Kind.SHIPMENT,
                                 number_prefix="70000 2")) == ["700002"]


def test_shipment_and_transfer_lines(rig: Rig, net: Net, tmp_path: Path) -> None:
    romashka = rig.clients["romashka"]
    writer = load_plugins().api.network_centre_request_writer()
    shipment = kc.prepare_request(rig.base, kc.NetworkCentreRequest(
        Kind.SHIPMENT, romashka, [net.ids["700002"], net.ids["700006"]], MADE_ON,
        "  срочно,\n до пятницы "), company_code="054", company_name="РИЦ «Восток»",
        today=TODAY)
    assert [(line.number, line.holder_inn, line.holder_name) for line in shipment.lines] \
        == [("700002", "", ""), ("700006", "", "")]
    path = kc.save_request_file(shipment, writer, tmp_path)
    assert path.name == f"kc_shipment_{net.inn['romashka']}_20260309.txt"
    assert path.read_bytes().decode("utf-8").split("\r\n") == [
        "#ЗАЯВКА_КЦ\t1",
        "ВИД\tОТГРУЗКА",
        "РИЦ\t054\tРИЦ «Восток»",
        "ДАТА\t2026-03-09",
        f"КЛИЕНТ\t{net.inn['romashka']}\t540101001\tРомашка",
        "ПРИМЕЧАНИЕ\tсрочно, до пятницы",
        "ДИСТРИБУТИВОВ\t2",
        "Д\t700002\tКП-СЕТЬ\tКонсультантПлюс: Эксперт приложение, сетевая\tсетевая\tСВ\t10"
        "\t\t",
        "Д\t700006\tКП-ПРОФ\tКонсультантПлюс: Версия Проф\tлокальная\tЛСВ\t3\t\t",
        "",
    ]

    transfer = kc.prepare_request(rig.base, kc.NetworkCentreRequest(
        Kind.TRANSFER, romashka, [net.ids["700004"]], MADE_ON), company_code="054",
        today=TODAY)
    [line] = transfer.lines
    assert (line.number, line.holder_inn, line.holder_name) == \
        ("700004", net.inn["vasilek"], "Василёк")
    text = kc.request_file(transfer, writer).data.decode("utf-8")
    assert "ВИД\tПЕРЕДАЧА\r\n" in text
    assert text.endswith(f"\t10\t{net.inn['vasilek']}\tВасилёк\r\n")


@pytest.mark.parametrize(("kind", "number", "message"), [
    (Kind.SHIPMENT, "600001", "Дистрибутив № 600001 — не сетевой (не СВ/ЛСВ)"),
    (Kind.TRANSFER, "600002", "Дистрибутив № 600002 — не сетевой"),
    (Kind.SHIPMENT, "700004", "Дистрибутив № 700004 у клиента «Василёк»: для него "
                              "оформляют заявку на передачу"),
    (Kind.SHIPMENT, "700003", "Дистрибутив № 700003 зарезервирован за другим клиентом"),
    (Kind.TRANSFER, "700005", "Дистрибутив № 700005 уже у этого клиента"),
    (Kind.TRANSFER, "700001", "Дистрибутив № 700001: передают дистрибутив на "
                              "обслуживании у другого клиента, а этот — на складе"),
])
def test_a_distributive_that_does_not_fit_is_named(rig: Rig, net: Net, kind: Kind,
                                                   number: str, message: str) -> None:
    # A good distributive first: the refusal names the one that does not fit.
    good = net.ids["700001" if kind is Kind.SHIPMENT else "700004"]
    with pytest.raises(MovementRefused) as refused:
        kc.prepare_request(rig.base, kc.NetworkCentreRequest(
            kind, rig.clients["romashka"], [good, net.ids[number]], MADE_ON),
            company_code="054", today=TODAY)
    assert str(refused.value).startswith(message)


def test_bad_requests_are_refused_in_russian(rig: Rig, net: Net) -> None:
    romashka = rig.clients["romashka"]
    cases = [
        (kc.NetworkCentreRequest(Kind.SHIPMENT, romashka, [], MADE_ON),
         "Не выбрано ни одного дистрибутива"),
        (kc.NetworkCentreRequest(Kind.SHIPMENT, romashka,
                                 [net.ids["700001"], net.ids["700001"]], MADE_ON),
         "Дистрибутив выбран дважды"),
        (kc.NetworkCentreRequest(Kind.SHIPMENT, romashka, [net.ids["700001"]],
                                 date(2026, 3, 11)),
         "Дата заявки не может быть позже сегодняшней"),
        (kc.NetworkCentreRequest(Kind.SHIPMENT, 999_999, [net.ids["700001"]], MADE_ON),
         "Клиент не найден"),
    ]
    for request, message in cases:
        with pytest.raises(MovementRefused, match=message):
            kc.prepare_request(rig.base, request, company_code="054", today=TODAY)
    # The writer refuses a client without an INN, naming the client.
    lyutik = kc.prepare_request(rig.base, kc.NetworkCentreRequest(
        Kind.SHIPMENT, rig.clients["lyutik"], [net.ids["700001"]], MADE_ON),
        company_code="054", today=TODAY)
    writer = load_plugins().api.network_centre_request_writer()
    with pytest.raises(DistributiveFileError, match="У клиента «Лютик» не указан ИНН"):
        kc.request_file(lyutik, writer)


def test_the_request_needs_the_files_right(rig: Rig, net: Net) -> None:
    manager = AccessProfile(frozenset({"distributives.move"}), Visibility.ALL, "manager")
    with pytest.raises(AccessDenied, match="Нет права «ЗВЭ/КЦ файлы»"):
        kc.prepare_request(rig.base, kc.NetworkCentreRequest(
            Kind.SHIPMENT, rig.clients["romashka"], [net.ids["700001"]], MADE_ON),
            company_code="054", profile=manager, today=TODAY)


def _log_lines(rig: Rig) -> list[tuple[int | None, int, str]]:
    with rig.base.sessions() as s:
        return [(c, r, v or "") for c, r, v in s.execute(
            select(ChangeLog.client_id, ChangeLog.row_id, ChangeLog.new_value)
            .where(ChangeLog.field == kc.LOG_FIELD).order_by(ChangeLog.row_id))]


def test_the_request_is_mailed_with_the_contract_and_logged(rig: Rig, net: Net) -> None:
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    romashka, eng = rig.clients["romashka"], rig.employees["engineer"]
    contract = attachments.add_attachment(rig.base, romashka, "Договор 15-2026.pdf",
                                          b"%PDF-1.4 contract", eng)
    attachments.add_attachment(rig.base, romashka, "Фото офиса.jpg", b"\xff\xd8", eng)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        data = kc.prepare_request(rig.base, kc.NetworkCentreRequest(
            Kind.SHIPMENT, romashka, [net.ids["700001"], net.ids["700002"]], MADE_ON),
            company_code="054", company_name="РИЦ «Восток»", today=TODAY)
        settings = mail.SmtpSettings(host="127.0.0.1", port=port, security="none",
                                     sender="ric@vostok.ru")
        sent = kc.send_request(rig.base, settings, None, data,
                               load_plugins().api.network_centre_request_writer(),
                               kc.MailOptions(["kc@network.ru"],
                                              attachment_ids=[contract.id]), eng)
    finally:
        controller.stop()
    assert sent.recipients == ["kc@network.ru"] and sent.log_lines == 2
    file_name = f"kc_shipment_{net.inn['romashka']}_20260309.txt"
    assert sent.files == ["Договор 15-2026.pdf", file_name]
    [(to, raw)] = inbox.messages
    assert to == ["kc@network.ru"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == (f"Заявка на отгрузку СВ/ЛСВ: Ромашка, ИНН "
                                  f"{net.inn['romashka']} (РИЦ 054)")
    assert "заявку на отгрузку дистрибутивов для клиента Ромашка" in \
        message.get_body(("plain",)).get_content()
    parts = {p.get_filename(): p.get_payload(decode=True)
             for p in message.iter_attachments()}
    assert parts["Договор 15-2026.pdf"] == b"%PDF-1.4 contract"
    assert parts[file_name].decode("utf-8").startswith("#ЗАЯВКА_КЦ\t1\r\nВИД\tОТГРУЗКА")
    assert "Фото офиса.jpg" not in parts

    # The change log: one line per distributive, under the request's client.
    expected = (f"Заявка в КЦ на отгрузку от 09.03.2026 (700001, 700002), файл "
                f"«{file_name}»; отправлена: kc@network.ru")
    assert _log_lines(rig) == [(romashka, net.ids["700001"], expected),
                               (romashka, net.ids["700002"], expected)]
    [(_when, what)] = kc.request_history(rig.base, romashka)
    assert what == expected


def test_recording_a_request_without_mail(rig: Rig, net: Net) -> None:
    vasilek = rig.clients["vasilek"]
    data = kc.prepare_request(rig.base, kc.NetworkCentreRequest(
        Kind.TRANSFER, vasilek, [net.ids["700005"]], MADE_ON, "по письму клиента"),
        company_code="054", today=TODAY)
    assert kc.record_request(rig.base, data, "kc.txt", rig.employees["keeper"]) == 1
    assert _log_lines(rig) == [(vasilek, net.ids["700005"],
                                "Заявка в КЦ на передачу от 09.03.2026 (700005), файл "
                                "«kc.txt»; по письму клиента")]
