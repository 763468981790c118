"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

Each executor takes an iterable of tasks and yields results as they finish, keeping at most a
few tasks in flight so memory stays flat however many runs a batch has. Results do not depend
on the executor: a run's outcome is a function of its scenario, seed, parameters and levers.
"""

from __future__ import annotations

import multiprocessing
import socket
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


SCHEMES = ("tcp", "tls")


def scheduler_address(address: str) -> tuple[str, str, int]:
    """``tcp://HOST:PORT`` (or ``tls://``, or ``HOST:PORT``) as (scheme, host, port); raises
    ExecutorError saying what is wrong, before anything connects."""
    text = address.strip()
    shown = repr(address) if len(address) <= 80 else repr(address[:77]) + "..."
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    expected = "expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786"
    if scheme not in SCHEMES:
        raise ExecutorError(f"bad scheduler address {shown}: the scheme must be "
                            f"{' or '.join(s + '://' for s in SCHEMES)}; {expected}")
    if rest.startswith("["):  # [IPv6]:PORT
        host, bracket, port = rest[1:].partition("]")
        port = port[1:] if bracket and port.startswith(":") else ""
    else:
        host, _, port = rest.rpartition(":")
        if ":" in host:
            raise ExecutorError(f"bad scheduler address {shown}: an IPv6 host goes in "
                                "brackets, e.g. tcp://[::1]:8786")
    if not host or "/" in host or any(c.isspace() for c in host):
        raise ExecutorError(f"bad scheduler address {shown}: no host; {expected}")
    if not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ExecutorError(f"bad scheduler address {shown}: the port must be a number from 1 "
                            f"to 65535; {expected}")
    return scheme, host, int(port)


class DaskCluster:
    """An existing Dask distributed cluster (``dask scheduler`` + ``dask worker``)."""

    name = "dask"

    def __init__(self, address: str, timeout: float = 10.0):
        scheme, host, port = scheduler_address(address)
        # A plain TCP connection first: a refused or unknown address is reported at once, and
        # no Client is half-built (one whose start failed closes itself ~20 s later in its
        # __del__, with a traceback).
        try:
            socket.create_connection((host, port), timeout=timeout).close()
        except OSError as exc:
            why = exc.strerror or str(exc) or type(exc).__name__
            raise ExecutorError(f"cannot reach the Dask scheduler at {address} ({why}); is "
                                "`dask scheduler` running?") from None
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - distributed is a dependency
            raise ExecutorError("dask.distributed is not installed") from None

        class _Client(Client):
            def start(self, **kwargs):
                try:
                    super().start(**kwargs)
                except BaseException:
                    _abandon(self)
                    raise

        target = f"{scheme}://{host}:{port}" if ":" not in host else f"{scheme}://[{host}]:{port}"
        try:
            self.client = _Client(target, timeout=timeout, set_as_default=False)
        except Exception as exc:
            text = " ".join(str(exc).split())[:200]
            raise ExecutorError(f"cannot use {address} as a Dask scheduler: it did not answer "
                                f"as one ({type(exc).__name__}: {text})") from None
        try:
            if not self.client.nthreads():
                self.client.wait_for_workers(1, timeout=timeout)
            self.workers = max(1, sum(self.client.nthreads().values()))
        except Exception:
            self.close()
            raise ExecutorError(f"the Dask scheduler at {address} has no workers (waited "
                                f"{timeout:g} s); start some with `dask worker {target}`"
                                ) from None

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
        try:
            self.client.close(timeout=10)
        except Exception:  # the cluster went away: nothing left to close
            _abandon(self.client)


def _abandon(client) -> None:
    """Mark a Client that failed as closed and stop its event loop, so that its __del__ does
    not try to close it again (which times out after 20 s and prints a traceback)."""
    try:
        client.status = "closed"
        client._loop_runner.stop()
    except Exception:  # pragma: no cover - distributed's internals changed
        pass
