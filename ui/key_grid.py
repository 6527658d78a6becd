"""The key cabinet as the clerk sees it: a model of hooks (rows × columns) and a delegate that paints
each hook's key number, room and state by colour and by text and sign (colour-blind safe)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QRawFont,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.keys import DISPLAY_LABELS, EMPTY, KIND_LABELS, OVERDUE, HookCell, KeyKind
from app.timeutil import fmt_local
from ui.labels import label

Index = QModelIndex | QPersistentModelIndex
CELL_ROLE = Qt.ItemDataRole.UserRole + 1       # the HookCell
STATE_ROLE = Qt.ItemDataRole.UserRole + 2      # its display state code (in, out, overdue, … empty)
HIGHLIGHT_ROLE = Qt.ItemDataRole.UserRole + 3  # a search hit: drawn with a thick outline
KEY_ROLE = Qt.ItemDataRole.UserRole + 4        # the key id, or None for an empty hook

CELL_W, CELL_H = 116, 66
HIGHLIGHT = QColor("#1d4ed8")   # a search hit
CURRENT = QColor("#303030")     # the current hook


@dataclass(frozen=True)
class StateStyle:
    fill: QColor
    border: QColor
    ink: QColor
    sign: str        # the shape drawn beside the state's name: the state reads without colour too


def _style(fill: str, border: str, ink: str, sign: str) -> StateStyle:
    return StateStyle(QColor(fill), QColor(border), QColor(ink), sign)


STYLES: dict[str, StateStyle] = {
    "in": _style("#e5f3e3", "#8fc28c", "#23622a", "dot"),
    "out": _style("#fdeecf", "#e0a43c", "#7f4f00", "arrow"),
    OVERDUE: _style("#fbdad6", "#cf4a3f", "#9b1c14", "alert"),
    "lost": _style("#ebe5f3", "#9787b6", "#4b3b6b", "question"),
    "damaged": _style("#f0e5ee", "#a786a2", "#5c3a57", "crack"),
    "retired": _style("#ededed", "#ababab", "#5e5e5e", "cross"),
    "handed": _style("#e4edf6", "#8fa7c2", "#30506f", "ring"),
    EMPTY: _style("#ffffff", "#c2c2c2", "#9a9a9a", ""),
}
# What can be seen on a hook (a handed-over key leaves its hook), in the legend's order.
LEGEND_ORDER = ["in", "out", OVERDUE, "lost", "damaged", "retired", EMPTY]


def style_for(state: str) -> StateStyle:
    return STYLES.get(state, STYLES[EMPTY])


def state_text(state: str) -> str:
    return label(DISPLAY_LABELS.get(state, state))


def row_name(row: int) -> str:
    """The row's letter as on the default hook labels (A, B, … then 27, 28 …)."""
    return chr(65 + row) if row < 26 else f"{row + 1:02d}"


