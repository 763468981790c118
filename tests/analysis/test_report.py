"""brink report: every section, offline HTML (checked statically and in a real browser),
Markdown with PNGs, and the numbers in the summary."""

from __future__ import annotations

import json
import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis import report as report_module
from analysis.batch import load_batch
from analysis.formatting import exact
from analysis.probabilities import wilson_interval
from analysis.render import Figure, chart_spec, render_html
from analysis.report import (
    analyse,
    build_report,
    escalation_thresholds,
    format_difference,
    labelled_comparison,
    measure_label,
    number,
    parse_threshold,
    pct,
    ranking,
    with_interval,
)
from cli.main import main
from engine.core.variables import VARIABLES

SECTIONS = ("Summary", "Batch", "Outcome probabilities", "Over time", "Policy comparison",
            "Sensitivity", "Scenario discovery", "Convergence")
# Attributes through which a page loads something.
LOADING_ATTRIBUTES = {"src", "href", "action", "formaction", "data", "poster", "srcset",
                      "background", "xlink:href", "manifest", "ping", "cite", "longdesc"}
EMBEDDING_TAGS = {"link", "iframe", "frame", "object", "embed", "base", "img", "audio", "video",
                  "source", "track", "form"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def html_report(nk_batch, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", str(nk_batch), "--out", str(out)]) == 0
    return out


class Page(HTMLParser):
    """Collects what the page could load: resource attributes, embedding tags, CSS, scripts."""

    def __init__(self):
        super().__init__()
        self.references: list[tuple[str, str, str]] = []
        self.embedding: list[str] = []
        self.css: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.headings: list[str] = []
        self._open: tuple[str, dict] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name in LOADING_ATTRIBUTES:
                self.references.append((tag, name, value or ""))
            if name == "style":
                self.css.append(value or "")
        if tag in EMBEDDING_TAGS:
            self.embedding.append(tag)
        self._open = (tag, attrs)

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open is None:
            return
        tag, attrs = self._open
        if tag == "style":
            self.css.append(data)
        elif tag == "script":
            self.scripts.append((attrs, data))
        elif tag == "h2":
            self.headings.append(data.strip())


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_report_has_every_section_in_order(html_report):
    page = Page()
    text = html_report.read_text()
    page.feed(text)
    assert page.headings == list(SECTIONS)
    assert "<caption>Manifest</caption>" in text
    assert ("<caption>By West&#x27;s added sanctions on Russia (probability and 95% interval)"
            "</caption>") in text


def test_html_refers_to_no_external_resource(html_report):
    """Nothing in the page can make the browser fetch: resource attributes are fragments or
    data: URIs, no embedding tags, no url()/@import in CSS, no URL anywhere in a chart spec,
    no import of a URL in the inlined scripts, and a CSP that forbids fetching."""
    text = html_report.read_text()
    page = Page()
    page.feed(text)
    for tag, name, value in page.references:
        assert value.startswith(("#", "data:")), f"<{tag} {name}={value!r}> loads something"
    assert page.embedding == []
    for css in page.css:
        assert "@import" not in css
        assert all(u.startswith("data:") for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", css))
    specs = [json.loads(body) for attrs, body in page.scripts
             if attrs.get("type") == "application/json"]
    assert specs, "no chart specs in the page"
    for spec in specs:
        for s in _strings(spec):
            assert not re.match(r"\s*(https?:|ftp:|//)", s), f"URL in a chart spec: {s}"
            assert s not in ("url", "$schema"), f"chart spec has a {s!r} key"
    code = "".join(body for attrs, body in page.scripts if "type" not in attrs)
    assert "vegaEmbed" in code  # the bundle really is inline
    assert not re.search(r"""\bimport\s*\(\s*["'`](https?:)?//""", code)
    assert not re.search(r"""\bfrom\s*["'](https?:)?//""", code)
    assert not re.search(r"importScripts\s*\(", code)
    assert "default-src 'none'" in text  # the Content-Security-Policy


def _chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("this test needs Debian's chromium (apt-get install chromium; .ci/run "
                    "installs it)")
    return path


def test_html_opens_offline_in_a_browser(html_report):
    """Headless chromium: every request is the file itself or data:/blob:, every chart draws
    an SVG, and there are no page errors or console errors (CSP violations are errors)."""
    from playwright.sync_api import sync_playwright

    requests, errors, console = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            page.goto(html_report.resolve().as_uri())
            page.wait_for_function(
                "document.querySelectorAll('div.chart').length > 0 && "
                "document.querySelectorAll('div.chart').length === "
                "document.querySelectorAll('div.chart svg.marks').length", timeout=60_000)
            charts = page.locator("div.chart").count()
            drawn = page.locator("div.chart svg.marks").count()
            failed = page.locator(".chart-error").count()
        finally:
            browser.close()
    assert requests, "the browser recorded no request at all: the listener is broken"
    assert all(u.split(":", 1)[0] in ("file", "data", "blob") for u in requests), requests
    assert errors == []
    assert console == []
    assert failed == 0
    assert drawn == charts >= 6


def test_markdown_report_with_png_figures(nk_batch, tmp_path, capsys):
    out = tmp_path / "out" / "report.md"
    assert main(["report", str(nk_batch), "--out", str(out)]) == 0  # format from the suffix
    assert "figures in" in capsys.readouterr().out
    text = out.read_text()
    for section in SECTIONS:
        assert f"\n## {section}\n" in text
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(links) >= 6
    for link in links:
        png = out.parent / link
        assert png.read_bytes().startswith(PNG_MAGIC), link
        assert png.stat().st_size > 2_000  # a drawn figure, not an empty canvas
    assert sorted(p.name for p in (tmp_path / "out" / "report_files").iterdir()) == sorted(
        Path(link).name for link in links)


def test_summary_is_written_from_the_numbers(nk_batch):
    batch = load_batch(nk_batch)
    a = analyse(batch)
    report = build_report(batch)
    summary = " ".join(report.sections[0].blocks)
    assert summary.startswith(f"This report covers {len(batch.runs):,} runs")
    probs = a.probabilities.set_index("outcome")
    for outcome in batch.outcomes:
        expected = batch.runs[f"outcome.{outcome}"].mean()
        assert probs.loc[outcome, "p"] == pytest.approx(expected)
        low, high = wilson_interval(batch.runs[f"outcome.{outcome}"].sum(), len(batch.runs))
        name = batch.manifest["labels"]["outcomes"][outcome]
        assert f"{name} {with_interval(expected, low, high)}" in summary
    rungs = [o for o in a.outcomes if o.startswith("escalation reached")]
    assert rungs
    assert any(f"{o.capitalize()} in {with_interval(*probs.loc[o, ['p', 'low', 'high']])}"
               in summary for o in rungs)


@pytest.mark.parametrize(("p", "low", "high", "text"), [
    (0.41, 0.30, 0.52, "41% (30%–52%)"),
    (0.532, 0.529, 0.535, "53.2% (52.9%–53.5%)"),  # narrow: a decimal, or 53%–53%
    (0.0, 0.0, 0.0000384, "0% (0%–0.0038%)"),
    (0.05, 0.02, 0.09, "5.0% (2.0%–9.0%)"),
])
def test_percentages_keep_the_precision_that_matters(p, low, high, text):
    assert with_interval(p, low, high) == text


def test_escalation_thresholds_lie_within_the_peaks(nk_batch):
    runs = load_batch(nk_batch).runs
    peak = runs["max.world.escalation_level"]
    for threshold in escalation_thresholds(runs):
        # a whole rung among the peaks (the rung they all reached, when they share one)
        assert math.floor(peak.min()) <= threshold.value <= peak.max() + 1
        assert threshold.label == f"escalation reached rung {threshold.value} or higher"


def test_report_is_deterministic(nk_batch):
    batch = load_batch(nk_batch)
    assert render_html(build_report(batch)) == render_html(build_report(batch))


def test_chart_data_stays_small(nk_batch, monkeypatch):
    """Scatter plots carry a fixed subsample of runs, never the runs table."""
    monkeypatch.setattr(report_module, "SCATTER_POINTS", 25)
    report = build_report(load_batch(nk_batch))
    figures = {b.name: b for s in report.sections for b in s.blocks if isinstance(b, Figure)}
    datasets = chart_spec(figures["discovery"].chart)["datasets"]
    assert 25 in [len(rows) for rows in datasets.values()]
    for figure in figures.values():
        for rows in chart_spec(figure.chart).get("datasets", {}).values():
            assert len(rows) <= 5_000


def test_fan_charts_zoom_and_highlight(nk_batch):
    report = build_report(load_batch(nk_batch))
    fans = [b for s in report.sections for b in s.blocks
            if isinstance(b, Figure) and b.name.startswith("fan-")]
    assert [f.name for f in fans] == ["fan-escalation", "fan-strain"]
    for figure in fans:
        spec = json.dumps(chart_spec(figure.chart))
        assert '"bind": "scales"' in spec
        assert '"bind": "legend"' in spec


def test_batch_without_per_turn_says_so(nk_batch_other_seed):
    report = build_report(load_batch(nk_batch_other_seed))
    over_time = next(s for s in report.sections if s.title == "Over time")
    assert "without --per-turn" in over_time.blocks[0]
    assert [s.title for s in report.sections] == list(SECTIONS)


def test_sobol_batch_reports_s1_and_st(sobol_batch):
    report = build_report(load_batch(sobol_batch))
    section = next(s for s in report.sections if s.title == "Sensitivity")
    assert section.blocks[0].startswith("Sobol indices")
    table = next(b for b in section.blocks if hasattr(b, "frame")).frame
    assert set(table["index"]) == {"S1", "ST"}
    # small-batch.yaml gives its lever no label: the manifest names it from its id
    assert set(table["context"]) == {"Blue package: targeted", "Blue package: comprehensive"}


def test_fixed_batch_skips_sensitivity_discovery_and_policies(fixed_batch):
    report = build_report(load_batch(fixed_batch))
    text = {s.title: s.blocks[0] for s in report.sections}
    assert text["Sensitivity"].startswith("Nothing was sampled")
    assert text["Scenario discovery"].startswith("Nothing was sampled")
    assert text["Policy comparison"].startswith("The batch varied no lever")


def test_threshold_option_replaces_the_defaults(nk_batch, tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", str(nk_batch), "--out", str(out), "--outcome", "nk_50k_abroad",
                 "--threshold", "max.north_korea.troops_abroad>=60000"]) == 0
    text = out.read_text()
    assert "North Korea&#x27;s peak troops abroad &gt;= 60,000" in text
    probabilities = text.split('<h2 id="outcome-probabilities">')[1].split("<h2")[0]
    assert "50,000 or more North Korean troops abroad" in probabilities
    assert "Risk of a wider war above 50%" not in probabilities  # only the chosen outcome
    assert "escalation reached rung" not in text


def test_failures_and_unfinished_batch_are_reported(nk_batch, tmp_path):
    """Run 0 failed and the batch was interrupted: both are said, and figures use 59 runs."""
    import pandas as pd

    folder = tmp_path / "partial"
    shutil.copytree(nk_batch, folder)
    part = folder / "runs" / "part-00000.parquet"
    runs = pd.read_parquet(part)
    runs[runs["run"] != 0].to_parquet(part, index=False)
    pd.DataFrame([{"run": 0, "seed": int(runs["seed"].iloc[0]),
                   "error": "ZeroDivisionError: division by zero", "traceback": "..."}]
                 ).to_parquet(folder / "failures" / "part-00000.parquet", index=False)
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "status": "interrupted"}))

    report = build_report(load_batch(folder))
    summary = " ".join(report.sections[0].blocks)
    assert summary.startswith("This report covers 59 runs")
    assert "Failed, and left out: 1 run." in summary
    assert "The batch did not finish" in summary
    batch_section = report.sections[1]
    errors = next(b.frame for b in batch_section.blocks[1:] if hasattr(b, "frame"))
    assert errors.to_dict("records") == [{"error": "ZeroDivisionError", "runs": "1"}]


