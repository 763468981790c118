"""Plain-text views of a played game: the turn table and "why did this change?".

Both read only the model's recorded rows, events and causal log, so what they say cannot
contradict the numbers. ``headline_changes`` is the one "why?" for facilitators: ``brink run
--explain`` prints it and the app's dashboard shows it (classroom mode tells it in plain
sentences, engine/narrate/plain.py).
"""

from __future__ import annotations

from collections import defaultdict

from engine.core.causal import INJECT, MOVE, RANDOM
from engine.core.state import in_sentence, possessive, short_name
from engine.core.variables import HEADLINES, VARIABLES, belief_estimate, show
from engine.moves.catalogue import CATALOGUE, PACKAGE_ORDER, support_amount_text
from engine.narrate.notes import move_params
from engine.narrate.safe_text import one_line

NOTABLE_KINDS = ("inject", "rung", "drawn_in", "accident", "rejected")
# The per-run summary (BrinkModel.summary, one row per run of a batch) names its figures by
# variable, labelled from the table of variables (engine/core/variables.py); "turns" is the only
# figure that is not a variable.
TURNS_PLAYED = "turns played"
EXTREMES = {"max": "peak", "min": "lowest"}


def labels_of(scenario) -> dict:
    """What people call the things a batch's columns name, for reports and summaries: the
    scenario's title, actors' names, named outcomes' names and levers' labels (by id)."""
    return {"title": scenario.title,
            "actors": {a.id: a.name for a in scenario.actors},
            "outcomes": {o.id: o.name for o in scenario.outcomes},
            "levers": {k: lever_label(k, v) for k, v in scenario.levers.items()}}


def lever_label(name: str, lever) -> str:
    """A lever as people read it: its ``label``, else its id in words ("West package")."""
    return lever.label or name.replace("_", " ").capitalize()


def summary_label(column: str, labels: dict | None = None) -> str:
    """A column of a batch's runs table as people read it: "max.world.escalation_level" ->
    "peak escalation level", "russia.strain" -> "Russia's final economic strain",
    "outcome.wider_war" -> the outcome's name, "lever.west_package" -> the lever's label,
    "param.x" -> "x". ``labels`` is a batch manifest's ``labels`` (names by id); without it,
    ids are shown with spaces."""
    labels = labels or {}
    kind, _, rest = column.partition(".")
    if kind == "outcome":
        return labels.get("outcomes", {}).get(rest, rest.replace("_", " "))
    if kind == "lever":
        return labels.get("levers", {}).get(rest, rest.replace("_", " "))
    if kind == "param":
        return rest
    extreme = EXTREMES.get(kind)
    owner, _, figure = (rest if extreme else column).rpartition(".")
    what = figure_label(figure)
    cumulative = ("casualties", "killed", "turns", "humanitarian_toll", "n_drawn_in")
    when = extreme or ("final" if figure not in cumulative else "")
    what = f"{when} {what}".strip()
    if owner in ("", "world"):
        return what
    name = labels.get("actors", {}).get(owner, owner.replace("_", " "))
    return f"{possessive(name)} {what}"


def _short(actor_id: str) -> str:
    return actor_id[:3].upper() if "_" not in actor_id else "".join(
        w[0] for w in actor_id.split("_")).upper()


def notable_events(model, turn: int, limit: int = 2) -> str:
    picked = [e["text"] for e in model.events if e["turn"] == turn and e["kind"] in NOTABLE_KINDS]
    picked += [e["text"] for e in model.events if e["turn"] == turn and e["kind"] == "move"
               and e["visibility"] == "public" and any(
                   k in e["text"] for k in ("sanction", "Disclose", "ceasefire", "talks",
                                            "Nuclear", "Interdict", "UN "))]
    text = " | ".join(picked[:limit])
    return text if len(text) <= 90 else text[:87] + "..."


