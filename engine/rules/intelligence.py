"""Intelligence: noisy observation, Bayesian beliefs with a confidence label, disclosure, denial.

Beliefs are Gaussian in x = log(1 + quantity); the watched quantity is troops abroad. A belief
holds the level m (variance v) and the rate r at which it changes per turn (variance w,
covariance c with the level): a local linear trend (engine/core/beliefs.py).
Each turn, each observer o looks at each actor t that can send troops abroad:
    concealment c = t.concealment (+0.15 while a denial/concealment effort lasts), q = o.quality
    looks happen with probability P = 1 - exp(-lambda x weeks), a weekly hazard
        lambda = (0.2 + troops / detection_troops) x q / c          (weeks = days_per_turn / 7)
    observation y = log(1 + troops) + N(0, sigma^2),  sigma = observation_noise x c / q / sqrt(n),
        n = weeks x (1 - exp(-lambda)) / P, the weekly looks a turn with a look holds on
        average (1 in weekly turns): a longer turn fuses them into one sharper observation
    surprise: if (y - m)^2 > 16 (v + sigma^2), v <- max(v, (y - m)^2 - sigma^2)
    update:   s = v + sigma^2;  m <- m + (v / s)(y - m);  r <- r + (c / s)(y - m);
              v <- (1 - v / s) v;  c <- (1 - v / s) c;  w <- w - c^2 / s
    predict to the end of the turn (with or without a look), r_max = log(1 + C / (1 + e^m - 1))
    for the target's whole route capacity C, q_r = r_max^2 / 12:
              w <- w + q_r (the first time: r = r_max / 2, w = q_r);  r <- clip(r, +-r_max)
              v <- v + 2c + w + belief_drift x weeks;  c <- c + w;  m <- m + r
Label: the strongest of CONFIDENCE_PROMISES (engine/core/variables.py) whose promise - the
estimate within +-50% of the truth with probability 90% (confirmed) or 70% (probable) - the
belief's own Gaussian keeps; else unverified.
sigma is capped at 1.5; estimates never exceed log(1 + the target's whole force), which is
public.
Disclosure by d about t: d's allies and the public fuse y = m_d with variance
(v_d + disclosure_noise^2) / credibility_d. Denial by d about t (default: itself): t's
concealment is raised for 4 turns; the public estimate is pulled down by 0.2 x credibility_d of
its log value and widened by 0.5 x (1 - credibility_d). A denier whose troops the public later
confirms loses 0.1 credibility.
"""

from __future__ import annotations

import math

from engine.core.beliefs import (  # the belief algebra, shared with the disclose and deny moves
    CONCEALMENT_BOOST,
    MAX_SIGMA,
    QUANTITY,
    capacity_rate,
    ceiling_of,
    fuse,
    label,
    predict,
)
from engine.core.causal import RANDOM, RULE, Cause, Change, Note, note
from engine.core.numbers import clip, larger, smaller
from engine.core.state import Belief, WorldState
from engine.core.variables import belief_estimate

__all__ = ["QUANTITY", "fuse", "intelligence", "label", "observation_reports", "watched"]

QUIET = Cause(RANDOM, "observation", None)  # the cause of lean runs, which log nothing


def watched(state: WorldState) -> list[str]:
    """Actors whose troops abroad others try to estimate."""
    return [a.id for a in state.actors.values() if "expeditionary" in a.capabilities]


def _look(state: WorldState, target, quality: float, who: str,
          rng) -> tuple[float, float] | None:
    """One observer's look at ``target`` this turn: (observation, its variance), or None when
    it does not look. ``who`` is the observer's id, or "public". Each observer's looks at each
    target are a stream of their own (``look:<who>:<target>``): another observer's looks
    never shift them."""
    draws = rng.of(f"look:{who}:{target.id}")
    p = state.params
    conc = clip(target.concealment + (CONCEALMENT_BOOST if target.concealment_boost_turns else 0),
                0.05, 1.0)
    q = larger(0.05, quality)
    truth = target.troops_abroad
    weeks = state.days_per_turn / 7
    hazard = (0.2 + truth / p["detection_troops"]) * q / conc  # looks a week
    p_look = 1.0 - math.exp(-hazard * weeks)
    sigma = smaller(MAX_SIGMA, p["observation_noise"] * conc / q)
    if weeks != 1:  # the weekly looks of a longer turn, fused
        sigma /= math.sqrt(weeks * (1.0 - math.exp(-hazard)) / p_look)
    look, noise = draws.random(), draws.normal(0.0, sigma)  # always both: a stable stream
    return (math.log1p(truth) + noise, sigma * sigma) if look < p_look else None


def _observe(state: WorldState, old: Belief, target, looks, who: str):
    """An observer's belief about ``target`` after this turn's ``looks`` (its own and those its
    allies share, as (observation, variance)): (new belief, the report it makes or None)."""
    p = state.params
    new = old
    for y, var in looks:
        new = fuse(new, y, var, ceiling_of(target))
    # The belief is about the figure at the end of this turn, when it is recorded and when the
    # decisions taken on it land: the look sees the figure now, and the turn may change it.
    new = predict(new, p["belief_drift"] * (state.days_per_turn / 7),  # a weekly variance
                  capacity_rate(state, target, new), ceiling_of(target))
    if not state.explain:  # lean runs keep no reports
        return new, None
    return new, _report(state, old, new, who, target.id)


