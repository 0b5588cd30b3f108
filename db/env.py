"""Alembic environment: runs on the connection that vostok_desktop.db hands over."""

from alembic import context

from vostok_desktop.db import include_object_for_dialect
from vostok_desktop.domain import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("Миграции запускаются только из программы: vostok db upgrade")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object_for_dialect(connection.dialect.name),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("Офлайн-режим миграций не поддерживается")
run_migrations_online()
