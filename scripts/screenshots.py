"""Render the main screens to docs/screenshots/ from a demo database (offscreen, real widgets).

Usage: .venv/bin/python scripts/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import auth, demo  # noqa: E402
from app.config import resolve_paths  # noqa: E402
from app.context import AppContext  # noqa: E402
from app.database import open_database  # noqa: E402
from ui import i18n  # noqa: E402


def grab(w: QWidget, out: Path, name: str) -> None:
    w.show()
    QApplication.processEvents()
    w.grab().save(str(out / f"{name}.png"))
    print("wrote", out / f"{name}.png")


def show_tab(win: QWidget, key: str) -> None:
    """Bring a procedure's tab to the front (the tab page is a holder around the panel)."""
    win.tabs.setCurrentIndex(win.tab_keys.index(key))  # type: ignore[attr-defined]
    QApplication.processEvents()


def repair_slip_png(ctx: AppContext, order_id: int, target: Path) -> None:
    """《维修派工单》 of one order, rendered exactly as it prints (PDF → image)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QColor, QImage, QPainter

    from app import printing, repairs
    from ui.printing import pdf_document

    with ctx.tx() as s:
        spec = repairs.repair_slip(s, ctx.actor, order_id)
        job = printing.prepare(s, ctx.actor, spec, "repair", order_id)
    data, _info = job.render()
    doc, _buf = pdf_document(data)
    pts = doc.pagePointSize(0)
    size = QSize(int(pts.width() * 110 / 72), int(pts.height() * 110 / 72))
    img = QImage(size, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.drawImage(0, 0, doc.render(0, size))
    p.end()
    img.save(str(target))
    print("wrote", target)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    i18n.choose_font(app)
    i18n.install(app, "zh_CN")
    tmp = tempfile.mkdtemp(prefix="fd-shots-")
    paths = resolve_paths(tmp, None)
    db = open_database(paths)
    with db.Session.begin() as s:
        demo.generate(s, households=400)
        demo.ensure_demo_users(s)
    ctx = AppContext(paths=paths, database=db)
    with db.Session() as s:
        user = auth.get_user(s, "zhang")
    assert user is not None

    from ui.main_window import MainWindow
    from ui.room_dialogs import PersonDialog, RoomDialog
    from ui.signin import SignInDialog

    grab(SignInDialog(ctx), out, "sign-in")
    win = MainWindow(ctx, user, ui_settings=QSettings(str(Path(tmp) / "ui.ini"), QSettings.Format.IniFormat))
    win.resize(1366, 768)
    for key in ("reception", "complaints", "callbacks"):
        if key in win.tab_keys:
            show_tab(win, key)
            grab(win, out, key)
    if "repairs" in win.tab_keys:
        board = win.panels["repairs"]
        show_tab(win, "repairs")
        rows = board.model.rows()
        pick = next((r for r in rows if r.state == "awaiting_fee"), None) or next(
            (r for r in rows if r.state == "in_progress"), rows[0] if rows else None)
        if pick is not None:
            board.open_order(pick.id)
        grab(win, out, "repairs")
        if pick is not None:
            repair_slip_png(ctx, pick.id, out / "repair-slip.png")
    if "keys" in win.tab_keys:
        cabinet = win.panels["keys"]
        show_tab(win, "keys")
        cabinet.refresh()
        cells = cabinet.grid.grid_model.cells()
        room = next((c.room_code for c in cells if c.state == "overdue"), "")  # outlined by a search
        if room:
            cabinet.search.setText(room)
            cabinet.run_search()
        grab(win, out, "keys")
    panel = win.panels["rooms"]
    show_tab(win, "rooms")
    grab(win, out, "rooms")
    panel.search.setText("3-2")
    panel.refresh()
    panel.table.selectRow(0)
    grab(win, out, "rooms-card")
    grab(RoomDialog(ctx, panel.detail.room.id if panel.detail else None, win), out, "room-dialog")
    dlg = PersonDialog(ctx, room_id=panel.detail.room.id if panel.detail else None, parent=win)
    dlg.name.setText("陈静")
    dlg.id_number.setText("110105194912310021")
    dlg.revalidate()
    grab(dlg, out, "person-dialog-error")
    from ui.admin_dialogs import SettingsDialog
    from ui.audit_dialog import AuditDialog
    from ui.staff_dialog import StaffDialog

    grab(SettingsDialog(ctx, win), out, "settings")
    grab(StaffDialog(ctx, win.bus, win), out, "staff")
    grab(AuditDialog(ctx, win), out, "audit")
    try:
        from ui.import_dialog import RosterImportDialog

        grab(RosterImportDialog(ctx, win), out, "import")
    except ImportError:
        pass
    win.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
