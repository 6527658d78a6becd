"""Shared fixtures: a migrated template database copied for each test; actors of every role."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import pytest

from app.config import Paths
from app.database import ensure_reference_data
from app.roles import Actor, Role
from db import migrate
from db.engine import Database, make_database

PG_URL = os.environ.get("FRONTDESK_TEST_PG_URL", "")


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
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(PG_URL)
    name = f"fd_tpl_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    d = make_database(admin_url.set(database=name).render_as_string(hide_password=False))
    migrate.upgrade(d.engine)
    with d.Session.begin() as s:
        ensure_reference_data(s)
    d.dispose()
    yield name
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _pg_database(template: str) -> Iterator[Database]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(PG_URL)
    name = f"fd_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    d = make_database(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        yield d
    finally:
        d.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(params=BACKENDS)
def any_db(request: pytest.FixtureRequest, paths: Paths) -> Iterator[Database]:
    """SQLite always; PostgreSQL as well when FRONTDESK_TEST_PG_URL is set (scenario tests)."""
    if request.param == "sqlite":
        d = make_database(paths.db_url)
        yield d
        d.dispose()
    else:
        yield from _pg_database(request.getfixturevalue("_pg_template"))


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