def test_policy_ranking_orders_every_option():
    """From a compare_policies table: baseline included, lowest estimate first."""
    import pandas as pd

    table = pd.DataFrame([
        {"measure": "P(war)", "value": "b", "baseline": "a", "estimate": 0.5,
         "baseline_estimate": 0.3},
        {"measure": "P(war)", "value": "c", "baseline": "a", "estimate": 0.2,
         "baseline_estimate": 0.3}])
    assert ranking(table).to_dict("records") == [
        {"measure": "P(war)", "ranking": "c (20%) ≤ a (30%) ≤ b (50%)"}]


# --- names and numbers as people read them -----------------------------------------------------

# Runs-table columns ("have the outcome." is prose, "outcome.wider_war" a column).
RAW_IDS = re.compile(r"outcome\.\w|max\.world\.|world\.humanitarian_toll")
SCIENTIFIC = re.compile(r"\de[+-]\d")


def _markdown_prose(batch_folder: Path, out: Path) -> str:
    """The Markdown report's text, without the figures' file paths (not prose)."""
    assert main(["report", str(batch_folder), "--out", str(out)]) == 0
    return re.sub(r"\]\([^)]*\.png\)", "]", out.read_text())


def _section(markdown: str, title: str) -> str:
    return markdown.split(f"\n## {title}\n")[1].split("\n## ")[0]