def turn_table(model) -> str:
    """Turn, date, rung and score, strain per actor, troops, casualties, sanctions, events."""
    frame = model.frame()
    wide = frame.pivot_table(index="turn", columns=["actor", "variable"], values="value",
                             aggfunc="first")
    actors = list(model.state.actors)
    route_owners = {r.actor for r in model.state.routes.values()}
    movers = [a for a in actors if a in route_owners
              or "expeditionary" in model.state.actors[a].capabilities]
    header = ["turn", "date", "rung", "score"] + [f"strain {_short(a)}" for a in actors]
    for a in movers:
        header.append(f"{_short(a)} home/transit/deployed")
    header += ["casualties", "sanctions", "notable events"]
    rows = []
    dates = frame.drop_duplicates("turn").set_index("turn")["date"]
    for turn in wide.index:
        row = wide.loc[turn]
        cells = [str(turn), str(dates[turn].date()), f"{int(row[('world', 'escalation_rung')])}",
                 f"{row[('world', 'escalation_score')]:.1f}"]
        cells += [f"{row[(a, 'strain')]:.2f}" for a in actors]
        for a in movers:
            cells.append(f"{int(row[(a, 'forces_home')]):,}/{int(row[(a, 'in_transit')]):,}/"
                         f"{int(row[(a, 'deployed')]):,}")
        cells.append(f"{int(sum(row[(a, 'casualties')] for a in actors)):,}")
        cells.append(f"{int(row[('world', 'sanctions_in_force')])}")
        # one line each, control characters visible (inject texts and names are user text)
        cells.append(one_line(notable_events(model, turn)) if turn else "start")
        rows.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in rows]
    return "\n".join(out)


def headline_changes(model, turn: int, behind: bool = False) -> list[tuple[str, list]]:
    """Each headline figure whose value changed over ``turn``, as ``(headline, [cause, ...])``:
    the facilitator's "why?" (``brink run --explain`` and the dashboard), read from the causal
    log in the order of the table of variables' ``headline`` ranks. With ``behind``, each
    cause is ``(0, sentence)`` followed by the chain behind it (``chain``: ``(level,
    "because ...")``), back to the moves and injects that set it off.

    A figure that the turn's changes left where it was, or moved too little to show at the
    precision used ("2.1% -> 2.1%"), is left out, as classroom mode's plain "why?" leaves out
    the figures that stayed. Causes are sentences ("North Korea's move: Reinforce a
    deployment. ..."), not the log's internal tags.
    """
    names = {a.id: a.name for a in model.state.actors.values()}
    moves = {m.id: m for m in model.move_log}
    index = _Index(model) if behind else None
    out: list[tuple[str, list]] = []
    for text, entries in _headlines(model, turn):
        causes: list = list(dict.fromkeys(_cause_text(e, names, moves) for e in entries))
        if behind:
            causes = _with_chains(model, entries, names, moves, index)
        out.append((text, causes))
    return out


def _headlines(model, turn: int) -> list[tuple[str, list]]:
    """``(headline, the turn's log entries of its figure)`` for each headline figure that
    visibly changed in ``turn``, in the order of the headline ranks."""
    state = model.state
    names = {a.id: a.name for a in state.actors.values()}
    places = {f"theatre:{t.id}": t.name for t in state.theatres.values()}
    chains: dict[tuple[str, str], list] = defaultdict(list)
    for e in model.log.for_turn(turn):
        chains[(e.target, e.var)].append(e)
    out: list[tuple[str, list]] = []
    for headline in HEADLINES:
        var, label, owner = headline.name, headline.label, headline.owner
        for (target, v), entries in chains.items():
            if v != var or not ((owner == "world" and target == "world")
                                or (owner == "actor" and target in names)
                                or (owner == "theatre" and target.startswith("theatre:"))):
                continue
            who = names.get(target) or places.get(target, target)
            subject = label if owner == "world" else f"{who}: {label}"
            before, after = entries[0].before, entries[-1].after
            if var == "public_beliefs":
                rows = _belief_changes(before, after, names)
            else:
                change = _change(var, before, after, names)
                rows = [(subject, change)] if change else []
            out += [(f"{what}: {change}", entries) for what, change in rows]
    return out


def _with_chains(model, entries, names, moves, index) -> list[tuple[int, str]]:
    """Each entry's cause sentence (level 0), then what it came from (``chain``), each line
    once."""
    out: list[tuple[int, str]] = []
    shown: set[str] = set()
    for e in entries:
        text = _cause_text(e, names, moves)
        if text not in shown:
            shown.add(text)
            out.append((0, text))
        for level, line in chain(model, e, index=index):
            if line not in shown:
                shown.add(line)
                out.append((level, line))
    return out


