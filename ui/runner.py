"""One runner for work off the GUI thread: a one-thread pool, results back through signals."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    """Wraps a plain function; `signals.finished(result)` or `signals.failed(exc)` on the GUI thread."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as e:  # noqa: BLE001 - handed to the GUI thread, never swallowed
            e.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(e)
        else:
            self.signals.finished.emit(result)


class Runner(QObject):
    """Long or bulk work goes here; quick single-record work may run inline with `run_now`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._tasks: set[Task] = set()

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[BaseException], None], *, parent: QWidget | None = None,
               label: str = "", cancel: Callable[[], None] | None = None) -> Task:
        task = Task(fn)
        self._tasks.add(task)
        progress: QProgressDialog | None = None
        timer: QTimer | None = None
        if parent is not None and label:
            progress = QProgressDialog(label, self.tr("取消") if cancel else "", 0, 0, parent)
            progress.setWindowTitle(self.tr("请稍候"))
            progress.setMinimumDuration(0)
            progress.setAutoClose(False)
            if cancel is None:
                progress.setCancelButton(None)
            else:
                progress.canceled.connect(cancel)
            progress.hide()
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(progress.show)
            timer.start(500)

        def _finish() -> None:
            if timer is not None:
                timer.stop()
            if progress is not None:
                progress.hide()
                progress.deleteLater()
            self._tasks.discard(task)

        def _ok(result: Any) -> None:
            _finish()
            on_done(result)

        def _bad(exc: BaseException) -> None:
            _finish()
            on_error(exc)

        task.signals.finished.connect(_ok)
        task.signals.failed.connect(_bad)
        self.pool.start(task)
        return task

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
