"""The key cabinet's printed forms (DOMAIN.md §三): 《钥匙借领确认单》, 《钥匙验收记录表》 and
《业主托存/移交钥匙登记表》 (for a deposit and for a move-in or second-key handover)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import keys
from app.keys import Borrower, HandoverKind, LoanState
from app.roles import Actor, Perm, require
from app.timeutil import fmt_local
from db.models import KeyEvent, KeyLoan, User

if TYPE_CHECKING:  # reportlab is imported when a slip is first built, not at start-up
    from app.slips import SlipSpec

BLANK_TIME = "___月___日\n___时___分"  # two lines: the row is tall enough to write in by hand


def _names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """username → the clerk's display name (the username when none is set)."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    found = {u: d for u, d in session.execute(select(User.username, User.display_name)
                                              .where(User.username.in_(wanted)))}
    return {u: found.get(u) or u for u in wanted}


def _box(checked: bool, text: str = "") -> str:
    return f"{'■' if checked else '□'}{text}"


# ---------------------------------------------------------------- 《钥匙借领确认单》


def loan_slip(session: Session, actor: Actor, loan_id: int, two_copies: bool = False) -> SlipSpec:
    """《钥匙借领确认单》 on A5 (or 客服中心联 and 借匙人联 on one A4).

    Printed at the loan with the return part blank (归还数量, time, receiver to fill in at the
    counter); printed after the return it carries the counted copies, the time and the receiver.
    The phone is printed in full for roles that may see phones (the counter chases late keys by
    phone, as the engineer phones ahead on 《维修派工单》), masked otherwise; printing is no reveal."""
    from app.slips import Field, ItemTable, SlipSpec

    require(actor, Perm.HANDLE_KEYS)
    r = keys.loan(session, actor, loan_id)  # phone masked, nothing audited
    phone = r.phone
    masked = bool(phone)
    if actor.can(Perm.REVEAL_PHONE):
        phone = session.scalar(select(KeyLoan.phone).where(KeyLoan.id == loan_id)) or ""
        masked = False
    back = r.state != LoanState.OUT
    names = _names(session, [r.created_by])

    # Eight label/value pairs whoever borrows, so that two or three a row leave no empty cells.
    who: list[Field] = [Field("借匙人类别", r.borrower_label), Field("借匙人", r.borrower_name)]
    if r.borrower_kind == Borrower.CONTRACTOR:  # staff and contractors show a work ID (§三)
        who += [Field("施工单位", r.company, wide=True), Field("工作证号", r.permit_no)]
    elif r.borrower_kind in (Borrower.STAFF, Borrower.SALES):
        who.append(Field("工作证号", r.work_id))
    else:  # an owner borrows a key of their own room
        who.append(Field("业主房号", "、".join(dict.fromkeys(it.room_code for it in r.items))))
    who.append(Field("联系电话", phone or "—"))
    times = [Field("借出时间", fmt_local(r.lent_at)), Field("应还时间", fmt_local(r.due_at))]
    people = [Field("陪同人员", f"{r.escort}（工程部）" if r.escort else "无"),
              Field("经办人", names.get(r.created_by, r.created_by))]
    purpose = Field("借用事由", r.purpose, wide=not two_copies)
    fields = [*who, *times, *people, purpose]

    rows = [[str(i), it.number, it.room_code, keys.KIND_LABELS[it.kind], str(it.copies),
             "" if it.returned_copies is None else str(it.returned_copies)]
            for i, it in enumerate(r.items, 1)]
    items = ItemTable(["序号", "钥匙编号", "房号", "类别", "借出数量", "归还数量"], rows,
                      widths=[0.09, 0.24, 0.18, 0.21, 0.14, 0.14])
    if back:
        outcome = "已归还，数量相符"
        short = r.copies - sum(it.returned_copies or 0 for it in r.items)
        if r.state == LoanState.SHORT:
            outcome = f"归还短缺 {short} 把，已按遗失上报主管"
        if r.return_note:
            outcome += f"：{r.return_note}"
        ret = [fmt_local(r.returned_at), r.returned_by, r.received_by, outcome]
    else:
        ret = [BLANK_TIME, "", "", ""]
    returned = ItemTable(["还匙时间", "还匙人", "接收人", "归还情况"], [ret], widths=[0.31, 0.16, 0.16, 0.37])

    notes = ["请于应还时间前将钥匙交回客服中心，当面清点数量；借用钥匙不得转借、复制。"]
    if r.reminders:
        notes.append(f"已催还 {r.reminders} 次（最近 {fmt_local(r.last_reminded_at)}）。")
    if masked:
        notes.append("联系电话已按规定部分隐藏。")
    return SlipSpec(kind="key_loan", title="《钥匙借领确认单》", serial=r.serial, fields=fields,
                    blocks=[items, returned], signatures=("借匙人签名", "经办人", "还匙日期", "接收人签名"),
                    columns=3 if two_copies else 2, page="A5", two_copies=two_copies,
                    copy_labels=("客服中心联", "借匙人联"), footer="".join(notes),
                    min_row_height=6.0 if two_copies else 7.0, signatures_per_row=4 if two_copies else 2,
                    shrink_to_page=0.8)