def draw_sign(p: QPainter, sign: str, r: QRectF, color: QColor) -> None:
    """A small shape per state, so that the state never depends on colour alone."""
    if not sign:
        return
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(color, 1.6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    c = r.center()
    s = min(r.width(), r.height())
    box = QRectF(c.x() - s / 2, c.y() - s / 2, s, s)
    if sign == "dot":
        p.setBrush(QBrush(color))
        p.drawEllipse(box.adjusted(1, 1, -1, -1))
    elif sign == "arrow":  # the key has left its hook
        p.setBrush(QBrush(color))
        p.drawPolygon(QPolygonF([QPointF(box.left() + 1, box.top() + 1), QPointF(box.right(), c.y()),
                                 QPointF(box.left() + 1, box.bottom() - 1)]))
    elif sign == "alert":
        p.setBrush(QBrush(color))
        p.drawPolygon(QPolygonF([QPointF(c.x(), box.top()), QPointF(box.right(), box.bottom()),
                                 QPointF(box.left(), box.bottom())]))
        p.setPen(QPen(QColor("white"), 1.6))
        p.drawLine(QPointF(c.x(), box.top() + s * 0.35), QPointF(c.x(), box.top() + s * 0.68))
        p.drawPoint(QPointF(c.x(), box.top() + s * 0.85))
    elif sign == "question":
        pen.setStyle(Qt.PenStyle.DotLine)
        p.setPen(pen)
        p.drawEllipse(box.adjusted(0.5, 0.5, -0.5, -0.5))
        p.setPen(QPen(color, 1.6))
        f = QFont(p.font())
        f.setPixelSize(max(int(s * 0.8), 6))
        f.setBold(True)
        p.setFont(f)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, "?")
    elif sign == "crack":
        p.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5))
        p.drawPolyline(QPolygonF([QPointF(box.left() + s * 0.2, box.top()), QPointF(c.x() + s * 0.1, c.y() - s * 0.1),
                                  QPointF(c.x() - s * 0.1, c.y() + s * 0.15),
                                  QPointF(box.right() - s * 0.2, box.bottom())]))
    elif sign == "cross":
        p.drawLine(box.topLeft() + QPointF(1, 1), box.bottomRight() - QPointF(1, 1))
        p.drawLine(QPointF(box.right() - 1, box.top() + 1), QPointF(box.left() + 1, box.bottom() - 1))
    elif sign == "ring":
        p.drawEllipse(box.adjusted(1, 1, -1, -1))
    p.restore()


