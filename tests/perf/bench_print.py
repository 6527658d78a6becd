"""Printing and exporting figures: one slip, and a 50,000-row table export (time and peak memory)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

CHILD = Path(__file__).with_name("print_child.py")
SLIP_MAX_MS = 20.0
EXPORT_MAX_S = 6.0
EXPORT_MAX_MB = 150.0


def _slip_spec():  # noqa: ANN202
    from app.slips import Field, ItemTable, SlipSpec, TextBlock

    return SlipSpec(
        kind="key_loan", title="《钥匙借领确认单》", serial="JY-2026-000123",
        fields=[Field("日期", "2026-11-25"), Field("钥匙编号", "K-3-2-1201-1"), Field("数量", "2 把"),
                Field("借用人", "刘师傅（恒达装饰）"), Field("工作证号", "HD-0032"), Field("应还时间", "2026-12-02 17:00"),
                Field("事由", "卫生间防水维修，需进户施工，工程部陪同。", wide=True)],
        blocks=[ItemTable(["钥匙编号", "房号", "数量"], [["K-3-2-1201-1", "3-2-1201", "2"]]),
                TextBlock("备注", "当日归还")],
        signatures=("借用人签字", "经办人", "日期"))


def bench_slip(runs: int = 60) -> dict[str, float]:
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    from app.pdf_fonts import get_font
    from app.slips import SlipHeader, render_slip

    spec, head = _slip_spec(), SlipHeader("中天雅苑", "中天物业服务有限公司")
    t0 = time.perf_counter()
    font = get_font()
    first = time.perf_counter() - t0
    now = datetime.now(UTC)
    for _ in range(5):  # warm-up
        render_slip(spec, head, printed_at=now)
    app = []
    for _ in range(runs):
        t = time.perf_counter()
        render_slip(spec, head, printed_at=now)
        app.append((time.perf_counter() - t) * 1000)

    def plain() -> bytes:
        import io

        buf = io.BytesIO()
        c = Canvas(buf, pagesize=A5)
        c.setFont(font.name, 15)
        c.drawCentredString(A5[0] / 2, A5[1] - 40, spec.title)
        c.setFont(font.name, 9.5)
        y = A5[1] - 80
        for f in spec.fields:
            c.drawString(30, y, f"{f.label}：{f.value}")
            y -= 18
        for s in spec.signatures:
            c.drawString(30, y, f"{s}：______________")
            y -= 18
        c.showPage()
        c.save()
        return buf.getvalue()

    for _ in range(5):
        plain()
    raw = []
    for _ in range(runs):
        t = time.perf_counter()
        plain()
        raw.append((time.perf_counter() - t) * 1000)
    return {"app_ms": statistics.median(app), "app_max_ms": max(app), "raw_ms": statistics.median(raw),
            "font_s": first, "embedded": float(font.embedded)}


def _child(what: str, n: int, out: Path) -> dict[str, float]:
    proc = subprocess.run([sys.executable, str(CHILD), what, str(n), str(out)], check=True,
                          capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_export(work: Path, rows: int = 50_000, runs: int = 3) -> dict[str, list[dict[str, float]]]:
    app = [_child("app", rows, work / f"app-{i}.xlsx") for i in range(runs)]
    raw = [_child("raw", rows, work / f"raw-{i}.xlsx") for i in range(runs)]
    from openpyxl import load_workbook

    wb = load_workbook(work / "app-0.xlsx", read_only=True)
    written = sum(1 for _ in wb.active.iter_rows(min_row=5, values_only=True))
    wb.close()
    assert written == rows, f"export wrote {written} of {rows} rows"
    return {"app": app, "raw": raw}


def report(work: Path, quick: bool = False) -> tuple[list[str], bool]:
    s = bench_slip(20 if quick else 60)
    rows = 5_000 if quick else 50_000
    e = bench_export(work, rows, 1 if quick else 3)
    a_s = statistics.median(r["seconds"] for r in e["app"])
    r_s = statistics.median(r["seconds"] for r in e["raw"])
    a_mb = max(r["peak_mb"] for r in e["app"])
    r_mb = max(r["peak_mb"] for r in e["raw"])
    slip_ok = s["app_ms"] <= SLIP_MAX_MS and bool(s["embedded"])
    export_ok = a_s <= EXPORT_MAX_S and a_mb <= EXPORT_MAX_MB
    lines = [
        f"| one slip, embedded font, after warm-up (median of {20 if quick else 60}) | "
        f"{s['app_ms']:.1f} ms (max {s['app_max_ms']:.1f}) | plain reportlab canvas, same font: "
        f"{s['raw_ms']:.1f} ms | ≤ {SLIP_MAX_MS:g} ms | {'PASS' if slip_ok else 'FAIL'} |",
        f"| {rows:,}-row table → xlsx (median time; peak RSS of the process) | {a_s:.2f} s, {a_mb:.0f} MB | "
        f"plain openpyxl write-only, same values: {r_s:.2f} s, {r_mb:.0f} MB | ≤ {EXPORT_MAX_S:g} s, "
        f"≤ {EXPORT_MAX_MB:g} MB | {'PASS' if export_ok else 'FAIL'} |",
    ]
    notes = [f"Font registration (once per process): {s['font_s'] * 1000:.0f} ms."]
    return ["| what | FrontDesk | baseline (same run) | target | result |", "|---|---|---|---|---|",
            *lines, "", *notes], slip_ok and export_ok


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    with tempfile.TemporaryDirectory() as d:
        lines, ok = report(Path(d), quick="--quick" in sys.argv)
    print("\n".join(lines))
    sys.exit(0 if ok else 1)
