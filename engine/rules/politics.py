"""Domestic politics: regime stability (or public support) under strain, losses and payments.

Per actor and turn (weeks = days_per_turn / 7; damping d = 1 - 0.5 x repression,
r = 1 - 0.5 x resolve):
    dS = - stability_strain_weight x strain x d x weeks
         - stability_casualty_weight x (casualties this turn / troops committed) x d x r
         + stability_payment_weight x (regime income / GDP) x weeks
         + (1 - (1 - stability_reversion)^weeks) x (baseline - S)   (a weekly rate)
    S' = clip(S + dS, 0, 1)
Repression capacity damps the erosion from strain and casualties (it does not create support);
resolve damps the erosion from casualties.
"""

from __future__ import annotations

from engine.core.causal import RULE, Cause, Change, note, reads
from engine.core.numbers import clip, per_turn
from engine.core.state import WorldState

QUIET = Cause(RULE, "politics", None)  # the cause of lean runs, which log nothing


def casualty_stability_loss(actor, lost: float, committed: float, p) -> float:
    """The stability ``lost`` casualties out of ``committed`` troops cost ``actor``: the
    casualty term of the rule, also what the logit policy expects a troop move to cost it
    (engine/policies/utility.py)."""
    if not committed:
        return 0.0
    damping = 1.0 - 0.5 * actor.repression
    resolve_damping = 1.0 - 0.5 * actor.resolve  # a resolute public bears losses better
    return p["stability_casualty_weight"] * lost / committed * damping * resolve_damping


def politics(state: WorldState, params, rng) -> list[Change]:
    """Stability moves with strain, this turn's casualties (since the rules began), payments
    and reversion to its baseline. Draws nothing from ``rng``."""
    p = params
    before = state.before_rules.casualties
    weeks = state.days_per_turn / 7
    changes: list[Change] = []
    for a in state.actors.values():
        damping = 1.0 - 0.5 * a.repression
        lost = a.casualties - before.get(a.id, a.casualties)
        committed = a.deployed + lost
        strain_term = -p["stability_strain_weight"] * a.strain * damping * weeks
        casualty_term = -casualty_stability_loss(a, lost, committed, p) if committed else 0.0
        payment_term = p["stability_payment_weight"] * a.regime_income / a.gdp * weeks
        reversion = per_turn(p["stability_reversion"], weeks) * (a.stability_baseline
                                                                 - a.stability)
        stability = clip(a.stability + strain_term + casualty_term + payment_term + reversion,
                         0.0, 1.0)
        cause = Cause(RULE, "politics", note(
            "politics.stability", actor=a.id, before=a.stability, after=stability,
            strain=strain_term, casualties=casualty_term, payments=payment_term,
            reversion=reversion), reads(
                f"{a.id}.strain", f"{a.id}.killed", f"{a.id}.wounded",
                f"{a.id}.regime_income")) if state.explain else QUIET
        changes.append((a.id, "stability", stability, cause))
    return changes