class CabinetGridModel(QAbstractTableModel):
    """The hooks of one cabinet, rows × columns; `set_cells` fills it from app.keys.cabinet_grid."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.cabinet_id: int | None = None
        self._rows = self._cols = 0
        self._cells: list[HookCell | None] = []
        self._where: dict[int, int] = {}        # key id → flat index
        self._highlight: set[int] = set()       # key ids of the last search hit

    # ------------------------------------------------------------- filling
    def set_cells(self, rows: int, cols: int, cells: Iterable[HookCell], cabinet_id: int | None = None) -> None:
        grid: list[HookCell | None] = [None] * (rows * cols)
        where: dict[int, int] = {}
        for c in cells:
            if 0 <= c.row < rows and 0 <= c.col < cols:
                i = c.row * cols + c.col
                grid[i] = c
                if c.key_id is not None:
                    where[c.key_id] = i
        self.beginResetModel()
        self._rows, self._cols, self._cells, self._where = rows, cols, grid, where
        self.cabinet_id = cabinet_id
        self.endResetModel()

    def clear(self) -> None:
        self.set_cells(0, 0, [], None)

    # ------------------------------------------------------------- access
    def cell(self, index: Index) -> HookCell | None:
        if not index.isValid():
            return None
        return self.cell_at(index.row(), index.column())

    def cell_at(self, row: int, col: int) -> HookCell | None:
        if 0 <= row < self._rows and 0 <= col < self._cols:
            return self._cells[row * self._cols + col]
        return None

    def cells(self) -> list[HookCell]:
        return [c for c in self._cells if c is not None]

    def index_of_key(self, key_id: int) -> QModelIndex:
        i = self._where.get(key_id)
        if i is None:
            return QModelIndex()
        return self.index(i // self._cols, i % self._cols)

    def state_counts(self) -> Counter[str]:
        return Counter(c.state for c in self._cells if c is not None)

    # ------------------------------------------------------------- search hits
    def set_highlight(self, key_ids: Iterable[int]) -> list[QModelIndex]:
        """Outline these keys (the ones on this cabinet); returns their indexes in the given order."""
        old = self._highlight
        self._highlight = set(key_ids)
        for key_id in old ^ self._highlight:
            idx = self.index_of_key(key_id)
            if idx.isValid():
                self.dataChanged.emit(idx, idx, [HIGHLIGHT_ROLE])
        found = [self.index_of_key(k) for k in dict.fromkeys(key_ids)]
        return [i for i in found if i.isValid()]

    def highlighted(self) -> set[int]:
        return set(self._highlight)

    def is_highlighted(self, key_id: int) -> bool:
        return key_id in self._highlight

    # ------------------------------------------------------------- Qt API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._cols

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < self._cols:
                return f"{section + 1:02d}"
            if orientation == Qt.Orientation.Vertical and 0 <= section < self._rows:
                return row_name(section)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c = self.cell(index)
        if c is None:
            return None
        try:
            if role == CELL_ROLE:
                return c
            if role == STATE_ROLE:
                return c.state
            if role == KEY_ROLE:
                return c.key_id
            if role == HIGHLIGHT_ROLE:
                return c.key_id is not None and c.key_id in self._highlight
            if role == Qt.ItemDataRole.DisplayRole:
                return c.number
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tooltip(c)
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return self.tooltip(c).replace("\n", "，")
        except Exception:  # noqa: BLE001 - data() never raises
            return None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def tooltip(self, c: HookCell) -> str:
        if c.key_id is None:
            text = self.tr("钩位 {hook}：空钩").format(hook=c.label)
        else:
            kind = label(KIND_LABELS[KeyKind(c.kind)]) if c.kind in set(KeyKind) else c.kind
            lines = [
                self.tr("钥匙 {number} · 房号 {room}").format(number=c.number, room=c.room_code or "—"),
                self.tr("{kind} · {copies} 把 · 钩位 {hook}").format(kind=kind, copies=c.copies, hook=c.label),
                self.tr("状态：{state}").format(state=state_text(c.state)),
            ]
            if c.holder:
                lines.append(self.tr("借用人：{holder}").format(holder=c.holder))
            if c.due_at is not None:
                due = fmt_local(c.due_at)
                lines.append(self.tr("应还时间：{due}（已逾期）").format(due=due) if c.state == OVERDUE
                             else self.tr("应还时间：{due}").format(due=due))
            if c.loan_serial:
                lines.append(self.tr("借领单：{serial}").format(serial=c.loan_serial))
            text = "\n".join(lines)
        if c.label_checked_at is not None:
            text += "\n" + self.tr("标签检查：{when}").format(when=fmt_local(c.label_checked_at)[:10])
        return text


LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
LABEL_INK, NUMBER_INK, ROOM_INK = QColor("#6b6b6b"), QColor("#1f1f1f"), QColor("#4a4a4a")


class HookDelegate(QStyledItemDelegate):
    """Paints one hook: its label small at the top, the state's sign and name, the key number, the room.
    What depends only on the state (box, sign, name) is drawn once per state into a pixmap; a hook
    then costs one pixmap and three texts (a 50 × 100 cabinet scrolls smoothly)."""

    # False: every text drawn in its rect, drawText(rect, LEFT, text), as before the baselines (the
    # reference that the tests compare the pixels with).
    at_baselines = True

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._font_key = ""
        self._fonts: tuple[QFont, QFont, QFont, QFont] | None = None
        self._metrics: tuple[QFontMetrics, QFontMetrics, QFontMetrics, QFontMetrics] | None = None
        self._backgrounds: dict[tuple[str, int, int, float], QPixmap] = {}
        # (text, width, which font) → (the text as shown, whether paint() may draw it at its baseline)
        self._texts: dict[tuple[str, int, int], tuple[str, bool]] = {}
        self._empty_text = self.tr("空钩")
        # What paint() needs of the fonts, read once per font (compared by QFont, not by QFont.key() per
        # hook): the font, small, number, room, their heights in whole pixels, then in fractions of a
        # pixel with their ascents.
        self._fast: tuple[Any, ...] | None = None
        self._tools: tuple[tuple[QFontMetrics, QFontMetricsF, QRawFont], ...] = ()  # label, number, room
        self._geometry: dict[tuple[int, int, float], tuple[Any, ...]] = {}  # (w, h, dpr) → _place()

    def _fonts_for(self, base: QFont) -> tuple[tuple[QFont, QFont, QFont, QFont],
                                               tuple[QFontMetrics, QFontMetrics, QFontMetrics, QFontMetrics]]:
        key = base.key()
        if self._fonts is None or key != self._font_key:
            pt = base.pointSizeF() if base.pointSizeF() > 0 else 9.0
            small = QFont(base)
            small.setPointSizeF(max(pt - 1.5, 7.0))
            badge = QFont(small)
            badge.setBold(True)
            number = QFont(base)
            number.setBold(True)
            room = QFont(base)
            self._fonts = (small, badge, number, room)
            self._metrics = (QFontMetrics(small), QFontMetrics(badge), QFontMetrics(number), QFontMetrics(room))
            self._font_key = key
            self._backgrounds.clear()
            self._texts.clear()
        assert self._metrics is not None
        return self._fonts, self._metrics

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        return QSize(CELL_W, CELL_H)

    @staticmethod
    def _inner(w: int, h: int) -> QRect:
        return QRect(10, 7, w - 19, h - 14)

    def _background(self, state: str, w: int, h: int, dpr: float) -> QPixmap:
        """The box, the sign and the state's name: the same for every hook in that state."""
        key = (state, w, h, dpr)
        pm = self._backgrounds.get(key)
        if pm is not None:
            return pm
        assert self._fonts is not None and self._metrics is not None
        _small, badge, _number, room = self._fonts
        fm_small, fm_badge = self._metrics[0], self._metrics[1]
        st = style_for(state)
        pm = QPixmap(int(w * dpr), int(h * dpr))
        pm.setDevicePixelRatio(dpr)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(st.border, 1.2)
        if state == EMPTY:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(QBrush(st.fill))
        p.drawRoundedRect(QRectF(0, 0, w, h).adjusted(3.5, 3.5, -3.5, -3.5), 5, 5)
        inner = self._inner(w, h)
        top = QRect(inner.left(), inner.top(), inner.width(), fm_small.height() + 2)
        if state == EMPTY:
            p.setPen(st.ink)
            p.setFont(room)
            p.drawText(QRect(inner.left(), top.bottom(), inner.width(), inner.bottom() - top.bottom()), CENTER,
                       self._empty_text)
        else:
            name = state_text(state)
            tw = fm_badge.horizontalAdvance(name)
            p.setFont(badge)
            p.setPen(st.ink)
            text_rect = QRect(top.right() - tw, top.top(), tw + 1, top.height())
            p.drawText(text_rect, RIGHT, name)
            draw_sign(p, st.sign, QRectF(text_rect.left() - 13, top.center().y() - 4.5, 10, 10), st.ink)
        p.end()
        self._backgrounds[key] = pm
        return pm

    def _text(self, text: str, which: int, width: int, elide: bool = True) -> tuple[str, bool]:
        """The text as shown in `width` in font `which` (0 label, 1 number, 2 room; elided in the middle),
        and whether paint() may draw it at its baseline: every glyph in the font itself (a fallback
        font's line height would move the text in a layout), and narrower than the rect (where the
        rect would clip, it is drawn in the rect)."""
        key = (text, width, which)
        out = self._texts.get(key)
        if out is None:
            if len(self._texts) > 50_000:
                self._texts.clear()
            fm, fmf, raw = self._tools[which]
            shown = fm.elidedText(text, Qt.TextElideMode.ElideMiddle, width) if elide else text
            plain = all(raw.supportsCharacter(ord(ch)) for ch in shown)
            out = self._texts[key] = (shown, plain and fmf.horizontalAdvance(shown) <= width - 1)
        return out

    def _place(self, w: int, h: int, dpr: float) -> tuple[Any, ...]:
        """Where the three texts of a w × h hook go, for paint(): the rects of _inner, and in them the
        baselines that drawText(rect, LEFT, text) lays out (rect top + (rect height - line height) / 2
        + ascent, in fractions of a pixel), and whether a line may be drawn at its baseline (on a
        screen scaled by a fraction, a line taller than its rect is clipped by the rect: drawn in it)."""
        key = (w, h, dpr)
        g = self._geometry.get(key)
        if g is None:
            assert self._fast is not None
            h_s, h_n, h_r, hf_s, af_s, hf_n, af_n, hf_r, af_r = self._fast[4:]
            split = dpr != int(dpr)
            width = w - 19
            top_h = h_s + 2
            ty_n = 7 + top_h + 2
            ty_r = ty_n + h_n
            rh = min(h_r, (7 + h - 15) - ty_r + 2)
            g = self._geometry[key] = (
                width, width // 2, top_h, 7 + (top_h - hf_s) / 2 + af_s, not (split and hf_s > top_h),
                ty_n, ty_n + (h_n - hf_n) / 2 + af_n, not (split and hf_n > h_n),
                ty_r, rh, ty_r + (rh - hf_r) / 2 + af_r, rh == h_r and not (split and hf_r > rh))
        return g

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        # The model's own cell, not index.data(): PySide6 6.12 drops a reference to None on every
        # index.data() from Python that returns None (a crash at exit), and it is quicker.
        model = index.model()
        c = model.cell(index) if isinstance(model, CabinetGridModel) else None
        if c is None:
            return
        base = option.font
        f = self._fast
        if f is None or f[0] != base:  # the fonts' metrics read once per font, not QFont.key() per hook
            (small, _b, number, room), (fm_s, _fb, fm_n, fm_r) = self._fonts_for(base)
            fs, fn, fr = QFontMetricsF(small), QFontMetricsF(number), QFontMetricsF(room)
            self._tools = tuple((fm, fmf, QRawFont.fromFont(font)) for fm, fmf, font in
                                ((fm_s, fs, small), (fm_n, fn, number), (fm_r, fr, room)))
            self._texts.clear()
            self._geometry.clear()
            f = self._fast = (QFont(base), small, number, room, fm_s.height(), fm_n.height(), fm_r.height(),
                              fs.height(), fs.ascent(), fn.height(), fn.ascent(), fr.height(), fr.ascent())
        small, number, room = f[1], f[2], f[3]
        rect: QRect = option.rect
        x, y, w, h = rect.x(), rect.y(), rect.width(), rect.height()
        dpr = p.device().devicePixelRatioF()
        p.drawPixmap(x, y, self._background(c.state, w, h, dpr))
        # Each text drawn at its baseline, drawText(point, text): the same pixels as drawText(rect, LEFT,
        # text) in the rects of _inner, without a text layout per hook. Where that rect would clip the
        # text (a label longer than half the hook, an elided number, a line taller than its rect) or a
        # fallback font draws some of it, the text is drawn in the rect as before.
        width, half, top_h, y_s, ok_s, ty_n, y_n, ok_n, ty_r, rh, y_r, ok_r = (
            self._geometry.get((w, h, dpr)) or self._place(w, h, dpr))
        left = x + 10
        texts = self._texts
        at = self.at_baselines
        p.setFont(small)
        p.setPen(LABEL_INK)
        text, plain = texts.get((c.label, half, 0)) or self._text(c.label, 0, half, elide=False)
        if at and plain and ok_s:
            p.drawText(QPointF(left, y + y_s), text)
        else:
            p.drawText(QRect(left, y + 7, half, top_h), LEFT, text)
        if c.key_id is not None:
            p.setFont(number)
            p.setPen(NUMBER_INK)
            text, plain = texts.get((c.number, width, 1)) or self._text(c.number, 1, width)
            if at and plain and ok_n:
                p.drawText(QPointF(left, y + y_n), text)
            else:
                p.drawText(QRect(left, y + ty_n, width, ty_r - ty_n), LEFT, text)
            p.setFont(room)
            p.setPen(ROOM_INK)
            text, plain = texts.get((c.room_code, width, 2)) or self._text(c.room_code, 2, width)
            if at and plain and ok_r:
                p.drawText(QPointF(left, y + y_r), text)
            else:
                p.drawText(QRect(left, y + ty_r, width, rh), LEFT, text)
        # The current hook, and the hits of a search (a thick outline that reads without colour).
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        lit = c.key_id is not None and model.is_highlighted(c.key_id)
        if selected or lit:
            p.save()
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setBrush(Qt.BrushStyle.NoBrush)
            if selected:
                p.setPen(QPen(CURRENT, 2))
                p.drawRoundedRect(QRectF(rect).adjusted(2, 2, -2, -2), 6, 6)
            if lit:
                p.setPen(QPen(HIGHLIGHT, 3.5))
                p.drawRoundedRect(QRectF(rect).adjusted(2, 2, -2, -2), 6, 6)
            p.restore()


