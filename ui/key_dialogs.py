"""The key cabinet's dialogs (钥匙领用分发, DOMAIN.md §三): the key card, 借出 and 归还, 催还, 钥匙验收,
业主托存 and its return against the ID, 收房交付 and the decoration permit, 遗失/损坏 and its handling
(补配 or 换锁), 盘点 and label checks, cabinet set-up with bulk keys, and archiving old records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, QStringListModel, Qt
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import keys, rooms, staff
from app.context import AppContext
from app.errors import AppError, NotFoundError, StorageError, ValidationError
from app.keys import (
    BORROWER_LABELS,
    DISPLAY_LABELS,
    HANDOVER_KINDS,
    HANDOVER_LABELS,
    INCIDENT_KIND_LABELS,
    KIND_LABELS,
    MAX_COPIES,
    REMEDY_LABELS,
    REMINDER_LABELS,
    AcceptanceData,
    AcceptItem,
    Action,
    Borrower,
    DelegateData,
    DepositData,
    DepositRow,
    EventRow,
    HandoverData,
    HandoverKind,
    HookCell,
    IncidentKind,
    IncidentRow,
    IncidentState,
    KeyDetail,
    KeyKind,
    KeyQuery,
    KeyRow,
    KeyState,
    LoanData,
    LoanItemData,
    LoanRow,
    NewKey,
    PermitData,
    PermitRow,
    Remedy,
    ReminderMethod,
)
from app.roles import Perm
from app.rooms import Relation, RoomQuery
from app.timeutil import fmt_local, local_today
from app.validation import clean_room_code, is_masked, phone_problem, resident_id_problem
from ui import dialogs
from ui.forms import ERROR_STYLE, FormDialog
from ui.labels import label
from ui.printing import print_slip
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, room_completer, setup_table

REFUSAL_STYLE = ERROR_STYLE + " font-weight: bold; font-size: 13px;"
FOUND_STYLE = "color: #1e7e34;"
HINT_STYLE = "color: #666;"
WARN_STYLE = "color: #b35900; font-weight: bold;"
# The state chip on the key card: colour and text together (a colour-blind clerk reads the text).
STATE_COLORS = {"in": "#2e7d32", "out": "#1565c0", "overdue": "#c62828", "lost": "#c62828",
                "damaged": "#ef6c00", "retired": "#757575", "handed": "#6a1b9a", "empty": "#9e9e9e"}
# Key numbers made for a room follow app.keys.bulk_create_keys: 房号-类别 (3-2-1201-S).
NUMBER_SUFFIX = {KeyKind.CONSTRUCTION: "S", KeyKind.DECORATION_1: "Z1", KeyKind.DECORATION_2: "Z2",
                 KeyKind.OFFICIAL: "G", KeyKind.DEPOSIT: "T", KeyKind.COMMON: "P"}


# ---------------------------------------------------------------- small helpers


def _select(box: QComboBox, value: object) -> None:
    i = box.findData(value)
    if i >= 0:
        box.setCurrentIndex(i)


def _pydate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _note(text: str = "", style: str = HINT_STYLE, name: str = "") -> QLabel:
    w = QLabel(text)
    w.setWordWrap(True)
    w.setStyleSheet(style)
    if name:
        w.setObjectName(name)
    return w


def _row_widget(*widgets: QWidget | None, stretch_last: bool = False) -> QWidget:
    holder = QWidget()
    h = QHBoxLayout(holder)
    h.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        if w is None:
            h.addStretch(1)
        else:
            h.addWidget(w)
    if stretch_last:
        h.addStretch(1)
    return holder


def _item_table(headers: Sequence[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(list(headers))
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(30)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.horizontalHeader().setHighlightSections(False)
    t.setWordWrap(False)
    return t


def _ro_item(text: str, data: object = None) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if data is not None:
        it.setData(Qt.ItemDataRole.UserRole, data)
    return it


def _fit_table(t: QTableWidget, minimum: int = 64) -> None:
    """Columns fit their contents (Chinese headers included), the last one takes the rest."""
    h = t.horizontalHeader()
    h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.resizeColumnsToContents()
    for c in range(t.columnCount()):
        if h.sectionSize(c) < minimum:
            h.resizeSection(c, minimum)
    h.setStretchLastSection(True)


def _fit_rows(t: QTableWidget, min_rows: int = 2, max_rows: int = 8) -> None:
    """Height for the rows it has (at least `min_rows`, scrolling past `max_rows`): no blank acre."""
    n = min(max(t.rowCount(), min_rows), max_rows)
    rows = sum(t.rowHeight(r) for r in range(min(t.rowCount(), n)))
    rows += (n - min(t.rowCount(), n)) * t.verticalHeader().defaultSectionSize()
    t.setFixedHeight(t.horizontalHeader().sizeHint().height() + rows + 2 * t.frameWidth() + 2)


def _chain(widgets: Sequence[QWidget | None]) -> None:
    seq = [w for w in widgets if w is not None]
    for a, b in zip(seq, seq[1:], strict=False):
        QWidget.setTabOrder(a, b)


def _state_chip(state: str) -> str:
    color = STATE_COLORS.get(state, "#555")
    return (f"<span style='background:{color}; color:white; padding:2px 8px; border-radius:3px;'>"
            f"&nbsp;{label(DISPLAY_LABELS.get(state, state))}&nbsp;</span>")


def _owners(ctx: AppContext, room_id: int | None) -> list[rooms.PersonRow]:
    """The room's owners (phones and ID numbers masked), for picking who borrows, deposits or signs."""
    if room_id is None:
        return []
    try:
        detail = ctx.query(rooms.room_detail, room_id)
    except AppError:
        return []
    return [o.person for o in detail.occupants if o.active and o.relation == Relation.OWNER]


def _room_id(ctx: AppContext, code: str) -> int | None:
    code = code.strip()
    return ctx.query(lambda s, _a: rooms.find_room_id(s, code)) if code else None


def _free_hooks(ctx: AppContext, cabinet_id: int | None) -> list[tuple[int, str]]:
    if cabinet_id is None:
        return []
    return ctx.query(lambda s, _a: keys.empty_hooks(s, cabinet_id))


def _cabinet_box(ctx: AppContext, cabinet_id: int | None) -> QComboBox:
    box = QComboBox()
    for c in ctx.query(lambda s, _a: keys.cabinets(s)):
        box.addItem(QCoreApplication.translate("key_dialogs", "{name}（空钩 {free} 个）").format(
            name=c.name, free=c.hooks - c.keys), c.id)
    if cabinet_id is not None:
        _select(box, cabinet_id)
    return box


def _fill_hooks(box: QComboBox, hooks: Sequence[tuple[int, str]], keep: object = None,
                none_text: str = "") -> None:
    box.blockSignals(True)
    box.clear()
    if none_text:
        box.addItem(none_text, None)
    for hid, lbl in hooks:
        box.addItem(lbl, hid)
    if keep is not None:
        _select(box, keep)
    box.blockSignals(False)


def print_record(widget: QWidget, ctx: AppContext, runner: Runner, builder: str, entity: str,
                 entity_id: int) -> Any:
    """Print the slip of a key record with app.key_slips (imported when printing, as the panels do)."""
    from app import key_slips

    host = widget.parentWidget() or widget  # the dialog closes; the preview belongs to its owner
    return print_slip(host, ctx, runner, getattr(key_slips, builder), entity, entity_id)


# ---------------------------------------------------------------- the form base


class _KeyForm(FormDialog):
    """A FormDialog whose service refusals stay in the form, beside their field or in red above the
    buttons, with what the clerk typed left in place."""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.ctx = ctx
        self.banner.setStyleSheet(REFUSAL_STYLE)
        self.banner.setObjectName("refusal")
        self.printer: Any = None

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`fn(session, actor, …)` in one transaction; a refusal becomes a form error."""
        try:
            with self.ctx.tx() as s:
                return fn(s, self.ctx.actor, *args, **kwargs)
        except (ValidationError, StorageError):
            raise
        except AppError as e:
            key = e.field if e.field in self._errors else "_"
            raise ValidationError(errors={key: e.message}) from e

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def row_visible(self, widget: QWidget, visible: bool) -> None:
        """Show or hide the form row of a field added with add_field."""
        w: QWidget | None = widget
        while w is not None and w is not self and self.form.indexOf(w) < 0:
            w = w.parentWidget()
        if w is not None and w is not self:
            self.form.setRowVisible(w, visible)

    def print_box(self, title: str) -> QCheckBox:
        box = QCheckBox(self.tr("保存后打印{title}").format(title=title))
        box.setObjectName("print_after")
        box.setChecked(True)
        self.form.addRow("", box)
        return box

    def print_if_asked(self, builder: str, entity: str, record_id: int | None) -> None:
        """After saving: the record's slip, when 保存后打印 is ticked (the preview belongs to the parent)."""
        if record_id is not None and self.print_after.isChecked():
            self.printer = print_record(self, self.ctx, self.runner, builder, entity, record_id)


class _KeyFilter(QObject):
    """Runs `action` for `keys` pressed in `widget`, instead of what the widget or the form would do."""

    def __init__(self, widget: QWidget, keys_: Sequence[Qt.Key], action: Callable[[], None]) -> None:
        super().__init__(widget)
        self.keys, self.action = set(keys_), action
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and event.key() in self.keys:  # type: ignore[attr-defined]
            self.action()
            return True
        return super().eventFilter(obj, event)


class _EnterFilter(_KeyFilter):
    """Enter in a search or add field runs `action` instead of saving the form."""

    def __init__(self, edit: QLineEdit, action: Callable[[], None]) -> None:
        super().__init__(edit, (Qt.Key.Key_Return, Qt.Key.Key_Enter), action)
        edit.returnPressed.connect(action)  # from the completer's popup (it bypasses the filter)


# ---------------------------------------------------------------- the key card


class KeyCardDialog(QDialog):
    """One key: what it is, where it hangs, who holds it, its deposit or acceptance, its incidents and
    its whole history; buttons for what the rules allow now."""

    def __init__(self, ctx: AppContext, runner: Runner, key_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.key_id = ctx, runner, key_id
        self.changed = False
        self.detail: KeyDetail | None = None
        self.printer: Any = None
        self.resize(980, 680)

        self.title = QLabel()
        self.title.setObjectName("key_title")
        f = self.title.font()
        f.setPointSize(f.pointSize() + 5)
        f.setBold(True)
        self.title.setFont(f)
        self.chip = QLabel()
        self.chip.setObjectName("key_state")
        self.chip.setTextFormat(Qt.TextFormat.RichText)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.chip)
        head.addStretch(1)

        self.values: dict[str, QLabel] = {}
        left, right = QFormLayout(), QFormLayout()
        for form, fields in ((left, (("room", self.tr("房号")), ("kind", self.tr("类别")),
                                      ("copies", self.tr("数量")), ("door", self.tr("门锁")))),
                             (right, (("hook", self.tr("钩位")), ("holder", self.tr("借用人")),
                                      ("due", self.tr("应还时间")), ("origin", self.tr("来源"))))):
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            for key, text in fields:
                v = QLabel()
                v.setObjectName(f"value_{key}")
                v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                v.setWordWrap(True)
                self.values[key] = v
                form.addRow(text, v)
        info = QHBoxLayout()
        info.addLayout(left, 1)
        info.addLayout(right, 1)

        self.deposit_box = QGroupBox(self.tr("业主托存"))
        self.deposit_box.setObjectName("deposit_box")
        self.deposit_text = QLabel()
        self.deposit_text.setObjectName("deposit_text")
        self.deposit_text.setWordWrap(True)
        self.deposit_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.deposit_box).addWidget(self.deposit_text)

        self.events: RowTableModel[EventRow] = RowTableModel([
            Column(self.tr("时间"), lambda e: fmt_local(e.at)),
            Column(self.tr("经办人"), lambda e: e.username),
            Column(self.tr("操作"), lambda e: label(e.action_label)),
            Column(self.tr("状态变化"), lambda e: e.change_label),
            Column(self.tr("说明"), lambda e: e.note, tooltip=lambda e: e.note),
            Column(self.tr("单号"), lambda e: e.ref),
        ], self)
        self.history = QTableView()
        self.history.setObjectName("history")
        setup_table(self.history)
        self.history.setModel(self.events)
        self.incident_model: RowTableModel[IncidentRow] = RowTableModel([
            Column(self.tr("报告时间"), lambda i: fmt_local(i.reported_at)),
            Column(self.tr("类别"), lambda i: label(i.kind_label)),
            Column(self.tr("数量"), lambda i: str(i.copies)),
            Column(self.tr("来源"), lambda i: label(i.source_label)),
            Column(self.tr("状态"), lambda i: label(i.state_label)),
            Column(self.tr("处理"), lambda i: label(i.remedy_label)),
            Column(self.tr("经过/结果"), lambda i: i.outcome or i.description,
                   tooltip=lambda i: i.outcome or i.description),
        ], self)
        self.incident_view = QTableView()
        self.incident_view.setObjectName("incidents")
        setup_table(self.incident_view)
        self.incident_view.setModel(self.incident_model)
        self.incident_view.doubleClicked.connect(lambda _i: self._on_incident_row())
        self.tabs = QTabWidget()
        self.tabs.addTab(self.history, "")
        self.tabs.addTab(self.incident_view, "")

        # One button per action of the transition table, shown when the rules allow it now.
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text, slot in (
                (Action.LEND, self.tr("借出…"), self._on_lend),
                (Action.RETURN, self.tr("归还…"), self._on_return),
                ("remind", self.tr("催还…"), self._on_remind),
                (Action.HAND_OVER, self.tr("交付业主…"), self._on_hand_over),
                (Action.GIVE_BACK, self.tr("托存交还…"), self._on_give_back),
                (Action.REPORT, self.tr("报告遗失/损坏…"), self._on_report),
                ("incident", self.tr("处理遗失/损坏…"), self._on_incident),
                (Action.MOVE, self.tr("换钩位…"), self._on_move),
                ("print", self.tr("打印…"), self._on_print)):
            b = QPushButton(text)
            b.setObjectName(f"action_{key}")
            b.setAutoDefault(False)
            b.clicked.connect(slot)
            self.buttons[str(key)] = b
            bar.addWidget(b)
        bar.addStretch(1)
        close = QPushButton(self.tr("关闭"))
        close.setObjectName("close")
        close.clicked.connect(self.reject)
        bar.addWidget(close)

        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addLayout(info)
        lay.addWidget(self.deposit_box)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(bar)
        self.reload()

    # ---------------------------------------------------------------- showing
    def reload(self) -> None:
        try:
            d = self.ctx.query(keys.key_detail, self.key_id)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.detail = d
        r = d.row
        self.setWindowTitle(self.tr("钥匙 {number}").format(number=r.number))
        self.title.setText(r.number)
        self.chip.setText(_state_chip(r.display_state))
        v = self.values
        v["room"].setText(r.room_code)
        v["kind"].setText(label(r.kind_label))
        v["copies"].setText(self.tr("{n} 把").format(n=r.copies))
        door = r.door or self.tr("（未注明）")
        v["door"].setText(self.tr("{door}，第 {n} 代锁").format(door=door, n=r.lock_no) if r.lock_no > 1 else door)
        v["hook"].setText(r.hook or "—")
        v["holder"].setText(r.holder or "—")
        due = fmt_local(r.due_at) if r.due_at else "—"
        if r.overdue:
            v["due"].setText(self.tr("{due}（已逾期）").format(due=due))
            v["due"].setStyleSheet("color: #c62828; font-weight: bold;")
        else:
            v["due"].setText(due)
            v["due"].setStyleSheet("")
        origin = []
        if r.loan_serial:
            origin.append(self.tr("借领单 {serial}").format(serial=r.loan_serial))
        if d.acceptance_serial:
            origin.append(self.tr("验收单 {serial}").format(serial=d.acceptance_serial))
        if d.deposit is not None:
            origin.append(self.tr("托存登记 {serial}").format(serial=d.deposit.serial))
        v["origin"].setText("；".join(origin) or "—")
        self.deposit_box.setVisible(d.deposit is not None)
        if d.deposit is not None:
            self.deposit_text.setText(self._deposit_text(d.deposit))
        self.events.set_rows(d.events)
        fit_columns(self.history)
        self.incident_model.set_rows(d.incidents)
        fit_columns(self.incident_view)
        self.tabs.setTabText(0, self.tr("履历（{n}）").format(n=len(d.events)))
        self.tabs.setTabText(1, self.tr("遗失/损坏（{n}）").format(n=len(d.incidents)))
        allowed = {str(a) for a in d.actions}
        if r.state == KeyState.OUT:
            # report_incident refuses a key out on loan (its shortfall is counted at the return),
            # though the transition table lists 借出 among REPORT's sources.
            allowed.discard(str(Action.REPORT))
        for key, b in self.buttons.items():
            b.setVisible(key in allowed)
        self.buttons["remind"].setVisible(r.loan_id is not None and self.ctx.actor is not None
                                          and self.ctx.actor.can(Perm.HANDLE_KEYS))
        self.buttons["incident"].setVisible(self._open_incident() is not None)
        self.buttons["print"].setVisible(bool(self.slip_refs()))

    def _deposit_text(self, dep: DepositRow) -> str:
        lines = [self.tr("{serial}（{state}）　业主：{owner}　身份证：{id}　电话：{phone}").format(
            serial=dep.serial, state=label(dep.state_label), owner=dep.owner_name, id=dep.owner_id_number,
            phone=dep.phone or "—"),
            self.tr("托存时间：{at}　原因：{reason}").format(at=fmt_local(dep.deposited_at), reason=dep.reason or "—")]
        for x in dep.delegates:
            lines.append(self.tr("代领人：{name}　身份证：{id}　有效期至 {until}").format(
                name=x.name, id=x.id_number, until=x.valid_until.isoformat()))
        if dep.returned_at:
            lines.append(self.tr("已于 {at} 交还 {who}").format(at=fmt_local(dep.returned_at), who=dep.returned_to))
        return "\n".join(lines)

    def _open_incident(self) -> IncidentRow | None:
        if self.detail is None:
            return None
        for i in reversed(self.detail.incidents):
            if i.state in (IncidentState.REPORTED, IncidentState.CONSENTED):
                return i
        return None

    def slip_refs(self) -> list[str]:
        """Serials of the slips behind this key that can be printed, the current record first."""
        if self.detail is None:
            return []
        d = self.detail
        refs = [d.row.loan_serial, d.deposit.serial if d.deposit is not None else "",
                *[e.ref for e in reversed(d.events)], d.acceptance_serial]
        by_serial = hasattr(keys, "record_by_serial")
        ok = [keys.SERIALS["loan"]] + ([keys.SERIALS["acceptance"], keys.SERIALS["handover"]] if by_serial else [])
        deposit = d.deposit.serial if d.deposit is not None else None
        return [r for r in dict.fromkeys(refs) if r and (r == deposit or any(r.startswith(p) for p in ok))]

    def print_ref(self, serial: str) -> Any:
        found = _record_of(self.ctx, serial, self.detail.deposit if self.detail is not None else None)
        if found is None:
            return None
        builder, entity, entity_id = found
        self.printer = print_record(self, self.ctx, self.runner, builder, entity, entity_id)
        return self.printer

    # ---------------------------------------------------------------- actions
    def _after(self, dlg: QDialog) -> None:
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.changed = True
            self.reload()

    def _on_lend(self) -> None:
        self._after(LoanDialog(self.ctx, self.runner, self, key_ids=(self.key_id,)))

    def _on_return(self) -> None:
        if self.detail is not None and self.detail.row.loan_id is not None:
            self._after(ReturnDialog(self.ctx, self.runner, self, loan_id=self.detail.row.loan_id))

    def _on_remind(self) -> None:
        if self.detail is not None and self.detail.row.loan_id is not None:
            self._after(ReminderDialog(self.ctx, self, self.detail.row.loan_id))

    def _on_hand_over(self) -> None:
        if self.detail is None:
            return
        kind = (HandoverKind.SECOND_DECORATION if self.detail.row.kind == KeyKind.DECORATION_2
                else HandoverKind.MOVE_IN)
        self._after(HandoverDialog(self.ctx, self.runner, self, room_id=self.detail.row.room_id, kind=kind))

    def _on_give_back(self) -> None:
        if self.detail is not None and self.detail.row.deposit_id is not None:
            self._after(GiveBackDialog(self.ctx, self.runner, self, deposit_id=self.detail.row.deposit_id))

    def _on_report(self) -> None:
        self._after(ReportDialog(self.ctx, self, self.key_id))

    def _on_incident(self) -> None:
        i = self._open_incident()
        if i is not None:
            self._after(IncidentDialog(self.ctx, self.runner, self, i.id))

    def _on_incident_row(self) -> None:
        """A double-clicked incident, open or closed (a closed one is shown read-only)."""
        idx = self.incident_view.currentIndex()
        i = self.incident_model.row_at(idx.row()) if idx.isValid() else None
        if i is not None:
            self._after(IncidentDialog(self.ctx, self.runner, self, i.id))

    def _on_move(self) -> None:
        self._after(HookPickerDialog(self.ctx, self, self.key_id))

    def _on_print(self) -> None:
        refs = self.slip_refs()
        if len(refs) == 1:
            self.print_ref(refs[0])
            return
        menu = QMenu(self)
        for ref in refs[:12]:
            menu.addAction(self.tr("{title} {serial}").format(title=_slip_title(ref), serial=ref),
                           lambda r=ref: self.print_ref(r))
        menu.exec(self.buttons["print"].mapToGlobal(self.buttons["print"].rect().bottomLeft()))

    # ---------------------------------------------------------------- closing
    def reject(self) -> None:
        """Esc or 关闭: Accepted when anything was saved from this card, so the panel refreshes."""
        self.done(QDialog.DialogCode.Accepted if self.changed else QDialog.DialogCode.Rejected)


