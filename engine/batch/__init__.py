"""Monte Carlo batches: many seeded runs over uncertain parameters and policy levers.

    from engine.batch import run_batch
    result = run_batch("scenarios/nk-100k.yaml", runs=1000, seed=1)
    result.runs          # one row per run: seed, levers, parameters, outcomes
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.batch.runner import (
        BatchError,
        BatchFailed,
        BatchResult,
        plan_batch,
        run_batch,
        run_seed,
    )

__all__ = ["BatchError", "BatchFailed", "BatchResult", "plan_batch", "run_batch", "run_seed"]


def __getattr__(name: str):
    # Imported on first use, so that a worker process, which imports only
    # engine.batch.worker, does not pay for the planner's samplers (scipy) at start-up.
    if name in __all__:
        from engine.batch import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'engine.batch' has no attribute {name!r}")
