"""登录与权限: the first administrator, sign-in with lockout, what each role may do, the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app import audit, auth, rooms
from app.errors import AuthError, ConflictError, PermissionDenied, ValidationError
from app.roles import Role
from db.engine import Database
from db.models import AuditEntry, User

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PASSWORDS = {"admin": "admin1234", "zhang": "zhang1234", "li": "li123456", "wang": "wang1234"}
ROLES = {"admin": Role.ADMIN, "zhang": Role.SUPERVISOR, "li": Role.ASSISTANT, "wang": Role.CASHIER}


def sign_in(db: Database, username: str, password: str, now: datetime = T0) -> auth.UserRow:
    """One sign-in attempt in its own transaction, committed even when refused (as the UI does)."""
    err: AuthError | None = None
    with db.Session() as s:
        with s.begin():
            try:
                return auth.sign_in(s, username, password, now=now)
            except AuthError as e:
                err = e
    raise err


@pytest.fixture
def users(any_db: Database) -> dict[str, auth.UserRow]:
    with any_db.Session.begin() as s:
        admin = auth.create_first_admin(s, "admin", PASSWORDS["admin"], "管理员")
        made = {"admin": admin}
        for name in ("zhang", "li", "wang"):
            made[name] = auth.create_user(s, admin.actor(), name, PASSWORDS[name], ROLES[name])
    return made


def _actions(db: Database, username: str | None = None) -> list[str]:
    with db.Session() as s:
        stmt = select(AuditEntry.action).order_by(AuditEntry.id)
        if username:
            stmt = stmt.where(AuditEntry.username == username)
        return list(s.scalars(stmt))


def _drop_audit_triggers(db: Database) -> None:
    """What someone with file access could do: remove the database's own protection."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))


# ---------------------------------------------------------------- first start

def test_first_start_creates_the_administrator_once(any_db):
    with any_db.Session.begin() as s:
        assert not auth.has_users(s)
        with pytest.raises(ValidationError) as e:
            auth.create_first_admin(s, "admin", "1234567")
        assert "password" in e.value.errors
        admin = auth.create_first_admin(s, " admin ", "admin1234", "管理员")
    assert admin.username == "admin" and admin.role == Role.ADMIN and admin.role_label == "系统管理员"
    with any_db.Session.begin() as s, pytest.raises(ConflictError):
        auth.create_first_admin(s, "boss", "boss12345")
    with any_db.Session() as s:
        assert s.scalars(select(User.username)).all() == ["admin"]
    assert _actions(any_db, "system") == ["create"]


# ---------------------------------------------------------------- sign-in and lockout

def test_wrong_passwords_count_down_then_lock_for_fifteen_minutes(any_db, users):
    row = sign_in(any_db, "zhang", "zhang1234")
    assert row.role == Role.SUPERVISOR and row.last_login_at == T0

    for left in (4, 3, 2, 1):
        with pytest.raises(AuthError) as e:
            sign_in(any_db, "zhang", "wrong-password")
        assert e.value.code == "bad_credentials" and e.value.params["left"] == left
        assert f"再错 {left} 次" in e.value.message
    with pytest.raises(AuthError) as e:
        sign_in(any_db, "zhang", "wrong-password")
    assert e.value.code == "locked" and e.value.params["minutes"] == 15
    assert _actions(any_db, "zhang")[-1] == "lock"

    # Locked: even the right password is refused until the 15 minutes are over.
    for later in (timedelta(seconds=1), timedelta(minutes=10), timedelta(minutes=14, seconds=59)):
        with pytest.raises(AuthError) as e:
            sign_in(any_db, "zhang", "zhang1234", now=T0 + later)
        assert e.value.code == "locked"
    assert e.value.params["minutes"] == 1
    row = sign_in(any_db, "zhang", "zhang1234", now=T0 + timedelta(minutes=15))
    assert row.locked_until is None and row.last_login_at == T0 + timedelta(minutes=15)

    # The count starts again after a good sign-in.
    with pytest.raises(AuthError) as e:
        sign_in(any_db, "zhang", "wrong-password", now=T0 + timedelta(minutes=16))
    assert e.value.params["left"] == 4
    assert _actions(any_db, "zhang").count("login_failed") == 5


def test_the_desk_sign_in_keeps_failures_even_though_it_raises(any_db, users):
    for left in (4, 3):
        with pytest.raises(AuthError) as e:
            auth.sign_in_tx(any_db.Session, "li", "not-my-password")
        assert e.value.params["left"] == left
    assert auth.sign_in_tx(any_db.Session, "LI", "li123456").username == "li"


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(any_db, users):
    with pytest.raises(AuthError) as unknown:
        sign_in(any_db, "nobody", "whatever1")
    with pytest.raises(AuthError) as wrong:
        sign_in(any_db, "wang", "whatever1")
    assert unknown.value.code == wrong.value.code == "bad_credentials"
    assert unknown.value.message.split("（")[0] == wrong.value.message.split("（")[0]
    assert _actions(any_db, "nobody") == ["login_failed"]


def test_deactivated_user_cannot_sign_in(any_db, users):
    with any_db.Session.begin() as s:
        auth.update_user(s, users["admin"].actor(), users["wang"].id, active=False)
    with pytest.raises(AuthError):
        sign_in(any_db, "wang", "wang1234")


