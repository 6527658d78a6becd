"""Backups with the SQLite backup API, rotation (14 daily, 12 monthly), restore, integrity checks."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.config import Paths
from app.errors import StorageError

NAME_RE = re.compile(r"^frontdesk-(\d{8})-(\d{6})-([a-z-]+)\.sqlite3$")
AUTO_KINDS = {"daily", "exit"}
KEEP_DAILY = 14
KEEP_MONTHLY = 12
KIND_LABELS = {"daily": "每日自动", "exit": "退出时自动", "manual": "手动", "pre-migrate": "升级前",
               "pre-restore": "恢复前"}


@dataclass(frozen=True)
class BackupRow:
    path: Path
    taken_at: datetime
    kind: str
    size: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _require_sqlite(paths: Paths) -> Path:
    f = paths.sqlite_file
    if f is None:
        raise StorageError("当前使用 PostgreSQL 数据库，备份由数据库服务器负责（pg_dump），本程序不做文件备份。",
                           code="not_sqlite")
    return f


def _connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)


def sqlite_copy(src: Path, dest: Path) -> None:
    """A consistent copy of a live database (never a file copy)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    if tmp.exists():
        tmp.unlink()
    try:
        # closing(): `with connect()` only commits; Windows cannot rename a file still open.
        with closing(sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)) as s, \
                closing(sqlite3.connect(tmp)) as d:
            s.backup(d)
            d.execute("PRAGMA journal_mode=DELETE")
        os.replace(tmp, dest)
    except sqlite3.DatabaseError as e:
        if tmp.exists():
            tmp.unlink()
        raise StorageError(f"备份失败：{e}", code="backup_failed") from e
    except OSError as e:
        if tmp.exists():
            tmp.unlink()
        raise StorageError(f"无法写入备份文件 {dest}：{e.strerror or e}", code="backup_failed") from e


def backup_now(paths: Paths, kind: str = "manual", to: Path | None = None,
               now: datetime | None = None) -> Path:
    src = _require_sqlite(paths)
    if not src.exists():
        raise StorageError(f"数据库文件不存在：{src}", code="missing")
    now = now or datetime.now()
    if to is None:
        dest = paths.backups_dir / f"frontdesk-{now:%Y%m%d-%H%M%S}-{kind}.sqlite3"
        n = 1
        while dest.exists():
            dest = paths.backups_dir / f"frontdesk-{now:%Y%m%d-%H%M%S}-{kind}.sqlite3"
            dest = dest.with_name(dest.stem + f"-{n}" + dest.suffix)
            n += 1
    else:
        dest = to / f"frontdesk-{now:%Y%m%d-%H%M%S}-{kind}.sqlite3" if to.is_dir() else to
    sqlite_copy(src, dest)
    if to is None:
        rotate(paths)
    return dest


def list_backups(paths: Paths) -> list[BackupRow]:
    d = paths.backups_dir
    if not d.is_dir():
        return []
    rows = []
    for f in d.iterdir():
        m = NAME_RE.match(f.name)
        if not m:
            continue
        taken = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
        rows.append(BackupRow(f, taken, m.group(3), f.stat().st_size))
    rows.sort(key=lambda r: (r.taken_at, r.path.name), reverse=True)
    return rows


def rotate(paths: Paths) -> list[Path]:
    """Keep the newest automatic backup of each of the last 14 days and of the last 12 months."""
    autos = [r for r in list_backups(paths) if r.kind in AUTO_KINDS]
    keep: set[Path] = set()
    days: dict[str, BackupRow] = {}
    months: dict[str, BackupRow] = {}
    for r in autos:  # newest first
        days.setdefault(r.taken_at.strftime("%Y%m%d"), r)
        months.setdefault(r.taken_at.strftime("%Y%m"), r)
    for key in sorted(days, reverse=True)[:KEEP_DAILY]:
        keep.add(days[key].path)
    for key in sorted(months, reverse=True)[:KEEP_MONTHLY]:
        keep.add(months[key].path)
    removed = []
    for r in autos:
        if r.path not in keep:
            r.path.unlink(missing_ok=True)
            removed.append(r.path)
    return removed


def daily_backup_due(paths: Paths, today: datetime | None = None) -> bool:
    today = today or datetime.now()
    return not any(r.kind == "daily" and r.taken_at.date() == today.date()
                   for r in list_backups(paths))


def quick_check(path: Path, full: bool = False) -> str | None:
    """None when SQLite finds the file sound, else what it said."""
    if not path.exists():
        return "文件不存在"
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
        if head and head != b"SQLite format 3\x00":
            return "不是 SQLite 数据库文件"
        with closing(_connect_ro(path)) as c:
            res = c.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as e:
        return str(e)
    except OSError as e:
        return e.strerror or str(e)
    msgs = [r[0] for r in res]
    return None if msgs == ["ok"] else "; ".join(msgs[:5])


def newest_good_backup(paths: Paths) -> BackupRow | None:
    for r in list_backups(paths):
        if quick_check(r.path) is None:
            return r
    return None


def restore(paths: Paths, backup: Path, now: datetime | None = None) -> Path | None:
    """Put `backup` in place of the database; the replaced file is kept aside and returned.

    The caller must have closed every connection to the database first.
    """
    dest = _require_sqlite(paths)
    if (p := quick_check(backup)) is not None:
        raise StorageError(f"备份文件不可用（{p}）：{backup}", code="bad_backup")
    now = now or datetime.now()
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Copy first: if the disk is full, nothing has been moved yet and the live file is intact.
    tmp = dest.with_name(dest.name + ".restoring")
    try:
        shutil.copyfile(backup, tmp)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"恢复失败，当前数据库未改动：{e.strerror or e}", code="restore_failed") from e
    aside = None
    if dest.exists():
        aside = dest.with_name(f"{dest.name}.replaced-{now:%Y%m%d-%H%M%S}")
        os.replace(dest, aside)
        for suffix in ("-wal", "-shm"):
            side = Path(str(dest) + suffix)
            if side.exists():
                os.replace(side, Path(str(aside) + suffix))
    os.replace(tmp, dest)
    return aside
