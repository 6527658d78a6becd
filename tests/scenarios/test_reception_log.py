"""§一 来电来访记录本, as the manual tells it: answer, record, promise an answer, pass suggestions up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import audit, calls, rooms
from app.calls import CallData, CallKind, CallQuery, Channel, DueStatus, SuggestionState
from app.errors import InvalidTransition, PermissionDenied, ValidationError
from app.rooms import PersonData, Relation, RoomData
from app.timeutil import local_today
from db.models import CallLog, Promise

pytestmark = pytest.mark.pg



@pytest.fixture
def room(any_db, assistant):
    with any_db.Session.begin() as s:
        r = rooms.create_room(s, assistant, RoomData(code="3-2-1201", area=Decimal("89.50")))
        rooms.add_person_to_room(s, assistant, r.id, PersonData(name="王芳", phone="13800138000"),
                                 Relation.OWNER)
    return r


def test_a_call_is_logged_with_who_took_it(any_db, assistant, room):
    """程序: time, channel, name, contact, room, kind, content, what was done, who took it."""
    with any_db.Session.begin() as s:
        row = calls.log_call(s, assistant, CallData(
            channel=Channel.PHONE, kind=CallKind.INQUIRY, room_code="3-2-1201", caller_name="王芳",
            contact="138 0013 8000", content="询问本月物业费缴费时间", action_taken="已告知每月10日前缴纳",
            duration_seconds=95))
    assert row.room_code == "3-2-1201" and row.taken_by == "li"
    assert row.contact == "138****8000"          # masked on screen
    assert row.kind_label == "咨询" and row.channel_label == "来电"
    with any_db.Session() as s:
        assert s.get(CallLog, row.id).contact == "13800138000"
        assert audit.count_entries(s) >= 1
        found = calls.list_calls(s, assistant, CallQuery(room="3-2-1201"))
        assert [r.id for r in found] == [row.id]
        assert calls.list_calls(s, assistant, CallQuery(text="缴费时间"))[0].id == row.id
        assert calls.list_calls(s, assistant, CallQuery(text="缴费"))[0].id == row.id   # 2 characters
        assert calls.list_calls(s, assistant, CallQuery(text="报修单")) == []


def test_a_caller_who_declines_contact_is_recorded_not_rejected(any_db, assistant, room):
    """要点3: respect a caller who will not leave details, and record that they declined."""
    data = CallData(channel=Channel.VISIT, kind=CallKind.HELP, content="小区东门有人摔倒，请派人看看",
                    declined_contact=True, contact="")
    assert calls.call_problems(data) == {}
    with any_db.Session.begin() as s:
        row = calls.log_call(s, assistant, data)
    assert row.declined_contact and row.contact_label == "（不愿留下）"
    # A wrong number given is still checked.
    assert "contact" in calls.call_problems(CallData(content="x", contact="12345"))
    assert "content" in calls.call_problems(CallData(content="  "))


def test_an_unknown_room_and_a_missing_permission_are_refused(any_db, assistant, admin, room):
    with any_db.Session.begin() as s, pytest.raises(ValidationError) as e:
        calls.log_call(s, assistant, CallData(content="问停车", room_code="9-9-999"))
    assert "room_code" in e.value.errors
    with any_db.Session.begin() as s, pytest.raises(PermissionDenied):
        calls.log_call(s, admin, CallData(content="问停车"))


def test_a_promised_answer_is_tracked_until_kept(any_db, assistant, room):
    """程序9/要点4: never “I don't know” — a definite time, amber when near, red when late."""
    now = datetime.now(UTC)
    with any_db.Session.begin() as s:
        soon = calls.log_call(s, assistant, CallData(
            kind=CallKind.INQUIRY, room_code="3-2-1201", content="电梯年检什么时候做完？",
            promise_due=now + timedelta(minutes=30), promise_what="回复电梯年检完成时间"))
        later = calls.log_call(s, assistant, CallData(kind=CallKind.INQUIRY, content="停水通知几点恢复？"))
        calls.promise(s, assistant, later.id, now + timedelta(hours=5), "回复恢复供水时间")
    with any_db.Session() as s:
        due = calls.promises_due(s, now)
        assert [p.call_id for p in due] == [soon.id, later.id]
        assert due[0].status == DueStatus.NEAR and due[1].status == DueStatus.OK
        assert due[0].room_code == "3-2-1201"
        late = calls.promises_due(s, now + timedelta(hours=6))
        assert {p.status for p in late} == {DueStatus.LATE}
    with any_db.Session.begin() as s:
        kept = calls.keep_promise(s, assistant, due[0].id, "已电话告知：周五完成")
    assert kept.kept_on_time is True
    with any_db.Session.begin() as s:
        # Kept after the promised time: recorded, and it shows as late.
        p = s.get(Promise, due[1].id)
        p.due_at = now - timedelta(minutes=1)
    with any_db.Session.begin() as s:
        assert calls.keep_promise(s, assistant, due[1].id, "已回复").kept_on_time is False
    with any_db.Session.begin() as s, pytest.raises(InvalidTransition):
        calls.keep_promise(s, assistant, due[1].id, "又回复一次")
    with any_db.Session() as s:
        assert calls.promises_due(s, now) == []


