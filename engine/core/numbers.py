"""Small numeric helpers for the rules, exactly equal to the builtins they stand for.

The rules clamp values many times a turn; a call to the builtin ``min`` or ``max`` costs several
times a Python comparison, so these spell the same results out. Each returns what the builtin
expression in its docstring returns, value and type alike (ties keep the earlier argument).
"""

from __future__ import annotations


def clip(x, low, high):
    """``min(high, max(low, x))``."""
    x = x if x > low else low
    return x if x < high else high


def per_turn(weekly: float, weeks: float) -> float:
    """A weekly rate or probability over a turn of ``weeks`` weeks: 1 - (1 - weekly)^weeks, the
    chance of at least one event (or the share decayed) in the turn; ``weekly`` itself, exactly,
    for a weekly turn."""
    return weekly if weeks == 1 else 1.0 - (1.0 - weekly) ** weeks


def larger(a, b):
    """``max(a, b)``."""
    return b if b > a else a


def smaller(a, b):
    """``min(a, b)``."""
    return b if b < a else a
