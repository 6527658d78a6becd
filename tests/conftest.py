"""Shared fixtures: a migrated template database copied for each test; actors of every role."""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import pytest

from app.config import Paths
from app.database import ensure_reference_data
from app.roles import Actor, Role
from db import migrate
from db.engine import Database, make_database
from tests.pg import BACKENDS, pg_database
from ui.gc_guard import collect_if_due, guard_none_refcount


def pytest_configure(config: pytest.Config) -> None:
    guard_none_refcount()  # as the app does at start (ui/gc_guard.py): PySide6 6.12 on Python 3.11
    # As in the app (ui/gc_guard.py): the collector never runs on a worker thread, where freeing a
    # Qt widget left over from an earlier test kills the process. It runs between tests instead.
    gc.disable()


@pytest.fixture(autouse=True)
def _collect_on_main_thread() -> Iterator[None]:
    yield
    collect_if_due()


@pytest.fixture(scope="session")
def _template_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = make_database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    with db.Session.begin() as s:
        ensure_reference_data(s)
    db.dispose()
    return path


@pytest.fixture
def paths(tmp_path: Path, _template_sqlite: Path) -> Paths:
    """A data folder holding a freshly migrated SQLite database."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(_template_sqlite, data / "frontdesk.sqlite3")
    return Paths(data_dir=data, db_url=f"sqlite:///{data / 'frontdesk.sqlite3'}")


@pytest.fixture
def db(paths: Paths) -> Iterator[Database]:
    d = make_database(paths.db_url)
    yield d
    d.dispose()


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str]:
    """A migrated template database on the PostgreSQL server named by FRONTDESK_TEST_PG_URL."""
    with pg_database("fd_tpl") as d:
        migrate.upgrade(d.engine)
        with d.Session.begin() as s:
            ensure_reference_data(s)
        name = d.engine.url.database
        d.dispose()  # a template must have no open connections
        assert name is not None
        yield name


@pytest.fixture(params=BACKENDS)
def any_db(request: pytest.FixtureRequest, paths: Paths) -> Iterator[Database]:
    """SQLite always; PostgreSQL as well when FRONTDESK_TEST_PG_URL is set (scenario tests)."""
    if request.param == "sqlite":
        d = make_database(paths.db_url)
        yield d
        d.dispose()
    else:
        with pg_database(template=request.getfixturevalue("_pg_template")) as d:
            yield d


@pytest.fixture
def supervisor() -> Actor:
    return Actor(username="zhang", role=Role.SUPERVISOR, user_id=None, display_name="张主管")


@pytest.fixture
def assistant() -> Actor:
    return Actor(username="li", role=Role.ASSISTANT, user_id=None, display_name="李助理")


@pytest.fixture
def cashier() -> Actor:
    return Actor(username="wang", role=Role.CASHIER, user_id=None, display_name="王收费")


@pytest.fixture
def admin() -> Actor:
    return Actor(username="admin", role=Role.ADMIN, user_id=None, display_name="管理员")
