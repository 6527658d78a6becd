"""`frontdesk`: the command line, or the desktop app (crash hook → QApplication → sign-in → window)."""

from __future__ import annotations

import sys
import tempfile
import threading

from app import cli
from app.config import Paths, resolve_paths


def main(argv: list[str] | None = None) -> int:
    args = cli.build_parser().parse_args(argv)
    if args.command is not None:
        return cli.run(args)
    return run_gui(args)


def run_gui(args) -> int:  # noqa: ANN001, C901 - the start-up sequence reads best in one place
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if args.smoke:
        tmp = tempfile.TemporaryDirectory(prefix="frontdesk-smoke-")
        paths = resolve_paths(tmp.name, None)
    else:
        paths = resolve_paths(args.data_dir, args.db_url)
    from ui import crash

    crash.install(paths.logs_dir)  # before the QApplication, as STYLE.md asks

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from app import auth, backup, rooms, settings
    from app.context import AppContext
    from app.database import open_database
    from app.errors import StorageError
    from ui import dialogs, i18n
    from ui.gc_guard import GuiThreadCollector, guard_none_refcount

    guard_none_refcount()  # before any Qt call: see ui/gc_guard.py
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.gc_collector = GuiThreadCollector(app)  # before any worker thread: see ui/gc_guard.py
    app.setApplicationName("FrontDesk")
    app.setOrganizationName("FrontDesk")
    i18n.choose_font(app)
    i18n.install(app, args.lang or "zh_CN")

    try:
        database = open_database(paths)
    except StorageError as e:
        if e.code == "corrupt" and paths.sqlite_file is not None:
            database = _offer_restore(paths, e.message)
            if database is None:
                return 1
        else:
            dialogs.error(None, QCoreApplication.translate("launcher", "无法打开数据库"), e.message)
            return 1
    ctx = AppContext(paths=paths, database=database)
    with ctx.read() as s:
        conf = settings.get_settings(s)
    if args.lang is None and conf.language != "zh_CN":
        i18n.install(app, conf.language)

    if args.demo or args.smoke:
        from app import demo

        with ctx.tx() as s:
            # Only an empty database becomes a demo: never add published passwords to real data.
            if rooms.count_rooms(s, include_inactive=True) == 0 and not auth.has_users(s):
                demo.generate(s, households=120 if args.smoke else 600)
                demo.ensure_demo_users(s)

    backup_thread = None
    if paths.is_sqlite and not args.smoke and backup.daily_backup_due(paths):
        backup_thread = threading.Thread(target=_quiet_backup, args=(paths, "daily"), daemon=False)
        backup_thread.start()

    from ui.main_window import MainWindow
    from ui.signin import AdminSetupDialog, SignInDialog

    if args.smoke:
        with ctx.read() as s:
            user = auth.get_user(s, "zhang")
        assert user is not None
        win = MainWindow(ctx, user)
        win.show()
        app.processEvents()
        win.close()
        app.processEvents()
        database.dispose()
        crash.uninstall()
        assert tmp is not None
        tmp.cleanup()
        print("smoke ok")
        return 0

    with ctx.read() as s:
        first = not auth.has_users(s)
    if first:
        setup = AdminSetupDialog(ctx)
        if not setup.exec():
            return 0
    hint = ""
    if args.demo:
        hint = QCoreApplication.translate("launcher", "演示账号：zhang / zhang1234（客服主管）、li / li123456（客服助理）、"
                              "wang / wang1234（收费员）、admin / admin1234（系统管理员）")
    code = 0
    while True:
        sign_in = SignInDialog(ctx, hint=hint)
        if not sign_in.exec() or sign_in.user is None:
            break
        win = MainWindow(ctx, sign_in.user)
        win.show()
        code = app.exec()
        if not win.restart_requested:
            break
    if backup_thread is not None:
        backup_thread.join()
    if ctx.changed and paths.is_sqlite:
        _quiet_backup(paths, "exit")
    ctx.database.dispose()
    return code


def _quiet_backup(paths: Paths, kind: str) -> None:
    import logging

    from app import backup
    from app.errors import StorageError

    try:
        backup.backup_now(paths, kind=kind)
    except StorageError as e:
        logging.getLogger("frontdesk").warning("automatic backup failed: %s", e)


def _offer_restore(paths: Paths, message: str):  # noqa: ANN202
    """The database is corrupt: say so, leave it untouched, offer the newest good backup."""
    from PySide6.QtCore import QCoreApplication

    from app import backup
    from app.database import open_database
    from ui import dialogs
    good = backup.newest_good_backup(paths)
    if good is None:
        dialogs.error(None, QCoreApplication.translate("launcher", "数据库损坏"), QCoreApplication.translate(
            "launcher", "{message}\n\n文件保持原样，没有被改动。没有找到可用的备份，请联系技术支持。")
            .format(message=message))
        return None
    if not dialogs.confirm(None, QCoreApplication.translate("launcher", "数据库损坏"), QCoreApplication.translate(
            "launcher", "{message}\n\n文件保持原样，没有被改动。\n是否从最新的完好备份恢复？\n"
                        "备份时间：{when}\n（损坏的文件会另存保留）").format(
            message=message, when=good.taken_at.strftime("%Y-%m-%d %H:%M"))):
        return None
    aside = backup.restore(paths, good.path)
    dialogs.info(None, QCoreApplication.translate("launcher", "已恢复"), QCoreApplication.translate(
        "launcher", "已从 {when} 的备份恢复。损坏的文件另存为：\n{aside}").format(
        when=good.taken_at.strftime("%Y-%m-%d %H:%M"), aside=aside))
    return open_database(paths)


if __name__ == "__main__":
    sys.exit(main())
