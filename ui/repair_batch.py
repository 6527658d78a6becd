"""批量打印派工单: the orders engineers signed for in a morning (or afternoon, or day), one PDF."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import printing, repairs
from app.context import AppContext
from app.errors import AppError
from app.repairs import RepairRow
from app.timeutil import fmt_local, local_day_bounds, to_local
from ui import dialogs
from ui.labels import label
from ui.printing import SlipPrinter, print_slips
from ui.runner import Runner


class Period(StrEnum):
    MORNING = "morning"      # 00:00–12:00
    AFTERNOON = "afternoon"  # 12:00–24:00
    DAY = "day"


def period_bounds(day: date, period: Period) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the part of the local `day`."""
    start, end = local_day_bounds(day)
    noon = start + timedelta(hours=12)
    if period == Period.MORNING:
        return start, noon
    if period == Period.AFTERNOON:
        return noon, end
    return start, end


def default_period(now: datetime | None = None) -> Period:
    """上午 before 13:00 (the morning's slips are printed before lunch), else the whole day."""
    local = to_local(now) if now is not None else datetime.now().astimezone()
    assert local is not None
    return Period.MORNING if local.hour < 13 else Period.DAY


class RepairBatchDialog(QDialog):
    """Choose a day and 上午/下午/全天; every order signed for then and still with its engineer is
    listed and ticked; 打印… makes one PDF of the ticked orders' slips (preview, print, 另存为 PDF) and
    records each slip as printed (补打 on the pages of those printed before)."""

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.settings = QSettings(str(ctx.paths.data_dir / "ui.ini"), QSettings.Format.IniFormat)
        self.setWindowTitle(self.tr("批量打印维修派工单"))
        self.setMinimumSize(760, 460)
        self.rows: list[RepairRow] = []
        self.printer: SlipPrinter | None = None

        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.period = QComboBox()
        self.period.setObjectName("period")
        for p, text in ((Period.MORNING, self.tr("上午（00:00–12:00）")),
                        (Period.AFTERNOON, self.tr("下午（12:00–24:00）")),
                        (Period.DAY, self.tr("全天"))):
            self.period.addItem(text, str(p))
        self.period.setCurrentIndex(self.period.findData(str(default_period())))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("签收日期")))
        top.addWidget(self.day)
        top.addSpacing(12)
        top.addWidget(QLabel(self.tr("时段")))
        top.addWidget(self.period)
        top.addStretch(1)

        headers = [self.tr("编号"), self.tr("维修人员"), self.tr("房号/位置"), self.tr("类别"),
                   self.tr("签收时间"), self.tr("状态"), self.tr("打印记录")]
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName("orders")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel()
        self.empty.setObjectName("empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

        self.check_all = QPushButton(self.tr("全选"))
        self.check_none = QPushButton(self.tr("全不选"))
        self.count = QLabel()
        self.count.setObjectName("count")
        self.two_copies = QCheckBox(self.tr("两联（A4）"))
        self.two_copies.setObjectName("two_copies")
        self.two_copies.setToolTip(self.tr("客服中心联和维修人员联打在一张 A4 纸上，中间裁开"))
        self.two_copies.setChecked(self.settings.value("repairs/batch_two_copies", "false") == "true")
        row = QHBoxLayout()
        row.addWidget(self.check_all)
        row.addWidget(self.check_none)
        row.addWidget(self.count, 1)
        row.addWidget(self.two_copies)

        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.print_btn = self.buttons.addButton(self.tr("打印…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_btn.setObjectName("print")
        self.print_btn.setDefault(True)
        close = self.buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.print_btn.clicked.connect(self.print_checked)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty, 1)
        lay.addLayout(row)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)

        self.day.dateChanged.connect(lambda _d: self.reload())
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.itemChanged.connect(lambda _item: self._update_count())
        self.check_all.clicked.connect(lambda: self.set_all_checked(True))
        self.check_none.clicked.connect(lambda: self.set_all_checked(False))
        self.two_copies.toggled.connect(
            lambda on: self.settings.setValue("repairs/batch_two_copies", "true" if on else "false"))
        self.reload()

    # ---------------------------------------------------------------- the list
    def selected_period(self) -> Period:
        return Period(self.period.currentData())

    def bounds(self) -> tuple[datetime, datetime]:
        return period_bounds(self.day.date().toPython(), self.selected_period())

    def reload(self) -> None:
        """List the orders signed for in the chosen period, all ticked."""
        start, end = self.bounds()
        self.status.clear()
        try:
            with self.ctx.read() as s:
                self.rows = repairs.dispatched_between(s, self.ctx.actor, start, end)
                prints = {r.id: len(printing.history(s, "repair", r.id)) for r in self.rows}
        except AppError as e:
            self.rows, prints = [], {}
            self.status.setText(e.message)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            serial = QTableWidgetItem(r.serial)
            serial.setData(Qt.ItemDataRole.UserRole, r.id)
            serial.setFlags(serial.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            serial.setCheckState(Qt.CheckState.Checked)
            n = prints.get(r.id, 0)
            cells = [serial, QTableWidgetItem(r.engineer_name), QTableWidgetItem(r.place),
                     QTableWidgetItem(r.category), QTableWidgetItem(fmt_local(r.dispatched_at)[11:]),
                     QTableWidgetItem(label(r.state_label)),
                     QTableWidgetItem(self.tr("已打印 {n} 次（将补打）").format(n=n) if n else "")]
            for c, item in enumerate(cells):
                if c:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(i, c, item)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        empty = not self.rows
        self.table.setVisible(not empty)
        self.empty.setVisible(empty)
        if empty:
            self.empty.setText(self.tr("{day} {period}没有签收后仍在维修人员手中的派工单"
                                       "（已派工、维修中、待确认费用），无需打印。").format(
                day=self.day.date().toString("yyyy-MM-dd"), period=self.period.currentText()))
        for w in (self.check_all, self.check_none, self.print_btn):
            w.setEnabled(not empty)
        self._update_count()

    def set_all_checked(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for i in range(self.table.rowCount()):
            self.table.item(i, 0).setCheckState(state)

    def set_checked(self, order_id: int, on: bool) -> None:
        for i in range(self.table.rowCount()):
            item = self.table.item(i, 0)
            if item.data(Qt.ItemDataRole.UserRole) == order_id:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def checked_ids(self) -> list[int]:
        """The ticked orders in the listed order (by engineer, then time signed for)."""
        out = []
        for i in range(self.table.rowCount()):
            item = self.table.item(i, 0)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _update_count(self) -> None:
        n = len(self.checked_ids())
        self.count.setText(self.tr("共 {total} 单，已选 {n} 单").format(total=len(self.rows), n=n)
                           if self.rows else "")
        if self.rows:
            self.print_btn.setEnabled(n > 0)

    # ---------------------------------------------------------------- printing
    def print_checked(self) -> SlipPrinter | None:
        """One PDF of the ticked orders' slips, through the usual preview (print or 另存为 PDF)."""
        if not self.rows:
            dialogs.info(self, self.tr("批量打印"), self.tr("所选时段没有可打印的派工单。"))
            return None
        ids = self.checked_ids()
        if not ids:
            dialogs.info(self, self.tr("批量打印"), self.tr("请至少勾选一张派工单。"))
            return None
        two = self.two_copies.isChecked()
        self.status.clear()
        self.printer = print_slips(self, self.ctx, self.runner,
                                   lambda s, a, i: repairs.repair_slip(s, a, i, two_copies=two), "repair", ids)
        count = len(ids)
        self.printer.printed.connect(lambda output: self._on_printed(output, count))
        return self.printer

    def _on_printed(self, output: str, n: int) -> None:
        keep = set(self.checked_ids())
        self.reload()  # the print records changed
        for i in range(self.table.rowCount()):  # the ticks stay as the clerk left them
            item = self.table.item(i, 0)
            if int(item.data(Qt.ItemDataRole.UserRole)) not in keep:
                item.setCheckState(Qt.CheckState.Unchecked)
        if output == "pdf":
            self.status.setText(self.tr("已将 {n} 张派工单另存为 PDF，并记入打印记录。").format(n=n))
        else:
            self.status.setText(self.tr("已打印 {n} 张派工单，并记入打印记录。").format(n=n))