def figure_label(name: str) -> str:
    """A run summary's figure as people read it: the variable's label, or "turns played"."""
    if name == "turns":
        return TURNS_PLAYED
    var = VARIABLES.get(name)
    return var.label if var is not None else name.replace("_", " ")


def _change(var: str, before, after, names: dict[str, str]) -> str | None:
    """"before -> after" for a figure, or None when it shows no change."""
    if var in ("sanctions", "transfers"):
        return _standing_change(var, before, after, names)
    old, new = show(var, before), show(var, after)
    return None if old == new else f"{old} → {new}"


def _standing_change(var: str, before, after, names: dict[str, str]) -> str | None:
    """Sanctions packages or standing transfers: how many are in force, and what changed
    (added, lifted, a package tightened, enforcement or an amount changed)."""
    def n(actor: str) -> str:
        return names.get(actor, actor)

    if var == "sanctions":
        key = lambda s: (s.sender, s.target, s.package)  # noqa: E731
        old = {key(s): s.enforcement for s in before}
        new = {key(s): s.enforcement for s in after}
        ended, measure = "lifted", "enforcement {:.0%}"

        def what(k):
            return f"{n(k[0])} on {n(k[1])}, {k[2]}"
    else:
        key = lambda t: (t.payer, t.recipient, t.kind)  # noqa: E731
        old = {key(t): _amount(t.kind, t.amount) for t in before}
        new = {key(t): _amount(t.kind, t.amount) for t in after}
        ended, measure = "stopped", "amount {}"

        def what(k):
            return f"{n(k[0])} to {n(k[1])}, {k[2].replace('_', ' ')}"
    added = [k for k in new if k not in old]
    gone = [k for k in old if k not in new]
    parts = []
    if var == "sanctions":  # one sender's package on one target replaced: a tightening
        for k in list(added):
            was = next((g for g in gone if g[:2] == k[:2]), None)
            if was is not None:
                up = (k[2] in PACKAGE_ORDER and was[2] in PACKAGE_ORDER
                      and PACKAGE_ORDER.index(k[2]) > PACKAGE_ORDER.index(was[2]))
                parts.append(f"{'tightened' if up else 'changed'}: {n(k[0])} on {n(k[1])}, "
                             f"{was[2]} → {k[2]}")
                added.remove(k)
                gone.remove(was)
    parts += [f"new: {what(k)}" for k in added]
    parts += [f"{ended}: {what(k)}" for k in gone]
    for k in new:
        if k in old:
            was, now = measure.format(old[k]), measure.format(new[k])
            if was != now:
                label, first = was.split(" ", 1)
                parts.append(f"{what(k)}: {label} {first} → {now.split(' ', 1)[1]}")
    if not parts:
        return None
    count = (f"{len(old)} → {len(new)}" if len(old) != len(new) else f"{len(new)}")
    return f"{count} ({'; '.join(parts)})"


def _amount(kind: str, amount: float) -> str:
    """A standing transfer's amount with its unit: "60 thousand bbl a turn"."""
    return support_amount_text(kind, amount).replace(" per turn", " a turn")


def _belief_changes(before, after, names: dict[str, str]) -> list[tuple[str, str]]:
    """One row per public estimate whose rounded value moved."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    rows = []
    for key, belief in after.items():
        about, quantity = key
        old = f"about {belief_estimate(before[key]):,.0f}" if key in before else "none"
        new = f"about {belief_estimate(belief):,.0f}"
        if old != new:
            what = quantity.replace("_", " ")
            rows.append((f"public estimate of {possessive(names.get(about, about))} {what}",
                         f"{old} → {new}"))
    return rows


def _cause_text(entry, names: dict[str, str], moves: dict) -> str:
    """A causal-log entry as a sentence: whose move, which inject, or which rule, then the
    model's working (the log's ``why``)."""
    why = entry.why.strip().rstrip(".")
    tail = f". {why}." if why else "."
    if entry.kind == MOVE:
        move = moves.get(entry.ref)
        if move is None:
            return f"A move{tail}"
        who = names.get(move.actor, move.actor)
        made = " (made by an inject)" if move.source == "inject" else ""
        return f"{possessive(who)} move: {CATALOGUE[move.type].label}{made}{tail}"
    if entry.kind == INJECT:
        return f"Inject: {why}." if why else "Inject."
    rule = entry.ref.replace("_", " ").capitalize()
    source = f"{rule} ({'chance' if entry.kind == RANDOM else 'rule'})"
    return f"{source}: {why}." if why else f"{source}."




class _Index:
    """Where each variable changed in a model's causal log, to follow references back."""

    def __init__(self, model):
        self.entries = model.log.entries
        self.where: dict[int, int] = {id(e): i for i, e in enumerate(self.entries)}
        self.by_var: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, e in enumerate(self.entries):
            self.by_var[(e.target, e.var)].append(i)
        self.moves = {m.id: m for m in model.move_log}
        self.world = model.state  # names of actors and routes, for a move's parameters

    def before(self, target: str, var: str, index: int):
        """The last change of ``target.var`` logged before position ``index``, or None."""
        found = None
        for i in self.by_var.get((target, var), ()):
            if i >= index:
                break
            found = i
        return None if found is None else self.entries[found]