# ---------------------------------------------------------------- roles

def test_each_role_may_do_only_its_own_work(any_db, users):
    actor = {name: sign_in(any_db, name, PASSWORDS[name]).actor() for name in PASSWORDS}

    with any_db.Session.begin() as s:
        with pytest.raises(PermissionDenied):
            auth.create_user(s, actor["li"], "intruder", "intruder1", Role.ADMIN)
        with pytest.raises(PermissionDenied):
            auth.list_users(s, actor["li"])
        with pytest.raises(PermissionDenied):
            auth.set_password(s, actor["li"], users["admin"].id, "takeover123")
        with pytest.raises(PermissionDenied):
            audit.list_entries(s, actor["li"], audit.AuditQuery())
    with any_db.Session() as s:
        assert "intruder" not in s.scalars(select(User.username)).all()

    with any_db.Session.begin() as s:
        room = rooms.create_room(s, actor["li"], rooms.RoomData(code="3-2-1201", area=Decimal("89.5")))
        with pytest.raises(PermissionDenied):
            rooms.create_room(s, actor["wang"], rooms.RoomData(code="3-2-1202"))
        with pytest.raises(PermissionDenied):
            rooms.update_room(s, actor["wang"], room.id, rooms.RoomData(code="3-2-1201", area=Decimal("1")))
        with pytest.raises(PermissionDenied):
            rooms.add_person_to_room(s, actor["wang"], room.id, rooms.PersonData(name="王芳"))
        assert [r.code for r in rooms.search_rooms(s, actor["wang"], rooms.RoomQuery())] == ["3-2-1201"]

    with any_db.Session() as s:
        entries = audit.list_entries(s, actor["admin"], audit.AuditQuery(limit=1000))
        assert {"create", "login"} <= {e.action for e in entries}
        assert [u.username for u in auth.list_users(s, actor["admin"])] == ["admin", "li", "wang", "zhang"]
        assert audit.list_entries(s, actor["zhang"], audit.AuditQuery(entity="room"))[0].summary \
            == "新建房屋 3-2-1201"
        with pytest.raises(PermissionDenied):
            auth.list_users(s, actor["zhang"])


def test_passwords_are_never_stored_in_plain_text(any_db, users):
    with any_db.Session.begin() as s:
        auth.set_password(s, users["li"].actor(), users["li"].id, "new-secret-99", old_password="li123456")
    with pytest.raises(AuthError):
        sign_in(any_db, "li", "li123456")
    assert sign_in(any_db, "li", "new-secret-99").username == "li"
    secrets = [*PASSWORDS.values(), "new-secret-99"]
    with any_db.Session() as s:
        hashes = s.scalars(select(User.password_hash)).all()
        logged = " ".join(f"{e.summary} {e.before} {e.after}" for e in s.scalars(select(AuditEntry)))
    assert len(hashes) == 4
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any(p in h for h in hashes for p in secrets)
    assert not any(p in logged for p in secrets)


# ---------------------------------------------------------------- the audit trail

def test_audit_chain_verifies_after_a_working_day(any_db, users):
    sign_in(any_db, "zhang", "zhang1234")
    with pytest.raises(AuthError):
        sign_in(any_db, "wang", "oops-oops")
    with any_db.Session.begin() as s:
        rooms.create_room(s, users["zhang"].actor(), rooms.RoomData(code="1-1-101"))
    with any_db.Session() as s:
        report = audit.verify_chain(s)
        assert report.ok, report.problem
        assert report.count == audit.count_entries(s) == 4 + 1 + 1 + 1


def test_changing_an_audit_entry_is_refused_and_detected_once_forced(any_db, users):
    with any_db.Session() as s:
        ids = s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    target = ids[1]
    with pytest.raises(DBAPIError, match="append-only"):
        with any_db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET summary = 'x' WHERE id = :i"), {"i": target})

    _drop_audit_triggers(any_db)
    with any_db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET summary = '新建用户 li（系统管理员）' WHERE id = :i"),
                     {"i": target})
    with any_db.Session() as s:
        report = audit.verify_chain(s)
    assert not report.ok and f"#{target}" in report.problem and "篡改" in report.problem


def test_rewriting_an_entry_with_a_fresh_hash_breaks_the_next_link(any_db, users):
    _drop_audit_triggers(any_db)
    with any_db.Session() as s:
        e = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    first, second = e[0], e[1]
    forged = "新建用户 admin（收费员）"
    digest = audit._digest(first.prev_hash, first.at.replace(microsecond=0).isoformat(), first.username,
                           first.action, first.entity, first.entity_id, forged, first.before, first.after)
    with any_db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET summary = :s, hash = :h WHERE id = :i"),
                     {"s": forged, "h": digest, "i": first.id})
    with any_db.Session() as s:
        report = audit.verify_chain(s)
    assert not report.ok and f"#{second.id}" in report.problem and report.count == 1


def test_deleting_the_newest_entry_is_detected_by_the_count(any_db, users):
    with any_db.Session() as s:
        n = audit.count_entries(s)
    _drop_audit_triggers(any_db)
    with any_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)"))
    with any_db.Session() as s:
        report = audit.verify_chain(s)
    assert not report.ok and report.count == n - 1
    assert f"应为 {n} 条，实为 {n - 1} 条" in report.problem
