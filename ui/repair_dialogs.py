"""报修登记 (RepairDialog) and the small form each step of a 维修派工单 asks for (RepairActionDialog)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDateTime, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from app import repairs, rooms
from app.context import AppContext
from app.errors import (
    AppError,
    ConflictError,
    InvalidTransition,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from app.repairs import (
    ACTION_LABELS,
    CHANNEL_LABELS,
    PAID_LABELS,
    RATING_LABELS,
    URGENCY_LABELS,
    Action,
    EngineerLoad,
    RepairData,
    RepairRow,
    Urgency,
)
from app.timeutil import fmt_local
from ui.forms import ERROR_STYLE, FormDialog
from ui.labels import label
from ui.widgets import room_completer

REFUSAL_STYLE = ERROR_STYLE + " font-weight: bold; font-size: 13px;"


def duration_text(minutes: int | None) -> str:
    """'45 分钟', '3 小时 20 分', '2 天 4 小时' (translated); '' for none."""
    if minutes is None:
        return ""
    if minutes < 60:
        return QCoreApplication.translate("repairs", "{m} 分钟").format(m=minutes)
    if minutes < 24 * 60:
        h, m = divmod(minutes, 60)
        if m:
            return QCoreApplication.translate("repairs", "{h} 小时 {m} 分").format(h=h, m=m)
        return QCoreApplication.translate("repairs", "{h} 小时").format(h=h)
    d, rest = divmod(minutes, 24 * 60)
    if rest // 60:
        return QCoreApplication.translate("repairs", "{d} 天 {h} 小时").format(d=d, h=rest // 60)
    return QCoreApplication.translate("repairs", "{d} 天").format(d=d)


def engineer_text(e: EngineerLoad) -> str:
    """'李师傅（在手 3 单，今日派 2 单）' where the clerk picks whom to send."""
    return QCoreApplication.translate("repairs", "{name}（在手 {open} 单，今日派 {today} 单）").format(
        name=e.name, open=e.open_orders, today=e.dispatched_today)


def sorted_engineers(items: list[EngineerLoad]) -> list[EngineerLoad]:
    """Least loaded first: fewest jobs in hand, then fewest given today, then by name."""
    return sorted(items, key=lambda e: (e.open_orders, e.dispatched_today, e.name, e.staff_id))


class RepairDialog(FormDialog):
    """报修登记: where, who, how to reach them, what is broken, how urgent, paid or not, when to come."""

    def __init__(self, ctx: AppContext, initial: RepairData | None = None,
                 parent: QWidget | None = None, order_id: int | None = None) -> None:
        super().__init__(self.tr("修改报修信息") if order_id is not None else self.tr("报修登记"), parent)
        self.setMinimumWidth(600)
        self.ctx = ctx
        self.order_id = order_id  # set: editing an open order (update_intake) instead of a new one
        self.call_id: int | None = None
        self._room_id: int | None = None
        self._room_people: list[tuple[str, str]] = []
        self._auto_contact = ""
        with ctx.read() as s:
            codes = rooms.room_codes(s)
            self.categories = repairs.categories(s)

        self.channel = QComboBox()
        for code, text in CHANNEL_LABELS.items():
            self.channel.addItem(label(text), code)
        self.room = QLineEdit()
        self.room.setPlaceholderText(self.tr("房号如 3-2-1201，公共区域如 公共-配电室"))
        self.room.setCompleter(room_completer(codes, self.room))
        self.location = QLineEdit()
        self.location.setPlaceholderText(self.tr("如 厨房、卫生间、3号楼电梯厅"))
        self.reporter = QComboBox()
        self.reporter.setEditable(True)
        self.reporter.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reporter.lineEdit().setPlaceholderText(self.tr("从该房屋的人员中选择，或直接输入"))
        self.contact = QLineEdit()
        self.contact.setPlaceholderText(self.tr("工程人员上门前联系用"))
        self.category = QComboBox()
        self.category.addItem(self.tr("（请选择）"), "")
        for c in self.categories:
            self.category.addItem(c, c)
        self.content = QPlainTextEdit()
        self.content.setTabChangesFocus(True)
        self.content.setPlaceholderText(self.tr("故障情况：什么坏了、从什么时候开始、业主的要求"))
        self.content.setFixedHeight(80)
        self.urgency = QComboBox()
        for code, text in URGENCY_LABELS.items():
            self.urgency.addItem(label(text), code)
        self.paid = QComboBox()
        for value in (False, True):
            self.paid.addItem(label(PAID_LABELS[value]), value)
        self.preferred = QLineEdit()
        self.preferred.setPlaceholderText(self.tr("如 周六上午、今天下午三点后"))

        self.add_field("channel", self.tr("报修方式"), self.channel)
        self.add_field("room", self.tr("房号/公共区域"), self.room)
        self.add_field("location", self.tr("具体位置"), self.location)
        self.add_field("reporter", self.tr("报修人"), self.reporter)
        self.add_field("contact", self.tr("联系电话"), self.contact)
        self.add_field("category", self.tr("报修类别"), self.category)
        self.add_field("content", self.tr("报修内容"), self.content)
        self.add_field("urgency", self.tr("紧急程度"), self.urgency)
        self.add_field("paid", self.tr("收费"), self.paid)
        self.add_field("preferred_time", self.tr("预约上门时间"), self.preferred)
        order = [self.channel, self.room, self.location, self.reporter, self.contact, self.category,
                 self.content, self.urgency, self.paid, self.preferred]
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)
        QWidget.setTabOrder(self.preferred, self.buttons)

        self.room.textChanged.connect(self._on_room_changed)
        self.reporter.currentIndexChanged.connect(self._on_person_picked)
        self.reporter.editTextChanged.connect(self.revalidate)
        if initial is not None:
            self._fill(initial)
        self.room.setFocus()
        self.revalidate()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, initial: RepairData | None = None) -> RepairRow | None:
        dlg = cls(ctx, initial, parent)
        return dlg.result_value if dlg.exec() else None

    @classmethod
    def edit(cls, parent: QWidget | None, ctx: AppContext, order_id: int) -> RepairRow | None:
        """修改… an open order's intake (a wrong room, phone, category, urgency, 有偿 tick)."""
        initial = ctx.query(repairs.repair_data, order_id)
        dlg = cls(ctx, initial, parent, order_id=order_id)
        return dlg.result_value if dlg.exec() else None

    # ---------------------------------------------------------------- filling and reading
    def _fill(self, d: RepairData) -> None:
        _select(self.channel, str(d.channel))
        code = d.room_code
        if not code and d.room_id is not None:
            try:
                code = self.ctx.query(rooms.room_detail, d.room_id).room.code
            except AppError:
                code = ""
        self.room.setText(code)
        self._on_room_changed()
        self.location.setText(d.location)
        if d.reporter:
            self.reporter.setEditText(d.reporter)
        self.contact.setText(d.contact)
        _select(self.category, d.category)
        self.content.setPlainText(d.content)
        _select(self.urgency, str(d.urgency))
        _select(self.paid, bool(d.paid))
        self.preferred.setText(d.preferred_time)
        self.call_id = d.call_id

    def data(self) -> RepairData:
        return RepairData(
            channel=self.channel.currentData(), reporter=self.reporter.currentText(), contact=self.contact.text(),
            room_id=self._room_id, room_code="" if self._room_id is not None else self.room.text(),
            location=self.location.text(), category=self.category.currentData() or "",
            content=self.content.toPlainText(), urgency=self.urgency.currentData() or Urgency.NORMAL,
            paid=bool(self.paid.currentData()), preferred_time=self.preferred.text(), call_id=self.call_id)

    def problems(self) -> dict[str, str]:
        errors = repairs.repair_problems(self.data())
        if self.room.text().strip() and self._room_id is None:
            errors["room"] = self.tr("找不到该房号或公共区域")
        return errors

    def _touched(self, key: str) -> bool:
        if key == "reporter":
            return bool(self.reporter.currentText())
        if key == "content":
            return bool(self.content.toPlainText())
        if key in ("category", "channel", "urgency"):
            return False
        return super()._touched(key)

    # ---------------------------------------------------------------- the room's people
    def _on_room_changed(self) -> None:
        code = self.room.text().strip()
        rid = self.ctx.query(lambda s, _a: rooms.find_room_id(s, code)) if code else None
        if rid != self._room_id:
            self._room_id = rid
            typed = self.reporter.currentText()
            self.reporter.blockSignals(True)
            self.reporter.clear()
            self._room_people = []
            if rid is not None:
                try:
                    detail = self.ctx.query(rooms.room_detail, rid)
                except AppError:  # a role that may not open the room card still records the repair
                    detail = None
                for o in detail.occupants if detail is not None else []:
                    if o.active:
                        self._room_people.append((o.person.name, o.person.phone))
                        self.reporter.addItem(self.tr("{name}（{relation} {phone}）").format(
                            name=o.person.name, relation=label(o.relation_label), phone=o.person.phone),
                            o.person.name)
            self.reporter.setCurrentIndex(-1)  # so that picking the first person is a change
            self.reporter.setEditText(typed)
            self.reporter.blockSignals(False)
        self.revalidate()

    def _on_person_picked(self, index: int) -> None:
        if 0 <= index < len(self._room_people):
            name, phone = self._room_people[index]
            self.reporter.setEditText(name)
            current = self.contact.text().strip()
            # The masked number is shown; the service finds the full one of the room's person.
            if phone and (not current or current == self._auto_contact):
                self.contact.setText(phone)
                self._auto_contact = phone
        self.revalidate()

    # ---------------------------------------------------------------- saving
    def save(self) -> RepairRow:
        if self.order_id is not None:
            return self.ctx.call(repairs.update_intake, self.order_id, self.data())
        return self.ctx.call(repairs.create_order, self.data())


