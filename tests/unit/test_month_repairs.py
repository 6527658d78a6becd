"""The repairs month section's arithmetic: median, nearest-rank percentile, hours, lateness at a cutoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.month_repairs import late_as_of, median, percentile, rate, share, to_hours
from app.repairs import Threshold


def test_median_is_the_middle_or_the_mean_of_the_two_middle_values():
    assert median([]) is None
    assert median([7]) == 7
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == Decimal("2.5")
    assert median([60, 60, 30, 20, 90, 125, 180, 30, 40]) == 60
    assert isinstance(median([1, 2]), Decimal)


@pytest.mark.parametrize(("p", "expected"), [(0, 15), (5, 15), (30, 20), (40, 20), (50, 35), (90, 50),
                                             (100, 50)])
def test_percentile_by_nearest_rank(p, expected):
    # The textbook example: ranks ⌈p/100 × 5⌉ of 15, 20, 35, 40, 50.
    assert percentile([40, 15, 50, 35, 20], p) == expected


def test_percentile_is_always_one_of_the_values():
    values = list(range(1, 11))  # 1..10
    assert percentile(values, 90) == 9      # ⌈9.0⌉ = 9th
    assert percentile(values, 91) == 10     # ⌈9.1⌉ = 10th
    assert percentile([20, 30, 30, 40, 60, 60, 90, 125, 180], 90) == 180  # ⌈8.1⌉ = 9th
    assert percentile([5], 90) == 5
    assert percentile([], 90) is None
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_hours_keep_one_decimal_rounded_half_up():
    assert to_hours(None) is None
    assert to_hours(0) == Decimal("0.0")
    assert to_hours(75) == Decimal("1.3")     # 1.25 → 1.3
    assert to_hours(40) == Decimal("0.7")
    assert to_hours(Decimal("182.5")) == Decimal("3.0")
    assert to_hours(4321) == Decimal("72.0")
    assert str(to_hours(90)) == "1.5"


def test_rates():
    assert rate(7, 8) == "87.5%" and rate(2, 3) == "66.7%" and rate(0, 0) == "—"
    assert share(6, 7) == "85.7%（6/7）" and share(1, 0) == "—"


T0 = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
URGENT = Threshold(120, 24)


def test_late_as_of_a_cutoff():
    after = T0 + timedelta(days=40)
    # On site in 3 h against 2 h: late, whenever the report is made.
    assert late_as_of(URGENT, T0, T0 + timedelta(hours=3), T0 + timedelta(hours=4), 180, 240, after) == (True, False)
    # Exactly at the limit is not late.
    assert late_as_of(URGENT, T0, T0 + timedelta(hours=2), T0 + timedelta(hours=24), 120, 24 * 60, after) == (
        False, False)
    # Not on site by the cutoff: late once the limit has passed, not before.
    assert late_as_of(URGENT, T0, None, None, None, None, T0 + timedelta(hours=1)) == (False, False)
    assert late_as_of(URGENT, T0, None, None, None, None, T0 + timedelta(hours=3)) == (True, False)
    assert late_as_of(URGENT, T0, None, None, None, None, T0 + timedelta(hours=25)) == (True, True)
    # A step after the cutoff counts as not done then: the month's report does not change later.
    cutoff = T0 + timedelta(hours=1)
    assert late_as_of(URGENT, T0, T0 + timedelta(hours=5), T0 + timedelta(hours=30), 300, 1800, cutoff) == (
        False, False)