def _report(state: WorldState, old: Belief, new: Belief, who: str, about: str) -> Note | None:
    """The labelled report a new observation makes, or None when it is not news: the
    confidence label is unchanged and the estimate moved by at most a quarter (of at least
    500)."""
    if new.observations == old.observations:
        return None
    old_label, new_label = label(state, old), label(state, new)
    moved = abs(belief_estimate(new) - belief_estimate(old)) > 0.25 * max(
        belief_estimate(old), 500)
    if new_label == old_label and not moved:
        return None
    return note("observation.report", observer=who, about=about, label=new_label, belief=new)


def observation_reports(state: WorldState, changes: list[Change]) -> list[dict]:
    """The labelled reports of the intelligence phase, for the event feed, read from its
    ``changes`` (before they are applied to ``state``): one for each observer's new look at a
    watched actor that is news (``_report``), the public's last, with its ``note`` (the
    sentence is engine/narrate's)."""
    reports = []
    for target, var, beliefs, _cause in changes:
        if var not in ("beliefs", "public_beliefs"):
            continue
        observer = "public" if var == "public_beliefs" else target
        old = state.public_beliefs if observer == "public" else state.actors[target].beliefs
        for t_id in watched(state):
            key = (t_id, QUANTITY)
            if t_id == observer or key not in beliefs:
                continue
            report = _report(state, old[key], beliefs[key], observer, t_id)
            if report is not None:
                new = beliefs[key]
                reports.append({"turn": state.turn, "observer": observer, "about": t_id,
                                "quantity": QUANTITY, "estimate": belief_estimate(new),
                                "label": report.facts["label"], "note": report})
    return reports


def intelligence(state: WorldState, params, rng) -> list[Change]:
    """Observation phase: each observer's (and the public's) look at every watched actor.
    The labelled reports for the event feed are read from these changes
    (``observation_reports``)."""
    p = params
    explain = state.explain
    targets = watched(state)
    changes: list[Change] = []
    # Every observer's own looks first (each from its own stream), then each fuses its own and
    # those its allies share: an ally's look counts with its variance / ally_intel_sharing.
    looks = {(o.id, t_id): _look(state, state.actors[t_id], o.intel_quality, o.id, rng)
             for o in state.actors.values() for t_id in targets if t_id != o.id}
    sharing = p["ally_intel_sharing"]
    for observer in state.actors.values():
        beliefs = dict(observer.beliefs)
        notes = []
        allies = sorted(state.alliances.get(observer.id, ())) if sharing > 0 else ()
        for t_id in targets:
            if t_id == observer.id:
                continue
            target = state.actors[t_id]
            seen = [looks[(observer.id, t_id)]]
            for ally in allies:
                shared = looks.get((ally, t_id))
                if shared is not None:
                    seen.append((shared[0], shared[1] / sharing))
            new, report = _observe(state, beliefs[(t_id, QUANTITY)], target,
                                   [x for x in seen if x is not None], observer.id)
            beliefs[(t_id, QUANTITY)] = new
            if report is not None:
                notes.append(report)
        if beliefs != observer.beliefs:
            cause = Cause(RANDOM, "observation", note(
                "observation.looks", observer=observer.id, reports=tuple(notes))
                ) if explain else QUIET
            changes.append((observer.id, "beliefs", beliefs, cause))
    # The public is a weak observer of its own (journalists, open-source analysts).
    public = dict(state.public_beliefs)
    notes = []
    for t_id in targets:
        target = state.actors[t_id]
        own = _look(state, target, p["public_osint_quality"], "public", rng)
        new, report = _observe(state, public[(t_id, QUANTITY)], target,
                               [own] if own is not None else [], "public")
        public[(t_id, QUANTITY)] = new
        if report is not None:
            notes.append(report)
    changes.append(("world", "public_beliefs", public, Cause(
        RANDOM, "observation", note("observation.looks", observer="public",
                                    reports=tuple(notes)))
        if explain else QUIET))
    for t_id in targets:
        target = state.actors[t_id]
        if target.concealment_boost_turns:
            changes.append((t_id, "concealment_boost_turns",
                                  target.concealment_boost_turns - 1,
                                  Cause(RULE, "observation",
                                        note("observation.concealment_wears_off"))))
        b = public[(t_id, QUANTITY)]  # after this turn's look
        if (target.denied and target.troops_abroad > 0 and label(state, b) == "confirmed"
                and belief_estimate(b) > 1000):
            changes += [
                (t_id, "credibility", max(0.0, target.credibility - 0.1), Cause(
                    RULE, "observation", note("observation.denial_exposed", actor=t_id,
                                              belief=b))),
                (t_id, "denied", False, Cause(RULE, "observation",
                                              note("observation.denial_exposed", actor=t_id))),
            ]
    return changes
