"""Your first Brink scenario: play it once, ask why, play it fifty times, draw a chart.

Run it from the Brink folder (after `make test` or `make run` has created .venv):

    .venv/bin/python docs/tutorials/first-scenario.py

It writes three files into the folder you run it from: escalation.png (a chart),
escalation.md (the same numbers as a table) and outcomes.md (how often each outcome happened).
Read the comments as you go: each step says what it does and why. The tests run this script
(tests/test_tutorial.py), so it stays correct as Brink changes.
"""

import textwrap
from pathlib import Path

import altair as alt

from analysis.fans import fan
from analysis.probabilities import outcome_probabilities
from engine.batch import run_batch
from engine.narrate.explain import turn_table
from engine.narrate.plain import chart_caption, plain_why
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel

# The scenarios live in the Brink folder; find it from where this file is, so the script
# works from any folder.
BRINK = Path(__file__).resolve().parents[2]
SCENARIO = BRINK / "scenarios" / "lessons" / "escalation-ladders.yaml"

# --- Step 1: load a scenario -------------------------------------------------------------------
# A scenario is a YAML file: the actors, what they have, how they decide, and what happens when.
# load_scenario checks every field and reference, and stops with a clear message if something is
# wrong - so once it returns, the file is good.
scenario = load_scenario(SCENARIO)
print(f"Scenario: {scenario.title}")
print(f"{len(scenario.actors)} actors, {scenario.clock.turns} turns of "
      f"{scenario.clock.days_per_turn} days from {scenario.clock.start}")
print()

# --- Step 2: play it once ----------------------------------------------------------------------
# The seed fixes the random draws (losses in combat, what the spies see). The same seed always
# gives the same game; try another seed and compare.
model = BrinkModel(scenario, rng=7).run()
print("Step 2: one game, turn by turn")
print(turn_table(model))
print()

# --- Step 3: ask why ---------------------------------------------------------------------------
# Every change is written to the causal log with its cause. plain_why turns the log into plain
# sentences. Find the turn where the escalation level was highest and ask why it moved then.
frame = model.frame()  # the tidy table: turn, date, actor, variable, value
level = frame[(frame["actor"] == "world") & (frame["variable"] == "escalation_level")]
peak_turn = int(level.loc[level["value"].idxmax(), "turn"])
print(f"Step 3: why did escalation move in turn {peak_turn}, its highest point?")
for sentence in plain_why(model, peak_turn, "escalation_level"):
    print("  " + sentence)
for sentence in plain_why(model, peak_turn, "heat"):
    print("  " + sentence)
print()

# --- Step 4: play it fifty times ---------------------------------------------------------------
# One game is one story. A batch plays the scenario many times, each with its own seed and with
# the uncertain numbers (here how long escalation "heat" lasts) drawn from their ranges. workers=1
# keeps everything in this process, which is plenty for 50 short games. per_turn=True keeps the
# turn-by-turn values so that we can draw them.
batch = run_batch(SCENARIO, runs=50, seed=1, workers=1, per_turn=True)
runs = batch.runs  # one row per game: seed, sampled parameters, final values, outcomes
print(f"Step 4: {len(runs)} games played, {len(batch.failures)} failed")

# How often did each named outcome happen? The interval says how sure we can be with only 50
# games: the true chance lies inside it 95 times in 100.
probabilities = outcome_probabilities(runs)
names = {o.id: o.name for o in scenario.outcomes}
lines = ["| outcome | games | chance | 95% interval |", "|---|---|---|---|"]
for row in probabilities.itertuples():
    lines.append(f"| {names[row.outcome]} | {row.k} of {row.n} | {row.p:.0%} | "
                 f"{row.low:.0%} to {row.high:.0%} |")
Path("outcomes.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
print("\n".join(lines))
print(chart_caption("probabilities", probabilities, names=names))
print()

# --- Step 5: draw a chart ----------------------------------------------------------------------
# A fan chart: for each turn, the middle game (median) and the band that holds 9 games in 10.
bands = fan(batch.per_turn, "escalation_level")
caption = chart_caption("fan", bands, label="the escalation level")
band = alt.Chart(bands).mark_area(opacity=0.3).encode(
    x=alt.X("turn:Q", title="turn", axis=alt.Axis(tickMinStep=1, format="d")),
    y=alt.Y("q05:Q", title="escalation level (rung)", scale=alt.Scale(zero=False)),
    y2="q95:Q",
)
median = alt.Chart(bands).mark_line().encode(x="turn:Q", y="median:Q")
title = alt.TitleParams(textwrap.wrap(caption, 70), fontSize=12)  # the caption, wrapped
chart = (band + median).properties(title=title, width=480, height=260)
chart.save("escalation.png")  # vl-convert draws it offline

# The same numbers as a table, for anyone who cannot see the chart.
table = ["| turn | lowest 5% | median | highest 5% |", "|---|---|---|---|"]
table += [f"| {int(r.turn)} | {r.q05:.2f} | {r.median:.2f} | {r.q95:.2f} |"
          for r in bands.itertuples()]
Path("escalation.md").write_text(caption + "\n\n" + "\n".join(table) + "\n", encoding="utf-8")
print("Step 5: " + caption)
print("Wrote escalation.png, escalation.md and outcomes.md")
