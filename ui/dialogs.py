"""Every message box and file picker goes through here, so tests patch one place."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.errors import AppError


def _tr(text: str) -> str:
    return QCoreApplication.translate("dialogs", text)


def info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warning(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes
                                  | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def show_app_error(parent: QWidget | None, err: AppError) -> None:
    """A typed error from a service: its message is already in the clerk's language."""
    warning(parent, _tr("无法完成"), err.message)


def open_file(parent: QWidget | None, title: str, filters: str, directory: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, directory, filters)
    return path or None


def save_file(parent: QWidget | None, title: str, filters: str, default_name: str = "") -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, default_name, filters)
    return path or None
