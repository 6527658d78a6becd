"""Demo history of the reception log: tens of calls a day, promises kept or late, suggestions decided."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.calls import CallKind, Channel, SuggestionState
from app.timeutil import local_tz
from db.models import Callback, CallLog, Promise

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
TITLES = ("先生", "女士", "阿姨", "师傅", "大爷")
PLACES = ("东门", "西门", "南门", "地下车库", "3号楼大堂", "中心花园", "儿童游乐区", "垃圾分类点", "健身区",
          "B1层电梯厅", "快递驿站", "会所", "北侧消防通道")

CONTENT: dict[CallKind, tuple[tuple[str, str], ...]] = {
    CallKind.INQUIRY: (
        ("询问本月物业费缴费时间和方式", "已告知每月10日前缴纳，可在客服中心或线上缴费"),
        ("咨询装修申请需要准备哪些资料", "已告知需装修方案、施工单位资质及押金，可来客服中心办理"),
        ("询问停水通知何时恢复供水", "已告知预计今晚18点前恢复"),
        ("咨询车位月租价格和办理流程", "已告知价格标准，请携带行驶证到客服中心办理"),
        ("询问{place}的门禁卡如何补办", "已告知携带身份证到客服中心补办，工本费20元"),
        ("询问小区内能否安装充电桩", "已告知需报备并由有资质单位安装，已发送申请表"),
        ("咨询家政保洁服务的收费标准", "已介绍家政服务项目及价格"),
        ("询问电梯年检的具体时间", "暂无法确定，已承诺明天上午答复"),
        ("咨询出租房屋需要办理的登记手续", "已告知租户须持身份证登记，签订租赁合同"),
    ),
    CallKind.SUGGESTION: (
        ("建议在{place}增设快递柜", "已记录，报主管研究"),
        ("建议延长会所开放时间到晚上十点", "已记录，报主管研究"),
        ("建议{place}增加夜间照明", "已记录，报主管研究"),
        ("建议增加垃圾分类督导员", "已记录，报主管研究"),
        ("建议在{place}增设电动车充电桩", "已记录，报主管研究"),
        ("建议定期公布公共收益收支情况", "已记录，报主管研究"),
    ),
    CallKind.COMPLAINT: (
        ("楼上装修噪音太大，中午仍在施工", "已联系装修户及施工单位，要求遵守施工时间"),
        ("{place}垃圾清运不及时，有异味", "已通知保洁部立即清运"),
        ("地下车库有车辆长期占用他人车位", "已通知秩序维护部处理"),
        ("保安态度不好，进门被拦下不耐烦", "已向业主致歉，转秩序维护部主管处理"),
        ("邻居在楼道堆放杂物，影响通行", "已通知该户清理，明天复查"),
        ("夜间有人在{place}遛狗不牵绳", "已安排巡逻加强劝导"),
    ),
    CallKind.REPAIR: (
        ("卫生间下水道堵塞", "已登记报修，通知工程部上门"),
        ("客厅灯不亮，开关无反应", "已登记报修，工程部下午上门"),
        ("厨房水龙头漏水", "已登记报修，工程部上门维修"),
        ("单元门禁对讲无法开门", "已通知工程部检修"),
        ("{place}路灯不亮", "已通知工程部检修"),
        ("空调冷凝水管滴水到楼下阳台", "已通知工程部查看"),
    ),
    CallKind.HELP: (
        ("钥匙锁在家里，请求帮忙联系开锁", "已提供备案开锁公司电话"),
        ("家中老人行动不便，需要帮忙搬运物品", "已安排秩序维护员协助"),
        ("{place}有老人摔倒", "已派秩序维护员到场并联系家属"),
        ("车辆被堵在车库出不去", "已联系挪车"),
        ("孩子在小区内走失", "已通知监控中心及各岗位协助寻找，十分钟后找到"),
    ),
    CallKind.PRAISE: (
        ("表扬保洁员工作认真，楼道很干净", "已感谢业主，转达保洁部"),
        ("感谢工程部师傅维修及时", "已感谢业主，转达工程部"),
        ("表扬秩序维护员帮忙搬运重物", "已感谢业主，转达秩序维护部"),
        ("感谢客服中心及时答复", "已感谢业主"),
    ),
}
KIND_WEIGHTS = {CallKind.INQUIRY: 45, CallKind.REPAIR: 22, CallKind.COMPLAINT: 10, CallKind.SUGGESTION: 6,
                CallKind.HELP: 9, CallKind.PRAISE: 8}
ADOPT_REASONS = ("已采纳，下月实施", "已采纳，已列入本季度工作计划", "已采纳，已安排工程部施工")
REJECT_REASONS = ("暂不采纳：需业主大会表决", "暂不采纳：场地条件不允许", "暂不采纳：超出物业服务合同范围")


def _mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "137", "136", "135", "150", "151", "152", "158", "159", "186",
                       "187", "188", "177", "133", "189")) + f"{rng.randrange(10**8):08d}"


def call_rows(rng: random.Random, first: date, days: int, per_day: tuple[int, int], room_ids: list[int],
              clerks: list[str]) -> Iterator[dict[str, Any]]:
    """Plain dicts for a bulk insert of `calls`, day by day, in time order."""
    tz = local_tz()
    kinds = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())
    now = datetime.now(UTC)
    for d in range(days):
        day = first + timedelta(days=d)
        n = rng.randint(*per_day)
        stamps = sorted(rng.randrange(8 * 3600, 20 * 3600) for _ in range(n))
        for sec in stamps:
            at = (datetime.combine(day, time.min).replace(tzinfo=tz) + timedelta(seconds=sec)).astimezone(UTC)
            if at > now:
                continue
            kind = rng.choices(kinds, weights)[0]
            content, action = rng.choice(CONTENT[kind])
            content = content.format(place=rng.choice(PLACES))
            room = rng.choice(room_ids) if room_ids and rng.random() < 0.88 else None
            declined = rng.random() < 0.05
            name = rng.choice(SURNAMES) + rng.choice(TITLES)
            clerk = rng.choice(clerks)
            yield {
                "at": at, "channel": str(Channel.PHONE if rng.random() < 0.72 else Channel.VISIT),
                "caller_name": "" if declined and rng.random() < 0.5 else name,
                "contact": "" if declined else _mobile(rng), "declined_contact": declined,
                "room_id": room, "person_id": None, "kind": str(kind), "content": content,
                "action_taken": action, "taken_by": clerk,
                "duration_seconds": int(min(rng.lognormvariate(5.0, 0.6), 900)),
                "complaint_id": None, "repair_ref": "",
                "suggestion_status": str(SuggestionState.PENDING) if kind == CallKind.SUGGESTION else "",
                "suggestion_reason": "", "suggestion_decided_by": "", "suggestion_decided_at": None,
                "created_at": at, "created_by": clerk, "updated_at": at, "updated_by": clerk,
            }


def generate_calls(session: Session, rng: random.Random, anchor: date, months: int,
                   room_ids: list[int], clerks: list[str]) -> int:
    """Reception-log history up to `anchor` (exclusive) over `months`; returns the number of calls."""
    clerks = clerks or ["demo"]
    first = anchor - timedelta(days=round(months * 30.4))
    days = (anchor - first).days
    per_day = (25, 55) if len(room_ids) >= 1000 else (8, 25)
    total = 0
    batch: list[dict[str, Any]] = []
    for row in call_rows(rng, first, days, per_day, room_ids, clerks):
        batch.append(row)
        if len(batch) >= 20_000:
            session.execute(insert(CallLog), batch)
            total += len(batch)
            batch = []
    if batch:
        session.execute(insert(CallLog), batch)
        total += len(batch)
    _promises_and_suggestions(session, rng, first, clerks)
    return total


def _promises_and_suggestions(session: Session, rng: random.Random, first: date, clerks: list[str]) -> None:
    start = datetime.combine(first, time.min).replace(tzinfo=local_tz()).astimezone(UTC)
    now = datetime.now(UTC)
    inquiries = session.execute(
        select(CallLog.id, CallLog.at, CallLog.content, CallLog.taken_by)
        .where(CallLog.at >= start, CallLog.kind == str(CallKind.INQUIRY))).all()
    promises = []
    for cid, at, content, by in inquiries:
        if rng.random() >= 0.06:
            continue
        due = at + timedelta(hours=rng.choice((2, 4, 24, 48)))
        row = {"call_id": cid, "due_at": due, "what": f"答复：{content}", "state": "open", "kept_at": None,
               "kept_by": "", "kept_note": "", "created_at": at, "created_by": by, "updated_at": at,
               "updated_by": by}
        if due < now - timedelta(hours=2) or rng.random() < 0.3:
            late = rng.random() < 0.12
            kept = due + timedelta(minutes=rng.randint(10, 600)) if late else \
                due - timedelta(minutes=rng.randint(5, 100))
            kept = max(kept, at + timedelta(minutes=5))
            if kept < now:
                row.update(state="kept", kept_at=kept, kept_by=rng.choice(clerks),
                           kept_note="已电话答复业主", updated_at=kept)
        promises.append(row)
    if promises:
        session.execute(insert(Promise), promises)

    suggestions = session.execute(
        select(CallLog.id, CallLog.at, CallLog.room_id, CallLog.caller_name, CallLog.contact)
        .where(CallLog.at >= start, CallLog.kind == str(CallKind.SUGGESTION))).all()
    callbacks = []
    for cid, at, room_id, name, contact in suggestions:
        if at > now - timedelta(days=2) and rng.random() < 0.7:
            continue  # recent ones still wait for the supervisor
        adopted = rng.random() < 0.4
        decided = at + timedelta(hours=rng.randint(4, 30))
        reason = rng.choice(ADOPT_REASONS if adopted else REJECT_REASONS)
        status = SuggestionState.ADOPTED if adopted else SuggestionState.REJECTED
        session.execute(
            CallLog.__table__.update().where(CallLog.__table__.c.id == cid).values(
                suggestion_status=str(status), suggestion_reason=reason,
                suggestion_decided_by="zhang", suggestion_decided_at=decided))
        due = decided + timedelta(hours=24)
        done = due - timedelta(hours=rng.randint(1, 20)) if due < now else None
        callbacks.append({
            "kind": "survey", "room_id": room_id, "person_name": name, "contact": contact,
            "reason": f"建议处理结果回复：{'已采纳' if adopted else '未采纳'}。{reason}", "due_at": due,
            "urgent": False, "source": "call", "source_id": cid, "plan_month": "",
            "state": "done" if done else "due", "done_at": done, "done_by": rng.choice(clerks) if done else "",
            "method": "phone" if done else "", "content": "已电话告知业主处理结果" if done else "",
            "opinion": "", "satisfaction": "satisfied" if done else "", "follow_up": "",
            "complaint_id": None, "created_at": decided, "created_by": "zhang", "updated_at": done or decided,
            "updated_by": "zhang"})
    if callbacks:
        session.execute(insert(Callback), callbacks)