def _slip_title(serial: str) -> str:
    if serial.startswith(keys.SERIALS["loan"]):
        return QCoreApplication.translate("key_dialogs", "《钥匙借领确认单》")
    if serial.startswith(keys.SERIALS["acceptance"]):
        return QCoreApplication.translate("key_dialogs", "《钥匙验收记录表》")
    return QCoreApplication.translate("key_dialogs", "《业主托存/移交钥匙登记表》")


def _record_of(ctx: AppContext, serial: str, deposit: DepositRow | None = None) -> tuple[str, str, int] | None:
    """(slip builder, entity, id) of the record a slip serial names."""
    serial = serial.strip().upper()
    if deposit is not None and serial == deposit.serial:
        return "deposit_slip", "key_deposit", deposit.id
    if serial.startswith(keys.SERIALS["loan"]):
        loan_id = ctx.query(lambda s, _a: keys.loan_by_serial(s, serial))
        return ("loan_slip", "key_loan", loan_id) if loan_id else None
    found = ctx.query(lambda s, _a: keys.record_by_serial(s, serial))
    if not found:
        return None
    what, rid = found
    builder = {"loan": "loan_slip", "deposit": "deposit_slip", "acceptance": "acceptance_slip",
               "handover": "handover_slip"}[what]
    return builder, f"key_{what}", rid


# ---------------------------------------------------------------- 借出 《钥匙借领确认单》


class LoanDialog(_KeyForm):
    """借出: who borrows (by kind, checked as typed), why, with whom from 工程部, which keys and how many
    copies; the due time the rules give is shown before saving."""

    KINDS = (Borrower.STAFF, Borrower.CONTRACTOR, Borrower.SALES, Borrower.OWNER)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None,
                 key_ids: Sequence[int] = ()) -> None:
        super().__init__(ctx, self.tr("借出钥匙 — 钥匙借领确认单"), parent)
        self.runner = runner
        self.setMinimumWidth(680)
        self.loan_id: int | None = None
        self.serial = ""
        self.items: list[KeyRow] = []
        self.spins: dict[int, QSpinBox] = {}
        self._staff: dict[str, staff.StaffRow | None] = {}
        self._owner_rooms: tuple[int, ...] = ()
        with ctx.read() as s:
            self.rules = keys.loan_rules(s)
            contractors = staff.list_contractors(s, ctx.actor)
            escorts = staff.list_staff(s, ctx.actor, department_code="engineering")
            self.dept_codes = {d.id: d.code for d in staff.departments(s)}
            lendable = [k.number for k in keys.list_keys(s, KeyQuery(state=str(KeyState.IN)))
                        if k.kind != KeyKind.DEPOSIT]
            codes = rooms.room_codes(s)

        self.kind = QComboBox()
        for k in self.KINDS:
            self.kind.addItem(label(BORROWER_LABELS[k]), str(k))
        self.add_field("borrower_kind", self.tr("借匙人类别"), self.kind)

        self.work_id = QLineEdit()
        self.work_id.setObjectName("work_id")
        self.work_id.setPlaceholderText(self.tr("核对工作证上的号码"))
        self.work_id.setMaximumWidth(200)
        self.found = _note("", FOUND_STYLE, "work_id_found")
        self.found.setWordWrap(False)
        holder = _row_widget(self.work_id, self.found, None)
        self.add_field("work_id", self.tr("工作证号"), holder)
        holder.setObjectName("work_id_row")
        self.work_id.setObjectName("work_id")
        self._fields["work_id"] = self.work_id
        self.work_id.textChanged.connect(self._on_work_id)
        self.work_id.textChanged.connect(self.revalidate)

        self.company = QComboBox()
        self.company.setEditable(True)
        self.company.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.company.lineEdit().setPlaceholderText(self.tr("选择或输入施工单位"))
        for c in contractors:
            self.company.addItem(c.name, c.id)
        self.company.setCurrentIndex(-1)
        self.company.editTextChanged.connect(self.revalidate)
        self.add_field("company", self.tr("施工单位"), self.company)
        self.permit_no = QLineEdit()
        self.permit_no.setPlaceholderText(self.tr("施工人员的工作证/出入证号"))
        self.add_field("permit_no", self.tr("工作证/出入证号"), self.permit_no)
        self.borrower_name = QLineEdit()
        self.add_field("borrower_name", self.tr("借匙人姓名"), self.borrower_name)
        self.owner = QComboBox()
        self.add_field("owner", self.tr("业主"), self.owner)
        self.owner.currentIndexChanged.connect(self._on_owner)

        self.phone = QLineEdit()
        self.add_field("phone", self.tr("联系电话"), self.phone)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText(self.tr("如 维修水管、带客户看房、进场施工"))
        self.add_field("purpose", self.tr("借用事由"), self.purpose)
        self.escort = QComboBox()
        self.escort.addItem(self.tr("（无需陪同）"), None)
        for e in escorts:
            self.escort.addItem(self.tr("{name}（{work_id}）").format(name=e.name, work_id=e.work_id), e.id)
        self.add_field("escort", self.tr("工程部陪同"), self.escort)

        # The keys: scanned or typed (key number or room), each with the copies lent.
        self.add_key = QLineEdit()
        self.add_key.setObjectName("add_key")
        self.add_key.setPlaceholderText(self.tr("输入或扫描钥匙编号、房号，回车加入"))
        self.add_key.setCompleter(room_completer(sorted(set(lendable) | set(codes)), self.add_key))
        _EnterFilter(self.add_key, self._on_add_key)
        self.remove_btn = QPushButton(self.tr("移除所选"))
        self.remove_btn.setAutoDefault(False)
        self.remove_btn.clicked.connect(self._on_remove)
        self.add_note = _note("", ERROR_STYLE, "add_note")
        self.add_note.hide()
        self.table = _item_table([self.tr("钥匙编号"), self.tr("房号"), self.tr("类别"), self.tr("钩位"),
                                  self.tr("借出数量")])
        self.table.setObjectName("loan_keys")
        self.table.setTabKeyNavigation(False)
        keys_box = QWidget()
        kv = QVBoxLayout(keys_box)
        kv.setContentsMargins(0, 0, 0, 0)
        kv.setSpacing(4)
        kv.addWidget(_row_widget(self.add_key, self.remove_btn))
        kv.addWidget(self.add_note)
        kv.addWidget(self.table)
        self.add_field("items", self.tr("钥匙"), keys_box)
        keys_box.setObjectName("items_box")
        self._fields["items"] = self.table

        self.due = _note("", "font-weight: bold;", "due")
        self.form.addRow(self.tr("应还时间"), self.due)
        self.print_after = self.print_box(self.tr("《钥匙借领确认单》"))

        self.kind.currentIndexChanged.connect(self._on_kind)
        for k in key_ids:
            self._add_key_id(k)
        self._on_kind()
        self._chain()
        self.kind.setFocus()
        self.revalidate()

    # ---------------------------------------------------------------- the borrower
    def borrower(self) -> Borrower:
        return Borrower(self.kind.currentData())

    def _on_kind(self) -> None:
        k = self.borrower()
        self.row_visible(self.work_id, k in (Borrower.STAFF, Borrower.SALES))
        for w in (self.company, self.permit_no, self.borrower_name):
            self.row_visible(w, k == Borrower.CONTRACTOR)
        self.row_visible(self.owner, k == Borrower.OWNER)
        self.phone.setPlaceholderText(self.tr("留空则用员工登记的电话") if k in (Borrower.STAFF, Borrower.SALES)
                                      else "")
        if k == Borrower.OWNER:
            self._load_owners()
        self._on_work_id()
        self._show_due()
        self.revalidate()

    def _show_due(self) -> None:
        k = self.borrower()
        due = self.rules.due(k, datetime.now(UTC))
        days = self.rules.days.get(str(k), 0)
        if days:
            how = self.tr("借出后 {n} 天").format(n=days)
        else:
            how = self.tr("当日下班前归还")
        self.due.setText(self.tr("{due}（{how}）").format(due=fmt_local(due), how=how))

    def _staff_row(self, work_id: str) -> staff.StaffRow | None:
        key = work_id.strip().upper()
        if key not in self._staff:
            self._staff[key] = self.ctx.query(lambda s, _a: staff.find_active_staff_by_work_id(s, key))
        return self._staff[key]

    def _work_id_problem(self) -> str | None:
        wid = self.work_id.text().strip()
        if not wid:
            return self.tr("请核对借匙人的工作证号")
        found = self._staff_row(wid)
        if self.borrower() == Borrower.SALES:
            if found is None or self.dept_codes.get(found.department_id) != "sales":
                return self.tr("工作证号 {work_id} 不是在职的售楼人员").format(work_id=wid)
        elif found is None:
            return self.tr("工作证号 {work_id} 与在职员工记录不符，不能借出").format(work_id=wid)
        return None

    def _on_work_id(self) -> None:
        wid = self.work_id.text().strip()
        found = self._staff_row(wid) if wid else None
        if found is not None and self._work_id_problem() is None:
            self.found.setText(self.tr("✓ {name}（{department}）").format(name=found.name,
                                                                        department=found.department))
        else:
            self.found.setText("")

    def _load_owners(self) -> None:
        room_ids = tuple(dict.fromkeys(r.room_id for r in self.items))
        if room_ids == self._owner_rooms and self.owner.count():
            return
        self._owner_rooms = room_ids
        keep = self.owner.currentData()
        people: dict[int, rooms.PersonRow] = {}
        for i, rid in enumerate(room_ids):
            mine = {p.id: p for p in _owners(self.ctx, rid)}
            people = mine if i == 0 else {pid: p for pid, p in people.items() if pid in mine}
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem(self.tr("（请选择业主）") if room_ids else self.tr("（请先加入钥匙）"), None)
        for p in people.values():
            self.owner.addItem(self.tr("{name}（{phone}）").format(name=p.name, phone=p.phone or "—"), p.id)
            self.owner.setItemData(self.owner.count() - 1, p.phone, Qt.ItemDataRole.UserRole + 1)
        _select(self.owner, keep)
        self.owner.blockSignals(False)

    def _on_owner(self) -> None:
        phone = self.owner.currentData(Qt.ItemDataRole.UserRole + 1)
        current = self.phone.text().strip()
        if phone and (not current or is_masked(current)):
            self.phone.setText(phone)  # masked; the service takes the owner's full number
        self.revalidate()

    # ---------------------------------------------------------------- the keys
    def _on_add_key(self) -> None:
        text = self.add_key.text().strip()
        if not text:
            return
        with self.ctx.read() as s:
            hit = keys.find(s, text)
            found = [keys.key_row(s, i) for i in hit.key_ids] if hit else []
        problem = ""
        added = 0
        for r in found:
            if r.kind == KeyKind.DEPOSIT:
                problem = self.tr("{number} 是业主托存钥匙，只能凭身份证交还业主本人，不能外借").format(number=r.number)
            elif r.state != KeyState.IN:
                problem = self.tr("{number} 当前为“{state}”，不能借出").format(number=r.number,
                                                                         state=label(r.state_label))
            elif any(x.id == r.id for x in self.items):
                problem = self.tr("{number} 已在列表中").format(number=r.number)
            else:
                self._add_row(r)
                added += 1
        if not found:
            problem = self.tr("找不到钥匙或房号“{text}”").format(text=text)
        if added:
            self.add_key.clear()
        self.add_note.setText("" if added else problem)
        self.add_note.setVisible(bool(problem) and not added)
        self._after_items()

    def _add_key_id(self, key_id: int) -> None:
        try:
            r = self.ctx.query(lambda s, _a: keys.key_row(s, key_id))
        except AppError:
            return
        self._add_row(r)
        self._after_items()

    def _add_row(self, r: KeyRow) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, _ro_item(r.number, r.id))
        self.table.setItem(row, 1, _ro_item(r.room_code))
        self.table.setItem(row, 2, _ro_item(label(r.kind_label)))
        self.table.setItem(row, 3, _ro_item(r.hook))
        spin = QSpinBox()
        spin.setObjectName(f"copies_{r.id}")
        spin.setRange(1, max(1, r.copies))
        spin.setValue(r.copies)
        spin.setSuffix(self.tr(" 把（共 {n} 把）").format(n=r.copies))
        spin.valueChanged.connect(self.revalidate)
        self.table.setCellWidget(row, 4, spin)
        self.items.append(r)
        self.spins[r.id] = spin

    def _on_remove(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.items):
            r = self.items.pop(row)
            self.spins.pop(r.id, None)
            self.table.removeRow(row)
            self._after_items()

    def _after_items(self) -> None:
        _fit_table(self.table)
        _fit_rows(self.table, 2, 6)
        if self.borrower() == Borrower.OWNER:
            self._load_owners()
        self._chain()
        self.revalidate()

    def _chain(self) -> None:
        _chain([self.kind, self.work_id, self.company, self.permit_no, self.borrower_name, self.owner, self.phone,
                self.purpose, self.escort, self.add_key, *[self.spins[r.id] for r in self.items], self.remove_btn,
                self.print_after, self.buttons])

    # ---------------------------------------------------------------- checking and saving
    def data(self) -> LoanData:
        k = self.borrower()
        company = self.company.currentText().strip()
        cid = self.company.currentData() if self.company.currentIndex() >= 0 and \
            self.company.itemText(self.company.currentIndex()) == company else None
        return LoanData(
            borrower_kind=k,
            items=[LoanItemData(r.id, self.spins[r.id].value()) for r in self.items],
            borrower_name=self.borrower_name.text() if k == Borrower.CONTRACTOR else "",
            work_id=self.work_id.text() if k in (Borrower.STAFF, Borrower.SALES) else "",
            contractor_id=cid if k == Borrower.CONTRACTOR else None,
            company=company if k == Borrower.CONTRACTOR else "",
            permit_no=self.permit_no.text() if k == Borrower.CONTRACTOR else "",
            person_id=self.owner.currentData() if k == Borrower.OWNER else None,
            phone=self.phone.text(), purpose=self.purpose.text(), escort_id=self.escort.currentData())

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        k = self.borrower()
        if k in (Borrower.STAFF, Borrower.SALES):
            if p := self._work_id_problem():
                e["work_id"] = p
        elif k == Borrower.CONTRACTOR:
            if not self.company.currentText().strip():
                e["company"] = self.tr("请填写施工单位")
            if not self.permit_no.text().strip():
                e["permit_no"] = self.tr("请核对并填写施工人员的工作证/出入证号")
            if not self.borrower_name.text().strip():
                e["borrower_name"] = self.tr("请填写借匙人姓名")
        elif self.owner.currentData() is None:
            e["owner"] = self.tr("请从房屋的业主中选择借匙人")
        phone = self.phone.text().strip()
        if phone and not is_masked(phone) and (p := phone_problem(phone)):
            e["phone"] = p
        if not self.purpose.text().strip():
            e["purpose"] = self.tr("请填写借用事由")
        if not self.items:
            e["items"] = self.tr("请加入要借出的钥匙")
        return e

    def _touched(self, key: str) -> bool:
        if key in ("items", "owner", "company"):
            return False
        return super()._touched(key)

    def show_errors(self, errors: dict[str, str]) -> None:
        if self.borrower() == Borrower.OWNER and "borrower_name" in errors:
            errors = dict(errors)
            errors["owner"] = errors.pop("borrower_name")
        super().show_errors(errors)

    def save(self) -> tuple[int, str]:
        self.loan_id, self.serial = self.call(keys.lend, self.data())
        return self.loan_id, self.serial

    def accept(self) -> None:
        super().accept()
        self.print_if_asked("loan_slip", "key_loan", self.loan_id)


