"""Built-in plugin: the default writers of expcons.txt (ЗВЭ) and of requests to the КЦ
for shipment/transfer of СВ/ЛСВ distributives. A РИЦ replaces either with a plugin of
its own that registers a writer through the same API (see ``writers`` for the formats).
"""

from __future__ import annotations

from vostok_desktop.plugins import PluginApi


def register(api: PluginApi) -> None:
    from vostok_rc_files.writers import ExpconsWriter, NetworkCentreRequestWriter

    api.add_expert_file_writer(ExpconsWriter())
    api.add_network_centre_request_writer(NetworkCentreRequestWriter())
