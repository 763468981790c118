"""The canonical table of model parameters.

Every number the rules use that is not actor or route data lives here, once, with its unit, its
source (a section of docs/reference/calibration-sources.md, or "assumed") and a plausible range. A
scenario may override any of them by name (``parameters:`` in the YAML) and may attach an
uncertainty distribution for Monte Carlo batches. docs/reference/model.md is checked against
this table.

Kinds:
    sourced  -- read directly from a cited figure;
    derived  -- arithmetic on cited figures (the derivation is in ``note``);
    fitted   -- chosen so that the model reproduces a calibration target (``fit`` names the
                target and how);
    assumed  -- a modelling judgement, varied in sensitivity analysis.

Provenance, rendered into docs/reference/model.md by engine/narrate/docgen.py:
    row        -- the row of docs/reference/calibration-sources.md the value comes from (section and
                  row text), or "none" for a pure assumption;
    fit        -- for a fitted value, the target and the method; for others, the calibration
                  target that checks it, if any (docs/reference/validation.md);
    why_range  -- why the plausible range [low, high] is what it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Parameter:
    """One model parameter with its provenance and plausible range."""

    name: str
    value: float
    unit: str
    source: str
    kind: str  # sourced | derived | fitted | assumed
    low: float
    high: float
    note: str = ""
    row: str = "none"
    fit: str = ""
    why_range: str = ""


KINDS = ("sourced", "derived", "fitted", "assumed")


def _p(name, value, unit, source, kind, low, high, note="", *, row="none", fit="",
       why_range=""):
    if kind not in KINDS:
        raise ValueError(f"{name}: kind must be one of {KINDS}, got {kind!r}")
    if not float(low) <= float(value) <= float(high):
        raise ValueError(f"{name}: value {value} outside its plausible range {low}..{high}")
    return Parameter(name, float(value), unit, source, kind, float(low), float(high), note,
                     row, fit, why_range)


_TABLE = (
    # --- logistics -------------------------------------------------------------------------
    _p("training_weeks", 3, "weeks", "calibration §1.1", "derived", 1, 8,
       "NIS detection 8 Oct, first units in Kursk 23 Oct, first combat 4 Nov 2024: "
       "about 3-4 weeks of training and staging in eastern Russia.",
       row=('§1.1 Confirmation timeline: 2024-10-08→13 NIS detection; 2024-10-23 first units '
           'in Kursk; 2024-11-04/05 first combat'),
       fit=("checked by 'Detection → first combat' (docs/reference/validation.md); routes in the "
           'scenarios set their own training_turns'),
       why_range=("1 week (units thrown in at once) to 8 weeks (a full work-up with the host's "
                 'units)')),
    _p("sustainment_usd_per_soldier_month", 600, "USD/soldier-month", "assumed", "assumed",
       200, 1500, "Food, lodging and transport of troops abroad, charged to the actor that "
       "sends them (expeditionary actors only); no published figure.",
       row='none',
       why_range=("Food and lodging at a poor army's cost ($200) up to a Western-style "
                 'expeditionary cost ($1,500)')),
    # --- sanctions economics ---------------------------------------------------------------
    _p("strain_gain", 2.0, "strain per (GDP share/yr)", "calibration §2.2", "derived", 0.5, 5,
       "With strain_recovery 1/yr and growth_per_strain 10 pp, a sustained loss of 15% of GDP "
       "in trade settles at -3 pp/yr of growth, the middle of the UN-sanctions range.",
       row=('§2.2 Typical GDP impact on targets: Neuenkirch & Neumeier (2015), UN sanctions '
           '−2.3 to −3.5 pp/yr'),
       fit="checked by the three 'Growth deviation' rows (docs/reference/validation.md)",
       why_range=('Steady-state growth loss per share of GDP lost is strain_gain × '
                 'growth_per_strain / strain_recovery; 0.5-5 spans 5-50 pp per unit of GDP lost, '
                 'the range of episodes in §2.2')),
    _p("strain_recovery", 1.0, "1/yr", "assumed", "assumed", 0.2, 3,
       "Rate at which accumulated strain relaxes when pressure stops (half-life ~8 months).",
       row='none',
       fit="checked with strain_gain by the 'Growth deviation' rows",
       why_range='Half-life of strain from about 3 years (0.2/yr) to about 3 months (3/yr)'),
    _p("growth_per_strain", 10.0, "pp/yr per unit strain", "calibration §2.2, §2.4", "derived",
       4, 15, "Full strain (1.0) costs 10 pp/yr, between NK 2018 (-4.1%) and a famine year "
       "(-6.5% in 1997) on top of trend.",
       row='§2.2 comprehensive UN embargo > −5 pp; §2.4 NK 2017 −3.5, 2018 −4.1, 1997 −6.5',
       fit="checked by the 'Growth deviation' rows",
       why_range="Full strain costs 4 pp (below NK's 2018 fall) to 15 pp (beyond a famine year)"),
    _p("leakage_max", 0.5, "share of blocked trade", "calibration §2.5", "assumed", 0.1, 0.9,
       "Share of blocked trade re-routed through partners that do not enforce; evasion of the "
       "UN oil cap (>1.6 M bbl vs 0.5 M cap) shows it is large.",
       row=('§2.5 Evasion: NK imported >1.6 M bbl refined oil in Jan–May vs the 0.5 M bbl/yr '
           'cap'),
       why_range='From near-complete policing (0.1) to most blocked trade re-routed (0.9)'),
    _p("secondary_leak_cut", 0.6, "share", "assumed", "assumed", 0.2, 0.9,
       "How much secondary sanctions on a third party cut the leakage it offers.",
       row='none',
       why_range=('Secondary sanctions from nearly toothless (0.2) to nearly closing the channel '
                 '(0.9)')),
    _p("sender_cost_share", 0.5, "share of own lost trade", "assumed", "assumed", 0.1, 1.0,
       "Senders lose trade too but re-direct much of it; half of the lost volume is a cost.",
       row='none',
       why_range='From senders re-directing almost all lost trade (0.1) to losing all of it (1.0)'),
    _p("war_cost_gdp_share", 0.06, "GDP share/yr", "assumed", "assumed", 0.01, 0.2,
       "Economic pressure of a war at full intensity with half the actor's forces at the "
       "front; scales with intensity and the share committed.",
       row='none',
       fit="checked by 'Russian growth resilient under sanctions'",
       why_range=('1% to 20% of GDP a year for a war at full intensity with half the forces '
                 'committed')),
    # --- transfers -------------------------------------------------------------------------
    _p("pay_usd_per_soldier_month", 2000, "USD/soldier-month", "calibration §1.5", "sourced",
       800, 3000, "NIS via MPs, Oct 2024.",
       row=('§1.5 What Russia gave North Korea: Pay per soldier ~$2,000/month (NIS via MPs, '
           'Oct 2024)'),
       fit="checked by 'Russian troop payroll, mid-December 2024'",
       why_range='$800 (the non-combat NK worker rate, §1.5) to $3,000'),
    _p("regime_capture_share", 0.9, "share", "calibration §1.5", "sourced", 0.5, 1.0,
       "Share of soldiers' pay kept by the regime (RFA; Independent: ~90%).",
       row='§1.5 Pay per soldier: regime keeps most (RFA; Independent: ~90%)',
       why_range='Half (a generous regime) to all of it'),
    _p("oil_usd_per_bbl", 75, "USD/bbl", "assumed", "assumed", 40, 110,
       "Valuation of refined oil deliveries.",
       row='none',
       why_range='Refined products at $40-110 a barrel, the 2020-2024 range of market prices'),
    _p("food_usd_per_tonne", 450, "USD/t", "assumed", "assumed", 300, 700,
       "Valuation of rice deliveries.",
       row='none',
       why_range='Rice at $300-700 a tonne, the 2020-2024 range of export prices'),
    _p("technology_effectiveness_gain", 0.15, "effectiveness per unit technology", "assumed",
       "assumed", 0.0, 0.4, "Air defence, EW and missile data (calibration §1.5) raise the "
       "recipient's military effectiveness.",
       row='§1.5 Air defence, Pantsir, EW and missile data (items listed; no effect size)',
       why_range='From no effect to +0.4 effectiveness a year at full transfer'),
    # --- military --------------------------------------------------------------------------
    _p("casualty_rate_weekly", 0.017, "share of combat force per week", "calibration §1.4",
       "derived", 0.008, 0.04,
       "~1,100 casualties of ~11,000 in ~6 weeks after first combat = 1.7%/week.",
       row=('§1.4 Casualties: 2024-12-19 NIS via MP ~100 killed, ~1,000 wounded; §6 Early '
           'casualties ~1,100 about six weeks after first combat'),
       fit=('Raw observed share 1,100 / 11,000 / 6 weeks. The rule scales it by intensity and'
           ' the power ratio, so in nk-historical-2024 it gives ~720 casualties; that '
           'scenario overrides it with 0.027, fitted to the §6 row by grid search '
           '(analysis.calibration.fit_scalar; docs/reference/validation.md)'),
       why_range=("0.8%/week (half the observed rate) to 4%/week (the sources' factor 1.5-2 above "
                 'it, with room for heavier fighting)')),
    _p("kia_share", 0.09, "share of casualties", "calibration §1.4", "derived", 0.05, 0.3,
       "Early KIA:WIA about 1:10 (NIS, Dec 2024).",
       row='§1.4 Derived calibration: early KIA:WIA ≈ 1:10 (NIS ~100:1,000 by mid-Dec 2024)',
       fit="checked by 'North Korean killed six weeks after first combat'",
       why_range=('0.05 to 0.3: KIA:WIA from 1:20 to about 1:2.3 (the sources disagree by a factor '
                 '1.5-2, §1.4 flag D)')),
    _p("shells_per_soldier_week", 0.3, "shells/soldier-week at full intensity",
       "calibration §1.6", "derived", 0.1, 1.0,
       "2024: North Korea's ~3 M shells/yr were about half of Russian use, so ~6 M/yr, or "
       "~115,000/week for a force of ~600,000 at intensity ~0.7 (force size assumed). "
       "RUSI's 2022 figure (12 M/yr, ~0.8/soldier-week) is the upper bound.",
       row=('§1.6 Munitions NK → Russia: Oct 2024 ~3 M/yr ≈ half of Russian shell use; '
           'context: RUSI ~12 M shells fired in 2022'),
       why_range=("0.1 to 1.0 shells a soldier-week: below the 2024 estimate to above RUSI's 2022 "
                 'rate')),
    _p("reserve_recovery_weekly", 0.05, "readiness per week", "assumed", "assumed", 0.02,
       0.15, "Readiness regained each week by troops pulled back off the line to reconstitute "
       "(rest, replacements, retraining): a unit worn down to 0.4 is fit again (0.8) after "
       "about eight weeks. Reported, beyond the calibration reference (to end-2024): North "
       "Korea's Kursk contingent was off the line for some weeks from mid-January 2025 after "
       "heavy losses, and back in combat by March (ROK NIS to lawmakers, February 2025).",
       row='none',
       why_range=('0.02 a week (months to reconstitute) to 0.15 (fit again within three '
                  'weeks)')),
    _p("aid_usd_per_shell", 8000, "USD per shell-equivalent", "assumed", "assumed", 3000, 20000,
       "Military aid is delivered as fire support; all-in cost per shell-equivalent.",
       row='none',
       why_range='$3,000 (a Soviet-calibre shell) to $20,000 (aid that includes other systems)'),
    _p("front_gain", 0.08, "pressure per week per log power ratio", "assumed", "assumed", 0.01,
       0.3, "How fast front-line pressure follows the balance of combat power.",
       row='none',
       why_range='Pressure from barely moving (0.01) to swinging in a few turns (0.3)'),
    _p("front_decay", 0.1, "1/week", "assumed", "assumed", 0.0, 0.5,
       "Pressure relaxes towards stalemate as attackers outrun their supply.",
       row='none',
       why_range='From no relaxation to half the pressure lost each week'),
    _p("civilian_harm_per_strike", 40, "people per deep strike", "assumed", "assumed", 5, 200,
       "Civilian casualties per deep-strike salvo.",
       row='none',
       why_range='5 to 200 people per salvo'),
    _p("displaced_per_pressure", 20000, "people per unit of pressure change", "assumed",
       "assumed", 0, 100000, "Displacement when the front moves.",
       row='none',
       why_range='None to 100,000 people per unit of front movement'),
    # --- domestic politics -----------------------------------------------------------------
    _p("stability_strain_weight", 0.02, "stability/week per unit strain", "assumed", "assumed",
       0.0, 0.3, "Economic strain erodes stability or public support.",
       row='none',
       fit=("checked, with the episodes' sampled spread, by 'Sanctions episodes ending in "
           "concession'"),
       why_range=('From no effect to 0.3 stability a week at full strain (a regime lost in a few '
                 'weeks)')),
    _p("stability_casualty_weight", 0.5, "stability per casualty share of force", "assumed",
       "assumed", 0.0, 3.0, "Casualties relative to the forces committed abroad.",
       row='none',
       why_range='From no effect to 3 (losing a tenth of the force costs 0.3 stability)'),
    _p("stability_payment_weight", 0.05, "stability/week per (regime income/GDP)", "assumed",
       "assumed", 0.0, 0.5, "Hard currency the regime captures buys loyalty.",
       row='none',
       why_range='From no effect to 0.5 a week per unit of income/GDP'),
    _p("stability_reversion", 0.05, "1/week", "assumed", "assumed", 0.0, 0.3,
       "Stability reverts to its baseline when nothing presses on it.",
       row='none',
       fit=("checked, with the episodes' sampled spread, by 'Sanctions episodes ending in "
           "concession'"),
       why_range='From no reversion to 30% of the gap closed each week'),
    # --- escalation ------------------------------------------------------------------------
    _p("heat_persistence", 0.8, "share per week", "assumed", "assumed", 0.5, 0.97,
       "Momentum: share of escalation heat carried forward a week (a turn of w weeks keeps "
       "heat_persistence^w).",
       row='none',
       why_range='Momentum from 0.5 (half-life one week) to 0.97 (half-life ~23 weeks)'),
    _p("points_per_rung", 12.0, "escalation points per rung", "calibration §3.3", "assumed",
       4, 40, "Heat of this many points above the baseline moves the ladder one rung. The score "
       "is the most escalated pair's, per side (Rivera et al.'s average per nation, over the "
       "pair's two nations), so one 12-point move by one side of that pair adds 6 points.",
       row='§3.3 Rivera et al. (2024) severity classes: non-violent escalation 12 points',
       why_range='4 (one posturing move a rung) to 40 (more than one violent move a rung)'),
    _p("descent_friction", 0.25, "share of gap closed per week",
       "assumed", "assumed", 0.05,
       1.0, "Escalation falls more slowly than it rises (Kahn's ratchet); a turn of w weeks "
       "closes 1 - (1 - descent_friction)^w of the gap.",
       row='none',
       why_range='From a slow ratchet (5% of the gap a week) to no friction (1)'),
    _p("accident_p_max", 0.10, "probability per week", "reference/peers.md (Payne)", "assumed",
       0.05, 0.15, "Payne's Project Kahn game uses a 5-15% accident probability near the top of "
       "the ladder, +1 to 3 rungs: a design choice there, not an empirical rate.",
       row=("peers.md: Payne's Project Kahn, 5-15% accident probability near the top (a game "
           'design choice)'),
       why_range="Payne's own 5-15%"),
    _p("accident_onset_rung", 14, "rung", "calibration §3.1", "assumed", 10, 20,
       "Accident risk starts in Kahn's intense crises and is full at the nuclear threshold.",
       row='§3.1 Kahn: unit III Intense crises (rungs 10-20); rung 21 opens the nuclear unit',
       why_range=('From rung 10 (start of intense crises) to 20, one below the nuclear threshold '
                 '(21) where the risk is full: the ramp needs onset < 21')),
    _p("horizontal_points", 12, "points", "calibration §3.3", "assumed", 0, 28,
       "Escalation heat added when a new actor is drawn into the conflict.",
       row='§3.3 Rivera et al. (2024): non-violent escalation 12, violent 28',
       why_range='0 (no horizontal effect) to 28 (as much as a violent move)'),
    _p("wider_war_midpoint", 20, "rung", "calibration §3.1", "assumed", 14, 30,
       "Rung at which the risk of a wider war reaches 50% with nobody new drawn in.",
       row=("§3.1 Kahn: rung 20 'Peaceful' world-wide embargo or blockade, the top of intense"
           ' crises'),
       why_range=('Rung 14 (declaration of limited conventional war) to 30 (inside exemplary '
                 'central attacks)')),
    _p("wider_war_slope", 0.5, "1/rung", "assumed", "assumed", 0.1, 2.0,
       "Steepness of the wider-war logistic.",
       row='none',
       why_range='0.1/rung (a gentle logistic over the whole ladder) to 2/rung (a step)'),
    _p("wider_war_per_actor", 1.0, "logit per actor drawn in", "assumed", "assumed", 0.0, 3.0,
       "Each actor drawn in raises the odds of a wider war.",
       row='none',
       why_range='0 to 3 logits (each new actor multiplies the odds by up to 20)'),
    _p("draw_in_attacked", 0.5, "probability per week", "assumed", "assumed", 0.2, 1.0,
       "An actor not yet in the conflict that is struck (a violent move against it, its "
       "territory or its forces) joins the fighting with this weekly probability.",
       row='none',
       why_range=('From restraint more often than not (0.2: a state absorbs a strike to stay out) '
                 'to certain retaliation (1)')),
    _p("draw_in_alliance", 0.3, "probability per week", "assumed", "assumed", 0.05, 1.0,
       "An actor bound to an ally that is struck this turn joins with this weekly probability, "
       "times the alliance's commitment (1 a mutual-defence treaty, 0 a support group).",
       row='none',
       why_range=('From a hollow guarantee (0.05 a week) to a treaty honoured at once (1)')),
    _p("draw_in_wider_war", 0.02, "probability per week at a wider-war risk of 1", "assumed",
       "assumed", 0.005, 0.1,
       "An actor with a stake (hostile to or allied with an actor in the fighting) is drawn in "
       "with this weekly probability times the risk of a wider war: the risk is what draws "
       "third parties in, and each one drawn in raises it. 0.02 reads the risk as the chance "
       "of a wider war within a year, spread over its weeks (1/52), with every stakeholder in "
       "it.",
       row='none',
       why_range=('From a risk read over four years (0.005 a week) to one that pulls a '
                 'stakeholder in within months (0.1)')),
    _p("covert_points_weight", 0.5, "share", "assumed", "assumed", 0.0, 1.0,
       "Covert moves escalate in the theatre but carry less signal.",
       row='none',
       why_range='From covert moves not counting to counting in full'),
    # --- decisions (the logit policy's utility, engine/policies/utility.py) ----------------
    _p("decision_horizon_weeks", 12, "weeks", "assumed", "assumed", 4, 52,
       "How far ahead a logit actor counts a move's running costs and gains: a standing "
       "payment, the upkeep and pay of troops sent abroad, their expected losses, trade cut.",
       row='none',
       why_range='A month (a government that looks one budget cycle ahead) to a year'),
    _p("utility_per_gdp_share", 1000, "utility per share of annual GDP", "assumed", "assumed",
       200, 5000,
       "What money is worth to a logit actor: spending 0.1% of its annual GDP over the horizon "
       "weighs 1 (times its economy weight and 0.5 + strain), as much as a strong appeal.",
       row='none',
       why_range=('200 (money barely weighs against security: 0.5% of GDP per unit) to 5,000 '
                 '(0.02% of GDP per unit: a treasury that counts every dollar)')),
    _p("utility_per_index", 20, "utility per unit of a 0..1 index", "assumed", "assumed", 5, 60,
       "What a whole unit of stability, credibility, or of the forces at home or the shell "
       "stock is worth to a logit actor (times the weight of the dimension it serves): "
       "losing 0.01 stability weighs 0.2 x the regime weight.",
       row='none',
       why_range='5 (a unit of stability weighs like a mild appeal) to 60'),
    _p("talks_concession", 0.5, "utility per unit threat x resolve", "assumed", "assumed",
       0.1, 1.5,
       "Security an actor concedes by offering talks or a ceasefire while a hostile side "
       "presses it: times its security weight, its threat and its resolve.",
       row='none',
       why_range=('0.1 (talks signal nothing to the enemy) to 1.5 (an offer under fire reads as '
                 'surrender)')),
    _p("talks_repeat_discount", 0.5, "share kept per unanswered offer", "assumed", "assumed",
       0.2, 0.9,
       "An offer repeated while earlier ones are unanswered (within the horizon) is worth "
       "less: its benefit is multiplied by this once per unanswered offer.",
       row='none',
       why_range='0.2 (a second offer is nearly worthless) to 0.9 (persistence barely hurts)'),
    _p("diplomacy_credibility_cost", 0.02, "credibility per diplomatic move", "assumed",
       "assumed", 0.0, 0.05,
       "Credibility a diplomatic move (a protest, UN action, an offer of talks or a ceasefire) "
       "puts at stake: as much as a protest takes from its target (the catalogue's 0.02); an "
       "offer stakes it once more for each of the actor's offers still unanswered.",
       row='none',
       why_range='Free (0) to 0.05, the credibility a UN resolution costs its target'),
    # --- intelligence ----------------------------------------------------------------------
    _p("observation_noise", 0.7, "log-units at quality = concealment", "assumed", "assumed",
       0.2, 3.0, "To be fitted so that detection to Western confirmation takes 2-3 "
       "weeks (calibration §1.1, §6); chosen so one observer needs ~5 looks to confirm.",
       row=('none (the target row: §1.1 derived lags, NIS detection → US ≈ 15 days, → NATO ≈ '
           '20 days)'),
       fit="checked, not fitted: 'Detection → Western confirmation' (docs/reference/validation.md)",
       why_range='0.2 log-units (within ~20% at one sd) to 3 (a factor of 20)'),
    _p("acknowledgement_noise", 0.1, "log-units", "assumed", "assumed", 0.02, 0.5,
       "Spread of an official acknowledgement of a deployment as an observation: every "
       "other actor and the public fuse it (a government's own figure, rounded or shaded).",
       row='none',
       why_range='0.02 (the exact figure) to 0.5 (a figure off by a factor of ~1.6)'),
    _p("belief_drift", 0.0003, "log-variance per week", "assumed", "assumed", 0.0, 0.02,
       "The irregular change of a watched figure beyond its flow (casualties, rotations), "
       "which the belief's rate does not carry: about casualty_rate_weekly (~1.7% a week), "
       "squared. The flow itself is the belief's rate, whose change comes from the target's "
       "transport capacity (engine/core/beliefs.py predict).",
       row='none',
       fit="checked by the intelligence coverage table (docs/reference/validation.md)",
       why_range=("From a figure that changes only by its flow (0) to one that drifts ~14% a "
                 'week besides (0.02, the value before the rate was modelled)')),
    _p("ally_intel_sharing", 0.5, "share", "assumed", "assumed", 0.0, 1.0,
       "Allies share what they see: an ally's look at a watched actor counts in an observer's "
       "belief as a look of its variance divided by this share (1: as the observer's own; 0: "
       "nothing shared). The US confirmation of 23 October 2024 drew on the NIS's findings "
       "(calibration §1.1).",
       row='§1.1 Confirmation timeline: NIS detection, then US and NATO confirmation',
       fit="checked by 'Detection → Western confirmation' (docs/reference/validation.md)",
       why_range='From allies who share nothing (0) to full sharing of raw looks (1)'),
    _p("detection_troops", 2000, "troops", "assumed", "assumed", 200, 20000,
       "Size of a force that an observer of quality = concealment spots about two turns in "
       "three; routine looks happen even when nothing is there.",
       row='none',
       fit="checked with observation_noise by 'Detection → Western confirmation'",
       why_range='200 (a platoon is noticed) to 20,000 (only a division is)'),
    _p("public_osint_quality", 0.15, "intelligence quality", "assumed", "assumed", 0.0, 0.5,
       "The public's own view through journalists and open-source analysts (satellite "
       "imagery, flight tracking): a weak observer that disclosures strengthen.",
       row='none',
       why_range="From no open-source view (0) to half a good service's quality"),
    _p("disclosure_noise", 0.3, "log-units", "assumed", "assumed", 0.05, 1.0,
       "Extra spread when an estimate is passed on to allies or the public.",
       row='none',
       why_range='0.05 to 1 log-units added to a passed-on estimate'),
)

PARAMETERS: MappingProxyType[str, Parameter] = MappingProxyType({p.name: p for p in _TABLE})


def resolve(overrides: dict[str, float] | None = None, own=()) -> dict[str, float]:
    """Return ``{name: value}`` from the defaults with scenario overrides applied.

    Unknown names are rejected: a typo in a scenario must not silently fall back to a default.
    ``own``: the names of the scenario's own parameters (its actors' decision thresholds,
    reaction strengths and appetites, declared with a range in its ``parameters``).
    """
    values = {name: p.value for name, p in PARAMETERS.items()}
    for name, value in (overrides or {}).items():
        if name not in PARAMETERS and name not in own:
            raise KeyError(name)
        values[name] = float(value)
    return values
