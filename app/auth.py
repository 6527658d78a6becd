"""Users, Argon2id passwords, sign-in with lockout (5 failures → 15 minutes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.errors import AuthError, ConflictError, NotFoundError, ValidationError
from app.roles import ROLE_LABELS, Actor, Perm, Role, require
from db.models import User
from db.types import utcnow

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8

# OWASP minimum for Argon2id: m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def actor(self) -> Actor:
        return Actor(username=self.username, role=self.role, user_id=self.id,
                     display_name=self.display_name or self.username)


def _row(u: User) -> UserRow:
    return UserRow(u.id, u.username, u.display_name, Role(u.role), u.active, u.locked_until,
                   u.last_login_at)


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 位"
    if password.strip() != password:
        return "密码首尾不能有空格"
    return None


def username_problem(username: str) -> str | None:
    u = username.strip()
    if not u:
        return "请填写用户名"
    if len(u) > 32:
        return "用户名不超过32个字符"
    return None


def has_users(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(User)) or 0) > 0


def _create(session: Session, actor_name: str, username: str, password: str, role: Role,
            display_name: str) -> UserRow:
    errors = {}
    if p := username_problem(username):
        errors["username"] = p
    if p := password_problem(password):
        errors["password"] = p
    if errors:
        raise ValidationError(errors=errors)
    username = username.strip()
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise ConflictError(f"用户名“{username}”已存在", field="username")
    u = User(username=username, display_name=display_name.strip() or username,
             password_hash=_hasher.hash(password), role=str(role), active=True,
             created_by=actor_name, updated_by=actor_name)
    session.add(u)
    session.flush()
    audit.record(session, actor_name, "create", "user", u.id,
                 after={"username": u.username, "display_name": u.display_name, "role": u.role},
                 summary=f"新建用户 {u.username}（{ROLE_LABELS[role]}）")
    return _row(u)


def get_user(session: Session, username: str) -> UserRow | None:
    u = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    return _row(u) if u is not None else None


def create_first_admin(session: Session, username: str, password: str,
                       display_name: str = "") -> UserRow:
    """Only while the database has no user at all (first start)."""
    if has_users(session):
        raise ConflictError("管理员账号已经建立，请用已有账号登录")
    return _create(session, "system", username, password, Role.ADMIN, display_name)


def create_user(session: Session, actor: Actor, username: str, password: str, role: Role,
                display_name: str = "") -> UserRow:
    require(actor, Perm.MANAGE_USERS)
    return _create(session, actor.username, username, password, role, display_name)


def list_users(session: Session, actor: Actor) -> list[UserRow]:
    require(actor, Perm.MANAGE_USERS)
    return [_row(u) for u in session.scalars(select(User).order_by(User.username))]


def update_user(session: Session, actor: Actor, user_id: int, *, role: Role | None = None,
                display_name: str | None = None, active: bool | None = None) -> UserRow:
    require(actor, Perm.MANAGE_USERS)
    u = session.get(User, user_id)
    if u is None:
        raise NotFoundError("找不到该用户")
    before = {"role": u.role, "display_name": u.display_name, "active": u.active}
    losing_admin = u.role == Role.ADMIN and u.active and (
        (role is not None and role != Role.ADMIN) or active is False)
    if losing_admin:
        others = session.scalar(select(func.count()).select_from(User).where(
            User.role == str(Role.ADMIN), User.active.is_(True), User.id != u.id)) or 0
        if not others:
            raise ValidationError("这是唯一的系统管理员账号，不能停用或改为其他岗位", field="role")
    if role is not None:
        u.role = str(role)
    if display_name is not None:
        u.display_name = display_name.strip() or u.username
    if active is not None:
        if not active and u.id == actor.user_id:
            raise ValidationError("不能停用自己的账号", field="active")
        u.active = active
    after = {"role": u.role, "display_name": u.display_name, "active": u.active}
    b, a = audit.diff(before, after)
    if a:
        u.updated_by = actor.username
        audit.record(session, actor, "update", "user", u.id, before=b, after=a,
                     summary=f"修改用户 {u.username}")
    return _row(u)


def set_password(session: Session, actor: Actor, user_id: int, new_password: str,
                 old_password: str | None = None) -> None:
    """An administrator resets anyone's; a user changes their own with the old one."""
    u = session.get(User, user_id)
    if u is None:
        raise NotFoundError("找不到该用户")
    if actor.user_id != user_id or old_password is None:
        require(actor, Perm.MANAGE_USERS)
    elif not _verify(u, old_password):
        raise ValidationError("原密码不正确", field="old_password")
    if p := password_problem(new_password):
        raise ValidationError(p, field="password")
    u.password_hash = _hasher.hash(new_password)
    u.failed_attempts = 0
    u.locked_until = None
    u.updated_by = actor.username
    audit.record(session, actor, "password", "user", u.id, summary=f"修改用户 {u.username} 的密码")


