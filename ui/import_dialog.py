"""导入花名册: pick the customer's Excel file, confirm how its columns map, import it off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import roster
from app.context import AppContext
from app.errors import AppError
from app.roles import Perm
from app.roster import Field, ImportReport, PreviewRow, RawSheet, Rejection, RosterPreview
from ui import dialogs
from ui.runner import Runner
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, setup_table

CONTEXT = "RosterImportDialog"
PREVIEW_ROWS = 50
REJECT_BACKGROUND = QColor("#ffe0e0")
SKIP_FOREGROUND = QColor("#808080")
ERROR_STYLE = "color: #c0392b;"

# Target fields as the clerk reads them (the same words as app.roster.FIELD_LABELS).
FIELD_TEXT: dict[Field, str] = {
    Field.CODE: QT_TRANSLATE_NOOP("RosterImportDialog", "房号"),
    Field.BUILDING: QT_TRANSLATE_NOOP("RosterImportDialog", "楼栋"),
    Field.UNIT: QT_TRANSLATE_NOOP("RosterImportDialog", "单元"),
    Field.NUMBER: QT_TRANSLATE_NOOP("RosterImportDialog", "室号"),
    Field.AREA: QT_TRANSLATE_NOOP("RosterImportDialog", "建筑面积"),
    Field.KIND: QT_TRANSLATE_NOOP("RosterImportDialog", "房屋类型"),
    Field.NAME: QT_TRANSLATE_NOOP("RosterImportDialog", "姓名"),
    Field.RELATION: QT_TRANSLATE_NOOP("RosterImportDialog", "关系"),
    Field.PHONE: QT_TRANSLATE_NOOP("RosterImportDialog", "手机"),
    Field.PHONE2: QT_TRANSLATE_NOOP("RosterImportDialog", "备用电话"),
    Field.ID_TYPE: QT_TRANSLATE_NOOP("RosterImportDialog", "证件类型"),
    Field.ID_NUMBER: QT_TRANSLATE_NOOP("RosterImportDialog", "证件号码"),
    Field.MOVE_IN: QT_TRANSLATE_NOOP("RosterImportDialog", "入住日期"),
    Field.NOTE: QT_TRANSLATE_NOOP("RosterImportDialog", "备注"),
}


# Table headers, translated when the columns are built (lupdate finds them here).
ROW_HEADER = QT_TRANSLATE_NOOP("RosterImportDialog", "行号")
PROBLEM_HEADER = QT_TRANSLATE_NOOP("RosterImportDialog", "问题")
REASON_HEADER = QT_TRANSLATE_NOOP("RosterImportDialog", "拒绝原因")
MAPPED_TO = QT_TRANSLATE_NOOP("RosterImportDialog", "→ {field}")


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


class PreviewTableModel(RowTableModel[PreviewRow]):
    """行号 and 问题 first (seen without scrolling), then the sheet's own columns as they are."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self._columns((), {}), parent)
        self.background = lambda r: REJECT_BACKGROUND if r.status == "reject" else None
        self.foreground = lambda r: SKIP_FOREGROUND if r.status == "skip" else None

    @staticmethod
    def _columns(headers: Sequence[str], mapped: dict[int, Field]) -> list[Column[PreviewRow]]:
        def reason(r: PreviewRow) -> str:
            return r.reason

        cols: list[Column[PreviewRow]] = [
            Column(_tr(ROW_HEADER), lambda r: r.row, align=Qt.AlignmentFlag.AlignRight
                   | Qt.AlignmentFlag.AlignVCenter, tooltip=reason),
            Column(_tr(PROBLEM_HEADER), reason, tooltip=reason)]
        for i, text in enumerate(headers):
            title = f"{RosterPreview.column_letter(i)} {text}".strip()
            if i in mapped:
                title += "\n" + _tr(MAPPED_TO).format(field=_tr(FIELD_TEXT[mapped[i]]))
            cols.append(Column(title, lambda r, i=i: r.values[i] if i < len(r.values) else "",
                               tooltip=reason))
        return cols

    def set_preview(self, headers: Sequence[str], mapped: dict[int, Field], rows: Sequence[PreviewRow]) -> None:
        self.beginResetModel()
        self.columns = self._columns(headers, mapped)
        self._rows = list(rows)
        self._more = False
        self._fetch = None
        self.endResetModel()


