"""Plain-text views of a played game: the turn table and "why did this change?".

Both read only the model's recorded rows, events and causal log, so what they say cannot
contradict the numbers.
"""

from __future__ import annotations

from collections import defaultdict

from engine.causal import LogEntry

NOTABLE_KINDS = ("inject", "rung", "drawn_in", "accident", "rejected")
HEADLINES = (
    ("world", "escalation_level", "escalation level (rung)"),
    ("world", "escalation_score", "escalation score"),
    ("world", "wider_war_risk", "risk of a wider war"),
    ("world", "sanctions", "sanctions in force"),
    ("world", "transfers", "standing transfers"),
    ("*", "strain", "economic strain"),
    ("*", "growth", "growth (%/yr)"),
    ("*", "stability", "stability"),
    ("*", "forces_home", "troops at home"),
    ("*", "queued", "troops waiting for transport"),
    ("*", "in_transit", "troops in transit"),
    ("*", "deployed", "troops deployed"),
    ("*", "killed", "killed"),
    ("*", "wounded", "wounded"),
    ("*", "drawn_in", "drawn into the conflict"),
    ("theatre", "front_pressure", "front-line pressure"),
    ("world", "public_beliefs", "public estimates"),
)


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
        cells.append(notable_events(model, turn) if turn else "start")
        rows.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in rows]
    return "\n".join(out)


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3f}"
    if isinstance(value, tuple):
        return f"{len(value)} in force"
    if isinstance(value, dict):  # beliefs: median estimates
        from engine.variables import belief_estimate

        return ", ".join(f"{k[0]} ~{belief_estimate(b):,.0f}" for k, b in value.items())
    return str(value)


def explain_entries(entries: list[LogEntry], names: dict[str, str]) -> list[str]:
    """Group a turn's log entries under the headline figures they moved."""
    by_key: dict[tuple[str, str], list[LogEntry]] = defaultdict(list)
    for e in entries:
        by_key[(e.target, e.var)].append(e)
    lines = []
    for scope, var, label in HEADLINES:
        keys = [k for k in by_key if k[1] == var and (
            k[0] == scope or (scope == "*" and k[0] in names)
            or (scope == "theatre" and k[0].startswith("theatre:")))]
        for key in keys:
            chain = by_key[key]
            who = names.get(key[0], key[0].replace("theatre:", "theatre "))
            subject = label if scope == "world" else f"{who}: {label}"
            lines.append(f"* {subject}: {_fmt(chain[0].before)} -> {_fmt(chain[-1].after)}")
            for e in chain:
                lines.append(f"    - [{e.phase}; {e.kind} {e.ref}] {e.why}")
    return lines


def explain_turn(model, turn: int) -> str:
    names = {a.id: a.name for a in model.state.actors.values()}
    entries = model.log.for_turn(turn)
    head = f"Why things changed in turn {turn}"
    lines = explain_entries(entries, names)
    return "\n".join([head, "=" * len(head), *(lines or ["Nothing changed."])])