_dummy_hash: list[str] = []


def _verify_dummy(password: str) -> None:
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash("frontdesk-dummy-password"))
    try:
        _hasher.verify(_dummy_hash[0], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass


def _verify(u: User, password: str) -> bool:
    try:
        return _hasher.verify(u.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def sign_in(session: Session, username: str, password: str, *,
            now: datetime | None = None) -> UserRow:
    """Check the password. Raises AuthError (and records the failure) when it is refused.

    The caller must commit even when AuthError is raised, so the failure count is kept:
    use `sign_in_tx`.
    """
    now = now or utcnow()
    u = session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if u is None or not u.active:
        _verify_dummy(password)  # the same time as a real check: no hint that the name is unknown
        audit.record(session, username.strip() or "?", "login_failed", "user", "",
                     summary="登录失败：用户名不存在或已停用")
        raise AuthError("用户名或密码不正确", code="bad_credentials")
    if u.locked_until is not None and u.locked_until > now:
        minutes = max(1, int((u.locked_until - now).total_seconds() // 60) + 1)
        raise AuthError(f"账号已锁定，请 {minutes} 分钟后再试", code="locked", minutes=minutes)
    if not _verify(u, password):
        u.failed_attempts += 1
        if u.failed_attempts >= MAX_FAILURES:
            u.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            u.failed_attempts = 0
            audit.record(session, u.username, "lock", "user", u.id,
                         summary=f"连续 {MAX_FAILURES} 次密码错误，账号锁定 {LOCK_MINUTES} 分钟")
            raise AuthError(f"连续 {MAX_FAILURES} 次密码错误，账号已锁定 {LOCK_MINUTES} 分钟",
                            code="locked", minutes=LOCK_MINUTES)
        audit.record(session, u.username, "login_failed", "user", u.id, summary="登录失败：密码错误")
        left = MAX_FAILURES - u.failed_attempts
        raise AuthError(f"用户名或密码不正确（再错 {left} 次将锁定账号）", code="bad_credentials",
                        left=left)
    if _hasher.check_needs_rehash(u.password_hash):
        u.password_hash = _hasher.hash(password)
    u.failed_attempts = 0
    u.locked_until = None
    u.last_login_at = now
    audit.record(session, u.username, "login", "user", u.id, summary="登录")
    return _row(u)


def sign_in_tx(Session_, username: str, password: str) -> UserRow:  # noqa: N803
    """Sign in in its own transaction, keeping the failure count even when refused."""
    with Session_() as s:
        with s.begin():
            try:
                return sign_in(s, username, password)
            except AuthError as e:
                err = e
        raise err


def verify_password(session: Session, user_id: int, password: str) -> bool:
    """For unlocking the idle-locked window: same lockout rules as sign-in."""
    u = session.get(User, user_id)
    if u is None:
        return False
    sign_in(session, u.username, password)
    return True
