"""Plain-language views for the classroom: "why?" sentences, chart captions, the glossary.

Everything here is built from the numbers a game recorded - the causal log
(``model.log.entries``), the tidy per-turn frame (``model.frame()``) and the scenario - so a
sentence can never contradict the chart beside it. Nothing is canned except the glossary and
the labels of variables, moves and causes. Sentences are short and avoid jargon so that a
17-year-old can read them aloud; the engine's own technical sentence (``LogEntry.why``) is
quoted after "The model's working:" for those who want the detail.

The classroom mode of the app is meant to call:

* ``plain_why(model, turn, variable=None, target=None)`` - sentences for one turn;
* ``explanations(model, turn, ...)`` - the same as data (``Explanation`` records);
* ``chart_caption(kind, frame, ...)`` - one sentence per chart;
* ``available_choices(model, actor)``, ``choice_move(choice)``, ``questions_for(scenario,
  turn)`` - the lesson's menu of moves and its questions;
* ``GLOSSARY`` / ``glossary_markdown()`` - terms and plain definitions;
* ``handout_html(scenario)`` in engine/narrate/handout.py - a printable lesson handout.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from engine.core.causal import INJECT, MOVE, RANDOM, LogEntry
from engine.core.ladder import RUNG_NAMES, TOP_RUNG
from engine.core.state import Belief, in_sentence, possessive, short_name
from engine.core.variables import VARIABLES, belief_estimate, confidence_label, show
from engine.moves.catalogue import CATALOGUE, Category, Move, make_move
from engine.narrate.explain import chain as cause_chain

# --- glossary ------------------------------------------------------------------------------------

# Term -> plain definition. docs/reference/glossary.md is generated from this
# (``brink docs glossary``, which prints glossary_markdown()) and a test keeps the two equal; the
# handout prints the terms a lesson uses.
GLOSSARY: dict[str, str] = {
    "actor": "A government or group that makes choices in the game, such as Russia or the "
             "West.",
    "causal log": "The engine's record of every number that changed, with what changed it. "
                  "Every \"why?\" answer is read from it.",
    "ceasefire": "An agreement to stop fighting. In the model it holds when both sides offer "
                 "one within two turns, until either side attacks again.",
    "confirmed": "The highest confidence label, a promise: the estimate is within 50% of the "
                 "true number at least 8 times in 10.",
    "confidence": "How sure an actor is about an estimate. The model shows it as unverified, "
                  "probable or confirmed; each label promises how often the estimate is close "
                  "to the truth, and is given only when the estimate's own range keeps it.",
    "credibility": "How far others believe what an actor says, from 0 (not at all) to 1.",
    "de-escalation": "A move that lowers tension, such as offering talks or a ceasefire. It "
                     "scores a few points below nothing.",
    "deep strike": "An attack far behind the front line, for example on bases or factories "
                   "inside the other country.",
    "disclosure": "Making intelligence public, so that allies and the public can update what "
                  "they believe.",
    "economic strain": "How much pressure an economy is under, from 0 (none) to 1 (breaking). "
                       "It builds up while losses last and eases slowly when they stop.",
    "enforcement": "How strictly sanctions are applied and checked, from 0 to 1. Weak "
                   "enforcement lets more trade slip through.",
    "escalation": "A crisis becoming more intense or more dangerous.",
    # The numbers in these two come from the ladder and the move catalogue themselves.
    "escalation ladder": f"Herman Kahn's list of {TOP_RUNG} steps (rungs) from a diplomatic "
                         f"quarrel to all-out nuclear war. Rung 12 is \"{RUNG_NAMES[12]}\".",
    "escalation points": f"A score for each move: {Category.STATUS_QUO:d} for holding, "
                         f"{Category.POSTURING:d} for posturing, {Category.NON_VIOLENT:d} for "
                         f"non-violent escalation such as sanctions, {Category.VIOLENT:d} for "
                         f"violent moves, {Category.NUCLEAR:d} for nuclear use, and "
                         f"{Category.DE_ESCALATION:d} for de-escalation.",
    "estimate": "An actor's best guess of a hidden number, such as how many troops another "
                "country has sent abroad, with a range around it.",
    "evasion": "Getting round sanctions, for example by trading through countries that do "
               "not apply them. The model calls the trade that gets round them leakage.",
    "heat": "Escalation points above the war's routine, carried over from turn to turn. "
            "Heat moves the escalation level.",
    "horizontal escalation": "A conflict spreading to new countries or places rather than "
                             "becoming more violent where it already is.",
    "hotwash": "The discussion straight after a game: what happened, why, and what to do "
               "differently.",
    "inject": "An event the game's organisers add at a set turn, such as a news report.",
    "intelligence": "Information a government gathers, often in secret, about what others "
                    "are doing.",
    "leakage": "Trade blocked by sanctions that still gets through other partners.",
    "lost trade": "Trade an actor loses because of sanctions, in billions of US dollars a "
                  "year.",
    "Monte Carlo": "Playing the same scenario many times with different random draws and "
                   "uncertain numbers, to see how likely each outcome is.",
    "move": "One choice by an actor in one turn, such as imposing sanctions or offering talks.",
    "nuclear signalling": "Reminding others of one's nuclear weapons, for example with "
                          "exercises or statements, without using them.",
    "outcome": "A named result the game counts, such as \"escalation reaches rung 14\".",
    "probable": "The middle confidence label, a promise: the estimate is within 50% of the "
                "true number more often than not (at least 55%).",
    "rung": "One step on the escalation ladder.",
    "sanctions": "Penalties one country puts on another, such as banning trade or freezing "
                 "money, to change its behaviour or weaken it.",
    "secondary sanctions": "Sanctions on other countries' firms and banks that trade with the "
                           "target, to stop them helping it get round the main sanctions.",
    "seed": "The number that fixes a game's random draws: the same seed gives the same game.",
    "stability": "How secure a government is at home, from 0 (collapsing) to 1 (secure).",
    "transfer": "Help one actor gives another every turn: cash, oil, food, technology, pay "
                "for troops or weapons.",
    "turn": "One step of the game; in these lessons a week or a month.",
    "unverified": "The lowest confidence label: a claim or estimate nobody can yet back up.",
}


def glossary_markdown() -> str:
    """docs/reference/glossary.md: every GLOSSARY term, alphabetically, one bullet each."""
    lines = [
        "# Glossary",
        "",
        "<!-- Generated from engine/narrate/plain.py GLOSSARY by "
        "`brink docs glossary > docs/reference/glossary.md`; do not edit by hand. -->",
        "",
        "Plain definitions of the words Brink's lessons use. The classroom handouts print the "
        "terms each lesson needs.",
        "",
    ]
    lines += [f"- **{term}**: {GLOSSARY[term]}" for term in sorted(GLOSSARY, key=str.lower)]
    return "\n".join(lines) + "\n"


# --- labels --------------------------------------------------------------------------------------

# What a rule's name means in plain words.
RULE_LABELS = {
    "economy": "the economy",
    "logistics": "transport and training",
    "military": "the fighting",
    "politics": "politics at home",
    "escalation": "the escalation ladder",
    "transfers": "help from allies",
    "observation": "new intelligence reports",
    "attrition": "losses in combat (partly chance)",
    "accident": "an accident or misread signal (chance)",
}


def percent(share: float) -> str:
    """A share as a percentage, whole below 99% and from 1% up; closer to 0 or 100% it keeps
    one significant digit of the distance, so 0.38% reads 0.4%, not 0%; exactly 0 and 1 read
    "0%" and "100%". The app's tables use it too, so a share reads the same everywhere."""
    gap = min(share, 1 - share) * 100  # distance from 0% or 100%, in points
    if not gap > 0 or gap >= 1:
        return f"{share:.0%}"
    return f"{share:.{math.ceil(-math.log10(gap) - 1e-9)}%}"


