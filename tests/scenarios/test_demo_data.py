"""演示数据: a realistic, repeatable community for trying the desk out, and the demo sign-ins."""

from __future__ import annotations

import re
import shutil
import time
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import audit, auth, demo, rooms
from app.cli import main
from app.errors import ConflictError, ValidationError
from app.rooms import IdType, Occupancy, Relation, RoomKind
from app.settings import get_settings
from app.validation import phone_problem, resident_id_problem, room_code_problem
from db.engine import Database, make_database
from db.models import (
    AuditEntry,
    Contractor,
    Department,
    Developer,
    Occupant,
    Person,
    Room,
    Setting,
    Staff,
)

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def snapshot(db: Database) -> dict[str, list[tuple]]:
    with db.Session() as s:
        return {
            "rooms": s.execute(select(Room.code, Room.area, Room.occupancy, Room.floor).order_by(Room.id)).all(),
            "people": s.execute(select(Person.name, Person.phone, Person.id_number).order_by(Person.id)).all(),
            "links": s.execute(select(Occupant.room_id, Occupant.relation, Occupant.move_in_date)
                               .order_by(Occupant.id)).all(),
            "staff": s.execute(select(Staff.name, Staff.work_id).order_by(Staff.id)).all(),
        }


@pytest.fixture
def second_db(tmp_path, _template_sqlite) -> Database:
    f = tmp_path / "second.sqlite3"
    shutil.copyfile(_template_sqlite, f)
    d = make_database(f"sqlite:///{f}")
    yield d
    d.dispose()


def test_same_seed_same_community(db, second_db):
    for d in (db, second_db):
        with d.Session.begin() as s:
            demo.generate(s, households=150, months=12, seed=7)
    a, b = snapshot(db), snapshot(second_db)
    assert a == b
    assert len(a["rooms"]) > 150 and len(a["people"]) > 150


def test_another_seed_another_community(db, second_db):
    with db.Session.begin() as s:
        demo.generate(s, households=100, seed=1)
    with second_db.Session.begin() as s:
        demo.generate(s, households=100, seed=2)
    assert snapshot(db)["people"] != snapshot(second_db)["people"]


