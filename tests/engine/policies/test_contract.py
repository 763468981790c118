"""The contract every registered policy keeps, after Axelrod's ``TestPlayer``.

The tests are parametrised over ``POLICIES``, so a new policy class is held to the contract as
soon as it is registered. Each plays the policy on real states: every shipped scenario is
played once with its own policies, the state at each decision kept, and the policy under test
decides for one actor on every one of those states. The cases of a kind: every shipped actor
that plays it, the kind's bare spec (``{kind: <name>}``) for every actor of every scenario, and
the richer specs in ``EXAMPLES``.

The contract: the classifier is declared and of the right shape; the same generator gives the
same decisions; ``reset`` gives a policy that decides like a new one; a pickled policy decides
like the original; no policy reads another actor's hidden truth or goes round its Observation;
what the classifier says a policy does not do (draw from its generator, read state or beliefs,
use utility weights, remember more than ``memory_depth`` turns) it does not do, and what it
says it does, it does somewhere in the cases.
"""

from __future__ import annotations

import contextlib
import math
import pickle
from dataclasses import dataclass, fields
from functools import cache
from typing import get_args

import numpy as np
import pytest

from engine.moves.catalogue import make_move
from engine.policies import (
    POLICIES,
    Classifier,
    HiddenVariable,
    Observation,
    PolicySpec,
    build_engine_policy,
    build_policy,
    classified,
    classifier_table,
)
from engine.policies.base import _access
from engine.scenario.loader import check_references, load_scenario
from engine.scenario.schema import Actor, Scenario
from engine.sim.model import BrinkModel
from tests.conftest import ROOT, SCENARIOS

# Specs worth playing besides the bare one and the shipped ones (moves the actor may not make
# are dropped per actor: the loader would refuse them).
EXAMPLES: dict[str, list[dict]] = {
    "scripted": [{"kind": "scripted", "schedule": [
        {"turn": 1, "moves": [{"move": "hold"}]},
        {"turn": 2, "moves": [{"move": "deny_conceal"}, {"move": "hold"}]},
        {"turn": 5, "moves": [{"move": "mobilise", "troops": 5000}]}]}],
    "doctrine": [{"kind": "doctrine", "every_turn": [{"move": "hold"}], "rules": [
        {"name": "mobilise when strained", "once": True,
         "when": [{"var": "self.strain", "op": ">=", "value": 0.0}],
         "then": [{"move": "mobilise", "troops": 5000}]},
        {"name": "deny while unsure", "once": False,
         "when": [{"var": "world.escalation_level", "op": ">=", "value": 0.0}],
         "then": [{"move": "deny_conceal"}]}]}],
    "logit": [{"kind": "logit", "rationality": 0.0},
              {"kind": "logit", "rationality": 50.0,
               "candidates": [{"move": "hold"}, {"move": "deny_conceal"}]}],
}
SEED = 17
BELIEF_READS = {"beliefs", "confidence", "threat"}  # Observation members that read beliefs
FREE_READS = {"turn", "actor_id"}  # what even a policy that reads no state may look at


# --- the harness -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One policy spec for one actor, and the states of a played game it decides on."""

    id: str
    actor: Actor  # its policy is the spec under test
    states: tuple

    def build(self, actor: Actor | None = None):
        return build_policy(actor or self.actor)


class _Tap:
    """Plays an actor's own policy and keeps a copy of the state at each decision."""

    def __init__(self, inner, states: list):
        self.inner, self.states = inner, states

    def decide(self, obs, rng):
        self.states.append(obs._state.copy())
        return self.inner.decide(obs, rng)


def _scenario_files():
    return sorted([*SCENARIOS.glob("*.yaml"), *(SCENARIOS / "calibration").glob("*.yaml"),
                   *(SCENARIOS / "lessons").glob("*.yaml")])


@cache
def _games() -> tuple[tuple[Scenario, tuple], ...]:
    """Every shipped scenario, played once with its own policies: (scenario, decision states)."""
    out = []
    for path in _scenario_files():
        scenario = load_scenario(path)
        first = scenario.actors[0]
        states: list = []
        BrinkModel(scenario, rng=SEED, record=False,
                   policies={first.id: _Tap(build_policy(first), states)}).run()
        out.append((scenario, tuple(states)))
    return tuple(out)


def _valid_for(scenario: Scenario, actor: Actor, spec: PolicySpec) -> bool:
    """Would the loader accept ``spec`` as this actor's policy in this scenario?"""
    actors = [a.model_copy(update={"policy": spec}) if a.id == actor.id else a
              for a in scenario.actors]
    return not check_references(scenario.model_copy(update={"actors": actors}))


