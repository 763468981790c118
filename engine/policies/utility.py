"""What a move is worth to the actor that makes it: the terms of the logit policy's utility.

    U(m) = appeal(m) + Σ_rows -price_r(quantity_r(m)) - escalation(m) - repeat(m)

Benefit (``appeal``): the catalogue's judgement of the move along the actor's four dimensions,
scaled by its situation, as before: Σ_d w_d x appeal_{m,d} x context_d, with context security
0.5 + threat, economy 0.5 + strain, regime 1.5 - stability, reputation 1.

Costs (``COSTS``, one row per thing a move takes): each row names the resource the move
spends and how much of it, read from the numbers the rules use; the resource's price turns the
amount into utility (``RESOURCES``). A negative amount is a gain (troops abroad earn Russia's
pay; lifting sanctions wins back trade). H = decision_horizon_weeks:

    money        bn USD over H, as a share of annual GDP:
                 w_economy x utility_per_gdp_share x (spend / GDP) x (0.5 + strain)
                 x (1 + spend / (spend + reserves))        (spending, not income, drains reserves)
    stability    stability lost:            w_regime x utility_per_index x amount
    credibility  credibility spent:         w_reputation x utility_per_index x amount
    security     a share of the forces at home or of the shell stock given up:
                 w_security x utility_per_index x amount x (0.5 + threat)
    concession   security conceded by an offer under pressure: w_security x amount

Then ``escalation``: escalation_aversion x points / 12 x (1 + level / 12), as before (negative
for de-escalating moves: a credit). ``repeat``: an offer of talks or a ceasefire made while n
earlier ones to the same party are unanswered (within H) keeps only talks_repeat_discount^n of
its benefit (appeal and de-escalation credit); the rest is this term. (Its credibility cost
counts the actor's unanswered offers to anyone.)

``utility_terms`` returns every term by name (a reward for each, one day); ``utility`` their sum.
Everything here is pure: the same observation, move, weights and memory give the same terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from engine.core.beliefs import ACK_CANDOUR, ACK_CAUGHT
from engine.moves.catalogue import CATALOGUE, Move, MoveType
from engine.rules.economy import WEEKS_PER_MONTH, transfer_values
from engine.rules.politics import casualty_stability_loss

# The model parameters the terms read (public: every actor knows the rules of the game).
READS = ("decision_horizon_weeks", "utility_per_gdp_share", "utility_per_index",
         "talks_concession", "talks_repeat_discount", "diplomacy_credibility_cost",
         "casualty_rate_weekly", "sustainment_usd_per_soldier_month",
         "pay_usd_per_soldier_month", "oil_usd_per_bbl", "food_usd_per_tonne",
         "stability_casualty_weight", "stability_payment_weight", "regime_capture_share")
OFFERS = (MoveType.OFFER_TALKS, MoveType.OFFER_CEASEFIRE)


@dataclass(frozen=True, slots=True)
class Situation:
    """What every term reads of one actor's observation, read once per decision."""

    obs: object  # engine.policies.base.Observation
    me: object  # the actor's own state
    threat: float
    level: float
    weeks: float  # per turn
    p: dict[str, float]
    unanswered: dict  # offer_key -> earlier offers still unanswered (the policy's memory)

    @classmethod
    def of(cls, obs, unanswered=None) -> Situation:
        return cls(obs, obs.me, obs.threat(), obs.escalation_level, obs.weeks_per_turn,
                   {name: obs.read(f"param.{name}") for name in READS}, unanswered or {})

    def unanswered_before(self, move: Move) -> int:
        key = offer_key(move)
        return self.unanswered.get(key, 0) if key else 0

    @property
    def horizon(self) -> float:
        return self.p["decision_horizon_weeks"]

    @property
    def intensity(self) -> float:
        """The fighting the actor's troops would meet: its theatre's usual intensity."""
        theatre = self.me.theatre
        return self.obs.read(f"theatre.{theatre}.base_intensity") if theatre else 0.0


# --- quantities: what a move takes, in the resource's unit ------------------------------------


def _troops(move: Move) -> float:
    return float(move.params.get("troops", 0))


