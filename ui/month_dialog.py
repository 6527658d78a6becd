"""文件 → 导出月报: pick a month, build the workbook (and the PDF) off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import complaints, month_report, monthly
from app import settings as app_settings
from app.context import AppContext
from app.errors import AppError
from app.printing import PDF_FONT_KEY
from app.roles import Perm
from ui import dialogs
from ui.runner import Runner


class MonthExportDialog(QDialog):
    def __init__(self, ctx: AppContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.settings = QSettings(str(ctx.paths.data_dir / "ui.ini"), QSettings.Format.IniFormat)
        self.setWindowTitle(self.tr("导出月报"))
        self.setMinimumWidth(560)
        self.result_text = ""
        prev = QDate.currentDate().addMonths(-1)
        self.month = QDateEdit(QDate(prev.year(), prev.month(), 1))
        self.month.setObjectName("month")
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(False)
        folder = self.settings.value("month/last_dir", str(Path.home()))
        self.path = QLineEdit()
        self.path.setObjectName("path")
        self._folder = Path(str(folder))
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._on_browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.with_pdf = QCheckBox(self.tr("同时生成 PDF 报告"))
        self.with_pdf.setChecked(True)
        self.analysis = QPlainTextEdit()
        self.analysis.setObjectName("analysis")
        self.analysis.setPlaceholderText(self.tr("本月投诉情况分析与改进措施（写入《投诉及处理月报表》）"))
        self.analysis.setTabChangesFocus(True)
        self.analysis.setFixedHeight(110)
        self.can_write_analysis = bool(ctx.actor and ctx.actor.can(Perm.APPROVE_COMPLAINTS))
        self.analysis.setReadOnly(not self.can_write_analysis)
        form = QFormLayout()
        form.addRow(self.tr("月份"), self.month)
        form.addRow(self.tr("保存为"), row)
        form.addRow("", self.with_pdf)
        form.addRow(self.tr("分析与措施"), self.analysis)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("生成"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.buttons.accepted.connect(self.generate)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)
        self.month.dateChanged.connect(self._default_path)
        self.month.dateChanged.connect(lambda _d: self._load_analysis())
        self._typed_path = False
        self.path.textEdited.connect(lambda _t: setattr(self, "_typed_path", True))
        self._default_path()
        self._load_analysis()

    def _load_analysis(self) -> None:
        month = self.selected_month()
        self.analysis.setPlainText(self.ctx.query(lambda s, _a: complaints.month_note_text(s, month, "complaints")))

    def selected_month(self) -> monthly.Month:
        d = self.month.date()
        return monthly.Month(d.year(), d.month())

    def _default_path(self) -> None:
        if self._typed_path:  # the clerk's own file name wins over the suggestion
            return
        self.path.setText(str(self._folder / f"客服中心月报-{self.selected_month()}.xlsx"))

    def _on_browse(self) -> None:
        p = dialogs.save_file(self, self.tr("保存月报"), self.tr("Excel 工作簿 (*.xlsx)"), self.path.text())
        if p:
            self.path.setText(p if p.lower().endswith(".xlsx") else p + ".xlsx")
            self._typed_path = True

    def generate(self) -> None:
        xlsx = Path(self.path.text().strip())
        if not xlsx.parent.exists():
            self.status.setText(self.tr("文件夹不存在：{path}").format(path=xlsx.parent))
            return
        pdf = xlsx.with_suffix(".pdf") if self.with_pdf.isChecked() else None
        existing = [p for p in (xlsx, pdf) if p is not None and p.exists()]
        if existing and not dialogs.confirm(self, self.tr("导出月报"), self.tr("文件已存在，覆盖吗？\n{files}").format(
                files="\n".join(str(p) for p in existing))):
            return
        month = self.selected_month()
        user = self.ctx.actor.display_name if self.ctx.actor else ""
        if self.can_write_analysis:
            try:
                self.ctx.call(complaints.save_month_note, month, "complaints", self.analysis.toPlainText())
            except AppError as e:
                self.status.setText(e.message)
                return
        with self.ctx.read() as s:
            font = app_settings.get_value(s, PDF_FONT_KEY)
        self.buttons.setEnabled(False)
        self.status.setText(self.tr("正在生成 {month} 月报…").format(month=month.label))

        def work() -> str:
            with self.ctx.database.read_session() as s:
                report = monthly.build_month(s, month, generated_by=user)
            monthly.write_outputs(report, xlsx, pdf, font_path=font)
            return month_report.summary_line(report, xlsx, pdf)

        def done(text: str) -> None:
            self.buttons.setEnabled(True)
            self.result_text = text
            self.status.setText(text)
            self._folder = xlsx.parent
            self.settings.setValue("month/last_dir", str(xlsx.parent))

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            if isinstance(exc, AppError):
                self.status.setText(exc.message)
                return
            raise exc

        self.runner.submit(work, done, failed, parent=self, label=self.tr("正在生成月报…"))
