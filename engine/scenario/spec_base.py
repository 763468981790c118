"""The building blocks of the scenario format that the policies' own YAML schemas share with the
rest of it: ``Strict`` (the base of every model), ``Id`` and ``MoveOrder``.

They live apart from engine/scenario/schema.py so that engine/policies/ can declare each policy's
schema beside its class (``Policy.spec``) and engine/scenario/schema.py can build the actor's
``policy`` field from the registry of policies, without a circular import.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=40)]


class Strict(BaseModel):
    # No NaN or infinity anywhere: they would poison every sum they enter.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class MoveOrder(BaseModel):
    """A move as written in YAML: ``{move: impose_sanctions, target: russia, package: ...}``.

    Parameters other than ``move`` (and ``actor`` in injects) are checked against the move
    catalogue by the loader, so this model allows them as extras.
    """

    model_config = ConfigDict(extra="allow", frozen=True)
    move: str
    actor: Id | None = None

    @property
    def params(self) -> dict:
        return dict(self.model_extra or {})


__all__ = ["Id", "MoveOrder", "Strict"]