# ---------------------------------------------------------------- 归还


class ReturnDialog(_KeyForm):
    """归还: find the loan by its slip (scan JY-…) or a key, count each key's copies back, who brings
    them; a shortfall is recorded and reported lost to the supervisor. The clerk signs as 接收人."""

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None,
                 loan_id: int | None = None) -> None:
        super().__init__(ctx, self.tr("归还钥匙"), parent)
        self.runner = runner
        self.setMinimumWidth(680)
        self.loan: LoanRow | None = None
        self.spins: dict[int, QSpinBox] = {}
        self.result_value = None

        self.find = QLineEdit()
        self.find.setPlaceholderText(self.tr("扫描借领单二维码，或输入单号 JY-…、钥匙编号，回车查找"))
        self.add_field("find", self.tr("借领单"), self.find)
        _EnterFilter(self.find, self._on_find)
        self.info = QLabel()
        self.info.setObjectName("loan_info")
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.form.addRow("", self.info)
        self.table = _item_table([self.tr("钥匙编号"), self.tr("房号"), self.tr("类别"), self.tr("借出"),
                                  self.tr("归还数量")])
        self.table.setObjectName("return_keys")
        self.table.setTabKeyNavigation(False)
        self.add_field("counts", self.tr("清点"), self.table)
        self.returned_by = QLineEdit()
        self.add_field("returned_by", self.tr("还匙人"), self.returned_by)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(60)
        self.note.setPlaceholderText(self.tr("少还时必填：经过、谁丢的、业主是否知道"))
        self.add_field("note", self.tr("说明"), self.note)
        self.short = _note("", WARN_STYLE, "shortfall")
        self.short.hide()
        self.form.addRow("", self.short)
        who = ctx.actor.display_name or ctx.actor.username if ctx.actor else ""
        self.receiver = QLabel(who)
        self.receiver.setObjectName("receiver")
        self.form.addRow(self.tr("接收人"), self.receiver)

        if loan_id is not None:
            self._load(loan_id)
        self._chain()
        if self.loan is not None and self.spins:
            next(iter(self.spins.values())).setFocus()
        else:
            self.find.setFocus()
        self.revalidate()

    def _chain(self) -> None:
        _chain([self.find, *self.spins.values(), self.returned_by, self.note, self.buttons])

    def _on_find(self) -> None:
        text = self.find.text().strip()
        if not text:
            return
        t = text.upper()
        with self.ctx.read() as s:
            if t.startswith(keys.SERIALS["loan"]):
                loan_id = keys.loan_by_serial(s, t)
            else:
                hit = keys.find(s, text)
                loan_id = None
                for kid in hit.key_ids if hit else ():
                    loan_id = keys.open_loan_for_key(s, kid)
                    if loan_id is not None:
                        break
        if loan_id is None:
            self.loan = None
            self._fill()
            self.show_errors({"find": self.tr("找不到“{text}”的借出记录").format(text=text)})
            self.ok_button().setEnabled(False)
            return
        self._load(loan_id)
        if self.spins:
            next(iter(self.spins.values())).setFocus()
        self.revalidate()

    def _load(self, loan_id: int) -> None:
        try:
            self.loan = self.ctx.query(keys.loan, loan_id)
        except AppError as e:
            self.loan = None
            self.show_errors({"find": e.message})
            return
        self.find.blockSignals(True)
        self.find.setText(self.loan.serial)
        self.find.blockSignals(False)
        self._fill()

    def _fill(self) -> None:
        x = self.loan
        self.table.setRowCount(0)
        self.spins = {}
        if x is None:
            self.info.setText("")
            self._chain()
            return
        due = fmt_local(x.due_at)
        if x.overdue:
            due = self.tr("<b style='color:#c62828'>{due}（已逾期）</b>").format(due=due)
        self.info.setText(self.tr("{kind}：<b>{name}</b>{company}　事由：{purpose}<br>借出 {lent}　应还 {due}").format(
            kind=label(x.borrower_label), name=x.borrower_name,
            company=f"（{x.company}）" if x.company else "", lent=fmt_local(x.lent_at), due=due,
            purpose=x.purpose or "—"))
        for it in x.items:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, _ro_item(it.number, it.key_id))
            self.table.setItem(row, 1, _ro_item(it.room_code))
            self.table.setItem(row, 2, _ro_item(label(KIND_LABELS[it.kind])))
            self.table.setItem(row, 3, _ro_item(self.tr("{n} 把").format(n=it.copies)))
            spin = QSpinBox()
            spin.setObjectName(f"back_{it.key_id}")
            spin.setRange(0, it.copies)
            spin.setValue(it.copies if it.returned_copies is None else it.returned_copies)
            spin.setSuffix(self.tr(" 把"))
            spin.valueChanged.connect(self.revalidate)
            self.table.setCellWidget(row, 4, spin)
            self.spins[it.key_id] = spin
        _fit_table(self.table)
        _fit_rows(self.table, 1, 6)
        if not self.returned_by.text().strip():
            self.returned_by.setText(x.borrower_name)
        self._chain()

    def shortfall(self) -> int:
        if self.loan is None:
            return 0
        return sum(it.copies - self.spins[it.key_id].value() for it in self.loan.items if it.key_id in self.spins)

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        short = self.shortfall()
        self.short.setText(self.tr("少还 {n} 把：保存后按遗失上报客服主管，钥匙进入遗失/损坏处理。").format(n=short))
        self.short.setVisible(short > 0)
        if self.loan is None:
            e["find"] = self.tr("请扫描或输入借领单号")
            return e
        if self.loan.state != keys.LoanState.OUT:
            e["find"] = self.tr("借领单 {serial} 已于 {at} 归还").format(serial=self.loan.serial,
                                                                   at=fmt_local(self.loan.returned_at))
        if not self.returned_by.text().strip():
            e["returned_by"] = self.tr("请填写还匙人")
        if short and not self.note.toPlainText().strip():
            e["note"] = self.tr("请写明少还的情况")
        return e

    def _touched(self, key: str) -> bool:
        if key == "note":
            return self.shortfall() > 0
        if key == "find":
            return self.loan is not None
        return super()._touched(key)

    def save(self) -> keys.ReturnResult:
        assert self.loan is not None
        counts = {kid: spin.value() for kid, spin in self.spins.items()}
        result = self.call(keys.return_loan, self.loan.id, self.returned_by.text(), counts,
                           note=self.note.toPlainText())
        if result.short:
            dialogs.info(self, self.tr("归还短缺"), self.tr(
                "借领单 {serial} 少还 {n} 把，已按遗失上报客服主管（见钥匙的“遗失/损坏”）。").format(
                serial=result.serial, n=result.short))
        return result


# ---------------------------------------------------------------- 催还


