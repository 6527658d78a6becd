"""钥匙柜: the cabinet drawn hook by hook, the search that finds a key by room, key number or a scanned
slip, the register, loans due back (催还), lost or damaged keys, the last counts, and the procedures."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import keys, rooms
from app.context import AppContext
from app.errors import AppError
from app.exports import ColKind
from app.keys import (
    DISPLAY_LABELS,
    KIND_LABELS,
    OVERDUE,
    CabinetRow,
    CountLineRow,
    CountRow,
    DueRow,
    HookCell,
    IncidentRow,
    KeyQuery,
    KeyRow,
    KeyState,
    LoanQuery,
    LoanRow,
    LoanState,
    SearchHit,
)
from app.roles import Perm
from app.timeutil import fmt_local
from ui import dialogs
from ui.bus import DataBus
from ui.export import ExportButtons
from ui.key_grid import CabinetGridView, GridLegend
from ui.labels import label
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, set_completer_codes, setup_table

LATE = QColor("#c0392b")
DONE = QColor("#888888")
FOUND = "#1d4ed8"
NOT_FOUND = "#c0392b"
REFRESH_ON = {"key", "room", "roster", "settings", "staff"}
# The sub-views, in tab order.
GRID, REGISTER, LOANS, INCIDENTS, COUNTS = range(5)
# The register's state filter: 逾期 is a state of the display, not of the key.
STATE_FILTER = ["in", "out", OVERDUE, "lost", "damaged", "handed", "retired"]


@dataclass(frozen=True)
class CabinetCount:
    """One cabinet and its last count (盘点), for the 盘点记录 view."""

    cabinet: CabinetRow
    count: CountRow | None


def _items_text(r: LoanRow) -> str:
    return "、".join(f"{i.number}×{i.copies}" if i.copies > 1 else i.number for i in r.items)


class _AfterPaint(QObject):
    """Calls `then` once, after the next paint of `widget` (it watches one paint, then stops watching)."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget, self._then, self._armed = widget, then, False

    def arm(self) -> None:
        if not self._armed:
            self._armed = True
            self._widget.installEventFilter(self)

    def disarm(self) -> None:
        if self._armed:
            self._armed = False
            self._widget.removeEventFilter(self)

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.disarm()
            self._then()
        return False


