"""Engines, sessions, the two kinds of base (file and server) and the migrations runner.

No engine is created at import: ``open_base`` does it explicitly.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from vostok_desktop import paths

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (with Mako and Pygments behind it) costs ~1 s to import: it is loaded only to
# upgrade a schema. Opening a current base reads the revision with one query and finds
# the head from the revision files themselves (a test checks this agrees with Alembic).
_REVISION_LINE = re.compile(
    r"^(revision|down_revision)\s*(?::[^=]*)?=\s*['\"]?([\w-]+|None)['\"]?", re.MULTILINE
)

# A read on the GUI thread must never hang the window; long work runs on workers
# and lifts the limit for its own transaction.
GUI_STATEMENT_TIMEOUT_MS = 5000


class BaseKind(enum.StrEnum):
    FILE = "file"
    SERVER = "server"


class BaseError(Exception):
    """A base cannot be opened; the message is for the user (Russian)."""


class SchemaOutdatedError(BaseError):
    def __init__(self, current: str | None, head: str) -> None:
        super().__init__(
            f"Схема базы устарела (версия {current or 'нет'}, программе нужна {head}). "
            "Обновить её может администратор: «vostok db upgrade» или кнопка «Обновить» "
            "при входе. До обновления программа работает только на чтение."
        )
        self.current = current
        self.head = head


class SchemaNewerError(BaseError):
    def __init__(self, current: str | None) -> None:
        super().__init__(
            f"База создана более новой версией программы (схема {current}). "
            "Обновите Vostok Desktop на этом компьютере."
        )


def schema_moved_ahead_note(current: str | None) -> str:
    """What a workstation says when another one upgraded the base under it."""
    return (f"База обновлена более новой версией программы (схема {current}). "
            "Обновите Vostok Desktop; до обновления программа работает только на чтение.")


CONNECTION_LOST_MESSAGE = (
    "Нет связи с сервером: карточка не записана. Изменения сохранятся в карточке, "
    "повторите запись, когда связь восстановится."
)


@dataclass(frozen=True)
class BaseLocation:
    """Where a base lives. A server URL never carries the password."""

    kind: BaseKind
    url: str

    @classmethod
    def parse(cls, path_or_url: str) -> BaseLocation:
        value = path_or_url.strip()
        if not value:
            raise BaseError("Не указан путь к файловой базе или адрес сервера")
        if "://" not in value:
            return cls.file(Path(value))
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise BaseError(f"Адрес базы «{value}» не распознан: {exc}") from None
        if url.get_backend_name() == "sqlite":
            if not url.database:
                raise BaseError("Для файловой базы нужен путь к файлу")
            return cls.file(Path(url.database))
        if url.get_backend_name() == "postgresql":
            url = URL.create(
                "postgresql+psycopg", username=url.username, host=url.host, port=url.port,
                database=url.database, query=url.query,
            )
            return cls(BaseKind.SERVER, url.render_as_string(hide_password=False))
        raise BaseError(
            f"Вид базы «{url.get_backend_name()}» не поддерживается: нужен файл SQLite "
            "или сервер PostgreSQL (postgresql://логин@сервер:порт/база)"
        )

    @classmethod
    def file(cls, path: Path) -> BaseLocation:
        return cls(BaseKind.FILE, f"sqlite:///{Path(path).expanduser().resolve()}")

    @property
    def sa_url(self) -> URL:
        return make_url(self.url)

    @property
    def login(self) -> str | None:
        return self.sa_url.username

    @property
    def file_path(self) -> Path | None:
        return Path(self.sa_url.database) if self.kind is BaseKind.FILE else None

    def display(self) -> str:
        if self.kind is BaseKind.FILE:
            return str(self.file_path)
        u = self.sa_url
        return f"{u.username}@{u.host}:{u.port or 5432}/{u.database}"


@dataclass
class OpenedBase:
    """An open base: its engine and a session factory bound to it."""

    location: BaseLocation
    engine: Engine
    sessions: sessionmaker[Session]
    read_only: bool = False
    schema: SchemaState | None = None
    notes: list[str] = field(default_factory=list)
    _mode_listener: bool = field(default=False, repr=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def schema_behind(self) -> bool:
        """The base's schema is older than the program's (an administrator may upgrade)."""
        state = self.schema
        return (state is not None and not state.is_current and state.current is not None
                and _known_revision(state.current))

    def set_read_only(self, read_only: bool, note: str | None = None) -> None:
        """Switch the open engine between writing and read-only, in place.

        Every connection the pool opens from now on sets the session default
        (``default_transaction_read_only`` / SQLite's ``query_only``), and the pooled
        ones are dropped, so the next checkout reconnects with the new mode. Sessions and
        the sessionmaker keep pointing at the same engine.
        """
        if not self._mode_listener:
            event.listen(self.engine, "connect", self._apply_mode)
            self._mode_listener = True
        self.read_only = read_only
        if note and note not in self.notes:
            self.notes.append(note)
        self.engine.dispose()

    def _apply_mode(self, dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        if self.engine.dialect.name == "sqlite":
            cursor.execute(f"PRAGMA query_only = {'ON' if self.read_only else 'OFF'}")
            cursor.close()
            return
        cursor.execute("SET default_transaction_read_only = "
                       + ("on" if self.read_only else "off"))
        cursor.close()
        dbapi_connection.commit()  # a session SET survives only a committed transaction

    def schema_upgraded(self, state: SchemaState) -> None:
        """An administrator brought the schema to the program's head: writing again."""
        self.schema = state
        outdated = [n for n in self.notes if n.startswith("Схема базы устарела")]
        for note in outdated:
            self.notes.remove(note)
        self.set_read_only(False)

    def close(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def is_current(self) -> bool:
        return self.current == self.head

    @property
    def is_empty(self) -> bool:
        return self.current is None


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(
    location: BaseLocation,
    password: str | None = None,
    *,
    read_only: bool = False,
    statement_timeout_ms: int | None = GUI_STATEMENT_TIMEOUT_MS,
    connect_timeout_s: int = 5,
) -> Engine:
    if location.kind is BaseKind.FILE:
        path = location.file_path
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(location.url)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    # JIT compiles for 100+ ms when the planner's estimate is high (row-level security
    # misleads it); the program's queries are short: never worth it.
    options = ["-c jit=off"]
    if statement_timeout_ms:
        options.append(f"-c statement_timeout={statement_timeout_ms}")
    if read_only:
        options.append("-c default_transaction_read_only=on")
    url = location.sa_url.set(password=password) if password else location.sa_url
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": connect_timeout_s,
            "application_name": "vostok-desktop",
            "options": " ".join(options),
            # Generic plans reused for every search term hurt (shared/FINDINGS.md).
            "prepare_threshold": None,
        },
    )


