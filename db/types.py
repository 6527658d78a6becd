"""Column types that keep money, areas and times exact on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator


class FixedDecimal(TypeDecorator[Decimal]):
    """A Decimal with a fixed number of places, stored as a scaled integer (exact, summable)."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int = 2) -> None:
        super().__init__()
        self.places = places
        self._unit = Decimal(1).scaleb(-places)
        self._factor = 10**places

    def process_bind_param(self, value: Decimal | int | str | None, dialect: object) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("float is never accepted for exact amounts; pass a Decimal")
        d = Decimal(value).quantize(self._unit, rounding=ROUND_HALF_UP)
        return int(d.scaleb(self.places))

    def process_result_value(self, value: int | None, dialect: object) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(self._unit)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; naive values are refused so no local time slips in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times with their time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