class ReminderDialog(_KeyForm):
    """催还: each reminder to a late borrower is recorded (how and what was said)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None, loan_id: int) -> None:
        super().__init__(ctx, self.tr("催还"), parent)
        self.setMinimumWidth(560)
        self.loan_id = loan_id
        with ctx.read() as s:
            x = keys.loan(s, ctx.actor, loan_id)
            earlier = keys.reminders(s, loan_id)
        self.setWindowTitle(self.tr("催还 — {serial}").format(serial=x.serial))
        numbers = "、".join(f"{i.number}×{i.copies}" for i in x.items)
        info = _note(self.tr("{name}{company}（{kind}，电话 {phone}）借 {keys}，应还 {due}").format(
            name=x.borrower_name, company=f"（{x.company}）" if x.company else "", kind=label(x.borrower_label),
            phone=x.phone or "—", keys=numbers, due=fmt_local(x.due_at)), "", "loan_info")
        self.form.addRow(info)
        self.method = QComboBox()
        for m, text in REMINDER_LABELS.items():
            self.method.addItem(label(text), str(m))
        self.add_field("method", self.tr("催还方式"), self.method)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("如 答应明天上午送回"))
        self.add_field("note", self.tr("情况"), self.note)
        self.history = _item_table([self.tr("时间"), self.tr("经办人"), self.tr("方式"), self.tr("情况")])
        self.history.setObjectName("reminders")
        for r in earlier:
            row = self.history.rowCount()
            self.history.insertRow(row)
            for c, text in enumerate((fmt_local(r.at), r.username, label(r.method_label), r.note)):
                self.history.setItem(row, c, _ro_item(text))
        _fit_table(self.history)
        _fit_rows(self.history, 1, 5)
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if earlier:
            self.form.addRow(self.tr("已催还 {n} 次").format(n=len(earlier)), self.history)
        else:
            self.history.hide()
            self.form.addRow(self.tr("此前催还"), _note(self.tr("尚未催还过")))
        self.method.setFocus()
        self.revalidate()

    def save(self) -> int:
        return self.call(keys.remind, self.loan_id, ReminderMethod(self.method.currentData()), self.note.text())


# ---------------------------------------------------------------- 钥匙验收 《钥匙验收记录表》


class _AcceptRow:
    """The widgets of one key in the acceptance table."""

    def __init__(self, dlg: AcceptanceDialog, kind: str, hook: int | None) -> None:
        self.number = QLineEdit()
        self.number.setPlaceholderText(QCoreApplication.translate("AcceptanceDialog", "留空按房号编号"))
        self.room = QLineEdit()
        completer = room_completer([], self.room)
        completer.setModel(dlg.code_model)  # one list of room numbers for every row
        self.room.setCompleter(completer)
        self.kind = QComboBox()
        for k, text in KIND_LABELS.items():
            if k != KeyKind.DEPOSIT:
                self.kind.addItem(label(text), str(k))
        _select(self.kind, kind)
        self.copies = QSpinBox()
        self.copies.setRange(1, MAX_COPIES)
        self.door = QLineEdit()
        self.door.setPlaceholderText(QCoreApplication.translate("AcceptanceDialog", "如 入户门"))
        self.hook = QComboBox()
        _fill_hooks(self.hook, dlg.hooks, hook, QCoreApplication.translate("AcceptanceDialog", "（请选择）"))
        self.count_ok = QCheckBox(QCoreApplication.translate("AcceptanceDialog", "已核对"))
        self.opens_ok = QCheckBox(QCoreApplication.translate("AcceptanceDialog", "已试开"))
        self.auto_number = ""
        for w in (self.number, self.room, self.door):
            w.textChanged.connect(dlg.revalidate)
        self.room.textChanged.connect(self.follow_room)
        self.kind.currentIndexChanged.connect(self.follow_room)
        for w2 in (self.kind, self.hook):
            w2.currentIndexChanged.connect(dlg.revalidate)
        for b in (self.count_ok, self.opens_ok):
            b.toggled.connect(dlg.revalidate)

    def widgets(self) -> list[QWidget]:
        return [self.number, self.room, self.kind, self.copies, self.door, self.hook, self.count_ok, self.opens_ok]

    def follow_room(self) -> None:
        """The number follows the room (3-2-1201-S) until the clerk types one of their own."""
        code = clean_room_code(self.room.text())
        current = self.number.text().strip()
        if current and current != self.auto_number:
            return
        self.auto_number = f"{code}-{NUMBER_SUFFIX[KeyKind(self.kind.currentData())]}" if code else ""
        self.number.setText(self.auto_number)


class AcceptanceDialog(_KeyForm):
    """钥匙验收: the contractor hands keys over; each is counted, tried in its lock, numbered and hung;
    《钥匙验收记录表》 is printed for the contractor's handing person to sign."""

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None,
                 cabinet_id: int | None = None) -> None:
        super().__init__(ctx, self.tr("钥匙验收 — 钥匙验收记录表"), parent)
        self.runner = runner
        self.setMinimumWidth(980)
        self.acceptance_id: int | None = None
        self.serial = ""
        self.rows: list[_AcceptRow] = []
        with ctx.read() as s:
            self.codes = rooms.room_codes(s)
            contractors = staff.list_contractors(s, ctx.actor)
        self._code_set = set(self.codes)
        self.code_model = QStringListModel(self.codes, self)

        self.cabinet = _cabinet_box(ctx, cabinet_id)
        self.add_field("cabinet", self.tr("钥匙柜"), self.cabinet)
        self.hooks = _free_hooks(ctx, self.cabinet.currentData())
        self.cabinet.currentIndexChanged.connect(self._on_cabinet)
        self.company = QComboBox()
        self.company.setEditable(True)
        self.company.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.company.lineEdit().setPlaceholderText(self.tr("选择或输入移交钥匙的施工单位"))
        for c in contractors:
            self.company.addItem(c.name, c.id)
        self.company.setCurrentIndex(-1)
        self.company.editTextChanged.connect(self.revalidate)
        self.add_field("company", self.tr("施工单位"), self.company)
        self.handed_by = QLineEdit()
        self.add_field("handed_by", self.tr("交匙人"), self.handed_by)

        self.table = _item_table([self.tr("编号"), self.tr("房号"), self.tr("类别"), self.tr("数量"),
                                  self.tr("门锁"), self.tr("钩位"), self.tr("数量已核对"), self.tr("已试开")])
        self.table.setObjectName("accept_keys")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setMinimumHeight(220)
        self.table.verticalHeader().setVisible(True)
        for c, w in enumerate((150, 120, 150, 64, 100, 90, 90, 80)):
            self.table.setColumnWidth(c, w)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_row_btn = QPushButton(self.tr("添加一行（Ctrl+N）"))
        self.add_row_btn.setAutoDefault(False)
        self.add_row_btn.clicked.connect(lambda: self.add_row(focus=True))
        self.del_row_btn = QPushButton(self.tr("删除末行"))
        self.del_row_btn.setAutoDefault(False)
        self.del_row_btn.clicked.connect(self._on_delete_row)
        self.range = QLineEdit()
        self.range.setObjectName("room_range")
        self.range.setPlaceholderText(self.tr("楼栋-单元，如 3-2"))
        self.range.setMaximumWidth(160)
        self.range_kind = QComboBox()
        for k, text in KIND_LABELS.items():
            if k != KeyKind.DEPOSIT:
                self.range_kind.addItem(label(text), str(k))
        self.range_btn = QPushButton(self.tr("按房号批量添加"))
        self.range_btn.setAutoDefault(False)
        self.range_btn.clicked.connect(self._on_range)
        _EnterFilter(self.range, self._on_range)
        self.range_note = _note("", HINT_STYLE, "range_note")
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.table)
        v.addWidget(_row_widget(self.add_row_btn, self.del_row_btn, None, QLabel(self.tr("整单元：")), self.range,
                                self.range_kind, self.range_btn))
        v.addWidget(self.range_note)
        self.add_field("items", self.tr("钥匙"), box)
        box.setObjectName("items_box")
        self._fields["items"] = self.table
        self.note = QLineEdit()
        self.add_field("note", self.tr("备注"), self.note)
        self.print_after = self.print_box(self.tr("《钥匙验收记录表》"))
        QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: self.add_row(focus=True))
        self.add_row()
        self.company.setFocus()
        self.revalidate()

    # ---------------------------------------------------------------- rows
    def _next_hook(self) -> int | None:
        used = {r.hook.currentData() for r in self.rows}
        for hid, _lbl in self.hooks:
            if hid not in used:
                return hid
        return None

    def add_row(self, room: str = "", kind: str | None = None, focus: bool = False) -> _AcceptRow:
        if kind is None:
            kind = self.rows[-1].kind.currentData() if self.rows else str(KeyKind.CONSTRUCTION)
        r = _AcceptRow(self, kind, self._next_hook())
        n = self.table.rowCount()
        self.table.insertRow(n)
        for c, w in enumerate(r.widgets()):
            if isinstance(w, QCheckBox):
                w.setStyleSheet("margin-left: 6px;")
            self.table.setCellWidget(n, c, w)
        self.rows.append(r)
        if room:
            r.room.setText(room)
        self._chain()
        if focus:
            self.table.scrollToBottom()
            r.number.setFocus()
        self.revalidate()
        return r

    def _on_delete_row(self) -> None:
        if self.rows:
            self.rows.pop()
            self.table.removeRow(self.table.rowCount() - 1)
            self._chain()
            self.revalidate()

    def _on_range(self) -> None:
        prefix = clean_room_code(self.range.text())
        if not prefix:
            return
        have = {clean_room_code(r.room.text()) for r in self.rows}
        todo = [c for c in self.codes if (c == prefix or c.startswith(prefix + "-")) and c not in have]
        if not todo:
            self.range_note.setText(self.tr("没有以 {prefix} 开头、尚未列出的房号").format(prefix=prefix))
            return
        # An empty first row is used rather than left behind.
        if len(self.rows) == 1 and not self.rows[0].room.text().strip() and not self.rows[0].number.text().strip():
            self.rows.pop()
            self.table.removeRow(0)
        free = len(self.hooks) - len(self.rows)
        kind = self.range_kind.currentData()
        for code in todo[:max(0, free)]:
            self.add_row(code, kind)
        left = len(todo) - max(0, free)
        self.range_note.setText(
            self.tr("已添加 {n} 个房号").format(n=len(todo) - max(0, left)) if left <= 0 else
            self.tr("钥匙柜只剩 {free} 个空钩位：还有 {left} 个房号未添加").format(free=max(0, free), left=left))
        self.range.clear()

    def _on_cabinet(self) -> None:
        self.hooks = _free_hooks(self.ctx, self.cabinet.currentData())
        used: set[int] = set()
        for r in self.rows:
            nxt = next((hid for hid, _l in self.hooks if hid not in used), None)
            _fill_hooks(r.hook, self.hooks, nxt, self.tr("（请选择）"))
            used.add(nxt)  # type: ignore[arg-type]
        self.revalidate()

    def _chain(self) -> None:
        _chain([self.cabinet, self.company, self.handed_by, *[w for r in self.rows for w in r.widgets()],
                self.add_row_btn, self.del_row_btn, self.range, self.range_kind, self.range_btn, self.note,
                self.print_after, self.buttons])

    # ---------------------------------------------------------------- checking and saving
    def data(self) -> AcceptanceData:
        company = self.company.currentText().strip()
        i = self.company.currentIndex()
        cid = self.company.currentData() if i >= 0 and self.company.itemText(i) == company else None
        return AcceptanceData(company=company, handed_by=self.handed_by.text(), contractor_id=cid,
                              note=self.note.text(), items=[
                                  AcceptItem(number=r.number.text(), room_code=r.room.text(),
                                             kind=r.kind.currentData(), copies=r.copies.value(), door=r.door.text(),
                                             hook_id=r.hook.currentData(), count_ok=r.count_ok.isChecked(),
                                             opens_ok=r.opens_ok.isChecked()) for r in self.rows])

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        if not self.company.currentText().strip():
            e["company"] = self.tr("请填写移交钥匙的施工单位")
        if not self.handed_by.text().strip():
            e["handed_by"] = self.tr("请填写施工队交匙人")
        if not self.rows:
            e["items"] = self.tr("请至少登记一把钥匙")
        numbers: list[str] = []
        hooks: list[int] = []
        for i, r in enumerate(self.rows, 1):
            number = r.number.text().strip()
            code = clean_room_code(r.room.text())
            if not number:
                e.setdefault("items", self.tr("第{i}行：请填写钥匙编号").format(i=i))
            elif code not in self._code_set:
                e.setdefault("items", self.tr("第{i}行（{number}）：找不到房号“{room}”").format(
                    i=i, number=number, room=r.room.text().strip()))
            elif r.hook.currentData() is None:
                e.setdefault("items", self.tr("第{i}行（{number}）：请选择钩位").format(i=i, number=number))
            elif not r.count_ok.isChecked():
                e.setdefault("items", self.tr("第{i}行（{number}）：数量未核对，不能验收").format(i=i, number=number))
            elif not r.opens_ok.isChecked():
                e.setdefault("items", self.tr("第{i}行（{number}）：未试开门锁，不能验收").format(i=i, number=number))
            if number:
                numbers.append(number)
            if r.hook.currentData() is not None:
                hooks.append(r.hook.currentData())
        if len(set(numbers)) != len(numbers):
            e.setdefault("items", self.tr("同一批次中钥匙编号重复"))
        if len(set(hooks)) != len(hooks):
            e.setdefault("items", self.tr("同一批次中有两把钥匙挂在同一钩位"))
        return e

    def _touched(self, key: str) -> bool:
        if key == "items":
            return any(r.room.text().strip() for r in self.rows)
        if key == "company":
            return bool(self.company.currentText().strip())
        return super()._touched(key)

    def save(self) -> tuple[int, str]:
        self.acceptance_id, self.serial = self.call(keys.accept_keys, self.data())
        return self.acceptance_id, self.serial

    def accept(self) -> None:
        super().accept()
        self.print_if_asked("acceptance_slip", "key_acceptance", self.acceptance_id)


# ---------------------------------------------------------------- 业主托存 《业主托存/移交钥匙登记表》


class DepositDialog(_KeyForm):
    """业主托存: the owner (picked from the room, ID on record masked, or typed with their ID), the key and
    its hook, why, and the people the owner allows to collect it."""

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None,
                 cabinet_id: int | None = None, room_id: int | None = None) -> None:
        super().__init__(ctx, self.tr("业主托存钥匙"), parent)
        self.runner = runner
        self.setMinimumWidth(700)
        self.deposit_id: int | None = None
        self.serial = ""
        self._room_id: int | None = None
        self._people: list[rooms.PersonRow] = []
        self._auto = ("", "")
        with ctx.read() as s:
            codes = rooms.room_codes(s)

        self.room = QLineEdit()
        self.room.setCompleter(room_completer(codes, self.room))
        self.room.setPlaceholderText(self.tr("房号如 3-2-1201"))
        self.add_field("room", self.tr("房号"), self.room)
        self.room.textChanged.connect(self._on_room)
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.owner.lineEdit().setPlaceholderText(self.tr("从该房屋的业主中选择，或输入姓名"))
        self.owner.currentIndexChanged.connect(self._on_owner)
        self.owner.editTextChanged.connect(self.revalidate)
        self.add_field("owner", self.tr("业主"), self.owner)
        self.owner_id = QLineEdit()
        self.owner_id.setPlaceholderText(self.tr("18位身份证号码：交还时凭此核对"))
        self.add_field("owner_id", self.tr("身份证号"), self.owner_id)
        self.phone = QLineEdit()
        self.add_field("phone", self.tr("联系电话"), self.phone)
        self.copies = QSpinBox()
        self.copies.setRange(1, MAX_COPIES)
        self.copies.setSuffix(self.tr(" 把"))
        self.copies.setMaximumWidth(120)
        self.add_field("copies", self.tr("数量"), self.copies)
        self.cabinet = _cabinet_box(ctx, cabinet_id)
        self.hook = QComboBox()
        self.hook.setMinimumWidth(100)
        holder = _row_widget(self.cabinet, self.hook, None)
        self.add_field("hook", self.tr("钩位"), holder)
        holder.setObjectName("hook_row")
        self.hook.setObjectName("hook")
        self._fields["hook"] = self.hook
        self.cabinet.currentIndexChanged.connect(self._on_cabinet)
        self.hook.currentIndexChanged.connect(self.revalidate)
        self.number = QLineEdit()
        self.number.setPlaceholderText(self.tr("留空则编为 房号-T"))
        self.add_field("number", self.tr("钥匙编号"), self.number)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如 出差期间托管、便于装修进场"))
        self.add_field("reason", self.tr("托存原因"), self.reason)

        self.delegates = _item_table([self.tr("代领人姓名"), self.tr("身份证号"), self.tr("有效期至")])
        self.delegates.setObjectName("delegates")
        self.delegates.setTabKeyNavigation(False)
        self.delegates.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.delegates.setColumnWidth(0, 120)
        self.delegates.setColumnWidth(1, 200)
        self.delegates.horizontalHeader().setStretchLastSection(True)
        self._delegate_rows: list[tuple[QLineEdit, QLineEdit, QDateEdit]] = []
        self.add_delegate_btn = QPushButton(self.tr("添加代领人"))
        self.add_delegate_btn.setAutoDefault(False)
        self.add_delegate_btn.clicked.connect(lambda: self.add_delegate(focus=True))
        self.del_delegate_btn = QPushButton(self.tr("删除末行"))
        self.del_delegate_btn.setAutoDefault(False)
        self.del_delegate_btn.clicked.connect(self._on_delete_delegate)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.delegates)
        v.addWidget(_row_widget(self.add_delegate_btn, self.del_delegate_btn, None))
        v.addWidget(_note(self.tr("业主指定的代领人凭本人身份证领取，过期不能领取。")))
        self.add_field("delegates", self.tr("可代领人"), box)
        box.setObjectName("delegates_box")
        self._fields["delegates"] = self.delegates
        self.print_after = self.print_box(self.tr("《业主托存/移交钥匙登记表》"))

        _fit_rows(self.delegates, 1, 4)
        self._on_cabinet()
        if room_id is not None:
            try:
                self.room.setText(ctx.query(rooms.room_detail, room_id).room.code)
            except AppError:
                pass
        self._chain()
        self.room.setFocus()
        self.revalidate()

    def _chain(self) -> None:
        _chain([self.room, self.owner, self.owner_id, self.phone, self.copies, self.cabinet, self.hook, self.number,
                self.reason, *[w for row in self._delegate_rows for w in row], self.add_delegate_btn,
                self.del_delegate_btn, self.print_after, self.buttons])

    # ---------------------------------------------------------------- room and owner
    def _on_room(self) -> None:
        rid = _room_id(self.ctx, self.room.text())
        if rid == self._room_id:
            self.revalidate()
            return
        self._room_id = rid
        self._people = _owners(self.ctx, rid)
        typed = self.owner.currentText()
        self.owner.blockSignals(True)
        self.owner.clear()
        for p in self._people:
            self.owner.addItem(self.tr("{name}（身份证 {id}）").format(name=p.name, id=p.id_number or self.tr("未登记")),
                               p.id)
        self.owner.setCurrentIndex(-1)
        self.owner.setEditText(typed)
        self.owner.blockSignals(False)
        self.revalidate()

    def person(self) -> rooms.PersonRow | None:
        """The owner picked from the room (the text still shows the pick, not a typed name)."""
        i = self.owner.currentIndex()
        if 0 <= i < len(self._people) and self.owner.currentText() == self.owner.itemText(i):
            return self._people[i]
        return None

    def owner_name(self) -> str:
        p = self.person()
        return p.name if p is not None else self.owner.currentText().strip()

    def _on_owner(self) -> None:
        p = self.person()
        auto_id, auto_phone = self._auto
        if p is not None:
            if not self.owner_id.text().strip() or self.owner_id.text() == auto_id:
                self.owner_id.setText(p.id_number)  # masked: the service uses the number on record
            if not self.phone.text().strip() or self.phone.text() == auto_phone:
                self.phone.setText(p.phone)
            self._auto = (p.id_number, p.phone)
        self.revalidate()

    def _on_cabinet(self) -> None:
        _fill_hooks(self.hook, _free_hooks(self.ctx, self.cabinet.currentData()), None, "")
        self.revalidate()

    # ---------------------------------------------------------------- delegates
    def add_delegate(self, name: str = "", id_number: str = "", until: date | None = None,
                     focus: bool = False) -> None:
        n = self.delegates.rowCount()
        self.delegates.insertRow(n)
        ne, ie = QLineEdit(name), QLineEdit(id_number)
        de = QDateEdit(_qdate(until) if until else QDate.currentDate().addYears(1))
        de.setCalendarPopup(True)
        de.setDisplayFormat("yyyy-MM-dd")
        for w in (ne, ie):
            w.textChanged.connect(self.revalidate)
        de.dateChanged.connect(lambda *_: self.revalidate())
        for c, w in enumerate((ne, ie, de)):
            self.delegates.setCellWidget(n, c, w)
        self._delegate_rows.append((ne, ie, de))
        _fit_rows(self.delegates, 1, 4)
        self._chain()
        if focus:
            ne.setFocus()
        self.revalidate()

    def _on_delete_delegate(self) -> None:
        if self._delegate_rows:
            self._delegate_rows.pop()
            self.delegates.removeRow(self.delegates.rowCount() - 1)
            _fit_rows(self.delegates, 1, 4)
            self._chain()
            self.revalidate()

    # ---------------------------------------------------------------- checking and saving
    def data(self) -> DepositData:
        p = self.person()
        return DepositData(
            room_id=self._room_id, room_code="" if self._room_id is not None else self.room.text(),
            person_id=p.id if p is not None else None, owner_name=self.owner_name(),
            owner_id_number=self.owner_id.text(), phone=self.phone.text(), copies=self.copies.value(),
            number=self.number.text(), hook_id=self.hook.currentData(), reason=self.reason.text(),
            delegates=[DelegateData(n.text(), i.text(), _pydate(d.date())) for n, i, d in self._delegate_rows])

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        if self._room_id is None:
            e["room"] = self.tr("找不到该房号") if self.room.text().strip() else self.tr("请填写房号")
        if not self.owner_name():
            e["owner"] = self.tr("请填写托存钥匙的业主姓名")
        id_text = self.owner_id.text().strip()
        p = self.person()
        if not (p is not None and is_masked(id_text)):
            if not id_text:
                e["owner_id"] = self.tr("请填写身份证号码：托存钥匙凭身份证交还")
            elif problem := resident_id_problem(id_text):
                e["owner_id"] = problem
        phone = self.phone.text().strip()
        if phone and not is_masked(phone) and (problem := phone_problem(phone)):
            e["phone"] = problem
        if self.hook.currentData() is None:
            e["hook"] = self.tr("请选择钩位")
        today = local_today()
        for i, (n, idn, d) in enumerate(self._delegate_rows, 1):
            if not n.text().strip():
                e.setdefault("delegates", self.tr("第{i}位代领人请填写姓名").format(i=i))
            elif not idn.text().strip():
                e.setdefault("delegates", self.tr("第{i}位代领人请填写身份证号码").format(i=i))
            elif problem := resident_id_problem(idn.text()):
                e.setdefault("delegates", self.tr("第{i}位代领人：{problem}").format(i=i, problem=problem))
            elif _pydate(d.date()) < today:
                e.setdefault("delegates", self.tr("第{i}位代领人的有效期已过").format(i=i))
        return e

    def _touched(self, key: str) -> bool:
        if key == "owner":
            return bool(self.room.text().strip()) and self._room_id is not None and bool(self.owner.currentText())
        if key == "hook":
            return False
        if key == "delegates":
            return any(n.text().strip() or i.text().strip() for n, i, _d in self._delegate_rows)
        return super()._touched(key)

    def save(self) -> tuple[int, str]:
        self.deposit_id, self.serial = self.call(keys.deposit_key, self.data())
        return self.deposit_id, self.serial

    def accept(self) -> None:
        super().accept()
        self.print_if_asked("deposit_slip", "key_deposit", self.deposit_id)


