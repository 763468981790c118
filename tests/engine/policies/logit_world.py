"""nk-100k with every actor on ``kind: logit``, built in code (the shipped file is not touched),
and the measures of issue 16 on it: how often actors offer talks, and whether North Korea's
deployment rises with Russia's pay.

    python -m tests.engine.policies.logit_world [--runs 200] [--seed 1] [--point-coefficients]

samples the scenario's uncertain parameters and the logit policy's assumed coefficients (Latin
hypercube, uniform over each coefficient's plausible range; with --point-coefficients, the
coefficients stay at their point values), plays each run, and prints the
share of actor-turns in which an actor offers talks (per actor, and the West's offers by
turn), and Spearman's rho between pay_usd_per_soldier_month and North Korea's troops abroad
at the end.
"""

from __future__ import annotations

import argparse
from collections import Counter

from engine.core.parameters import PARAMETERS
from engine.policies import build_policy
from engine.scenario.loader import check_references, load_scenario
from engine.scenario.schema import Scenario
from engine.sim.model import BrinkModel
from tests.golden.golden import ROOT

# The logit policy's assumed coefficients (engine/policies/utility.py), sampled over their
# plausible ranges like the scenario's own uncertain parameters.
LOGIT_COEFFICIENTS = ("decision_horizon_weeks", "utility_per_gdp_share", "utility_per_index",
                      "talks_concession", "talks_repeat_discount",
                      "diplomacy_credibility_cost")


def all_logit(rationality: float = 2.0, coefficients: bool = True) -> Scenario:
    """nk-100k, every actor playing the logit policy over its default candidates; with
    ``coefficients``, the policy's coefficients declared uncertain (uniform over their ranges)
    where the model has them, else left at their point values."""
    shipped = load_scenario(ROOT / "scenarios" / "nk-100k.yaml")
    data = shipped.model_dump(mode="json", by_alias=True, exclude_none=True)
    for actor in data["actors"]:
        actor["policy"] = {"kind": "logit", "rationality": rationality}
    # the actors' private judgements belong to doctrines no actor plays here
    data["parameters"] = {name: value for name, value in data["parameters"].items()
                          if not value.get("owner")}
    for name in LOGIT_COEFFICIENTS if coefficients else ():
        if name in PARAMETERS:
            p = PARAMETERS[name]
            data["parameters"][name] = {
                "value": p.value, "unit": p.unit, "source": p.source,
                "uncertainty": {"distribution": "uniform", "low": p.low, "high": p.high}}
    scenario = Scenario.model_validate(data)
    problems = check_references(scenario)
    if problems:
        raise ValueError(problems)
    return scenario


def measure(runs: int, seed: int = 1, turns: int | None = None,
            coefficients: bool = True) -> dict:
    """Play ``runs`` sampled runs of ``all_logit(coefficients=...)``; the offers of talks and
    the deployment."""
    from engine.batch.sampling import sample, uncertainties

    scenario = all_logit(coefficients=coefficients)
    params = uncertainties(scenario)
    design = sample("lhs", params, runs, seed=seed)
    talks = Counter()  # actor -> actor-turns with an offer of talks
    by_threat = Counter()  # (threat band, offered talks?) -> decisions
    turns_played = 0
    pay, abroad = [], []
    for i in range(runs):
        values = {p.name: float(design[p.name][i]) for p in params}
        policies = {a.id: _Watched(build_policy(a), by_threat) for a in scenario.actors}
        model = BrinkModel(scenario, rng=seed * 100_000 + i, parameters=values, record=False,
                           turns=turns, policies=policies)
        model.run()
        turns_played = model.state.turn
        # one count per actor and turn with an offer of talks (ids read "t<turn>.<actor>.<k>")
        for actor, _turn in {(m.actor, m.id.split(".")[0]) for m in model.move_log
                             if m.type.value == "offer_talks"}:
            talks[actor] += 1
        pay.append(values["pay_usd_per_soldier_month"])
        abroad.append(model.state.actors["north_korea"].troops_abroad)
    return {"runs": runs, "turns": turns_played, "talks": dict(talks), "pay": pay,
            "abroad": abroad, "actors": [a.id for a in scenario.actors],
            "by_threat": dict(by_threat)}


THREAT_BANDS = (0.25, 0.75)  # calm below the first, pressed from the second


def _band(threat: float) -> str:
    calm, pressed = THREAT_BANDS
    return "calm" if threat < calm else ("pressed" if threat >= pressed else "uneasy")


class _Watched:
    """A policy that notes, at each decision, how threatened its actor was and whether it
    offered talks (``Observation.threat``, the policy's own reading of its situation)."""

    def __init__(self, policy, log: Counter):
        self._policy, self._log = policy, log

    def __getattr__(self, name):
        return getattr(self._policy, name)

    def decide(self, obs, rng):
        moves = self._policy.decide(obs, rng)
        talks = any(m.type.value == "offer_talks" for m in moves)
        self._log[(_band(obs.threat()), talks)] += 1
        return moves


def main(argv=None) -> None:
    from scipy import stats

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--point-coefficients", action="store_true",
                    help="leave the logit coefficients at their point values (sample only the "
                         "scenario's uncertain parameters)")
    args = ap.parse_args(argv)
    out = measure(args.runs, args.seed, coefficients=not args.point_coefficients)
    denominator = out["runs"] * out["turns"]
    print(f"{out['runs']} runs of {out['turns']} turns, every actor on logit (lambda 2), "
          f"logit coefficients {'at their point values' if args.point_coefficients else 'sampled'}")
    for actor in out["actors"]:
        share = out["talks"].get(actor, 0) / denominator
        print(f"  {actor:12s} offers talks in {share:6.1%} of its turns "
              f"({share * out['turns']:.1f} of {out['turns']})")
    for band in ("calm", "uneasy", "pressed"):
        yes, no = out["by_threat"].get((band, True), 0), out["by_threat"].get((band, False), 0)
        if yes + no:
            print(f"  when {band:7s} (threat {_band_text(band)}): offers talks in "
                  f"{yes / (yes + no):6.1%} of {yes + no:,} decisions")
    rho, p_value = stats.spearmanr(out["pay"], out["abroad"])
    print(f"Spearman rho(pay_usd_per_soldier_month, NK troops abroad at the end) = {rho:+.2f} "
          f"(p = {p_value:.2g})")


def _band_text(band: str) -> str:
    calm, pressed = THREAT_BANDS
    return {"calm": f"< {calm}", "uneasy": f"{calm} to {pressed}", "pressed": f">= {pressed}"}[band]


if __name__ == "__main__":
    main()