def standing_spend(s: Situation, move: Move) -> float:
    """bn USD over the horizon that a standing transfer (pay_support, military_aid) adds to what
    the actor already pays that recipient of that kind: the economy rule's valuation
    (``transfer_values``); a payroll follows the troops the actor believes the recipient has
    abroad."""
    kind = "military_aid" if move.type == MoveType.MILITARY_AID else move.params["kind"]
    recipient = move.params["recipient"]
    believed = s.obs.read(f"belief.{recipient}.troops_abroad") if kind == "payroll" else 0.0
    world = SimpleNamespace(params=s.p, days_per_turn=s.weeks * 7,
                            actors={recipient: SimpleNamespace(troops_abroad=believed)})

    def per_turn(amount: float) -> float:
        return transfer_values(world, SimpleNamespace(kind=kind, recipient=recipient,
                                                      amount=amount))[1]

    now = sum(t.amount for t in s.obs.transfers()
              if t.payer == s.me.id and t.recipient == recipient and t.kind == kind)
    return (per_turn(float(move.params["amount"])) - per_turn(now)) * s.horizon / s.weeks


def _direction(move: Move) -> float:
    """+1 for troops sent out, -1 for troops brought home."""
    return -1.0 if move.type == MoveType.WITHDRAW_TROOPS else 1.0


def upkeep(s: Situation, move: Move) -> float:
    """bn USD over the horizon to feed, lodge and move the troops sent abroad (expeditionary
    actors pay it, as in the economy rule); troops withdrawn save it."""
    if "expeditionary" not in s.me.capabilities:
        return 0.0
    return (_direction(move) * _troops(move) * s.p["sustainment_usd_per_soldier_month"]
            * s.horizon / WEEKS_PER_MONTH / 1e9)


def pay(s: Situation, move: Move) -> float:
    """bn USD over the horizon that patrons pay for the troops sent (the payroll the actor
    receives, at pay_usd_per_soldier_month, as the economy rule pays it): a gain, so negative;
    troops withdrawn lose it."""
    rate = sum(t.amount for t in s.obs.transfers()
               if t.recipient == s.me.id and t.kind == "payroll")
    return -(_direction(move) * _troops(move) * rate * s.p["pay_usd_per_soldier_month"]
             * s.horizon / WEEKS_PER_MONTH / 1e9)


def loyalty(s: Situation, move: Move) -> float:
    """Stability the regime's cut of that pay buys (regime_capture_share of it, as hard
    currency, at the politics rule's stability_payment_weight per unit of income / GDP a week):
    a gain, so negative; troops withdrawn lose it."""
    per_year = -pay(s, move) * 52 / s.horizon * s.p["regime_capture_share"]
    return -s.p["stability_payment_weight"] * per_year / s.me.gdp * s.horizon


def losses(s: Situation, move: Move) -> float:
    """Stability the troops' expected losses cost: casualty_rate_weekly x troops x H x the
    theatre's intensity, charged as the politics rule charges casualties against the troops
    committed; troops withdrawn spare it."""
    troops = _troops(move)
    committed = s.me.troops_committed + (troops if _direction(move) > 0 else 0)
    lost = s.p["casualty_rate_weekly"] * troops * s.horizon * s.intensity
    return _direction(move) * casualty_stability_loss(s.me, lost, committed, s.p)


def line_losses(s: Situation, move: Move) -> float:
    """Stability the losses of troops at the front cost over the horizon: pulling them back
    off the line spares it (negative: a gain), returning them to the front charges it. Without
    a number, every soldier at the front (or in reserve) moves."""
    back = move.type == MoveType.PULL_BACK_TROOPS
    default = s.me.front if back else s.me.reserve
    troops = float(move.params.get("troops") or default)
    lost = s.p["casualty_rate_weekly"] * troops * s.horizon * s.intensity
    return (-1.0 if back else 1.0) * casualty_stability_loss(s.me, lost, s.me.deployed, s.p)


def offensive_losses(s: Situation, move: Move) -> float:
    """Stability the extra losses of an offensive cost: this turn, the troops at the front fight
    at the ordered intensity instead of the theatre's usual one."""
    extra = max(0.0, float(move.params.get("intensity", 0.7)) - s.intensity)
    lost = s.p["casualty_rate_weekly"] * s.me.front * s.weeks * extra
    return casualty_stability_loss(s.me, lost, s.me.deployed, s.p)


def diversion(s: Situation, move: Move) -> float:
    """The share of the forces at home that leaves for another's war (an expeditionary
    actor's; a belligerent's reinforcements go where its threat is)."""
    if "expeditionary" not in s.me.capabilities:
        return 0.0
    return _direction(move) * _troops(move) / max(s.me.forces_home, 1)


def shells(s: Situation, move: Move) -> float:
    """The share of its shell stock the shipment draws down: the shells beyond what the actor
    makes in a turn (a supplier shipping its output keeps its stock)."""
    drawn = float(move.params["shells"]) - s.me.munitions_production
    return max(0.0, drawn) / max(s.me.munitions, 1.0)