# ---------------------------------------------------------------- 托存交还


class GiveBackDialog(_KeyForm):
    """托存交还: only to the owner or a named person still valid, whose ID number — typed from the card
    shown — matches the record. No ID, no key; the service refuses and the dialog stays open."""

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None,
                 deposit_id: int | None = None) -> None:
        super().__init__(ctx, self.tr("托存钥匙交还"), parent)
        self.runner = runner
        self.setMinimumWidth(640)
        self.deposit: DepositRow | None = None
        self.given_back = False
        self.find = QLineEdit()
        self.find.setPlaceholderText(self.tr("扫描登记表二维码，或输入单号 TC-…、房号，回车查找"))
        self.add_field("find", self.tr("托存登记"), self.find)
        _EnterFilter(self.find, self._on_find)
        self.choice = QComboBox()
        self.choice.currentIndexChanged.connect(self._on_choice)
        self.add_field("choice", self.tr("选择登记"), self.choice)
        self.info = _note("", "", "deposit_info")
        self.info.setWordWrap(False)  # explicit lines; a wrapping label took twice its height in the form
        self.info.hide()
        self.form.addRow("", self.info)
        self.collector = QComboBox()
        self.collector.setEditable(True)
        self.collector.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.collector.lineEdit().setPlaceholderText(self.tr("业主本人或登记的代领人"))
        self.collector.editTextChanged.connect(self.revalidate)
        self.add_field("collector", self.tr("领取人"), self.collector)
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(self.tr("照领取人身份证输入完整号码"))
        self.add_field("id_number", self.tr("身份证号"), self.id_number)
        self.form.addRow("", _note(self.tr("无任何证件证明的索匙者不得领取钥匙。")))
        self.print_after = self.print_box(self.tr("交还后的《业主托存/移交钥匙登记表》"))
        self.row_visible(self.choice, False)
        if deposit_id is not None:
            self._load([deposit_id])
        _chain([self.find, self.choice, self.collector, self.id_number, self.print_after, self.buttons])
        (self.collector if self.deposit is not None else self.find).setFocus()
        self.revalidate()

    def _on_find(self) -> None:
        text = self.find.text().strip()
        if not text:
            return
        ids: list[int] = []
        with self.ctx.read() as s:
            hit = keys.find(s, text)
            if hit is not None and hit.what == "deposit":
                ids = [d for d in (keys.key_row(s, k).deposit_id for k in hit.key_ids) if d is not None]
            else:
                rid = rooms.find_room_id(s, text)
                if rid is None and hit is not None:
                    rid = keys.key_row(s, hit.key_ids[0]).room_id
                if rid is not None:
                    ids = [d.id for d in keys.deposits(s, self.ctx.actor, held_only=True, room_id=rid)]
        if not ids:
            self._load([])
            self.show_errors({"find": self.tr("找不到“{text}”的托存中的钥匙").format(text=text)})
            self.ok_button().setEnabled(False)
            return
        self._load(ids)
        self.collector.setFocus()

    def _load(self, ids: Sequence[int]) -> None:
        rows = []
        for i in dict.fromkeys(ids):
            try:
                rows.append(self.ctx.query(keys.deposit, i))
            except AppError:
                continue
        self.choice.blockSignals(True)
        self.choice.clear()
        for d in rows:
            self.choice.addItem(self.tr("{serial} {room} {owner}（{key}）").format(
                serial=d.serial, room=d.room_code, owner=d.owner_name, key=d.key_number), d)
        self.choice.blockSignals(False)
        self.row_visible(self.choice, len(rows) > 1)
        self._on_choice()

    def _on_choice(self) -> None:
        d = self.choice.currentData()
        self.deposit = d
        self.info.setVisible(d is not None)
        if d is None:
            self.info.setText("")
            self.revalidate()
            return
        self.find.blockSignals(True)
        self.find.setText(d.serial)
        self.find.blockSignals(False)
        lines = [self.tr("{serial}　{room}　{key} × {n} 把　托存于 {at}").format(
            serial=d.serial, room=d.room_code, key=d.key_number, n=d.copies, at=fmt_local(d.deposited_at)),
            self.tr("业主：{name}　身份证：{id}").format(name=d.owner_name, id=d.owner_id_number)]
        today = local_today()
        for x in d.delegates:
            state = self.tr("有效") if x.valid_until >= today else self.tr("已过期")
            lines.append(self.tr("代领人：{name}　身份证：{id}　有效期至 {until}（{state}）").format(
                name=x.name, id=x.id_number, until=x.valid_until.isoformat(), state=state))
        if d.state != "held":
            lines.append(self.tr("已于 {at} 交还 {who}").format(at=fmt_local(d.returned_at), who=d.returned_to))
        self.info.setText("\n".join(lines))
        typed = self.collector.currentText()
        self.collector.blockSignals(True)
        self.collector.clear()
        for name in dict.fromkeys([d.owner_name, *[x.name for x in d.delegates if x.valid_until >= today]]):
            self.collector.addItem(name)
        self.collector.setCurrentIndex(-1)
        self.collector.setEditText(typed)
        self.collector.blockSignals(False)
        self.revalidate()

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        if self.deposit is None:
            e["find"] = self.tr("请扫描或输入托存登记单号、房号")
        elif self.deposit.state != "held":
            e["find"] = self.tr("托存登记 {serial} 的钥匙已交还").format(serial=self.deposit.serial)
        if not self.collector.currentText().strip():
            e["collector"] = self.tr("请填写领取人姓名")
        if not self.id_number.text().strip():
            e["id_number"] = self.tr("无任何证件证明的索匙者不得领取钥匙：请出示身份证")
        return e

    def _touched(self, key: str) -> bool:
        if key == "collector":
            return bool(self.collector.currentText())
        if key == "find":
            return self.deposit is not None
        return super()._touched(key)

    def save(self) -> None:
        assert self.deposit is not None
        # Its own transaction, so that a refused ID stays in the audit log (app/keys.py).
        try:
            keys.give_back_deposit_tx(self.ctx.database.Session, self.ctx.actor, self.deposit.id,
                                      self.collector.currentText(), self.id_number.text())
        except (ValidationError, StorageError):
            raise
        except AppError as e:
            key = e.field if e.field in self._errors else "_"
            raise ValidationError(errors={key: e.message}) from e
        self.ctx.changed = True
        self.given_back = True

    def accept(self) -> None:
        super().accept()
        if self.given_back and self.deposit is not None:
            self.print_if_asked("deposit_slip", "key_deposit", self.deposit.id)


# ---------------------------------------------------------------- 收房交付, 第二把装修钥匙, 装修手续


class HandoverDialog(_KeyForm):
    """收房交付 (the first decoration key and the official keys) or 第二把装修钥匙 (only once the room's
    decoration permit is recorded and its fees are paid): the owner who signs, the keys ticked."""

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None,
                 room_id: int | None = None, kind: HandoverKind | str | None = None) -> None:
        super().__init__(ctx, self.tr("钥匙交付业主"), parent)
        self.runner = runner
        self.setMinimumWidth(640)
        self.handover_id: int | None = None
        self.serial = ""
        self._room_id: int | None = None
        self.permit_problem: str | None = None
        with ctx.read() as s:
            codes = rooms.room_codes(s)
        self.kind = QComboBox()
        for k, text in HANDOVER_LABELS.items():
            self.kind.addItem(label(text), str(k))
        if kind is not None:
            _select(self.kind, str(kind))
        self.add_field("kind", self.tr("交付类别"), self.kind)
        self.room = QLineEdit()
        self.room.setCompleter(room_completer(codes, self.room))
        self.add_field("room", self.tr("房号"), self.room)
        self.person = QComboBox()
        self.add_field("person", self.tr("领取业主"), self.person)
        self.keys = QListWidget()
        self.keys.setObjectName("handover_keys")
        self.keys.setFixedHeight(84)
        self.keys.itemChanged.connect(lambda _i: self.revalidate())
        self.add_field("keys", self.tr("交付钥匙"), self.keys)
        self.permit_state = _note("", "", "permit_state")
        self.permit_btn = QPushButton(self.tr("登记装修手续…"))
        self.permit_btn.setObjectName("permit_button")
        self.permit_btn.setAutoDefault(False)
        self.permit_btn.clicked.connect(self._on_permit)
        holder = QWidget()
        pv = QVBoxLayout(holder)
        pv.setContentsMargins(0, 0, 0, 0)
        pv.addWidget(self.permit_state)
        pv.addWidget(_row_widget(self.permit_btn, None))
        self.add_field("permit", self.tr("装修手续"), holder)
        holder.setObjectName("permit_box")
        self.note = QLineEdit()
        self.add_field("note", self.tr("备注"), self.note)
        self.print_after = self.print_box(self.tr("《业主托存/移交钥匙登记表》"))
        self.kind.currentIndexChanged.connect(self._refresh)
        self.room.textChanged.connect(self._on_room)
        if room_id is not None:
            try:
                self.room.setText(ctx.query(rooms.room_detail, room_id).room.code)
            except AppError:
                pass
        self._refresh()
        _chain([self.kind, self.room, self.person, self.keys, self.permit_btn, self.note, self.print_after,
                self.buttons])
        (self.person if self._room_id is not None else self.room).setFocus()

    def handover_kind(self) -> HandoverKind:
        return HandoverKind(self.kind.currentData())

    def _on_room(self) -> None:
        rid = _room_id(self.ctx, self.room.text())
        if rid != self._room_id:
            self._room_id = rid
            self.person.clear()
            self.person.addItem(self.tr("（请选择业主）"), None)
            for p in _owners(self.ctx, rid):
                self.person.addItem(self.tr("{name}（{phone}）").format(name=p.name, phone=p.phone or "—"), p.id)
            if self.person.count() == 2:
                self.person.setCurrentIndex(1)
            self._refresh()
        else:
            self.revalidate()

    def _refresh(self) -> None:
        kind = self.handover_kind()
        self.keys.clear()
        if self._room_id is not None:
            wanted = HANDOVER_KINDS[kind]
            for r in self.ctx.query(lambda s, _a: keys.room_keys(s, self._room_id)):
                if r.kind not in wanted:
                    continue
                it = QListWidgetItem(self.tr("{number}　{kind}　{n} 把　{hook}　{state}").format(
                    number=r.number, kind=label(r.kind_label), n=r.copies, hook=r.hook or "—",
                    state=label(r.state_label)))
                it.setData(Qt.ItemDataRole.UserRole, r.id)
                if r.state == KeyState.IN:
                    it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
                    it.setCheckState(Qt.CheckState.Checked)
                else:
                    it.setFlags(Qt.ItemFlag.NoItemFlags)
                    it.setCheckState(Qt.CheckState.Unchecked)
                self.keys.addItem(it)
        second = kind == HandoverKind.SECOND_DECORATION
        self.row_visible(self.permit_btn, second)
        self.permit_problem = None
        if second and self._room_id is not None:
            rid = self._room_id
            with self.ctx.read() as s:
                self.permit_problem = keys.second_key_problem(s, rid)
                permits = keys.permits(s, rid)
            if permits:
                p = permits[0]
                paid = (self.tr("费用已交清（收据 {receipt}，{on}）").format(receipt=p.receipt_no, on=p.paid_on)
                        if p.fees_paid else self.tr("费用未交清"))
                text = self.tr("装修许可证 {no}（{issued} 办理），{paid}").format(
                    no=p.permit_no, issued=p.issued_on.isoformat(), paid=paid)
            else:
                text = self.tr("尚未登记装修手续")
            self.permit_state.setText(text)
            self.permit_state.setStyleSheet(FOUND_STYLE if self.permit_problem is None else HINT_STYLE)
        self.revalidate()

    def _on_permit(self) -> None:
        if self._room_id is None:
            self.show_errors({"room": self.tr("请先填写房号")})
            return
        if PermitDialog(self.ctx, self, self._room_id).exec() == QDialog.DialogCode.Accepted:
            self._refresh()

    def key_ids(self) -> list[int]:
        out = []
        for i in range(self.keys.count()):
            it = self.keys.item(i)
            if it.checkState() == Qt.CheckState.Checked:
                out.append(it.data(Qt.ItemDataRole.UserRole))
        return out

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        if self._room_id is None:
            e["room"] = self.tr("找不到该房号") if self.room.text().strip() else self.tr("请填写房号")
            return e
        if self.permit_problem:
            e["permit"] = self.permit_problem
        if self.person.currentData() is None:
            e["person"] = self.tr("请选择领取钥匙的业主") if self.person.count() > 1 else \
                self.tr("该房屋没有登记业主：请先在“房屋”中登记")
        if not self.key_ids():
            e["keys"] = self.tr("该房屋没有可交付的钥匙（{kind}）").format(
                kind=label(HANDOVER_LABELS[self.handover_kind()])) if not self.keys.count() else self.tr("请勾选交付的钥匙")
        return e

    def _touched(self, key: str) -> bool:
        if key in ("permit", "keys", "person"):
            return True
        return super()._touched(key)

    def save(self) -> tuple[int, str]:
        data = HandoverData(room_id=self._room_id, kind=self.handover_kind(), person_id=self.person.currentData(),
                            key_ids=self.key_ids(), note=self.note.text())
        self.handover_id, self.serial = self.call(keys.hand_over, data)
        return self.handover_id, self.serial

    def accept(self) -> None:
        super().accept()
        self.print_if_asked("handover_slip", "key_handover", self.handover_id)


