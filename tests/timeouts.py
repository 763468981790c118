"""A bound on how long a block may block: what hostile-input tests use so that a command that
hangs (a FIFO opened for reading, say) fails instead of hanging the suite."""

from __future__ import annotations

import contextlib
import signal


@contextlib.contextmanager
def alarm(seconds: int):
    """Raise TimeoutError in this thread after ``seconds`` (where the platform has SIGALRM)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def hung(signum, frame):
        raise TimeoutError(f"blocked for {seconds} s")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
