"""Reception log at 1,000,000 rows: first page, room filter, text search — next to raw sqlite3.

    .venv/bin/python -m tests.perf.bench_calls            # 1,000,000 rows
    .venv/bin/python -m tests.perf.bench_calls --rows 200000 --keep

Not collected by pytest. Each service query (app.calls.list_calls through SQLAlchemy) is measured
next to the same query in raw sqlite3 in the same run; text search is measured with plain LIKE and
with the FTS5 trigram table proposed in the report (FTS_DDL below), created here on the copy.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIRST_PAGE_MS = 150.0
ROOM_MS = 50.0
TEXT_MS = 100.0
HOUSEHOLDS = 2000

FTS_DDL = """
CREATE VIRTUAL TABLE calls_fts USING fts5(
    caller_name, content, action_taken, contact,
    content='calls', content_rowid='id', tokenize='trigram');
CREATE TRIGGER calls_fts_ai AFTER INSERT ON calls BEGIN
    INSERT INTO calls_fts(rowid, caller_name, content, action_taken, contact)
    VALUES (new.id, new.caller_name, new.content, new.action_taken, new.contact);
END;
CREATE TRIGGER calls_fts_ad AFTER DELETE ON calls BEGIN
    INSERT INTO calls_fts(calls_fts, rowid, caller_name, content, action_taken, contact)
    VALUES ('delete', old.id, old.caller_name, old.content, old.action_taken, old.contact);
END;
CREATE TRIGGER calls_fts_au AFTER UPDATE OF caller_name, content, action_taken, contact ON calls BEGIN
    INSERT INTO calls_fts(calls_fts, rowid, caller_name, content, action_taken, contact)
    VALUES ('delete', old.id, old.caller_name, old.content, old.action_taken, old.contact);
    INSERT INTO calls_fts(rowid, caller_name, content, action_taken, contact)
    VALUES (new.id, new.caller_name, new.content, new.action_taken, new.contact);
