"""The complaint workflow table: every action from every state, for every role (DOMAIN.md §二)."""

from __future__ import annotations

import pytest

from app import complaints
from app.complaints import (
    TRANSITIONS,
    Action,
    ComplaintData,
    ComplaintState,
    allowed_actions,
    can,
    complaint_problems,
)
from app.roles import ROLE_PERMISSIONS, Actor, Perm, Role
from ui import labels

S = ComplaintState
# The manual's path, written out independently of the table.
EXPECTED = {
    (Action.START_VERIFY, S.RECEIVED): S.VERIFYING,
    (Action.MARK_INVALID, S.VERIFYING): S.INVALID,
    (Action.MARK_VALID, S.VERIFYING): S.IN_PROGRESS,
    (Action.HANDLE_ON_SPOT, S.RECEIVED): S.RESOLVED,
    (Action.HANDLE_ON_SPOT, S.VERIFYING): S.RESOLVED,
    (Action.HANDLE_ON_SPOT, S.IN_PROGRESS): S.RESOLVED,
    (Action.AGREE_DEADLINE, S.IN_PROGRESS): S.IN_PROGRESS,
    (Action.AGREE_DEADLINE, S.ESCALATED): S.IN_PROGRESS,
    (Action.ASSIGN_DEPARTMENT, S.IN_PROGRESS): S.IN_PROGRESS,
    (Action.ESCALATE, S.IN_PROGRESS): S.ESCALATED,
    (Action.TAKE_BACK, S.ESCALATED): S.IN_PROGRESS,
    (Action.RECORD_RESULT, S.IN_PROGRESS): S.RESOLVED,
    (Action.RECORD_RESULT, S.ESCALATED): S.RESOLVED,
    (Action.MARK_APOLOGY_DONE, S.IN_PROGRESS): None,
    (Action.MARK_APOLOGY_DONE, S.ESCALATED): None,
    (Action.MARK_APOLOGY_DONE, S.RESOLVED): None,
    (Action.MARK_APOLOGY_DONE, S.CALLED_BACK): None,
    (Action.MARK_CALLED_BACK, S.RESOLVED): S.CALLED_BACK,
    (Action.CLOSE, S.CALLED_BACK): S.CLOSED,
    (Action.CLOSE, S.INVALID): S.CLOSED,
}
SUPERVISOR = Actor("zhang", Role.SUPERVISOR)
ASSISTANT = Actor("li", Role.ASSISTANT)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", list(ComplaintState))
def test_every_action_from_every_state(action: Action, state: ComplaintState) -> None:
    sources, target, _perm = TRANSITIONS[action]
    allowed = (action, state) in EXPECTED
    assert (state in sources) == allowed
    if allowed:
        assert target == EXPECTED[(action, state)]
    assert can(action, state, SUPERVISOR) == allowed  # the supervisor may do every step


def test_closed_is_final_and_every_state_is_reachable() -> None:
    assert allowed_actions(S.CLOSED, SUPERVISOR) == []
    reachable = {S.RECEIVED} | {t for _s, t, _p in TRANSITIONS.values() if t is not None}
    assert reachable == set(ComplaintState)


@pytest.mark.parametrize("role", list(Role))
def test_permissions_decide_who_may_act(role: Role) -> None:
    actor = Actor("x", role)
    perms = ROLE_PERMISSIONS[role]
    for action, (sources, _t, perm) in TRANSITIONS.items():
        for state in sources:
            assert can(action, state, actor) == (perm in perms)
    if role == Role.ASSISTANT:  # deadlines, taking escalations and closing need the supervisor
        assert not can(Action.AGREE_DEADLINE, S.IN_PROGRESS, actor)
        assert not can(Action.TAKE_BACK, S.ESCALATED, actor)
        assert not can(Action.CLOSE, S.CALLED_BACK, actor)
        assert can(Action.RECORD_RESULT, S.IN_PROGRESS, actor)
    assert not can(Action.START_VERIFY, S.RECEIVED, None)


def test_approvals_need_the_approval_permission() -> None:
    for action in (Action.AGREE_DEADLINE, Action.TAKE_BACK, Action.CLOSE):
        assert TRANSITIONS[action][2] == Perm.APPROVE_COMPLAINTS


def test_intake_validation_names_each_field() -> None:
    errors = complaint_problems(ComplaintData(contact="123", details="脏"))
    assert set(errors) == {"complainant", "contact", "category", "details"}
    ok = ComplaintData(complainant="王芳", contact="138 0013 8000", category="噪音",
                       details="楼上深夜噪音扰民")
    assert complaint_problems(ok) == {}
    assert complaints.clean_complaint(ok).contact == "13800138000"


def test_every_complaint_label_is_translatable() -> None:
    tables = (complaints.STATE_LABELS, complaints.CHANNEL_LABELS, complaints.SEVERITY_LABELS,
              complaints.SATISFACTION_LABELS, complaints.EVENT_LABELS)
    missing = {v for t in tables for v in t.values()} - set(labels.KNOWN)
    assert not missing, f"add to ui/labels.py: {sorted(missing)}"