class KeysPanel(QWidget):
    def __init__(self, ctx: AppContext, bus: DataBus, parent: QWidget | None = None,
                 runner: Runner | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.bus = ctx, bus
        self.runner = runner or Runner(self)
        actor = ctx.actor
        assert actor is not None
        self.actor = actor
        self.can_handle = actor.can(Perm.HANDLE_KEYS)
        self.can_setup = actor.can(Perm.SETUP_CABINETS)
        self.cabinets: list[CabinetRow] = []
        self.hit: SearchHit | None = None          # the search hit on screen
        self._hit_text = ""                         # … and the text that found it
        self._dirty: set[int] = set()
        self._fitted: set[int] = set()
        # Every cabinet's hooks as read since the last refresh(): the other cabinets are read ahead, one
        # at a time on a zero-timer once the grid has painted, so that a search hit in another cabinet
        # (or a switch of the box) shows it without waiting for the database. refresh() drops them all.
        self._grids: dict[int, list[HookCell]] = {}

        # ---- search, cabinet, procedures
        self.search = QLineEdit()
        self.search.setObjectName("key_search")
        self.search.setPlaceholderText(self.tr("房号 / 钥匙编号 / 扫描单据二维码"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("输入房号或钥匙编号，或扫描借领单、托存单、验收单、交付单的二维码，"
                                       "找到的钩位加粗框出；再按 Enter 打开钥匙"))
        self.search.setMinimumWidth(260)
        self.search_msg = QLabel()
        self.search_msg.setObjectName("search_message")
        self.search_msg.setWordWrap(False)
        self.cabinet = QComboBox()
        self.cabinet.setObjectName("key_cabinet")
        self.cabinet.setMinimumContentsLength(16)
        self.cabinet.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("查找：")))
        bar.addWidget(self.search, 2)
        bar.addWidget(self.search_msg, 3)
        bar.addWidget(QLabel(self.tr("钥匙柜：")))
        bar.addWidget(self.cabinet)

        self.proc_buttons: dict[str, QPushButton] = {}
        tools = QHBoxLayout()
        for name, text, tip, slot in (
                ("lend", self.tr("借出…"), self.tr("填写《钥匙借领确认单》（Ctrl+L）"), self.lend),
                ("return", self.tr("归还…"), self.tr("清点归还的钥匙，挂回原钩位"), self.return_keys),
                ("accept", self.tr("钥匙验收…"), self.tr("施工单位移交钥匙：逐把清点、试开、编号挂钩，"
                                                   "打印《钥匙验收记录表》"), self.accept_keys),
                ("deposit", self.tr("业主托存…"), self.tr("登记业主托存的钥匙，打印《业主托存/移交钥匙登记表》"),
                 self.deposit),
                ("give_back", self.tr("托存交还…"), self.tr("凭业主或受托人身份证交还托存钥匙"), self.give_back),
                ("handover", self.tr("收房交付…"), self.tr("收房时把第一把装修钥匙和正式钥匙交给业主"),
                 self.handover),
                ("count", self.tr("盘点…"), self.tr("逐个钩位核对钥匙是否在位"), self.count_cabinet),
                ("labels", self.tr("标签检查…"), self.tr("记录本柜哪些钩位标签已检查或已更换"),
                 self.check_cabinet_labels)):
            b = QPushButton(text)
            b.setObjectName(f"proc_{name}")
            b.setToolTip(tip)
            b.setVisible(self.can_handle)
            b.clicked.connect(lambda _c=False, f=slot: f())
            tools.addWidget(b)
            self.proc_buttons[name] = b
        tools.addStretch(1)
        self.archive_btn = QPushButton(self.tr("归档旧记录…"))
        self.archive_btn.setObjectName("archive_records")
        self.archive_btn.setToolTip(self.tr("钥匙记录至少保存两年：把更早且已结束的记录导出到 Excel 后移出（仅客服主管）"))
        self.archive_btn.setVisible(actor.can(Perm.APPROVE_KEYS))
        self.archive_btn.clicked.connect(self.archive_records)
        tools.addWidget(self.archive_btn)
        self.setup_btn = QPushButton(self.tr("设置钥匙柜…"))
        self.setup_btn.setObjectName("setup_cabinet")
        self.setup_btn.setToolTip(self.tr("新建或修改钥匙柜（名称、行列、钩位标签），按房屋批量登记钥匙"))
        self.setup_btn.setVisible(self.can_setup)
        self.setup_btn.clicked.connect(self.setup_cabinet)
        tools.addWidget(self.setup_btn)

        # ---- the sub-views
        self.views = QTabWidget()
        self.views.setObjectName("key_views")
        self.views.addTab(self._grid_page(), self.tr("钥匙柜"))
        self.views.addTab(self._register_page(), self.tr("钥匙登记簿"))
        self.views.addTab(self._loans_page(), self.tr("借出与逾期"))
        self.views.addTab(self._incidents_page(), self.tr("遗失/损坏"))
        self.views.addTab(self._counts_page(), self.tr("盘点记录"))

        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addLayout(tools)
        lay.addWidget(self.views, 1)

        # ---- wiring
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.run_search(announce=False))
        self.search.textEdited.connect(self._on_search_edited)
        self.search.returnPressed.connect(self.on_search_enter)
        self.cabinet.currentIndexChanged.connect(self._on_cabinet_changed)
        self.views.currentChanged.connect(self._on_view_changed)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self._focus_search)
        if self.can_handle:
            QShortcut(QKeySequence("Ctrl+L"), self, activated=self.lend)
        bus.data_changed.connect(self._on_data_changed)
        self._prefetch = QTimer(self)
        self._prefetch.setSingleShot(True)
        self._prefetch.setInterval(0)
        self._prefetch.timeout.connect(self._prefetch_next)
        self._after_paint = _AfterPaint(self.grid.viewport(), self._prefetch.start)
        self._reload_lookups()
        self.refresh()

    # ================================================================ pages
    def _grid_page(self) -> QWidget:
        page = QWidget()
        self.grid = CabinetGridView(page)
        self.grid.setToolTip("")
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.key_activated.connect(self.open_key)
        self.grid.customContextMenuRequested.connect(self._on_grid_menu)
        self.grid.selectionModel().currentChanged.connect(self._on_grid_current)
        self.no_cabinet = QLabel(self.tr("还没有钥匙柜。请主管或系统管理员点“设置钥匙柜…”，按实物填写行数、列数和钩位标签。"))
        self.no_cabinet.setObjectName("no_cabinet")
        self.no_cabinet.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_cabinet.setWordWrap(True)
        self.no_cabinet.setStyleSheet("color: #777; font-size: 14px;")
        self.no_cabinet.hide()
        self.legend = GridLegend(page)
        self.hook_info = QLabel()
        self.hook_info.setObjectName("hook_info")
        self.hook_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.grid_summary = QLabel()
        self.grid_summary.setObjectName("grid_summary")
        self.grid_summary.setStyleSheet("color: #555;")
        foot = QHBoxLayout()
        foot.addWidget(self.legend, 1)
        foot.addWidget(self.grid_summary)
        v = QVBoxLayout(page)
        v.setContentsMargins(4, 4, 4, 4)
        v.addWidget(self.grid, 1)
        v.addWidget(self.no_cabinet, 1)
        v.addLayout(foot)
        v.addWidget(self.hook_info)
        return page

    def _register_page(self) -> QWidget:
        page = QWidget()
        self.f_state = QComboBox()
        self.f_state.setObjectName("reg_state")
        self.f_state.addItem(self.tr("全部状态"), "")
        for code in STATE_FILTER:
            self.f_state.addItem(label(DISPLAY_LABELS[code]), code)
        self.f_kind = QComboBox()
        self.f_kind.setObjectName("reg_kind")
        self.f_kind.addItem(self.tr("全部类别"), "")
        for code, text in KIND_LABELS.items():
            self.f_kind.addItem(label(text), str(code))
        self.f_room = QLineEdit()
        self.f_room.setObjectName("reg_room")
        self.f_room.setPlaceholderText(self.tr("房号（3-2 即整个单元）"))
        self.f_room.setClearButtonEnabled(True)
        self.f_holder = QLineEdit()
        self.f_holder.setObjectName("reg_holder")
        self.f_holder.setPlaceholderText(self.tr("借用人或单位"))
        self.f_holder.setClearButtonEnabled(True)
        self.f_cabinet = QComboBox()
        self.f_cabinet.setObjectName("reg_cabinet")
        self.f_cabinet.addItem(self.tr("全部钥匙柜"), None)
        bar = QHBoxLayout()
        for w in (self.f_state, self.f_kind):
            bar.addWidget(w)
        bar.addWidget(self.f_room, 1)
        bar.addWidget(self.f_holder, 1)
        bar.addWidget(self.f_cabinet)
        self.reg_model: RowTableModel[KeyRow] = RowTableModel(self.register_columns(), self)
        self.reg_model.foreground = self._key_color
        self.reg_table = QTableView()
        self.reg_table.setObjectName("key_register")
        setup_table(self.reg_table)
        self.reg_table.setModel(self.reg_model)
        self.reg_table.activated.connect(self._on_register_activated)
        self.reg_count = QLabel()
        self.exports = ExportButtons(self.ctx, self.runner, self.reg_table, lambda: self.tr("钥匙登记簿"),
                                     self.register_filter_text, self)
        foot = QHBoxLayout()
        foot.addWidget(self.reg_count)
        foot.addStretch(1)
        foot.addWidget(self.exports)
        v = QVBoxLayout(page)
        v.setContentsMargins(4, 4, 4, 4)
        v.addLayout(bar)
        v.addWidget(self.reg_table, 1)
        v.addLayout(foot)
        self._reg_debounce = QTimer(self)
        self._reg_debounce.setSingleShot(True)
        self._reg_debounce.setInterval(200)
        self._reg_debounce.timeout.connect(self.load_register)
        for box in (self.f_state, self.f_kind, self.f_cabinet):
            box.currentIndexChanged.connect(lambda *_: self.load_register())
        self.f_room.textChanged.connect(self._reg_debounce.start)
        self.f_holder.textChanged.connect(self._reg_debounce.start)
        return page

    def _loans_page(self) -> QWidget:
        page = QWidget()
        self.due_model: RowTableModel[DueRow] = RowTableModel(self.due_columns(), self)
        self.due_model.foreground = lambda d: LATE if d.loan.overdue else None
        self.due_table = QTableView()
        self.due_table.setObjectName("due_table")
        setup_table(self.due_table)
        self.due_table.setModel(self.due_model)
        self.loans_model: RowTableModel[LoanRow] = RowTableModel(self.loan_columns(), self)
        self.loans_model.foreground = lambda r: LATE if r.overdue else None
        self.loans_table = QTableView()
        self.loans_table.setObjectName("open_loans")
        setup_table(self.loans_table)
        self.loans_table.setModel(self.loans_model)
        self.due_label = QLabel()
        self.due_label.setObjectName("due_label")
        self.due_label.setStyleSheet("font-weight: bold;")
        self.loans_label = QLabel()
        self.loans_label.setObjectName("loans_label")
        self.remind_btn = QPushButton(self.tr("催还…"))
        self.remind_btn.setObjectName("remind")
        self.remind_btn.setToolTip(self.tr("记录一次催还（电话、上门或短信）"))
        self.loan_return_btn = QPushButton(self.tr("归还…"))
        self.loan_return_btn.setObjectName("loan_return")
        for b in (self.remind_btn, self.loan_return_btn):
            b.setVisible(self.can_handle)
            b.setEnabled(False)
        self.remind_btn.clicked.connect(lambda: self.remind())
        self.loan_return_btn.clicked.connect(lambda: self.return_keys(self.selected_loan_id()))
        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.addWidget(self.due_label)
        tv.addWidget(self.due_table, 1)
        bottom = QWidget()
        bv = QVBoxLayout(bottom)
        bv.setContentsMargins(0, 0, 0, 0)
        bv.addWidget(self.loans_label)
        bv.addWidget(self.loans_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setChildrenCollapsible(False)
        buttons = QHBoxLayout()
        hint = QLabel(self.tr("当日借出的钥匙下班前未还、施工单位借出超过借期的，列在上方；红色为已逾期。"))
        hint.setStyleSheet("color: #666;")
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.remind_btn)
        buttons.addWidget(self.loan_return_btn)
        v = QVBoxLayout(page)
        v.setContentsMargins(4, 4, 4, 4)
        v.addWidget(split, 1)
        v.addLayout(buttons)
        self._loan_table: QTableView = self.due_table  # the table whose selection the buttons act on
        for table in (self.due_table, self.loans_table):
            table.selectionModel().currentRowChanged.connect(
                lambda cur, _prev, t=table: self._on_loan_current(t, cur))
            table.activated.connect(lambda _i, t=table: self._on_loan_activated(t))
        return page

    def _incidents_page(self) -> QWidget:
        page = QWidget()
        self.inc_model: RowTableModel[IncidentRow] = RowTableModel(self.incident_columns(), self)
        self.inc_model.foreground = lambda r: DONE if r.state in (keys.IncidentState.RESOLVED,
                                                                  keys.IncidentState.DECLINED) else None
        self.inc_table = QTableView()
        self.inc_table.setObjectName("incidents")
        setup_table(self.inc_table)
        self.inc_table.setModel(self.inc_model)
        self.inc_all = QCheckBox(self.tr("包括已处理"))
        self.inc_all.setObjectName("incidents_all")
        self.inc_all.toggled.connect(lambda *_: self.load_incidents())
        self.inc_btn = QPushButton(self.tr("处理…"))
        self.inc_btn.setObjectName("handle_incident")
        self.inc_btn.setToolTip(self.tr("记录业主意见，主管批准补配钥匙或换锁"))
        self.inc_btn.setVisible(self.can_handle)
        self.inc_btn.setEnabled(False)
        self.inc_btn.clicked.connect(lambda: self.handle_incident())
        self.inc_table.selectionModel().currentRowChanged.connect(
            lambda cur, _p: self.inc_btn.setEnabled(cur.isValid()))
        self.inc_table.activated.connect(lambda _i: self.handle_incident())
        self.inc_label = QLabel()
        foot = QHBoxLayout()
        foot.addWidget(self.inc_label)
        foot.addStretch(1)
        foot.addWidget(self.inc_all)
        foot.addWidget(self.inc_btn)
        v = QVBoxLayout(page)
        v.setContentsMargins(4, 4, 4, 4)
        v.addWidget(self.inc_table, 1)
        v.addLayout(foot)
        return page

    def _counts_page(self) -> QWidget:
        page = QWidget()
        self.count_model: RowTableModel[CabinetCount] = RowTableModel(self.count_columns(), self)
        self.count_model.foreground = lambda c: LATE if c.count is not None and c.count.mismatches else None
        self.count_table = QTableView()
        self.count_table.setObjectName("counts")
        setup_table(self.count_table)
        self.count_table.setModel(self.count_model)
        self.mismatch_model: RowTableModel[CountLineRow] = RowTableModel(self.mismatch_columns(), self)
        self.mismatch_table = QTableView()
        self.mismatch_table.setObjectName("count_mismatches")
        setup_table(self.mismatch_table)
        self.mismatch_table.setModel(self.mismatch_model)
        self.mismatch_label = QLabel()
        self.mismatch_label.setObjectName("mismatch_label")
        self.report_btn = QPushButton(self.tr("按遗失上报…"))
        self.report_btn.setObjectName("report_missing")
        self.report_btn.setToolTip(self.tr("盘点缺失的钥匙报告主管，开始遗失处理"))
        self.report_btn.setVisible(self.can_handle)
        self.report_btn.setEnabled(False)
        self.report_btn.clicked.connect(lambda: self.report_missing())
        self.count_table.selectionModel().currentRowChanged.connect(self._on_count_current)
        self.mismatch_table.selectionModel().currentRowChanged.connect(lambda *_: self._sync_report_btn())
        foot = QHBoxLayout()
        foot.addWidget(self.mismatch_label, 1)
        foot.addWidget(self.report_btn)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.count_table)
        low = QWidget()
        lv = QVBoxLayout(low)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(foot)
        lv.addWidget(self.mismatch_table, 1)
        split.addWidget(low)
        split.setChildrenCollapsible(False)
        split.setSizes([160, 400])
        v = QVBoxLayout(page)
        v.setContentsMargins(4, 4, 4, 4)
        v.addWidget(split, 1)
        return page

    # ================================================================ loading
    def _reload_lookups(self) -> None:
        try:
            with self.ctx.read() as s:
                codes = rooms.room_codes(s)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        set_completer_codes(self.f_room, codes)

    def current_cabinet_id(self) -> int | None:
        return self.cabinet.currentData()

    def refresh(self) -> None:
        """Reload the cabinets and the grid; the other views now if shown, else when next shown."""
        try:
            self.cabinets = self.ctx.query(lambda s, _a: keys.cabinets(s))
            due = self.ctx.query(keys.due_list)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self._drop_grids()
        self._fill_cabinets()
        self.load_grid()
        self._set_due_title(due)
        self._dirty = {REGISTER, LOANS, INCIDENTS, COUNTS}
        self._load_view(self.views.currentIndex())

    def _fill_cabinets(self) -> None:
        current = self.current_cabinet_id()
        reg_current = self.f_cabinet.currentData()
        for box in (self.cabinet, self.f_cabinet):
            box.blockSignals(True)
        self.cabinet.clear()
        self.f_cabinet.clear()
        self.f_cabinet.addItem(self.tr("全部钥匙柜"), None)
        for c in self.cabinets:
            self.cabinet.addItem(self.tr("{name}（在柜 {i} · 借出 {o}）").format(name=c.name, i=c.in_cabinet,
                                                                              o=c.out), c.id)
            self.f_cabinet.addItem(c.name, c.id)
        i = self.cabinet.findData(current) if current is not None else 0
        self.cabinet.setCurrentIndex(max(i, 0))
        self.f_cabinet.setCurrentIndex(max(self.f_cabinet.findData(reg_current), 0))
        self.cabinet.setEnabled(bool(self.cabinets))
        for box in (self.cabinet, self.f_cabinet):
            box.blockSignals(False)

    def load_grid(self) -> None:
        """The selected cabinet's hooks, keeping the current hook and the search's outlines."""
        cab_id = self.current_cabinet_id()
        cab = next((c for c in self.cabinets if c.id == cab_id), None)
        has = cab is not None
        self.grid.setVisible(has)
        self.no_cabinet.setVisible(not has)
        for name in ("count", "accept", "labels"):
            self.proc_buttons[name].setEnabled(has)
        if cab is None:
            self.grid.grid_model.clear()
            self.grid_summary.clear()
            self.legend.set_counts({})
            self.hook_info.clear()
            return
        current = self.grid.currentIndex()
        same = self.grid.grid_model.cabinet_id == cab.id
        pos = (current.row(), current.column()) if current.isValid() and same else None
        cells = self._grids.get(cab.id)
        if cells is None:
            try:
                cells = self._grids[cab.id] = self.ctx.query(lambda s, _a: keys.cabinet_grid(s, cab.id))
            except AppError as e:
                dialogs.show_app_error(self, e)
                return
        self.grid.set_cells(cab.rows, cab.cols, cells, cab.id)
        if any(c.id not in self._grids for c in self.cabinets):
            self._after_paint.arm()
        counts = self.grid.grid_model.state_counts()
        self.legend.set_counts(counts)
        self.grid_summary.setText(self.tr("{name}：{rows} 行 × {cols} 列，{hooks} 个钩位，挂有钥匙 {keys} 把").format(
            name=cab.name, rows=cab.rows, cols=cab.cols, hooks=cab.hooks, keys=cab.keys))
        if pos is not None:
            self.grid.setCurrentIndex(self.grid.grid_model.index(*pos))
        self._show_hook_info()

    def _drop_grids(self) -> None:
        """Forget the hooks read so far (a data change): every grid is read again when shown or ahead."""
        self._grids.clear()
        self._prefetch.stop()
        self._after_paint.disarm()

    def _prefetch_next(self) -> None:
        """Read one more cabinet's hooks ahead, then let the event loop run before the next one."""
        cab = next((c for c in self.cabinets if c.id not in self._grids), None)
        if cab is None:
            return
        try:
            self._grids[cab.id] = self.ctx.query(lambda s, _a: keys.cabinet_grid(s, cab.id))
        except AppError:
            return  # only ahead of time: load_grid reads it, and says what is wrong, when it is shown
        if any(c.id not in self._grids for c in self.cabinets):
            self._prefetch.start()

    def _set_due_title(self, due: list[DueRow]) -> None:
        late = sum(1 for d in due if d.loan.overdue)
        self.views.setTabText(LOANS, self.tr("借出与逾期（逾期 {n}）").format(n=late) if late
                              else self.tr("借出与逾期"))

    def _load_view(self, index: int) -> None:
        if index not in self._dirty:
            return
        self._dirty.discard(index)
        if index == REGISTER:
            self.load_register()
        elif index == LOANS:
            self.load_loans()
        elif index == INCIDENTS:
            self.load_incidents()
        elif index == COUNTS:
            self.load_counts()

    def _fit_once(self, view: QTableView, key: int) -> None:
        if view.model().rowCount() and key not in self._fitted:
            fit_columns(view, minimum=56, maximum=280)
            self._fitted.add(key)

    # ---- register
    def register_query(self) -> KeyQuery:
        return KeyQuery(state=self.f_state.currentData() or "", kind=self.f_kind.currentData() or "",
                        room=self.f_room.text(), holder=self.f_holder.text(),
                        cabinet_id=self.f_cabinet.currentData())

    def register_filter_text(self) -> str:
        parts = [box.currentText() for box in (self.f_state, self.f_kind, self.f_cabinet) if box.currentIndex() > 0]
        if self.f_room.text().strip():
            parts.append(self.tr("房号 {room}").format(room=self.f_room.text().strip()))
        if self.f_holder.text().strip():
            parts.append(self.tr("借用人“{who}”").format(who=self.f_holder.text().strip()))
        return "，".join(parts) or self.tr("全部钥匙（不含作废）")

    def load_register(self) -> None:
        self._reg_debounce.stop()
        self._dirty.discard(REGISTER)
        q = self.register_query()
        try:
            rows = self.ctx.query(lambda s, _a: keys.list_keys(s, q))
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.reg_model.set_rows(rows)
        self._fit_once(self.reg_table, REGISTER)
        late = sum(1 for r in rows if r.overdue)
        more = self.tr("（只显示前 {n} 把，请缩小范围）").format(n=q.limit) if len(rows) >= q.limit else ""
        late_text = self.tr("，其中逾期 {n} 把（红色）").format(n=late) if late else ""
        self.reg_count.setText(self.tr("共 {n} 把{late}{more}").format(n=len(rows), late=late_text, more=more))

    # ---- loans
    def load_loans(self) -> None:
        self._dirty.discard(LOANS)
        selected = self.selected_loan_id()
        try:
            due = self.ctx.query(keys.due_list)
            out = self.ctx.query(keys.list_loans, LoanQuery(state=str(LoanState.OUT)))
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.due_model.set_rows(due)
        self.loans_model.set_rows(out)
        self._set_due_title(due)
        late = sum(1 for d in due if d.loan.overdue)
        self.due_label.setText(self.tr("应催还 {n} 张（已逾期 {late} 张）").format(n=len(due), late=late) if due
                               else self.tr("应催还：没有到期未还的钥匙"))
        self.loans_label.setText(self.tr("全部借出中的借领单 {n} 张").format(n=len(out)))
        self._fit_once(self.due_table, LOANS)
        self._fit_once(self.loans_table, LOANS + 100)
        if selected is not None:
            self.select_loan(selected)
        self._sync_loan_buttons()

    def select_loan(self, loan_id: int) -> bool:
        for table, model in ((self.due_table, self.due_model), (self.loans_table, self.loans_model)):
            for i, r in enumerate(model.rows()):
                if (r.loan.id if isinstance(r, DueRow) else r.id) == loan_id:
                    table.setCurrentIndex(model.index(i, 0))
                    table.selectRow(i)
                    self._loan_table = table
                    self._sync_loan_buttons()
                    return True
        return False

    def selected_loan(self) -> LoanRow | None:
        t = self._loan_table
        idx = t.currentIndex()
        if not idx.isValid():
            return None
        row = t.model().row_at(idx.row())  # type: ignore[attr-defined]
        if isinstance(row, DueRow):
            return row.loan
        return row if isinstance(row, LoanRow) else None

    def selected_loan_id(self) -> int | None:
        r = self.selected_loan()
        return r.id if r is not None else None

    def _sync_loan_buttons(self) -> None:
        r = self.selected_loan()
        ok = r is not None and r.state == LoanState.OUT
        self.remind_btn.setEnabled(ok)
        self.loan_return_btn.setEnabled(ok)

    # ---- incidents
    def load_incidents(self) -> None:
        self._dirty.discard(INCIDENTS)
        open_only = not self.inc_all.isChecked()
        try:
            rows = self.ctx.query(lambda s, _a: keys.incidents(s, open_only=open_only))
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.inc_model.set_rows(rows)
        self._fit_once(self.inc_table, INCIDENTS)
        self.inc_label.setText(self.tr("待处理 {n} 起").format(n=len(rows)) if open_only
                               else self.tr("共 {n} 起").format(n=len(rows)))
        self.inc_btn.setEnabled(self.inc_table.currentIndex().isValid())

    # ---- counts
    def load_counts(self) -> None:
        self._dirty.discard(COUNTS)
        selected = self._selected_count()
        cab_ids = [c.id for c in self.cabinets]

        def fetch(s: Any, _a: Any) -> list[CountRow | None]:
            return [keys.last_count(s, i) for i in cab_ids]

        try:
            counts = self.ctx.query(fetch)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        rows = [CabinetCount(c, n) for c, n in zip(self.cabinets, counts, strict=True)]
        self.count_model.set_rows(rows)
        self._fit_once(self.count_table, COUNTS)
        pick = next((i for i, r in enumerate(rows) if selected is not None and r.cabinet.id == selected), None)
        if pick is None:
            pick = next((i for i, r in enumerate(rows) if r.cabinet.id == self.current_cabinet_id()), 0)
        if rows:
            self.count_table.selectRow(pick)
            self.count_table.setCurrentIndex(self.count_model.index(pick, 0))
        self._show_mismatches()

    def _selected_count(self) -> int | None:
        idx = self.count_table.currentIndex()
        row = self.count_model.row_at(idx.row()) if idx.isValid() else None
        return row.cabinet.id if row is not None else None

    def _show_mismatches(self) -> None:
        idx = self.count_table.currentIndex()
        row = self.count_model.row_at(idx.row()) if idx.isValid() else None
        c = row.count if row is not None else None
        self.mismatch_model.set_rows(c.mismatches if c is not None else [])
        if row is None:
            self.mismatch_label.setText("")
        elif c is None:
            self.mismatch_label.setText(self.tr("{name} 还没有盘点过").format(name=row.cabinet.name))
        elif not c.mismatches:
            self.mismatch_label.setText(self.tr("{name} {when} 盘点：账实相符").format(
                name=row.cabinet.name, when=fmt_local(c.finished_at)))
        else:
            self.mismatch_label.setText(self.tr("{name} {when} 盘点：缺失 {m} 把，账外在位 {u} 把").format(
                name=row.cabinet.name, when=fmt_local(c.finished_at), m=c.missing, u=c.unexpected))
        self._fit_once(self.mismatch_table, COUNTS + 100)
        self._sync_report_btn()

    def _sync_report_btn(self) -> None:
        idx = self.mismatch_table.currentIndex()
        line = self.mismatch_model.row_at(idx.row()) if idx.isValid() else None
        self.report_btn.setEnabled(line is not None and line.result == "missing" and line.incident_id is None)

    # ================================================================ search
    def _on_search_edited(self, _text: str) -> None:
        self.hit, self._hit_text = None, ""
        self._debounce.start()

    def run_search(self, announce: bool = True) -> SearchHit | None:
        """Find what the field names and show it: the cabinet switched, every key outlined, the first
        selected and scrolled into sight. `announce`: say so when nothing is found (on Enter)."""
        self._debounce.stop()
        text = self.search.text().strip()
        self.hit, self._hit_text = None, ""
        if not text:
            self._message("")
            self.grid.grid_model.set_highlight(())
            return None

        def fetch(s: Any, _a: Any) -> tuple[SearchHit | None, dict[int, tuple[int, int, int]]]:
            hit = keys.find(s, text)
            return hit, (keys.hook_positions(s, hit.key_ids) if hit else {})

        try:
            hit, positions = self.ctx.query(fetch)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return None
        if hit is None:
            self.grid.grid_model.set_highlight(())
            self._message(self.tr("没有找到“{text}”：请核对房号、钥匙编号或单据编号").format(text=text)
                          if announce else "", error=True)
            return None
        self.hit, self._hit_text = hit, text
        self.show_hit(hit, positions)
        return hit

    def show_hit(self, hit: SearchHit, positions: dict[int, tuple[int, int, int]]) -> None:
        on_hooks = [k for k in hit.key_ids if k in positions]
        what = self._hit_words(hit)
        if not on_hooks:
            self.grid.grid_model.set_highlight(())
            self._message(self.tr("{what}：{n} 把钥匙都已不在柜中（已交付或作废），按 Enter 查看").format(
                what=what, n=len(hit.key_ids)))
            return
        first = on_hooks[0]
        cab_id = positions[first][0]
        if cab_id != self.current_cabinet_id():
            i = self.cabinet.findData(cab_id)
            if i >= 0:
                self.cabinet.blockSignals(True)
                self.cabinet.setCurrentIndex(i)
                self.cabinet.blockSignals(False)
                self.load_grid()
        if self.grid.grid_model.cabinet_id == cab_id and not self._grid_agrees(cab_id, on_hooks, positions):
            # The search (read now) and the grid (read at the last refresh, or ahead) disagree on where
            # a key hangs: another counter moved or hung it meanwhile. The grid is read again.
            self._grids.pop(cab_id, None)
            self.load_grid()
        self.views.setCurrentIndex(GRID)
        self.grid.grid_model.set_highlight(hit.key_ids)
        self.grid.show_key(first)
        here = sum(1 for k in on_hooks if positions[k][0] == cab_id)
        text = self.tr("{what}：{n} 把，已框出").format(what=what, n=here) if here > 1 \
            else self.tr("{what}：已框出").format(what=what)
        if elsewhere := len(on_hooks) - here:
            text += self.tr("；另有 {n} 把在其他钥匙柜").format(n=elsewhere)
        if off := len(hit.key_ids) - len(on_hooks):
            text += self.tr("；{n} 把已不在柜中").format(n=off)
        self._message(text + self.tr("（Enter 打开）"))

    def _grid_agrees(self, cab_id: int, key_ids: list[int], positions: dict[int, tuple[int, int, int]]) -> bool:
        """Whether the grid shows each of these keys that hang in cabinet `cab_id` where the search says."""
        model = self.grid.grid_model
        for k in key_ids:
            if positions[k][0] == cab_id:
                idx = model.index_of_key(k)
                if not idx.isValid() or (idx.row(), idx.column()) != positions[k][1:]:
                    return False
        return True

    def _hit_words(self, hit: SearchHit) -> str:
        return {
            "key": self.tr("钥匙 {ref}"),
            "room": self.tr("房号 {ref} 的钥匙"),
            "loan": self.tr("借领单 {ref}"),
            "deposit": self.tr("托存单 {ref}"),
            "acceptance": self.tr("验收单 {ref}"),
            "handover": self.tr("交付单 {ref}"),
        }.get(hit.what, "{ref}").format(ref=hit.ref)

    def _message(self, text: str, error: bool = False) -> None:
        self.search_msg.setText(text)
        self.search_msg.setToolTip(text)
        self.search_msg.setStyleSheet(f"color: {NOT_FOUND if error else FOUND};")

    def on_search_enter(self) -> None:
        """Enter (a USB scanner types the slip's serial, then Enter): the first Enter finds and shows,
        an Enter on what is already shown opens it (an open loan's slip: 归还; else the key)."""
        text = self.search.text().strip()
        if self.hit is None or text != self._hit_text:
            self.run_search(announce=True)
            self.search.selectAll()  # the next scan replaces it
            return
        self.open_hit()
        self.search.selectAll()

    def open_hit(self) -> None:
        hit = self.hit
        if hit is None:
            return
        if hit.what == "loan" and self.can_handle:
            try:
                loan_id = self.ctx.query(lambda s, _a: keys.loan_by_serial(s, hit.ref))
                state = self.ctx.query(keys.loan, loan_id).state if loan_id is not None else None
            except AppError as e:
                dialogs.show_app_error(self, e)
                return
            if loan_id is not None and state == LoanState.OUT:
                self.return_keys(loan_id)
                return
        c = self.grid.current_cell()
        key_id = c.key_id if c is not None and c.key_id in hit.key_ids else hit.key_ids[0]
        if key_id is not None:
            self.open_key(key_id)

    # ================================================================ the procedures
    def _dialog(self, name: str, *args: Any, **kwargs: Any) -> bool:
        """Open one of ui/key_dialogs.py; after a save everything that shows keys is refreshed."""
        module = importlib.import_module("ui.key_dialogs")
        dlg = getattr(module, name)(*args, **kwargs)
        try:
            ok = bool(dlg.exec())
        finally:
            dlg.deleteLater()
        if ok:
            self.bus.notify("key")
        return ok

    def _selected_key(self) -> KeyRow | None:
        c = self.grid.current_cell()
        if c is None or c.key_id is None:
            return None
        try:
            return self.ctx.query(lambda s, _a: keys.key_row(s, c.key_id))
        except AppError:
            return None

    def open_key(self, key_id: int) -> bool:
        """The key's card: its history and the actions its state allows."""
        return self._dialog("KeyCardDialog", self.ctx, self.runner, key_id, self)

    def lend(self) -> bool:
        if not self.can_handle:
            return False
        return self._dialog("LoanDialog", self.ctx, self.runner, self, key_ids=self._keys_to_lend())

    def _keys_to_lend(self) -> tuple[int, ...]:
        """The selected key if it is in the cabinet; all outlined ones in the cabinet if it is one of them."""
        c = self.grid.current_cell()
        if c is None or c.key_id is None or c.state != KeyState.IN:
            return ()
        model = self.grid.grid_model
        if model.is_highlighted(c.key_id):
            lit = [x.key_id for x in model.cells() if x.key_id is not None and model.is_highlighted(x.key_id)
                   and x.state == KeyState.IN]
            return tuple(dict.fromkeys([c.key_id, *lit]))  # type: ignore[list-item]
        return (c.key_id,)

    def return_keys(self, loan_id: int | None = None) -> bool:
        if not self.can_handle:
            return False
        if loan_id is None and self.views.currentIndex() == LOANS:
            loan_id = self.selected_loan_id()
        if loan_id is None:
            c = self.grid.current_cell()
            if c is not None and c.key_id is not None and c.state in (KeyState.OUT, OVERDUE):
                try:
                    loan_id = self.ctx.query(lambda s, _a: keys.open_loan_for_key(s, c.key_id))
                except AppError as e:
                    dialogs.show_app_error(self, e)
                    return False
        return self._dialog("ReturnDialog", self.ctx, self.runner, self, loan_id=loan_id)

    def remind(self, loan_id: int | None = None) -> bool:
        loan_id = loan_id if loan_id is not None else self.selected_loan_id()
        if loan_id is None or not self.can_handle:
            return False
        return self._dialog("ReminderDialog", self.ctx, self, loan_id)

    def accept_keys(self) -> bool:
        return self.can_handle and self._dialog("AcceptanceDialog", self.ctx, self.runner, self,
                                                cabinet_id=self.current_cabinet_id())

    def deposit(self) -> bool:
        if not self.can_handle:
            return False
        k = self._selected_key()
        return self._dialog("DepositDialog", self.ctx, self.runner, self, cabinet_id=self.current_cabinet_id(),
                            room_id=k.room_id if k is not None else None)

    def give_back(self) -> bool:
        if not self.can_handle:
            return False
        k = self._selected_key()
        dep = k.deposit_id if k is not None and k.kind == keys.KeyKind.DEPOSIT else None
        return self._dialog("GiveBackDialog", self.ctx, self.runner, self, deposit_id=dep)

    def handover(self) -> bool:
        if not self.can_handle:
            return False
        k = self._selected_key()
        return self._dialog("HandoverDialog", self.ctx, self.runner, self, room_id=k.room_id if k else None)

    def count_cabinet(self) -> bool:
        cab = self.current_cabinet_id()
        if cab is None or not self.can_handle:
            return False
        return self._dialog("CountDialog", self.ctx, self, cab)

    def check_cabinet_labels(self) -> bool:
        cab = self.current_cabinet_id()
        if cab is None or not self.can_handle:
            return False
        return self._dialog("LabelCheckDialog", self.ctx, self, cab)

    def archive_records(self) -> bool:
        return self.actor.can(Perm.APPROVE_KEYS) and self._dialog("ArchiveDialog", self.ctx, self)

    def setup_cabinet(self) -> bool:
        return self.can_setup and self._dialog("CabinetSetupDialog", self.ctx, self,
                                               cabinet_id=self.current_cabinet_id())

    def handle_incident(self, incident_id: int | None = None) -> bool:
        if incident_id is None:
            idx = self.inc_table.currentIndex()
            row = self.inc_model.row_at(idx.row()) if idx.isValid() else None
            incident_id = row.id if row is not None else None
        if incident_id is None or not self.can_handle:
            return False
        return self._dialog("IncidentDialog", self.ctx, self.runner, self, incident_id)

    def report_missing(self) -> int | None:
        """A key the last count found missing starts the lost-key procedure."""
        cidx = self.count_table.currentIndex()
        row = self.count_model.row_at(cidx.row()) if cidx.isValid() else None
        idx = self.mismatch_table.currentIndex()
        line = self.mismatch_model.row_at(idx.row()) if idx.isValid() else None
        if row is None or row.count is None or line is None or line.result != "missing" or not self.can_handle:
            return None
        if not dialogs.confirm(self, self.tr("按遗失上报"), self.tr(
                "盘点时钩位 {hook} 上的钥匙 {number}（{room}）不在。报告主管按遗失处理？").format(
                hook=line.hook_label, number=line.key_number, room=line.room_code)):
            return None
        try:
            incident_id = self.ctx.call(keys.incident_from_count, row.count.id, line.hook_id)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return None
        self.bus.notify("key")
        return incident_id

    def check_labels(self, replaced: bool = False) -> int:
        """钥匙整理与保管3: the current hook's label was checked (or replaced because faded)."""
        c = self.grid.current_cell()
        if c is None or not self.can_handle:
            return 0
        try:
            n = self.ctx.call(keys.check_labels, [c.hook_id], replaced=replaced)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return 0
        self.bus.notify("key")
        return n

    # ================================================================ slots
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_cabinet_changed(self, _i: int) -> None:
        self.load_grid()
        self.grid.scrollToTop()

    def _on_view_changed(self, index: int) -> None:
        self._load_view(index)

    def _on_grid_current(self, _cur: QModelIndex, _prev: QModelIndex) -> None:
        self._show_hook_info()

    def _show_hook_info(self) -> None:
        c = self.grid.current_cell()
        self.hook_info.setText(self.grid.grid_model.tooltip(c).replace("\n", " · ") if c is not None else
                               self.tr("点一个钩位打开钥匙；方向键移动，Enter 打开。"))

    def _on_grid_menu(self, pos: QPoint) -> None:
        idx = self.grid.indexAt(pos)
        if not idx.isValid():
            return
        self.grid.setCurrentIndex(idx)
        c = self.grid.current_cell()
        if c is None:
            return
        menu = QMenu(self)
        actions: list[tuple[str, Callable[[], object]]] = []
        if c.key_id is not None:
            key_id = c.key_id
            actions.append((self.tr("打开钥匙…"), lambda: self.open_key(key_id)))
            if self.can_handle and c.state == KeyState.IN:
                actions.append((self.tr("借出…"), self.lend))
            if self.can_handle and c.state in (KeyState.OUT, OVERDUE):
                actions.append((self.tr("归还…"), self.return_keys))
        if self.can_handle:
            actions.append((self.tr("标签已检查"), lambda: self.check_labels(False)))
            actions.append((self.tr("标签已更换"), lambda: self.check_labels(True)))
        for text, fn in actions:
            menu.addAction(text).triggered.connect(lambda _c=False, f=fn: f())
        menu.popup(self.grid.viewport().mapToGlobal(pos))

    def _on_register_activated(self, index: QModelIndex) -> None:
        r = self.reg_model.row_at(index.row())
        if r is not None:
            self.open_key(r.id)

    def _on_loan_current(self, table: QTableView, current: QModelIndex) -> None:
        if current.isValid():
            self._loan_table = table
            other = self.loans_table if table is self.due_table else self.due_table
            other.clearSelection()
        self._sync_loan_buttons()

    def _on_loan_activated(self, table: QTableView) -> None:
        self._loan_table = table
        loan_id = self.selected_loan_id()
        if loan_id is not None:
            self.return_keys(loan_id)

    def _on_count_current(self, *_args: object) -> None:
        self._show_mismatches()

    def _on_data_changed(self, entities: set[str]) -> None:
        if entities & {"room", "roster"}:
            self._reload_lookups()
        if entities & REFRESH_ON:
            self.refresh()

    # ================================================================ colours and columns
    @staticmethod
    def _key_color(r: KeyRow) -> QColor | None:
        if r.overdue:
            return LATE
        if r.state in (KeyState.RETIRED, KeyState.HANDED):
            return DONE
        return None

    def register_columns(self) -> list[Column[KeyRow]]:
        return [
            Column(self.tr("钥匙编号"), lambda r: r.number, kind=ColKind.CODE),
            Column(self.tr("房号"), lambda r: r.room_code, kind=ColKind.CODE),
            Column(self.tr("类别"), lambda r: label(r.kind_label)),
            Column(self.tr("数量"), lambda r: r.copies, kind=ColKind.INT,
                   align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            Column(self.tr("状态"), lambda r: label(r.state_label)),
            Column(self.tr("钩位"), lambda r: r.hook),
            Column(self.tr("借用人"), lambda r: r.holder, tooltip=lambda r: r.holder),
            Column(self.tr("应还时间"), lambda r: fmt_local(r.due_at), sort_key=lambda r: r.due_at,
                   kind=ColKind.DATETIME, value=lambda r: r.due_at),
        ]

    def due_columns(self) -> list[Column[DueRow]]:
        return [
            Column(self.tr("原因"), lambda d: label(d.reason_label)),
            Column(self.tr("借领单号"), lambda d: d.loan.serial, kind=ColKind.CODE),
            Column(self.tr("借匙人"), lambda d: d.loan.holder),
            Column(self.tr("类别"), lambda d: label(d.loan.borrower_label)),
            Column(self.tr("电话"), lambda d: d.loan.phone, kind=ColKind.CODE),
            Column(self.tr("钥匙"), lambda d: _items_text(d.loan), tooltip=lambda d: _items_text(d.loan)),
            Column(self.tr("借出时间"), lambda d: fmt_local(d.loan.lent_at)),
            Column(self.tr("应还时间"), lambda d: fmt_local(d.loan.due_at)),
            Column(self.tr("已催还"), lambda d: self.tr("{n} 次").format(n=d.loan.reminders) if d.loan.reminders
                   else "", kind=ColKind.INT, value=lambda d: d.loan.reminders),
            Column(self.tr("最近催还"), lambda d: fmt_local(d.loan.last_reminded_at)),
        ]

    def loan_columns(self) -> list[Column[LoanRow]]:
        return [
            Column(self.tr("借领单号"), lambda r: r.serial, kind=ColKind.CODE),
            Column(self.tr("借匙人"), lambda r: r.holder),
            Column(self.tr("类别"), lambda r: label(r.borrower_label)),
            Column(self.tr("钥匙"), _items_text, tooltip=_items_text),
            Column(self.tr("数量"), lambda r: r.copies, kind=ColKind.INT),
            Column(self.tr("借出时间"), lambda r: fmt_local(r.lent_at)),
            Column(self.tr("应还时间"), lambda r: fmt_local(r.due_at)),
            Column(self.tr("状态"), lambda r: label(r.state_label)),
            Column(self.tr("已催还"), lambda r: self.tr("{n} 次").format(n=r.reminders) if r.reminders else ""),
            Column(self.tr("事由"), lambda r: r.purpose, tooltip=lambda r: r.purpose),
        ]

    def incident_columns(self) -> list[Column[IncidentRow]]:
        return [
            Column(self.tr("报告时间"), lambda r: fmt_local(r.reported_at)),
            Column(self.tr("钥匙编号"), lambda r: r.key_number, kind=ColKind.CODE),
            Column(self.tr("房号"), lambda r: r.room_code, kind=ColKind.CODE),
            Column(self.tr("情况"), lambda r: label(r.kind_label)),
            Column(self.tr("数量"), lambda r: r.copies, kind=ColKind.INT),
            Column(self.tr("来源"), lambda r: label(r.source_label)),
            Column(self.tr("状态"), lambda r: label(r.state_label)),
            Column(self.tr("处理"), lambda r: label(r.remedy_label) if r.remedy else ""),
            Column(self.tr("借领单号"), lambda r: r.loan_serial, kind=ColKind.CODE),
            Column(self.tr("说明"), lambda r: r.description.replace("\n", " "), tooltip=lambda r: r.description),
        ]

    def count_columns(self) -> list[Column[CabinetCount]]:
        def n(f: Callable[[CountRow], int]) -> Callable[[CabinetCount], object]:
            return lambda c: f(c.count) if c.count is not None else ""

        return [
            Column(self.tr("钥匙柜"), lambda c: c.cabinet.name),
            Column(self.tr("最近盘点"), lambda c: fmt_local(c.count.finished_at) if c.count else self.tr("未盘点")),
            Column(self.tr("盘点人"), lambda c: c.count.counted_by if c.count else ""),
            Column(self.tr("应在柜"), n(lambda x: x.expected)),
            Column(self.tr("在位"), n(lambda x: x.present)),
            Column(self.tr("缺失"), n(lambda x: x.missing)),
            Column(self.tr("账外在位"), n(lambda x: x.unexpected)),
            Column(self.tr("备注"), lambda c: c.count.note if c.count else ""),
        ]

    def mismatch_columns(self) -> list[Column[CountLineRow]]:
        return [
            Column(self.tr("钩位"), lambda x: x.hook_label),
            Column(self.tr("钥匙编号"), lambda x: x.key_number, kind=ColKind.CODE),
            Column(self.tr("房号"), lambda x: x.room_code, kind=ColKind.CODE),
            Column(self.tr("结果"), lambda x: label(x.result_label)),
            Column(self.tr("说明"), lambda x: x.note),
            Column(self.tr("遗失处理"), lambda x: self.tr("已上报") if x.incident_id else ""),
        ]