class CabinetGridView(QTableView):
    """Every hook at once, fixed cell sizes (a 50 × 100 cabinet paints only what is in sight).
    A click, or Enter on the current hook, emits `key_activated(key id)`."""

    key_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None, model: CabinetGridModel | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("key_grid")
        self.grid_model = model or CabinetGridModel(self)
        self.setModel(self.grid_model)
        self.setItemDelegate(HookDelegate(self))
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setCornerButtonEnabled(False)
        self.set_cell_size(CELL_W, CELL_H)
        self.clicked.connect(self._on_clicked)

    def set_cell_size(self, w: int, h: int) -> None:
        for header, size in ((self.horizontalHeader(), w), (self.verticalHeader(), h)):
            header.setMinimumSectionSize(12)
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setDefaultSectionSize(size)
            header.setHighlightSections(True)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.horizontalScrollBar().setSingleStep(w // 3)
        self.verticalScrollBar().setSingleStep(h // 3)

    def set_cells(self, rows: int, cols: int, cells: Sequence[HookCell], cabinet_id: int | None = None) -> None:
        self.grid_model.set_cells(rows, cols, cells, cabinet_id)

    def current_cell(self) -> HookCell | None:
        return self.grid_model.cell(self.currentIndex())

    def show_key(self, key_id: int) -> bool:
        """Make the key's hook the current one and scroll it into the middle of the view."""
        idx = self.grid_model.index_of_key(key_id)
        if not idx.isValid():
            return False
        # Whether it is in sight is asked before it becomes current: setCurrentIndex scrolls it just
        # into sight (to an edge of the view), and asked after, the answer would always be yes.
        in_sight = self.viewport().rect().contains(self.visualRect(idx))
        self.setCurrentIndex(idx)
        if not in_sight:  # in sight already: nothing moves
            self.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            c = self.current_cell()
            if c is not None and c.key_id is not None:
                self.key_activated.emit(c.key_id)
                event.accept()
                return
        super().keyPressEvent(event)

    def _on_clicked(self, index: QModelIndex) -> None:
        c = self.grid_model.cell(index)
        if c is not None and c.key_id is not None:
            self.key_activated.emit(c.key_id)


class _Swatch(QWidget):
    def __init__(self, state: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setFixedSize(26, 18)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        st = style_for(self.state)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(st.border, 1.2)
        if self.state == EMPTY:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(QBrush(st.fill))
        p.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)
        draw_sign(p, st.sign, QRectF(8, 4, 10, 10), st.ink)
        p.end()


class GridLegend(QWidget):
    """The strip under the grid: each state's colour, sign and name; `set_counts` adds how many."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("key_legend")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(4)
        self.labels: dict[str, QLabel] = {}
        for state in LEGEND_ORDER:
            lay.addWidget(_Swatch(state, self))
            text = QLabel(state_text(state))
            text.setObjectName(f"legend_{state}")
            lay.addWidget(text)
            lay.addSpacing(12)
            self.labels[state] = text
        lay.addStretch(1)

    def set_counts(self, counts: Counter[str] | dict[str, int]) -> None:
        for state, text in self.labels.items():
            text.setText(self.tr("{state} {n}").format(state=state_text(state), n=counts.get(state, 0)))
