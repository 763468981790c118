"""The after-action report of an exercise as one self-contained HTML file (no Streamlit here).

Sections: first, when turns no longer replay to the figures the room saw (the engine changed
since), a highlighted warning saying which; the exercise (scenario, seed, teams, branches), a
timeline of the line played, every team decision with its rationale, injects, facilitator notes
and discussion answers, charts of the path taken, the path taken beside Monte Carlo futures
played from turn 0, and the other branches compared. Rendering is analysis.render's: the Vega
libraries and every chart spec are inlined, so the file opens offline and fetches nothing.
"""

from __future__ import annotations

import pandas as pd

from analysis.fans import fan
from analysis.render import Figure, Notice, Report, Section, Table, render_html
from engine.core.ladder import RUNG_NAMES
from engine.exercise.session import Exercise
from engine.narrate.explain import consequences, notable_events
from engine.narrate.plain import percent
from ui import charts, core

REPLAY_TITLE = "Differences from the game as played"


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(str)


def timeline(ex: Exercise, branch: int | None = None) -> pd.DataFrame:
    model = ex.model(branch)
    frame = model.frame()
    last = frame.pivot_table(index="turn", columns=["actor", "variable"], values="value",
                             aggfunc="first")
    rows = []
    for turn in last.index:
        r = last.loc[turn]
        rung = int(r[("world", "escalation_rung")])
        rows.append({"turn": turn,
                     "date": str(frame.loc[frame["turn"] == turn, "date"].iloc[0].date()),
                     "rung": f"{rung} ({RUNG_NAMES[rung]})",
                     "wider-war risk": f"{r[('world', 'wider_war_risk')]:.1%}",
                     "sanctions": int(r[("world", "sanctions_in_force")]),
                     "events": notable_events(model, turn, limit=3) if turn else "start"})
    return pd.DataFrame(rows)


def decision_effects(ex: Exercise, branch: int | None = None, most: int = 8) -> pd.DataFrame:
    """Each team move on the line played, with what it set off
    (engine.narrate.explain.consequences):
    turn, team, move, rationale, and at most ``most`` headline changes traced back to it."""
    model = ex.model(branch)
    effects = consequences(model)
    names = ex.names
    rows = []
    for move in model.move_log:
        if move.source != "human":
            continue
        found = effects.get(move.id, [])
        shown = "; ".join(found[:most]) + (f"; and {len(found) - most} more"
                                            if len(found) > most else "")
        rows.append({"turn": int(move.id.split(".")[0][1:]), "team": names[move.actor],
                     "move": core.describe_move({"move": move.type.value,
                                                 "params": move.params}, ex.scenario),
                     "rationale": move.rationale, "what it set off": shown or "nothing yet"})
    return pd.DataFrame(rows)


