"""Labels of stored codes, defined in app/ beside their StrEnum, translated here (context "labels")."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication


def label(text: str) -> str:
    """The clerk's label for a code's Chinese label from app/, in the current UI language."""
    return QCoreApplication.translate("labels", text)


# Listed literally so that lupdate extracts them; tests/unit/test_labels.py keeps this complete.
KNOWN = [
    QT_TRANSLATE_NOOP("labels", "住宅"),
    QT_TRANSLATE_NOOP("labels", "商铺"),
    QT_TRANSLATE_NOOP("labels", "公共区域"),
    QT_TRANSLATE_NOOP("labels", "已入住"),
    QT_TRANSLATE_NOOP("labels", "空置A 已接管未售"),
    QT_TRANSLATE_NOOP("labels", "空置B 已售未入住"),
    QT_TRANSLATE_NOOP("labels", "空置C 已入住未装修"),
    QT_TRANSLATE_NOOP("labels", "—"),
    QT_TRANSLATE_NOOP("labels", "业主"),
    QT_TRANSLATE_NOOP("labels", "住户"),
    QT_TRANSLATE_NOOP("labels", "租户"),
    QT_TRANSLATE_NOOP("labels", "身份证"),
    QT_TRANSLATE_NOOP("labels", "驾驶证"),
    QT_TRANSLATE_NOOP("labels", "护照"),
    QT_TRANSLATE_NOOP("labels", "其他证件"),
    QT_TRANSLATE_NOOP("labels", "客服主管"),
    QT_TRANSLATE_NOOP("labels", "客服助理"),
    QT_TRANSLATE_NOOP("labels", "收费员"),
    QT_TRANSLATE_NOOP("labels", "系统管理员"),
    QT_TRANSLATE_NOOP("labels", "每日自动"),
    QT_TRANSLATE_NOOP("labels", "退出时自动"),
    QT_TRANSLATE_NOOP("labels", "手动"),
    QT_TRANSLATE_NOOP("labels", "升级前"),
    QT_TRANSLATE_NOOP("labels", "恢复前"),
]
