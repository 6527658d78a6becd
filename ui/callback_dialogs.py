"""《业主回访记录单》 as a form, the monthly visiting plan, and the small forms around them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import callbacks
from app.callbacks import (
    METHOD_LABELS,
    SATISFACTION_LABELS,
    CallbackResult,
    CallbackRow,
    Method,
    PlanProposal,
    RecordOutcome,
    Satisfaction,
)
from app.context import AppContext
from app.errors import AppError
from app.monthly import Month
from app.roles import Perm
from app.timeutil import fmt_local
from ui import dialogs
from ui.forms import FormDialog
from ui.labels import label
from ui.widgets import set_completer_codes


def _text_edit(height: int = 56) -> QPlainTextEdit:
    w = QPlainTextEdit()
    w.setFixedHeight(height)
    w.setTabChangesFocus(True)
    return w


class CallbackDialog(FormDialog):
    """Record a due callback: method, who, content, opinion, satisfaction, follow-up."""

    def __init__(self, ctx: AppContext, callback_id: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("《业主回访记录单》"), parent)
        self.setMinimumWidth(560)
        self.ctx, self.callback_id = ctx, callback_id
        actor = ctx.actor
        assert actor is not None
        reveal = actor.can(Perm.REVEAL_PHONE)
        self.row: CallbackRow = ctx.call(callbacks.get_callback, callback_id, reveal=reveal, write=reveal)
        r = self.row
        head = QLabel(self.tr("{kind}　{room}　{name}　{contact}").format(
            kind=label(r.kind_label), room=r.room_code, name=r.person_name, contact=r.contact))
        head.setObjectName("callback_head")
        head.setStyleSheet("font-weight: bold;")
        self.form.addRow(self.tr("回访对象"), head)
        due = QLabel(fmt_local(r.due_at) + (self.tr("（加急）") if r.urgent else ""))
        self.form.addRow(self.tr("应回访时间"), due)
        reason = QLabel(r.reason)
        reason.setWordWrap(True)
        self.form.addRow(self.tr("回访原因"), reason)

        # Combos are filled before add_field watches them: filling one must not validate the rest.
        self.method = self.add_field("method", self.tr("回访方式"), self._combo(METHOD_LABELS))
        self.done_by = self.add_field("done_by", self.tr("回访人"),
                                      QLineEdit(actor.display_name or actor.username))
        self.content = self.add_field("content", self.tr("回访内容"), _text_edit(64))
        self.opinion = self.add_field("opinion", self.tr("业主意见"), _text_edit())
        self.satisfaction = self.add_field("satisfaction", self.tr("满意程度"), self._combo(SATISFACTION_LABELS))
        self.follow_up = self.add_field("follow_up", self.tr("跟进措施"), _text_edit())
        self.follow_up.setPlaceholderText(self.tr("不满意时必填：致歉与整改安排"))
        self.open_complaint = self.add_field("open_complaint", "", QCheckBox(self.tr("不满意时立即新建投诉")))
        self.can_complain = actor.can(Perm.HANDLE_COMPLAINTS)
        self.open_complaint.setVisible(self.can_complain)
        cats = QComboBox()
        for c in self._categories():
            cats.addItem(c, c)
        self.category = self.add_field("complaint_category", self.tr("投诉类别"), cats)
        self.category.setVisible(self.can_complain)
        self.satisfaction.currentIndexChanged.connect(self._sync)
        self.open_complaint.toggled.connect(self._sync)
        self._sync()
        self.method.setFocus()
        self.revalidate()

    def _combo(self, labels: dict) -> QComboBox:
        c = QComboBox()
        c.addItem(self.tr("请选择"), None)
        for code, text in labels.items():
            c.addItem(label(text), code)
        return c

    def _categories(self) -> list[str]:
        try:
            from app import complaints

            return self.ctx.query(lambda s, _a: complaints.categories(s))
        except (ImportError, AppError):
            return ["其他"]

    def _sync(self) -> None:
        unhappy = self.satisfaction.currentData() == Satisfaction.DISSATISFIED
        self.open_complaint.setEnabled(unhappy and self.can_complain)
        if not unhappy and self.open_complaint.isChecked():
            self.open_complaint.setChecked(False)
        self.category.setEnabled(self.open_complaint.isChecked())

    def data(self) -> CallbackResult:
        m, sat = self.method.currentData(), self.satisfaction.currentData()
        return CallbackResult(
            method=Method(m) if m else None, done_by=self.done_by.text(),
            content=self.content.toPlainText(), opinion=self.opinion.toPlainText(),
            satisfaction=Satisfaction(sat) if sat else None, follow_up=self.follow_up.toPlainText(),
            open_complaint=self.open_complaint.isChecked(),
            complaint_category=self.category.currentData() or "")

    def problems(self) -> dict[str, str]:
        return callbacks.result_problems(self.data())

    def save(self) -> RecordOutcome:
        return self.ctx.call(callbacks.record_callback, self.callback_id, self.data())


class ReasonDialog(FormDialog):
    """One reason, required: cancelling a callback or taking a household out of the plan."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.reason = self.add_field("reason", prompt, QLineEdit())
        self.reason.setFocus()
        self.revalidate()

    def problems(self) -> dict[str, str]:
        return {} if self.reason.text().strip() else {"reason": self.tr("请填写原因")}

    def save(self) -> str:
        return self.reason.text().strip()


