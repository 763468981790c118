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


def larger(a, b):
    """``max(a, b)``."""
    return b if b > a else a


def smaller(a, b):
    """``min(a, b)``."""
    return b if b < a else a
