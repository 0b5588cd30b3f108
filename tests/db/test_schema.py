"""The migrations and the models describe the same schema, on both dialects."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

from vostok_desktop.db import (
    BaseKind,
    BaseLocation,
    alembic_config,
    include_object_for_dialect,
    open_base,
)
from vostok_desktop.domain import Base, Client, ClientStatus, Contact, Phone


def test_models_and_migrations_agree(empty_base) -> None:
    with empty_base.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": include_object_for_dialect(empty_base.dialect),
            },
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"autogenerate found differences on {empty_base.dialect}: {diff}"


def test_revisions_form_one_straight_chain() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    assert len(heads) == 1, f"several heads: {heads}"
    bases = script.get_bases()
    assert len(bases) == 1, f"several roots: {bases}"


def test_sqlite_file_base_uses_wal_and_foreign_keys(tmp_path) -> None:
    base = open_base(BaseLocation.file(tmp_path / "b.sqlite"))
    with base.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    base.close()


def test_trigram_index_only_on_postgresql(empty_base) -> None:
    names = {ix["name"] for ix in inspect(empty_base.engine).get_indexes("clients")}
    assert "ix_clients_search_name_id" in names
    assert ("ix_clients_search_name_trgm" in names) == (empty_base.dialect == "postgresql")


def test_client_round_trip_keeps_search_name_and_version(empty_base) -> None:
    with empty_base.sessions.begin() as session:
        client = Client(short_name='ООО "Ромашка"', full_name="Общество «Ромашка»",
                        status=ClientStatus.SERVED)
        client.contacts.append(Contact(last_name="Иванова", first_name="Анна"))
        client.phones.append(Phone(raw="+7 (383) 212-34-56", digits="73832123456"))
        session.add(client)
    with empty_base.sessions() as session:
        loaded = session.scalars(select(Client)).one()
        # Cyrillic is lower-cased by Python, so SQLite's ASCII-only LIKE still matches.
        assert loaded.search_name.startswith('ооо "ромашка"')
        assert loaded.version == 1
        assert loaded.contacts[0].search_name == "иванова анна"
        assert loaded.created_at.tzinfo is not None


def test_parse_locations() -> None:
    assert BaseLocation.parse("/tmp/x.sqlite").kind is BaseKind.FILE
    server = BaseLocation.parse("postgresql://ivanov:secret@db.office:5433/ric")
    assert server.kind is BaseKind.SERVER
    assert "secret" not in server.url  # the password never travels in the URL
    assert server.login == "ivanov"
    assert server.display() == "ivanov@db.office:5433/ric"


def test_fast_head_lookup_agrees_with_alembic() -> None:
    from vostok_desktop.db import head_revision, known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert set(known_revisions()) == {r.revision for r in script.walk_revisions()}
