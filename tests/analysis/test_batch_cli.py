"""Reading batches (analysis.batch), brink compare, and every bad input of report and compare:
one line on stderr, exit status 2, no traceback."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys

import pytest

from analysis.batch import BatchReadError, load_batch, option_label
from analysis.batch_compare import compare_batches
from cli.main import main
from engine.batch.sampling import uncertainties
from engine.scenario.loader import load_scenario
from tests.conftest import ROOT


def _fail(argv, capsys) -> str:
    """Run the CLI expecting a user error; return its one-line message."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("brink: error: ")
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err


# --- reading -----------------------------------------------------------------------------------


def test_load_batch_reads_every_table(nk_batch):
    batch = load_batch(nk_batch)
    assert len(batch.runs) == len(batch.design) == 60
    assert batch.runs["run"].tolist() == list(range(60))
    assert batch.levers == ["lever.west_package"]
    assert batch.parameters == [f"param.{u.name}" for u in uncertainties(
        load_scenario(ROOT / "scenarios" / "nk-100k.yaml"))]
    assert "param.nk_appetite" in batch.parameters  # the scenario's own parameters too
    assert batch.has_per_turn
    assert batch.finished
    assert batch.failures.empty
    world = batch.per_turn(variables=["escalation_level"], actors=["world"])
    assert set(world["variable"]) == {"escalation_level"}
    assert set(world["actor"]) == {"world"}
    assert len(world) == 60 * 21  # turns 0 (the start) to 20


def test_batch_names_its_columns_from_the_manifest(nk_batch):
    batch = load_batch(nk_batch)
    assert batch.title == "North Korea's 100,000: a surge to Russia, and the sanctions answer"
    assert batch.label("outcome.intense_crisis") == "Escalation at rung 14 or higher"
    assert batch.label("lever.west_package") == "West's added sanctions on Russia"
    assert batch.label("max.world.escalation_level") == "peak escalation level"
    assert batch.label("russia.strain") == "Russia's final economic strain"
    assert batch.label("param.leakage_max") == "leakage_max"
    assert batch.actor_name("west") == "The West (US, EU, UK, ROK, Japan)"
    assert option_label("secondary_sanctions") == "secondary sanctions"
    old = dataclasses.replace(batch, manifest={k: v for k, v in batch.manifest.items()
                                               if k != "labels"})
    assert old.title == "nk_100k"
    assert old.label("outcome.intense_crisis") == "intense crisis"
    assert old.label("lever.west_package") == "west package"
    assert old.label("russia.strain") == "russia's final economic strain"
    assert old.actor_name("north_korea") == "north korea"


def test_per_turn_subsample_keeps_every_lever_option(nk_batch):
    """max_runs reads whole parts spread over the batch: 3 of the 6 parts of 10 runs, one in
    each west_package option's block of 20 runs."""
    batch = load_batch(nk_batch)
    rows = batch.per_turn(variables=["escalation_level"], max_runs=30)
    runs = sorted(rows["run"].unique())
    assert len(runs) == 30
    options = batch.runs.set_index("run").loc[runs, "lever.west_package"]
    assert options.value_counts().to_dict() == {"targeted": 10, "comprehensive": 10,
                                                "secondary": 10}


def test_per_turn_of_a_batch_without_it_is_a_clear_error(nk_batch_other_seed):
    with pytest.raises(BatchReadError, match="without --per-turn"):
        load_batch(nk_batch_other_seed).per_turn()


# --- compare -----------------------------------------------------------------------------------


def test_compare_prints_differences(nk_batch, nk_batch_other_seed, capsys):
    assert main(["compare", str(nk_batch), str(nk_batch_other_seed)]) == 0
    out = capsys.readouterr().out
    assert ("A = nk (60 runs), B = nk-seed4 (60 runs), scenario North Korea's 100,000: a surge "
            "to Russia, and the sanctions answer") in out
    assert "B - A (95% interval)" in out
    assert "P(50,000 or more North Korean troops abroad)" in out
    assert "median peak escalation level" in out
    assert "median humanitarian toll" in out
    for raw in ("nk_50k_abroad", "outcome.", "max.world.", "world.humanitarian_toll"):
        assert raw not in out
    assert not re.search(r"\de[+-]\d", out), "a number in scientific notation"


def test_compare_numbers(nk_batch, nk_batch_other_seed):
    a, b = load_batch(nk_batch), load_batch(nk_batch_other_seed)
    table = compare_batches(a, b).set_index("measure")
    for outcome in a.outcomes:
        row = table.loc[f"P({outcome})"]
        pa, pb = a.runs[f"outcome.{outcome}"].mean(), b.runs[f"outcome.{outcome}"].mean()
        assert row["difference"] == pytest.approx(pb - pa)
        assert row["low"] <= pb - pa <= row["high"]


def test_compare_with_itself_finds_nothing(nk_batch):
    batch = load_batch(nk_batch)
    table = compare_batches(batch, batch)
    assert (table["difference"] == 0).all()
    assert ((table["low"] <= 0) & (table["high"] >= 0)).all()


def test_compare_writes_a_report(nk_batch, nk_batch_other_seed, tmp_path, capsys):
    out = tmp_path / "cmp.html"
    assert main(["compare", str(nk_batch), str(nk_batch_other_seed), "--out", str(out)]) == 0
    text = out.read_text()
    for heading in ("Summary", "Batches", "Differences", "Outcome probabilities"):
        assert f">{heading}</h2>" in text
    assert f"wrote {out}" in capsys.readouterr().out


