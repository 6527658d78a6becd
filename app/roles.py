"""Roles (岗位) and what each may do: one table, read by services, the UI and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    SUPERVISOR = "supervisor"
    ASSISTANT = "assistant"
    CASHIER = "cashier"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.SUPERVISOR: "客服主管",
    Role.ASSISTANT: "客服助理",
    Role.CASHIER: "收费员",
    Role.ADMIN: "系统管理员",
}


class Perm(StrEnum):
    VIEW_ROOMS = "view_rooms"
    EDIT_ROOMS = "edit_rooms"
    IMPORT_ROSTER = "import_roster"
    REVEAL_PHONE = "reveal_phone"
    REVEAL_ID = "reveal_id"
    EDIT_STAFF = "edit_staff"
    VIEW_AUDIT = "view_audit"
    EDIT_SETTINGS = "edit_settings"
    MANAGE_USERS = "manage_users"
    BACKUP = "backup"
    RESTORE = "restore"
    EXPORT_MONTH = "export_month"
    LOG_CALLS = "log_calls"                  # 来电来访 entry, promises
    DECIDE_SUGGESTIONS = "decide_suggestions"  # adopt / reject a suggestion
    HANDLE_COMPLAINTS = "handle_complaints"  # intake, verify, handle, assign, record result
    APPROVE_COMPLAINTS = "approve_complaints"  # agree a deadline, take escalations, close
    DO_CALLBACKS = "do_callbacks"            # record a callback
    PLAN_CALLBACKS = "plan_callbacks"        # adjust the monthly periodic plan
    HANDLE_REPAIRS = "handle_repairs"        # repair intake, dispatch, progress, archive, cancel
    HANDLE_KEYS = "handle_keys"              # key acceptance, deposits, loans, returns, handovers, counts
    APPROVE_KEYS = "approve_keys"            # lost/damaged keys: 补配 or 换锁; archive old key records
    SETUP_CABINETS = "setup_cabinets"        # cabinets, hooks, bulk key creation


ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.SUPERVISOR: frozenset({
        Perm.VIEW_ROOMS, Perm.EDIT_ROOMS, Perm.IMPORT_ROSTER, Perm.REVEAL_PHONE, Perm.REVEAL_ID,
        Perm.EDIT_STAFF, Perm.VIEW_AUDIT, Perm.EDIT_SETTINGS, Perm.BACKUP, Perm.EXPORT_MONTH,
        Perm.LOG_CALLS, Perm.DECIDE_SUGGESTIONS, Perm.HANDLE_COMPLAINTS, Perm.APPROVE_COMPLAINTS,
        Perm.DO_CALLBACKS, Perm.PLAN_CALLBACKS, Perm.HANDLE_REPAIRS, Perm.HANDLE_KEYS, Perm.APPROVE_KEYS,
        Perm.SETUP_CABINETS,
    }),
    Role.ASSISTANT: frozenset({
        Perm.VIEW_ROOMS, Perm.EDIT_ROOMS, Perm.IMPORT_ROSTER, Perm.REVEAL_PHONE, Perm.BACKUP,
        Perm.EXPORT_MONTH, Perm.LOG_CALLS, Perm.HANDLE_COMPLAINTS, Perm.DO_CALLBACKS, Perm.HANDLE_REPAIRS,
        Perm.HANDLE_KEYS,
    }),
    Role.CASHIER: frozenset({Perm.VIEW_ROOMS, Perm.REVEAL_PHONE, Perm.BACKUP, Perm.LOG_CALLS}),
    Role.ADMIN: frozenset({
        Perm.VIEW_ROOMS, Perm.EDIT_STAFF, Perm.VIEW_AUDIT, Perm.EDIT_SETTINGS, Perm.MANAGE_USERS,
        Perm.BACKUP, Perm.RESTORE, Perm.SETUP_CABINETS,
    }),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: passed to every service that changes or reveals something."""

    username: str
    role: Role
    user_id: int | None = None
    display_name: str = ""

    def can(self, perm: Perm) -> bool:
        return perm in ROLE_PERMISSIONS.get(self.role, frozenset())


SYSTEM = Actor(username="system", role=Role.ADMIN, display_name="系统")


def require(actor: Actor, perm: Perm) -> None:
    from app.errors import PermissionDenied

    if not actor.can(perm):
        raise PermissionDenied(
            f"“{ROLE_LABELS.get(actor.role, actor.role)}”无权执行此操作", perm=str(perm)
        )