class PermitDialog(_KeyForm):
    """装修手续: the permit number and date; once the fees are paid, the receipt number and date."""

    def __init__(self, ctx: AppContext, parent: QWidget | None, room_id: int) -> None:
        super().__init__(ctx, self.tr("登记装修手续"), parent)
        self.setMinimumWidth(520)
        self.room_id = room_id
        with ctx.read() as s:
            existing = keys.permits(s, room_id)
        code = ctx.query(rooms.room_detail, room_id).room.code
        # An unpaid permit is completed (marked paid) rather than recorded twice.
        self.editing: PermitRow | None = next((p for p in existing if not p.fees_paid), None)
        self.setWindowTitle(self.tr("装修手续 — {room}").format(room=code))
        if existing:
            self.form.addRow(_note("\n".join(self.tr("已登记：{no}（{issued}）{paid}").format(
                no=p.permit_no, issued=p.issued_on.isoformat(),
                paid=self.tr("费用已交清") if p.fees_paid else self.tr("费用未交清")) for p in existing)))
        self.permit_no = QLineEdit()
        self.add_field("permit_no", self.tr("装修许可证编号"), self.permit_no)
        self.issued_on = QDateEdit(QDate.currentDate())
        self.issued_on.setCalendarPopup(True)
        self.issued_on.setDisplayFormat("yyyy-MM-dd")
        self.issued_on.setMaximumDate(QDate.currentDate())
        self.add_field("issued_on", self.tr("办理日期"), self.issued_on)
        self.fees_paid = QCheckBox(self.tr("装修相关费用已交清"))
        self.add_field("fees_paid", "", self.fees_paid)
        self.receipt_no = QLineEdit()
        self.add_field("receipt_no", self.tr("收据号码"), self.receipt_no)
        self.paid_on = QDateEdit(QDate.currentDate())
        self.paid_on.setCalendarPopup(True)
        self.paid_on.setDisplayFormat("yyyy-MM-dd")
        self.paid_on.setMaximumDate(QDate.currentDate())
        self.add_field("paid_on", self.tr("交费日期"), self.paid_on)
        self.note = QLineEdit()
        self.add_field("note", self.tr("备注"), self.note)
        for d in (self.issued_on, self.paid_on):
            d.dateChanged.connect(lambda *_: self.revalidate())
        self.fees_paid.toggled.connect(self._on_paid)
        if self.editing is not None:
            self.permit_no.setText(self.editing.permit_no)
            self.issued_on.setDate(_qdate(self.editing.issued_on))
            self.note.setText(self.editing.note)
        self._on_paid()
        (self.fees_paid if self.editing is not None else self.permit_no).setFocus()

    def _on_paid(self) -> None:
        paid = self.fees_paid.isChecked()
        self.receipt_no.setEnabled(paid)
        self.paid_on.setEnabled(paid)
        self.revalidate()

    def data(self) -> PermitData:
        paid = self.fees_paid.isChecked()
        return PermitData(room_id=self.room_id, permit_no=self.permit_no.text(),
                          issued_on=_pydate(self.issued_on.date()), fees_paid=paid,
                          receipt_no=self.receipt_no.text() if paid else "",
                          paid_on=_pydate(self.paid_on.date()) if paid else None, note=self.note.text())

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        if not self.permit_no.text().strip():
            e["permit_no"] = self.tr("请填写装修许可证编号")
        if self.fees_paid.isChecked() and not self.receipt_no.text().strip():
            e["receipt_no"] = self.tr("已交清费用请填写收据号码")
        return e

    def _touched(self, key: str) -> bool:
        if key == "receipt_no":
            return self.fees_paid.isChecked()
        return super()._touched(key)

    def save(self) -> PermitRow:
        return self.call(keys.record_permit, self.data(), self.editing.id if self.editing is not None else None)


# ---------------------------------------------------------------- 报告遗失/损坏, 换钩位


class ReportDialog(_KeyForm):
    """报告遗失/损坏: reported to the supervisor at once, with what happened."""

    def __init__(self, ctx: AppContext, parent: QWidget | None, key_id: int) -> None:
        super().__init__(ctx, self.tr("报告钥匙遗失/损坏"), parent)
        self.setMinimumWidth(520)
        self.key_id = key_id
        self.incident_id: int | None = None
        r = ctx.query(lambda s, _a: keys.key_row(s, key_id))
        self.setWindowTitle(self.tr("报告遗失/损坏 — {number}").format(number=r.number))
        self.form.addRow(_note(self.tr("{number}　{room}　{kind}　共 {n} 把　{state}").format(
            number=r.number, room=r.room_code, kind=label(r.kind_label), n=r.copies, state=label(r.state_label)), ""))
        self.kind = QComboBox()
        for k, text in INCIDENT_KIND_LABELS.items():
            self.kind.addItem(label(text), str(k))
        self.add_field("kind", self.tr("情况"), self.kind)
        self.copies = QSpinBox()
        self.copies.setRange(1, max(1, r.copies))
        self.copies.setValue(r.copies)
        self.copies.setSuffix(self.tr(" 把"))
        self.copies.setMaximumWidth(120)
        self.add_field("copies", self.tr("数量"), self.copies)
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(80)
        self.description.setPlaceholderText(self.tr("何时、何处、如何遗失或损坏；谁发现的"))
        self.add_field("description", self.tr("经过"), self.description)
        self.form.addRow(_note(self.tr("保存后报告客服主管，由主管联系业主并决定补配钥匙或换锁。")))
        self.kind.setFocus()
        self.revalidate()

    def problems(self) -> dict[str, str]:
        return {} if self.description.toPlainText().strip() else {"description": self.tr("请写明遗失或损坏的经过")}

    def _touched(self, key: str) -> bool:
        return bool(self.description.toPlainText()) if key == "description" else super()._touched(key)

    def save(self) -> int:
        self.incident_id = self.call(keys.report_incident, self.key_id, IncidentKind(self.kind.currentData()),
                                     self.description.toPlainText(), self.copies.value())
        return self.incident_id


class HookPickerDialog(_KeyForm):
    """换钩位: a free hook of any cabinet."""

    def __init__(self, ctx: AppContext, parent: QWidget | None, key_id: int) -> None:
        super().__init__(ctx, self.tr("换钩位"), parent)
        self.key_id = key_id
        r = ctx.query(lambda s, _a: keys.key_row(s, key_id))
        self.form.addRow(_note(self.tr("{number}　现在：{hook}").format(number=r.number, hook=r.hook or "—"), ""))
        self.cabinet = _cabinet_box(ctx, r.cabinet_id)
        self.add_field("cabinet", self.tr("钥匙柜"), self.cabinet)
        self.hook = QComboBox()
        self.add_field("hook", self.tr("新钩位"), self.hook)
        self.cabinet.currentIndexChanged.connect(self._on_cabinet)
        self._on_cabinet()
        self.hook.setFocus()

    def _on_cabinet(self) -> None:
        _fill_hooks(self.hook, _free_hooks(self.ctx, self.cabinet.currentData()))
        self.revalidate()

    def problems(self) -> dict[str, str]:
        return {} if self.hook.currentData() is not None else {"hook": self.tr("这个钥匙柜没有空钩位")}

    def save(self) -> None:
        self.call(keys.move_key, self.key_id, self.hook.currentData())


# ---------------------------------------------------------------- 遗失/损坏 处理 (客服主管)


class IncidentDialog(_KeyForm):
    """The lost/damaged procedure, for the supervisor: the owner's consent (or refusal and the outcome),
    then 补配钥匙 or 换锁 — a lock change retires every key of the lock and registers the new ones.
    Others see it read-only."""

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None, incident_id: int) -> None:
        super().__init__(ctx, self.tr("遗失/损坏处理"), parent)
        self.runner = runner
        self.setMinimumWidth(760)
        self.incident_id = incident_id
        self.saved = False
        self.incident: IncidentRow | None = None
        self.stage = ""
        self.may_approve = ctx.actor is not None and ctx.actor.can(Perm.APPROVE_KEYS)
        self._build()

    # ---------------------------------------------------------------- building per stage
    def _clear(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self._errors.clear()
        self._fields.clear()
        self.new_rows: list[tuple[QLineEdit, QComboBox, QSpinBox, QComboBox]] = []

    def _build(self) -> None:
        self._clear()
        self._tried = False
        try:
            found = [self.ctx.query(lambda s, _a: keys.incident(s, self.incident_id))]
        except NotFoundError:
            found = []
        if not found:
            self.form.addRow(_note(self.tr("找不到这条遗失/损坏记录"), REFUSAL_STYLE))
            self.stage = "none"
            self._buttons_for()
            return
        i = self.incident = found[0]
        self.key = self.ctx.query(lambda s, _a: keys.key_row(s, i.key_id))
        self.setWindowTitle(self.tr("遗失/损坏处理 — {number}").format(number=i.key_number))
        lines = [self.tr("<b>{number}</b>　{room}　{kind} {n} 把（{source}）　<b>{state}</b>").format(
            number=i.key_number, room=i.room_code, kind=label(i.kind_label), n=i.copies, source=label(i.source_label),
            state=label(i.state_label)),
            self.tr("{at} {who} 报告：{what}").format(at=fmt_local(i.reported_at), who=i.reported_by,
                                                     what=i.description or "—")]
        if i.loan_serial:
            lines.append(self.tr("借领单：{serial}").format(serial=i.loan_serial))
        if i.consent_at:
            lines.append(self.tr("{at} 联系业主 {owner}：{agreed}{note}").format(
                at=fmt_local(i.consent_at), owner=i.consent_by,
                agreed=self.tr("同意处理") if i.state != IncidentState.DECLINED else self.tr("不同意处理"),
                note=f"（{i.consent_note}）" if i.consent_note else ""))
        if i.resolved_at:
            lines.append(self.tr("{at} {who} 处理：{remedy} {outcome}").format(
                at=fmt_local(i.resolved_at), who=i.approved_by, remedy=label(i.remedy_label), outcome=i.outcome))
        summary = _note("<br>".join(lines), "", "incident_summary")
        summary.setTextFormat(Qt.TextFormat.RichText)
        self.form.addRow(summary)
        if i.state == IncidentState.REPORTED:
            self.stage = "consent"
        elif i.state == IncidentState.CONSENTED:
            self.stage = "remedy"
        else:
            self.stage = "done"
        if self.stage in ("consent", "remedy") and not self.may_approve:
            self.form.addRow(_note(self.tr("只有客服主管可以审批：联系业主、补配钥匙或换锁。此处只能查看。"),
                                   WARN_STYLE, "approve_note"))
            self.stage = "read_only"
        elif self.stage == "consent":
            self._build_consent()
        elif self.stage == "remedy":
            self._build_remedy()
        self._buttons_for()
        self.revalidate()

    def _buttons_for(self) -> None:
        ok = self.ok_button()
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        ok.setVisible(self.stage in ("consent", "remedy"))
        ok.setText({"consent": self.tr("记录业主意见"), "remedy": self.tr("审批并处理")}.get(self.stage, self.tr("保存")))
        cancel.setText(self.tr("关闭") if self.stage not in ("consent", "remedy") or self.saved else self.tr("取消"))

    def _build_consent(self) -> None:
        assert self.incident is not None
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for p in _owners(self.ctx, self.key.room_id):
            self.owner.addItem(p.name)
        self.owner.editTextChanged.connect(self.revalidate)
        self.add_field("owner", self.tr("联系的业主"), self.owner)
        self.agreed = QComboBox()
        self.agreed.addItem(self.tr("业主同意处理（补配钥匙或换锁）"), True)
        self.agreed.addItem(self.tr("业主不同意处理"), False)
        self.add_field("agreed", self.tr("业主意见"), self.agreed)
        self.consent_note = QPlainTextEdit()
        self.consent_note.setTabChangesFocus(True)
        self.consent_note.setFixedHeight(64)
        self.consent_note.setPlaceholderText(self.tr("业主不同意时必填：处理结果"))
        self.add_field("note", self.tr("说明/处理结果"), self.consent_note)
        self.owner.setFocus()

    def _build_remedy(self) -> None:
        assert self.incident is not None
        self.remedy = QComboBox()
        for r, text in REMEDY_LABELS.items():
            self.remedy.addItem(label(text), str(r))
        self.add_field("remedy", self.tr("处理方式"), self.remedy)
        # 补配
        self.copies = QSpinBox()
        self.copies.setRange(1, MAX_COPIES)
        self.copies.setValue(self.incident.copies)
        self.copies.setSuffix(self.tr(" 把"))
        self.copies.setMaximumWidth(120)
        self.add_field("copies", self.tr("补配数量"), self.copies)
        # 换锁
        with self.ctx.read() as s:
            self.old_keys = keys.lock_keys(s, self.incident.key_id)
            self.hooks = keys.empty_hooks(s, self.key.cabinet_id) if self.key.cabinet_id is not None else []
        self.old_table = _item_table([self.tr("钥匙编号"), self.tr("类别"), self.tr("数量"), self.tr("状态"),
                                      self.tr("钩位")])
        self.old_table.setObjectName("lock_keys")
        self.old_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for k in self.old_keys:
            n = self.old_table.rowCount()
            self.old_table.insertRow(n)
            for c, text in enumerate((k.number, label(k.kind_label), str(k.copies), label(k.state_label), k.hook or "—")):
                self.old_table.setItem(n, c, _ro_item(text, k.id if c == 0 else None))
        _fit_table(self.old_table)
        _fit_rows(self.old_table, 1, 6)
        self.add_field("old_keys", self.tr("将作废"), self.old_table)
        self.new_table = _item_table([self.tr("新钥匙编号"), self.tr("类别"), self.tr("数量"), self.tr("钩位")])
        self.new_table.setObjectName("new_keys")
        self.new_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.new_table.setTabKeyNavigation(False)
        self.new_table.setColumnWidth(0, 170)
        self.new_table.setColumnWidth(1, 160)
        self.new_table.setColumnWidth(2, 80)
        self.new_table.horizontalHeader().setStretchLastSection(True)
        self.outcome = QLineEdit()
        self.outcome.setPlaceholderText(self.tr("选填，如 已为业主补配两把"))
        lock = self.key.lock_no
        for k in self.old_keys:
            base = k.number[: -len(f"-{lock}")] if lock > 1 and k.number.endswith(f"-{lock}") else k.number
            self.add_new_key(f"{base}-{lock + 1}", str(k.kind), k.copies)
        self.add_new_btn = QPushButton(self.tr("添加新钥匙"))
        self.add_new_btn.setAutoDefault(False)
        self.add_new_btn.clicked.connect(self._on_add_new)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.new_table)
        v.addWidget(_row_widget(self.add_new_btn, None))
        self.add_field("new_keys", self.tr("新锁钥匙"), box)
        box.setObjectName("new_keys_box")
        self._fields["new_keys"] = self.new_table
        self.add_field("outcome", self.tr("处理结果"), self.outcome)
        self.remedy.currentIndexChanged.connect(self._on_remedy)
        self._on_remedy()
        self._chain_remedy()
        self.remedy.setFocus()

    def _on_add_new(self) -> None:
        self.add_new_key("", str(self.key.kind), 1)
        self._chain_remedy()
        self.new_rows[-1][0].setFocus()

    def add_new_key(self, number: str, kind: str, copies: int) -> None:
        n = self.new_table.rowCount()
        self.new_table.insertRow(n)
        ne = QLineEdit(number)
        ne.textChanged.connect(self.revalidate)
        kb = QComboBox()
        for k, text in KIND_LABELS.items():
            kb.addItem(label(text), str(k))
        _select(kb, kind)
        sp = QSpinBox()
        sp.setRange(1, MAX_COPIES)
        sp.setValue(copies)
        hb = QComboBox()
        _fill_hooks(hb, self.hooks, None, self.tr("原钥匙的钩位"))
        for c, w in enumerate((ne, kb, sp, hb)):
            self.new_table.setCellWidget(n, c, w)
        self.new_rows.append((ne, kb, sp, hb))
        _fit_rows(self.new_table, 1, 6)

    def _chain_remedy(self) -> None:
        _chain([self.remedy, self.copies, *[w for row in self.new_rows for w in row], self.add_new_btn, self.outcome,
                self.buttons])

    def remedy_kind(self) -> Remedy:
        return Remedy(self.remedy.currentData())

    def _on_remedy(self) -> None:
        lock = self.remedy_kind() == Remedy.LOCK_CHANGE
        self.row_visible(self.copies, not lock)
        self.row_visible(self.old_table, lock)
        self.row_visible(self.new_table, lock)
        self.ok_button().setText(self.tr("审批：换锁") if lock else self.tr("审批：补配钥匙"))
        self.revalidate()

    # ---------------------------------------------------------------- checking and saving
    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        if self.stage == "consent":
            if not self.owner.currentText().strip():
                e["owner"] = self.tr("请填写联系的业主姓名")
            if not self.agreed.currentData() and not self.consent_note.toPlainText().strip():
                e["note"] = self.tr("业主不同意处理时请记录处理结果")
        elif self.stage == "remedy" and self.remedy_kind() == Remedy.LOCK_CHANGE:
            if not self.new_rows:
                e["new_keys"] = self.tr("请登记新锁的钥匙")
            numbers = [ne.text().strip() for ne, *_ in self.new_rows]
            if any(not n for n in numbers):
                e["new_keys"] = self.tr("请填写新钥匙编号")
            elif len(set(numbers)) != len(numbers):
                e["new_keys"] = self.tr("新钥匙编号重复")
        return e

    def _touched(self, key: str) -> bool:
        if key == "note":
            return self.stage == "consent" and not self.agreed.currentData()
        if key == "owner":
            return True
        return super()._touched(key)

    def save(self) -> None:
        if self.stage == "consent":
            self.call(keys.record_consent, self.incident_id, self.owner.currentText(),
                      bool(self.agreed.currentData()), self.consent_note.toPlainText())
        elif self.remedy_kind() == Remedy.RECUT:
            self.call(keys.recut, self.incident_id, self.copies.value(), self.outcome.text())
        else:
            new = [NewKey(ne.text().strip(), kb.currentData(), sp.value(), hb.currentData())
                   for ne, kb, sp, hb in self.new_rows]
            self.call(keys.change_lock, self.incident_id, new, self.outcome.text())

    def _on_accept(self) -> None:
        if self.stage not in ("consent", "remedy"):
            return
        stage = self.stage
        self._tried = True
        if not self.revalidate():
            return
        try:
            self.save()
        except ValidationError as e:
            self.show_errors(e.errors or {"_": e.message})
            return
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.saved = True
        if stage == "consent":
            self._build()  # on to 补配 or 换锁 (or the outcome, when the owner declined)
            return
        self.accept()

    def reject(self) -> None:
        self.done(QDialog.DialogCode.Accepted if self.saved else QDialog.DialogCode.Rejected)


