"""``brink compare``: two batches of the same scenario side by side.

Typical use: the same scenario run with two settings the lever mechanism does not cover (a
different sampler, more turns, a new engine version), or before and after a change to the
scenario's parameters. The scenario file must be the same (same SHA-256 in both manifests):
comparing different scenarios would put different questions in one table.

Differences are B - A: outcome probabilities with Newcombe's 95% interval, medians of the key
figures with a bootstrap 95% interval, and each actor's mean final strain and growth (paired
run by run when both batches ran the same seeds: the same --seed and --runs)
(analysis.compare.compare_policies, with the batch as the "lever"). Measures are named from
A's manifest (``Batch.label``): "P(Escalation at rung 14 or
higher)", "median peak escalation level".
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.batch import Batch, BatchReadError
from analysis.charts import difference_chart, probability_chart
from analysis.compare import compare_policies
from analysis.probabilities import wilson_interval
from analysis.render import Figure, Report, Section, Table
from analysis.report import (
    KEY_OUTPUTS,
    default_thresholds,
    difference_parts,
    economic_outputs,
    format_difference,
    format_measure,
    measure_label,
    pct,
)
from engine.narrate.safe_text import one_line

BATCH = "batch"


def labels(a: Batch, b: Batch) -> tuple[str, str]:
    """Folder names, prefixed with A and B when they would be ambiguous."""
    first, second = a.path.resolve().name, b.path.resolve().name
    if first == second:
        return f"A ({a.path})", f"B ({b.path})"
    return first, second


def check_same_scenario(a: Batch, b: Batch) -> None:
    if a.scenario_sha256 != b.scenario_sha256:
        raise BatchReadError(
            f"{a.path} and {b.path} are batches of different scenarios ({a.scenario_id} "
            f"{a.scenario_sha256[:12]} and {b.scenario_id} {b.scenario_sha256[:12]}); "
            "compare batches of one scenario file")


def column_label(a: Batch) -> Callable[[str], str]:
    """Columns of the combined runs in words: named outcomes and figures from ``a``'s manifest
    (both batches are of one scenario file), ad-hoc thresholds by their own label."""
    def label(column: str) -> str:
        outcome = column[len("outcome."):] if column.startswith("outcome.") else None
        if outcome is not None and outcome not in a.outcomes:
            return outcome
        return a.label(column)
    return label


def combined_runs(a: Batch, b: Batch) -> tuple[pd.DataFrame, list[str]]:
    """Both runs tables (shared columns) with a ``batch`` column and ad-hoc threshold outcomes
    computed with the same thresholds for both; also the outcome labels, in order."""
    first, second = labels(a, b)
    shared = [c for c in a.runs.columns if c in b.runs.columns]
    runs = pd.concat([a.runs[shared].assign(**{BATCH: first}),
                      b.runs[shared].assign(**{BATCH: second})], ignore_index=True)
    outcomes = [c[len("outcome."):] for c in shared if c.startswith("outcome.")]
    for threshold in default_thresholds(runs):
        runs[f"outcome.{threshold.label}"] = threshold.hits(runs)
        outcomes.append(threshold.label)
    return runs, outcomes


def compare_batches(a: Batch, b: Batch) -> pd.DataFrame:
    """One row per measure: A's and B's estimate, B - A with its 95% interval."""
    check_same_scenario(a, b)
    runs, _ = combined_runs(a, b)
    medians = [c for c in KEY_OUTPUTS if c in runs.columns]
    return compare_policies(runs, BATCH, baseline=labels(a, b)[0], medians=medians,
                            means=economic_outputs(runs))


def difference_table(table: pd.DataFrame, label: Callable[[str], str] | None = None
                     ) -> pd.DataFrame:
    """The comparison as text cells, for the terminal and the report; measures named with
    ``label`` (``column_label(a)``), or as ids without it."""
    first, second = table["baseline"].iloc[0], table["value"].iloc[0]
    name = (lambda m: measure_label(m, label)) if label else (lambda m: m)
    cells = [(name(m), format_measure(m, e0), format_measure(m, e1),
              format_difference(m, d, lo, hi))
             for m, e0, e1, d, lo, hi in zip(table["measure"], table["baseline_estimate"],
                                              table["estimate"], table["difference"],
                                              table["low"], table["high"], strict=True)]
    return pd.DataFrame(cells, columns=["measure", first, second,
                                        "B - A (95% interval)"])


def text_table(frame: pd.DataFrame) -> str:
    """The table for the terminal; each cell on one line with its control characters shown
    as escapes (measures are named from the scenario: ``engine.narrate.safe_text.one_line``)."""
    frame = frame.map(one_line).set_axis([one_line(c) for c in frame.columns], axis=1)
    widths = [max(len(c), *(len(v) for v in frame[c])) for c in frame.columns]

    def line(cells) -> str:
        return "  ".join(str(v).ljust(w) for v, w in zip(cells, widths, strict=True)).rstrip()

    rows = [line(frame.columns), line("-" * w for w in widths)]
    return "\n".join(rows + [line(row) for row in frame.itertuples(index=False)])


def comparison_report(a: Batch, b: Batch, table: pd.DataFrame) -> Report:
    first, second = labels(a, b)
    name = column_label(a)
    runs, outcomes = combined_runs(a, b)
    probs = []
    for batch, group in runs.groupby(BATCH, sort=False):
        for outcome in outcomes:
            hits = group[f"outcome.{outcome}"].astype(bool)
            low, high = wilson_interval(int(hits.sum()), len(hits))
            probs.append({"label": name(f"outcome.{outcome}"), BATCH: batch, "n": len(hits),
                          "p": hits.mean(), "low": float(low), "high": float(high)})
    probs = pd.DataFrame(probs)
    clear = table[((table["low"] > 0) | (table["high"] < 0))
                  & table["measure"].str.startswith("P(")]
    summary = [f"A is {first} ({len(a.runs):,} runs), B is {second} ({len(b.runs):,} runs), "
               f"both of {a.title}."]
    if clear.empty:
        summary.append("No outcome probability differs between them by more than its 95% "
                       "interval allows.")
    else:
        r = clear.loc[clear["difference"].abs().idxmax()]
        d, low, high, unit = difference_parts(r["measure"], r["difference"], r["low"],
                                              r["high"])
        summary.append(f"The largest clear difference: {measure_label(r['measure'], name)} is "
                       f"{pct(r['estimate'])} in B against {pct(r['baseline_estimate'])} in A "
                       f"({d}{unit}; 95% interval {low} to {high}).")
    keys = ["sampler", "seed", "total_runs", "turns", "levers", "engine_version", "status"]
    manifest = pd.DataFrame([(k, str(a.manifest.get(k)), str(b.manifest.get(k))) for k in keys],
                            columns=["", first, second])
    chart_table = table.assign(value=table["value"].astype(str),
                               baseline=table["baseline"].astype(str),
                               measure=[measure_label(m, name) for m in table["measure"]])
    return Report(f"Batch comparison: {a.title}", [
        Section("Summary", [" ".join(summary)]),
        Section("Batches", [Table(manifest, "Manifests")]),
        Section("Differences", [
            "B minus A: outcome probabilities with Newcombe's 95% interval, medians with a "
            "bootstrap 95% interval.",
            Table(difference_table(table, name)),
            Figure("differences", difference_chart(chart_table, title="B - A"),
                   "Differences between the two batches; each panel has its own scale.")]),
        Section("Outcome probabilities", [
            Figure("probabilities", probability_chart(probs, colour=BATCH),
                   "Outcome probabilities in each batch (95% Wilson intervals).")]),
    ])
