"""Text that users supply, made harmless for each place Brink shows or writes it.

User text is anything a scenario file, an exercise file, a move log or a person in the room
supplies: titles, briefings, teaching notes, actor, theatre and parameter names, inject texts
and senders, lever labels, outcome names, team rationales, facilitator notes, discussion
answers, branch and exercise names, file names. It reaches people through five kinds of
output, each with one function here that every output of that kind uses
(docs/reference/limits.md, "Reports and what users paste"):

- ``markdown``: Streamlit's st.markdown, captions, messages, widget labels and st.table cells,
  and the Markdown report. The text keeps its light formatting (paragraphs, lists, bold,
  italics, headings) but cannot fetch or link anything: no image (inline or reference-style),
  no link, no autolink, no raw HTML, no HTML entity, no LaTeX, no Streamlit directive such as
  ``:red[...]``. The characters that would start one are escaped, so they show as typed; an
  invisible word joiner (U+2060) goes inside "//", "www." and before "@", which GitHub-flavored
  Markdown would otherwise turn into links whatever the escapes.
- ``html``: the HTML reports and handouts (``html.escape``, quotes included).
- ``terminal``: what ``brink`` prints. Control characters (C0 and C1, DEL: so every escape
  sequence, ANSI colours, OSC 8 hyperlinks and window titles, bell, backspace, carriage
  return) and the bidirectional-override characters (U+202A-U+202E, U+2066-U+2069 and the
  marks) are shown as visible escapes such as ``\\x1b`` and ``\\u202e`` instead of being sent
  to the terminal. ``one_line`` also folds line breaks, for a cell of a table.
- ``csv_cell`` / ``csv_frame``: every CSV file Brink writes. A text cell that a spreadsheet
  would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return: OWASP's CSV-injection list) gets a leading ``'``. Numbers are never touched, nor is
  text that is only a number (``-0.25``, ``+3``, ``-1e-05``), so figures stay figures.

The engine imports nothing from ui/ or analysis/; both import this module.
"""

from __future__ import annotations

import html as _html
import re

import pandas as pd

# --- Markdown (Streamlit and the Markdown report) -----------------------------------------------

# Each character or sequence that can start a link, an image, raw HTML, an entity, LaTeX, a
# Streamlit directive or a code span, with what replaces it. The backslash comes first so that
# a backslash the user typed cannot cancel an escape added here.
_MD_CHARS = {
    "\\": "\\\\",
    "&": "&amp;",   # entities show as typed ("&lt;" stays "&lt;")
    "<": "&lt;",    # raw HTML and <autolinks>: an entity, understood by every Markdown renderer
    "[": "\\[",     # links, images (inline and reference-style), definitions, directives
    "]": "\\]",
    "`": "\\`",     # code spans would show the escapes above literally
    "$": "\\$",     # LaTeX in Streamlit and on GitHub
    "@": "\u2060@",  # e-mail autolinks (see below)
}
_MD_ESCAPE = re.compile("|".join(re.escape(c) for c in _MD_CHARS))
# Autolinks without brackets: "http://", "www." and "name@host" (GitHub-flavored Markdown),
# "//host" (linkify in other viewers). GFM finds them in the text after escapes are resolved
# (remark-gfm in Streamlit, cmark-gfm on GitHub), so a backslash cannot stop them: an invisible
# word joiner between the two slashes, after "www" and before "@" does.
JOINER = "\u2060"
_MD_SLASHES = re.compile(r"(?<=/)/")
_MD_WWW = re.compile(r"(?i)\b(www)\.")


def markdown(text) -> str:
    """``text`` as Markdown that shows it as typed (formatting aside) and loads nothing."""
    text = _MD_ESCAPE.sub(lambda m: _MD_CHARS[m.group()], str(text))
    text = _MD_SLASHES.sub(JOINER + "/", text)
    return _MD_WWW.sub(r"\1" + JOINER + ".", text)


def markdown_line(text) -> str:
    """``markdown`` on one line (a heading, a table cell, a label): line breaks become spaces."""
    return markdown(" ".join(str(text).split()))


# --- HTML --------------------------------------------------------------------------------------


def html(text) -> str:
    """``text`` for an HTML element or attribute value."""
    return _html.escape(str(text), quote=True)


# --- terminals ---------------------------------------------------------------------------------

# C0 controls but tab and newline, DEL, C1 controls, the bidirectional marks, embeddings,
# overrides and isolates, and the Unicode line and paragraph separators.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _visible(match: re.Match) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def terminal(text) -> str:
    """``text`` safe to print: every control character (so every escape sequence) and every
    bidirectional control shown as a visible escape (``\\x1b``, ``\\u202e``); tabs and line
    breaks kept."""
    return _TERMINAL_UNSAFE.sub(_visible, str(text))


def one_line(text) -> str:
    """``terminal`` for one cell of a printed table: line breaks and tabs become spaces."""
    return terminal(re.sub(r"[\t\r\n]+", " ", str(text)))


# --- CSV ---------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value):
    """A CSV cell that no spreadsheet reads as a formula: a text starting with one of
    ``FORMULA_STARTS`` gets a leading ``'``, unless it is only a number; anything else is
    returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(
            value):
        return "'" + value
    return value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` ready for ``to_csv``: ``csv_cell`` on every text cell and column
    name. Numeric columns are left as they are."""
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
            out[column] = out[column].map(csv_cell)
    out.columns = [csv_cell(c) for c in out.columns]
    return out
