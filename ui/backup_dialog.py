"""从备份恢复: pick a backup (or any file), confirm, restore; the replaced file is kept aside."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from app import backup
from app.backup import BackupRow
from app.context import AppContext
from app.database import open_database
from app.errors import AppError
from ui import dialogs
from ui.labels import label
from ui.table_model import Column, RowTableModel
from ui.widgets import fit_columns, setup_table


class RestoreDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chosen: Path | None = None
        self.setWindowTitle(self.tr("从备份恢复"))
        self.resize(640, 420)
        intro = QLabel(self.tr("选择要恢复的备份。当前数据库会另存保留（文件名带 replaced），不会被删除。"
                               "恢复后需要重新登录。"))
        intro.setWordWrap(True)
        self.model: RowTableModel[BackupRow] = RowTableModel([
            Column(self.tr("备份时间"), lambda r: r.taken_at.strftime("%Y-%m-%d %H:%M:%S")),
            Column(self.tr("类型"), lambda r: label(r.kind_label)),
            Column(self.tr("大小"), lambda r: f"{r.size / 1024 / 1024:.1f} MB"),
            Column(self.tr("文件"), lambda r: r.path.name),
        ], self)
        self.model.set_rows(backup.list_backups(ctx.paths))
        self.table = QTableView()
        setup_table(self.table)
        self.table.setModel(self.model)
        fit_columns(self.table)
        other = QPushButton(self.tr("选择其他文件…"))
        ok = QPushButton(self.tr("恢复所选备份"))
        cancel = QPushButton(self.tr("取消"))
        other.clicked.connect(self._on_other)
        ok.clicked.connect(self._on_ok)
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(other)
        row.addStretch(1)
        row.addWidget(ok)
        row.addWidget(cancel)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table)
        lay.addLayout(row)
        if self.model.rowCount():
            self.table.selectRow(0)

    def _on_other(self) -> None:
        p = dialogs.open_file(self, self.tr("选择备份文件"), self.tr("SQLite 数据库 (*.sqlite3 *.db);;所有文件 (*)"),
                              str(self.ctx.paths.backups_dir))
        if p:
            self.chosen = Path(p)
            self.accept()

    def _on_ok(self) -> None:
        i = self.table.currentIndex()
        row = self.model.row_at(i.row()) if i.isValid() else None
        if row is None:
            return
        self.chosen = row.path
        self.accept()

    @classmethod
    def run(cls, window) -> None:  # noqa: ANN001 - the MainWindow
        ctx: AppContext = window.ctx
        dlg = cls(ctx, window)
        if not dlg.exec() or dlg.chosen is None:
            return
        if not dialogs.confirm(window, QCoreApplication.translate("RestoreDialog", "从备份恢复"), QCoreApplication.translate("RestoreDialog",
                "用 {name} 替换当前数据库？\n当前数据库会另存保留。").format(name=dlg.chosen.name)):
            return
        try:
            backup.backup_now(ctx.paths, kind="pre-restore")
            ctx.database.dispose()
            aside = backup.restore(ctx.paths, dlg.chosen)
            ctx.database = open_database(ctx.paths)
        except AppError as e:
            dialogs.show_app_error(window, e)
            ctx.database = open_database(ctx.paths)
            return
        dialogs.info(window, QCoreApplication.translate("RestoreDialog", "从备份恢复"), QCoreApplication.translate("RestoreDialog", "已恢复。原数据库另存为：\n{aside}\n请重新登录。")
                     .format(aside=aside or "—"))
        window.restart_requested = True
        window.close()
