"""The analyst's sentence for each kind of cause: what the causal log, ``brink run --explain``
and the app's "why?" show beside a change.

Rules and moves return data (``engine.core.causal.Note``: a key and its facts); this module is
where those facts become words. ``SENTENCES`` maps each key to a function of the world (for
names: actors, theatres and routes are named here, never in a rule) and the note's facts. The
classroom's register is ``engine.narrate.plain``, which follows the same causes in plainer words.

To add a kind of cause: a rule returns ``note("<rule>.<what>", fact=...)`` and this module gets
one function under that key; a test (tests/engine/narrate/test_notes.py) plays every shipped
scenario and checks that every note a rule makes has its sentence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from engine.core.causal import Note
from engine.core.ladder import RUNG_NAMES, THRESHOLD_BARRIERS
from engine.core.state import Belief, WorldState
from engine.core.variables import belief_estimate
from engine.moves.catalogue import CATALOGUE, plain_number, support_amount_text

Sentence = Callable[..., str]  # (world, **facts) -> str


def sentence(note: Note | None, world: WorldState) -> str:
    """The analyst's sentence for ``note`` (``""`` for none), naming actors as ``world`` does."""
    if note is None:
        return ""
    return SENTENCES[note.key](world, **note.facts)


def describe(belief: Belief) -> str:
    """An estimate with its 90% range, e.g. "~12,000 (90% range 8,100-17,600)"."""
    sd = math.sqrt(belief.var)
    low = max(0.0, math.expm1(belief.mean - 1.645 * sd))
    high = math.expm1(belief.mean + 1.645 * sd)
    return f"~{belief_estimate(belief):,.0f} (90% range {low:,.0f}-{high:,.0f})"


def move_params(move, state: WorldState) -> str:
    """A move's parameters as the news feed shows them: "target: Russia, package: sectoral",
    "amount: 1,500 USD M per turn" (actors and routes by name, numbers with thousands
    separators and the catalogue's unit, other choices in words)."""
    specs = {p.name: p for p in CATALOGUE[move.type].params}

    def unit(name: str) -> str:
        spec = specs.get(name)
        return spec.unit if spec is not None and spec.name != spec.unit else ""

    def shown(name: str, v) -> str:
        if name == "amount" and "kind" in move.params:  # pay for support: unit by kind
            return support_amount_text(move.params["kind"], v)
        if isinstance(v, int | float) and not isinstance(v, bool):
            if unit(name).startswith("share of "):  # intensity: "70% of full"
                return f"{v:.0%} {unit(name).removeprefix('share ')}"
            return f"{plain_number(v)} {unit(name)}".strip()
        if v in state.actors:
            return state.actors[v].name
        if v in state.routes:
            return state.routes[v].name
        return str(v).replace("_", " ")
    return ", ".join(f"{k.replace('_', ' ')}: {shown(k, v)}" for k, v in move.params.items())


def _joined(world: WorldState, notes: Sequence[Note]) -> str:
    return "; ".join(sentence(n, world) for n in notes)


def _names(world: WorldState, ids: Sequence[str]) -> str:
    return ", ".join(world.name_of(i) for i in ids)


# --- economy -----------------------------------------------------------------------------------


def _economy(w: WorldState, actor: str, pressure: float, trade: Note | None, sender_cost: float,
             received: float, paid: float, war: float, strain_before: float, strain: float,
             growth: float) -> str:
    parts = [sentence(trade, w)] if trade is not None else []
    if sender_cost:
        parts.append(f"pays {sender_cost:.1f} bn/yr in forgone trade as a sender")
    if received:
        parts.append(f"receives {received:.2f} bn/yr in support")
    if paid:
        parts.append(f"pays {paid:.2f} bn/yr in support")
    if war:
        parts.append(f"war costs {war:.1%} of GDP a year")
    return (f"{w.name_of(actor)}: pressure {pressure:+.1%} of GDP/yr"
            + (" (" + "; ".join(parts) + ")" if parts else "")
            + f"; strain {strain_before:.3f} -> {strain:.3f}, growth {growth:+.2f}%/yr")