def test_compare_report_names_measures_in_words(nk_batch, nk_batch_other_seed, tmp_path):
    out = tmp_path / "cmp.md"
    assert main(["compare", str(nk_batch), str(nk_batch_other_seed), "--out", str(out)]) == 0
    text = re.sub(r"\]\([^)]*\.png\)", "]", out.read_text())  # figure paths are not prose
    assert text.startswith("# Batch comparison: North Korea's 100,000")
    assert "both of North Korea's 100,000: a surge to Russia, and the sanctions answer." in text
    assert "| P(Escalation at rung 14 or higher) |" in text
    assert "| median peak escalation level |" in text
    for raw in ("outcome.", "max.world.", "world.humanitarian_toll", "intense_crisis",
                "nk_50k_abroad", "scenario nk_100k"):
        assert raw not in text
    assert not re.search(r"\de[+-]\d", text), "a number in scientific notation"


# --- bad input ---------------------------------------------------------------------------------


def test_missing_folder(tmp_path, capsys):
    assert "does not exist" in _fail(["report", str(tmp_path / "nope")], capsys)


def test_file_instead_of_folder(tmp_path, capsys):
    file = tmp_path / "runs.parquet"
    file.write_text("x")
    assert "is not a folder" in _fail(["report", str(file)], capsys)


def test_folder_that_is_not_a_batch(tmp_path, capsys):
    assert "is not a batch folder (no manifest.json)" in _fail(["report", str(tmp_path)],
                                                                capsys)
    (tmp_path / "manifest.json").write_text("{not json")
    assert "is unreadable" in _fail(["report", str(tmp_path)], capsys)
    (tmp_path / "manifest.json").write_text('{"scenario": "x.yaml"}')
    assert "is not a brink batch manifest" in _fail(["report", str(tmp_path)], capsys)


def test_empty_batch(nk_batch, tmp_path, capsys):
    shutil.copy(nk_batch / "manifest.json", tmp_path / "manifest.json")
    (tmp_path / "runs").mkdir()
    assert "is an empty batch: no finished runs" in _fail(["report", str(tmp_path)], capsys)


def _copy(batch, tmp_path):
    copy = tmp_path / "mixed"
    shutil.copytree(batch, copy)
    return copy


def test_part_from_another_scenario(nk_batch, sobol_batch, tmp_path, capsys):
    mixed = _copy(nk_batch, tmp_path)
    shutil.copy(sobol_batch / "runs" / "part-00000.parquet", mixed / "runs" / "part-00099.parquet")
    err = _fail(["report", str(mixed)], capsys)
    assert "mixes batches: runs/part-00099.parquet has other columns" in err


def test_part_from_another_seed(nk_batch, nk_batch_other_seed, tmp_path, capsys):
    """Same scenario, same columns, same run numbers: only the seeds give it away."""
    mixed = _copy(nk_batch, tmp_path)
    shutil.copy(nk_batch_other_seed / "runs" / "part-00001.parquet",
                mixed / "runs" / "part-00001.parquet")
    err = _fail(["report", str(mixed)], capsys)
    assert "mixes batches: run 10 has another seed than design.parquet plans" in err


def test_run_in_two_parts(nk_batch, tmp_path, capsys):
    mixed = _copy(nk_batch, tmp_path)
    shutil.copy(mixed / "runs" / "part-00000.parquet", mixed / "runs" / "part-00050.parquet")
    assert "run 0 appears in more than one runs part" in _fail(["report", str(mixed)], capsys)


def test_broken_parquet_part(nk_batch, tmp_path, capsys):
    mixed = _copy(nk_batch, tmp_path)
    (mixed / "per_turn" / "part-00002.parquet").write_bytes(b"not parquet")
    assert "is not a readable Parquet file" in _fail(["report", str(mixed)], capsys)


def test_unknown_outcome(nk_batch, capsys):
    err = _fail(["report", str(nk_batch), "--outcome", "peace"], capsys)
    assert "no outcome 'peace'" in err
    assert "wider_war" in err


@pytest.mark.parametrize(("threshold", "message"), [
    ("max.north_korea.troops_abroad=5", "expects COLUMN>=VALUE"),
    ("max.nowhere.troops>=5", "no column 'max.nowhere.troops'"),
    ("max.north_korea.troops_abroad>=many", "'many' is not a number"),
    ("lever.west_package>=1", "not a numeric column: 'lever.west_package'"),
])
def test_bad_threshold(nk_batch, threshold, message, capsys):
    assert message in _fail(["report", str(nk_batch), "--threshold", threshold], capsys)


def test_unwritable_output(nk_batch, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    err = _fail(["report", str(nk_batch), "--out", str(blocker / "report.html")], capsys)
    assert "cannot write" in err


def test_compare_of_different_scenarios(nk_batch, sobol_batch, capsys):
    err = _fail(["compare", str(nk_batch), str(sobol_batch)], capsys)
    assert "batches of different scenarios (nk_100k" in err
    assert "small_batch" in err


def test_compare_of_a_non_batch(nk_batch, tmp_path, capsys):
    assert "is not a batch folder" in _fail(["compare", str(nk_batch), str(tmp_path)], capsys)


def test_console_script_exits_2_without_traceback(tmp_path):
    """The real entry point, in its own process."""
    done = subprocess.run([sys.executable, "-m", "cli", "report", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("brink: error: ")
    assert "Traceback" not in done.stderr
