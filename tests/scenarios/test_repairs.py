"""报修 · 维修派工单 (DOMAIN.md §六), as the counter lives it: intake (directly or from a 报修 line of the
reception log), dispatch, on site, the owner's fee signature, completion and rating, the callback,
filing; 退单, 转单, 取消, 返修; response and completion times and lateness; the board's queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import audit, callbacks, calls, repairs, rooms
from app.callbacks import CallbackResult, Method, Satisfaction
from app.calls import CallData, CallKind
from app.errors import ConflictError, InvalidTransition, NotFoundError, PermissionDenied, ValidationError
from app.repairs import (
    TRANSITIONS,
    Action,
    Channel,
    LinkedCall,
    LinkedCallback,
    LinkedOrder,
    Rating,
    RepairData,
    RepairQuery,
    RepairState,
    Threshold,
    Urgency,
)
from app.rooms import PersonData, RoomData, RoomKind
from app.staff import StaffData, departments, save_staff
from app.timeutil import local_day_bounds, local_today, local_tz
from db.models import AuditEntry, Callback, CallLog, RepairEvent, RepairOrder

pytestmark = pytest.mark.pg

S, A = RepairState, Action
PHONE = "13800138000"
MASKED = "138****8000"


@dataclass(frozen=True)
class World:
    room: int        # 3-2-1201, 王芳 13800138000
    room2: int       # 3-21-101
    common: int      # 公共-配电室
    eng: int         # 张工 (工程部)
    eng2: int        # 李工 (工程部)
    guard: int       # 赵保安 (秩序维护部)
    retired: int     # 王工 (工程部, 已停用)


@pytest.fixture
def w(any_db, supervisor, assistant) -> World:
    with any_db.Session.begin() as s:
        dept = {d.code: d.id for d in departments(s)}
        r = rooms.create_room(s, assistant, RoomData(code="3-2-1201", area=Decimal("89.50")))
        rooms.add_person_to_room(s, assistant, r.id, PersonData(name="王芳", phone=PHONE))
        r2 = rooms.create_room(s, assistant, RoomData(code="3-21-101"))
        common = rooms.create_room(s, assistant, RoomData(code="公共-配电室", kind=RoomKind.COMMON, name="配电室"))

        def staff(name: str, work_id: str, dept_code: str, active: bool = True) -> int:
            return save_staff(s, supervisor, StaffData(name, work_id, dept[dept_code], "13900001111",
                                                       active=active)).id

        return World(r.id, r2.id, common.id, staff("张工", "GC-001", "engineering"),
                     staff("李工", "GC-002", "engineering"), staff("赵保安", "ZA-001", "security"),
                     staff("王工", "GC-009", "engineering", active=False))


def _data(room_id: int, **kw) -> RepairData:
    values = dict(channel=Channel.PHONE, reporter="王芳", contact=PHONE, room_id=room_id, location="厨房",
                  category="水", content="厨房水槽下水管接口漏水", urgency=Urgency.NORMAL)
    values.update(kw)
    return RepairData(**values)


def _now() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


def _params(action: Action, w: World, rating: Rating = Rating.SATISFIED) -> dict:
    """Valid arguments for each action, so only the state (or the rule under test) can refuse it."""
    return {
        A.DISPATCH: dict(engineer_id=w.eng, note="带上扳手"),
        A.ARRIVE: dict(plan="更换三角阀"),
        A.QUOTE: dict(amount="85.5", note="三角阀一个"),
        A.ACCEPT_FEE: dict(signed_by="王芳"),
        A.COMPLETE: dict(work_done="已更换三角阀", signed_by="王芳", rating=rating,
                         comment="接口仍在渗水" if rating == Rating.DISSATISFIED else ""),
        A.MARK_CALLED_BACK: dict(note="电话回访"),
        A.ARCHIVE: {},
        A.SEND_BACK: dict(reason="缺少配件"),
        A.TRANSFER: dict(engineer_id=w.eng2, reason="张工调去处理电梯故障"),
        A.CANCEL: dict(reason="业主自行修好"),
        A.REOPEN: dict(reason="接口仍在渗水"),
    }[action]


# The shortest way to each state.
PATHS: dict[RepairState, tuple[Action, ...]] = {
    S.PENDING: (),
    S.DISPATCHED: (A.DISPATCH,),
    S.IN_PROGRESS: (A.DISPATCH, A.ARRIVE),
    S.AWAITING_FEE: (A.DISPATCH, A.ARRIVE, A.QUOTE),
    S.DONE: (A.DISPATCH, A.ARRIVE, A.COMPLETE),
    S.CALLED_BACK: (A.DISPATCH, A.ARRIVE, A.COMPLETE, A.MARK_CALLED_BACK),
    S.ARCHIVED: (A.DISPATCH, A.ARRIVE, A.COMPLETE, A.MARK_CALLED_BACK, A.ARCHIVE),
    S.CANCELLED: (A.CANCEL,),
}


def _run(s, actor, w: World, path, *, data: RepairData | None = None, start: datetime | None = None,
         step: timedelta = timedelta(minutes=10), rating: Rating = Rating.SATISFIED):
    """A new order taken through `path`; with `start`, reported then and each step `step` later."""
    row = repairs.create_order(s, actor, data or _data(w.room), reported_at=start)
    for i, a in enumerate(path, 1):
        at = start + i * step if start is not None else None
        row = repairs.run_action(s, actor, row.id, a, at=at, **_params(a, w, rating))
    return row


def drive(s, actor, w: World, state: RepairState, **kw):
    """An order in `state`, got there through the workflow itself."""
    row = _run(s, actor, w, PATHS[state], **kw)
    assert row.state == state
    return row


def _events(s, order_id: int) -> list[tuple[str, str, str]]:
    return [(e.action, e.from_state, e.to_state) for e in s.scalars(
        select(RepairEvent).where(RepairEvent.order_id == order_id).order_by(RepairEvent.id))]


def _repair_callbacks(s, order_id: int) -> list[Callback]:
    return list(s.scalars(select(Callback).where(Callback.source == "repair", Callback.source_id == order_id)
                          .order_by(Callback.id)))


def _year() -> int:
    return datetime.now().astimezone().year


# ---------------------------------------------------------------- intake


def test_intake_for_a_room_and_for_a_common_area(any_db, w, assistant):
    # §六1–3: reporter, room or common area, contact, item, content, urgency, paid or not, a time that suits.
    y = _year()
    with any_db.Session.begin() as s:
        a = repairs.create_order(s, assistant, _data(w.room, preferred_time="周六上午"))
        b = repairs.create_order(s, assistant, _data(
            None, channel=Channel.INSPECTION, reporter="巡查 周师傅", contact="010-12345678", room_code="公共－配电室",
            location="2号配电柜", category="电", content="配电柜指示灯不亮，疑似跳闸", urgency=Urgency.EMERGENCY,
            paid=False))
        c = repairs.create_order(s, assistant, _data(w.room, category="门窗", content="入户门锁芯损坏，需更换",
                                                     urgency="urgent", paid=True, channel="visit"))
    assert [a.serial, b.serial, c.serial] == [f"WX-{y}-000001", f"WX-{y}-000002", f"WX-{y}-000003"]
    assert (a.state, a.state_label, a.reporter, a.contact, a.masked) == (S.PENDING, "待派工", "王芳", MASKED, True)
    assert (a.room_code, a.place, a.category, a.urgency_label, a.paid_label, a.preferred_time,
            a.channel_label) == (
        "3-2-1201", "3-2-1201 厨房", "水", "一般", "无偿", "周六上午", "来电")
    assert (a.engineer_id, a.dispatched_at, a.arrived_at, a.completed_at, a.response_minutes) == (None,) * 5
    assert a.created_by == "li" and a.is_open and a.follow_up_of_id is None and a.call_id is None
    assert (b.room_id, b.room_code, b.place) == (w.common, "公共-配电室", "公共-配电室 2号配电柜")
    assert (b.channel_label, b.urgency_label, b.contact) == ("巡查发现", "特急", "010-****5678")
    assert (c.paid_label, c.urgency, c.channel) == ("有偿", Urgency.URGENT, Channel.VISIT)
    with any_db.Session() as s:
        orders = {o.id: o for o in s.scalars(select(RepairOrder))}
        assert orders[a.id].contact == PHONE and orders[b.id].contact == "010-12345678"  # kept whole
        d = repairs.order_detail(s, assistant, a.id)
        assert [(e.action, e.action_label, e.from_state, e.to_state, e.change_label, e.username)
                for e in d.events] == [
            ("create", "报修登记", "", "pending", "待派工", "li")]
        assert d.events[0].note == "来电报修 · 一般 · 无偿 · 预约：周六上午" and d.events[0].at == a.reported_at
        assert repairs.order_detail(s, assistant, c.id).events[0].note == "来访报修 · 紧急 · 有偿"
        assert d.callbacks == [] and d.call is None and d.follow_ups == [] and d.follow_up_of is None
        assert not d.can_reopen
        created = s.scalars(select(AuditEntry).where(AuditEntry.entity == "repair")
                            .order_by(AuditEntry.id)).all()
        assert [(e.action, e.entity_id) for e in created] == [("create", str(a.id)), ("create", str(b.id)),
                                                             ("create", str(c.id))]
        assert created[0].summary == f"报修登记 {a.serial}（水）" and PHONE not in created[0].after
        assert MASKED in created[0].after


def test_serials_count_per_year_of_the_report(any_db, w, assistant):
    y = _year()
    new_years_eve = datetime(y - 1, 12, 31, 23, 30, tzinfo=local_tz())
    with any_db.Session.begin() as s:
        first = repairs.create_order(s, assistant, _data(w.room))
        last_year = repairs.create_order(s, assistant, _data(w.room), reported_at=new_years_eve)
        last_year2 = repairs.create_order(s, assistant, _data(w.room),
                                          reported_at=new_years_eve + timedelta(minutes=5))
    with any_db.Session.begin() as s:
        second = repairs.create_order(s, assistant, _data(w.room))
    assert [first.serial, last_year.serial, last_year2.serial, second.serial] == [
        f"WX-{y}-000001", f"WX-{y - 1}-000001", f"WX-{y - 1}-000002", f"WX-{y}-000002"]
    assert last_year.reported_at == new_years_eve


def test_serials_stay_unique_when_many_orders_are_made_in_one_transaction(any_db, w, assistant):
    y = _year()
    with any_db.Session.begin() as s:
        made = [repairs.create_order(s, assistant, _data(w.room if i % 2 else w.common, content=f"第{i}处漏水"))
                for i in range(1, 31)]
    assert [r.serial for r in made] == [f"WX-{y}-{i:06d}" for i in range(1, 31)]
    with any_db.Session.begin() as s:
        assert repairs.create_order(s, assistant, _data(w.room)).serial == f"WX-{y}-000031"
        assert s.scalar(select(func.count(func.distinct(RepairOrder.serial)))) == 31


def test_intake_problems_are_told_by_field_in_chinese(any_db, w, assistant):
    empty = RepairData(category="水")
    expected = {"reporter": "请填写报修人", "contact": "请填写联系电话，工程人员上门前需要联系",
                "room": "请填写房号或公共区域", "content": "请填写报修内容"}
    assert repairs.repair_problems(empty) == expected
    assert repairs.repair_problems(RepairData(channel="fax", urgency="asap", reporter="王芳", contact=PHONE,
                                              room_id=w.room, content="漏")) == {
        "channel": "请选择报修方式", "urgency": "请选择紧急程度", "category": "请选择报修类别",
        "content": "报修内容过于简单，请写明故障情况"}
    with any_db.Session.begin() as s:
        with pytest.raises(ValidationError) as e:
            repairs.create_order(s, assistant, empty)
        assert e.value.errors == expected
        with pytest.raises(ValidationError) as e:
            repairs.create_order(s, assistant, _data(w.room, contact="12345"))
        assert e.value.errors == {"contact": "电话号码格式不正确（手机11位，座机如 010-12345678）"}
        with pytest.raises(ValidationError) as e:
            repairs.create_order(s, assistant, _data(None, room_code="9-9-999"))
        assert e.value.errors == {"room": "找不到房号或公共区域 9-9-999"}
        with pytest.raises(ValidationError) as e:
            repairs.create_order(s, assistant, _data(w.room, category="空调"))
        assert e.value.errors == {"category": "“空调”不在报修类别设置中"}
        with pytest.raises(ValidationError) as e:
            repairs.create_order(s, assistant, _data(w.room),
                                 reported_at=datetime.now(UTC) + timedelta(hours=1))
        assert e.value.errors == {"reported_at": "报修时间不能晚于现在"}
        # A masked number stands for the room's person whose phone it masks; any other is refused.
        with pytest.raises(ValidationError) as e:
            repairs.create_order(s, assistant, _data(w.room, contact="139****0000"))
        assert e.value.errors == {"contact": "请填写完整的联系电话"}
        ok = repairs.create_order(s, assistant, _data(w.room, contact=MASKED))
        assert s.get(RepairOrder, ok.id).contact == PHONE
        rooms.set_room_active(s, assistant, w.room2, False)
        with pytest.raises(ValidationError) as e:
            repairs.create_order(s, assistant, _data(w.room2))
        assert e.value.errors == {"room": "3-21-101 已停用，不能报修"}
        assert s.scalar(select(func.count()).select_from(RepairOrder)) == 1


def test_categories_are_a_setting(any_db, w, supervisor, assistant, admin):
    with any_db.Session.begin() as s:
        assert repairs.categories(s) == ["水", "电", "门窗", "暖气", "燃气", "公共设施", "电梯", "其他"]
        with pytest.raises(PermissionDenied):
            repairs.save_categories(s, assistant, ["水"])
        for bad, msg in (([], "至少需要一个报修类别"), (["水", " "], "报修类别不能为空"),
                         (["水", "电", "水"], "报修类别重复：水"), (["水" * 33], "报修类别名称不能超过32个字")):
            with pytest.raises(ValidationError) as e:
                repairs.save_categories(s, supervisor, bad)
            assert e.value.errors == {"repair_categories": msg}
        assert repairs.save_categories(s, admin, [" 水 ", "电", "空调"]) == ["水", "电", "空调"]
    with any_db.Session.begin() as s:
        assert repairs.categories(s) == ["水", "电", "空调"]
        aircon = repairs.create_order(s, assistant, _data(w.room, category="空调", content="空调外机漏水"))
        assert aircon.category == "空调"
        with pytest.raises(ValidationError, match="“门窗”不在报修类别设置中"):
            repairs.create_order(s, assistant, _data(w.room, category="门窗"))
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "settings")).one()
        assert (entry.username, entry.entity_id, entry.summary) == ("admin", "repair_categories", "修改报修类别")


def test_a_repair_line_of_the_reception_log_becomes_one_order(any_db, w, assistant):
    with any_db.Session.begin() as s:
        line = calls.log_call(s, assistant, CallData(
            channel="visit", kind=CallKind.REPAIR, room_code="3-2-1201", caller_name="王芳", contact=PHONE,
            content="卫生间地漏堵塞返臭"))
        ask = calls.log_call(s, assistant, CallData(kind=CallKind.INQUIRY, room_code="3-2-1201",
                                                    caller_name="王芳", contact=PHONE, content="问物业费"))
    with any_db.Session.begin() as s:
        data = repairs.data_for_call(s, assistant, line.id)
        assert data == RepairData(channel=Channel.VISIT, reporter="王芳", contact=MASKED, room_id=w.room,
                                  room_code="3-2-1201", content="卫生间地漏堵塞返臭", call_id=line.id)
        row = repairs.order_from_call(s, assistant, line.id, "水", urgency=Urgency.URGENT, location="卫生间",
                                      preferred_time="今天下午")
    assert (row.call_id, row.channel, row.reporter, row.room_code, row.urgency, row.location) == (
        line.id, Channel.VISIT, "王芳", "3-2-1201", Urgency.URGENT, "卫生间")
    with any_db.Session() as s:
        assert s.get(CallLog, line.id).repair_ref == row.serial  # linked both ways
        assert s.get(RepairOrder, row.id).contact == PHONE       # the masked form meant the call's number
        d = repairs.order_detail(s, assistant, row.id)
        assert d.call == LinkedCall(line.id, line.at, "王芳", "卫生间地漏堵塞返臭")
        link = s.scalars(select(AuditEntry).where(AuditEntry.entity == "call",
                                                  AuditEntry.action == "link")).one()
        assert (link.entity_id, link.summary) == (str(line.id), f"来电 #{line.id} 转为维修派工单 {row.serial}")
    with any_db.Session.begin() as s:
        # Only once ...
        with pytest.raises(ConflictError, match=f"已转为维修派工单 {row.serial}"):
            repairs.data_for_call(s, assistant, line.id)
        with pytest.raises(ConflictError, match=row.serial):
            repairs.order_from_call(s, assistant, line.id, "水")
        with pytest.raises(ConflictError, match=row.serial):
            repairs.create_order(s, assistant, _data(w.room, call_id=line.id))
        # ... and only from a 报修 line.
        with pytest.raises(InvalidTransition, match="只有“报修”类"):
            repairs.data_for_call(s, assistant, ask.id)
        with pytest.raises(InvalidTransition, match="只有“报修”类"):
            repairs.create_order(s, assistant, _data(w.room, call_id=ask.id))
        with pytest.raises(NotFoundError):
            repairs.data_for_call(s, assistant, 999_999)
        assert s.scalar(select(func.count()).select_from(RepairOrder)) == 1
        assert s.get(CallLog, ask.id).repair_ref == ""


def test_a_repair_line_with_a_landline_contact_converts_too(any_db, w, assistant):
    with any_db.Session.begin() as s:
        line = calls.log_call(s, assistant, CallData(kind=CallKind.REPAIR, room_code="3-2-1201",
                                                     caller_name="王老伯", contact="010-12345678",
                                                     content="暖气片不热"))
        row = repairs.order_from_call(s, assistant, line.id, "暖气")
        assert s.get(RepairOrder, row.id).contact == "010-12345678"


# ---------------------------------------------------------------- the workflow


def test_a_paid_job_from_report_to_the_file_with_its_timeline_and_audit(any_db, w, assistant, supervisor):
    t0 = _now() - timedelta(hours=6)
    at = {k: t0 + timedelta(minutes=m) for k, m in
          (("dispatch", 15), ("arrive", 40), ("quote", 50), ("accept", 55), ("complete", 180),
           ("callback", 300))}
    with any_db.Session.begin() as s:
        o = repairs.create_order(s, assistant, _data(w.room), reported_at=t0)
        r = repairs.dispatch(s, assistant, o.id, w.eng, "带上扳手", at=at["dispatch"])
        assert (r.state, r.engineer_id, r.engineer_name, r.dispatched_at) == (
            S.DISPATCHED, w.eng, "张工", at["dispatch"])
        r = repairs.arrive(s, assistant, o.id, "更换三角阀", at=at["arrive"])
        assert (r.state, r.arrived_at, r.response_minutes, r.plan) == (
            S.IN_PROGRESS, at["arrive"], 40, "更换三角阀")
        r = repairs.quote(s, assistant, o.id, "85.5", "三角阀一个", at=at["quote"])
        assert (r.state, r.paid, r.paid_label, r.quote_amount, r.amount_text, r.fee_accepted) == (
            S.AWAITING_FEE, True, "有偿", Decimal("85.50"), "¥85.50", False)
        assert str(r.quote_amount) == "85.50" and r.quote_note == "三角阀一个"
        r = repairs.accept_fee(s, assistant, o.id, " 王芳 ", at=at["accept"])
        assert (r.state, r.fee_accepted_by, r.fee_accepted_at) == (S.IN_PROGRESS, "王芳", at["accept"])
        r = repairs.complete(s, assistant, o.id, "已更换三角阀", "王芳", Rating.SATISFIED, "师傅很细心",
                             at=at["complete"])
    assert (r.state, r.completed_at, r.completion_minutes, r.response_minutes) == (
        S.DONE, at["complete"], 180, 40)
    assert (r.work_done, r.owner_signed_by, r.rating, r.rating_label, r.owner_comment) == (
        "已更换三角阀", "王芳", "satisfied", "满意", "师傅很细心")
    assert not r.is_open
    # §六7 / §七5: completion asks for the repair callback, due 48 hours later.
    with any_db.Session() as s:
        [cb] = _repair_callbacks(s, o.id)
        assert (cb.kind, cb.state, cb.urgent, cb.person_name, cb.contact, cb.room_id) == (
            "repair", "due", False, "王芳", PHONE, w.room)
        assert cb.due_at == at["complete"] + timedelta(hours=48)
        assert cb.reason == f"维修 {o.serial}（水）完工后回访"
    # Recording that callback in 走访回访 moves the order to 已回访.
    with any_db.Session.begin() as s:
        callbacks.record_callback(s, assistant, cb.id, CallbackResult(
            method=Method.PHONE, done_by="李助理", content="业主表示已不漏水", satisfaction=Satisfaction.SATISFIED,
            done_at=at["callback"]))
        r = repairs.order_detail(s, assistant, o.id).row
        assert (r.state, r.called_back_at) == (S.CALLED_BACK, at["callback"])
        r = repairs.archive(s, assistant, o.id)
    assert r.state == S.ARCHIVED and r.archived_at is not None and r.archived_at >= at["callback"]
    with any_db.Session() as s:
        d = repairs.order_detail(s, assistant, o.id)
        assert d.callbacks == [LinkedCallback(cb.id, "done", at["complete"] + timedelta(hours=48), False,
                                              at["callback"], "satisfied")]
        assert [(e.action, e.from_state, e.to_state, e.username, e.engineer_name) for e in d.events] == [
            ("create", "", "pending", "li", ""),
            ("dispatch", "pending", "dispatched", "li", "张工"),
            ("arrive", "dispatched", "in_progress", "li", "张工"),
            ("quote", "in_progress", "awaiting_fee", "li", "张工"),
            ("accept_fee", "awaiting_fee", "in_progress", "li", "张工"),
            ("complete", "in_progress", "done", "li", "张工"),
            ("mark_called_back", "done", "called_back", "li", "张工"),
            ("archive", "called_back", "archived", "li", "张工"),
        ]
        assert [e.at for e in d.events[:7]] == [t0, *at.values()]
        assert [e.note for e in d.events[1:]] == [
            "派给 张工，签收；带上扳手", "到场确认；方案：更换三角阀", "报价 ¥85.50（三角阀一个）", "王芳 签字确认费用 ¥85.50",
            "已更换三角阀；王芳 验收签字：满意；意见：师傅很细心", "电话回访（李助理）：满意。业主表示已不漏水",
            "派工单已交回客服中心存档"]
        assert [e.change_label for e in d.events[1:3]] == ["待派工 → 已派工", "已派工 → 维修中"]
        assert [e.action_label for e in d.events] == ["报修登记", "派工", "到场确认", "报价", "业主确认费用", "完工验收",
                                                     "已回访", "归档"]
        # Every change is audited, in order, with the contact masked.
        entries = audit.list_entries(s, supervisor, audit.AuditQuery(entity="repair"))
        assert [e.action for e in reversed(entries)] == [
            "create", "dispatch", "arrive", "quote", "accept_fee", "complete", "mark_called_back", "archive"]
        assert {e.entity_id for e in entries} == {str(o.id)}
        assert all(PHONE not in e.before + e.after for e in entries)
        by_action = {e.action: e for e in entries}
        assert '"quote_amount": "85.50"' in by_action["quote"].after
        assert '"state": "awaiting_fee"' in by_action["quote"].after
        assert by_action["dispatch"].summary == f"维修派工单 {o.serial}：派工"
        assert f'"engineer_id": {w.eng}' in by_action["dispatch"].after
        assert audit.verify_chain(s).ok


def test_fee_amounts_are_exact_decimals(any_db, w, assistant):
    assert repairs.parse_amount("120") == Decimal("120.00")
    assert repairs.parse_amount(" ¥1,200.5元 ") == Decimal("1200.50")
    assert repairs.parse_amount(Decimal("0.01")) == Decimal("0.01")
    assert repairs.parse_amount(100000) == Decimal("100000.00")
    with any_db.Session.begin() as s:
        o = drive(s, assistant, w, S.IN_PROGRESS)
        for bad, msg in ((85.5, "金额不能使用浮点数"), ("八十五", "金额格式不正确：八十五（例如 120 或 85.50）"),
                         ("", "请填写维修费用金额"), ("0", "维修费用应大于 0 元；无偿维修不需要报价"),
                         ("-5", "维修费用应大于 0 元；无偿维修不需要报价"), ("NaN", "维修费用应大于 0 元；无偿维修不需要报价"),
                         ("1.234", "金额最多保留两位小数（精确到分）"), ("100000.01", "金额超过 100000 元，请核对")):
            with pytest.raises(ValidationError) as e:
                repairs.quote(s, assistant, o.id, bad)
            assert (e.value.field, e.value.message) == ("amount", msg), bad
        assert s.get(RepairOrder, o.id).state == S.IN_PROGRESS
        repairs.quote(s, assistant, o.id, "1234.56")
    with any_db.Session() as s:  # read back from the database: still exact
        amount = repairs.order_detail(s, assistant, o.id).row.quote_amount
        assert isinstance(amount, Decimal) and amount == Decimal("1234.56") and str(amount) == "1234.56"


@pytest.mark.parametrize("typed", ["1e30", "99999999999999999999999999999"])
def test_a_huge_amount_is_refused_as_too_large(typed):
    with pytest.raises(ValidationError, match="金额超过 100000 元"):
        repairs.parse_amount(typed)


def test_a_paid_job_is_not_completed_before_the_owner_signs_the_fee(any_db, w, assistant):
    done = dict(work_done="已更换门锁", signed_by="王芳", rating=Rating.BASIC)
    with any_db.Session.begin() as s:
        o = drive(s, assistant, w, S.IN_PROGRESS,
                  data=_data(w.room, category="门窗", content="门锁坏了", paid=True))
        # Never quoted.
        with pytest.raises(InvalidTransition) as e:
            repairs.complete(s, assistant, o.id, **done)
        assert e.value.message == f"维修派工单 {o.serial} 是有偿维修，尚未报价：请先报价并由业主签字确认费用，再完工"
        assert e.value.params == {"action": "complete", "state": "in_progress"}
        # Quoted, not yet signed.
        repairs.quote(s, assistant, o.id, "120")
        with pytest.raises(InvalidTransition) as e:
            repairs.complete(s, assistant, o.id, **done)
        assert e.value.message == (f"维修派工单 {o.serial} 的维修费用 ¥120.00 尚未经业主签字确认，不能完工"
                                   "（有偿维修须先确认费用再施工）")
        assert e.value.params == {"action": "complete", "state": "awaiting_fee"}
        with pytest.raises(ValidationError) as e:
            repairs.accept_fee(s, assistant, o.id, "  ")
        assert e.value.field == "signed_by"
        r = repairs.accept_fee(s, assistant, o.id, "王芳")
        assert r.fee_accepted and r.state == S.IN_PROGRESS
        # A new quote clears the earlier acceptance.
        r = repairs.quote(s, assistant, o.id, "150.00", "另需更换锁体")
        assert (r.state, r.quote_amount, r.fee_accepted_at, r.fee_accepted_by) == (
            S.AWAITING_FEE, Decimal("150.00"), None, "")
        with pytest.raises(InvalidTransition, match="¥150.00 尚未经业主签字确认"):
            repairs.complete(s, assistant, o.id, **done)
        assert s.get(RepairOrder, o.id).state == S.AWAITING_FEE and _repair_callbacks(s, o.id) == []
        repairs.accept_fee(s, assistant, o.id, "王芳")
        r = repairs.complete(s, assistant, o.id, **done)
        assert (r.state, r.rating_label, r.quote_amount) == (S.DONE, "基本满意", Decimal("150.00"))
        # A free job completes without any quote.
        free = drive(s, assistant, w, S.IN_PROGRESS)
        assert repairs.complete(s, assistant, free.id, **done).state == S.DONE


def test_completion_needs_work_signature_rating_and_a_comment_when_not_satisfied(any_db, w, assistant):
    with any_db.Session.begin() as s:
        o = drive(s, assistant, w, S.IN_PROGRESS)
        for kw, field, msg in (
                (dict(work_done=" "), "work_done", "请填写维修情况（做了什么）"),
                (dict(signed_by=""), "signed_by", "请填写验收签字的业主姓名"),
                (dict(rating="so-so"), "rating", "请选择业主评价（满意、基本满意或不满意）"),
                (dict(rating=Rating.DISSATISFIED, comment="  "), "comment", "业主不满意：请记下业主的意见")):
            args = dict(work_done="已更换", signed_by="王芳", rating=Rating.SATISFIED) | kw
            with pytest.raises(ValidationError) as e:
                repairs.complete(s, assistant, o.id, **args)
            assert (e.value.field, e.value.message) == (field, msg)
        assert s.get(RepairOrder, o.id).state == S.IN_PROGRESS and _repair_callbacks(s, o.id) == []


def test_only_active_engineering_staff_are_dispatched(any_db, w, assistant):
    with any_db.Session.begin() as s:
        o = repairs.create_order(s, assistant, _data(w.room))
        for staff_id, msg in ((None, "请选择维修人员"), (w.guard, "赵保安 不是工程部人员，不能派工"),
                              (w.retired, "王工 已停用，不能派工"), (999_999, "找不到该维修人员")):
            with pytest.raises(ValidationError) as e:
                repairs.dispatch(s, assistant, o.id, staff_id)
            assert (e.value.field, e.value.message) == ("engineer", msg)
        assert s.get(RepairOrder, o.id).state == S.PENDING and len(_events(s, o.id)) == 1
        r = repairs.dispatch(s, assistant, o.id, w.eng2)
    assert (r.state, r.engineer_name, r.engineer_id) == (S.DISPATCHED, "李工", w.eng2)


def test_send_back_keeps_the_first_arrival_and_transfer_passes_the_job_on(any_db, w, assistant):
    t0 = _now() - timedelta(hours=3)
    m = lambda minutes: t0 + timedelta(minutes=minutes)  # noqa: E731
    with any_db.Session.begin() as s:
        o = repairs.create_order(s, assistant, _data(w.room, urgency=Urgency.URGENT), reported_at=t0)
        repairs.dispatch(s, assistant, o.id, w.eng, at=m(10))
        repairs.arrive(s, assistant, o.id, "先关总阀", at=m(30))
        with pytest.raises(ValidationError) as e:
            repairs.send_back(s, assistant, o.id, "  ")
        assert (e.value.field, e.value.message) == ("reason", "请填写退单原因")
        r = repairs.send_back(s, assistant, o.id, "需要专用工具", at=m(40))
        assert (r.state, r.engineer_id, r.engineer_name, r.dispatched_at) == (S.PENDING, None, "", None)
        assert (r.arrived_at, r.response_minutes, r.plan) == (m(30), 30, "先关总阀")
        repairs.dispatch(s, assistant, o.id, w.eng2, at=m(50))
        r = repairs.arrive(s, assistant, o.id, "更换整段水管", at=m(70))
        assert (r.arrived_at, r.response_minutes, r.plan, r.engineer_name) == (m(30), 30, "更换整段水管", "李工")
        # 转单: to somebody else, with a reason; the job stays where it stands.
        with pytest.raises(ValidationError) as e:
            repairs.transfer(s, assistant, o.id, w.eng2, "换人")
        assert (e.value.field, e.value.message) == ("engineer", "该单已由 李工 负责，请选择另一位维修人员")
        with pytest.raises(ValidationError) as e:
            repairs.transfer(s, assistant, o.id, w.eng, "")
        assert (e.value.field, e.value.message) == ("reason", "请填写转单原因")
        with pytest.raises(ValidationError, match="不是工程部人员"):
            repairs.transfer(s, assistant, o.id, w.guard, "换人")
        r = repairs.transfer(s, assistant, o.id, w.eng, "李工调去处理电梯故障", at=m(80))
        assert (r.state, r.engineer_id, r.engineer_name, r.dispatched_at, r.arrived_at) == (
            S.IN_PROGRESS, w.eng, "张工", m(80), m(30))
        repairs.quote(s, assistant, o.id, "300", at=m(90))
        r = repairs.transfer(s, assistant, o.id, w.eng2, "张工下班", at=m(95))
        assert (r.state, r.engineer_name) == (S.AWAITING_FEE, "李工")
        d = repairs.order_detail(s, assistant, o.id)
    assert [(e.action, e.from_state, e.to_state, e.engineer_name, e.note) for e in d.events] == [
        ("create", "", "pending", "", "来电报修 · 紧急 · 无偿"),
        ("dispatch", "pending", "dispatched", "张工", "派给 张工，签收"),
        ("arrive", "dispatched", "in_progress", "张工", "到场确认；方案：先关总阀"),
        ("send_back", "in_progress", "pending", "张工", "张工 退单：需要专用工具"),
        ("dispatch", "pending", "dispatched", "李工", "派给 李工，签收"),
        ("arrive", "dispatched", "in_progress", "李工", "到场确认；方案：更换整段水管"),
        ("transfer", "in_progress", "in_progress", "张工", "李工 转给 张工：李工调去处理电梯故障"),
        ("quote", "in_progress", "awaiting_fee", "张工", "报价 ¥300.00"),
        ("transfer", "awaiting_fee", "awaiting_fee", "李工", "张工 转给 李工：张工下班"),
    ]
    assert d.events[3].change_label == "维修中 → 待派工" and d.events[6].change_label == ""


def test_cancel_with_a_reason_from_every_open_state(any_db, w, assistant):
    with any_db.Session.begin() as s:
        for state in (S.PENDING, S.DISPATCHED, S.IN_PROGRESS, S.AWAITING_FEE):
            o = drive(s, assistant, w, state)
            with pytest.raises(ValidationError) as e:
                repairs.cancel(s, assistant, o.id, " ")
            assert (e.value.field, e.value.message) == ("reason", "请填写取消的原因")
            r = repairs.cancel(s, assistant, o.id, "业主自行修好")
            assert (r.state, r.state_label, r.cancel_reason, r.is_open) == (
                S.CANCELLED, "已取消", "业主自行修好", False)
            assert r.cancelled_at is not None and not r.is_late
            assert _events(s, o.id)[-1] == ("cancel", str(state), "cancelled")
            assert _repair_callbacks(s, o.id) == []
        for state in (S.DONE, S.CALLED_BACK, S.ARCHIVED, S.CANCELLED):
            o = drive(s, assistant, w, state)
            with pytest.raises(InvalidTransition, match=f"当前为“{repairs.STATE_LABELS[state]}”，不能取消"):
                repairs.cancel(s, assistant, o.id, "业主自行修好")


def test_every_action_outside_its_source_states_is_refused(any_db, w, assistant):
    refused = 0
    with any_db.Session.begin() as s:
        for state in RepairState:
            o = drive(s, assistant, w, state)
            n_events = len(_events(s, o.id))
            for action in Action:
                sources = TRANSITIONS[action][0]
                assert repairs.can(action, state, assistant) == (state in sources)
                assert (action in repairs.allowed_actions(state, assistant)) == (state in sources)
                if state in sources:
                    continue
                with pytest.raises(InvalidTransition) as e:
                    repairs.run_action(s, assistant, o.id, action, **_params(action, w))
                assert e.value.params == {"action": str(action), "state": str(state)}, (action, state)
                # The message names the state; completing a job whose fee waits for the owner says why.
                words = ("尚未经业主签字确认" if (action, state) == (A.COMPLETE, S.AWAITING_FEE)
                         else f"当前为“{repairs.STATE_LABELS[state]}”")
                assert words in e.value.message, (action, state, e.value.message)
                refused += 1
            assert s.get(RepairOrder, o.id).state == state and len(_events(s, o.id)) == n_events
    allowed = sum(len(src) for src, _t, _p in TRANSITIONS.values())
    assert refused == len(Action) * len(RepairState) - allowed >= 68


# Each allowed (path to the state, action) pair; the step before is the path's last one.
STEP_CASES: list[tuple[tuple[Action, ...], Action]] = [
    ((), A.DISPATCH),
    (PATHS[S.DISPATCHED], A.ARRIVE),
    (PATHS[S.IN_PROGRESS], A.QUOTE),
    (PATHS[S.AWAITING_FEE], A.ACCEPT_FEE),
    (PATHS[S.IN_PROGRESS], A.COMPLETE),
    ((*PATHS[S.AWAITING_FEE], A.ACCEPT_FEE), A.COMPLETE),
    (PATHS[S.DONE], A.MARK_CALLED_BACK),
    (PATHS[S.CALLED_BACK], A.ARCHIVE),
    (PATHS[S.DISPATCHED], A.SEND_BACK),
    (PATHS[S.IN_PROGRESS], A.SEND_BACK),
    ((A.DISPATCH, A.SEND_BACK), A.DISPATCH),
    (PATHS[S.DISPATCHED], A.TRANSFER),
    (PATHS[S.IN_PROGRESS], A.TRANSFER),
    (PATHS[S.AWAITING_FEE], A.TRANSFER),
    ((), A.CANCEL),
    (PATHS[S.DISPATCHED], A.CANCEL),
    (PATHS[S.IN_PROGRESS], A.CANCEL),
    (PATHS[S.AWAITING_FEE], A.CANCEL),
    (PATHS[S.DONE], A.REOPEN),
    (PATHS[S.CALLED_BACK], A.REOPEN),
    (PATHS[S.ARCHIVED], A.REOPEN),
]
def _case_id(path: tuple[Action, ...], action: Action) -> str:
    return f"{path[-1] if path else 'create'}-then-{action}"


@pytest.mark.parametrize(("path", "action"), [
    pytest.param(p, a, id=_case_id(p, a)) for p, a in STEP_CASES])
def test_a_step_cannot_be_dated_before_the_step_it_follows(any_db, w, assistant, path, action):
    start = _now() - timedelta(hours=10)
    with any_db.Session.begin() as s:
        o = _run(s, assistant, w, path, start=start, rating=Rating.DISSATISFIED)
        last = start + len(path) * timedelta(minutes=10)
        assert s.scalars(select(func.max(RepairEvent.at)).where(RepairEvent.order_id == o.id)).one() == last
        with pytest.raises(ValidationError, match="不能早于"):
            repairs.run_action(s, assistant, o.id, action, at=last - timedelta(minutes=1),
                               **_params(action, w))
        assert s.get(RepairOrder, o.id).state == o.state


def test_step_times_in_the_future_or_without_a_zone_are_refused(any_db, w, assistant):
    later = datetime.now(UTC) + timedelta(hours=1)
    with any_db.Session.begin() as s:
        for path, action in STEP_CASES:
            o = _run(s, assistant, w, path, rating=Rating.DISSATISFIED)
            n = len(_events(s, o.id))
            with pytest.raises(ValidationError, match="不能晚于现在"):
                repairs.run_action(s, assistant, o.id, action, at=later, **_params(action, w))
            if action != A.REOPEN:  # (reopen passes the time to create_order first: see the report)
                with pytest.raises(ValidationError, match="时间缺少时区"):
                    repairs.run_action(s, assistant, o.id, action, at=datetime.now(), **_params(action, w))
            assert len(_events(s, o.id)) == n and s.get(RepairOrder, o.id).state == o.state
        o = drive(s, assistant, w, S.DISPATCHED, start=_now() - timedelta(hours=1))
        with pytest.raises(ValidationError) as e:
            repairs.arrive(s, assistant, o.id, at=o.dispatched_at - timedelta(minutes=1))
        assert e.value.errors == {"at": f"到场时间不能早于 {repairs.fmt_local(o.dispatched_at)}"}
        assert repairs.arrive(s, assistant, o.id, at=o.dispatched_at).response_minutes == 10


def test_cashier_and_admin_may_not_create_or_move_orders(any_db, w, assistant, cashier, admin):
    with any_db.Session.begin() as s:
        line = calls.log_call(s, assistant, CallData(kind=CallKind.REPAIR, room_code="3-2-1201",
                                                     caller_name="王芳", contact=PHONE, content="水管漏水"))
        orders = {}
        for path, action in STEP_CASES:
            orders[path, action] = _run(s, assistant, w, path, rating=Rating.DISSATISFIED)
        for actor in (cashier, admin):
            with pytest.raises(PermissionDenied):
                repairs.create_order(s, actor, _data(w.room))
            with pytest.raises(PermissionDenied):
                repairs.order_from_call(s, actor, line.id, "水")
            for (_path, action), o in orders.items():
                with pytest.raises(PermissionDenied) as e:
                    repairs.run_action(s, actor, o.id, action, **_params(action, w))
                assert e.value.params == {"perm": str(TRANSITIONS[action][2])}, action
                assert s.get(RepairOrder, o.id).state == o.state
            for query, args in ((repairs.search_orders, (RepairQuery(),)), (repairs.state_counts, ()),
                                (repairs.find_by_serial, ("WX-2026-000001",)), (repairs.engineers, ()),
                                (repairs.order_detail, (o.id,)), (repairs.repair_data, (o.id,)),
                                (repairs.data_for_call, (line.id,)), (repairs.repair_slip, (o.id,))):
                with pytest.raises(PermissionDenied):
                    query(s, actor, *args)
        # 已回访 by hand is a callbacks permission.
        assert TRANSITIONS[A.MARK_CALLED_BACK][2] == repairs.Perm.DO_CALLBACKS
        assert s.scalar(select(func.count()).select_from(RepairOrder)) == len(orders)
        assert s.get(CallLog, line.id).repair_ref == ""


def test_a_cashier_completing_an_unsigned_paid_job_is_refused_for_permission(any_db, w, assistant, cashier):
    with any_db.Session.begin() as s:
        o = drive(s, assistant, w, S.AWAITING_FEE)
        with pytest.raises(PermissionDenied):
            repairs.complete(s, cashier, o.id, "已修好", "王芳", Rating.SATISFIED)


# ---------------------------------------------------------------- callbacks and 返修


def test_not_satisfied_makes_an_urgent_callback_and_a_linked_free_follow_up_order(any_db, w, assistant):
    t0 = _now() - timedelta(hours=5)
    with any_db.Session.begin() as s:
        o = _run(s, assistant, w, (A.DISPATCH, A.ARRIVE, A.QUOTE, A.ACCEPT_FEE), start=t0,
                 data=_data(w.room, urgency=Urgency.NORMAL, preferred_time="晚上七点后"))
        done = repairs.complete(s, assistant, o.id, "已更换三角阀", "王芳", Rating.DISSATISFIED, "接口仍在渗水",
                                at=t0 + timedelta(hours=2))
        assert (done.rating_label, done.completion_minutes) == ("不满意", 120)
        [cb] = _repair_callbacks(s, o.id)
        assert cb.urgent and cb.due_at == t0 + timedelta(hours=50)
        assert cb.reason == f"维修 {o.serial}（水）完工后回访：业主验收不满意（接口仍在渗水）"
        assert repairs.order_detail(s, assistant, o.id).can_reopen
        with pytest.raises(ValidationError) as e:
            repairs.reopen(s, assistant, o.id, "")
        assert (e.value.field, e.value.message) == ("reason", "请填写返修的原因（业主不满意之处）")
        new = repairs.reopen(s, assistant, o.id, "接口仍在渗水")
        assert (new.follow_up_of_id, new.paid, new.urgency, new.state, new.room_id, new.reporter,
                new.category) == (o.id, False, Urgency.URGENT, S.PENDING, w.room, "王芳", "水")
        assert new.content == f"返修（原单 {o.serial}）：接口仍在渗水\n原报修内容：厨房水槽下水管接口漏水"
        assert new.preferred_time == "晚上七点后" and s.get(RepairOrder, new.id).contact == PHONE
        old = repairs.order_detail(s, assistant, o.id)
        assert old.row.state == S.DONE and old.follow_ups == [LinkedOrder(new.id, new.serial, S.PENDING)]
        last = old.events[-1]
        assert (last.action, last.action_label, last.from_state, last.to_state, last.note) == (
            "reopen", "返修", "done", "done", f"返修单 {new.serial}：接口仍在渗水")
        assert not old.can_reopen
        nd = repairs.order_detail(s, assistant, new.id)
        assert nd.follow_up_of == LinkedOrder(o.id, o.serial, S.DONE) and nd.follow_up_of.state_label == "已完工"
        assert [(e.action, e.action_label, e.note) for e in nd.events] == [
            ("create", "报修登记", "来电报修 · 紧急 · 无偿 · 预约：晚上七点后"),
            ("follow_up_created", "返修单已建", f"由 {o.serial} 返修（业主不满意）")]
        # Not twice while the follow-up is open ...
        with pytest.raises(ConflictError, match=f"已有未完成的返修单 {new.serial}"):
            repairs.reopen(s, assistant, o.id, "还是漏")
        repairs.dispatch(s, assistant, new.id, w.eng2)
        with pytest.raises(ConflictError):
            repairs.reopen(s, assistant, o.id, "还是漏")
        # ... and again once it is closed.
        repairs.cancel(s, assistant, new.id, "业主另约时间，重新报修")
        third = repairs.reopen(s, assistant, o.id, "还是漏", urgency=Urgency.EMERGENCY)
        assert (third.urgency, third.follow_up_of_id) == (Urgency.EMERGENCY, o.id)
        follow_ups = repairs.order_detail(s, assistant, o.id).follow_ups
        assert [f.serial for f in follow_ups] == [new.serial, third.serial]
        assert sum(1 for e in _events(s, o.id) if e[0] == "reopen") == 2


def test_a_dissatisfied_callback_also_allows_a_follow_up_order(any_db, w, assistant):
    with any_db.Session.begin() as s:
        o = drive(s, assistant, w, S.DONE)
        with pytest.raises(InvalidTransition, match="只有业主评价“不满意”的维修单才能返修（.*的评价为“满意”）"):
            repairs.reopen(s, assistant, o.id, "业主又说漏水")
        [cb] = _repair_callbacks(s, o.id)
        assert not cb.urgent
        out = callbacks.record_callback(s, assistant, cb.id, CallbackResult(
            method=Method.VISIT, done_by="李助理", content="上门查看仍有渗水", satisfaction=Satisfaction.DISSATISFIED,
            follow_up="致歉并安排返修"))
        assert out.follow_up is not None and out.follow_up.urgent
        d = repairs.order_detail(s, assistant, o.id)
        assert d.row.state == S.CALLED_BACK and d.row.rating == "satisfied"
        assert [(c.id, c.state, c.satisfaction, c.urgent) for c in d.callbacks] == [
            (cb.id, "done", "dissatisfied", False), (out.follow_up.id, "due", "", True)]
        assert d.can_reopen
        new = repairs.reopen(s, assistant, o.id, "回访发现仍渗水")
    assert new.follow_up_of_id == o.id and new.state == S.PENDING


def test_a_follow_up_order_keeps_a_category_dropped_from_the_settings(any_db, w, assistant, supervisor):
    with any_db.Session.begin() as s:
        o = drive(s, assistant, w, S.DONE, data=_data(w.room, category="暖气", content="暖气片不热"),
                  rating=Rating.DISSATISFIED)
        repairs.save_categories(s, supervisor, ["水", "电", "门窗", "燃气", "公共设施", "电梯", "其他"])
        assert repairs.reopen(s, assistant, o.id, "还是不热").category == "暖气"


def test_marking_called_back_by_hand_needs_the_callbacks_permission(any_db, w, assistant, cashier):
    with any_db.Session.begin() as s:
        o = drive(s, assistant, w, S.DONE, start=_now() - timedelta(hours=2))
        with pytest.raises(PermissionDenied) as e:
            repairs.mark_called_back(s, cashier, o.id, "电话回访")
        assert e.value.params == {"perm": "do_callbacks"}
        r = repairs.mark_called_back(s, assistant, o.id, "  电话回访，满意  ")
        assert (r.state, r.state_label) == (S.CALLED_BACK, "已回访") and r.called_back_at is not None
        assert repairs.order_detail(s, assistant, o.id).events[-1].note == "电话回访，满意"
        # The callback recorded later leaves the order where it is (no second 已回访 step).
        [cb] = _repair_callbacks(s, o.id)
        callbacks.record_callback(s, assistant, cb.id, CallbackResult(
            method=Method.PHONE, done_by="李助理", content="好了", satisfaction=Satisfaction.SATISFIED))
        assert [e[0] for e in _events(s, o.id)].count("mark_called_back") == 1


# ---------------------------------------------------------------- times and lateness


def test_response_and_completion_times_and_lateness_per_urgency(any_db, w, assistant, supervisor):
    base = _now()
    h = timedelta(hours=1)
    mins = timedelta(minutes=1)
    E, U, N = Urgency.EMERGENCY, Urgency.URGENT, Urgency.NORMAL

    def order(s, urgency, reported, steps):
        o = repairs.create_order(s, assistant, _data(w.room, urgency=urgency), reported_at=reported)
        for action, after in steps:
            repairs.run_action(s, assistant, o.id, action, at=reported + after, **_params(action, w))
        return o.id

    with any_db.Session.begin() as s:
        ids = {
            # 特急 30 min / 4 h: on site at exactly 30 minutes is in time.
            "a": order(s, E, base - 3 * h, [(A.DISPATCH, 10 * mins), (A.ARRIVE, 30 * mins),
                                            (A.COMPLETE, 2 * h)]),
            "b": order(s, E, base - 4 * h, [(A.DISPATCH, 10 * mins), (A.ARRIVE, 45 * mins),
                                            (A.COMPLETE, 230 * mins)]),
            "c": order(s, E, base - 5 * h, []),                                   # still waiting: late twice
            "d": order(s, N, base - 3 * h, []),                                   # 一般 24 h / 72 h
            "e": order(s, U, base - 30 * h, [(A.DISPATCH, 30 * mins), (A.ARRIVE, h), (A.COMPLETE, 25 * h)]),
            "f": order(s, E, base - 5 * h, [(A.CANCEL, h)]),                      # cancelled: never late
            "g": order(s, U, base - 3 * h, [(A.DISPATCH, 10 * mins), (A.ARRIVE, 130 * mins)]),
        }
    name = {v: k for k, v in ids.items()}

    def board(s):
        return {name[r.id]: r for r in repairs.search_orders(s, assistant, RepairQuery())}

    def late_only(s):
        return {name[r.id] for r in repairs.search_orders(s, assistant, RepairQuery(late_only=True))}

    with any_db.Session() as s:
        rows = board(s)
        assert {k: (r.response_minutes, r.completion_minutes) for k, r in rows.items()} == {
            "a": (30, 120), "b": (45, 230), "c": (None, None), "d": (None, None), "e": (60, 1500),
            "f": (None, None), "g": (130, None)}
        assert {k: (r.late_response, r.late_completion) for k, r in rows.items() if r.is_late} == {
            "b": (True, False), "c": (True, True), "e": (False, True), "g": (True, False)}
        assert late_only(s) == {"b", "c", "e", "g"}
        assert repairs.state_counts(s, assistant, RepairQuery(late_only=True)) == {
            S.PENDING: 1, S.DISPATCHED: 0, S.IN_PROGRESS: 1, S.AWAITING_FEE: 0, S.DONE: 2, S.CALLED_BACK: 0,
            S.ARCHIVED: 0, S.CANCELLED: 0}
        assert [repairs.minutes_text(rows[k].response_minutes) for k in "ab"] == ["30 分钟", "45 分钟"]
        assert repairs.minutes_text(rows["g"].response_minutes) == "2 小时 10 分"
        assert repairs.minutes_text(rows["e"].completion_minutes) == "1 天 1 小时"
        assert repairs.minutes_text(None) == ""
    # The supervisor gives 特急 an hour to be on site: b is in time now; flags and the filter agree.
    with any_db.Session.begin() as s:
        repairs.save_thresholds(s, supervisor, {E: Threshold(60, 4)})
    with any_db.Session() as s:
        rows = board(s)
        assert {k for k, r in rows.items() if r.is_late} == late_only(s) == {"c", "e", "g"}
        assert (rows["c"].late_response, rows["c"].late_completion) == (True, True)


def test_late_thresholds_are_a_checked_setting(any_db, assistant, supervisor):
    E, U, N = Urgency.EMERGENCY, Urgency.URGENT, Urgency.NORMAL
    assert repairs.threshold_problems({E: Threshold(0, 4), U: Threshold(120, 0), N: Threshold(600, 2)}) == {
        "response_emergency": "特急：到场时限应在 1 分钟到 7 天之间",
        "completion_urgent": "紧急：完工时限应在 1 小时到 90 天之间",
        "completion_normal": "一般：完工时限不能短于到场时限"}
    assert repairs.threshold_problems({N: Threshold(7 * 24 * 60 + 1, 24 * 90 + 1)}) == {
        "response_normal": "一般：到场时限应在 1 分钟到 7 天之间",
        "completion_normal": "一般：完工时限应在 1 小时到 90 天之间"}
    with any_db.Session.begin() as s:
        assert repairs.thresholds(s) == {E: Threshold(30, 4), U: Threshold(120, 24), N: Threshold(1440, 72)}
        with pytest.raises(PermissionDenied):
            repairs.save_thresholds(s, assistant, {E: Threshold(45, 4)})
        with pytest.raises(ValidationError) as e:
            repairs.save_thresholds(s, supervisor, {E: Threshold(45, 0)})
        assert e.value.errors == {"completion_emergency": "特急：完工时限应在 1 小时到 90 天之间"}
        assert repairs.save_thresholds(s, supervisor, {U: Threshold(90, 12)})[U] == Threshold(90, 12)
    with any_db.Session() as s:
        assert repairs.thresholds(s) == {E: Threshold(30, 4), U: Threshold(90, 12), N: Threshold(1440, 72)}
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "settings")).one()
        assert (entry.entity_id, entry.summary) == ("repair_late_thresholds", "修改维修超时标准")
        assert '"urgent": [90, 12]' in entry.after and '"urgent": [120, 24]' in entry.before


# ---------------------------------------------------------------- the board


def test_board_filters_counts_and_serial_lookup(any_db, w, assistant):
    y = _year()
    three_days_ago = _now() - timedelta(days=3)
    with any_db.Session.begin() as s:
        a = repairs.create_order(s, assistant, _data(w.room, urgency=Urgency.URGENT, content="厨房水管漏水"),
                                 reported_at=three_days_ago)
        b = repairs.create_order(s, assistant, _data(w.room2, reporter="陈刚", contact="13911112222",
                                                     category="电", location="客厅", content="客厅插座没电"))
        c = repairs.create_order(s, assistant, _data(w.common, reporter="周师傅", contact="13700001234",
                                                     category="公共设施", location="配电柜",
                                                     content="跳闸", urgency=Urgency.EMERGENCY))
        repairs.dispatch(s, assistant, c.id, w.eng)
    name = {a.id: "a", b.id: "b", c.id: "c"}

    def q(**kw) -> list[str]:
        return [name[r.id] for r in repairs.search_orders(s, assistant, RepairQuery(**kw))]

    with any_db.Session() as s:
        assert q() == ["c", "b", "a"]  # newest report first
        assert q(state=S.DISPATCHED) == ["c"] and q(state=S.PENDING) == ["b", "a"] and q(state=S.DONE) == []
        assert q(category="水") == ["a"] and q(category="电") == ["b"]
        assert q(engineer_id=w.eng) == ["c"] and q(engineer_id=w.eng2) == []
        assert q(urgency=Urgency.EMERGENCY) == ["c"] and q(urgency=Urgency.NORMAL) == ["b"]
        assert q(room_code="3-2") == ["a"]          # a unit, not 3-21
        assert q(room_code="3") == ["b", "a"] and q(room_code="3-21-101") == ["b"]
        assert q(room_code="公共") == ["c"] and q(room_code="3-2-1201") == ["a"]
        today = local_today()
        assert q(date_from=today) == ["c", "b"]
        assert q(date_to=today - timedelta(days=1)) == ["a"]
        assert q(date_from=today - timedelta(days=3), date_to=today - timedelta(days=3)) == ["a"]
        assert q(text="漏水") == ["a"] and q(text="配电柜") == ["c"] and q(text="陈刚") == ["b"]
        assert q(text="3-21") == ["b"] and q(text="1234") == ["c"] and q(text="2222") == ["b"]
        assert q(text=c.serial.lower()) == ["c"] and q(text=f"{y}-000002") == ["b"]
        assert q(text=c.serial, state=S.PENDING) == []
        assert q(limit=2) == ["c", "b"] and q(offset=2) == ["a"]
        assert q(category="水", urgency=Urgency.URGENT, room_code="3-2", text="厨房") == ["a"]
        assert repairs.state_counts(s, assistant) == {
            S.PENDING: 2, S.DISPATCHED: 1, S.IN_PROGRESS: 0, S.AWAITING_FEE: 0, S.DONE: 0, S.CALLED_BACK: 0,
            S.ARCHIVED: 0, S.CANCELLED: 0}
        counts = repairs.state_counts(s, assistant, RepairQuery(room_code="3", state=S.DISPATCHED))
        assert (counts[S.PENDING], counts[S.DISPATCHED], sum(counts.values())) == (2, 0, 2)  # state ignored
        # A scanned QR code (the serial): any case, spaces around; garbage finds nothing.
        assert repairs.find_by_serial(s, assistant, f"  {b.serial.lower()} ") == b.id
        assert repairs.find_by_serial(s, assistant, "WX-1999-000001") is None
        for junk in ("", "WX-2026-1", "hello", "WX-2026-000001; DROP TABLE", "%"):
            assert repairs.find_by_serial(s, assistant, junk) is None


def test_engineers_with_their_open_load_and_jobs_given_today(any_db, w, assistant):
    now = datetime.now(UTC)
    yesterday = local_today() - timedelta(days=1)
    yesterday_noon = datetime.combine(yesterday, time(12)).replace(tzinfo=local_tz())
    with any_db.Session.begin() as s:
        o1 = drive(s, assistant, w, S.DISPATCHED)                                        # 张 today, held
        o2 = repairs.create_order(s, assistant, _data(w.room), reported_at=now - timedelta(days=3))
        repairs.dispatch(s, assistant, o2.id, w.eng, at=yesterday_noon)                   # 张 yesterday, held
        repairs.arrive(s, assistant, o2.id, at=yesterday_noon + timedelta(hours=1))
        o3 = repairs.create_order(s, assistant, _data(w.room))
        repairs.dispatch(s, assistant, o3.id, w.eng2)                                     # 李 today
        repairs.transfer(s, assistant, o3.id, w.eng, "李工请假")                            # then 张 today, held
        o4 = repairs.create_order(s, assistant, _data(w.room))
        repairs.dispatch(s, assistant, o4.id, w.eng2)                                     # 李 today, cancelled
        repairs.cancel(s, assistant, o4.id, "业主取消")
        o5 = drive(s, assistant, w, S.DISPATCHED)
        repairs.send_back(s, assistant, o5.id, "不会修")                                   # 张 today, handed back
        o6 = drive(s, assistant, w, S.AWAITING_FEE)                                      # 张 today, held
        repairs.transfer(s, assistant, o6.id, w.eng2, "张工太忙")                           # 李 today, held
        o7 = drive(s, assistant, w, S.DONE)                                              # 张 today, done
    with any_db.Session() as s:
        loads = {e.name: e for e in repairs.engineers(s, assistant)}
        assert set(loads) == {"张工", "李工"}  # not the guard, not the retired engineer
        assert (loads["张工"].open_orders, loads["张工"].dispatched_today) == (3, 5)
        assert (loads["李工"].open_orders, loads["李工"].dispatched_today) == (1, 3)
        assert loads["张工"].work_id == "GC-001" and loads["张工"].phone == "139****1111"
        assert loads["张工"].label == "张工（在手 3 单，今日派 5 单）"
        back = {e.name: e.dispatched_today for e in repairs.engineers(s, assistant, day=yesterday)}
        assert back == {"张工": 1, "李工": 0}
        start, end = local_day_bounds(local_today())
        held_today = repairs.dispatched_between(s, assistant, start, end)
        assert sorted(r.id for r in held_today) == sorted([o1.id, o3.id, o6.id])
        assert {o2.id, o4.id, o5.id, o7.id}.isdisjoint(r.id for r in held_today)


def test_contact_is_masked_unless_revealed_and_the_reveal_is_audited(any_db, w, assistant, supervisor):
    with any_db.Session.begin() as s:
        o = repairs.create_order(s, assistant, _data(w.room))
    with any_db.Session.begin() as s:
        assert [r.contact for r in repairs.search_orders(s, assistant, RepairQuery())] == [MASKED]
        assert [r.contact for r in repairs.search_orders(s, assistant, RepairQuery(reveal=True))] == [PHONE]
        hidden = repairs.order_detail(s, assistant, o.id)
        assert (hidden.row.contact, hidden.row.masked) == (MASKED, True)
        reveals = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "reveal")
        assert s.scalar(reveals) == 0
        shown = repairs.order_detail(s, supervisor, o.id, reveal=True)
        assert (shown.row.contact, shown.row.masked) == (PHONE, False)
    with any_db.Session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).one()
        assert (entry.username, entry.entity, entry.entity_id, entry.summary) == (
            "zhang", "repair", str(o.id), f"查看维修派工单 {o.serial} 的完整联系电话")
        assert repairs.order_detail(s, assistant, o.id).events[0].note.startswith("来电报修")


# ---------------------------------------------------------------- after the review


def test_an_order_whose_callback_was_cancelled_is_archived_from_done(any_db, w, assistant, supervisor):
    with any_db.Session.begin() as s:
        o = drive(s, assistant, w, S.DONE)
        with pytest.raises(InvalidTransition, match="还没有回访"):
            repairs.archive(s, assistant, o.id)
        assert not repairs.order_detail(s, assistant, o.id).can_archive
    with any_db.Session.begin() as s:
        cb = _repair_callbacks(s, o.id)[0]
        callbacks.cancel_callback(s, supervisor, cb.id, "业主已搬走，联系不上")
    with any_db.Session.begin() as s:
        assert repairs.order_detail(s, assistant, o.id).can_archive
        r = repairs.archive(s, assistant, o.id)
        assert (r.state, r.called_back_at is None, r.archived_at is not None) == (S.ARCHIVED, True, True)


def test_a_converted_call_keeps_the_time_it_came_in(any_db, w, assistant):
    with any_db.Session.begin() as s:
        line = calls.log_call(s, assistant, CallData(kind=CallKind.REPAIR, room_code="3-2-1201", caller_name="王芳",
                                                     contact=PHONE, content="厨房水管爆裂",
                                                     at=_now() - timedelta(hours=3)))
    with any_db.Session.begin() as s:
        o = repairs.order_from_call(s, assistant, line.id, "水", urgency=Urgency.EMERGENCY)
        assert o.reported_at == _now() - timedelta(hours=3)
        assert o.late_response  # 特急: 30 minutes, and three hours have passed since the call


def test_the_intake_of_an_open_order_can_be_corrected(any_db, w, assistant, cashier):
    with any_db.Session.begin() as s:
        o = repairs.create_order(s, assistant, _data(w.room, paid=True))
        with pytest.raises(PermissionDenied):
            repairs.update_intake(s, cashier, o.id, _data(w.room))
        r = repairs.update_intake(s, assistant, o.id, _data(w.room, paid=False, contact=MASKED, category="电",
                                                             urgency=Urgency.URGENT))
        assert (r.paid, r.category, r.urgency, r.contact) == (False, "电", Urgency.URGENT, MASKED)
        assert s.get(RepairOrder, o.id).contact == PHONE  # the masked number stood for the stored one
        ev = repairs.order_detail(s, assistant, o.id).events[-1]
        assert (ev.action, ev.action_label, ev.note) == ("update", "修改报修信息", "修改报修类别、紧急程度、收费")
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "repair", AuditEntry.action == "update")).one()
        assert "修改报修类别" in entry.summary
        # Unchanged data: no entry at all.
        repairs.update_intake(s, assistant, o.id, _data(w.room, paid=False, category="电", urgency=Urgency.URGENT))
        assert len(repairs.order_detail(s, assistant, o.id).events) == 2
        # A quoted job stays paid; a finished job is not edited any more.
        p = drive(s, assistant, w, S.AWAITING_FEE)
        with pytest.raises(ValidationError, match="不能改为无偿") as e:
            repairs.update_intake(s, assistant, p.id, _data(w.room, paid=False))
        assert e.value.field == "paid"
        d = drive(s, assistant, w, S.DONE)
        with pytest.raises(InvalidTransition, match="不能再修改"):
            repairs.update_intake(s, assistant, d.id, _data(w.room))
