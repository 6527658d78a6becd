"""投诉受理 (ComplaintDialog) and the small forms each workflow action asks for (ComplaintActionDialog)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDateTime, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app import complaints, rooms, staff
from app.complaints import (
    ACTION_LABELS,
    CHANNEL_LABELS,
    SATISFACTION_LABELS,
    SEVERITY_LABELS,
    Action,
    ComplaintData,
    ComplaintRow,
    Severity,
)
from app.context import AppContext
from app.errors import AppError
from app.timeutil import fmt_local
from ui import dialogs
from ui.forms import FormDialog
from ui.labels import label
from ui.widgets import room_completer

WARN_STYLE = "color: #b9770e; font-weight: bold;"


class ComplaintDialog(FormDialog):
    """受理投诉: who, where, what, against whom, how serious; evidence; earlier similar complaints live."""

    def __init__(self, ctx: AppContext, initial: ComplaintData | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("受理投诉"), parent)
        self.setMinimumWidth(620)
        self.ctx = ctx
        self.files: list[Path] = []
        self._room_id: int | None = None
        self._room_people: list[tuple[str, str]] = []
        with ctx.read() as s:
            codes = rooms.room_codes(s)
            self.categories = complaints.categories(s)
            self.departments = staff.departments(s)
            self.staff = staff.list_staff(s, ctx.actor)

        self.channel = QComboBox()
        for code, text in CHANNEL_LABELS.items():
            self.channel.addItem(label(text), code)
        self.room = QLineEdit()
        self.room.setPlaceholderText(self.tr("房号，如 3-2-1201"))
        self.room.setCompleter(room_completer(codes, self.room))
        self.complainant = QComboBox()
        self.complainant.setEditable(True)
        self.complainant.lineEdit().setPlaceholderText(self.tr("从该房屋的人员中选择，或直接输入"))
        self.contact = QLineEdit()
        self.category = QComboBox()
        self.category.addItem(self.tr("（请选择）"), "")
        for c in self.categories:
            self.category.addItem(c, c)
        self.department = QComboBox()
        self.department.addItem(self.tr("（不指明）"), "")
        for d in self.departments:
            self.department.addItem(d.name, d.code)
        self.staff_box = QComboBox()
        self.staff_box.addItem(self.tr("（无）"), None)
        for st in self.staff:
            self.staff_box.addItem(f"{st.name}（{st.department} {st.work_id}）", st.id)
        self.severity = QComboBox()
        for code, text in SEVERITY_LABELS.items():
            self.severity.addItem(label(text), code)
        self.details = QPlainTextEdit()
        self.details.setTabChangesFocus(True)
        self.details.setPlaceholderText(self.tr("详细记录事实：时间、地点、经过、业主的要求"))
        self.details.setMinimumHeight(90)

        self.add_field("channel", self.tr("受理方式"), self.channel)
        self.add_field("room", self.tr("房号"), self.room)
        self.add_field("complainant", self.tr("投诉人"), self.complainant)
        self.add_field("contact", self.tr("联系电话"), self.contact)
        self.add_field("category", self.tr("投诉类别"), self.category)
        self.add_field("department_code", self.tr("被投诉部门"), self.department)
        self.add_field("staff_id", self.tr("被投诉员工"), self.staff_box)
        self.add_field("severity", self.tr("严重程度"), self.severity)
        self.add_field("details", self.tr("投诉内容"), self.details)

        # Evidence files, copied into the data folder on save.
        self.evidence = QListWidget()
        self.evidence.setObjectName("evidence_files")
        self.evidence.setMaximumHeight(70)
        self.add_file_btn = QPushButton(self.tr("添加证据文件…"))
        self.add_file_btn.setObjectName("add_evidence")
        ev = QWidget()
        ev_lay = QHBoxLayout(ev)
        ev_lay.setContentsMargins(0, 0, 0, 0)
        ev_lay.addWidget(self.evidence, 1)
        ev_lay.addWidget(self.add_file_btn)
        self.form.addRow(self.tr("证据"), ev)

        self.similar = QLabel()
        self.similar.setObjectName("similar")
        self.similar.setWordWrap(True)
        self.similar.setStyleSheet(WARN_STYLE)
        self.similar.hide()
        self.form.addRow(self.similar)

        self._similar_timer = QTimer(self)
        self._similar_timer.setSingleShot(True)
        self._similar_timer.setInterval(150)
        self._similar_timer.timeout.connect(self._show_similar)
        self.room.textChanged.connect(self._on_room_changed)
        self.category.currentIndexChanged.connect(self._similar_timer.start)
        self.complainant.currentIndexChanged.connect(self._on_person_picked)
        self.complainant.editTextChanged.connect(self.revalidate)
        self.staff_box.currentIndexChanged.connect(self._on_staff_picked)
        self.add_file_btn.clicked.connect(self._on_add_file)
        if initial is not None:
            self._fill(initial)
        self.room.setFocus()
        self.revalidate()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext,
            initial: ComplaintData | None = None) -> ComplaintRow | None:
        dlg = cls(ctx, initial, parent)
        return dlg.result_value if dlg.exec() else None

    # ---------------------------------------------------------------- filling and reading
    def _fill(self, d: ComplaintData) -> None:
        self._select(self.channel, str(d.channel))
        code = d.room_code
        if not code and d.room_id is not None:
            code = self.ctx.query(rooms.room_detail, d.room_id).room.code
        self.room.setText(code)
        self._on_room_changed()
        if d.complainant:
            self.complainant.setEditText(d.complainant)
        self.contact.setText(d.contact)
        self._select(self.category, d.category)
        self._select(self.department, d.department_code)
        self._select(self.staff_box, d.staff_id)
        self._select(self.severity, str(d.severity))
        self.details.setPlainText(d.details)
        self.call_id = d.call_id

    call_id: int | None = None

    @staticmethod
    def _select(box: QComboBox, value: object) -> None:
        i = box.findData(value)
        if i >= 0:
            box.setCurrentIndex(i)

    def data(self) -> ComplaintData:
        return ComplaintData(
            channel=self.channel.currentData(), complainant=self.complainant.currentText(),
            contact=self.contact.text(), room_id=self._room_id, category=self.category.currentData() or "",
            department_code=self.department.currentData() or "", staff_id=self.staff_box.currentData(),
            severity=self.severity.currentData() or Severity.NORMAL, details=self.details.toPlainText(),
            call_id=self.call_id)

    def problems(self) -> dict[str, str]:
        errors = complaints.complaint_problems(self.data())
        if self.room.text().strip() and self._room_id is None:
            errors["room"] = self.tr("找不到该房号")
        return errors

    def _touched(self, key: str) -> bool:
        if key == "complainant":
            return bool(self.complainant.currentText())
        if key == "details":
            return bool(self.details.toPlainText())
        if key == "category":
            return False
        return super()._touched(key)

    # ---------------------------------------------------------------- live help
    def _on_room_changed(self) -> None:
        code = self.room.text().strip()
        rid = self.ctx.query(lambda s, _a: rooms.find_room_id(s, code)) if code else None
        if rid != self._room_id:
            self._room_id = rid
            typed = self.complainant.currentText()
            self.complainant.blockSignals(True)
            self.complainant.clear()
            self._room_people = []
            if rid is not None:
                detail = self.ctx.query(rooms.room_detail, rid)
                for o in detail.occupants:
                    if o.active:
                        self._room_people.append((o.person.name, o.person.phone))
                        self.complainant.addItem(f"{o.person.name}（{label(o.relation_label)}）", o.person.name)
            self.complainant.setCurrentIndex(-1)  # so that picking the first person is a change
            self.complainant.setEditText(typed)
            self.complainant.blockSignals(False)
        self._similar_timer.start()
        self.revalidate()

    def _on_person_picked(self, index: int) -> None:
        if 0 <= index < len(self._room_people):
            name, phone = self._room_people[index]
            self.complainant.setEditText(name)
            if phone and not self.contact.text().strip():
                self.contact.setText(phone)
        self.revalidate()

    def _on_staff_picked(self) -> None:
        sid = self.staff_box.currentData()
        row = next((s for s in self.staff if s.id == sid), None)
        if row is not None:
            dept = next((d for d in self.departments if d.id == row.department_id), None)
            if dept is not None:
                self._select(self.department, dept.code)

    def _show_similar(self) -> None:
        category = self.category.currentData() or ""
        found = self.ctx.query(lambda s, _a: complaints.earlier_similar(s, self._room_id, category)) \
            if self._room_id is not None and category else []
        self.similar_rows = found
        if not found:
            self.similar.hide()
            return
        lines = [self.tr("重复投诉：该房屋近期已有 {n} 条同类投诉").format(n=len(found))]
        for r in found[:5]:
            lines.append(self.tr("{serial}  {when}  {state}  {details}").format(
                serial=r.serial, when=fmt_local(r.received_at), state=label(r.state_label),
                details=r.details[:30]))
        self.similar.setText("\n".join(lines))
        self.similar.show()

    similar_rows: list[ComplaintRow] = []

    def _on_add_file(self) -> None:
        path = dialogs.open_file(self, self.tr("选择证据文件"), self.tr("所有文件 (*)"))
        if path:
            self.add_file(Path(path))

    def add_file(self, path: Path) -> None:
        self.files.append(path)
        self.evidence.addItem(path.name)

    # ---------------------------------------------------------------- saving
    def save(self) -> ComplaintRow:
        self._show_similar()
        with self.ctx.tx() as s:
            row = complaints.create_complaint(s, self.ctx.actor, self.data())
            for f in self.files:
                complaints.add_evidence(s, self.ctx.actor, row.id, f, evidence_dir(self.ctx))
        return row


def evidence_dir(ctx: AppContext) -> Path:
    return ctx.paths.data_dir / "evidence"


class ComplaintActionDialog(FormDialog):
    """Asks what one workflow action needs: a reason, a deadline, a department, a result..."""

    def __init__(self, ctx: AppContext, row: ComplaintRow, action: Action,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("{action} — {serial}").format(action=label(ACTION_LABELS[action]),
                                                               serial=row.serial), parent)
        self.ctx, self.row, self.action = ctx, row, action
        intro = QLabel(self.tr("{serial}  {room}  {category}：{details}").format(
            serial=row.serial, room=row.room_code, category=row.category, details=row.details[:60]))
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #555;")
        self.form.addRow(intro)
        self.text: QPlainTextEdit | None = None
        self.satisfaction: QComboBox | None = None
        self.deadline: QDateTimeEdit | None = None
        self.department: QComboBox | None = None
        a = Action
        if action == a.MARK_INVALID:
            self.text = self._text("reason", self.tr("无效原因"))
        elif action in (a.HANDLE_ON_SPOT, a.RECORD_RESULT):
            self.text = self._text("result", self.tr("处理结果"))
            self.satisfaction = QComboBox()
            self.satisfaction.addItem(self.tr("（请选择）"), "")
            for code, text in SATISFACTION_LABELS.items():
                self.satisfaction.addItem(label(text), code)
            self.add_field("satisfaction", self.tr("业主满意度"), self.satisfaction)
        elif action == a.AGREE_DEADLINE:
            self.deadline = QDateTimeEdit(QDateTime.currentDateTime().addDays(3))
            self.deadline.setCalendarPopup(True)
            self.deadline.setDisplayFormat("yyyy-MM-dd HH:mm")
            self.add_field("deadline", self.tr("处理期限"), self.deadline)
            self.text = self._text("note", self.tr("与业主约定的内容"), required=False)
        elif action == a.ASSIGN_DEPARTMENT:
            self.department = QComboBox()
            self.department.addItem(self.tr("（请选择）"), "")
            for d in ctx.query(lambda s, _a: staff.departments(s)):
                self.department.addItem(d.name, d.code)
            self.add_field("department", self.tr("转交部门"), self.department)
            self.text = self._text("note", self.tr("说明"), required=False)
        elif action in (a.ESCALATE, a.TAKE_BACK):
            self.text = self._text("note", self.tr("原因与概述") if action == a.ESCALATE else self.tr("主管意见"))
        else:
            self.text = self._text("note", self.tr("说明"), required=False)
        self.required = action in (a.MARK_INVALID, a.HANDLE_ON_SPOT, a.RECORD_RESULT, a.ESCALATE, a.TAKE_BACK)
        self.revalidate()

    def _text(self, key: str, title: str, required: bool = True) -> QPlainTextEdit:
        w = QPlainTextEdit()
        w.setTabChangesFocus(True)
        w.setMaximumHeight(90)
        self.add_field(key, title, w)
        self.text_key = key
        w.setFocus()
        return w

    text_key = "note"

    def params(self) -> dict[str, object]:
        p: dict[str, object] = {}
        if self.text is not None:
            p[self.text_key] = self.text.toPlainText()
        if self.satisfaction is not None:
            p["satisfaction"] = self.satisfaction.currentData() or ""
        if self.deadline is not None:
            p["deadline"] = self.deadline.dateTime().toPython().astimezone(UTC)
        if self.department is not None:
            p["department_code"] = self.department.currentData() or ""
        return p

    def problems(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        p = self.params()
        if self.required and self.text is not None and not str(p[self.text_key]).strip():
            errors[self.text_key] = self.tr("请填写此项")
        if self.satisfaction is not None and not p["satisfaction"]:
            errors["satisfaction"] = self.tr("请选择业主的满意度")
        if self.department is not None and not p["department_code"]:
            errors["department"] = self.tr("请选择部门")
        if self.deadline is not None:
            when = p["deadline"]
            assert isinstance(when, datetime)
            if when <= datetime.now(UTC) + timedelta(minutes=1):
                errors["deadline"] = self.tr("处理期限应晚于现在")
        return errors

    def _touched(self, key: str) -> bool:
        return key == "deadline"

    def save(self) -> ComplaintRow:
        return self.ctx.call(complaints.run_action, self.row.id, self.action, **self.params())


def run_simple(parent: QWidget, ctx: AppContext, row: ComplaintRow, action: Action) -> ComplaintRow | None:
    """Open the action's form; None when cancelled."""
    dlg = ComplaintActionDialog(ctx, row, action, parent)
    try:
        return dlg.result_value if dlg.exec() else None
    except AppError as e:  # pragma: no cover - the form shows service errors itself
        dialogs.show_app_error(parent, e)
        return None

