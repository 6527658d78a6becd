"""Alembic environment: batch mode for SQLite, FTS tables excluded, connection handed in by db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from db.models import Base

config = context.config
target_metadata = Base.metadata


def _include_name(name: str | None, type_: str, _parent: object) -> bool:
    if type_ == "table" and name is not None:
        return not (name.endswith("_fts") or "_fts_" in name or name.startswith("sqlite_"))
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    is_sqlite = connection.dialect.name == "sqlite"
    if is_sqlite:
        connection.execute(text("PRAGMA foreign_keys=OFF"))
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
    if is_sqlite:
        connection.execute(text("PRAGMA foreign_keys=ON"))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
