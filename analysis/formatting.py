"""Numbers as people read them in reports: never scientific notation, one significant-digits
rule everywhere.

The rule: a number gets ``SIGNIFICANT`` significant digits, counted from the largest magnitude
shown beside it (an estimate alone, or a difference and its interval together, so the three
read on one scale), and never fewer than whole units: 14.18 -> "14.2", 777,594 -> "777,594",
0.0000347 -> "0.0000347". A difference far inside its interval then rounds to zero at the
interval's precision: "+0.000 (-0.442 to +0.441)", not "+3.47e-05".
"""

from __future__ import annotations

import math

import numpy as np

SIGNIFICANT = 3
MAX_DECIMALS = 15


def decimals(scale: float, digits: int = SIGNIFICANT) -> int:
    """Decimal places that give ``digits`` significant digits to a number of size ``scale``."""
    scale = abs(scale)
    if scale == 0 or not math.isfinite(scale):
        return 0
    return min(MAX_DECIMALS, max(0, digits - 1 - math.floor(math.log10(scale))))


def significant(x: float, digits: int = SIGNIFICANT, scale: float | None = None,
                sign: bool = False) -> str:
    """``x`` with ``digits`` significant digits of ``scale`` (default: ``x`` itself), thousands
    separated, with a + for positive numbers when ``sign``; a value that rounds to zero is
    written as zero ("+0.00", never "-0.00")."""
    if math.isnan(x):
        return "n/a"
    places = decimals(x if scale is None else scale, digits)
    if round(x, places) == 0:
        x = 0.0
    return f"{x:{'+' if sign else ''},.{places}f}"


def exact(x: float) -> str:
    """An input value (a threshold, a parameter bound) as given, without scientific notation:
    60000 -> "60,000", 0.017 -> "0.017", 2.5e-05 -> "0.000025"."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return np.format_float_positional(x, trim="-")
