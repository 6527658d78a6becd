"""导出 Excel / 导出 PDF for any list: exactly the rows of the current filter and the visible columns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTableView, QWidget

from app import settings as app_settings
from app.context import AppContext
from app.errors import AppError
from app.exports import ExportColumn, TableExport, export_pdf, export_xlsx
from app.printing import PDF_FONT_KEY
from ui import dialogs
from ui.runner import Runner
from ui.table_model import Column, RowTableModel


def visible_columns(view: QTableView) -> list[int]:
    """Logical column indexes in the order the clerk sees them, hidden ones left out."""
    header = view.horizontalHeader()
    model = view.model()
    n = model.columnCount() if model is not None else 0
    ordered = sorted(range(n), key=header.visualIndex)
    return [c for c in ordered if not header.isSectionHidden(c)]


def all_rows(model: RowTableModel, page: int = 5000) -> Iterator[Any]:
    """Every row of the model's current query, not only the pages loaded on screen."""
    fetch = model.fetcher
    if fetch is None:
        yield from model.rows()
        return
    offset = 0
    while True:
        chunk = fetch(offset, page)
        yield from chunk
        if len(chunk) < page:
            return
        offset += len(chunk)


def table_export(title: str, view: QTableView, model: RowTableModel, filter_text: str,
                 user: str) -> TableExport:
    cols: list[Column[Any]] = [model.columns[i] for i in visible_columns(view)]
    rows = ([c.export_value(r) for c in cols] for r in all_rows(model))
    return TableExport(title=title, columns=[ExportColumn(c.header, c.kind) for c in cols], rows=rows,
                       filter_text=filter_text, generated_by=user, generated_at=datetime.now(UTC))


class ExportButtons(QWidget):
    """Two buttons that export `view` (with its RowTableModel) as on screen."""

    exported = Signal(object)  # the path written

    def __init__(self, ctx: AppContext, runner: Runner, view: QTableView, title: Callable[[], str],
                 filter_text: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.view = ctx, runner, view
        self.title, self.filter_text = title, filter_text
        self.settings = QSettings(str(ctx.paths.data_dir / "ui.ini"), QSettings.Format.IniFormat)
        self.xlsx_btn = QPushButton(self.tr("导出 Excel…"))
        self.pdf_btn = QPushButton(self.tr("导出 PDF…"))
        self.xlsx_btn.setObjectName("export_xlsx")
        self.pdf_btn.setObjectName("export_pdf")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.xlsx_btn)
        lay.addWidget(self.pdf_btn)
        self.xlsx_btn.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_btn.clicked.connect(lambda: self.export("pdf"))
        self.last_path: Path | None = None
        self._cancel = False

    def export(self, fmt: str, path: str | None = None) -> None:
        model = self.view.model()
        assert isinstance(model, RowTableModel)
        title = self.title()
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        last_dir = Path(str(self.settings.value("export/last_dir", str(Path.home()))))
        if path is None:
            filters = self.tr("Excel 工作簿 (*.xlsx)") if fmt == "xlsx" else self.tr("PDF 文件 (*.pdf)")
            path = dialogs.save_file(self, self.tr("导出"), filters, str(last_dir / f"{title}-{stamp}.{fmt}"))
            if not path:
                return
        target = Path(path)
        if target.suffix.lower() != f".{fmt}":
            target = target.with_name(target.name + f".{fmt}")
        user = self.ctx.actor.display_name if self.ctx.actor else ""
        spec = table_export(title, self.view, model, self.filter_text(), user)
        self._cancel = False

        def keep_going(_n: int) -> bool:
            return not self._cancel

        with self.ctx.read() as s:
            font = app_settings.get_value(s, PDF_FONT_KEY)

        def work() -> int:
            if fmt == "xlsx":
                return export_xlsx(spec, target, keep_going)
            return export_pdf(spec, target, keep_going, font_path=font)[0]

        def done(n: int) -> None:
            self.exported.emit(target)
            self.last_path = target
            self.settings.setValue("export/last_dir", str(target.parent))
            win = self.window()
            bar = getattr(win, "statusBar", None)
            if callable(bar):
                bar().showMessage(self.tr("已导出 {n} 行到 {path}").format(n=n, path=target), 10_000)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, AppError):
                if exc.code != "cancelled":
                    dialogs.show_app_error(self, exc)
                return
            raise exc

        def cancel() -> None:
            self._cancel = True

        self.runner.submit(work, done, failed, parent=self, label=self.tr("正在导出…"), cancel=cancel)
