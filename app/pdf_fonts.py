"""A CJK font for PDFs: embed a TrueType font (set in 设置, else found on the system); CID fallback."""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

CID_FALLBACK = "STSong-Light"
EMBEDDED_NAME = "FDSans"

# (file name, subfont index) in order of preference; reportlab embeds TrueType outlines only.
_CANDIDATES: dict[str, list[str]] = {
    "win32": ["msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc", "simkai.ttf"],
    "linux": [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
        "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/arphic/uming.ttc",
        "/usr/share/fonts/truetype/arphic/ukai.ttc",
    ],
    "darwin": [
        "/System/Library/Fonts/STHeiti Light.ttc",
        "/System/Library/Fonts/STHeiti Medium.ttc",
        "/Library/Fonts/Arial Unicode.ttf",
        "/System/Library/Fonts/Supplemental/Songti.ttc",
    ],
}


@dataclass(frozen=True)
class PdfFont:
    name: str          # the reportlab font name to use
    path: str          # the file embedded, "" for the CID fallback
    embedded: bool
    warning: str = ""  # shown in the status bar when not embedded


_lock = threading.Lock()
_cache: dict[str, PdfFont] = {}


def candidate_paths() -> list[Path]:
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        return [windir / n for n in _CANDIDATES["win32"]]
    key = "darwin" if sys.platform == "darwin" else "linux"
    return [Path(p) for p in _CANDIDATES[key]]


def _try_register(path: Path, name: str) -> bool:
    try:
        font = TTFont(name, str(path), subfontIndex=0) if path.suffix.lower() == ".ttc" \
            else TTFont(name, str(path))
        # A font without CJK glyphs would print boxes: check one common character.
        if ord("客") not in font.face.charToGlyph:
            return False
        pdfmetrics.registerFont(font)
        return True
    except (TTFError, OSError, KeyError, ValueError):
        return False


def check_font_file(path: str) -> str | None:
    """None when `path` can be embedded and has Chinese glyphs; else why not, in Chinese."""
    p = Path(path)
    if not p.is_file():
        return f"找不到字体文件：{path}"
    try:
        font = TTFont("FDProbe", str(p), subfontIndex=0) if p.suffix.lower() == ".ttc" else TTFont("FDProbe", str(p))
    except (TTFError, OSError, KeyError, ValueError):
        return "无法使用该字体文件（只支持 TrueType 字体 .ttf/.ttc，不支持 OpenType CFF 字体）"
    if ord("客") not in font.face.charToGlyph:
        return "该字体不含中文字形"
    return None


def get_font(configured: str = "") -> PdfFont:
    """The font to draw Chinese with; registered once per process (about 100 ms)."""
    with _lock:
        if configured in _cache:
            return _cache[configured]
        paths = ([Path(configured)] if configured else []) + candidate_paths()
        result = None
        for i, p in enumerate(paths):
            if p.is_file():
                name = f"{EMBEDDED_NAME}{len(_cache)}_{i}"
                if _try_register(p, name):
                    result = PdfFont(name, str(p), True)
                    break
        if result is None:
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
            warning = "未找到可嵌入的中文字体，PDF 使用内置字体，在其他电脑上可能无法正确显示。请在设置中指定字体文件。"
            if configured:
                warning = f"设置的字体文件不可用（{configured}）。" + warning
            result = PdfFont(CID_FALLBACK, "", False, warning)
        _cache[configured] = result
        return result