def chain(model, entry, depth: int = 4, index: _Index | None = None,
          reached: set[str] | None = None, plain: bool = False) -> list[tuple[int, str]]:
    """What a logged change came from, followed back through its references (engine.core.causal
    ``Ref``): the values the rule read, when they last changed and why, down to the moves and
    injects behind them. ``(level, sentence)`` pairs, level 1 for what the change read
    directly. A run of changes a rule made to a value from its own earlier value (troops
    moving along a route turn after turn) is passed through to where the run began.
    ``reached`` collects the ids of the moves the chain leads to. ``plain``: the classroom's
    register (plain labels, names without their brackets, no rule names or move parameters;
    estimates left out)."""
    index = index or _Index(model)
    names = {a.id: short_name(a.name) if plain else a.name
             for a in model.state.actors.values()}
    places = {f"theatre:{t.id}": t.name for t in model.state.theatres.values()}
    out: list[tuple[int, str]] = []
    seen: set = set()

    def follow(e, level: int) -> None:
        if level > depth:
            return
        at = index.where.get(id(e), len(index.entries))
        for ref in e.refs:
            if ref.kind == "move":
                move = index.moves.get(ref.id)
                if reached is not None and move is not None:
                    reached.add(ref.id)
                if move is not None and ("move", ref.id) not in seen:
                    seen.add(("move", ref.id))
                    out.append((level, _move_origin(move, names, plain, index.world)))
                continue
            if ref.kind == "inject":
                if ("inject", ref.id) not in seen:
                    seen.add(("inject", ref.id))
                    out.append((level, f"because of inject {ref.id}"))
                continue
            target, _, var = ref.id.rpartition(".")
            up = index.before(target, var, at)
            # pass through a run of the same rule moving the value from its own earlier value
            hops = 0
            while (up is not None and up.kind == "rule" and hops < 1000
                   and any(r.kind == "var" and r.id == ref.id for r in up.refs)
                   and len(up.refs) == 1):
                earlier = index.before(target, var, index.where[id(up)])
                if earlier is None:
                    break
                up, hops = earlier, hops + 1
            line = None
            while up is not None and id(up) not in seen:
                line = _change_origin(up, names, places, index, plain)
                if line:
                    break
                # a change too small to show (53.7 -> 53.7) is not the story: look further
                # back, to the change of the same value that is
                seen.add(id(up))
                up = index.before(target, var, index.where[id(up)])
            if up is None or id(up) in seen:
                continue
            seen.add(id(up))
            if reached is not None and up.kind == MOVE:
                reached.add(up.ref)
            out.append((level, line))
            follow(up, level + 1)

    follow(entry, 1)
    return out


def consequences(model, turns_after: int = 3) -> dict[str, list[str]]:
    """What each move set off: for every move in the log, the headline changes of its turn
    and the ``turns_after`` turns that follow whose causes lead back to it (``chain``), as
    "turn 3: Russia: economic strain: 0.101 → 0.102". The after-action report's "what each
    decision set off"."""
    index = _Index(model)
    out: dict[str, list[str]] = defaultdict(list)
    turn_of = {m.id: int(m.id.split(".")[0][1:]) for m in model.move_log if m.id}
    for turn in range(1, model.state.turn + 1):
        for text, entries in _headlines(model, turn):
            reached: set[str] = set()
            for e in entries:
                if e.kind == MOVE:
                    reached.add(e.ref)
                chain(model, e, index=index, reached=reached)
            for move_id in sorted(reached):
                if 0 <= turn - turn_of.get(move_id, turn) <= turns_after:
                    out[move_id].append(f"turn {turn}: {text}")
    return dict(out)