# ---------------------------------------------------------------- 盘点, 标签检查


class CountDialog(QDialog):
    """盘点: the cabinet hook by hook in order, each confirmed by keyboard — Y or Space: a key is there,
    N: none, Backspace: back — against what the records expect; then saved, with the mismatches listed
    and each missing key reportable as lost."""

    def __init__(self, ctx: AppContext, parent: QWidget | None, cabinet_id: int) -> None:
        super().__init__(parent)
        self.ctx, self.cabinet_id = ctx, cabinet_id
        self.started = datetime.now(UTC)
        with ctx.read() as s:
            self.cab = keys.cabinet(s, cabinet_id)
            self.cells: list[HookCell] = keys.cabinet_grid(s, cabinet_id)
        self.answers: dict[int, bool] = {}
        self.pos = 0
        self.count_id: int | None = None
        self.count_row: keys.CountRow | None = None
        self.report_buttons: dict[int, QPushButton] = {}
        self.setWindowTitle(self.tr("盘点 — {name}").format(name=self.cab.name))
        self.resize(860, 560)
        self.pages = QStackedWidget()

        # -- walking
        walk = QWidget()
        self.progress = QProgressBar()
        self.progress.setRange(0, len(self.cells))
        self.progress.setFormat(self.tr("%v / %m 个钩位"))
        self.hook_label = QLabel()
        self.hook_label.setObjectName("hook_label")
        big = QFont(self.hook_label.font())
        big.setPointSize(big.pointSize() + 18)
        big.setBold(True)
        self.hook_label.setFont(big)
        self.hook_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.expected = QLabel()
        self.expected.setObjectName("expected")
        self.expected.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.expected.setWordWrap(True)
        ef = QFont(self.expected.font())
        ef.setPointSize(ef.pointSize() + 3)
        self.expected.setFont(ef)
        self.yes = QPushButton()
        self.no = QPushButton()
        self.back = QPushButton(self.tr("上一个（Backspace）"))
        for b, slot in ((self.yes, lambda: self.answer(True)), (self.no, lambda: self.answer(False)),
                        (self.back, self.go_back)):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys belong to the walk, not to a button
            b.setAutoDefault(False)
            b.setMinimumHeight(44)
            b.clicked.connect(slot)
        self.yes.setObjectName("present")
        self.no.setObjectName("missing")
        self.table = QTableWidget(len(self.cells), 4)
        self.table.setObjectName("count_table")
        self.table.setHorizontalHeaderLabels([self.tr("钩位"), self.tr("记录"), self.tr("应在柜"), self.tr("核对")])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for r, c in enumerate(self.cells):
            for col, text in enumerate((c.label, self._record_text(c),
                                        self.tr("是") if self._expected(c) else self.tr("否"), "")):
                self.table.setItem(r, col, _ro_item(text))
        _fit_table(self.table, 56)
        left = QVBoxLayout()
        left.addWidget(self.progress)
        left.addStretch(1)
        left.addWidget(self.hook_label)
        left.addWidget(self.expected)
        left.addStretch(1)
        left.addWidget(_row_widget(self.yes, self.no))
        left.addWidget(self.back)
        left.addWidget(_note(self.tr("键盘：Y 或 空格 = 在位/有钥匙，N = 缺失/无钥匙，Backspace = 上一个，Esc = 放弃")))
        wl = QHBoxLayout(walk)
        wl.addLayout(left, 3)
        wl.addWidget(self.table, 4)

        # -- summary before saving
        summary = QWidget()
        self.summary_text = QLabel()
        self.summary_text.setObjectName("summary")
        self.summary_text.setWordWrap(True)
        self.summary_text.setFont(ef)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("备注（选填）"))
        self.save_btn = QPushButton(self.tr("保存盘点结果（Enter）"))
        self.save_btn.setObjectName("save_count")
        self.save_btn.setDefault(True)
        self.save_btn.clicked.connect(self.save)
        self.again = QPushButton(self.tr("返回修改"))
        self.again.setAutoDefault(False)
        self.again.clicked.connect(self.go_back)
        self.save_error = _note("", REFUSAL_STYLE, "save_error")
        sl = QVBoxLayout(summary)
        sl.addWidget(self.summary_text)
        sl.addWidget(self.note)
        sl.addWidget(self.save_error)
        sl.addStretch(1)
        sl.addWidget(_row_widget(self.again, None, self.save_btn))

        # -- the saved result: mismatches, each missing key reportable as lost
        done = QWidget()
        self.result_text = QLabel()
        self.result_text.setObjectName("result")
        self.result_text.setWordWrap(True)
        self.mismatches = _item_table([self.tr("钩位"), self.tr("钥匙"), self.tr("房号"), self.tr("结果"),
                                       self.tr("处理")])
        self.mismatches.setObjectName("mismatches")
        close = QPushButton(self.tr("关闭"))
        close.setObjectName("close")
        close.clicked.connect(self.accept)
        dl = QVBoxLayout(done)
        dl.addWidget(self.result_text)
        dl.addWidget(self.mismatches, 1)
        dl.addWidget(_row_widget(None, close))

        for p in (walk, summary, done):
            self.pages.addWidget(p)
        lay = QVBoxLayout(self)
        lay.addWidget(self.pages)
        self._show()

    # ---------------------------------------------------------------- the walk
    @staticmethod
    def _expected(c: HookCell) -> bool:
        return c.state == KeyState.IN

    def _record_text(self, c: HookCell) -> str:
        if c.key_id is None:
            return self.tr("空钩")
        return self.tr("{number}（{state}）").format(number=c.number, state=label(c.state_label))

    def _show(self) -> None:
        if not self.cells:
            self.pages.setCurrentIndex(1)
            self.summary_text.setText(self.tr("这个钥匙柜没有钩位。"))
            self.save_btn.setEnabled(False)
            return
        if self.pos >= len(self.cells):
            self._show_summary()
            return
        self.pages.setCurrentIndex(0)
        c = self.cells[self.pos]
        self.progress.setValue(self.pos)
        self.hook_label.setText(c.label)
        if self._expected(c):
            self.expected.setText(self.tr("应挂：{number}\n{room}　{kind}　{n} 把").format(
                number=c.number, room=c.room_code, kind=label(KIND_LABELS[KeyKind(c.kind)]), n=c.copies))
            self.yes.setText(self.tr("在位（Y）"))
            self.no.setText(self.tr("缺失（N）"))
        else:
            if c.key_id is None:
                text = self.tr("空钩：应无钥匙")
            elif c.state in (KeyState.OUT, keys.OVERDUE):
                text = self.tr("{number} 借出中（{holder}，应还 {due}）：应无钥匙").format(
                    number=c.number, holder=c.holder or "—", due=fmt_local(c.due_at))
            else:
                text = self.tr("{number} 记录为“{state}”：应无钥匙").format(number=c.number, state=label(c.state_label))
            self.expected.setText(text)
            self.yes.setText(self.tr("有钥匙（Y）"))
            self.no.setText(self.tr("无钥匙（N）"))
        self.back.setEnabled(self.pos > 0)
        self.table.selectRow(self.pos)
        self.table.scrollToItem(self.table.item(self.pos, 0), QAbstractItemView.ScrollHint.PositionAtCenter)

    def answer(self, present: bool) -> None:
        if self.pos >= len(self.cells):
            return
        c = self.cells[self.pos]
        self.answers[c.hook_id] = present
        mismatch = present != self._expected(c)
        if self._expected(c):
            text = self.tr("在位") if present else self.tr("缺失")
        else:
            text = self.tr("账外有钥匙") if present else self.tr("空")
        item = self.table.item(self.pos, 3)
        item.setText(text)
        item.setForeground(QColor("#c62828") if mismatch else QColor("#2e7d32"))
        self.pos += 1
        self._show()

    def go_back(self) -> None:
        if self.count_id is not None or self.pos == 0:
            return
        self.pos -= 1
        c = self.cells[self.pos]
        self.answers.pop(c.hook_id, None)
        self.table.item(self.pos, 3).setText("")
        self._show()

    def _tally(self) -> tuple[int, int, int, int]:
        expected = present = missing = unexpected = 0
        for c in self.cells:
            exp, found = self._expected(c), self.answers.get(c.hook_id, False)
            expected += exp
            present += exp and found
            missing += exp and not found
            unexpected += (not exp) and found
        return expected, present, missing, unexpected

    def _show_summary(self) -> None:
        self.progress.setValue(len(self.cells))
        self.pages.setCurrentIndex(1)
        exp, pres, miss, unexp = self._tally()
        lines = [self.tr(
            "{name}：{hooks} 个钩位已全部核对。\n应在柜 {expected} 把，在位 {present} 把，缺失 {missing} 把，账外 {unexpected} 把。"
        ).format(name=self.cab.name, hooks=len(self.cells), expected=exp, present=pres, missing=miss,
                 unexpected=unexp)]
        for c in self.cells:
            found = self.answers.get(c.hook_id, False)
            if self._expected(c) and not found:
                lines.append(self.tr("缺失：{hook}　{number}（{room}）").format(hook=c.label, number=c.number,
                                                                         room=c.room_code))
            elif not self._expected(c) and found:
                lines.append(self.tr("账外有钥匙：{hook}　{record}").format(hook=c.label, record=self._record_text(c)))
        self.summary_text.setText("\n".join(lines))
        self.save_btn.setFocus()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        page = self.pages.currentIndex()
        key = event.key()
        if page == 0:
            if key in (Qt.Key.Key_Y, Qt.Key.Key_Space):
                self.answer(True)
                return
            if key == Qt.Key.Key_N:
                self.answer(False)
                return
            if key == Qt.Key.Key_Backspace:
                self.go_back()
                return
        elif page == 1:
            if key == Qt.Key.Key_Backspace and not self.note.hasFocus():
                self.go_back()
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.save()
                return
        super().keyPressEvent(event)

    # ---------------------------------------------------------------- saving and the result
    def save(self) -> None:
        if self.count_id is not None:
            return
        try:
            with self.ctx.tx() as s:
                self.count_id = keys.record_count(s, self.ctx.actor, self.cabinet_id, dict(self.answers),
                                                  self.note.text(), started_at=self.started)
        except AppError as e:
            self.save_error.setText(e.message)
            return
        self._show_result()

    def _show_result(self) -> None:
        assert self.count_id is not None
        count_id = self.count_id
        self.count_row = r = self.ctx.query(lambda s, _a: keys.count(s, count_id, mismatches_only=True))
        self.pages.setCurrentIndex(2)
        self.result_text.setText(self.tr(
            "盘点已保存：应在柜 {expected} 把，在位 {present} 把，缺失 {missing} 把，账外 {unexpected} 把。").format(
            expected=r.expected, present=r.present, missing=r.missing, unexpected=r.unexpected)
            + ("" if r.lines else self.tr("\n账物相符。")))
        self.mismatches.setRowCount(0)
        self.report_buttons = {}
        for line in r.lines:
            n = self.mismatches.rowCount()
            self.mismatches.insertRow(n)
            for c, text in enumerate((line.hook_label, line.key_number or "—", line.room_code or "—",
                                      label(line.result_label))):
                self.mismatches.setItem(n, c, _ro_item(text))
            if line.result == "missing" and line.key_id is not None:
                b = QPushButton(self.tr("按遗失上报") if line.incident_id is None else self.tr("已上报"))
                b.setObjectName(f"report_{line.hook_id}")
                b.setEnabled(line.incident_id is None)
                b.setAutoDefault(False)
                b.clicked.connect(lambda _c=False, h=line.hook_id: self.report_missing(h))
                self.mismatches.setCellWidget(n, 4, _row_widget(b, None))
                self.report_buttons[line.hook_id] = b
        _fit_table(self.mismatches, 72)

    def report_missing(self, hook_id: int) -> int | None:
        assert self.count_id is not None
        try:
            with self.ctx.tx() as s:
                incident_id = keys.incident_from_count(s, self.ctx.actor, self.count_id, hook_id)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return None
        b = self.report_buttons.get(hook_id)
        if b is not None:
            b.setText(self.tr("已上报"))
            b.setEnabled(False)
        return incident_id

    def reject(self) -> None:
        if self.count_id is not None:
            self.accept()
            return
        if self.answers and not dialogs.confirm(self, self.tr("盘点"), self.tr("放弃本次盘点？已核对的钩位不会保存。")):
            return
        super().reject()