def after_action_report(ex: Exercise, futures: int = 100) -> str:
    """The report of the current branch; ``futures`` > 0 adds that many futures from turn 0."""
    model = ex.model()
    frame = model.frame()
    names = ex.names
    branch = ex.branches[ex.current]
    teams = ", ".join(f"{names[a]} ({'human team' if t == 'human' else 'engine'})"
                      for a, t in ex.teams.items())
    lineage = " > ".join(b.name + (f" (from turn {b.fork_turn})" if b.fork_turn is not None
                                   else "") for b in ex.lineage())
    overview = Section("Exercise", [
        f"Scenario: {ex.scenario.title} ({ex.source}). Seed {ex.seed}; {ex.turns} turns of "
        f"{ex.scenario.clock.days_per_turn} days from {ex.scenario.clock.start}; "
        f"{ex.turn} played on this line.",
        f"Who played whom: {teams}.",
        f"Line reported: {lineage}. Exercise id {ex.id}, engine {ex.engine_version}. The "
        "same scenario, seed and log replay this exercise exactly.",
        *([f"Levers: {core.levers_text(ex.levers, ex.scenario)}."] if ex.levers else []),
    ])
    notice = " ".join(core.replay_notice(ex.replay_differences()))
    sections = [*([Section(REPLAY_TITLE, [Notice(notice)])] if notice else []), overview,
                Section("Timeline", [Table(_text(timeline(ex)))])]
    decisions = core.decision_log(ex)
    humans = any(t == "human" for t in ex.teams.values())
    sections.append(Section("Decisions", [
        Table(_text(decisions)) if len(decisions) else
        "No team decisions were recorded: the human teams submitted no moves on this line."
        if humans else "No team decisions were recorded (the engine played every actor)."]))
    effects = decision_effects(ex)
    if len(effects):
        sections.append(Section("What each decision set off", [
            "Each team move, and the headline figures of its turn and the three that follow "
            "whose causes lead back to it through the causal log (the figures the rules "
            "computed from what the move changed). A figure usually has several causes; this "
            "lists where this move is one of them.", Table(_text(effects))]))
    injects = core.inject_log(ex)
    sections.append(Section("Injects", [Table(_text(injects)) if len(injects)
                                        else "No injects were played."]))
    notes = [{"turn": n.data["turn"], "question": n.data.get("question", ""),
              "note": n.data["text"]} for n in ex.notes()]
    sections.append(Section("Notes and discussion", [
        Table(_text(pd.DataFrame(notes))) if notes else "No notes were taken."]))

    colours = charts.keyed_colours(names.values())
    figures = [
        Figure("escalation", charts.lines(core.escalation(frame)[["level"]], "rung",
                                          "Escalation level on Kahn's ladder", fit=True),
               "Escalation level per turn."),
        Figure("strain", charts.lines(core.per_actor(frame, "strain", names), "strain (0-1)",
                                      "Economic strain", "actor", colours=colours),
               "Economic strain per actor."),
    ]
    hit = core.with_casualties(frame, names)
    if hit:
        figures.append(Figure("casualties", charts.lines(
            core.per_actor(frame, "casualties", names, only=hit), "killed and wounded",
            "Military casualties", "actor", y_format=charts.COUNT, colours=colours),
            "Cumulative military casualties."))
    sections.append(Section("The path taken", figures))

    if futures and ex.turn:
        sections.append(_futures_section(ex, int(futures)))
    others = [b for b in ex.branches if b != ex.current]
    if others:
        compared = [ex.current, *others]
        table = core.branch_comparison(ex, compared)
        sections.append(Section("Branches compared", [
            core.comparison_note(ex, compared),
            Table(_text(core.comparison_text(table).reset_index(names="figure"))),
            Figure("branches", charts.lines(
                core.branch_series(ex, compared, "world", "escalation_level"),
                "rung", "Escalation level on each branch", "branch", fit=True,
                colours=core.branch_colours(ex)), "")]))
    return render_html(Report(f"After-action report: {ex.title} ({branch.name})", sections))


def _futures_section(ex: Exercise, n: int) -> Section:
    """Where the path taken sits among futures the engine plays from turn 0."""
    model = ex.model()
    frame = model.frame()
    result = ex.futures(n, from_turn=0)
    blocks: list = [
        f"{n} futures of turns 1-{ex.turns}, the engine playing every actor from the start. "
        f"{charts.FAN_KEY} A path outside the bands means the teams' choices or the injects "
        "took the game somewhere the engine alone rarely goes."]
    for label, (actor, var) in {"Escalation level": ("world", "escalation_level"),
                                "Risk of a wider war": ("world", "wider_war_risk")}.items():
        bands = fan(result.per_turn(actor, var), var, actor)
        path = core.path_values(frame, actor, var)
        y_title, y_format = charts.axis_for(var)
        blocks.append(Figure(f"fan-{var}", charts.fan_with_path(
            core.anchored(bands, path.iloc[:1]), path, y_title, label, y_format), label))
    table = core.outcome_table(result, ex.scenario, model)
    if len(table):
        shown = pd.DataFrame({
            "outcome": table["label"],
            "engine alone: probability": table["p"].map(percent),
            "95% interval": [f"{percent(lo)}-{percent(hi)}"
                             for lo, hi in zip(table["low"], table["high"], strict=True)],
            "in the exercise so far": table["so far"]})
        blocks.append(Table(shown, "Named outcomes"))
    return Section("Compared with Monte Carlo futures", blocks)
