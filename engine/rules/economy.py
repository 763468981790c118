"""Sanctions economics and transfers: trade blocked by sector, leakage, strain with recovery.

For each trade flow between a target and a partner (volume V, sector shares w_s), with the
partner's own packages on the target (direct, k) and other senders' secondary packages on the
target (j, each at enforcement e_j x secondary_leak_cut):
    share(packages) = sum_s w_s x (1 - prod_k (1 - coverage_k,s x enforcement_k))
    blocked  = V x share(direct)
    deterred = V x (share(direct + secondary) - share(direct))
Per target, blocked trade leaks through partners that do not sanction it:
    leaked = min(blocked x leakage_max x (1 - secondary_leak_cut x e_sec), open trade)
(e_sec: the strongest enforcement of secondary sanctions on the target; open trade: its trade
with partners that do not sanction it, the capacity of the channels). The target loses
blocked - leaked + deterred; the partner loses sender_cost_share of blocked and of deterred.

Transfers from or to an actor under secondary sanctions are partly blocked too (payments and
shipments are what secondary sanctions police): a share exposure_kind x e_sec x
secondary_leak_cut does not arrive (cash and payroll 0.3, oil 0.5, food 0.1, technology 0.3,
military aid 0).

Pressure (share of GDP per year):
    p = (lost_trade + support_paid + sustainment - support_received) / GDP
        + war_cost_gdp_share x intensity x (share of own forces at the front / 0.5)
Strain integrates pressure and recovers (dt in years):
    S' = clip(S + dt x (strain_gain x p - strain_recovery x S), 0, 1)
Growth and GDP:
    g = trend_growth - growth_per_strain x S'         (% per year)
    GDP' = GDP x (1 + g/100)^dt
"""

from __future__ import annotations

from collections import defaultdict

from engine.core import caching
from engine.core.causal import RULE, Cause, Change, Note, note, reads
from engine.core.numbers import clip, larger
from engine.core.state import WorldState
from engine.moves.catalogue import SANCTION_PACKAGES

WEEKS_PER_MONTH = 52 / 12
# How exposed each kind of transfer is to secondary sanctions (assumed; docs/reference/model.md).
QUIET = Cause(RULE, "economy", None)  # the cause of lean runs, which log nothing
TRANSFER_EXPOSURE = {"cash": 0.3, "payroll": 0.3, "oil": 0.5, "food": 0.1, "technology": 0.3,
                     "military_aid": 0.0}


def delivered_share(state: WorldState, transfer) -> float:
    """Share of a transfer that gets through secondary sanctions on the payer or recipient."""
    return _delivered_share(state, transfer, _secondary_enforcement(state))


def _secondary_enforcement(state: WorldState) -> dict[str, float]:
    """The strongest secondary enforcement on each actor, memoised per set of sanctions."""
    memo = caching.memo(state)
    last = memo.get("secondary_enforcement")  # (sanctions, result): they rarely change
    if last is not None and last[0] is state.sanctions:
        return last[1]
    on: dict[str, float] = {}
    for s in state.sanctions:
        if s.package == "secondary":
            on[s.target] = max(on.get(s.target, 0.0), s.enforcement)
    memo["secondary_enforcement"] = (state.sanctions, on)
    return on


def _delivered_share(state: WorldState, transfer, on: dict[str, float]) -> float:
    e_sec = max(on.get(transfer.payer, 0.0), on.get(transfer.recipient, 0.0))
    return 1.0 - TRANSFER_EXPOSURE.get(transfer.kind, 0.0) * e_sec * state.params[
        "secondary_leak_cut"]


def _transfer_terms(state: WorldState) -> list[tuple]:
    """(value, cost, share delivered) of each standing transfer this turn, value and cost
    already multiplied by the share; (None, None, share) for payroll, whose value follows the
    troops abroad. Memoised while the transfers and the sanctions stay the same."""
    memo = caching.memo(state)
    last = memo.get("transfer_terms")
    if last is not None and last[0] is state.transfers and last[1] is state.sanctions:
        return last[2]
    secondary = _secondary_enforcement(state) if state.sanctions else None
    terms = []
    for t in state.transfers:
        through = _delivered_share(state, t, secondary) if secondary is not None else 1.0
        if t.kind == "payroll":
            terms.append((None, None, through))
        else:
            value, cost = transfer_values(state, t)
            terms.append((value * through, cost * through, through))
    memo["transfer_terms"] = (state.transfers, state.sanctions, terms)
    return terms


