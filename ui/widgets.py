"""Small shared widgets: the room-number completer, table set-up, label helpers."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def room_completer(codes: list[str], parent: QWidget) -> QCompleter:
    """Completes a room number by prefix, case-insensitively, as the clerk types."""
    c = QCompleter(parent)
    c.setModel(QStringListModel(codes, c))
    c.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    c.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    c.setFilterMode(Qt.MatchFlag.MatchStartsWith)
    c.setMaxVisibleItems(12)
    return c


def set_completer_codes(edit: QLineEdit, codes: list[str]) -> None:
    c = edit.completer()
    if c is None:
        edit.setCompleter(room_completer(codes, edit))
    else:
        model = c.model()
        if isinstance(model, QStringListModel):
            model.setStringList(codes)


def setup_table(view: QTableView) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(28)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)


def fit_columns(view: QTableView, minimum: int = 72, maximum: int = 240) -> None:
    """Fit each column to its contents (headers included) so Chinese text is never clipped;
    very long texts (lists of names) are capped and show in full in the tooltip or the card."""
    header = view.horizontalHeader()
    model = view.model()
    if model is None:
        return
    # Sized from the first 30 rows and the visible ones, not from every loaded row (a 200-row page
    # of the 报修 board took 224 ms to measure; 19 ms this way; docs/performance.md).
    header.setResizeContentsPrecision(30)
    view.resizeColumnsToContents()
    for col in range(model.columnCount()):
        size = header.sectionSize(col)
        if size < minimum:
            header.resizeSection(col, minimum)
        elif size > maximum:
            header.resizeSection(col, maximum)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)


def list_and_card(left: QWidget, card: QWidget, empty_text: str,
                  sizes: tuple[int, int] = (820, 500)) -> tuple[QSplitter, QLabel]:
    """A list on the left and the selected record's card on the right (a hint while none is chosen)."""
    empty = QLabel(empty_text)
    empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    empty.setStyleSheet("color: #777;")
    right = QWidget()
    rv = QVBoxLayout(right)
    rv.setContentsMargins(0, 0, 0, 0)
    rv.addWidget(empty)
    rv.addWidget(card)
    card.hide()
    split = QSplitter()
    split.addWidget(left)
    split.addWidget(right)
    split.setStretchFactor(0, 11)
    split.setStretchFactor(1, 9)
    split.setSizes(list(sizes))
    return split, empty
