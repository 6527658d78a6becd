"""Open the database for the app: location check, corruption check, backup, migrate, seed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from app import backup
from app.config import Paths, check_location
from app.errors import StorageError
from db import migrate
from db.engine import Database, make_database
from db.models import Department

DEPARTMENTS = [
    ("service", "客服部"),
    ("engineering", "工程部"),
    ("security", "秩序维护部"),
    ("cleaning", "保洁部"),
    ("sales", "销售部"),
    ("finance", "财务部"),
]


def ensure_reference_data(session: Session) -> None:
    have = set(session.scalars(select(Department.code)))
    for code, name in DEPARTMENTS:
        if code not in have:
            session.add(Department(code=code, name=name, active=True))


def open_database(paths: Paths, *, migrate_now: bool = True) -> Database:
    """Raise StorageError (code 'corrupt', 'network_share', 'readonly'...) rather than guess."""
    check_location(paths)
    f = paths.sqlite_file
    if f is not None:
        try:
            f.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"无法创建数据目录 {f.parent}：{e.strerror or e}", code="readonly") from e
        if f.exists() and f.stat().st_size > 0 and (problem := backup.quick_check(f)) is not None:
            raise StorageError(f"数据库文件已损坏或无法读取：{f}\n（{problem}）", code="corrupt",
                               path=str(f))
    db = make_database(paths.db_url)
    try:
        if migrate_now:
            if migrate.needs_upgrade(db.engine):
                if f is not None and f.exists() and not migrate.is_empty(db.engine):
                    backup.backup_now(paths, kind="pre-migrate")
                migrate.upgrade(db.engine)
            with db.Session.begin() as s:
                ensure_reference_data(s)
    except OperationalError as e:
        db.dispose()
        msg = str(e.orig) if e.orig else str(e)
        if "readonly" in msg or "read-only" in msg:
            raise StorageError(f"数据库文件是只读的，无法保存：{f}", code="readonly") from e
        if "locked" in msg:
            raise StorageError("数据库被其他程序锁定，请稍后再试", code="locked") from e
        raise StorageError(f"无法打开数据库：{msg}", code="open_failed") from e
    except SQLAlchemyError as e:
        db.dispose()
        raise StorageError(f"无法打开数据库：{e}", code="open_failed") from e
    return db