def transfer_values(state: WorldState, transfer) -> tuple[float, float]:
    """(value to the recipient, cost to the payer) of one turn of a transfer, bn USD."""
    p = state.params
    weeks = state.days_per_turn / 7
    if transfer.kind == "cash":
        value = transfer.amount / 1000
        return value, value
    if transfer.kind == "oil":
        value = transfer.amount * 1000 * p["oil_usd_per_bbl"] / 1e9
        return value, value
    if transfer.kind == "food":
        value = transfer.amount * 1000 * p["food_usd_per_tonne"] / 1e9
        return value, value
    if transfer.kind == "payroll":
        troops = state.actors[transfer.recipient].troops_abroad
        value = (transfer.amount * troops * p["pay_usd_per_soldier_month"]
                 * weeks / WEEKS_PER_MONTH / 1e9)
        return value, value
    if transfer.kind == "military_aid":
        return 0.0, transfer.amount / 1000  # delivered as shells, see below
    return 0.0, 0.0  # technology: valued through effectiveness, not money


def blocked_trade(state: WorldState) -> tuple[dict[str, float], dict[str, float], dict]:
    """Per actor: (trade lost as a target, trade lost as a sender) in bn USD/yr, and notes.

    Depends only on the sanctions in force, the trade flows and three parameters, so the
    result is memoised: for the run (the last result; sanctions change a few times a run) and
    for the process (runs of a batch meet the same sets of sanctions again and again).
    """
    memo = caching.memo(state)
    last = memo.get("blocked_trade")
    if last is not None and last[0] is state.sanctions and last[1] == state.explain:
        return last[2]
    p = state.params
    key = (state.sanctions, state.trade, p["secondary_leak_cut"], p["sender_cost_share"],
           p["leakage_max"], state.explain)
    cached = _BLOCKED.get(key) if caching.ENABLED else None
    if cached is None:
        if len(_BLOCKED) >= 1024:  # bounded: a long-lived process meets many scenarios
            _BLOCKED.clear()
        cached = _blocked_trade(state)
        if caching.ENABLED:
            _BLOCKED[key] = cached
    memo["blocked_trade"] = (state.sanctions, state.explain, cached)
    return cached


# (sanctions, trade, the parameters _blocked_trade reads, explain) -> its result, shared by
# the runs of this process; the dicts in it are never modified.
_BLOCKED: dict[tuple, tuple[dict[str, float], dict[str, float], dict]] = {}


def _lost_trade(state: WorldState, lost_target, lost_sender) -> dict[str, tuple[float, float]]:
    """Per actor: (trade lost as a target and as a sender, the same rounded as recorded), bn
    USD/yr. Like blocked_trade, it changes only with the sanctions in force."""
    memo = caching.memo(state)
    last = memo.get("lost_trade")
    if last is not None and last[0] is lost_target and last[1] is lost_sender:
        return last[2]
    lost = {}
    for a in state.actors:
        total = lost_target.get(a, 0.0) + lost_sender.get(a, 0.0)
        lost[a] = (total, round(total, 6))
    memo["lost_trade"] = (lost_target, lost_sender, lost)
    return lost


def _round6(x: float) -> float:
    """``round(x, 6)``, without the (costly) call when x is zero."""
    return x if x == 0 else round(x, 6)


