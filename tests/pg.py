"""Throwaway PostgreSQL databases on the server named by FRONTDESK_TEST_PG_URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.engine import Database, make_database

PG_URL = os.environ.get("FRONTDESK_TEST_PG_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@contextmanager
def pg_database(prefix: str = "fd_t", template: str | None = None) -> Iterator[Database]:
    """A new database (a copy of `template` when given), dropped afterwards."""
    admin_url = make_url(PG_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    d = make_database(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        yield d
    finally:
        d.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