def _change_origin(e, names: dict[str, str], places: dict[str, str], index: _Index,
                   plain: bool = False) -> str:
    """"because Russia's trade lost to sanctions rose 40.0 → 100.0 in turn 3 (the economy)",
    or, for a move or inject that set the value, the decision itself ("" for a line not worth
    reading: a change too small to show, an estimate in the classroom)."""
    if e.kind == MOVE and e.ref in index.moves:
        return _move_origin(index.moves[e.ref], names, plain, index.world)
    if plain and e.var in ("beliefs", "public_beliefs"):
        return ""
    who = names.get(e.target) or places.get(e.target) or (
        "" if e.target == "world" else e.target.replace("_", " "))
    row = VARIABLES.get(e.var)
    label = (row.words if plain else row.label) if row else e.var.replace("_", " ")
    if plain:
        who = in_sentence(who)
    subject = f"{possessive(who)} {label}" if who else f"the {label}"
    source = {"inject": "an inject", "random": "chance"}.get(e.kind, e.ref.replace("_", " "))
    if isinstance(e.after, bool) and who:  # a state an actor enters: "the West was drawn in"
        state_now = label if e.after else f"no longer {label}"
        verb = "became" if plain and e.after else "was"
        tail = "" if plain else f" ({source})"
        return f"because {in_sentence(who)} {verb} {state_now} in turn {e.turn}{tail}"
    if e.var in ("sanctions", "transfers"):
        change = _standing_change(e.var, e.before, e.after, names) or "changed"
        moved = f"changed ({change})"
    elif e.var in ("beliefs", "public_beliefs"):
        moved = "changed"
    else:
        old, new = show(e.var, e.before), show(e.var, e.after)
        if old == new:
            return ""  # too small to show at the figure's precision: not worth a line
        try:
            verb = "rose" if float(e.after) > float(e.before) else "fell"
        except (TypeError, ValueError):
            verb = "changed"
        moved = f"{verb} from {old} to {new}" if plain else f"{verb} {old} → {new}"
    if plain:
        return f"because {subject} {moved} in turn {e.turn}"
    return f"because {subject} {moved} in turn {e.turn} ({source})"


def _move_origin(move, names: dict[str, str], plain: bool = False, world=None) -> str:
    """"because the West chose Impose a sanctions package (comprehensive on Russia) on turn 2
    (team: 'make Moscow pay')": the decision at the end of a chain, with the team's reason;
    in the classroom without the parameters ("because the West chose Impose a sanctions
    package in turn 2")."""
    turn = move.id.split(".")[0].lstrip("t") if move.id else "?"
    if plain:
        return (f"because {in_sentence(names.get(move.actor, move.actor))} chose "
                f"{CATALOGUE[move.type].label} in turn {turn}")
    # the parameters as the news feed shows them: names, not ids; numbers with their units
    params = move_params(move, world) if move.params and world is not None else ""
    who = names.get(move.actor, move.actor)
    made = {"human": f"team {who}", "inject": "made by an inject"}.get(move.source,
                                                                         "played by the engine")
    rationale = f": '{move.rationale}'" if move.rationale else ""
    return (f"because {who} chose {CATALOGUE[move.type].label}"
            + (f" ({params})" if params else "") + f" on turn {turn} ({made}{rationale})")


def explain_turn(model, turn: int) -> str:
    """``brink run --explain``: the same figures and causes as the app's "why?"."""
    head = f"Why things changed in turn {turn}"
    lines = []
    for headline, causes in headline_changes(model, turn, behind=True):
        lines.append(f"* {one_line(headline)}")
        lines += [f"    {'  ' * level}- {one_line(cause)}" for level, cause in causes]
    return "\n".join([head, "=" * len(head), *(lines or ["Nothing changed."])])
