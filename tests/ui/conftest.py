"""UI fixtures: a database with users of every role and an AppContext signed in as the clerk."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings

from app import auth, rooms
from app.context import AppContext
from app.roles import Role
from app.rooms import PersonData, Relation, RoomData

PASSWORDS = {"admin": "admin1234", "zhang": "zhang1234", "li": "li123456", "wang": "wang1234"}


@pytest.fixture
def users(db):
    with db.Session.begin() as s:
        admin = auth.create_first_admin(s, "admin", PASSWORDS["admin"], "管理员")
        a = admin.actor()
        made = {"admin": admin}
        for name, role, display in (("zhang", Role.SUPERVISOR, "张主管"), ("li", Role.ASSISTANT, "李助理"),
                                    ("wang", Role.CASHIER, "王收费")):
            made[name] = auth.create_user(s, a, name, PASSWORDS[name], role, display)
    return made


@pytest.fixture
def ctx(paths, db, users):
    return AppContext(paths=paths, database=db, actor=users["li"].actor())


@pytest.fixture
def some_rooms(db, users):
    actor = users["li"].actor()
    with db.Session.begin() as s:
        for code, name, phone in (("3-2-1201", "王芳", "13800138000"), ("3-2-1202", "李强", "13900139000"),
                                  ("5-1-0301", "赵敏", "13700137000")):
            r = rooms.create_room(s, actor, RoomData(code=code, area=Decimal("89.50")))
            rooms.add_person_to_room(s, actor, r.id, PersonData(name=name, phone=phone), Relation.OWNER)


@pytest.fixture
def ui_settings(tmp_path):
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
