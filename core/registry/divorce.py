"""Divorce cooling-off (民法典 1077): the periods of a case, computed from the day received.

Cooling-off is the 30 days after the day the application is received; then the couple has
30 days to come together for issuance (离婚登记（发证）); otherwise the application is deemed
withdrawn. A period whose last day is a statutory rest day ends on the day after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.days.calendar import Overrides, Schedule, period_end

COOLING_DAYS = 30
WINDOW_DAYS = 30


@dataclass(frozen=True)
class Periods:
    received: dt.date
    cooling_end: dt.date
    window_start: dt.date
    window_end: dt.date


def periods(received: dt.date, overrides: Schedule | Overrides) -> Periods:
    """The worked example of SPEC 5: received 2025-03-03 -> cooling-off ends 2025-04-02,
    issuance window 2025-04-03 .. 2025-05-02, extended to 2025-05-06 by Labour Day."""
    cooling_end = period_end(received + dt.timedelta(days=COOLING_DAYS), overrides)
    window_start = cooling_end + dt.timedelta(days=1)
    window_end = period_end(cooling_end + dt.timedelta(days=WINDOW_DAYS), overrides)
    return Periods(received, cooling_end, window_start, window_end)