class RejectionTableModel(RowTableModel[Rejection]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([
            Column(_tr(ROW_HEADER), lambda r: r.row,
                   align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            Column(_tr(REASON_HEADER), lambda r: r.reason, tooltip=lambda r: r.reason),
        ], parent)


class RosterImportDialog(QDialog):
    """Steps: file → sheet → check the column mapping in the preview → import → save the rejects."""

    imported = Signal()
    previewed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, runner: Runner | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        found = runner or getattr(parent, "runner", None) or ctx.extra.get("runner")
        self.runner: Runner = found if isinstance(found, Runner) else Runner(self)
        self.path: Path | None = None
        self.raw: RawSheet | None = None
        self.preview: RosterPreview | None = None
        self.report: ImportReport | None = None
        self._busy = False
        self._importing = False
        self._generation = 0
        self.setWindowTitle(self.tr("导入花名册"))
        self.setMinimumSize(960, 640)

        # ---- file and sheet
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("请选择客户的房屋与业主花名册（Excel .xlsx）"))
        self.file_edit.setMinimumWidth(360)
        self.choose_btn = QPushButton(self.tr("选择文件…"))
        self.choose_btn.setObjectName("choose_btn")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheet_combo")
        self.sheet_combo.setMinimumContentsLength(10)
        self.sheet_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.header_spin = QSpinBox()
        self.header_spin.setObjectName("header_spin")
        self.header_spin.setRange(1, roster.HEADER_SCAN_ROWS)
        self.header_spin.setMinimumWidth(64)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("文件：")))
        top.addWidget(self.file_edit, 1)
        top.addWidget(self.choose_btn)
        top.addSpacing(12)
        top.addWidget(QLabel(self.tr("工作表：")))
        top.addWidget(self.sheet_combo)
        top.addWidget(QLabel(self.tr("表头所在行：")))
        top.addWidget(self.header_spin)

        # ---- one combobox per target field
        self.mapping_box = QGroupBox(self.tr("列的对应关系（请核对；可以改）"))
        grid = QGridLayout(self.mapping_box)
        self.field_combos: dict[Field, QComboBox] = {}
        per_row = 4
        for n, f in enumerate(FIELD_TEXT):
            lab = QLabel(self.tr("{field}：").format(field=self.tr(FIELD_TEXT[f])))
            lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            combo = QComboBox()
            combo.setObjectName(f"map_{f}")
            combo.setMinimumContentsLength(9)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.activated.connect(lambda _i, f=f: self._on_field_combo_activated(f))
            lab.setBuddy(combo)
            grid.addWidget(lab, n // per_row, (n % per_row) * 2)
            grid.addWidget(combo, n // per_row, (n % per_row) * 2 + 1)
            self.field_combos[f] = combo
        for c in range(per_row):
            grid.setColumnStretch(c * 2 + 1, 1)

        # ---- preview and result
        self.model = PreviewTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("preview_table")
        setup_table(self.table)
        self.table.setModel(self.model)
        self.table.setMinimumHeight(220)
        self.only_problems = QCheckBox(self.tr("只看有问题的行"))
        self.only_problems.setObjectName("only_problems")
        self.summary = QLabel(self.tr("尚未选择文件。"))
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        preview_page = QWidget()
        pv = QVBoxLayout(preview_page)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.only_problems)
        pv.addLayout(bar)
        pv.addWidget(self.table, 1)

        self.reject_model = RejectionTableModel(self)
        self.reject_table = QTableView()
        self.reject_table.setObjectName("reject_table")
        setup_table(self.reject_table)
        self.reject_table.setModel(self.reject_model)
        self.result = QLabel()
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        result_page = QWidget()
        rv = QVBoxLayout(result_page)
        rv.addWidget(self.result)
        rv.addWidget(self.reject_table, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(preview_page, self.tr("预览"))
        self.tabs.addTab(result_page, self.tr("导入结果"))

        # ---- buttons
        self.template_btn = QPushButton(self.tr("保存模板…"))
        self.template_btn.setObjectName("template_btn")
        self.dry_run = QCheckBox(self.tr("只检查，不写入"))
        self.dry_run.setObjectName("dry_run")
        self.import_btn = QPushButton(self.tr("导入"))
        self.import_btn.setObjectName("import_btn")
        self.rejects_btn = QPushButton(self.tr("另存被拒绝的行…"))
        self.rejects_btn.setObjectName("rejects_btn")
        self.close_btn = QPushButton(self.tr("关闭"))
        self.close_btn.setObjectName("close_btn")
        for b in (self.template_btn, self.import_btn, self.rejects_btn, self.close_btn):
            b.setMinimumWidth(max(96, b.sizeHint().width()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.template_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.dry_run)
        buttons.addWidget(self.import_btn)
        buttons.addWidget(self.rejects_btn)
        buttons.addWidget(self.close_btn)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.mapping_box)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(buttons)

        self.choose_btn.clicked.connect(self._on_choose_btn_clicked)
        self.sheet_combo.activated.connect(self._on_sheet_combo_activated)
        self.header_spin.editingFinished.connect(self._on_header_spin_editing_finished)
        self.only_problems.toggled.connect(self._on_only_problems_toggled)
        self.template_btn.clicked.connect(self._on_template_btn_clicked)
        self.import_btn.clicked.connect(self._on_import_btn_clicked)
        self.rejects_btn.clicked.connect(self._on_rejects_btn_clicked)
        self.close_btn.clicked.connect(self.reject)
        # Importing writes hundreds of records: a click, never a stray Enter in the header field.
        for b in (self.choose_btn, self.template_btn, self.import_btn, self.rejects_btn, self.close_btn):
            b.setAutoDefault(False)
        self._can_import = ctx.actor is not None and ctx.actor.can(Perm.IMPORT_ROSTER)
        if not self._can_import:
            self.import_btn.setToolTip(self.tr("当前岗位无权导入花名册"))
        self._update_buttons()

    # ---------------------------------------------------------------- state
    def _update_buttons(self) -> None:
        ready = (self.raw is not None and self.preview is not None and not self.preview.message
                 and not self._busy)
        self.import_btn.setEnabled(ready and self._can_import)
        self.rejects_btn.setEnabled(self.report is not None and bool(self.report.rejections) and not self._busy)
        for w in (self.choose_btn, self.sheet_combo, self.header_spin, self.mapping_box, self.dry_run):
            w.setEnabled(not self._busy and (w is self.choose_btn or self.raw is not None))

    def _submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None], label: str = "") -> None:
        self._busy = True
        self._update_buttons()

        def done(result: Any) -> None:
            self._busy = False
            on_done(result)
            self._update_buttons()

        self.runner.submit(fn, done, self._on_task_failed, parent=self if label else None, label=label)

    def _on_task_failed(self, exc: BaseException) -> None:
        self._busy = False
        label = self.result if self._importing else self.summary
        self._importing = False
        self._update_buttons()
        if isinstance(exc, AppError):
            label.setText(exc.message)
            label.setStyleSheet(ERROR_STYLE)
            dialogs.show_app_error(self, exc)
        else:
            label.clear()
            raise exc

    # ---------------------------------------------------------------- file, sheet, header row
    def _on_choose_btn_clicked(self) -> None:
        start = str(self.path.parent) if self.path else ""
        chosen = dialogs.open_file(self, self.tr("选择花名册"),
                                   self.tr("Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)"), start)
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path, sheet: str | None = None) -> None:
        """Read the file (off the GUI thread) and show its preview."""
        self.path = path
        self.file_edit.setText(str(path))
        self.report = None
        self.result.clear()
        self.reject_model.set_rows([])
        self.summary.setText(self.tr("正在读取…"))
        self.summary.setStyleSheet("")

        def work() -> tuple[RawSheet, RosterPreview]:
            raw = roster.read_sheet(path, sheet)
            return raw, roster.preview_sheet(raw, rows=PREVIEW_ROWS)

        def done(result: tuple[RawSheet, RosterPreview]) -> None:
            self.raw = result[0]
            self._show_preview(result[1])

        self.raw = None
        self.preview = None
        self._submit(work, done, self.tr("正在读取花名册…"))

    def _on_sheet_combo_activated(self, _index: int) -> None:
        name = self.sheet_combo.currentText()
        if self.path is not None and self.raw is not None and name != self.raw.sheet:
            self.load(self.path, name)

    def _on_header_spin_editing_finished(self) -> None:
        if self.preview is not None and self.header_spin.value() != self.preview.header_row:
            self._repreview(mapping=None)   # new header, new detection

    def _current_mapping(self) -> dict[str, int | str | None]:
        return {str(f): combo.currentData() for f, combo in self.field_combos.items()}

    def _on_field_combo_activated(self, field: Field) -> None:
        col = self.field_combos[field].currentData()
        if col is not None:   # a column feeds one field: the field that had it lets it go
            for f, combo in self.field_combos.items():
                if f != field and combo.currentData() == col:
                    combo.setCurrentIndex(0)
        self._repreview(self._current_mapping())

    def _repreview(self, mapping: dict[str, int | str | None] | None) -> None:
        raw = self.raw
        if raw is None:
            return
        header_row = self.header_spin.value()
        self._generation += 1
        generation = self._generation

        def work() -> RosterPreview:
            return roster.preview_sheet(raw, mapping, rows=PREVIEW_ROWS, header_row=header_row)

        def done(p: RosterPreview) -> None:
            if generation == self._generation:
                self._show_preview(p)

        self._submit(work, done)

    # ---------------------------------------------------------------- showing the preview
    def _show_preview(self, p: RosterPreview) -> None:
        self.preview = p
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(p.sheet_names))
        self.sheet_combo.setCurrentText(p.sheet)
        self.sheet_combo.blockSignals(False)
        self.header_spin.blockSignals(True)
        self.header_spin.setValue(p.header_row or 1)
        self.header_spin.blockSignals(False)
        for f, combo in self.field_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("（不导入）"), None)
            for i, text in enumerate(p.columns):
                combo.addItem(f"{RosterPreview.column_letter(i)}  {text}".rstrip(), i)
            col = p.mapping.get(str(f))
            combo.setCurrentIndex(0 if col is None else col + 1)
            combo.blockSignals(False)
        self._fill_table()
        if p.message:
            self.summary.setText(p.message)
            self.summary.setStyleSheet(ERROR_STYLE)
        else:
            self.summary.setText(self.tr(
                "共 {total} 行：可导入 {valid} 行，将拒绝 {rejected} 行（红色），重复 {dup} 行将合并，"
                "跳过 {skipped} 行（合计行等）。").format(
                total=p.total, valid=p.valid, rejected=p.rejected, dup=p.duplicates, skipped=p.skipped))
            self.summary.setStyleSheet(ERROR_STYLE if p.rejected else "")
        self.tabs.setCurrentIndex(0)
        self._update_buttons()
        self.previewed.emit()

    def _fill_table(self) -> None:
        p = self.preview
        if p is None:
            return
        mapped = {col: Field(f) for f, col in p.mapping.items()}
        rows = p.problem_rows if self.only_problems.isChecked() else p.rows
        self.model.set_preview(p.columns, mapped, rows)
        fit_columns(self.table)
        for col in range(1, self.model.columnCount()):   # long reasons and notes: the tooltip has them
            if self.table.columnWidth(col) > 240:
                self.table.setColumnWidth(col, 240)

    def _on_only_problems_toggled(self, _checked: bool) -> None:
        self._fill_table()

    # ---------------------------------------------------------------- import and its result
    def _on_import_btn_clicked(self) -> None:
        if self.path is None or self.raw is None or self.preview is None or self.ctx.actor is None:
            return
        path, sheet, actor, ctx = self.path, self.raw.sheet, self.ctx.actor, self.ctx
        mapping, header_row = self._current_mapping(), self.preview.header_row
        dry = self.dry_run.isChecked()

        def work() -> ImportReport:
            with (ctx.read() if dry else ctx.tx()) as s:   # a dry run writes nothing
                return roster.import_roster(s, actor, path, sheet, dry_run=dry, mapping=mapping,
                                            header_row=header_row)

        self.result.setText(self.tr("正在导入…"))
        self.result.setStyleSheet("")
        self.tabs.setCurrentIndex(1)
        self._importing = True
        self._submit(work, self._on_import_done, self.tr("正在导入花名册…"))

    def _on_import_done(self, report: ImportReport) -> None:
        self._importing = False
        self.report = report
        counts = dict(imported=report.imported, updated=report.updated, unchanged=report.unchanged,
                      dup=report.duplicates, rejected=report.rejected, rooms=report.rooms_created,
                      persons=report.persons_created)
        if report.dry_run:
            text = self.tr("试运行完成（没有写入）：将新增 {imported} 行，更新 {updated} 行，未变 {unchanged} 行，"
                           "合并重复 {dup} 行，拒绝 {rejected} 行。").format(**counts)
        else:
            text = self.tr("导入完成：新增 {imported} 行，更新 {updated} 行，未变 {unchanged} 行，"
                           "合并重复 {dup} 行，拒绝 {rejected} 行。新建房屋 {rooms} 间、人员 {persons} 人。"
                           ).format(**counts)
        if report.rejected:
            text += "\n" + self.tr("被拒绝的行见下表，可“另存被拒绝的行…”改正后再导入。")
        self.result.setText(text)
        self.result.setStyleSheet(ERROR_STYLE if report.rejected else "")
        self.reject_model.set_rows(report.rejections)
        fit_columns(self.reject_table)
        self.tabs.setCurrentIndex(1)
        self.close_btn.setDefault(True)   # Enter now closes; it does not import again
        if not report.dry_run:
            self.imported.emit()

    # ---------------------------------------------------------------- files for the clerk
    def _on_template_btn_clicked(self) -> None:
        path = dialogs.save_file(self, self.tr("保存花名册模板"), self.tr("Excel 工作簿 (*.xlsx)"),
                                 self.tr("花名册模板.xlsx"))
        if not path:
            return
        try:
            roster.save_template(Path(path))
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        dialogs.info(self, self.tr("保存模板"), self.tr("模板已保存到 {path}").format(path=path))

    def _on_rejects_btn_clicked(self) -> None:
        if self.report is None:
            return
        path = dialogs.save_file(self, self.tr("另存被拒绝的行"), self.tr("Excel 工作簿 (*.xlsx)"),
                                 self.tr("被拒绝的行.xlsx"))
        if not path:
            return
        try:
            roster.save_rejects(self.report, Path(path))
        except AppError as e:
            dialogs.show_app_error(self, e)
            return
        dialogs.info(self, self.tr("另存被拒绝的行"), self.tr(
            "已保存 {n} 行到 {path}。改正后可再次导入，已导入的行不会重复。").format(n=self.report.rejected, path=path))

    # ---------------------------------------------------------------- closing
    def reject(self) -> None:
        if self._importing:
            return   # the import finishes first; its result must be seen
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._importing:
            event.ignore()
            return
        super().closeEvent(event)