def _blocked_trade(state: WorldState):
    p = state.params
    direct_on = defaultdict(list)  # (sender, target) -> packages other than secondary
    secondary_on = defaultdict(list)  # target -> secondary packages on it
    senders_on = defaultdict(set)
    for s in state.sanctions:
        senders_on[s.target].add(s.sender)
        if s.package == "secondary":
            secondary_on[s.target].append(s)
        else:
            direct_on[(s.sender, s.target)].append(s)
    # Leakage capacity: a target can re-route at most as much trade as it already does with
    # partners that do not sanction it.
    open_trade = defaultdict(float)
    for flow in state.trade:
        for target, other in ((flow.a, flow.b), (flow.b, flow.a)):
            if other not in senders_on[target]:
                open_trade[target] += flow.volume
    blocked_direct = defaultdict(float)  # target -> direct blocked volume (before leakage)
    extra = defaultdict(float)  # target -> third-party trade deterred by secondary sanctions
    lost_sender: dict[str, float] = defaultdict(float)
    lost_third: dict[str, float] = defaultdict(float)
    # explain only: per target, the partners whose trade is blocked or deterred, and the leak
    blocked_with: dict[str, list[tuple[str, float]]] = defaultdict(list)
    deterred_with: dict[str, list[tuple[str, float]]] = defaultdict(list)
    leaked_of: dict[str, float] = {}
    cut = p["secondary_leak_cut"]
    for flow in state.trade:
        for target, other in ((flow.a, flow.b), (flow.b, flow.a)):
            direct = [(SANCTION_PACKAGES[s.package], s.enforcement)
                      for s in direct_on.get((other, target), ())]
            secondary = [(SANCTION_PACKAGES["secondary"], s.enforcement * cut)
                         for s in secondary_on.get(target, ()) if s.sender != other]
            if not direct and not secondary:
                continue
            share_direct = _blocked_share(flow.sectors, direct) if direct else 0.0
            share_all = _blocked_share(flow.sectors, direct + secondary)
            blocked = flow.volume * share_direct
            deterred = flow.volume * (share_all - share_direct)
            blocked_direct[target] += blocked
            extra[target] += deterred
            lost_sender[other] += blocked * p["sender_cost_share"]
            lost_third[other] += deterred * p["sender_cost_share"]
            if state.explain and blocked:
                blocked_with[target].append((other, blocked))
            if state.explain and deterred:
                deterred_with[target].append((other, deterred))
    lost_target: dict[str, float] = defaultdict(float)
    for target, blocked in blocked_direct.items():
        e_sec = max((s.enforcement for s in secondary_on[target]), default=0.0)
        leak_share = p["leakage_max"] * (1 - cut * e_sec)
        leaked = min(blocked * leak_share, open_trade[target])
        lost_target[target] += blocked - leaked
        leaked_of[target] = leaked
    for target, deterred in extra.items():
        lost_target[target] += deterred
    for other, cost in lost_third.items():
        lost_target[other] += cost
    notes: dict[str, Note] = {}  # per actor: its lost trade as a sum of terms
    if state.explain:
        for actor, lost in lost_target.items():
            if lost < 0.005:
                continue
            notes[actor] = note("economy.lost_trade", lost=lost,
                                blocked_with=tuple(blocked_with.get(actor, ())),
                                leaked=leaked_of.get(actor, 0.0),
                                deterred_with=tuple(deterred_with.get(actor, ())),
                                third=lost_third.get(actor, 0.0))
    return dict(lost_target), dict(lost_sender), dict(notes)  # plain: looking up never adds


def _blocked_share(sectors, packages) -> float:
    total = 0.0
    for sector, weight in sectors:
        open_share = 1.0
        for coverage, enforcement in packages:
            open_share *= 1.0 - coverage.get(sector, 0.0) * enforcement
        total += weight * (1.0 - open_share)
    return total


