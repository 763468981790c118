"""The canonical table of model parameters.

Every number the rules use that is not actor or route data lives here, once, with its unit, its
source (a section of shared/reference/calibration.md, or "assumed") and a plausible range. A
scenario may override any of them by name (``parameters:`` in the YAML) and may attach an
uncertainty distribution for Monte Carlo batches. docs/model.md is checked against this table.

Kinds:
    sourced  -- read directly from a cited figure;
    derived  -- arithmetic on cited figures (the derivation is in ``note``);
    assumed  -- a modelling judgement, to be fitted or varied in sensitivity analysis.
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
    kind: str  # sourced | derived | assumed
    low: float
    high: float
    note: str = ""


def _p(name, value, unit, source, kind, low, high, note=""):
    return Parameter(name, float(value), unit, source, kind, float(low), float(high), note)


_TABLE = (
    # --- logistics -------------------------------------------------------------------------
    _p("training_weeks", 3, "weeks", "calibration §1.1", "derived", 1, 8,
       "NIS detection 8 Oct, first units in Kursk 23 Oct, first combat 4 Nov 2024: "
       "about 3-4 weeks of training and staging in eastern Russia."),
    _p("sustainment_usd_per_soldier_month", 600, "USD/soldier-month", "assumed", "assumed",
       200, 1500, "Food, lodging and transport of troops abroad, charged to the actor that "
       "sends them (expeditionary actors only); no published figure."),
    # --- sanctions economics ---------------------------------------------------------------
    _p("strain_gain", 2.0, "strain per (GDP share/yr)", "calibration §2.2", "derived", 0.5, 5,
       "With strain_recovery 1/yr and growth_per_strain 10 pp, a sustained loss of 15% of GDP "
       "in trade settles at -3 pp/yr of growth, the middle of the UN-sanctions range."),
    _p("strain_recovery", 1.0, "1/yr", "assumed", "assumed", 0.2, 3,
       "Rate at which accumulated strain relaxes when pressure stops (half-life ~8 months)."),
    _p("growth_per_strain", 10.0, "pp/yr per unit strain", "calibration §2.2, §2.4", "derived",
       4, 15, "Full strain (1.0) costs 10 pp/yr, between NK 2018 (-4.1%) and a famine year "
       "(-6.5% in 1997) on top of trend."),
    _p("leakage_max", 0.5, "share of blocked trade", "calibration §2.5", "assumed", 0.1, 0.9,
       "Share of blocked trade re-routed through partners that do not enforce; evasion of the "
       "UN oil cap (>1.6 M bbl vs 0.5 M cap) shows it is large."),
    _p("secondary_leak_cut", 0.6, "share", "assumed", "assumed", 0.2, 0.9,
       "How much secondary sanctions on a third party cut the leakage it offers."),
    _p("sender_cost_share", 0.5, "share of own lost trade", "assumed", "assumed", 0.1, 1.0,
       "Senders lose trade too but re-direct much of it; half of the lost volume is a cost."),
    _p("war_cost_gdp_share", 0.06, "GDP share/yr", "assumed", "assumed", 0.01, 0.2,
       "Economic pressure of a war at full intensity with half the actor's forces at the "
       "front; scales with intensity and the share committed."),
    # --- transfers -------------------------------------------------------------------------
    _p("pay_usd_per_soldier_month", 2000, "USD/soldier-month", "calibration §1.5", "sourced",
       800, 3000, "NIS via MPs, Oct 2024."),
    _p("regime_capture_share", 0.9, "share", "calibration §1.5", "sourced", 0.5, 1.0,
       "Share of soldiers' pay kept by the regime (RFA; Independent: ~90%)."),
    _p("oil_usd_per_bbl", 75, "USD/bbl", "assumed", "assumed", 40, 110,
       "Valuation of refined oil deliveries."),
    _p("food_usd_per_tonne", 450, "USD/t", "assumed", "assumed", 300, 700,
       "Valuation of rice deliveries."),
    _p("technology_effectiveness_gain", 0.15, "effectiveness per unit technology", "assumed",
       "assumed", 0.0, 0.4, "Air defence, EW and missile data (calibration §1.5) raise the "
       "recipient's military effectiveness."),
    # --- military --------------------------------------------------------------------------
    _p("casualty_rate_weekly", 0.017, "share of combat force per week", "calibration §1.4",
       "derived", 0.008, 0.04,
       "~1,100 casualties of ~11,000 in ~6 weeks after first combat = 1.7%/week."),
    _p("kia_share", 0.09, "share of casualties", "calibration §1.4", "derived", 0.05, 0.3,
       "Early KIA:WIA about 1:10 (NIS, Dec 2024)."),
    _p("shells_per_soldier_week", 0.3, "shells/soldier-week at full intensity",
       "calibration §1.6", "derived", 0.1, 1.0,
       "2024: North Korea's ~3 M shells/yr were about half of Russian use, so ~6 M/yr, or "
       "~115,000/week for a force of ~600,000 at intensity ~0.7 (force size assumed). "
       "RUSI's 2022 figure (12 M/yr, ~0.8/soldier-week) is the upper bound."),
    _p("aid_usd_per_shell", 8000, "USD per shell-equivalent", "assumed", "assumed", 3000, 20000,
       "Military aid is delivered as fire support; all-in cost per shell-equivalent."),
    _p("front_gain", 0.08, "pressure per turn per log power ratio", "assumed", "assumed", 0.01,
       0.3, "How fast front-line pressure follows the balance of combat power."),
    _p("front_decay", 0.1, "1/turn", "assumed", "assumed", 0.0, 0.5,
       "Pressure relaxes towards stalemate as attackers outrun their supply."),
    _p("civilian_harm_per_strike", 40, "people per deep strike", "assumed", "assumed", 5, 200,
       "Civilian casualties per deep-strike salvo."),
    _p("displaced_per_pressure", 20000, "people per turn per unit pressure", "assumed",
       "assumed", 0, 100000, "Displacement when the front moves."),
    # --- domestic politics -----------------------------------------------------------------
    _p("stability_strain_weight", 0.02, "stability/week per unit strain", "assumed", "assumed",
       0.0, 0.3, "Economic strain erodes stability or public support."),
    _p("stability_casualty_weight", 0.5, "stability per casualty share of force", "assumed",
       "assumed", 0.0, 3.0, "Casualties relative to the forces committed abroad."),
    _p("stability_payment_weight", 0.05, "stability/turn per (regime income/GDP)", "assumed",
       "assumed", 0.0, 0.5, "Hard currency the regime captures buys loyalty."),
    _p("stability_reversion", 0.05, "1/turn", "assumed", "assumed", 0.0, 0.3,
       "Stability reverts to its baseline when nothing presses on it."),
    # --- escalation ------------------------------------------------------------------------
    _p("heat_persistence", 0.8, "per turn", "assumed", "assumed", 0.5, 0.97,
       "Momentum: share of last turn's escalation heat carried forward."),
    _p("points_per_rung", 12.0, "escalation points per rung", "calibration §3.3", "assumed",
       4, 40, "Heat of this many points above the baseline moves the ladder one rung. The score "
       "is per actor (Rivera et al.), so one 12-point move among four actors adds 3 points."),
    _p("descent_friction", 0.25, "share of gap closed per turn", "assumed", "assumed", 0.05,
       1.0, "Escalation falls more slowly than it rises (Kahn's ratchet)."),
    _p("accident_p_max", 0.10, "probability per turn", "reference/peers.md (Payne)", "assumed",
       0.05, 0.15, "Payne's Project Kahn game uses a 5-15% accident probability near the top of "
       "the ladder, +1 to 3 rungs: a design choice there, not an empirical rate."),
    _p("accident_onset_rung", 14, "rung", "calibration §3.1", "assumed", 10, 21,
       "Accident risk starts in Kahn's intense crises and is full at the nuclear threshold."),
    _p("horizontal_points", 12, "points", "calibration §3.3", "assumed", 0, 28,
       "Escalation heat added when a new actor is drawn into the conflict."),
    _p("wider_war_midpoint", 20, "rung", "calibration §3.1", "assumed", 14, 30,
       "Rung at which the risk of a wider war reaches 50% with nobody new drawn in."),
    _p("wider_war_slope", 0.5, "1/rung", "assumed", "assumed", 0.1, 2.0,
       "Steepness of the wider-war logistic."),
    _p("wider_war_per_actor", 1.0, "logit per actor drawn in", "assumed", "assumed", 0.0, 3.0,
       "Each actor drawn in raises the odds of a wider war."),
    _p("covert_points_weight", 0.5, "share", "assumed", "assumed", 0.0, 1.0,
       "Covert moves escalate in the theatre but carry less signal."),
    # --- intelligence ----------------------------------------------------------------------
    _p("observation_noise", 0.7, "log-units at quality = concealment", "assumed", "assumed",
       0.2, 3.0, "To be fitted so that detection to Western confirmation takes 2-3 "
       "weeks (calibration §1.1, §6); chosen so one observer needs ~5 looks to confirm."),
    _p("belief_drift", 0.02, "log-variance per turn", "assumed", "assumed", 0.0, 0.5,
       "Beliefs grow less certain as hidden quantities may change."),
    _p("probable_sd", 0.5, "log-units", "assumed", "assumed", 0.2, 1.0,
       "Posterior spread below which an estimate is labelled 'probable'."),
    _p("confirmed_sd", 0.3, "log-units", "assumed", "assumed", 0.05, 0.5,
       "Posterior spread below which an estimate is labelled 'confirmed'."),
    _p("detection_troops", 2000, "troops", "assumed", "assumed", 200, 20000,
       "Size of a force that an observer of quality = concealment spots about two turns in "
       "three; routine looks happen even when nothing is there."),
    _p("public_osint_quality", 0.15, "intelligence quality", "assumed", "assumed", 0.0, 0.5,
       "The public's own view through journalists and open-source analysts (satellite "
       "imagery, flight tracking): a weak observer that disclosures strengthen."),
    _p("disclosure_noise", 0.3, "log-units", "assumed", "assumed", 0.05, 1.0,
       "Extra spread when an estimate is passed on to allies or the public."),
)

PARAMETERS: MappingProxyType[str, Parameter] = MappingProxyType({p.name: p for p in _TABLE})


def resolve(overrides: dict[str, float] | None = None) -> dict[str, float]:
    """Return ``{name: value}`` from the defaults with scenario overrides applied.

    Unknown names are rejected: a typo in a scenario must not silently fall back to a default.
    """
    values = {name: p.value for name, p in PARAMETERS.items()}
    for name, value in (overrides or {}).items():
        if name not in PARAMETERS:
            raise KeyError(name)
        values[name] = float(value)
    return values