def trade(s: Situation, move: Move) -> float:
    """bn USD over the horizon of the actor's own trade the move cuts (its share of the trade a
    new package blocks, as the economy rule reckons it from the trade table) or wins back."""
    return (s.obs.trade_loss(move) - s.obs.trade_loss()) * s.horizon / 52


def signal(s: Situation, move: Move) -> float:
    """Credibility a diplomatic move stakes; an offer, once more for each of the actor's offers
    still unanswered, to anyone (an actor that keeps offering looks weak to all)."""
    pending = sum(s.unanswered.values()) if move.type in OFFERS else 0
    return s.p["diplomacy_credibility_cost"] * (1 + pending)


def acknowledgement(s: Situation, move: Move) -> float:
    """Credibility the acknowledgement costs (after a denial) or earns, as its effect moves it
    (``engine.core.beliefs``)."""
    return ACK_CAUGHT if s.me.denied else -ACK_CANDOUR


def concession(s: Situation, move: Move) -> float:
    """Security conceded by an offer (or by lifting sanctions) while a hostile side presses:
    talks_concession x threat x resolve."""
    return s.p["talks_concession"] * s.threat * s.me.resolve


# --- resources: the price of an amount, in utility --------------------------------------------


def _money(s: Situation, w, bn: float) -> float:
    me = s.me
    drain = 1.0 + bn / (bn + max(me.reserves, 0.0)) if bn > 0 else 1.0
    return (w.economy * s.p["utility_per_gdp_share"] * bn / me.gdp * (0.5 + me.strain)
            * drain)


@dataclass(frozen=True, slots=True)
class Resource:
    """What a move can spend: its unit, its price in utility (a function of the situation,
    the actor's weights and the amount) and that price as docs/reference/model.md shows it."""

    unit: str
    price: Callable[..., float]
    formula: str


RESOURCES: dict[str, Resource] = {
    "money": Resource(
        "bn USD over the horizon", _money,
        "w_economy × utility_per_gdp_share × amount / GDP × (0.5 + strain) × "
        "(1 + amount / (amount + reserves)) (the last factor for spending only)"),
    "stability": Resource(
        "stability (0..1)", lambda s, w, x: w.regime * s.p["utility_per_index"] * x,
        "w_regime × utility_per_index × amount"),
    "credibility": Resource(
        "credibility (0..1)", lambda s, w, x: w.reputation * s.p["utility_per_index"] * x,
        "w_reputation × utility_per_index × amount"),
    "security": Resource(
        "share of the forces at home or of the shell stock",
        lambda s, w, x: w.security * s.p["utility_per_index"] * x * (0.5 + s.threat),
        "w_security × utility_per_index × amount × (0.5 + threat)"),
    "concession": Resource(
        "utility per unit of the security weight", lambda s, w, x: w.security * x,
        "w_security × amount"),
}


@dataclass(frozen=True, slots=True)
class Cost:
    """One thing a move takes: the term's name, the resource and how much (a function)."""

    term: str
    resource: str
    amount: Callable[..., float]
    source: str


_UPKEEP = Cost("upkeep", "money", upkeep,
               "troops × sustainment_usd_per_soldier_month × H, expeditionary actors (economy "
               "rule)")
_PAY = Cost("pay", "money", pay,
            "−troops × payroll received (share of the going rate) × pay_usd_per_soldier_month × "
            "H (economy rule)")
_LOYALTY = Cost("loyalty", "stability", loyalty,
                "−stability_payment_weight × regime_capture_share × that pay a year / GDP × "
                "H (politics rule)")
_LOSSES = Cost("losses", "stability", losses,
               "casualty_rate_weekly × troops × H × the theatre's usual intensity, as the "
               "politics rule charges casualties against the troops committed")
_DIVERSION = Cost("diversion", "security", diversion,
                  "troops / forces at home, expeditionary actors")
_TRADE = Cost("trade", "money", trade,
              "own lost trade with the sanctions the move leaves in force minus without, × H / "
              "52 (economy rule, trade table)")
_SIGNAL = Cost("credibility", "credibility", signal,
               "diplomacy_credibility_cost × (1 + for an offer, the actor's offers to anyone "
               "still unanswered)")
_CONCESSION = Cost("concession", "concession", concession,
                   "talks_concession × threat × resolve")
_SPEND = Cost("spend", "money", standing_spend,
              "(new − current standing amount) a turn × H / turn, valued as the economy rule "
              "values transfers (a payroll at the troops abroad the payer believes)")

