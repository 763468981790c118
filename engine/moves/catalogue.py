"""The move catalogue: the one canonical table of move types.

Each move type has an id, the capability an actor needs to use it, its parameters and their
bounds, a visibility, an escalation category (which fixes its points, after Rivera et al. 2024),
its preconditions, its immediate effects and its appeal to the logit policy. Nothing else in
Brink defines a move: the CLI's ``brink moves``, the YAML checks, the policies and the tabletop
forms all read this table.

Effects are pure functions ``(state, move, params) -> list[Change]``. Moves that act through a
rule rather than at once (operations are read by the military rule, sanctions by the economy
rule) say so in ``effect_text``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum
from typing import Any, NamedTuple

from engine.core import caching
from engine.core.beliefs import acknowledgement_changes, denial_changes, disclosure_changes
from engine.core.causal import MOVE, Cause, Change, note
from engine.core.state import Cohort, Sanction, Transfer, WorldState


class Category(IntEnum):
    """Escalation categories and their points (Rivera et al. 2024, calibration §3.3)."""

    DE_ESCALATION = -2
    STATUS_QUO = 0
    POSTURING = 4
    NON_VIOLENT = 12
    VIOLENT = 28
    NUCLEAR = 60


class Visibility(StrEnum):
    PUBLIC = "public"  # everyone sees it at once
    PRIVATE = "private"  # the actors named in it see it
    COVERT = "covert"  # seen only through intelligence


class MoveType(StrEnum):
    HOLD = "hold"
    DEPLOY_TROOPS = "deploy_troops"
    REINFORCE_TROOPS = "reinforce_troops"
    ROTATE_TROOPS = "rotate_troops"
    WITHDRAW_TROOPS = "withdraw_troops"
    PULL_BACK_TROOPS = "pull_back_troops"
    RETURN_TO_FRONT = "return_to_front"
    MOBILISE = "mobilise"
    TRANSFER_MUNITIONS = "transfer_munitions"
    PAY_SUPPORT = "pay_support"
    MILITARY_AID = "military_aid"
    IMPOSE_SANCTIONS = "impose_sanctions"
    TIGHTEN_SANCTIONS = "tighten_sanctions"
    LIFT_SANCTIONS = "lift_sanctions"
    ENFORCE_SANCTIONS = "enforce_sanctions"
    INTERDICT = "interdict"
    DIPLOMATIC_PROTEST = "diplomatic_protest"
    UN_ACTION = "un_action"
    DISCLOSE_INTELLIGENCE = "disclose_intelligence"
    DENY_CONCEAL = "deny_conceal"
    ACKNOWLEDGE_DEPLOYMENT = "acknowledge_deployment"
    OFFENSIVE_OPERATION = "offensive_operation"
    DEFENSIVE_OPERATION = "defensive_operation"
    DEEP_STRIKE = "deep_strike"
    NUCLEAR_SIGNALLING = "nuclear_signalling"
    NUCLEAR_USE = "nuclear_use"
    OFFER_TALKS = "offer_talks"
    OFFER_CEASEFIRE = "offer_ceasefire"


# Sanctions packages, weakest to strongest. Coverage = share of each sector's trade blocked at
# full enforcement. "secondary" adds pressure on third parties' trade with the target.
SANCTION_PACKAGES: dict[str, dict[str, float]] = {
    "targeted": {"finance": 0.3, "arms": 0.5, "other": 0.05},
    "sectoral": {"energy": 0.5, "finance": 0.6, "arms": 1.0, "raw_materials": 0.5,
                 "manufactures": 0.3, "other": 0.1},
    "comprehensive": {"energy": 0.9, "finance": 0.9, "arms": 1.0, "raw_materials": 0.9,
                      "manufactures": 0.9, "food": 0.3, "other": 0.8},
    "secondary": {"energy": 0.3, "finance": 0.5, "arms": 0.8, "raw_materials": 0.3,
                  "manufactures": 0.2, "other": 0.1},
}
PACKAGE_ORDER = ("targeted", "sectoral", "comprehensive")
INITIAL_ENFORCEMENT = 0.6
ENFORCE_STEP = 0.15

# Per-kind bounds and units for pay_support's amount (per turn).
SUPPORT_KINDS: dict[str, tuple[float, float, str]] = {
    "cash": (0.0, 2000.0, "USD M per turn"),
    "oil": (0.0, 2000.0, "thousand bbl per turn"),
    "food": (0.0, 200.0, "thousand tonnes per turn"),
    "technology": (0.0, 1.0, "level 0..1 per turn"),
    "payroll": (0.0, 1.0, "of the going rate, 1 = full pay for the recipient's troops abroad"),
}


@dataclass(frozen=True, slots=True)
class ParamSpec:
    name: str
    kind: str  # int | float | choice | actor | theatre | route
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    default: Any = None
    unit: str = ""
    optional: bool = False  # may be omitted even without a default (e.g. "the actor's own")

    def describe(self) -> str:
        if self.kind in ("int", "float"):
            text = (f"{self.name}: {plain_number(self.low)}..{plain_number(self.high)} "
                    f"{self.unit}").strip()
        elif self.kind == "choice":
            text = f"{self.name}: {'|'.join(self.choices)}"
        else:
            text = f"{self.name}: <{self.kind}>"
        if self.optional:
            text += " (optional)"
        elif self.default is not None:
            text += f" (default {self.default})"
        return text


def support_amount_text(kind: str, amount: float) -> str:
    """A standing transfer's amount a turn, with its unit: "60 thousand bbl per turn",
    "100% of the going rate" (payroll), "technology level 0.5 per turn"."""
    if kind == "payroll":
        return f"{amount:.0%} of the going rate"
    if kind == "technology":
        return f"technology level {amount:.2g} per turn"
    unit = SUPPORT_KINDS[kind][2] if kind in SUPPORT_KINDS else "USD M per turn"
    return f"{plain_number(amount)} {unit}"


# Standing transfers whose amount is a flow (so much a turn: a turn twice as long carries twice
# as much). Payroll (a share of the going rate) and technology (a level) are not flows.
FLOW_KINDS = frozenset({"cash", "oil", "food", "military_aid"})
# The amounts of a move made every turn (a standing order) that are flows as well.
STANDING_FLOWS = ("troops", "shells")


def at_turn_length(move_name: str, params: dict, scale: float, standing: bool) -> dict:
    """A move's parameters as a scenario writes them (per clock.rate_days), for a turn
    ``scale`` times as long: a standing transfer's amount (a flow) is multiplied by ``scale``,
    and so are the troops and shells of a standing order made every turn (``standing``),
    rounded to whole troops. A one-off move's troops, a share and a level are kept. ``params``
    itself when ``scale`` is 1."""
    if scale == 1:
        return params
    out = dict(params)
    kind = "military_aid" if move_name == MoveType.MILITARY_AID else params.get("kind")
    if move_name in (MoveType.PAY_SUPPORT, MoveType.MILITARY_AID) and kind in FLOW_KINDS \
            and "amount" in out:
        out["amount"] = float(out["amount"]) * scale
    if standing:
        for name in STANDING_FLOWS:
            if name in out and not isinstance(out[name], str):
                out[name] = (round(out[name] * scale) if name == "troops"
                             else float(out[name]) * scale)
    return out


def plain_number(x: float) -> str:
    """A number for a sentence: "1,500" (not "1500.0"), "0.7"."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.6g}"


