"""走访回访: the due list (overdue red, due today amber), recording, yearly coverage and the monthly plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import callbacks
from app.callbacks import KIND_LABELS, STATE_LABELS, CallbackRow, CallbackState, DueQuery, RecordOutcome
from app.context import AppContext
from app.errors import AppError
from app.exports import ColKind
from app.monthly import Month
from app.roles import Perm
from app.timeutil import fmt_local
from ui import dialogs
from ui.bus import DataBus
from ui.callback_dialogs import AddToPlanDialog, CallbackDialog, PlanDialog, ReasonDialog
from ui.export import ExportButtons
from ui.labels import label
from ui.printing import SlipPrinter, print_slip
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, setup_table

OVERDUE = QColor("#f8d7da")
DUE_TODAY = QColor("#fff3cd")
CLOSED = QColor("#888888")


class CallbacksPanel(QWidget):
    def __init__(self, ctx: AppContext, bus: DataBus, parent: QWidget | None = None,
                 runner: Runner | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.bus = ctx, bus
        self.runner = runner or Runner(self)
        actor = ctx.actor
        assert actor is not None
        self.can_record = actor.can(Perm.DO_CALLBACKS)
        self.can_plan = actor.can(Perm.PLAN_CALLBACKS)
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.record_dialog: CallbackDialog | None = None
        self.last_outcome: RecordOutcome | None = None

        # ---- counts and coverage
        self.counts = QLabel()
        self.counts.setObjectName("callback_counts")
        self.counts.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.coverage_bar = QProgressBar()
        self.coverage_bar.setObjectName("coverage_bar")
        self.coverage_bar.setMinimumWidth(260)
        self.coverage_pace = QLabel()
        self.coverage_pace.setObjectName("coverage_pace")
        self.coverage_pace.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(self.counts)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("年度走访覆盖：")))
        top.addWidget(self.coverage_bar)
        top.addWidget(self.coverage_pace)

        # ---- filters
        self.kind = QComboBox()
        self.kind.addItem(self.tr("全部类型"), None)
        for code, text in KIND_LABELS.items():
            self.kind.addItem(label(text), code)
        self.state = QComboBox()
        self.state.addItem(label(STATE_LABELS[CallbackState.DUE]), CallbackState.DUE)
        self.state.addItem(label(STATE_LABELS[CallbackState.DONE]), CallbackState.DONE)
        self.state.addItem(label(STATE_LABELS[CallbackState.CANCELLED]), CallbackState.CANCELLED)
        self.state.addItem(self.tr("全部状态"), None)
        self.use_dates = QCheckBox(self.tr("应回访日期"))
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-30))
        self.date_to = QDateEdit(today.addDays(30))
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
        self.search = QLineEdit()
        self.search.setObjectName("callback_search")
        self.search.setPlaceholderText(self.tr("房号、姓名、电话或原因"))
        self.search.setClearButtonEnabled(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("查找：")))
        bar.addWidget(self.search, 2)
        bar.addWidget(self.kind)
        bar.addWidget(self.state)
        bar.addWidget(self.use_dates)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("—"))
        bar.addWidget(self.date_to)

        # ---- list
        self.model: RowTableModel[CallbackRow] = RowTableModel(self.columns(), self)
        self.model.background = self._background
        self.model.foreground = lambda r: CLOSED if r.state == CallbackState.CANCELLED else None
        self.table = QTableView()
        self.table.setObjectName("callback_table")
        setup_table(self.table)
        self.table.setModel(self.model)
        self.table.installEventFilter(self)

        # ---- actions
        self.record_btn = QPushButton(self.tr("记录回访…"))
        self.record_btn.setObjectName("record_callback")
        self.record_btn.setToolTip(self.tr("打开《业主回访记录单》（回车或双击）"))
        self.print_btn = QPushButton(self.tr("打印回访单…"))
        self.print_btn.setObjectName("print_callback")
        self.cancel_btn = QPushButton(self.tr("取消回访…"))
        self.survey_btn = QPushButton(self.tr("登记意见调查…"))
        self.survey_btn.setObjectName("record_survey")
        self.survey_btn.setToolTip(self.tr("录入业主的满意度评价；每项“不满意”都会生成回访"))
        self.plan_btn = QPushButton(self.tr("制定本月走访计划…"))
        self.plan_btn.setObjectName("plan_month")
        self.add_plan_btn = QPushButton(self.tr("加入走访计划…"))
        self.remove_plan_btn = QPushButton(self.tr("移出走访计划…"))
        self.record_btn.setVisible(self.can_record)
        self.survey_btn.setVisible(self.can_record)
        for b in (self.cancel_btn, self.plan_btn, self.add_plan_btn, self.remove_plan_btn):
            b.setVisible(self.can_plan)
        self.count_label = QLabel()
        self.exports = ExportButtons(ctx, self.runner, self.table, lambda: self.tr("走访回访"),
                                     self.filter_text, self)
        actions = QHBoxLayout()
        for b in (self.record_btn, self.print_btn, self.cancel_btn, self.survey_btn):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.plan_btn, self.add_plan_btn, self.remove_plan_btn):
            actions.addWidget(b)
        foot = QHBoxLayout()
        foot.addWidget(self.count_label)
        foot.addStretch(1)
        foot.addWidget(self.exports)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(bar)
        lay.addLayout(actions)
        lay.addWidget(self.table, 1)
        lay.addLayout(foot)

        # ---- wiring
        self._due_timer = QTimer(self)  # overdue turns red with the clock, not only on changes
        self._due_timer.setInterval(60_000)
        self._due_timer.timeout.connect(self.refresh)
        self._due_timer.start()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._on_search_return)
        for combo in (self.kind, self.state):
            combo.currentIndexChanged.connect(self.refresh)
        self.use_dates.toggled.connect(self._on_use_dates_toggled)
        self.date_from.dateChanged.connect(self._debounce.start)
        self.date_to.dateChanged.connect(self._debounce.start)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._sync_buttons())
        self.record_btn.clicked.connect(self.open_current)
        self.print_btn.clicked.connect(self.print_current)
        self.cancel_btn.clicked.connect(self._on_cancel)
        self.survey_btn.clicked.connect(self.open_survey)
        self.plan_btn.clicked.connect(self._on_plan)
        self.add_plan_btn.clicked.connect(self._on_add_to_plan)
        self.remove_plan_btn.clicked.connect(self._on_remove_from_plan)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        bus.data_changed.connect(self._on_data_changed)
        self.refresh()
        fit_columns(self.table)

    # ---------------------------------------------------------------- loading
    def query(self) -> DueQuery:
        state = self.state.currentData()
        dates = self.use_dates.isChecked()
        return DueQuery(kind=self.kind.currentData(), state=state, include_done=state is None,
                        date_from=_pydate(self.date_from.date()) if dates else None,
                        date_to=_pydate(self.date_to.date()) if dates else None,
                        text=self.search.text())

    def filter_text(self) -> str:
        parts = [self.state.currentText()]
        if self.kind.currentData() is not None:
            parts.append(self.kind.currentText())
        if self.use_dates.isChecked():
            parts.append(self.tr("应回访日期 {a} 至 {b}").format(
                a=self.date_from.date().toString("yyyy-MM-dd"), b=self.date_to.date().toString("yyyy-MM-dd")))
        if self.search.text().strip():
            parts.append(self.tr("查找“{text}”").format(text=self.search.text().strip()))
        return "，".join(parts)

    def refresh(self) -> None:
        self._debounce.stop()
        self._now = self.clock()
        q = self.query()
        selected = self.current()

        def fetch(offset: int, limit: int) -> list[CallbackRow]:
            return self.ctx.query(callbacks.due_list, replace(q, offset=offset, limit=limit))

        try:
            self.model.set_fetch(fetch)
            self._refresh_counts()
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        n = self.model.rowCount()
        more = self.tr("，向下滚动加载更多") if self.model.canFetchMore() else ""
        self.count_label.setText(self.tr("共 {n} 条{more}").format(n=n, more=more))
        row = 0
        if selected is not None:
            row = next((i for i, r in enumerate(self.model.rows()) if r.id == selected.id), 0)
        if n:
            self.table.selectRow(row)
        self._sync_buttons()

    def _refresh_counts(self) -> None:
        now = self._now
        counts = self.ctx.query(lambda s, _a: callbacks.due_counts(s, now))
        kinds = "　".join(f"{label(KIND_LABELS[k])} {n}" for k, n in counts.by_kind.items() if n)
        self.counts.setText(self.tr("今日到期 {today}　逾期 {overdue}　待回访共 {open}").format(
            today=counts.due_today, overdue=counts.overdue, open=counts.open)
            + (f"（{kinds}）" if kinds else ""))
        year = now.astimezone().year
        cov = self.ctx.query(lambda s, _a: callbacks.coverage(s, year, now=now))
        self.coverage = cov
        self.coverage_bar.setRange(0, max(cov.households, 1))
        self.coverage_bar.setValue(min(cov.visited, max(cov.households, 1)))
        self.coverage_bar.setFormat(self.tr("{visited}/{households} 户（{share:.1f}%），目标 {target:.0f}%").format(
            visited=cov.visited, households=cov.households, share=100 * cov.share, target=100 * cov.target))
        ok = cov.share >= cov.target
        self.coverage_bar.setStyleSheet(
            "QProgressBar::chunk { background: %s; }" % ("#2e8b57" if ok else "#d98c1f"))
        if cov.remaining:
            self.coverage_pace.setText(self.tr("还需 {n} 户，每月约 {per} 户").format(
                n=cov.remaining, per=cov.needed_per_month))
        else:
            self.coverage_pace.setText(self.tr("已达到年度目标"))

    def current(self) -> CallbackRow | None:
        idx = self.table.currentIndex()
        return self.model.row_at(idx.row()) if idx.isValid() else None

    def _background(self, r: CallbackRow) -> QColor | None:
        if r.overdue(self._now):
            return OVERDUE
        if r.due_today(self._now):
            return DUE_TODAY
        return None

    def _sync_buttons(self) -> None:
        r = self.current()
        actor = self.ctx.actor
        assert actor is not None
        due = r is not None and r.state == CallbackState.DUE
        self.record_btn.setEnabled(r is not None and callbacks.can("record", r.state, actor))
        self.cancel_btn.setEnabled(r is not None and callbacks.can("cancel", r.state, actor))
        self.print_btn.setEnabled(r is not None and r.state != CallbackState.CANCELLED)
        self.remove_plan_btn.setEnabled(due and r is not None and r.source == callbacks.SOURCE_PLAN)

    # ---------------------------------------------------------------- actions
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_current()
            return True
        return super().eventFilter(obj, event)

    def open_current(self) -> CallbackDialog | None:
        """Open 《业主回访记录单》 for the selected due callback (window-modal, not blocking)."""
        r = self.current()
        actor = self.ctx.actor
        if r is None or actor is None or not callbacks.can("record", r.state, actor):
            return None
        try:
            dlg = CallbackDialog(self.ctx, r.id, self)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return None
        dlg.accepted.connect(lambda: self._on_recorded(dlg))
        dlg.finished.connect(lambda _r: self.table.setFocus())
        self.record_dialog = dlg
        dlg.open()
        return dlg

    def _on_recorded(self, dlg: CallbackDialog) -> None:
        out: RecordOutcome = dlg.result_value
        self.last_outcome = out
        if out.complaint_id is not None:
            self.bus.notify("callback", "complaint")
        else:
            self.bus.notify("callback")
        win = self.window()
        bar = getattr(win, "statusBar", None)
        if callable(bar):
            msg = self.tr("已记录回访")
            if out.follow_up is not None:
                msg = self.tr("已记录回访；业主不满意，已新建加急回访（{when} 前）").format(
                    when=fmt_local(out.follow_up.due_at))
            bar().showMessage(msg, 10_000)

    def print_current(self) -> SlipPrinter | None:
        r = self.current()
        if r is None:
            return None
        return print_slip(self, self.ctx, self.runner, callbacks.callback_slip, "callback", r.id)

    def open_survey(self) -> None:
        from ui.callback_dialogs import SurveyDialog

        dlg = SurveyDialog(self.ctx, self)
        if dlg.exec():
            made = dlg.result_value or []
            if made:
                dialogs.info(self, self.tr("登记意见调查"),
                             self.tr("有 {n} 项“不满意”，已生成紧急回访。").format(n=len(made)))
            self.bus.notify("callback")

    def _on_cancel(self) -> None:
        r = self.current()
        if r is None:
            return
        dlg = ReasonDialog(self.tr("取消回访"), self.tr("取消原因"), self)
        if dlg.exec():
            self._write(callbacks.cancel_callback, r.id, dlg.result_value)

    def _on_remove_from_plan(self) -> None:
        r = self.current()
        if r is None:
            return
        dlg = ReasonDialog(self.tr("移出走访计划"), self.tr("移出原因"), self)
        if dlg.exec():
            self._write(callbacks.remove_from_plan, r.id, dlg.result_value)

    def _on_plan(self) -> None:
        dlg = PlanDialog(self.ctx, Month.of(self._month_day()), self)
        if dlg.exec():
            self.bus.notify("callback")

    def _on_add_to_plan(self) -> None:
        if AddToPlanDialog(self.ctx, Month.of(self._month_day()), self).exec():
            self.bus.notify("callback")

    def _month_day(self) -> date:
        return self.clock().astimezone().date()

    def _write(self, fn: Callable[..., object], *args: object) -> None:
        try:
            self.ctx.call(fn, *args)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.bus.notify("callback")

    def _on_search_return(self) -> None:
        self.refresh()
        if self.model.rowCount():
            self.table.selectRow(0)
            self.table.setFocus()

    def _on_use_dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.refresh()

    def _on_data_changed(self, entities: set[str]) -> None:
        if entities & {"callback", "complaint"}:
            self.refresh()

    # ---------------------------------------------------------------- columns
    def columns(self) -> list[Column[CallbackRow]]:
        return [
            Column(self.tr("应回访时间"), lambda r: fmt_local(r.due_at), sort_key=lambda r: r.due_at,
                   kind=ColKind.DATETIME, value=lambda r: r.due_at),
            Column(self.tr("类型"), lambda r: label(r.kind_label)),
            Column(self.tr("房号"), lambda r: r.room_code, kind=ColKind.CODE),
            Column(self.tr("业主/住户"), lambda r: r.person_name),
            Column(self.tr("电话"), lambda r: r.contact, kind=ColKind.CODE),
            Column(self.tr("回访原因"), lambda r: r.reason, tooltip=lambda r: r.reason),
            Column(self.tr("状态"), lambda r: self._state_text(r)),
            Column(self.tr("回访人"), lambda r: r.done_by),
            Column(self.tr("满意度"), lambda r: label(r.satisfaction_label) if r.satisfaction else ""),
        ]

    def _state_text(self, r: CallbackRow) -> str:
        text = label(r.state_label)
        if r.overdue(self._now):
            text = self.tr("逾期")
        elif r.due_today(self._now):
            text = self.tr("今日到期")
        return text + (self.tr("（加急）") if r.urgent and r.state == CallbackState.DUE else "")

    _now: datetime = datetime.min.replace(tzinfo=UTC)


def _pydate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())