class LabelCheckDialog(QDialog):
    """钩位标签检查: mark hooks whose labels were checked, or replaced because faded."""

    def __init__(self, ctx: AppContext, parent: QWidget | None, cabinet_id: int) -> None:
        super().__init__(parent)
        self.ctx, self.cabinet_id = ctx, cabinet_id
        with ctx.read() as s:
            cab = keys.cabinet(s, cabinet_id)
            self.cells = keys.cabinet_grid(s, cabinet_id)
        self.setWindowTitle(self.tr("标签检查 — {name}").format(name=cab.name))
        self.resize(640, 560)
        self.table = _item_table([self.tr("钩位"), self.tr("钥匙"), self.tr("上次检查"), self.tr("已检查"),
                                  self.tr("已更换")])
        self.table.setObjectName("labels")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setRowCount(len(self.cells))
        for r, c in enumerate(self.cells):
            self.table.setItem(r, 0, _ro_item(c.label, c.hook_id))
            self.table.setItem(r, 1, _ro_item(c.number or self.tr("空钩")))
            self.table.setItem(r, 2, _ro_item(fmt_local(c.label_checked_at) or self.tr("从未")))
            for col in (3, 4):
                it = QTableWidgetItem()
                it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
                it.setCheckState(Qt.CheckState.Unchecked)
                self.table.setItem(r, col, it)
        _fit_table(self.table)
        self.table.itemChanged.connect(self._on_item)
        mark = QPushButton(self.tr("所选标为已检查（空格）"))
        mark.setAutoDefault(False)
        mark.clicked.connect(self.mark_selected)
        all_btn = QPushButton(self.tr("全部标为已检查"))
        all_btn.setAutoDefault(False)
        all_btn.clicked.connect(lambda: self.mark_rows(range(len(self.cells))))
        self.error = _note("", REFUSAL_STYLE, "error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        _KeyFilter(self.table, (Qt.Key.Key_Space,), self.mark_selected)
        lay = QVBoxLayout(self)
        lay.addWidget(_note(self.tr("逐个核对钩位标签；字迹模糊的更换后勾选“已更换”。")))
        lay.addWidget(self.table, 1)
        lay.addWidget(_row_widget(mark, all_btn, None))
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.saved = 0

    def _on_item(self, item: QTableWidgetItem) -> None:
        if item.column() == 4 and item.checkState() == Qt.CheckState.Checked:
            other = self.table.item(item.row(), 3)
            if other.checkState() != Qt.CheckState.Checked:
                other.setCheckState(Qt.CheckState.Checked)  # a replaced label was checked too

    def mark_rows(self, rows: Any) -> None:
        for r in rows:
            self.table.item(r, 3).setCheckState(Qt.CheckState.Checked)

    def mark_selected(self) -> None:
        self.mark_rows(sorted({i.row() for i in self.table.selectedIndexes()}))

    def choices(self) -> tuple[list[int], list[int]]:
        """(hooks checked only, hooks whose labels were replaced)."""
        checked, replaced = [], []
        for r, c in enumerate(self.cells):
            if self.table.item(r, 4).checkState() == Qt.CheckState.Checked:
                replaced.append(c.hook_id)
            elif self.table.item(r, 3).checkState() == Qt.CheckState.Checked:
                checked.append(c.hook_id)
        return checked, replaced

    def save(self) -> None:
        checked, replaced = self.choices()
        if not checked and not replaced:
            self.error.setText(self.tr("请勾选已检查的钩位"))
            return
        try:
            with self.ctx.tx() as s:
                n = keys.check_labels(s, self.ctx.actor, checked) if checked else 0
                n += keys.check_labels(s, self.ctx.actor, replaced, replaced=True) if replaced else 0
        except AppError as e:
            self.error.setText(e.message)
            return
        self.saved = n
        self.accept()


# ---------------------------------------------------------------- 钥匙柜设置, 批量生成钥匙


class CabinetSetupDialog(_KeyForm):
    """A cabinet as the clerk sees it: name, rows × columns, where it stands, the hook labels (edited on
    a picture of the cabinet); and keys for many rooms at once, hung on the free hooks in order."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, cabinet_id: int | None = None) -> None:
        super().__init__(ctx, self.tr("钥匙柜设置") if cabinet_id else self.tr("新建钥匙柜"), parent)
        self.setMinimumWidth(760)
        self.cabinet_id = cabinet_id
        self.saved = False
        self.last_bulk: keys.BulkResult | None = None
        self._hook_ids: dict[tuple[int, int], tuple[int, str]] = {}
        self.name = QLineEdit()
        self.add_field("name", self.tr("名称"), self.name)
        self.rows = QSpinBox()
        self.rows.setRange(1, 200)
        self.rows.setValue(10)
        self.cols = QSpinBox()
        self.cols.setRange(1, 200)
        self.cols.setValue(10)
        for sp in (self.rows, self.cols):
            sp.valueChanged.connect(self.revalidate)
        size = _row_widget(self.rows, QLabel(self.tr("行 ×")), self.cols, QLabel(self.tr("列")), None)
        self.add_field("rows", self.tr("钩位"), size)
        size.setObjectName("size_row")
        self._fields["rows"] = self.rows
        self.location = QLineEdit()
        self.location.setPlaceholderText(self.tr("如 客服中心前台左侧"))
        self.add_field("location", self.tr("位置"), self.location)

        self.grid = QTableWidget()
        self.grid.setObjectName("hook_grid")
        self.grid.setMinimumHeight(200)
        self.grid.horizontalHeader().setDefaultSectionSize(64)
        self.grid.verticalHeader().setDefaultSectionSize(26)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.grid_note = _note(self.tr("双击或直接输入修改钩位标签；改变行列数后，新钩位用默认标签，保存后可修改。"))
        gbox = QWidget()
        gv = QVBoxLayout(gbox)
        gv.setContentsMargins(0, 0, 0, 0)
        gv.addWidget(self.grid)
        gv.addWidget(self.grid_note)
        self.add_field("label", self.tr("钩位标签"), gbox)
        gbox.setObjectName("grid_box")
        self._fields["label"] = self.grid

        # 批量生成钥匙
        self.bulk = QGroupBox(self.tr("批量生成钥匙"))
        self.bulk.setObjectName("bulk")
        with ctx.read() as s:
            self.codes = rooms.room_codes(s)
        self.building = QComboBox()
        self.building.setObjectName("building")
        self.unit = QComboBox()
        self.unit.setObjectName("unit")
        for b in sorted({c.split("-")[0] for c in self.codes if "-" in c}, key=lambda x: (len(x), x)):
            self.building.addItem(self.tr("{b} 栋").format(b=b), b)
        self.bulk_kind = QComboBox()
        for k, text in KIND_LABELS.items():
            if k != KeyKind.DEPOSIT:
                self.bulk_kind.addItem(label(text), str(k))
        self.bulk_copies = QSpinBox()
        self.bulk_copies.setRange(1, MAX_COPIES)
        self.bulk_copies.setSuffix(self.tr(" 把"))
        self.bulk_btn = QPushButton(self.tr("生成"))
        self.bulk_btn.setObjectName("bulk_create")
        self.bulk_btn.setAutoDefault(False)
        self.bulk_btn.clicked.connect(self.bulk_create)
        self.bulk_note = _note("", HINT_STYLE, "bulk_note")
        self.created_note = _note("", FOUND_STYLE, "created_note")
        bl = QGridLayout(self.bulk)
        bl.addWidget(QLabel(self.tr("房屋")), 0, 0)
        bl.addWidget(_row_widget(self.building, self.unit, None), 0, 1)
        bl.addWidget(QLabel(self.tr("类别")), 1, 0)
        bl.addWidget(_row_widget(self.bulk_kind, QLabel(self.tr("每把")), self.bulk_copies, None, self.bulk_btn), 1, 1)
        bl.addWidget(self.bulk_note, 2, 0, 1, 2)
        bl.addWidget(self.created_note, 3, 0, 1, 2)
        self.form.addRow(self.bulk)
        self.building.currentIndexChanged.connect(self._on_building)
        self.unit.currentIndexChanged.connect(self._preview)
        self.bulk_kind.currentIndexChanged.connect(self._preview)
        self._on_building()

        if cabinet_id is not None:
            self._load()
        else:
            self._draw_grid([])
        self.bulk.setEnabled(self.cabinet_id is not None)
        if self.cabinet_id is None:
            self.bulk_note.setText(self.tr("保存钥匙柜后即可批量生成钥匙。"))
        _chain([self.name, self.rows, self.cols, self.location, self.grid, self.building, self.unit, self.bulk_kind,
                self.bulk_copies, self.bulk_btn, self.buttons])
        self.name.setFocus()
        self.revalidate()

    # ---------------------------------------------------------------- the cabinet and its hooks
    def _load(self) -> None:
        assert self.cabinet_id is not None
        cid = self.cabinet_id
        with self.ctx.read() as s:
            c = keys.cabinet(s, cid)
            cells = keys.cabinet_grid(s, cid)
        self.setWindowTitle(self.tr("钥匙柜设置 — {name}").format(name=c.name))
        self.name.setText(c.name)
        self.rows.setValue(c.rows)
        self.cols.setValue(c.cols)
        self.location.setText(c.location)
        self._draw_grid(cells)

    def _draw_grid(self, cells: Sequence[HookCell]) -> None:
        self.grid.blockSignals(True)
        self.grid.clear()
        rows = max((c.row for c in cells), default=-1) + 1
        cols = max((c.col for c in cells), default=-1) + 1
        self.grid.setRowCount(rows)
        self.grid.setColumnCount(cols)
        self.grid.setHorizontalHeaderLabels([str(i + 1) for i in range(cols)])
        self.grid.setVerticalHeaderLabels([str(i + 1) for i in range(rows)])
        self._hook_ids = {}
        for c in cells:
            it = QTableWidgetItem(c.label)
            it.setData(Qt.ItemDataRole.UserRole, c.hook_id)
            it.setToolTip(c.number or self.tr("空钩"))
            if c.key_id is not None:
                it.setBackground(QColor("#e8f5e9"))
            self.grid.setItem(c.row, c.col, it)
            self._hook_ids[(c.row, c.col)] = (c.hook_id, c.label)
        self.grid.blockSignals(False)
        self.grid.setVisible(bool(cells))
        self.grid_note.setText(self.tr("双击或直接输入修改钩位标签；改变行列数后，新钩位用默认标签，保存后可修改。")
                               if cells else self.tr("保存后按 A01、A02… 自动编钩位标签，之后可在此修改。"))

    def show_errors(self, errors: dict[str, str]) -> None:
        """One error line under rows × columns."""
        if "cols" in errors:
            errors = dict(errors)
            cols = errors.pop("cols")
            errors["rows"] = f"{errors['rows']}；{cols}" if "rows" in errors else cols
        super().show_errors(errors)

    def renames(self) -> dict[int, str]:
        out = {}
        for (r, c), (hook_id, old) in self._hook_ids.items():
            it = self.grid.item(r, c)
            if it is not None and it.text().strip() != old:
                out[hook_id] = it.text()
        return out

    def data(self) -> keys.CabinetData:
        return keys.CabinetData(self.name.text(), self.rows.value(), self.cols.value(), self.location.text())

    def problems(self) -> dict[str, str]:
        e = keys.cabinet_problems(self.data())
        if any(not v.strip() for v in self.renames().values()):
            e["label"] = self.tr("钩位标签不能为空")
        return e

    def save(self) -> keys.CabinetRow:
        renames = self.renames()
        try:
            with self.ctx.tx() as s:
                if self.cabinet_id is None:
                    row = keys.create_cabinet(s, self.ctx.actor, self.data())
                else:
                    row = keys.update_cabinet(s, self.ctx.actor, self.cabinet_id, self.data())
                for hook_id, text in renames.items():
                    keys.rename_hook(s, self.ctx.actor, hook_id, text)
        except (ValidationError, StorageError):
            raise
        except AppError as e:
            raise ValidationError(errors={e.field if e.field in self._errors else "_": e.message}) from e
        return row

    def _on_accept(self) -> None:
        """A new cabinet stays open after saving, with its hooks, so keys can be generated for it."""
        created = self.cabinet_id is None
        self._tried = True
        if not self.revalidate():
            return
        try:
            row = self.save()
        except ValidationError as e:
            self.show_errors(e.errors or {"_": e.message})
            return
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self.saved = True
        self.result_value = row
        if not created:
            self.accept()
            return
        self.cabinet_id = row.id
        self._load()
        self.bulk.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("关闭"))
        self.created_note.setText(self.tr("已新建钥匙柜 {name}（{n} 个钩位），可以批量生成钥匙。").format(
            name=row.name, n=row.hooks))
        self._preview()

    def reject(self) -> None:
        self.done(QDialog.DialogCode.Accepted if self.saved else QDialog.DialogCode.Rejected)

    # ---------------------------------------------------------------- 批量生成钥匙
    def _on_building(self) -> None:
        b = self.building.currentData()
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(self.tr("全部单元"), "")
        units = sorted({c.split("-")[1] for c in self.codes if c.count("-") >= 2 and c.split("-")[0] == b},
                       key=lambda x: (len(x), x))
        for u in units:
            self.unit.addItem(self.tr("{u} 单元").format(u=u), u)
        self.unit.blockSignals(False)
        self._preview()

    def bulk_rooms(self) -> list[rooms.RoomRow]:
        b = self.building.currentData()
        if not b:
            return []
        u = self.unit.currentData()
        found = self.ctx.query(rooms.search_rooms, RoomQuery(building=b, limit=100_000))
        return [r for r in found if not u or r.unit == u]

    def _preview(self) -> None:
        if self.cabinet_id is None:
            return
        n = len(self.bulk_rooms())
        free = len(_free_hooks(self.ctx, self.cabinet_id))
        self.bulk_note.setText(self.tr("将为 {n} 个房屋各生成一把{kind}（已有同类钥匙的房屋跳过）；本柜空钩位 {free} 个。").format(
            n=n, kind=label(KIND_LABELS[KeyKind(self.bulk_kind.currentData())]), free=free))

    def bulk_create(self) -> keys.BulkResult | None:
        if self.cabinet_id is None:
            return None
        ids = [r.id for r in self.bulk_rooms()]
        if not ids:
            self.bulk_note.setText(self.tr("请选择楼栋和单元"))
            return None
        try:
            with self.ctx.tx() as s:
                res = keys.bulk_create_keys(s, self.ctx.actor, self.cabinet_id, ids,
                                            KeyKind(self.bulk_kind.currentData()), self.bulk_copies.value())
        except AppError as e:
            self.bulk_note.setText(e.message)
            self.bulk_note.setStyleSheet(REFUSAL_STYLE)
            return None
        self.bulk_note.setStyleSheet(FOUND_STYLE)
        self.last_bulk = res
        if res.created:
            self.saved = True
            self.bulk_note.setText(self.tr("已生成 {n} 把，挂在 {first} 至 {last}；跳过 {skipped} 个已有同类钥匙的房屋。").format(
                n=res.created, first=res.first_hook, last=res.last_hook, skipped=res.skipped))
            self._load()
        else:
            self.bulk_note.setText(self.tr("没有生成：{skipped} 个房屋都已有同类钥匙。").format(skipped=res.skipped))
        return res


# ---------------------------------------------------------------- 归档 (客服主管)


class ArchiveDialog(_KeyForm):
    """Key records older than two years: exported to a workbook, then removed — by a supervisor, never
    automatically. `path` skips the file chooser (tests, scripted use)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, path: str | Path | None = None) -> None:
        super().__init__(ctx, self.tr("归档钥匙记录"), parent)
        self.setMinimumWidth(560)
        self.path = path
        self.archived: keys.ArchiveResult | None = None
        self.may = ctx.actor is not None and ctx.actor.can(Perm.APPROVE_KEYS)
        today = local_today()
        try:
            default = today.replace(year=today.year - keys.KEEP_YEARS)
        except ValueError:
            default = today.replace(year=today.year - keys.KEEP_YEARS, day=28)
        self.before = QDateEdit(_qdate(default))
        self.before.setCalendarPopup(True)
        self.before.setDisplayFormat("yyyy-MM-dd")
        self.before.dateChanged.connect(lambda *_: self._preview())
        self.add_field("before", self.tr("归档此日期以前"), self.before)
        self.preview = _note("", "", "preview")
        self.form.addRow(self.tr("将归档"), self.preview)
        self.form.addRow(_note(self.tr("钥匙记录至少保存两年。归档先把记录导出为 Excel 工作簿，再从数据库删除；"
                                       "在柜、借出中、未结束的记录不归档。")))
        if not self.may:
            self.form.addRow(_note(self.tr("只有客服主管可以归档钥匙记录。"), WARN_STYLE, "approve_note"))
        self.ok_button().setText(self.tr("导出并归档…"))
        self.counts: dict[str, int] = {}
        self._preview()
        self.before.setFocus()

    def _preview(self) -> None:
        before = _pydate(self.before.date())
        if keys.archive_cutoff_problem(before) is None:
            self.counts = self.ctx.query(lambda s, _a: keys.archive_counts(s, before))
            self.preview.setText(self.tr("借领单 {loans} 张，托存登记 {deposits} 份，交付记录 {handovers} 份，"
                                         "遗失/损坏 {incidents} 条，钥匙履历 {events} 条").format(**self.counts))
        else:
            self.counts = {}
            self.preview.setText("—")
        self.revalidate()

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        if p := keys.archive_cutoff_problem(_pydate(self.before.date())):
            e["before"] = p
        elif not self.may:
            e["_"] = self.tr("只有客服主管可以归档钥匙记录")
        elif not any(self.counts.values()):
            e["_"] = self.tr("没有可归档的记录")
        return e

    def _touched(self, key: str) -> bool:
        return True

    def save(self) -> keys.ArchiveResult | None:
        before = _pydate(self.before.date())
        path = self.path or dialogs.save_file(self, self.tr("归档钥匙记录"), self.tr("Excel 工作簿 (*.xlsx)"),
                                             f"钥匙记录归档-{before:%Y%m%d}以前.xlsx")
        if not path:
            raise ValidationError(errors={"_": self.tr("未选择保存位置，没有归档")})
        total = sum(self.counts.values())
        if not dialogs.confirm(self, self.tr("归档钥匙记录"), self.tr(
                "将 {n} 条记录导出到\n{path}\n然后从数据库删除。继续吗？").format(n=total, path=path)):
            raise ValidationError(errors={"_": self.tr("已取消，没有归档")})
        self.archived = self.call(keys.archive_old, before, Path(path))
        dialogs.info(self, self.tr("归档钥匙记录"), self.tr("已归档 {n} 条记录到 {path}").format(
            n=self.archived.total, path=path))
        return self.archived


