"""Print a slip: render off the GUI thread, preview exactly that PDF, print or save; remember printers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QRectF,
    QSettings,
    QSize,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QPushButton, QToolBar, QWidget

from app.context import AppContext
from app.errors import AppError
from app.printing import BatchJob, PrintJob
from app.printing import record as record_print
from ui import dialogs
from ui.runner import Runner

if TYPE_CHECKING:
    from app.slips import RenderInfo, SlipSpec


def pdf_document(data: bytes, parent: QObject | None = None) -> tuple[QPdfDocument, QBuffer]:
    doc = QPdfDocument(parent)
    buf = QBuffer(parent)
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buf)
    return doc, buf


MAX_RENDER_DPI = 300  # plenty for slips; 1200 dpi pages took seconds and a gigabyte each


def paint_pdf(doc: QPdfDocument, printer: QPrinter) -> None:
    """Draw every page of `doc` onto `printer`, rendered at up to 300 dpi, on white."""
    painter = QPainter()
    if not painter.begin(printer):
        return
    try:
        for i in range(doc.pageCount()):
            if i:
                printer.newPage()
            target = printer.pageLayout().paintRectPixels(printer.resolution())
            target = QRectF(0, 0, target.width(), target.height())
            pts = doc.pagePointSize(i)
            scale = min(target.width() / pts.width(), target.height() / pts.height())
            dpi = min(printer.resolution(), MAX_RENDER_DPI)
            size = QSize(int(pts.width() * dpi / 72), int(pts.height() * dpi / 72))
            img = doc.render(i, size)
            page = QImage(size, QImage.Format.Format_RGB32)
            page.fill(QColor("white"))  # QPdfDocument renders onto transparent
            p2 = QPainter(page)
            p2.drawImage(0, 0, img)
            p2.end()
            painter.drawImage(QRectF(0, 0, pts.width() * scale, pts.height() * scale), page)
    finally:
        painter.end()


class SlipPrinter(QObject):
    """One object per print request. Emits `printed(output)` after the slip went out.

    The job is one record's slip (PrintJob) or several records' slips in one PDF (BatchJob): the
    same preview, print and 另存为 PDF, and every slip in it recorded as printed."""

    printed = Signal(str)

    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.parent_widget = ctx, runner, parent
        self.settings = settings or QSettings(str(ctx.paths.data_dir / "ui.ini"), QSettings.Format.IniFormat)
        self.job: PrintJob | BatchJob | None = None
        self.data: bytes = b""
        self.info: RenderInfo | None = None
        self.preview: QPrintPreviewDialog | None = None
        self.warning: Callable[[str], None] | None = None

    # ------------------------------------------------------------- start
    def start(self, make_job: Callable[[], PrintJob | BatchJob]) -> None:
        """`make_job` runs in a transaction on the GUI thread (quick); rendering runs in the pool."""
        try:
            self.job = make_job()
        except AppError as e:
            dialogs.show_app_error(self.parent_widget, e)
            return
        job = self.job
        if isinstance(job, BatchJob):
            label = self.tr("正在生成{title}（共 {n} 份）…").format(title=job.title, n=len(job.jobs))
        else:
            label = self.tr("正在生成{title}…").format(title=job.spec.title)
        self.runner.submit(job.render, self._on_rendered, self._on_failed, parent=self.parent_widget,
                           label=label)

    # ------------------------------------------------------------- what is printed
    def specs(self) -> list[SlipSpec]:
        assert self.job is not None
        return self.job.specs if isinstance(self.job, BatchJob) else [self.job.spec]

    def doc_title(self) -> str:
        """'《维修派工单》 WX-2026-000001', or for a batch '《维修派工单》 共 3 份'."""
        assert self.job is not None
        if isinstance(self.job, BatchJob):
            return self.tr("{title} 共 {n} 份").format(title=self.job.title, n=len(self.job.jobs))
        return f"{self.job.spec.title} {self.job.spec.serial}"

    def default_file_name(self) -> str:
        assert self.job is not None
        if isinstance(self.job, BatchJob):
            first = self.job.jobs[0].spec
            return self.tr("{title}-{serial}等{n}份.pdf").format(
                title=self.job.title.strip("《》"), serial=first.serial, n=len(self.job.jobs))
        return f"{self.job.spec.title.strip('《》')}-{self.job.spec.serial}.pdf"

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, AppError):
            dialogs.show_app_error(self.parent_widget, exc)
        else:
            raise exc

    def _on_rendered(self, result: tuple[bytes, RenderInfo]) -> None:
        self.data, self.info = result
        if self.info.font.warning and self.warning is not None:
            self.warning(self.info.font.warning)
        self.open_preview()

    # ------------------------------------------------------------- preview
    def _layout_key(self) -> str:
        """The paper is remembered per slip and layout: one 维修派工单 on A5 and two copies on one A4
        are printed on different paper."""
        assert self.job is not None
        kind = self.job.spec.kind
        return f"{kind}-2" if any(sp.two_copies for sp in self.specs()) else kind

    def _printer(self) -> QPrinter:
        assert self.job is not None
        kind = self.job.spec.kind
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        name = self.settings.value(f"print/{kind}/printer", "")
        if name and name in QPrinterInfo.availablePrinterNames():
            printer.setPrinterName(str(name))
        spec = self.job.spec
        a4 = any(sp.two_copies or sp.page == "A4" for sp in self.specs())
        size = QPageSize.PageSizeId.A4 if a4 else QPageSize.PageSizeId.A5
        saved = self.settings.value(f"print/{self._layout_key()}/paper", "")
        if saved:
            size = QPageSize.PageSizeId(int(saved))
        printer.setPageSize(QPageSize(size))
        landscape = spec.landscape and not spec.two_copies
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                                   else QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)
        printer.setDocName(self.doc_title())
        return printer

    def open_preview(self) -> None:
        assert self.job is not None
        printer = self._printer()
        doc, _buf = pdf_document(self.data, self)
        self.preview = QPrintPreviewDialog(printer, self.parent_widget)
        if isinstance(self.job, BatchJob):
            self.preview.setWindowTitle(self.tr("打印预览 — {what}").format(what=self.doc_title()))
        else:
            self.preview.setWindowTitle(self.tr("打印预览 — {title} {serial}").format(
                title=self.job.spec.title, serial=self.job.spec.serial))
        self.preview.resize(900, 760)
        self.preview.paintRequested.connect(lambda p: paint_pdf(doc, p))
        bar = self.preview.findChild(QToolBar)
        save = QPushButton(self.tr("另存为 PDF…"))
        save.setObjectName("save_pdf")
        save.clicked.connect(self.save_pdf)
        if bar is not None:
            bar.addSeparator()
            bar.addWidget(save)
        self.preview.accepted.connect(lambda: self._after_print(printer))
        self.preview.open()

    def _after_print(self, printer: QPrinter) -> None:
        assert self.job is not None
        kind = self.job.spec.kind
        self.settings.setValue(f"print/{kind}/printer", printer.printerName())
        self.settings.setValue(f"print/{self._layout_key()}/paper", int(printer.pageLayout().pageSize().id().value))
        self._record("printer")

    def save_pdf(self) -> Path | None:
        assert self.job is not None
        default = self.default_file_name()
        last_dir = str(self.settings.value("print/last_dir", str(Path.home())))
        path = dialogs.save_file(self.parent_widget, self.tr("另存为 PDF"), self.tr("PDF 文件 (*.pdf)"),
                                 str(Path(last_dir) / default))
        if not path:
            return None
        p = Path(path)
        try:
            p.write_bytes(self.data)
        except OSError as e:
            dialogs.error(self.parent_widget, self.tr("另存为 PDF"),
                          self.tr("无法写入 {path}：{err}").format(path=p, err=e.strerror or e))
            return None
        self.settings.setValue("print/last_dir", str(p.parent))
        self._record("pdf")
        if self.preview is not None:
            self.preview.reject()
        return p

    def _record(self, output: str) -> None:
        assert self.job is not None
        try:
            with self.ctx.tx() as s:
                record_print(s, self.ctx.actor, self.job, output)
        except AppError as e:
            dialogs.show_app_error(self.parent_widget, e)
            return
        self.printed.emit(output)


def _status_warning(widget: QWidget) -> Callable[[str], None] | None:
    """The main window's status-bar warning, also from inside a dialog (a dialog is its own window)."""
    w: QWidget | None = widget
    while w is not None:
        top = w.window()
        found = getattr(top, "show_warning", None)
        if found is not None:
            return found
        w = top.parentWidget()
    return None