def _turns(n: int) -> str:
    return f"{n} turn" if n == 1 else f"{n} turns"


def _moved(first: float, last: float) -> str:
    """ "rose from 0.10 to 0.31", with a third decimal when two would hide the change."""
    digits = 2 if round(first, 2) != round(last, 2) or first == last else 3
    verb = "rose" if last > first else "fell" if last < first else "stayed at"
    if verb == "stayed at":
        return f"stayed at {first:.{digits}f}"
    return f"{verb} from {first:.{digits}f} to {last:.{digits}f}"


# --- "why?" --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """One figure that changed in one turn, its values and its causes in plain words."""

    turn: int
    target: str  # actor id, "world", "theatre:<id>"
    variable: str  # as in the causal log ("public_beliefs" and "beliefs" per estimate)
    subject: str  # "Russia's economic strain"
    before: str  # formatted values, exactly as the sentences show them
    after: str
    direction: str  # rose | fell | changed | stayed
    causes: tuple[str, ...]  # one plain sentence per cause, in the order they acted
    entries: tuple[LogEntry, ...]  # the log entries it was built from
    about: tuple[str, str] | None = None  # for estimates: (actor estimated, quantity)

    def headline(self) -> str:
        subject = self.subject[0].upper() + self.subject[1:]
        if self.direction == "stayed":
            return f"{subject} stayed at about {self.after} in turn {self.turn}."
        return (f"{subject} {self.direction} from {self.before} to {self.after} in turn "
                f"{self.turn}.")

    def sentences(self) -> list[str]:
        return [self.headline(), *self.causes]


