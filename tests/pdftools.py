"""Reading back what we write: PDF text, fonts and QR codes through poppler and zbar."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 7:
            # name type encoding emb sub uni object ID; type may be two words ("CID TrueType")
            emb, sub, uni = parts[-5], parts[-4], parts[-3]
            rows.append({"name": parts[0], "emb": emb, "sub": sub, "uni": uni})
    return rows


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_page_size(path: Path) -> tuple[float, float]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("Page size:"))
    w, _x, h = line.split(":", 1)[1].split()[:3]
    return float(w), float(h)


def qr_payloads(pdf: Path, tmp: Path, dpi: int = 200) -> list[str]:
    """Render page 1 and decode every QR code on it."""
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf), str(tmp / "page")],
                   check=True)
    png = next(tmp.glob("page*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


def have_tools() -> bool:
    return all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm", "zbarimg"))
