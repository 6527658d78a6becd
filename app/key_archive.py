"""The workbook a supervisor keeps when key records older than two years are archived."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.timeutil import fmt_local
from app.validation import mask_id, mask_phone
from db.models import Key, KeyDeposit, KeyEvent, KeyHandover, KeyIncident, KeyLoan, KeyLoanItem, Room


def _sheet(wb: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append(list(r))
    for i, h in enumerate(header, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, len(h) * 2 + 4)
    ws.freeze_panes = "A2"


def write_archive(session: Session, path: Path | str, before: date, loans: Sequence[KeyLoan],
                  deposits: Sequence[KeyDeposit], handovers: Sequence[KeyHandover],
                  incidents: Sequence[KeyIncident], events: Sequence[KeyEvent]) -> None:
    """One sheet per kind of record; ID numbers and phones stay masked (the workbook leaves the app)."""
    numbers = dict(session.execute(select(Key.id, Key.number)).all())
    rooms = dict(session.execute(select(Room.id, Room.code)).all())
    items: dict[int, list[str]] = {}
    if loans:
        for loan_id, key_id, n, back in session.execute(
                select(KeyLoanItem.loan_id, KeyLoanItem.key_id, KeyLoanItem.copies, KeyLoanItem.returned_copies)
                .where(KeyLoanItem.loan_id.in_([x.id for x in loans]))):
            items.setdefault(loan_id, []).append(f"{numbers.get(key_id, key_id)}×{n}（还{back if back is not None else '-'}）")
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append([f"钥匙记录归档：{before:%Y-%m-%d} 以前已结束的记录"])
    ws.append(["借领单", len(loans)])
    ws.append(["托存登记", len(deposits)])
    ws.append(["交付记录", len(handovers)])
    ws.append(["遗失/损坏", len(incidents)])
    ws.append(["钥匙履历", len(events)])
    ws.column_dimensions["A"].width = 48
    _sheet(wb, "借领单", ["单号", "借匙人类别", "借匙人", "工作证号", "单位", "电话", "事由", "借出时间", "应还时间",
                          "归还时间", "还匙人", "接收人", "钥匙", "催还次数"],
           [[x.serial, x.borrower_kind, x.borrower_name, x.work_id, x.company, mask_phone(x.phone), x.purpose,
             fmt_local(x.lent_at), fmt_local(x.due_at), fmt_local(x.returned_at), x.returned_by, x.received_by,
             "；".join(items.get(x.id, [])), x.reminders] for x in loans])
    _sheet(wb, "托存登记", ["单号", "房号", "业主", "身份证号", "托存时间", "交还时间", "领取人", "经办人"],
           [[d.serial, rooms.get(d.room_id, ""), d.owner_name, mask_id(d.owner_id_number), fmt_local(d.deposited_at),
             fmt_local(d.returned_at), d.returned_to, d.returned_by] for d in deposits])
    _sheet(wb, "交付记录", ["单号", "房号", "类别", "领取人", "时间", "经办人"],
           [[h.serial, rooms.get(h.room_id, ""), h.kind, h.recipient, fmt_local(h.at), h.created_by] for h in handovers])
    _sheet(wb, "遗失损坏", ["钥匙", "类别", "数量", "报告时间", "报告人", "经过", "业主", "处理", "批准人", "处理时间", "结果"],
           [[numbers.get(i.key_id, i.key_id), i.kind, i.copies, fmt_local(i.reported_at), i.reported_by, i.description,
             i.consent_by, i.remedy, i.approved_by, fmt_local(i.resolved_at), i.outcome] for i in incidents])
    _sheet(wb, "钥匙履历", ["钥匙", "时间", "操作人", "操作", "原状态", "新状态", "说明", "单号"],
           [[numbers.get(e.key_id, e.key_id), fmt_local(e.at), e.username, e.action, e.from_state, e.to_state, e.note,
             e.ref] for e in events])
    path = Path(path)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