END;
INSERT INTO calls_fts(calls_fts) VALUES ('rebuild');
"""

RAW_COLS = ("c.id, c.at, c.channel, c.kind, c.room_id, r.code, c.caller_name, c.contact, "
            "c.declined_contact, c.content, c.action_taken, c.taken_by, c.duration_seconds, "
            "c.complaint_id, c.repair_ref, c.suggestion_status, c.suggestion_reason, "
            "c.suggestion_decided_by")
RAW_FROM = "FROM calls c LEFT JOIN rooms r ON c.room_id = r.id"
RAW_ORDER = "ORDER BY c.at DESC, c.id DESC LIMIT 200 OFFSET 0"


def timed(fn: Callable[[], object], runs: int = 7) -> tuple[float, object]:
    fn()  # warm the cache
    xs = []
    out: object = None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        xs.append((time.perf_counter() - t) * 1000)
    return statistics.median(xs), out


def build(path: Path, rows: int) -> None:
    from sqlalchemy import insert

    from app import demo_calls
    from app.database import ensure_reference_data
    from db import migrate
    from db.engine import make_database
    from db.models import Building, Room

    db = make_database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    with db.Session.begin() as s:
        ensure_reference_data(s)
        s.execute(insert(Building), [{"id": b, "code": str(b), "name": f"{b}号楼"} for b in range(1, 21)])
        s.execute(insert(Room), [
            {"id": i + 1, "code": f"{i // 100 + 1}-{i % 100 // 50 + 1}-{i % 50 + 101}",
             "building_id": i // 100 + 1, "unit": str(i % 100 // 50 + 1), "number": str(i % 50 + 101),
             "kind": "residence", "occupancy": "occupied", "name": "", "note": "", "active": True,
             "created_by": "bench", "updated_by": "bench"} for i in range(HOUSEHOLDS)])
    db.dispose()
    rng = random.Random(5)
    per_day = 60
    days = rows // per_day + 1
    gen = demo_calls.call_rows(rng, date.today() - timedelta(days=days), days, (per_day, per_day),
                               list(range(1, HOUSEHOLDS + 1)), ["li", "zhang", "chen", "zhou"])
    con = sqlite3.connect(path)
    cols = None
    batch: list[tuple[object, ...]] = []
    n = 0
    for r in gen:
        if n >= rows:
            break
        if cols is None:
            cols = list(r)
        r = dict(r)
        for k in ("at", "created_at", "updated_at"):
            r[k] = r[k].replace(tzinfo=None).isoformat(" ")
        batch.append(tuple(r[c] for c in cols))
        n += 1
        if len(batch) >= 50_000:
            con.executemany(f"INSERT INTO calls ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", batch)
            batch = []
    if batch and cols:
        con.executemany(f"INSERT INTO calls ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", batch)
    con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--db", help="reuse a database built earlier with --keep")
    args = ap.parse_args()

    from app import calls
    from app.calls import CallQuery
    from app.roles import Actor, Role
    from db.engine import make_database

    tmp = Path(tempfile.mkdtemp(prefix="bench-calls-"))
    path = Path(args.db) if args.db else tmp / "calls.sqlite3"
    if not args.db:
        t = time.perf_counter()
        build(path, args.rows)
        print(f"built {args.rows:,} calls in {time.perf_counter() - t:.1f} s ({path})", flush=True)
    actor = Actor("li", Role.ASSISTANT)
    db = make_database(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    room_id = 1234
    room_code = raw.execute("SELECT code FROM rooms WHERE id=?", (room_id,)).fetchone()[0]

    def svc(q: CallQuery) -> Callable[[], object]:
        def run() -> object:
            with db.Session() as s:
                return len(calls.list_calls(s, actor, q))
        return run

    def rawq(sql: str, params: tuple[object, ...] = ()) -> Callable[[], object]:
        return lambda: len(raw.execute(sql, params).fetchall())

    like = "(c.content LIKE ? ESCAPE '\\' OR c.caller_name LIKE ? ESCAPE '\\' OR c.action_taken LIKE ? ESCAPE '\\')"
    cases: list[tuple[str, float, Callable[[], object], Callable[[], object]]] = [
        ("first page (newest 200)", FIRST_PAGE_MS, svc(CallQuery()),
         rawq(f"SELECT {RAW_COLS} {RAW_FROM} {RAW_ORDER}")),
        (f"room filter {room_code}", ROOM_MS, svc(CallQuery(room=room_code)),
         rawq(f"SELECT {RAW_COLS} {RAW_FROM} WHERE c.room_id=? {RAW_ORDER}", (room_id,))),
        ("kind filter 建议", FIRST_PAGE_MS, svc(CallQuery(kind=calls.CallKind.SUGGESTION)),
         rawq(f"SELECT {RAW_COLS} {RAW_FROM} WHERE c.kind='suggestion' {RAW_ORDER}")),
    ]
    texts = [("快递柜", "common 3 chars"), ("孩子在小区内走失", "rare 8 chars"), ("王阿姨", "name 3 chars"),
             ("漏水", "2 chars"), ("魏", "1 char"), ("没有这个词", "no match")]

    def text_cases(mode: str) -> None:
        for t, what in texts:
            p = f"%{t}%"
            if mode == "fts" and len(t) >= 3:
                raw_sql = (f"SELECT {RAW_COLS} {RAW_FROM} WHERE c.id IN (SELECT rowid FROM calls_fts "
                           f"WHERE calls_fts MATCH ?) {RAW_ORDER}")
                params: tuple[object, ...] = (f'"{t}"',)
            else:
                raw_sql = f"SELECT {RAW_COLS} {RAW_FROM} WHERE {like} {RAW_ORDER}"
                params = (p, p, p)
            cases.append((f"text “{t}” ({what}, {mode})", TEXT_MS, svc(CallQuery(text=t)), rawq(raw_sql, params)))

    results = []

    def run_all() -> None:
        for name, target, s_fn, r_fn in cases:
            ms, n = timed(s_fn)
            raw_ms, raw_n = timed(r_fn)
            results.append((name, target, ms, raw_ms, n, raw_n))
            print(f"  {name}: {ms:.1f} ms (raw {raw_ms:.1f} ms), {n} rows", flush=True)
        cases.clear()

    # The migrations create the FTS5 index (0003); the raw baseline asks the same index.
    has_fts = raw.execute("SELECT 1 FROM sqlite_master WHERE name='calls_fts'").fetchone() is not None
    if not has_fts:
        t = time.perf_counter()
        raw.executescript(FTS_DDL)
        raw.commit()
        print(f"FTS5 trigram index built in {time.perf_counter() - t:.1f} s", flush=True)
    text_cases("fts")
    run_all()

    total = raw.execute("SELECT count(*) FROM calls").fetchone()[0]
    print()
    print(f"Reception log, {total:,} rows, SQLite {sqlite3.sqlite_version}; median of 7 runs after one warm-up")
    print()
    print("| query | target | list_calls (SQLAlchemy) | raw sqlite3 | rows | ok |")
    print("|---|---|---|---|---|---|")
    failed = 0
    for name, target, ms, raw_ms, n, raw_n in results:
        ok = ms <= target
        failed += 0 if ok else 1
        same = "" if n == raw_n else f" (raw {raw_n})"
        print(f"| {name} | ≤ {target:.0f} ms | {ms:.1f} ms | {raw_ms:.1f} ms | {n}{same} | {'✓' if ok else '✗'} |")
    raw.close()
    db.dispose()
    if not args.keep and not args.db:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
