"""Monte Carlo batches: many seeded runs over uncertain parameters and policy levers.

    from engine.batch import run_batch
    result = run_batch("scenarios/nk-100k.yaml", runs=1000, seed=1)
    result.runs          # one row per run: seed, levers, parameters, outcomes
"""

from engine.batch.runner import BatchError, BatchResult, plan_batch, run_batch, run_seed

__all__ = ["BatchError", "BatchResult", "plan_batch", "run_batch", "run_seed"]