def test_the_community_looks_real(any_db, assistant):
    households, months = 300, 12
    with any_db.Session.begin() as s:
        summary = demo.generate(s, households=households, months=months)
    assert summary.startswith("已生成演示数据：中天雅苑") and f"{households} 户住宅" in summary
    first_day = date(2025, 11, 1)

    with any_db.Session() as s:
        settings = get_settings(s)
        assert settings.community_name == "中天雅苑"
        assert settings.greeting == "您好！中天物业服务有限公司，请问有什么可以帮到您的？"
        assert phone_problem(settings.phone) is None and settings.address

        all_rooms = s.scalars(select(Room)).all()
        homes = [r for r in all_rooms if r.kind == RoomKind.RESIDENCE]
        assert len(homes) == households
        assert len({r.code for r in all_rooms}) == len(all_rooms)
        assert all(room_code_problem(r.code) is None for r in all_rooms)
        for r in homes:
            b, u, n = r.code.split("-")
            assert (r.unit, r.number) == (u, n) and r.floor == int(n[:-2]) >= 1
            assert isinstance(r.area, Decimal) and Decimal(60) <= r.area <= Decimal(180)
        occupancy = {Occupancy(r.occupancy) for r in homes}
        assert {Occupancy.OCCUPIED, Occupancy.VACANT_UNSOLD, Occupancy.VACANT_SOLD,
                Occupancy.VACANT_UNDECORATED} == occupancy
        occupied = sum(r.occupancy == Occupancy.OCCUPIED for r in homes)
        assert 0.7 * households < occupied < 0.95 * households
        shops = [r for r in all_rooms if r.kind == RoomKind.SHOP]
        common = {r.code: r for r in all_rooms if r.kind == RoomKind.COMMON}
        assert len(shops) >= 3
        assert {"公共-配电室", "公共-水泵房"} <= set(common)
        assert any(re.fullmatch(r"\d+-公共-电梯机房", c) for c in common)
        assert all(r.occupancy == Occupancy.NOT_APPLICABLE and r.name for r in common.values())

        people = s.scalars(select(Person)).all()
        for p in people:
            if p.id_type == IdType.RESIDENT_ID:
                assert not p.foreigner and resident_id_problem(p.id_number) is None, p.id_number
            else:
                assert p.foreigner and p.id_type == IdType.PASSPORT and 5 <= len(p.id_number) <= 32
            for phone in (p.phone, p.phone2):
                assert phone_problem(phone) is None, phone
            assert not p.phone or MOBILE.match(p.phone)
            assert rooms.person_problems(rooms.PersonData(
                name=p.name, phone=p.phone, phone2=p.phone2, id_type=IdType(p.id_type),
                id_number=p.id_number, foreigner=p.foreigner)) == {}
        assert len({p.id_number for p in people}) == len(people)
        assert any(p.foreigner for p in people) or households < 300
        assert sum(bool(p.phone) for p in people) > 0.8 * len(people)

        links = s.execute(select(Occupant, Room.occupancy, Room.kind).join(Room)).all()
        by_room: dict[int, list[Occupant]] = {}
        for o, _occ, _kind in links:
            by_room.setdefault(o.room_id, []).append(o)
            assert o.move_in_date is None or first_day <= o.move_in_date < demo.ANCHOR
        for r in homes:
            tied = by_room.get(r.id, [])
            if r.occupancy == Occupancy.VACANT_UNSOLD:
                assert tied == [], "an unsold room still belongs to the developer"
            else:
                assert any(o.relation == Relation.OWNER for o in tied), r.code
            if r.occupancy == Occupancy.VACANT_SOLD:
                assert all(o.move_in_date is None for o in tied)
        assert any(o.relation == Relation.TENANT for o, *_ in links)

        depts = dict(s.execute(select(Department.code, func.count(Staff.id))
                               .join(Staff, Staff.department_id == Department.id)
                               .group_by(Department.code)).all())
        assert set(depts) == {"service", "engineering", "security", "cleaning", "sales", "finance"}
        assert all(n >= 2 for n in depts.values())
        assert all(phone_problem(p) is None for p in s.scalars(select(Contractor.phone)))
        assert s.scalar(select(func.count()).select_from(Contractor)) >= 3
        assert s.scalars(select(Developer.name)).all() == [demo.DEVELOPER]

        entries = s.scalars(select(AuditEntry)).all()
        assert [(e.username, e.action, e.entity) for e in entries] == [("demo", "demo", "database")]
        assert entries[0].summary == summary and '"households": 300' in entries[0].after
        assert audit.verify_chain(s).ok

    # The clerk carries on with the services (ids after a bulk insert do not collide on PostgreSQL).
    with any_db.Session.begin() as s:
        new = rooms.create_room(s, assistant, rooms.RoomData(code="99-1-101"))
        rooms.add_person_to_room(s, assistant, new.id, rooms.PersonData(name="新业主", phone="13912345678"))


def test_refuses_a_database_that_already_has_rooms(db, assistant):
    with db.Session.begin() as s:
        rooms.create_room(s, assistant, rooms.RoomData(code="1-1-101"))
    with db.Session.begin() as s, pytest.raises(ConflictError) as e:
        demo.generate(s, households=20)
    assert "已有房屋" in e.value.message
    with db.Session() as s:
        assert s.scalar(select(func.count()).select_from(Room)) == 1
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_refuses_silly_sizes(db):
    with db.Session.begin() as s:
        for kwargs in ({"households": 0}, {"months": 0}, {"households": 10**6}):
            with pytest.raises(ValidationError):
                demo.generate(s, **kwargs)


def test_keeps_community_settings_someone_already_entered(db):
    with db.Session.begin() as s:
        s.add(Setting(key="community_name", value="翠湖花园"))
    with db.Session.begin() as s:
        demo.generate(s, households=30)
    with db.Session() as s:
        assert get_settings(s).community_name == "翠湖花园"
        assert get_settings(s).company_name == "中天物业服务有限公司"


def test_two_thousand_households_in_a_few_seconds(db):
    t = time.perf_counter()
    with db.Session.begin() as s:
        demo.generate(s, households=2000)
    elapsed = time.perf_counter() - t
    with db.Session() as s:
        assert s.scalar(select(func.count()).select_from(Room).where(Room.kind == "residence")) == 2000
    assert elapsed < 15, f"{elapsed:.1f} s"  # ~1.5 s measured; generous for a loaded machine