@dataclass(frozen=True, slots=True)
class Move:
    """A concrete move by ``actor``. ``id`` is assigned when the move is adjudicated."""

    actor: str
    type: MoveType
    params: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    source: str = "policy"  # policy | human | inject | replay
    rationale: str = ""

    def describe(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.actor}: {self.type.value}({args})"


Effect = Callable[[WorldState, Move], list[Change]]


@dataclass(frozen=True, slots=True)
class MoveSpec:
    type: MoveType
    label: str
    capability: str | tuple[str, ...] | None  # None: any actor; a tuple: any one of them
    params: tuple[ParamSpec, ...]
    visibility: Visibility
    category: Category
    effect: Effect
    effect_text: str
    preconditions: tuple[Requirement, ...] = ()
    # Appeal to the logit policy along each utility dimension (security, economy, regime,
    # reputation), scaled by the actor's situation: the judgement part of a move's worth. What
    # a move costs in money, trade, troops and credibility is reckoned from the state instead
    # (engine/policies/utility.py), so no appeal stands for it.
    appeal: dict[str, float] = field(default_factory=dict)

    @property
    def points(self) -> int:
        return int(self.category)


# --- helpers used by effects and preconditions -------------------------------------------------


def _cause(state: WorldState, move: Move, key: str, **facts) -> Cause:
    """The cause of a move's changes: the move, and what it did as a note for the log (lean
    runs log nothing, so they get none)."""
    return Cause(MOVE, move.id or move.type.value,
                 note(key, actor=move.actor, **facts) if state.explain else None)


def news(state: WorldState, moves) -> dict[str, dict[str, int]]:
    """What each actor sees done to it by ``moves`` (the moves of a turn): actor -> move ->
    count of the moves by others that name it (as target, recipient or subject) or one of its
    routes. An actor a move names is party to it, so it knows even of a covert one (the shells
    shipped to it); a move that names nobody (a covert deployment) is nobody's news."""
    seen: dict[str, dict[str, int]] = {}
    for move in moves:
        named = {move.params.get(p) for p in ("target", "recipient", "about")}
        route = state.routes.get(move.params.get("route", ""))
        if route is not None:
            named.add(route.actor)
        for actor in named - {None, move.actor}:
            if actor in state.actors:
                counts = seen.setdefault(actor, {})
                counts[move.type.value] = counts.get(move.type.value, 0) + 1
    return seen


def _route_for(state: WorldState, move: Move):
    route_id = move.params.get("route")
    if route_id:
        return state.routes.get(route_id)
    return next((r for r in state.routes.values() if r.actor == move.actor), None)


def _sanctions_by(state: WorldState, sender: str, target: str) -> list[Sanction]:
    return [s for s in state.sanctions if s.sender == sender and s.target == target]


def _allies(state: WorldState, actor: str) -> frozenset[str]:
    return state.alliances.get(actor, frozenset())


# --- effects -----------------------------------------------------------------------------------


def _no_effect(state, move):
    return []


def _dispatch(state: WorldState, move: Move) -> list[Change]:
    me = state.actors[move.actor]
    troops = int(move.params["troops"])
    route = _route_for(state, move)
    c = _cause(state, move, "move.dispatch", troops=troops, route=route.id)
    return [
        (move.actor, "forces_home", me.forces_home - troops, c),
        (move.actor, "queued", me.queued + troops, c),
        (move.actor, "pipeline", (*me.pipeline, Cohort(route.id, "queued", troops, 0)), c),
    ]


def _withdraw(state: WorldState, move: Move) -> list[Change]:
    me = state.actors[move.actor]
    troops = int(move.params["troops"])
    route = _route_for(state, move)
    c = _cause(state, move, "move.withdraw", troops=troops)
    back = Cohort(route.id, "returning", troops, route.transit_turns)
    return [
        (move.actor, "front", me.front - troops, c),
        (move.actor, "deployed", me.deployed - troops, c),
        (move.actor, "in_transit", me.in_transit + troops, c),
        (move.actor, "pipeline", (*me.pipeline, back), c),
    ]


def _rotate(state: WorldState, move: Move) -> list[Change]:
    me = state.actors[move.actor]
    troops = int(move.params["troops"])
    route = _route_for(state, move)
    c = _cause(state, move, "move.rotate", troops=troops)
    pipeline = (*me.pipeline, Cohort(route.id, "returning", troops, route.transit_turns),
                Cohort(route.id, "queued", troops, 0))
    return [
        (move.actor, "front", me.front - troops, c),
        (move.actor, "deployed", me.deployed - troops, c),
        (move.actor, "forces_home", me.forces_home - troops, c),
        (move.actor, "queued", me.queued + troops, c),
        (move.actor, "in_transit", me.in_transit + troops, c),
        (move.actor, "pipeline", pipeline, c),
        (move.actor, "readiness", min(1.0, me.readiness + 0.1), c),
    ]


def _mixed(troops: int, readiness: float, more: int, more_readiness: float) -> float:
    """The readiness of two bodies of troops put together: the troop-weighted mean."""
    total = troops + more
    return (troops * readiness + more * more_readiness) / total if total else readiness


