"""房屋与业主: search as you type, a room's card with its people, add/edit/deactivate."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import printing, rooms
from app.context import AppContext
from app.errors import AppError
from app.exports import ColKind
from app.roles import Perm
from app.rooms import KIND_LABELS, OccupantRow, RoomDetail, RoomKind, RoomQuery, RoomRow
from app.timeutil import fmt_local
from ui import dialogs
from ui.bus import DataBus
from ui.export import ExportButtons
from ui.labels import label
from ui.printing import SlipPrinter, print_slip
from ui.room_dialogs import PersonDialog, RoomDialog
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, list_and_card, set_completer_codes, setup_table

INACTIVE = QColor("#999999")


class RoomsPanel(QWidget):
    room_selected = Signal(object)

    def __init__(
        self, ctx: AppContext, bus: DataBus, parent: QWidget | None = None, runner: Runner | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.bus = ctx, bus
        self.runner = runner or Runner(self)
        self.detail: RoomDetail | None = None
        actor = ctx.actor
        assert actor is not None
        self.can_edit = actor.can(Perm.EDIT_ROOMS)
        self.can_reveal = actor.can(Perm.REVEAL_PHONE) or actor.can(Perm.REVEAL_ID)
        self._revealed: set[int] = set()  # rooms whose full data this screen already audited
        self._reload_card = True

        # ---- search bar
        self.search = QLineEdit()
        self.search.setObjectName("room_search")
        self.search.setPlaceholderText(self.tr("输入房号、姓名或电话查找（如 3-2-1201、王、1380013）"))
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("全部类型"), None)
        for code, text in KIND_LABELS.items():
            self.kind.addItem(label(text), code)
        self.inactive = QCheckBox(self.tr("含已停用"))
        self.reveal = QCheckBox(self.tr("显示完整信息"))
        self.reveal.setToolTip(self.tr("显示完整的电话和证件号码（会记入审计日志）"))
        self.reveal.setVisible(self.can_reveal)
        self.add_btn = QPushButton(self.tr("新增房屋…"))
        self.import_btn = QPushButton(self.tr("导入花名册…"))
        for b in (self.add_btn, self.import_btn):
            b.setVisible(self.can_edit and (b is self.add_btn or actor.can(Perm.IMPORT_ROSTER)))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("查找：")))
        bar.addWidget(self.search, 3)
        bar.addWidget(self.kind)
        bar.addWidget(self.inactive)
        bar.addWidget(self.reveal)
        bar.addStretch(1)
        bar.addWidget(self.add_btn)
        bar.addWidget(self.import_btn)

        # ---- room list
        self.model: RowTableModel[RoomRow] = RowTableModel(self.room_columns(), self)
        self.model.foreground = lambda r: INACTIVE if not r.active else None
        self.table = QTableView()
        self.table.setObjectName("room_table")
        setup_table(self.table)
        self.table.setModel(self.model)
        self.count_label = QLabel()
        self.exports = ExportButtons(
            ctx, self.runner, self.table, lambda: self.tr("房屋与业主"), self.filter_text, self
        )
        foot = QHBoxLayout()
        foot.addWidget(self.count_label)
        foot.addStretch(1)
        foot.addWidget(self.exports)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.table)
        lv.addLayout(foot)

        # ---- room card
        self.card = QGroupBox(self.tr("房屋信息"))
        cf = QFormLayout()
        self.card_code = QLabel()
        self.card_code.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.card_info = QLabel()
        self.card_info.setWordWrap(True)
        self.card_note = QLabel()
        self.card_note.setWordWrap(True)
        cf.addRow(self.card_code)
        cf.addRow(self.card_info)
        cf.addRow(self.tr("备注："), self.card_note)
        self.card_prints = QLabel()
        self.card_prints.setObjectName("card_prints")
        self.card_prints.setStyleSheet("color: #666;")
        cf.addRow(self.tr("打印："), self.card_prints)
        self.people_model: RowTableModel[OccupantRow] = RowTableModel(self.occupant_columns(), self)
        self.people_model.foreground = lambda o: INACTIVE if not o.active else None
        self.people = QTableView()
        self.people.setObjectName("people_table")
        setup_table(self.people)
        self.people.setModel(self.people_model)
        self.edit_room_btn = QPushButton(self.tr("编辑房屋…"))
        self.toggle_room_btn = QPushButton(self.tr("停用房屋"))
        self.add_person_btn = QPushButton(self.tr("添加人员…"))
        self.edit_person_btn = QPushButton(self.tr("编辑人员…"))
        self.end_person_btn = QPushButton(self.tr("注销登记"))
        self.end_person_btn.setToolTip(self.tr("搬离、过户等：保留历史，不再作为当前住户"))
        self.print_btn = QPushButton(self.tr("打印登记表…"))
        self.print_btn.setObjectName("print_register")
        self.print_btn.setToolTip(self.tr("打印《房屋业主登记表》供业主核对签字"))
        buttons = QHBoxLayout()
        for b in (
            self.edit_room_btn,
            self.toggle_room_btn,
            self.add_person_btn,
            self.edit_person_btn,
            self.end_person_btn,
        ):
            buttons.addWidget(b)
            b.setVisible(self.can_edit)
        buttons.addStretch(1)
        buttons.addWidget(self.print_btn)
        cv = QVBoxLayout(self.card)
        cv.addLayout(cf)
        cv.addWidget(QLabel(self.tr("业主与住户")))
        cv.addWidget(self.people, 1)
        cv.addLayout(buttons)
        split, self.empty_card = list_and_card(left, self.card, self.tr("在左侧选择一间房屋，查看业主和住户。"))
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)

        # ---- wiring
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(lambda: self.refresh(reload_card=False))
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._on_search_return)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh(reload_card=False))
        self.inactive.toggled.connect(lambda _on: self.refresh(reload_card=False))
        self.reveal.toggled.connect(self._on_reveal_toggled)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current)
        self.table.doubleClicked.connect(lambda _i: self._on_edit_room())
        self.people.doubleClicked.connect(lambda _i: self._on_edit_person())
        self.people.selectionModel().currentRowChanged.connect(lambda *_: self._sync_buttons())
        self.add_btn.clicked.connect(self._on_add_room)
        self.import_btn.clicked.connect(self._on_import)
        self.edit_room_btn.clicked.connect(self._on_edit_room)
        self.toggle_room_btn.clicked.connect(self._on_toggle_room)
        self.add_person_btn.clicked.connect(self._on_add_person)
        self.edit_person_btn.clicked.connect(self._on_edit_person)
        self.end_person_btn.clicked.connect(self._on_end_person)
        self.print_btn.clicked.connect(self.print_register)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self._on_add_room)
        bus.data_changed.connect(self._on_data_changed)
        self.refresh()
        self._reload_completer()
        fit_columns(self.table)

    # ---------------------------------------------------------------- loading
    def query(self) -> RoomQuery:
        return RoomQuery(
            text=self.search.text(),
            kind=self.kind.currentData(),
            include_inactive=self.inactive.isChecked(),
            reveal=self.reveal.isChecked() and self.can_reveal,
        )

    def filter_text(self) -> str:
        parts = []
        if self.search.text().strip():
            parts.append(self.tr("查找“{text}”").format(text=self.search.text().strip()))
        if self.kind.currentData() is not None:
            parts.append(self.kind.currentText())
        parts.append(self.tr("含已停用") if self.inactive.isChecked() else self.tr("不含已停用"))
        return "，".join(parts)

    def print_register(self) -> SlipPrinter | None:
        if self.detail is None:
            return None
        room_id = self.detail.room.id
        printer = print_slip(self, self.ctx, self.runner, rooms.room_register_slip, "room", room_id)
        printer.printed.connect(lambda _o: self._show_prints(room_id))
        return printer

    def refresh(self, reload_card: bool = True) -> None:
        """Re-run the search. While typing (`reload_card=False`) the card of a room still in the
        list stays as it is; after a change to the data it is read again."""
        self._debounce.stop()
        self._reload_card = reload_card
        q = self.query()
        selected = self.detail.room.id if self.detail else None

        total = 0

        def fetch(offset: int, limit: int) -> list[RoomRow]:
            from dataclasses import replace

            nonlocal total
            page = self.ctx.query(rooms.search_rooms_page, replace(q, offset=offset, limit=limit))
            if offset == 0:
                total = page.total  # counted by the page query itself: no second query per keystroke
            return page.rows

        try:
            self.model.set_fetch(fetch)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        n = self.model.rowCount()
        more = self.tr("（已显示 {n} 间，向下滚动加载更多）").format(n=n) if total > n else ""
        self.count_label.setText(self.tr("找到 {total} 间{more}").format(total=total, more=more))
        if selected is not None:
            for i, r in enumerate(self.model.rows()):
                if r.id == selected:
                    before = self.detail
                    self.table.selectRow(i)  # a new current row: _on_table_current shows the room
                    if self.detail is before and reload_card:  # the current row did not change
                        self.show_room(selected)
                    return
        if n == 1:
            self.table.selectRow(0)
        elif self.detail is not None:
            self.show_room(None)

    def _reload_completer(self) -> None:
        set_completer_codes(self.search, self.ctx.query(lambda s, _a: rooms.room_codes(s)))

    def show_room(self, room_id: int | None) -> None:
        if room_id is None:
            self.detail = None
            self.card.hide()
            self.empty_card.show()
            self._sync_buttons()
            return
        reveal = self.reveal.isChecked() and self.can_reveal
        first = room_id not in self._revealed
        try:
            self.detail = self.ctx.call(rooms.room_detail, room_id, reveal=reveal, audit_reveal=first,
                                        write=reveal and first)
            if reveal:
                self._revealed.add(room_id)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        r = self.detail.room
        self.card_code.setText(r.code if r.kind != RoomKind.COMMON else f"{r.code}（{r.name}）")
        area = self.tr("{area} ㎡").format(area=r.area) if r.area is not None else self.tr("面积未填")
        floor = self.tr("{floor} 层").format(floor=r.floor) if r.floor is not None else ""
        state = "" if r.active else self.tr("（已停用）")
        self.card_info.setText(
            "  ·  ".join(x for x in (label(r.kind_label), floor, area, label(r.occupancy_label)) if x) + state
        )
        self.card_note.setText(self.detail.note or self.tr("无"))
        self._show_prints(r.id)
        self.people_model.set_rows(self.detail.occupants)
        fit_columns(self.people)
        self.empty_card.hide()
        self.card.show()
        self._sync_buttons()
        self.room_selected.emit(r)

    def _show_prints(self, room_id: int) -> None:
        hist = self.ctx.query(lambda s, _a: printing.history(s, "room", room_id))
        if not hist:
            self.card_prints.setText(self.tr("登记表尚未打印"))
            return
        last = hist[-1]
        how = self.tr("补打") if last.reprint else self.tr("打印")
        self.card_prints.setText(self.tr("登记表已打印 {n} 次，最近一次 {when}（{how}，{who}）").format(
            n=len(hist), when=fmt_local(last.printed_at), how=how, who=last.username))

    def _sync_buttons(self) -> None:
        has_room = self.detail is not None
        occ = self._current_occupant()
        for b in (self.edit_room_btn, self.toggle_room_btn, self.add_person_btn):
            b.setEnabled(has_room)
        if self.detail is not None:
            self.toggle_room_btn.setText(
                self.tr("停用房屋") if self.detail.room.active else self.tr("启用房屋")
            )
            self.add_person_btn.setEnabled(self.detail.room.active)
        self.edit_person_btn.setEnabled(occ is not None)
        self.end_person_btn.setEnabled(occ is not None)
        if occ is not None:
            self.end_person_btn.setText(self.tr("注销登记") if occ.active else self.tr("恢复登记"))

    def _current_occupant(self) -> OccupantRow | None:
        idx = self.people.currentIndex()
        return self.people_model.row_at(idx.row()) if idx.isValid() else None

    # ---------------------------------------------------------------- slots
    def _on_table_current(self, current, _previous) -> None:  # noqa: ANN001
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is not None and self.detail is not None and row.id == self.detail.room.id \
                and not self._reload_card:
            return  # the same room, still shown: no need to read it again on every keystroke
        self.show_room(row.id if row else None)

    def _on_reveal_toggled(self, on: bool) -> None:
        self._revealed: set[int] = set()
        if on and self.can_reveal:
            self.ctx.call(rooms.record_reveal, self.tr("在房屋与业主列表中显示完整信息"))
        self.refresh()

    def _reveal_export_note(self) -> None:
        if self.reveal.isChecked() and self.can_reveal:
            self.ctx.call(rooms.record_reveal, self.tr("导出房屋与业主列表（含完整信息）"))

    def _on_search_return(self) -> None:
        scanned = rooms.room_code_from_scan(self.search.text())
        if scanned is not None:  # a 《房屋业主登记表》 QR code read by a USB scanner
            self.search.setText(scanned)
        self.refresh()
        if self.model.rowCount() >= 1:
            self.table.selectRow(0)
            self.table.setFocus()

    def _on_data_changed(self, entities: set[str]) -> None:
        if entities & {"room", "person", "occupant", "roster"}:
            self.refresh()
            if entities & {"room", "roster"}:
                self._reload_completer()

    def _changed(self, *entities: str) -> None:
        self.bus.notify(*entities)

    def _on_add_room(self) -> None:
        if not self.can_edit:
            return
        dlg = RoomDialog(self.ctx, parent=self)
        if dlg.exec():
            row = dlg.result_value
            self.detail = None
            self.search.setText(row.code)
            self._changed("room")
            self.refresh()

    def _on_import(self) -> None:
        from ui.import_dialog import RosterImportDialog

        dlg = RosterImportDialog(self.ctx, self)
        dlg.imported.connect(lambda: self._changed("roster", "room", "person"))
        dlg.exec()

    def _on_edit_room(self) -> None:
        if self.detail is None or not self.can_edit:
            return
        if RoomDialog(self.ctx, self.detail.room.id, parent=self).exec():
            self._changed("room")

    def _on_toggle_room(self) -> None:
        if self.detail is None:
            return
        r = self.detail.room
        if r.active and not dialogs.confirm(
            self,
            self.tr("停用房屋"),
            self.tr("停用 {code}？停用后不再出现在查找结果和房号补全中，历史记录保留。").format(code=r.code),
        ):
            return
        try:
            self.ctx.call(rooms.set_room_active, r.id, not r.active)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self._changed("room")

    def _on_add_person(self) -> None:
        if self.detail is None:
            return
        if PersonDialog(self.ctx, room_id=self.detail.room.id, parent=self).exec():
            self._changed("person", "occupant")

    def _on_edit_person(self) -> None:
        occ = self._current_occupant()
        if occ is None or not self.can_edit:
            return
        if PersonDialog(self.ctx, person_id=occ.person.id, parent=self).exec():
            self._changed("person")

    def _on_end_person(self) -> None:
        occ = self._current_occupant()
        if occ is None or self.detail is None:
            return
        if occ.active and not dialogs.confirm(
            self,
            self.tr("注销登记"),
            self.tr("注销 {name} 在 {code} 的{rel}登记？人员资料和历史记录保留。").format(
                name=occ.person.name, code=self.detail.room.code, rel=label(occ.relation_label)
            ),
        ):
            return
        try:
            self.ctx.call(rooms.set_occupant_active, occ.id, not occ.active)
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        self._changed("occupant")

    # ---------------------------------------------------------------- columns
    def room_columns(self) -> list[Column[RoomRow]]:
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return [
            Column(self.tr("房号"), lambda r: r.code, kind=ColKind.CODE),
            Column(self.tr("类型"), lambda r: label(r.kind_label)),
            Column(
                self.tr("楼层"),
                lambda r: r.floor,
                sort_key=lambda r: r.floor or 0,
                align=right,
                kind=ColKind.INT,
            ),
            Column(
                self.tr("面积（㎡）"),
                lambda r: r.area,
                sort_key=lambda r: r.area or 0,
                align=right,
                kind=ColKind.DECIMAL,
            ),
            Column(self.tr("入住状态"), lambda r: label(r.occupancy_label)),
            Column(
                self.tr("业主/住户"),
                lambda r: r.people or (r.name if r.kind == RoomKind.COMMON else ""),
                tooltip=lambda r: r.people,
            ),
            Column(self.tr("电话"), lambda r: r.phone, kind=ColKind.CODE),
        ]

    def occupant_columns(self) -> list[Column[OccupantRow]]:
        return [
            Column(self.tr("身份"), lambda o: label(o.relation_label)),
            Column(
                self.tr("姓名"), lambda o: o.person.name + (self.tr("（外籍）") if o.person.foreigner else "")
            ),
            Column(self.tr("电话"), lambda o: "  ".join(p for p in (o.person.phone, o.person.phone2) if p)),
            Column(
                self.tr("证件"),
                lambda o: (
                    f"{label(o.person.id_type_label)} {o.person.id_number}".strip()
                    if o.person.id_number
                    else ""
                ),
            ),
            Column(self.tr("入住日期"), lambda o: o.move_in_date or ""),
            Column(self.tr("状态"), lambda o: self.tr("有效") if o.active else self.tr("已注销")),
        ]