def _names(model) -> dict[str, str]:
    """Names as the classroom reads them: without what their brackets add."""
    names = {a.id: short_name(a.name) for a in model.state.actors.values()}
    for th in model.state.theatres.values():
        names[f"theatre:{th.id}"] = th.name
    names["world"] = "the world"
    return names


def _cause_sentence(model, entry: LogEntry, names: dict[str, str], moves: dict) -> str:
    """A cause as a class reads it: who chose what, which event, or which part of the world
    and what it came from (the causal log's references, ``engine.narrate.explain.chain`` in the
    plain
    register: "Because of the economy: Russia's trade lost to sanctions rose from 12.4 to 53.7
    in turn 2, because the West chose Impose a sanctions package in turn 2."). Never the
    model's working, which is the analyst's (``engine.narrate.explain``)."""
    if entry.kind == MOVE:
        move = moves.get(entry.ref)
        if move is not None:
            who = in_sentence(names.get(move.actor, move.actor))
            label = CATALOGUE[move.type].label
            how = " (an event in the scenario made it)" if move.source == "inject" else ""
            return f"Because {who} chose: {label}{how}."
        return "Because of a move."
    if entry.kind == INJECT:
        inject = next((i for i in model.spec.injects if i.id == entry.ref), None)
        text = inject.text if inject is not None else entry.why
        return f"Because of an event: {text.strip()}"
    what = RULE_LABELS.get(entry.ref, entry.ref.replace("_", " "))
    chance = " and chance" if entry.kind == RANDOM and "chance" not in what else ""
    behind = [line for level, line in cause_chain(model, entry, depth=2, plain=True)
              if level <= 2]
    if not behind:
        return f"Because of {what}{chance}."
    return f"Because of {what}{chance}: " + ", ".join(
        line.removeprefix("because ") if i == 0 else line
        for i, line in enumerate(behind[:2])) + "."