def test_command_line(paths, capsys, monkeypatch):
    monkeypatch.delenv("FRONTDESK_DB_URL", raising=False)
    base = ["--data-dir", str(paths.data_dir)]
    assert main([*base, "demo-data", "--households", "50"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("已生成演示数据") and "50 户住宅" in out and "\n" not in out
    assert main([*base, "demo-data", "--households", "50"]) == 2
    assert "已有房屋" in capsys.readouterr().err
    assert main([*base, "check"]) == 0


def test_demo_users_sign_in_with_the_listed_passwords(any_db):
    with any_db.Session.begin() as s:
        assert demo.ensure_demo_users(s) == ["admin", "zhang", "li", "wang"]
    with any_db.Session.begin() as s:
        assert demo.ensure_demo_users(s) == []
    for username, password, role, _display in demo.DEMO_USERS:
        assert len(password) >= auth.MIN_PASSWORD_LENGTH
        with any_db.Session.begin() as s:
            assert auth.sign_in(s, username, password).role == role
    assert {r for *_, r, _ in demo.DEMO_USERS} == set(auth.Role)


def test_demo_users_fill_in_what_is_missing(any_db):
    with any_db.Session.begin() as s:
        auth.create_first_admin(s, "boss", "boss12345", "老板")
    with any_db.Session.begin() as s:
        assert demo.ensure_demo_users(s) == ["admin", "zhang", "li", "wang"]
    with any_db.Session() as s:
        created_by = dict(s.execute(select(AuditEntry.entity_id, AuditEntry.username)
                                    .where(AuditEntry.action == "create")).all())
    assert set(created_by.values()) == {"system", "boss"}


def test_a_year_of_repairs_in_every_state_with_consistent_timelines(any_db, assistant):
    """报修 (app/demo_repairs.py): every state on the board, timelines that replay, times that match them."""
    from datetime import UTC, datetime, timedelta

    from app import demo_repairs, repairs
    from app.month_repairs import repairs_section
    from app.monthly import Month
    from db.models import Callback, CallLog, RepairEvent, RepairOrder

    with any_db.Session.begin() as s:
        summary = demo.generate(s, households=300, months=12)
    assert re.search(r"；报修 \d+ 条", summary)
    with any_db.Session() as s:
        orders = {o.id: o for o in s.scalars(select(RepairOrder))}
        per_day = demo_repairs.PER_600_HOUSEHOLDS * 300 / 600  # about 2–3 a day for 300 homes
        assert per_day * 365 * 0.7 < len(orders) < per_day * 365 * 1.5
        assert {o.state for o in orders.values()} == {str(st) for st in repairs.RepairState}
        engineers = set(s.scalars(select(Staff.id).join(Department).where(Department.code == "engineering")))
        assert {o.engineer_id for o in orders.values()} - {None} <= engineers
        # Serials WX-YYYY-NNNNNN, numbered per year in the order reported.
        by_year: dict[str, list[RepairOrder]] = {}
        for o in sorted(orders.values(), key=lambda o: o.serial):
            assert repairs.SERIAL_RE.match(o.serial), o.serial
            by_year.setdefault(o.serial[3:7], []).append(o)
        for os_ in by_year.values():
            assert [int(o.serial[-6:]) for o in os_] == list(range(1, len(os_) + 1))
            assert [o.reported_at for o in os_] == sorted(o.reported_at for o in os_)
        events: dict[int, list[RepairEvent]] = {}
        for e in s.scalars(select(RepairEvent).order_by(RepairEvent.order_id, RepairEvent.at, RepairEvent.id)):
            events.setdefault(e.order_id, []).append(e)
        actions = {e.action for es in events.values() for e in es}
        assert {"send_back", "transfer", "cancel", "reopen", "quote", "accept_fee", "archive"} <= actions
        limits = repairs.thresholds(s)
        late = 0
        for o in orders.values():
            tl = events[o.id]
            # The timeline replays: it starts with the report, each step leaves from where the last one
            # ended, in time order (inserted so: the ids agree), and ends in the order's state.
            assert (tl[0].action, tl[0].at, tl[0].to_state) == ("create", o.reported_at, "pending")
            assert [e.id for e in tl] == sorted(e.id for e in tl)
            for prev, e in zip(tl, tl[1:], strict=False):
                assert e.from_state == prev.to_state, (o.serial, prev.action, e.action)
                if e.action in repairs.TRANSITIONS:
                    sources, target, _perm = repairs.TRANSITIONS[repairs.Action(e.action)]
                    assert e.from_state in sources and e.to_state == (target or e.from_state), (o.serial, e.action)
            assert tl[-1].to_state == o.state and o.updated_at == tl[-1].at
            arrivals = [e.at for e in tl if e.action == "arrive"]
            assert o.arrived_at == (arrivals[0] if arrivals else None)
            if o.arrived_at is not None:
                assert o.response_minutes == int((o.arrived_at - o.reported_at).total_seconds() // 60)
            else:
                assert o.response_minutes is None
            if o.completed_at is not None:
                assert o.completion_minutes == int((o.completed_at - o.reported_at).total_seconds() // 60)
                assert o.completed_at == next(e.at for e in tl if e.action == "complete") and o.rating
                assert o.rating != "dissatisfied" or o.owner_comment
            if o.state in {"done", "called_back", "archived"} and o.paid:
                assert o.quote_amount is not None and o.fee_accepted_at is not None, o.serial
                assert o.fee_accepted_at <= o.completed_at and o.fee_accepted_by
            if o.quote_amount is not None:
                assert isinstance(o.quote_amount, Decimal) and Decimal(30) <= o.quote_amount <= Decimal(1000)
            if o.state == "cancelled":
                assert o.cancel_reason and o.cancelled_at == tl[-1].at
            if o.engineer_id is not None:
                assert o.dispatched_at is not None
            late += any(repairs._late(o, limits, tl[-1].at + timedelta(seconds=1)))
        assert 0.02 * len(orders) < late < 0.3 * len(orders)
        paid = sum(o.paid for o in orders.values())
        assert 0.08 * len(orders) < paid < 0.25 * len(orders)
        # 返修: a 不满意 job done again as a linked order.
        follow = [o for o in orders.values() if o.follow_up_of_id is not None]
        assert follow and all(orders[o.follow_up_of_id].rating == "dissatisfied" for o in follow)
        # The repair callbacks: done for the orders called back, still due for the ones just done.
        cbs = {c.source_id: c for c in s.scalars(select(Callback).where(Callback.source == "repair"))}
        finished = [o for o in orders.values() if o.completed_at is not None]
        assert set(cbs) == {o.id for o in finished}
        for o in finished:
            c = cbs[o.id]
            assert c.kind == "repair" and c.due_at == o.completed_at + timedelta(hours=repairs.CALLBACK_HOURS)
            assert c.urgent == (o.rating == "dissatisfied")
            if o.state in ("called_back", "archived"):
                assert c.state == "done" and c.done_at == o.called_back_at and c.satisfaction and c.method
            else:
                assert o.state == "done" and c.state == "due"
        assert any(c.state == "due" for c in cbs.values())
        # Some orders come from 报修 lines of the reception log, linked both ways.
        linked = {o.call_id: o.serial for o in orders.values() if o.call_id is not None}
        assert linked
        for cid, ref, kind in s.execute(select(CallLog.id, CallLog.repair_ref, CallLog.kind)
                                        .where(CallLog.id.in_(linked))):
            assert kind == "repair" and ref == linked[cid]
        assert s.scalar(select(func.count()).select_from(CallLog).where(CallLog.repair_ref != "")) == len(linked)
        # The last demo month has its repairs report.
        section = repairs_section(s, Month.of(demo.ANCHOR - timedelta(days=1)))
        figures = {f.label: f.value for f in section.figures}
        assert not section.empty and figures["本月报修"] > 60 and figures["到场时间中位数（小时）"] > 0
        assert next(t for t in section.tables if t.title.startswith("维修人员")).rows
    assert all(o.reported_at < datetime.combine(demo.ANCHOR, datetime.min.time(), tzinfo=UTC)
               + timedelta(days=1) for o in orders.values())
    # The counter carries on: the next order takes the next serial (and a fresh id on PostgreSQL).
    last = max(o.serial for o in orders.values())
    with any_db.Session.begin() as s:
        code = s.scalar(select(Room.code).where(Room.kind == "residence").order_by(Room.id))
        row = repairs.create_order(s, assistant, repairs.RepairData(
            reporter="王芳", contact="13800138000", room_code=code, category="水", content="厨房水龙头漏水"))
    year = date.today().year
    expected = f"{last[:-6]}{int(last[-6:]) + 1:06d}" if last[3:7] == str(year) else f"WX-{year}-000001"
    assert row.serial == expected and row.id > max(orders)


def test_the_same_seed_gives_the_same_repairs(db, second_db):
    from db.models import RepairEvent, RepairOrder

    def repairs_of(d: Database) -> tuple[list[tuple], list[tuple]]:
        with d.Session() as s:
            return (s.execute(select(RepairOrder.serial, RepairOrder.reported_at, RepairOrder.state,
                                     RepairOrder.engineer_id, RepairOrder.quote_amount, RepairOrder.call_id)
                              .order_by(RepairOrder.id)).all(),
                    s.execute(select(RepairEvent.order_id, RepairEvent.at, RepairEvent.action, RepairEvent.note)
                              .order_by(RepairEvent.id)).all())

    for d in (db, second_db):
        with d.Session.begin() as s:
            demo.generate(s, households=80, months=3, seed=11)
    a, b = repairs_of(db), repairs_of(second_db)
    assert a == b and len(a[0]) > 50
