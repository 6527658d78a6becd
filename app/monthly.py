"""The month-end workbook engine: procedures register sections; one call builds the month."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app import settings
from app.errors import ValidationError
from app.exports import ColKind, ExportColumn
from app.timeutil import local_tz


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
        if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
            raise ValidationError(f"月份格式应为 YYYY-MM，如 2026-10（收到“{text}”）", field="month")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, d: date) -> Month:
        return cls(d.year, d.month)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.last_day.day)]

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) of the month in the PC's local time, as UTC."""
        tz = local_tz()
        start = datetime.combine(self.first_day, time.min).replace(tzinfo=tz).astimezone(UTC)
        end = datetime.combine(self.next().first_day, time.min).replace(tzinfo=tz).astimezone(UTC)
        return start, end

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: Any
    kind: ColKind = ColKind.INT
    note: str = ""


@dataclass(frozen=True)
class SectionTable:
    title: str
    columns: list[ExportColumn]
    rows: list[list[Any]]
    note: str = ""


@dataclass(frozen=True)
class ChartSpec:
    """A chart drawn from one of the section's tables: categories from one column, series from others."""

    title: str
    table: int
    categories: int
    series: list[int]
    kind: str = "bar"   # bar, line, pie
    y_title: str = ""


@dataclass(frozen=True)
class MonthSection:
    key: str
    title: str
    figures: list[KeyFigure] = field(default_factory=list)
    tables: list[SectionTable] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    has_data: bool | None = None  # the section's own word; otherwise judged from its figures

    @property
    def empty(self) -> bool:
        if self.has_data is not None:
            return not self.has_data
        return not any(t.rows for t in self.tables) and not any(f.value for f in self.figures)


@dataclass(frozen=True)
class MonthReport:
    month: Month
    community: str
    company: str
    generated_at: datetime
    generated_by: str
    sections: list[MonthSection]


SectionBuilder = Callable[[Session, Month], MonthSection]


@dataclass(frozen=True)
class _Registered:
    key: str
    title: str
    order: int
    build: SectionBuilder


_REGISTRY: dict[str, _Registered] = {}


def register(key: str, title: str, order: int) -> Callable[[SectionBuilder], SectionBuilder]:
    """Decorator: a procedure contributes its monthly section."""
    def deco(fn: SectionBuilder) -> SectionBuilder:
        _REGISTRY[key] = _Registered(key, title, order, fn)
        return fn
    return deco


def registered() -> list[tuple[str, str]]:
    _load_sections()
    return [(r.key, r.title) for r in sorted(_REGISTRY.values(), key=lambda r: r.order)]


def _load_sections() -> None:
    # Importing a procedure module registers its section.
    from app import (  # noqa: F401
        month_callbacks,
        month_complaints,
        month_keys,
        month_reception,
        month_repairs,
        month_rooms,
    )


def build_month(session: Session, month: Month, generated_by: str = "") -> MonthReport:
    _load_sections()
    conf = settings.get_settings(session)
    sections = [r.build(session, month) for r in sorted(_REGISTRY.values(), key=lambda r: r.order)]
    return MonthReport(month=month, community=conf.community_name, company=conf.company_name,
                       generated_at=datetime.now(UTC), generated_by=generated_by, sections=sections)


def write_outputs(report: MonthReport, xlsx: Path | None, pdf: Path | None,
                  font_path: str = "") -> None:
    from app import month_report

    if xlsx is not None:
        month_report.write_xlsx(report, xlsx)
    if pdf is not None:
        month_report.write_pdf(report, pdf, font_path=font_path)