def economy(state: WorldState, params, rng) -> list[Change]:
    """Trade lost to sanctions, transfers, growth, reserves and strain. Draws nothing."""
    p = params
    explain = state.explain
    dt = state.days_per_turn / 365
    weeks = state.days_per_turn / 7
    lost_target, lost_sender, notes = blocked_trade(state)
    lost_trade = _lost_trade(state, lost_target, lost_sender)
    received = defaultdict(float)
    paid = defaultdict(float)
    regime_cash = defaultdict(float)
    payroll_in = defaultdict(float)
    reserves_delta = defaultdict(float)
    shells_in = defaultdict(float)
    tech_in = defaultdict(float)
    for t, (value, cost, through) in zip(state.transfers, _transfer_terms(state), strict=True):
        if value is None:  # payroll follows the troops abroad: valued afresh each turn
            value, cost = transfer_values(state, t)
            value, cost = value * through, cost * through
        received[t.recipient] += value
        paid[t.payer] += cost
        if t.kind == "cash":
            regime_cash[t.recipient] += value
            reserves_delta[t.recipient] += value
            reserves_delta[t.payer] -= cost
        elif t.kind == "payroll":
            payroll_in[t.recipient] += value
            regime_cash[t.recipient] += value * p["regime_capture_share"]
            reserves_delta[t.recipient] += value * p["regime_capture_share"]
            reserves_delta[t.payer] -= cost
        elif t.kind == "military_aid":
            shells_in[t.recipient] += t.amount * 1e6 / p["aid_usd_per_shell"] * through
        elif t.kind == "technology":
            tech_in[t.recipient] += t.amount * through

    sustainment_rate = p["sustainment_usd_per_soldier_month"]
    war_cost = p["war_cost_gdp_share"]
    strain_gain, strain_recovery = p["strain_gain"], p["strain_recovery"]
    growth_per_strain = p["growth_per_strain"]
    theatres = state.theatres
    changes: list[Change] = []
    for a in state.actors.values():
        aid = a.id
        sustainment = (a.troops_abroad * sustainment_rate * weeks / WEEKS_PER_MONTH / 1e9
                       if "expeditionary" in a.capabilities else 0.0)
        theatre = theatres.get(a.theatre) if a.theatre else None
        committed = a.front / larger(a.front + a.forces_home + a.queued + a.in_transit, 1)
        war = (war_cost * theatre.intensity * committed / 0.5
               if theatre and a.front > 0 else 0.0)
        lost, lost_recorded = lost_trade[aid]
        got, gave = received.get(aid, 0.0), paid.get(aid, 0.0)
        relief = (got - gave - sustainment) / dt  # bn per year
        pressure = (lost - relief) / a.gdp + war
        strain = clip(a.strain + dt * (strain_gain * pressure - strain_recovery * a.strain),
                      0.0, 1.0)
        growth = a.trend_growth - growth_per_strain * strain
        gdp = a.gdp * (1 + growth / 100) ** dt
        if explain:  # what each figure came from: the flows from the standing orders, strain
            # and what follows it from the flows (engine.narrate.explain.chain follows them back)
            why = note("economy.flows", actor=aid, pressure=pressure, trade=notes.get(aid),
                       sender_cost=lost_sender.get(aid, 0.0), received=got / dt,
                       paid=gave / dt, war=war, strain_before=a.strain, strain=strain,
                       growth=growth)
            cause = Cause(RULE, "economy", why, reads(f"{aid}.lost_trade",
                                                     f"{aid}.transfer_relief"))
            trade_cause = Cause(RULE, "economy", why, reads("world.sanctions"))
            help_cause = Cause(RULE, "economy", why, reads("world.transfers"))
        else:
            cause = trade_cause = help_cause = QUIET
        # the flows often stay as they were: record only those that moved
        relief = _round6(relief)
        income = _round6(regime_cash.get(aid, 0.0) / dt)
        if lost_recorded != a.lost_trade:
            changes.append((aid, "lost_trade", lost_recorded, trade_cause))
        if relief != a.transfer_relief:
            changes.append((aid, "transfer_relief", relief, help_cause))
        if income != a.regime_income:
            changes.append((aid, "regime_income", income, help_cause))
        payroll = _round6(payroll_in.get(aid, 0.0) / dt)
        if payroll != a.payroll_income:
            changes.append((aid, "payroll_income", payroll, help_cause))
        changes += [
            (aid, "strain", strain, cause),
            (aid, "growth", growth, cause),
            (aid, "gdp", gdp, cause),
        ]
        delta = reserves_delta.get(aid)
        if delta:
            reserves = a.reserves + delta
            changes.append((aid, "reserves", reserves if reserves > 0.0 else 0.0, cause))
        shells = shells_in.get(aid)
        if shells:
            changes.append((aid, "munitions", a.munitions + shells, Cause(
                RULE, "transfers",
                note("transfers.shells", actor=aid, shells=shells) if explain else None)))
        tech = tech_in.get(aid)
        if tech:
            gain = p["technology_effectiveness_gain"] * tech * dt
            # saturating: technology cannot more than double effectiveness
            eff = a.effectiveness + gain * max(0.0, 2.0 - a.effectiveness)
            changes.append((aid, "effectiveness", eff, Cause(
                RULE, "transfers",
                note("transfers.technology", actor=aid, level=tech) if explain else None)))
    return changes


__all__ = ["blocked_trade", "economy", "transfer_values"]
