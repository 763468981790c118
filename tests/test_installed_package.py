"""Brink works from an installed package, not only from a checkout: the wheel carries the
shipped scenarios, lessons and calibration episodes as package data, and the code finds them
with importlib.resources (engine/scenario/shipped.py), wherever the current folder is.

The test builds a wheel from a copy of the sources (so that the build leaves nothing in the
checkout), installs it into a folder of its own and runs it from another folder, with that
folder first on PYTHONPATH: the third-party packages come from this interpreter's
site-packages, Brink's own from the wheel (checked, module by module).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from analysis.calibration import scenarios_used
from engine.core.provenance import engine_fingerprint
from tests.conftest import ROOT, SCENARIOS

# What the wheel is built from: pyproject.toml's packages and the readme it names.
SOURCES = ("pyproject.toml", "README.md", "engine", "ui", "analysis", "cli", "scenarios")
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")

# Run inside the installed package: where each package comes from, what the app and the
# calibration suite find of the shipped scenarios (each loaded, so each is really there).
PROBE = """
import json
import analysis, cli, engine, scenarios, ui
from analysis.calibration import scenarios_used
from engine.scenario.loader import load_scenario
from engine.scenario.shipped import shipped_dir, shipped_path
from ui import core

print(json.dumps({
    "modules": [m.__file__ for m in (analysis, cli, engine, scenarios, ui)],
    "shipped_dir": str(shipped_dir()),
    "default": str(core.DEFAULT_SCENARIO),
    "shipped": [load_scenario(p).id for p in core.shipped_scenarios()],
    "lessons": [load_scenario(p).id for p in core.lesson_scenarios()],
    "calibration": [load_scenario(shipped_path(s)).id for s in scenarios_used()],
}))
"""


def _run(args, cwd: Path, target: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("BRINK_TRACEBACK", None)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_the_installed_wheel_finds_its_shipped_scenarios(tmp_path):
    source, wheels, target, elsewhere = (tmp_path / n for n in ("src", "wheel", "site", "cwd"))
    source.mkdir()
    elsewhere.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=JUNK)
        else:
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", str(source), "--no-deps", "--quiet", "-w", str(wheels)],
                   check=True, capture_output=True, timeout=300)
    [wheel] = wheels.glob("brink-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--quiet", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, timeout=300)

    # every file of scenarios/ ships (a new folder or suffix needs pyproject's package-data)
    assert _files(target / "scenarios") == _files(ROOT / "scenarios")

    probe = _run([sys.executable, "-c", PROBE], elsewhere, target)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    for module in found["modules"]:  # Brink itself comes from the wheel, not the checkout
        assert Path(module).is_relative_to(target), module
    assert Path(found["shipped_dir"]) == target / "scenarios"
    assert Path(found["default"]) == target / "scenarios" / "nk-100k.yaml"
    assert found["shipped"][0] == "nk_100k"  # the default first, as the app lists them
    assert len(found["shipped"]) == len(list(SCENARIOS.glob("*.yaml")))
    assert len(found["lessons"]) == len(list((SCENARIOS / "lessons").glob("*.yaml")))
    assert len(found["calibration"]) == len(scenarios_used())

    # the console script and `python -m cli` play a shipped scenario from another folder
    version = _run([sys.executable, "-m", "cli", "--version"], elsewhere, target)
    assert version.stdout == "brink 0.1.0\n", version.stderr
    run = _run([str(target / "bin" / "brink"), "run", found["default"], "--turns", "2",
                "--quiet", "--out", "out"], elsewhere, target)
    assert run.returncode == 0, run.stderr
    manifest = json.loads((elsewhere / "out" / "manifest.json").read_text())
    assert manifest["turns"] == 2
    assert manifest["engine_sha256"] == engine_fingerprint()  # the same engine code

    # docs/ is the checkout's: regenerating model.md from a package says so in one line
    docgen = _run([str(target / "bin" / "brink"), "docs", "model", "--check"], elsewhere,
                  target)
    assert docgen.returncode == 2
    assert "part of a Brink checkout" in docgen.stderr
    assert len(docgen.stderr.strip().splitlines()) == 1, docgen.stderr