def print_slip(panel: QWidget, ctx: AppContext, runner: Runner, build_spec: Callable[..., object],
               entity: str, entity_id: int) -> SlipPrinter:
    """Print a record's slip: `build_spec(session, actor, entity_id)` describes it, the engine does
    the rest (补打 marking, preview, the print record, a font warning in the status bar)."""
    from app import printing

    printer = SlipPrinter(ctx, runner, panel)
    printer.warning = _status_warning(panel)

    def make_job() -> PrintJob:
        with ctx.tx() as s:
            spec = build_spec(s, ctx.actor, entity_id)
            return printing.prepare(s, ctx.actor, spec, entity, entity_id)

    printer.start(make_job)
    return printer


def print_slips(panel: QWidget, ctx: AppContext, runner: Runner, build_spec: Callable[..., SlipSpec],
                entity: str, ids: Sequence[int]) -> SlipPrinter:
    """Print several records' slips as one PDF (a batch): `build_spec(session, actor, entity_id)`
    describes each, in the order of `ids`; each page gets its own header, QR code and 补打 marking;
    one preview, one print or 另存为 PDF, and a print record for every record."""
    from app import printing

    printer = SlipPrinter(ctx, runner, panel)
    printer.warning = _status_warning(panel)

    def make_job() -> BatchJob:
        with ctx.tx() as s:
            specs = [(build_spec(s, ctx.actor, i), i) for i in ids]
            return printing.prepare_batch(s, ctx.actor, specs, entity)

    printer.start(make_job)
    return printer
