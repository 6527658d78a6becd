"""程序被强行结束与两台前台同时写: a desk killed mid-write loses nothing it reported saved; two desks never lose an update."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import audit
from db.engine import make_database
from db.models import Room

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

# Waits for "go", then saves rooms through the real service (audit entry included), printing
# each id once its transaction has committed.
WRITER = """
import sys
from app import rooms
from app.roles import Actor, Role
from db.engine import make_database

url, run = sys.argv[1], sys.argv[2]
db = make_database(url)
actor = Actor(username="crash", role=Role.ASSISTANT)
print("ready", flush=True)
sys.stdin.readline()
i = 0
while True:
    i += 1
    with db.Session.begin() as s:
        row = rooms.create_room(s, actor, rooms.RoomData(code=f"K{run}-1-{i}"))
    print(row.id, flush=True)
"""

# Read-then-update of one counter row, as a desk would do with any record.
COUNTER = """
import sys
from sqlalchemy.exc import OperationalError
from db.engine import make_database
from db.models import Setting

url, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
db = make_database(url)
with db.engine.connect():
    pass
print("ready", flush=True)
sys.stdin.readline()
errors = 0
for _ in range(n):
    try:
        # "plain" is the control: BEGIN DEFERRED (what a read-only session uses).
        s = db.Session() if mode == "immediate" else db.read_session()
        with s, s.begin():
            row = s.get(Setting, "counter")
            row.value = str(int(row.value) + 1)
    except OperationalError:
        if mode == "immediate":
            raise
        errors += 1
print(f"errors {errors}", flush=True)
"""


def _spawn(script: str, *args: str, stderr) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, env=env, text=True,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
    return p


def _wait_ready(p: subprocess.Popen[str], err_file: Path) -> None:
    line = p.stdout.readline()
    assert line == "ready\n", f"child failed to start: {line!r}\n{err_file.read_text()}"


def _finish(p: subprocess.Popen[str], kill: bool = False) -> str:
    """Kill if asked, read what is left on stdout, reap the child and close its pipes."""
    if kill:
        p.send_signal(signal.SIGKILL)
    try:
        p.stdin.close()  # a child still waiting for "go" must not block the read below
    except BrokenPipeError:
        pass
    try:
        return p.stdout.read()
    finally:
        p.stdout.close()
        p.wait(30)


def _go(p: subprocess.Popen[str]) -> None:
    p.stdin.write("go\n")
    p.stdin.flush()


def test_killed_writer_never_loses_a_committed_record(paths, tmp_path):
    runs, ahead = 20, 3
    rng = random.Random(20261125)
    url = paths.db_url
    err_file = tmp_path / "writer.err"
    reported: list[int] = []
    with open(err_file, "w") as err:
        pool: deque[subprocess.Popen[str]] = deque()
        started = 0

        def top_up() -> None:
            # Children import SQLAlchemy while an earlier one is writing: keeps the test short.
            nonlocal started
            while len(pool) < ahead and started < runs:
                pool.append(_spawn(WRITER, url, str(started), stderr=err))
                started += 1

        try:
            for run in range(runs):
                top_up()
                p = pool.popleft()
                top_up()
                _wait_ready(p, err_file)
                _go(p)
                first = p.stdout.readline()
                assert first.strip().isdigit(), f"run {run}: no commit before the kill\n{err_file.read_text()}"
                time.sleep(rng.uniform(0.2, 0.5))
                rest = _finish(p, kill=True)
                assert p.returncode == -signal.SIGKILL
                text = first + rest
                lines = text.split("\n")[:-1]  # a line cut off by the kill was never reported
                ids = [int(x) for x in lines]
                reported += ids

                with sqlite3.connect(paths.sqlite_file) as c:
                    assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"run {run}"
                    present = {r[0] for r in c.execute(
                        f"SELECT id FROM rooms WHERE code LIKE 'K{run}-%'")}
                missing = set(ids) - present
                assert not missing, f"run {run}: committed ids lost after kill -9: {sorted(missing)}"
        finally:
            for p in pool:
                _finish(p, kill=True)

    assert len(reported) >= runs and len(set(reported)) == len(reported)
    d = make_database(url)
    try:
        with d.Session() as s:
            report = audit.verify_chain(s)
            assert report.ok, report.problem
            # Each room and its audit entry share a transaction: never one without the other.
            rooms_saved = s.scalar(select(func.count()).select_from(Room))
            assert rooms_saved >= len(reported) and report.count == rooms_saved
    finally:
        d.dispose()


def _counter_race(paths, tmp_path, mode: str, n: int) -> tuple[int, list[str], list[str]]:
    with sqlite3.connect(paths.sqlite_file) as c:
        c.execute("INSERT INTO settings (key, value) VALUES ('counter', '0')")
    errs = [tmp_path / f"counter{i}.err" for i in range(2)]
    files = [open(e, "w") for e in errs]
    try:
        procs = [_spawn(COUNTER, paths.db_url, str(n), mode, stderr=f) for f in files]
        try:
            for p, e in zip(procs, errs, strict=True):
                _wait_ready(p, e)
            for p in procs:  # both start together
                _go(p)
        finally:
            outs = [_finish(p) for p in procs]
    finally:
        for f in files:
            f.close()
    stderr = [e.read_text() for e in errs]
    for p, err in zip(procs, stderr, strict=True):
        assert p.returncode == 0, err
    with sqlite3.connect(paths.sqlite_file) as c:
        value = int(c.execute("SELECT value FROM settings WHERE key = 'counter'").fetchone()[0])
    return value, outs, stderr


def test_two_desks_incrementing_the_same_record_lose_nothing(paths, tmp_path):
    value, outs, stderr = _counter_race(paths, tmp_path, "immediate", 200)
    assert not any("locked" in e for e in stderr), stderr
    assert outs == ["errors 0\n", "errors 0\n"]
    assert value == 400


def test_control_without_begin_immediate_the_race_shows(paths, tmp_path):
    """Shows the race test above can fail: with a deferred BEGIN, updates collide."""
    value, outs, _ = _counter_race(paths, tmp_path, "plain", 200)
    errors = sum(int(o.split()[1]) for o in outs)
    assert errors > 0 or value < 400
    assert value + errors == 400, "every increment either landed or failed loudly"