_T = MoveType
# Every move type, and what it takes from the actor that makes it beyond its escalation points
# (charged to every move). A new move type needs a row (tests/engine/policies/test_logit.py).
COSTS: dict[MoveType, tuple[Cost, ...]] = {
    _T.HOLD: (),
    _T.DEPLOY_TROOPS: (_UPKEEP, _PAY, _LOYALTY, _LOSSES, _DIVERSION),
    _T.REINFORCE_TROOPS: (_UPKEEP, _PAY, _LOYALTY, _LOSSES, _DIVERSION),
    _T.ROTATE_TROOPS: (),  # as many out as home: upkeep, pay and exposure unchanged
    _T.WITHDRAW_TROOPS: (_UPKEEP, _PAY, _LOYALTY, _LOSSES, _DIVERSION),  # signs reversed
    _T.PULL_BACK_TROOPS: (Cost("losses", "stability", line_losses,
                               "casualty_rate_weekly × troops × H × the theatre's intensity, "
                               "spared off the line (a gain); the security given up is its "
                               "appeal"),),
    _T.RETURN_TO_FRONT: (Cost("losses", "stability", line_losses,
                              "casualty_rate_weekly × troops × H × the theatre's intensity, "
                              "at the front again"),),
    _T.MOBILISE: (),  # its stability and strain costs are its appeal (regime -0.3, economy -0.2)
    _T.TRANSFER_MUNITIONS: (Cost("shells", "security", shells,
                               "(shells − a turn's production) / own stock, if positive"),),
    _T.PAY_SUPPORT: (_SPEND,),
    _T.MILITARY_AID: (_SPEND,),
    _T.IMPOSE_SANCTIONS: (_TRADE,),
    _T.TIGHTEN_SANCTIONS: (_TRADE,),
    _T.LIFT_SANCTIONS: (_TRADE, _CONCESSION),
    _T.ENFORCE_SANCTIONS: (_TRADE,),
    _T.INTERDICT: (),
    _T.DIPLOMATIC_PROTEST: (_SIGNAL,),
    _T.UN_ACTION: (_SIGNAL,),
    _T.DISCLOSE_INTELLIGENCE: (),
    _T.DENY_CONCEAL: (),
    _T.ACKNOWLEDGE_DEPLOYMENT: (Cost("credibility", "credibility", acknowledgement,
                                     "ACK_CAUGHT after a denial, −ACK_CANDOUR otherwise "
                                     "(engine/core/beliefs.py)"),),
    _T.OFFENSIVE_OPERATION: (Cost("losses", "stability", offensive_losses,
                                  "casualty_rate_weekly × troops at the front × the turn's "
                                  "weeks × (ordered − usual intensity), as stability"),),
    _T.DEFENSIVE_OPERATION: (),
    _T.DEEP_STRIKE: (),
    _T.NUCLEAR_SIGNALLING: (),
    _T.NUCLEAR_USE: (),
    _T.OFFER_TALKS: (_SIGNAL, _CONCESSION),
    _T.OFFER_CEASEFIRE: (_SIGNAL, _CONCESSION),
}


def offer_key(move: Move) -> tuple[str, str] | None:
    """What an offer is remembered by (talks: to whom; a ceasefire: in which theatre)."""
    if move.type not in OFFERS:
        return None
    return move.type.value, str(move.params.get("target") or move.params.get("theatre") or "")


def utility_terms(s: Situation, move: Move, weights) -> dict[str, float]:
    """The terms of U(move) for the actor of ``s``, by name (benefits positive, costs
    negative)."""
    spec = CATALOGUE[move.type]
    me = s.me
    context = {"security": 0.5 + s.threat, "economy": 0.5 + me.strain,
               "regime": 1.5 - me.stability, "reputation": 1.0}
    appeal = sum(getattr(weights, dim) * value * context[dim]
                 for dim, value in spec.appeal.items())
    terms = {"appeal": appeal}
    for row in COSTS[move.type]:
        amount = row.amount(s, move)
        price = RESOURCES[row.resource].price(s, weights, amount)
        terms[row.term] = terms.get(row.term, 0.0) - price
    terms["escalation"] = -(weights.escalation_aversion * spec.points / 12
                            * (1 + s.level / 12))
    unanswered = s.unanswered_before(move)
    if unanswered:
        benefit = max(0.0, appeal) + max(0.0, terms["escalation"])
        terms["repeat"] = -benefit * (1 - s.p["talks_repeat_discount"] ** unanswered)
    return terms


def utility(s: Situation, move: Move, weights) -> float:
    return sum(utility_terms(s, move, weights).values())
