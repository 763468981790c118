"""``brink report``: everything a batch says, in one self-contained HTML (or Markdown) report.

Sections, in order: a plain-language summary written from the numbers; the batch (manifest and
failures); outcome probabilities with Wilson intervals (the scenario's named outcomes plus
ad-hoc thresholds on headline figures); fan charts over turns; policy comparison across lever
values; global sensitivity; scenario discovery (PRIM); convergence.

The report must stay quick at 100,000 runs: the per-turn table is read for a handful of
variables only and reduced to quantiles per turn, scatter plots use a fixed subsample, and no
chart carries more than a few thousand rows.

Everything a person reads is named from the batch's manifest (``Batch.label``: outcome names,
lever labels, "peak escalation level" for ``max.world.escalation_level``) and its numbers
follow one rule (analysis.formatting): never scientific notation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.batch import Batch, option_label
from analysis.charts import (
    convergence_chart,
    difference_chart,
    discovery_chart,
    fan_chart,
    probability_chart,
    sensitivity_chart,
)
from analysis.compare import compare_policies, convergence
from analysis.discovery import prim
from analysis.fans import fan
from analysis.formatting import exact, significant
from analysis.probabilities import OPS, wilson_interval
from analysis.render import Figure, Report, Section, Table, slug
from analysis.sensitivity import importance, sobol_indices
from engine.core.errors import UsageError

PEAK_ESCALATION = "max.world.escalation_level"
# The data field of a lever option in charts (the legend is titled with the lever's label:
# a label such as "West's sanctions" is no safe Vega field name).
OPTION = "option"
# Ad-hoc thresholds reported whenever the batch has the column: (column, op, value, label).
# The escalation thresholds are chosen from the data (see escalation_thresholds).
FIXED_THRESHOLDS = (
    ("max.north_korea.troops_abroad", ">=", 50_000, "North Korea deployed 50,000 or more"),
    ("max.north_korea.troops_abroad", ">=", 100_000, "North Korea deployed 100,000 or more"),
    ("max.world.wider_war_risk", ">=", 0.1, "wider-war risk reached 10% a turn"),
)
# Outputs whose variance the sensitivity section splits, and whose medians policies compare.
KEY_OUTPUTS = (PEAK_ESCALATION, "world.humanitarian_toll")
SCATTER_POINTS = 2_000  # runs drawn for scatter plots, whatever the batch size
# Runs read for fan charts: quantile bands from 10,000 runs are as good as from all for a
# chart, and reading a 100,000-run per-turn table whole takes longer than the rest together.
FAN_RUNS = 10_000
MAX_CONVERGENCE_PANELS = 4


@dataclass(frozen=True)
class Threshold:
    column: str
    op: str
    value: float
    label: str

    def hits(self, runs: pd.DataFrame) -> pd.Series:
        return OPS[self.op](runs[self.column], self.value)


def parse_threshold(text: str, runs: pd.DataFrame,
                    label: Callable[[str], str] | None = None) -> Threshold:
    """``"max.north_korea.troops_abroad>=50000"`` to a Threshold on a column of ``runs``,
    labelled with ``label(column)`` (e.g. ``Batch.label``: "North Korea's peak troops abroad
    >= 50,000"); without ``label``, with the column itself."""
    for op in sorted(OPS, key=len, reverse=True):  # ">=" before ">"
        column, sep, value = text.partition(op)
        if sep:
            break
    else:
        raise UsageError(f"--threshold expects COLUMN>=VALUE (or >, <, <=), got {text!r}")
    column = column.strip()
    try:
        limit = float(value)
    except ValueError:
        raise UsageError(f"--threshold {text!r}: {value.strip()!r} is not a number") from None
    if column not in runs.columns or not pd.api.types.is_numeric_dtype(runs[column]):
        what = "no column" if column not in runs.columns else "not a numeric column:"
        examples = [c for c in runs.columns if c.startswith(("max.", "min.", "world."))]
        raise UsageError(f"--threshold {text!r}: {what} {column!r} in the runs table "
                         f"(e.g. {', '.join(examples[:6])})")
    name = label(column) if label else column
    return Threshold(column, op, limit, f"{name} {op} {exact(limit)}")


def escalation_thresholds(runs: pd.DataFrame) -> list[Threshold]:
    """Up to three "escalation reached rung X or higher" thresholds, at the whole rungs
    between the 10th and 90th percentiles of the peak level, where they say the most."""
    if PEAK_ESCALATION not in runs.columns:
        return []
    peak = runs[PEAK_ESCALATION].to_numpy(float)
    low, high = np.quantile(peak, [0.1, 0.9])
    rungs = list(range(math.floor(low) + 1, math.floor(high) + 1))[:3] or [math.floor(high)]
    return [Threshold(PEAK_ESCALATION, ">=", rung, f"escalation reached rung {rung} or higher")
            for rung in rungs]


def default_thresholds(runs: pd.DataFrame) -> list[Threshold]:
    return [*escalation_thresholds(runs),
            *(Threshold(*t) for t in FIXED_THRESHOLDS if t[0] in runs.columns)]


# --- formatting --------------------------------------------------------------------------------


def pct(p: float, fine: bool = False) -> str:
    """41%; one decimal below 10% or when ``fine``; two significant digits below 0.1%."""
    if math.isnan(p):
        return "n/a"
    if p in (0, 1):
        return f"{p:.0%}"
    if abs(p) < 0.001:
        return f"{significant(p * 100, 2)}%"
    return f"{p:.1%}" if fine or abs(p) < 0.1 else f"{p:.0%}"


def _fine(low: float, high: float) -> bool:
    """Narrow intervals (big batches) need a decimal, or 53%–53% says nothing."""
    return high - low < 0.02


def interval(low: float, high: float) -> str:
    fine = _fine(low, high)
    return f"{pct(low, fine)}–{pct(high, fine)}"


def with_interval(p: float, low: float, high: float) -> str:
    """53.2% (52.9%–53.5%): an estimate and its interval at the same precision."""
    return f"{pct(p, _fine(low, high))} ({interval(low, high)})"


def runs_text(n: int) -> str:
    return "1 run" if n == 1 else f"{n:,} runs"


def number(x: float) -> str:
    """14.2, 0.0347, 777,594: analysis.formatting's significant digits."""
    return significant(x)


def capitalised(text: str) -> str:
    """First letter upper case, the rest as written ("escalation ..." -> "Escalation ...",
    "North Korea's ..." unchanged)."""
    return text[:1].upper() + text[1:]


# --- the analysis ------------------------------------------------------------------------------


@dataclass
class Analysis:
    """The numbers the sections and the summary share."""

    batch: Batch
    runs: pd.DataFrame  # the runs with an ``outcome.<label>`` column per reported outcome
    outcomes: dict[str, str]  # label -> "named" or "threshold", in report order
    policy: str | None  # column naming the lever option(s) of each run, if any varied
    probabilities: pd.DataFrame  # outcome, kind, n, k, p, low, high (all runs)

    def name(self, outcome: str) -> str:
        """A reported outcome in words: a named one by its name, a threshold by its label."""
        if self.outcomes.get(outcome) == "threshold":
            return outcome
        return self.batch.label(f"outcome.{outcome}")

    def label(self, column: str) -> str:
        """Any column of ``runs`` in words."""
        if column.startswith("outcome."):
            return self.name(column[len("outcome."):])
        if column == self.policy and len(self.batch.levers) > 1:
            return ", ".join(self.batch.label(c) for c in self.batch.levers)
        return self.batch.label(column)

    @property
    def policy_label(self) -> str | None:
        return self.label(self.policy) if self.policy else None


def analyse(batch: Batch, outcomes: list[str] | None = None,
            thresholds: list[Threshold] | None = None) -> Analysis:
    runs = batch.runs.copy()
    named = batch.outcomes if outcomes is None else outcomes
    unknown = [o for o in named if o not in batch.outcomes]
    if unknown:
        raise UsageError(f"no outcome {unknown[0]!r} in {batch.path} (outcomes: "
                         f"{', '.join(batch.outcomes) or 'none'})")
    kinds = {o: "named" for o in named}
    for threshold in default_thresholds(runs) if thresholds is None else thresholds:
        runs[f"outcome.{threshold.label}"] = threshold.hits(runs)
        kinds[threshold.label] = "threshold"
    dropped = [c for c in runs.columns if c.startswith("outcome.") and c[8:] not in kinds]
    runs = runs.drop(columns=dropped)
    policy = None
    if len(batch.levers) == 1:
        policy = batch.levers[0]
    elif batch.levers:  # several levers varied: one label per combination of options
        policy = "lever.policy"
        runs[policy] = runs[batch.levers].astype(str).agg(", ".join, axis=1)
    rows = []
    for label, kind in kinds.items():
        hits = runs[f"outcome.{label}"].astype(bool)
        low, high = wilson_interval(int(hits.sum()), len(hits))
        rows.append({"outcome": label, "kind": kind, "n": len(hits), "k": int(hits.sum()),
                     "p": hits.mean(), "low": float(low), "high": float(high)})
    return Analysis(batch, runs, kinds, policy, pd.DataFrame(rows))


def _short(column: str) -> str:
    """param.casualty_rate_weekly -> casualty_rate_weekly (parameters keep their ids: they are
    the model's parameter names, docs/reference/model.md)."""
    return column.split(".", 1)[1] if column.startswith(("lever.", "param.")) else column


def _probability_rows(a: Analysis, by: str | None) -> pd.DataFrame:
    """Probability per outcome (``outcome``: its id or threshold label; ``label``: its name),
    and per lever option (``OPTION``)."""
    groups = a.runs.groupby(by, sort=True) if by else [(None, a.runs)]
    rows = []
    for key, group in groups:
        for outcome in a.outcomes:
            hits = group[f"outcome.{outcome}"].astype(bool)
            low, high = wilson_interval(int(hits.sum()), len(hits))
            row = {"outcome": outcome, "label": a.name(outcome), "n": len(hits),
                   "k": int(hits.sum()), "p": hits.mean(), "low": float(low),
                   "high": float(high)}
            if by:
                row[OPTION] = option_label(key)
            rows.append(row)
    return pd.DataFrame(rows)


# --- sections ----------------------------------------------------------------------------------


def batch_section(batch: Batch) -> Section:
    m = batch.manifest
    # The manifest's record keeps the ids beside the names: they are what --lever and the
    # scenario file use.
    levers = "; ".join(f"{batch.label(f'lever.{k}')} ({k}): {', '.join(map(str, v))}"
                       for k, v in m["levers"].items())
    unc = "; ".join(f"{u['name']} ({u['distribution']}, {exact(u['low'])} to "
                    f"{exact(u['high'])})" for u in m["uncertainties"])
    rows = [("scenario", f"{batch.title} ({m['scenario_id']}, {m.get('scenario', '?')})"),
            ("scenario SHA-256", m["scenario_sha256"]),
            ("engine version", m.get("engine_version", "?")),
            ("sampler", m["sampler"]), ("root seed", m["seed"]),
            ("runs planned", f"{m['total_runs']:,} ({m['runs_per_combination']:,} per lever "
                             "combination)"),
            ("runs finished", f"{len(batch.runs):,}"),
            ("runs failed", f"{len(batch.failures):,}"),
            ("levers", levers or "none"), ("uncertain parameters", unc or "none"),
            ("turns", m.get("turns", "?")),
            ("per-turn table", "kept" if batch.has_per_turn else "not kept (run without "
                                                                  "--per-turn)"),
            ("status", m.get("status", "?")),
            ("started / finished", f"{m.get('started')} / {m.get('finished')}"),
            ("executor", f"{m.get('executor', '?')} x{m.get('workers', '?')}"),
            ("folder", str(batch.path))]
    blocks: list = [Table(pd.DataFrame(rows, columns=["", "value"]), "Manifest")]
    if not batch.finished:
        blocks.append(f"The batch's status is '{m.get('status')}': it did not finish, and "
                      "every figure below covers the finished runs only.")
    if len(batch.failures):
        errors = (batch.failures["error"].str.split(":").str[0].value_counts()
                  .rename_axis("error").reset_index(name="runs"))
        blocks += [f"Failed, and left out of every figure: {runs_text(len(batch.failures))}. "
                   "Their seeds, parameters and tracebacks are in failures/.",
                   Table(errors.astype(str), "Failures by error type")]
    return Section("Batch", blocks)


def probability_section(a: Analysis) -> Section:
    table = a.probabilities.assign(
        outcome=a.probabilities["outcome"].map(a.name),
        runs=a.probabilities["n"].map("{:,}".format),
        hits=a.probabilities["k"].map("{:,}".format),
        probability=[pct(p, _fine(lo, hi)) for p, lo, hi in
                     a.probabilities[["p", "low", "high"]].itertuples(index=False)],
        interval=[interval(lo, hi) for lo, hi in
                  zip(a.probabilities["low"], a.probabilities["high"], strict=True)],
    )[["outcome", "kind", "runs", "hits", "probability", "interval"]]
    overall = _probability_rows(a, None)
    blocks: list = [
        "Share of runs in which each outcome happened, with its 95% Wilson score interval. "
        "Named outcomes are the scenario's own; thresholds are ad-hoc outcomes on the runs' "
        "headline figures (peak escalation level, largest deployment, peak wider-war risk).",
        Table(table.rename(columns={"interval": "95% interval"}), "All runs"),
        Figure("probabilities", probability_chart(overall), "Outcome probabilities, all runs."),
    ]
    if a.policy:
        by = _probability_rows(a, a.policy)
        name = a.policy_label
        wide = by.assign(cell=[with_interval(p, lo, hi) for p, lo, hi in
                               zip(by["p"], by["low"], by["high"], strict=True)])
        wide = wide.pivot(index="outcome", columns=OPTION, values="cell").reindex(
            list(a.outcomes))
        wide.index = wide.index.map(a.name)
        wide = wide.reset_index()
        wide.columns.name = None
        blocks += [Table(wide, f"By {name} (probability and 95% interval)"),
                   Figure("probabilities-by-policy",
                          probability_chart(by, colour=OPTION, colour_title=name,
                                            title=f"Outcome probabilities by {name}"),
                          f"Outcome probabilities for each {name} option; click a legend "
                          "entry to highlight it.")]
    return Section("Outcome probabilities", blocks)


def fan_section(a: Analysis) -> Section:
    title = "Over time"
    batch = a.batch
    if not batch.has_per_turn:
        return Section(title, ["This batch was run without --per-turn, so it kept no per-turn "
                               "table and there are no fan charts. Run the batch again with "
                               "--per-turn to see escalation and strain turn by turn."])
    per_turn = batch.per_turn(variables=["escalation_level", "strain"], max_runs=FAN_RUNS)
    used = per_turn["run"].nunique()
    by = [OPTION] if a.policy else None
    runs = (a.runs[["run"]].assign(**{OPTION: a.runs[a.policy].map(option_label)})
            if a.policy else None)
    colour = OPTION if a.policy else None
    blocks: list = ["Median (line), 50% band (darker) and 90% band (lighter) across runs, turn "
                    "by turn" + (f", one colour per {a.policy_label} option" if colour else "")
                    + ". "
                    "Scroll to zoom the turns, drag to pan."]
    if used < len(a.runs):
        blocks.append(f"The bands are computed from {used:,} of the {len(a.runs):,} runs (whole "
                      "chunks spread evenly over the batch, so every option keeps its share): "
                      "plenty for quantiles, and it keeps the report quick.")
    escalation = per_turn[(per_turn["actor"] == "world")
                          & (per_turn["variable"] == "escalation_level")]
    if not escalation.empty:
        bands = fan(escalation, "escalation_level", "world", runs, by)
        blocks.append(Figure("fan-escalation", fan_chart(
            bands, "escalation level (rung)", colour=colour, colour_title=a.policy_label,
            title="Escalation level"),
            "Escalation level on Kahn's ladder (the whole part is the rung)."))
    strain = per_turn[per_turn["variable"] == "strain"]
    actors = sorted(set(strain["actor"].astype(str)))
    if actors:
        bands = pd.concat([fan(strain, "strain", actor, runs, by).assign(
            actor=batch.actor_name(actor)) for actor in actors], ignore_index=True)
        blocks.append(Figure("fan-strain", fan_chart(
            bands, "economic strain", colour=colour, colour_title=a.policy_label,
            facet="actor", title="Economic strain by actor"),
            "Economic strain per actor (0 = none; each panel has its own scale)."))
    return Section(title, blocks)


def _medians(runs: pd.DataFrame) -> list[str]:
    return [c for c in KEY_OUTPUTS if c in runs.columns]


def economic_outputs(runs: pd.DataFrame) -> list[str]:
    """Each actor's final strain and growth: what a sanctions option is meant to move."""
    return [c for c in runs.columns if c.count(".") == 1 and c.split(".")[0] not in (
        "param", "lever", "outcome", "world") and c.endswith((".strain", ".growth"))]


def policy_section(a: Analysis) -> tuple[Section, pd.DataFrame | None]:
    title = "Policy comparison"
    if not a.batch.levers:
        return Section(title, ["The batch varied no lever (one policy option throughout), so "
                               "there is nothing to compare. Run it with --lever "
                               "NAME=a,b,c to compare options."]), None
    blocks: list = [
        "Each option against the baseline (the first option in alphabetical order), on the "
        "same sampled worlds: difference in each outcome's probability with Newcombe's 95% "
        "interval, difference in medians with a bootstrap 95% interval, and difference in "
        "each actor's mean final strain and growth, paired run by run (every option ran the "
        "same seeds, so the luck is common and the interval narrow). Within each "
        "measure, options are ranked from the largest difference to the smallest. An interval "
        "that excludes 0 is a difference the runs can tell apart."]
    # Outcomes that happened in every run or in none differ by nothing: leave them out.
    constant = [f"outcome.{o}" for o in a.outcomes if o not in _uncertain_outcomes(a)]
    runs = a.runs.drop(columns=constant)
    tables = []
    for lever in a.batch.levers:
        table = compare_policies(runs, lever, medians=_medians(runs),
                                 means=economic_outputs(runs))
        tables.append(table)
        named = labelled_comparison(table, a.label)
        shown = named.assign(
            estimate=[format_measure(m, v) for m, v in zip(table["measure"], table["estimate"],
                                                          strict=True)],
            baseline_estimate=[format_measure(m, v) for m, v in
                               zip(table["measure"], table["baseline_estimate"], strict=True)],
            difference=[format_difference(m, d, lo, hi) for m, d, lo, hi in
                        zip(table["measure"], table["difference"], table["low"], table["high"],
                            strict=True)],
        ).rename(columns={"value": "option"})[
            ["measure", "option", "estimate", "baseline", "baseline_estimate", "difference"]]
        name = a.label(lever)
        baseline = named["baseline"].iloc[0]
        blocks += [Table(ranking(named), f"{name}: options ranked, lowest first"),
                   Table(shown.rename(columns={"baseline_estimate": "baseline estimate",
                                               "difference": "difference (95% interval)"}),
                         f"{name}: options against {baseline}"),
                   Figure(f"policy-{slug(_short(lever))}", difference_chart(
                       named, title=f"{name}: difference from {baseline}"),
                       f"Differences between {name} options; each panel has its own scale.")]
    if len(a.batch.levers) > 1:
        blocks.append("With several levers, each is compared over all the options of the "
                      "others (the batch crosses them, so the comparison stays balanced).")
    return Section(title, blocks), pd.concat(tables, ignore_index=True)


def measure_label(measure: str, label: Callable[[str], str]) -> str:
    """A compare_policies measure in words, given a column labeller such as ``Batch.label``:
    "P(intense_crisis)" -> "P(Escalation at rung 14 or higher)",
    "median(max.world.escalation_level)" -> "median peak escalation level"."""
    if measure.startswith("P(") and measure.endswith(")"):
        return f"P({label('outcome.' + measure[2:-1])})"
    if measure.startswith("median(") and measure.endswith(")"):
        return f"median {label(measure[len('median('):-1])}"
    if measure.startswith("mean(") and measure.endswith(")"):
        return f"mean {label(measure[len('mean('):-1])}"
    return measure


def labelled_comparison(table: pd.DataFrame, label: Callable[[str], str]) -> pd.DataFrame:
    """A compare_policies table as people read it: measures in words, options as text with
    spaces for underscores. The numbers are unchanged."""
    return table.assign(measure=[measure_label(m, label) for m in table["measure"]],
                        value=table["value"].map(option_label),
                        baseline=table["baseline"].map(option_label))


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """Per measure, every option (the baseline included) from the lowest estimate to the
    highest, from a compare_policies table."""
    rows = []
    for measure, group in table.groupby("measure", sort=False):
        values = {group["baseline"].iloc[0]: group["baseline_estimate"].iloc[0],
                  **dict(zip(group["value"], group["estimate"], strict=True))}
        order = sorted(values, key=lambda v: values[v])
        rows.append({"measure": measure, "ranking": " ≤ ".join(
            f"{v} ({format_measure(measure, values[v])})" for v in order)})
    return pd.DataFrame(rows)


def format_measure(measure: str, value: float) -> str:
    return pct(value) if measure.startswith("P(") else number(value)


def difference_parts(measure: str, d: float, low: float, high: float
                     ) -> tuple[str, str, str, str]:
    """A difference, its interval's bounds and their unit (" points" for probabilities) as
    text: one precision for the three, set by the largest, so they read on one scale and a
    difference far inside its interval shows as zero ("+0.000", not "+3.47e-05")."""
    unit, factor = (" points", 100) if measure.startswith("P(") else ("", 1)
    values = [v * factor for v in (d, low, high)]
    scale = max(abs(v) for v in values)
    d_text, low_text, high_text = (significant(v, scale=scale, sign=True) for v in values)
    return d_text, low_text, high_text, unit


def format_difference(measure: str, d: float, low: float, high: float) -> str:
    d_text, low_text, high_text, unit = difference_parts(measure, d, low, high)
    return f"{d_text}{unit} ({low_text} to {high_text})"


def sensitivity_section(a: Analysis) -> tuple[Section, pd.DataFrame | None]:
    title = "Sensitivity"
    batch = a.batch
    outputs = [c for c in _medians(a.runs) if a.runs[c].std() > 0]
    if not batch.parameters:
        return Section(title, ["Nothing was sampled in this batch (no uncertain parameters, "
                               "or --sampler fixed), so there is no sensitivity to report."]), None
    if not outputs:
        return Section(title, ["The key outputs did not vary across runs, so there is no "
                               "variance to attribute to the parameters."]), None
    blocks: list = []
    rows = []
    sobol_problem = None
    if batch.manifest["sampler"] == "sobol":
        try:
            for output in outputs:
                table = sobol_indices(a.runs, batch.manifest, output)
                for _, r in table.iterrows():
                    context = "; ".join(f"{batch.label(c)}: {option_label(r[c])}"
                                        for c in table.columns if c.startswith("lever."))
                    for index in ("S1", "ST"):
                        rows.append({"output": a.label(output),
                                     "context": context or "all runs",
                                     "parameter": r["parameter"], "index": index,
                                     "value": r[index], "low": r[index] - r[f"{index}_conf"],
                                     "high": r[index] + r[f"{index}_conf"]})
        except ValueError as exc:  # e.g. failed runs leave the Saltelli design incomplete
            sobol_problem = str(exc)
            rows = []
    if rows:
        blocks.append("Sobol indices from the Saltelli design (SALib): S1 is the share of the "
                      "output's variance a parameter explains alone, ST the share it has a "
                      "hand in, interactions included; the bars show 95% bootstrap intervals. "
                      "Computed separately for each lever combination.")
        method = "Sobol"
    else:
        if sobol_problem:
            blocks.append(f"Sobol indices could not be computed ({sobol_problem}); the "
                          "model-free ranking below is used instead.")
        blocks.append(f"The batch was sampled with '{batch.manifest['sampler']}', not Sobol, so "
                      "this is the model-free ranking: eta², the share of the output's variance "
                      "explained by each parameter alone (binned), and Spearman's rank "
                      "correlation for the direction. Lever options add variance the "
                      "parameters do not explain.")
        for output in outputs:
            table = importance(a.runs, output)
            for _, r in table.iterrows():
                rows.append({"output": a.label(output), "parameter": r["parameter"],
                             "index": "eta²",
                             "value": r["eta2"], "low": r["eta2"], "high": r["eta2"],
                             "spearman": r["spearman"]})
        method = "eta²"
    frame = pd.DataFrame(rows)
    shown = frame.assign(
        value=frame["value"].map("{:.3f}".format),
        interval=[f"{lo:.3f} to {hi:.3f}" for lo, hi in zip(frame["low"], frame["high"],
                                                            strict=True)])
    columns = ["output", *(["context"] if "context" in frame else []), "parameter", "index",
               "value", *(["interval"] if method == "Sobol" else ["spearman"])]
    if "spearman" in shown:
        shown["spearman"] = frame["spearman"].map("{:+.2f}".format)
    blocks += [Table(shown[columns], f"{method} per parameter and output"),
               Figure("sensitivity", sensitivity_chart(frame, f"{method} by parameter"),
                      "Which uncertain parameters drive the key outputs.")]
    return Section(title, blocks), frame


def _uncertain_outcomes(a: Analysis) -> list[str]:
    """Reported outcomes that happened in some runs but not all, most uncertain first."""
    p = a.probabilities.set_index("outcome")["p"]
    return sorted([o for o in a.outcomes if 0 < p[o] < 1], key=lambda o: abs(p[o] - 0.5))


def discovery_section(a: Analysis) -> tuple[Section, list[dict]]:
    title = "Scenario discovery"
    if not a.batch.parameters:
        return Section(title, ["Nothing was sampled, so there are no parameter ranges to "
                               "discover."]), []
    candidates = _uncertain_outcomes(a)
    if not candidates:
        return Section(title, ["Every reported outcome happened in all runs or in none, so "
                               "there is nothing to separate."]), []
    found = []
    for label in candidates:
        box = prim(a.runs, f"outcome.{label}")
        found.append({"outcome": label, "box": box})
    table = pd.DataFrame([{
        "outcome": a.name(f["outcome"]), "rule": f["box"].rule(),
        "coverage": pct(f["box"].coverage), "density": pct(f["box"].density),
        "share of runs in box": pct(f["box"].support),
        "base rate": pct(a.probabilities.set_index("outcome").loc[f["outcome"], "p"])}
        for f in found])
    blocks: list = [
        "PRIM boxes: for each outcome, the ranges of the uncertain parameters where it "
        "concentrates. Coverage is the share of the outcome's runs that fall in the box, "
        "density the share of the box's runs that have the outcome (compare it with the base "
        "rate). A box with no restriction means no parameter range separates the outcome: "
        "chance or the levers decide it.",
        Table(table, "Boxes")]
    first = found[0]
    axes = list(first["box"].limits)
    ranking = importance(a.runs, f"outcome.{first['outcome']}")["parameter"].tolist()
    axes += [p for p in ranking if p not in axes]
    if len(axes) >= 2:
        x, y = f"param.{axes[0]}", f"param.{axes[1]}"
        sample = a.runs.sample(min(SCATTER_POINTS, len(a.runs)), random_state=0)
        hit = a.name(first["outcome"])
        sample = pd.DataFrame({_short(x): sample[x], _short(y): sample[y],
                               "outcome": sample[f"outcome.{first['outcome']}"].astype(bool)})
        blocks.append(Figure("discovery", discovery_chart(
            sample, _short(x), _short(y), "outcome", first["box"].limits,
            f"Where '{hit}' happens (box: {first['box'].rule()})", hit_title=hit),
            f"{len(sample):,} runs drawn at random; red: '{hit}' happened. The black outline is "
            "the PRIM box on these two parameters. Lever options share the sampled worlds, "
            "so their runs lie on the same points. Drag to pan, scroll to zoom."))
    return Section(title, blocks), found


def convergence_section(a: Analysis) -> tuple[Section, pd.DataFrame | None]:
    title = "Convergence"
    chosen = _uncertain_outcomes(a)[:MAX_CONVERGENCE_PANELS]
    if not chosen:
        return Section(title, ["Every reported outcome happened in all runs or in none; the "
                               "Wilson intervals in the table above already say how sure "
                               "that is."]), None
    groups = a.runs.groupby(a.policy, sort=True) if a.policy else [("all runs", a.runs)]
    colour = OPTION if a.policy else None
    frames = []
    for key, group in groups:
        for outcome in chosen:
            table = convergence(group, outcome).assign(outcome=a.name(outcome))
            if colour:
                table[colour] = option_label(key)
            frames.append(table)
    frame = pd.concat(frames, ignore_index=True)
    keys = ["outcome", *([colour] if colour else [])]
    order = {a.name(o): i for i, o in enumerate(chosen)}  # most uncertain first
    last = frame.sort_values("runs", kind="stable").groupby(keys).tail(1).sort_values(
        keys, key=lambda c: c.map(order) if c.name == "outcome" else c, kind="stable")
    shown = last.assign(runs=last["runs"].map("{:,}".format),
                        estimate=[pct(p, _fine(lo, hi)) for p, lo, hi in
                                  last[["estimate", "low", "high"]].itertuples(index=False)],
                        interval=[interval(lo, hi) for lo, hi in
                                  zip(last["low"], last["high"], strict=True)],
                        width=[f"{significant(w * 100)} points" for w in last["width"]])
    shown = shown[["outcome", *([colour] if colour else []), "runs", "estimate", "interval",
                   "width"]].rename(columns={OPTION: a.policy_label})
    blocks: list = [
        "How each estimate and its 95% interval move as runs accumulate (in run order"
        + (f", separately for each {a.policy_label} option" if colour else "")
        + "). A flat line inside "
        "a narrow band means more runs would change little; the width shrinks roughly as one "
        "over the square root of the runs, so halving it takes four times as many.",
        Table(shown, "After all runs"),
        Figure("convergence", convergence_chart(frame, colour=colour,
                                                colour_title=a.policy_label),
               "Estimate (line) and 95% interval (band) after the first n runs.")]
    return Section(title, blocks), last


def summary_section(a: Analysis, policies: pd.DataFrame | None,
                    sensitivity: pd.DataFrame | None, boxes: list[dict],
                    converged: pd.DataFrame | None) -> Section:
    """Plain-language sentences, each written from a number computed in the sections."""
    batch, probs = a.batch, a.probabilities.set_index("outcome")
    n = len(a.runs)
    levers = "; ".join(
        f"{batch.label(c)} over "
        f"{', '.join(option_label(v) for v in sorted(a.runs[c].unique(), key=str))}"
        for c in batch.levers)
    facts = [f"{len(batch.parameters)} uncertain parameters sampled by {batch.manifest['sampler']}"
             if batch.parameters else "no parameters sampled"]
    if levers:
        facts.append(levers)
    scenario = batch.title if batch.labels.get("title") else f"the scenario {batch.title}"
    sentences = [f"This report covers {n:,} runs of {scenario} ({'; '.join(facts)})."]
    headline = [o for o, k in a.outcomes.items() if k == "threshold"
                and o.startswith("escalation reached")]
    if headline:
        pick = min(headline, key=lambda o: abs(probs.loc[o, "p"] - 0.5))
        r = probs.loc[pick]
        sentences.append(f"{capitalised(pick)} in "
                         f"{with_interval(r['p'], r['low'], r['high'])} of the runs "
                         "(95% interval).")
    named = [o for o, k in a.outcomes.items() if k == "named"]
    if named:
        ranked = sorted(named, key=lambda o: -probs.loc[o, "p"])
        parts = [f"{a.name(o)} {with_interval(r['p'], r['low'], r['high'])}"
                 for o, r in probs.loc[ranked].iterrows()]
        sentences.append("Named outcomes, most likely first: " + "; ".join(parts) + ".")
        never = [o for o in named if probs.loc[o, "k"] == 0]
        if never:
            sentences.append(f"{_and([quoted(a.name(o)) for o in never])} happened in no "
                             "run: with 95% confidence, in "
                             f"at most {pct(probs.loc[never[0], 'high'])} of such worlds.")
    opening = len(sentences)  # what happened, in one paragraph; then one finding a paragraph
    if policies is not None:
        sentences += _policy_sentences(a, policies)
    if sensitivity is not None and not sensitivity.empty:
        key = "ST" if (sensitivity["index"] == "ST").any() else "eta²"
        rows = sensitivity[sensitivity["index"] == key]
        for output, group in rows.groupby("output", sort=False):
            top = group.sort_values("value", ascending=False).iloc[0]
            sentences.append(f"{capitalised(output)} depends most on {top['parameter']} ({key} "
                             f"{top['value']:.2f}).")
    restricted = [b for b in boxes if b["box"].limits]
    if restricted:
        b = restricted[0]
        sentences.append(f"{quoted(a.name(b['outcome']))} concentrates where "
                         f"{b['box'].rule()}: that box "
                         f"holds {pct(b['box'].coverage)} of its runs, and "
                         f"{pct(b['box'].density)} of the runs in it have the outcome.")
    if converged is not None:
        widest = converged.sort_values("width").iloc[-1]
        sentences.append(f"The widest interval after all runs spans "
                         f"{significant(widest['width'] * 100)} points ({widest['outcome']}); "
                         "four times "
                         "as many runs would halve it.")
    if len(batch.failures):
        sentences.append(f"Failed, and left out: {runs_text(len(batch.failures))}.")
    if not batch.finished:
        sentences.append("The batch did not finish: these figures cover its finished runs.")
    return Section("Summary", [" ".join(sentences[:opening]), *sentences[opening:]])


def quoted(name: str) -> str:
    """A name quoted inside a sentence ('Risk of a wider war above 50%')."""
    return f"'{name}'"


def _and(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _policy_sentences(a: Analysis, table: pd.DataFrame) -> list[str]:
    """The largest probability difference between options that the runs can tell apart."""
    probs = table[table["measure"].str.startswith("P(")]
    clear = probs[(probs["low"] > 0) | (probs["high"] < 0)]
    if clear.empty:
        return ["No lever option changed any outcome's probability by more than its 95% "
                "interval allows."] if not probs.empty else []
    r = clear.loc[clear["difference"].abs().idxmax()]
    d, low, high, unit = difference_parts(r["measure"], r["difference"], r["low"], r["high"])
    return [f"The clearest policy effect: with {a.label(r['lever'])} set to "
            f"{option_label(r['value'])} rather than {option_label(r['baseline'])}, "
            f"{measure_label(r['measure'], a.label)} was {pct(r['estimate'])} instead of "
            f"{pct(r['baseline_estimate'])} ({d}{unit}, 95% interval {low} to {high})."]


def build_report(batch: Batch, outcomes: list[str] | None = None,
                 thresholds: list[Threshold] | None = None) -> Report:
    a = analyse(batch, outcomes, thresholds)
    probabilities = probability_section(a)
    fans = fan_section(a)
    policies, policy_table = policy_section(a)
    sensitivity, sensitivity_table = sensitivity_section(a)
    discovery, boxes = discovery_section(a)
    converging, converged = convergence_section(a)
    summary = summary_section(a, policy_table, sensitivity_table, boxes, converged)
    return Report(f"Batch report: {batch.title}",
                  [summary, batch_section(batch), probabilities, fans, policies, sensitivity,
                   discovery, converging])
