"""审计日志: a supervisor browses and filters who changed what, and when."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import audit
from app.audit import AuditQuery, AuditRow
from app.context import AppContext
from app.errors import AppError
from app.exports import ColKind
from app.timeutil import fmt_local
from ui import dialogs
from ui.export import ExportButtons
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, setup_table

ACTION_LABELS = {"create": "新建", "update": "修改", "deactivate": "停用", "activate": "启用",
                 "link": "登记", "login": "登录", "login_failed": "登录失败", "lock": "账号锁定",
                 "password": "改密码", "reveal": "查看完整信息", "import": "导入", "demo": "演示数据",
                 "print": "打印", "reprint": "补打", "record": "记录", "cancel": "取消",
                 "dispatch": "派工", "arrive": "到场确认", "quote": "报价", "accept_fee": "业主确认费用",
                 "complete": "完工验收", "mark_called_back": "已回访", "archive": "归档", "send_back": "退单",
                 "transfer": "转单", "reopen": "返修",
                 # 钥匙柜 (app/keys.py)
                 "bulk_create": "批量登记", "label_check": "标签检查", "move": "换钩位", "give_back": "托存交还",
                 "refuse": "拒绝交付", "return": "归还", "remind": "催还", "report": "报告遗失/损坏",
                 "consent": "业主同意处理", "decline": "业主不同意处理", "recut": "补配钥匙", "lock_change": "换锁",
                 "count": "盘点"}
ENTITY_LABELS = {"user": "用户", "room": "房屋", "person": "人员", "occupant": "住户登记", "staff": "员工",
                 "contractor": "施工单位", "developer": "开发商", "settings": "设置", "database": "数据库",
                 "roster": "花名册", "call": "来电来访", "complaint": "投诉", "callback": "回访",
                 "repair": "维修派工单", "month_note": "月报分析",
                 "key_cabinet": "钥匙柜", "key_hook": "钩位", "key": "钥匙", "key_acceptance": "钥匙验收",
                 "key_deposit": "业主托存", "key_loan": "钥匙借领", "key_handover": "钥匙交付",
                 "decoration_permit": "装修手续", "key_incident": "钥匙遗失/损坏", "key_records": "钥匙记录"}


def _qdate(d: QDate):  # noqa: ANN202
    from datetime import date

    return date(d.year(), d.month(), d.day())


class AuditDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("审计日志"))
        self.resize(1100, 640)
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("内容包含…（房号、姓名、摘要）"))
        self.user = QLineEdit()
        self.user.setPlaceholderText(self.tr("用户名"))
        self.use_dates = QCheckBox(self.tr("日期"))
        self.date_from = QDateEdit(QDate.currentDate().addDays(-30))
        self.date_to = QDateEdit(QDate.currentDate())
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
            self.use_dates.toggled.connect(d.setEnabled)
        search = QPushButton(self.tr("查询"))
        search.setDefault(True)
        bar = QHBoxLayout()
        bar.addWidget(self.text, 2)
        bar.addWidget(self.user, 1)
        bar.addWidget(self.use_dates)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("—"))
        bar.addWidget(self.date_to)
        bar.addWidget(search)
        self.model: RowTableModel[AuditRow] = RowTableModel([
            Column(self.tr("时间"), lambda r: fmt_local(r.at, with_seconds=True), kind=ColKind.DATETIME,
                   value=lambda r: r.at),
            Column(self.tr("用户"), lambda r: r.username),
            Column(self.tr("操作"), lambda r: self._label("actions", ACTION_LABELS, r.action)),
            Column(self.tr("对象"), lambda r: self._entity(r)),
            Column(self.tr("摘要"), lambda r: r.summary),
        ], self)
        self.table = QTableView()
        setup_table(self.table)
        self.table.setModel(self.model)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(130)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(QLabel(self.tr("修改前后")))
        lay.addWidget(self.detail)
        self.exports = ExportButtons(ctx, Runner(self), self.table, lambda: self.tr("审计日志"),
                                     lambda: self.describe(), self)
        foot = QHBoxLayout()
        foot.addStretch(1)
        foot.addWidget(self.exports)
        lay.addLayout(foot)
        search.clicked.connect(self.reload)
        self.text.returnPressed.connect(self.reload)
        self.user.returnPressed.connect(self.reload)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.reload()

    def query(self) -> AuditQuery:
        q = AuditQuery(text=self.text.text().strip(), username=self.user.text().strip())
        if self.use_dates.isChecked():
            q = replace(q, date_from=_qdate(self.date_from.date()), date_to=_qdate(self.date_to.date()))
        return q

    @staticmethod
    def _label(context: str, table: dict[str, str], code: str) -> str:
        return QCoreApplication.translate(context, table[code]) if code in table else code

    def _entity(self, r: AuditRow) -> str:
        name = self._label("entities", ENTITY_LABELS, r.entity)
        return f"{name} #{r.entity_id}" if r.entity_id else name

    def describe(self) -> str:
        q = self.query()
        parts = [self.tr("内容含“{t}”").format(t=q.text)] if q.text else []
        if q.username:
            parts.append(self.tr("用户 {u}").format(u=q.username))
        if q.date_from and q.date_to:
            parts.append(f"{q.date_from} — {q.date_to}")
        return "，".join(parts) or self.tr("全部")

    def reload(self) -> None:
        q = self.query()
        try:
            self.model.set_fetch(lambda off, lim: self.ctx.query(
                audit.list_entries, replace(q, offset=off, limit=lim)))
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        fit_columns(self.table)

    def _on_current(self, current, _prev) -> None:  # noqa: ANN001
        r = self.model.row_at(current.row()) if current.isValid() else None
        if r is None:
            self.detail.clear()
            return
        self.detail.setPlainText(self.tr("修改前：{before}\n修改后：{after}").format(
            before=r.before or "—", after=r.after or "—"))