def _pull_back(state: WorldState, move: Move) -> list[Change]:
    me = state.actors[move.actor]
    troops = int(move.params.get("troops") or me.front)
    c = _cause(state, move, "move.pull_back", troops=troops)
    # the units come off the line as tired as the front is: they join the reserve's readiness
    return [
        (move.actor, "front", me.front - troops, c),
        (move.actor, "reserve", me.reserve + troops, c),
        (move.actor, "reserve_readiness",
         _mixed(me.reserve, me.reserve_readiness, troops, me.readiness), c),
    ]


def _return_to_front(state: WorldState, move: Move) -> list[Change]:
    me = state.actors[move.actor]
    troops = int(move.params.get("troops") or me.reserve)
    c = _cause(state, move, "move.return_to_front", troops=troops)
    # rested units lift the readiness of the front by their share of it
    return [
        (move.actor, "reserve", me.reserve - troops, c),
        (move.actor, "front", me.front + troops, c),
        (move.actor, "readiness", _mixed(me.front, me.readiness, troops, me.reserve_readiness), c),
    ]


def _mobilise(state: WorldState, move: Move) -> list[Change]:
    me = state.actors[move.actor]
    troops = int(move.params["troops"])
    c = _cause(state, move, "move.mobilise", troops=troops)
    share = troops / max(me.initial_forces, 1)
    return [
        (move.actor, "forces_home", me.forces_home + troops, c),
        (move.actor, "mobilised", me.mobilised + troops, c),
        (move.actor, "stability", max(0.0, me.stability - 0.1 * share), c),
        (move.actor, "strain", min(1.0, me.strain + 0.05 * share), c),
    ]


def _transfer_munitions(state: WorldState, move: Move) -> list[Change]:
    me = state.actors[move.actor]
    to = state.actors[move.params["recipient"]]
    shells = float(move.params["shells"])
    c = _cause(state, move, "move.ship_shells", shells=shells, recipient=to.id)
    return [
        (me.id, "munitions", me.munitions - shells, c),
        (to.id, "munitions", to.munitions + shells, c),
    ]


def _standing_transfer(kind_param: str | None, fixed_kind: str | None = None) -> Effect:
    def effect(state: WorldState, move: Move) -> list[Change]:
        kind = fixed_kind or move.params[kind_param]
        recipient = move.params["recipient"]
        amount = float(move.params["amount"])
        kept = tuple(t for t in state.transfers
                     if not (t.payer == move.actor and t.recipient == recipient and t.kind == kind))
        c = _cause(state, move, "move.support", kind=kind, recipient=recipient, amount=amount)
        if amount <= 0:
            return [("world", "transfers", kept, c)]
        new = (*kept, Transfer(move.actor, recipient, kind, amount, state.turn))
        return [("world", "transfers", new, c)]

    return effect


def _impose(state: WorldState, move: Move) -> list[Change]:
    target, package = move.params["target"], move.params["package"]
    new = (*state.sanctions, Sanction(move.actor, target, package, INITIAL_ENFORCEMENT, state.turn))
    return [("world", "sanctions", new,
             _cause(state, move, "move.impose", package=package, target=target))]


def _tighten(state: WorldState, move: Move) -> list[Change]:
    target = move.params["target"]
    mine = [s for s in _sanctions_by(state, move.actor, target) if s.package in PACKAGE_ORDER]
    strongest = max(mine, key=lambda s: PACKAGE_ORDER.index(s.package))
    upgraded = PACKAGE_ORDER[PACKAGE_ORDER.index(strongest.package) + 1]
    new = tuple(s._replace(package=upgraded) if s is strongest else s for s in state.sanctions)
    return [("world", "sanctions", new, _cause(state, move, "move.tighten", target=target,
                                               before=strongest.package, after=upgraded))]


def _lift(state: WorldState, move: Move) -> list[Change]:
    target, package = move.params["target"], move.params["package"]
    new = tuple(s for s in state.sanctions
                if not (s.sender == move.actor and s.target == target and s.package == package))
    return [("world", "sanctions", new,
             _cause(state, move, "move.lift", package=package, target=target))]


def _enforce(state: WorldState, move: Move) -> list[Change]:
    target = move.params["target"]
    new = tuple(
        s._replace(enforcement=min(1.0, s.enforcement + ENFORCE_STEP))
        if s.sender == move.actor and s.target == target else s
        for s in state.sanctions
    )
    return [("world", "sanctions", new, _cause(state, move, "move.enforce", target=target))]


def _interdict(state: WorldState, move: Move) -> list[Change]:
    route = state.routes[move.params["route"]]
    level = min(0.9, route.interdiction + 0.3)
    return [(f"route:{route.id}", "interdiction", level,
             _cause(state, move, "move.interdict", route=route.id, level=level))]


def _protest(state: WorldState, move: Move) -> list[Change]:
    target = state.actors[move.params["target"]]
    return [(target.id, "credibility", max(0.0, target.credibility - 0.02),
             _cause(state, move, "move.protest", target=target.id))]


def _un_action(state: WorldState, move: Move) -> list[Change]:
    target = state.actors[move.params["target"]]
    vetoers = [a.name for a in state.actors.values()
               if "un_veto" in a.capabilities
               and (a.id == target.id or a.id in _allies(state, target.id))]
    if vetoers:
        return []  # vetoed; the event feed reports it (engine/sim/model.py)
    c = _cause(state, move, "move.un_action", target=target.id)
    new = tuple(s._replace(enforcement=min(1.0, s.enforcement + 0.1))
                if s.target == target.id else s for s in state.sanctions)
    return [("world", "sanctions", new, c),
            (target.id, "credibility", max(0.0, target.credibility - 0.05), c)]


def _disclose(state: WorldState, move: Move) -> list[Change]:
    return disclosure_changes(state, move)


def _acknowledge(state: WorldState, move: Move) -> list[Change]:
    return acknowledgement_changes(state, move)


def _deny(state: WorldState, move: Move) -> list[Change]:
    return denial_changes(state, move)