def _select(box: QComboBox, value: object) -> None:
    i = box.findData(value)
    if i >= 0:
        box.setCurrentIndex(i)


class RepairActionDialog(FormDialog):
    """Asks exactly what one step needs: when, which engineer, the plan, the amount, who signed..."""

    def __init__(self, ctx: AppContext, row: RepairRow, action: Action,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("{action} — {serial}").format(action=label(ACTION_LABELS[action]),
                                                               serial=row.serial), parent)
        self.setMinimumWidth(560)
        self.ctx, self.row, self.action = ctx, row, action
        self.banner.setStyleSheet(REFUSAL_STYLE)
        self.banner.setObjectName("refusal")
        intro = QLabel(self.tr("{serial}  {place}  {category}（{urgency}，{paid}）：{content}").format(
            serial=row.serial, place=row.place or "—", category=row.category, urgency=label(row.urgency_label),
            paid=label(row.paid_label), content=row.content[:60]))
        intro.setObjectName("action_intro")
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #555;")
        self.form.addRow(intro)
        if row.engineer_name or row.quote_amount is not None:
            bits = []
            if row.engineer_name:
                bits.append(self.tr("维修人员：{name}").format(name=row.engineer_name))
            if row.quote_amount is not None:
                bits.append(self.tr("报价：{amount}").format(amount=row.amount_text))
            if row.fee_accepted:
                bits.append(self.tr("{who} 已签字确认费用").format(who=row.fee_accepted_by))
            more = QLabel("　".join(bits))
            more.setStyleSheet("color: #555;")
            self.form.addRow(more)

        self.at: QDateTimeEdit | None = None
        self.engineer: QComboBox | None = None
        self.engineers: list[EngineerLoad] = []
        self.plan: QPlainTextEdit | None = None
        self.amount: QLineEdit | None = None
        self.signed_by: QLineEdit | None = None
        self.work_done: QPlainTextEdit | None = None
        self.rating: QButtonGroup | None = None
        self.rating_buttons: dict[str, QRadioButton] = {}
        self.comment: QPlainTextEdit | None = None
        self.reason: QPlainTextEdit | None = None
        self.note: QPlainTextEdit | None = None
        self.urgency: QComboBox | None = None
        first: QWidget | None = None

        a = Action
        if action in (a.DISPATCH, a.TRANSFER):
            self.engineer = self._engineer_box(exclude=row.engineer_id if action == a.TRANSFER else None)
            first = self.engineer
        if action == a.ARRIVE:
            self.plan = self._text("plan", self.tr("维修方案"), self.tr("到场确认的故障和告知业主的维修方案"))
            first = self.plan
        elif action == a.QUOTE:
            self.amount = QLineEdit()
            self.amount.setPlaceholderText(self.tr("元，如 120 或 85.50"))
            self.add_field("amount", self.tr("维修费用"), self.amount)
            self.note = self._text("note", self.tr("费用说明"), self.tr("材料、人工等（选填）"))
            first = self.amount
        elif action == a.ACCEPT_FEE:
            self.signed_by = self._line("signed_by", self.tr("签字业主"), row.reporter)
            first = self.signed_by
        elif action == a.COMPLETE:
            self.work_done = self._text("work_done", self.tr("维修情况"), self.tr("做了什么、换了什么"))
            self.signed_by = self._line("signed_by", self.tr("验收签字业主"), row.reporter)
            holder = QWidget()
            h = QHBoxLayout(holder)
            h.setContentsMargins(0, 0, 0, 0)
            self.rating = QButtonGroup(self)
            for code, text in RATING_LABELS.items():
                b = QRadioButton(label(text))
                b.setObjectName(f"rating_{code}")
                self.rating.addButton(b)
                self.rating_buttons[str(code)] = b
                h.addWidget(b)
            h.addStretch(1)
            self.add_field("rating", self.tr("业主评价"), holder)
            self.rating.buttonToggled.connect(lambda *_: self.revalidate())
            self.comment = self._text("comment", self.tr("业主意见"), self.tr("不满意时必填"))
            first = self.work_done
        elif action == a.ARCHIVE:
            self.note = self._text("note", self.tr("说明"), self.tr("选填，默认“派工单已交回客服中心存档”"))
            first = self.note
        elif action == a.DISPATCH:
            self.note = self._text("note", self.tr("说明"), self.tr("选填"))
        elif action in (a.SEND_BACK, a.TRANSFER, a.CANCEL, a.REOPEN):
            hint = {a.SEND_BACK: self.tr("退单原因"), a.TRANSFER: self.tr("转单原因"),
                    a.CANCEL: self.tr("取消原因"), a.REOPEN: self.tr("返修原因（业主不满意之处）")}[action]
            self.reason = self._text("reason", hint, "")
            if action == a.REOPEN:
                self.urgency = QComboBox()
                for code, text in URGENCY_LABELS.items():
                    self.urgency.addItem(label(text), code)
                _select(self.urgency, str(Urgency.URGENT))
                self.add_field("urgency", self.tr("返修单紧急程度"), self.urgency)
            first = first or self.reason

        # The clerk often records a step after the fact: the time is asked, default now.
        self._opened = QDateTime.currentDateTime()
        self.at = QDateTimeEdit(self._opened)
        self.at.setCalendarPopup(True)
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at.setMaximumDateTime(self._opened.addSecs(3600))
        self.add_field("at", self._time_title(), self.at)
        self.at.dateTimeChanged.connect(lambda *_: self.revalidate())
        if first is not None:
            first.setFocus()
        self.revalidate()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, row: RepairRow, action: Action) -> RepairRow | None:
        dlg = cls(ctx, row, action, parent)
        return dlg.result_value if dlg.exec() else None

    # ---------------------------------------------------------------- building
    def _time_title(self) -> str:
        a = Action
        return {a.DISPATCH: self.tr("签收时间"), a.ARRIVE: self.tr("到场时间"), a.QUOTE: self.tr("报价时间"),
                a.ACCEPT_FEE: self.tr("确认时间"), a.COMPLETE: self.tr("完工时间"), a.ARCHIVE: self.tr("归档时间"),
                a.SEND_BACK: self.tr("退单时间"), a.TRANSFER: self.tr("转单时间"), a.CANCEL: self.tr("取消时间"),
                a.REOPEN: self.tr("返修登记时间")}.get(self.action, self.tr("时间"))

    def _engineer_box(self, exclude: int | None) -> QComboBox:
        box = QComboBox()
        box.addItem(self.tr("（请选择维修人员）"), None)
        self.engineers = sorted_engineers(self.ctx.query(repairs.engineers))
        for e in self.engineers:
            if e.staff_id == exclude:
                continue
            box.addItem(engineer_text(e), e.staff_id)
            if e.phone:
                box.setItemData(box.count() - 1, e.phone, Qt.ItemDataRole.ToolTipRole)
        self.add_field("engineer", self.tr("维修人员"), box)
        return box

    def _text(self, key: str, title: str, placeholder: str) -> QPlainTextEdit:
        w = QPlainTextEdit()
        w.setTabChangesFocus(True)
        w.setFixedHeight(64)
        if placeholder:
            w.setPlaceholderText(placeholder)
        self.add_field(key, title, w)
        return w

    def _line(self, key: str, title: str, text: str = "") -> QLineEdit:
        w = QLineEdit(text)
        self.add_field(key, title, w)
        return w

    # ---------------------------------------------------------------- reading
    def when(self) -> datetime | None:
        """The time of the step; None (the service takes now) while the clerk left it at now."""
        assert self.at is not None
        dt = self.at.dateTime()
        if abs(dt.secsTo(self._opened)) < 60:
            return None
        return dt.toPython().astimezone(UTC)  # type: ignore[union-attr]

    def params(self) -> dict[str, object]:
        p: dict[str, object] = {"at": self.when()}
        if self.engineer is not None:
            p["engineer_id"] = self.engineer.currentData()
        if self.plan is not None:
            p["plan"] = self.plan.toPlainText()
        if self.amount is not None:
            p["amount"] = self.amount.text()
        if self.note is not None:
            p["note"] = self.note.toPlainText()
        if self.signed_by is not None:
            p["signed_by"] = self.signed_by.text()
        if self.work_done is not None:
            p["work_done"] = self.work_done.toPlainText()
        if self.rating is not None:
            p["rating"] = self.rating_value()
        if self.comment is not None:
            p["comment"] = self.comment.toPlainText()
        if self.reason is not None:
            p["reason"] = self.reason.toPlainText()
        if self.urgency is not None:
            p["urgency"] = self.urgency.currentData()
        return p

    def rating_value(self) -> str:
        for code, b in self.rating_buttons.items():
            if b.isChecked():
                return code
        return ""

    def set_rating(self, code: str) -> None:
        self.rating_buttons[str(code)].setChecked(True)

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        if self.engineer is not None and self.engineer.currentData() is None:
            if self.engineer.count() > 1:
                e["engineer"] = self.tr("请选择维修人员")
            elif self.action == Action.TRANSFER:
                e["engineer"] = self.tr("没有其他可接手的工程部人员")
            else:
                e["engineer"] = self.tr("没有可派的工程部人员：请先在“设置 → 员工”中登记")
        if self.amount is not None:
            try:
                repairs.parse_amount(self.amount.text())
            except ValidationError as err:
                e["amount"] = err.message
        if self.signed_by is not None and not self.signed_by.text().strip():
            e["signed_by"] = self.tr("请填写签字业主的姓名")
        if self.work_done is not None and not self.work_done.toPlainText().strip():
            e["work_done"] = self.tr("请填写维修情况（做了什么）")
        if self.rating is not None:
            r = self.rating_value()
            if not r:
                e["rating"] = self.tr("请选择业主评价")
            elif r == repairs.Rating.DISSATISFIED and self.comment is not None \
                    and not self.comment.toPlainText().strip():
                e["comment"] = self.tr("业主不满意：请记下业主的意见")
        if self.reason is not None and not self.reason.toPlainText().strip():
            e["reason"] = self.tr("请填写原因")
        if self.at is not None:
            when = self.at.dateTime().toPython().astimezone(UTC)  # type: ignore[union-attr]
            if when > datetime.now(UTC) + timedelta(minutes=5):
                e["at"] = self.tr("时间不能晚于现在")
            elif when < self.row.reported_at.astimezone(UTC) - timedelta(minutes=1):
                e["at"] = self.tr("时间不能早于报修时间 {when}").format(when=fmt_local(self.row.reported_at))
        return e

    def _touched(self, key: str) -> bool:
        w = self._fields.get(key)
        if isinstance(w, QPlainTextEdit):
            return bool(w.toPlainText())
        if key == "rating":
            return bool(self.rating_value())
        if key == "at":
            return True
        if key == "engineer":
            return self.engineer is not None and self.engineer.count() <= 1
        return super()._touched(key)

    # ---------------------------------------------------------------- saving
    def save(self) -> RepairRow:
        try:
            return self.ctx.call(repairs.run_action, self.row.id, self.action, **self.params())
        except (InvalidTransition, ConflictError, PermissionDenied, NotFoundError) as e:
            # A refusal by the rules: shown in the form, what the clerk typed stays.
            raise ValidationError(errors={"_": e.message}) from e