def _lost_trade(w: WorldState, lost: float, blocked_with: Sequence[tuple[str, float]],
                leaked: float, deterred_with: Sequence[tuple[str, float]], third: float) -> str:
    """The lost trade of one actor as a sum whose terms add up to the total, e.g. "loses
    12.0 bn/yr of trade: 15.0 blocked (with the United States 10.0, the EU 5.0) - 7.5 leaks
    through partners that do not sanction + 4.5 deterred by secondary sanctions". Small sums
    get two decimals, and terms too small to show at that precision are left out."""
    digits = 2 if lost < 1 else 1
    least = 0.5 * 10 ** -digits

    def bn(value: float) -> str:
        return f"{value:.{digits}f}"

    def partners(pairs):
        pairs = sorted((pair for pair in pairs if pair[1] >= least), key=lambda pair: -pair[1])
        if len(pairs) == 1:
            return f" with {w.name_of(pairs[0][0])}"
        shown = ", ".join(f"{w.name_of(other)} {bn(value)}" for other, value in pairs[:3])
        more = f" and {len(pairs) - 3} more" if len(pairs) > 3 else ""
        return f" (with {shown}{more})" if pairs else ""

    terms = []
    blocked = sum(value for _other, value in blocked_with)
    if blocked >= least:
        terms.append(f"{bn(blocked)} blocked{partners(blocked_with)}")
    if leaked >= least:
        terms.append(f"- {bn(leaked)} leaks through partners that do not sanction")
    deterred = sum(value for _other, value in deterred_with)
    if deterred >= least:
        terms.append(f"+ {bn(deterred)} deterred by secondary sanctions"
                     f"{partners(deterred_with)}")
    if third >= least:
        terms.append(f"+ {bn(third)} lost with partners deterred by secondary sanctions")
    text = " ".join(terms).removeprefix("+ ")
    return f"loses {bn(lost)} bn/yr of trade: {text}"


def _shells_received(w: WorldState, actor: str, shells: float) -> str:
    return f"{w.name_of(actor)} receives {shells:,.0f} shells of aid"


def _technology_absorbed(w: WorldState, actor: str, level: float) -> str:
    return f"{w.name_of(actor)} absorbs transferred technology (level {level:.2f})"


# --- escalation --------------------------------------------------------------------------------


def _escalation_points(w: WorldState, actor: str, points: float) -> str:
    return f"{w.possessive_of(actor)} moves this turn score {points:g} points"


def _escalation_level(w: WorldState, score: float, pair: tuple[str, str] | None,
                      usual: float, heat_before: float,
                      heat: float, aim: float, drawn: Sequence[str], horizontal: float,
                      held_below: int | None, easing: float | None,
                      war_hold: tuple[int, str] | None) -> str:
    """Why the level moves: this turn's moves against the usual, the tension built up, who was
    drawn in, and what held the level back (a threshold, friction on the way down, a war)."""
    side = "above" if score > usual else "below" if score < usual else "at"
    between = ("no moves against anyone" if pair is None else
               f"the moves between {w.name_of(pair[0])} and {w.name_of(pair[1])}, the most "
               f"escalated pair, average {score:.1f} escalation points per side")
    notes = [f"this turn {between}, {side} the usual {usual:.1f}; accumulated tension "
             f"{heat_before:+.1f} -> {heat:+.1f} points, which aims the level at rung {aim:.1f}"]
    if drawn:
        notes.append(f"{', '.join(w.name_of(a) for a in drawn)} drawn in "
                     f"(+{horizontal:g} points of tension)")
    if held_below is not None:
        notes.append(f"held below the threshold at rung {held_below} "
                     f"(needs a {THRESHOLD_BARRIERS[held_below]}-point move)")
    if easing is not None:
        notes.append(f"easing slowly: each turn closes {easing:.0%} of the gap")
    if war_hold is not None:
        rung, theatre = war_hold
        notes.append(f"held at rung {rung} while the fighting in {w.theatres[theatre].name} "
                     "goes on")
    return "; ".join(notes)


def _accident(w: WorldState, risk: float, rung: int, rise: float, to_rung: int) -> str:
    return (f"An accident or misread signal (risk {risk:.1%} at rung {rung}) pushes escalation "
            f"up {rise:.1f} rungs to '{RUNG_NAMES[to_rung]}'")


def _third_party_drawn_in(w: WorldState, actor: str, chance: float, struck: bool,
                          allies_struck: Sequence[str], risk: float) -> str:
    """Why an actor outside the fighting joins it: struck itself, an ally struck, or the risk
    of a wider war (a draw at the chance these give)."""
    reasons = []
    if struck:
        reasons.append("it was struck")
    if allies_struck:
        reasons.append(f"its ally {' and '.join(w.name_of(a) for a in allies_struck)} "
                       f"{'was' if len(allies_struck) == 1 else 'were'} struck")
    if risk:
        reasons.append(f"the risk of a wider war stood at {risk:.0%}")
    return (f"{w.name_of(actor)} is drawn into the conflict ({chance:.1%} chance this turn: "
            f"{', and '.join(reasons)})")


