"""来电来访: the greeting, a keyboard-only quick-entry form with a call timer, the caller card,
promised answers, the day's suggestions and the paged log."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import calls, repairs, rooms
from app import settings as app_settings
from app.calls import (
    CHANNEL_LABELS,
    KIND_LABELS,
    CallData,
    CallerCard,
    CallKind,
    CallQuery,
    CallRow,
    DueStatus,
    PromiseRow,
)
from app.context import AppContext
from app.errors import AppError, ValidationError
from app.exports import ColKind
from app.roles import Perm
from app.timeutil import fmt_local, local_today
from ui import dialogs
from ui.bus import DataBus
from ui.export import ExportButtons
from ui.forms import ERROR_STYLE
from ui.labels import label
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, set_completer_codes, setup_table

AMBER = QColor("#f5b041")
RED = QColor("#e74c3c")
TIMER_STYLES = {"normal": "", "amber": "background: #f5b041; color: black;",
                "red": "background: #e74c3c; color: white;"}
NO_DATE = QDate(2000, 1, 1)
REFRESH_ON = {"call", "promise", "complaint", "callback", "repair", "room", "person", "occupant", "roster"}


def timer_state(seconds: float) -> str:
    """normal / amber (≥ 8 min) / red (≥ 10 min): §一 要点5, calls should not exceed ten minutes."""
    if seconds >= calls.CALL_RED_SECONDS:
        return "red"
    if seconds >= calls.CALL_AMBER_SECONDS:
        return "amber"
    return "normal"


def _aware(dt: QDateTime) -> datetime:
    return dt.toPython().astimezone(UTC)  # type: ignore[no-any-return, union-attr]


class ReceptionPanel(QWidget):
    def __init__(self, ctx: AppContext, bus: DataBus, parent: QWidget | None = None,
                 runner: Runner | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.bus = ctx, bus
        self.runner = runner or Runner(self)
        actor = ctx.actor
        assert actor is not None
        self.can_log = actor.can(Perm.LOG_CALLS)
        self.can_decide = actor.can(Perm.DECIDE_SUGGESTIONS)
        self.can_complain = actor.can(Perm.HANDLE_COMPLAINTS)
        self.can_repair = actor.can(Perm.HANDLE_REPAIRS)
        self.card: CallerCard | None = None
        self._started_at: float | None = None
        self._room_id: int | None = None

        with ctx.read() as s:
            greeting = app_settings.get_settings(s).greeting
        self.greeting = QLabel(self.tr("问候语：{text}").format(text=greeting))
        self.greeting.setObjectName("greeting")
        self.greeting.setStyleSheet("font-size: 16px; font-weight: bold; color: #1a5276;")
        self.greeting.setWordWrap(True)

        self._build_form()
        self._build_side()
        self._build_log()

        top = QSplitter()
        top.addWidget(self.form_box)
        top.addWidget(self.side)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(top)
        outer.addWidget(self.log_box)
        outer.setStretchFactor(0, 1)
        outer.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(self.greeting, 1)
        head.addWidget(self.timer_label)
        lay.addLayout(head)
        lay.addWidget(outer, 1)

        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(1000)
        self._tick_timer.timeout.connect(self._on_tick)
        self._card_debounce = QTimer(self)
        self._card_debounce.setSingleShot(True)
        self._card_debounce.setInterval(150)
        self._card_debounce.timeout.connect(self.update_card)
        self._filter_debounce = QTimer(self)
        self._filter_debounce.setSingleShot(True)
        self._filter_debounce.setInterval(200)
        self._filter_debounce.timeout.connect(self.refresh_log)
        # Amber and red follow the clock, not only data changes.
        self._due_timer = QTimer(self)
        self._due_timer.setInterval(60_000)
        self._due_timer.timeout.connect(self.refresh_promises)
        self._due_timer.start()
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.channel.setFocus)
        bus.data_changed.connect(self._on_data_changed)
        self._reload_lookups()
        self.refresh()
        self.clear_form()

    # ---------------------------------------------------------------- building
    def _build_form(self) -> None:
        self.form_box = QGroupBox(self.tr("登记来电来访（Enter 保存，多行框内 Ctrl+Enter 保存，Esc 清空）"))
        self.channel = QComboBox()
        for code, text in CHANNEL_LABELS.items():
            self.channel.addItem(label(text), code)
        self.room = QLineEdit()
        self.room.setPlaceholderText(self.tr("房号，如 3-2-1201"))
        self.caller = QComboBox()
        self.caller.setEditable(True)
        self.caller.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.caller.lineEdit().setPlaceholderText(self.tr("来电人姓名（可从该房住户中选择）"))
        self.contact = QLineEdit()
        self.contact.setPlaceholderText(self.tr("联系电话"))
        self.declined = QCheckBox(self.tr("不愿留下联系方式"))
        self.kind = QComboBox()
        for code, text in KIND_LABELS.items():
            self.kind.addItem(label(text), code)
        self.content = QPlainTextEdit()
        self.content.setPlaceholderText(self.tr("来电来访内容"))
        self.action = QPlainTextEdit()
        self.action.setPlaceholderText(self.tr("处理情况"))
        for t in (self.content, self.action):
            t.setTabChangesFocus(True)
            t.setFixedHeight(56)
        self.promise_box = QCheckBox(self.tr("承诺答复时间"))
        self.promise_at = QDateTimeEdit()
        self.promise_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.promise_at.setCalendarPopup(True)
        self.promise_at.setEnabled(False)
        self.save_btn = QPushButton(self.tr("保存（Enter）"))
        self.clear_btn = QPushButton(self.tr("清空（Esc）"))
        self.errors = QLabel()
        self.errors.setObjectName("call_errors")
        self.errors.setStyleSheet(ERROR_STYLE)
        self.errors.setWordWrap(True)
        self.timer_label = QLabel("00:00")
        self.timer_label.setObjectName("call_timer")
        self.timer_label.setMinimumWidth(90)
        self.timer_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.timer_label.setToolTip(self.tr("通话计时：8 分钟变黄，10 分钟变红（通话不宜超过十分钟）"))
        names = {"channel": self.channel, "room": self.room, "caller": self.caller,
                 "contact": self.contact, "declined": self.declined, "kind": self.kind,
                 "content": self.content, "action": self.action, "promise_box": self.promise_box,
                 "promise_at": self.promise_at, "save_call": self.save_btn}
        for n, w in names.items():
            w.setObjectName(n)

        g = QGridLayout(self.form_box)
        g.addWidget(QLabel(self.tr("方式")), 0, 0)
        g.addWidget(self.channel, 0, 1)
        g.addWidget(QLabel(self.tr("房号")), 0, 2)
        g.addWidget(self.room, 0, 3)
        g.addWidget(QLabel(self.tr("来电人")), 1, 0)
        g.addWidget(self.caller, 1, 1)
        g.addWidget(QLabel(self.tr("联系方式")), 1, 2)
        contact_row = QHBoxLayout()
        contact_row.addWidget(self.contact, 1)
        contact_row.addWidget(self.declined)
        g.addLayout(contact_row, 1, 3)
        g.addWidget(QLabel(self.tr("类别")), 2, 0)
        g.addWidget(self.kind, 2, 1)
        promise_row = QHBoxLayout()
        promise_row.addWidget(self.promise_box)
        promise_row.addWidget(self.promise_at, 1)
        g.addLayout(promise_row, 2, 3)
        g.addWidget(QLabel(self.tr("内容")), 3, 0)
        g.addWidget(self.content, 3, 1, 1, 3)
        g.addWidget(QLabel(self.tr("处理情况")), 4, 0)
        g.addWidget(self.action, 4, 1, 1, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.errors, 1)
        buttons.addWidget(self.clear_btn)
        buttons.addWidget(self.save_btn)
        g.addLayout(buttons, 5, 0, 1, 4)

        order = [self.channel, self.room, self.caller, self.contact, self.declined, self.kind,
                 self.content, self.action, self.promise_box, self.promise_at, self.save_btn]
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self._form_widgets = order
        for w in order:
            w.installEventFilter(self)
        self.caller.lineEdit().installEventFilter(self)

        self.room.textChanged.connect(self._on_room_changed)
        self.contact.textChanged.connect(lambda _t: self._card_debounce.start())
        self.declined.toggled.connect(self._on_declined_toggled)
        self.promise_box.toggled.connect(self.promise_at.setEnabled)
        self.caller.activated.connect(self._on_caller_activated)
        self.save_btn.clicked.connect(self.save)
        self.clear_btn.clicked.connect(self.clear_form)
        for sig in (self.room.textEdited, self.contact.textEdited, self.caller.editTextChanged,
                    self.content.textChanged, self.action.textChanged):
            sig.connect(self._on_typing)
        self.form_box.setEnabled(self.can_log)

    def _build_side(self) -> None:
        self.side = QWidget()
        sv = QVBoxLayout(self.side)
        sv.setContentsMargins(0, 0, 0, 0)
        self.card_box = QGroupBox(self.tr("来电人信息"))
        self.card_label = QLabel()
        self.card_label.setObjectName("caller_card")
        self.card_label.setWordWrap(True)
        self.card_label.setTextFormat(Qt.TextFormat.PlainText)
        self.card_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        cv = QVBoxLayout(self.card_box)
        cv.addWidget(self.card_label)
        sv.addWidget(self.card_box, 2)

        self.promise_group = QGroupBox(self.tr("承诺答复（黄：即将到期，红：已超时）"))
        self.promise_model: RowTableModel[PromiseRow] = RowTableModel(self.promise_columns(), self)
        self.promise_model.background = self._promise_color
        self.promise_table = QTableView()
        self.promise_table.setObjectName("promise_table")
        setup_table(self.promise_table)
        self.promise_table.setModel(self.promise_model)
        self.keep_note = QLineEdit()
        self.keep_note.setObjectName("keep_note")
        self.keep_note.setPlaceholderText(self.tr("答复内容"))
        self.keep_btn = QPushButton(self.tr("已答复"))
        self.keep_btn.setObjectName("keep_promise")
        pv = QVBoxLayout(self.promise_group)
        pv.addWidget(self.promise_table)
        ph = QHBoxLayout()
        ph.addWidget(self.keep_note, 1)
        ph.addWidget(self.keep_btn)
        pv.addLayout(ph)
        sv.addWidget(self.promise_group, 2)

        self.sugg_group = QGroupBox(self.tr("今日建议（主管处理）"))
        self.sugg_model: RowTableModel[CallRow] = RowTableModel(self.suggestion_columns(), self)
        self.sugg_table = QTableView()
        self.sugg_table.setObjectName("suggestion_table")
        setup_table(self.sugg_table)
        self.sugg_table.setModel(self.sugg_model)
        self.reason = QLineEdit()
        self.reason.setObjectName("suggestion_reason")
        self.reason.setPlaceholderText(self.tr("采纳或不采纳的理由（将回复给业主）"))
        self.adopt_btn = QPushButton(self.tr("采纳"))
        self.adopt_btn.setObjectName("adopt")
        self.reject_btn = QPushButton(self.tr("不采纳"))
        self.reject_btn.setObjectName("reject")
        gv = QVBoxLayout(self.sugg_group)
        gv.addWidget(self.sugg_table)
        gh = QHBoxLayout()
        gh.addWidget(self.reason, 1)
        gh.addWidget(self.adopt_btn)
        gh.addWidget(self.reject_btn)
        gv.addLayout(gh)
        self.sugg_group.setVisible(self.can_decide)
        sv.addWidget(self.sugg_group, 2)

        self.keep_btn.clicked.connect(self._on_keep)
        self.adopt_btn.clicked.connect(lambda: self._on_decide(True))
        self.reject_btn.clicked.connect(lambda: self._on_decide(False))
        self.promise_table.selectionModel().currentRowChanged.connect(lambda *_: self._sync_buttons())
        self.sugg_table.selectionModel().currentRowChanged.connect(lambda *_: self._sync_buttons())

    def _build_log(self) -> None:
        self.log_box = QWidget()
        lv = QVBoxLayout(self.log_box)
        lv.setContentsMargins(0, 0, 0, 0)
        self.f_from = QDateEdit()
        self.f_to = QDateEdit()
        for d in (self.f_from, self.f_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setMinimumDate(NO_DATE)
            d.setSpecialValueText(self.tr("不限"))
            d.setDate(NO_DATE)
        self.f_from.setObjectName("filter_from")
        self.f_to.setObjectName("filter_to")
        self.f_kind = QComboBox()
        self.f_kind.setObjectName("filter_kind")
        self.f_kind.addItem(self.tr("全部类别"), None)
        for code, text in KIND_LABELS.items():
            self.f_kind.addItem(label(text), code)
        self.f_room = QLineEdit()
        self.f_room.setObjectName("filter_room")
        self.f_room.setPlaceholderText(self.tr("房号"))
        self.f_clerk = QComboBox()
        self.f_clerk.setObjectName("filter_clerk")
        self.f_text = QLineEdit()
        self.f_text.setObjectName("filter_text")
        self.f_text.setPlaceholderText(self.tr("查找内容、姓名、电话"))
        self.f_text.setClearButtonEnabled(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("日期")))
        bar.addWidget(self.f_from)
        bar.addWidget(QLabel("—"))
        bar.addWidget(self.f_to)
        bar.addWidget(self.f_kind)
        bar.addWidget(self.f_room)
        bar.addWidget(self.f_clerk)
        bar.addWidget(self.f_text, 2)
        lv.addLayout(bar)
        self.model: RowTableModel[CallRow] = RowTableModel(self.log_columns(), self)
        self.table = QTableView()
        self.table.setObjectName("call_table")
        setup_table(self.table)
        self.table.setModel(self.model)
        lv.addWidget(self.table, 1)
        self.count_label = QLabel()
        self.complaint_btn = QPushButton(self.tr("转为投诉…"))
        self.complaint_btn.setObjectName("to_complaint")
        self.complaint_btn.setToolTip(self.tr("将“投诉”类记录转为投诉单，并互相关联"))
        self.complaint_btn.setVisible(self.can_complain)
        self.repair_btn = QPushButton(self.tr("转为维修派工单…"))
        self.repair_btn.setObjectName("to_repair")
        self.repair_btn.setToolTip(self.tr("将“报修”类记录转为维修派工单，并互相关联"))
        self.repair_btn.setVisible(self.can_repair)
        self.exports = ExportButtons(self.ctx, self.runner, self.table, lambda: self.tr("来电来访记录"),
                                     self.filter_text, self)
        foot = QHBoxLayout()
        foot.addWidget(self.count_label)
        foot.addStretch(1)
        foot.addWidget(self.complaint_btn)
        foot.addWidget(self.repair_btn)
        foot.addWidget(self.exports)
        lv.addLayout(foot)
        for d in (self.f_from, self.f_to):
            d.dateChanged.connect(lambda _d: self._filter_debounce.start())
        self.f_kind.currentIndexChanged.connect(lambda _i: self.refresh_log())
        self.f_clerk.currentIndexChanged.connect(lambda _i: self.refresh_log())
        self.f_room.textChanged.connect(lambda _t: self._filter_debounce.start())
        self.f_text.textChanged.connect(lambda _t: self._filter_debounce.start())
        self.complaint_btn.clicked.connect(self.to_complaint)
        self.repair_btn.clicked.connect(self.to_repair)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._sync_buttons())

    # ---------------------------------------------------------------- columns
    def log_columns(self) -> list[Column[CallRow]]:
        return [
            Column(self.tr("时间"), lambda r: fmt_local(r.at), value=lambda r: r.at, kind=ColKind.DATETIME),
            Column(self.tr("方式"), lambda r: label(r.channel_label)),
            Column(self.tr("类别"), lambda r: label(r.kind_label)),
            Column(self.tr("房号"), lambda r: r.room_code, kind=ColKind.CODE),
            Column(self.tr("来电人"), lambda r: r.caller_name),
            Column(self.tr("联系方式"), lambda r: self.tr("（不愿留下）") if r.declined_contact else r.contact,
                   kind=ColKind.CODE),
            Column(self.tr("内容"), lambda r: r.content, tooltip=lambda r: r.content),
            Column(self.tr("处理情况"), lambda r: r.action_taken, tooltip=lambda r: r.action_taken),
            Column(self.tr("接待人"), lambda r: r.taken_by_name),
            Column(self.tr("时长"), lambda r: self._duration(r.duration_seconds),
                   value=lambda r: r.duration_seconds, kind=ColKind.INT),
            Column(self.tr("跟进"), self._follow_up),
        ]

    def promise_columns(self) -> list[Column[PromiseRow]]:
        return [
            Column(self.tr("答复时间"), lambda p: fmt_local(p.due_at)),
            Column(self.tr("状态"), lambda p: label(p.status_label)),
            Column(self.tr("房号"), lambda p: p.room_code),
            Column(self.tr("来电人"), lambda p: p.caller_name),
            Column(self.tr("答复事项"), lambda p: p.what, tooltip=lambda p: p.what),
        ]

    def suggestion_columns(self) -> list[Column[CallRow]]:
        return [
            Column(self.tr("时间"), lambda r: fmt_local(r.at)),
            Column(self.tr("状态"), lambda r: label(r.suggestion_label)),
            Column(self.tr("房号"), lambda r: r.room_code),
            Column(self.tr("建议"), lambda r: r.content, tooltip=lambda r: r.content),
            Column(self.tr("理由"), lambda r: r.suggestion_reason),
        ]

    def _duration(self, seconds: int | None) -> str:
        if seconds is None:
            return ""
        return f"{seconds // 60}:{seconds % 60:02d}"

    def _follow_up(self, r: CallRow) -> str:
        if r.complaint_id is not None:
            return self.tr("已转投诉")
        if r.kind == CallKind.COMPLAINT:
            return self.tr("未转投诉")
        if r.repair_ref:
            return self.tr("已转维修 {serial}").format(serial=r.repair_ref)
        if r.kind == CallKind.REPAIR:
            return self.tr("未转维修")
        return label(r.suggestion_label) if r.suggestion_status else ""

    def _promise_color(self, p: PromiseRow) -> QColor | None:
        return {DueStatus.NEAR: AMBER, DueStatus.LATE: RED}.get(p.status)

    # ---------------------------------------------------------------- form keyboard
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            mods = event.modifiers()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Escape:
                self.clear_form()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                multi = isinstance(obj, QPlainTextEdit)
                popup = self.room.completer() is not None and self.room.completer().popup().isVisible()
                if popup and obj is self.room:
                    return False  # Enter picks the completion first
                if not multi or mods & Qt.KeyboardModifier.ControlModifier:
                    self.save()
                    return True
        return super().eventFilter(obj, event)

    def _on_typing(self, *_a: object) -> None:
        if self._started_at is None and self.can_log:
            self._started_at = time.monotonic()
            self._tick_timer.start()
            self._on_tick()

    def elapsed_seconds(self) -> int:
        return 0 if self._started_at is None else int(time.monotonic() - self._started_at)

    def _on_tick(self) -> None:
        s = self.elapsed_seconds()
        self.timer_label.setText(f"{s // 60:02d}:{s % 60:02d}")
        state = timer_state(s)
        self.timer_label.setProperty("state", state)
        self.timer_label.setStyleSheet(TIMER_STYLES[state] + " font-size: 16px; padding: 2px 8px;")

    def timer_state(self) -> str:
        return str(self.timer_label.property("state") or "normal")

    def _on_declined_toggled(self, on: bool) -> None:
        self.contact.setEnabled(not on)
        if on:
            self.contact.clear()

    def _on_room_changed(self, _text: str) -> None:
        self._card_debounce.start()

    def _on_caller_activated(self, index: int) -> None:
        pid = self.caller.itemData(index)
        if pid is None:
            return
        try:
            phone = self.ctx.query(calls.person_phone, pid)
        except AppError:
            return
        if phone and not self.declined.isChecked():
            self.contact.setText(phone)

    # ---------------------------------------------------------------- form data
    def form_data(self) -> CallData:
        name = self.caller.currentText().strip()
        idx = self.caller.findText(name) if name else -1
        person_id = self.caller.itemData(idx) if idx >= 0 else None
        due = _aware(self.promise_at.dateTime()) if self.promise_box.isChecked() else None
        return CallData(
            channel=self.channel.currentData(), kind=self.kind.currentData(),
            content=self.content.toPlainText(), action_taken=self.action.toPlainText(),
            room_code=self.room.text(), caller_name=name, contact=self.contact.text(),
            declined_contact=self.declined.isChecked(), person_id=person_id,
            duration_seconds=self.elapsed_seconds() if self._started_at is not None else None,
            promise_due=due)

    def save(self) -> CallRow | None:
        if not self.can_log:
            return None
        data = self.form_data()
        errors = calls.call_problems(data)
        if not errors:
            try:
                row = self.ctx.call(calls.log_call, data)
            except ValidationError as e:
                errors = e.errors or {"_": e.message}
            except AppError as e:
                dialogs.show_app_error(self, e)
                return None
            else:
                self.clear_form()
                self.bus.notify("call", "promise")
                self.last_saved = row
                return row
        self._show_errors(errors)
        return None

    last_saved: CallRow | None = None

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.errors.setText("；".join(errors.values()))
        where = {"room_code": self.room, "contact": self.contact, "content": self.content,
                 "caller_name": self.caller, "promise_due": self.promise_at, "kind": self.kind}
        for key in errors:
            if key in where:
                where[key].setFocus()
                break

    def clear_form(self) -> None:
        for w in (self.room, self.contact):
            w.blockSignals(True)
            w.clear()
            w.blockSignals(False)
        self.caller.blockSignals(True)
        self.caller.clear()
        self.caller.setEditText("")
        self.caller.blockSignals(False)
        self.declined.setChecked(False)
        self.contact.setEnabled(True)
        self.channel.setCurrentIndex(0)
        self.kind.setCurrentIndex(0)
        for t in (self.content, self.action):
            t.blockSignals(True)
            t.clear()
            t.blockSignals(False)
        self.promise_box.setChecked(False)
        self.promise_at.setDateTime(QDateTime.currentDateTime().addSecs(2 * 3600))
        self.errors.clear()
        self._started_at = None
        self._tick_timer.stop()
        self._on_tick()
        self._room_id = None
        self.show_card(None)
        self.channel.setFocus()

    # ---------------------------------------------------------------- caller card
    def update_card(self) -> None:
        self._card_debounce.stop()
        code = rooms.clean_room_code(self.room.text())
        phone = self.contact.text().strip()
        room_id = self.ctx.query(lambda s, _a: rooms.find_room_id(s, code)) if code else None
        if room_id != self._room_id:
            self._room_id = room_id
            self._fill_people(code if room_id is not None else "")
        if room_id is None and len(phone.replace("-", "")) < 7:
            self.show_card(None)
            return
        try:
            card = self.ctx.query(calls.caller_card, room_id=room_id,
                                  phone=phone if room_id is None else None)
        except AppError:
            return
        self.show_card(card)

    def _fill_people(self, code: str) -> None:
        typed = self.caller.currentText()
        self.caller.blockSignals(True)
        self.caller.clear()
        if code:
            for pid, name, phone in self.ctx.query(calls.room_people, code):
                self.caller.addItem(f"{name}", pid)
                self.caller.setItemData(self.caller.count() - 1, phone, Qt.ItemDataRole.ToolTipRole)
        self.caller.setEditText(typed)
        self.caller.blockSignals(False)

    def show_card(self, card: CallerCard | None) -> None:
        self.card = card
        if card is None or not card.found:
            self.card_label.setText(self.tr("输入房号或电话后显示该户信息。"))
            return
        lines = [f"{card.room_code}  {card.room_info}"]
        if card.matched_by == "phone":
            lines.append(self.tr("（按电话号码找到）"))
        people = "、".join(f"{o.person.name}（{label(o.relation_label)} {o.person.phone}）" for o in card.people)
        lines.append(self.tr("住户：{people}").format(people=people or self.tr("无登记")))
        if card.open_complaints:
            lines.append(self.tr("未结投诉：{items}").format(items="；".join(
                f"{c.serial} {c.category}" for c in card.open_complaints)))
        if card.open_repairs:
            lines.append(self.tr("未完工报修：{items}").format(items="；".join(
                self.tr("{serial} {category}（{state}）").format(
                    serial=r.serial, category=r.category, state=self._repair_state(r.state))
                for r in card.open_repairs)))
        if card.callbacks_due:
            lines.append(self.tr("待回访：{items}").format(items="；".join(
                f"{fmt_local(c.due_at)} {c.reason[:20]}" for c in card.callbacks_due)))
        if card.open_promises:
            lines.append(self.tr("待答复承诺：{items}").format(items="；".join(
                f"{fmt_local(p.due_at)} {p.what[:20]}" for p in card.open_promises)))
        if card.recent_calls:
            lines.append(self.tr("最近来电来访："))
            lines += [f"  {fmt_local(c.at)} {label(c.kind_label)} {c.content[:30]}" for c in card.recent_calls]
        self.card_label.setText("\n".join(lines))

    # ---------------------------------------------------------------- lists
    def query(self) -> CallQuery:
        def day(d: QDateEdit) -> date | None:
            return None if d.date() == NO_DATE else d.date().toPython()  # type: ignore[return-value]

        return CallQuery(text=self.f_text.text(), kind=self.f_kind.currentData(), room=self.f_room.text(),
                         clerk=self.f_clerk.currentData() or "", date_from=day(self.f_from),
                         date_to=day(self.f_to))

    def filter_text(self) -> str:
        q = self.query()
        parts = []
        if q.date_from or q.date_to:
            parts.append(self.tr("{a} 至 {b}").format(a=q.date_from or self.tr("不限"), b=q.date_to or self.tr("不限")))
        if q.kind:
            parts.append(self.f_kind.currentText())
        if q.room.strip():
            parts.append(self.tr("房号 {room}").format(room=q.room.strip()))
        if q.clerk:
            parts.append(self.tr("接待人 {name}").format(name=self.f_clerk.currentText()))
        if q.text.strip():
            parts.append(self.tr("查找“{text}”").format(text=q.text.strip()))
        return "，".join(parts) or self.tr("全部")

    def refresh(self) -> None:
        self.refresh_log()
        self.refresh_promises()
        self.refresh_suggestions()

    def refresh_log(self) -> None:
        self._filter_debounce.stop()
        q = self.query()

        def fetch(offset: int, limit: int) -> list[CallRow]:
            return self.ctx.query(calls.list_calls, replace(q, offset=offset, limit=limit))

        try:
            self.model.set_fetch(fetch)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        more = self.tr("，向下滚动加载更多") if self.model.canFetchMore() else ""
        self.count_label.setText(self.tr("显示 {n} 条{more}").format(n=self.model.rowCount(), more=more))
        fit_columns(self.table)
        self._sync_buttons()

    def refresh_promises(self) -> None:
        self.promise_model.set_rows(self.ctx.query(lambda s, _a: calls.promises_due(s)))
        self._sync_buttons()

    def refresh_suggestions(self) -> None:
        if not self.can_decide:
            return
        today = local_today()

        def load(s, _a):  # noqa: ANN001, ANN202
            rows = {r.id: r for r in calls.pending_suggestions(s)}
            rows.update({r.id: r for r in calls.suggestions_for_day(s, today)})
            return sorted(rows.values(), key=lambda r: (r.suggestion_status != "pending", r.at))

        self.sugg_model.set_rows(self.ctx.query(load))
        self._sync_buttons()

    def _reload_lookups(self) -> None:
        codes = self.ctx.query(lambda s, _a: rooms.room_codes(s))
        set_completer_codes(self.room, codes)
        set_completer_codes(self.f_room, codes)
        current = self.f_clerk.currentData()
        self.f_clerk.blockSignals(True)
        self.f_clerk.clear()
        self.f_clerk.addItem(self.tr("全部接待人"), None)
        for user, name in self.ctx.query(lambda s, _a: calls.clerks(s)):
            self.f_clerk.addItem(name, user)
        i = self.f_clerk.findData(current)
        self.f_clerk.setCurrentIndex(max(i, 0))
        self.f_clerk.blockSignals(False)

    def _current(self, view: QTableView, model: RowTableModel) -> object | None:  # type: ignore[type-arg]
        idx = view.currentIndex()
        return model.row_at(idx.row()) if idx.isValid() else None

    def current_call(self) -> CallRow | None:
        return self._current(self.table, self.model)  # type: ignore[return-value]

    def _sync_buttons(self) -> None:
        row = self.current_call()
        self.complaint_btn.setEnabled(row is not None and row.can_become_complaint)
        self.repair_btn.setEnabled(row is not None and row.can_become_repair and self.can_repair)
        p = self._current(self.promise_table, self.promise_model)
        self.keep_btn.setEnabled(p is not None)
        s = self._current(self.sugg_table, self.sugg_model)
        pending = s is not None and s.suggestion_status == "pending"  # type: ignore[attr-defined]
        self.adopt_btn.setEnabled(pending)
        self.reject_btn.setEnabled(pending)

    # ---------------------------------------------------------------- actions
    def _on_keep(self) -> None:
        p = self._current(self.promise_table, self.promise_model)
        if p is None:
            return
        try:
            self.ctx.call(calls.keep_promise, p.id, self.keep_note.text())  # type: ignore[attr-defined]
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.keep_note.clear()
        self.bus.notify("call", "promise")

    def _on_decide(self, adopted: bool) -> None:
        s = self._current(self.sugg_table, self.sugg_model)
        if s is None:
            return
        try:
            self.ctx.call(calls.decide_suggestion, s.id, adopted, self.reason.text())  # type: ignore[attr-defined]
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.reason.clear()
        self.bus.notify("call", "callback")

    def to_complaint(self) -> object | None:
        """转为投诉…: the intake dialog pre-filled from the line; the two are linked both ways."""
        from ui.complaint_dialogs import ComplaintDialog

        row = self.current_call()
        if row is None or not row.can_become_complaint or not self.can_complain:
            return None
        try:
            initial = self.ctx.query(calls.complaint_data_for_call, row.id)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return None
        made = ComplaintDialog.ask(self, self.ctx, initial)
        if made is None:
            return None
        try:
            self.ctx.call(calls.link_complaint, row.id, made.id)
        except AppError as e:
            dialogs.show_app_error(self, e)
        self.bus.notify("call", "complaint")
        return made

    def to_repair(self) -> object | None:
        """转为维修派工单…: the intake dialog pre-filled from a 报修 line; the service links the two both ways."""
        from ui.repair_dialogs import RepairDialog

        row = self.current_call()
        if row is None or not row.can_become_repair or not self.can_repair:
            return None
        try:
            initial = self.ctx.query(repairs.data_for_call, row.id)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return None
        made = RepairDialog.ask(self, self.ctx, initial)
        if made is None:
            return None
        self.bus.notify("call", "repair")
        return made

    @staticmethod
    def _repair_state(code: str) -> str:
        states = set(repairs.RepairState)
        return label(repairs.STATE_LABELS[repairs.RepairState(code)]) if code in states else code

    def _on_data_changed(self, entities: set[str]) -> None:
        if entities & REFRESH_ON:
            if entities & {"room", "roster", "person", "occupant"}:
                self._reload_lookups()
            self.refresh()
            if self.card is not None:
                self._card_debounce.start()

