"""Writing a report (sections of paragraphs, tables and altair figures) as one self-contained
HTML file or as Markdown with PNG figures.

HTML: the Vega, Vega-Lite and Vega-Embed libraries are inlined from vl-convert's bundle and
every chart spec is inlined as JSON, so the file opens offline and asks no network address for
anything. A Content-Security-Policy in the page forbids any fetch as a second line of defence:
if a future chart referred to a URL, the browser would refuse it rather than leak a request.
Charts stay interactive (tooltips, legend highlighting, zoom).

Markdown: one PNG per figure (vl-convert renders it without a browser) in a ``<stem>_files``
folder beside the ``.md`` file, linked relatively so the folder can be moved as a whole. Every
piece of text goes through ``engine.narrate.safe_text.markdown`` (titles, cells and captions on one
line): names, outcome and lever labels come from the scenario, and a Markdown viewer must show
them as written, not run raw HTML or fetch an image or link they spell. The figures' own
links are the only ones in the file (an image per figure).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd

from engine.narrate.safe_text import markdown, markdown_line


@dataclass
class Table:
    frame: pd.DataFrame  # cells already formatted as text
    caption: str = ""


@dataclass
class Figure:
    name: str  # file-name friendly, unique within the report
    chart: alt.TopLevelMixin
    caption: str = ""


@dataclass
class Notice:
    """A paragraph the reader must not miss (a warning), set apart from the text around it."""

    text: str


Block = str | Table | Figure | Notice  # a str is a paragraph


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    title: str
    sections: list[Section]


def vegalite_version() -> str | None:
    """The Vega-Lite version altair writes specs for, as vl-convert names it (e.g. "6.4"),
    or None (vl-convert's latest) when this vl-convert does not ship it."""
    import vl_convert

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return version if version in vl_convert.get_vegalite_versions() else None


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec without its ``$schema`` URL (nothing in the page is a URL)."""
    spec = chart.to_dict()
    spec.pop("$schema", None)
    return spec


# --- HTML --------------------------------------------------------------------------------------

CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
       "style-src 'unsafe-inline'; img-src data: blob:; font-src data:")
# Vega compiles its expressions with Function(), hence 'unsafe-eval'; vega-embed injects a
# style element, hence inline styles.

STYLE = """
.notice { background: #fff4ce; border-left: 4px solid #d89b00; padding: 0.6em 1em;
          color: #4a3b00; }
body { font: 15px/1.5 system-ui, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 13px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e4e4e4; text-align: left; }
th { background: #f4f4f4; } caption { text-align: left; font-weight: 600; padding: 4px 0; }
figure { margin: 1em 0 2em; } figcaption { color: #555; font-size: 13px; }
nav a { margin-right: 1em; } .chart-error { color: #b00; }
"""

EMBED = """
document.querySelectorAll("div[data-spec]").forEach(function (div) {
  var spec = JSON.parse(document.getElementById(div.dataset.spec).textContent);
  vegaEmbed(div, spec, {actions: false, renderer: "svg"}).catch(function (err) {
    div.className += " chart-error";
    div.textContent = "This chart could not be drawn: " + err;
    console.error(err);
  });
});
"""


def _script_json(data) -> str:
    """JSON safe inside a <script> element ("<" escaped, so no "</script>" can end it)."""
    return json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def render_html(report: Report) -> str:
    import vl_convert

    bundle = vl_convert.javascript_bundle(vl_version=vegalite_version())
    nav = " ".join(f'<a href="#{slug(s.title)}">{html.escape(s.title)}</a>'
                   for s in report.sections)
    body = [f"<h1>{html.escape(report.title)}</h1>", f"<nav>{nav}</nav>"]
    for section in report.sections:
        body.append(f'<h2 id="{slug(section.title)}">{html.escape(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, str):
                body.append(f"<p>{html.escape(block)}</p>")
            elif isinstance(block, Notice):
                body.append(f'<p class="notice">{html.escape(block.text)}</p>')
            elif isinstance(block, Table):
                table = block.frame.to_html(index=False, border=0, escape=True)
                if block.caption:  # pandas writes no caption; it goes right after <table ...>
                    start = table.index(">") + 1
                    table = (f"{table[:start]}<caption>{html.escape(block.caption)}</caption>"
                             f"{table[start:]}")
                body.append(table)
            else:
                spec_id = f"spec-{block.name}"
                body.append(
                    f'<figure><div class="chart" data-spec="{spec_id}"></div>'
                    f"<figcaption>{html.escape(block.caption)}</figcaption></figure>"
                    f'<script type="application/json" id="{spec_id}">'
                    f"{_script_json(chart_spec(block.chart))}</script>")
    return "\n".join([
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>{html.escape(report.title)}</title>", f"<style>{STYLE}</style>",
        f"<script>{bundle}</script>", "</head>", "<body>", *body,
        f"<script>{EMBED}</script>", "</body>", "</html>", ""])


# --- Markdown ----------------------------------------------------------------------------------


def _md_cell(value) -> str:
    return markdown_line(value).replace("|", "\\|")


def markdown_table(frame: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(_md_cell(c) for c in frame.columns) + " |",
             "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def write_markdown(report: Report, out: Path) -> list[Path]:
    """Write ``out`` (.md) and its figures in ``<stem>_files/``; return the files written."""
    import vl_convert

    figures = out.with_name(out.stem + "_files")
    figures.mkdir(parents=True, exist_ok=True)
    version = vegalite_version()
    written = []
    lines = [f"# {markdown_line(report.title)}", ""]
    for section in report.sections:
        lines += [f"## {markdown_line(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, str):
                lines += [markdown(block), ""]
            elif isinstance(block, Notice):
                lines += [f"> **Note.** {markdown_line(block.text)}", ""]
            elif isinstance(block, Table):
                if block.caption:
                    lines += [f"**{markdown_line(block.caption)}**", ""]
                lines += [markdown_table(block.frame), ""]
            else:
                png = figures / f"{block.name}.png"
                png.write_bytes(vl_convert.vegalite_to_png(chart_spec(block.chart),
                                                           vl_version=version, scale=2))
                written.append(png)
                caption = markdown_line(block.caption)
                lines += [f"![{caption}]({figures.name}/{png.name})", "", f"*{caption}*", ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    return [out, *written]


def write_report(report: Report, out: Path, fmt: str) -> list[Path]:
    """Write ``report`` to ``out`` as "html" or "md"; return the files written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "md":
        return write_markdown(report, out)
    out.write_text(render_html(report), encoding="utf-8")
    return [out]
