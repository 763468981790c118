"""The belief algebra: Gaussian beliefs over log(1 + quantity), their confidence labels, and
the changes the disclose and deny moves make to them.

Shared by the intelligence rule (engine/rules/intelligence.py, which owns observation; its
docstring gives the equations) and the move catalogue (engine/moves/catalogue.py), which is why it
lives
apart from both: the moves need it and the rules need the moves, and neither imports the other
the wrong way round.
"""

from __future__ import annotations

import math

from engine.core.causal import MOVE, Cause, Change, note
from engine.core.numbers import clip, larger
from engine.core.state import Belief, WorldState
from engine.core.variables import confidence_label

QUANTITY = "troops_abroad"
CONCEALMENT_BOOST = 0.15
CONCEALMENT_TURNS = 4
SURPRISE_SIGMAS2 = 16.0  # a 4-sigma innovation: about 1 in 16,000 looks by chance
MAX_SIGMA = 1.5  # log-units: even the weakest observer is off by at most a factor ~4.5 (1 sd)
DENIAL_PULL = 0.2  # share of the log-estimate a fully credible denial removes
DENIAL_DOUBT = 0.5  # variance a denial by a non-credible actor adds (log-units^2)


def fuse(belief: Belief, y: float, obs_var: float, ceiling: float = math.inf) -> Belief:
    """One Kalman update of the level on log(1 + x), widening first when the observation is a
    surprise; the rate learns from the level's surprise through their covariance.

    A surprise (innovation beyond 4 sigma) means the quantity has changed in a way the belief
    did not allow for: the level's variance is widened to the innovation beyond observation
    noise. ``ceiling`` bounds the estimate by what is publicly known (the target's whole
    force).
    """
    v, c, w = belief.var, belief.cov, belief.rate_var
    z = y - belief.mean
    if z * z > SURPRISE_SIGMAS2 * (v + obs_var):
        v = larger(v, z * z - obs_var)
    s = v + obs_var
    gain, rate_gain = v / s, c / s
    mean = clip(belief.mean + gain * z, 0.0, ceiling)
    return Belief(mean, (1 - gain) * v, belief.observations + 1,
                  belief.rate + rate_gain * z, w - c * c / s, (1 - gain) * c)


def predict(belief: Belief, level_var: float, rate_max: float,
            ceiling: float = math.inf) -> Belief:
    """The belief one turn on, as a local linear trend: the rate may change first, and the
    level then moves by the rate and grows less certain by ``level_var``.

    The observer's model of the rate is the target's transport capacity: in a turn the target
    may set its flow anywhere from nothing to its whole capacity, the fastest change
    ``rate_max`` (``capacity_rate``). So the rate's prior, before anything is known of it
    (``rate_var`` 0, the status quo at the start), is uniform on [0, rate_max]: mean
    rate_max / 2, variance rate_max^2 / 12; and each turn the rate may change by as much
    again (variance q = rate_max^2 / 12)::

        w' = w + q;  v' = v + 2c + w' + level_var;  c' = c + w';  r' = clip(r, +-rate_max);
        m' = m + r'

    Clipping the believed rate to what the capacity allows keeps a deployment seen jumping
    from nothing from being extrapolated beyond what the routes can carry.
    """
    prior = rate_max * rate_max / 12
    if belief.rate_var == 0.0:  # no view of the rate yet: its prior
        rate, w = rate_max / 2, prior
    else:
        rate, w = clip(belief.rate, -rate_max, rate_max), belief.rate_var + prior
    v, c = belief.var, belief.cov
    return Belief(clip(belief.mean + rate, 0.0, ceiling), v + 2 * c + w + level_var,
                  belief.observations, rate, w, c + w)


def capacity_rate(state: WorldState, target, belief: Belief) -> float:
    """The fastest the watched figure can change in a turn, in log-units at the estimate:
    log(1 + C / (1 + estimate)), where C is the target's whole transport capacity per turn
    (its routes' capacity net of interdiction, which is public: bridges, ports, aircraft)."""
    capacity = sum(r.capacity * (1 - r.interdiction) for r in state.routes.values()
                   if r.actor == target.id)
    return math.log1p(capacity / (1 + math.expm1(larger(0.0, belief.mean))))


def ceiling_of(target) -> float:
    """An estimate never exceeds the target's whole force, which is public knowledge."""
    return math.log1p(target.initial_forces + target.mobilised)


def label(state: WorldState, belief: Belief) -> str:
    return confidence_label(belief)


