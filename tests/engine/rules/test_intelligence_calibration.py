"""Intelligence is calibrated: when the watched figure moves as the observer's model says it may
(its flow anywhere within the target's transport capacity, changing each turn), the stated 90%
range holds the truth 90% of the time, and each confidence label keeps its promise.

The world here is the one engine/rules/intelligence.py assumes: each turn the observer may look
at the figure as it is (noise sigma), then predicts it to the end of the turn; meanwhile the
figure moves by its flow, whose first value is drawn from the prior and which changes each turn
by as much again. Runs are independent, so the
binomial standard error over runs is honest; a turn's hit is judged against 3 of them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.core.beliefs import fuse, predict
from engine.core.state import Belief
from engine.core.variables import CONFIDENCE_PROMISES, confidence_label, share_within

Z90 = 1.6449
RUNS, TURNS = 3000, 8
RATE_MAX = 0.3  # log-units a turn: e.g. 3,000 troops a turn on 10,000 abroad
SIGMA = 0.5  # one look's noise, log-units
P_LOOK = 0.7


def _play(seed: int, sd_scale: float = 1.0):
    """Per run and turn: (covered, within +-50%, label)."""
    rng = np.random.default_rng(seed)
    q = RATE_MAX * RATE_MAX / 12
    out = []
    for _ in range(RUNS):
        truth = math.log1p(10_000)
        belief = Belief(truth + rng.normal(0.0, 0.2), 0.04, 0)
        rate = rng.normal(RATE_MAX / 2, math.sqrt(q))
        run = []
        for _turn in range(TURNS):
            if rng.random() < P_LOOK:
                belief = fuse(belief, truth + rng.normal(0.0, SIGMA), SIGMA * SIGMA)
            belief = predict(belief, 0.0, RATE_MAX)
            truth += rate
            rate += rng.normal(0.0, math.sqrt(q))
            shown = belief._replace(var=belief.var * sd_scale ** 2)
            gap = truth - shown.mean
            covered = abs(gap) <= Z90 * math.sqrt(shown.var)
            within = -math.log1p(0.5) <= gap <= -math.log1p(-0.5)
            run.append((covered, within, confidence_label(shown)))
        out.append(run)
    return out


def _share(hits: list[list[bool]]) -> tuple[float, float]:
    """Share over all turns and its standard error with the runs as the sample."""
    k = np.array([sum(h) for h in hits], dtype=float)
    n = np.array([len(h) for h in hits], dtype=float)
    p = k.sum() / n.sum()
    r = len(n)
    return p, math.sqrt(r / (r - 1) * ((k - p * n) ** 2).sum()) / n.sum()


@pytest.fixture(scope="module")
def played():
    return _play(seed=16)


def test_the_90_percent_range_holds_the_truth_90_percent_of_the_time(played):
    share, se = _share([[c for c, _w, _l in run] for run in played])
    assert abs(share - 0.90) <= 3 * se, (share, se)


@pytest.mark.parametrize(("label", "error", "promised"), CONFIDENCE_PROMISES)
def test_each_label_keeps_its_promise(played, label, error, promised):
    """Of the turns with the label, at least the promised share has the estimate within the
    label's error (every label is given in this world: the test cannot pass vacuously)."""
    hits = [[w for _c, w, lab in run if lab == label] for run in played]
    hits = [h for h in hits if h]
    assert sum(len(h) for h in hits) >= 500, label
    share, se = _share(hits)
    assert error == 0.5  # what _play measures
    assert share >= promised - 3 * se, (label, share, se)


def test_an_overconfident_range_is_caught():
    """The check has teeth: the same world with the stated spread shrunk by a fifth fails."""
    share, se = _share([[c for c, _w, _l in run] for run in _play(seed=16, sd_scale=0.8)])
    assert share < 0.90 - 3 * se


def test_a_label_is_the_strongest_promise_the_belief_keeps():
    """share_within is the belief's own probability of being within the error, and the label
    is given exactly when it reaches the promise."""
    for label, error, promised in CONFIDENCE_PROMISES:
        lo, hi = 0.01, 3.0  # the spread at which the promise is just kept
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if share_within(Belief(9.0, mid * mid, 0), error) >= promised \
                else (lo, mid)
        assert confidence_label(Belief(9.0, (lo * 0.99) ** 2, 0)) in (
            label, *[n for n, _e, p in CONFIDENCE_PROMISES if p > promised])
        assert confidence_label(Belief(9.0, (hi * 1.01) ** 2, 0)) != label
    # the arithmetic of share_within: a spread of 0.3 log-units is within +-50% 90% of the time
    assert share_within(Belief(9.0, 0.3 ** 2, 0), 0.5) == pytest.approx(0.90, abs=0.005)