def alembic_config() -> Config:
    from alembic.config import Config

    return Config(str(paths.db_dir() / "alembic.ini"))


@cache
def known_revisions() -> dict[str, str | None]:
    """revision -> down_revision, read from db/versions without importing Alembic."""
    chain: dict[str, str | None] = {}
    for path in (paths.db_dir() / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            down = found.get("down_revision")
            chain[found["revision"]] = None if down in (None, "None") else down
    return chain


def head_revision() -> str:
    chain = known_revisions()
    heads = set(chain) - {down for down in chain.values() if down}
    if len(heads) != 1:
        raise BaseError(f"Повреждён набор миграций программы: головных версий {len(heads)}")
    return heads.pop()


def schema_state(engine: Engine) -> SchemaState:
    with engine.connect() as connection:
        has_table = inspect(connection).has_table("alembic_version")
        current = (
            connection.execute(text("select version_num from alembic_version")).scalar()
            if has_table else None
        )
    return SchemaState(current=current, head=head_revision())


def upgrade_schema(engine: Engine) -> SchemaState:
    """Bring the schema to the program's head revision in one transaction."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return schema_state(engine)


# An administrator's upgrade waits longer for a busy server to accept its connection than
# the interactive program does (a loaded server once took over 5 s and the upgrade failed).
UPGRADE_CONNECT_TIMEOUT_S = 30


def upgrade_base_schema(location: BaseLocation, password: str | None = None) -> SchemaState:
    """An administrator's upgrade from the program: its own writable engine without the
    GUI's statement timeout, one transaction (a failure leaves the base as it was)."""
    engine = make_engine(location, password, statement_timeout_ms=None,
                         connect_timeout_s=UPGRADE_CONNECT_TIMEOUT_S)
    try:
        before = schema_state(engine)
        try:
            return upgrade_schema(engine)
        except Exception as exc:  # noqa: BLE001 - any failure rolls back and is named
            raise BaseError(
                f"Схема не обновлена, база осталась в версии {before.current}: "
                f"{describe_connection_error(exc)}"
            ) from None
    except OperationalError as exc:
        raise BaseError(describe_connection_error(exc)) from None
    finally:
        engine.dispose()


# clients.visible_to: the employees whose visibility includes the client (creator and
# responsibles), kept by triggers so the row-level security policy is one array test.
SERVER_ONLY_OBJECTS = frozenset({"visible_to", "ix_clients_visible_to", "vostok_channel_key",
                                 "work_record_summary", "ix_work_record_summary_zero",
                                 "work_client_summary", "ix_work_client_summary_zero"})
# Expression indexes PostgreSQL reflects without their expression (the collation of
# ``(number COLLATE "C")``): Alembic cannot compare them, a test checks their use.
EXPRESSION_INDEXES = frozenset({"ix_distributives_number_c"})


def include_object_for_dialect(dialect_name: str) -> Callable[..., bool]:
    """Skip objects the models create only on another dialect (e.g. trigram indexes)."""

    def include_object(obj, name, type_, reflected, _compare_to) -> bool:  # noqa: ANN001
        # Columns, indexes and tables only the server's own triggers keep (0007, 0009):
        # the program never reads or writes them.
        if reflected and name in SERVER_ONLY_OBJECTS:
            return False
        if type_ == "index" and name in EXPRESSION_INDEXES:
            return False
        if type_ == "index":
            ddl_if = getattr(obj, "_ddl_if", None)
            if ddl_if is not None and ddl_if.dialect and ddl_if.dialect != dialect_name:
                return False
        return True

    return include_object


def describe_connection_error(exc: Exception) -> str:
    """A user-facing reason for a failed connection."""
    text_ = str(getattr(exc, "orig", exc) or exc).strip()
    low = text_.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return "Сервер отклонил вход: неверный логин или пароль"
    if "does not exist" in low and "database" in low:
        return f"На сервере нет такой базы: {text_}"
    if "connection refused" in low or "could not connect" in low or "timeout" in low:
        return f"Сервер недоступен: {text_.splitlines()[0] if text_ else 'нет ответа'}"
    return text_.splitlines()[0] if text_ else type(exc).__name__


def ping(base: OpenedBase) -> str | None:
    """One round trip to the base that also reads its schema revision (so a workstation
    notices another one upgrading the base); BaseError with a reason if it fails."""
    try:
        with base.engine.connect() as connection:
            return connection.execute(text("select version_num from alembic_version")).scalar()
    except (OperationalError, DBAPIError) as exc:
        raise BaseError(describe_connection_error(exc)) from None


def is_newer_revision(revision: str | None) -> bool:
    """A revision this program does not know: a newer program wrote it."""
    return revision is not None and not _known_revision(revision)


def is_connection_error(exc: BaseException) -> bool:
    """The server went away (or cannot be reached), as opposed to a refused statement."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    orig = getattr(exc, "orig", exc)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:  # PostgreSQL: connection exceptions and the server shutting down
        return sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03")
    low = str(orig).lower()
    # SQLite refusals that are not a lost file: read-only, locked, bad SQL.
    return not any(word in low for word in ("readonly", "locked", "no such", "syntax"))


def is_read_only_refusal(exc: BaseException) -> bool:
    """The base refused a write because the session is read-only."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == "25006":  # read_only_sql_transaction
        return True
    return "readonly database" in str(orig).lower()


def forget_connections(base: OpenedBase) -> None:
    """Drop every pooled connection (the server went away): the next checkout reconnects
    instead of being handed a dead socket."""
    base.engine.dispose()


def check_connection(location: BaseLocation, password: str | None = None) -> str:
    """Connect once and report what is there; raise BaseError with a reason if not."""
    engine = make_engine(location, password)
    try:
        state = schema_state(engine)
        with engine.connect() as connection:
            version = connection.execute(text("select sqlite_version()" if engine.dialect.name == "sqlite" else "show server_version")).scalar()
    except OperationalError as exc:
        raise BaseError(describe_connection_error(exc)) from None
    finally:
        engine.dispose()
    server = "SQLite" if location.kind is BaseKind.FILE else "PostgreSQL"
    if state.is_empty:
        schema = "база пуста, схема будет создана"
    elif state.is_current:
        schema = "схема актуальна"
    else:
        schema = f"схема {state.current}, программе нужна {state.head}"
    return f"Соединение установлено: {server} {version}; {schema}"


def open_base(
    location: BaseLocation,
    password: str | None = None,
    *,
    allow_upgrade: bool | None = None,
) -> OpenedBase:
    """Open a base, bringing its schema up to date where that is allowed.

    A file base is upgraded automatically. A server base is upgraded only when
    ``allow_upgrade`` is true (an administrator agreed); otherwise an outdated
    server base opens read-only with a note saying why.
    """
    engine = make_engine(location, password)
    try:
        state = schema_state(engine)
    except OperationalError as exc:
        engine.dispose()
        raise BaseError(describe_connection_error(exc)) from None
    notes: list[str] = []
    read_only = False
    if state.current is not None and not _known_revision(state.current):
        engine.dispose()
        raise SchemaNewerError(state.current)
    if not state.is_current:
        may_upgrade = location.kind is BaseKind.FILE or state.is_empty or allow_upgrade
        if may_upgrade:
            # Its own engine without the GUI's statement timeout: an index on a big
            # table (ten million movements) takes longer than any interactive query may.
            upgrader = make_engine(location, password, statement_timeout_ms=None,
                                   connect_timeout_s=UPGRADE_CONNECT_TIMEOUT_S)
            try:
                state = upgrade_schema(upgrader)
            except OperationalError as exc:
                engine.dispose()
                raise BaseError(
                    f"Не удалось обновить схему базы: {describe_connection_error(exc)}"
                ) from None
            finally:
                upgrader.dispose()
        else:
            notes.append(str(SchemaOutdatedError(state.current, state.head)))
            engine.dispose()
            engine = make_engine(location, password, read_only=True)
            read_only = True
    sessions = sessionmaker(engine, expire_on_commit=False)
    return OpenedBase(location, engine, sessions, read_only, state, notes)


def _known_revision(revision: str) -> bool:
    return revision in known_revisions()
