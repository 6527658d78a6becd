"""走访回访 (§七): callbacks come from the rules, are recorded on 《业主回访记录单》 and planned monthly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import audit, callbacks, rooms
from app.callbacks import (
    CallbackKind,
    CallbackResult,
    CallbackState,
    DueQuery,
    Method,
    Satisfaction,
)
from app.errors import ConflictError, InvalidTransition, PermissionDenied, ValidationError
from app.monthly import Month
from app.rooms import PersonData, Relation, RoomData, RoomKind
from db.models import Callback, Complaint

NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # a fixed "now" for every rule that reads the clock


def _households(s, actor, n: int, building: int = 3) -> list[int]:
    ids = []
    for i in range(1, n + 1):
        r = rooms.create_room(s, actor, RoomData(code=f"{building}-1-{100 + i}"))
        rooms.add_person_to_room(s, actor, r.id, PersonData(name=f"业主{i}", phone=f"138{i:08d}"),
                                 Relation.OWNER)
        ids.append(r.id)
    return ids


def _callback(s, actor, room_id, *, kind=CallbackKind.PERIODIC, due=NOW, source="plan", source_id=None,
              urgent=False):
    return callbacks.create_callback(s, actor, kind=kind, room_id=room_id, person_name="王芳",
                                     contact="13800138000", reason="测试", due_at=due, source=source,
                                     source_id=source_id, urgent=urgent)


def _result(satisfaction=Satisfaction.SATISFIED, *, done_at=None, follow_up="", open_complaint=False):
    return CallbackResult(method=Method.PHONE, done_by="李助理", content="业主表示问题已解决",
                          opinion="", satisfaction=satisfaction, follow_up=follow_up,
                          open_complaint=open_complaint, done_at=done_at)


def test_a_resolved_complaint_gets_one_callback_due_within_48_hours(any_db, assistant):
    resolved = NOW
    with any_db.Session.begin() as s:
        room = _households(s, assistant, 1)[0]
        cb = callbacks.create_callback(
            s, assistant, kind=CallbackKind.COMPLAINT, room_id=room, person_name="业主1",
            contact="138 0000 0001", reason="投诉已处理，请回访", source="complaint", source_id=41,
            due_at=resolved + timedelta(hours=callbacks.COMPLAINT_CALLBACK_HOURS))
        # The rule may fire twice (a retry, a second save): still one callback while it is due.
        again = callbacks.create_callback(
            s, assistant, kind=CallbackKind.COMPLAINT, room_id=room, person_name="业主1", contact="",
            reason="重复", source="complaint", source_id=41, due_at=resolved + timedelta(hours=1))
    assert again.id == cb.id
    assert cb.due_at - resolved == timedelta(hours=48) and cb.state == CallbackState.DUE
    assert cb.room_code == "3-1-101" and cb.contact == "138****0001" and cb.kind_label == "投诉回访"
    with any_db.Session() as s:
        assert s.query(Callback).count() == 1
        rows = callbacks.due_list(s, assistant, DueQuery(kind=CallbackKind.COMPLAINT))
        assert [r.id for r in rows] == [cb.id]
        assert [e.action for e in audit.list_entries(s, _sup(), audit.AuditQuery(entity="callback"))] == ["create"]


def _sup():
    from app.roles import Actor, Role

    return Actor(username="zhang", role=Role.SUPERVISOR, display_name="张主管")


def test_a_dissatisfied_owner_gets_an_urgent_follow_up(any_db, assistant):
    with any_db.Session.begin() as s:
        room = _households(s, assistant, 1)[0]
        cb = _callback(s, assistant, room)
    with any_db.Session.begin() as s:
        # The form refuses a 不满意 without the apology-and-fix follow-up.
        with pytest.raises(ValidationError) as e:
            callbacks.record_callback(s, assistant, cb.id, _result(Satisfaction.DISSATISFIED))
        assert set(e.value.errors) == {"follow_up"}
    with any_db.Session.begin() as s:
        out = callbacks.record_callback(s, assistant, cb.id,
                                        _result(Satisfaction.DISSATISFIED, done_at=NOW,
                                                follow_up="致歉，安排保洁复查"))
    assert out.callback.state == CallbackState.DONE and out.callback.satisfaction_label == "不满意"
    assert out.follow_up is not None and out.follow_up.urgent
    assert out.follow_up.source == "callback" and out.follow_up.source_id == cb.id
    assert out.follow_up.due_at == NOW + timedelta(hours=48)
    assert out.complaint_id is None
    with any_db.Session.begin() as s:
        with pytest.raises(InvalidTransition):  # recorded once; it is done
            callbacks.record_callback(s, assistant, cb.id, _result())
    with any_db.Session() as s:
        due = callbacks.due_list(s, assistant, DueQuery())
        assert [r.id for r in due] == [out.follow_up.id]
        both = callbacks.due_list(s, assistant, DueQuery(include_done=True))
        assert [r.id for r in both] == [out.follow_up.id, cb.id]  # open first


def test_every_dissatisfied_survey_rating_gets_a_callback(any_db, assistant, cashier):
    with any_db.Session.begin() as s:
        room = _households(s, assistant, 1)[0]
        with pytest.raises(PermissionDenied):
            callbacks.record_survey(s, cashier, room, "业主1", "", {"保洁": Satisfaction.DISSATISFIED}, "")
        made = callbacks.record_survey(
            s, assistant, room, "业主1", "13800000001",
            {"保洁": Satisfaction.DISSATISFIED, "绿化": Satisfaction.SATISFIED,
             "安保": Satisfaction.DISSATISFIED, "维修": Satisfaction.BASIC},
            "电话核对过本人评价", verified=True, now=NOW)
    assert len(made) == 2 and all(c.urgent and c.kind == CallbackKind.SURVEY for c in made)
    assert "“保洁”不满意" in made[0].reason and "[已核实]" in made[0].reason
    assert "“安保”不满意" in made[1].reason


def test_plan_for_a_month_keeps_pace_and_cannot_be_made_twice(any_db, assistant, supervisor):
    month = Month(2026, 11)
    with any_db.Session.begin() as s:
        ids = _households(s, assistant, 20)
        shop = rooms.create_room(s, assistant, RoomData(code="S-1-101", kind=RoomKind.SHOP))
        rooms.add_person_to_room(s, assistant, shop.id, PersonData(name="商户"), Relation.OWNER)
        # Two households were already visited this year.
        for rid in ids[:2]:
            cb = _callback(s, assistant, rid, due=NOW - timedelta(days=60))
            callbacks.record_callback(s, assistant, cb.id, _result(done_at=NOW - timedelta(days=60)))
    with any_db.Session.begin() as s:
        with pytest.raises(PermissionDenied):
            callbacks.plan_month(s, assistant, month, now=NOW)
        # Target 10 of 20 households, 2 visited, November and December left: 4 this month.
        proposal = callbacks.propose_plan(s, month, now=NOW)
        assert (proposal.households, proposal.visited, proposal.months_left, proposal.needed) == (20, 2, 2, 4)
        made = callbacks.plan_month(s, supervisor, month, now=NOW)
    assert [c.room_code for c in made] == ["3-1-103", "3-1-104", "3-1-105", "3-1-106"]
    assert all(c.kind == CallbackKind.PERIODIC and c.plan_month == "2026-11" and c.source == "plan"
               for c in made)
    assert all(Month.of(c.due_at.astimezone().date()) == month for c in made)
    assert all(c.due_at >= NOW - timedelta(days=1) for c in made)  # nothing planned in the past
    with any_db.Session.begin() as s, pytest.raises(ConflictError):
        callbacks.plan_month(s, supervisor, month, now=NOW)
    with any_db.Session.begin() as s:
        # The supervisor adjusts: one household out, a targeted one in.
        removed = callbacks.remove_from_plan(s, supervisor, made[0].id)
        assert removed.state == CallbackState.CANCELLED and "移出" in removed.follow_up
        added = callbacks.add_to_plan(s, supervisor, month, ids[-1], now=NOW)
        assert added.plan_month == "2026-11" and added.room_code == "3-1-120"
        with pytest.raises(ConflictError):
            callbacks.add_to_plan(s, supervisor, month, ids[-1], now=NOW)
    with any_db.Session() as s:
        # December keeps pace with what November still has open: 10 − 2 − 4 = 4.
        dec = callbacks.propose_plan(s, Month(2026, 12), now=NOW)
        assert (dec.planned_open, dec.months_left, dec.needed) == (4, 1, 4)
        assert not {c.room_id for c in dec.candidates} & ({c.room_id for c in made[1:]} | {added.room_id})


def test_yearly_coverage_counts_distinct_households_visited_this_year(any_db, assistant):
    with any_db.Session.begin() as s:
        ids = _households(s, assistant, 8)
        shop = rooms.create_room(s, assistant, RoomData(code="S-1-101", kind=RoomKind.SHOP))
        rooms.add_person_to_room(s, assistant, shop.id, PersonData(name="商户"), Relation.OWNER)
        _households(s, assistant, 0)
        empty = rooms.create_room(s, assistant, RoomData(code="3-1-201"))  # no owner: not a household
        visits = [(ids[0], datetime(2026, 3, 15, 4, tzinfo=UTC)), (ids[0], datetime(2026, 5, 2, 4, tzinfo=UTC)),
                  (ids[1], datetime(2026, 5, 20, 4, tzinfo=UTC)), (ids[2], datetime(2026, 10, 8, 4, tzinfo=UTC)),
                  (ids[3], datetime(2025, 12, 1, 4, tzinfo=UTC)),   # last year
                  (shop.id, datetime(2026, 6, 1, 4, tzinfo=UTC)), (empty.id, datetime(2026, 6, 1, 4, tzinfo=UTC))]
        for rid, at in visits:
            cb = _callback(s, assistant, rid, due=at)
            callbacks.record_callback(s, assistant, cb.id, _result(done_at=at))
        _callback(s, assistant, ids[4])  # due, not done: not visited
    with any_db.Session() as s:
        cov = callbacks.coverage(s, 2026, now=NOW)
    assert (cov.households, cov.visited) == (8, 3)
    assert cov.share == 3 / 8
    assert cov.by_month == [0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0]
    assert cov.target_households == 4 and cov.remaining == 1 and cov.needed_per_month == 1


def test_overdue_and_due_today_follow_a_fixed_clock(any_db, assistant, supervisor):
    with any_db.Session.begin() as s:
        room = _households(s, assistant, 1)[0]
        late = _callback(s, assistant, room, due=NOW - timedelta(hours=3), source="complaint", source_id=1,
                         kind=CallbackKind.COMPLAINT)
        soon = _callback(s, assistant, room, due=NOW + timedelta(minutes=30), kind=CallbackKind.REPAIR,
                         source="repair", source_id=9)
        later = _callback(s, assistant, room, due=NOW + timedelta(days=3))
        gone = _callback(s, assistant, room, due=NOW - timedelta(days=3), source="call", source_id=5)
        with pytest.raises(PermissionDenied):
            callbacks.cancel_callback(s, assistant, gone.id, "业主已搬离")
        with pytest.raises(ValidationError):
            callbacks.cancel_callback(s, supervisor, gone.id, " ")
        callbacks.cancel_callback(s, supervisor, gone.id, "业主已搬离")
    with any_db.Session() as s:
        counts = callbacks.due_counts(s, NOW)
        rows = callbacks.due_list(s, assistant, DueQuery())
    assert (counts.overdue, counts.open) == (1, 3)
    assert counts.by_kind[CallbackKind.COMPLAINT] == 1 and counts.by_kind[CallbackKind.SURVEY] == 0
    assert [r.id for r in rows] == [late.id, soon.id, later.id]  # overdue first, then by due time
    assert rows[0].overdue(NOW) and not rows[1].overdue(NOW) and not rows[2].overdue(NOW)
    assert rows[2].due_today(NOW) is False
    # "Today" is the PC's local day: `soon` is due today wherever this runs unless it crosses midnight.
    today_end = callbacks.local_day_bounds(NOW.astimezone().date())[1]
    assert counts.due_today == (1 if soon.due_at < today_end else 0) + (1 if later.due_at < today_end else 0)
    assert rows[1].due_today(NOW) == (soon.due_at < today_end)
    with any_db.Session() as s:
        found = callbacks.due_list(s, assistant, DueQuery(text="3-1-1", kind=CallbackKind.REPAIR))
        assert [r.id for r in found] == [soon.id]


def test_the_callback_slip_prints_with_boxes_and_signatures(any_db, assistant, tmp_path):
    from app.slips import SlipHeader, render_slip
    from tests.pdftools import pdf_text

    with any_db.Session.begin() as s:
        room = _households(s, assistant, 1)[0]
        cb = _callback(s, assistant, room)
        callbacks.record_callback(s, assistant, cb.id, _result(Satisfaction.BASIC, done_at=NOW))
        spec = callbacks.callback_slip(s, assistant, cb.id)
    assert spec.serial == f"HF-{cb.id:06d}" and spec.signatures == ("回访人", "业主", "日期")
    data, _info = render_slip(spec, SlipHeader("中天雅苑", "中天物业"), printed_at=NOW)
    out = tmp_path / "slip.pdf"
    out.write_bytes(data)
    text = pdf_text(out)
    assert "《业主回访记录单》" in text and "业主表示问题已解决" in text and "138****8000" in text
    assert "■基本满意" in text.replace(" ", "") and "■电话" in text.replace(" ", "")


def test_callbacks_are_kept_as_codes_with_labels(any_db):
    with any_db.Session() as s:
        assert s.scalars(select(Callback)).all() == []
    assert callbacks.KIND_LABELS[CallbackKind.PERIODIC] == "定期走访"
    assert callbacks.can("record", CallbackState.DUE, _sup())
    assert not callbacks.can("record", CallbackState.DONE, _sup())


def test_complaint_callback_marks_the_complaint_and_a_dissatisfied_owner_opens_a_new_one(any_db, assistant):
    from app import complaints

    with any_db.Session.begin() as s:
        room = _households(s, assistant, 1)[0]
        c = complaints.create_complaint(s, assistant, complaints.ComplaintData(
            complainant="业主1", contact="13800000001", room_id=room, category="环境卫生",
            details="楼道垃圾未及时清运"))
        resolved = complaints.handle_on_spot(s, assistant, c.id, "已安排保洁清运")
    with any_db.Session() as s:
        due = callbacks.due_list(s, assistant, DueQuery(kind=CallbackKind.COMPLAINT))
    assert [(r.source, r.source_id) for r in due] == [("complaint", c.id)]
    assert due[0].due_at - resolved.resolved_at <= timedelta(hours=48, seconds=1)
    with any_db.Session.begin() as s:
        out = callbacks.record_callback(s, assistant, due[0].id, CallbackResult(
            method=Method.PHONE, done_by="李助理", content="业主说垃圾又堆了", opinion="要求每天清运两次",
            satisfaction=Satisfaction.DISSATISFIED, follow_up="致歉并增加清运频次", open_complaint=True,
            complaint_category="环境卫生"))
    assert out.follow_up is not None and out.follow_up.urgent and out.complaint_id is not None
    with any_db.Session() as s:
        assert s.get(Callback, due[0].id).complaint_id == out.complaint_id
        assert s.get(Complaint, c.id).state == str(complaints.ComplaintState.CALLED_BACK)
        new = s.get(Complaint, out.complaint_id)
        assert new.category == "环境卫生" and f"回访 #{due[0].id}" in new.details and new.room_id == room
    with any_db.Session.begin() as s, pytest.raises(ConflictError):
        callbacks.open_complaint_from_callback(s, assistant, due[0].id, "环境卫生", "再来一次")


def test_month_section_counts_done_due_overdue_and_the_48_hour_rate(any_db, assistant, tmp_path):
    from app import month_callbacks

    month = Month(2026, 10)
    start, _end = month.utc_bounds()
    t0 = start + timedelta(days=3)
    with any_db.Session.begin() as s:
        ids = _households(s, assistant, 4)
        on_time = _callback(s, assistant, ids[0], kind=CallbackKind.COMPLAINT, source="complaint",
                            source_id=None, due=t0 + timedelta(hours=48))
        late = _callback(s, assistant, ids[1], kind=CallbackKind.COMPLAINT, source="complaint",
                         source_id=None, due=t0 + timedelta(hours=48))
        for cb in (on_time, late):
            s.get(Callback, cb.id).created_at = t0
        callbacks.record_callback(s, assistant, on_time.id, _result(done_at=t0 + timedelta(hours=20)))
        unhappy = callbacks.record_callback(s, assistant, late.id, _result(
            Satisfaction.DISSATISFIED, done_at=t0 + timedelta(hours=60), follow_up="致歉"))
        assert unhappy.follow_up is not None
        _callback(s, assistant, ids[2], due=t0 + timedelta(days=1))  # still due, overdue by now
    with any_db.Session() as s:
        sec = month_callbacks.callbacks_section(s, month)
    figures = {f.label: f.value for f in sec.figures}
    assert figures["本月完成回访"] == 2
    assert figures["投诉回访 48 小时内完成率"] == "50.0%"
    assert figures["不满意已跟进回访比例"] == "0.0%"
    assert figures["年度走访覆盖率（至本月）"] == "50.0%"   # 2 of 4 households
    kinds = {row[0]: row[1:] for row in sec.tables[0].rows}
    assert kinds["投诉回访"] == [3, 2, 1, 1]  # the follow-up is still open and late
    assert kinds["定期走访"][2] == 1
    assert not sec.empty
    from openpyxl import load_workbook

    from app import monthly

    with any_db.Session() as s:
        report = monthly.build_month(s, month)
    monthly.write_outputs(report, tmp_path / "month.xlsx", None)
    sheet = load_workbook(tmp_path / "month.xlsx")["走访回访"]
    cells = {c.value for row in sheet.iter_rows() for c in row}
    assert "投诉回访 48 小时内完成率" in cells and "本月不满意的回访" in cells


def test_demo_history_is_realistic_and_fast(any_db, assistant):
    import random
    import time as clock

    from app import demo_callbacks

    with any_db.Session.begin() as s:
        ids = _households(s, assistant, 60)
    t = clock.perf_counter()
    with any_db.Session.begin() as s:
        n = demo_callbacks.generate_callbacks(s, random.Random(7), datetime(2026, 11, 1).date(), 12, ids)
    assert clock.perf_counter() - t < 5
    with any_db.Session() as s:
        states = {st for (st,) in s.execute(select(Callback.state).distinct())}
        kinds = {k for (k,) in s.execute(select(Callback.kind).distinct())}
        cov = callbacks.coverage(s, 2026, now=NOW)
        assert s.query(Callback).count() == n > 30
    # complaint callbacks come with the demo complaints, repair callbacks with repairs (issue 6)
    assert {"done", "due"} <= states and kinds == {CallbackKind.PERIODIC.value, CallbackKind.SURVEY.value}
    assert 0.4 <= cov.share <= 1.0
