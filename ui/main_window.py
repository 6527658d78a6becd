"""The main window: one tab per procedure, menus 文件 / 设置 / 帮助, status bar, idle lock."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from app import __version__, settings
from app.auth import UserRow
from app.context import AppContext
from app.roles import ROLE_LABELS, Perm
from ui import dialogs
from ui.bus import DataBus
from ui.labels import label
from ui.panels.rooms import RoomsPanel
from ui.runner import Runner

USER_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
              QEvent.Type.Wheel}


class IdleWatcher(QObject):
    """Notes the time of the last keyboard or mouse input anywhere in the application."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last_input = time.monotonic()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in USER_INPUT:
            self.last_input = time.monotonic()
        return False


class _Panels(dict):
    """The tab panels by key; asking for one that was never shown builds it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window

    def __missing__(self, key: str) -> QWidget:
        return self.window._build_panel(key)


class MainWindow(QMainWindow):
    locked = Signal()
    unlocked = Signal()

    def __init__(self, ctx: AppContext, user: UserRow, parent: QWidget | None = None,
                 ui_settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.restart_requested = False  # set when a restore asks for a fresh sign-in
        ctx.actor = user.actor()
        self.bus = DataBus(self)
        self.runner = Runner(self)
        self.ui_settings = ui_settings or QSettings(str(ctx.paths.data_dir / "ui.ini"),
                                                    QSettings.Format.IniFormat)
        with ctx.read() as s:
            self.community = settings.get_settings(s)
        title = self.tr("FrontDesk 物业客服台")
        if self.community.community_name:
            title = f"{title} — {self.community.community_name}"
        self.setWindowTitle(title)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.tab_keys: list[str] = []
        self._factories: dict[str, tuple[QWidget, Callable[[QWidget], QWidget]]] = {}
        self.panels: dict[str, QWidget] = _Panels(self)
        self._build_tabs()
        self._build_menus()
        self._build_status()
        self._restore_geometry()
        # Idle lock
        self.idle = IdleWatcher(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(15_000)
        self._lock_timer.timeout.connect(self._check_idle)
        self._lock_timer.start()
        self._is_locked = False

    # ---------------------------------------------------------------- construction
    def _build_tabs(self) -> None:
        actor = self.ctx.actor
        assert actor is not None
        if actor.can(Perm.LOG_CALLS):
            from ui.panels.reception import ReceptionPanel

            self.add_panel("reception", self.tr("来电来访"),
                           lambda parent: ReceptionPanel(self.ctx, self.bus, parent, self.runner))
        if actor.can(Perm.HANDLE_COMPLAINTS):
            from ui.panels.complaints import ComplaintsPanel

            self.add_panel("complaints", self.tr("投诉处理"),
                           lambda parent: ComplaintsPanel(self.ctx, self.bus, parent, self.runner))
        if actor.can(Perm.HANDLE_REPAIRS):
            from ui.panels.repairs import RepairsPanel

            self.add_panel("repairs", self.tr("报修"),
                           lambda parent: RepairsPanel(self.ctx, self.bus, parent, self.runner))
        if actor.can(Perm.HANDLE_KEYS) or actor.can(Perm.SETUP_CABINETS):
            from ui.panels.keys import KeysPanel

            self.add_panel("keys", self.tr("钥匙柜"),
                           lambda parent: KeysPanel(self.ctx, self.bus, parent, self.runner))
        if actor.can(Perm.DO_CALLBACKS):
            from ui.panels.callbacks import CallbacksPanel

            self.add_panel("callbacks", self.tr("走访回访"),
                           lambda parent: CallbacksPanel(self.ctx, self.bus, parent, self.runner))
        if actor.can(Perm.VIEW_ROOMS):
            self.add_panel("rooms", self.tr("房屋与业主"),
                           lambda parent: RoomsPanel(self.ctx, self.bus, parent, self.runner))
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._on_tabs_current_changed(self.tabs.currentIndex())

    def add_panel(self, key: str, title: str, factory: Callable[[QWidget], QWidget]) -> None:
        """A tab whose panel is built the first time it is shown (start-up builds only the first)."""
        holder = QWidget()
        holder.setObjectName(f"tab_{key}")
        lay = QVBoxLayout(holder)
        lay.setContentsMargins(0, 0, 0, 0)
        self._factories[key] = (holder, factory)
        self.tab_keys.append(key)
        self.tabs.addTab(holder, title)

    def _build_panel(self, key: str) -> QWidget:
        holder, factory = self._factories[key]
        panel = factory(holder)
        holder.layout().addWidget(panel)
        dict.__setitem__(self.panels, key, panel)
        return panel

    def _on_tabs_current_changed(self, index: int) -> None:
        if 0 <= index < len(self.tab_keys):
            self.panels[self.tab_keys[index]]  # noqa: B018 - builds it on first view

    def _action(self, menu, text: str, slot: Callable[[], None], shortcut: str | None = None,  # noqa: ANN001
                perm: Perm | None = None, name: str = "") -> QAction | None:
        if perm is not None and not (self.ctx.actor and self.ctx.actor.can(perm)):
            return None
        act = QAction(text, self)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        if name:
            act.setObjectName(name)
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu(self.tr("文件(&F)"))
        self._action(m, self.tr("导入花名册…"), self.open_import, perm=Perm.IMPORT_ROSTER,
                     name="act_import")
        self._action(m, self.tr("导出月报…"), self.open_month_export, perm=Perm.EXPORT_MONTH,
                     name="act_month")
        m.addSeparator()
        self._action(m, self.tr("立即备份"), self.backup_now, perm=Perm.BACKUP, name="act_backup")
        self._action(m, self.tr("从备份恢复…"), self.open_restore, perm=Perm.RESTORE, name="act_restore")
        self._action(m, self.tr("检查数据库"), self.check_database, perm=Perm.BACKUP, name="act_check")
        m.addSeparator()
        self._action(m, self.tr("锁定窗口"), self.lock, "Ctrl+Shift+L", name="act_lock")
        self._action(m, self.tr("退出"), self.close, "Ctrl+Q", name="act_quit")
        m = mb.addMenu(self.tr("设置(&S)"))
        self._action(m, self.tr("小区与程序设置…"), self.open_settings, perm=Perm.EDIT_SETTINGS,
                     name="act_settings")
        self._action(m, self.tr("员工、施工单位与开发商…"), self.open_staff, perm=Perm.EDIT_STAFF,
                     name="act_staff")
        self._action(m, self.tr("用户与权限…"), self.open_users, perm=Perm.MANAGE_USERS, name="act_users")
        self._action(m, self.tr("审计日志…"), self.open_audit, perm=Perm.VIEW_AUDIT, name="act_audit")
        self._action(m, self.tr("修改我的密码…"), self.change_password, name="act_password")
        m = mb.addMenu(self.tr("帮助(&H)"))
        self._action(m, self.tr("数据位置…"), self.show_data_location, name="act_location")
        self._action(m, self.tr("关于 FrontDesk"), self.show_about, name="act_about")

    def _build_status(self) -> None:
        u = self.user
        self.user_label = QLabel(self.tr("当前用户：{name}（{role}）").format(
            name=u.display_name or u.username, role=label(ROLE_LABELS[u.role])))
        self.db_label = QLabel(self.tr("数据库：{where}").format(where=self.database_location()))
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.db_label)

    def database_location(self) -> str:
        f = self.ctx.paths.sqlite_file
        if f is not None:
            return str(f)
        from urllib.parse import urlsplit

        u = urlsplit(self.ctx.paths.db_url)
        return f"PostgreSQL {u.hostname or 'localhost'}{':' + str(u.port) if u.port else ''}{u.path}"

    def _restore_geometry(self) -> None:
        geo = self.ui_settings.value("main/geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            self.restoreGeometry(geo)
        else:
            self.resize(1280, 760)

    # ---------------------------------------------------------------- actions
    def open_import(self) -> None:
        from ui.import_dialog import RosterImportDialog

        dlg = RosterImportDialog(self.ctx, self)
        dlg.imported.connect(lambda: self.bus.notify("roster", "room", "person"))
        dlg.exec()

    def open_month_export(self) -> None:
        from ui.month_dialog import MonthExportDialog

        MonthExportDialog(self.ctx, self.runner, self).exec()

    def backup_now(self) -> None:
        from app import backup

        def done(path: object) -> None:
            self.statusBar().showMessage(self.tr("已备份到 {path}").format(path=path), 10_000)

        self.runner.submit(lambda: backup.backup_now(self.ctx.paths, "manual"), done,
                           lambda e: self._show_error(e), parent=self, label=self.tr("正在备份…"))

    def open_restore(self) -> None:
        from ui.backup_dialog import RestoreDialog

        RestoreDialog.run(self)

    def check_database(self) -> None:
        from app import audit, backup

        def work() -> str:
            f = self.ctx.paths.sqlite_file
            if f is not None and (p := backup.quick_check(f)) is not None:
                return self.tr("数据库有问题：{p}").format(p=p)
            with self.ctx.read() as s:
                report = audit.verify_chain(s)
            if not report.ok:
                return self.tr("审计日志异常：{p}").format(p=report.problem)
            return ""

        def done(problem: str) -> None:
            if problem:
                dialogs.warning(self, self.tr("检查数据库"), problem)
            else:
                dialogs.info(self, self.tr("检查数据库"), self.tr("数据库完好，审计日志哈希链完整。"))

        self.runner.submit(work, done, self._show_error, parent=self, label=self.tr("正在检查…"))

    def open_settings(self) -> None:
        from ui.admin_dialogs import SettingsDialog

        if SettingsDialog(self.ctx, self).exec():
            with self.ctx.read() as s:
                self.community = settings.get_settings(s)
            self.bus.notify("settings")

    def open_users(self) -> None:
        from ui.admin_dialogs import UsersDialog

        UsersDialog(self.ctx, self).exec()

    def open_staff(self) -> None:
        from ui.staff_dialog import StaffDialog

        StaffDialog(self.ctx, self.bus, self).exec()

    def open_audit(self) -> None:
        from ui.audit_dialog import AuditDialog

        AuditDialog(self.ctx, self).exec()

    def change_password(self) -> None:
        from ui.admin_dialogs import PasswordDialog

        if PasswordDialog(self.ctx, self.user, own=True, parent=self).exec():
            self.statusBar().showMessage(self.tr("密码已修改"), 5000)

    def show_data_location(self) -> None:
        p = self.ctx.paths
        dialogs.info(self, self.tr("数据位置"), self.tr(
            "数据库：{db}\n数据目录：{data}\n自动备份：{backups}\n日志：{logs}").format(
            db=self.database_location(), data=p.data_dir, backups=p.backups_dir, logs=p.logs_dir))

    def show_about(self) -> None:
        dialogs.info(self, self.tr("关于 FrontDesk"), self.tr(
            "FrontDesk 物业客服台 {version}\n离线运行的物业客服中心工作台。").format(version=__version__))

    def show_warning(self, text: str) -> None:
        """A lasting warning in the status bar (e.g. PDF printed without an embedded font)."""
        self.statusBar().showMessage(text, 60_000)

    def _show_error(self, exc: BaseException) -> None:
        from app.errors import AppError

        if isinstance(exc, AppError):
            dialogs.show_app_error(self, exc)
        else:
            raise exc

    # ---------------------------------------------------------------- idle lock
    def idle_seconds(self) -> float:
        return time.monotonic() - self.idle.last_input

    def _check_idle(self) -> None:
        minutes = self.community.idle_lock_minutes
        if not self._is_locked and minutes > 0 and self.idle_seconds() >= minutes * 60:
            self.lock()

    def lock(self) -> None:
        """Cover the window and ask for the password; every open form keeps what was typed."""
        if self._is_locked:
            return
        from ui.signin import SignInDialog

        self._is_locked = True
        self.locked.emit()
        covers = self._cover_windows()
        try:
            while True:
                dlg = SignInDialog(self.ctx, self, title=self.tr("窗口已锁定"), locked_user=self.user)
                if dlg.exec():
                    break
                if dialogs.confirm(self, self.tr("退出程序"), self.tr("退出 FrontDesk？未保存的输入将丢失。")):
                    self._is_locked = False
                    QApplication.instance().quit()  # type: ignore[union-attr]
                    return
        finally:
            for c in covers:
                c.deleteLater()
        self._is_locked = False
        self.idle.last_input = time.monotonic()
        self.unlocked.emit()

    def _cover_windows(self) -> list[QWidget]:
        """Cover the main window and every open dialog: nothing readable, nothing closed or lost."""
        covers = []
        for w in QApplication.topLevelWidgets():
            if not w.isVisible() or not (w is self or w.isWindow()):
                continue
            cover = QLabel(self.tr("已锁定"), w)
            cover.setObjectName("lock_cover")
            cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cover.setAutoFillBackground(True)
            cover.setStyleSheet("background: #dfe4ea; color: #57606f; font-size: 20px;")
            cover.setGeometry(w.rect())
            cover.show()
            cover.raise_()
            covers.append(cover)
        return covers

    @property
    def is_locked(self) -> bool:
        return self._is_locked

    # ---------------------------------------------------------------- closing
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.ui_settings.setValue("main/geometry", self.saveGeometry())
        self.ui_settings.sync()
        self.runner.wait(60_000)
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        super().closeEvent(event)
