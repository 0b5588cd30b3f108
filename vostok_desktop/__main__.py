"""Command line: ``vostok`` opens the program; subcommands for the schema and demo data."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _size(value: str) -> tuple[int, int]:
    try:
        w, h = value.lower().split("x")
        return int(w), int(h)
    except ValueError:
        raise argparse.ArgumentTypeError(f"размер «{value}»: нужно ШИРИНАxВЫСОТА, например 1366x768") from None


def _card(value: str) -> tuple[str, int]:
    kind, _, ident = value.partition(":")
    if not ident.isdigit():
        raise argparse.ArgumentTypeError(f"карточка «{value}»: нужно ВИД:НОМЕР, например client:1")
    return kind, int(ident)


class _VersionAction(argparse.Action):
    """``--version``: Qt and SQLAlchemy are imported only when asked (start-up time)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         **kwargs)  # type: ignore[arg-type]

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ANN001
        from vostok_desktop.gui.about import version_text

        print(version_text())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vostok",
        description="Vostok Desktop — КИС для РИЦ КонсультантПлюс.",
    )
    parser.add_argument("--version", action=_VersionAction,
                        help="версии программы, Qt, SQLAlchemy и схемы базы")
    parser.add_argument("--base", metavar="PATH_OR_URL",
                        help="файловая база (путь к .sqlite) или сервер "
                             "(postgresql://логин@сервер:порт/база)")
    parser.add_argument("--screenshot", metavar="FILE.png", type=Path,
                        help="построить главное окно, сохранить снимок PNG и выйти")
    parser.add_argument("--size", type=_size, default=(1366, 768),
                        help="размер окна для --screenshot (по умолчанию 1366x768)")
    parser.add_argument("--open-card", type=_card, action="append", metavar="KIND:ID",
                        help="для --screenshot: открыть карточку (client:1, contact:5)")
    parser.add_argument("--pbx", metavar="ami://USER@HOST:PORT",
                        help="АТС Asterisk (AMI) для этого запуска; секрет — из хранилища "
                             "паролей или переменной VOSTOK_AMI_SECRET")
    parser.add_argument("--extension", metavar="NNN", help="мой внутренний номер на АТС")
    sub = parser.add_subparsers(dest="command")
    db = sub.add_parser("db", help="схема базы")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="обновить схему базы до версии программы")
    upgrade.add_argument("--base", metavar="PATH_OR_URL", default=argparse.SUPPRESS)
    demo = sub.add_parser("demo-data", help="заполнить пустую базу демонстрационными данными")
    demo.add_argument("--clients", type=int, default=3000, help="сколько клиентов создать")
    demo.add_argument("--base", metavar="PATH_OR_URL", default=argparse.SUPPRESS)
    return parser


def _password_for(location) -> str | None:  # noqa: ANN001
    """Server password from VOSTOK_PASSWORD, the keyring, or a prompt on a terminal."""
    from vostok_desktop.db import BaseKind
    from vostok_desktop.services.common.credentials import keyring_status, load_password

    if location.kind is not BaseKind.SERVER:
        return None
    if os.environ.get("VOSTOK_PASSWORD"):
        return os.environ["VOSTOK_PASSWORD"]
    stored = load_password(location.url, location.login or "")
    if stored is not None:
        return stored
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        status = keyring_status()
        if not status.available:
            print(status.reason, file=sys.stderr)
        return getpass.getpass(f"Пароль {location.display()}: ")
    return None


def _cli_location(base_arg: str | None):  # noqa: ANN202
    from vostok_desktop import paths
    from vostok_desktop.db import BaseLocation
    from vostok_desktop.settings import Settings

    if base_arg:
        return BaseLocation.parse(base_arg)
    settings = Settings.load()
    last = settings.base_by_id(settings.last_base_id)
    return last.location if last else BaseLocation.file(paths.demo_base_path())


def _print_progress(stage: str, done: int, total: int) -> None:
    percent = 100 * done // total if total else 100
    print(f"\r{stage}: {done:,}/{total:,} ({percent}%)".replace(",", " "), end="",
          file=sys.stderr, flush=True)
    if done >= total:
        print(file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None and not args.screenshot:
        # The GUI imports the data layer only after its window has painted.
        if args.pbx:
            from vostok_asterisk_ami.provider import TelephonyError, parse_pbx_url

            try:
                parse_pbx_url(args.pbx)
            except TelephonyError as exc:
                print(f"vostok: {exc}", file=sys.stderr)
                return 2
        from vostok_desktop.gui.app import run_gui

        return run_gui(args.base, args.pbx, args.extension)
    from vostok_desktop.db import BaseError

    try:
        if args.command == "db":
            from vostok_desktop.db import open_base

            location = _cli_location(args.base)
            base = open_base(location, _password_for(location), allow_upgrade=True)
            print(f"Схема базы {location.display()}: версия {base.schema.current}")
            if base.dialect == "postgresql":
                # Also after restoring a dump onto a new server: roles and LEAKPROOF
                # marks are the cluster's, not the base's.
                from vostok_desktop.services.access.rights import ensure_server_prerequisites

                with base.engine.begin() as conn:
                    for note in ensure_server_prerequisites(conn):
                        print(f"Внимание: {note}")
            base.close()
            return 0
        if args.command == "demo-data":
            from vostok_desktop.db import open_base
            from vostok_desktop.services.demo.generator import generate_demo_data

            location = _cli_location(args.base)
            base = open_base(location, _password_for(location), allow_upgrade=True)
            try:
                summary = generate_demo_data(base, args.clients, progress=_print_progress)
            finally:
                base.close()
            print(f"Готово: {summary}")
            return 0
        if args.screenshot:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            from vostok_desktop.gui.app import take_screenshot

        return take_screenshot(args.screenshot, args.base, args.size, args.open_card)
    except (BaseError, ValueError) as exc:
        print(f"vostok: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
