"""投诉处理 (DOMAIN.md §二), as the manual tells it: intake, verify, handle, escalate, result, callback."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import audit, callbacks, complaints, rooms
from app.complaints import (
    Action,
    Channel,
    ComplaintData,
    ComplaintQuery,
    ComplaintState,
    Satisfaction,
    Severity,
)
from app.errors import InvalidTransition, PermissionDenied, ValidationError
from app.monthly import Month
from app.rooms import PersonData, RoomData
from app.staff import list_staff
from db.models import Callback, Complaint, ComplaintEvent, Room
from tests.pdftools import pdf_text

pytestmark = pytest.mark.pg


@pytest.fixture
def room_id(any_db, assistant) -> int:
    with any_db.Session.begin() as s:
        r = rooms.create_room(s, assistant, RoomData(code="3-2-1201", area=Decimal("89.50")))
        rooms.add_person_to_room(s, assistant, r.id, PersonData(name="王芳", phone="13800138000"))
        return r.id


def _data(room_id: int, **kw) -> ComplaintData:
    values = dict(channel=Channel.PHONE, complainant="王芳", contact="13800138000", room_id=room_id,
                  category="噪音", department_code="security", details="楼上住户深夜噪音扰民，多次敲门无果")
    values.update(kw)
    return ComplaintData(**values)


def _timeline(s, complaint_id: int) -> list[tuple[str, str, str]]:
    return [(e.action, e.from_state, e.to_state) for e in s.scalars(
        select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint_id).order_by(ComplaintEvent.id))]


def test_phone_intake_then_verified_invalid_with_reason_and_closed(any_db, room_id, assistant, supervisor):
    # §二1, 3: a phone complaint is recorded in detail; the serial counts per year.
    with any_db.Session.begin() as s:
        c = complaints.create_complaint(s, assistant, _data(room_id))
    assert c.serial.startswith(f"TS-{datetime.now().year}-") and c.serial.endswith("000001")
    assert c.state == ComplaintState.RECEIVED and c.contact == "138****8000"
    with any_db.Session.begin() as s:
        complaints.start_verify(s, assistant, c.id)
        # §二4: invalid needs a reason.
        with pytest.raises(ValidationError) as e:
            complaints.mark_invalid(s, assistant, c.id, "  ")
        assert e.value.field == "reason"
        complaints.mark_invalid(s, assistant, c.id, "经核实为电视声音，不属实")
        # Closing is the supervisor's.
        with pytest.raises(PermissionDenied):
            complaints.close(s, assistant, c.id)
        row = complaints.close(s, supervisor, c.id, "已向业主解释")
    assert row.state == ComplaintState.CLOSED and row.valid is False
    assert row.invalid_reason == "经核实为电视声音，不属实"
    with any_db.Session() as s:
        assert _timeline(s, c.id) == [("create", "", "received"), ("start_verify", "received", "verifying"),
                                      ("mark_invalid", "verifying", "invalid"), ("close", "invalid", "closed")]
        entries = audit.list_entries(s, supervisor, audit.AuditQuery(entity="complaint"))
        assert {e.action for e in entries} == {"create", "start_verify", "mark_invalid", "close"}
        assert all("13800138000" not in (e.after + e.before) for e in entries)
        # A closed complaint does nothing more; the message names the state.
    with any_db.Session.begin() as s, pytest.raises(InvalidTransition, match="已关闭"):
        complaints.start_verify(s, assistant, c.id)


def test_deadline_escalation_result_and_the_48_hour_callback(any_db, room_id, assistant, supervisor):
    with any_db.Session.begin() as s:
        c = complaints.create_complaint(s, assistant, _data(room_id, category="维修质量",
                                                           department_code="engineering"))
        complaints.start_verify(s, assistant, c.id)
        complaints.mark_valid(s, assistant, c.id, "现场查看属实")
        complaints.assign_department(s, assistant, c.id, "engineering", "请工程部三天内答复")
    deadline = datetime.now(UTC) + timedelta(days=3)
    # §二4, 6: a deadline is agreed only with the supervisor's approval.
    with any_db.Session.begin() as s, pytest.raises(PermissionDenied):
        complaints.agree_deadline(s, assistant, c.id, deadline)
    with any_db.Session.begin() as s:
        row = complaints.agree_deadline(s, supervisor, c.id, deadline, "业主同意三天内修好")
    assert row.deadline_approved_by == "zhang" and row.deadline_approved_at is not None
    assert row.state == ComplaintState.IN_PROGRESS and row.assigned_department_name == "工程部"
    # §二6: the owner is not satisfied with what is offered: escalate; the supervisor takes it back.
    with any_db.Session.begin() as s:
        with pytest.raises(ValidationError):
            complaints.escalate(s, assistant, c.id, "")
        complaints.escalate(s, assistant, c.id, "业主不满意维修方案，要求更换整个水管")
        with pytest.raises(PermissionDenied):
            complaints.take_back(s, assistant, c.id, "约谈")
        complaints.take_back(s, supervisor, c.id, "主管约见业主，同意更换")
        with pytest.raises(ValidationError) as e:
            complaints.record_result(s, assistant, c.id, "已更换水管", "so-so")
        assert e.value.field == "satisfaction"
        done = complaints.record_result(s, assistant, c.id, "已更换水管，业主试用正常", Satisfaction.BASIC)
    assert done.state == ComplaintState.RESOLVED and done.resolved_at is not None
    # §七4: the result asks for a callback within 48 hours.
    with any_db.Session() as s:
        cb = s.scalars(select(Callback).where(Callback.source == "complaint", Callback.source_id == c.id)).one()
        assert cb.kind == "complaint" and cb.state == "due" and not cb.urgent
        assert cb.due_at - done.resolved_at == timedelta(hours=48)
        assert cb.person_name == "王芳" and c.serial in cb.reason
    # The callbacks procedure marks it called back; the supervisor closes it.
    with any_db.Session.begin() as s:
        complaints.mark_called_back(s, assistant, c.id, "电话回访，业主满意")
        final = complaints.close(s, supervisor, c.id)
    assert final.state == ComplaintState.CLOSED
    with any_db.Session() as s:
        d = complaints.complaint_detail(s, assistant, c.id)
    assert [e.action for e in d.events] == ["create", "start_verify", "mark_valid", "assign_department",
                                            "agree_deadline", "escalate", "take_back", "record_result",
                                            "mark_called_back", "close"]
    assert d.events[5].change_label == "处理中 → 已升级" and d.events[5].username == "li"


def test_on_the_spot_dissatisfied_result_makes_an_urgent_callback(any_db, room_id, assistant):
    with any_db.Session.begin() as s:
        c = complaints.create_complaint(s, assistant, _data(room_id))
        row = complaints.handle_on_spot(s, assistant, c.id, "当场联系楼上住户，已降低音量",
                                        Satisfaction.DISSATISFIED)
    assert row.handled_on_spot and row.valid and row.state == ComplaintState.RESOLVED
    with any_db.Session() as s:
        cb = s.scalars(select(Callback).where(Callback.source_id == c.id)).one()
        assert cb.urgent


def test_serious_complaint_about_staff_needs_an_apology(any_db, room_id, assistant, admin):
    from app.staff import StaffData, departments, save_staff

    with any_db.Session.begin() as s:
        dept = next(d for d in departments(s) if d.code == "security")
        guard = save_staff(s, admin, StaffData(name="赵保安", work_id="ZT-B001", department_id=dept.id))
        # §一程序5, 6: a service complaint names the staff member; serious ones need an apology.
        c = complaints.create_complaint(s, assistant, _data(room_id, category="服务态度", department_code="",
                                                           staff_id=guard.id, severity=Severity.SERIOUS))
    assert c.apology_needed and c.department_code == "security" and c.staff_name == "赵保安"
    with any_db.Session.begin() as s:
        with pytest.raises(InvalidTransition, match="已受理"):
            complaints.mark_apology_done(s, assistant, c.id)
        complaints.start_verify(s, assistant, c.id)
        complaints.mark_valid(s, assistant, c.id)
        row = complaints.mark_apology_done(s, assistant, c.id, "主管与当事保安上门致歉")
        assert row.apology_done_at is not None and row.state == ComplaintState.IN_PROGRESS
        with pytest.raises(InvalidTransition, match="已于"):
            complaints.mark_apology_done(s, assistant, c.id)


def test_a_repeat_complaint_is_flagged(any_db, room_id, assistant, supervisor):
    with any_db.Session.begin() as s:
        complaints.save_categories(s, supervisor, [*complaints.DEFAULT_CATEGORIES, "快递"])
        with pytest.raises(PermissionDenied):
            complaints.save_categories(s, assistant, ["噪音"])
    now = datetime.now(UTC)
    with any_db.Session.begin() as s:
        old = complaints.create_complaint(s, assistant, _data(room_id), received_at=now - timedelta(days=41))
        first = complaints.create_complaint(s, assistant, _data(room_id), received_at=now - timedelta(days=10))
        other = complaints.create_complaint(s, assistant, _data(room_id, category="快递"),
                                            received_at=now - timedelta(days=5))
    assert first.repeat_of_id is None  # 31 days earlier is outside the 30-day window
    assert other.repeat_of_id is None
    with any_db.Session.begin() as s:
        similar = complaints.earlier_similar(s, room_id, "噪音", now)
        assert [r.id for r in similar] == [first.id]
        again = complaints.create_complaint(s, assistant, _data(room_id))
    assert again.repeat_of_id == first.id and again.is_repeat
    with any_db.Session() as s:
        d = complaints.complaint_detail(s, assistant, again.id)
    assert d.repeat_of_serial == first.serial and [r.id for r in d.similar] == [first.id]
    assert "重复投诉" in d.events[0].note
    assert old.serial < first.serial < other.serial < again.serial


def test_evidence_is_stored_with_its_checksum(any_db, room_id, assistant, tmp_path):
    photo = tmp_path / "漏水照片.JPG"
    photo.write_bytes(b"\xff\xd8 fake jpeg " * 100)
    store = tmp_path / "data" / "evidence"
    with any_db.Session.begin() as s:
        c = complaints.create_complaint(s, assistant, _data(room_id))
        ev = complaints.add_evidence(s, assistant, c.id, photo, store)
        complaints.add_evidence(s, assistant, c.id, photo, store)  # the same file is stored once
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert ev.sha256 == digest and ev.size == photo.stat().st_size and ev.filename == "漏水照片.JPG"
    assert [p.name for p in store.iterdir()] == [f"{digest}.jpg"]
    with any_db.Session() as s:
        path = complaints.evidence_path(s, assistant, ev.id, store, verify=True)
        assert path.read_bytes() == photo.read_bytes()
        assert len(complaints.complaint_detail(s, assistant, c.id).evidence) == 2
    big = tmp_path / "video.mp4"
    with big.open("wb") as f:
        f.truncate(complaints.MAX_EVIDENCE_BYTES + 1)
    with any_db.Session.begin() as s, pytest.raises(ValidationError, match="20 MB"):
        complaints.add_evidence(s, assistant, c.id, big, store)
    path.write_bytes(b"tampered")
    with any_db.Session() as s, pytest.raises(complaints.StorageError, match="校验值"):
        complaints.evidence_path(s, assistant, ev.id, store, verify=True)


def test_list_filters_counts_masking_and_the_printed_record(any_db, room_id, assistant, supervisor, tmp_path):
    with any_db.Session.begin() as s:
        a = complaints.create_complaint(s, assistant, _data(room_id))
        complaints.create_complaint(s, assistant, _data(room_id, category="停车", details="车位被外来车辆占用"))
        complaints.start_verify(s, assistant, a.id)
    with any_db.Session() as s:
        assert [r.category for r in complaints.search_complaints(s, assistant, ComplaintQuery(text="车位"))] == ["停车"]
        assert len(complaints.search_complaints(s, assistant, ComplaintQuery(text="3-2-12"))) == 2
        assert len(complaints.search_complaints(s, assistant, ComplaintQuery(text="8000"))) == 2
        q = ComplaintQuery(state=ComplaintState.VERIFYING)
        assert [r.id for r in complaints.search_complaints(s, assistant, q)] == [a.id]
        counts = complaints.state_counts(s, assistant, ComplaintQuery(category="噪音"))
        assert counts[ComplaintState.VERIFYING] == 1 and counts[ComplaintState.RECEIVED] == 0
        today = date.today()
        assert complaints.search_complaints(s, assistant, ComplaintQuery(date_from=today + timedelta(days=1))) == []
        page = complaints.search_complaints(s, assistant, ComplaintQuery(limit=1, offset=1))
        assert len(page) == 1
        rows = complaints.search_complaints(s, assistant, ComplaintQuery())
        assert {r.contact for r in rows} == {"138****8000"}
    with any_db.Session.begin() as s:
        shown = complaints.complaint_detail(s, supervisor, a.id, reveal=True)
        assert shown.row.contact == "13800138000"
        spec = complaints.complaint_slip(s, assistant, a.id)
    assert spec.title == "《投诉处理记录单》" and spec.serial == a.serial
    assert tuple(spec.signatures) == ("投诉人", "经办人", "主管")
    from app.slips import SlipHeader, render_slip

    target = tmp_path / "record.pdf"
    render_slip(spec, SlipHeader("中天雅苑", "中天物业"), out=target, printed_at=datetime.now(UTC))
    text = pdf_text(target)
    assert "投诉处理记录单" in text and "开始核实" in text and "138****8000" in text


def test_serial_numbers_count_per_year(any_db, room_id, assistant):
    with any_db.Session.begin() as s:
        last_year = complaints.create_complaint(
            s, assistant, _data(room_id), received_at=datetime(2025, 6, 1, 3, tzinfo=UTC))
        a = complaints.create_complaint(s, assistant, _data(room_id, category="停车"),
                                        received_at=datetime(2026, 1, 5, 3, tzinfo=UTC))
        b = complaints.create_complaint(s, assistant, _data(room_id, category="收费"),
                                        received_at=datetime(2026, 1, 6, 3, tzinfo=UTC))
    assert (last_year.serial, a.serial, b.serial) == ("TS-2025-000001", "TS-2026-000001", "TS-2026-000002")


def test_month_report_section_and_the_supervisors_analysis(any_db, room_id, assistant, supervisor):
    from app.month_complaints import complaints_section

    month = Month.of(date.today())
    with any_db.Session.begin() as s:
        a = complaints.create_complaint(s, assistant, _data(room_id))
        b = complaints.create_complaint(s, assistant, _data(room_id, category="停车", details="车位被外来车辆占用"))
        complaints.handle_on_spot(s, assistant, a.id, "已协调", Satisfaction.SATISFIED)
        complaints.start_verify(s, assistant, b.id)
        complaints.mark_invalid(s, assistant, b.id, "不属实")
        cb = s.scalars(select(Callback).where(Callback.source_id == a.id)).one()
        # The callbacks procedure records it and marks the complaint called back.
        callbacks.record_callback(s, assistant, cb.id, callbacks.CallbackResult(
            method=callbacks.Method.PHONE, done_by="李助理", content="业主表示已安静",
            satisfaction=callbacks.Satisfaction.SATISFIED))
        assert complaints.complaint_detail(s, assistant, a.id).row.state == ComplaintState.CALLED_BACK
        with pytest.raises(PermissionDenied):
            complaints.save_month_note(s, assistant, str(month), "complaints", "分析")
        complaints.save_month_note(s, supervisor, str(month), "complaints", "噪音投诉集中在3号楼，加强夜间巡查")
    with any_db.Session() as s:
        sec = complaints_section(s, month)
        assert complaints.get_month_note(s, assistant, month) == "噪音投诉集中在3号楼，加强夜间巡查"
    figures = {f.label: f.value for f in sec.figures}
    assert figures["受理投诉"] == 2
    assert figures["有效投诉占比"] == "50.0%（1/2）"
    assert figures["当场处理占比（有效投诉）"] == "100.0%（1/1）"
    assert figures["48 小时内回访（本月处理完成的投诉）"] == "100.0%（1/1）"
    assert figures["重复投诉"] == 0
    assert sec.tables[-1].rows == [["噪音投诉集中在3号楼，加强夜间巡查"]]
    assert sec.tables[0].rows == [["停车", 1, 0, 0], ["噪音", 1, 1, 0]]


def test_demo_history_is_consistent(any_db, assistant):
    from app import demo
    from app.demo_complaints import generate_complaints

    with any_db.Session.begin() as s:
        demo.generate(s, households=300, months=3, seed=7)
        room_ids = list(s.scalars(select(Room.id).where(Room.kind == "residence")))
        staff = list_staff(s, assistant)
        n = generate_complaints(s, random.Random(7), demo.ANCHOR, 3, room_ids, staff)
    assert n > 150
    with any_db.Session() as s:
        states = dict(s.execute(select(Complaint.state, func.count()).group_by(Complaint.state)).all())
        assert set(states) == {str(x) for x in ComplaintState}
        # Every timeline ends in the complaint's state, in time order, each step allowed by the table.
        for c in s.scalars(select(Complaint)).all()[:200]:
            events = s.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == c.id)
                               .order_by(ComplaintEvent.id)).all()
            assert events[-1].to_state == c.state
            for e in events[1:]:
                sources, target, _p = complaints.TRANSITIONS[Action(e.action)]
                assert e.from_state in sources and e.to_state == (target or e.from_state)
            assert [e.at for e in events] == sorted(e.at for e in events)
        assert s.scalar(select(func.count()).select_from(Complaint).where(Complaint.repeat_of_id.is_not(None)))


def test_a_serious_complaint_is_not_closed_before_the_apology(any_db, room_id, assistant, supervisor):
    with any_db.Session.begin() as s:
        c = complaints.create_complaint(s, assistant, _data(room_id, severity=Severity.SERIOUS))
        complaints.start_verify(s, assistant, c.id)
        complaints.mark_invalid(s, assistant, c.id, "经核实为邻居误会")
        with pytest.raises(InvalidTransition, match="致歉"):
            complaints.close(s, supervisor, c.id)


def test_one_call_line_becomes_one_complaint(any_db, room_id, assistant):
    from app import calls
    from app.calls import CallData, CallKind
    from app.errors import ConflictError

    with any_db.Session.begin() as s:
        line = calls.log_call(s, assistant, CallData(channel="phone", room_code="3-2-1201", caller_name="王芳",
                                                     contact="13800138000", kind=CallKind.COMPLAINT,
                                                     content="楼上深夜噪音"))
        ask = calls.log_call(s, assistant, CallData(channel="phone", room_code="3-2-1201", caller_name="王芳",
                                                    contact="13800138000", kind=CallKind.INQUIRY,
                                                    content="问物业费"))
    with any_db.Session.begin() as s:
        data = calls.complaint_data_for_call(s, assistant, line.id, category="噪音")
        assert data.contact == "138****8000"  # masked on the form ...
        made = complaints.create_complaint(s, assistant, data)
        assert made.call_id == line.id
        assert s.get(Complaint, made.id).contact == "13800138000"  # ... the number is kept whole
    with any_db.Session.begin() as s:
        with pytest.raises(ConflictError):
            complaints.create_complaint(s, assistant, _data(room_id, call_id=line.id))
        with pytest.raises(InvalidTransition):
            complaints.create_complaint(s, assistant, _data(room_id, call_id=ask.id))