def _wider_war(w: WorldState, level: float, more_drawn: int, risk: float) -> str:
    more = ("no more actors" if more_drawn <= 0 else
            "1 more actor" if more_drawn == 1 else f"{more_drawn} more actors")
    return (f"at rung {level:.1f}, with {more} drawn in than at the start, the risk of a "
            f"wider war is {risk:.1%}")


# --- military ----------------------------------------------------------------------------------


def _ceasefire_broken(w: WorldState, theatre: str, attackers: Sequence[str]) -> str:
    return (f"An offensive by {_names(w, attackers)} breaks the ceasefire in "
            f"{w.theatres[theatre].name}")


def _intensity(w: WorldState, theatre: str, intensity: float, attackers: Sequence[str],
               ceasefire: bool) -> str:
    why = (f"offensive by {_names(w, attackers)}" if attackers
           else "ceasefire" if ceasefire else "no new offensive: baseline intensity")
    return f"{w.theatres[theatre].name} intensity {intensity:.2f} ({why})"


def _attrition(w: WorldState, actor: str, theatre: str, casualties: int, killed: int,
               wounded: int, rate: float, intensity: float, power_ratio: float) -> str:
    return (f"{w.name_of(actor)} loses {casualties:,} at the front in "
            f"{w.theatres[theatre].name} ({killed:,} killed, {wounded:,} wounded; rate "
            f"{rate:.1%} at intensity {intensity:.2f}, enemy/own combat power "
            f"{power_ratio:.2f})")


def _readiness(w: WorldState, actor: str, readiness: float, intensity: float) -> str:
    return f"{w.name_of(actor)} readiness {readiness:.2f} after a turn at intensity {intensity:.2f}"


def _front(w: WorldState, theatre: str, power_a: float, power_b: float, intensity: float,
           pressure_before: float, pressure: float) -> str:
    """The front's balance: which side has more combat power, by how much, and where the
    pressure goes (positive pressure favours the first side)."""
    th = w.theatres[theatre]

    def side(ids) -> str:
        names = [w.name_of(a) for a in ids if a in w.actors]
        return " and ".join(names) if len(names) <= 2 else ", ".join(names)

    stronger, weaker, ratio = ((side(th.side_a), side(th.side_b), power_a / power_b)
                               if power_a >= power_b else
                               (side(th.side_b), side(th.side_a), power_b / power_a))
    toward = side(th.side_a) if pressure > 0 else side(th.side_b) if pressure < 0 else "neither"
    return (f"{th.name}: {stronger} field {ratio:.2f} times the combat power of {weaker} at "
            f"intensity {intensity:.2f}; front-line pressure {pressure_before:+.2f} -> "
            f"{pressure:+.2f} (in favour of {toward})")


def _reserve_recovery(w: WorldState, actor: str, reserve: int, readiness: float,
                      before: float) -> str:
    return (f"{w.possessive_of(actor)} {reserve:,} troops in reserve off the line recover: "
            f"readiness {before:.2f} -> {readiness:.2f}")


def _no_front_losses(w: WorldState, actor: str, front: int) -> str:
    return (f"{w.name_of(actor)} loses nobody at the front this turn" if front else
            f"{w.name_of(actor)} has nobody at the front to lose")


def _munitions(w: WorldState, actor: str, fired: float, produced: float) -> str:
    return f"{w.name_of(actor)} fires {fired:,.0f} shells and produces {produced:,.0f}"


def _drawn_in_fighting(w: WorldState, actor: str) -> str:
    return f"{w.possessive_of(actor)} troops are now fighting: it is drawn in"


def _drawn_in_violent(w: WorldState, actor: str) -> str:
    return f"{w.name_of(actor)} makes a violent move: it is drawn in"


# --- intelligence ------------------------------------------------------------------------------


def _observer(w: WorldState, observer: str) -> str:
    return "Open-source reporting" if observer == "public" else w.name_of(observer)


def _report(w: WorldState, observer: str, about: str, label: str | None,
            belief: Belief) -> str:
    return ((f"[{label}] " if label else "") + f"{_observer(w, observer)} estimates "
            f"{w.name_of(about)} has {describe(belief)} troops abroad")


def unlabelled(report: Note) -> Note:
    """An intelligence report without its confidence label in the sentence (for a table that
    shows the label in a column of its own)."""
    return report._replace(facts={**report.facts, "label": None})