def _deep_strike(state: WorldState, move: Move) -> list[Change]:
    target = state.actors[move.params["target"]]
    harm = int(state.params["civilian_harm_per_strike"])
    c = _cause(state, move, "move.deep_strike", target=target.id)
    return [
        (target.id, "strain", min(1.0, target.strain + 0.01), c),
        (target.id, "munitions_production", target.munitions_production * 0.97, c),
        ("world", "civilian_casualties", state.civilian_casualties + harm, c),
    ]


def _nuclear_signal(state: WorldState, move: Move) -> list[Change]:
    me = state.actors[move.actor]
    c = _cause(state, move, "move.nuclear_signal")
    return [(me.id, "resolve", min(1.0, me.resolve + 0.05), c)]


def _nuclear_use(state: WorldState, move: Move) -> list[Change]:
    me = state.actors[move.actor]
    theatre = state.theatres[me.theatre]
    sign = 1.0 if me.id in theatre.side_a else -1.0
    c = _cause(state, move, "move.nuclear_use", theatre=theatre.id)
    return [
        (f"theatre:{theatre.id}", "front_pressure",
               max(-1.0, min(1.0, theatre.front_pressure + 0.5 * sign)), c),
        ("world", "civilian_casualties", state.civilian_casualties + 10_000, c),
    ]


def _offer_ceasefire(state: WorldState, move: Move) -> list[Change]:
    me = state.actors[move.actor]
    theatre_id = move.params.get("theatre") or me.theatre
    theatre = state.theatres[theatre_id]
    offers = (*state.ceasefire_offers, (me.id, theatre_id, state.turn))
    c = _cause(state, move, "move.ceasefire_offer", theatre=theatre_id)
    changes = [("world", "ceasefire_offers", offers, c)]
    recent = {a for a, t, turn in offers if t == theatre_id and turn >= state.turn - 1}
    if recent & set(theatre.side_a) and recent & set(theatre.side_b):
        agreed = _cause(state, move, "move.ceasefire_agreed", theatre=theatre_id)
        changes.append((f"theatre:{theatre_id}", "ceasefire", True, agreed))
    return changes


# --- preconditions -----------------------------------------------------------------------------


def _has_route(state, move):
    return _route_for(state, move) is not None


def _route_open(state, move):
    route = _route_for(state, move)
    return route is None or route.interdiction <= 0


def _home_enough(state, move):
    return state.actors[move.actor].forces_home >= int(move.params["troops"])


def _front_enough(state, move):
    return state.actors[move.actor].front >= int(move.params["troops"])


# A deployment counts from the order: troops still queued at home for transport are already
# committed, so a second order reinforces rather than opens a new deployment.
def _front_holds(state, move):
    front = state.actors[move.actor].front
    return front >= int(move.params["troops"]) if move.params.get("troops") else front > 0


def _reserve_holds(state, move):
    reserve = state.actors[move.actor].reserve
    return reserve >= int(move.params["troops"]) if move.params.get("troops") else reserve > 0


def _already_abroad(state, move):
    a = state.actors[move.actor]
    return a.troops_abroad + a.queued > 0


def _not_yet_abroad(state, move):
    a = state.actors[move.actor]
    return a.troops_abroad + a.queued == 0


def _munitions_enough(state, move):
    return state.actors[move.actor].munitions >= float(move.params["shells"])


def _not_self(key):
    return lambda state, move: move.params[key] != move.actor


def _support_amount_in_bounds(state, move):
    spec = param_spec(move.type, "amount", move.params)  # the kind's bounds, as forms show them
    return spec.low <= float(move.params["amount"]) <= spec.high


def _can_afford_support(state, move):
    if move.params["kind"] != "cash":
        return True
    return state.actors[move.actor].reserves * 1000 >= float(move.params["amount"])


def _not_in_force(state, move):
    return not any(s.package == move.params["package"]
                   for s in _sanctions_by(state, move.actor, move.params["target"]))


def _in_force(state, move):
    return any(s.package == move.params["package"]
               for s in _sanctions_by(state, move.actor, move.params["target"]))


def _can_tighten(state, move):
    # _tighten upgrades the strongest package: with a comprehensive one in force beside a
    # weaker one (impose may add it) there is nothing above it to upgrade to
    packages = {s.package for s in _sanctions_by(state, move.actor, move.params["target"])}
    return PACKAGE_ORDER[-1] not in packages and any(p in packages for p in PACKAGE_ORDER[:-1])


def _any_in_force(state, move):
    return bool(_sanctions_by(state, move.actor, move.params["target"]))


def _route_not_own(state, move):
    return state.routes[move.params["route"]].actor != move.actor


def _has_theatre(state, move):
    return state.actors[move.actor].theatre is not None


def _own_theatre(state, move):
    theatre = move.params.get("theatre")
    return theatre is None or theatre == state.actors[move.actor].theatre


def _party_to_theatre(state, move):
    theatre_id = move.params.get("theatre") or state.actors[move.actor].theatre
    theatre = state.theatres.get(theatre_id) if theatre_id else None
    return theatre is not None and move.actor in (*theatre.side_a, *theatre.side_b)


def _has_forces_in_theatre(state, move):
    return state.actors[move.actor].front > 0


def _self_or_ally(state, move):
    about = move.params.get("about") or move.actor
    return about == move.actor or about in state.alliances.get(move.actor, ())


def _subject_abroad(state, move):
    return state.actors[move.params.get("about") or move.actor].troops_abroad > 0


def _has_belief(state, move):
    return any(t == move.params["about"] for t, _ in state.actors[move.actor].beliefs)


def _nuclear_rung(state, move):
    return state.escalation_level >= 15


class Requirement(NamedTuple):
    """A precondition: what must hold (as the catalogue and docs/reference/model.md list it),
    the check, and the reason a refused move is given (``validate``)."""

    text: str
    holds: Callable[[WorldState, Move], bool]
    refusal: str  # may name the move's parameters, "{target}", filled in by validate


HAS_ROUTE = Requirement("the actor has a route", _has_route, "it has no route to send troops along")
ROUTE_OPEN = Requirement(
    "the route is not interdicted", _route_open,
    "that route is interdicted: send the troops by another route")
HOME_ENOUGH = Requirement("enough troops at home", _home_enough, "not enough troops at home")
FRONT_ENOUGH = Requirement(
    "enough troops at the front", _front_enough, "not enough troops at the front")
