"""Crash hook, installed before the QApplication: log to a rotating file, tell the user, go on."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

log = logging.getLogger("frontdesk")
_log_file: Path | None = None


def install(log_dir: Path) -> Path:
    global _log_file
    log_dir.mkdir(parents=True, exist_ok=True)
    _log_file = log_dir / "frontdesk.log"
    handler = RotatingFileHandler(_log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, RotatingFileHandler):
            root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_hook
    return _log_file


def uninstall() -> None:
    """Close the log file (the smoke run deletes its temporary data folder afterwards)."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, RotatingFileHandler):
            root.removeHandler(h)
            h.close()
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__


def log_file() -> Path | None:
    return _log_file


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is not None and args.exc_value is not None:
        log.error("unhandled error in thread %s:\n%s", args.thread.name if args.thread else "?",
                  "".join(traceback.format_exception(args.exc_type, args.exc_value,
                                                     args.exc_traceback)))


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unhandled error:\n%s", text)
    if issubclass(exc_type, KeyboardInterrupt):
        return
    show_crash_dialog(text)


def show_crash_dialog(text: str) -> None:
    try:
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QApplication, QMessageBox
    except ImportError:  # pragma: no cover
        print(text, file=sys.stderr)
        return
    if QApplication.instance() is None:
        print(text, file=sys.stderr)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, QCoreApplication.translate("crash", "程序出错"),
                      QCoreApplication.translate("crash", "程序遇到一个意外错误，已记录到日志文件：\n{path}\n\n"
                                  "已保存的数据不受影响，可以继续工作。如果问题反复出现，请把日志文件发给技术支持。")
                      .format(path=_log_file or "?"))
    box.setDetailedText(text)
    box.exec()