@cache
def _cases(kind: str) -> tuple[Case, ...]:
    cls = POLICIES[kind]
    cases = []
    for scenario, states in _games():
        for actor in scenario.actors:
            specs = [("shipped", actor.policy)] if actor.policy.kind == kind else []
            with contextlib.suppress(ValueError):  # required settings: see EXAMPLES
                specs.append(("bare", cls.spec(kind=kind)))
            specs += [(f"example{i}", cls.spec.model_validate(e))
                      for i, e in enumerate(EXAMPLES.get(kind, ()))]
            for label, spec in specs:
                if label == "shipped" or _valid_for(scenario, actor, spec):
                    cases.append(Case(f"{scenario.id}/{actor.id}/{label}",
                                      actor.model_copy(update={"policy": spec}), states))
    assert cases, f"no case plays '{kind}': give it an example in EXAMPLES"
    return tuple(cases)


def _rng(seed=SEED):
    return np.random.default_rng(seed)


def _turn_rng(t: int):
    """A generator of its own for decision ``t`` (so a policy can join a game part-way)."""
    return np.random.default_rng([SEED, t])


def play(policy, case: Case, rng=None, states=None, observe=Observation):
    """The policy's decisions on each state of the case, in turn; ``rng`` is one generator for
    the whole game, or a function of the decision's index."""
    rng = _rng() if rng is None else rng
    out = []
    for t, state in enumerate(case.states if states is None else states):
        out.append(policy.decide(observe(state, case.actor.id), rng(t) if callable(rng) else rng))
    return out


class ProbeObservation:
    """An Observation that records what the policy asks of it (its own methods' reads of the
    state are theirs, not the policy's, so they are not recorded)."""

    def __init__(self, state, actor_id: str, log: set):
        self._obs = Observation(state, actor_id)
        self._log = log

    def __getattr__(self, name):
        if name == "_state":
            raise AssertionError("the policy went round its Observation to the world state")
        value = getattr(self._obs, name)
        if name == "read":
            def read(path):
                self._log.add(("read", path))
                return value(path)
            return read
        self._log.add(name)
        return value


class Tripped(AssertionError):
    """A policy touched what it promised not to."""


class Tripwire:
    """A stand-in for something a policy promised not to touch: any use fails."""

    def __init__(self, what: str):
        self._what = what

    def __getattr__(self, name):
        raise Tripped(f"the policy used its {self._what} ({name})")


class CountingRng:
    """A generator that counts its uses."""

    def __init__(self, rng):
        self._rng, self.uses = rng, 0

    def __getattr__(self, name):
        self.uses += 1
        return getattr(self._rng, name)


def _is_belief_read(entry) -> bool:
    if isinstance(entry, tuple):
        return entry[1].split(".")[0] in ("belief", "belief_sd", "confidence")
    return entry in BELIEF_READS


@pytest.fixture(params=sorted(POLICIES))
def kind(request) -> str:
    """Every registered policy kind."""
    return request.param


# --- the contract ----------------------------------------------------------------------------


def test_registry_declares_each_policy_once(kind):
    """The class carries its YAML name, its spec, its classifier, and any stand-in."""
    cls = POLICIES[kind]
    assert cls.kind == kind
    assert get_args(cls.spec.model_fields["kind"].annotation) == (kind,)
    assert issubclass(cls.spec, PolicySpec)
    assert isinstance(cls.classifier, Classifier)
    for f in fields(Classifier):
        value = getattr(cls.classifier, f.name)
        if f.name == "memory_depth":
            assert value == math.inf or (isinstance(value, int) and value >= 0), value
        else:
            assert isinstance(value, bool), (f.name, value)
    assert (cls.stand_in is not None) == cls.classifier.external
    assert callable(getattr(cls, "submit", None)) == cls.classifier.external
    if cls.stand_in is not None:
        assert isinstance(cls.stand_in, POLICIES[cls.stand_in.kind].spec)
        assert not POLICIES[cls.stand_in.kind].classifier.external
    assert cls in classified(**cls.classifier.as_dict())


def test_scenario_schema_is_the_registry():
    """The actor's ``policy`` field accepts exactly the registered specs."""
    field = Actor.model_fields["policy"]
    assert field.discriminator == "kind"
    assert set(get_args(field.annotation)) == {cls.spec for cls in POLICIES.values()}


def test_builder_uses_the_registry(kind):
    """``build_policy`` makes the registered class, and the engine plays every actor itself."""
    for case in _cases(kind)[:5]:
        assert type(case.build()) is POLICIES[kind]
        engine_played = build_engine_policy(case.actor)
        assert not engine_played.classifier.external
        assert engine_played.actor_id == case.actor.id


def test_same_generator_same_decisions(kind):
    """Two new policies given generators with the same seed decide the same, game after game."""
    for case in _cases(kind):
        assert play(case.build(), case) == play(case.build(), case), case.id


