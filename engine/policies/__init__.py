"""Policies: how an actor chooses its moves each turn, from what it believes.

One class per policy kind, after Axelrod's strategies, each in a module of its own with the
pydantic model of its YAML:

    scripted  scripted.py   a move schedule from YAML (also used to replay a recorded move log)
    doctrine  doctrine.py   condition -> move rules from YAML, plus moves made every turn
    logit     logit.py      bounded-rational choice over candidate moves (McKelvey & Palfrey
                            1995); the module's docstring gives the equation
    human     human.py      moves supplied from outside, one turn at a time (tabletop app, tests)

What they share is in base.py: what a policy sees (``Observation``; reading another actor's
hidden variables through it raises ``HiddenVariable``), what its class declares (its YAML as a
``PolicySpec``, its ``Classifier``, the ``PolicyRefs`` its load-time checks are handed) and the
``Policy`` base class. Its docstring says what a class declares and what each classifier field
promises.

``POLICIES`` (kind -> class), below, is the registry; ``classified(...)`` filters it by
classifier. A new policy is one new module here (its spec and its ``Policy`` subclass) and one
line in the registry: the schema, the loader, ``build_policy`` and the contract tests
(tests/engine/policies/test_contract.py, run over every registered class) take it from there.
"""

from __future__ import annotations

import math
import operator
from dataclasses import fields
from functools import reduce
from typing import Annotated

from pydantic import Field

from engine.policies.base import (
    Classifier,
    HiddenVariable,
    Observation,
    Policy,
    PolicyRefs,
    PolicySpec,
)
from engine.policies.doctrine import (
    Aim,
    AimTerm,
    Condition,
    ConfidenceLabel,
    DoctrinePolicy,
    DoctrineRule,
    DoctrineSpec,
    Op,
)
from engine.policies.human import HumanPolicy, HumanSpec
from engine.policies.logit import LogitPolicy, LogitSpec
from engine.policies.scripted import ScriptedPolicy, ScriptedSpec, ScriptedTurn


def _registry(*classes: type[Policy]) -> dict[str, type[Policy]]:
    registry: dict[str, type[Policy]] = {}
    for cls in classes:
        if not cls.kind or cls.kind in registry:
            raise TypeError(f"{cls.__name__}: a policy needs a spec with a kind of its own")
        registry[cls.kind] = cls
    return registry


POLICIES: dict[str, type[Policy]] = _registry(
    ScriptedPolicy,
    DoctrinePolicy,
    LogitPolicy,
    HumanPolicy,
)

# The scenario schema's ``policy`` field: one of the registered specs, told apart by ``kind``.
AnyPolicySpec = Annotated[reduce(operator.or_, (cls.spec for cls in POLICIES.values())),
                        Field(discriminator="kind")]


def default_policy_spec() -> PolicySpec:
    """The policy of an actor whose YAML gives none: a doctrine with no rules (it does
    nothing)."""
    return DoctrineSpec(kind="doctrine")


def classified(**criteria) -> list[type[Policy]]:
    """The registered policy classes whose classifier has every value given, e.g.
    ``classified(stochastic=False)``."""
    return [cls for cls in POLICIES.values()
            if all(getattr(cls.classifier, k) == v for k, v in criteria.items())]


def build_policy(actor_spec) -> Policy:
    """The policy an actor's YAML asks for."""
    return POLICIES[actor_spec.policy.kind].from_spec(actor_spec)


def build_engine_policy(actor_spec) -> Policy:
    """The policy the engine plays for an actor: the one its YAML asks for, or, if that one's
    moves come from outside the engine (a human team), the stand-in its class declares."""
    stand_in = POLICIES[actor_spec.policy.kind].stand_in
    if stand_in is None:
        return build_policy(actor_spec)
    return build_policy(actor_spec.model_copy(update={"policy": stand_in}))


def classifier_table() -> str:
    """The registry as a Markdown table (docs/reference/model.md, "Decisions")."""
    names = [f.name for f in fields(Classifier)]
    rows = ["| kind | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for kind, cls in POLICIES.items():
        values = ["∞" if v == math.inf else ("yes" if v is True else "no" if v is False
                                                else f"{v:g}")
                  for v in cls.classifier.as_dict().values()]
        rows.append(f"| `{kind}` | " + " | ".join(values) + " |")
    return "\n".join(rows) + "\n"


__all__ = [
    "POLICIES",
    "Aim",
    "AimTerm",
    "AnyPolicySpec",
    "Classifier",
    "Condition",
    "ConfidenceLabel",
    "DoctrinePolicy",
    "DoctrineRule",
    "DoctrineSpec",
    "HiddenVariable",
    "HumanPolicy",
    "HumanSpec",
    "LogitPolicy",
    "LogitSpec",
    "Observation",
    "Op",
    "Policy",
    "PolicyRefs",
    "PolicySpec",
    "ScriptedPolicy",
    "ScriptedSpec",
    "ScriptedTurn",
    "build_engine_policy",
    "build_policy",
    "classified",
    "classifier_table",
    "default_policy_spec",
]
