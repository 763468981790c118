"""End to end: `streamlit run ui/app.py` on loopback, driven in headless Chromium.

Sets up an exercise with one human team, submits a move with a rationale, adjudicates a turn
and checks what the page shows; saves a screenshot. The server is always stopped. Fails when
Chromium is missing (.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]



@pytest.fixture(autouse=True)
def _chromium():
    """Fail, never skip, without a browser: a skipped end-to-end test would hide a broken app.
    .ci/run installs Debian's chromium; playwright is a dev dependency."""
    assert CHROMIUM.exists(), "needs Debian's chromium: apt-get install chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """The app on a free loopback port with its own exercise store; stopped however the test
    ends (the whole process group, so no child outlives it)."""
    port = _free_port()
    env = {**os.environ, "BRINK_DB": str(tmp_path / "exercises.sqlite"),
           "BRINK_FUTURES_WORKERS": "1"}
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the app did not start:\n" + (tmp_path / "server.log").read_text())
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        log.close()


def test_set_up_and_play_a_turn_in_a_browser(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a loaded 2-core machine can take seconds per rerun
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.set_default_timeout(60_000)
            page.goto(server)
            expect(page.get_by_role("heading", name="Scenario library")).to_be_visible()
            page.get_by_role("button", name="Set up an exercise with this scenario").click()
            expect(page.get_by_role("heading", name="Set up an exercise")).to_be_visible()
            # The West is played by a human team.
            west = page.get_by_role("radiogroup", name="The West (US, EU, UK, ROK, Japan)")
            west.get_by_text("a human team").click()
            page.get_by_role("button", name="Start the exercise").click()
            expect(page.get_by_text("Exercise started and saved")).to_be_visible()
            expect(page.get_by_role("heading", name="Turn 1: orders")).to_be_visible()

            page.get_by_role("button", name="Check and add to the orders").click()
            expect(page.locator("li", has_text="Hold: make no new move")).to_be_visible()
            page.get_by_label("Rationale (why the team chose this)").fill("wait for evidence")
            page.get_by_role("button", name="Submit orders for turn 1").click()
            expect(page.get_by_text("orders for turn 1 are in.")).to_be_visible()
            page.get_by_role("button", name="Adjudicate turn 1").click()
            expect(page.get_by_text("Turn 1 adjudicated.")).to_be_visible()
            expect(page.get_by_text("Main line · turn 1 of 12 played")).to_be_visible()
            expect(page.get_by_role("heading", name="Turn 2: orders")).to_be_visible()
            expect(page.get_by_text("Escalation rung").first).to_be_visible()
            expect(page.get_by_text("Why? What changed in turn 1")).to_be_visible()
            assert "exercise=" in page.url  # a reload reopens the exercise
            page.wait_for_timeout(1500)  # let the charts draw before the screenshot
            page.screenshot(path=str(tmp_path / "play.png"), full_page=True)

            page.reload()
            expect(page.get_by_text("Turn 1 of 12 (next: turn 2)")).to_be_visible()
            assert page.locator("text=Traceback").count() == 0
        finally:
            browser.close()
    assert (tmp_path / "play.png").stat().st_size > 10_000
