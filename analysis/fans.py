"""Fan charts: quantile bands of a variable over turns, across the runs of a batch.

Input is the batch's per-turn table (``run, turn, actor, variable, value``), optionally joined
with lever columns from the runs table to overlay policies. Output is one row per turn (and
group) with the median and the 50% and 90% bands.
"""

from __future__ import annotations

import pandas as pd

BANDS = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}


def fan(per_turn: pd.DataFrame, variable: str, actor: str = "world",
        runs: pd.DataFrame | None = None, by: list[str] | None = None) -> pd.DataFrame:
    """Quantile bands of ``actor.variable`` per turn (and per lever value with ``by``).

    ``runs`` supplies the ``by`` columns (e.g. ``lever.west_package``), matched on ``run``.
    """
    rows = per_turn[(per_turn["actor"] == actor) & (per_turn["variable"] == variable)]
    if rows.empty:
        known = sorted(set(per_turn["actor"] + "." + per_turn["variable"]))[:12]
        raise KeyError(f"no per-turn values for {actor}.{variable} (e.g. {', '.join(known)})")
    by = by or []
    if by:
        if runs is None:
            raise ValueError("grouping by lever needs the runs table")
        missing = [c for c in by if c not in runs.columns]
        if missing:
            raise KeyError(f"no column {missing[0]!r} in the runs table")
        rows = rows.merge(runs[["run", *by]], on="run", how="left")
    grouped = rows.groupby([*by, "turn"])["value"]
    out = pd.concat({name: grouped.quantile(q) for name, q in BANDS.items()}, axis=1)
    out["runs"] = grouped.size()
    return out.reset_index()
