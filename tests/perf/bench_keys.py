"""Key cabinet (钥匙柜, issue 7) with 5,000 hooks: the grid painted and a search highlighted, next to raw sqlite3.

    .venv/bin/python -m tests.perf.bench_keys                        # both cabinet sets, 3 attempts
    .venv/bin/python -m tests.perf.bench_keys --keep                 # build once under /tmp, reuse it
    .venv/bin/python -m tests.perf.bench_keys --keep --attempts 1 --runs 9 --plans --only search
    .venv/bin/python -m tests.perf.bench_keys --keep --profile       # cProfile of a paint and a search
    .venv/bin/python -m tests.perf.bench_keys --keep --proposals     # the proposed changes, on copies

Not collected by pytest. Two cabinet sets of 5,000 hooks each, each in its own database file with the
same rooms and a year of history: "one" is one cabinet of 50 rows × 100 columns, "four" is four
cabinets of 25 × 50 (the realistic set). Offscreen Qt (QT_QPA_PLATFORM=offscreen), the app's CJK font.

Targets (issue 7): a cabinet of the set paints within 200 ms; a search highlights within 50 ms.

"Paints" is the time from the clerk choosing the cabinet to the grid on screen: `keys.cabinet_grid`
in a read session + `CabinetGridView.set_cells` + the event loop until the grid's viewport has
painted (the view sized like the grid of the 钥匙柜 tab in a maximized 1920×1080 window), measured
(1) on `ui.key_grid.CabinetGridView` alone and (2) on the real `ui.panels.keys.KeysPanel` switching
its cabinet box (four) or running its switch slot's body (one: there is nothing to switch to). A
view sized to show all 5,000 hooks at once (11,600 × 3,300 px at the 116 × 66 cells) is painted too,
for the cost of every hook's delegate; no screen shows that, so it is not judged.

"Search highlights": `keys.find` + `keys.hook_positions` in one read session, then the model's
highlight, the current index, scrollTo, and the event loop until painted; for a room code, a key
number, an open loan's slip serial (JY-…), a deposit slip (TC-…), a handover slip (JF-…, keys no
longer on hooks: message only) and a code that matches nothing. On the panel, `run_search()` as the
Enter key calls it (the 250 ms debounce of typing is not counted).

Next to each, interleaved run by run, raw sqlite3 runs the same SELECTs by hand on the same file.
The database is built the way the app builds one (migrations, reference data), then filled in bulk
with executemany in one transaction; like a clerk's file it has no ANALYZE statistics. Load guards as
in bench.py: each attempt waits for a quiet machine; the calm attempt with the fastest raw baseline
is reported. About 4 minutes for both sets (18 with --proposals); the files take 7–15 s each to
build (--keep caches them under /tmp/frontdesk-bench-keys).

`--proposals` measures the changes proposed in docs/performance.md ("Key cabinet (issue 7)"), each
on its own copy of the file, before and after interleaved: indexes A–C (DDL on the copy), D and F
(app.keys functions swapped while the copy is measured), E (a HookDelegate subclass installed on the
copy's views: swapping a Qt virtual on the class while views live crashes PySide6 6.12), and checks
that E paints the same pixels. Nothing is applied to the code. Prints only; the figures in
docs/performance.md are copied from its output.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import os
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PAINT_MS = 200.0
SEARCH_MS = 50.0
ROOMS = 2000
LOANS = 30_000
DAYS = 365
HUNG_SHARE = 0.9
GEN_VERSION = 2  # bump when the generator or the schema changes: a cached file of another version is rebuilt
# (2: the indexes of 0006 added in place, ix_key_events_ref, ix_keys_deposit_id, ix_keys_acceptance_id)
CACHE = Path(tempfile.gettempdir()) / "frontdesk-bench-keys"
TS = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite (UTCDateTime: naive UTC)
# The 钥匙柜 tab in a maximized 1920×1080 window: less the title bar, the task bar, the main tab bar
# and the status bar.
PANEL_SIZE = (1920, 960)

LAYOUTS: dict[str, list[tuple[str, int, int]]] = {
    "one": [("1号钥匙柜", 50, 100)],
    "four": [(f"{i}号钥匙柜", 25, 50) for i in range(1, 5)],
}
# Keys on hooks by kind (4,500 = 90 % of 5,000 hooks), hung kind by kind in room order, as a clerk
# fills a cabinet section by section.
HUNG_KINDS = [("construction", "S", 900), ("decoration_1", "Z1", 700), ("decoration_2", "Z2", 1400),
              ("official", "G", 1100), ("deposit", "T", 400)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志海波"
COMPANIES = ("华建装饰", "金螳螂家装", "东易日盛", "业之峰装饰", "城市人家", "轻舟装饰", "名雕装饰", "居然装饰",
             "星艺装饰", "尚品宅配", "龙发装饰", "生活家装饰", "圣都家装", "德尔地板安装队", "欧派橱柜安装部")
PURPOSES = {"contractor": ("水电改造", "瓷砖铺贴", "吊顶施工", "墙面乳胶漆", "橱柜安装", "木门安装", "地板铺装",
                           "防水施工"),
            "staff": ("入户维修", "查看漏水", "水表抄表", "燃气检查", "暖气放水", "空置房巡查"),
            "owner": ("业主忘带钥匙", "业主取物", "业主验房"),
            "sales": ("带客户看房", "样板间开放", "看房")}
CLERKS = ("li", "zhang", "chen", "zhou")

KEY_COLS = ("id", "number", "room_id", "kind", "copies", "lock_no", "door", "state", "hook_id", "home_hook_label",
            "note", "acceptance_id", "deposit_id", "replaced_by_id", "created_at", "created_by", "updated_at",
            "updated_by")
LOAN_COLS = ("id", "serial", "borrower_kind", "borrower_name", "staff_id", "work_id", "contractor_id", "company",
             "permit_no", "person_id", "phone", "purpose", "escort_id", "lent_at", "due_at", "state", "returned_at",
             "returned_by", "received_by", "return_note", "reminders", "last_reminded_at", "created_at",
             "created_by", "updated_at", "updated_by")
ITEM_COLS = ("loan_id", "key_id", "copies", "returned_copies")
EVENT_COLS = ("key_id", "at", "username", "action", "from_state", "to_state", "note", "ref")
REMINDER_COLS = ("loan_id", "at", "username", "method", "note")
INCIDENT_COLS = ("key_id", "kind", "copies", "source", "reported_at", "reported_by", "description", "loan_id",
                 "state", "consent_by", "consent_at", "consent_note", "remedy", "approved_by", "resolved_at",
                 "outcome", "created_at", "created_by", "updated_at", "updated_by")


def ts(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).strftime(TS)


def log(msg: str) -> None:
    print(msg, flush=True)


def ins(con: sqlite3.Connection, table: str, cols: tuple[str, ...], rows: list[tuple[Any, ...]],
        same_as: dict[str, str] | None = None) -> None:
    """executemany INSERT. A NOT NULL column without a default that the generator does not know (the
    schema moved on) gets the value of the column `same_as` names, else 0 or '' by its type, and is logged."""
    extra, fill = [], []
    for _cid, name, type_, notnull, default, pk in con.execute(f"PRAGMA table_info({table})"):
        if name in cols or not notnull or default is not None or pk:
            continue
        extra.append(name)
        if same_as and name in same_as:
            fill.append(("column", cols.index(same_as[name])))
        else:
            fill.append(0 if "INT" in type_.upper() or "BOOL" in type_.upper() else "")
    if extra:
        log(f"  {table}: filling {', '.join(extra)} (not known to the generator)")
        rows = [(*r, *(r[f[1]] if isinstance(f, tuple) else f for f in fill)) for r in rows]
        cols = (*cols, *extra)
    con.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", rows)


# ------------------------------------------------------------------ the data


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "137", "150", "151", "158", "186", "187", "188", "177", "133")) + \
        f"{rng.randrange(10**8):08d}"


def _id_number(rng: random.Random) -> str:
    return f"11010{rng.randrange(10)}{rng.randrange(1950, 2000)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}" \
        f"{rng.randrange(1000):03d}{rng.choice('0123456789X')}"


def _daytime(rng: random.Random, day: datetime, tz: Any) -> datetime:
    """A local working-hours time on that day, as UTC."""
    h = rng.choices(range(8, 20), (6, 12, 12, 10, 6, 8, 11, 11, 9, 7, 4, 2))[0]
    local = datetime.combine(day.astimezone(tz).date(), dtime(h, rng.randrange(60), rng.randrange(60)), tzinfo=tz)
    return local.astimezone(UTC)


class Serials:
    """PREFIX-YYYY-NNNNNN counted per local year, handed out in time order (as app.records.next_serial)."""

    def __init__(self, prefix: str) -> None:
        self.prefix, self.n = prefix, {}  # type: ignore[var-annotated]

    def __call__(self, at: datetime) -> str:
        year = at.astimezone().year
        self.n[year] = self.n.get(year, 0) + 1
        return f"{self.prefix}{year}-{self.n[year]:06d}"


def build(path: Path, layout: str, seed: int = 7) -> dict[str, Any]:
    """A migrated database (as app.database.open_database leaves it) with 2,000 rooms, the cabinet set
    `layout` (5,000 hooks), keys on 90 % of the hooks and a year of loans, deposits, handovers,
    incidents, counts and events. Returns what the build made."""
    from sqlalchemy import insert, select

    from app.database import ensure_reference_data
    from app.keys import LoanRules, default_label
    from db import migrate
    from db.engine import make_database
    from db.models import Building, Contractor, Department, Room, Staff

    t_start = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    tz = datetime.now().astimezone().tzinfo
    db = make_database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    with db.Session.begin() as s:
        ensure_reference_data(s)
    with db.Session.begin() as s:
        s.execute(insert(Building), [{"id": b, "code": str(b), "name": f"{b}号楼"} for b in range(1, 11)])
        rooms: list[dict[str, Any]] = []
        for b in range(1, 11):
            for unit in (1, 2):
                for floor in range(1, 26):
                    for k in range(1, 5):
                        number = f"{floor}{k:02d}"
                        rooms.append({"id": len(rooms) + 1, "code": f"{b}-{unit}-{number}", "building_id": b,
                                      "unit": str(unit), "number": number, "floor": floor, "kind": "residence",
                                      "occupancy": "vacant_unsold" if rng.random() < 0.08 else "occupied",
                                      "name": "", "note": "", "active": True, "created_by": "bench",
                                      "updated_by": "bench"})
        s.execute(insert(Room), rooms)
        dep = dict(s.execute(select(Department.code, Department.id)).all())
        staff = []
        for code, n in (("engineering", 8), ("service", 6), ("sales", 4), ("security", 6)):
            for _ in range(n):
                j = len(staff) + 1
                staff.append({"id": j, "name": _name(rng), "work_id": f"{code[:2].upper()}{j:03d}",
                              "department_id": dep[code], "phone": _mobile(rng), "active": True,
                              "created_by": "bench", "updated_by": "bench"})
        s.execute(insert(Staff), staff)
        s.execute(insert(Contractor), [{"id": i + 1, "company": c, "contact": _name(rng), "phone": _mobile(rng),
                                        "active": True, "created_by": "bench", "updated_by": "bench"}
                                       for i, c in enumerate(COMPANIES)])
    db.dispose()
    t_schema = time.perf_counter()

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("BEGIN IMMEDIATE")
    year_ago = now - timedelta(days=DAYS)
    set_up = now - timedelta(days=DAYS + 400)
    codes = {r["id"]: r["code"] for r in rooms}

    # Cabinets and hooks; labels checked on a third of the hooks within the year.
    hooks: list[tuple[int, str, int, int, str]] = []  # (hook id, cabinet name, row, col, label) in cabinet order
    cab_rows, hook_rows = [], []
    for c, (name, nrows, ncols) in enumerate(LAYOUTS[layout], start=1):
        cab_rows.append((c, name, nrows, ncols, "客服中心钥匙间", c, 1, ts(set_up), "zhang", ts(set_up), "zhang"))
        for r in range(nrows):
            for col in range(ncols):
                hid = len(hooks) + 1
                lbl = default_label(r, col)
                hooks.append((hid, name, r, col, lbl))
                checked = year_ago + timedelta(days=rng.uniform(0, DAYS)) if rng.random() < 0.33 else None
                hook_rows.append((hid, c, r, col, lbl, ts(checked), rng.choice(CLERKS) if checked else "",
                                  1 if checked and rng.random() < 0.1 else 0))
    ins(con, "key_cabinets", ("id", "name", "rows", "cols", "location", "sort_order", "active", "created_at",
                              "created_by", "updated_at", "updated_by"), cab_rows)
    ins(con, "key_hooks", ("id", "cabinet_id", "row", "col", "label", "label_checked_at", "label_checked_by",
                           "label_replaced"), hook_rows)

    # Acceptances (YS-) for the construction keys, deposits (TC-) for the deposit keys.
    ys = Serials("YS-")
    acc_rows = []
    for a in range(1, 31):
        at = set_up + timedelta(days=a * 3)
        acc_rows.append((a, ys(at), a % len(COMPANIES) + 1, COMPANIES[a % len(COMPANIES)], _name(rng), ts(at), "",
                         ts(at), "zhang", ts(at), "zhang"))
    ins(con, "key_acceptances", ("id", "serial", "contractor_id", "company", "handed_by", "accepted_at", "note",
                                 "created_at", "created_by", "updated_at", "updated_by"), acc_rows)

    # Keys on hooks: a random 90 % of the hooks, filled kind by kind in room order.
    n_hung = round(len(hooks) * HUNG_SHARE)
    scale = n_hung / sum(n for _, _, n in HUNG_KINDS)
    used_hooks = sorted(rng.sample(range(len(hooks)), n_hung))
    planned: list[tuple[str, str, int]] = []  # (kind, suffix, room id)
    for kind, suffix, n in HUNG_KINDS:
        for room in sorted(rng.sample(range(1, ROOMS + 1), round(n * scale))):
            planned.append((kind, suffix, room))
    planned = planned[:n_hung]
    key_rows: list[list[Any]] = []
    hung: list[int] = []  # key ids on hooks
    kind_of: dict[int, str] = {}
    room_of: dict[int, int] = {}
    copies_of: dict[int, int] = {}
    taken = set()
    ts_setup = ts(set_up)
    dep_serial = Serials("TC-")
    deposits: list[tuple[Any, ...]] = []
    for (kind, suffix, room), hi in zip(planned, used_hooks, strict=False):
        kid = len(key_rows) + 1
        hid, cab_name, _r, _c, lbl = hooks[hi]
        number = f"{codes[room]}-{suffix}"
        taken.add(number)
        copies = rng.choices((1, 2, 3), (70, 25, 5))[0]
        created = set_up + timedelta(days=rng.uniform(0, 400 + DAYS - 30))
        deposit_id = None
        if kind == "deposit":
            deposit_id = len(deposits) + 1
            deposits.append((deposit_id, dep_serial(created), room, None, _name(rng), _id_number(rng), _mobile(rng),
                             ts(created), rng.choice(("业主出差，托存钥匙", "出租期间托存", "装修期间托存")), "held",
                             None, "", "", "", ts(created), "li", ts(created), "li"))
        key_rows.append([kid, number, room, kind, copies, 1, "入户门", "in", hid, f"{cab_name}-{lbl}", "",
                         rng.randrange(1, 31) if kind == "construction" else None, deposit_id, None,
                         ts(created), "li", ts(created), "li"])
        hung.append(kid)
        kind_of[kid], room_of[kid], copies_of[kid] = kind, room, copies

    # Keys no longer on a hook: handed over at move-in (JF-), deposits given back, old keys retired by
    # a lock change (the room's new key hangs in their place).
    events: list[tuple[Any, ...]] = []
    jf = Serials("JF-")
    handed_rooms = rng.sample([r for r in range(1, ROOMS + 1) if f"{codes[r]}-Z1" not in taken], 1000)
    hand_rows: list[tuple[Any, ...]] = []
    for at, room in sorted((set_up + timedelta(days=rng.uniform(30, 400 + DAYS - 1)), r) for r in handed_rooms):
        serial = jf(at)
        hand_rows.append((len(hand_rows) + 1, serial, room, "move_in", _name(rng), None, ts(at), None, "", ts(at),
                          "li", ts(at), "li"))
        for suffix, kind in (("Z1", "decoration_1"), ("G", "official")):
            number = f"{codes[room]}-{suffix}"
            if number in taken:
                continue
            taken.add(number)
            kid = len(key_rows) + 1
            created = at - timedelta(days=rng.uniform(30, 300))
            key_rows.append([kid, number, room, kind, 1, 1, "入户门", "handed", None, "", "", None, None, None,
                             ts(created), "li", ts(at), "li"])
            events.append((kid, ts(created), "li", "create", "", "in", "", ""))
            events.append((kid, ts(at), "li", "hand_over", "in", "handed", "", serial))
    for _ in range(200):  # deposits given back against the owner's ID
        room = rng.randrange(1, ROOMS + 1)
        number = f"{codes[room]}-T"
        if number in taken:
            continue
        taken.add(number)
        at = set_up + timedelta(days=rng.uniform(0, 400 + DAYS - 60))
        back = at + timedelta(days=rng.uniform(3, 60))
        did = len(deposits) + 1
        serial = dep_serial(at)
        owner = _name(rng)
        deposits.append((did, serial, room, None, owner, _id_number(rng), _mobile(rng), ts(at), "业主出差，托存钥匙",
                         "returned", ts(back), owner, "", "li", ts(at), "li", ts(back), "li"))
        kid = len(key_rows) + 1
        key_rows.append([kid, number, room, "deposit", 1, 1, "入户门", "handed", None, "", "", None, did, None,
                         ts(at), "li", ts(back), "li"])
        events.append((kid, ts(at), "li", "deposit", "", "in", "", serial))
        events.append((kid, ts(back), "li", "give_back", "in", "handed", f"交还 {owner}", serial))
    deposits.sort(key=lambda d: d[0])
    incidents: list[tuple[Any, ...]] = []
    for kid in rng.sample([k for k in hung if kind_of[k] == "official"], 30):  # lock changes within the year
        at = year_ago + timedelta(days=rng.uniform(0, DAYS - 10))
        old_id = len(key_rows) + 1
        row = key_rows[kid - 1]
        key_rows.append([old_id, f"{row[1]}-旧", row[2], "official", 1, 1, "入户门", "retired", None, "", "", None, None,
                         kid, ts(at - timedelta(days=300)), "li", ts(at), "zhang"])
        row[5] = 2  # the hanging key is the new lock's
        incidents.append((old_id, "lost", 1, "report", ts(at - timedelta(days=2)), "li", "业主钥匙丢失，要求换锁", None,
                          "resolved", _name(rng), ts(at - timedelta(days=1)), "业主同意换锁", "lock_change", "zhang",
                          ts(at), "已换锁，旧钥匙作废", ts(at), "li", ts(at), "zhang"))
        events.append((old_id, ts(at), "zhang", "retire", "lost", "retired", "换锁作废", ""))
    for kid in hung:  # how each hanging key came in
        row = key_rows[kid - 1]
        action = {"construction": "accept", "deposit": "deposit"}.get(row[3], "create")
        ref = acc_rows[row[11] - 1][1] if row[11] else (deposits[row[12] - 1][1] if row[12] else "")
        events.append((kid, row[14], "li", action, "", "in", row[9], ref))

    # A year of loans (JY-), in time order, each key lent only when it is back; the ones not back
    # by now are open, and those past their due time are overdue.
    rules = LoanRules()
    jy = Serials("JY-")
    lendable = [k for k in hung if kind_of[k] != "deposit"]
    busy_until: dict[int, datetime] = {}
    day_w = [0.75 if (year_ago + timedelta(days=d)).astimezone(tz).weekday() >= 5 else 1.0 for d in range(DAYS + 1)]
    starts = sorted(_daytime(rng, year_ago + timedelta(days=d), tz)
                    for d in rng.choices(range(DAYS + 1), day_w, k=LOANS))
    starts = [t for t in starts if t < now - timedelta(minutes=5)]
    loan_rows, item_rows, reminder_rows = [], [], []
    staff_ids = [s["id"] for s in staff]
    work_ids = {s["id"]: s["work_id"] for s in staff}
    sales_ids = [s["id"] for s in staff if s["work_id"].startswith("SA")]
    eng_ids = [s["id"] for s in staff if s["work_id"].startswith("EN")]
    far = now + timedelta(days=3650)
    for lent in starts:
        kind = rng.choices(("contractor", "staff", "owner", "sales"), (45, 35, 12, 8))[0]
        want = rng.choices((1, 2, 3), (82, 14, 4))[0]
        picked: list[int] = []
        for _ in range(12 * want):
            k = rng.choice(lendable)
            if busy_until.get(k, lent) <= lent and k not in picked:
                picked.append(k)
                if len(picked) == want:
                    break
        if not picked:
            continue
        due = rules.due(kind, lent)
        if kind == "contractor":
            back = lent + timedelta(days=min(rng.lognormvariate(math.log(2.5), 0.8), 30))
        elif rng.random() < 0.03:  # a same-day loan forgotten overnight
            back = due + timedelta(hours=rng.uniform(14, 60))
        else:
            back = min(lent + timedelta(hours=rng.uniform(0.3, 5)), due - timedelta(minutes=rng.uniform(1, 30)))
            back = max(back, lent + timedelta(minutes=10))
        lid = len(loan_rows) + 1
        serial = jy(lent)
        open_ = back > now
        short = not open_ and rng.random() < 0.002 and any(copies_of[k] > 1 for k in picked)
        sid = rng.choice(sales_ids) if kind == "sales" else (rng.choice(staff_ids) if kind == "staff" else None)
        cid = rng.randrange(1, len(COMPANIES) + 1) if kind == "contractor" else None
        name = _name(rng)
        n_rem, last_rem = 0, None
        if due < min(back, now):
            t = due + timedelta(hours=rng.uniform(1, 20))
            while t < min(back, now) and n_rem < 4:
                n_rem, last_rem = n_rem + 1, t
                reminder_rows.append((lid, ts(t), rng.choice(CLERKS), rng.choice(("phone", "phone", "visit", "message")),
                                      "已电话联系，答应尽快归还"))
                for k in picked:
                    events.append((k, ts(t), "li", "remind", "", "", f"电话催还 {name}", serial))
                t += timedelta(days=rng.uniform(1, 3))
        clerk = rng.choice(CLERKS)
        loan_rows.append((lid, serial, kind, name, sid, work_ids[sid] if sid else "", cid,
                          COMPANIES[cid - 1] if cid else "", f"XK-{rng.randrange(10000):04d}" if cid else "", None,
                          _mobile(rng), rng.choice(PURPOSES[kind]),
                          rng.choice(eng_ids) if kind == "contractor" and rng.random() < 0.3 else None,
                          ts(lent), ts(due), "out" if open_ else ("short" if short else "returned"),
                          None if open_ else ts(back), "" if open_ else name, "" if open_ else clerk,
                          "少还1把，已上报" if short else "", n_rem, ts(last_rem), ts(lent), clerk,
                          ts(lent if open_ else back), clerk))
        for k in picked:
            n = copies_of[k]
            short_here = short and n > 1
            returned = None if open_ else (n - 1 if short_here else n)
            item_rows.append((lid, k, n, returned))
            events.append((k, ts(lent), clerk, "lend", "in", "out", f"{name} {n}把", serial))
            if not open_:
                events.append((k, ts(back), clerk, "return", "out", "in",
                               f"{name} 归还 {returned}把" + ("，短缺 1把" if short_here else ""), serial))
                if short_here:
                    copies_of[k] -= 1
                    incidents.append((k, "lost", 1, "return", ts(back), clerk, "少还1把", lid, "resolved", _name(rng),
                                      ts(back + timedelta(days=1)), "业主同意补配", "recut", "zhang",
                                      ts(back + timedelta(days=3)), "已补配1把", ts(back), clerk, ts(back), "zhang"))
            busy_until[k] = far if open_ else back
    out_keys = {k for k, t in busy_until.items() if t == far}
    # Lost or damaged keys still on their hooks, reported and waiting for the owner or the supervisor.
    lost_damaged = rng.sample([k for k in hung if k not in out_keys and kind_of[k] != "deposit"], 27)
    for i, k in enumerate(lost_damaged):
        what = "lost" if i < 18 else "damaged"
        at = now - timedelta(days=rng.uniform(1, 40))
        incidents.append((k, what, 1, "report" if i % 3 else "count", ts(at), "li",
                          "钥匙遗失，借用人找不到" if what == "lost" else "钥匙齿断，无法开锁", None,
                          "consented" if i % 2 else "reported", _name(rng) if i % 2 else "",
                          ts(at + timedelta(hours=5)) if i % 2 else None, "", "", "", None, "", ts(at), "li", ts(at),
                          "li"))
        events.append((k, ts(at), "li", "report", "in", what, "报告主管", ""))
    for k in out_keys:
        key_rows[k - 1][7] = "out"
    for k in lost_damaged:
        key_rows[k - 1][7] = "lost" if lost_damaged.index(k) < 18 else "damaged"
    for k in copies_of:
        key_rows[k - 1][4] = copies_of[k]

    # Monthly counts (盘点) of every cabinet, a line per hook.
    counts, lines = [], []
    for m in range(12):
        at = now - timedelta(days=30 * m + 3)
        for c, (_cab, nrows, ncols) in enumerate(LAYOUTS[layout], start=1):
            cid = len(counts) + 1
            first = sum(r * cc for _, r, cc in LAYOUTS[layout][: c - 1])
            cab_hooks = range(first + 1, first + nrows * ncols + 1)
            key_on = {row[8]: row[0] for row in key_rows if row[8] is not None and first < row[8] <= cab_hooks[-1]}
            present = sum(1 for h in cab_hooks if h in key_on)
            counts.append((cid, c, ts(at), ts(at + timedelta(hours=2)), rng.choice(CLERKS), present, present, 0, 0, "",
                           ts(at), "li", ts(at), "li"))
            lines.extend((cid, h, key_on.get(h), "present" if h in key_on else "empty", "", None) for h in cab_hooks)

    ins(con, "key_deposits", ("id", "serial", "room_id", "person_id", "owner_name", "owner_id_number", "phone",
                              "deposited_at", "reason", "state", "returned_at", "returned_to", "returned_to_id_number",
                              "returned_by", "created_at", "created_by", "updated_at", "updated_by"), deposits)
    ins(con, "key_handovers", ("id", "serial", "room_id", "kind", "recipient", "person_id", "at", "permit_id", "note",
                               "created_at", "created_by", "updated_at", "updated_by"), hand_rows)
    ins(con, "keys", KEY_COLS, [tuple(r) for r in key_rows], same_as={"accepted_copies": "copies"})
    ins(con, "key_loans", LOAN_COLS, loan_rows)
    ins(con, "key_loan_items", ITEM_COLS, item_rows)
    ins(con, "key_reminders", REMINDER_COLS, reminder_rows)
    ins(con, "key_incidents", INCIDENT_COLS, incidents)
    events.sort(key=lambda e: e[1])
    ins(con, "key_events", EVENT_COLS, events)
    ins(con, "key_counts", ("id", "cabinet_id", "started_at", "finished_at", "counted_by", "expected", "present",
                            "missing", "unexpected", "note", "created_at", "created_by", "updated_at", "updated_by"),
        counts)
    ins(con, "key_count_lines", ("count_id", "hook_id", "key_id", "result", "note", "incident_id"), lines)
    permits = rng.sample(range(1, ROOMS + 1), 500)
    ins(con, "decoration_permits", ("id", "room_id", "permit_no", "issued_on", "fees_paid", "receipt_no", "paid_on",
                                    "note", "created_at", "created_by", "updated_at", "updated_by"),
        [(i, r, f"ZX-{i:05d}", (now - timedelta(days=rng.uniform(0, 600))).date().isoformat(), 1, f"SJ-{i:06d}",
          None, "", ts_setup, "li", ts_setup, "li") for i, r in enumerate(permits, start=1)])
    con.execute("COMMIT")
    con.execute(f"PRAGMA user_version = {GEN_VERSION}")  # a marker for --keep; migrations do not use it
    con.close()  # the last connection checkpoints and removes the WAL: one self-contained file
    return {"schema_s": t_schema - t_start, "fill_s": time.perf_counter() - t_schema,
            "size_mb": path.stat().st_size / 1e6}


def database_file(args: argparse.Namespace, layout: str, work: Path) -> tuple[Path, dict[str, Any] | None]:
    """The file to measure for a layout: --keep a cached build (made if missing), else a new one in `work`."""
    from db import migrate
    from db.engine import make_database

    if args.keep:
        CACHE.mkdir(parents=True, exist_ok=True)
        path = CACHE / f"keys-{layout}-v{GEN_VERSION}.sqlite3"
        if path.exists() and not args.rebuild:
            db = make_database(f"sqlite:///{path}")
            behind = migrate.needs_upgrade(db.engine)
            db.dispose()
            con = sqlite3.connect(path)
            version = con.execute("PRAGMA user_version").fetchone()[0]
            con.close()
            if not behind and version == GEN_VERSION:
                log(f"reusing {path} (built earlier with --keep; --rebuild to make it again)")
                return path, None
            log(f"{path} is out of date (schema behind: {behind}, generator v{version}); rebuilding")
        for f in CACHE.glob(f"{path.name}*"):
            f.unlink()
    else:
        path = work / f"keys-{layout}.sqlite3"
    info = build(path, layout)
    log(f"built {layout}: {info['schema_s'] + info['fill_s']:.1f} s (schema {info['schema_s']:.1f} s, "
        f"fill {info['fill_s']:.1f} s), {info['size_mb']:.0f} MB: {path}")
    return path, info


def describe(raw: sqlite3.Connection) -> dict[str, Any]:
    one = lambda sql: raw.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "cabinets": raw.execute("SELECT c.name, c.rows, c.cols, count(h.id) FROM key_cabinets c "
                                "JOIN key_hooks h ON h.cabinet_id = c.id GROUP BY c.id ORDER BY c.id").fetchall(),
        "hooks": one("SELECT count(*) FROM key_hooks"),
        "keys": one("SELECT count(*) FROM keys"),
        "hung": one("SELECT count(*) FROM keys WHERE hook_id IS NOT NULL"),
        "states": dict(raw.execute("SELECT state, count(*) FROM keys WHERE hook_id IS NOT NULL GROUP BY state "
                                   "ORDER BY 2 DESC")),
        "off": dict(raw.execute("SELECT state, count(*) FROM keys WHERE hook_id IS NULL GROUP BY state")),
        "loans": one("SELECT count(*) FROM key_loans"),
        "items": one("SELECT count(*) FROM key_loan_items"),
        "open": one("SELECT count(*) FROM key_loans WHERE state = 'out'"),
        "overdue": raw.execute("SELECT count(*) FROM key_loans WHERE state = 'out' AND due_at < ?",
                               (ts(datetime.now(UTC)),)).fetchone()[0],
        "events": one("SELECT count(*) FROM key_events"),
        "reminders": one("SELECT count(*) FROM key_reminders"),
        "deposits": one("SELECT count(*) FROM key_deposits"),
        "handovers": one("SELECT count(*) FROM key_handovers"),
        "incidents": one("SELECT count(*) FROM key_incidents"),
        "count_lines": one("SELECT count(*) FROM key_count_lines"),
        "first": one("SELECT min(lent_at) FROM key_loans")[:10],
        "last": one("SELECT max(lent_at) FROM key_loans")[:10],
        "analyzed": one("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'") > 0,
    }


# ------------------------------------------------------------------ raw sqlite3: the service's SELECTs by hand


RAW_GRID = ("SELECT key_hooks.id, key_hooks.row, key_hooks.col, key_hooks.label, key_hooks.label_checked_at, "
            "keys.id, keys.number, rooms.code, keys.kind, keys.state, keys.copies FROM key_hooks "
            "LEFT OUTER JOIN keys ON keys.hook_id = key_hooks.id LEFT OUTER JOIN rooms ON rooms.id = keys.room_id "
            "WHERE key_hooks.cabinet_id = ? ORDER BY key_hooks.row, key_hooks.col")
RAW_OPEN_LOANS = ("SELECT key_loan_items.key_id, key_loans.borrower_name, key_loans.company, key_loans.due_at, "
                  "key_loans.serial FROM key_loan_items JOIN key_loans ON key_loans.id = key_loan_items.loan_id "
                  "WHERE key_loans.state = 'out' AND key_loan_items.returned_copies IS NULL")
RAW_FIND = {
    "JY-": ("SELECT key_loan_items.key_id FROM key_loan_items JOIN key_loans ON key_loans.id = key_loan_items.loan_id "
            "WHERE key_loans.serial = ? ORDER BY key_loan_items.id"),
    "TC-": "SELECT keys.id FROM keys JOIN key_deposits ON key_deposits.id = keys.deposit_id WHERE key_deposits.serial = ?",
    "YS-": ("SELECT keys.id FROM keys JOIN key_acceptances ON key_acceptances.id = keys.acceptance_id "
            "WHERE key_acceptances.serial = ? ORDER BY keys.id"),
    "JF-": "SELECT key_events.key_id FROM key_events WHERE key_events.ref = ? AND key_events.action = 'hand_over'",
}
RAW_KEY_TYPED = "SELECT keys.id FROM keys WHERE keys.number IN ({})"  # as typed or in capitals: the unique index
RAW_KEY_NUMBER = "SELECT keys.id FROM keys WHERE upper(keys.number) = ?"  # last: a scan ignoring case
RAW_ROOM = "SELECT rooms.id FROM rooms WHERE rooms.code = ?"
RAW_ROOM_KEYS = ("SELECT keys.id FROM keys WHERE keys.room_id = ? AND keys.hook_id IS NOT NULL "
                 "ORDER BY keys.kind, keys.number")
RAW_POSITIONS = ("SELECT keys.id, key_hooks.cabinet_id, key_hooks.row, key_hooks.col FROM keys "
                 "JOIN key_hooks ON key_hooks.id = keys.hook_id WHERE keys.id IN ({})")


def raw_grid(con: sqlite3.Connection, cabinet_id: int) -> list[Any]:
    rows = con.execute(RAW_GRID, (cabinet_id,)).fetchall()
    if any(r[9] == "out" for r in rows):
        con.execute(RAW_OPEN_LOANS).fetchall()
    return rows


def raw_find(con: sqlite3.Connection, text: str) -> tuple[tuple[int, ...], dict[int, tuple[int, int, int]]]:
    """What keys.find + keys.hook_positions send, in the same order, through sqlite3."""
    from app.validation import clean_room_code, normalize_text

    t = normalize_text(text).upper()
    ids: tuple[int, ...] = ()
    for prefix, sql in RAW_FIND.items():
        if t.startswith(prefix):
            ids = tuple(dict.fromkeys(r[0] for r in con.execute(sql, (t,))))
            break
    else:
        typed = sorted({normalize_text(text), t})
        row = con.execute(RAW_KEY_TYPED.format(",".join("?" * len(typed))), typed).fetchone()
        if row is not None:
            ids = (row[0],)
        else:
            room = con.execute(RAW_ROOM, (clean_room_code(text),)).fetchone()
            if room is not None:
                ids = tuple(r[0] for r in con.execute(RAW_ROOM_KEYS, (room[0],)))
            else:
                row = con.execute(RAW_KEY_NUMBER, (t,)).fetchone()
                ids = (row[0],) if row is not None else ()
    if not ids:
        return (), {}
    pos = {k: (c, r, col) for k, c, r, col in con.execute(RAW_POSITIONS.format(",".join("?" * len(ids))), ids)}
    return ids, pos


# ------------------------------------------------------------------ the cases


@dataclass
class Case:
    name: str
    target: float
    kind: str            # "grid": paint a cabinet; "search": a search; "full": every hook painted (not judged)
    level: str           # "service", "view", "panel"
    cabinet: int = 0     # grid: the cabinet chosen; search: the cabinet on screen before the search
    text: str = ""
    judged: bool = True


@dataclass
class Timing:
    case: Case
    total: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    parts: dict[str, list[float]] = field(default_factory=dict)
    size: str = ""        # hooks painted, or keys found (on hooks)
    same: bool = True     # the service's result equals the raw one
    note: str = ""

    def part(self, name: str, ms: float) -> None:
        self.parts.setdefault(name, []).append(ms)


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = (len(s) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


@dataclass
class Targets:
    """What the searches look for, picked from the file."""

    room: str
    key: str
    loan: str
    deposit: str
    handover: str
    key_other: str = ""      # four: a key number in another cabinet than the one on screen
    loan_other: str = ""


def pick_targets(raw: sqlite3.Connection) -> Targets:
    """A room with keys in several places, a key and an open loan's key two thirds into cabinet 1 (so the
    view must scroll), the same in cabinet 3 when there is one, a held deposit's slip, a handover slip."""
    def key_at(cab: int, state: str) -> tuple[str, int]:
        rows, cols = raw.execute("SELECT rows, cols FROM key_cabinets WHERE id = ?", (cab,)).fetchone()
        return raw.execute(
            "SELECT k.number, k.id FROM keys k JOIN key_hooks h ON h.id = k.hook_id WHERE h.cabinet_id = ? "
            "AND k.state = ? ORDER BY abs(h.row - ?) + abs(h.col - ?) LIMIT 1",
            (cab, state, rows * 2 // 3, cols * 2 // 3)).fetchone()

    def loan_of(key_id: int) -> str:
        return raw.execute("SELECT l.serial FROM key_loans l JOIN key_loan_items i ON i.loan_id = l.id "
                           "WHERE i.key_id = ? AND l.state = 'out'", (key_id,)).fetchone()[0]

    room = raw.execute("SELECT r.code FROM rooms r JOIN keys k ON k.room_id = r.id WHERE k.hook_id IS NOT NULL "
                       "GROUP BY r.id ORDER BY count(*) DESC, r.code LIMIT 1").fetchone()[0]
    key = key_at(1, "in")[0]
    loan = loan_of(key_at(1, "out")[1])
    deposit = raw.execute("SELECT serial FROM key_deposits WHERE state = 'held' ORDER BY id DESC LIMIT 1").fetchone()[0]
    handover = raw.execute("SELECT serial FROM key_handovers ORDER BY id DESC LIMIT 1").fetchone()[0]
    t = Targets(room, key, loan, deposit, handover)
    if raw.execute("SELECT count(*) FROM key_cabinets").fetchone()[0] >= 3:
        t.key_other = key_at(3, "in")[0]
        t.loan_other = loan_of(key_at(3, "out")[1])
    return t


def make_cases(layout: str, cabinets: list[int], t: Targets) -> list[Case]:
    first = cabinets[0]
    out: list[Case] = []
    for level in ("service", "view", "panel"):
        for cab in (cabinets if layout == "four" and level != "service" else cabinets[:1]):
            out.append(Case(f"{level}: paint cabinet {cab}", PAINT_MS, "grid", level, cab))
    out.append(Case("view: every hook at once (a view the size of the whole cabinet)", PAINT_MS, "full", "view",
                    first, judged=False))
    searches = [("room code", t.room), ("key number", t.key), ("loan slip (open)", t.loan),
                ("deposit slip", t.deposit), ("handover slip (keys off hooks)", t.handover),
                ("no match", "9-9-9999")]
    if t.key_other:
        searches += [("key number in cabinet 3", t.key_other), ("loan slip in cabinet 3", t.loan_other)]
    out.append(Case("view: repaint the grid area, nothing changed (the delegates alone)", PAINT_MS, "repaint",
                    "view", first, judged=False))
    for level in ("service", "view", "panel"):
        for what, text in searches:
            out.append(Case(f"{level}: search {what} {text}", SEARCH_MS, "search", level, first, text))
    return out


# ------------------------------------------------------------------ measuring


def _pump(app: Any, painted: Callable[[], bool]) -> None:
    """Run the event loop (delayed layouts, update requests) until `painted()` says the grid is drawn."""
    for _ in range(6):
        app.processEvents()
        if painted():
            return
    raise RuntimeError("the grid was not painted")


class PaintCounter:
    """Counts paint events of a widget (the grid's viewport)."""

    def __init__(self, widget: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        counter = self

        class Filter(QObject):
            def eventFilter(self, _obj: Any, event: Any) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    counter.n += 1
                return False

        self.n = 0
        self._filter = Filter()
        widget.installEventFilter(self._filter)


class Bench:
    """One layout's file: a read-only SQLAlchemy database, raw sqlite3, a standalone grid view and (on a
    copy with users) the real KeysPanel."""

    def __init__(self, layout: str, path: Path, work: Path, with_panel: bool, tag: str = "") -> None:
        from PySide6.QtWidgets import QApplication

        from db.engine import make_database
        from ui import i18n
        from ui.key_grid import CabinetGridView

        self.layout, self.path, self.tag = layout, path, tag
        self.db = make_database(f"sqlite:///{path}")
        self.raw = sqlite3.connect(path)
        try:  # as ui/launcher.py does before any Qt call (PySide6 6.12 on Python 3.11 drops references to None)
            from ui.gc_guard import guard_none_refcount
        except ImportError:
            pass
        else:
            guard_none_refcount()
        self.app = QApplication.instance() or QApplication([])
        i18n.install(self.app, "zh_CN")
        self.font = i18n.choose_font(self.app)
        self.cabinets = {i: (r, c) for i, r, c in self.raw.execute("SELECT id, rows, cols FROM key_cabinets ORDER BY id")}
        self.panel: Any = None
        self.panel_db: Any = None
        self.panel_error = ""
        if with_panel:
            self._make_panel(work)
        w, h = PANEL_SIZE
        self.view_size = (self.panel.grid.width(), self.panel.grid.height()) if self.panel else (w - 16, h - 200)
        self.view = CabinetGridView()
        self.view.resize(*self.view_size)
        self.view.show()
        self.view_paints = PaintCounter(self.view.viewport())
        self.full = CabinetGridView()
        self.full_paints = PaintCounter(self.full.viewport())
        self.app.processEvents()
        self.show_view(next(iter(self.cabinets)))

    def _make_panel(self, work: Path) -> None:
        try:
            from ui.bus import DataBus
            from ui.panels.keys import KeysPanel
        except Exception as e:  # noqa: BLE001 - the panel may be mid-edit
            self.panel_error = f"ui.panels.keys does not import ({type(e).__name__}: {e})"
            return
        from app import demo
        from app.config import resolve_paths
        from app.context import AppContext
        from app.database import open_database
        from app.roles import Actor, Role

        folder = work / f"panel-{self.layout}{self.tag}"
        folder.mkdir(exist_ok=True)
        paths = resolve_paths(str(folder), None)
        assert paths.sqlite_file is not None
        shutil.copyfile(self.path, paths.sqlite_file)
        self.panel_db = open_database(paths)
        with self.panel_db.Session.begin() as s:
            demo.ensure_demo_users(s)
        ctx = AppContext(paths=paths, database=self.panel_db, actor=Actor("li", Role.ASSISTANT))
        try:
            t0 = time.perf_counter()
            self.panel = KeysPanel(ctx, DataBus())
            self.panel_built_ms = (time.perf_counter() - t0) * 1000
            self.panel.resize(*PANEL_SIZE)
            self.panel.show()
            # The first paint, then the other cabinets read ahead, one per zero-timer (proposal F,
            # applied): a clerk's first search comes later than that.
            for _ in range(3 + 2 * len(self.cabinets)):
                self.app.processEvents()
            self.panel_paints = PaintCounter(self.panel.grid.viewport())
        except Exception as e:  # noqa: BLE001 - report, do not lose the other figures
            self.panel_error = f"KeysPanel could not be built: {type(e).__name__}: {e}"
            self.panel = None

    def visible_hooks(self) -> int:
        v = self.view
        vp = v.viewport()
        r0, r1 = v.rowAt(0), v.rowAt(vp.height() - 1)
        c0, c1 = v.columnAt(0), v.columnAt(vp.width() - 1)
        rows, cols = self.cabinets[v.grid_model.cabinet_id]
        r1 = rows - 1 if r1 < 0 else r1
        c1 = cols - 1 if c1 < 0 else c1
        return (r1 - r0 + 1) * (c1 - c0 + 1)

    def close(self) -> None:
        for w in (self.view, self.full, self.panel):
            if w is not None:
                w.close()
                w.deleteLater()
        self.app.processEvents()
        self.db.dispose()
        if self.panel_db is not None:
            self.panel_db.dispose()
        self.raw.close()

    # ---- the standalone view
    def show_view(self, cab: int) -> list[Any]:
        from app import keys

        with self.db.read_session() as s:
            cells = keys.cabinet_grid(s, cab)
        rows, cols = self.cabinets[cab]
        self.view.set_cells(rows, cols, cells, cab)
        self.view.grid_model.set_highlight(())
        self.view.scrollToTop()
        n = self.view_paints.n
        _pump(self.app, lambda: self.view_paints.n > n)
        return cells

    def reset_view(self, cab: int) -> None:
        """Back to the state before a search: the cabinet on screen, nothing outlined, at the top."""
        from PySide6.QtCore import QModelIndex

        if self.view.grid_model.cabinet_id != cab:
            self.show_view(cab)
        self.view.grid_model.set_highlight(())
        self.view.setCurrentIndex(QModelIndex())
        self.view.clearSelection()
        self.view.scrollToTop()
        self.view.scrollTo(self.view.grid_model.index(0, 0))
        self.app.processEvents()

    def reset_panel(self, cab: int) -> None:
        p = self.panel
        p.search.clear()
        p.run_search(announce=False)
        if p.current_cabinet_id() != cab:
            p.cabinet.setCurrentIndex(p.cabinet.findData(cab))
        from PySide6.QtCore import QModelIndex

        p.grid.setCurrentIndex(QModelIndex())
        p.grid.scrollToTop()
        self.app.processEvents()

    # ---- one run of a case: (ms, parts, result); result is compared with raw
    def svc(self, c: Case) -> tuple[float, dict[str, float], Any]:
        from app import keys

        positions = getattr(keys, "hook_positions", None)

        def find(s: Any, text: str) -> tuple[Any, dict[int, tuple[int, int, int]]]:
            hit = keys.find(s, text)
            if hit is None:
                return None, {}
            if positions is not None:
                return hit, positions(s, hit.key_ids)
            found = {k: keys.hook_position(s, k) for k in hit.key_ids}
            return hit, {k: v for k, v in found.items() if v is not None}

        parts: dict[str, float] = {}
        if c.level == "service":
            t0 = time.perf_counter()
            with self.db.read_session() as s:
                if c.kind == "grid":
                    cells = keys.cabinet_grid(s, c.cabinet)
                    result: Any = [(x.hook_id, x.key_id) for x in cells]
                else:
                    hit, pos = find(s, c.text)
                    result = (hit.key_ids if hit else (), pos)
            return (time.perf_counter() - t0) * 1000, parts, result

        if c.level == "view":
            v, model = self.view, self.view.grid_model
            if c.kind == "grid":
                if model.cabinet_id == c.cabinet:  # choosing it again: show another first (not timed)
                    self.show_view(next(i for i in self.cabinets if i != c.cabinet) if len(self.cabinets) > 1
                                   else c.cabinet)
                    if len(self.cabinets) == 1:
                        model.clear()
                        self.app.processEvents()
                n = self.view_paints.n
                t0 = time.perf_counter()
                with self.db.read_session() as s:
                    cells = keys.cabinet_grid(s, c.cabinet)
                t1 = time.perf_counter()
                rows, cols = self.cabinets[c.cabinet]
                v.set_cells(rows, cols, cells, c.cabinet)
                v.scrollToTop()
                t2 = time.perf_counter()
                _pump(self.app, lambda: self.view_paints.n > n)
                t3 = time.perf_counter()
                parts = {"db": (t1 - t0) * 1000, "model": (t2 - t1) * 1000, "paint": (t3 - t2) * 1000}
                return (t3 - t0) * 1000, parts, [(x.hook_id, x.key_id) for x in cells]
            if c.kind == "repaint":
                if model.cabinet_id != c.cabinet:
                    self.show_view(c.cabinet)
                n = self.view_paints.n
                t0 = time.perf_counter()
                v.viewport().repaint()
                t1 = time.perf_counter()
                assert self.view_paints.n > n
                return (t1 - t0) * 1000, {}, [(x.hook_id, x.key_id) for x in model.cells()]
            if c.kind == "full":
                rows, cols = self.cabinets[c.cabinet]
                f = self.full
                t0 = time.perf_counter()
                with self.db.read_session() as s:
                    cells = keys.cabinet_grid(s, c.cabinet)
                t1 = time.perf_counter()
                f.set_cells(rows, cols, cells, c.cabinet)
                w = f.verticalHeader().sizeHint().width() + cols * f.columnWidth(0) + 2 * f.frameWidth() + 2
                h = f.horizontalHeader().sizeHint().height() + rows * f.rowHeight(0) + 2 * f.frameWidth() + 2
                f.resize(w, h)
                t2 = time.perf_counter()
                f.grab()
                t3 = time.perf_counter()
                self.full_px = (w, h)
                parts = {"db": (t1 - t0) * 1000, "model": (t2 - t1) * 1000, "paint": (t3 - t2) * 1000}
                return (t3 - t0) * 1000, parts, [(x.hook_id, x.key_id) for x in cells]
            # search on the view: the cabinet c.cabinet on screen, nothing outlined, at the top
            self.reset_view(c.cabinet)
            n = self.view_paints.n
            t0 = time.perf_counter()
            with self.db.read_session() as s:
                hit, pos = find(s, c.text)
            t1 = time.perf_counter()
            db_ms = (t1 - t0) * 1000
            on_hooks = [k for k in (hit.key_ids if hit else ()) if k in pos]
            if on_hooks:
                cab = pos[on_hooks[0]][0]
                if cab != model.cabinet_id:  # the hit hangs in another cabinet: show that one
                    ta = time.perf_counter()
                    with self.db.read_session() as s:
                        cells = keys.cabinet_grid(s, cab)
                    db_ms += (time.perf_counter() - ta) * 1000
                    rows, cols = self.cabinets[cab]
                    v.set_cells(rows, cols, cells, cab)
                model.set_highlight(hit.key_ids)
                v.show_key(on_hooks[0])
            else:
                model.set_highlight(())
            t2 = time.perf_counter()
            if on_hooks:
                _pump(self.app, lambda: self.view_paints.n > n)
            else:
                self.app.processEvents()
            t3 = time.perf_counter()
            parts = {"db": db_ms, "model": (t2 - t0) * 1000 - db_ms, "paint": (t3 - t2) * 1000}
            return (t3 - t0) * 1000, parts, (hit.key_ids if hit else (), pos)

        # the real panel
        p = self.panel
        pc = self.panel_paints
        if c.kind == "grid":
            box = p.cabinet
            if len(self.cabinets) > 1:
                if p.current_cabinet_id() == c.cabinet:  # show another first (not timed)
                    box.setCurrentIndex(box.findData(next(i for i in self.cabinets if i != c.cabinet)))
                    self.app.processEvents()
                n = pc.n
                t0 = time.perf_counter()
                box.setCurrentIndex(box.findData(c.cabinet))  # → _on_cabinet_changed: load_grid, scrollToTop
            else:
                # The only cabinet is loaded again by refresh() after a data change, which drops what was
                # read (F): from the database, as then.
                getattr(p, "_drop_grids", lambda: None)()
                n = pc.n
                t0 = time.perf_counter()
                p.load_grid()  # what _on_cabinet_changed does
                p.grid.scrollToTop()
            t1 = time.perf_counter()
            _pump(self.app, lambda: pc.n > n)
            t2 = time.perf_counter()
            cells = p.grid.grid_model.cells()
            return (t2 - t0) * 1000, {"slot": (t1 - t0) * 1000, "paint": (t2 - t1) * 1000}, \
                [(x.hook_id, x.key_id) for x in cells]
        self.reset_panel(c.cabinet)
        p.search.setText(c.text)
        n = pc.n
        t0 = time.perf_counter()
        hit = p.run_search(announce=True)
        t1 = time.perf_counter()
        if hit is not None and p.grid.grid_model.highlighted():
            _pump(self.app, lambda: pc.n > n)
        else:
            self.app.processEvents()
        t2 = time.perf_counter()
        keys_found = hit.key_ids if hit else ()
        model = p.grid.grid_model
        pos = {k: (model.cabinet_id, model.index_of_key(k).row(), model.index_of_key(k).column())
               for k in keys_found if model.index_of_key(k).isValid()}  # the ones in the cabinet shown
        return (t2 - t0) * 1000, {"slot": (t1 - t0) * 1000, "paint": (t2 - t1) * 1000}, (keys_found, pos)

    def rawq(self, c: Case) -> tuple[float, Any]:
        t0 = time.perf_counter()
        if c.kind in ("grid", "full", "repaint"):
            rows = raw_grid(self.raw, c.cabinet)
            return (time.perf_counter() - t0) * 1000, [(r[0], r[5]) for r in rows]
        ids, pos = raw_find(self.raw, c.text)
        return (time.perf_counter() - t0) * 1000, (ids, pos)

    def same(self, c: Case, svc: Any, raw: Any) -> bool:
        if c.kind in ("grid", "full", "repaint"):
            return svc == raw
        if c.level == "panel":  # the panel shows the keys hanging in the cabinet it switched to
            ids, pos = svc
            rids, rpos = raw
            return tuple(ids) == tuple(rids) and all(rpos.get(k) == v for k, v in pos.items())
        return tuple(svc[0]) == tuple(raw[0]) and svc[1] == raw[1]

    def measure(self, c: Case, runs: int) -> Timing:
        t = Timing(c)
        if c.level == "panel" and self.panel is None:
            t.note = self.panel_error or "no panel"
            return t
        _, _, result = self.svc(c)  # warm-up (statement caches, pages in memory, fonts)
        _, rresult = self.rawq(c)
        t.same = self.same(c, result, rresult)
        if c.kind in ("grid", "full", "repaint"):
            t.size = f"{len(result):,} hooks"
            if c.kind == "repaint":
                t.size = f"{self.visible_hooks()} hooks in sight"
            if c.kind == "full":
                t.note = f"{self.full_px[0]:,} × {self.full_px[1]:,} px"
        else:
            ids, pos = result
            where = "in the cabinet shown" if c.level == "panel" else "on hooks"
            t.size = f"{len(ids)} keys, {len(pos)} {where}" if ids else "not found"
        for i in range(runs):
            order = ("svc", "raw") if i % 2 == 0 else ("raw", "svc")
            for which in order:
                if which == "svc":
                    ms, parts, _ = self.svc(c)
                    t.total.append(ms)
                    for k, v in parts.items():
                        t.part(k, v)
                else:
                    ms, _ = self.rawq(c)
                    t.raw.append(ms)
        return t


def captured_sql(bench: Bench, c: Case) -> list[tuple[str, Any]]:
    """The SELECTs the service sent for a case (to EXPLAIN the real ones)."""
    from sqlalchemy import event

    seen: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(bench.db.engine, "before_cursor_execute", grab)
    try:
        bench.svc(Case(c.name, c.target, c.kind if c.kind != "full" else "grid", "service", c.cabinet, c.text))
    finally:
        event.remove(bench.db.engine, "before_cursor_execute", grab)
    return seen


def plan_of(raw: sqlite3.Connection, sql: str, params: Any) -> str:
    rows = raw.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return "; ".join(r[-1] for r in rows)


# ------------------------------------------------------------------ attempts and the report


def run_attempt(bench: Bench, cases: list[Case], runs: int) -> dict[str, Any]:
    from tests.perf.bench import Disturbance, speed_probe

    before = speed_probe()
    with Disturbance() as dist:
        timings = []
        for c in cases:
            t = bench.measure(c, runs)
            timings.append(t)
            if not t.total:
                log(f"  {c.name}: not measured ({t.note})")
                continue
            parts = " + ".join(f"{k} {med(v):.1f}" for k, v in t.parts.items())
            log(f"  {c.name}: {med(t.total):.1f} ms (p95 {pct(t.total, .95):.1f}){f' = {parts}' if parts else ''}; "
                f"raw {med(t.raw):.2f} ms; {t.size}" + ("" if t.same else "  ** differs from raw **"))
    after = speed_probe()
    return {"timings": timings, "probe": (before, after), "foreign": dist.share,
            "raw_sum": sum(med(t.raw) for t in timings if t.raw)}


def verdict(t: Timing) -> str:
    if not t.total:
        return "not measured"
    if not t.case.judged:
        return "(not judged)"
    return "PASS" if med(t.total) <= t.case.target else "FAIL"


def report(attempt: dict[str, Any]) -> list[str]:
    out = ["| what | target ms | **median** / p95 ms | of which (medians) ms | raw sqlite3 median ms | "
           "hooks / keys found | result |",
           "|---|---:|---:|---|---:|---|---|"]
    for t in attempt["timings"]:
        c = t.case
        if not t.total:
            out.append(f"| {c.name} | ≤ {c.target:.0f} | — | — | — | — | not measured: {t.note} |")
            continue
        p95 = pct(t.total, .95)
        parts = ", ".join(f"{k} {med(v):.1f}" for k, v in t.parts.items()) or "—"
        over = " (over)" if c.judged and p95 > c.target else ""
        note = f"; {t.note}" if t.note else ""
        out.append(f"| {c.name} | ≤ {c.target:.0f} | **{med(t.total):.1f}** / {p95:.1f}{over} | {parts} | "
                   f"{med(t.raw):.2f} | {t.size}{note}{'' if t.same else ' ≠ raw'} | {verdict(t)} |")
    return out


# ------------------------------------------------------------------ proposals (on a copy)


@dataclass
class Proposal:
    name: str
    ddl: str = ""
    cases: tuple[str, ...] = ("",)   # case names containing one of these
    patches: tuple[Callable[[], Callable[[], None]], ...] = ()
    setup: Callable[[Any], None] | None = None   # applied once to the copy's Bench (its views)


def _swap_attr(module: str, name: str, make: Callable[[Any], Any]) -> Callable[[], Callable[[], None]]:
    """A patch: replaces module.name (or module.Class.attr for "Class.attr") by make(old); returns the undo."""
    def apply() -> Callable[[], None]:
        import importlib

        mod = importlib.import_module(module)
        owner: Any = mod
        attr = name
        if "." in name:
            cls, attr = name.split(".")
            owner = getattr(mod, cls)
        old = getattr(owner, attr)
        setattr(owner, attr, make(old))
        return lambda: setattr(owner, attr, old)
    return apply


def _fast_hook_cell(_old: Any) -> Any:
    """HookCell as @dataclass(slots=True) without frozen=True: a frozen dataclass's __init__ sets each of
    its 14 fields through object.__setattr__ (measured: 5,000 cells 20 ms → 3.5 ms)."""
    from app import keys

    @dataclass(slots=True)
    class HookCell:
        hook_id: int
        row: int
        col: int
        label: str
        key_id: int | None = None
        number: str = ""
        room_code: str = ""
        kind: str = ""
        state: str = keys.EMPTY
        copies: int = 0
        holder: str = ""
        due_at: datetime | None = None
        loan_serial: str = ""
        label_checked_at: datetime | None = None

        @property
        def state_label(self) -> str:
            return keys.DISPLAY_LABELS[self.state]

    return HookCell


_KEEP: list[Any] = []  # classes handed to Qt stay alive for the whole run


def _fast_paint() -> Any:
    """HookDelegate.paint drawing the same things with less per hook: the fonts' sizes and ascents read
    once per font (not QFont.key() on every hook), each text drawn at its baseline with
    drawText(x, y, text) instead of drawText(rect, flags, text) (no text layout for the alignment)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont, QPainter, QPen
    from PySide6.QtWidgets import QStyle

    from ui import key_grid as g

    selected_flag = QStyle.StateFlag.State_Selected

    def paint(self: Any, p: Any, option: Any, index: Any) -> None:
        model = index.model()
        c = model.cell(index) if isinstance(model, g.CabinetGridModel) else None
        if c is None:
            return
        base = option.font
        f = self.__dict__.get("_fast")
        if f is None or f[0] != base:
            (small, _badge, number, room), (fm_s, _fm_b, fm_n, fm_r) = self._fonts_for(base)
            f = (QFont(base), small, number, room, fm_s.height(), fm_s.ascent(), fm_n.height(), fm_n.ascent(),
                 fm_r.height(), fm_r.ascent(), fm_n, fm_r)
            self.__dict__["_fast"] = f
        _base, small, number, room, h_s, a_s, h_n, a_n, h_r, a_r, fm_n, fm_r = f
        rect = option.rect
        x, y, w, h = rect.x(), rect.y(), rect.width(), rect.height()
        p.drawPixmap(x, y, self._background(c.state, w, h, p.device().devicePixelRatioF()))
        left, top, width, bottom = x + 10, y + 7, w - 19, y + 7 + h - 14 - 1
        top_h = h_s + 2
        p.setFont(small)
        p.setPen(g.LABEL_INK)
        p.drawText(left, top + (top_h - h_s) // 2 + a_s, c.label)
        if c.key_id is not None:
            ty = top + top_h + 2
            p.setFont(number)
            p.setPen(g.NUMBER_INK)
            p.drawText(left, ty + a_n, self._elide(c.number, fm_n, width))
            ty += h_n
            rh = min(h_r, bottom - ty + 2)
            p.setFont(room)
            p.setPen(g.ROOM_INK)
            p.drawText(left, ty + (rh - h_r) // 2 + a_r, self._elide(c.room_code, fm_r, width))
        selected = bool(option.state & selected_flag)
        lit = c.key_id is not None and model.is_highlighted(c.key_id)
        if selected or lit:
            p.save()
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setBrush(g.Qt.BrushStyle.NoBrush)
            if selected:
                p.setPen(QPen(g.CURRENT, 2))
                p.drawRoundedRect(QRectF(rect).adjusted(2, 2, -2, -2), 6, 6)
            if lit:
                p.setPen(QPen(g.HIGHLIGHT, 3.5))
                p.drawRoundedRect(QRectF(rect).adjusted(2, 2, -2, -2), 6, 6)
            p.restore()

    cls = type("FastHookDelegate", (g.HookDelegate,), {"paint": paint})
    _KEEP.append(cls)
    return cls


def install_fast_delegate(b: Bench) -> None:
    """Proposal E on one bench: its views get the changed delegate (a subclass, installed once: swapping a
    Qt virtual on the class and back while views live crashes PySide6 6.12)."""
    cls = _fast_paint()
    views = [b.view, b.full] + ([b.panel.grid] if b.panel is not None else [])
    for v in views:
        d = cls(v)
        _KEEP.append(d)
        v.setItemDelegate(d)


_PREFETCHED: dict[int, Any] = {}  # F: cabinet id → its grid, fetched ahead (one proposal Bench at a time)


def prefetch_grids(b: Bench) -> None:
    """F on one bench: every cabinet's grid read once ahead, as an idle timer after the first paint would
    (and dropped again on the next data change, as refresh() reloads the grid on screen now)."""
    from app import keys

    _PREFETCHED.clear()
    with b.db.read_session() as s:
        for cab in b.cabinets:
            _PREFETCHED[cab] = keys.cabinet_grid(s, cab)


def _cached_grid(old: Any) -> Any:
    def cabinet_grid(session: Any, cabinet_id: int, now: datetime | None = None) -> Any:
        cells = _PREFETCHED.get(cabinet_id)
        return cells if cells is not None else old(session, cabinet_id, now)
    return cabinet_grid


IX_EVENTS_REF = "CREATE INDEX ix_key_events_ref ON key_events (ref);"
IX_KEYS_SLIPS = ("CREATE INDEX ix_keys_deposit_id ON keys (deposit_id);\n"
                 "CREATE INDEX ix_keys_acceptance_id ON keys (acceptance_id);")
IX_KEYS_UPPER = "CREATE INDEX ix_keys_number_upper ON keys (upper(number));"
P_CELL = _swap_attr("app.keys", "HookCell", _fast_hook_cell)
# (CabinetGridModel.flags returning one precomputed ItemFlag was tried too: PySide6 6.12 then drops a
# reference to that object on every call and the process crashes after a few thousand hooks.)
PROPOSALS: list[Proposal] = [
    Proposal("A. index key_events (ref): a handover slip (JF-) without a scan of every event", IX_EVENTS_REF,
             ("handover slip",)),
    Proposal("B. indexes keys (deposit_id), keys (acceptance_id): a deposit (TC-) or acceptance (YS-) slip",
             IX_KEYS_SLIPS, ("deposit slip",)),
    Proposal("C. index keys (upper(number)): the key number looked up, not scanned", IX_KEYS_UPPER,
             ("search room code", "search key number", "search no match")),
    Proposal("D. HookCell as @dataclass(slots=True), not frozen", "", ("paint cabinet", "every hook"), (P_CELL,)),
    Proposal("E. HookDelegate.paint: fonts read once, texts drawn at their baselines", "",
             ("view:", "panel:"), setup=install_fast_delegate),
    Proposal("F. the other cabinets' grids fetched ahead: a hit in another cabinet needs no query for its grid",
             "", ("in cabinet 3", "deposit slip"), (_swap_attr("app.keys", "cabinet_grid", _cached_grid),),
             setup=prefetch_grids),
    Proposal("ALL of A–E", "\n".join([IX_EVENTS_REF, IX_KEYS_SLIPS, IX_KEYS_UPPER]), ("",), (P_CELL,),
             setup=install_fast_delegate),
    Proposal("ALL of A–F", "\n".join([IX_EVENTS_REF, IX_KEYS_SLIPS, IX_KEYS_UPPER]), ("search",),
             (P_CELL, _swap_attr("app.keys", "cabinet_grid", _cached_grid)),
             setup=lambda b: (install_fast_delegate(b), prefetch_grids(b))),
]


def bench_proposals(bench: Bench, path: Path, work: Path, cases: list[Case], runs: int, only: str | None,
                    max_wait: float = 0) -> list[str]:
    """Each proposal on its own copy of the file: each case before (the file and code as they are) and
    after, interleaved run by run."""
    out: list[str] = []
    for k, prop in enumerate(PROPOSALS):
        if only and only not in prop.name:
            continue
        copy = work / f"proposal-{k}.sqlite3"
        shutil.copyfile(path, copy)
        con = sqlite3.connect(copy)
        t0 = time.perf_counter()
        if prop.ddl:
            con.executescript(prop.ddl)
            con.commit()
        con.close()
        ddl_s = time.perf_counter() - t0
        after = Bench(bench.layout, copy, work, with_panel=bench.panel is not None, tag=f"p{k}")
        if prop.setup is not None:
            prop.setup(after)
        from tests.perf.bench import wait_quiet

        log(f"proposal {prop.name} (DDL {ddl_s:.2f} s); {wait_quiet(0.25, max_wait)}")

        def on(fn: Callable[[], Any], prop: Proposal = prop) -> Any:
            undo = [p() for p in prop.patches]
            try:
                return fn()
            finally:
                for u in undo:
                    u()

        try:
            for c in cases:
                if not any(n in c.name for n in prop.cases) or (c.level == "panel" and after.panel is None):
                    continue
                tb, ta, before_result, after_result = measure_pair(bench, after, on, c, runs)
                changed = before_result != after_result
                log(f"  {c.name}: {med(tb.total):.1f} → {med(ta.total):.1f} ms (raw {med(tb.raw):.2f} → "
                    f"{med(ta.raw):.2f})" + ("  ** other result **" if changed else ""))
                out.append(f"| {prop.name} | {c.name} | {med(tb.total):.1f} | **{med(ta.total):.1f}** / "
                           f"{pct(ta.total, .95):.1f} | {med(tb.raw):.2f} → {med(ta.raw):.2f} | "
                           f"{'other result' if changed else 'same result'} |")
            if prop.setup is install_fast_delegate:
                out.append(f"| {prop.name} | (the grid as painted before and after: {pixel_diff(bench, after, on)}) "
                           "| | | | |")
        finally:
            after.close()
            copy.unlink()
    return out


def pixel_diff(bench: Bench, after: Bench, on: Callable[[Callable[[], Any]], Any]) -> str:
    """How many pixels of the grid view differ, the same cabinet at the top with a search hit outlined."""
    cab = next(iter(bench.cabinets))

    def shot(b: Bench) -> Any:
        b.reset_view(cab)
        b.view.setCurrentIndex(b.view.grid_model.index(1, 1))
        b.view.grid_model.set_highlight([x.key_id for x in b.view.grid_model.cells()[:3] if x.key_id])
        return b.view.grab().toImage()

    a, z = shot(bench), on(lambda: shot(after))
    if a.size() != z.size():
        return "different sizes"
    from PySide6.QtGui import QImage

    a = a.convertToFormat(QImage.Format.Format_ARGB32)
    z = z.convertToFormat(QImage.Format.Format_ARGB32)
    pa, pz = memoryview(a.constBits()).cast("I"), memoryview(z.constBits()).cast("I")
    n = sum(1 for i in range(len(pa)) if pa[i] != pz[i])
    return f"{n:,} of {len(pa):,} pixels differ"


def measure_pair(bench: Bench, after: Bench, on: Callable[[Callable[[], Any]], Any], c: Case,
                 runs: int) -> tuple[Timing, Timing, Any, Any]:
    """Before (`bench`, as is) and after (`after` with the proposal on), interleaved: b a a b b a …"""
    tb, ta = Timing(c), Timing(c)
    bench.svc(c)
    before_result = bench.svc(c)[2]
    after_result = on(lambda: after.svc(c))[2]

    def one(t: Timing, b: Bench) -> None:
        t.total.append(b.svc(c)[0])
        t.raw.append(b.rawq(c)[0])

    for i in range(runs):
        steps = [lambda: one(tb, bench), lambda: on(lambda: one(ta, after))]
        for step in steps if i % 2 == 0 else steps[::-1]:
            step()
    return tb, ta, before_result, after_result


# ------------------------------------------------------------------ profiling


def profile(bench: Bench, cases: list[Case], runs: int) -> None:
    """cProfile of each case (cumulative time, top 30)."""
    for c in cases:
        if c.kind == "full" or (c.level == "panel" and bench.panel is None):
            continue
        pr = cProfile.Profile()
        pr.enable()
        for _ in range(runs):
            bench.svc(c)
        pr.disable()
        buf = io.StringIO()
        pstats.Stats(pr, stream=buf).sort_stats("cumulative").print_stats(30)
        log(f"\n---- profile: {c.name} ({runs} runs)\n" + "\n".join(buf.getvalue().splitlines()[:60]))


# ------------------------------------------------------------------ main


@contextmanager
def frozen_now() -> Iterator[None]:
    """Overdue depends on the time: judge it at one instant for the whole run (service and panel)."""
    from app import keys

    now = datetime.now(UTC)
    old = keys.utcnow
    keys.utcnow = lambda: now  # type: ignore[assignment]
    try:
        yield
    finally:
        keys.utcnow = old  # type: ignore[assignment]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--layout", default="one,four", help="one (1 × 50×100), four (4 × 25×50), or both")
    ap.add_argument("--runs", type=int, default=9, help="repetitions per case after one warm-up")
    ap.add_argument("--attempts", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help=f"build once into {CACHE} and reuse it next time")
    ap.add_argument("--rebuild", action="store_true", help="with --keep: build again even if cached")
    ap.add_argument("--plans", action="store_true", help="print EXPLAIN QUERY PLAN of the service's SQL")
    ap.add_argument("--profile", action="store_true", help="cProfile the view's paint and searches, then stop")
    ap.add_argument("--proposals", action="store_true", help="measure the proposed changes, each on a copy")
    ap.add_argument("--proposal", help="with --proposals: only those whose name contains this")
    ap.add_argument("--prop-runs", type=int, default=7)
    ap.add_argument("--no-panel", action="store_true", help="do not build the real KeysPanel")
    ap.add_argument("--only", help="only the cases whose name contains this")
    ap.add_argument("--shots", help="save a screenshot of the view and the panel after a search into this folder")
    ap.add_argument("--no-wait", action="store_true", help="do not wait for the machine to be quiet")
    args = ap.parse_args()
    if args.proposals:
        # Proposals A–F were applied (d9bff34, 01db68c): their DDL and delegate subclass measured the code
        # before that and no longer apply; the figures are kept in docs/performance.md.
        ap.error("--proposals measured changes that have since been applied (see docs/performance.md)")

    from tests.perf.bench import load_avg, machine_info, wait_quiet

    info = machine_info()
    log(f"{info['date']}; {info['cpu']}, {info['cores']} cores, {info['ram']}; Python {info['python']}, "
        f"PySide6 {info['pyside6']}, SQLAlchemy {info['sqlalchemy']}, SQLite {info['sqlite']}; "
        f"load average {load_avg()}")
    work = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    t_all = time.perf_counter()
    sections: list[str] = []
    failed = False
    try:
        for layout in [x.strip() for x in args.layout.split(",") if x.strip()]:
            path, built = database_file(args, layout, work)
            raw = sqlite3.connect(path)
            d = describe(raw)
            targets = pick_targets(raw)
            raw.close()
            log(f"{layout}: cabinets {d['cabinets']}; {d['hung']:,} keys on {d['hooks']:,} hooks {d['states']}, "
                f"{d['keys'] - d['hung']:,} off hooks {d['off']}; {d['loans']:,} loans ({d['items']:,} items, "
                f"{d['open']} open, {d['overdue']} overdue) {d['first']} … {d['last']}; {d['events']:,} events, "
                f"{d['reminders']:,} reminders, {d['deposits']} deposits, {d['handovers']:,} handovers, "
                f"{d['incidents']} incidents, {d['count_lines']:,} count lines; ANALYZE statistics: {d['analyzed']}")
            with frozen_now():
                bench = Bench(layout, path, work, with_panel=not args.no_panel)
                try:
                    cases = make_cases(layout, list(bench.cabinets), targets)
                    if args.only:
                        cases = [c for c in cases if args.only in c.name]
                    if bench.panel is None and not args.no_panel:
                        log(f"panel not measured: {bench.panel_error}")
                    if args.plans:
                        seen = set()
                        for c in cases:
                            if c.level != "service":
                                continue
                            log(f"{c.name}:")
                            for sql, params in captured_sql(bench, c):
                                if (sql, str(params)) in seen:
                                    continue
                                seen.add((sql, str(params)))
                                log(f"  {' '.join(sql.split())[:160]} …\n    plan: {plan_of(bench.raw, sql, params)}")
                    if args.profile:
                        profile(bench, cases, args.runs)
                        continue
                    attempts = []
                    for n in range(args.attempts):
                        state = wait_quiet(0.25, 0 if args.no_wait else 120)
                        log(f"{layout} attempt {n + 1}/{args.attempts}: {state}")
                        a = run_attempt(bench, cases, args.runs)
                        a["state"] = state
                        attempts.append(a)
                        log(f"  other jobs took {a['foreign']:.0%} of the CPUs; speed probe before / after "
                            f"{a['probe'][0]:.0f} / {a['probe'][1]:.0f} ms; raw baselines summed {a['raw_sum']:.1f} ms")
                    if args.shots:
                        shots(bench, targets, Path(args.shots))
                    prop_lines = (bench_proposals(bench, path, work, cases, args.prop_runs, args.proposal,
                                                  0 if args.no_wait else 60)
                                  if args.proposals else [])
                    if not attempts:
                        sections.append("\n".join(prop_lines))
                        continue
                    calm = [a for a in attempts if a["foreign"] is None or a["foreign"] <= 0.15] or attempts
                    best = min(calm, key=lambda a: a["raw_sum"])
                    lines = [f"### {layout}: " + ", ".join(f"{n} {r}×{c}" for n, r, c, _ in d["cabinets"])
                             + f" ({d['hooks']:,} hooks)", ""]
                    lines.append(f"{d['hung']:,} keys on hooks ({', '.join(f'{k} {v:,}' for k, v in d['states'].items())}), "
                                 f"{d['keys'] - d['hung']:,} off hooks; {d['loans']:,} loans {d['first']} … {d['last']} "
                                 f"({d['items']:,} items, {d['open']} open, {d['overdue']} overdue), "
                                 f"{d['events']:,} key events, {d['count_lines']:,} count lines."
                                 + (f" Built in {built['schema_s'] + built['fill_s']:.1f} s, {built['size_mb']:.0f} MB."
                                    if built else ""))
                    lines.append(f"Grid view {bench.view_size[0]} × {bench.view_size[1]} px (the grid of KeysPanel at "
                                 f"{PANEL_SIZE[0]} × {PANEL_SIZE[1]}); font {bench.font}."
                                 + (f" KeysPanel(ctx, bus) built in {bench.panel_built_ms:.0f} ms." if bench.panel
                                    else f" KeysPanel not measured: {bench.panel_error}"))
                    lines.append(f"Reported: attempt {attempts.index(best) + 1} of {len(attempts)} (fastest raw "
                                 f"baseline); machine before it: {best['state']}; other jobs {best['foreign']:.0%}; "
                                 f"speed probe {best['probe'][0]:.0f} / {best['probe'][1]:.0f} ms.")
                    lines.append("")
                    lines += report(best)
                    lines.append("")
                    for i, a in enumerate(attempts, 1):
                        fails = [t.case.name for t in a["timings"] if verdict(t) == "FAIL"]
                        lines.append(f"- attempt {i}: raw sum {a['raw_sum']:.1f} ms, other jobs {a['foreign']:.0%}, "
                                     f"probe {a['probe'][0]:.0f}/{a['probe'][1]:.0f} ms; FAIL: {', '.join(fails) or 'none'}"
                                     + (" ← reported" if a is best else ""))
                    if prop_lines:
                        lines += ["", f"Proposals, each on its own copy; before and after interleaved, {args.prop_runs} "
                                  "runs each.", "",
                                  "| proposal | case | before ms | **after** / p95 ms | raw before → after ms | result |",
                                  "|---|---|---:|---:|---:|---|", *prop_lines]
                    sections.append("\n".join(lines))
                    failed = failed or any(verdict(t) == "FAIL" for t in best["timings"])
                finally:
                    bench.close()
        print()
        print(f"## Key cabinet, 5,000 hooks; {info['date']}")
        print()
        print(f"{info['cpu']}, {info['cores']} cores, {info['ram']}; Python {info['python']}, PySide6 {info['pyside6']}, "
              f"SQLAlchemy {info['sqlalchemy']}, SQLite {info['sqlite']}. Median and p95 of {args.runs} runs per case "
              "after one warm-up, service and raw interleaved.")
        for s in sections:
            print()
            print(s)
        print(f"\nwhole run {time.perf_counter() - t_all:.0f} s")
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def shots(bench: Bench, t: Targets, folder: Path) -> None:
    """Screenshots after a search for a loan slip (the view and the panel), to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    first = next(iter(bench.cabinets))
    c = Case("shot", SEARCH_MS, "search", "view", first, t.loan)
    bench.svc(c)
    bench.view.grab().save(str(folder / f"{bench.layout}-view-{t.loan}.png"))
    if bench.panel is not None:
        bench.svc(Case("shot", SEARCH_MS, "search", "panel", first, t.room))
        bench.panel.grab().save(str(folder / f"{bench.layout}-panel-{t.room}.png"))
    log(f"screenshots in {folder}")


if __name__ == "__main__":
    raise SystemExit(main())
