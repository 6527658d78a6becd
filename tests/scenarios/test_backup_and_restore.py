"""备份与恢复: backups while the desk works, rotation, restore, and refusing damaged or unsafe files."""

from __future__ import annotations

import calendar
import hashlib
import random
import shutil
import sqlite3
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import app.config
from app import audit, backup, rooms
from app.cli import main
from app.config import Paths, check_location
from app.database import open_database
from app.errors import StorageError
from db import migrate
from db.engine import make_database


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corrupt_middle(path: Path) -> None:
    """Overwrite every page but the first and the last with noise (the header stays valid)."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    assert len(data) >= 3 * page, "too small to corrupt in the middle"
    data[page:-page] = random.Random(0).randbytes(len(data) - 2 * page)
    path.write_bytes(bytes(data))
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def add_room(paths: Paths, actor, code: str) -> None:
    d = make_database(paths.db_url)
    try:
        with d.Session.begin() as s:
            rooms.create_room(s, actor, rooms.RoomData(code=code))
    finally:
        d.dispose()


def room_codes(db_file: Path) -> list[str]:
    with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True) as c:
        return [r[0] for r in c.execute("SELECT code FROM rooms ORDER BY code")]


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONTDESK_DB_URL", raising=False)
    monkeypatch.delenv("FRONTDESK_HOME", raising=False)


# ---------------------------------------------------------------- backing up

def test_backup_is_consistent_while_another_connection_writes(paths):
    db_file = paths.sqlite_file
    committed = 0
    stop = threading.Event()
    failures: list[BaseException] = []

    def writer() -> None:
        nonlocal committed
        try:
            c = sqlite3.connect(db_file, isolation_level=None, timeout=10)
            c.execute("PRAGMA busy_timeout = 10000")
            while not stop.is_set():
                c.execute("BEGIN IMMEDIATE")
                c.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (f"w{committed:06d}", "x" * 200))
                c.execute("COMMIT")
                committed += 1
            c.close()
        except BaseException as e:  # noqa: BLE001 - reported by the test thread
            failures.append(e)

    t = threading.Thread(target=writer)
    t.start()
    taken = []
    try:
        while committed < 50 and t.is_alive():
            time.sleep(0.01)
        for i in range(3):
            before = committed
            dest = backup.backup_now(paths, kind="manual", now=datetime(2026, 11, 25, 10, 0, i))
            taken.append((before, dest, committed))
            time.sleep(0.05)
    finally:
        stop.set()
        t.join(10)
    assert not failures, failures
    for before, dest, after in taken:
        assert backup.quick_check(dest, full=True) is None
        assert not Path(f"{dest}-wal").exists(), "a backup is one self-contained file"
        with sqlite3.connect(dest) as c:
            assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            keys = [r[0] for r in c.execute("SELECT key FROM settings WHERE key LIKE 'w%' ORDER BY key")]
        # A snapshot: every write committed before it started, and never a gap.
        assert before <= len(keys) <= after
        assert keys == [f"w{i:06d}" for i in range(len(keys))]
    assert [r.kind for r in backup.list_backups(paths)] == ["manual"] * 3


def test_rotation_keeps_14_daily_and_12_monthly_and_every_manual_backup(paths, tmp_path):
    seed = tmp_path / "seed.sqlite3"
    with sqlite3.connect(seed) as c:
        c.execute("CREATE TABLE t (x)")
    folder = paths.backups_dir
    folder.mkdir()

    def fake(at: datetime, kind: str) -> str:
        name = f"frontdesk-{at:%Y%m%d-%H%M%S}-{kind}.sqlite3"
        shutil.copyfile(seed, folder / name)
        return name

    today = datetime(2026, 11, 25, 8, 30)
    newest_of_day: dict[date, str] = {}
    day = date(2025, 6, 1)
    while day < today.date():
        newest_of_day[day] = fake(datetime.combine(day, today.time()), "daily")
        if day.day in (5, 15, 25):  # the desk was also closed properly that evening
            newest_of_day[day] = fake(datetime(day.year, day.month, day.day, 18, 5), "exit")
        day += timedelta(days=1)
    kept_by_hand = {fake(datetime(2025, 3, 3, 10, 0), "manual"), fake(datetime(2026, 11, 20, 11, 0), "manual"),
                    fake(datetime(2025, 2, 1, 7, 0), "pre-migrate"), fake(datetime(2025, 4, 1, 7, 0), "pre-restore")}
    (folder / "readme.txt").write_text("not a backup")
    (folder / "frontdesk-old.sqlite3").write_bytes(b"")

    newest = backup.backup_now(paths, kind="daily", now=today)
    newest_of_day[today.date()] = newest.name

    last_14_days = [today.date() - timedelta(days=i) for i in range(14)]
    months = [(2025, 12)] + [(2026, m) for m in range(1, 12)]
    month_ends = [date(y, m, calendar.monthrange(y, m)[1]) for y, m in months[:-1]]  # November: today
    expected_auto = {newest_of_day[d] for d in last_14_days + month_ends}
    assert len(expected_auto) == 14 + 11
    assert "frontdesk-20261115-180500-exit.sqlite3" in expected_auto  # newest of its day

    present = {p.name for p in folder.iterdir()}
    autos = {r.path.name for r in backup.list_backups(paths) if r.kind in backup.AUTO_KINDS}
    assert autos == expected_auto
    assert kept_by_hand <= present
    assert {"readme.txt", "frontdesk-old.sqlite3"} <= present
    assert backup.rotate(paths) == []


# ---------------------------------------------------------------- restoring

def test_restore_brings_the_data_back_and_keeps_the_replaced_file(paths, assistant):
    add_room(paths, assistant, "1-1-101")
    saved = backup.backup_now(paths, kind="manual")
    add_room(paths, assistant, "1-1-102")

    aside = backup.restore(paths, saved, now=datetime(2026, 11, 25, 10, 30))
    assert aside is not None and aside.name == "frontdesk.sqlite3.replaced-20261125-103000"
    assert room_codes(paths.sqlite_file) == ["1-1-101"]
    assert room_codes(aside) == ["1-1-101", "1-1-102"], "the replaced database is kept, nothing is lost"
    d = open_database(paths)
    try:
        with d.Session() as s:
            assert audit.verify_chain(s).ok
    finally:
        d.dispose()


def test_a_damaged_backup_is_refused_and_the_database_untouched(paths, tmp_path):
    good = backup.backup_now(paths, kind="manual")
    bad = tmp_path / "damaged.sqlite3"
    shutil.copyfile(good, bad)
    corrupt_middle(bad)
    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("这不是数据库")
    before = sha256(paths.sqlite_file)
    for candidate in (bad, text_file, tmp_path / "missing.sqlite3"):
        with pytest.raises(StorageError) as e:
            backup.restore(paths, candidate)
        assert e.value.code == "bad_backup"
    assert sha256(paths.sqlite_file) == before
    assert not list(paths.data_dir.glob("*.replaced-*"))


# ---------------------------------------------------------------- the command line

def test_cli_backup_restore_and_check(paths, tmp_path, assistant, capsys):
    base = ["--data-dir", str(paths.data_dir)]
    add_room(paths, assistant, "2-1-301")
    copy = tmp_path / "usb" / "copy.sqlite3"
    assert main([*base, "backup", "--to", str(copy)]) == 0
    assert f"已备份到 {copy}" in capsys.readouterr().out
    assert backup.quick_check(copy) is None and room_codes(copy) == ["2-1-301"]
    into_folder = tmp_path / "usb"
    assert main([*base, "backup", "--to", str(into_folder)]) == 0
    assert len(list(into_folder.glob("frontdesk-*-manual.sqlite3"))) == 1

    add_room(paths, assistant, "2-1-302")
    assert main([*base, "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "已从" in out and "原数据库另存为" in out
    assert room_codes(paths.sqlite_file) == ["2-1-301"]
    assert len(list(paths.data_dir.glob("frontdesk.sqlite3.replaced-*"))) == 1

    assert main([*base, "check"]) == 0
    assert "数据库完好" in capsys.readouterr().out
    assert main([*base, "check", "--full"]) == 0

    bad = tmp_path / "damaged.sqlite3"
    shutil.copyfile(copy, bad)
    corrupt_middle(bad)
    assert main([*base, "restore", str(bad)]) == 2
    assert "备份文件不可用" in capsys.readouterr().err
    assert room_codes(paths.sqlite_file) == ["2-1-301"]


def test_cli_check_finds_a_corrupted_file(paths, tmp_path, capsys):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copyfile(paths.sqlite_file, other / "frontdesk.sqlite3")
    corrupt_middle(other / "frontdesk.sqlite3")
    assert main(["--data-dir", str(other), "check"]) == 1
    assert "数据库损坏" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path / "nowhere"), "check"]) == 2


def test_cli_check_finds_a_broken_audit_chain(paths, assistant, capsys):
    add_room(paths, assistant, "5-1-501")
    add_room(paths, assistant, "5-1-502")
    assert main(["--data-dir", str(paths.data_dir), "check"]) == 0
    with sqlite3.connect(paths.sqlite_file, isolation_level=None) as c:
        c.execute("DROP TRIGGER audit_log_no_update")
        c.execute("UPDATE audit_log SET username = 'someone' WHERE id = 1")
    capsys.readouterr()
    assert main(["--data-dir", str(paths.data_dir), "check"]) == 1
    assert "审计日志异常" in capsys.readouterr().err


# ---------------------------------------------------------------- opening the database safely

def test_open_database_refuses_a_corrupt_file_and_leaves_it_byte_identical(paths):
    corrupt_middle(paths.sqlite_file)
    before = sha256(paths.sqlite_file)
    with pytest.raises(StorageError) as e:
        open_database(paths)
    assert e.value.code == "corrupt" and e.value.params["path"] == str(paths.sqlite_file)
    assert "已损坏" in e.value.message
    assert sha256(paths.sqlite_file) == before
    assert not paths.backups_dir.exists(), "no backup of a damaged file, no migration"


def test_a_database_on_a_network_share_is_refused(paths, tmp_path, monkeypatch):
    monkeypatch.setattr(app.config, "_mount_fstype", lambda _path: "nfs")
    before = sha256(paths.sqlite_file)
    with pytest.raises(StorageError) as e:
        open_database(paths)
    assert e.value.code == "network_share"
    assert "PostgreSQL" in e.value.message and "nfs" in e.value.message
    assert sha256(paths.sqlite_file) == before

    fresh = Paths(data_dir=tmp_path / "share", db_url=f"sqlite:///{tmp_path / 'share' / 'frontdesk.sqlite3'}")
    with pytest.raises(StorageError) as e:
        open_database(fresh)
    assert e.value.code == "network_share"
    assert not (tmp_path / "share" / "frontdesk.sqlite3").exists()
    # Several desks sharing one PostgreSQL server is the supported way.
    check_location(Paths(data_dir=tmp_path, db_url="postgresql+psycopg://desk@server/frontdesk"))

    monkeypatch.setattr(app.config, "_mount_fstype", lambda _path: "ext4")
    open_database(paths).dispose()


FUTURE_MIGRATION = '''"""a future release's migration (test only)"""
import sqlalchemy as sa
from alembic import op

