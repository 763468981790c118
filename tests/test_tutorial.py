"""The student tutorial runs as written, and the teaching guide's Python example works.

docs/tutorials/first-scenario.py is executed in a fresh process from an empty folder, as a
student would run it; its files are checked against each other (the caption's numbers are the
table's last row) and against the scenario (one row per named outcome, 50 games each).
"""

from __future__ import annotations

import re
import subprocess
import sys

from engine.scenario.loader import load_scenario
from tests.conftest import ROOT

TUTORIAL = ROOT / "docs" / "tutorials" / "first-scenario.py"
SCENARIO = ROOT / "scenarios" / "lessons" / "escalation-ladders.yaml"


def test_first_scenario_tutorial_runs_and_writes_its_files(tmp_path):
    result = subprocess.run([sys.executable, str(TUTORIAL)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for step in range(2, 6):
        assert f"Step {step}" in out
    assert "50 games played, 0 failed" in out
    assert re.search(r"rose from [\d.]+ to [\d.]+ in turn \d+\.", out), out

    png = (tmp_path / "escalation.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5_000

    scenario = load_scenario(SCENARIO)
    outcomes = (tmp_path / "outcomes.md").read_text(encoding="utf-8").splitlines()
    rows = outcomes[2:]
    assert len(rows) == len(scenario.outcomes)
    for outcome in scenario.outcomes:
        row = next(r for r in rows if r.startswith(f"| {outcome.name} |"))
        assert re.search(r"\| \d+ of 50 \| \d+% \| \d+% to \d+% \|$", row), row

    caption, _, table = (tmp_path / "escalation.md").read_text(encoding="utf-8").partition(
        "\n\n")
    lines = table.strip().splitlines()[2:]
    assert [int(line.split("|")[1]) for line in lines] == list(range(scenario.clock.turns + 1))
    q05, median, q95 = (float(x) for x in lines[-1].split("|")[2:5])
    assert caption == (f"Across 50 runs, the escalation level at turn {scenario.clock.turns} "
                       f"has a median of {median:.2f}, and 9 runs in 10 lie between "
                       f"{q05:.2f} and {q95:.2f}.")
    assert q05 <= median <= q95
    assert caption in out


def test_teaching_guide_python_example_runs():
    """The snippet in docs/how-to/teach-a-lesson.md plays the class's choice and explains it."""
    text = (ROOT / "docs" / "how-to" / "teach-a-lesson.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 1
    code = "\n".join(line[2:] if line.startswith("  ") else line
                     for line in blocks[0].splitlines())
    code = code.replace('"scenarios/', f'"{ROOT}/scenarios/')
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "escalation level" in result.stdout
    assert "in turn 1." in result.stdout
