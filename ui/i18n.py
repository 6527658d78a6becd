"""Translations: source strings are Simplified Chinese; English comes from a Qt Linguist file."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.resources import resource_path

CJK_FAMILIES = ("Microsoft YaHei", "Microsoft YaHei UI", "PingFang SC", "WenQuanYi Micro Hei",
                "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "SimSun")
_installed: list[QTranslator] = []


def install(app: QApplication, language: str) -> None:
    """Load Qt's own strings (standard buttons) and ours for `language` ('zh_CN' or 'en')."""
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if language == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator(app)
    if language == "zh_CN" and qt.load("qtbase_zh_CN", qt_dir):
        app.installTranslator(qt)
        _installed.append(qt)
    if language != "zh_CN":
        ours = QTranslator(app)
        if ours.load(str(resource_path("translations", f"frontdesk_{language}.qm"))):
            app.installTranslator(ours)
            _installed.append(ours)


def choose_font(app: QApplication) -> str:
    """A font that has Chinese glyphs, so no label turns into boxes."""
    families = set(QFontDatabase.families())
    for fam in CJK_FAMILIES:
        if fam in families:
            f = QFont(fam)
            f.setPointSize(max(app.font().pointSize(), 10))
            app.setFont(f)
            return fam
    return app.font().family()