def _belief_parts(model, entry: LogEntry, names: dict[str, str]):
    """One (key, subject, before, after, label) per estimate that moved in a beliefs entry."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    holder = "The public" if entry.target == "world" else names.get(entry.target, entry.target)
    for key in after:
        b0, b1 = before.get(key), after[key]
        if b0 == b1:
            continue
        about, quantity = key
        what = "troops abroad" if quantity == "troops_abroad" else quantity.replace("_", " ")
        subject = (f"{possessive(holder)} estimate of {possessive(names.get(about, about))} "
                   f"{what}")
        label = confidence_label(b1)
        yield (key, subject, belief_estimate(b0) if b0 is not None else 0.0,
               belief_estimate(b1), label)


def _direction(before_text: str, after_text: str, before, after) -> str:
    if before_text == after_text:
        return "stayed"
    try:
        return "rose" if float(after) > float(before) else "fell"
    except (TypeError, ValueError):
        return "changed"


def explanations(model, turn: int, variable: str | None = None,
                 target: str | None = None) -> list[Explanation]:
    """Every labelled figure that changed in ``turn`` (optionally one variable and target).

    ``variable`` is a causal-log variable name (``strain``, ``escalation_level``,
    ``public_beliefs``, ...); ``target`` an actor id, ``world`` or ``theatre:<id>``. Figures
    without a plain label (internal bookkeeping such as the troop pipeline) are left out
    unless asked for by name.
    """
    names = _names(model)
    moves = {m.id: m for m in model.move_log}
    chains: dict[tuple[str, str], list[LogEntry]] = defaultdict(list)
    for e in model.log.for_turn(turn):
        if variable is not None and e.var != variable:
            continue
        if target is not None and e.target != target:
            continue
        if variable is None and not (e.var in VARIABLES and VARIABLES[e.var].explained):
            continue
        chains[(e.target, e.var)].append(e)
    out: list[Explanation] = []
    for (tgt, var), chain in chains.items():
        row = VARIABLES.get(var)
        label = row.words if row is not None else var.replace("_", " ")
        kind = row.format if row is not None else ""
        if kind == "belief":
            # One explanation per estimate: first value before, last value after, and the
            # causes of the entries that moved that estimate.
            per_key: dict = {}
            for e in chain:
                for key, subject, b0, b1, conf in _belief_parts(model, e, names):
                    first = per_key.setdefault(key, [subject, b0, b1, conf, []])
                    first[2], first[3] = b1, conf
                    first[4].append(e)
            for key, (subject, b0, b1, conf, entries) in per_key.items():
                before, after = f"about {round(b0):,}", f"about {round(b1):,}"
                if before == after:  # the spread moved but not the estimate: nothing to say
                    continue
                out.append(Explanation(
                    turn, tgt, var, subject, before, f"{after} ({conf})",
                    _direction(before, after, b0, b1),
                    tuple(_cause_sentence(model, e, names, moves) for e in entries),
                    tuple(entries), key))
            continue
        owner = names.get(tgt, tgt)
        if tgt == "world":
            subject = label if label.startswith("the ") else f"the {label}"
        elif tgt.startswith("theatre:"):
            subject = f"the {label} on the {owner}"
        else:
            subject = f"{possessive(owner)} {label}"
        before, after = show(var, chain[0].before), show(var, chain[-1].after)
        direction = ("changed" if kind == "bool" and before != after else
                     _direction(before, after, *_numeric(kind, chain[0].before,
                                                         chain[-1].after)))
        out.append(Explanation(
            turn, tgt, var, subject, before, after, direction,
            tuple(_cause_sentence(model, e, names, moves) for e in chain), tuple(chain)))
    return out


def _numeric(kind: str, before, after) -> tuple:
    if kind == "count_of":
        return len(before), len(after)
    return before, after


def plain_why(model, turn: int, variable: str | None = None,
              target: str | None = None) -> list[str]:
    """Short sentences saying what changed in ``turn`` and why, from the causal log.

    Example: ``plain_why(model, 5, "strain", "russia")`` -> ["Russia's economic strain rose
    from 0.02 to 0.03 in turn 5.", "Because of the economy. The model's working: ..."].
    Empty when nothing matching changed. Without ``variable``, figures that moved too little
    to show at the precision used (``stayed at about ...``) are left out, to keep the list
    short; ask for a variable to see them.
    """
    sentences: list[str] = []
    for ex in explanations(model, turn, variable, target):
        if variable is None and ex.direction == "stayed":
            continue
        sentences += ex.sentences()
    return sentences


# --- lesson helpers ------------------------------------------------------------------------------


def choice_move(choice) -> Move:
    """The catalogue move a lesson choice stands for, ready for ``model.submit``."""
    return make_move(choice.actor, choice.move.move, choice.move.params, source="human")


def available_choices(model, actor: str | None = None) -> list[tuple[object, str | None]]:
    """Each lesson choice (for ``actor``, or all) with why it would be refused now, or None.

    Checked with the engine's own validation on the current state, so a menu can grey out a
    choice (lifting a package that is not in force, say) and say why.
    """
    lesson = model.spec.lesson
    if lesson is None:
        return []
    return [(c, model.check(choice_move(c))) for c in lesson.choices
            if actor is None or c.actor == actor]


def questions_for(scenario, turn: int | None) -> list[str]:
    """The discussion questions for after ``turn`` (0: before play; None: the hotwash)."""
    return [q.question for q in scenario.discussion if q.turn == turn]


# --- chart captions ------------------------------------------------------------------------------

CAPTION_KINDS = ("escalation", "strain", "troops", "casualties", "estimate", "fan",
                 "probabilities", "branches", "lost_trade", "transfer_relief")


def _series(frame: pd.DataFrame, actor: str, variable: str) -> pd.Series:
    rows = frame[(frame["actor"] == actor) & (frame["variable"] == variable)]
    if rows.empty:
        raise KeyError(f"no rows for {actor}.{variable} in the frame")
    return rows.set_index("turn")["value"].sort_index()


def chart_caption(kind: str, frame: pd.DataFrame, actor: str | None = None,
                  names: dict[str, str] | None = None, about: str | None = None,
                  label: str | None = None, as_percent: bool = False) -> str:
    """One sentence saying what a chart shows, computed from the numbers it plots.

    Kinds and the frame each expects:

    * ``escalation``: the per-turn frame (``model.frame()``) - the rung over turns;
    * ``strain``: the per-turn frame - economic strain of each actor (or ``actor``);
    * ``troops``: the per-turn frame - ``actor``'s troops on the way and deployed;
    * ``casualties``: the per-turn frame - military casualties (killed and wounded) of each
      actor that had any (or of ``actor``), most first: the last figure and the biggest rise
      in one turn;
    * ``estimate``: the per-turn frame - the public's estimate of ``about``'s troops abroad
      against the true number;
    * ``fan``: a fan frame from ``analysis.fans.fan`` (turn, q05, median, q95, runs) for
      ``label`` (what the variable is, e.g. "Russia's economic strain");
    * ``probabilities``: an ``analysis.probabilities.outcome_probabilities`` frame; ``names``
      maps outcome ids to their names;
    * ``branches``: a ``ui.core.branch_series`` frame (index: turn; one column per branch,
      named after it; empty where a branch has not played the turn) for ``label`` (e.g.
      "escalation level"): where each branch ends, how far apart the branches are at the last
      turn they all reached and after which turn their lines part;
    * ``lost_trade``, ``transfer_relief``: the per-turn frame - trade lost to sanctions, or
      net help from others, of the actors in ``names`` (those the chart plots): where each is
      at the last turn and, for trade, the biggest rise in one turn.
    """
    names = names or {}
    if kind == "escalation":
        rung = _series(frame, "world", "escalation_rung").astype(int)
        steps = rung.diff().iloc[1:]
        first, last, top = int(rung.iloc[0]), int(rung.iloc[-1]), int(rung.max())
        turns = int(rung.index[-1] - rung.index[0])
        text = (f"Escalation went from rung {first} to rung {last} over {_turns(turns)}"
                if first != last else f"Escalation started and ended at rung {first} over "
                f"{_turns(turns)}")
        if top > max(first, last):
            text += f", peaking at rung {top} in turn {int(rung.idxmax())}"
        if not steps.empty and steps.max() > 0:
            text += f"; the biggest rise was in turn {int(steps.idxmax())} " \
                    f"(+{int(steps.max())} rung{'s' if steps.max() > 1 else ''})"
        return text + "."
    if kind == "strain":
        actors = [actor] if actor else sorted(
            frame.loc[frame["variable"] == "strain", "actor"].unique())
        changes = {a: _series(frame, a, "strain") for a in actors}
        delta = {a: s.iloc[-1] - s.iloc[0] for a, s in changes.items()}
        if len(actors) == 1:
            s = changes[actors[0]]
            return (f"{possessive(names.get(actors[0], actors[0]))} economic strain "
                    f"{_moved(s.iloc[0], s.iloc[-1])} over "
                    f"{_turns(int(s.index[-1] - s.index[0]))}.")
        # The actor whose strain moved most either way; a rise of 0.004 must not headline a
        # chart on which another actor's strain fell by 0.03.
        a = max(delta, key=lambda k: (abs(delta[k]), k))
        s = changes[a]
        text = (f"Economic strain moved most for {in_sentence(names.get(a, a))}: it "
                f"{_moved(s.iloc[0], s.iloc[-1])}")
        opposite = [k for k in delta if delta[k] * delta[a] < 0 and abs(delta[k]) >= 0.005]
        if opposite:
            b = max(opposite, key=lambda k: (abs(delta[k]), k))
            text += (f", while {possessive(in_sentence(names.get(b, b)))} "
                     f"{_moved(changes[b].iloc[0], changes[b].iloc[-1])}")
        return text + "; 0 means no strain and 1 an economy breaking."
    if kind == "troops":
        if actor is None:
            raise ValueError("a troops caption needs the actor")
        abroad = _series(frame, actor, "in_transit") + _series(frame, actor, "deployed")
        who = names.get(actor, actor)
        return (f"{possessive(who)} troops on the way or deployed went from "
                f"{round(abroad.iloc[0]):,} to {round(abroad.iloc[-1]):,}, with the most, "
                f"{round(abroad.max()):,}, in turn {int(abroad.idxmax())}.")
    if kind == "casualties":
        return _casualties_caption(frame, actor, names)
    if kind == "estimate":
        if about is None:
            raise ValueError("an estimate caption needs 'about' (the actor estimated)")
        public = _series(frame, "public", f"belief.{about}.troops_abroad")
        true = _series(frame, about, "in_transit") + _series(frame, about, "deployed")
        gap = (public - true).abs()
        who = possessive(names.get(about, about))
        return (f"At the end the public estimated {round(public.iloc[-1]):,} of "
                f"{in_sentence(who)} troops abroad against {round(true.iloc[-1]):,} in fact; "
                f"the gap was widest in turn {int(gap.idxmax())} ({round(gap.max()):,}).")
    if kind == "fan":
        what = label or "the value"
        end = frame.sort_values("turn").iloc[-1]
        return (f"Across {int(end['runs']):,} runs, {what} at turn {int(end['turn'])} has a "
                f"median of {end['median']:.2f}, and 9 runs in 10 lie between "
                f"{end['q05']:.2f} and {end['q95']:.2f}.")
    if kind == "probabilities":
        row = frame.sort_values(["p", "outcome"], ascending=[False, True]).iloc[0]
        if row["k"] == 0:  # nothing to call "most likely"
            return (f"None of the {len(frame)} outcomes happened in any of the {row['n']:,} "
                    f"runs; each has a 95% interval from 0% to {percent(row['high'])}.")
        name = names.get(row["outcome"], row["outcome"])
        return (f"The most likely outcome is \"{name}\": {row['k']:,} of {row['n']:,} runs "
                f"({percent(row['p'])}; 95% interval {percent(row['low'])} to "
                f"{percent(row['high'])}).")
    if kind in ("lost_trade", "transfer_relief"):
        return _flow_caption(frame, kind, names or {})
    if kind == "branches":
        return _branches_caption(frame, label or "the value", as_percent)
    raise ValueError(f"unknown chart kind {kind!r}; expected one of {', '.join(CAPTION_KINDS)}")


def _bn(value: float) -> str:
    """An amount in bn USD as people read it: "79.8", "0.14", "1,204"."""
    value = abs(float(value))
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 1 else f"{value:.2g}"


# Trade lost and net help are flows measured over a turn: turn 0 has none yet (it reads 0 even
# with sanctions in force), so charts and captions of them start here; from turn 0, a "rise in
# turn 1" would credit turn 1 with every package already in force at the start.
FIRST_FLOW_TURN = 1


def _flow_caption(frame: pd.DataFrame, variable: str, names: dict[str, str]) -> str:
    """Trade lost to sanctions (``lost_trade``) or net help from others (``transfer_relief``)
    of the actors in ``names``: where each is at the last turn and, for trade, the biggest
    rise in one turn."""
    actors = list(names)
    series = {a: _series(frame, a, variable).loc[FIRST_FLOW_TURN:] for a in actors}
    if all(s.empty for s in series.values()):
        return "No turn has been played yet: these flows are measured over a turn."
    turn = int(max(s.index[-1] for s in series.values()))
    last = {a: float(s.iloc[-1]) for a, s in series.items()}
    order = sorted(actors, key=lambda a: -last[a])  # stable: scenario order on ties
    if variable == "lost_trade":
        parts = [f"{in_sentence(names.get(a, a))} {_bn(last[a])} bn" for a in order]
        parts[0] += " USD a year"
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        text = f"At turn {turn}, sanctions cost {listed} in lost trade"
        steps = {a: s.diff().iloc[1:] for a, s in series.items() if len(s) > 1}
        rises = {a: d for a, d in steps.items() if not d.empty and d.max() > 1e-9}
        if rises:
            a = max(rises, key=lambda k: rises[k].max())
            text += (f"; the biggest rise in one turn was +{_bn(rises[a].max())} bn for "
                     f"{in_sentence(names.get(a, a))}, in turn {int(rises[a].idxmax())}")
        return text + "."
    if variable == "transfer_relief":
        parts = []
        for a in order:
            who, amount = in_sentence(names.get(a, a)), _bn(last[a])
            unit = " bn USD a year" if not parts else " bn"
            if last[a] > 1e-9:
                parts.append(f"{who} received {amount}{unit} more help than it paid out")
            elif last[a] < -1e-9:
                parts.append(f"{who} paid out {amount}{unit} more than it received")
            else:
                parts.append(f"{who} received as much as it paid out")
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        return (f"At turn {turn}, {listed}; help received eases a country's strain, help paid "
                "out adds to it.")
    raise ValueError(f"no flow caption for {variable!r}")


def _casualties_caption(frame: pd.DataFrame, actor: str | None,
                        names: dict[str, str]) -> str:
    """ "Military casualties (killed and wounded) over 8 turns: Russia's rose from 0 to
    28,041, with the biggest rise, +5,000, in turn 3; ..." - most casualties first."""
    rows = frame[frame["variable"] == "casualties"]
    if actor is not None:
        series = {actor: _series(frame, actor, "casualties")}
    else:
        order = {a: i for i, a in enumerate(names)}
        ids = sorted(rows.loc[rows["value"] > 0, "actor"].unique(),
                     key=lambda a: (order.get(a, len(order)), a))
        series = {a: _series(frame, a, "casualties") for a in ids}
    turns = rows["turn"] if len(rows) else frame["turn"]
    span = int(turns.max() - turns.min()) if len(turns) else 0
    hit = {a: s for a, s in series.items() if (s > 0).any()}
    if not hit:
        who = f"{names.get(actor, actor)} had no" if actor is not None else "No actor had"
        return f"{who} military casualties (killed or wounded) over {_turns(span)}."
    parts = []
    for a in sorted(hit, key=lambda k: -hit[k].iloc[-1]):  # stable: scenario order on ties
        s = hit[a]
        first, last = round(s.iloc[0]), round(s.iloc[-1])
        verb = ("rose" if last > first else "fell" if last < first else "stayed at")
        text = f"{possessive(in_sentence(names.get(a, a)))} " + (
            f"stayed at {last:,}" if verb == "stayed at" else f"{verb} from {first:,} to {last:,}")
        steps = s.diff().iloc[1:]
        if not steps.empty and steps.max() > 0:
            text += (f", with the biggest rise, +{round(steps.max()):,}, in turn "
                     f"{int(steps.idxmax())}")
        parts.append(text)
    return f"Military casualties (killed and wounded) over {_turns(span)}: {'; '.join(parts)}."


def _branches_caption(frame: pd.DataFrame, label: str, as_percent: bool = False) -> str:
    """ "Escalation level ends at 14.2 on "Main line" (turn 6) and 11.0 on "Softer line"
    (turn 5); at turn 5, the last turn both reached, they are 2.9 apart; the lines are the
    same up to turn 3 and part after it." Columns are read by position, so two branches with
    the same name cannot trip it up. With ``as_percent`` the values are shares shown in per cent
    ("0.6%"), as a risk is."""
    if as_percent:
        frame = frame * 100
    columns = [frame.iloc[:, i].dropna().sort_index() for i in range(frame.shape[1])]
    if not columns or any(c.empty for c in columns):
        raise ValueError("a branches caption needs at least one turn on every branch")
    common = frame.dropna().sort_index()
    gaps = common.max(axis=1) - common.min(axis=1)
    # the lines differ where the gap is more than float noise
    apart = gaps[gaps > 1e-9 * (1 + common.abs().max(axis=1))]
    gap = float(gaps.iloc[-1]) if len(gaps) else 0.0
    ends = [float(c.iloc[-1]) for c in columns]
    # one decimal from 1 up (like rungs), two below (like shares), and more when fewer would
    # show a real gap as 0 or two different ends as equal
    digits = 1 if as_percent or max(abs(c).max() for c in columns) >= 1 else 2
    while digits < 4 and ((gap and round(gap, digits) == 0)
                          or len({round(e, digits) for e in ends}) < len(set(ends))):
        digits += 1

    def num(v: float) -> str:
        return f"{v:,.{digits}f}" + ("%" if as_percent else "")

    last_turns = [int(c.index[-1]) for c in columns]
    same_end = len(set(last_turns)) == 1
    where = [f"{num(e)} on \"{name}\"" + ("" if same_end else f" (turn {t})")
             for e, name, t in zip(ends, frame.columns, last_turns, strict=True)]
    ends_text = where[0] if len(where) == 1 else ", ".join(where[:-1]) + " and " + where[-1]
    if same_end:
        text = f"At turn {last_turns[0]}, {label} ends at {ends_text}"
    else:
        text = f"{label[:1].upper()}{label[1:]} ends at {ends_text}"
    if len(columns) < 2:
        return text + "."
    if common.empty:
        return text + "; the branches share no turn."
    last_common = int(common.index[-1])
    if apart.empty:
        return text + (f"; the lines are the same on every turn the branches share (up to "
                       f"turn {last_common}).")
    spread = (("they are" if len(columns) == 2 else "the highest and the lowest are")
              + (f" {num(gap)} apart" if gap > 1e-9 * (1 + abs(common.iloc[-1]).max())
                 else " level"))
    if same_end and last_common == last_turns[0]:
        text += f"; {spread}"
    else:
        both = "both" if len(columns) == 2 else f"all {len(columns)}"
        text += f"; at turn {last_common}, the last turn {both} reached, {spread}"
    first = int(apart.index[0])
    before = common.index[common.index < first]
    if len(before):
        return text + f"; the lines are the same up to turn {int(before[-1])} and part after it."
    return text + f"; the lines differ from turn {first}."


def confidence_by_turn(model, about: str) -> list[str]:
    """The public's confidence label about ``about``'s troops abroad, turn by turn.

    Read from the recorded spread (``belief_sd`` rows of the frame) with the labels' own
    promises, so it matches what the game showed at each turn.
    """
    sd = _series(model.frame(), "public", f"belief_sd.{about}.troops_abroad")
    return [confidence_label(Belief(0.0, s * s, 0)) for s in sd if math.isfinite(s)]
