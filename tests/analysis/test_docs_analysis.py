"""docs/how-to/read-a-batch.md: its Python example runs as written on a real batch, and the
index lists it."""

from __future__ import annotations

import re

from tests.conftest import ROOT

ANALYSIS_MD = ROOT / "docs" / "how-to" / "read-a-batch.md"


def test_python_example_runs(nk_batch, tmp_path, monkeypatch, capsys):
    text = ANALYSIS_MD.read_text(encoding="utf-8")
    example = re.search(r"## From Python.*?```python\n(.*?)```", text, re.S).group(1)
    assert '"results/west"' in example  # the folder the page's commands create
    monkeypatch.chdir(tmp_path)  # the example writes report.html in the working folder
    exec(compile(example.replace('"results/west"', repr(str(nk_batch))), "read-a-batch.md", "exec"),
         {})
    assert "nk_50k_abroad" in capsys.readouterr().out
    assert (tmp_path / "report.html").read_text().count('<div class="chart"') >= 6


def test_docs_index_links_the_page():
    assert "(how-to/read-a-batch.md)" in (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
