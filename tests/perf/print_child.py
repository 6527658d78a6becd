"""Child process for the print/export benchmark: one measurement, JSON on stdout (peak RSS included)."""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

COLUMNS = ["房号", "业主", "电话", "面积（㎡）", "欠费", "入住日期", "登记时间"]


def rows(n: int):  # noqa: ANN201
    names = ["王芳", "李强", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊"]
    for i in range(n):
        yield (f"{i % 30 + 1}-{i % 4 + 1}-{(i % 33 + 1) * 100 + i % 4 + 1}", names[i % 8] + "、" + names[(i + 3) % 8],
               f"138****{i % 10000:04d}", Decimal(60 + i % 120) + Decimal("0.25"), Decimal(i % 5000) / 4,
               date(2025, 1 + i % 12, 1 + i % 28), datetime(2026, 1 + i % 10, 1 + i % 28, 8, i % 60, tzinfo=UTC))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_app(n: int, out: Path) -> dict[str, float]:
    from app.exports import ColKind, ExportColumn, TableExport, export_xlsx

    kinds = [ColKind.CODE, ColKind.TEXT, ColKind.CODE, ColKind.DECIMAL, ColKind.MONEY, ColKind.DATE,
             ColKind.DATETIME]
    spec = TableExport("房屋与业主", [ExportColumn(h, k) for h, k in zip(COLUMNS, kinds, strict=True)],
                       rows(n), filter_text="全部", generated_by="bench", generated_at=datetime.now(UTC))
    base = peak_mb()
    t = time.perf_counter()
    export_xlsx(spec, out)
    return {"seconds": time.perf_counter() - t, "peak_mb": peak_mb(), "before_mb": base}


def export_raw(n: int, out: Path) -> dict[str, float]:
    from openpyxl import Workbook

    base = peak_mb()
    t = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(COLUMNS)
    for r in rows(n):
        ws.append([r[0], r[1], r[2], float(r[3]), float(r[4]), r[5], r[6].replace(tzinfo=None)])
    wb.save(out)
    return {"seconds": time.perf_counter() - t, "peak_mb": peak_mb(), "before_mb": base}


def main() -> int:
    what, n, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    result = export_app(n, out) if what == "app" else export_raw(n, out)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
