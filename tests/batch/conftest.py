"""Fixtures for batch tests: a small scenario and a real Dask cluster on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "scenarios" / "fixtures"
SMALL = FIXTURES / "two-actors.yaml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask_bin() -> str:
    exe = Path(sys.executable).with_name("dask")
    return str(exe) if exe.exists() else shutil.which("dask") or "dask"


@pytest.fixture(scope="session")
def dask_scheduler(tmp_path_factory):
    """A real `dask scheduler` and two `dask worker` processes on 127.0.0.1, stopped after."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("dask")
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    logs = [open(log / name, "w") for name in ("scheduler.log", "worker0.log", "worker1.log")]  # noqa: SIM115 - closed in finally
    procs = [subprocess.Popen(
        [_dask_bin(), "scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--dashboard-address", ":0", "--no-show"],
        stdout=logs[0], stderr=subprocess.STDOUT, env=env)]
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                Client(address, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or procs[0].poll() is not None:
                    raise RuntimeError("dask scheduler did not start; see "
                                       f"{log / 'scheduler.log'}") from None
                time.sleep(0.5)
        for i in range(2):
            procs.append(subprocess.Popen(
                [_dask_bin(), "worker", address, "--nworkers", "1", "--nthreads", "1",
                 "--host", "127.0.0.1", "--no-dashboard", "--memory-limit", "2GiB"],
                stdout=logs[1 + i], stderr=subprocess.STDOUT, env=env, cwd=ROOT))
        client = Client(address, timeout=10)
        client.wait_for_workers(2, timeout=60)
        client.close()
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        for f in logs:
            f.close()