FRONT_HOLDS = Requirement(
    "troops at the front (as many as it pulls back)", _front_holds,
    "not enough troops at the front")
RESERVE_HOLDS = Requirement(
    "troops in reserve off the line (as many as it returns)", _reserve_holds,
    "not enough troops in reserve off the line")
ALREADY_ABROAD = Requirement(
    "troops already sent abroad", _already_abroad,
    "it has sent no troops abroad yet (use Deploy troops abroad)")
NOT_YET_ABROAD = Requirement(
    "no troops sent abroad yet (use reinforce)", _not_yet_abroad,
    "it has already sent troops abroad (use Reinforce a deployment)")
MUNITIONS_ENOUGH = Requirement(
    "enough shells in stock", _munitions_enough, "not enough shells in stock")
RECIPIENT_OTHER = Requirement(
    "recipient is another actor", _not_self("recipient"), "the recipient is the actor itself")
TARGET_OTHER = Requirement(
    "target is another actor", _not_self("target"), "the target is the actor itself")
AMOUNT_IN_BOUNDS = Requirement(
    "amount within the bounds for its kind", _support_amount_in_bounds,
    "the amount is outside the range for {kind} support (" + "; ".join(
        f"{kind}: {plain_number(low)} to {plain_number(high)}"
        for kind, (low, high, _unit) in SUPPORT_KINDS.items()) + ")")
AFFORD_SUPPORT = Requirement(
    "reserves cover a turn of cash", _can_afford_support,
    "its reserves do not cover a turn of that cash")
NOT_IN_FORCE = Requirement(
    "package not already in force", _not_in_force,
    "that package is already in force (tighten or enforce it instead)")
IN_FORCE = Requirement("package in force", _in_force,
                       "it has no {package} package in force on {target}")
CAN_TIGHTEN = Requirement(
    "a package below comprehensive is in force", _can_tighten,
    "no package below comprehensive is in force to tighten, or a comprehensive one already is")
ANY_IN_FORCE = Requirement(
    "sanctions in force", _any_in_force, "it has no sanctions in force on {target}")
ROUTE_NOT_OWN = Requirement(
    "route belongs to another actor", _route_not_own, "that route is its own")
HAS_THEATRE = Requirement("has a theatre", _has_theatre, "it has no theatre of war")
OWN_THEATRE = Requirement(
    "fights only in its own theatre", _own_theatre, "that theatre is not its own")
PARTY_TO_THEATRE = Requirement(
    "is a party to that theatre", _party_to_theatre, "it is not a party to that theatre")
FORCES_AT_FRONT = Requirement(
    "has forces at the front", _has_forces_in_theatre, "it has no forces at the front")
SELF_OR_ALLY = Requirement(
    "denies for itself or an ally", _self_or_ally, "it can deny only for itself or an ally")
SELF_OR_ALLY_ACKNOWLEDGES = Requirement(
    "acknowledges for itself or an ally", _self_or_ally,
    "it can acknowledge only its own deployment or an ally's")
SUBJECT_ABROAD = Requirement(
    "the subject has troops abroad", _subject_abroad, "there are no troops abroad to acknowledge")
HAS_BELIEF = Requirement(
    "has an estimate about that actor", _has_belief, "it has no estimate about that actor")
NUCLEAR_RUNG = Requirement(
    "escalation at rung 15 or above", _nuclear_rung, "escalation is below rung 15")


# --- the table ---------------------------------------------------------------------------------

TROOPS = ParamSpec("troops", "int", 100, 200_000, unit="troops")
SOME_OR_ALL_TROOPS = ParamSpec("troops", "int", 100, 200_000, unit="troops (default: all)",
                               optional=True)
ROUTE = ParamSpec("route", "route", optional=True)  # default: the actor's first route
TARGET = ParamSpec("target", "actor")
RECIPIENT = ParamSpec("recipient", "actor")
PACKAGE = ParamSpec("package", "choice", choices=tuple(SANCTION_PACKAGES))
THEATRE = ParamSpec("theatre", "theatre", optional=True)  # default: the actor's theatre
INTENSITY = ParamSpec("intensity", "float", 0.1, 1.0, default=0.7, unit="share of full")

_S = MoveSpec  # local alias to keep the table readable
_T = MoveType
_C = Category
_V = Visibility

