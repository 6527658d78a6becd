"""房屋与业主: a clerk registers rooms and owners; the rules hold on every database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app import audit, rooms
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.rooms import PersonData, Relation, RoomData, RoomKind, RoomQuery

VALID_ID = "11010519491231002X"


def test_clerk_registers_a_room_and_its_owner(any_db, assistant, supervisor):
    with any_db.Session.begin() as s:
        room = rooms.create_room(s, assistant, RoomData(code="３-2-1201 ", area=Decimal("89.50")))
        assert room.code == "3-2-1201" and room.floor == 12 and room.building == "3"
        rooms.add_person_to_room(s, assistant, room.id,
                                 PersonData(name="王 芳", phone="138 0013 8000", id_number=VALID_ID.lower()),
                                 Relation.OWNER)
    with any_db.Session() as s:
        found = rooms.search_rooms(s, assistant, RoomQuery(text="王"))
        assert [r.code for r in found] == ["3-2-1201"]
        assert found[0].phone == "138****8000"
        assert rooms.search_rooms(s, assistant, RoomQuery(text="13800138000"))[0].code == "3-2-1201"
        detail = rooms.room_detail(s, assistant, room.id)
        person = detail.occupants[0].person
        assert person.id_number == "110***********002X" and person.phone == "138****8000"
    with any_db.Session.begin() as s:
        full = rooms.room_detail(s, supervisor, room.id, reveal=True).occupants[0].person
        assert full.id_number == VALID_ID and full.phone == "13800138000"
    with any_db.Session() as s:
        entries = audit.list_entries(s, supervisor, audit.AuditQuery())
        assert [e.action for e in entries][:1] == ["reveal"]
        assert {"create", "link"} <= {e.action for e in entries}
        assert audit.verify_chain(s).ok


def test_bad_input_is_refused_with_reasons_next_to_fields(any_db, assistant):
    with any_db.Session.begin() as s:
        with pytest.raises(ValidationError) as e:
            rooms.create_room(s, assistant, RoomData(code="12楼", area=Decimal("-1")))
        assert set(e.value.errors) == {"code", "area"}
        room = rooms.create_room(s, assistant, RoomData(code="1-1-101"))
        with pytest.raises(ValidationError) as e:
            rooms.add_person_to_room(s, assistant, room.id,
                                     PersonData(name="", phone="12345", id_number="110105194912310021"))
        assert e.value.errors["id_number"] == "身份证号码校验位不正确"
        assert set(e.value.errors) == {"name", "phone", "id_number"}
        with pytest.raises(ConflictError):
            rooms.create_room(s, assistant, RoomData(code="1-1-101"))


def test_cashier_cannot_edit_rooms(any_db, cashier):
    with any_db.Session.begin() as s, pytest.raises(PermissionDenied):
        rooms.create_room(s, cashier, RoomData(code="1-1-101"))


def test_common_area_is_a_room(any_db, assistant):
    with any_db.Session.begin() as s:
        r = rooms.create_room(s, assistant, RoomData(code="公共-配电室", kind=RoomKind.COMMON, name="配电室"))
        assert r.kind_label == "公共区域"
    with any_db.Session() as s:
        assert rooms.search_rooms(s, assistant, RoomQuery(text="配电"))[0].id == r.id