revision = "9999_future"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("future_table", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("future_table")
'''


def test_an_older_database_gets_a_backup_before_it_is_upgraded(paths, tmp_path, assistant, monkeypatch):
    """Today's database opened by a release with one more migration (a real one, added on the fly).

    Editing alembic_version to a made-up revision would only make Alembic fail to find it; a
    genuine extra revision exercises the real path: behind → backup → upgrade.
    """
    add_room(paths, assistant, "7-1-701")
    old_head = migrate.head_revision()
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_future.py").write_text(FUTURE_MIGRATION.format(down=old_head))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(migrate, "HEAD", "9999_future")  # what that release would declare
    assert migrate.head_revision() == "9999_future"

    open_database(paths).dispose()
    pre = [r for r in backup.list_backups(paths) if r.kind == "pre-migrate"]
    assert len(pre) == 1 and pre[0].kind_label == "升级前"
    with sqlite3.connect(pre[0].path) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == old_head
        assert c.execute("SELECT name FROM sqlite_master WHERE name = 'future_table'").fetchone() is None
    assert room_codes(pre[0].path) == ["7-1-701"]

    with sqlite3.connect(paths.sqlite_file) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999_future"
        assert c.execute("SELECT name FROM sqlite_master WHERE name = 'future_table'").fetchone()
    assert room_codes(paths.sqlite_file) == ["7-1-701"]

    open_database(paths).dispose()  # already current: no second backup
    assert len([r for r in backup.list_backups(paths) if r.kind == "pre-migrate"]) == 1
    new = Paths(data_dir=tmp_path / "new", db_url=f"sqlite:///{tmp_path / 'new' / 'frontdesk.sqlite3'}")
    open_database(new).dispose()  # a brand-new database has nothing to back up
    assert backup.list_backups(new) == []
