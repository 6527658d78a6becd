"""The key cabinet's demo history (app/demo_keys.py): plausible, consistent with the services' rules,
repeatable, quick — and the desk carries on from it with the services."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import app.demo_callbacks
import app.demo_calls
import app.demo_complaints
import app.demo_repairs
from app import demo, keys
from app.keys import TRANSITIONS, Action, Borrower, KeyKind, KeyState, LoanState
from app.roles import Actor, Role
from app.timeutil import local_tz
from app.validation import resident_id_problem
from db.engine import Database, make_database
from db.models import (
    DecorationPermit,
    Department,
    Key,
    KeyAcceptance,
    KeyCabinet,
    KeyCount,
    KeyCountLine,
    KeyDelegate,
    KeyDeposit,
    KeyEvent,
    KeyHandover,
    KeyHook,
    KeyIncident,
    KeyLoan,
    KeyLoanItem,
    KeyReminder,
    Occupant,
    Room,
    Staff,
)

HOUSEHOLDS = 300
S = KeyState
SUPERVISOR = Actor("zhang", Role.SUPERVISOR, None, "张主管")
ASSISTANT = Actor("li", Role.ASSISTANT, None, "李助理")
CUTOFF = datetime.combine(demo.ANCHOR, datetime.min.time(), local_tz()).astimezone(UTC)


def _generate(path: Path, seed: int = 2026) -> float:
    """The demo with only the key cabinet's history (the other procedures' generators stubbed)."""
    d = make_database(f"sqlite:///{path}")
    with pytest.MonkeyPatch.context() as mp:
        for module, name in ((app.demo_calls, "generate_calls"), (app.demo_complaints, "generate_complaints"),
                             (app.demo_callbacks, "generate_callbacks"), (app.demo_repairs, "generate_repairs")):
            mp.setattr(module, name, lambda *a, **k: 0)
        t = time.perf_counter()
        with d.Session.begin() as s:
            demo.generate(s, households=HOUSEHOLDS, months=12, seed=seed)
        elapsed = time.perf_counter() - t
    d.dispose()
    return elapsed


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, _template_sqlite: Path) -> tuple[Path, float]:
    path = tmp_path_factory.mktemp("demo_keys") / "demo.sqlite3"
    shutil.copyfile(_template_sqlite, path)
    return path, _generate(path)


@pytest.fixture
def ddb(built: tuple[Path, float], tmp_path: Path) -> Iterator[Database]:
    """A copy of the demo database for one test (some tests carry on writing)."""
    f = tmp_path / "demo.sqlite3"
    shutil.copyfile(built[0], f)
    d = make_database(f"sqlite:///{f}")
    yield d
    d.dispose()


def test_it_is_quick(built):
    assert built[1] < 5, f"{built[1]:.1f} s"   # ~0.5 s measured for 300 homes (the whole community included)


def test_cabinets_hooks_and_keys_in_every_state(ddb):
    with ddb.Session() as s:
        cabs = {c.name: c for c in keys.cabinets(s)}
        assert {"1号钥匙柜", "公共区域钥匙柜"} <= set(cabs) and len(cabs) in (2, 3)
        assert cabs["1号钥匙柜"].hooks >= 240 and cabs["1号钥匙柜"].keys > 30
        states = Counter(s.scalars(select(Key.state)))
        kinds = Counter(s.scalars(select(Key.kind)))
        assert set(kinds) == {str(k) for k in KeyKind}
        assert states[S.IN] > 10 * states[S.OUT] > 0 and states[S.HANDED] > states[S.IN]
        assert states[S.RETIRED] == 4 and states[S.LOST] == states[S.DAMAGED] == 0
        # Handed over and retired keys hang nowhere; every other key on its own hook, labelled.
        rows = s.execute(select(Key.number, Key.state, Key.hook_id, Key.home_hook_label, KeyCabinet.name, KeyHook.label)
                         .outerjoin(KeyHook, KeyHook.id == Key.hook_id)
                         .outerjoin(KeyCabinet, KeyCabinet.id == KeyHook.cabinet_id)).all()
        hooks = [r.hook_id for r in rows if r.hook_id is not None]
        assert len(hooks) == len(set(hooks))
        for r in rows:
            if r.state in (S.HANDED, S.RETIRED):
                assert (r.hook_id, r.home_hook_label) == (None, ""), r.number
            else:
                assert r.hook_id is not None and r.home_hook_label == f"{r.name}-{r.label}", r.number
        # Keys of vacant homes and of the common areas are in the cabinet; occupied homes' are handed over.
        occ = dict(s.execute(select(Key.number, Room.occupancy).join(Room, Room.id == Key.room_id)).all())
        for number, state in s.execute(select(Key.number, Key.state).where(Key.kind.in_(["official", "decoration_1"]))):
            if occ[number] == "occupied":
                assert state == S.HANDED, number
        assert all(occ[n] == "vacant_unsold" for n in s.scalars(select(Key.number).where(Key.kind == "construction")))
        # Labels checked last month, two of them replaced.
        checked = s.scalar(select(func.count()).select_from(KeyHook).where(KeyHook.label_checked_at.is_not(None)))
        assert checked >= 40 and s.scalar(select(func.count()).select_from(KeyHook)
                                          .where(KeyHook.label_replaced.is_(True))) == 2


def test_a_key_is_out_exactly_while_one_open_loan_holds_it(ddb):
    with ddb.Session() as s:
        out = set(s.scalars(select(Key.id).where(Key.state == S.OUT)))
        held = Counter(s.scalars(select(KeyLoanItem.key_id).join(KeyLoan, KeyLoan.id == KeyLoanItem.loan_id)
                                 .where(KeyLoan.state == LoanState.OUT, KeyLoanItem.returned_copies.is_(None))))
        assert set(held) == out and set(held.values()) == {1}
        for x in s.scalars(select(KeyLoan)):
            items = s.scalars(select(KeyLoanItem).where(KeyLoanItem.loan_id == x.id)).all()
            assert items
            if x.state == LoanState.OUT:
                assert x.returned_at is None and all(i.returned_copies is None for i in items)
            else:
                assert x.returned_at > x.lent_at and all(i.returned_copies is not None for i in items)
                short = sum(i.copies - i.returned_copies for i in items)
                assert (x.state == LoanState.SHORT) == (short > 0) and x.received_by in ("李助理", "张主管")
        # No key on two loans at once.
        spans: dict[int, list[tuple[datetime, datetime]]] = {}
        for key_id, lent, back in s.execute(select(KeyLoanItem.key_id, KeyLoan.lent_at, KeyLoan.returned_at)
                                            .join(KeyLoan, KeyLoan.id == KeyLoanItem.loan_id)):
            spans.setdefault(key_id, []).append((lent, back or datetime.max.replace(tzinfo=UTC)))
        for key_id, ss in spans.items():
            ss.sort()
            assert all(a[1] <= b[0] for a, b in zip(ss, ss[1:], strict=False)), key_id


def test_a_year_of_loans_by_every_borrower_within_the_rules(ddb):
    rules = keys.LoanRules()
    with ddb.Session() as s:
        loans = s.scalars(select(KeyLoan)).all()
        assert 0.4 * HOUSEHOLDS < len(loans) < 2 * HOUSEHOLDS
        assert {x.borrower_kind for x in loans} == {str(b) for b in Borrower}
        assert all(x.lent_at < CUTOFF and (x.returned_at is None or x.returned_at < CUTOFF) for x in loans)
        assert max(x.lent_at for x in loans) - min(x.lent_at for x in loans) > timedelta(days=250)
        staff = {w: (sid, active, dept) for sid, w, active, dept in s.execute(
            select(Staff.id, Staff.work_id, Staff.active, Department.code).join(Department))}
        room_of = dict(s.execute(select(Key.id, Key.room_id)).all())
        occupancy = dict(s.execute(select(Room.id, Room.occupancy)).all())
        owners = set(s.execute(select(Occupant.room_id, Occupant.person_id).where(
            Occupant.relation == "owner", Occupant.active.is_(True))).all())
        late = 0
        for x in loans:
            assert x.due_at == rules.due(x.borrower_kind, x.lent_at), x.serial
            assert x.purpose and x.borrower_name
            room_ids = [room_of[k] for k in s.scalars(select(KeyLoanItem.key_id).where(KeyLoanItem.loan_id == x.id))]
            if x.borrower_kind in (Borrower.STAFF, Borrower.SALES):
                sid, active, dept = staff[x.work_id]
                assert active and sid == x.staff_id and (dept == "sales") == (x.borrower_kind == Borrower.SALES)
            if x.borrower_kind == Borrower.SALES:
                assert all(occupancy[r] == "vacant_unsold" for r in room_ids), x.serial
            if x.borrower_kind == Borrower.OWNER:
                assert all((r, x.person_id) in owners for r in room_ids), x.serial
            if x.borrower_kind == Borrower.CONTRACTOR:
                assert x.company and x.permit_no.startswith("SG-") and x.contractor_id
            if x.escort_id is not None:
                assert staff[s.get(Staff, x.escort_id).work_id][2] == "engineering"
            reminders = s.scalars(select(KeyReminder).where(KeyReminder.loan_id == x.id)
                                  .order_by(KeyReminder.at)).all()
            assert x.reminders == len(reminders)
            assert x.last_reminded_at == (reminders[-1].at if reminders else None)
            assert all(x.due_at < r.at < (x.returned_at or CUTOFF) for r in reminders), x.serial
            if x.returned_at is not None and x.returned_at > x.due_at:
                late += 1
                assert reminders, x.serial   # 催还 before it came back
        assert 0.01 * len(loans) < late < 0.15 * len(loans)
        # Most are back on time.
        on_time = sum(1 for x in loans if x.returned_at is not None and x.returned_at <= x.due_at)
        assert on_time > 0.85 * len(loans)


def test_overdue_loans_wait_on_the_due_list(ddb):
    with ddb.Session() as s:
        at_anchor = keys.due_list(s, SUPERVISOR, now=CUTOFF)
        reasons = Counter(d.reason for d in at_anchor)
        assert reasons["same_day"] == 1 and reasons["chase"] == 1
        chased = next(d.loan for d in at_anchor if d.reason == "chase")
        assert chased.borrower_kind == Borrower.CONTRACTOR and chased.reminders == 2
        assert CUTOFF - chased.lent_at > timedelta(days=7)
        now = keys.due_list(s, SUPERVISOR)
        assert len(now) == 3 and all(d.loan.overdue for d in now)
        assert {r.number for r in keys.list_keys(s, keys.KeyQuery(state=keys.OVERDUE))} == {
            i.number for d in now for i in d.loan.items}


def test_every_key_history_replays_through_the_transition_table(ddb):
    with ddb.Session() as s:
        state_of = dict(s.execute(select(Key.id, Key.state)).all())
        updated = dict(s.execute(select(Key.id, Key.updated_at)).all())
        history: dict[int, list[KeyEvent]] = {}
        for e in s.scalars(select(KeyEvent).order_by(KeyEvent.key_id, KeyEvent.at, KeyEvent.id)):
            history.setdefault(e.key_id, []).append(e)
        assert set(history) == set(state_of)
        for key_id, tl in history.items():
            assert tl[0].from_state == "" and tl[0].to_state == S.IN
            assert tl[0].action in ("accept", "deposit", "create")
            assert [e.id for e in tl] == sorted(e.id for e in tl)      # inserted in time order
            state = S.IN
            for e in tl[1:]:
                assert e.from_state == state, (key_id, e.action)
                if e.action in TRANSITIONS:
                    sources, target, _perm = TRANSITIONS[Action(e.action)]
                    assert S(e.from_state) in sources, (key_id, e.action, e.from_state)
                    if target is not None and e.action != "return":
                        assert e.to_state == target, (key_id, e.action)
                    if e.action == "report":
                        assert e.to_state in (S.LOST, S.DAMAGED, "")
                    if e.action == "return":
                        assert e.to_state in (S.IN, S.LOST)
                    if e.action in ("lend", "return", "hand_over", "give_back"):
                        assert e.ref, (key_id, e.action)
                else:
                    assert e.action in ("remind", "consent") and e.to_state == ""
                state = S(e.to_state) if e.to_state else state
            assert state == state_of[key_id] and updated[key_id] == tl[-1].at
        # The lend and return steps agree with the loans.
        lends = Counter(s.scalars(select(KeyEvent.ref).where(KeyEvent.action == "lend")))
        items = Counter(s.scalars(select(KeyLoan.serial).join(KeyLoanItem, KeyLoanItem.loan_id == KeyLoan.id)))
        assert lends == items


def test_serials_count_per_year_in_time_order(ddb):
    with ddb.Session() as s:
        for model, when, prefix in ((KeyLoan, KeyLoan.lent_at, "JY-"), (KeyDeposit, KeyDeposit.deposited_at, "TC-"),
                                    (KeyAcceptance, KeyAcceptance.accepted_at, "YS-"),
                                    (KeyHandover, KeyHandover.at, "JF-")):
            rows = s.execute(select(model.serial, when).order_by(when, model.id)).all()
            assert rows, prefix
            seen: dict[str, int] = {}
            for serial, at in rows:
                year = str(at.astimezone(local_tz()).year)
                assert serial.startswith(f"{prefix}{year}-"), serial
                seen[year] = seen.get(year, 0) + 1
                assert serial == f"{prefix}{year}-{seen[year]:06d}"


def test_deposits_go_back_only_against_a_matching_id(ddb):
    with ddb.Session() as s:
        deps = s.scalars(select(KeyDeposit)).all()
        assert {d.state for d in deps} == {"held", "returned"} and len(deps) >= HOUSEHOLDS // 50
        assert s.scalar(select(func.count()).select_from(KeyDelegate)) > 0
        for d in deps:
            assert resident_id_problem(d.owner_id_number) is None
            k = s.scalar(select(Key).where(Key.deposit_id == d.id))
            assert k.kind == KeyKind.DEPOSIT and k.number.startswith(s.get(Room, d.room_id).code + "-T")
            if d.state == "held":
                assert k.state == S.IN and k.hook_id is not None and d.returned_at is None
                continue
            assert k.state == S.HANDED and d.returned_at > d.deposited_at and d.returned_by == "li"
            day = d.returned_at.astimezone(local_tz()).date()
            named = {(x.name, x.id_number) for x in s.scalars(select(KeyDelegate).where(
                KeyDelegate.deposit_id == d.id, KeyDelegate.valid_until >= day))}
            assert (d.returned_to, d.returned_to_id_number) in {(d.owner_name, d.owner_id_number)} | named


def test_move_in_handovers_and_the_second_decoration_key(ddb):
    with ddb.Session() as s:
        kinds = Counter(s.scalars(select(KeyHandover.kind)))
        assert kinds["move_in"] > 0.7 * HOUSEHOLDS and 0 < kinds["second_decoration"] <= kinds["move_in"]
        owners = set(s.execute(select(Occupant.room_id, Occupant.person_id).where(Occupant.relation == "owner")).all())
        by_serial: dict[str, list] = {}
        for r in s.execute(select(KeyEvent.ref, Key.kind, Key.room_id, Key.state).join(Key, Key.id == KeyEvent.key_id)
                           .where(KeyEvent.action == "hand_over")):
            by_serial.setdefault(r.ref, []).append(r)
        for h in s.scalars(select(KeyHandover)):
            handed = by_serial.pop(h.serial, [])
            assert handed and all(r.room_id == h.room_id and r.state == S.HANDED for r in handed)
            assert (h.room_id, h.person_id) in owners
            if h.kind == "move_in":
                assert {r.kind for r in handed} == {"decoration_1", "official"} and h.permit_id is None
            else:
                assert {r.kind for r in handed} == {"decoration_2"}
                p = s.get(DecorationPermit, h.permit_id)
                assert p.room_id == h.room_id and p.fees_paid and p.receipt_no and p.paid_on >= p.issued_on
                assert p.paid_on <= h.at.astimezone(local_tz()).date()
        assert by_serial == {}   # every handover step belongs to a handover
        # One permit waits for its fees; its room's second key is still in the cabinet.
        unpaid = s.scalars(select(DecorationPermit).where(DecorationPermit.fees_paid.is_(False))).all()
        assert len(unpaid) == 1 and not unpaid[0].receipt_no
        assert keys.second_key_problem(s, unpaid[0].room_id) == "装修相关费用尚未交清，不能领取第二把装修钥匙"
        z2 = s.scalar(select(Key).where(Key.room_id == unpaid[0].room_id, Key.kind == "decoration_2"))
        assert z2.state == S.IN


def test_a_recut_a_count_that_misses_a_key_and_a_lock_change(ddb):
    with ddb.Session() as s:
        incidents = {i.remedy: i for i in s.scalars(select(KeyIncident))}
        assert set(incidents) == {"recut", "lock_change"}
        assert all(i.state == "resolved" and i.approved_by == "zhang" and i.consent_by for i in incidents.values())
        recut = incidents["recut"]
        assert recut.source == "return" and recut.loan_id is not None and recut.copies == 1
        assert s.get(KeyLoan, recut.loan_id).state == LoanState.SHORT
        k = s.get(Key, recut.key_id)
        assert (k.state, k.copies, k.accepted_copies) == (S.IN, 3, 3)
        # Last month's count of one cabinet: every hook, one key missing, which went to the lost-key
        # procedure and ended in a lock change.
        c = s.scalar(select(KeyCount))
        assert CUTOFF - timedelta(days=40) < c.finished_at < CUTOFF and c.started_at < c.finished_at
        lines = s.scalars(select(KeyCountLine).where(KeyCountLine.count_id == c.id)).all()
        hooks = s.scalar(select(func.count()).select_from(KeyHook).where(KeyHook.cabinet_id == c.cabinet_id))
        assert len(lines) == hooks and len({x.hook_id for x in lines}) == hooks
        results = Counter(x.result for x in lines)
        assert (results["missing"], results["unexpected"]) == (1, 0)
        assert (c.expected, c.present, c.missing, c.unexpected) == (
            results["present"] + 1, results["present"], 1, 0)
        missing = next(x for x in lines if x.result == "missing")
        lock = incidents["lock_change"]
        assert missing.incident_id == lock.id and lock.key_id == missing.key_id and lock.source == "count"
        assert lock.reported_at > c.finished_at
        last = keys.last_count(s)
        assert last is not None and [x.result for x in last.lines] == ["missing"]
        old = s.get(Key, lock.key_id)
        retired = s.scalars(select(Key).where(Key.state == S.RETIRED)).all()
        assert {k.room_id for k in retired} == {old.room_id} and {k.lock_no for k in retired} == {1}
        new = s.scalars(select(Key).where(Key.room_id == old.room_id, Key.lock_no == 2)).all()
        assert len(new) == len(retired) and all(k.state == S.IN and k.hook_id for k in new)
        assert {k.replaced_by_id for k in retired} == {min(k.id for k in new)}
        freed = {e.note for e in s.scalars(select(KeyEvent).where(KeyEvent.key_id.in_([k.id for k in retired]),
                                                                 KeyEvent.action == "accept"))}
        assert freed == {k.home_hook_label for k in new}    # the new keys hang where the old ones did


def test_the_same_seed_gives_the_same_keys(built, tmp_path, _template_sqlite):
    other = tmp_path / "again.sqlite3"
    shutil.copyfile(_template_sqlite, other)
    _generate(other)

    def keys_of(path: Path) -> tuple[list, list]:
        d = make_database(f"sqlite:///{path}")
        with d.Session() as s:
            out = (s.execute(select(Key.number, Key.state, Key.hook_id).order_by(Key.id)).all(),
                   s.execute(select(KeyLoan.serial, KeyLoan.borrower_name, KeyLoan.lent_at, KeyLoan.returned_at)
                             .order_by(KeyLoan.id)).all())
        d.dispose()
        return out

    assert keys_of(built[0]) == keys_of(other)


def test_the_desk_carries_on_with_the_services(ddb, tmp_path):
    with ddb.Session.begin() as s:
        last = s.scalar(select(func.max(KeyLoan.serial)))
        k = s.scalar(select(Key).where(Key.state == S.IN, Key.kind == KeyKind.COMMON).order_by(Key.id))
        staff = s.scalar(select(Staff.work_id).join(Department).where(Department.code == "engineering"))
        loan_id, serial = keys.lend(s, ASSISTANT, keys.LoanData(Borrower.STAFF, [keys.LoanItemData(k.id)],
                                                                work_id=staff, purpose="巡检"))
        year = datetime.now(local_tz()).year
        assert serial == (f"JY-{year}-{int(last[-6:]) + 1:06d}" if last[3:7] == str(year) else f"JY-{year}-000001")
        keys.return_loan(s, ASSISTANT, loan_id, "张工", {k.id: k.copies})
        # The overdue ones come back too; a count of the common cabinet finds everything in place.
        for d in keys.due_list(s, SUPERVISOR):
            keys.return_loan(s, ASSISTANT, d.loan.id, d.loan.borrower_name, {i.key_id: i.copies for i in d.loan.items})
        cab = next(c for c in keys.cabinets(s) if c.name == "公共区域钥匙柜")
        grid = keys.cabinet_grid(s, cab.id)
        count_id = keys.record_count(s, ASSISTANT, cab.id, {c.hook_id: c.key_id is not None for c in grid})
        assert keys.count(s, count_id, mismatches_only=True).lines == []
        held = s.scalar(select(KeyDeposit).where(KeyDeposit.state == "held"))
        keys.give_back_deposit(s, ASSISTANT, held.id, held.owner_name, held.owner_id_number)
        detail = keys.key_detail(s, SUPERVISOR, k.id)
        assert [e.action for e in detail.events][-2:] == ["lend", "return"]
        assert keys.find(s, serial).key_ids == (k.id,)
