"""What the UI holds: where the data is, the open database, and who is signed in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.config import Paths
from app.errors import ConflictError, StorageError
from app.roles import Actor
from db.engine import Database

T = TypeVar("T")


def _storage_error(e: OperationalError) -> StorageError:
    msg = str(e.orig) if e.orig is not None else str(e)
    if "locked" in msg:
        return StorageError("数据库正被其他程序使用，请稍后再试（内容未丢失）", code="locked")
    if "readonly" in msg or "read-only" in msg:
        return StorageError("数据库是只读的，无法保存", code="readonly")
    if "disk" in msg and "full" in msg:
        return StorageError("磁盘已满，无法保存。请清理磁盘后重试", code="disk_full")
    if "malformed" in msg or "not a database" in msg:
        return StorageError("数据库文件已损坏，请用“文件 → 恢复”从备份恢复", code="corrupt")
    return StorageError(f"数据库错误：{msg}", code="db_error")


@dataclass
class AppContext:
    paths: Paths
    database: Database
    actor: Actor | None = None
    changed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """One user action, one transaction; storage trouble becomes a StorageError."""
        try:
            with self.database.Session.begin() as s:
                yield s
            self.changed = True
        except OperationalError as e:
            raise _storage_error(e) from e
        except IntegrityError as e:
            raise ConflictError("记录已被其他人修改或重复，请刷新后再试（内容未保存）", code="integrity") from e

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Reading only: a plain BEGIN, so a search never waits for another counter's write."""
        try:
            with self.database.read_session() as s:
                yield s
        except OperationalError as e:
            raise _storage_error(e) from e

    def call(self, fn: Callable[..., T], *args: Any, write: bool = True, **kwargs: Any) -> T:
        """Run `fn(session, actor, *args)` in its own transaction."""
        cm = self.tx() if write else self.read()
        with cm as s:
            return fn(s, self.actor, *args, **kwargs)

    def query(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self.call(fn, *args, write=False, **kwargs)