def test_markdown_report_names_everything_in_words(nk_batch, tmp_path):
    text = _markdown_prose(nk_batch, tmp_path / "report.md")
    labels = load_batch(nk_batch).manifest["labels"]
    assert text.startswith(f"# Batch report: {labels['title']}\n")
    assert f"This report covers 60 runs of {labels['title']} (" in text
    for outcome, name in labels["outcomes"].items():
        assert f"| {name} | named |" in text  # the probability table
        assert outcome not in text, outcome
    lever = labels["levers"]["west_package"]
    assert f"**By {lever} (probability and 95% interval)**" in text
    assert f"**{lever}: options ranked, lowest first**" in text
    assert "| median peak escalation level |" in text
    assert f"| median {VARIABLES['humanitarian_toll'].label} |" in text
    # an outcome that varies between these runs (the public's estimate now passes 30,000 in
    # every run, so the comparison leaves that one out)
    assert "| P(50,000 or more North Korean troops abroad) |" in _section(text,
                                                                        "Policy comparison")
    assert "| peak escalation level | " in _section(text, "Sensitivity")
    assert "Peak escalation level depends most on " in _section(text, "Summary")
    assert not RAW_IDS.search(text), RAW_IDS.search(text)
    # The lever's id appears only in the manifest, where --lever needs it.
    for section in SECTIONS:
        if section != "Batch":
            assert "west_package" not in _section(text, section), section
    assert f"{lever} (west_package): targeted, comprehensive, secondary" in text
    assert not SCIENTIFIC.search(text), SCIENTIFIC.search(text)