CATALOGUE: dict[MoveType, MoveSpec] = {
    spec.type: spec
    for spec in (
        _S(_T.HOLD, "Hold: make no new move", None, (), _V.PUBLIC, _C.STATUS_QUO, _no_effect,
           "None.", appeal={}),
        _S(_T.DEPLOY_TROOPS, "Deploy troops abroad", "expeditionary", (TROOPS, ROUTE),
           _V.COVERT, _C.NON_VIOLENT, _dispatch,
           "Troops are ordered abroad and queue at home for the route (waiting, not yet "
           "abroad); logistics moves them at the route's capacity, then they train before "
           "combat. Refused on an interdicted route: choose another.",
           (HAS_ROUTE, ROUTE_OPEN, HOME_ENOUGH,
            NOT_YET_ABROAD),
           appeal={"security": 0.5, "regime": 0.3, "reputation": -0.3}),
        _S(_T.REINFORCE_TROOPS, "Reinforce a deployment", ("expeditionary", "belligerent"),
           (TROOPS, ROUTE),
           _V.COVERT, _C.POSTURING, _dispatch,
           "As deploy, for an actor that already has troops in the theatre (a belligerent "
           "reinforces its own front along its own route).",
           (HAS_ROUTE, ROUTE_OPEN, HOME_ENOUGH,
            ALREADY_ABROAD),
           appeal={"security": 0.4, "regime": 0.2, "reputation": -0.1}),
        _S(_T.ROTATE_TROOPS, "Rotate troops (fresh out, tired home)", "expeditionary",
           (TROOPS, ROUTE), _V.COVERT, _C.STATUS_QUO, _rotate,
           "Same number sent out and brought home; readiness +0.1.",
           (HAS_ROUTE, HOME_ENOUGH,
            FRONT_ENOUGH),
           appeal={"security": 0.1}),
        _S(_T.WITHDRAW_TROOPS, "Withdraw troops", "expeditionary", (TROOPS, ROUTE), _V.PUBLIC,
           _C.DE_ESCALATION, _withdraw, "Troops leave the front and travel home.",
           (HAS_ROUTE, FRONT_ENOUGH),
           appeal={"security": -0.3, "reputation": 0.3, "regime": -0.1}),
        _S(_T.PULL_BACK_TROOPS, "Pull troops back off the line to reconstitute",
           ("expeditionary", "belligerent"), (SOME_OR_ALL_TROOPS,), _V.COVERT, _C.STATUS_QUO,
           _pull_back,
           "Troops leave the front for the reserve in the theatre (all of them if no number is "
           "given): still abroad, out of combat, their readiness recovering each week.",
           (FRONT_HOLDS,),
           appeal={"regime": 0.2, "security": -0.2}),
        _S(_T.RETURN_TO_FRONT, "Return rested troops to the front",
           ("expeditionary", "belligerent"), (SOME_OR_ALL_TROOPS,), _V.COVERT, _C.STATUS_QUO,
           _return_to_front,
           "Troops leave the reserve for the front (all of them if no number is given); the "
           "front's readiness becomes the troop-weighted mean of the two.",
           (RESERVE_HOLDS,),
           appeal={"security": 0.2, "regime": -0.1}),
        _S(_T.MOBILISE, "Mobilise more troops", "belligerent", (TROOPS,), _V.PUBLIC,
           _C.POSTURING, _mobilise, "Troops at home rise; stability and strain pay for it.",
           appeal={"security": 0.4, "regime": -0.3, "economy": -0.2}),
        _S(_T.TRANSFER_MUNITIONS, "Ship munitions", "arms_supplier",
           (RECIPIENT, ParamSpec("shells", "float", 1_000, 2_000_000, unit="shells")),
           _V.COVERT, _C.POSTURING, _transfer_munitions,
           "Shells move from the sender's stock to the recipient's.",
           (RECIPIENT_OTHER,
            MUNITIONS_ENOUGH),
           appeal={"security": 0.3, "economy": 0.2}),
        _S(_T.PAY_SUPPORT, "Pay for support", "patron",
           (RECIPIENT, ParamSpec("kind", "choice", choices=tuple(SUPPORT_KINDS)),
            ParamSpec("amount", "float", 0.0, 2000.0, unit="per turn, unit by kind")),
           _V.COVERT, _C.POSTURING, _standing_transfer("kind"),
           "Sets a standing per-turn transfer of cash, oil, food, technology or troop payroll "
           "(0 stops it); each turn it eases the recipient's strain and pays its regime.",
           (RECIPIENT_OTHER,
            AMOUNT_IN_BOUNDS,
            AFFORD_SUPPORT),
           appeal={"security": 0.3}),
        _S(_T.MILITARY_AID, "Military aid", "patron",
           (RECIPIENT, ParamSpec("amount", "float", 0.0, 5000.0, unit="USD M per turn")),
           _V.PUBLIC, _C.POSTURING, _standing_transfer(None, "military_aid"),
           "Sets a standing per-turn aid package (0 stops it), delivered as shells.",
           (RECIPIENT_OTHER,),
           appeal={"security": 0.4, "reputation": 0.2}),
        _S(_T.IMPOSE_SANCTIONS, "Impose a sanctions package", "sanctioner", (TARGET, PACKAGE),
           _V.PUBLIC, _C.NON_VIOLENT, _impose,
           "Adds the package; the economy rule blocks trade by sector from this turn on.",
           (TARGET_OTHER,
            NOT_IN_FORCE),
           appeal={"security": 0.3, "reputation": 0.3}),
        _S(_T.TIGHTEN_SANCTIONS, "Tighten sanctions to the next package", "sanctioner",
           (TARGET,), _V.PUBLIC, _C.NON_VIOLENT, _tighten,
           "Upgrades the strongest package: targeted -> sectoral -> comprehensive.",
           (CAN_TIGHTEN,),
           appeal={"security": 0.3, "reputation": 0.2}),
        _S(_T.LIFT_SANCTIONS, "Lift a sanctions package", "sanctioner", (TARGET, PACKAGE),
           _V.PUBLIC, _C.DE_ESCALATION, _lift, "Removes the package.",
           (ANY_IN_FORCE, IN_FORCE),
           appeal={"reputation": -0.1}),
        _S(_T.ENFORCE_SANCTIONS, "Step up enforcement", "sanctioner", (TARGET,), _V.PUBLIC,
           _C.POSTURING, _enforce,
           f"Enforcement of the sender's packages on the target rises by {ENFORCE_STEP}.",
           (ANY_IN_FORCE,),
           appeal={"security": 0.2, "reputation": 0.1}),
        _S(_T.INTERDICT, "Interdict a supply route", "naval",
           (ParamSpec("route", "route"),), _V.PUBLIC, _C.NON_VIOLENT, _interdict,
           "Denies 30 more points of the route's capacity (up to 90%), decaying 10 per turn.",
           (ROUTE_NOT_OWN,),
           appeal={"security": 0.4, "reputation": -0.1}),
        _S(_T.DIPLOMATIC_PROTEST, "Diplomatic protest", None, (TARGET,), _V.PUBLIC,
           _C.NON_VIOLENT, _protest, "The target's credibility falls by 0.02.",
           (TARGET_OTHER,),
           appeal={"reputation": 0.3}),
        _S(_T.UN_ACTION, "Seek UN Security Council action", None, (TARGET,), _V.PUBLIC,
           _C.POSTURING, _un_action,
           "Unless a veto holder is the target or its ally: enforcement on the target +0.1, "
           "its credibility -0.05.",
           (TARGET_OTHER,),
           appeal={"reputation": 0.3, "security": 0.1}),
        _S(_T.DISCLOSE_INTELLIGENCE, "Disclose intelligence", None,
           (ParamSpec("about", "actor"),), _V.PUBLIC, _C.POSTURING, _disclose,
           "Allies and the public fuse the discloser's estimate into their beliefs.",
           (HAS_BELIEF,),
           appeal={"reputation": 0.3, "security": 0.2}),
        _S(_T.DENY_CONCEAL, "Deny or conceal", None,
           (ParamSpec("about", "actor", optional=True),), _V.PUBLIC, _C.STATUS_QUO, _deny,
           "The subject's concealment +0.15 for 4 turns; the public estimate of its troops "
           "abroad is pulled down by credibility and widened by doubt.",
           (SELF_OR_ALLY,),
           appeal={"regime": 0.2, "reputation": -0.1}),
        _S(_T.ACKNOWLEDGE_DEPLOYMENT, "Acknowledge the deployment", None,
           (ParamSpec("about", "actor", optional=True),), _V.PUBLIC, _C.POSTURING, _acknowledge,
           "The sender or its host confirms officially that the subject has troops abroad: "
           "every other actor and the public fuse the true figure; denial and concealment end; "
           "the acknowledger's credibility -0.05 if it had denied, +0.02 otherwise.",
           (SELF_OR_ALLY_ACKNOWLEDGES, SUBJECT_ABROAD),
           appeal={"reputation": 0.2, "regime": -0.1}),
        _S(_T.OFFENSIVE_OPERATION, "Offensive operation", "belligerent", (THEATRE, INTENSITY),
           _V.PUBLIC, _C.VIOLENT, _no_effect,
           "Read by the military rule: attack posture and intensity this turn; breaks any "
           "ceasefire.",
           (HAS_THEATRE, OWN_THEATRE,
            FORCES_AT_FRONT),
           appeal={"security": 0.6, "regime": 0.1, "reputation": -0.2}),
        _S(_T.DEFENSIVE_OPERATION, "Defensive operation", "belligerent", (THEATRE,), _V.PUBLIC,
           _C.STATUS_QUO, _no_effect,
           "Read by the military rule: defensive posture (x1.5 combat power) this turn.",
           (HAS_THEATRE, OWN_THEATRE,
            FORCES_AT_FRONT),
           appeal={"security": 0.4}),
        _S(_T.DEEP_STRIKE, "Deep strike", "belligerent", (TARGET,), _V.PUBLIC, _C.VIOLENT,
           _deep_strike,
           "Target strain +0.01, its munitions production -3%, civilian harm.",
           (TARGET_OTHER,),
           appeal={"security": 0.5, "reputation": -0.3}),
        _S(_T.NUCLEAR_SIGNALLING, "Nuclear signalling", "nuclear", (), _V.PUBLIC,
           _C.NON_VIOLENT, _nuclear_signal, "The signaller's resolve +0.05.",
           appeal={"security": 0.3, "reputation": -0.4}),
        _S(_T.NUCLEAR_USE, "Nuclear use (tactical)", "nuclear", (), _V.PUBLIC, _C.NUCLEAR,
           _nuclear_use, "Front pressure shifts 0.5 to the user; mass casualties.",
           (HAS_THEATRE, NUCLEAR_RUNG),
           appeal={"security": 1.0, "reputation": -2.0, "regime": -0.5}),
        _S(_T.OFFER_TALKS, "Offer talks", None, (TARGET,), _V.PUBLIC, _C.DE_ESCALATION,
           _no_effect, "De-escalation points only: a signal.",
           (TARGET_OTHER,),
           appeal={"reputation": 0.2, "economy": 0.1}),
        _S(_T.OFFER_CEASEFIRE, "Offer a ceasefire", None, (THEATRE,), _V.PUBLIC,
           _C.DE_ESCALATION, _offer_ceasefire,
           "When both sides of a theatre offer within two turns, a ceasefire holds until an "
           "offensive breaks it.",
           (PARTY_TO_THEATRE,),
           appeal={"reputation": 0.3, "economy": 0.2, "security": -0.2}),
    )
}
assert set(CATALOGUE) == set(MoveType), "every move type needs a catalogue row"


