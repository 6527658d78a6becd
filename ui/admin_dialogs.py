"""设置: community and program settings, users and roles, passwords."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app import auth, complaints, keys, printing, repairs, settings
from app.auth import UserRow
from app.context import AppContext
from app.errors import AppError
from app.exports import ColKind
from app.roles import ROLE_LABELS, Role
from app.settings import LANGUAGES, CommunitySettings
from app.timeutil import fmt_local
from ui import dialogs
from ui.export import ExportButtons
from ui.forms import ERROR_STYLE, FormDialog
from ui.labels import label
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, setup_table


class SettingsDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("小区与程序设置"), parent)
        self.setMinimumWidth(600)
        self.ctx = ctx
        with ctx.read() as s:
            cur = settings.get_settings(s)
        self.current = cur
        self.community = self.add_field("community_name", self.tr("小区名称"), QLineEdit(cur.community_name))
        self.company = self.add_field("company_name", self.tr("物业公司"), QLineEdit(cur.company_name))
        self.address = self.add_field("address", self.tr("地址"), QLineEdit(cur.address))
        self.phone = self.add_field("phone", self.tr("客服电话"), QLineEdit(cur.phone))
        self.idle = self.add_field("idle_lock_minutes", self.tr("无操作自动锁定（分钟）"), QSpinBox())
        self.idle.setRange(1, 240)
        self.idle.setValue(cur.idle_lock_minutes)
        self.language = self.add_field("language", self.tr("界面语言"), QComboBox())
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(cur.language)))
        self.font_path = QLineEdit(ctx.query(lambda s, _a: settings.get_value(s, printing.PDF_FONT_KEY)))
        self.font_path.setPlaceholderText(self.tr("留空则自动使用系统中的中文字体"))
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._on_browse_font)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.font_path, 1)
        row.addWidget(browse)
        self.add_field("pdf_font_path", self.tr("打印字体文件"), holder)
        self.font_path.textChanged.connect(self.revalidate)
        self.categories = self.add_field("categories", self.tr("投诉类别（每行一个）"), QPlainTextEdit(
            "\n".join(ctx.query(lambda s, _a: complaints.categories(s)))))
        self.categories.setFixedHeight(120)
        self.categories.setTabChangesFocus(True)
        self.repeat_days = self.add_field("repeat_days", self.tr("重复投诉判定天数"), QSpinBox())
        self.repeat_days.setRange(1, 365)
        self.repeat_days.setValue(ctx.query(lambda s, _a: complaints.repeat_days(s)))
        self.repeat_days.setSuffix(self.tr(" 天"))
        self._build_repairs()
        self._build_keys()
        self.revalidate()

    def _build_repairs(self) -> None:
        """报修: the categories and, per urgency, how long to be on site and to finish (one compact box)."""
        with self.ctx.read() as s:
            cats = repairs.categories(s)
            limits = repairs.thresholds(s)
        box = QGroupBox(self.tr("报修"))
        box.setObjectName("repair_settings")
        outer = QHBoxLayout(box)
        left = QVBoxLayout()
        left.setSpacing(2)
        self.repair_categories = QPlainTextEdit("\n".join(cats))
        self.repair_categories.setObjectName("repair_categories")
        self.repair_categories.setTabChangesFocus(True)
        self.repair_categories.setFixedHeight(96)
        self.repair_categories.setMinimumWidth(150)
        self.repair_categories.textChanged.connect(self.revalidate)
        left.addWidget(QLabel(self.tr("报修类别（每行一个）")))
        left.addWidget(self.repair_categories)
        self._register("repair_categories", self.repair_categories, left)
        left.addStretch(1)
        # The late limits: a column per urgency, most urgent first.
        grid = QGridLayout()
        grid.setVerticalSpacing(2)
        order = [repairs.Urgency.EMERGENCY, repairs.Urgency.URGENT, repairs.Urgency.NORMAL]
        grid.addWidget(QLabel(self.tr("超时标准")), 0, 0)
        for c, u in enumerate(order, start=1):
            head = QLabel(label(repairs.URGENCY_LABELS[u]))
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, 0, c)
        grid.addWidget(QLabel(self.tr("到场时限")), 1, 0)
        grid.addWidget(QLabel(self.tr("完工时限")), 3, 0)
        self.response_spins: dict[repairs.Urgency, QSpinBox] = {}
        self.completion_spins: dict[repairs.Urgency, QSpinBox] = {}
        for c, u in enumerate(order, start=1):
            r = QSpinBox()
            r.setRange(1, 7 * 24 * 60)
            r.setSuffix(self.tr(" 分钟"))
            r.setValue(limits[u].response_minutes)
            r.setObjectName(f"response_{u}")
            h = QSpinBox()
            h.setRange(1, 90 * 24)
            h.setSuffix(self.tr(" 小时"))
            h.setValue(limits[u].completion_hours)
            h.setObjectName(f"completion_{u}")
            for w in (r, h):
                w.valueChanged.connect(self.revalidate)
            grid.addWidget(r, 1, c)
            grid.addWidget(h, 3, c)
            self._register(f"response_{u}", r, grid, 2, c)
            self._register(f"completion_{u}", h, grid, 4, c)
            self.response_spins[u] = r
            self.completion_spins[u] = h
        note = QLabel(self.tr("超过时限的派工单在报修看板中显示为红色。"))
        note.setStyleSheet("color: #777;")
        note.setWordWrap(True)
        grid.addWidget(note, 5, 0, 1, 4)
        right = QVBoxLayout()
        right.addLayout(grid)
        right.addStretch(1)
        outer.addLayout(left, 1)
        outer.addLayout(right, 2)
        chain = [self.repair_categories, *(self.response_spins[u] for u in order),
                 *(self.completion_spins[u] for u in order)]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self.form.addRow(box)

    def _build_keys(self) -> None:
        """钥匙借期: closing time for same-day loans and, per borrower kind, the days a loan may run."""
        rules = self.ctx.query(lambda s, _a: keys.loan_rules(s))
        box = QGroupBox(self.tr("钥匙借期"))
        box.setObjectName("key_settings")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(2)
        self.key_closing = QTimeEdit(QTime(rules.closing.hour, rules.closing.minute))
        self.key_closing.setDisplayFormat("HH:mm")
        self.key_closing.setObjectName("key_closing")
        self.key_closing.timeChanged.connect(lambda *_: self.revalidate())
        grid.addWidget(QLabel(self.tr("下班时间")), 0, 0)
        grid.addWidget(self.key_closing, 1, 0)
        self._register("closing", self.key_closing, grid, 2, 0)
        self.key_days: dict[keys.Borrower, QSpinBox] = {}
        for c, kind in enumerate(keys.Borrower, start=1):
            head = QLabel(label(keys.BORROWER_LABELS[kind]))
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, 0, c)
            spin = QSpinBox()
            spin.setRange(0, 90)
            spin.setSuffix(self.tr(" 天"))
            spin.setSpecialValueText(self.tr("当日"))
            spin.setValue(rules.days.get(str(kind), 0))
            spin.setObjectName(f"key_days_{kind}")
            spin.valueChanged.connect(self.revalidate)
            grid.addWidget(spin, 1, c)
            self._register(f"days_{kind}", spin, grid, 2, c)
            self.key_days[kind] = spin
        note = QLabel(self.tr("“当日”的借出须在下班时间前归还；超过借期未还的列入催还。"))
        note.setStyleSheet("color: #777;")
        note.setWordWrap(True)
        grid.addWidget(note, 3, 0, 1, len(keys.Borrower) + 1)
        chain = [self.key_closing, *self.key_days.values()]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self.form.addRow(box)

    def _loan_rules(self) -> keys.LoanRules:
        t = self.key_closing.time()
        return keys.LoanRules(closing=time(t.hour(), t.minute()),
                              days={str(k): spin.value() for k, spin in self.key_days.items()})

    def _register(self, key: str, widget: QWidget, layout: QGridLayout | QVBoxLayout, row: int = 0,
                  col: int = 0) -> None:
        """An error label for `key` under its field (hidden while all is well)."""
        err = QLabel()
        err.setStyleSheet(ERROR_STYLE)
        err.setWordWrap(True)
        err.setObjectName(f"error_{key}")
        err.hide()
        if isinstance(layout, QGridLayout):
            layout.addWidget(err, row, col)
        else:
            layout.addWidget(err)
        self._errors[key] = err
        self._fields[key] = widget

    def _repair_thresholds(self) -> dict[repairs.Urgency, repairs.Threshold]:
        return {u: repairs.Threshold(self.response_spins[u].value(), self.completion_spins[u].value())
                for u in self.response_spins}

    def _repair_category_list(self) -> list[str]:
        return [line for line in self.repair_categories.toPlainText().splitlines() if line.strip()]

    def _on_browse_font(self) -> None:
        p = dialogs.open_file(self, self.tr("选择字体文件"), self.tr("TrueType 字体 (*.ttf *.ttc)"))
        if p:
            self.font_path.setText(p)

    def data(self) -> CommunitySettings:
        return replace(self.current, community_name=self.community.text(),
                       company_name=self.company.text(), address=self.address.text(),
                       phone=self.phone.text(), idle_lock_minutes=self.idle.value(),
                       language=self.language.currentData())

    def problems(self) -> dict[str, str]:
        errors = settings.settings_problems(self.data())
        if p := printing.font_path_problem(self.font_path.text()):
            errors["pdf_font_path"] = p
        errors.update(complaints.category_problems(self._category_list()))
        errors.update(repairs.category_problems(self._repair_category_list()))
        errors.update(repairs.threshold_problems(self._repair_thresholds()))
        errors.update(keys.rules_problems(self._loan_rules()))
        return errors

    def _category_list(self) -> list[str]:
        return [line for line in self.categories.toPlainText().splitlines() if line.strip()]

    def save(self) -> CommunitySettings:
        with self.ctx.tx() as s:
            new = settings.save_settings(s, self.ctx.actor, self.data())
            printing.set_font_path(s, self.ctx.actor, self.font_path.text())
            complaints.save_categories(s, self.ctx.actor, self._category_list())
            complaints.save_repeat_days(s, self.ctx.actor, self.repeat_days.value())
            repairs.save_categories(s, self.ctx.actor, self._repair_category_list())
            repairs.save_thresholds(s, self.ctx.actor, self._repair_thresholds())
            keys.save_loan_rules(s, self.ctx.actor, self._loan_rules())
        if new.language != self.current.language:
            dialogs.info(self, self.tr("界面语言"), self.tr("界面语言将在下次启动时生效。"))
        return new


class UserDialog(FormDialog):
    def __init__(self, ctx: AppContext, user: UserRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑用户") if user else self.tr("新建用户"), parent)
        self.ctx, self.user = ctx, user
        self.username = self.add_field("username", self.tr("用户名"), QLineEdit(user.username if user else ""))
        self.username.setReadOnly(user is not None)
        self.display = self.add_field("display_name", self.tr("姓名"), QLineEdit(user.display_name if user else ""))
        self.role = self.add_field("role", self.tr("岗位"), QComboBox())
        for role, text in ROLE_LABELS.items():
            self.role.addItem(label(text), role)
        if user:
            self.role.setCurrentIndex(self.role.findData(user.role))
        self.password: QLineEdit | None = None
        if user is None:
            self.password = self.add_field("password", self.tr("初始密码"), QLineEdit())
            self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.revalidate()

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        if p := auth.username_problem(self.username.text()):
            e["username"] = p
        if self.password is not None and (p := auth.password_problem(self.password.text())):
            e["password"] = p
        return e

    def save(self) -> UserRow:
        role = Role(self.role.currentData())
        if self.user is None:
            assert self.password is not None
            return self.ctx.call(auth.create_user, self.username.text(), self.password.text(), role,
                                 self.display.text())
        return self.ctx.call(auth.update_user, self.user.id, role=role, display_name=self.display.text())


class PasswordDialog(FormDialog):
    def __init__(self, ctx: AppContext, user: UserRow, own: bool, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("修改密码：{name}").format(name=user.username), parent)
        self.ctx, self.user, self.own = ctx, user, own
        self.old: QLineEdit | None = None
        if own:
            self.old = self.add_field("old_password", self.tr("原密码"), QLineEdit())
        self.new = self.add_field("password", self.tr("新密码"), QLineEdit())
        self.confirm = self.add_field("confirm", self.tr("再次输入"), QLineEdit())
        for w in (self.old, self.new, self.confirm):
            if w is not None:
                w.setEchoMode(QLineEdit.EchoMode.Password)
        self.revalidate()

    def problems(self) -> dict[str, str]:
        e: dict[str, str] = {}
        if p := auth.password_problem(self.new.text()):
            e["password"] = p
        if self.confirm.text() != self.new.text():
            e["confirm"] = self.tr("两次输入的密码不一致")
        return e

    def save(self) -> None:
        self.ctx.call(auth.set_password, self.user.id, self.new.text(),
                      self.old.text() if self.old is not None else None)


class UsersDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("用户与权限"))
        self.resize(720, 420)
        self.model: RowTableModel[UserRow] = RowTableModel([
            Column(self.tr("用户名"), lambda u: u.username),
            Column(self.tr("姓名"), lambda u: u.display_name),
            Column(self.tr("岗位"), lambda u: label(u.role_label)),
            Column(self.tr("状态"), lambda u: self.tr("启用") if u.active else self.tr("停用")),
            Column(self.tr("最近登录"), lambda u: fmt_local(u.last_login_at), kind=ColKind.DATETIME,
                   value=lambda u: u.last_login_at),
        ], self)
        self.table = QTableView()
        setup_table(self.table)
        self.table.setModel(self.model)
        add = QPushButton(self.tr("新建用户…"))
        edit = QPushButton(self.tr("编辑…"))
        reset = QPushButton(self.tr("重设密码…"))
        self.toggle = QPushButton(self.tr("停用", "button"))
        close = QPushButton(self.tr("关闭"))
        add.clicked.connect(self._on_add)
        edit.clicked.connect(self._on_edit)
        reset.clicked.connect(self._on_reset)
        self.toggle.clicked.connect(self._on_toggle)
        close.clicked.connect(self.accept)
        self.table.doubleClicked.connect(lambda _i: self._on_edit())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._sync_toggle())
        row = QHBoxLayout()
        for b in (add, edit, reset, self.toggle):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(ExportButtons(ctx, Runner(self), self.table, lambda: self.tr("用户与权限"),
                                    lambda: self.tr("全部用户"), self))
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addLayout(row)
        self.reload()

    def reload(self) -> None:
        try:
            self.model.set_rows(self.ctx.query(auth.list_users))
        except AppError as e:
            dialogs.show_app_error(self, e)
        fit_columns(self.table)

    def _sync_toggle(self) -> None:
        u = self._current()
        self.toggle.setText(self.tr("启用", "button") if u is not None and not u.active
                            else self.tr("停用", "button"))

    def _current(self) -> UserRow | None:
        i = self.table.currentIndex()
        return self.model.row_at(i.row()) if i.isValid() else None

    def _on_add(self) -> None:
        if UserDialog(self.ctx, parent=self).exec():
            self.reload()

    def _on_edit(self) -> None:
        u = self._current()
        if u and UserDialog(self.ctx, u, self).exec():
            self.reload()

    def _on_reset(self) -> None:
        u = self._current()
        if u and PasswordDialog(self.ctx, u, own=False, parent=self).exec():
            dialogs.info(self, self.tr("重设密码"), self.tr("已为 {name} 设置新密码。").format(name=u.username))

    def _on_toggle(self) -> None:
        u = self._current()
        if u is None:
            return
        try:
            self.ctx.call(auth.update_user, u.id, active=not u.active)
        except AppError as e:
            dialogs.show_app_error(self, e)
        self.reload()