def _observations(w: WorldState, observer: str, reports: Sequence[Note]) -> str:
    if reports:
        return _joined(w, reports)
    return "Public estimates drift" if observer == "public" else (
        f"{w.possessive_of(observer)} estimates drift")


def _concealment_wears_off(w: WorldState) -> str:
    return "concealment effort wears off"


def _denial_exposed(w: WorldState, actor: str, belief: Belief | None = None) -> str:
    if belief is None:
        return "denial exposed"
    return (f"{w.possessive_of(actor)} denial is exposed: the public confirms "
            f"{describe(belief)} troops abroad")


# --- logistics and politics --------------------------------------------------------------------


def _pipeline(w: WorldState, actor: str, boarded: int, arrived: int, trained: int,
              returned: int, waiting: int, rerouted: int = 0, cost_usd: float = 0.0) -> str:
    parts = []
    if boarded:
        parts.append(f"{boarded:,} boarded" + (
            f" ({rerouted:,} of them re-routed off an interdicted route)" if rerouted else "")
            + (f" at a transport cost of {cost_usd / 1e6:,.1f} M USD" if cost_usd else ""))
    if arrived:
        parts.append(f"{arrived:,} arrived in theatre")
    if trained:
        parts.append(f"{trained:,} finished training and entered combat")
    if returned:
        parts.append(f"{returned:,} returned home")
    if waiting:
        parts.append(f"{waiting:,} still waiting for route capacity")
    return f"{w.name_of(actor)}: " + "; ".join(parts or ["in transit"])


def _interdiction_eases(w: WorldState, route: str, level: float) -> str:
    return f"Interdiction of {w.routes[route].name} eases to {level:.0%}"


def _stability(w: WorldState, actor: str, before: float, after: float, strain: float,
               casualties: float, payments: float, reversion: float) -> str:
    return (f"{w.name_of(actor)} stability {before:.3f} -> {after:.3f}: strain {strain:+.3f}, "
            f"casualties {casualties:+.3f}, payments {payments:+.3f}, reversion "
            f"{reversion:+.3f}")


# --- moves and injects -------------------------------------------------------------------------


def _dispatch(w: WorldState, actor: str, troops: int, route: str) -> str:
    return f"{w.name_of(actor)} dispatches {troops:,} troops by {w.routes[route].name}"


def _withdraw(w: WorldState, actor: str, troops: int) -> str:
    return f"{w.name_of(actor)} withdraws {troops:,} troops from the front"


def _rotate(w: WorldState, actor: str, troops: int) -> str:
    return f"{w.name_of(actor)} rotates {troops:,} troops: fresh units out, tired units home"


def _pull_back(w: WorldState, actor: str, troops: int) -> str:
    return (f"{w.name_of(actor)} pulls {troops:,} troops back off the line to reconstitute "
            "(still in the theatre)")


def _return_to_front(w: WorldState, actor: str, troops: int) -> str:
    return f"{w.name_of(actor)} sends {troops:,} rested troops back to the front"


def _mobilise(w: WorldState, actor: str, troops: int) -> str:
    return f"{w.name_of(actor)} mobilises {troops:,} more troops"


def _ship_shells(w: WorldState, actor: str, shells: float, recipient: str) -> str:
    return f"{w.name_of(actor)} ships {shells:,.0f} shells to {w.name_of(recipient)}"


def _support(w: WorldState, actor: str, kind: str, recipient: str, amount: float) -> str:
    what = kind.replace("_", " ")
    if amount <= 0:
        return f"{w.name_of(actor)} stops {what} support to {w.name_of(recipient)}"
    return (f"{w.name_of(actor)} provides {what} to {w.name_of(recipient)}: "
            f"{support_amount_text(kind, amount)}")


def _impose(w: WorldState, actor: str, package: str, target: str) -> str:
    return f"{w.name_of(actor)} imposes {package} sanctions on {w.name_of(target)}"


def _tighten(w: WorldState, actor: str, target: str, before: str, after: str) -> str:
    return f"{w.name_of(actor)} tightens sanctions on {w.name_of(target)}: {before} -> {after}"


def _lift(w: WorldState, actor: str, package: str, target: str) -> str:
    return f"{w.name_of(actor)} lifts {package} sanctions on {w.name_of(target)}"


def _enforce(w: WorldState, actor: str, target: str) -> str:
    return f"{w.name_of(actor)} steps up enforcement of its sanctions on {w.name_of(target)}"


def _interdict(w: WorldState, actor: str, route: str, level: float) -> str:
    return (f"{w.name_of(actor)} interdicts {w.routes[route].name}: {level:.0%} of capacity "
            "denied")