def test_report_of_a_batch_without_labels_uses_ids_with_spaces(nk_batch, tmp_path):
    """Manifests written before the labels block: the report still comes out, ids with
    spaces for names."""
    folder = tmp_path / "old"
    shutil.copytree(nk_batch, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["labels"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    text = _markdown_prose(folder, tmp_path / "report.md")
    assert text.startswith("# Batch report: nk_100k\n")
    assert "This report covers 60 runs of the scenario nk_100k (" in text
    assert "| nk 50k abroad | named |" in text
    assert "**By west package (probability and 95% interval)**" in text
    assert "| P(nk 50k abroad) |" in text
    assert "| median peak escalation level |" in text
    assert not RAW_IDS.search(text), RAW_IDS.search(text)
    assert not SCIENTIFIC.search(text)


def test_charts_title_legends_with_the_lever_label(nk_batch):
    report = build_report(load_batch(nk_batch))
    figures = {b.name: b for s in report.sections for b in s.blocks if isinstance(b, Figure)}
    lever = "West's added sanctions on Russia"
    for name in ("probabilities-by-policy", "fan-escalation", "fan-strain", "convergence"):
        spec = json.dumps(chart_spec(figures[name].chart))
        assert json.dumps(lever) in spec, name
        assert "west_package" not in spec, name
    strain = json.dumps(chart_spec(figures["fan-strain"].chart))
    assert '"North Korea"' in strain
    assert '"north_korea"' not in strain
    policy = json.dumps(chart_spec(figures["policy-west-package"].chart))
    assert "P(50,000 or more North Korean troops abroad)" in policy
    assert "median peak escalation level" in policy
    assert "max.world" not in policy
    assert "nk_50k_abroad" not in policy


@pytest.mark.parametrize(("measure", "d", "low", "high", "text"), [
    # far inside its interval: zero at the interval's precision, not "+3.47e-05"
    ("median(x)", 3.47e-05, -0.442, 0.441, "+0.000 (-0.442 to +0.441)"),
    ("median(x)", -6.99e-06, -0.443, 0.441, "+0.000 (-0.443 to +0.441)"),
    ("median(x)", 0.00003, 0.00001, 0.00005, "+0.0000300 (+0.0000100 to +0.0000500)"),
    ("median(x)", -310.4, -37759.2, 36878.9, "-310 (-37,759 to +36,879)"),
    ("P(x)", -0.11, -0.166, -0.053, "-11.0 points (-16.6 to -5.3)"),
    ("P(x)", 2e-7, -4e-7, 9e-7, "+0.0000200 points (-0.0000400 to +0.0000900)"),
    ("P(x)", 0.0, 0.0, 0.0, "+0 points (+0 to +0)"),
])
def test_differences_use_one_precision_and_no_scientific_notation(measure, d, low, high, text):
    assert format_difference(measure, d, low, high) == text


def test_tiny_percentages_and_inputs_are_written_without_exponents():
    assert pct(1.2e-7) == "0.000012%"
    assert exact(2.5e-05) == "0.000025"
    assert exact(60000) == "60,000"
    assert number(14.18) == "14.2"
    assert number(0.0000347) == "0.0000347"
    assert number(777594.4) == "777,594"


def test_policy_measures_and_options_in_words():
    import pandas as pd

    names = {"outcome.intense_crisis": "Escalation at rung 14 or higher",
             "max.world.escalation_level": "peak escalation level"}
    assert measure_label("P(intense_crisis)", names.get) == "P(Escalation at rung 14 or higher)"
    assert (measure_label("median(max.world.escalation_level)", names.get)
            == "median peak escalation level")
    table = pd.DataFrame([{"measure": "P(intense_crisis)", "value": "secondary_sanctions",
                           "baseline": "targeted_designations", "estimate": 0.5,
                           "baseline_estimate": 0.3}])
    named = labelled_comparison(table, names.get)
    assert named.to_dict("records") == [{
        "measure": "P(Escalation at rung 14 or higher)", "value": "secondary sanctions",
        "baseline": "targeted designations", "estimate": 0.5, "baseline_estimate": 0.3}]


def test_custom_threshold_is_labelled_in_words(nk_batch):
    batch = load_batch(nk_batch)
    threshold = parse_threshold("max.north_korea.troops_abroad>=60000", batch.runs, batch.label)
    assert threshold.label == "North Korea's peak troops abroad >= 60,000"
    assert parse_threshold("max.russia.strain>0.3", batch.runs).label == (
        "max.russia.strain > 0.3")  # without a labeller: the column, for scripts
