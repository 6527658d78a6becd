"""One engine and one sessionmaker per process, with the connection settings STYLE.md asks for."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 10_000


@dataclass
class Database:
    """The engine and its session factory. `Session.begin()` is one user action, one transaction."""

    url: str
    engine: Engine
    Session: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> str | None:
        if not self.is_sqlite:
            return None
        return make_url(self.url).database

    def read_session(self) -> Session:
        """A session for long read-only work: plain BEGIN, so it does not hold the write lock."""
        return Session(self.engine.execution_options(fd_read_only=True), expire_on_commit=False)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Take over transaction control from the driver: we emit BEGIN ourselves.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _sqlite_on_begin(conn: Any) -> None:
    # Writers take the lock up front (no lost read-then-update); read-only sessions do not.
    read_only = conn.get_execution_options().get("fd_read_only", False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_database(url: str, *, echo: bool = False) -> Database:
    u = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if u.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    factory = sessionmaker(engine, expire_on_commit=False)
    return Database(url=url, engine=engine, Session=factory)