def disclosure_changes(state: WorldState, move) -> list[Change]:
    """Effect of disclose_intelligence: allies and the public fuse the discloser's estimate,
    weighted by its spread and by the discloser's credibility."""
    about = move.params["about"]
    me = state.actors[move.actor]
    mine = me.beliefs[(about, QUANTITY)]
    obs_var = (mine.var + state.params["disclosure_noise"] ** 2) / max(me.credibility, 0.05)
    ceiling = ceiling_of(state.actors[about])
    cause = Cause(MOVE, move.id or move.type.value, note(
        "move.disclose", actor=me.id, about=about, belief=mine, label=label(state, mine))
        if state.explain else None)
    changes = []
    for ally in sorted(state.alliances.get(me.id, ())):
        beliefs = dict(state.actors[ally].beliefs)
        if (about, QUANTITY) in beliefs and ally != about:
            beliefs[(about, QUANTITY)] = fuse(beliefs[(about, QUANTITY)], mine.mean, obs_var,
                                              ceiling=ceiling)
            changes.append((ally, "beliefs", beliefs, cause))
    public = dict(state.public_beliefs)
    public[(about, QUANTITY)] = fuse(public[(about, QUANTITY)], mine.mean, obs_var,
                                     ceiling=ceiling)
    changes.append(("world", "public_beliefs", public, cause))
    return changes


ACK_CAUGHT = 0.05  # an acknowledgement after a denial: on record contradicting itself (assumed)
ACK_CANDOUR = 0.02  # an acknowledgement without one: a small gain in being believed (assumed)


def acknowledgement_changes(state: WorldState, move) -> list[Change]:
    """Effect of acknowledge_deployment: the sender (or its host) confirms officially that the
    subject has troops abroad. Every other actor and the public fuse the true figure as an
    observation with spread ``acknowledgement_noise``; the subject's denial and concealment
    effort end; the acknowledger's credibility falls by ACK_CAUGHT if it had denied (it is now
    on record contradicting itself), and rises by ACK_CANDOUR otherwise."""
    me = state.actors[move.actor]
    about = move.params.get("about") or me.id
    subject = state.actors[about]
    noise = state.params["acknowledgement_noise"]
    y, ceiling = math.log1p(subject.troops_abroad), ceiling_of(subject)
    cause = Cause(MOVE, move.id or move.type.value, note(
        "move.acknowledge", actor=me.id, about=about, troops=subject.troops_abroad)
        if state.explain else None)
    changes: list[Change] = []
    for other in state.actors.values():
        key = (about, QUANTITY)
        if other.id != about and key in other.beliefs:
            beliefs = dict(other.beliefs)
            beliefs[key] = fuse(beliefs[key], y, noise * noise, ceiling=ceiling)
            changes.append((other.id, "beliefs", beliefs, cause))
    if (about, QUANTITY) in state.public_beliefs:
        public = dict(state.public_beliefs)
        public[(about, QUANTITY)] = fuse(public[(about, QUANTITY)], y, noise * noise,
                                         ceiling=ceiling)
        changes.append(("world", "public_beliefs", public, cause))
    credibility = me.credibility - ACK_CAUGHT if me.denied else me.credibility + ACK_CANDOUR
    changes += [(me.id, "credibility", clip(credibility, 0.0, 1.0), cause),
                (me.id, "denied", False, cause),
                (about, "denied", False, cause),
                (about, "concealment_boost_turns", 0, cause)]
    return changes


def denial_changes(state: WorldState, move) -> list[Change]:
    """Effect of deny_conceal: the subject is harder to observe for a while, and the public
    hears a denial. A denial sows doubt rather than conviction: it pulls the public estimate
    down in proportion to the denier's credibility and widens it in proportion to its lack::

        m' = m x (1 - DENIAL_PULL x credibility);  v' = v + DENIAL_DOUBT x (1 - credibility)
    """
    me = state.actors[move.actor]
    about = move.params.get("about") or me.id
    cause = Cause(MOVE, move.id or move.type.value, note(
        "move.deny", actor=me.id, about=about, credibility=me.credibility)
        if state.explain else None)
    changes = [(about, "concealment_boost_turns", CONCEALMENT_TURNS, cause),
               (me.id, "denied", True, cause)]
    if (about, QUANTITY) in state.public_beliefs:
        public = dict(state.public_beliefs)
        b = public[(about, QUANTITY)]
        public[(about, QUANTITY)] = b._replace(
            mean=b.mean * (1 - DENIAL_PULL * me.credibility),
            var=b.var + DENIAL_DOUBT * (1 - me.credibility))
        changes.append(("world", "public_beliefs", public, cause))
    return changes