class AddToPlanDialog(FormDialog):
    """The supervisor adds one household to a month's plan (a targeted visit)."""

    def __init__(self, ctx: AppContext, month: Month, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("加入{month}走访计划").format(month=month.label), parent)
        self.ctx, self.month = ctx, month
        self.room = self.add_field("room", self.tr("房号"), QLineEdit())
        self.room.setPlaceholderText(self.tr("如 3-2-1201"))
        from app import rooms

        set_completer_codes(self.room, ctx.query(lambda s, _a: rooms.room_codes(s)))
        self.room.setFocus()
        self.revalidate()

    def problems(self) -> dict[str, str]:
        return {} if self.room.text().strip() else {"room": self.tr("请填写房号")}

    def save(self) -> CallbackRow:
        from app import rooms
        from app.errors import NotFoundError

        def add(s, actor):  # noqa: ANN001, ANN202
            rid = rooms.find_room_id(s, self.room.text())
            if rid is None:
                raise NotFoundError("找不到该房屋", field="room")
            return callbacks.add_to_plan(s, actor, self.month, rid)

        return self.ctx.call(add)


class SurveyDialog(FormDialog):
    """登记意见调查: one owner's ratings; every 不满意 becomes an urgent callback (§七6)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("登记意见调查"), parent)
        self.ctx = ctx
        from app import rooms

        self.room = self.add_field("room", self.tr("房号"), QLineEdit())
        set_completer_codes(self.room, ctx.query(lambda s, _a: rooms.room_codes(s)))
        self.person = self.add_field("person", self.tr("业主/住户"), QLineEdit())
        self.contact = self.add_field("contact", self.tr("联系电话"), QLineEdit())
        self.ratings: dict[str, QComboBox] = {}
        for item in callbacks.SURVEY_ITEMS:
            combo = QComboBox()
            combo.addItem(self.tr("未评"), None)
            for code, text in SATISFACTION_LABELS.items():
                combo.addItem(label(text), code)
            self.ratings[item] = self.add_field(f"rating_{item}", label(item), combo)
        self.verified = self.add_field("verified", self.tr("核实"), QCheckBox(self.tr("已核实评价真实")))
        self.note = self.add_field("note", self.tr("备注"), QLineEdit())
        self.room.setFocus()
        self.revalidate()

    def chosen(self) -> dict[str, Satisfaction]:
        return {item: Satisfaction(c.currentData()) for item, c in self.ratings.items() if c.currentData()}

    def problems(self) -> dict[str, str]:
        e = {}
        if not self.person.text().strip() and not self.room.text().strip():
            e["room"] = self.tr("请填写房号或业主姓名")
        if not self.chosen():
            e["note"] = self.tr("请至少评一项")
        return e

    def save(self) -> list[CallbackRow]:
        from app import rooms
        from app.errors import NotFoundError

        def record(s, actor):  # noqa: ANN001, ANN202
            rid = None
            if self.room.text().strip():
                rid = rooms.find_room_id(s, self.room.text())
                if rid is None:
                    raise NotFoundError("找不到该房屋", field="room")
            return callbacks.record_survey(s, actor, rid, self.person.text().strip(), self.contact.text().strip(),
                                           self.chosen(), self.note.text(), verified=self.verified.isChecked())

        return self.ctx.call(record)


class PlanDialog(QDialog):
    """制定本月走访计划: the proposed households, checked; the supervisor unticks or keeps them."""

    def __init__(self, ctx: AppContext, month: Month, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("制定{month}走访计划").format(month=month.label))
        self.setMinimumWidth(520)
        self.ctx, self.month = ctx, month
        self.proposal: PlanProposal = ctx.query(lambda s, _a: callbacks.propose_plan(s, month))
        p = self.proposal
        summary = QLabel(self.tr(
            "住宅 {households} 户，今年已走访 {visited} 户，已排计划未完成 {open} 户；"
            "本年还剩 {left} 个月，本月需走访 {needed} 户以保持每年不少于 50% 的进度。").format(
            households=p.households, visited=p.visited, open=p.planned_open, left=p.months_left,
            needed=p.needed))
        summary.setWordWrap(True)
        summary.setObjectName("plan_summary")
        self.list = QListWidget()
        self.list.setObjectName("plan_list")
        for c in p.candidates:
            last = fmt_local(c.last_visit)[:10] if c.last_visit else self.tr("从未回访")
            mark = self.tr("［重点］") if c.targeted else ""
            item = QListWidgetItem(self.tr("{mark}{room}　{name}　{phone}　上次回访：{last}").format(
                mark=mark, room=c.room_code, name=c.person_name, phone=c.contact, last=last))
            item.setData(Qt.ItemDataRole.UserRole, c.room_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("创建走访计划"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(self.list, 1)
        lay.addWidget(buttons)
        self.created: list[CallbackRow] = []

    def chosen(self) -> list[int]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _on_accept(self) -> None:
        try:
            self.created = self.ctx.call(callbacks.plan_month, self.month, room_ids=self.chosen())
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.accept()
