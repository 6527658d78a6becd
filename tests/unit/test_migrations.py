"""The migrations build exactly the schema the models describe, with the audit log append-only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from app import audit
from db import migrate
from db.engine import Database, make_database
from db.models import Base
from tests.pg import BACKENDS, pg_database


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database with no tables at all: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        d = make_database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
        yield d
        d.dispose()
        return
    with pg_database("fd_mig") as d:
        yield d


def _include_name(name: str | None, type_: str, _parent: object) -> bool:
    # The same exclusions as db/migrations/env.py (FTS shadow tables, SQLite internals).
    if type_ == "table" and name is not None:
        return not (name.endswith("_fts") or "_fts_" in name or name.startswith("sqlite_"))
    return True


def _drift(d: Database) -> list[object]:
    with d.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_name": _include_name, "render_as_batch": True})
        return compare_metadata(ctx, Base.metadata)


def test_upgrade_to_head_matches_the_models(empty_db: Database) -> None:
    assert migrate.needs_upgrade(empty_db.engine) and migrate.is_empty(empty_db.engine)
    migrate.upgrade(empty_db.engine)
    assert migrate.current_revision(empty_db.engine) == migrate.head_revision()
    assert not migrate.needs_upgrade(empty_db.engine)
    with empty_db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert set(Base.metadata.tables) <= tables
    diffs = _drift(empty_db)
    assert diffs == [], "models and migrations differ; write a migration:\n" + "\n".join(map(str, diffs))


def test_drift_is_detected(empty_db: Database) -> None:
    """The comparison above can fail: a column the migrations do not have shows up as drift."""
    migrate.upgrade(empty_db.engine)
    with empty_db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE settings ADD COLUMN stray INTEGER"))
    diffs = _drift(empty_db)
    assert any("stray" in str(d) for d in diffs), diffs


def test_audit_log_refuses_update_and_delete(empty_db: Database) -> None:
    migrate.upgrade(empty_db.engine)
    with empty_db.Session.begin() as s:
        audit.record(s, "tester", "create", "room", 1, summary="新建房屋 1-1-101")
        audit.record(s, "tester", "update", "room", 1, summary="修改房屋 1-1-101")
    for sql in ("UPDATE audit_log SET summary = 'x'", "DELETE FROM audit_log",
                "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)"):
        with pytest.raises(DBAPIError, match="append-only"):
            with empty_db.engine.begin() as conn:
                conn.execute(text(sql))
    with empty_db.Session() as s:
        report = audit.verify_chain(s)
    assert report.ok and report.count == 2


def test_downgrade_to_base_and_upgrade_again(empty_db: Database) -> None:
    migrate.upgrade(empty_db.engine)
    cfg = migrate.alembic_config()
    with empty_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    with empty_db.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(empty_db.engine)
    assert _drift(empty_db) == []
    with pytest.raises(DBAPIError, match="append-only"):
        with empty_db.Session.begin() as s:
            audit.record(s, "tester", "create", "room", 1)
            s.execute(text("DELETE FROM audit_log"))


def test_the_head_constant_is_alembics_head():
    assert migrate.HEAD == migrate.head_revision()
