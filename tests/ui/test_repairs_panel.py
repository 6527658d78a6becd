"""报修 tab: intake by keyboard, dispatch to the least loaded engineer, the fee rule at completion, the QR
lookup, a reception-log line turned into a 维修派工单, the settings, and who sees the tab."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from app import callbacks, calls, repairs, rooms, settings, staff
from app.calls import CallData, CallKind
from app.context import AppContext
from app.repairs import Action, RepairData, RepairState, Urgency
from app.rooms import RoomData, RoomKind
from app.staff import StaffData
from ui import labels
from ui.bus import DataBus
from ui.main_window import MainWindow
from ui.panels.reception import ReceptionPanel
from ui.panels.repairs import LATE, RepairsPanel
from ui.repair_dialogs import RepairActionDialog, RepairDialog

from .keys import type_text


@pytest.fixture
def engineers(db, users, some_rooms):
    """Two engineers of 工程部 (赵师傅 already holds a job) and a cleaner who is not dispatched."""
    boss = users["zhang"].actor()
    with db.Session.begin() as s:
        depts = {d.code: d.id for d in staff.departments(s)}
        li = staff.save_staff(s, boss, StaffData("李师傅", "G001", depts["engineering"], "13600136001"))
        zhao = staff.save_staff(s, boss, StaffData("赵师傅", "G002", depts["engineering"], "13600136002"))
        other = next(code for code in depts if code != "engineering")
        staff.save_staff(s, boss, StaffData("孙保洁", "B001", depts[other]))
        rooms.create_room(s, boss, RoomData(code="公共-配电室", kind=RoomKind.COMMON, name="配电室"))
        held = repairs.create_order(s, boss, RepairData(reporter="李强", contact="13900139000",
                                                        room_code="3-2-1202", category="电", content="客厅插座没电"))
        repairs.dispatch(s, boss, held.id, zhao.id)
    return {"li": li, "zhao": zhao, "held": held}


def _order(ctx, **kw) -> repairs.RepairRow:
    data = RepairData(**{"reporter": "王芳", "contact": "13800138000", "room_code": "3-2-1201",
                         "category": "水", "content": "厨房水管漏水", **kw})
    with ctx.tx() as s:
        return repairs.create_order(s, ctx.actor, data)


def _panel(qtbot, ctx) -> RepairsPanel:
    panel = RepairsPanel(ctx, DataBus())
    qtbot.addWidget(panel)
    panel.resize(1400, 800)
    panel.show()
    return panel


def _run_form(monkeypatch, fill):  # noqa: ANN001, ANN202
    """Drive the next RepairActionDialog with `fill(dlg)` instead of a modal exec; keep the dialogs seen."""
    seen: list[RepairActionDialog] = []

    def exec_(dlg: RepairActionDialog) -> int:
        seen.append(dlg)
        fill(dlg)
        return dlg.result()

    monkeypatch.setattr(RepairActionDialog, "exec", exec_)
    return seen


def test_intake_by_keyboard_then_dispatch_to_the_least_loaded_engineer(qtbot, ctx, engineers, qtmodeltester,
                                                                        monkeypatch):
    panel = _panel(qtbot, ctx)
    qtmodeltester.check(panel.model, force_py=True)
    assert panel.model.rowCount() == 1  # 赵师傅's job
    assert "李师傅 在手 0" in panel.load_label.text() and "赵师傅 在手 1" in panel.load_label.text()

    def fill(dlg: RepairDialog) -> None:
        dlg.show()
        dlg.activateWindow()
        assert dlg.focusWidget() is dlg.room
        qtbot.keyClicks(dlg.room, "3-2-1201")
        dlg.room.completer().popup().hide()
        assert dlg.reporter.count() == 1  # the room's people to pick from, phones masked
        qtbot.keyClick(dlg.room, Qt.Key.Key_Tab)
        assert dlg.focusWidget() is dlg.location
        type_text(qtbot, dlg.location, "厨房")
        qtbot.keyClick(dlg.location, Qt.Key.Key_Tab)
        assert dlg.focusWidget() is dlg.reporter
        qtbot.keyClick(dlg.reporter, Qt.Key.Key_Down)  # picks 王芳 and offers her masked phone
        assert dlg.reporter.currentText() == "王芳" and dlg.contact.text() == "138****8000"
        qtbot.keyClick(dlg.reporter, Qt.Key.Key_Tab)
        assert dlg.focusWidget() is dlg.contact
        qtbot.keyClick(dlg.contact, Qt.Key.Key_Tab)
        assert dlg.focusWidget() is dlg.category
        qtbot.keyClick(dlg.category, Qt.Key.Key_Down)  # 水
        qtbot.keyClick(dlg.category, Qt.Key.Key_Tab)
        assert dlg.focusWidget() is dlg.content
        type_text(qtbot, dlg.content, "水管接头漏水，地面有积水")
        qtbot.keyClick(dlg.content, Qt.Key.Key_Tab)
        assert dlg.focusWidget() is dlg.urgency
        qtbot.keyClick(dlg.urgency, Qt.Key.Key_Down)  # 紧急
        qtbot.keyClick(dlg.urgency, Qt.Key.Key_Tab)
        assert dlg.focusWidget() is dlg.paid
        qtbot.keyClick(dlg.paid, Qt.Key.Key_Tab)  # 无偿 stays
        assert dlg.focusWidget() is dlg.preferred
        type_text(qtbot, dlg.preferred, "周六上午")
        assert dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled(), dlg.problems()
        qtbot.keyClick(dlg.preferred, Qt.Key.Key_Return)  # Enter saves

    def exec_(dlg: RepairDialog) -> int:
        fill(dlg)
        return dlg.result()

    monkeypatch.setattr(RepairDialog, "exec", exec_)
    row = panel.new_repair()
    assert row is not None and row.state == RepairState.PENDING
    assert panel.detail is not None and panel.detail.row.id == row.id
    assert panel.model.rowCount() == 2
    qtbot.waitUntil(lambda: "待派工 1" in panel.chip_buttons[RepairState.PENDING].text())  # just after the list
    with ctx.read() as s:
        stored = repairs.repair_data(s, ctx.actor, row.id)
    assert (stored.reporter, stored.contact, stored.location, stored.category) == ("王芳", "13800138000", "厨房", "水")
    assert (stored.urgency, stored.paid, stored.preferred_time) == (Urgency.URGENT, False, "周六上午")

    # Buttons follow the table.
    buttons = panel.action_buttons
    assert buttons[Action.DISPATCH].isEnabled() and buttons[Action.CANCEL].isEnabled()
    assert not buttons[Action.ARRIVE].isEnabled() and not buttons[Action.REOPEN].isEnabled()
    assert Action.MARK_CALLED_BACK not in buttons  # set by the callback in 走访回访

    def dispatch(dlg: RepairActionDialog) -> None:
        items = [dlg.engineer.itemText(i) for i in range(1, dlg.engineer.count())]
        assert items == ["李师傅（在手 0 单，今日派 0 单）", "赵师傅（在手 1 单，今日派 1 单）"]  # least loaded first
        assert dlg.at is not None and abs(dlg.at.dateTime().toPython() - datetime.now()) < timedelta(minutes=1)
        dlg.engineer.setCurrentIndex(1)
        qtbot.keyClick(dlg.engineer, Qt.Key.Key_Return)

    _run_form(monkeypatch, dispatch)
    buttons[Action.DISPATCH].click()
    assert panel.detail.row.state == RepairState.DISPATCHED and panel.detail.row.engineer_name == "李师傅"
    assert "李师傅 在手 1 · 今日 1" in panel.load_label.text()
    qtmodeltester.check(panel.timeline_model, force_py=True)
    events = panel.timeline_model.rows()
    assert [e.action_label for e in events] == ["报修登记", "派工"]
    assert events[1].engineer_name == "李师傅" and events[1].user_display == "李助理"
    tl = panel.timeline_model
    assert tl.data(tl.index(1, 3)) == "待派工 → 已派工" and tl.data(tl.index(1, 4)) == "李师傅"


def test_a_paid_job_cannot_be_completed_before_the_owner_accepts_the_fee(qtbot, ctx, engineers, monkeypatch):
    order = _order(ctx, paid=True)
    panel = _panel(qtbot, ctx)
    panel.open_order(order.id)
    buttons = panel.action_buttons

    _run_form(monkeypatch, lambda d: (d.engineer.setCurrentIndex(d.engineer.findData(engineers["li"].id)),
                                      d._on_accept()))
    buttons[Action.DISPATCH].click()

    def arrive(dlg: RepairActionDialog) -> None:
        type_text(qtbot, dlg.plan, "更换角阀")
        dlg.at.setDateTime(dlg.at.dateTime().addSecs(-20 * 60))  # before the order was even reported
        dlg._on_accept()
        assert dlg.result() != dlg.DialogCode.Accepted
        assert "不能早于" in dlg.findChild(QLabel, "error_at").text()
        dlg.at.setDateTime(QDateTime.currentDateTime())
        dlg._on_accept()

    _run_form(monkeypatch, arrive)
    buttons[Action.ARRIVE].click()
    assert panel.detail.row.state == RepairState.IN_PROGRESS and panel.detail.row.plan == "更换角阀"

    def complete(dlg: RepairActionDialog) -> None:
        type_text(qtbot, dlg.work_done, "更换角阀一个，试水无渗漏")
        assert dlg.signed_by.text() == "王芳"  # the reporter, to be corrected if someone else signs
        dlg.set_rating("satisfied")
        dlg._on_accept()

    # A paid job with no quote yet: the table allows 完工验收 from 维修中, the service refuses it.
    assert buttons[Action.COMPLETE].isEnabled()
    seen = _run_form(monkeypatch, complete)
    buttons[Action.COMPLETE].click()
    refused = seen[-1]
    assert refused.result() != refused.DialogCode.Accepted
    banner = refused.findChild(QLabel, "refusal")
    assert banner.isVisibleTo(refused) and "有偿维修，尚未报价" in banner.text()
    # Nothing the clerk typed is lost.
    assert refused.work_done.toPlainText() == "更换角阀一个，试水无渗漏" and refused.rating_value() == "satisfied"
    assert panel.detail.row.state == RepairState.IN_PROGRESS

    def bad_amount(dlg: RepairActionDialog) -> None:
        qtbot.keyClicks(dlg.amount, "12.345")
        assert "两位小数" in dlg.findChild(QLabel, "error_amount").text()
        assert not dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        dlg.amount.clear()
        qtbot.keyClicks(dlg.amount, "120.5")
        qtbot.keyClick(dlg.amount, Qt.Key.Key_Return)

    _run_form(monkeypatch, bad_amount)
    buttons[Action.QUOTE].click()
    r = panel.detail.row
    assert r.state == RepairState.AWAITING_FEE and str(r.quote_amount) == "120.50"
    assert "费用待业主签字确认" in panel.card_flags.text()
    # Waiting for the owner's signature: 完工验收 is not offered at all.
    assert not buttons[Action.COMPLETE].isEnabled()

    def accept_fee(dlg: RepairActionDialog) -> None:
        assert "报价：¥120.50" in " ".join(w.text() for w in dlg.findChildren(QLabel))
        qtbot.keyClick(dlg.signed_by, Qt.Key.Key_Return)

    _run_form(monkeypatch, accept_fee)
    buttons[Action.ACCEPT_FEE].click()
    assert panel.detail.row.state == RepairState.IN_PROGRESS and panel.detail.row.fee_accepted_by == "王芳"

    seen = _run_form(monkeypatch, complete)
    buttons[Action.COMPLETE].click()
    assert seen[-1].result() == seen[-1].DialogCode.Accepted
    d = panel.detail
    assert d.row.state == RepairState.DONE and d.row.rating == "satisfied"
    assert [e.action_label for e in d.events] == ["报修登记", "派工", "到场确认", "报价", "业主确认费用", "完工验收"]
    assert len(d.callbacks) == 1 and "回访：待回访" in panel.card_links.text()
    assert not any(b.isEnabled() for a, b in buttons.items() if a != Action.REOPEN) and \
        not buttons[Action.REOPEN].isEnabled()  # 已完工 waits for the callback; satisfied: no 返修


def test_a_dissatisfied_owner_gets_a_linked_follow_up_order(qtbot, ctx, engineers, monkeypatch):
    order = _order(ctx)
    with ctx.tx() as s:
        repairs.dispatch(s, ctx.actor, order.id, engineers["li"].id)
        repairs.arrive(s, ctx.actor, order.id, "检查")
        repairs.complete(s, ctx.actor, order.id, "紧固接头", "王芳", "dissatisfied", "还在滴水")
    panel = _panel(qtbot, ctx)
    panel.open_order(order.id)
    assert panel.action_buttons[Action.REOPEN].isEnabled()

    def reopen(dlg: RepairActionDialog) -> None:
        assert dlg.urgency.currentData() == Urgency.URGENT
        type_text(qtbot, dlg.reason, "接头仍然滴水")
        dlg._on_accept()

    _run_form(monkeypatch, reopen)
    panel.action_buttons[Action.REOPEN].click()
    new = panel.detail
    assert new.row.id != order.id and new.row.state == RepairState.PENDING and new.follow_up_of.id == order.id
    assert f'href="order:{order.id}"' in panel.card_links.text()
    panel._on_link(f"order:{order.id}")  # the link opens the original order
    assert panel.detail.row.id == order.id and panel.detail.follow_ups[0].id == new.row.id
    assert not panel.action_buttons[Action.REOPEN].isEnabled()  # one open follow-up at a time


def test_scanning_a_slip_selects_the_order_even_when_the_filters_hide_it(qtbot, ctx, engineers):
    first = _order(ctx)
    second = _order(ctx, room_code="5-1-0301", reporter="赵敏", contact="13700137000", category="电",
                    content="卧室灯不亮")
    panel = _panel(qtbot, ctx)
    panel.chip_buttons[RepairState.DISPATCHED].click()  # only 赵师傅's job shows
    panel.use_dates.setChecked(True)
    panel.date_from.setDate(panel.date_from.date().addYears(-2))
    panel.date_to.setDate(panel.date_from.date())
    panel.refresh()
    assert [r.id for r in panel.model.rows()] == []
    panel.search.setFocus()
    qtbot.keyClicks(panel.search, second.serial.lower())
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)  # the scanner ends with Enter
    assert panel.detail is not None and panel.detail.row.id == second.id
    assert panel.chip_buttons[None].isChecked() and not panel.use_dates.isChecked()
    assert [r.id for r in panel.model.rows()] == [second.id]
    assert panel.table.currentIndex().row() == 0
    assert panel.search.selectedText() == panel.search.text()  # the next scan replaces it

    # A partial serial just filters.
    panel.search.clear()
    qtbot.keyClicks(panel.search, first.serial[:-2])
    qtbot.waitUntil(lambda: {r.id for r in panel.model.rows()} >= {first.id, second.id})
    panel.search.clear()
    qtbot.keyClicks(panel.search, "WX-2000-000001")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert panel.model.rowCount() == 0


def test_late_orders_are_red_and_can_be_listed_alone(qtbot, ctx, engineers):
    late = _order(ctx, urgency=Urgency.EMERGENCY)
    with ctx.tx() as s:  # reported two hours ago: 特急 must be on site within 30 minutes
        repairs.create_order(s, ctx.actor, RepairData(
            reporter="王芳", contact="13800138000", room_code="公共-配电室", location="低压柜",
            category="电", content="跳闸停电", urgency=Urgency.EMERGENCY),
            reported_at=datetime.now(UTC) - timedelta(hours=2))
    panel = _panel(qtbot, ctx)
    rows = panel.model.rows()
    old = next(r for r in rows if r.room_code == "公共-配电室")
    i = rows.index(old)
    assert old.is_late and old.place == "公共-配电室 低压柜"
    assert panel.model.data(panel.model.index(i, 0), Qt.ItemDataRole.ForegroundRole) == LATE
    assert panel.model.data(panel.model.index(i, 10)) == "超时"
    assert panel.model.data(panel.model.index(rows.index(next(r for r in rows if r.id == late.id)), 0),
                            Qt.ItemDataRole.ForegroundRole) is None
    panel.late_only.click()
    assert [r.id for r in panel.model.rows()] == [old.id]
    assert "只看超时" in panel.filter_text()


def test_print_the_slip_with_two_copies_and_open_the_batch_print(qtbot, ctx, engineers, monkeypatch):
    order = _order(ctx)
    panel = _panel(qtbot, ctx)
    panel.open_order(order.id)
    seen = {}

    def fake_print(_panel, _ctx, _runner, build, entity, entity_id):  # noqa: ANN001, ANN202
        with ctx.read() as s:
            seen["spec"] = build(s, ctx.actor, entity_id)
        seen["entity"] = (entity, entity_id)

    monkeypatch.setattr("ui.panels.repairs.print_slip", fake_print)
    panel.two_copies.setChecked(True)
    panel.print_btn.click()
    assert seen["entity"] == ("repair", order.id)
    assert seen["spec"].two_copies and seen["spec"].serial == order.serial

    opened = []

    class FakeBatch:
        def __init__(self, ctx_, runner, parent):  # noqa: ANN001
            opened.append((ctx_, parent))

        def exec(self) -> int:
            return 0

    monkeypatch.setitem(sys.modules, "ui.repair_batch", types.SimpleNamespace(RepairBatchDialog=FakeBatch))
    panel.batch_btn.click()
    assert opened == [(ctx, panel)]


def test_a_reception_line_becomes_a_repair_order_linked_both_ways(qtbot, ctx, engineers, monkeypatch):
    with ctx.tx() as s:
        line = calls.log_call(s, ctx.actor, CallData(kind=CallKind.REPAIR, room_code="3-2-1201", caller_name="王芳",
                                                     contact="13800138000", content="卫生间下水道堵塞"))
        calls.log_call(s, ctx.actor, CallData(kind=CallKind.INQUIRY, room_code="3-2-1201", caller_name="王芳",
                                              content="物业费怎么交"))
    reception = ReceptionPanel(ctx, DataBus())
    qtbot.addWidget(reception)
    reception.show()
    rows = reception.model.rows()
    reception.table.selectRow(next(i for i, r in enumerate(rows) if r.kind == CallKind.INQUIRY))
    assert reception.repair_btn.isVisible() and not reception.repair_btn.isEnabled()
    reception.table.selectRow(next(i for i, r in enumerate(rows) if r.id == line.id))
    assert reception.repair_btn.isEnabled()

    def fill(dlg: RepairDialog) -> int:
        assert dlg.room.text() == "3-2-1201" and dlg.reporter.currentText() == "王芳"
        assert dlg.contact.text() == "138****8000" and dlg.content.toPlainText() == "卫生间下水道堵塞"
        assert dlg.call_id == line.id
        dlg.category.setCurrentIndex(dlg.category.findData("水"))
        dlg._on_accept()
        return dlg.result()

    monkeypatch.setattr(RepairDialog, "exec", fill)
    made = reception.to_repair()
    with ctx.read() as s:
        call = calls.call_row(s, line.id)
        order_id = repairs.find_by_serial(s, ctx.actor, call.repair_ref)
        detail = repairs.order_detail(s, ctx.actor, order_id)
    assert made is not None and made.id == order_id and detail.row.call_id == line.id and detail.call.content == "卫生间下水道堵塞"
    assert detail.row.contact == "138****8000"  # stored in full, shown masked
    with ctx.read() as s:
        assert repairs.repair_data(s, ctx.actor, order_id).contact == "13800138000"
    reception.table.selectRow(next(i for i, r in enumerate(reception.model.rows()) if r.id == line.id))
    assert not reception.repair_btn.isEnabled()  # once only
    assert f"已转维修 {call.repair_ref}" in [reception.model.data(reception.model.index(i, 10))
                                             for i in range(reception.model.rowCount())]

    # The caller card lists the open order; the board shows where it came from.
    with ctx.read() as s:
        card = calls.caller_card(s, ctx.actor, room_id=rooms.find_room_id(s, "3-2-1201"))
    reception.show_card(card)
    assert f"未完工报修：{call.repair_ref} 水（待派工）" in reception.card_label.text()
    board = _panel(qtbot, ctx)
    board.open_order(order_id)
    assert "来源来电：" in board.card_links.text() and "卫生间下水道堵塞" in board.card_links.text()


def test_only_roles_that_handle_repairs_have_the_tab(qtbot, paths, db, users, ui_settings):
    clerk = MainWindow(AppContext(paths=paths, database=db), users["li"], ui_settings=ui_settings)
    qtbot.addWidget(clerk)
    keys = clerk.tab_keys
    assert keys.index("repairs") == keys.index("complaints") + 1
    assert clerk.tabs.tabText(keys.index("repairs")) == "报修"
    cashier = MainWindow(AppContext(paths=paths, database=db), users["wang"], ui_settings=ui_settings)
    qtbot.addWidget(cashier)
    assert "repairs" not in cashier.tab_keys
    QApplication.processEvents()


def test_settings_edit_repair_categories_and_late_limits(qtbot, paths, db, users):
    from ui.admin_dialogs import SettingsDialog

    ctx = AppContext(paths=paths, database=db, actor=users["zhang"].actor())
    with db.Session.begin() as s:
        settings.save_settings(s, users["zhang"].actor(), settings.CommunitySettings(
            community_name="中天雅苑", company_name="中天物业"))
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.repair_categories.toPlainText().splitlines() == repairs.DEFAULT_CATEGORIES
    dlg.repair_categories.setPlainText("水\n电\n水")
    err = dlg.findChild(QLabel, "error_repair_categories")
    assert "重复" in err.text() and err.isVisibleTo(dlg)
    dlg.repair_categories.setPlainText("水\n电\n门窗\n电梯")
    dlg.completion_spins[Urgency.EMERGENCY].setValue(1)
    dlg.response_spins[Urgency.EMERGENCY].setValue(90)  # on site in 90 min, done in 1 hour: no
    assert "完工时限不能短于到场时限" in dlg.findChild(QLabel, "error_completion_emergency").text()
    assert not dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dlg.completion_spins[Urgency.EMERGENCY].setValue(6)
    dlg.response_spins[Urgency.NORMAL].setValue(12 * 60)
    dlg._on_accept()
    assert dlg.result() == dlg.DialogCode.Accepted, dlg.problems()
    with db.Session() as s:
        assert repairs.categories(s) == ["水", "电", "门窗", "电梯"]
        limits = repairs.thresholds(s)
    assert limits[Urgency.EMERGENCY] == repairs.Threshold(90, 6)
    assert limits[Urgency.NORMAL] == repairs.Threshold(720, 72)
    assert dlg.height() < 900  # the repairs box sits in one compact group


def test_every_repairs_label_is_translatable():
    tables = (repairs.STATE_LABELS, repairs.CHANNEL_LABELS, repairs.URGENCY_LABELS, repairs.RATING_LABELS,
              repairs.PAID_LABELS, repairs.ACTION_LABELS, repairs.EVENT_LABELS, callbacks.STATE_LABELS)
    missing = {v for t in tables for v in t.values()} - set(labels.KNOWN)
    assert not missing, f"add to ui/labels.py: {sorted(missing)}"


def test_a_wrong_paid_tick_is_corrected_with_edit(qtbot, ctx, engineers, monkeypatch):
    order = _order(ctx, paid=True)
    panel = _panel(qtbot, ctx)
    panel.open_order(order.id)
    assert panel.edit_btn.isEnabled()
    seen: list[RepairDialog] = []

    def exec_(dlg: RepairDialog) -> int:
        seen.append(dlg)
        assert dlg.windowTitle() == "修改报修信息" and dlg.room.text() == "3-2-1201"
        assert dlg.contact.text() == "13800138000"  # edit forms show what the role may see (decisions.md)
        dlg.paid.setCurrentIndex(dlg.paid.findData(False))
        qtbot.keyClick(dlg.preferred, Qt.Key.Key_Return)
        return dlg.result()

    monkeypatch.setattr(RepairDialog, "exec", exec_)
    panel.edit_btn.click()
    assert seen and seen[0].result() == seen[0].DialogCode.Accepted
    assert panel.detail.row.paid is False and panel.detail.events[-1].action == "update"
    with ctx.tx() as s:
        assert repairs.order_detail(s, ctx.actor, order.id, reveal=True).row.contact == "13800138000"