def _feed(policy, case: Case) -> None:
    """Give an external policy moves from outside (a team's orders), as the app does."""
    if policy.classifier.external:
        policy.submit([make_move(case.actor.id, "hold")])


def test_reset_gives_a_new_policy(kind):
    """After a game (and moves fed from outside, for an external policy) and ``reset``, a
    policy is equal to a new one and decides as a new one does."""
    for case in _cases(kind):
        used = case.build()
        play(used, case)
        _feed(used, case)
        used.reset()
        assert vars(used) == vars(case.build()), case.id
        assert play(used, case) == play(case.build(), case), case.id


def test_pickle_round_trip(kind):
    """A pickled policy, new or part-way through a game, decides as the original does."""
    for case in _cases(kind):
        new = case.build()
        copy = pickle.loads(pickle.dumps(new))
        assert type(copy) is type(new)
        assert play(copy, case) == play(new, case), case.id
        half = len(case.states) // 2
        first, rest = case.states[:half], case.states[half:]
        original, rng = case.build(), _rng()
        play(original, case, rng, first)
        _feed(original, case)
        copy, copy_rng = pickle.loads(pickle.dumps((original, rng)))
        assert play(copy, case, copy_rng, rest) == play(original, case, rng, rest), case.id


def test_reads_only_what_it_may(kind):
    """No policy reads another actor's hidden variables or goes round its Observation, and one
    whose classifier says it reads no state (no beliefs) reads none; what it says it reads, it
    reads in some case."""
    classifier = POLICIES[kind].classifier
    everything: set = set()
    for case in _cases(kind):
        log: set = set()
        try:
            play(case.build(), case,
                 observe=lambda state, actor, log=log: ProbeObservation(state, actor, log))
        except HiddenVariable as e:  # pragma: no cover - the failure being tested for
            pytest.fail(f"{case.id}: {e}")
        for entry in log:
            if isinstance(entry, tuple):
                assert _access(case.actor.id, entry[1]) is not None, (case.id, entry)
        if not classifier.reads_beliefs:
            assert not [e for e in log if _is_belief_read(e)], (case.id, log)
        if not classifier.reads_state:
            assert log <= FREE_READS, (case.id, log - FREE_READS)
        everything |= log
    if classifier.reads_beliefs:
        assert any(_is_belief_read(e) for e in everything), "reads_beliefs is never true"
    if classifier.reads_state:
        assert everything - FREE_READS - BELIEF_READS, "reads_state is never true"


def test_utility_weights_only_if_classified(kind):
    """A policy that uses no utilities never touches its actor's ``utility`` weights; one that
    does, touches them."""
    classifier = POLICIES[kind].classifier
    touched = False
    for case in _cases(kind):
        blind = case.actor.model_copy(update={"utility": Tripwire("utility weights")})
        try:
            play(case.build(blind), case)
        except Tripped:
            if not classifier.uses_utilities:
                raise
            touched = True
    assert touched == classifier.uses_utilities


def test_generator_only_if_stochastic(kind):
    """A non-stochastic policy never touches its generator (and decides the same whatever it
    is given); a stochastic one draws from it."""
    classifier = POLICIES[kind].classifier
    uses = 0
    for case in _cases(kind):
        if classifier.stochastic:
            counting = CountingRng(_rng())
            play(case.build(), case, counting)
            uses += counting.uses
        else:
            assert play(case.build(), case, Tripwire("generator")) == play(case.build(), case)
    assert (uses > 0) == classifier.stochastic


def test_memory_depth_is_an_upper_bound(kind):
    """A policy that has seen only the last ``memory_depth`` turns decides as one that has
    played the whole game; one with memory does remember: a newcomer decides otherwise
    somewhere."""
    depth = POLICIES[kind].classifier.memory_depth
    remembers = False
    for case in _cases(kind):
        long_run = play(case.build(), case, _turn_rng)
        for t, state in enumerate(case.states):
            newcomer = case.build()
            got = newcomer.decide(Observation(state, case.actor.id), _turn_rng(t))
            remembers = remembers or got != long_run[t]
            if depth == math.inf:
                continue
            late = case.build()
            for s in range(max(0, t - int(depth)), t):
                late.decide(Observation(case.states[s], case.actor.id), _turn_rng(s))
            got = late.decide(Observation(state, case.actor.id), _turn_rng(t))
            assert got == long_run[t], (case.id, t)
    assert remembers == (depth > 0)


def test_classifier_table_in_the_docs_is_current():
    """docs/reference/model.md shows the registry's classifiers as they are."""
    model_md = (ROOT / "docs" / "reference" / "model.md").read_text()
    assert classifier_table() in model_md, (
        "update the policy table in docs/reference/model.md (Decisions) to:\n"
        + classifier_table())