# --- validation --------------------------------------------------------------------------------


class Refs:
    """The ids a move may refer to, from a scenario or a live state."""

    def __init__(self, actors, capabilities, theatres, routes, route_owner):
        self.actors = set(actors)
        self.capabilities = capabilities  # actor -> set of capability strings
        self.theatres = set(theatres)
        self.routes = set(routes)
        self.route_owner = route_owner  # route -> actor
        self.checked: dict = {}  # memo of check_static results (moves repeat every turn)

    @classmethod
    def from_state(cls, state: WorldState) -> Refs:
        return cls(state.actors, {a.id: a.capabilities for a in state.actors.values()},
                   state.theatres, state.routes, {r.id: r.actor for r in state.routes.values()})

    @classmethod
    def from_scenario(cls, scenario) -> Refs:
        """The ids a validated scenario defines (the loader, move logs, exercise files)."""
        return cls([a.id for a in scenario.actors],
                   {a.id: {str(c) for c in a.capabilities} for a in scenario.actors},
                   [t.id for t in scenario.theatres], [r.id for r in scenario.routes],
                   {r.id: r.actor for r in scenario.routes})


def needs(spec: MoveSpec) -> tuple[str, ...]:
    """The capabilities any one of which allows ``spec`` (empty: anyone)."""
    if spec.capability is None:
        return ()
    return spec.capability if isinstance(spec.capability, tuple) else (spec.capability,)


def may_use(spec: MoveSpec, capabilities) -> bool:
    required = needs(spec)
    return not required or any(c in capabilities for c in required)


def check_static(refs: Refs, actor: str, move_name: str, params: dict) -> tuple[str, str] | None:
    """Check a move against the catalogue without looking at the state.

    Returns ``(field, reason)`` for the first problem, or None. ``field`` is the parameter at
    fault ("" for the move itself) so that the loader can point at the YAML line.
    """
    try:
        move_type = MoveType(move_name)
    except ValueError:
        return "move", f"unknown move '{move_name}'; see `brink moves`"
    spec = CATALOGUE[move_type]
    if actor not in refs.actors:
        return "actor", f"unknown actor '{actor}'"
    if not may_use(spec, refs.capabilities[actor]):
        return "move", (f"{actor} may not use '{move_name}': it needs the "
                        f"{' or '.join(repr(c) for c in needs(spec))} capability")
    known = {p.name for p in spec.params}
    for name in params:
        if name not in known:
            expected = ", ".join(sorted(known)) or "none"
            return name, f"unknown parameter '{name}' for '{move_name}' (expected: {expected})"
    for p in spec.params:
        if p.name not in params:
            if p.default is not None or p.optional:
                continue
            return p.name, f"'{move_name}' needs parameter '{p.name}' ({p.describe()})"
        value = params[p.name]
        problem = _check_param(refs, p, value)
        if problem:
            return p.name, problem
    if move_type in (MoveType.DEPLOY_TROOPS, MoveType.REINFORCE_TROOPS, MoveType.ROTATE_TROOPS,
                     MoveType.WITHDRAW_TROOPS) and params.get("route") is not None \
            and refs.route_owner.get(params["route"]) != actor:
        return "route", f"route '{params['route']}' does not belong to {actor}"
    return None