# ---------------------------------------------------------------- 《钥匙验收记录表》


def acceptance_slip(session: Session, actor: Actor, acceptance_id: int) -> SlipSpec:
    """《钥匙验收记录表》 (A4): every key taken over from the contractor, counted, tried in its lock,
    numbered and hung; the contractor's handing person signs. A key is only accepted once counted
    and tried (app.keys.accept_keys), so both boxes are ticked; the hook is where it was hung then."""
    from app.slips import Field, ItemTable, SlipSpec, TextBlock

    require(actor, Perm.HANDLE_KEYS)
    a = keys.acceptance(session, acceptance_id)
    hung = dict(session.execute(select(KeyEvent.key_id, KeyEvent.note).where(
        KeyEvent.ref == a.serial, KeyEvent.action == keys.Action.ACCEPT)).all())
    names = _names(session, [a.created_by])
    copies = sum(k.accepted_copies for k in a.keys)
    fields = [Field("施工单位", a.company), Field("交匙人", a.handed_by),
              Field("验收时间", fmt_local(a.accepted_at)), Field("验收人", names.get(a.created_by, a.created_by)),
              Field("钥匙数量", f"{len(a.keys)} 项，共 {copies} 把", wide=True)]
    rows = []
    for i, k in enumerate(sorted(a.keys, key=lambda k: k.id), 1):  # as entered from the contractor's list
        place = f"{k.room_code} {k.door}" if k.door else k.room_code
        rows.append([str(i), k.number, place, k.kind_label, str(k.accepted_copies), _box(True, "相符"), _box(True, "能开"),
                     hung.get(k.id) or k.hook])
    table = ItemTable(["序号", "钥匙编号", "房号/部位", "类别", "数量", "数量核对", "试开", "钩位"], rows,
                      widths=[0.06, 0.15, 0.17, 0.18, 0.06, 0.11, 0.09, 0.18])
    blocks: list[ItemTable | TextBlock] = [table]
    blocks.append(TextBlock("备注", a.note, min_lines=1 if a.note else 2))
    return SlipSpec(kind="key_acceptance", title="《钥匙验收记录表》", serial=a.serial, fields=fields, blocks=blocks,
                    signatures=("施工队交匙人签章", "客服中心验收人", "日期"), page="A4", min_row_height=8.0,
                    footer="以上钥匙已逐把清点数量、试开门锁，编号挂牌后存入钥匙柜。本表一式两份，施工单位与客服中心各执一份。")


# ---------------------------------------------------------------- 《业主托存/移交钥匙登记表》


