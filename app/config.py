"""Where the data lives and which database to open (--data-dir, FRONTDESK_HOME, --db-url)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from app.errors import StorageError

DB_FILENAME = "frontdesk.sqlite3"
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "sshfs", "fuse.sshfs", "davfs",
              "fuse.davfs2", "glusterfs", "ceph", "lustre", "fuse.rclone"}


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    db_url: str

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def sqlite_file(self) -> Path | None:
        if self.db_url.startswith("sqlite:///"):
            return Path(self.db_url[len("sqlite:///"):])
        return None

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")


def resolve_paths(data_dir: str | None = None, db_url: str | None = None) -> Paths:
    d = data_dir or os.environ.get("FRONTDESK_HOME") or user_data_dir("FrontDesk", "FrontDesk")
    base = Path(d).expanduser().resolve()
    url = db_url or os.environ.get("FRONTDESK_DB_URL") or ""
    if not url:
        url = f"sqlite:///{base / DB_FILENAME}"
    return Paths(data_dir=base, db_url=url)


def _mount_fstype(path: Path) -> str | None:
    """The file-system type of the mount holding `path` (Linux: /proc/mounts)."""
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return None
    best, fstype = "", None
    target = str(path.resolve())
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mnt = parts[1].replace("\\040", " ")
        if (target == mnt or target.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
            best, fstype = mnt, parts[2]
    return fstype


def _windows_is_network(path: Path) -> bool:
    s = str(path)
    if s.startswith("\\\\") or s.startswith("//"):
        return True
    if sys.platform == "win32" and len(s) >= 2 and s[1] == ":":
        import ctypes

        drive_remote = 4
        return ctypes.windll.kernel32.GetDriveTypeW(s[:2] + "\\") == drive_remote  # type: ignore[attr-defined]
    return False


def network_share_problem(path: Path) -> str | None:
    """Refuse SQLite on a network share: WAL does not work there and the file gets corrupted."""
    if _windows_is_network(path):
        kind = "网络共享路径"
    else:
        probe = path if path.exists() else path.parent
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        fstype = _mount_fstype(probe)
        if fstype is None or fstype.lower() not in NETWORK_FS:
            return None
        kind = f"网络文件系统（{fstype}）"
    return (f"数据库文件位于{kind}上：{path}\n"
            "SQLite 数据库放在网络共享上会损坏（多台电脑同时写入时锁机制失效）。"
            "请把数据目录放在本机磁盘（--data-dir），"
            "或者多个前台共用一台 PostgreSQL 数据库（--db-url postgresql+psycopg://…）。")


def check_location(paths: Paths) -> None:
    f = paths.sqlite_file
    if f is not None and (p := network_share_problem(f)):
        raise StorageError(p, code="network_share")
