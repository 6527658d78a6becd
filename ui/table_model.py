"""A table model whose columns are declared once (header, display, sort key), paged from SQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.exports import ColKind

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    display: Callable[[R], Any]
    sort_key: Callable[[R], Any] | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    tooltip: Callable[[R], str] | None = None
    width: int = 0  # preferred width in pixels; 0 = fit contents
    kind: ColKind = ColKind.TEXT  # how an export writes it (text, number, money, date...)
    value: Callable[[R], Any] | None = None  # the raw value for exports; default: display

    def export_value(self, row: R) -> Any:
        return (self.value or self.display)(row)


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows are frozen dataclasses from app/; `fetch(offset, limit)` pages more from the database."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None,
                 fetch: Callable[[int, int], list[R]] | None = None, page_size: int = 200) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[R] = []
        self._fetch = fetch
        self._page = page_size
        self._more = False
        self.background: Callable[[R], Any] | None = None
        self.foreground: Callable[[R], Any] | None = None

    # ------------------------------------------------------------- loading
    def set_fetch(self, fetch: Callable[[int, int], list[R]] | None) -> None:
        self._fetch = fetch
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        if self._fetch is None:
            self._rows, self._more = [], False
        else:
            self._rows = list(self._fetch(0, self._page))
            self._more = len(self._rows) >= self._page
        self.endResetModel()

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._more = False
        self._fetch = None
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and self._fetch is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetch is None or not self._more:
            return
        more = list(self._fetch(len(self._rows), self._page))
        self._more = len(more) >= self._page
        if more:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    @property
    def fetcher(self) -> Callable[[int, int], list[R]] | None:
        return self._fetch

    def fetch_all(self) -> list[R]:
        while self.canFetchMore():
            self.fetchMore()
        return list(self._rows)

    # ------------------------------------------------------------- access
    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[R]:
        return list(self._rows)

    # ------------------------------------------------------------- Qt API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].header
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self.columns)):
            return None
        row, col = self._rows[index.row()], self.columns[index.column()]
        try:
            if role == Qt.ItemDataRole.DisplayRole:
                v = col.display(row)
                return "" if v is None else str(v)
            if role == SORT_ROLE:
                return (col.sort_key or col.display)(row)
            if role == ROW_ROLE:
                return row
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(col.align)
            if role == Qt.ItemDataRole.ToolTipRole and col.tooltip is not None:
                return col.tooltip(row)
            if role == Qt.ItemDataRole.BackgroundRole and self.background is not None:
                return self.background(row)
            if role == Qt.ItemDataRole.ForegroundRole and self.foreground is not None:
                return self.foreground(row)
        except Exception:  # noqa: BLE001 - data() never raises
            return None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
