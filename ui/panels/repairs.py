"""报修: the dispatch board — filters and state chips, the paged list (late in red), each engineer's
load today, an order's card with its timeline, links and the workflow buttons, slips and the QR lookup."""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import callbacks, repairs, rooms
from app.context import AppContext
from app.errors import AppError
from app.exports import ColKind
from app.repairs import (
    ACTION_LABELS,
    STATE_LABELS,
    URGENCY_LABELS,
    Action,
    EngineerLoad,
    RepairData,
    RepairDetail,
    RepairEventRow,
    RepairQuery,
    RepairRow,
    RepairState,
    can,
)
from app.roles import Perm
from app.timeutil import fmt_local
from ui import dialogs
from ui.bus import DataBus
from ui.export import ExportButtons
from ui.labels import label
from ui.printing import SlipPrinter, print_slip
from ui.repair_dialogs import RepairActionDialog, RepairDialog, duration_text, sorted_engineers
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, list_and_card, set_completer_codes, setup_table

LATE = QColor("#c0392b")
DONE = QColor("#888888")
URGENT = QColor("#b9770e")
# The buttons, in the order of the procedure (§六). 已回访 is not a button: it is set when the
# repair's callback is recorded in 走访回访, so the callback is never skipped.
BUTTON_ACTIONS = [Action.DISPATCH, Action.ARRIVE, Action.QUOTE, Action.ACCEPT_FEE, Action.COMPLETE,
                  Action.ARCHIVE, Action.SEND_BACK, Action.TRANSFER, Action.CANCEL, Action.REOPEN]
REFRESH_ON = {"repair", "callback", "call", "staff"}
LOOKUPS_ON = {"staff", "settings", "room", "roster"}


