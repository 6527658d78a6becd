"""走访回访 tab: the clerk opens a due callback from the list with the keyboard, records it, and it leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from app import callbacks, rooms
from app.callbacks import CallbackKind, CallbackState, DueQuery
from tests.ui.keys import type_text
from ui import labels
from ui.bus import DataBus
from ui.panels.callbacks import OVERDUE, CallbacksPanel


def _due(db, actor, code: str, due: datetime, kind=CallbackKind.COMPLAINT, source_id=None):
    with db.Session.begin() as s:
        rid = rooms.find_room_id(s, code)
        return callbacks.create_callback(s, actor, kind=kind, room_id=rid, person_name="王芳",
                                         contact="13800138000", reason="投诉处理后回访", due_at=due,
                                         source="call", source_id=source_id)


def test_clerk_records_a_due_callback_with_the_keyboard(qtbot, qtmodeltester, ctx, db, some_rooms):
    now = datetime.now(UTC)
    late = _due(db, ctx.actor, "3-2-1201", now - timedelta(hours=2), source_id=1)
    later = _due(db, ctx.actor, "5-1-0301", now + timedelta(days=5), kind=CallbackKind.PERIODIC, source_id=2)
    bus = DataBus()
    panel = CallbacksPanel(ctx, bus)
    qtbot.addWidget(panel)
    panel.show()
    qtmodeltester.check(panel.model)
    assert [r.id for r in panel.model.rows()] == [late.id, later.id]  # overdue first
    assert "逾期 1" in panel.counts.text()
    assert panel.model.data(panel.model.index(0, 0), Qt.ItemDataRole.BackgroundRole) == OVERDUE
    assert panel.model.data(panel.model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert panel.coverage_bar.maximum() == 3 and panel.coverage_bar.value() == 0

    panel.table.setFocus()
    panel.table.selectRow(0)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    dlg = panel.record_dialog
    assert dlg is not None and dlg.isVisible() and dlg.callback_id == late.id
    assert "3-2-1201" in dlg.findChild(type(panel.counts), "callback_head").text()
    assert not dlg.buttons.button(dlg.buttons.StandardButton.Ok).isEnabled()  # nothing filled in yet
    qtbot.keyClick(dlg.method, Qt.Key.Key_Down)          # 电话
    type_text(qtbot, dlg.content, "业主表示问题已解决")
    qtbot.keyClick(dlg.satisfaction, Qt.Key.Key_Down)    # 满意
    assert dlg.buttons.button(dlg.buttons.StandardButton.Ok).isEnabled()
    qtbot.keyClick(dlg.done_by, Qt.Key.Key_Return)       # Enter saves
    qtbot.waitUntil(lambda: not dlg.isVisible())
    qtbot.waitUntil(lambda: [r.id for r in panel.model.rows()] == [later.id])
    assert "逾期 0" in panel.counts.text()
    assert panel.last_outcome is not None and panel.last_outcome.follow_up is None
    with ctx.read() as s:
        done = callbacks.due_list(s, ctx.actor, DueQuery(state=CallbackState.DONE))
    assert [(r.id, r.done_by, r.method_label, r.satisfaction_label) for r in done] == [
        (late.id, "李助理", "电话", "满意")]
    assert panel.coverage_bar.value() == 1


def test_dissatisfied_rating_needs_a_follow_up_and_creates_an_urgent_callback(qtbot, ctx, db, some_rooms):
    now = datetime.now(UTC)
    cb = _due(db, ctx.actor, "3-2-1202", now + timedelta(hours=3), source_id=3)
    panel = CallbacksPanel(ctx, DataBus())
    qtbot.addWidget(panel)
    panel.show()
    panel.table.selectRow(0)
    dlg = panel.open_current()
    assert dlg is not None
    dlg.method.setCurrentIndex(2)  # 上门
    type_text(qtbot, dlg.content, "上门查看")
    dlg.satisfaction.setCurrentIndex(3)  # 不满意
    assert dlg.open_complaint.isEnabled()
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    assert not ok.isEnabled()  # the follow-up is required when the owner is not satisfied
    type_text(qtbot, dlg.follow_up, "致歉并安排复查")
    assert ok.isEnabled()
    ok.click()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    out = panel.last_outcome
    assert out is not None and out.follow_up is not None and out.follow_up.urgent
    qtbot.waitUntil(lambda: [r.id for r in panel.model.rows()] == [out.follow_up.id])
    assert cb.id != out.follow_up.id


def test_supervisor_sees_the_plan_action_and_clerk_does_not(qtbot, ctx, users, some_rooms):
    panel = CallbacksPanel(ctx, DataBus())
    qtbot.addWidget(panel)
    assert panel.plan_btn.isHidden()
    from app.context import AppContext

    sup = AppContext(paths=ctx.paths, database=ctx.database, actor=users["zhang"].actor())
    panel2 = CallbacksPanel(sup, DataBus())
    qtbot.addWidget(panel2)
    assert not panel2.plan_btn.isHidden()
    from ui.callback_dialogs import PlanDialog

    dlg = PlanDialog(sup, callbacks.Month.of(datetime.now().date()), panel2)
    qtbot.addWidget(dlg)
    assert dlg.list.count() == dlg.proposal.needed >= 1
    dlg._on_accept()
    assert len(dlg.created) == dlg.proposal.needed


def test_callback_labels_are_translatable():
    app_labels = set()
    for table in (callbacks.KIND_LABELS, callbacks.STATE_LABELS, callbacks.METHOD_LABELS,
                  callbacks.SATISFACTION_LABELS):
        app_labels |= set(table.values())
    assert not app_labels - set(labels.KNOWN)


def test_a_dissatisfied_survey_rating_creates_an_urgent_callback(qtbot, ctx, some_rooms):
    from ui.callback_dialogs import SurveyDialog

    dlg = SurveyDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.room, "3-2-1202")
    type_text(qtbot, dlg.person, "李强")
    assert "至少评一项" in dlg.problems()["note"]
    combo = dlg.ratings["维修服务"]
    combo.setCurrentIndex(combo.findData(callbacks.Satisfaction.DISSATISFIED))
    dlg.ratings["客服服务"].setCurrentIndex(1)
    qtbot.keyClick(dlg.person, Qt.Key.Key_Return)
    assert dlg.result() == dlg.DialogCode.Accepted
    made = dlg.result_value
    assert len(made) == 1 and made[0].urgent and made[0].kind == CallbackKind.SURVEY
    assert "维修服务" in made[0].reason
    with ctx.read() as s:
        assert len(callbacks.due_list(s, ctx.actor, DueQuery(kind=CallbackKind.SURVEY))) == 1
