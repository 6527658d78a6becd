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
