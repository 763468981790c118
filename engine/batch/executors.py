"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

Each executor takes an iterable of tasks and yields results as they finish, keeping at most a
few tasks in flight so memory stays flat however many runs a batch has. Results do not depend
on the executor: a run's outcome is a function of its scenario, seed, parameters and levers.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait


class ExecutorError(RuntimeError):
    """The executor cannot start (e.g. the scheduler is unreachable): a user error."""


class InProcess:
    name = "in-process"
    workers = 1

    def map_unordered(self, fn: Callable, tasks: Iterable) -> Iterator:
        for task in tasks:
            yield fn(task)

    def close(self) -> None:
        pass


class LocalProcesses:
    """A pool of worker processes on this machine. Uses 'spawn' so that it is safe to call
    from any host process (threads, GUI servers) and behaves the same on every platform."""

    name = "local processes"

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers,
                                        mp_context=multiprocessing.get_context("spawn"))

    def map_unordered(self, fn: Callable, tasks: Iterable) -> Iterator:
        pending = set()
        tasks = iter(tasks)
        limit = 2 * self.workers
        for task in tasks:
            pending.add(self.pool.submit(fn, task))
            if len(pending) >= limit:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """An existing Dask distributed cluster (``dask scheduler`` + ``dask worker``)."""

    name = "dask"

    def __init__(self, address: str, timeout: float = 10.0):
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - distributed is a dependency
            raise ExecutorError("dask.distributed is not installed") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler at {address} "
                                f"({type(exc).__name__}: {exc}); is `dask scheduler` running?"
                                ) from None
        except ValueError as exc:
            raise ExecutorError(f"bad scheduler address {address!r}: {exc}") from None
        self.workers = max(1, sum(self.client.nthreads().values()))

    def map_unordered(self, fn: Callable, tasks: Iterable) -> Iterator:
        from distributed import as_completed

        tasks = iter(tasks)
        limit = 2 * self.workers
        batch = []
        for task in tasks:
            batch.append(self.client.submit(fn, task, pure=False))
            if len(batch) >= limit:
                break
        queue = as_completed(batch, loop=self.client.loop)
        for future in queue:
            result = future.result()
            future.release()
            nxt = next(tasks, None)
            if nxt is not None:
                queue.add(self.client.submit(fn, nxt, pure=False))
            yield result

    def close(self) -> None:
        self.client.close()