def _check_param(refs: Refs, p: ParamSpec, value) -> str | None:
    if p.kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"'{p.name}' must be a number, got {value!r}"
        if not math.isfinite(value):
            return f"'{p.name}' must be a finite number, got {value!r}"
        if p.kind == "int" and float(value) != int(value):
            return f"'{p.name}' must be a whole number, got {value!r}"
        if not p.low <= value <= p.high:
            return (f"'{p.name}' must be between {plain_number(p.low)} and "
                    f"{plain_number(p.high)}, got {plain_number(value)}")
        return None
    if not isinstance(value, str):
        return f"'{p.name}' must be a string, got {value!r}"
    if p.kind == "choice" and value not in p.choices:
        return f"'{p.name}' must be one of {', '.join(p.choices)}, got '{value}'"
    if p.kind == "actor" and value not in refs.actors:
        return f"unknown actor '{value}' in '{p.name}'"
    if p.kind == "theatre" and value not in refs.theatres:
        return f"unknown theatre '{value}' in '{p.name}'"
    if p.kind == "route" and value not in refs.routes:
        return f"unknown route '{value}' in '{p.name}'"
    return None


def with_defaults(move_type: MoveType, params: dict) -> dict:
    """Fill in declared defaults for missing parameters."""
    out = dict(params)
    for p in CATALOGUE[move_type].params:
        if p.name not in out and p.default is not None:
            out[p.name] = p.default
    return out


def validate(state: WorldState, move: Move) -> str | None:
    """Why ``move`` may not be made now, or None if it may. Never applies anything."""
    memo = state.memo if caching.ENABLED else {}  # caching.memo, inlined: a dozen calls a turn
    refs = memo.get("refs")
    if refs is None:
        refs = memo["refs"] = Refs.from_state(state)
    try:
        key = (move.actor, move.type, tuple(move.params.items()))
        problem = refs.checked[key]
    except KeyError:
        problem = refs.checked[key] = check_static(refs, move.actor, move.type.value,
                                                   move.params)
    except TypeError:  # an unhashable parameter value: check without the memo
        problem = check_static(refs, move.actor, move.type.value, move.params)
    if problem:
        return problem[1]
    for requirement in CATALOGUE[move.type].preconditions:
        if not requirement.holds(state, move):
            if "{" not in requirement.refusal:
                return requirement.refusal
            # a refusal that names the move's own parameters: actors by name
            return requirement.refusal.format(**{
                k: state.name_of(v) if isinstance(v, str) else v for k, v in move.params.items()})
    return None


def param_spec(move_name: str, param: str, chosen: dict) -> ParamSpec:
    """A parameter's spec given the parameters ``chosen`` so far: the catalogue's, except the
    amount paid for support, whose bounds and unit depend on the kind of support
    (``SUPPORT_KINDS``: up to 2,000 USD M of cash a turn, but 0..1 of the going rate for a
    payroll), so an order sheet shows the range the engine will check."""
    spec = next(p for p in CATALOGUE[MoveType(move_name)].params if p.name == param)
    if (move_name == MoveType.PAY_SUPPORT and param == "amount"
            and chosen.get("kind") in SUPPORT_KINDS):
        low, high, unit = SUPPORT_KINDS[chosen["kind"]]
        return replace(spec, low=low, high=high, unit=unit)
    return spec


def open_choices(state: WorldState, actor: str, move_name: str, param: str,
                 chosen: dict) -> tuple[list, str | None] | None:
    """The values of a choice parameter that the move's own checks accept now, given the
    parameters ``chosen`` so far (the rest take their defaults): ``(accepted, refusal)``, the
    refusal of the first value when none is accepted; None when the choice decides nothing
    (every value gets the same verdict), so an order sheet offers what the engine would take,
    lifting only a package in force, imposing only one that is not."""
    spec = CATALOGUE[MoveType(move_name)]
    choice = next((p for p in spec.params if p.name == param and p.kind == "choice"), None)
    if choice is None:
        return None
    verdicts = {}
    for value in choice.choices:
        try:
            verdicts[value] = validate(state, make_move(actor, move_name,
                                                        {**chosen, param: value}))
        except ValueError as exc:
            verdicts[value] = str(exc)
    if len(set(verdicts.values())) <= 1:
        return None
    accepted = [v for v, refusal in verdicts.items() if refusal is None]
    return accepted, None if accepted else next(iter(verdicts.values()))


def make_move(actor: str, move_name: str, params: dict | None = None, **extra) -> Move:
    """Build a ``Move`` from names (as written in YAML or a form), with defaults filled in."""
    move_type = MoveType(move_name)
    return Move(actor, move_type, with_defaults(move_type, params or {}), **extra)


_SET_ACTOR, _SET_TYPE, _SET_PARAMS, _SET_ID, _SET_SOURCE, _SET_RATIONALE = (
    Move.__dict__[name].__set__ for name in ("actor", "type", "params", "id", "source",
                                             "rationale"))


def with_id(move: Move, move_id: str) -> Move:
    """``dataclasses.replace(move, id=move_id)``: the copy of a move the model adjudicates and
    logs. It fills the slots directly, as the frozen dataclass's ``__init__`` does through
    ``object.__setattr__``, at half the cost (every turn adjudicates a dozen moves)."""
    new = object.__new__(Move)
    _SET_ACTOR(new, move.actor)
    _SET_TYPE(new, move.type)
    _SET_PARAMS(new, move.params)
    _SET_ID(new, move_id)
    _SET_SOURCE(new, move.source)
    _SET_RATIONALE(new, move.rationale)
    return new
