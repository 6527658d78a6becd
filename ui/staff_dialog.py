"""员工、施工单位与开发商: the people and firms the procedures refer to."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import staff
from app.context import AppContext
from app.exports import ColKind
from app.staff import PartyData, PartyRow, StaffData, StaffRow
from ui.bus import DataBus
from ui.export import ExportButtons
from ui.forms import FormDialog
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, setup_table


class StaffForm(FormDialog):
    def __init__(self, ctx: AppContext, row: StaffRow | None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑员工") if row else self.tr("新增员工"), parent)
        self.ctx, self.row = ctx, row
        self.name = self.add_field("name", self.tr("姓名"), QLineEdit(row.name if row else ""))
        self.work_id = self.add_field("work_id", self.tr("工作证号"), QLineEdit(row.work_id if row else ""))
        self.dept = self.add_field("department_id", self.tr("部门"), QComboBox())
        for d in ctx.query(lambda s, _a: staff.departments(s)):
            self.dept.addItem(d.name, d.id)
        if row:
            self.dept.setCurrentIndex(self.dept.findData(row.department_id))
        self.phone = self.add_field("phone", self.tr("电话"), QLineEdit(row.phone if row else ""))
        self.active = self.add_field("active", self.tr("在职"), QCheckBox())
        self.active.setChecked(row.active if row else True)
        self.revalidate()

    def data(self) -> StaffData:
        phone = self.phone.text()
        return StaffData(self.name.text(), self.work_id.text(), int(self.dept.currentData() or 0),
                         "" if "*" in phone else phone, self.active.isChecked())

    def problems(self) -> dict[str, str]:
        return staff.staff_problems(self.data())

    def save(self) -> StaffRow:
        d = self.data()
        if self.row is not None and "*" in self.phone.text():
            d = StaffData(d.name, d.work_id, d.department_id, self.phone.text(), d.active)
        return self.ctx.call(staff.save_staff, d, self.row.id if self.row else None)


class PartyForm(FormDialog):
    def __init__(self, ctx: AppContext, kind: str, row: PartyRow | None, parent: QWidget | None = None) -> None:
        titles = {"contractor": (self.tr("新增施工单位"), self.tr("编辑施工单位"), self.tr("单位名称")),
                  "developer": (self.tr("新增开发商"), self.tr("编辑开发商"), self.tr("开发商名称"))}
        new_t, edit_t, name_label = titles[kind]
        super().__init__(edit_t if row else new_t, parent)
        self.ctx, self.kind, self.row = ctx, kind, row
        self.name = self.add_field("name", name_label, QLineEdit(row.name if row else ""))
        self.contact = self.add_field("contact", self.tr("联系人"), QLineEdit(row.contact if row else ""))
        self.phone = self.add_field("phone", self.tr("电话"), QLineEdit(row.phone if row else ""))
        self.active = None
        if kind == "contractor":
            self.active = self.add_field("active", self.tr("合作中"), QCheckBox())
            self.active.setChecked(row.active if row else True)
        self.revalidate()

    def data(self) -> PartyData:
        return PartyData(self.name.text(), self.contact.text(), self.phone.text(),
                         self.active.isChecked() if self.active else True)

    def problems(self) -> dict[str, str]:
        d = self.data()
        if "*" in d.phone:
            d = PartyData(d.name, d.contact, "", d.active)
        return staff._party_problems(d, "")

    def save(self) -> PartyRow:
        fn = staff.save_contractor if self.kind == "contractor" else staff.save_developer
        return self.ctx.call(fn, self.data(), self.row.id if self.row else None)


class _ListTab(QWidget):
    def __init__(self, ctx: AppContext, title: str, model: RowTableModel, load, open_form,  # noqa: ANN001
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model, self.load, self.open_form = model, load, open_form
        self.table = QTableView()
        setup_table(self.table)
        self.table.setModel(model)
        add = QPushButton(self.tr("新增…"))
        edit = QPushButton(self.tr("编辑…"))
        add.clicked.connect(lambda: self._open(None))
        edit.clicked.connect(lambda: self._open(self._current()))
        self.table.doubleClicked.connect(lambda _i: self._open(self._current()))
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(edit)
        row.addStretch(1)
        row.addWidget(ExportButtons(ctx, Runner(self), self.table, lambda: title, lambda: self.tr("全部"), self))
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addLayout(row)
        self.reload()

    def _current(self):  # noqa: ANN202
        i = self.table.currentIndex()
        return self.model.row_at(i.row()) if i.isValid() else None

    def _open(self, row) -> None:  # noqa: ANN001
        if self.open_form(row).exec():
            self.reload()

    def reload(self) -> None:
        self.model.set_rows(self.load())
        fit_columns(self.table)


class StaffDialog(QDialog):
    def __init__(self, ctx: AppContext, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("员工、施工单位与开发商"))
        self.resize(820, 520)
        tabs = QTabWidget()
        staff_model: RowTableModel[StaffRow] = RowTableModel([
            Column(self.tr("工作证号"), lambda r: r.work_id, kind=ColKind.CODE),
            Column(self.tr("姓名"), lambda r: r.name),
            Column(self.tr("部门"), lambda r: r.department),
            Column(self.tr("电话"), lambda r: r.phone, kind=ColKind.CODE),
            Column(self.tr("状态"), lambda r: self.tr("在职") if r.active else self.tr("离职")),
        ], self)
        party_cols = [
            Column(self.tr("名称"), lambda r: r.name),
            Column(self.tr("联系人"), lambda r: r.contact),
            Column(self.tr("电话"), lambda r: r.phone),
        ]
        self.staff_tab = _ListTab(
            ctx, self.tr("员工"), staff_model, lambda: ctx.query(staff.list_staff, include_inactive=True),
            lambda row: StaffForm(ctx, row, self))
        self.contractor_tab = _ListTab(
            ctx, self.tr("施工单位"), RowTableModel(party_cols + [Column(self.tr("状态"), lambda r: self.tr("合作中")
                                               if r.active else self.tr("已停用"))], self),
            lambda: ctx.query(staff.list_contractors, include_inactive=True),
            lambda row: PartyForm(ctx, "contractor", row, self))
        self.developer_tab = _ListTab(
            ctx, self.tr("开发商"), RowTableModel(party_cols, self), lambda: ctx.query(staff.list_developers),
            lambda row: PartyForm(ctx, "developer", row, self))
        tabs.addTab(self.staff_tab, self.tr("员工"))
        tabs.addTab(self.contractor_tab, self.tr("施工单位"))
        tabs.addTab(self.developer_tab, self.tr("开发商"))
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(tabs)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        lay.addLayout(bottom)
        self.finished.connect(lambda _r: bus.notify("staff", "contractor", "developer"))
