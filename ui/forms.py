"""Form dialogs: errors beside the fields as the user types, OK disabled, Enter saves, Esc cancels."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError, ValidationError
from ui import dialogs

ERROR_STYLE = "color: #c0392b; font-size: 12px;"


class FormDialog(QDialog):
    """Subclasses add fields, implement `problems()` (a pure app/ validator) and `save()`."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        self.banner = QLabel()
        self.banner.setStyleSheet(ERROR_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.banner)
        lay.addWidget(self.buttons)
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self.result_value: Any = None

    # ---------------------------------------------------------------- building
    def add_field(self, key: str, label: str, widget: QWidget) -> QWidget:
        holder = QWidget()
        v = QVBoxLayout(holder)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addWidget(widget)
        err = QLabel()
        err.setStyleSheet(ERROR_STYLE)
        err.setWordWrap(True)
        err.hide()
        err.setObjectName(f"error_{key}")
        v.addWidget(err)
        self.form.addRow(label, holder)
        self._errors[key] = err
        self._fields[key] = widget
        widget.setObjectName(key)
        self._watch(widget)
        return widget

    def _watch(self, w: QWidget) -> None:
        if isinstance(w, QLineEdit):
            w.textChanged.connect(self.revalidate)
        elif isinstance(w, QPlainTextEdit):
            w.textChanged.connect(self.revalidate)
            w.installEventFilter(self)  # Ctrl+Enter saves from inside a multi-line field
        elif isinstance(w, QComboBox):
            w.currentIndexChanged.connect(self.revalidate)
        elif isinstance(w, QCheckBox):
            w.toggled.connect(self.revalidate)
        elif isinstance(w, (QSpinBox, QDateEdit)):
            w.editingFinished.connect(self.revalidate)

    def field(self, key: str) -> QWidget:
        return self._fields[key]

    # ---------------------------------------------------------------- validation
    def problems(self) -> dict[str, str]:
        return {}

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self._errors.items():
            msg = errors.get(key, "")
            label.setText(msg)
            label.setVisible(bool(msg))
        others = [m for k, m in errors.items() if k not in self._errors]
        self.banner.setText("\n".join(others))
        self.banner.setVisible(bool(others))

    def revalidate(self) -> bool:
        try:
            errors = self.problems()
        except ValueError as e:  # a parse error the subclass did not map to a field
            errors = {"_": str(e)}
        except AttributeError:
            # A field's signal fired while the subclass was still adding later fields; the
            # subclass validates once more when it has built them all.
            return False
        # Only show errors for fields the user has touched or after a save attempt.
        shown = errors if self._tried else {k: v for k, v in errors.items() if self._touched(k)}
        self.show_errors(shown)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not errors)
        return not errors

    _tried = False

    def _touched(self, key: str) -> bool:
        w = self._fields.get(key)
        if isinstance(w, QLineEdit):
            return w.isModified() or bool(w.text())
        return True

    # ---------------------------------------------------------------- saving
    def save(self) -> Any:
        raise NotImplementedError

    def _on_accept(self) -> None:
        self._tried = True
        if not self.revalidate():
            return
        try:
            self.result_value = self.save()
        except ValidationError as e:
            self.show_errors(e.errors or {"_": e.message})
            return
        except AppError as e:
            if e.field and e.field in self._errors:
                self.show_errors({e.field: e.message})
            else:
                dialogs.show_app_error(self, e)
            return
        self.accept()

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        if (isinstance(obj, QPlainTextEdit) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._on_accept()
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(
                self.focusWidget(), QPlainTextEdit):
            return super().keyPressEvent(event)  # newline inside multi-line text
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_accept()
            return
        super().keyPressEvent(event)