class RepairsPanel(QWidget):
    def __init__(self, ctx: AppContext, bus: DataBus, parent: QWidget | None = None,
                 runner: Runner | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.bus = ctx, bus
        self.runner = runner or Runner(self)
        self.detail: RepairDetail | None = None
        actor = ctx.actor
        assert actor is not None
        self.actor = actor
        self.can_reveal = actor.can(Perm.REVEAL_PHONE)
        self.can_handle = actor.can(Perm.HANDLE_REPAIRS)
        self.engineer_loads: list[EngineerLoad] = []
        self.last_printer: SlipPrinter | None = None

        # ---- filter bar
        self.search = QLineEdit()
        self.search.setObjectName("repair_search")
        self.search.setPlaceholderText(self.tr("编号（可扫码）、房号、报修人、电话或内容"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("扫描派工单上的二维码或输入编号后按 Enter，直接打开该单"))
        self.room = QLineEdit()
        self.room.setObjectName("repair_room")
        self.room.setPlaceholderText(self.tr("房号/区域"))
        self.room.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.setObjectName("repair_category")
        self.urgency = QComboBox()
        self.urgency.setObjectName("repair_urgency")
        self.urgency.addItem(self.tr("全部紧急程度"), None)
        for code, text in URGENCY_LABELS.items():
            self.urgency.addItem(label(text), code)
        self.engineer = QComboBox()
        self.engineer.setObjectName("repair_engineer")
        self.use_dates = QCheckBox(self.tr("报修日期"))
        self.use_dates.setObjectName("repair_use_dates")
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addMonths(-1))
        self.date_to = QDateEdit(today)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
        self.late_only = QCheckBox(self.tr("只看超时"))
        self.late_only.setObjectName("late_only")
        self.reveal = QCheckBox(self.tr("显示完整电话"))
        self.reveal.setVisible(self.can_reveal)
        self.new_btn = QPushButton(self.tr("新建报修…"))
        self.new_btn.setObjectName("new_repair")
        self.new_btn.setToolTip(self.tr("Ctrl+N"))
        self.new_btn.setVisible(self.can_handle)
        self.batch_btn = QPushButton(self.tr("批量打印…"))
        self.batch_btn.setObjectName("batch_print")
        self.batch_btn.setToolTip(self.tr("一次打印某段时间内签收的全部派工单"))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("查找：")))
        bar.addWidget(self.search, 3)
        bar.addWidget(self.room, 1)
        bar.addWidget(self.category)
        bar.addWidget(self.urgency)
        bar.addWidget(self.engineer)
        bar.addWidget(self.use_dates)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("—"))
        bar.addWidget(self.date_to)

        # ---- state chips with counts, the other switches and the buttons
        self.chips = QButtonGroup(self)
        self.chips.setExclusive(True)
        chip_bar = QHBoxLayout()
        self.chip_buttons: dict[RepairState | None, QToolButton] = {}
        for state in [None, *RepairState]:
            b = QToolButton()
            b.setCheckable(True)
            b.setObjectName(f"chip_{state or 'all'}")
            b.setProperty("state", state)
            self.chips.addButton(b)
            chip_bar.addWidget(b)
            self.chip_buttons[state] = b
        self.chip_buttons[None].setChecked(True)
        chip_bar.addSpacing(12)
        chip_bar.addWidget(self.late_only)
        chip_bar.addWidget(self.reveal)
        chip_bar.addStretch(1)
        chip_bar.addWidget(self.new_btn)
        chip_bar.addWidget(self.batch_btn)

        # ---- each engineer's load today
        self.load_label = QLabel()
        self.load_label.setObjectName("engineer_loads")
        self.load_label.setWordWrap(True)
        self.load_label.setStyleSheet("color: #1a5276;")

        # ---- list
        self.model: RowTableModel[RepairRow] = RowTableModel(self.columns(), self)
        self.model.foreground = self._row_color
        self.table = QTableView()
        self.table.setObjectName("repair_table")
        setup_table(self.table)
        self.table.setModel(self.model)
        self.count_label = QLabel()
        self.exports = ExportButtons(ctx, self.runner, self.table, lambda: self.tr("维修派工单"),
                                     self.filter_text, self)
        foot = QHBoxLayout()
        foot.addWidget(self.count_label)
        foot.addStretch(1)
        foot.addWidget(self.exports)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.table)
        lv.addLayout(foot)

        # ---- card
        self.card = QGroupBox(self.tr("维修派工单"))
        self.card_title = QLabel()
        self.card_title.setObjectName("card_title")
        self.card_title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.card_info = QLabel()
        self.card_info.setObjectName("card_info")
        self.card_info.setWordWrap(True)
        self.card_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.card_flags = QLabel()
        self.card_flags.setObjectName("card_flags")
        self.card_flags.setWordWrap(True)
        self.card_flags.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.card_links = QLabel()
        self.card_links.setObjectName("card_links")
        self.card_links.setWordWrap(True)
        self.card_links.setTextFormat(Qt.TextFormat.RichText)
        self.card_links.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.card_links.setOpenExternalLinks(False)
        self.card_links.linkActivated.connect(self._on_link)
        self.timeline_model: RowTableModel[RepairEventRow] = RowTableModel(self.timeline_columns(), self)
        self.timeline = QTableView()
        self.timeline.setObjectName("timeline")
        setup_table(self.timeline)
        self.timeline.setModel(self.timeline_model)
        self.action_buttons: dict[Action, QPushButton] = {}
        grid = QGridLayout()
        for i, action in enumerate(BUTTON_ACTIONS):
            b = QPushButton(label(ACTION_LABELS[action]))
            b.setObjectName(f"act_{action}")
            # Roles without the permission do not see the button (decisions.md).
            b.setVisible(actor.can(repairs.TRANSITIONS[action][2]))
            b.clicked.connect(lambda _c=False, a=action: self.run_action(a))
            grid.addWidget(b, i // 5, i % 5)
            self.action_buttons[action] = b
        self.two_copies = QCheckBox(self.tr("两联（A4）"))
        self.two_copies.setObjectName("two_copies")
        self.two_copies.setToolTip(self.tr("客服中心联和维修人员联印在一张 A4 纸上"))
        self.print_btn = QPushButton(self.tr("打印派工单…"))
        self.print_btn.setObjectName("print_slip")
        self.edit_btn = QPushButton(self.tr("修改…"))
        self.edit_btn.setObjectName("edit_order")
        self.edit_btn.setToolTip(self.tr("修改未完工派工单的报修信息（房号、电话、类别、紧急程度、收费等）"))
        self.edit_btn.setVisible(actor.can(Perm.HANDLE_REPAIRS))
        # The card sits under the board (every column of the board stays in sight): what the order
        # is and its buttons on the left, its full timeline on the right.
        facts = QWidget()
        fv = QVBoxLayout(facts)
        fv.setContentsMargins(0, 0, 0, 0)
        fv.addWidget(self.card_title)
        fv.addWidget(self.card_info)
        fv.addWidget(self.card_flags)
        fv.addWidget(self.card_links)
        fv.addStretch(1)
        scroll = QScrollArea()  # a long card scrolls; it never squeezes the board
        scroll.setWidget(facts)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        info = QVBoxLayout()
        info.addWidget(scroll, 1)
        info.addLayout(grid)
        pr = QHBoxLayout()
        pr.addWidget(self.edit_btn)
        pr.addStretch(1)
        pr.addWidget(self.two_copies)
        pr.addWidget(self.print_btn)
        info.addLayout(pr)
        steps = QVBoxLayout()
        steps.addWidget(QLabel(self.tr("处理经过")))
        steps.addWidget(self.timeline, 1)
        cv = QHBoxLayout(self.card)
        cv.addLayout(info, 4)
        cv.addLayout(steps, 5)
        split, self.empty_card = list_and_card(left, self.card, self.tr("在上方选择一张派工单，查看处理经过。"),
                                               sizes=(330, 330))
        split.setOrientation(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addLayout(chip_bar)
        lay.addWidget(self.load_label)
        lay.addWidget(split, 1)

        # ---- wiring
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.on_search_enter)
        self.room.textChanged.connect(self._debounce.start)
        self.category.currentIndexChanged.connect(lambda *_: self.refresh())
        self.urgency.currentIndexChanged.connect(lambda *_: self.refresh())
        self.engineer.currentIndexChanged.connect(lambda *_: self.refresh())
        self.use_dates.toggled.connect(self._on_use_dates_toggled)
        self.date_from.dateChanged.connect(self._debounce.start)
        self.date_to.dateChanged.connect(self._debounce.start)
        self.late_only.toggled.connect(lambda *_: self.refresh())
        self.reveal.toggled.connect(lambda *_: self.refresh())
        self.chips.buttonClicked.connect(lambda _b: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current)
        self.new_btn.clicked.connect(lambda: self.new_repair())
        self.batch_btn.clicked.connect(self.batch_print)
        self.print_btn.clicked.connect(self.print_order)
        self.edit_btn.clicked.connect(self.edit_order)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self._focus_search)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_repair)
        bus.data_changed.connect(self._on_data_changed)
        self._fitted = False
        self._revealed: set[int] = set()
        self._counts_query: RepairQuery | None = None
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(40)  # after the list has been painted
        self._counts_timer.timeout.connect(self.fill_counts)
        self._reload_lookups()
        self.refresh()

    # ---------------------------------------------------------------- lookups
    def _reload_lookups(self) -> None:
        """Categories, engineers and room codes for the filters (kept as picked)."""
        try:
            with self.ctx.read() as s:
                cats = repairs.categories(s)
                codes = rooms.room_codes(s)
            self.engineer_loads = sorted_engineers(self.ctx.query(repairs.engineers))
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        set_completer_codes(self.room, codes)
        self._refill(self.category, self.tr("全部类别"), "", [(c, c) for c in cats])
        names = sorted(self.engineer_loads, key=lambda e: (e.name, e.staff_id))
        self._refill(self.engineer, self.tr("全部维修人员"), None, [(e.name, e.staff_id) for e in names])
        self._show_loads()

    @staticmethod
    def _refill(box: QComboBox, all_text: str, all_value: object, items: list[tuple[str, object]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(all_text, all_value)
        for text, value in items:
            box.addItem(text, value)
        i = box.findData(current)
        box.setCurrentIndex(max(i, 0))
        box.blockSignals(False)

    def _show_loads(self) -> None:
        if not self.engineer_loads:
            self.load_label.setText(self.tr("工程部今日：尚未登记工程部人员（设置 → 员工）"))
            return
        parts = [self.tr("{name} 在手 {open} · 今日 {today}").format(
            name=e.name, open=e.open_orders, today=e.dispatched_today) for e in self.engineer_loads]
        self.load_label.setText(self.tr("工程部今日：{items}").format(items="；".join(parts)))

    # ---------------------------------------------------------------- loading
    def state_filter(self) -> RepairState | None:
        b = self.chips.checkedButton()
        return b.property("state") if b is not None else None

    def query(self) -> RepairQuery:
        dates = self.use_dates.isChecked()
        return RepairQuery(
            text=self.search.text(), state=self.state_filter(), category=self.category.currentData() or "",
            engineer_id=self.engineer.currentData(), urgency=self.urgency.currentData(),
            room_code=self.room.text(),
            date_from=self.date_from.date().toPython() if dates else None,  # type: ignore[arg-type]
            date_to=self.date_to.date().toPython() if dates else None,  # type: ignore[arg-type]
            late_only=self.late_only.isChecked(), reveal=self.reveal.isChecked() and self.can_reveal)

    def filter_text(self) -> str:
        parts = []
        if self.search.text().strip():
            parts.append(self.tr("查找“{text}”").format(text=self.search.text().strip()))
        if (state := self.state_filter()) is not None:
            parts.append(label(STATE_LABELS[state]))
        if self.room.text().strip():
            parts.append(self.tr("房号 {room}").format(room=self.room.text().strip()))
        for box in (self.category, self.urgency, self.engineer):
            if box.currentIndex() > 0:
                parts.append(box.currentText())
        if self.use_dates.isChecked():
            parts.append(self.tr("报修日期 {a} 至 {b}").format(
                a=self.date_from.date().toString("yyyy-MM-dd"), b=self.date_to.date().toString("yyyy-MM-dd")))
        if self.late_only.isChecked():
            parts.append(self.tr("只看超时"))
        return "，".join(parts) or self.tr("全部派工单")

    def refresh(self, loads: bool = False) -> None:
        """Reload the list and the chips; `loads` also re-reads the engineers' loads (after a change)."""
        self._debounce.stop()
        q = self.query()
        selected = self.detail.row.id if self.detail else None

        def fetch(offset: int, limit: int) -> list[RepairRow]:
            return self.ctx.query(repairs.search_orders, replace(q, offset=offset, limit=limit))

        try:
            self.model.set_fetch(fetch)
            if loads:
                self.engineer_loads = sorted_engineers(self.ctx.query(repairs.engineers))
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self._show_loads()
        # The list first; the chip counts right after (on 200,000 orders some counts look at every
        # order, and the clerk should not wait for them to see the list; docs/performance.md).
        self._counts_query = q
        self._counts_timer.start()
        n = self.model.rowCount()
        if n and not self._fitted:  # once, on the first rows: later the clerk's own widths stay
            fit_columns(self.table, minimum=48, maximum=260)
            self._fitted = True
        more = self.tr("，向下滚动加载更多") if self.model.canFetchMore() else ""
        late = sum(1 for r in self.model.rows() if r.is_late)
        late_text = self.tr("，其中超时 {n} 条（红色）").format(n=late) if late and not more else ""
        self.count_label.setText(self.tr("共 {n} 条{late}{more}").format(n=n, late=late_text, more=more))
        if selected is not None:
            self.detail = None
            if self._select_row(selected):  # shows the card again through the table's signal
                if self.detail is None:
                    self.show_order(selected)
                return
        self.show_order(None)

    def fill_counts(self) -> None:
        """The state chips' counts under the current filters (run just after the list is shown)."""
        self._counts_timer.stop()
        q = self._counts_query if self._counts_query is not None else self.query()
        try:
            counts = self.ctx.query(repairs.state_counts, q)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.chip_buttons[None].setText(self.tr("全部 {n}").format(n=sum(counts.values())))
        for state, n in counts.items():
            self.chip_buttons[state].setText(self.tr("{label} {n}").format(label=label(STATE_LABELS[state]), n=n))

    def _select_row(self, order_id: int) -> bool:
        for i, r in enumerate(self.model.rows()):
            if r.id == order_id:
                self.table.selectRow(i)
                self.table.scrollTo(self.model.index(i, 0))
                return True
        return False

    def show_order(self, order_id: int | None) -> None:
        if order_id is None:
            self.detail = None
            self.card.hide()
            self.empty_card.show()
            return
        reveal = self.reveal.isChecked() and self.can_reveal
        first = reveal and order_id not in self._revealed  # one audit entry per order and screen
        try:
            self.detail = self.ctx.call(repairs.order_detail, order_id, reveal=reveal, audit_reveal=first,
                                        write=first)
            if first:
                self._revealed.add(order_id)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        d = self.detail
        r = d.row
        self.card_title.setText(self.tr("{serial}  {state}").format(serial=r.serial, state=label(r.state_label)))
        lines = [
            self.tr("{when} {channel}报修 · {place} · {who} {contact}").format(
                when=fmt_local(r.reported_at), channel=label(r.channel_label), place=r.place or "—",
                who=r.reporter, contact=r.contact),
            self.tr("类别：{category} · {urgency} · {paid}").format(
                category=r.category, urgency=label(r.urgency_label), paid=label(r.paid_label))
            + (self.tr(" · 预约：{when}").format(when=r.preferred_time) if r.preferred_time else ""),
            r.content,
        ]
        if r.engineer_name:
            lines.append(self.tr("维修人员：{name}（{when} 签收）").format(
                name=r.engineer_name, when=fmt_local(r.dispatched_at)))
        if r.arrived_at is not None:
            lines.append(self.tr("到场：{when}（响应 {minutes}）").format(
                when=fmt_local(r.arrived_at), minutes=duration_text(r.response_minutes)))
        if r.plan:
            lines.append(self.tr("维修方案：{plan}").format(plan=r.plan))
        if r.quote_amount is not None:
            fee = self.tr("报价：{amount}").format(amount=r.amount_text)
            if r.quote_note:
                fee += self.tr("（{note}）").format(note=r.quote_note)
            if r.fee_accepted:
                fee += self.tr("，{who} {when} 签字确认").format(who=r.fee_accepted_by,
                                                           when=fmt_local(r.fee_accepted_at))
            else:
                fee += self.tr("，业主尚未确认")
            lines.append(fee)
        if r.completed_at is not None:
            lines.append(self.tr("完工：{when}（用时 {minutes}）；维修情况：{work}").format(
                when=fmt_local(r.completed_at), minutes=duration_text(r.completion_minutes), work=r.work_done))
            lines.append(self.tr("验收：{who} · {rating}").format(who=r.owner_signed_by,
                                                              rating=label(r.rating_label))
                         + (self.tr(" · 意见：{text}").format(text=r.owner_comment) if r.owner_comment else ""))
        if r.cancelled_at is not None:
            lines.append(self.tr("已于 {when} 取消：{reason}").format(when=fmt_local(r.cancelled_at),
                                                                 reason=r.cancel_reason))
        self.card_info.setText("\n".join(lines))
        flags = []
        if r.late_response:
            flags.append(self.tr("到场超时") if r.arrived_at is not None else self.tr("超时未到场"))
        if r.late_completion:
            flags.append(self.tr("完工超时") if r.completed_at is not None else self.tr("超时未完工"))
        if r.paid and r.quote_amount is not None and not r.fee_accepted and r.is_open:
            flags.append(self.tr("费用待业主签字确认"))
        self.card_flags.setText("  ".join(flags))
        self.card_flags.setVisible(bool(flags))
        self.card_links.setText(self._links_html(d))
        self.card_links.setVisible(bool(self.card_links.text()))
        self.timeline_model.set_rows(d.events)
        fit_columns(self.timeline, minimum=48, maximum=300)
        self.empty_card.hide()
        self.card.show()
        self._sync_buttons()

    def _links_html(self, d: RepairDetail) -> str:
        def esc(t: str) -> str:
            return html.escape(t, quote=False)

        lines = []
        if d.call is not None:
            lines.append(esc(self.tr("来源来电：{when} {who}：{content}").format(
                when=fmt_local(d.call.at), who=d.call.caller_name, content=d.call.content[:60])))
        for cb in d.callbacks:
            state = label(callbacks.STATE_LABELS.get(callbacks.CallbackState(cb.state), cb.state)) \
                if cb.state in set(callbacks.CallbackState) else cb.state
            text = self.tr("回访：{state}，{when} 前").format(state=state, when=fmt_local(cb.due_at))
            if cb.urgent:
                text += self.tr("（紧急）")
            if cb.satisfaction:
                sat = callbacks.SATISFACTION_LABELS.get(callbacks.Satisfaction(cb.satisfaction), cb.satisfaction) \
                    if cb.satisfaction in set(callbacks.Satisfaction) else cb.satisfaction
                text += self.tr("，业主{sat}").format(sat=label(sat))
            lines.append(esc(text))
        if d.follow_up_of is not None:
            p = d.follow_up_of
            lines.append(esc(self.tr("本单是返修单，原单：")) + f'<a href="order:{p.id}">{esc(p.serial)}</a>'
                         + esc(self.tr("（{state}）").format(state=label(p.state_label))))
        if d.follow_ups:
            links = "、".join(f'<a href="order:{f.id}">{esc(f.serial)}</a>'
                             + esc(self.tr("（{state}）").format(state=label(f.state_label))) for f in d.follow_ups)
            lines.append(esc(self.tr("返修单：")) + links)
        return "<br>".join(lines)

    def _sync_buttons(self) -> None:
        d = self.detail
        r = d.row if d else None
        for action, b in self.action_buttons.items():
            ok = r is not None and can(action, r.state, self.actor)
            if action == Action.REOPEN:
                ok = ok and d is not None and d.can_reopen
            if action == Action.ARCHIVE:  # after the callback, or when it was cancelled
                ok = ok and d is not None and d.can_archive
            b.setEnabled(ok)
        self.print_btn.setEnabled(r is not None)
        self.edit_btn.setEnabled(r is not None and r.is_open)

    def _row_color(self, r: RepairRow) -> QColor | None:
        if r.is_late:
            return LATE
        if r.state in (RepairState.ARCHIVED, RepairState.CANCELLED):
            return DONE
        return None

    # ---------------------------------------------------------------- finding one order
    def on_search_enter(self) -> int | None:
        """Enter in the search field (a USB scanner types the slip's QR code and Enter): open that order."""
        self._debounce.stop()
        text = self.search.text().strip()
        order_id = None
        if text:
            try:
                order_id = self.ctx.query(repairs.find_by_serial, text)
            except AppError as e:
                dialogs.show_app_error(self, e)
                return None
        self.refresh()  # the list follows the typed text first
        if order_id is None:
            return None
        self.open_order(order_id)
        self.search.selectAll()  # the next scan replaces it
        return order_id

    def open_order(self, order_id: int) -> None:
        """Select and show an order, clearing the filters that hide it (a scanned slip, a linked order)."""
        if not self._select_row(order_id):
            try:
                serial = self.ctx.query(repairs.order_detail, order_id).row.serial
            except AppError as e:
                dialogs.show_app_error(self, e)
                return
            self._clear_filters(serial)
            self.refresh()
            self._select_row(order_id)
        if self.detail is None or self.detail.row.id != order_id:
            self.show_order(order_id)

    def _clear_filters(self, text: str) -> None:
        widgets = (self.search, self.room, self.category, self.urgency, self.engineer, self.use_dates,
                   self.late_only, self.date_from, self.date_to)
        for w in widgets:
            w.blockSignals(True)
        self.search.setText(text)
        self.room.clear()
        for box in (self.category, self.urgency, self.engineer):
            box.setCurrentIndex(0)
        self.use_dates.setChecked(False)
        self.date_from.setEnabled(False)
        self.date_to.setEnabled(False)
        self.late_only.setChecked(False)
        self.chip_buttons[None].setChecked(True)
        for w in widgets:
            w.blockSignals(False)
        self._debounce.stop()

    def _on_link(self, href: str) -> None:
        if href.startswith("order:"):
            self.open_order(int(href.split(":", 1)[1]))

    # ---------------------------------------------------------------- actions
    def new_repair(self, initial: RepairData | None = None) -> RepairRow | None:
        if not self.can_handle:
            return None
        row = RepairDialog.ask(self, self.ctx, initial)
        if row is not None:
            self._select_after_write(row.id)
        return row

    def run_action(self, action: Action) -> RepairRow | None:
        if self.detail is None:
            return None
        dlg = RepairActionDialog(self.ctx, self.detail.row, action, self)
        if not dlg.exec():
            return None
        row: RepairRow = dlg.result_value
        # 返修 returns the new follow-up order: show that one.
        self._select_after_write(row.id)
        return row

    def _select_after_write(self, order_id: int) -> None:
        self.detail = None
        self.bus.notify("repair", "callback")  # refreshes this board too (and the other tabs)
        self._select_row(order_id)
        if self.detail is None or self.detail.row.id != order_id:
            self.show_order(order_id)  # hidden by the filters: the card shows it all the same

    def edit_order(self) -> RepairRow | None:
        if self.detail is None or not self.detail.row.is_open:
            return None
        row = RepairDialog.edit(self, self.ctx, self.detail.row.id)
        if row is not None:
            self._select_after_write(row.id)
        return row

    def print_order(self) -> SlipPrinter | None:
        if self.detail is None:
            return None
        two = self.two_copies.isChecked()
        self.last_printer = print_slip(
            self, self.ctx, self.runner,
            lambda s, a, i: repairs.repair_slip(s, a, i, two_copies=two), "repair", self.detail.row.id)
        return self.last_printer

    def batch_print(self) -> None:
        from ui.repair_batch import RepairBatchDialog

        RepairBatchDialog(self.ctx, self.runner, self).exec()

    # ---------------------------------------------------------------- slots
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_table_current(self, current, _previous) -> None:  # noqa: ANN001
        row = self.model.row_at(current.row()) if current.isValid() else None
        self.show_order(row.id if row else None)

    def _on_use_dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.refresh()

    def _on_data_changed(self, entities: set[str]) -> None:
        if entities & LOOKUPS_ON:
            self._reload_lookups()
        if entities & (REFRESH_ON | LOOKUPS_ON):
            self.refresh(loads=True)

    # ---------------------------------------------------------------- columns
    def _late_text(self, minutes: int | None, late: bool, cancelled: bool) -> str:
        if minutes is not None:
            return self.tr("{time}（超时）").format(time=duration_text(minutes)) if late else duration_text(minutes)
        return self.tr("超时") if late and not cancelled else ""

    def columns(self) -> list[Column[RepairRow]]:
        def cancelled(r: RepairRow) -> bool:
            return r.state == RepairState.CANCELLED

        return [
            Column(self.tr("编号"), lambda r: r.serial, kind=ColKind.CODE),
            Column(self.tr("报修时间"), lambda r: fmt_local(r.reported_at), sort_key=lambda r: r.reported_at,
                   kind=ColKind.DATETIME, value=lambda r: r.reported_at),
            Column(self.tr("房号/位置"), lambda r: r.place, tooltip=lambda r: r.place),
            Column(self.tr("报修人"), lambda r: r.reporter),
            Column(self.tr("电话"), lambda r: r.contact, kind=ColKind.CODE),
            Column(self.tr("类别"), lambda r: r.category),
            Column(self.tr("紧急"), lambda r: label(r.urgency_label)),
            Column(self.tr("有偿"), lambda r: label(r.paid_label)),
            Column(self.tr("状态"), lambda r: label(r.state_label)),
            Column(self.tr("维修人员"), lambda r: r.engineer_name),
            Column(self.tr("响应"), lambda r: self._late_text(r.response_minutes, r.late_response, cancelled(r)),
                   value=lambda r: r.response_minutes, kind=ColKind.INT),
            Column(self.tr("完工用时"),
                   lambda r: self._late_text(r.completion_minutes, r.late_completion, cancelled(r)),
                   value=lambda r: r.completion_minutes, kind=ColKind.INT),
            Column(self.tr("内容"), lambda r: r.content.replace("\n", " "), tooltip=lambda r: r.content),
        ]

    @staticmethod
    def _change_text(e: RepairEventRow) -> str:
        def state(code: str) -> str:
            return label(STATE_LABELS[RepairState(code)]) if code in set(RepairState) else code

        if not e.from_state:
            return state(e.to_state) if e.to_state else ""
        if e.from_state == e.to_state:
            return ""
        return f"{state(e.from_state)} → {state(e.to_state)}"

    def timeline_columns(self) -> list[Column[RepairEventRow]]:
        return [
            # Month, day and time: the card's first line has the year; the tooltip the full time.
            Column(self.tr("时间"), lambda e: fmt_local(e.at)[5:], tooltip=lambda e: fmt_local(e.at, True)),
            Column(self.tr("经办人"), lambda e: e.user_display or e.username),
            Column(self.tr("操作"), lambda e: label(e.action_label)),
            Column(self.tr("状态"), self._change_text),
            Column(self.tr("维修人员"), lambda e: e.engineer_name),
            Column(self.tr("说明"), lambda e: e.note, tooltip=lambda e: e.note),
        ]

