"""投诉处理: filters and state chips, the paged list, a complaint's card with its timeline and evidence."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QDate, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import complaints
from app.complaints import (
    ACTION_LABELS,
    STATE_LABELS,
    Action,
    ComplaintData,
    ComplaintDetail,
    ComplaintEventRow,
    ComplaintQuery,
    ComplaintRow,
    ComplaintState,
    EvidenceRow,
    can,
)
from app.context import AppContext
from app.errors import AppError
from app.exports import ColKind
from app.roles import Perm
from app.timeutil import fmt_local
from ui import dialogs
from ui.bus import DataBus
from ui.complaint_dialogs import ComplaintActionDialog, ComplaintDialog, evidence_dir
from ui.export import ExportButtons
from ui.labels import label
from ui.printing import SlipPrinter, print_slip
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, list_and_card, setup_table

LATE = QColor("#c0392b")
DONE = QColor("#888888")
# The buttons, in the order of the procedure. 已回访 is normally recorded from the callbacks tab.
BUTTON_ACTIONS = [Action.START_VERIFY, Action.MARK_VALID, Action.MARK_INVALID, Action.HANDLE_ON_SPOT,
                  Action.ASSIGN_DEPARTMENT, Action.AGREE_DEADLINE, Action.ESCALATE, Action.TAKE_BACK,
                  Action.RECORD_RESULT, Action.MARK_APOLOGY_DONE, Action.CLOSE]
# 已回访 is not a button here: it is set when the complaint's callback is recorded in 走访回访, so
# the callback, its 《业主回访记录单》 and the owner's satisfaction are never skipped.


class ComplaintsPanel(QWidget):
    def __init__(self, ctx: AppContext, bus: DataBus, parent: QWidget | None = None,
                 runner: Runner | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.bus = ctx, bus
        self.runner = runner or Runner(self)
        self.detail: ComplaintDetail | None = None
        actor = ctx.actor
        assert actor is not None
        self.actor = actor
        self.can_reveal = actor.can(Perm.REVEAL_PHONE)

        # ---- filter bar
        self.search = QLineEdit()
        self.search.setObjectName("complaint_search")
        self.search.setPlaceholderText(self.tr("编号、房号、投诉人、电话或内容"))
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.addItem(self.tr("全部类别"), "")
        for c in ctx.query(lambda s, _a: complaints.categories(s)):
            self.category.addItem(c, c)
        self.use_dates = QCheckBox(self.tr("受理日期"))
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addMonths(-1))
        self.date_to = QDateEdit(today)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
        self.reveal = QCheckBox(self.tr("显示完整电话"))
        self.reveal.setVisible(self.can_reveal)
        self.new_btn = QPushButton(self.tr("新建投诉…"))
        self.new_btn.setObjectName("new_complaint")
        self.new_btn.setVisible(actor.can(Perm.HANDLE_COMPLAINTS))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("查找：")))
        bar.addWidget(self.search, 3)
        bar.addWidget(self.category)
        bar.addWidget(self.use_dates)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("—"))
        bar.addWidget(self.date_to)
        bar.addWidget(self.reveal)
        bar.addStretch(1)
        bar.addWidget(self.new_btn)

        # ---- state chips with counts
        self.chips = QButtonGroup(self)
        self.chips.setExclusive(True)
        chip_bar = QHBoxLayout()
        self.chip_buttons: dict[ComplaintState | None, QToolButton] = {}
        for state in [None, *ComplaintState]:
            b = QToolButton()
            b.setCheckable(True)
            b.setObjectName(f"chip_{state or 'all'}")
            b.setProperty("state", state)
            self.chips.addButton(b)
            chip_bar.addWidget(b)
            self.chip_buttons[state] = b
        self.chip_buttons[None].setChecked(True)
        chip_bar.addStretch(1)

        # ---- list
        self.model: RowTableModel[ComplaintRow] = RowTableModel(self.columns(), self)
        self.model.foreground = self._row_color
        self.table = QTableView()
        self.table.setObjectName("complaint_table")
        setup_table(self.table)
        self.table.setModel(self.model)
        self.count_label = QLabel()
        self.exports = ExportButtons(ctx, self.runner, self.table, lambda: self.tr("投诉处理"),
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
        self.card = QGroupBox(self.tr("投诉详情"))
        self.card_title = QLabel()
        self.card_title.setObjectName("card_title")
        self.card_title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.card_info = QLabel()
        self.card_info.setWordWrap(True)
        self.card_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.card_flags = QLabel()
        self.card_flags.setObjectName("card_flags")
        self.card_flags.setWordWrap(True)
        self.card_flags.setStyleSheet("color: #b9770e; font-weight: bold;")
        self.timeline_model: RowTableModel[ComplaintEventRow] = RowTableModel(self.timeline_columns(), self)
        self.timeline = QTableView()
        self.timeline.setObjectName("timeline")
        setup_table(self.timeline)
        self.timeline.setModel(self.timeline_model)
        self.evidence_model: RowTableModel[EvidenceRow] = RowTableModel(self.evidence_columns(), self)
        self.evidence = QTableView()
        self.evidence.setObjectName("evidence")
        setup_table(self.evidence)
        self.evidence.setModel(self.evidence_model)
        self.evidence.setMaximumHeight(110)
        self.add_evidence_btn = QPushButton(self.tr("添加证据…"))
        self.open_evidence_btn = QPushButton(self.tr("打开"))
        self.print_btn = QPushButton(self.tr("打印记录单…"))
        self.print_btn.setObjectName("print_record")
        self.action_buttons: dict[Action, QPushButton] = {}
        grid = QGridLayout()
        for i, action in enumerate(BUTTON_ACTIONS):
            b = QPushButton(label(ACTION_LABELS[action]))
            b.setObjectName(f"act_{action}")
            # Roles without the permission do not see the button (decisions.md).
            b.setVisible(actor.can(complaints.TRANSITIONS[action][2]))
            b.clicked.connect(lambda _c=False, a=action: self.run_action(a))
            grid.addWidget(b, i // 4, i % 4)
            self.action_buttons[action] = b
        ev_bar = QHBoxLayout()
        ev_bar.addWidget(QLabel(self.tr("证据")))
        ev_bar.addStretch(1)
        ev_bar.addWidget(self.add_evidence_btn)
        ev_bar.addWidget(self.open_evidence_btn)
        cv = QVBoxLayout(self.card)
        cv.addWidget(self.card_title)
        cv.addWidget(self.card_info)
        cv.addWidget(self.card_flags)
        cv.addLayout(grid)
        cv.addWidget(QLabel(self.tr("处理经过")))
        cv.addWidget(self.timeline, 1)
        cv.addLayout(ev_bar)
        cv.addWidget(self.evidence)
        pr = QHBoxLayout()
        pr.addStretch(1)
        pr.addWidget(self.print_btn)
        cv.addLayout(pr)
        split, self.empty_card = list_and_card(left, self.card, self.tr("在左侧选择一条投诉，查看处理经过。"))
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addLayout(chip_bar)
        lay.addWidget(split, 1)

        # ---- wiring
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.category.currentIndexChanged.connect(self.refresh)
        self.use_dates.toggled.connect(self._on_use_dates_toggled)
        self.date_from.dateChanged.connect(self._debounce.start)
        self.date_to.dateChanged.connect(self._debounce.start)
        self.reveal.toggled.connect(self.refresh)
        self.chips.buttonClicked.connect(lambda _b: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current)
        self.new_btn.clicked.connect(self.new_complaint)
        self.add_evidence_btn.clicked.connect(self._on_add_evidence)
        self.open_evidence_btn.clicked.connect(self.open_evidence)
        self.evidence.doubleClicked.connect(lambda _i: self.open_evidence())
        self.print_btn.clicked.connect(self.print_record)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_complaint)
        bus.data_changed.connect(self._on_data_changed)
        self.refresh()
        fit_columns(self.table)

    # ---------------------------------------------------------------- loading
    def state_filter(self) -> ComplaintState | None:
        b = self.chips.checkedButton()
        return b.property("state") if b is not None else None

    def query(self) -> ComplaintQuery:
        dates = self.use_dates.isChecked()
        return ComplaintQuery(
            text=self.search.text(), state=self.state_filter(), category=self.category.currentData() or "",
            date_from=self.date_from.date().toPython() if dates else None,
            date_to=self.date_to.date().toPython() if dates else None,
            reveal=self.reveal.isChecked() and self.can_reveal)

    def filter_text(self) -> str:
        parts = []
        if self.search.text().strip():
            parts.append(self.tr("查找“{text}”").format(text=self.search.text().strip()))
        if (state := self.state_filter()) is not None:
            parts.append(label(STATE_LABELS[state]))
        if self.category.currentData():
            parts.append(self.category.currentText())
        if self.use_dates.isChecked():
            parts.append(self.tr("受理日期 {a} 至 {b}").format(
                a=self.date_from.date().toString("yyyy-MM-dd"), b=self.date_to.date().toString("yyyy-MM-dd")))
        return "，".join(parts) or self.tr("全部投诉")

    def refresh(self) -> None:
        self._debounce.stop()
        q = self.query()
        selected = self.detail.row.id if self.detail else None

        def fetch(offset: int, limit: int) -> list[ComplaintRow]:
            return self.ctx.query(complaints.search_complaints, replace(q, offset=offset, limit=limit))

        try:
            self.model.set_fetch(fetch)
            counts = self.ctx.query(complaints.state_counts, q)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.chip_buttons[None].setText(self.tr("全部 {n}").format(n=sum(counts.values())))
        for state, n in counts.items():
            self.chip_buttons[state].setText(self.tr("{label} {n}").format(label=label(STATE_LABELS[state]), n=n))
        n = self.model.rowCount()
        more = self.tr("，向下滚动加载更多") if self.model.canFetchMore() else ""
        self.count_label.setText(self.tr("共 {n} 条{more}").format(n=n, more=more))
        if selected is not None:
            for i, r in enumerate(self.model.rows()):
                if r.id == selected:
                    self.table.selectRow(i)
                    self.show_complaint(selected)
                    return
        if self.detail is not None:
            self.show_complaint(None)

    def show_complaint(self, complaint_id: int | None) -> None:
        if complaint_id is None:
            self.detail = None
            self.card.hide()
            self.empty_card.show()
            return
        reveal = self.reveal.isChecked() and self.can_reveal
        try:
            self.detail = self.ctx.call(complaints.complaint_detail, complaint_id, reveal=reveal, write=reveal)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        r = self.detail.row
        self.card_title.setText(self.tr("{serial}  {state}").format(serial=r.serial, state=label(r.state_label)))
        lines = [
            self.tr("{when} {channel}受理 · {room} · {who} {contact}").format(
                when=fmt_local(r.received_at), channel=label(r.channel_label), room=r.room_code or "—",
                who=r.complainant, contact=r.contact),
            self.tr("类别：{category} · 被投诉：{dept} {staff} · {severity}").format(
                category=r.category, dept=r.department or "—", staff=r.staff_name, severity=label(r.severity_label)),
            r.details,
        ]
        if r.deadline is not None:
            lines.append(self.tr("处理期限：{when}（{who} 批准）").format(when=fmt_local(r.deadline),
                                                                  who=r.deadline_approved_by))
        if r.result:
            lines.append(self.tr("处理结果：{result}（{sat}）").format(result=r.result,
                                                                 sat=label(r.satisfaction_label)))
        if r.invalid_reason:
            lines.append(self.tr("无效原因：{reason}").format(reason=r.invalid_reason))
        self.card_info.setText("\n".join(lines))
        flags = []
        if r.is_repeat:
            flags.append(self.tr("重复投诉（前次 {serial}）").format(serial=self.detail.repeat_of_serial))
        if r.apology_pending:
            flags.append(self.tr("严重投诉：待致歉"))
        if r.overdue():
            flags.append(self.tr("已超过处理期限"))
        self.card_flags.setText("  ".join(flags))
        self.card_flags.setVisible(bool(flags))
        self.timeline_model.set_rows(self.detail.events)
        self.evidence_model.set_rows(self.detail.evidence)
        fit_columns(self.timeline)
        self.empty_card.hide()
        self.card.show()
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        r = self.detail.row if self.detail else None
        for action, b in self.action_buttons.items():
            ok = r is not None and can(action, r.state, self.actor)
            if action == Action.MARK_APOLOGY_DONE:
                ok = ok and r is not None and r.apology_pending
            b.setEnabled(ok)
        open_ = r is not None and r.state != ComplaintState.CLOSED
        self.add_evidence_btn.setEnabled(open_ and self.actor.can(Perm.HANDLE_COMPLAINTS))
        self.open_evidence_btn.setEnabled(bool(self.detail and self.detail.evidence))

    def _row_color(self, r: ComplaintRow) -> QColor | None:
        if r.overdue():
            return LATE
        if r.state in (ComplaintState.CLOSED, ComplaintState.INVALID):
            return DONE
        return None

    # ---------------------------------------------------------------- actions
    def new_complaint(self, initial: ComplaintData | None = None) -> ComplaintRow | None:
        if not self.actor.can(Perm.HANDLE_COMPLAINTS):
            return None
        row = ComplaintDialog.ask(self, self.ctx, initial)
        if row is not None:
            self._select_after_write(row.id)
        return row

    def run_action(self, action: Action) -> ComplaintRow | None:
        if self.detail is None:
            return None
        dlg = ComplaintActionDialog(self.ctx, self.detail.row, action, self)
        if not dlg.exec():
            return None
        self._select_after_write(self.detail.row.id)
        return dlg.result_value

    def _select_after_write(self, complaint_id: int) -> None:
        self.detail = None
        self.bus.notify("complaint", "callback")
        self.refresh()
        for i, r in enumerate(self.model.rows()):
            if r.id == complaint_id:
                self.table.selectRow(i)
                break
        if self.detail is None:
            self.show_complaint(complaint_id)

    def _on_add_evidence(self) -> None:
        if self.detail is None:
            return
        path = dialogs.open_file(self, self.tr("选择证据文件"), self.tr("所有文件 (*)"))
        if not path:
            return
        try:
            self.ctx.call(complaints.add_evidence, self.detail.row.id, path, evidence_dir(self.ctx))
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.bus.notify("complaint")

    def open_evidence(self) -> None:
        idx = self.evidence.currentIndex()
        ev = self.evidence_model.row_at(idx.row() if idx.isValid() else 0)
        if ev is None:
            return
        try:
            path = self.ctx.query(complaints.evidence_path, ev.id, evidence_dir(self.ctx), verify=True)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def print_record(self) -> SlipPrinter | None:
        if self.detail is None:
            return None
        cid = self.detail.row.id
        return print_slip(self, self.ctx, self.runner, complaints.complaint_slip, "complaint", cid)

    # ---------------------------------------------------------------- slots
    def _on_table_current(self, current, _previous) -> None:  # noqa: ANN001
        row = self.model.row_at(current.row()) if current.isValid() else None
        self.show_complaint(row.id if row else None)

    def _on_use_dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.refresh()

    def _on_data_changed(self, entities: set[str]) -> None:
        if entities & {"complaint", "callback"}:
            self.refresh()

    # ---------------------------------------------------------------- columns
    def columns(self) -> list[Column[ComplaintRow]]:
        return [
            Column(self.tr("编号"), lambda r: r.serial, kind=ColKind.CODE),
            Column(self.tr("受理时间"), lambda r: fmt_local(r.received_at), sort_key=lambda r: r.received_at,
                   kind=ColKind.DATETIME, value=lambda r: r.received_at),
            Column(self.tr("房号"), lambda r: r.room_code, kind=ColKind.CODE),
            Column(self.tr("投诉人"), lambda r: r.complainant),
            Column(self.tr("电话"), lambda r: r.contact, kind=ColKind.CODE),
            Column(self.tr("类别"), lambda r: r.category),
            Column(self.tr("被投诉部门"), lambda r: r.department),
            Column(self.tr("状态"), lambda r: label(r.state_label)),
            Column(self.tr("处理期限"), lambda r: fmt_local(r.deadline), kind=ColKind.DATETIME,
                   value=lambda r: r.deadline),
            Column(self.tr("重复"), lambda r: self.tr("重复") if r.is_repeat else ""),
            Column(self.tr("内容"), lambda r: r.details.replace("\n", " "), tooltip=lambda r: r.details),
        ]

    def timeline_columns(self) -> list[Column[ComplaintEventRow]]:
        return [
            Column(self.tr("时间"), lambda e: fmt_local(e.at)),
            Column(self.tr("经办人"), lambda e: e.user_display or e.username),
            Column(self.tr("操作"), lambda e: label(e.action_label)),
            Column(self.tr("状态"), lambda e: e.change_label),
            Column(self.tr("说明"), lambda e: e.note, tooltip=lambda e: e.note),
        ]

    def evidence_columns(self) -> list[Column[EvidenceRow]]:
        return [
            Column(self.tr("文件"), lambda e: e.filename),
            Column(self.tr("大小"), lambda e: e.size_text),
            Column(self.tr("添加时间"), lambda e: fmt_local(e.added_at)),
            Column(self.tr("SHA-256"), lambda e: e.sha256[:16] + "…", tooltip=lambda e: e.sha256),
        ]
