"""First-start administrator set-up, sign-in, and the idle lock."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import auth, settings
from app.auth import UserRow
from app.context import AppContext
from app.errors import AppError, AuthError
from ui.forms import ERROR_STYLE, FormDialog


class AdminSetupDialog(FormDialog):
    """First start: the community's name and the administrator account."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("首次使用：建立管理员账号"), parent)
        self.ctx = ctx
        intro = QLabel(self.tr("欢迎使用 FrontDesk 物业客服台。请先填写小区信息并建立系统管理员账号，"
                               "之后用它登录并为客服人员建立账号。"))
        intro.setWordWrap(True)
        self.layout().insertWidget(0, intro)
        self.community = self.add_field("community_name", self.tr("小区名称"), QLineEdit())
        self.company = self.add_field("company_name", self.tr("物业公司"), QLineEdit())
        self.username = self.add_field("username", self.tr("管理员用户名"), QLineEdit("admin"))
        self.display = self.add_field("display_name", self.tr("显示名"), QLineEdit())
        self.password = self.add_field("password", self.tr("密码"), QLineEdit())
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = self.add_field("confirm", self.tr("再次输入密码"), QLineEdit())
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.community.setPlaceholderText(self.tr("如：中天雅苑"))
        self.company.setPlaceholderText(self.tr("如：中天物业服务有限公司"))
        self.revalidate()

    def problems(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.community.text().strip():
            errors["community_name"] = self.tr("请填写小区名称")
        if not self.company.text().strip():
            errors["company_name"] = self.tr("请填写物业公司名称（用于接听电话的问候语）")
        if p := auth.username_problem(self.username.text()):
            errors["username"] = p
        if p := auth.password_problem(self.password.text()):
            errors["password"] = p
        if self.confirm.text() != self.password.text():
            errors["confirm"] = self.tr("两次输入的密码不一致")
        return errors

    def save(self) -> UserRow:
        with self.ctx.tx() as s:
            user = auth.create_first_admin(s, self.username.text(), self.password.text(),
                                           self.display.text())
            current = settings.get_settings(s)
            new = replace(current, community_name=self.community.text(),
                          company_name=self.company.text())
            settings.save_settings(s, user.actor(), new)
        return user


class SignInDialog(QDialog):
    """用户名 + 密码. `user` holds the signed-in user after accept()."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, username: str = "",
                 title: str = "", locked_user: UserRow | None = None, hint: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user: UserRow | None = None
        self.locked_user = locked_user
        self.setWindowTitle(title or self.tr("登录 — FrontDesk 物业客服台"))
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        with ctx.read() as s:
            community = settings.get_settings(s).community_name
        head = QLabel(community or self.tr("物业客服台"))
        head.setStyleSheet("font-size: 18px; font-weight: bold;")
        head.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(head)
        sub = QLabel(self.tr("FrontDesk 物业客服台"))
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub.setStyleSheet("color: #666;")
        lay.addWidget(sub)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setObjectName("hint")
            hint_label.setWordWrap(True)
            hint_label.setStyleSheet("color: #2c6e49; background: #eef7f0; padding: 6px;")
            lay.addWidget(hint_label)
        if locked_user is not None:
            note = QLabel(self.tr("窗口已锁定。请输入 {name} 的密码继续，未保存的内容仍在。")
                          .format(name=locked_user.display_name or locked_user.username))
            note.setWordWrap(True)
            lay.addWidget(note)
        form = QFormLayout()
        self.username = QLineEdit(username or (locked_user.username if locked_user else ""))
        self.username.setObjectName("username")
        self.username.setReadOnly(locked_user is not None)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        lay.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("解锁") if locked_user else self.tr("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出程序"))
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        (self.password if self.username.text() else self.username).setFocus()

    def _on_ok(self) -> None:
        if not self.username.text().strip():
            self._fail(self.tr("请填写用户名"))
            return
        try:
            user = auth.sign_in_tx(self.ctx.database.Session, self.username.text(),
                                   self.password.text())
        except AuthError as e:
            self._fail(e.message)
            return
        except AppError as e:
            self._fail(e.message)
            return
        if self.locked_user is not None and user.id != self.locked_user.id:
            self._fail(self.tr("只能由锁定前的用户解锁"))
            return
        self.user = user
        self.accept()

    def _fail(self, msg: str) -> None:
        self.error.setText(msg)
        self.error.show()
        self.password.clear()
        self.password.setFocus()
