"""The built-in plugin «rc_files»: it is found through its entry point, its formats are
the documented ones, and a РИЦ's own writer replaces it (a broken one is reported, not
fatal)."""

from __future__ import annotations

from datetime import date
from importlib.metadata import EntryPoint

from vostok_rc_files.writers import ExpconsWriter, NetworkCentreRequestWriter

from vostok_desktop.plugins import (
    ENTRY_POINT_GROUP,
    ExpertFileData,
    ExpertKitLine,
    NetworkCentreRequestData,
    NetworkCentreRequestKind,
    NetworkCentreRequestLine,
    load_plugins,
)

BUILTIN = EntryPoint("rc_files", "vostok_rc_files", ENTRY_POINT_GROUP)


def test_the_builtin_plugin_is_installed_and_registers_both_writers() -> None:
    registry = load_plugins()
    assert "rc_files" in registry.loaded
    api = registry.api
    assert api.expert_file_writer().id == "expcons_tsv_v1"
    assert api.network_centre_request_writer().id == "kc_request_tsv_v1"
    assert api.expert_file_writer().title == "expcons.txt (стандартный формат Vostok Desktop)"


def test_values_with_tabs_and_line_breaks_keep_one_line_per_kit() -> None:
    data = ExpertFileData("054", "РИЦ", date(2026, 3, 9), (
        ExpertKitLine(1, "Офис\tглавный", 7, "5401000010", "ООО «Ромашка»\r\nи К",
                      ("2", "1")),))
    text = ExpconsWriter().render(data).decode("utf-8")
    assert text == ("#EXPCONS\t1\t054\t2026-03-09\t1\r\n"
                    "2,1\t5401000010\tООО «Ромашка» и К\tОфис главный\r\n")


def test_the_request_format() -> None:
    data = NetworkCentreRequestData(
        NetworkCentreRequestKind.TRANSFER, "054", "РИЦ «Восток»", date(2026, 3, 9), 7,
        "5401000010", "540101001", "Ромашка", (NetworkCentreRequestLine(
            "700004", "КП-СЕТЬ", "Эксперт, сетевая", "network", "СВ", 10, "0250000025",
            "Василёк"),), "срочно")
    writer = NetworkCentreRequestWriter()
    assert writer.file_name(data) == "kc_transfer_5401000010_20260309.txt"
    assert writer.render(data).decode("utf-8").split("\r\n") == [
        "#ЗАЯВКА_КЦ\t1", "ВИД\tПЕРЕДАЧА", "РИЦ\t054\tРИЦ «Восток»", "ДАТА\t2026-03-09",
        "КЛИЕНТ\t5401000010\t540101001\tРомашка", "ПРИМЕЧАНИЕ\tсрочно", "ДИСТРИБУТИВОВ\t1",
        "Д\t700004\tКП-СЕТЬ\tЭксперт, сетевая\tсетевая\tСВ\t10\t0250000025\tВасилёк", ""]


class NoRender:
    id = "half"
    title = "Без render"

    def file_name(self, data: object) -> str:
        return "x.txt"


class Twin(ExpconsWriter):
    pass  # the same id as the built-in one


class BadPlugin:
    @staticmethod
    def register(api) -> None:  # noqa: ANN001
        api.add_expert_file_writer(NoRender())


class TwinPlugin:
    @staticmethod
    def register(api) -> None:  # noqa: ANN001
        api.add_expert_file_writer(Twin())


class OwnRequestPlugin:
    class Writer(NetworkCentreRequestWriter):
        id = "ric_kc"
        title = "Заявка в КЦ (наш формат)"

    @staticmethod
    def register(api) -> None:  # noqa: ANN001
        api.add_network_centre_request_writer(OwnRequestPlugin.Writer())


def test_a_broken_replacement_is_reported_and_the_builtin_one_stays() -> None:
    registry = load_plugins([
        EntryPoint("bad", f"{__name__}:BadPlugin", ENTRY_POINT_GROUP),
        BUILTIN,
        EntryPoint("twin", f"{__name__}:TwinPlugin", ENTRY_POINT_GROUP),
    ])
    assert registry.loaded == ["rc_files"]
    assert registry.error_texts() == [
        "bad: TypeError: модуль записи файла ЗВЭ «half»: нужны render() и file_name()",
        "twin: ValueError: модуль записи файла ЗВЭ «expcons_tsv_v1» уже зарегистрирован",
    ]
    assert registry.api.expert_file_writer().id == "expcons_tsv_v1"


def test_a_rics_request_writer_wins_over_the_builtin_one() -> None:
    registry = load_plugins([
        BUILTIN, EntryPoint("our_ric", f"{__name__}:OwnRequestPlugin", ENTRY_POINT_GROUP)])
    api = registry.api
    assert api.network_centre_request_writer().id == "ric_kc"
    assert api.expert_file_writer().id == "expcons_tsv_v1"  # not replaced: stays built-in
    assert api.network_centre_request_writer("kc_request_tsv_v1").id == "kc_request_tsv_v1"