def test_a_suggestion_is_decided_and_the_owner_is_called_back(any_db, assistant, supervisor, room):
    """程序4: suggestions rolled up daily; adopted or not, the owner hears the outcome."""
    from db.models import Callback

    with any_db.Session.begin() as s:
        row = calls.log_call(s, assistant, CallData(
            kind=CallKind.SUGGESTION, room_code="3-2-1201", caller_name="王芳", contact="13800138000",
            content="建议在3号楼门口加装快递柜"))
    assert row.suggestion_status == SuggestionState.PENDING
    with any_db.Session() as s:
        today = calls.suggestions_for_day(s, local_today())
        assert [r.id for r in today] == [row.id]
    with any_db.Session.begin() as s, pytest.raises(PermissionDenied):
        calls.decide_suggestion(s, assistant, row.id, True, "好建议")
    with any_db.Session.begin() as s, pytest.raises(ValidationError):
        calls.decide_suggestion(s, supervisor, row.id, True, "  ")
    with any_db.Session.begin() as s:
        decided = calls.decide_suggestion(s, supervisor, row.id, True, "已联系快递柜公司，下月安装")
    assert decided.suggestion_status == SuggestionState.ADOPTED
    assert decided.suggestion_decided_by == "zhang"
    with any_db.Session() as s:
        cb = s.scalars(select(Callback).where(Callback.source == "call",
                                              Callback.source_id == row.id)).one()
        assert cb.kind == "survey" and cb.room_id == room.id
        assert cb.reason.startswith("建议处理结果回复：已采纳")
    with any_db.Session.begin() as s, pytest.raises(InvalidTransition):
        calls.decide_suggestion(s, supervisor, row.id, False, "改主意")


def test_a_complaint_call_becomes_a_linked_complaint(any_db, assistant, room):
    """程序8: a complaint heard on the phone becomes a complaint linked to the log line."""
    from app import complaints
    from db.models import Complaint

    with any_db.Session.begin() as s:
        row = calls.log_call(s, assistant, CallData(
            kind=CallKind.COMPLAINT, room_code="3-2-1201", caller_name="王芳", contact="13800138000",
            content="楼上装修噪音太大，晚上十点还在施工"))
    assert row.can_become_complaint
    category = complaints.DEFAULT_CATEGORIES[0] if hasattr(complaints, "DEFAULT_CATEGORIES") else "噪音"
    with any_db.Session.begin() as s:
        made = calls.complaint_from_call(s, assistant, row.id, category)
    with any_db.Session() as s:
        line = calls.call_row(s, row.id)
        assert line.complaint_id == made.id and not line.can_become_complaint
        comp = s.get(Complaint, made.id)
        assert comp.call_id == row.id and comp.room_id == room.id
        assert "装修噪音" in comp.details
    with any_db.Session.begin() as s, pytest.raises(Exception):  # noqa: B017 - ConflictError
        calls.complaint_from_call(s, assistant, row.id, category)


def test_caller_card_shows_the_household(any_db, assistant, room):
    with any_db.Session.begin() as s:
        calls.log_call(s, assistant, CallData(room_code="3-2-1201", content="咨询装修申请流程"))
    with any_db.Session() as s:
        by_room = calls.caller_card(s, assistant, room_id=room.id)
        by_phone = calls.caller_card(s, assistant, phone="13800138000")
        nobody = calls.caller_card(s, assistant, phone="13911112222")
    assert by_room.room_code == "3-2-1201" and [o.person.name for o in by_room.people] == ["王芳"]
    assert by_room.people[0].person.phone == "138****8000"
    assert len(by_room.recent_calls) == 1
    assert by_phone.room_id == room.id and by_phone.matched_by == "phone"
    assert not nobody.found
