"""Local time for display, UTC for storage."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def local_tz():  # noqa: ANN201 - tzinfo of this PC
    return datetime.now().astimezone().tzinfo


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(local_tz())


def fmt_local(value: datetime | None, with_seconds: bool = False) -> str:
    v = to_local(value)
    if v is None:
        return ""
    return v.strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min).replace(tzinfo=local_tz()).astimezone(UTC)
    return start, start + timedelta(days=1)


def local_today() -> date:
    return datetime.now().astimezone().date()
