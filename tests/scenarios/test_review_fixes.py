"""Rules a review found missing: masked values in forms, kinds, inactive rooms, the last administrator,
a failed restore, and reads that must not wait for another counter's write."""

from __future__ import annotations

import sqlite3
import time
from decimal import Decimal

import pytest

from app import auth, backup, rooms, staff
from app.context import AppContext
from app.errors import ConflictError, StorageError, ValidationError
from app.roles import Role
from app.rooms import PersonData, Relation, RoomData, RoomKind, RoomQuery
from db.models import Person

VALID_ID = "11010519491231002X"


def test_an_assistant_edits_a_name_without_seeing_the_id(any_db, assistant):
    with any_db.Session.begin() as s:
        r = rooms.create_room(s, assistant, RoomData(code="3-2-1201", area=Decimal("90")))
        occ = rooms.add_person_to_room(s, assistant, r.id, PersonData(name="王芳", phone="13800138000",
                                                                       id_number=VALID_ID), Relation.OWNER)
    with any_db.Session() as s:
        form = rooms.person_for_edit(s, assistant, occ.person.id)
    assert form.id_number == "110***********002X" and form.phone == "13800138000"  # assistants see phones
    with any_db.Session.begin() as s:
        rooms.update_person(s, assistant, occ.person.id, PersonData(
            name="王 芳芳", phone=form.phone, id_type=form.id_type, id_number=form.id_number))
    with any_db.Session() as s:
        p = s.get(Person, occ.person.id)
        assert (p.name, p.phone, p.id_number) == ("王 芳芳", "13800138000", VALID_ID)


def test_staff_and_contractors_edit_with_a_masked_phone(any_db, supervisor):
    with any_db.Session.begin() as s:
        dept = staff.departments(s)[0].id
        row = staff.save_staff(s, supervisor, staff.StaffData("刘工", "GC-01", dept, "13900139000"))
        c = staff.save_contractor(s, supervisor, staff.PartyData("恒达装饰", "刘师傅", "13700137000"))
    with any_db.Session.begin() as s:
        staff.save_staff(s, supervisor, staff.StaffData("刘工", "GC-01", dept, "139****9000", active=False), row.id)
        staff.save_contractor(s, supervisor, staff.PartyData("恒达装饰", "刘师傅", "137****7000", False), c.id)
    with any_db.Session() as s:
        listed = staff.list_staff(s, supervisor, include_inactive=True, reveal=True)
        assert [(x.phone, x.active) for x in listed] == [("13900139000", False)]
        assert staff.list_contractors(s, supervisor, include_inactive=True, reveal=True)[0].phone == "13700137000"
        assert staff.list_contractors(s, supervisor, include_inactive=True)[0].phone == "137****7000"


def test_a_common_area_code_needs_the_common_area_kind(any_db, assistant):
    with any_db.Session.begin() as s:
        with pytest.raises(ValidationError) as e:
            rooms.create_room(s, assistant, RoomData(code="公共-配电室", name="配电室"))
        assert "公共区域" in e.value.errors["code"]
        rooms.create_room(s, assistant, RoomData(code="公共-配电室", kind=RoomKind.COMMON, name="配电室"))


def test_nobody_is_registered_in_a_deactivated_room(any_db, assistant):
    with any_db.Session.begin() as s:
        r = rooms.create_room(s, assistant, RoomData(code="1-1-101"))
        rooms.set_room_active(s, assistant, r.id, False)
        with pytest.raises(ConflictError, match="已停用"):
            rooms.add_person_to_room(s, assistant, r.id, PersonData(name="赵敏"))


def test_the_last_administrator_stays_an_administrator(any_db):
    with any_db.Session.begin() as s:
        admin = auth.create_first_admin(s, "admin", "admin1234")
        with pytest.raises(ValidationError, match="唯一的系统管理员"):
            auth.update_user(s, admin.actor(), admin.id, role=Role.SUPERVISOR)
        other = auth.create_user(s, admin.actor(), "root2", "root21234", Role.ADMIN)
        auth.update_user(s, admin.actor(), admin.id, role=Role.SUPERVISOR)
        assert auth.get_user(s, "admin").role == Role.SUPERVISOR and other.role == Role.ADMIN


def test_a_failed_restore_leaves_the_live_database_alone(paths, monkeypatch):
    live = paths.sqlite_file
    good = backup.backup_now(paths, "manual")
    before = live.read_bytes()

    def disk_full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup.shutil, "copyfile", disk_full)
    with pytest.raises(StorageError, match="当前数据库未改动"):
        backup.restore(paths, good)
    assert live.read_bytes() == before and not list(live.parent.glob("*.replaced-*"))


def test_searching_does_not_wait_for_another_counters_write(paths, db, assistant):
    other = sqlite3.connect(paths.sqlite_file, timeout=1)
    other.isolation_level = None
    other.execute("BEGIN IMMEDIATE")  # another counter is in the middle of saving
    try:
        ctx = AppContext(paths=paths, database=db, actor=assistant)
        t = time.perf_counter()
        assert ctx.query(rooms.search_rooms, RoomQuery(text="3-")) == []
        assert time.perf_counter() - t < 2
    finally:
        other.execute("ROLLBACK")
        other.close()