def deposit_slip(session: Session, actor: Actor, deposit_id: int) -> SlipSpec:
    """《业主托存/移交钥匙登记表》 for an owner's deposit: the owner, the key, the people the owner
    named to collect it, and the give-back (filled in once given back). ID numbers and phones are
    always masked: the form leaves the counter, and the counter checks IDs against the record."""
    from app.slips import Field, ItemTable, SlipSpec

    require(actor, Perm.HANDLE_KEYS)
    d = keys.deposit(session, actor, deposit_id)  # masked
    k = keys.key_row(session, d.key_id) if d.key_id is not None else None
    hook = (k.hook if k is not None else "") or _first_hook(session, d.serial)
    names = _names(session, [d.created_by, d.returned_by])
    fields = [Field("登记类别", "业主托存"), Field("房号", d.room_code),
              Field("业主", d.owner_name), Field("身份证号", d.owner_id_number),
              Field("联系电话", d.phone or "—"), Field("托存时间", fmt_local(d.deposited_at)),
              Field("钥匙编号", d.key_number), Field("数量", f"{d.copies} 把"),
              Field("钩位", hook), Field("经办人", names.get(d.created_by, d.created_by)),
              Field("托存事由", d.reason or "—", wide=True)]
    delegates = ItemTable(["业主指定代领人", "身份证号", "授权有效期至"],
                          [[x.name, x.id_number, f"{x.valid_until:%Y-%m-%d}"] for x in d.delegates]
                          or [["（无）", "", ""]], widths=[0.3, 0.42, 0.28])
    if d.state == "returned":
        collector = d.returned_to if d.returned_to == d.owner_name else f"{d.returned_to}（代领人）"
        ret = [fmt_local(d.returned_at), collector, _box(True, "身份证号码与登记相符"),
               names.get(d.returned_by, d.returned_by)]
    else:
        ret = [BLANK_TIME, "", _box(False, "身份证号码与登记相符"), ""]
    give_back = ItemTable(["交还时间", "领取人", "证件核对", "接收/经办"], [ret], widths=[0.31, 0.19, 0.34, 0.16])
    return SlipSpec(kind="key_deposit", title="《业主托存/移交钥匙登记表》", serial=d.serial, fields=fields,
                    blocks=[delegates, give_back], signatures=("业主签名", "经办人", "领取人签名", "日期"),
                    page="A5", min_row_height=7.0, signatures_per_row=2, shrink_to_page=0.8,
                    footer="托存钥匙只交还业主本人或业主指定的代领人，凭身份证核对登记，无证件者一律不予领取。"
                           "证件号码与联系电话已按规定部分隐藏。")


def _first_hook(session: Session, serial: str) -> str:
    """Where a key given back (off its hook now) hung: the note of its deposit event."""
    return session.scalar(select(KeyEvent.note).where(KeyEvent.ref == serial, KeyEvent.action == keys.Action.DEPOSIT)
                          .order_by(KeyEvent.id).limit(1)) or ""


def handover_slip(session: Session, actor: Actor, handover_id: int) -> SlipSpec:
    """《业主托存/移交钥匙登记表》 in its 移交 use: the keys handed to the owner at move-in (the first
    decoration key and the official keys) or the second decoration key (with its permit)."""
    from app.slips import Field, ItemTable, SlipSpec

    require(actor, Perm.HANDLE_KEYS)
    h = keys.handover(session, handover_id)
    names = _names(session, [h.created_by])
    second = h.kind == HandoverKind.SECOND_DECORATION
    fields = [Field("登记类别", f"移交 · {h.kind_label}"), Field("房号", h.room_code),
              Field("业主", h.recipient), Field("交付时间", fmt_local(h.at))]
    if second:
        fields.append(Field("装修许可证", h.permit_no or "—"))
    fields.append(Field("经办人", names.get(h.created_by, h.created_by)))
    total = sum(k.copies for k in h.keys)
    fields.append(Field("钥匙数量", f"{len(h.keys)} 项，共 {total} 把", wide=len(fields) % 2 == 0))
    if h.note:
        fields.append(Field("备注", h.note, wide=True))
    rows = [[str(i), k.number, k.kind_label, k.door or "—", str(k.copies)]
            for i, k in enumerate(sorted(h.keys, key=lambda k: k.id), 1)]
    table = ItemTable(["序号", "钥匙编号", "类别", "门锁", "数量"], rows, widths=[0.09, 0.3, 0.27, 0.2, 0.14])
    footer = f"业主已当面核对并领取上述钥匙共 {total} 把。"
    if second:
        footer += "装修手续已办理、相关费用已交清，准予领取第二把装修钥匙。"
    return SlipSpec(kind="key_handover", title="《业主托存/移交钥匙登记表》", serial=h.serial, fields=fields,
                    blocks=[table], signatures=("业主签收", "经办人", "日期"), page="A5", min_row_height=7.0,
                    shrink_to_page=0.8, footer=footer)