def _protest(w: WorldState, actor: str, target: str) -> str:
    return f"{w.name_of(actor)} protests publicly against {w.name_of(target)}"


def _un_action(w: WorldState, actor: str, target: str) -> str:
    return (f"UN action against {w.name_of(target)} passes (no veto); enforcement gains "
            "legitimacy")


def _deep_strike(w: WorldState, actor: str, target: str) -> str:
    return f"{w.name_of(actor)} strikes deep into {w.name_of(target)}"


def _nuclear_signal(w: WorldState, actor: str) -> str:
    return f"{w.name_of(actor)} signals nuclear readiness"


def _nuclear_use(w: WorldState, actor: str, theatre: str) -> str:
    return f"{w.name_of(actor)} uses a nuclear weapon in {w.theatres[theatre].name}"


def _ceasefire_offer(w: WorldState, actor: str, theatre: str) -> str:
    return f"{w.name_of(actor)} offers a ceasefire in {w.theatres[theatre].name}"


def _ceasefire_agreed(w: WorldState, actor: str, theatre: str) -> str:
    return f"Both sides offered a ceasefire in {w.theatres[theatre].name}: it holds"


def _disclose(w: WorldState, actor: str, about: str, belief: Belief, label: str) -> str:
    return (f"{w.name_of(actor)} discloses its estimate that {w.name_of(about)} has "
            f"{describe(belief)} troops abroad [{label}]")


def _deny(w: WorldState, actor: str, about: str, credibility: float) -> str:
    itself = about == actor
    return (f"{w.name_of(actor)} denies that {'it' if itself else w.name_of(about)} has troops "
            f"abroad and {'steps up concealment' if itself else 'helps hide them'} "
            f"(credibility {credibility:.2f})")


def _acknowledge(w: WorldState, actor: str, about: str, troops: int) -> str:
    whose = "its" if about == actor else f"{w.possessive_of(about)}"
    return (f"{w.name_of(actor)} acknowledges officially {whose} {troops:,} troops abroad: "
            "others' estimates close on the figure, and any denial ends")


def _inject(w: WorldState, text: str) -> str:
    return text  # the inject's own words, as the scenario or the facilitator wrote them


SENTENCES: dict[str, Sentence] = {
    "economy.flows": _economy,
    "economy.lost_trade": _lost_trade,
    "transfers.shells": _shells_received,
    "transfers.technology": _technology_absorbed,
    "escalation.points": _escalation_points,
    "escalation.level": _escalation_level,
    "escalation.accident": _accident,
    "escalation.wider_war": _wider_war,
    "escalation.drawn_in": _third_party_drawn_in,
    "military.ceasefire_broken": _ceasefire_broken,
    "military.intensity": _intensity,
    "military.attrition": _attrition,
    "military.readiness": _readiness,
    "military.front": _front,
    "military.munitions": _munitions,
    "military.reserve_recovery": _reserve_recovery,
    "military.no_front_losses": _no_front_losses,
    "military.drawn_in_fighting": _drawn_in_fighting,
    "military.drawn_in_violent": _drawn_in_violent,
    "observation.report": _report,
    "observation.looks": _observations,
    "observation.concealment_wears_off": _concealment_wears_off,
    "observation.denial_exposed": _denial_exposed,
    "logistics.pipeline": _pipeline,
    "logistics.interdiction_eases": _interdiction_eases,
    "politics.stability": _stability,
    "move.dispatch": _dispatch,
    "move.withdraw": _withdraw,
    "move.rotate": _rotate,
    "move.pull_back": _pull_back,
    "move.return_to_front": _return_to_front,
    "move.mobilise": _mobilise,
    "move.ship_shells": _ship_shells,
    "move.support": _support,
    "move.impose": _impose,
    "move.tighten": _tighten,
    "move.lift": _lift,
    "move.enforce": _enforce,
    "move.interdict": _interdict,
    "move.protest": _protest,
    "move.un_action": _un_action,
    "move.deep_strike": _deep_strike,
    "move.nuclear_signal": _nuclear_signal,
    "move.nuclear_use": _nuclear_use,
    "move.ceasefire_offer": _ceasefire_offer,
    "move.ceasefire_agreed": _ceasefire_agreed,
    "move.disclose": _disclose,
    "move.deny": _deny,
    "move.acknowledge": _acknowledge,
    "inject": _inject,
}

__all__ = ["SENTENCES", "describe", "move_params", "sentence", "unlabelled"]
