"""The `frontdesk` command line (no Qt here: the GUI is started by ui.launcher)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app import __version__
from app.config import Paths, resolve_paths
from app.errors import AppError
from app.roles import Actor, Role

# The command line is run by whoever operates this PC; it acts with a supervisor's rights and
# every change it makes is audited under the name "cli".
CLI_ACTOR = Actor(username="cli", role=Role.SUPERVISOR, display_name="命令行")

SUBCOMMANDS = {"init", "import", "backup", "restore", "check", "demo-data", "export"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="frontdesk",
        description="FrontDesk 物业客服台。不带子命令时启动图形界面。",
    )
    p.add_argument("--version", action="version", version=f"FrontDesk {__version__}")
    p.add_argument("--data-dir", metavar="DIR", help="数据目录（默认：用户数据目录，或 FRONTDESK_HOME）")
    p.add_argument("--db-url", metavar="URL",
                   help="数据库地址，如 postgresql+psycopg://user:pw@host/db（或 FRONTDESK_DB_URL）")
    p.add_argument("--smoke", action="store_true", help="在临时数据库上打开主窗口后立即退出（用于检查安装包）")
    p.add_argument("--demo", action="store_true", help="数据库为空时先生成演示数据再启动")
    p.add_argument("--lang", choices=["zh_CN", "en"], help="界面语言（默认取设置，简体中文）")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("init", help="建立管理员账号（密码从标准输入读取）")
    s.add_argument("--admin", required=True, metavar="NAME", help="管理员用户名")
    s.add_argument("--display-name", default="", help="显示名")

    s = sub.add_parser("import", help="导入数据")
    isub = s.add_subparsers(dest="what", metavar="WHAT", required=True)
    r = isub.add_parser("roster", help="导入房屋与业主花名册（xlsx）")
    r.add_argument("file", metavar="FILE.xlsx")
    r.add_argument("--sheet", metavar="NAME", help="工作表名（默认第一个）")
    r.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库")
    r.add_argument("--rejects", metavar="OUT.xlsx", help="把被拒绝的行另存为 xlsx，改正后可再导入")
    r.add_argument("--json", action="store_true", help="以 JSON 输出汇总")

    s = sub.add_parser("backup", help="立即备份数据库")
    s.add_argument("--to", metavar="PATH", help="备份到此文件或目录（默认：数据目录下 backups/）")

    s = sub.add_parser("restore", help="用备份文件替换当前数据库（原文件另存保留）")
    s.add_argument("path", metavar="PATH")

    s = sub.add_parser("check", help="检查数据库完整性与审计日志哈希链")
    s.add_argument("--full", action="store_true", help="完整检查（integrity_check，较慢）")

    s = sub.add_parser("export", help="导出报表")
    esub = s.add_subparsers(dest="what", metavar="WHAT", required=True)
    m = esub.add_parser("month", help="生成某月的月报工作簿（xlsx，可同时生成 PDF）")
    m.add_argument("month", nargs="?", metavar="YYYY-MM", help="月份，如 2026-10")
    m.add_argument("--last", action="store_true", help="上个月（按本机日期）")
    m.add_argument("--out", required=True, metavar="FILE.xlsx", help="工作簿保存位置")
    m.add_argument("--pdf", metavar="FILE.pdf", help="同时生成 PDF 报告")

    s = sub.add_parser("demo-data", help="生成演示数据（确定性的、逼真的小区）")
    s.add_argument("--households", type=int, default=600, metavar="N")
    s.add_argument("--months", type=int, default=12, metavar="M")
    s.add_argument("--seed", type=int, default=2026, metavar="S")
    return p


def _err(msg: str) -> int:
    print(f"错误：{msg}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    paths = resolve_paths(args.data_dir, args.db_url)
    try:
        handler = {
            "init": _cmd_init, "import": _cmd_import, "backup": _cmd_backup,
            "restore": _cmd_restore, "check": _cmd_check, "demo-data": _cmd_demo,
            "export": _cmd_export,
        }[args.command]
        return handler(args, paths)
    except AppError as e:
        return _err(e.message)


def _open(paths: Paths):  # noqa: ANN202
    from app.database import open_database

    return open_database(paths)


def _cmd_init(args: argparse.Namespace, paths: Paths) -> int:
    from app import auth

    password = sys.stdin.readline().rstrip("\r\n")
    db = _open(paths)
    try:
        with db.Session.begin() as s:
            u = auth.create_first_admin(s, args.admin, password, args.display_name)
    finally:
        db.dispose()
    print(f"已建立管理员账号 {u.username}，数据库：{paths.db_url}")
    return 0


def _cmd_import(args: argparse.Namespace, paths: Paths) -> int:
    from app import roster

    db = _open(paths)
    try:
        with db.Session.begin() as s:
            report = roster.import_roster(s, CLI_ACTOR, Path(args.file), sheet=args.sheet,
                                          dry_run=args.dry_run)
        if args.rejects and report.rejections:
            roster.save_rejects(report, Path(args.rejects))
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(report.summary(), ensure_ascii=False, indent=2))
    else:
        print(report.text())
    return 0


def _cmd_backup(args: argparse.Namespace, paths: Paths) -> int:
    from app import backup

    dest = backup.backup_now(paths, kind="manual", to=Path(args.to) if args.to else None)
    print(f"已备份到 {dest}")
    return 0


def _cmd_restore(args: argparse.Namespace, paths: Paths) -> int:
    from app import backup

    aside = backup.restore(paths, Path(args.path))
    print(f"已从 {args.path} 恢复数据库。" + (f"原数据库另存为 {aside}" if aside else ""))
    db = _open(paths)  # migrates a restored older backup
    db.dispose()
    return 0


def _cmd_check(args: argparse.Namespace, paths: Paths) -> int:
    from app import audit, backup

    f = paths.sqlite_file
    if f is not None:
        if not f.exists():
            return _err(f"数据库文件不存在：{f}")
        if (p := backup.quick_check(f, full=args.full)) is not None:
            print(f"数据库损坏：{f}\n{p}", file=sys.stderr)
            return 1
    from db.engine import make_database

    db = make_database(paths.db_url)
    try:
        with db.read_session() as s:
            report = audit.verify_chain(s)
    finally:
        db.dispose()
    if not report.ok:
        print(f"审计日志异常：{report.problem}", file=sys.stderr)
        return 1
    print(f"数据库完好；审计日志 {report.count} 条，哈希链完整。")
    return 0


def _cmd_export(args: argparse.Namespace, paths: Paths) -> int:
    from app import month_report, monthly, settings
    from app.printing import PDF_FONT_KEY
    from app.timeutil import local_today

    if args.last == bool(args.month):
        return _err("请给出月份 YYYY-MM，或者用 --last 表示上个月（二者选一）")
    month = monthly.Month.of(local_today()).previous() if args.last else monthly.Month.parse(args.month)
    out = Path(args.out)
    pdf = Path(args.pdf) if args.pdf else None
    for p in (out, pdf):
        if p is not None and not p.parent.exists():
            return _err(f"文件夹不存在：{p.parent}")
    db = _open(paths)
    try:
        with db.read_session() as s:
            report = monthly.build_month(s, month, generated_by=CLI_ACTOR.display_name)
            font = settings.get_value(s, PDF_FONT_KEY)
    finally:
        db.dispose()
    monthly.write_outputs(report, out, pdf, font_path=font)
    print(month_report.summary_line(report, out, pdf))
    return 0


def _cmd_demo(args: argparse.Namespace, paths: Paths) -> int:
    from app import demo

    db = _open(paths)
    try:
        with db.Session.begin() as s:
            summary = demo.generate(s, households=args.households, months=args.months,
                                    seed=args.seed)
    finally:
        db.dispose()
    print(summary)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return _err("没有子命令；图形界面请运行 frontdesk")
    return run(args)
